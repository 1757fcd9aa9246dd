//! Fiscal years: "this fiscal year", "last FY", "fiscal year to date", "FYTD", "FY2026",
//! "FY26", "fiscal 2026", "ปีงบประมาณนี้". A fiscal year starts on the first of the month the
//! dictionary sets (January unless changed) and is named after the calendar year it ends in.

use chrono::{Months, NaiveDate};

use crate::calendar;
use crate::compare::PREVIOUS_WORDS;
use crate::points::{Found, named, year_word};
use crate::text::{Tokens, is_number};

/// Words this module understands (for spelling correction).
pub(crate) const WORDS: &[&str] = &["fiscal", "financial", "fy", "fytd"];

/// The fiscal-year period named at position `i`, for fiscal years starting in `start_month`
/// (1-12; anything else means January).
pub(crate) fn read(tokens: &Tokens, i: usize, today: NaiveDate, start_month: u32) -> Option<Found> {
    let start_month = if (1..=12).contains(&start_month) {
        start_month
    } else {
        1
    };
    let found = |len: usize, range: (NaiveDate, NaiveDate)| named(tokens, i, len, range, today);
    let current = calendar::fiscal_year_start(today, start_month)?;
    let word = tokens.word(i);
    if word == "fytd" {
        return found(1, (current, today));
    }
    if let Some(name) = word.strip_prefix("fy").and_then(named_year) {
        return found(1, calendar::fiscal_year(name, start_month)?);
    }
    let previous = PREVIOUS_WORDS.contains(&word);
    let at = if previous || matches!(word, "this" | "current") {
        i + 1
    } else {
        i
    };
    let (phrase, alone) = match (tokens.word(at), tokens.word(at + 1)) {
        ("fiscal" | "financial", "year") => (2, true),
        ("fy", _) => (1, true),
        ("fiscal", _) => (1, false),
        _ => return None,
    };
    let end = at + phrase;
    if previous {
        if !alone {
            return None;
        }
        let start = current.checked_sub_months(Months::new(12))?;
        return found(end - i, (start, current.pred_opt()?));
    }
    if at == i
        && let Some(name) = named_year(tokens.word(end))
    {
        return found(end + 1 - i, calendar::fiscal_year(name, start_month)?);
    }
    let to_date = match (tokens.word(end), tokens.word(end + 1)) {
        ("ytd", _) => 1,
        ("to", "date") => 2,
        _ if alone => 0,
        _ => return None,
    };
    found(end + to_date - i, (current, today))
}

/// A year as written after "FY": "2026", "26", Buddhist-era "2569".
fn named_year(text: &str) -> Option<i32> {
    if text.len() == 2 && is_number(text) {
        return text.parse::<i32>().ok().map(|year| 2000 + year);
    }
    year_word(text)
}

#[cfg(test)]
mod tests {
    use crate::time::testing::{Dates, p, read_with};

    fn fiscal(text: &str, today: &str, start_month: u32) -> Dates {
        read_with(text, today, start_month).0
    }

    #[test]
    fn fiscal_years_starting_in_october() {
        let today = "2026-11-25";
        assert_eq!(
            fiscal("this fiscal year", today, 10),
            p("2026-10-01", "2026-11-25")
        );
        assert_eq!(fiscal("FYTD", today, 10), p("2026-10-01", "2026-11-25"));
        assert_eq!(
            fiscal("fiscal year to date", today, 10),
            p("2026-10-01", "2026-11-25")
        );
        assert_eq!(
            fiscal("last fiscal year", today, 10),
            p("2025-10-01", "2026-09-30")
        );
        assert_eq!(
            fiscal("previous FY", today, 10),
            p("2025-10-01", "2026-09-30")
        );
        assert_eq!(fiscal("FY2026", today, 10), p("2025-10-01", "2026-09-30"));
        assert_eq!(fiscal("FY25", today, 10), p("2024-10-01", "2025-09-30"));
        assert_eq!(
            fiscal("fiscal year 2025", today, 10),
            p("2024-10-01", "2025-09-30")
        );
        assert_eq!(
            fiscal("fiscal 2025", today, 10),
            p("2024-10-01", "2025-09-30")
        );
        // The running fiscal year ends today.
        assert_eq!(fiscal("FY2027", today, 10), p("2026-10-01", "2026-11-25"));
        // On the last day of a fiscal year, "this" is the year ending today.
        assert_eq!(
            fiscal("this fiscal year", "2026-09-30", 10),
            p("2025-10-01", "2026-09-30")
        );
        assert_eq!(
            fiscal("last fiscal year", "2026-09-30", 10),
            p("2024-10-01", "2025-09-30")
        );
    }

    #[test]
    fn the_default_fiscal_year_is_the_calendar_year() {
        let today = "2026-11-25";
        assert_eq!(
            fiscal("this fiscal year", today, 1),
            p("2026-01-01", "2026-11-25")
        );
        assert_eq!(fiscal("last FY", today, 1), p("2025-01-01", "2025-12-31"));
        assert_eq!(fiscal("FY2024", today, 1), p("2024-01-01", "2024-12-31"));
        // A month outside 1-12 is January.
        assert_eq!(fiscal("last FY", today, 13), p("2025-01-01", "2025-12-31"));
    }

    #[test]
    fn april_fiscal_years_cross_a_leap_february() {
        assert_eq!(
            fiscal("last fiscal year", "2024-04-02", 4),
            p("2023-04-01", "2024-03-31")
        );
        assert_eq!(
            fiscal("FY2024", "2026-01-01", 3),
            p("2023-03-01", "2024-02-29")
        );
    }

    #[test]
    fn fiscal_alone_is_not_a_period() {
        assert_eq!(fiscal("fiscal", "2026-11-25", 10), None);
        assert_eq!(fiscal("last fiscal", "2026-11-25", 10), None);
    }
}
