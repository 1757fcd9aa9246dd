//! Putting the readers together: question → semantic query, with a confidence.
//!
//! The readers run in an order that settles ambiguous words: spelling correction, topics
//! without a tool, periods and comparisons, rankings, cued groupings ("by store"), values of
//! the data ("online vs store"), measures, then the remaining dimension words. Whatever is
//! left and is not a filler lowers the confidence; a question with no sales cue at all, or
//! with more unknown words than known ones, is not understood (never a silent guess).

use analyst_core::query::OrderField;
use analyst_core::{Compare, CompareKind, Measure, OrderBy, SemanticQuery};
use chrono::NaiveDate;

use crate::dimensions;
use crate::lexicon::{self, SALES_CUES};
use crate::measures;
use crate::reading::{Reading, release_dimension_words};
use crate::text::{self, Tokens, singular};
use crate::vocabulary::{Strength, ValueIndex, values_containing};
use crate::{Understanding, Vocabulary, ranking, spelling, thai, time, topics};

/// See [`crate::understand`].
pub(crate) fn understand(
    question: &str,
    today: NaiveDate,
    vocabulary: &Vocabulary,
) -> Understanding {
    let index = ValueIndex::build(vocabulary);
    let mut tokens = Tokens::new(&thai::translate(&text::fold(question), &index.thai));
    if tokens.is_empty() {
        return not_understood(
            "Ask me a question about sales, for example revenue by store last month.".into(),
            vocabulary,
        );
    }
    let corrections = spelling::correct(&mut tokens, &lexicon::known_words(&index));
    if let Some(message) = topics::unsupported(&tokens) {
        return not_understood(message, vocabulary);
    }

    let time = time::read(&mut tokens, today);
    let ranking = ranking::read(&mut tokens);
    let mut grouped = dimensions::read_cued(&mut tokens);
    let skip: Vec<bool> = (0..tokens.len())
        .map(|i| {
            let word = tokens.word(i);
            lexicon::is_stopword(word)
                || measures::is_measure_word(&tokens, i)
                || (dimensions::single_word_dimension(word).is_some() && singular(word) != word)
        })
        .collect();
    let mut values = index.find(&mut tokens, &|i| skip.get(i).copied().unwrap_or(true));
    release_dimension_words(&mut tokens, &mut values);
    let measure_words = measures::read(&mut tokens);
    dimensions::read_rest(&mut tokens, &values, &mut grouped);

    let mut reading = Reading {
        measures: Vec::new(),
        assumed_measure: false,
        dimensions: Vec::new(),
        filters: Vec::new(),
    };
    reading.read_measures(&tokens, &measure_words, ranking.implied);
    reading.read_dimensions(&mut tokens, &grouped, &values);

    // Unknown words decide between a query and an honest "not understood".
    let unknown: Vec<String> = tokens
        .free_indices()
        .map(|i| tokens.word(i).to_string())
        .filter(|word| !lexicon::is_filler(word))
        .collect();
    let known = (0..tokens.len())
        .filter(|i| !tokens.is_free(*i) && !lexicon::is_filler(tokens.word(*i)))
        .count();
    let sales_cue = tokens
        .words()
        .iter()
        .any(|w| SALES_CUES.contains(&w.as_str()));
    let anything = !measure_words.is_empty()
        || ranking.implied.is_some()
        || !reading.dimensions.is_empty()
        || !values.is_empty()
        || sales_cue;
    let named_measure = !measure_words.is_empty() || ranking.implied.is_some();
    // An unknown word where a value or grouping goes ("revenue for Strdie") would silently
    // change the answer: say which word is unknown instead.
    let unknown_slot = tokens.free_indices().any(|i| {
        !lexicon::is_filler(tokens.word(i))
            && matches!(
                tokens.before(i),
                "for" | "in" | "at" | "of" | "from" | "by" | "per"
            )
    });
    if !anything
        || unknown_slot
        || (!named_measure && !sales_cue && !unknown.is_empty())
        || (unknown.len() >= 3 && unknown.len() > known)
    {
        return not_understood(unknown_message(&unknown, vocabulary), vocabulary);
    }

    let mut query = SemanticQuery::sales(reading.measures.clone());
    query.dimensions = reading.dimensions.clone();
    query.filters = reading.filters.clone();
    query.period = time.period;
    query.compare = time
        .compare
        .or_else(|| {
            tokens
                .words()
                .iter()
                .any(|w| matches!(w.as_str(), "growth" | "grew" | "change" | "changed"))
                .then_some(CompareKind::PreviousPeriod)
        })
        .map(|kind| Compare { kind });
    if ranking.desc.is_some() || ranking.limit.is_some() {
        let ranked = measure_words
            .iter()
            .find(|m| m.ranks)
            .map(|m| m.measure)
            .or_else(|| query.measures.first().copied())
            .unwrap_or(Measure::Revenue);
        query.order = vec![OrderBy {
            field: OrderField::Measure(ranked),
            desc: ranking.desc.unwrap_or(true),
        }];
        query.limit = ranking.limit;
    }

    let mut confidence = 0.97 - 0.15 * unknown.len() as f64 - 0.03 * corrections as f64;
    if reading.assumed_measure {
        confidence -= 0.12;
    }
    confidence -= 0.05
        * values
            .iter()
            .filter(|v| v.strength == Strength::Prefix)
            .count() as f64;
    confidence -= 0.08 * grouped.iter().filter(|g| g.guessed).count() as f64;
    if tokens.truncated > 0 {
        confidence -= 0.1;
    }
    let confidence = (confidence.clamp(0.05, 0.99) * 100.0).round() / 100.0;
    Understanding::Query { query, confidence }
}

fn unknown_message(unknown: &[String], vocabulary: &Vocabulary) -> String {
    let mut message = String::from("I could not read this as a sales question");
    if !unknown.is_empty() {
        let shown: Vec<String> = unknown.iter().take(5).map(|w| format!("\"{w}\"")).collect();
        message.push_str(&format!(" (I do not know {})", shown.join(", ")));
    }
    // "Siam" could be a store, a brand or a company: name them so the user can choose.
    for word in unknown.iter().take(3) {
        let candidates = values_containing(vocabulary, word, 4);
        if !candidates.is_empty() {
            let named: Vec<String> = candidates
                .iter()
                .map(|(dimension, value)| format!("{value} ({dimension})"))
                .collect();
            message.push_str(&format!(". \"{word}\" could be: {}", named.join(", ")));
        }
    }
    message.push_str(
        ". I answer questions about sales: revenue, units, orders, customers, margin, \
         discounts and returns, by store, brand, category, channel, period and more.",
    );
    message
}

fn not_understood(message: String, vocabulary: &Vocabulary) -> Understanding {
    Understanding::NotUnderstood {
        message,
        suggestions: topics::suggestions(vocabulary),
    }
}
