//! Questions on subjects without a tool (purchase-order status, forecasts) and the examples
//! offered when a question is not understood. Such questions are declined honestly, never
//! answered as a sales query. Subjects with a tool are read by [`crate::intents`].

use analyst_core::Dimension;

use crate::Vocabulary;
use crate::text::Tokens;

/// A subject the deterministic analyst recognizes but cannot answer yet.
struct Topic {
    /// Single words or phrases that name it.
    phrases: &'static [&'static [&'static str]],
    /// What to tell the user.
    what: &'static str,
}

const TOPICS: &[Topic] = &[
    Topic {
        phrases: &[&["purchase", "order"], &["purchase", "orders"]],
        what: "Purchase-order status questions",
    },
    Topic {
        phrases: &[
            &["forecast"],
            &["forecasts"],
            &["predict"],
            &["prediction"],
            &["projection"],
            &["will"],
            &["next", "week"],
            &["next", "month"],
            &["next", "quarter"],
            &["next", "year"],
        ],
        what: "Forecasts (questions about the future)",
    },
];

/// What to say when the question is about a subject without a tool yet.
pub(crate) fn unsupported(tokens: &Tokens) -> Option<String> {
    let words = tokens.words();
    let found = TOPICS.iter().find(|topic| {
        topic.phrases.iter().any(|phrase| {
            (0..words.len()).any(|i| {
                phrase
                    .iter()
                    .enumerate()
                    .all(|(k, word)| words.get(i + k).is_some_and(|w| w == word))
            })
        })
    })?;
    Some(format!(
        "{} are answered by a tool that is not available yet. I answer questions about \
         sales (revenue, units, orders, customers, margin, discounts and returns, by store, \
         brand, category, channel, period and more), stock cover, dead stock, reorders, \
         sell-through, sales velocity and helpdesk tickets.",
        found.what
    ))
}

/// A few questions the analyst answers, using names from the data when there are some.
pub(crate) fn suggestions(vocabulary: &Vocabulary) -> Vec<String> {
    let first = |dimension: Dimension| {
        vocabulary
            .values
            .get(&dimension)
            .and_then(|values| values.first())
            .cloned()
    };
    let mut list = vec![
        "top 5 brands by revenue last month".to_string(),
        "revenue by store this year".to_string(),
        "margin % by category last quarter".to_string(),
    ];
    list.push(match first(Dimension::Brand) {
        Some(brand) => format!("monthly revenue trend for {brand} this year"),
        None => "monthly revenue trend this year".to_string(),
    });
    list.push("ยอดขายแยกตามแบรนด์เดือนที่แล้ว".to_string());
    list
}

/// Every word this module knows (for spelling correction).
pub(crate) fn words() -> impl Iterator<Item = &'static str> {
    TOPICS.iter().flat_map(|topic| {
        topic
            .phrases
            .iter()
            .flat_map(|phrase| phrase.iter().copied())
    })
}
