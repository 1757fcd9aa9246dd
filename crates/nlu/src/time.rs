//! Periods: "last month", "Q3 2025", "since March", "between 2026-01-01 and 2026-03-31"…
//!
//! Comparisons are read first (see [`crate::compare`]), so "the same period last year" is not
//! taken for the period; then the first period phrase of the question. Named points in time
//! (dates, months, quarters, years) are read by [`crate::points`]; the arithmetic lives in
//! [`crate::calendar`].

use analyst_core::{CompareKind, Period};
use chrono::{Datelike, NaiveDate};

use crate::calendar::{self, Unit};
use crate::compare::{self, PREVIOUS_WORDS};
use crate::fiscal;
use crate::points::{Found, count_word, day_word, month_word, point};
use crate::text::Tokens;

/// What the question says about time.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct TimeReading {
    pub(crate) period: Option<Period>,
    pub(crate) compare: Option<CompareKind>,
}

const PREPOSITIONS: &[&str] = &["in", "during", "for", "of", "over", "within", "on", "at"];

/// Reads the comparison and the period, consuming their words.
/// Fiscal years start in `fiscal_start_month` (1-12).
pub(crate) fn read(tokens: &mut Tokens, today: NaiveDate, fiscal_start_month: u32) -> TimeReading {
    let mut compare = compare::read_relative(tokens);
    let period = read_period(tokens, today, fiscal_start_month);
    if compare.is_none()
        && let Some(period) = &period
    {
        compare = compare::read_explicit(tokens, period, today);
    }
    TimeReading { period, compare }
}

/// The first period phrase of the question.
fn read_period(tokens: &mut Tokens, today: NaiveDate, fiscal_start_month: u32) -> Option<Period> {
    for i in 0..tokens.len() {
        if !tokens.is_free(i) {
            continue;
        }
        let found = fiscal::read(tokens, i, today, fiscal_start_month)
            .or_else(|| since(tokens, i, today))
            .or_else(|| range(tokens, i, today))
            .or_else(|| relative(tokens, i, today))
            .or_else(|| point(tokens, i, today));
        let Some(found) = found else { continue };
        let Ok(period) = Period::new(found.start, found.end) else {
            continue;
        };
        let label = tokens.raw_phrase(i, found.len);
        tokens.take(i, found.len);
        take_lead_in(tokens, i);
        return Some(period.labelled(label));
    }
    None
}

/// Takes the words that only introduce a period: "in", "during", "the month of", "the year".
fn take_lead_in(tokens: &mut Tokens, mut i: usize) {
    loop {
        let Some(before) = i.checked_sub(1).filter(|b| tokens.is_free(*b)) else {
            return;
        };
        let word = tokens.word(before);
        let lead_in = PREPOSITIONS.contains(&word)
            || word == "the"
            || (matches!(word, "month" | "year" | "quarter") && before + 1 == i);
        if !lead_in {
            return;
        }
        tokens.take(before, 1);
        i = before;
    }
}

/// "since March", "since 2026-02-01", "since last month", "from March" (with no end).
fn since(tokens: &Tokens, i: usize, today: NaiveDate) -> Option<Found> {
    if !matches!(tokens.word(i), "since" | "from") || !tokens.is_free(i) {
        return None;
    }
    let j = if tokens.word(i + 1) == "the" {
        i + 2
    } else {
        i + 1
    };
    let from = relative(tokens, j, today).or_else(|| point(tokens, j, today))?;
    if tokens.word(i) == "from" && is_range_word(tokens.word(j + from.len)) {
        return None;
    }
    (from.start <= today).then_some(Found {
        len: j + from.len - i,
        start: from.start,
        end: today,
    })
}

fn is_range_word(word: &str) -> bool {
    matches!(word, "to" | "until" | "till" | "through" | "thru" | "and")
}

