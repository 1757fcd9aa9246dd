//! Named points in time: ISO dates, "5 March 2026", months ("October 2026", "in September"),
//! quarters ("Q3 2025", "quarter 3"), years ("2025", Thai Buddhist-era "2568"), and counts
//! ("30", "two"). A month or quarter named without a year is its latest occurrence that has
//! started by today; a named period still running ends today.

use chrono::{Datelike, NaiveDate};

use crate::calendar;
use crate::text::{Tokens, is_number};

/// A period found at some position: how many words it spans and its dates.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found {
    pub(crate) len: usize,
    pub(crate) start: NaiveDate,
    pub(crate) end: NaiveDate,
}

/// A number in digits or words ("30", "two").
pub(crate) fn count_word(word: &str) -> Option<u32> {
    if is_number(word) {
        return word.parse().ok().filter(|n| *n > 0);
    }
    const WORDS: [&str; 12] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve",
    ];
    WORDS
        .iter()
        .position(|w| *w == word)
        .and_then(|index| u32::try_from(index + 1).ok())
}

/// A named point in time: an ISO date, a month (with or without day and year), a quarter, a
/// year. Named periods still running end today.
pub(crate) fn point(tokens: &Tokens, i: usize, today: NaiveDate) -> Option<Found> {
    let word = tokens.word(i);
    let found = |len: usize, range: (NaiveDate, NaiveDate)| named(tokens, i, len, range, today);
    if let Ok(day) = NaiveDate::parse_from_str(word, "%Y-%m-%d") {
        return tokens.span_free(i, 1).then_some(Found {
            len: 1,
            start: day,
            end: day,
        });
    }
    // Quarters: "Q3", "Q3 2025", "Q3 of 2025", "2025 Q3", "quarter 3 2025".
    let (quarter_number, quarter_len) = match quarter_word(word) {
        Some(q) => (Some(q), 1),
        None if word == "quarter" => (count_word(tokens.word(i + 1)).filter(|q| *q <= 4), 2),
        None => (None, 0),
    };
    if let Some(q) = quarter_number {
        let (year, year_len) = following_year(tokens, i + quarter_len)
            .unwrap_or((calendar::latest_year_of_quarter(q, today), 0));
        return found(quarter_len + year_len, calendar::quarter(year, q)?);
    }
    if let Some(year) = year_word(word) {
        if let Some(q) = quarter_word(tokens.word(i + 1)) {
            return found(2, calendar::quarter(year, q)?);
        }
        if let Some(month) = month_word(tokens.word(i + 1)) {
            return found(2, calendar::month(year, month)?);
        }
        return found(1, calendar::year(year)?);
    }
    // "5 March [2026]".
    if let Some(day) = day_word(word)
        && let Some(month) = month_word(tokens.word(i + 1))
    {
        let (year, year_len) = following_year(tokens, i + 2).unwrap_or((0, 0));
        let date = dated(year, year_len, month, day, today)?;
        return found(2 + year_len, (date, date));
    }
    let month = month_word(word)?;
    if word == "may" && !may_is_month(tokens, i) {
        return None;
    }
    // "March 5 [2026]".
    if let Some(day) = day_word(tokens.word(i + 1))
        && year_word(tokens.word(i + 1)).is_none()
    {
        let (year, year_len) = following_year(tokens, i + 2).unwrap_or((0, 0));
        let date = dated(year, year_len, month, day, today)?;
        return found(2 + year_len, (date, date));
    }
    let (year, year_len) =
        following_year(tokens, i + 1).unwrap_or((calendar::latest_year_of_month(month, today), 0));
    found(1 + year_len, calendar::month(year, month)?)
}

/// The named period `range` spanning the `len` free words at `i`; still running, it ends today.
pub(crate) fn named(
    tokens: &Tokens,
    i: usize,
    len: usize,
    range: (NaiveDate, NaiveDate),
    today: NaiveDate,
) -> Option<Found> {
    let (start, end) = calendar::clamp(range, today);
    tokens
        .span_free(i, len)
        .then_some(Found { len, start, end })
}

/// A day of a month: in the given year, or its latest occurrence not after today.
fn dated(year: i32, year_len: usize, month: u32, day: u32, today: NaiveDate) -> Option<NaiveDate> {
    if year_len > 0 {
        return NaiveDate::from_ymd_opt(year, month, day);
    }
    let this_year = NaiveDate::from_ymd_opt(today.year(), month, day);
    match this_year {
        Some(date) if date <= today => Some(date),
        _ => NaiveDate::from_ymd_opt(today.year() - 1, month, day),
    }
}

/// "may" is a month only next to a year or after a time preposition.
fn may_is_month(tokens: &Tokens, i: usize) -> bool {
    year_word(tokens.word(i + 1)).is_some()
        || matches!(
            tokens.before(i),
            "in" | "since"
                | "from"
                | "to"
                | "until"
                | "during"
                | "for"
                | "of"
                | "between"
                | "and"
                | "through"
                | "vs"
        )
}

