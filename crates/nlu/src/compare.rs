//! Comparisons: "vs last year", "compared with the same period last year", "YoY", "MoM",
//! "the quarter before", "2026 vs 2025"…

use analyst_core::{CompareKind, Period};
use chrono::NaiveDate;

use crate::calendar::Unit;
use crate::points::{count_word, point};
use crate::text::Tokens;
use crate::time::relative;

const CONNECTORS: &[&str] = &["vs", "versus", "against", "than", "v"];
const BEFORE_WORDS: &[&str] = &["before", "prior", "earlier"];
pub(crate) const PREVIOUS_WORDS: &[&str] = &["last", "previous", "prior", "preceding", "past"];

fn unit_compare(unit: Unit) -> CompareKind {
    if unit == Unit::Year {
        CompareKind::PreviousYear
    } else {
        CompareKind::PreviousPeriod
    }
}

/// "vs last year", "compared with the same period last year", "YoY", "the quarter before"…
pub(crate) fn read_relative(tokens: &mut Tokens) -> Option<CompareKind> {
    for i in 0..tokens.len() {
        if !tokens.is_free(i) {
            continue;
        }
        // Stand-alone words and "X over X".
        let single = match tokens.word(i) {
            "yoy" => Some(CompareKind::PreviousYear),
            "mom" | "wow" | "qoq" => Some(CompareKind::PreviousPeriod),
            _ => None,
        };
        if let Some(kind) = single {
            tokens.take(i, 1);
            return Some(kind);
        }
        if let Some(unit) = Unit::from_word(tokens.word(i))
            && matches!(tokens.word(i + 1), "over" | "on")
            && Unit::from_word(tokens.word(i + 2)) == Some(unit)
            && tokens.span_free(i, 3)
        {
            tokens.take(i, 3);
            return Some(unit_compare(unit));
        }
        if tokens.phrase_at(i, &["y", "o", "y"]) {
            tokens.take(i, 3);
            return Some(CompareKind::PreviousYear);
        }
        // A connector followed by what the period is compared with.
        let mut j = i;
        let connected = if CONNECTORS.contains(&tokens.word(i)) {
            j += 1;
            true
        } else if matches!(
            tokens.word(i),
            "compared" | "compare" | "comparison" | "relative"
        ) {
            j += 1;
            if matches!(tokens.word(j), "with" | "to" | "against") {
                j += 1;
            }
            true
        } else {
            false
        };
        if matches!(tokens.word(j), "the" | "a") && connected {
            j += 1;
        }
        if let Some((end, kind)) = compare_target(tokens, j, connected) {
            tokens.take(i, end - i);
            return Some(kind);
        }
    }
    None
}

/// What follows a connector (`connected`) or stands alone: returns the end index and kind.
fn compare_target(tokens: &Tokens, j: usize, connected: bool) -> Option<(usize, CompareKind)> {
    let word = tokens.word(j);
    if word == "same" {
        // "same period/month/time last year", "same period a year ago".
        for k in j + 1..(j + 6).min(tokens.len()) {
            if tokens.word(k) == "year"
                && (PREVIOUS_WORDS.contains(&tokens.before(k))
                    || matches!(tokens.word(k + 1), "ago" | "before"))
            {
                let end = if tokens.word(k + 1) == "ago" || tokens.word(k + 1) == "before" {
                    k + 2
                } else {
                    k + 1
                };
                return tokens
                    .span_free(j, end - j)
                    .then_some((end, CompareKind::PreviousYear));
            }
        }
        if tokens.word(j + 1) == "period" && connected && tokens.span_free(j, 2) {
            return Some((j + 2, CompareKind::PreviousYear));
        }
        return None;
    }
    if word == "previous" && tokens.word(j + 1) == "period" && tokens.span_free(j, 2) {
        return Some((j + 2, CompareKind::PreviousPeriod));
    }
    if !connected {
        return None;
    }
    if PREVIOUS_WORDS.contains(&word)
        && count_word(tokens.word(j + 1)).is_some()
        && let Some(unit) = Unit::from_word(tokens.word(j + 2))
    {
        // "last 7 days vs previous 7 days".
        return tokens
            .span_free(j, 3)
            .then_some((j + 3, unit_compare(unit)));
    }
    if PREVIOUS_WORDS.contains(&word) {
        let unit_word = tokens.word(j + 1);
        let kind = if unit_word == "period" {
            CompareKind::PreviousPeriod
        } else {
            unit_compare(Unit::from_word(unit_word)?)
        };
        return tokens.span_free(j, 2).then_some((j + 2, kind));
    }
    if BEFORE_WORDS.contains(&tokens.word(j + 1)) {
        let kind = if word == "period" {
            CompareKind::PreviousPeriod
        } else {
            unit_compare(Unit::from_word(word)?)
        };
        return tokens.span_free(j, 2).then_some((j + 2, kind));
    }
    if matches!(word, "year" | "one") && tokens.word(j + 1) == "ago" && tokens.span_free(j, 2) {
        return Some((j + 2, CompareKind::PreviousYear));
    }
    if word == "one" && tokens.phrase_at(j + 1, &["year", "ago"]) {
        return Some((j + 3, CompareKind::PreviousYear));
    }
    if BEFORE_WORDS.contains(&word) && tokens.span_free(j, 1) {
        return Some((j + 1, CompareKind::PreviousPeriod));
    }
    None
}

