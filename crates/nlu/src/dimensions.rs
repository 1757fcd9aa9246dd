//! Dimension words ("by store", "per weekday", "monthly", "which brand") and when they group.
//!
//! A dimension word groups the result when a cue says so: "by", "per", "each", "which",
//! "top 5 …", "best selling …", or a list continuing one ("by brand and store"). Adjectives of
//! time (daily, weekly, monthly…) and "weekday" always group. Without a cue, a word next to a
//! value of its dimension only confirms the value ("the Stride brand", "size 42"), a word
//! after another value is a filler ("Trailhead products"), a time noun ("month") is left for
//! the period reader, and any other word groups (plural: "revenue for all stores").

use analyst_core::Dimension;

use crate::text::{Tokens, is_number};
use crate::vocabulary::ValueMatch;

/// How a dimension word may group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Groups when cued, otherwise see the module doc.
    Noun,
    /// A time unit noun ("month"): groups only when cued.
    TimeNoun,
    /// Always groups ("monthly", "weekday").
    Always,
}

use Dimension as D;
use Kind::{Always, Noun, TimeNoun};

const KEYWORDS: &[(&[&str], Dimension, Kind)] = &[
    (&["sub", "category"], D::Subcategory, Noun),
    (&["sub", "categories"], D::Subcategory, Noun),
    (&["subcategory"], D::Subcategory, Noun),
    (&["subcategories"], D::Subcategory, Noun),
    (&["product", "type"], D::Subcategory, Noun),
    (&["product", "types"], D::Subcategory, Noun),
    (&["product", "category"], D::Category, Noun),
    (&["product", "categories"], D::Category, Noun),
    (&["category"], D::Category, Noun),
    (&["categories"], D::Category, Noun),
    (&["customer", "segment"], D::Segment, Noun),
    (&["customer", "segments"], D::Segment, Noun),
    (&["customer", "type"], D::Segment, Noun),
    (&["customer", "types"], D::Segment, Noun),
    (&["segment"], D::Segment, Noun),
    (&["segments"], D::Segment, Noun),
    (&["sales", "channel"], D::Channel, Noun),
    (&["sales", "channels"], D::Channel, Noun),
    (&["channel"], D::Channel, Noun),
    (&["channels"], D::Channel, Noun),
    (&["legal", "entity"], D::Company, Noun),
    (&["company"], D::Company, Noun),
    (&["companies"], D::Company, Noun),
    (&["entity"], D::Company, Noun),
    (&["entities"], D::Company, Noun),
    (&["store"], D::Store, Noun),
    (&["stores"], D::Store, Noun),
    (&["shop"], D::Store, Noun),
    (&["shops"], D::Store, Noun),
    (&["branch"], D::Store, Noun),
    (&["branches"], D::Store, Noun),
    (&["outlet"], D::Store, Noun),
    (&["outlets"], D::Store, Noun),
    (&["location"], D::Store, Noun),
    (&["locations"], D::Store, Noun),
    (&["warehouse"], D::Store, Noun),
    (&["warehouses"], D::Store, Noun),
    (&["brand"], D::Brand, Noun),
    (&["brands"], D::Brand, Noun),
    (&["label"], D::Brand, Noun),
    (&["labels"], D::Brand, Noun),
    (&["gender"], D::Gender, Noun),
    (&["genders"], D::Gender, Noun),
    (&["season"], D::Season, Noun),
    (&["seasons"], D::Season, Noun),
    (&["collection"], D::Season, Noun),
    (&["collections"], D::Season, Noun),
    (&["supplier"], D::Supplier, Noun),
    (&["suppliers"], D::Supplier, Noun),
    (&["vendor"], D::Supplier, Noun),
    (&["vendors"], D::Supplier, Noun),
    (&["product"], D::Product, Noun),
    (&["products"], D::Product, Noun),
    (&["item"], D::Product, Noun),
    (&["items"], D::Product, Noun),
    (&["sku"], D::Product, Noun),
    (&["skus"], D::Product, Noun),
    (&["article"], D::Product, Noun),
    (&["articles"], D::Product, Noun),
    (&["model"], D::Product, Noun),
    (&["models"], D::Product, Noun),
    (&["color"], D::Color, Noun),
    (&["colors"], D::Color, Noun),
    (&["colour"], D::Color, Noun),
    (&["colours"], D::Color, Noun),
    (&["size"], D::Size, Noun),
    (&["sizes"], D::Size, Noun),
    (&["customer"], D::Customer, Noun),
    (&["customers"], D::Customer, Noun),
    (&["account"], D::Customer, Noun),
    (&["accounts"], D::Customer, Noun),
    (&["client"], D::Customer, Noun),
    (&["clients"], D::Customer, Noun),
    (&["team"], D::Team, Noun),
    (&["teams"], D::Team, Noun),
    (&["stage"], D::Stage, Noun),
    (&["stages"], D::Stage, Noun),
    (&["status"], D::Stage, Noun),
    (&["statuses"], D::Stage, Noun),
    (&["priority"], D::Priority, Noun),
    (&["priorities"], D::Priority, Noun),
    (&["day", "of", "the", "week"], D::Weekday, Always),
    (&["days", "of", "the", "week"], D::Weekday, Always),
    (&["day", "of", "week"], D::Weekday, Always),
    (&["week", "day"], D::Weekday, Always),
    (&["weekday"], D::Weekday, Always),
    (&["weekdays"], D::Weekday, Always),
    (&["dow"], D::Weekday, Always),
    (&["daily"], D::Date, Always),
    (&["weekly"], D::Week, Always),
    (&["monthly"], D::Month, Always),
    (&["quarterly"], D::Quarter, Always),
    (&["yearly"], D::Year, Always),
    (&["annual"], D::Year, Always),
    (&["annually"], D::Year, Always),
    (&["day"], D::Date, TimeNoun),
    (&["days"], D::Date, TimeNoun),
    (&["date"], D::Date, TimeNoun),
    (&["dates"], D::Date, TimeNoun),
    (&["week"], D::Week, TimeNoun),
    (&["weeks"], D::Week, TimeNoun),
    (&["month"], D::Month, TimeNoun),
    (&["months"], D::Month, TimeNoun),
    (&["quarter"], D::Quarter, TimeNoun),
    (&["quarters"], D::Quarter, TimeNoun),
    (&["year"], D::Year, TimeNoun),
    (&["years"], D::Year, TimeNoun),
];

