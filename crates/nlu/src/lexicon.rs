//! The small words of questions and the list of every known word.
//!
//! Fillers ("what", "the", "did we") carry no meaning for the query and do not lower the
//! confidence when left over; stop words are never taken for a value of the data; the known
//! words are what spelling correction corrects towards.

use std::collections::BTreeSet;

use crate::vocabulary::ValueIndex;
use crate::{dimensions, fiscal, intents, measures, ranking, time, topics};

/// Words that carry no meaning for the query.
const FILLERS: &[&str] = &[
    "a",
    "about",
    "across",
    "all",
    "also",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "between",
    "bought",
    "buy",
    "by",
    "came",
    "can",
    "come",
    "comes",
    "compared",
    "could",
    "data",
    "did",
    "do",
    "does",
    "doing",
    "done",
    "during",
    "each",
    "every",
    "figure",
    "figures",
    "for",
    "from",
    "get",
    "give",
    "had",
    "has",
    "have",
    "how",
    "i",
    "in",
    "is",
    "it",
    "its",
    "just",
    "let",
    "like",
    "list",
    "many",
    "me",
    "much",
    "my",
    "need",
    "number",
    "numbers",
    "of",
    "on",
    "or",
    "our",
    "over",
    "overall",
    "per",
    "please",
    "purchased",
    "report",
    "see",
    "sell",
    "selling",
    "sells",
    "show",
    "so",
    "far",
    "sold",
    "tell",
    "than",
    "that",
    "the",
    "their",
    "them",
    "there",
    "these",
    "this",
    "those",
    "to",
    "total",
    "totals",
    "us",
    "versus",
    "vs",
    "want",
    "was",
    "we",
    "were",
    "what",
    "whats",
    "which",
    "who",
    "with",
    "within",
    "would",
    "you",
    "your",
    "%",
    "/",
    ">",
    ",",
    "made",
    "make",
    "generate",
    "generated",
    "breakdown",
    "split",
    "broken",
    "down",
    "trend",
    "trends",
    "over",
    "time",
    "share",
    "mix",
    "contribution",
    "percentage",
    "percent",
    "performance",
    "perform",
    "performed",
    "performing",
    "value",
    "amount",
    "growth",
    "change",
    "compare",
    "comparison",
    "evolution",
    "kpi",
    "kpis",
    "overview",
    "summary",
    "result",
    "results",
    "period",
    "date",
    "same",
    "shoes",
    "shoe",
    "where",
    "when",
    "bring",
    "brought",
    "grew",
    "go",
    "went",
    "good",
    "well",
    "sum",
    "count",
    "trending",
    "given",
    "gave",
];

/// Words that make a question sales-shaped even without a measure ("how did Stride do").
pub(crate) const SALES_CUES: &[&str] = &[
    "sell",
    "sold",
    "selling",
    "sells",
    "bought",
    "buy",
    "purchased",
    "performance",
    "perform",
    "performed",
    "performing",
    "doing",
    "do",
    "did",
    "trend",
    "trends",
    "trending",
];

/// Words never read as a value of the data, whatever the data holds.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "how", "in", "is", "it", "me",
    "my", "of", "on", "or", "our", "per", "show", "the", "to", "us", "vs", "was", "we", "what",
    "which", "with", "total", "all", "each", "much", "many",
];

pub(crate) fn is_filler(word: &str) -> bool {
    FILLERS.contains(&word)
}

pub(crate) fn is_stopword(word: &str) -> bool {
    STOPWORDS.contains(&word)
}

/// Whether the parser's own tables know the word (the data's words aside).
pub(crate) fn is_builtin(word: &str) -> bool {
    builtin_words().any(|known| known == word)
}

fn builtin_words() -> impl Iterator<Item = &'static str> {
    FILLERS
        .iter()
        .copied()
        .chain(time::WORDS.iter().copied())
        .chain(fiscal::WORDS.iter().copied())
        .chain(measures::words())
        .chain(dimensions::words())
        .chain(ranking::words())
        .chain(topics::words())
        .chain(intents::words())
        .chain(crate::reading::EXCLUDING.iter().copied())
}

/// Every word the parser knows: its own and the data's (for spelling correction).
pub(crate) fn known_words(index: &ValueIndex) -> Vec<String> {
    let mut known: BTreeSet<String> = index.lexicon.clone();
    known.extend(builtin_words().map(str::to_string));
    known.into_iter().collect()
}