/// "2026 vs 2025", "October vs September": a connector and a period that is exactly the
/// previous year or the previous period of the main one.
pub(crate) fn read_explicit(
    tokens: &mut Tokens,
    period: &Period,
    today: NaiveDate,
) -> Option<CompareKind> {
    for i in 0..tokens.len() {
        if !(tokens.is_free(i) && CONNECTORS.contains(&tokens.word(i))) {
            continue;
        }
        let j = if tokens.word(i + 1) == "the" {
            i + 2
        } else {
            i + 1
        };
        let Some(found) = relative(tokens, j, today).or_else(|| point(tokens, j, today)) else {
            continue;
        };
        for kind in [CompareKind::PreviousYear, CompareKind::PreviousPeriod] {
            let target = period.compared(kind);
            // The main period may end today (2026 so far) while the other is whole (2025).
            if target.start == found.start && target.end <= found.end {
                tokens.take(i, j + found.len - i);
                return Some(kind);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::testing::{p, read_on};

    #[test]
    fn comparisons() {
        let today = "2026-11-15";
        let (period, compare, left) =
            read_on("this month compared with the same period last year", today);
        assert_eq!(period, p("2026-11-01", "2026-11-15"));
        assert_eq!(compare, Some(CompareKind::PreviousYear));
        assert_eq!(left, 0);
        let (period, compare, left) = read_on("last quarter vs the quarter before", "2026-03-10");
        assert_eq!(period, p("2025-10-01", "2025-12-31"));
        assert_eq!(compare, Some(CompareKind::PreviousPeriod));
        assert_eq!(left, 0);
        assert_eq!(
            read_on("vs last year", today).1,
            Some(CompareKind::PreviousYear)
        );
        assert_eq!(
            read_on("this month vs last month", today).1,
            Some(CompareKind::PreviousPeriod)
        );
        assert_eq!(
            read_on("this week versus previous period", today).1,
            Some(CompareKind::PreviousPeriod)
        );
        assert_eq!(read_on("YoY", today).1, Some(CompareKind::PreviousYear));
        let (period, compare, left) = read_on("last 7 days vs previous 7 days", today);
        assert_eq!(period, p("2026-11-08", "2026-11-14"));
        assert_eq!((compare, left), (Some(CompareKind::PreviousPeriod), 0));
        assert_eq!(
            read_on("year over year", today).1,
            Some(CompareKind::PreviousYear)
        );
        assert_eq!(read_on("MoM", today).1, Some(CompareKind::PreviousPeriod));
        assert_eq!(
            read_on("2026 vs 2025", today).1,
            Some(CompareKind::PreviousYear)
        );
        assert_eq!(
            read_on("Q3 2026 vs Q2 2026", today).1,
            Some(CompareKind::PreviousPeriod)
        );
        assert_eq!(
            read_on("Q3 2026 vs Q3 2025", today).1,
            Some(CompareKind::PreviousYear)
        );
        assert_eq!(read_on("online vs store", today).1, None);
        assert_eq!(read_on("last year", today).1, None);
    }
}