/// Words that make the next dimension word a grouping.
const CUES: &[&str] = &[
    "by",
    "per",
    "each",
    "every",
    "which",
    "what",
    "across",
    "split",
    "breakdown",
    "top",
    "bottom",
    "best",
    "worst",
    "highest",
    "lowest",
    "most",
    "least",
    "biggest",
    "largest",
    "smallest",
    "leading",
    "compare",
    "among",
    "ranking",
    "rank",
    "first",
];
/// Words that may sit between a cue and its dimension word ("top 5 selling brands").
const SKIPPABLE: &[&str] = &[
    "the",
    "selling",
    "performing",
    "sold",
    "individual",
    "different",
    "single",
    "our",
    "all",
    "of",
    "sales",
    "my",
];
/// Words that continue a list of groupings ("by brand and store").
const LIST: &[&str] = &["and", ",", "&", "then", "x", "/", "plus"];

/// A dimension word found in the question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DimensionWord {
    pub(crate) start: usize,
    pub(crate) len: usize,
    pub(crate) dimension: Dimension,
    /// Grouped without a cue: a guess that lowers the confidence.
    pub(crate) guessed: bool,
}

/// The dimension a single word names ("sizes" → size), for matching values next to it.
pub(crate) fn single_word_dimension(word: &str) -> Option<Dimension> {
    KEYWORDS
        .iter()
        .find(|(phrase, _, kind)| *kind == Noun && phrase.len() == 1 && phrase[0] == word)
        .map(|(_, dimension, _)| *dimension)
}

/// The longest dimension phrase starting at `i` among free words.
fn keyword_at(tokens: &Tokens, i: usize) -> Option<(usize, Dimension, Kind)> {
    KEYWORDS
        .iter()
        .filter(|(phrase, _, _)| tokens.phrase_at(i, phrase))
        .max_by_key(|(phrase, _, _)| phrase.len())
        .map(|(phrase, dimension, kind)| (phrase.len(), *dimension, *kind))
}

/// Whether a cue precedes position `i`; `grouped_end(j)` says whether a grouping word ends at
/// `j`, and `ignorable(j)` whether word `j` may be stepped over (a value, for instance).
fn is_cued(
    tokens: &Tokens,
    i: usize,
    grouped_end: &dyn Fn(usize) -> bool,
    ignorable: &dyn Fn(usize) -> bool,
) -> bool {
    if grouped_end(i) {
        // "by brand, store": the comma is not a word.
        return true;
    }
    let mut j = i;
    let mut steps = 0;
    while let Some(previous) = j.checked_sub(1) {
        let word = tokens.word(previous);
        if CUES.contains(&word) {
            return true;
        }
        if is_number(word) && RANK_WORDS.contains(&tokens.before(previous)) {
            return true;
        }
        if LIST.contains(&word) {
            return grouped_end(previous);
        }
        steps += 1;
        if steps > 4 || !(SKIPPABLE.contains(&word) || ignorable(previous)) {
            return false;
        }
        j = previous;
    }
    false
}

const RANK_WORDS: &[&str] = &["top", "bottom", "best", "worst", "first"];

/// Takes the dimension words that a cue makes groupings, before values are matched (so that
/// "by store" is not read as the channel "store").
pub(crate) fn read_cued(tokens: &mut Tokens) -> Vec<DimensionWord> {
    let mut grouped: Vec<DimensionWord> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let Some((len, dimension, kind)) = keyword_at(tokens, i) else {
            i += 1;
            continue;
        };
        let ends = |j: usize| grouped.iter().any(|g| g.start + g.len == j);
        if kind == Always || is_cued(tokens, i, &ends, &|_| false) {
            grouped.push(DimensionWord {
                start: i,
                len,
                dimension,
                guessed: false,
            });
            tokens.take(i, len);
        }
        i += len;
    }
    grouped
}

