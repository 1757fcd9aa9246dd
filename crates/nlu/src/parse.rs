//! Putting the readers together: question → semantic query, with a confidence.
//!
//! The readers run in an order that settles ambiguous words: spelling correction, the tool
//! asked for (or a topic without a tool) and its parameters, periods and comparisons,
//! rankings, cued groupings ("by store"), values of the data ("online vs store"), measures,
//! then the remaining dimension words. Values of several dimensions get a clarifying question.
//! Whatever is left and is not a filler lowers the confidence; a question with no cue at all,
//! with more unknown words than known ones, or below [`CONFIDENCE_THRESHOLD`], is not
//! understood (never a silent guess).

use analyst_core::query::OrderField;
use analyst_core::{
    Compare, CompareKind, Dimension, Filter, Measure, OrderBy, SemanticQuery, Tool,
};
use chrono::NaiveDate;

use serde_json::{Map, Value};

use crate::dimensions::{self, DimensionWord};
use crate::lexicon::{self, SALES_CUES};
use crate::measures::{self, MeasureWord};
use crate::prepared::prepared;
use crate::ranking::Ranking;
use crate::reading::{Reading, release_dimension_words};
use crate::text::{self, Tokens, singular};
use crate::time::TimeReading;
use crate::vocabulary::{Strength, ValueMatch, values_containing};
use crate::{
    CONFIDENCE_THRESHOLD, Understanding, Vocabulary, clarify, intents, ranking, spelling, synonyms,
    thai, time, tool_params, topics,
};

/// Everything the readers found in a question, before deciding what it means.
pub(crate) struct Parts {
    pub(crate) tokens: Tokens,
    pub(crate) corrections: usize,
    pub(crate) tool: Option<Tool>,
    pub(crate) params: Map<String, Value>,
    pub(crate) time: TimeReading,
    pub(crate) ranking: Ranking,
    pub(crate) grouped: Vec<DimensionWord>,
    pub(crate) values: Vec<ValueMatch>,
    pub(crate) measure_words: Vec<MeasureWord>,
    pub(crate) reading: Reading,
}

/// Reads a question into its parts, or settles it at once (empty, a topic without a tool, a
/// name of several dimensions to clarify).
pub(crate) fn read(
    question: &str,
    today: NaiveDate,
    vocabulary: &Vocabulary,
) -> Result<Parts, Box<Understanding>> {
    let compiled = prepared(vocabulary);
    let index = &compiled.index;
    let mut tokens = Tokens::new(&thai::translate(
        &text::fold(question),
        &compiled.thai_names,
    ));
    tokens.rewrite(&compiled.english_synonyms);
    if tokens.is_empty() {
        return Err(Box::new(not_understood(
            "Ask me a question about sales, for example revenue by store last month.".into(),
            vocabulary,
        )));
    }
    let corrections = spelling::correct(&mut tokens, &compiled.known_words);
    let tool = intents::read(&mut tokens);
    if tool.is_none()
        && let Some(message) = topics::unsupported(&tokens)
    {
        return Err(Box::new(not_understood(message, vocabulary)));
    }
    let params = tool
        .map(|tool| tool_params::read(tool, &mut tokens))
        .unwrap_or_default();

    let season = synonyms::read_period(&mut tokens, &vocabulary.seasons, today);
    let mut time = time::read(&mut tokens, today, vocabulary.fiscal_year_start_month);
    let season_tag = match season {
        Some((period, tag)) if time.period.is_none() => {
            time.period = Some(period);
            Some(tag)
        }
        _ => None,
    };
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
    // Helpdesk teams and stages are values of tickets only ("Online Orders" is a team).
    let helpdesk = tool == Some(Tool::HelpdeskSummary);
    let allowed = |dimension: Dimension| {
        dimension.is_helpdesk() == helpdesk
            || (helpdesk && matches!(dimension, Dimension::Company | Dimension::Customer))
    };
    let mut values = index.find(
        &mut tokens,
        &|i| skip.get(i).copied().unwrap_or(true),
        &allowed,
    );
    release_dimension_words(&mut tokens, &mut values);
    if let Some(clarification) = clarify::ask(&tokens, &values, vocabulary, &allowed) {
        return Err(Box::new(clarification));
    }
    let measure_words = measures::read(&mut tokens);
    dimensions::read_rest(&mut tokens, &values, &mut grouped);

    let mut reading = Reading {
        measures: Vec::new(),
        assumed_measure: false,
        dimensions: Vec::new(),
        filters: Vec::new(),
    };
    if tool.is_none() {
        reading.read_measures(&tokens, &measure_words, ranking.implied);
    }
    reading.read_dimensions(&mut tokens, &grouped, &values);
    // "sell-through this season": the season's products, over the season.
    if tool == Some(Tool::SeasonPerformance)
        && let Some(tag) = season_tag
        && !reading.filters.iter().any(|f| f.field == Dimension::Season)
    {
        reading
            .filters
            .push(Filter::one_of(Dimension::Season, vec![tag]));
    }
    Ok(Parts {
        tokens,
        corrections,
        tool,
        params,
        time,
        ranking,
        grouped,
        values,
        measure_words,
        reading,
    })
}

