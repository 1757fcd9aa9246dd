//! Deterministic understanding of questions: text + today + the vocabulary of the data →
//! a [`SemanticQuery`] with a confidence, or an honest "not understood" with suggestions.
//!
//! It reads `sales_by_dimension` questions in English and Thai (measures, groupings, filters
//! on any value of the data with aliases, typos and plural/singular, periods, comparisons and
//! rankings) and the questions of the other tools (stock cover, dead stock, reorders,
//! velocity, sell-through, helpdesk, receivables…) with their parameters. Names of several
//! dimensions ("Peak") get a clarifying question; unknown subjects are declined with examples.

mod aliases;
mod calendar;
mod clarify;
mod compare;
mod describe;
mod dimensions;
mod fiscal;
mod followup;
mod intents;
mod lexicon;
mod measures;
mod parse;
mod points;
mod prepared;
mod ranking;
mod reading;
mod spelling;
mod synonyms;
mod text;
mod thai;
mod time;
mod tool_params;
mod topics;
mod vocabulary;

use std::collections::BTreeMap;

use analyst_core::{Dimension, Measure, SemanticQuery};
use chrono::NaiveDate;

pub use aliases::default_aliases;
pub use describe::describe;
pub use followup::{FollowUp, follow_up};
pub use prepared::Prepared;
pub use synonyms::{default_seasons, measure_phrase};

/// Reads a question asked on `today` against the words of the data. Never panics, whatever
/// the input; a question it cannot read comes back as [`Understanding::NotUnderstood`].
pub fn understand(question: &str, today: NaiveDate, vocabulary: &Vocabulary) -> Understanding {
    parse::understand(question, today, vocabulary)
}

/// The words of the data and of the business: known values of each categorical dimension
/// (from the store), their aliases, and the dictionary's synonyms and seasons.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// Canonical values per dimension, exactly as stored (e.g. brand → ["Stride", …]).
    pub values: BTreeMap<Dimension, Vec<String>>,
    /// Other ways users name a value: (alias, dimension, canonical value), e.g. ("STR", brand, "Stride").
    pub aliases: Vec<(String, Dimension, String)>,
    /// Other words for a dimension, e.g. ("outlet", store), ("สาขา", store).
    pub dimension_synonyms: Vec<(String, Dimension)>,
    /// Other words for a measure, e.g. ("takings", revenue), ("AOV", avg_order_value).
    pub measure_synonyms: Vec<(String, Measure)>,
    /// Seasons with their dates, so that "during AW25" is a period.
    pub seasons: Vec<Season>,
    /// The month (1-12) fiscal years start in, for "this fiscal year", "FY2026"…; 0 (the
    /// default) or anything outside 1-12 means January.
    pub fiscal_year_start_month: u32,
    /// Built from the fields above at the first question (leave it to its default).
    pub prepared: Prepared,
}

/// A season of the dictionary (seed 000's `ai.analyst.season.config`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Season {
    /// The code users type and products are tagged with, e.g. "AW25".
    pub code: String,
    pub name: String,
    pub start: NaiveDate,
    /// Inclusive.
    pub end: NaiveDate,
    /// The product season tag it covers.
    pub tag: String,
}

/// Below this confidence a reading is not answered: the analyst says what it did not
/// understand instead of guessing.
pub const CONFIDENCE_THRESHOLD: f64 = 0.5;

/// One answer to a clarifying question: what it means and the question to ask instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// E.g. "brand Peak Motion".
    pub label: String,
    /// The question with the ambiguous words replaced, ready to be asked again.
    pub question: String,
}

/// The result of reading a question.
#[derive(Debug, Clone, PartialEq)]
pub enum Understanding {
    /// The question maps to this query; `confidence` is 0-1.
    Query {
        query: SemanticQuery,
        confidence: f64,
    },
    /// Words name values of several dimensions: one question, with the readings to choose from.
    Clarify {
        question: String,
        choices: Vec<Choice>,
    },
    /// The question is outside what the deterministic analyst reads; never a silent guess.
    NotUnderstood {
        message: String,
        suggestions: Vec<String>,
    },
}