/// Reads the remaining dimension words once values and measures are known.
pub(crate) fn read_rest(
    tokens: &mut Tokens,
    values: &[ValueMatch],
    grouped: &mut Vec<DimensionWord>,
) {
    let covered = |j: usize| values.iter().any(|v| v.start <= j && j < v.start + v.len);
    let mut i = 0;
    while i < tokens.len() {
        let Some((len, dimension, kind)) = keyword_at(tokens, i) else {
            i += 1;
            continue;
        };
        let ends = |j: usize| grouped.iter().any(|g| g.start + g.len == j);
        let cued = is_cued(tokens, i, &ends, &covered);
        let value_before = values.iter().find(|v| v.start + v.len == i);
        let value_after = values.iter().find(|v| v.start == i + len);
        let confirms = value_before.is_some_and(|v| v.dimension == dimension)
            || value_after.is_some_and(|v| v.dimension == dimension);
        if cued && !confirms {
            grouped.push(DimensionWord {
                start: i,
                len,
                dimension,
                guessed: false,
            });
        } else if confirms || value_before.is_some() {
            // "the Stride brand", "size 42", "Trailhead products": no grouping.
        } else if kind == TimeNoun {
            i += len;
            continue;
        } else {
            grouped.push(DimensionWord {
                start: i,
                len,
                dimension,
                guessed: true,
            });
        }
        tokens.take(i, len);
        i += len;
    }
    grouped.sort_by_key(|g| g.start);
}

/// Every word this module knows (for spelling correction).
pub(crate) fn words() -> impl Iterator<Item = &'static str> {
    KEYWORDS
        .iter()
        .flat_map(|(phrase, _, _)| phrase.iter().copied())
        .chain(CUES.iter().copied())
        .chain(SKIPPABLE.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cued(text: &str) -> Vec<Dimension> {
        let mut tokens = Tokens::new(text);
        read_cued(&mut tokens).iter().map(|g| g.dimension).collect()
    }

    #[test]
    fn cues_make_groupings() {
        assert_eq!(cued("revenue by store"), [D::Store]);
        assert_eq!(cued("revenue per branch"), [D::Store]);
        assert_eq!(cued("revenue for each label"), [D::Brand]);
        assert_eq!(cued("which vendor"), [D::Supplier]);
        assert_eq!(cued("top 5 selling brands"), [D::Brand]);
        assert_eq!(cued("best sizes"), [D::Size]);
        assert_eq!(cued("revenue by brand and store"), [D::Brand, D::Store]);
        assert_eq!(
            cued("by sub category , colour and gender"),
            [D::Subcategory, D::Color, D::Gender]
        );
        assert_eq!(cued("orders by day of the week"), [D::Weekday]);
        assert_eq!(cued("split by customer segment"), [D::Segment]);
        assert_eq!(cued("by month"), [D::Month]);
        assert_eq!(cued("daily revenue"), [D::Date]);
        assert_eq!(cued("weekly"), [D::Week]);
        assert_eq!(cued("annual revenue"), [D::Year]);
    }

    #[test]
    fn words_without_a_cue_wait() {
        assert!(cued("online vs store revenue").is_empty());
        assert!(cued("revenue last month").is_empty());
        assert!(cued("stores revenue and margin").is_empty());
        assert!(cued("Stride products").is_empty());
    }

    #[test]
    fn remaining_words_confirm_fill_or_group() {
        let value = |start: usize, dimension: Dimension| ValueMatch {
            start,
            len: 1,
            dimension,
            value: String::new(),
            strength: crate::vocabulary::Strength::Exact,
            alternatives: Vec::new(),
        };
        let rest = |text: &str, values: &[ValueMatch]| {
            let mut tokens = Tokens::new(text);
            for v in values {
                tokens.take(v.start, v.len);
            }
            let mut grouped = Vec::new();
            read_rest(&mut tokens, values, &mut grouped);
            let left = tokens.free_indices().count();
            (
                grouped
                    .iter()
                    .map(|g| (g.dimension, g.guessed))
                    .collect::<Vec<_>>(),
                left,
            )
        };
        // "the Stride brand": confirms.
        assert_eq!(rest("stride brand", &[value(0, D::Brand)]), (vec![], 0));
        // "Trailhead products": a filler.
        assert_eq!(
            rest("trailhead products", &[value(0, D::Brand)]),
            (vec![], 0)
        );
        // A plural dimension with no cue groups, marked as a guess.
        assert_eq!(rest("revenue stores", &[]), (vec![(D::Store, true)], 1));
        // A cue over a value: "top Stride products".
        assert_eq!(
            rest("top stride products", &[value(1, D::Brand)]),
            (vec![(D::Product, false)], 1)
        );
        // Time nouns wait for the period reader.
        assert_eq!(rest("revenue month", &[]), (vec![], 2));
    }
}
