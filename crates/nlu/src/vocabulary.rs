//! Matching the words of a question to the values of the data (and their aliases).
//!
//! Every value is indexed by its words joined without spaces ("bangkoksiam"), so matching is
//! blind to case, accents and spacing ("Zen Fit" = "Zenfit"); the last word may be plural or
//! singular ("sandal" = "Sandals"). A long value may be named by its beginning when that is
//! unambiguous ("Lanna Outdoor" → "Lanna Outdoor Co., Ltd."). Very short or numeric values
//! (sizes such as "M" or "42") only match next to their dimension's word ("size M").
//! Typos are corrected word by word before matching (see [`crate::text::closest_known`]).

use std::collections::{BTreeSet, HashMap};

use analyst_core::Dimension;

use crate::Vocabulary;
use crate::dimensions;
use crate::text::{Tokens, is_number, is_thai, key_of, normalize_words, singular};

/// How a value was named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Strength {
    /// Its full name or a declared alias.
    Exact,
    /// Its name without a legal suffix ("Lanna Outdoor" for "Lanna Outdoor Co., Ltd.").
    LegalPrefix,
    /// The first words of a longer name, unique among the known values.
    Prefix,
    /// The first word shared by several values of one dimension ("Bangkok" → both Bangkok
    /// stores): all of them.
    Family,
}

/// A value found in the question.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ValueMatch {
    pub(crate) start: usize,
    pub(crate) len: usize,
    pub(crate) dimension: Dimension,
    pub(crate) value: String,
    pub(crate) strength: Strength,
    /// Other readings of the same words, in other dimensions ("Peak": the brand Peak Motion or
    /// the supplier Peak Motion Thailand), with this one first; empty when unambiguous.
    pub(crate) alternatives: Vec<(Dimension, String)>,
}

#[derive(Debug, Clone)]
struct Entry {
    dimension: Dimension,
    value: String,
    strength: Strength,
    /// A declared alias rather than the value's own name.
    alias: bool,
    /// Short or numeric: needs its dimension's word nearby.
    weak: bool,
}

/// The searchable form of a vocabulary.
#[derive(Debug, Default)]
pub(crate) struct ValueIndex {
    entries: HashMap<String, Vec<Entry>>,
    /// The longest name, in words.
    max_words: usize,
    /// Every word of every value and alias (for spelling correction).
    pub(crate) lexicon: BTreeSet<String>,
    /// Thai names (value or alias) and what to rewrite them to.
    pub(crate) thai: Vec<(String, String)>,
}

/// Words that end company names and may be left out.
const LEGAL_SUFFIXES: &[&str] = &[
    "co",
    "ltd",
    "limited",
    "company",
    "inc",
    "llc",
    "corp",
    "corporation",
    "plc",
    "pcl",
    "public",
    "gmbh",
    "sa",
    "bv",
    "pte",
    "group",
];

/// Preference when one name is a value of several dimensions ("online": channel and segment).
const PREFERENCE: &[Dimension] = &[
    Dimension::Store,
    Dimension::Brand,
    Dimension::Channel,
    Dimension::Category,
    Dimension::Subcategory,
    Dimension::Gender,
    Dimension::Season,
    Dimension::Company,
    Dimension::Supplier,
    Dimension::Segment,
    Dimension::Color,
    Dimension::Size,
    Dimension::Customer,
    Dimension::Product,
];

fn preference(dimension: Dimension) -> usize {
    PREFERENCE
        .iter()
        .position(|d| *d == dimension)
        .unwrap_or(PREFERENCE.len())
}

impl ValueIndex {
    pub(crate) fn build(vocabulary: &Vocabulary) -> Self {
        let mut index = ValueIndex::default();
        for (dimension, values) in &vocabulary.values {
            if dimension.is_time() {
                continue;
            }
            for value in values {
                index.add_value(*dimension, value);
            }
        }
        for (alias, dimension, canonical) in &vocabulary.aliases {
            // An alias counts only when its value exists in the data.
            let wanted = key_of(&normalize_words(canonical));
            let Some(stored) = vocabulary.values.get(dimension).and_then(|values| {
                values
                    .iter()
                    .find(|v| key_of(&normalize_words(v)) == wanted)
            }) else {
                continue;
            };
            index.add_alias(*dimension, alias, stored);
        }
        index
    }