impl Parts {
    /// Whether a word carries nothing for the query.
    pub(crate) fn is_filler(&self, word: &str) -> bool {
        lexicon::is_filler(word) || (self.tool.is_some() && intents::TOOL_FILLERS.contains(&word))
    }

    /// The words nobody understood, fillers aside.
    pub(crate) fn unknown(&self, also_filler: &dyn Fn(&str) -> bool) -> Vec<String> {
        self.tokens
            .free_indices()
            .map(|i| self.tokens.word(i).to_string())
            .filter(|word| !self.is_filler(word) && !also_filler(word))
            .collect()
    }

    /// Whether a measure (or a tool) is named.
    pub(crate) fn names_measure(&self) -> bool {
        self.tool.is_some() || !self.measure_words.is_empty() || self.ranking.implied.is_some()
    }

    /// The query the parts make on their own.
    pub(crate) fn query(&mut self, today: NaiveDate) -> SemanticQuery {
        let mut query = SemanticQuery::sales(self.reading.measures.clone());
        if let Some(tool) = self.tool {
            query.tool = tool;
            query.params = self.params.clone();
            // "dead stock since March": the days without a sale run from then to today.
            if tool == Tool::DeadStock
                && !query.params.contains_key("days_without_sales")
                && let Some(period) = self.time.period.take()
            {
                let days = (today - period.start).num_days().max(1);
                query
                    .params
                    .insert("days_without_sales".into(), days.into());
            }
        }
        query.dimensions = self.reading.dimensions.clone();
        query.filters = self.reading.filters.clone();
        query.period = self.time.period.clone();
        query.compare = self
            .time
            .compare
            .or_else(|| {
                self.tokens
                    .words()
                    .iter()
                    .any(|w| matches!(w.as_str(), "growth" | "grew" | "change" | "changed"))
                    .then_some(CompareKind::PreviousPeriod)
            })
            .map(|kind| Compare { kind });
        if self.tool.is_some() {
            query.limit = self.ranking.limit;
        } else if self.ranking.desc.is_some() || self.ranking.limit.is_some() {
            let ranked = self
                .measure_words
                .iter()
                .find(|m| m.ranks)
                .map(|m| m.measure)
                .or_else(|| query.measures.first().copied())
                .unwrap_or(Measure::Revenue);
            query.order = vec![OrderBy {
                field: OrderField::Measure(ranked),
                desc: self.ranking.desc.unwrap_or(true),
            }];
            query.limit = self.ranking.limit;
        }
        query
    }

    /// 0-1: lowered by unknown words, corrections, assumptions and guesses.
    pub(crate) fn confidence(&self, unknown: usize) -> f64 {
        let mut confidence = 0.97 - 0.15 * unknown as f64 - 0.03 * self.corrections as f64;
        if self.reading.assumed_measure {
            confidence -= 0.12;
        }
        confidence -= 0.05
            * self
                .values
                .iter()
                .filter(|v| v.strength == Strength::Prefix)
                .count() as f64;
        confidence -= 0.08 * self.grouped.iter().filter(|g| g.guessed).count() as f64;
        if self.tokens.truncated > 0 {
            confidence -= 0.1;
        }
        (confidence.clamp(0.05, 0.99) * 100.0).round() / 100.0
    }
}

/// See [`crate::understand`].
pub(crate) fn understand(
    question: &str,
    today: NaiveDate,
    vocabulary: &Vocabulary,
) -> Understanding {
    let mut parts = match read(question, today, vocabulary) {
        Ok(parts) => parts,
        Err(settled) => return *settled,
    };
    // Unknown words decide between a query and an honest "not understood".
    let unknown = parts.unknown(&|_| false);
    let tokens = &parts.tokens;
    let known = (0..tokens.len())
        .filter(|i| !tokens.is_free(*i) && !parts.is_filler(tokens.word(*i)))
        .count();
    let sales_cue = tokens
        .words()
        .iter()
        .any(|w| SALES_CUES.contains(&w.as_str()));
    let named_measure = parts.names_measure();
    let anything = named_measure
        || !parts.reading.dimensions.is_empty()
        || !parts.values.is_empty()
        || sales_cue;
    // An unknown word where a value or grouping goes ("revenue for Strdie") would silently
    // change the answer: say which word is unknown instead.
    let unknown_slot = tokens.free_indices().any(|i| {
        !parts.is_filler(tokens.word(i))
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
    let query = parts.query(today);
    let confidence = parts.confidence(unknown.len());
    if let Err(error) = query.validate() {
        return not_understood(format!("I cannot answer this: {error}"), vocabulary);
    }
    if confidence < CONFIDENCE_THRESHOLD {
        return not_understood(unknown_message(&unknown, vocabulary), vocabulary);
    }
    Understanding::Query { query, confidence }
}

pub(crate) fn unknown_message(unknown: &[String], vocabulary: &Vocabulary) -> String {
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

pub(crate) fn not_understood(message: String, vocabulary: &Vocabulary) -> Understanding {
    Understanding::NotUnderstood {
        message,
        suggestions: topics::suggestions(vocabulary),
    }
}