/// "between A and B", "from A to B", "A to B" (dates, months, quarters, years).
fn range(tokens: &Tokens, i: usize, today: NaiveDate) -> Option<Found> {
    let prefixed = matches!(tokens.word(i), "between" | "from") && tokens.is_free(i);
    let a_at = if prefixed { i + 1 } else { i };
    // "between 1 and 15 October": a bare first day takes the month of the end.
    let a = point(tokens, a_at, today)
        .map(Ok)
        .or_else(|| bare_day(tokens, a_at).filter(|_| prefixed).map(Err))?;
    let link = a_at + a.map_or(1, |a| a.len);
    let link_ok = match tokens.word(link) {
        "to" | "until" | "till" | "through" | "thru" => true,
        "and" => prefixed,
        _ => false,
    };
    if !link_ok || !tokens.is_free(link) {
        return None;
    }
    let b = point(tokens, link + 1, today).or_else(|| {
        // "October 1 to 15": a bare last day takes the month of the start.
        let start = a.ok().filter(|a| a.start == a.end)?.start;
        let day = bare_day(tokens, link + 1)?;
        let end = start.with_day(day)?;
        Some(Found {
            len: 1,
            start: end,
            end,
        })
    })?;
    let mut start = match a {
        Ok(a) => a.start,
        Err(day) => (b.start == b.end).then_some(b.start)?.with_day(day)?,
    };
    let month_alone = a.is_ok_and(|a| a.len == 1) && month_word(tokens.word(a_at)).is_some();
    if b.end < start && month_alone {
        // "from November to February": the start lies in the year before.
        start = start.checked_sub_months(chrono::Months::new(12))?;
    }
    (start <= b.end).then_some(Found {
        len: link + 1 + b.len - i,
        start,
        end: b.end,
    })
}

/// A day of the month written alone ("15", "15th") at `i`.
fn bare_day(tokens: &Tokens, i: usize) -> Option<u32> {
    day_word(tokens.word(i)).filter(|_| tokens.is_free(i))
}

/// today, yesterday, this/last unit, last N units, YTD/MTD/QTD/WTD, "year to date".
pub(crate) fn relative(tokens: &Tokens, i: usize, today: NaiveDate) -> Option<Found> {
    let word = tokens.word(i);
    let found = |len: usize, (start, end): (NaiveDate, NaiveDate)| {
        tokens
            .span_free(i, len)
            .then_some(Found { len, start, end })
    };
    let to_date = |unit: Unit, len: usize| found(len, calendar::this(unit, today));
    match word {
        "today" => return found(1, (today, today)),
        "yesterday" => {
            let day = today.pred_opt()?;
            return found(1, (day, day));
        }
        "ytd" => return to_date(Unit::Year, 1),
        "qtd" => return to_date(Unit::Quarter, 1),
        "mtd" => return to_date(Unit::Month, 1),
        "wtd" => return to_date(Unit::Week, 1),
        _ => {}
    }
    if let Some(unit) = Unit::from_word(word)
        && tokens.word(i + 1) == "to"
        && tokens.word(i + 2) == "date"
    {
        return to_date(unit, 3);
    }
    if matches!(word, "this" | "current") {
        let unit = Unit::from_word(tokens.word(i + 1)).filter(|unit| *unit != Unit::Day)?;
        let len = if tokens.word(i + 2) == "to" && tokens.word(i + 3) == "date" {
            4
        } else {
            2
        };
        return found(len, calendar::this(unit, today));
    }
    if PREVIOUS_WORDS.contains(&word) || word == "trailing" {
        if let Some(unit) = Unit::from_word(tokens.word(i + 1)) {
            return found(2, calendar::last(unit, today)?);
        }
        let count = count_word(tokens.word(i + 1))?;
        let unit = Unit::from_word(tokens.word(i + 2))?;
        return found(3, calendar::last_n(unit, count, today)?);
    }
    // "2 years ago", "a month ago": the whole unit that far back; Thai word order
    // "7 วันที่ผ่านมา" reads "7 days past", the last 7 days.
    let count = if word == "a" { 1 } else { count_word(word)? };
    let unit = Unit::from_word(tokens.word(i + 1))?;
    match tokens.word(i + 2) {
        "ago" => found(3, calendar::ago(unit, count, today)?),
        "past" | "last" if word != "a" => found(3, calendar::last_n(unit, count, today)?),
        _ => None,
    }
}

