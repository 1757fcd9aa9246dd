//! Rankings: "top 5", "bottom 10", "best selling", "least profitable", "the 3 worst"…
//!
//! A ranking gives the sort direction, perhaps a limit, and perhaps the measure it implies
//! ("best selling" ranks on units, "most profitable" on margin).

use analyst_core::Measure;
use analyst_core::query::MAX_LIMIT;

use crate::text::{Tokens, is_number};

/// What the question says about ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Ranking {
    /// `Some(true)` for top/best/most, `Some(false)` for bottom/worst/least.
    pub(crate) desc: Option<bool>,
    pub(crate) limit: Option<u32>,
    /// The measure a phrase implies when none is named.
    pub(crate) implied: Option<Measure>,
}

const IMPLYING: &[(&[&str], bool, Measure)] = &[
    (&["best", "selling"], true, Measure::Units),
    (&["bestselling"], true, Measure::Units),
    (&["best", "sellers"], true, Measure::Units),
    (&["best", "seller"], true, Measure::Units),
    (&["bestsellers"], true, Measure::Units),
    (&["bestseller"], true, Measure::Units),
    (&["top", "selling"], true, Measure::Units),
    (&["top", "sellers"], true, Measure::Units),
    (&["fastest", "selling"], true, Measure::Units),
    (&["most", "sold"], true, Measure::Units),
    (&["sold", "the", "most"], true, Measure::Units),
    (&["sold", "most"], true, Measure::Units),
    (&["sell", "the", "most"], true, Measure::Units),
    (&["sells", "the", "most"], true, Measure::Units),
    (&["sell", "best"], true, Measure::Units),
    (&["sell", "most"], true, Measure::Units),
    (&["sells", "most"], true, Measure::Units),
    (&["sells", "best"], true, Measure::Units),
    (&["most", "popular"], true, Measure::Units),
    (&["worst", "selling"], false, Measure::Units),
    (&["slowest", "selling"], false, Measure::Units),
    (&["slow", "selling"], false, Measure::Units),
    (&["worst", "sellers"], false, Measure::Units),
    (&["slow", "sellers"], false, Measure::Units),
    (&["least", "sold"], false, Measure::Units),
    (&["sold", "the", "least"], false, Measure::Units),
    (&["sold", "least"], false, Measure::Units),
    (&["least", "popular"], false, Measure::Units),
    (&["most", "profitable"], true, Measure::Margin),
    (&["least", "profitable"], false, Measure::Margin),
];

const DESC: &[&str] = &[
    "top",
    "best",
    "highest",
    "biggest",
    "largest",
    "leading",
    "strongest",
    "most",
    "greatest",
    "first",
    "rank",
    "ranking",
    "ranked",
];
const ASC: &[&str] = &[
    "bottom", "worst", "lowest", "smallest", "least", "weakest", "fewest",
];

fn direction(word: &str) -> Option<bool> {
    if DESC.contains(&word) {
        Some(true)
    } else if ASC.contains(&word) {
        Some(false)
    } else {
        None
    }
}

fn limit(word: &str) -> Option<u32> {
    const WORDS: [&str; 10] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    let n: u32 = if is_number(word) {
        word.parse().ok()?
    } else {
        u32::try_from(WORDS.iter().position(|w| *w == word)? + 1).ok()?
    };
    (n >= 1).then_some(n.min(MAX_LIMIT))
}

/// Takes the ranking words of the question.
pub(crate) fn read(tokens: &mut Tokens) -> Ranking {
    let mut ranking = Ranking::default();
    for i in 0..tokens.len() {
        if let Some((phrase, desc, measure)) =
            IMPLYING.iter().find(|(p, _, _)| tokens.phrase_at(i, p))
        {
            tokens.take(i, phrase.len());
            ranking.desc = ranking.desc.or(Some(*desc));
            ranking.implied = ranking.implied.or(Some(*measure));
        }
    }
    for i in 0..tokens.len() {
        if !tokens.is_free(i) {
            continue;
        }
        let Some(desc) = direction(tokens.word(i)) else {
            continue;
        };
        // "top 5", "5 best" (also Thai "5 อันดับแรก" → "5 first").
        let after = limit(tokens.word(i + 1)).filter(|_| tokens.is_free(i + 1));
        let before = i
            .checked_sub(1)
            .filter(|b| tokens.is_free(*b))
            .and_then(|b| limit(tokens.word(b)).map(|n| (b, n)));
        if let (Some(n), None) = (after, ranking.limit) {
            ranking.limit = Some(n);
            tokens.take(i + 1, 1);
        } else if let (Some((b, n)), None) = (before, ranking.limit) {
            ranking.limit = Some(n);
            tokens.take(b, 1);
        } else if tokens.word(i) == "first" {
            // "first" alone is not a ranking word.
            continue;
        }
        ranking.desc = ranking.desc.or(Some(desc));
        tokens.take(i, 1);
    }
    ranking
}

/// Every word this module knows (for spelling correction).
pub(crate) fn words() -> impl Iterator<Item = &'static str> {
    IMPLYING
        .iter()
        .flat_map(|(phrase, _, _)| phrase.iter().copied())
        .chain(DESC.iter().copied())
        .chain(ASC.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rank(text: &str) -> Ranking {
        read(&mut Tokens::new(text))
    }

    #[test]
    fn top_and_bottom_with_limits() {
        assert_eq!(
            rank("top 5 brands"),
            Ranking {
                desc: Some(true),
                limit: Some(5),
                implied: None
            }
        );
        assert_eq!(
            rank("bottom 10 products"),
            Ranking {
                desc: Some(false),
                limit: Some(10),
                implied: None
            }
        );
        assert_eq!(rank("the three worst stores").limit, Some(3));
        assert_eq!(rank("the three worst stores").desc, Some(false));
        assert_eq!(rank("5 first").limit, Some(5));
        assert_eq!(rank("top 999999999 brands").limit, Some(MAX_LIMIT));
        assert_eq!(rank("top 0 brands").limit, None);
        assert_eq!(rank("first of all").desc, None);
    }

    #[test]
    fn phrases_imply_a_measure() {
        let best = rank("best selling sizes");
        assert_eq!(
            (best.desc, best.limit, best.implied),
            (Some(true), None, Some(Measure::Units))
        );
        let slow = rank("slowest selling products");
        assert_eq!(
            (slow.desc, slow.implied),
            (Some(false), Some(Measure::Units))
        );
        assert_eq!(
            rank("least profitable brand").implied,
            Some(Measure::Margin)
        );
        assert_eq!(rank("which store sold the most").desc, Some(true));
        assert_eq!(rank("revenue by store").desc, None);
    }
}
