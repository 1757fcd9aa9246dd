//! The dictionary's words: synonyms of dimensions and measures are rewritten into the words
//! the readers know ("outlet" → "store", "takings" → "revenue"), Thai ones through the Thai
//! rewriter; seasons are periods when a question asks for one ("during AW25", "this season").

use analyst_core::{Measure, Period};
use chrono::NaiveDate;

use crate::calendar;
use crate::text::{Tokens, is_thai, normalize_words};
use crate::{Season, Vocabulary};

/// The words the measure reader knows for a measure.
pub fn measure_phrase(measure: Measure) -> &'static str {
    match measure {
        Measure::Revenue => "revenue",
        Measure::Units => "units",
        Measure::Orders => "orders",
        Measure::Customers => "customers",
        Measure::AvgOrderValue => "average order value",
        Measure::AvgSellingPrice => "average selling price",
        Measure::Cost => "cost",
        Measure::Margin => "margin",
        Measure::MarginPct => "margin %",
        Measure::Discount => "discount",
        Measure::ReturnsUnits => "returned units",
        Measure::ReturnsRevenue => "returned value",
    }
}

/// The demo business's seasons: SS from 1 February to 31 July, AW from 1 August to 31 January.
pub fn default_seasons() -> Vec<Season> {
    let mut seasons = Vec::new();
    for year in 2024..=2026 {
        let short = year % 100;
        let dates = [
            ("SS", "Spring/Summer", (year, 2, 1), (year, 7, 31)),
            ("AW", "Autumn/Winter", (year, 8, 1), (year + 1, 1, 31)),
        ];
        for (prefix, name, (y1, m1, d1), (y2, m2, d2)) in dates {
            let (Some(start), Some(end)) = (
                NaiveDate::from_ymd_opt(y1, m1, d1),
                NaiveDate::from_ymd_opt(y2, m2, d2),
            ) else {
                continue;
            };
            let code = format!("{prefix}{short:02}");
            seasons.push(Season {
                name: format!("{name} {year}"),
                tag: code.clone(),
                code,
                start,
                end,
            });
        }
    }
    seasons
}

/// English synonyms to rewrite.
pub(crate) type Rewrites = Vec<(Vec<String>, Vec<String>)>;

/// (synonym words, replacement words) for English synonyms, and (Thai synonym, replacement)
/// pairs for the Thai rewriter. A synonym made only of words the parser knows already
/// ("sales", "net sales") is left to the parser, whose phrases are finer ("no sales for").
pub(crate) fn rewrites(
    vocabulary: &Vocabulary,
    builtin: &dyn Fn(&str) -> bool,
) -> (Rewrites, Vec<(String, String)>) {
    let mut english = Vec::new();
    let mut thai = Vec::new();
    let pairs = vocabulary
        .dimension_synonyms
        .iter()
        .map(|(synonym, dimension)| (synonym, dimension.name()))
        .chain(
            vocabulary
                .measure_synonyms
                .iter()
                .map(|(synonym, measure)| (synonym, measure_phrase(*measure))),
        );
    for (synonym, replacement) in pairs {
        if synonym.chars().any(is_thai) {
            thai.push((synonym.clone(), replacement.to_string()));
            continue;
        }
        let words = normalize_words(synonym);
        if !words.is_empty() && !words.iter().all(|word| builtin(word)) {
            english.push((words, normalize_words(replacement)));
        }
    }
    // Longest first, so "net sales" is rewritten before "sales".
    english.sort_by_key(|(words, _)| std::cmp::Reverse(words.len()));
    (english, thai)
}

/// A season named as a period ("during AW25", "in the AW25 season", "this season", "last
/// season"): its dates, clamped to today, and its tag. The words are taken.
pub(crate) fn read_period(
    tokens: &mut Tokens,
    seasons: &[Season],
    today: NaiveDate,
) -> Option<(Period, String)> {
    for i in 0..tokens.len() {
        let Some((len, season)) = season_at(tokens, i, seasons, today) else {
            continue;
        };
        let (start, end) = calendar::clamp((season.start, season.end), today);
        let period = Period::new(start, end).ok()?.labelled(season.name.clone());
        tokens.take(i, len);
        return Some((period, season.tag.clone()));
    }
    None
}

fn season_at<'a>(
    tokens: &Tokens,
    i: usize,
    seasons: &'a [Season],
    today: NaiveDate,
) -> Option<(usize, &'a Season)> {
    let word = tokens.word(i);
    // "this season", "last season".
    if tokens.word(i + 1) == "season" && tokens.span_free(i, 2) {
        let current = seasons
            .iter()
            .filter(|season| season.start <= today && today <= season.end)
            .min_by_key(|season| season.end - season.start)?;
        return match word {
            "this" | "current" => Some((2, current)),
            "last" | "previous" | "prior" => seasons
                .iter()
                .filter(|season| season.end < current.start)
                .max_by_key(|season| season.end)
                .map(|season| (2, season)),
            _ => None,
        };
    }
    // "during AW25", "during the AW25 season", "in the AW25 season".
    let lead = match (word, tokens.word(i + 1)) {
        ("during" | "throughout", "the") => 2,
        ("during" | "throughout", _) => 1,
        ("in" | "over", "the") => 2,
        _ => return None,
    };
    let code = tokens.word(i + lead);
    let season = seasons.iter().find(|season| {
        season.code.eq_ignore_ascii_case(code)
            || (code.starts_with("fw")
                && season
                    .code
                    .eq_ignore_ascii_case(&format!("aw{}", &code[2..])))
    })?;
    let season_word = tokens.word(i + lead + 1) == "season";
    if lead == 2 && word != "during" && word != "throughout" && !season_word {
        return None;
    }
    let len = lead + 1 + usize::from(season_word);
    tokens.span_free(i, len).then_some((len, season))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold;

    fn period(text: &str, today: &str) -> Option<(String, String, String)> {
        let today = NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap_or_default();
        let mut tokens = Tokens::new(&fold(text));
        read_period(&mut tokens, &default_seasons(), today)
            .map(|(p, tag)| (p.start.to_string(), p.end.to_string(), tag))
    }

    fn p(start: &str, end: &str, tag: &str) -> Option<(String, String, String)> {
        Some((start.into(), end.into(), tag.into()))
    }

    #[test]
    fn seasons_as_periods() {
        let today = "2026-11-15";
        assert_eq!(
            period("revenue during AW25", today),
            p("2025-08-01", "2026-01-31", "AW25")
        );
        assert_eq!(
            period("during the FW24 season", today),
            p("2024-08-01", "2025-01-31", "AW24")
        );
        assert_eq!(
            period("in the SS26 season", today),
            p("2026-02-01", "2026-07-31", "SS26")
        );
        assert_eq!(
            period("this season", today),
            p("2026-08-01", "2026-11-15", "AW26")
        );
        assert_eq!(
            period("last season", today),
            p("2026-02-01", "2026-07-31", "SS26")
        );
        // A season named without "during" is a product tag, not a period.
        assert_eq!(period("AW25 revenue", today), None);
        assert_eq!(period("in AW25", today), None);
    }
}