/// Words this module understands (for spelling correction).
pub(crate) const WORDS: &[&str] = &[
    "today",
    "yesterday",
    "this",
    "current",
    "last",
    "previous",
    "prior",
    "preceding",
    "past",
    "trailing",
    "since",
    "between",
    "ago",
    "until",
    "through",
    "quarter",
    "quarters",
    "month",
    "months",
    "week",
    "weeks",
    "year",
    "years",
    "days",
    "date",
    "compared",
    "compare",
    "comparison",
    "versus",
    "against",
    "same",
    "period",
    "before",
    "earlier",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "three",
    "seven",
    "eight",
    "eleven",
    "twelve",
];

/// Test support: (period, compare, words left over) for a phrase read on `today`.
#[cfg(test)]
pub(crate) mod testing {
    use analyst_core::CompareKind;
    use chrono::NaiveDate;

    use crate::text::{Tokens, fold};

    pub(crate) type Dates = Option<(String, String)>;

    pub(crate) fn read_on(text: &str, today: &str) -> (Dates, Option<CompareKind>, usize) {
        read_with(text, today, 1)
    }

    /// As [`read_on`], with fiscal years starting in `fiscal_start_month`.
    pub(crate) fn read_with(
        text: &str,
        today: &str,
        fiscal_start_month: u32,
    ) -> (Dates, Option<CompareKind>, usize) {
        let today = NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap_or_default();
        let mut tokens = Tokens::new(&fold(text));
        let reading = super::read(&mut tokens, today, fiscal_start_month);
        let period = reading
            .period
            .map(|p| (p.start.to_string(), p.end.to_string()));
        (period, reading.compare, tokens.free_indices().count())
    }

    pub(crate) fn period_on(text: &str, today: &str) -> Dates {
        read_on(text, today).0
    }

