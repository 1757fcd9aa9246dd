//! The parts of the query read from the words: measures (with their defaults), groupings
//! and filters. Filters follow a few rules of phrasing: a "Category / Subcategory" path keeps
//! the subcategory; values of one dimension compared side by side ("online vs store") also
//! group by it; "excluding X" excludes; a share ("share of revenue from marketplace") groups
//! by the dimension instead of filtering; a trend without a time grain is monthly.

use analyst_core::{Dimension, Filter, FilterOp, Measure};

use crate::dimensions::{self, DimensionWord};
use crate::measures::MeasureWord;
use crate::text::Tokens;
use crate::vocabulary::ValueMatch;

/// The parts of the query read from the words.
pub(crate) struct Reading {
    pub(crate) measures: Vec<Measure>,
    pub(crate) assumed_measure: bool,
    pub(crate) dimensions: Vec<Dimension>,
    pub(crate) filters: Vec<Filter>,
}

impl Reading {
    pub(crate) fn read_measures(
        &mut self,
        tokens: &Tokens,
        found: &[MeasureWord],
        implied: Option<Measure>,
    ) {
        for word in found {
            if !self.measures.contains(&word.measure) {
                self.measures.push(word.measure);
            }
        }
        if !self.measures.is_empty() {
            return;
        }
        let words = tokens.words();
        let how_many = words
            .windows(2)
            .any(|pair| pair[0] == "how" && pair[1] == "many");
        let how_much = words
            .windows(2)
            .any(|pair| pair[0] == "how" && pair[1] == "much");
        let sold = words
            .iter()
            .any(|w| matches!(w.as_str(), "sell" | "sold" | "selling" | "sells"));
        let measure = match implied {
            Some(measure) => measure,
            None if how_many && sold => Measure::Units,
            None => {
                self.assumed_measure = !(how_much && sold);
                Measure::Revenue
            }
        };
        self.measures.push(measure);
    }

    pub(crate) fn read_dimensions(
        &mut self,
        tokens: &mut Tokens,
        grouped: &[DimensionWord],
        values: &[ValueMatch],
    ) {
        for word in grouped {
            if !self.dimensions.contains(&word.dimension) {
                self.dimensions.push(word.dimension);
            }
        }
        // "Footwear / Running": the subcategory says it all.
        let mut kept: Vec<&ValueMatch> = Vec::new();
        for (position, value) in values.iter().enumerate() {
            let slash = value.start + value.len;
            let path = value.dimension == Dimension::Category
                && matches!(tokens.word(slash), "/" | ">")
                && values.get(position + 1).is_some_and(|next| {
                    next.dimension == Dimension::Subcategory && next.start == slash + 1
                });
            if path {
                tokens.take(slash, 1);
            } else {
                kept.push(value);
            }
        }
        // "online vs store", "compare Stride and Aero": values of one dimension side by side.
        let comparing = tokens.words().iter().any(|w| {
            matches!(
                w.as_str(),
                "compare" | "comparing" | "comparison" | "between"
            )
        });
        for pair in kept.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let between = a.start + a.len..b.start;
            let linked = a.dimension == b.dimension
                && !between.is_empty()
                && between.clone().all(|i| {
                    matches!(
                        tokens.word(i),
                        "vs" | "versus" | "against" | "or" | "compared" | "with" | "to" | "and"
                    )
                })
                && (between.clone().any(|i| {
                    matches!(
                        tokens.word(i),
                        "vs" | "versus" | "against" | "compared" | "or"
                    )
                }) || comparing);
            if linked {
                tokens.take(between.start, between.len());
                if !self.dimensions.contains(&a.dimension) {
                    self.dimensions.push(a.dimension);
                }
            }
        }
        let mut excluded_before: Option<(Dimension, usize)> = None;
        for value in &kept {
            let op = if excluded(tokens, value, excluded_before) {
                excluded_before = Some((value.dimension, value.start + value.len));
                FilterOp::NotIn
            } else {
                FilterOp::In
            };
            let existing = self
                .filters
                .iter_mut()
                .find(|f| f.field == value.dimension && f.op == op);
            match existing {
                Some(filter) if filter.values.contains(&value.value) => {}
                Some(filter) => filter.values.push(value.value.clone()),
                None => self.filters.push(Filter {
                    field: value.dimension,
                    op,
                    values: vec![value.value.clone()],
                }),
            }
        }
        let words = tokens.words();
        // "share of revenue from marketplace": the share needs every channel.
        let share = words
            .iter()
            .any(|w| matches!(w.as_str(), "share" | "mix" | "contribution" | "proportion"))
            || words
                .windows(2)
                .any(|p| matches!(p[0].as_str(), "%" | "percentage" | "percent") && p[1] == "of");
        if share
            && self.dimensions.iter().all(|d| d.is_time())
            && let Some(last) = kept.last()
        {
            let dimension = last.dimension;
            self.filters.retain(|f| f.field != dimension);
            self.dimensions.push(dimension);
        }
        let trend = words.iter().any(|w| {
            matches!(
                w.as_str(),
                "trend" | "trends" | "trending" | "evolution" | "history"
            )
        }) || words.windows(2).any(|p| p[0] == "over" && p[1] == "time");
        if trend && !self.dimensions.iter().any(|d| d.is_time()) {
            self.dimensions.push(Dimension::Month);
        }
    }
}

/// Words that turn the next value into an exclusion ("excluding wholesale").
pub(crate) const EXCLUDING: &[&str] = &["excluding", "exclude", "excl", "except", "without", "not"];

/// Whether the value is excluded: an excluding word right before it (possibly "the"), or it
/// continues a list of excluded values of its dimension ("except online and marketplace").
/// The excluding words are taken.
fn excluded(tokens: &mut Tokens, value: &ValueMatch, previous: Option<(Dimension, usize)>) -> bool {
    let mut i = value.start;
    let mut steps = 0;
    while let Some(before) = i.checked_sub(1) {
        let word = tokens.word(before);
        if EXCLUDING.contains(&word) {
            let end = if word == "not" && tokens.word(before + 1) == "in" {
                2
            } else {
                1
            };
            tokens.take(before, end);
            return true;
        }
        let continues = matches!(word, "and" | "or" | "nor")
            && previous
                .is_some_and(|(dimension, end)| dimension == value.dimension && end == before);
        if continues {
            return true;
        }
        steps += 1;
        if steps > 2 || !matches!(word, "the" | "in") {
            return false;
        }
        i = before;
    }
    false
}

/// A dimension word taken for a value next to a value of its own dimension is the word
/// ("สาขาภูเก็ต" → "store Phuket Central"): give it back to the dimension reader.
pub(crate) fn release_dimension_words(tokens: &mut Tokens, values: &mut Vec<ValueMatch>) {
    let own_neighbour = |value: &ValueMatch, values: &[ValueMatch]| {
        let Some(dimension) = dimensions::single_word_dimension(tokens.word(value.start)) else {
            return false;
        };
        value.len == 1
            && dimension != value.dimension
            && values.iter().any(|other| {
                other.dimension == dimension
                    && (other.start == value.start + 1 || other.start + other.len == value.start)
            })
    };
    let released: Vec<usize> = values
        .iter()
        .filter(|value| own_neighbour(value, values))
        .map(|value| value.start)
        .collect();
    for start in &released {
        tokens.release(*start);
    }
    values.retain(|value| !released.contains(&value.start));
}