    fn add_value(&mut self, dimension: Dimension, value: &str) {
        if value.chars().any(is_thai) {
            self.thai.push((value.to_string(), value.to_string()));
        }
        let words = normalize_words(value);
        if words.is_empty() {
            return;
        }
        self.insert(&words, dimension, value, Strength::Exact);
        // "FW25" is how many people write the AW25 season.
        if dimension == Dimension::Season
            && let [word] = words.as_slice()
            && let Some(year) = word.strip_prefix("aw")
        {
            self.insert(&[format!("fw{year}")], dimension, value, Strength::Exact);
        }
        for cut in 1..words.len() {
            let (head, rest) = words.split_at(cut);
            if rest
                .iter()
                .all(|word| LEGAL_SUFFIXES.contains(&word.as_str()))
            {
                self.insert(head, dimension, value, Strength::LegalPrefix);
            } else if cut >= 2 && dimension != Dimension::Product {
                self.insert(head, dimension, value, Strength::Prefix);
            } else if cut == 1
                && !matches!(dimension, Dimension::Product | Dimension::Customer)
                && !crate::lexicon::is_filler(&head[0])
            {
                self.insert(head, dimension, value, Strength::Family);
            }
        }
    }

    fn add_alias(&mut self, dimension: Dimension, alias: &str, value: &str) {
        if alias.chars().any(is_thai) {
            self.thai.push((alias.to_string(), value.to_string()));
            return;
        }
        let words = normalize_words(alias);
        if !words.is_empty() {
            self.insert_entry(&words, dimension, value, Strength::Exact, true);
        }
    }

    fn insert(&mut self, words: &[String], dimension: Dimension, value: &str, strength: Strength) {
        self.insert_entry(words, dimension, value, strength, false);
    }

    fn insert_entry(
        &mut self,
        words: &[String],
        dimension: Dimension,
        value: &str,
        strength: Strength,
        alias: bool,
    ) {
        let key = key_of(words);
        let weak = key.chars().count() <= 2 || is_number(&key);
        self.max_words = self.max_words.max(words.len());
        self.lexicon.extend(words.iter().cloned());
        let entry = Entry {
            dimension,
            value: value.to_string(),
            strength,
            alias,
            weak,
        };
        let singular_key = singular_key(words);
        if singular_key != key {
            self.entries
                .entry(singular_key)
                .or_default()
                .push(entry.clone());
        }
        self.entries.entry(key).or_default().push(entry);
    }