    pub(crate) fn p(start: &str, end: &str) -> Dates {
        Some((start.to_string(), end.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{p, period_on, read_on};

    #[test]
    fn relative_periods() {
        let today = "2026-11-15";
        assert_eq!(period_on("today", today), p("2026-11-15", "2026-11-15"));
        assert_eq!(period_on("yesterday", today), p("2026-11-14", "2026-11-14"));
        assert_eq!(period_on("this week", today), p("2026-11-09", "2026-11-15"));
        assert_eq!(period_on("last week", today), p("2026-11-02", "2026-11-08"));
        assert_eq!(
            period_on("previous month", today),
            p("2026-10-01", "2026-10-31")
        );
        assert_eq!(
            period_on("this quarter", today),
            p("2026-10-01", "2026-11-15")
        );
        assert_eq!(
            period_on("last quarter", today),
            p("2026-07-01", "2026-09-30")
        );
        assert_eq!(period_on("this year", today), p("2026-01-01", "2026-11-15"));
        assert_eq!(period_on("last year", today), p("2025-01-01", "2025-12-31"));
        assert_eq!(period_on("YTD", today), p("2026-01-01", "2026-11-15"));
        assert_eq!(
            period_on("year to date", today),
            p("2026-01-01", "2026-11-15")
        );
        assert_eq!(period_on("MTD", today), p("2026-11-01", "2026-11-15"));
        assert_eq!(
            period_on("last 30 days", today),
            p("2026-10-16", "2026-11-14")
        );
        assert_eq!(
            period_on("past seven days", today),
            p("2026-11-08", "2026-11-14")
        );
        assert_eq!(
            period_on("last 4 weeks", today),
            p("2026-10-18", "2026-11-14")
        );
        assert_eq!(
            period_on("last 3 months", today),
            p("2026-08-01", "2026-10-31")
        );
        assert_eq!(
            period_on("7 days past", today),
            p("2026-11-08", "2026-11-14")
        );
    }

    #[test]
    fn week_boundaries_run_monday_to_sunday() {
        // Monday: this week is one day; last week ended yesterday.
        assert_eq!(
            period_on("this week", "2026-11-16"),
            p("2026-11-16", "2026-11-16")
        );
        assert_eq!(
            period_on("last week", "2026-11-16"),
            p("2026-11-09", "2026-11-15")
        );
        // Across a year end.
        assert_eq!(
            period_on("last week", "2026-01-02"),
            p("2025-12-22", "2025-12-28")
        );
    }

    #[test]
    fn month_quarter_and_year_boundaries() {
        assert_eq!(
            period_on("last month", "2026-01-01"),
            p("2025-12-01", "2025-12-31")
        );
        assert_eq!(
            period_on("last month", "2024-03-31"),
            p("2024-02-01", "2024-02-29")
        );
        assert_eq!(
            period_on("last month", "2025-03-15"),
            p("2025-02-01", "2025-02-28")
        );
        assert_eq!(
            period_on("last quarter", "2026-01-01"),
            p("2025-10-01", "2025-12-31")
        );
        assert_eq!(
            period_on("this quarter", "2026-03-31"),
            p("2026-01-01", "2026-03-31")
        );
        assert_eq!(
            period_on("last year", "2025-01-01"),
            p("2024-01-01", "2024-12-31")
        );
        assert_eq!(
            period_on("February 2024", "2026-11-15"),
            p("2024-02-01", "2024-02-29")
        );
        assert_eq!(
            period_on("in February", "2025-03-01"),
            p("2025-02-01", "2025-02-28")
        );
        assert_eq!(
            period_on("last 12 months", "2024-03-01"),
            p("2023-03-01", "2024-02-29")
        );
    }

    #[test]
    fn units_ago() {
        let today = "2026-11-15";
        assert_eq!(
            period_on("2 years ago", today),
            p("2024-01-01", "2024-12-31")
        );
        assert_eq!(
            period_on("a year ago", today),
            p("2025-01-01", "2025-12-31")
        );
        assert_eq!(
            period_on("three months ago", today),
            p("2026-08-01", "2026-08-31")
        );
        assert_eq!(
            period_on("two quarters ago", "2026-02-10"),
            p("2025-07-01", "2025-09-30")
        );
        assert_eq!(
            period_on("a week ago", today),
            p("2026-11-02", "2026-11-08")
        );
        // "a month past" is not a period.
        assert_eq!(period_on("a month past", today), None);
    }

    #[test]
    fn lead_in_words_are_taken() {
        let today = "2026-11-15";
        let (period, _, left) = read_on("in the month of October", today);
        assert_eq!((period, left), (p("2026-10-01", "2026-10-31"), 0));
        let (period, _, left) = read_on("during the year 2025", today);
        assert_eq!((period, left), (p("2025-01-01", "2025-12-31"), 0));
    }

    #[test]
    fn since_and_ranges() {
        let today = "2026-11-15";
        assert_eq!(
            period_on("since March", today),
            p("2026-03-01", "2026-11-15")
        );
        assert_eq!(
            period_on("since December", today),
            p("2025-12-01", "2026-11-15")
        );
        assert_eq!(
            period_on("since 2026-10-20", today),
            p("2026-10-20", "2026-11-15")
        );
        assert_eq!(
            period_on("since last month", today),
            p("2026-10-01", "2026-11-15")
        );
        assert_eq!(
            period_on("between 2026-01-01 and 2026-03-31", today),
            p("2026-01-01", "2026-03-31")
        );
        assert_eq!(
            period_on("from Q1 2025 to Q2 2025", today),
            p("2025-01-01", "2025-06-30")
        );
        assert_eq!(
            period_on("March to May", today),
            p("2026-03-01", "2026-05-31")
        );
        assert_eq!(
            period_on("between 1 and 15 October", today),
            p("2026-10-01", "2026-10-15")
        );
        assert_eq!(
            period_on("from 20 to 31 December 2024", today),
            p("2024-12-20", "2024-12-31")
        );
        assert_eq!(
            period_on("October 1 to 15", today),
            p("2026-10-01", "2026-10-15")
        );
        // February 29 exists in 2024 only.
        assert_eq!(
            period_on("between 1 and 29 February 2024", today),
            p("2024-02-01", "2024-02-29")
        );
        // A range that ends before it starts is not a range (the end stays unread).
        assert_eq!(
            read_on("between 2026-03-01 and 2026-01-01", today),
            (p("2026-03-01", "2026-03-01"), None, 3)
        );
    }
}