/// A year after position `i` ("2025" or "of 2025"), with the words it takes.
fn following_year(tokens: &Tokens, i: usize) -> Option<(i32, usize)> {
    if let Some(year) = year_word(tokens.word(i)) {
        return tokens.span_free(i, 1).then_some((year, 1));
    }
    if tokens.word(i) == "of"
        && let Some(year) = year_word(tokens.word(i + 1))
    {
        return tokens.span_free(i, 2).then_some((year, 2));
    }
    None
}

/// A four-digit year; Thai Buddhist-era years (2568) are converted.
pub(crate) fn year_word(word: &str) -> Option<i32> {
    if word.len() != 4 || !is_number(word) {
        return None;
    }
    let year: i32 = word.parse().ok()?;
    match year {
        1990..=2100 => Some(year),
        2500..=2700 => Some(year - 543),
        _ => None,
    }
}

fn quarter_word(word: &str) -> Option<u32> {
    match word {
        "q1" => Some(1),
        "q2" => Some(2),
        "q3" => Some(3),
        "q4" => Some(4),
        _ => None,
    }
}

pub(crate) fn day_word(word: &str) -> Option<u32> {
    let digits = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix))
        .unwrap_or(word);
    if !is_number(digits) || digits.len() > 2 {
        return None;
    }
    digits.parse().ok().filter(|day| (1..=31).contains(day))
}

/// A month name or abbreviation (1-12).
pub(crate) fn month_word(word: &str) -> Option<u32> {
    const MONTHS: [(&str, &str); 12] = [
        ("january", "jan"),
        ("february", "feb"),
        ("march", "mar"),
        ("april", "apr"),
        ("may", "may"),
        ("june", "jun"),
        ("july", "jul"),
        ("august", "aug"),
        ("september", "sep"),
        ("october", "oct"),
        ("november", "nov"),
        ("december", "dec"),
    ];
    let index = MONTHS.iter().position(|(name, short)| {
        word == *name || word == *short || (word == "sept" && *short == "sep")
    })?;
    u32::try_from(index + 1).ok()
}

#[cfg(test)]
mod tests {
    use crate::time::testing::{p, period_on};

    #[test]
    fn named_months_quarters_and_years() {
        let today = "2026-11-15";
        assert_eq!(period_on("in 2025", today), p("2025-01-01", "2025-12-31"));
        assert_eq!(period_on("Q3 2025", today), p("2025-07-01", "2025-09-30"));
        assert_eq!(period_on("2025 Q1", today), p("2025-01-01", "2025-03-31"));
        assert_eq!(
            period_on("q2 of 2024", today),
            p("2024-04-01", "2024-06-30")
        );
        assert_eq!(
            period_on("quarter 3 2025", today),
            p("2025-07-01", "2025-09-30")
        );
        assert_eq!(
            period_on("October 2026", today),
            p("2026-10-01", "2026-10-31")
        );
        assert_eq!(period_on("oct 2026", today), p("2026-10-01", "2026-10-31"));
        assert_eq!(
            period_on("in September", today),
            p("2026-09-01", "2026-09-30")
        );
        // A month not yet reached this year is last year's.
        assert_eq!(
            period_on("in September", "2026-08-20"),
            p("2025-09-01", "2025-09-30")
        );
        assert_eq!(
            period_on("in December", today),
            p("2025-12-01", "2025-12-31")
        );
        // The running month ends today.
        assert_eq!(
            period_on("in November", today),
            p("2026-11-01", "2026-11-15")
        );
        assert_eq!(period_on("Q4", today), p("2026-10-01", "2026-11-15"));
        assert_eq!(period_on("Q4", "2026-09-30"), p("2025-10-01", "2025-12-31"));
        assert_eq!(period_on("2568", today), p("2025-01-01", "2025-12-31"));
        assert_eq!(
            period_on("2026-02-14", today),
            p("2026-02-14", "2026-02-14")
        );
        assert_eq!(
            period_on("14 February 2026", today),
            p("2026-02-14", "2026-02-14")
        );
        assert_eq!(period_on("Dec 24", today), p("2025-12-24", "2025-12-24"));
        assert_eq!(
            period_on("Feb 29 2024", today),
            p("2024-02-29", "2024-02-29")
        );
        // An impossible day is not a date; the year it names is what is left.
        assert_eq!(
            period_on("Feb 29 2025", today),
            p("2025-01-01", "2025-12-31")
        );
    }

    #[test]
    fn may_is_a_month_only_in_context() {
        let today = "2026-11-15";
        assert_eq!(period_on("in May", today), p("2026-05-01", "2026-05-31"));
        assert_eq!(period_on("May 2025", today), p("2025-05-01", "2025-05-31"));
        assert_eq!(period_on("may I see revenue", today), None);
    }
}
