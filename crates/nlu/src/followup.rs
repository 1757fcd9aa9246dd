//! Follow-ups: a short question that changes the previous query of the conversation ("and by
//! store?", "only online", "what about last year?", "show the top 20", "drill into Stride",
//! "same for Chiang Mai", "what about units?").
//!
//! A question is a follow-up when it starts with a follow-up word ("and", "what about",
//! "only", "same", "drill"…) or names no measure and no tool of its own; a question that
//! stands on its own is read on its own. What the follow-up names replaces the same part of
//! the previous query: a grouping the grouping ("also"/"too" add to it), a value the filter
//! on its dimension, a period the period. "Drill into X" filters on X and groups one level
//! down (brand → product, category → subcategory…).

use analyst_core::query::OrderField;
use analyst_core::{Compare, Dimension, Measure, OrderBy, SemanticQuery, Tool};
use chrono::NaiveDate;

use crate::parse::{Parts, read};
use crate::{Vocabulary, describe};

/// A follow-up read in the context of the previous query.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUp {
    pub query: SemanticQuery,
    pub confidence: f64,
    /// How it was read, in words, e.g. "revenue by store, channel online, last month".
    pub reading: String,
}

/// Words that open a follow-up.
const OPENERS: &[&str] = &[
    "and", "what", "how", "same", "only", "just", "now", "drill", "also", "but", "then", "instead",
    "zoom", "break", "split", "show", "focus", "restrict", "limit", "filter",
];
/// Words of follow-ups that carry nothing once the parts are read.
const FOLLOW_UP_WORDS: &[&str] = &[
    "and",
    "what",
    "about",
    "how",
    "same",
    "only",
    "just",
    "now",
    "instead",
    "drill",
    "into",
    "down",
    "show",
    "also",
    "too",
    "as",
    "well",
    "but",
    "then",
    "again",
    "break",
    "it",
    "that",
    "those",
    "them",
    "one",
    "ones",
    "look",
    "at",
    "switch",
    "focus",
    "on",
    "zoom",
    "restrict",
    "limit",
    "filter",
    "rather",
    "in",
    "for",
    "please",
    "thing",
    "split",
    "additionally",
    "up",
];

/// Reads `question` as a follow-up of `previous`; `None` when it stands on its own (or is not
/// a follow-up that can be read).
pub fn follow_up(
    question: &str,
    today: NaiveDate,
    vocabulary: &Vocabulary,
    previous: &SemanticQuery,
) -> Option<FollowUp> {
    let mut parts = read(question, today, vocabulary).ok()?;
    let words = parts.tokens.words().to_vec();
    let opener = words.first().is_some_and(|w| OPENERS.contains(&w.as_str()));
    if parts.names_measure() && !opener {
        return None;
    }
    if parts.tool.is_some_and(|tool| tool != previous.tool) {
        return None;
    }
    let unknown = parts.unknown(&|word| FOLLOW_UP_WORDS.contains(&word));
    if !unknown.is_empty() {
        return None;
    }
    let has = |word: &str| words.iter().any(|w| w == word);
    let adding = has("also") || has("too") || has("additionally") || has("well");
    let drill = has("drill") || has("zoom");
    let mut query = previous.clone();
    let changed = merge(&mut parts, &mut query, today, adding, drill);
    if !changed || query.validate().is_err() {
        return None;
    }
    let confidence = (parts.confidence(0) - 0.05).max(0.05);
    Some(FollowUp {
        reading: describe::describe(&query),
        query,
        confidence,
    })
}

/// Applies the parts to the previous query; whether anything changed.
fn merge(
    parts: &mut Parts,
    query: &mut SemanticQuery,
    today: NaiveDate,
    adding: bool,
    drill: bool,
) -> bool {
    let before = query.clone();
    let fresh = parts.query(today);
    query.params.extend(fresh.params);
    if query.tool == Tool::SalesByDimension && !parts.measure_words.is_empty() {
        let named: Vec<Measure> = fresh.measures.clone();
        if adding || parts.tokens.word(0) == "and" {
            for measure in named {
                if !query.measures.contains(&measure) {
                    query.measures.push(measure);
                }
            }
        } else {
            query.measures = named;
        }
    }
    if !fresh.dimensions.is_empty() {
        if adding {
            for dimension in &fresh.dimensions {
                if !query.dimensions.contains(dimension) {
                    query.dimensions.push(*dimension);
                }
            }
        } else {
            query.dimensions = fresh.dimensions.clone();
        }
    }
    for filter in fresh.filters {
        if drill && let Some(at) = query.dimensions.iter().position(|d| *d == filter.field) {
            match child(filter.field).filter(|c| !query.dimensions.contains(c)) {
                Some(child) => query.dimensions[at] = child,
                None => {
                    query.dimensions.remove(at);
                }
            }
        } else if drill && query.dimensions.is_empty() {
            query.dimensions.extend(child(filter.field));
        }
        query.filters.retain(|f| f.field != filter.field);
        query.filters.push(filter);
    }
    if let Some(period) = fresh.period {
        query.period = Some(period);
    }
    if let Some(kind) = parts.time.compare {
        query.compare = Some(Compare { kind });
    }
    if let Some(limit) = parts.ranking.limit {
        query.limit = Some(limit);
    }
    if query.tool == Tool::SalesByDimension {
        // Order only by what the query still has.
        query.order.retain(|order| match order.field {
            OrderField::Measure(measure) => query.measures.contains(&measure),
            OrderField::Dimension(dimension) => query.dimensions.contains(&dimension),
        });
        if parts.ranking.desc.is_some() || parts.ranking.limit.is_some() {
            let desc = parts
                .ranking
                .desc
                .or(query.order.first().map(|o| o.desc))
                .unwrap_or(true);
            if let Some(measure) = query.measures.first().copied() {
                query.order = vec![OrderBy {
                    field: OrderField::Measure(measure),
                    desc,
                }];
            }
        }
    }
    *query != before
}

/// One level down: what "drill into" a value of this dimension groups by.
fn child(dimension: Dimension) -> Option<Dimension> {
    use Dimension as D;
    Some(match dimension {
        D::Company => D::Store,
        D::Store => D::Brand,
        D::Channel => D::Store,
        D::Brand => D::Product,
        D::Category => D::Subcategory,
        D::Subcategory => D::Product,
        D::Season => D::Category,
        D::Supplier => D::Brand,
        D::Gender => D::Category,
        D::Segment => D::Customer,
        D::Team => D::Stage,
        _ => return None,
    })
}