    /// Finds values among the free words, longest names first at each position, and marks
    /// their words as used. `skip(i)` excludes single words that mean something else there;
    /// only dimensions `allowed` are matched (helpdesk teams are not sales values).
    pub(crate) fn find(
        &self,
        tokens: &mut Tokens,
        skip: &dyn Fn(usize) -> bool,
        allowed: &dyn Fn(Dimension) -> bool,
    ) -> Vec<ValueMatch> {
        let mut found: Vec<ValueMatch> = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let longest = self.max_words.min(tokens.len() - i);
            let matched = (1..=longest).rev().find_map(|len| {
                if !tokens.span_free(i, len) || (len == 1 && skip(i)) {
                    return None;
                }
                self.match_span(tokens, i, len, &found, allowed)
            });
            match matched {
                Some(values) => {
                    let len = values.first().map_or(1, |value| value.len);
                    tokens.take(i, len);
                    i += len;
                    found.extend(values);
                }
                None => i += 1,
            }
        }
        found
    }

    fn match_span(
        &self,
        tokens: &Tokens,
        start: usize,
        len: usize,
        found: &[ValueMatch],
        allowed: &dyn Fn(Dimension) -> bool,
    ) -> Option<Vec<ValueMatch>> {
        let words = tokens.words().get(start..start + len)?;
        if words
            .iter()
            .any(|word| matches!(word.as_str(), "/" | "%" | ">"))
        {
            return None;
        }
        let key = key_of(words);
        let mut candidates: Vec<&Entry> = self.entries.get(&key).into_iter().flatten().collect();
        let singular = singular_key(words);
        if singular != key {
            candidates.extend(self.entries.get(&singular).into_iter().flatten());
        }
        // Dimension words right before or after ("size 42", "the Stride brand").
        let neighbours: Vec<Dimension> = [tokens.before(start), tokens.word(start + len)]
            .iter()
            .filter_map(|word| dimensions::single_word_dimension(word))
            .collect();
        let listed_after = |dimension: Dimension| {
            matches!(tokens.before(start), "and" | "or" | "," | "vs")
                && found.last().is_some_and(|last| {
                    last.dimension == dimension && last.start + last.len + 1 == start
                })
        };
        candidates.retain(|entry| {
            allowed(entry.dimension)
                && (!entry.weak
                    || neighbours.contains(&entry.dimension)
                    || listed_after(entry.dimension))
        });
        let strength = candidates.iter().map(|entry| entry.strength).min()?;
        let readings = ambiguity(&candidates, strength, &neighbours);
        let mut best: Vec<&Entry> = candidates
            .into_iter()
            .filter(|entry| entry.strength == strength)
            .collect();
        best.sort_by_key(|entry| {
            (
                !neighbours.contains(&entry.dimension),
                preference(entry.dimension),
            )
        });
        let first = best.first()?;
        let same_dimension: BTreeSet<&str> = best
            .iter()
            .filter(|entry| entry.dimension == first.dimension)
            .map(|entry| entry.value.as_str())
            .collect();
        let match_of = |value: &str| ValueMatch {
            start,
            len,
            dimension: first.dimension,
            value: value.to_string(),
            strength,
            alternatives: Vec::new(),
        };
        if !readings.is_empty() {
            let mut value = match_of(&first.value);
            value.alternatives = readings;
            return Some(vec![value]);
        }
        if strength == Strength::Family {
            // Every value of one dimension ("Bangkok": both Bangkok stores), or the one its
            // dimension word names ("the Siam brand").
            return (same_dimension.len() > 1 || neighbours.contains(&first.dimension))
                .then(|| same_dimension.iter().map(|value| match_of(value)).collect());
        }
        if same_dimension.len() > 1 {
            // Two values with the same beginning: do not guess.
            return None;
        }
        Some(vec![match_of(&first.value)])
    }
}

/// The readings to choose from when words name values of several dimensions and no dimension
/// word settles it: the first word of values of several dimensions ("Lanna": a store and a
/// company), or an alias that is also the beginning of another dimension's value ("Peak": the
/// brand Peak Motion, or the supplier Peak Motion Thailand). Empty when unambiguous.
fn ambiguity(
    candidates: &[&Entry],
    strength: Strength,
    neighbours: &[Dimension],
) -> Vec<(Dimension, String)> {
    if candidates
        .iter()
        .any(|entry| neighbours.contains(&entry.dimension))
    {
        return Vec::new();
    }
    let best: Vec<&Entry> = candidates
        .iter()
        .copied()
        .filter(|entry| entry.strength == strength)
        .collect();
    let Some(first) = best.first() else {
        return Vec::new();
    };
    let several = |entries: &[&Entry]| {
        let mut readings: Vec<(Dimension, String)> = Vec::new();
        for entry in entries {
            let reading = (entry.dimension, entry.value.clone());
            if !readings.contains(&reading) {
                readings.push(reading);
            }
        }
        readings.sort_by_key(|(dimension, _)| preference(*dimension));
        let dimensions: BTreeSet<Dimension> = readings.iter().map(|(d, _)| *d).collect();
        if dimensions.len() > 1 {
            readings
        } else {
            Vec::new()
        }
    };
    match strength {
        Strength::Family => several(&best),
        Strength::Exact if best.iter().all(|entry| entry.alias) => {
            let mut entries = best.clone();
            entries.extend(candidates.iter().copied().filter(|entry| {
                entry.dimension != first.dimension && entry.strength >= Strength::Prefix
            }));
            several(&entries)
        }
        _ => Vec::new(),
    }
}

