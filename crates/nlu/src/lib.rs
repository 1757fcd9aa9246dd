//! Deterministic understanding of questions: text + today + the vocabulary of the data →
//! a [`SemanticQuery`] with a confidence, or an honest "not understood" with suggestions.
//!
//! v1 reads `sales_by_dimension` questions in English and Thai: measures, groupings, filters
//! on any value of the data (aliases, typos, plural/singular), periods, comparisons and
//! rankings. Questions for tools that do not exist yet are declined with examples.

mod aliases;
mod calendar;
mod compare;
mod dimensions;
mod lexicon;
mod measures;
mod parse;
mod points;
mod ranking;
mod reading;
mod spelling;
mod text;
mod thai;
mod time;
mod topics;
mod vocabulary;

use std::collections::BTreeMap;

use analyst_core::{Dimension, SemanticQuery};
use chrono::NaiveDate;

pub use aliases::default_aliases;

/// Reads a question asked on `today` against the words of the data. Never panics, whatever
/// the input; a question it cannot read comes back as [`Understanding::NotUnderstood`].
pub fn understand(question: &str, today: NaiveDate, vocabulary: &Vocabulary) -> Understanding {
    parse::understand(question, today, vocabulary)
}

/// Known values of each categorical dimension (from the store) and their aliases.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// Canonical values per dimension, exactly as stored (e.g. brand → ["Stride", …]).
    pub values: BTreeMap<Dimension, Vec<String>>,
    /// Other ways users name a value: (alias, dimension, canonical value), e.g. ("STR", brand, "Stride").
    pub aliases: Vec<(String, Dimension, String)>,
}

/// The result of reading a question.
#[derive(Debug, Clone, PartialEq)]
pub enum Understanding {
    /// The question maps to this query; `confidence` is 0-1.
    Query {
        query: SemanticQuery,
        confidence: f64,
    },
    /// The question is outside what the deterministic analyst reads; never a silent guess.
    NotUnderstood {
        message: String,
        suggestions: Vec<String>,
    },
}
