//! Spelling correction: a word that is not known is replaced by the one known word (of the
//! parser or of the data) it is closest to, with a budget scaled to its length: none below
//! four letters, two swapped letters for four ("yaer"), one edit up to eight ("Kinetc",
//! "catgory"), two beyond. The first letter must match and ties are not resolved, so short
//! or unusual words never match wildly.

use crate::text::{Tokens, singular};

/// Corrects words one edit (two for long words) away from a known word; returns how many.
pub(crate) fn correct(tokens: &mut Tokens, known: &[String]) -> usize {
    let is_known = |word: &str| known.binary_search_by(|k| k.as_str().cmp(word)).is_ok();
    let mut corrections = 0;
    for i in 0..tokens.len() {
        let word = tokens.word(i).to_string();
        if word.len() < 4 || is_known(&word) || is_known(&singular(&word)) {
            continue;
        }
        if let Some(found) = closest_known(&word, known) {
            let found = found.to_string();
            tokens.correct(i, &found);
            corrections += 1;
        }
    }
    corrections
}

/// How many edits a typed word of this length may be away from a known one.
pub(crate) fn allowed_edits(length: usize) -> usize {
    match length {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

/// The single known word closest to `word` within the allowed edits (same first letter, no
/// tie), or None. `known` is sorted. Four-letter words only fix two swapped letters.
pub(crate) fn closest_known<'a>(word: &str, known: &'a [String]) -> Option<&'a str> {
    let length = word.chars().count();
    if !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    if length == 4 {
        // Four letters: only two swapped neighbours ("yaer" → "year").
        return unique_swap(word, known);
    }
    let budget = allowed_edits(length);
    if budget == 0 {
        return None;
    }
    let first = word.chars().next()?;
    let mut best: Option<(usize, &str)> = None;
    let mut tie = false;
    for candidate in known {
        if !candidate.starts_with(first) {
            continue;
        }
        let candidate_length = candidate.chars().count();
        if candidate_length.abs_diff(length) > budget || candidate_length < 4 {
            continue;
        }
        let distance = strsim::osa_distance(word, candidate);
        if distance == 0 || distance > budget {
            continue;
        }
        match best {
            Some((best_distance, best_word)) if distance == best_distance => {
                if singular(best_word) != singular(candidate) {
                    tie = true;
                }
            }
            Some((best_distance, _)) if distance > best_distance => {}
            _ => {
                best = Some((distance, candidate));
                tie = false;
            }
        }
    }
    match best {
        Some((_, found)) if !tie => Some(found),
        _ => None,
    }
}

/// The one known word that `word` becomes by swapping two neighbouring letters.
fn unique_swap<'a>(word: &str, known: &'a [String]) -> Option<&'a str> {
    let letters: Vec<char> = word.chars().collect();
    let mut found: Option<&'a str> = None;
    for i in 0..letters.len().saturating_sub(1) {
        let mut swapped = letters.clone();
        swapped.swap(i, i + 1);
        let candidate: String = swapped.into_iter().collect();
        if candidate == word {
            continue;
        }
        if let Ok(position) = known.binary_search(&candidate) {
            let hit = known.get(position).map(String::as_str);
            if found.is_some() && found != hit {
                return None;
            }
            found = hit;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_tolerance_scales_with_length() {
        let known: Vec<String> = ["kinetic", "category", "revenue", "brand", "store", "stores"]
            .iter()
            .map(|w| w.to_string())
            .collect();
        assert_eq!(closest_known("kinetc", &known), Some("kinetic"));
        assert_eq!(closest_known("catgory", &known), Some("category"));
        assert_eq!(closest_known("revnue", &known), Some("revenue"));
        assert_eq!(closest_known("brnad", &known), Some("brand"));
        // Short words never match wildly, and a different first letter is not a typo here.
        assert_eq!(closest_known("bran", &known), None);
        assert_eq!(closest_known("barnd", &known), Some("brand"));
        let mut short: Vec<String> = ["year", "week", "tops"]
            .iter()
            .map(|w| w.to_string())
            .collect();
        short.sort();
        assert_eq!(closest_known("yaer", &short), Some("year"));
        assert_eq!(closest_known("eyar", &short), Some("year"));
        assert_eq!(
            closest_known("yeer", &short),
            None,
            "four letters: swaps only"
        );
        assert_eq!(closest_known("stop", &short), None);
        assert_eq!(closest_known("xategory", &known), None);
        assert_eq!(closest_known("weather", &known), None);
        // "stors" is one edit from "store" and "stores", which are the same word: no tie.
        assert_eq!(
            closest_known("stors", &known).map(singular),
            Some("store".into())
        );
    }
}