/// Up to `count` values (with their dimension) having `word` among their words, for hints.
pub(crate) fn values_containing(
    vocabulary: &Vocabulary,
    word: &str,
    count: usize,
) -> Vec<(Dimension, String)> {
    let mut found = Vec::new();
    for (dimension, values) in &vocabulary.values {
        for value in values {
            if found.len() < count && normalize_words(value).iter().any(|w| w == word) {
                found.push((*dimension, value.clone()));
            }
        }
    }
    found
}

/// The key with its last word made singular ("runningshoe" for "running shoes").
fn singular_key(words: &[String]) -> String {
    match words.split_last() {
        Some((last, head)) => format!("{}{}", head.concat(), singular(last)),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold;

    fn vocabulary() -> Vocabulary {
        let mut vocabulary = Vocabulary::default();
        let mut add = |dimension: Dimension, values: &[&str]| {
            vocabulary
                .values
                .insert(dimension, values.iter().map(|v| v.to_string()).collect());
        };
        add(
            Dimension::Brand,
            &["Peak Motion", "Stride", "Urban Step", "Siam Classic"],
        );
        add(
            Dimension::Supplier,
            &["Peak Motion Thailand", "Siam Classic Manufacturing"],
        );
        add(
            Dimension::Store,
            &["Bangkok Siam", "Bangkok Ladprao", "Lanna Warehouse"],
        );
        add(
            Dimension::Company,
            &["Lanna Outdoor Co., Ltd.", "Siam Sport Co., Ltd."],
        );
        add(Dimension::Channel, &["online", "store", "wholesale"]);
        add(Dimension::Segment, &["online", "retail", "wholesale"]);
        add(Dimension::Subcategory, &["Running", "Sandals"]);
        add(Dimension::Gender, &["Men", "Women"]);
        add(Dimension::Season, &["AW25", "Core"]);
        add(Dimension::Size, &["42", "M"]);
        add(Dimension::Customer, &["Korat Sports Mart"]);
        vocabulary.aliases = vec![
            ("STR".into(), Dimension::Brand, "Stride".into()),
            (
                "running shoes".into(),
                Dimension::Subcategory,
                "Running".into(),
            ),
            ("ghost".into(), Dimension::Brand, "Not In The Data".into()),
        ];
        vocabulary
    }

    /// (dimension, value) of every match.
    fn found(text: &str) -> Vec<(Dimension, String)> {
        let index = ValueIndex::build(&vocabulary());
        let mut tokens = Tokens::new(&fold(text));
        index
            .find(&mut tokens, &|_| false, &|_| true)
            .into_iter()
            .map(|m| (m.dimension, m.value))
            .collect()
    }

    fn one(dimension: Dimension, value: &str) -> Vec<(Dimension, String)> {
        vec![(dimension, value.to_string())]
    }

    #[test]
    fn matches_whole_names_blind_to_case_spacing_and_plural() {
        assert_eq!(found("PEAK MOTION"), one(Dimension::Brand, "Peak Motion"));
        assert_eq!(found("peakmotion"), one(Dimension::Brand, "Peak Motion"));
        assert_eq!(found("urban-step"), one(Dimension::Brand, "Urban Step"));
        assert_eq!(found("sandal"), one(Dimension::Subcategory, "Sandals"));
        assert_eq!(found("woman"), one(Dimension::Gender, "Women"));
        assert_eq!(found("women"), one(Dimension::Gender, "Women"));
        assert_eq!(found("fw25"), one(Dimension::Season, "AW25"));
    }

    #[test]
    fn the_longest_name_wins() {
        assert_eq!(
            found("peak motion thailand"),
            one(Dimension::Supplier, "Peak Motion Thailand")
        );
        assert_eq!(
            found("running shoes"),
            one(Dimension::Subcategory, "Running")
        );
        assert_eq!(found("bangkok siam"), one(Dimension::Store, "Bangkok Siam"));
    }

    #[test]
    fn beginnings_of_long_names_when_unambiguous() {
        assert_eq!(
            found("lanna outdoor"),
            one(Dimension::Company, "Lanna Outdoor Co., Ltd.")
        );
        assert_eq!(
            found("korat sports"),
            one(Dimension::Customer, "Korat Sports Mart")
        );
        // "Bangkok" is the first word of two stores: both.
        assert_eq!(
            found("bangkok"),
            vec![
                (Dimension::Store, "Bangkok Ladprao".to_string()),
                (Dimension::Store, "Bangkok Siam".to_string())
            ]
        );
    }

    /// The readings offered for words naming values of several dimensions.
    fn alternatives(text: &str) -> Vec<(Dimension, String)> {
        let index = ValueIndex::build(&vocabulary());
        let mut tokens = Tokens::new(&fold(text));
        index
            .find(&mut tokens, &|_| false, &|_| true)
            .into_iter()
            .flat_map(|m| m.alternatives)
            .collect()
    }

    #[test]
    fn names_of_several_dimensions_are_ambiguous() {
        let reading = |dimension: Dimension, value: &str| (dimension, value.to_string());
        // "Lanna" is a store and a company, "Siam" a brand, a supplier and a company.
        assert_eq!(
            alternatives("lanna"),
            [
                reading(Dimension::Store, "Lanna Warehouse"),
                reading(Dimension::Company, "Lanna Outdoor Co., Ltd.")
            ]
        );
        assert_eq!(alternatives("siam").len(), 3);
        // An alias that begins another dimension's value: "Peak".
        let mut vocabulary = vocabulary();
        vocabulary
            .aliases
            .push(("Peak".into(), Dimension::Brand, "Peak Motion".into()));
        let index = ValueIndex::build(&vocabulary);
        let mut tokens = Tokens::new("peak");
        let found = index.find(&mut tokens, &|_| false, &|_| true);
        assert_eq!(
            found[0].alternatives,
            [
                reading(Dimension::Brand, "Peak Motion"),
                reading(Dimension::Supplier, "Peak Motion Thailand")
            ]
        );
        // Full names, and dimension words, settle it.
        assert!(alternatives("peak motion").is_empty());
        assert!(alternatives("siam brand").is_empty());
        assert!(alternatives("stride").is_empty());
    }

    #[test]
    fn aliases_only_for_values_in_the_data() {
        assert_eq!(found("STR"), one(Dimension::Brand, "Stride"));
        assert!(found("ghost").is_empty());
    }

    #[test]
    fn ambiguous_names_prefer_a_neighbouring_dimension_word() {
        assert_eq!(found("online"), one(Dimension::Channel, "online"));
        assert_eq!(
            found("wholesale segment"),
            one(Dimension::Segment, "wholesale")
        );
        assert_eq!(
            found("channel wholesale"),
            one(Dimension::Channel, "wholesale")
        );
    }

    #[test]
    fn short_words_need_their_dimension() {
        assert!(found("42").is_empty());
        assert!(found("m").is_empty());
        assert_eq!(found("size 42"), one(Dimension::Size, "42"));
        assert_eq!(found("size m"), one(Dimension::Size, "M"));
        assert_eq!(
            found("sizes 42 and m"),
            vec![
                (Dimension::Size, "42".to_string()),
                (Dimension::Size, "M".to_string())
            ]
        );
        // "men" is never found inside "women", nor "in" in anything.
        assert_eq!(found("women in"), one(Dimension::Gender, "Women"));
    }

    #[test]
    fn thai_names_are_rewritten() {
        let mut vocabulary = vocabulary();
        vocabulary
            .aliases
            .push(("ภูเก็ต".into(), Dimension::Store, "Bangkok Siam".into()));
        let index = ValueIndex::build(&vocabulary);
        assert_eq!(
            index.thai,
            [("ภูเก็ต".to_string(), "Bangkok Siam".to_string())]
        );
    }
}
