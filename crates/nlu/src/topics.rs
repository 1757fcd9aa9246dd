//! Questions for tools that do not exist yet (stock, dead stock, reorders, sell-through,
//! velocity, helpdesk, invoices, forecasts) and the examples offered when a question is not
//! understood. Such questions are declined honestly, never answered as a sales query.

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
        phrases: &[
            &["dead", "stock"],
            &["no", "sales", "for"],
            &["no", "sales", "in"],
            &["without", "sales"],
            &["slow", "moving"],
            &["slow", "movers"],
            &["non", "moving"],
        ],
        what: "Dead-stock questions (products with no sales for a long time)",
    },
    Topic {
        phrases: &[
            &["reorder"],
            &["reorders"],
            &["re", "order"],
            &["replenish"],
            &["replenishment"],
            &["restock"],
            &["purchase", "order"],
            &["purchase", "orders"],
            &["what", "to", "order"],
            &["what", "should", "we", "order"],
            &["what", "should", "i", "order"],
            &["buy", "more"],
        ],
        what: "Reorder suggestions and purchase-order questions",
    },
    Topic {
        phrases: &[
            &["stock"],
            &["stocks"],
            &["inventory"],
            &["inventories"],
            &["on", "hand"],
            &["stockout"],
            &["stockouts"],
            &["run", "out"],
            &["running", "out"],
            &["runs", "out"],
            &["overstock"],
            &["coverage"],
        ],
        what: "Stock questions (stock on hand, stock cover, products about to run out)",
    },
    Topic {
        phrases: &[&["sell", "through"], &["sellthrough"], &["sell", "thru"]],
        what: "Season performance and sell-through questions",
    },
    Topic {
        phrases: &[
            &["velocity"],
            &["rate", "of", "sale"],
            &["rate", "of", "sales"],
        ],
        what: "Buying-velocity questions",
    },
    Topic {
        phrases: &[
            &["helpdesk"],
            &["help", "desk"],
            &["ticket"],
            &["tickets"],
            &["sla"],
            &["complaint"],
            &["complaints"],
        ],
        what: "Helpdesk questions (tickets, teams, SLA)",
    },
    Topic {
        phrases: &[
            &["invoice"],
            &["invoices"],
            &["overdue"],
            &["receivable"],
            &["receivables"],
            &["payable"],
            &["payables"],
            &["unpaid"],
            &["payment"],
            &["payments"],
            &["aging"],
            &["ageing"],
        ],
        what: "Invoice and payment questions",
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
                    && !exception(tokens, i, phrase)
            })
        })
    })?;
    Some(format!(
        "{} are answered by a tool that is not available yet. For now I answer questions \
         about sales: revenue, units, orders, customers, margin, discounts and returns, by \
         store, brand, category, channel, period and more.",
        found.what
    ))
}

/// Words that look like a topic but are not: "average ticket" (order value), "never out of
/// stock" (the Core season).
fn exception(tokens: &Tokens, i: usize, phrase: &[&str]) -> bool {
    match phrase {
        ["ticket"] | ["tickets"] => {
            matches!(tokens.before(i), "average" | "avg") || tokens.word(i + 1) == "size"
        }
        ["stock"] => {
            tokens.before(i) == "of"
                && tokens.word(i.saturating_sub(2)) == "out"
                && tokens.word(i.saturating_sub(3)) == "never"
        }
        _ => false,
    }
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
