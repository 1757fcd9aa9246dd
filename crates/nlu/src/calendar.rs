//! Calendar arithmetic for relative periods, exactly as `eval/README.md` defines them.
//!
//! "this X" runs from the start of X to today; "last X" is the whole previous X; "last N days"
//! (and 7·N for weeks) are the whole days ending yesterday; "last N months/quarters/years" are
//! the N whole previous calendar units; a month or quarter named without a year is its latest
//! occurrence that has started by today; weeks run Monday to Sunday.

use analyst_core::period::{month_end, month_start, quarter_start, week_start};
use chrono::{Datelike, Duration, Months, NaiveDate};

/// A calendar unit a user can count in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl Unit {
    /// Reads "day", "weeks", "yr"…
    pub(crate) fn from_word(word: &str) -> Option<Unit> {
        Some(match word {
            "day" | "days" => Unit::Day,
            "week" | "weeks" | "wk" | "wks" => Unit::Week,
            "month" | "months" | "mo" | "mos" | "mth" | "mths" => Unit::Month,
            "quarter" | "quarters" | "qtr" | "qtrs" => Unit::Quarter,
            "year" | "years" | "yr" | "yrs" => Unit::Year,
            _ => return None,
        })
    }
}

/// Start of the unit holding `day`.
pub(crate) fn unit_start(unit: Unit, day: NaiveDate) -> NaiveDate {
    match unit {
        Unit::Day => day,
        Unit::Week => week_start(day),
        Unit::Month => month_start(day),
        Unit::Quarter => quarter_start(day),
        Unit::Year => NaiveDate::from_ymd_opt(day.year(), 1, 1).unwrap_or(day),
    }
}

/// Moves `day` back by `count` units (weeks are 7 days).
fn back(unit: Unit, day: NaiveDate, count: u32) -> Option<NaiveDate> {
    match unit {
        Unit::Day => day.checked_sub_signed(Duration::days(i64::from(count))),
        Unit::Week => day.checked_sub_signed(Duration::days(7 * i64::from(count))),
        Unit::Month => day.checked_sub_months(Months::new(count)),
        Unit::Quarter => day.checked_sub_months(Months::new(count.checked_mul(3)?)),
        Unit::Year => day.checked_sub_months(Months::new(count.checked_mul(12)?)),
    }
}

/// "this week/month/quarter/year": from the start of the unit to today.
pub(crate) fn this(unit: Unit, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (unit_start(unit, today), today)
}

/// "last week/month/…": the whole previous unit.
pub(crate) fn last(unit: Unit, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    if unit == Unit::Week {
        let start = back(Unit::Week, week_start(today), 1)?;
        return Some((start, start + Duration::days(6)));
    }
    last_n(unit, 1, today)
}

/// "last N days/weeks/months/…": N whole days (7·N for weeks) ending yesterday, or the N whole
/// previous calendar months, quarters or years.
pub(crate) fn last_n(unit: Unit, count: u32, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    if count == 0 {
        return None;
    }
    match unit {
        Unit::Day | Unit::Week => {
            let end = today.pred_opt()?;
            let days = if unit == Unit::Day {
                count
            } else {
                count.checked_mul(7)?
            };
            let start = end.checked_sub_signed(Duration::days(i64::from(days) - 1))?;
            Some((start, end))
        }
        _ => {
            let current = unit_start(unit, today);
            let start = back(unit, current, count)?;
            Some((start, current.pred_opt()?))
        }
    }
}

/// The whole unit `count` units before the one holding `today`: "2 years ago" on 2026-11-15
/// is 2024, "3 months ago" is August 2026, "a week ago" the whole week before this one.
pub(crate) fn ago(unit: Unit, count: u32, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let start = back(unit, unit_start(unit, today), count)?;
    let end = match unit {
        Unit::Day => start,
        Unit::Week => start + Duration::days(6),
        Unit::Month => start.checked_add_months(Months::new(1))?.pred_opt()?,
        Unit::Quarter => start.checked_add_months(Months::new(3))?.pred_opt()?,
        Unit::Year => start.checked_add_months(Months::new(12))?.pred_opt()?,
    };
    Some((start, end))
}

/// The first day of the fiscal year that holds `day`, for fiscal years starting on the first
/// of `start_month` (1-12).
pub(crate) fn fiscal_year_start(day: NaiveDate, start_month: u32) -> Option<NaiveDate> {
    let year = if day.month() >= start_month {
        day.year()
    } else {
        day.year() - 1
    };
    NaiveDate::from_ymd_opt(year, start_month, 1)
}

/// Fiscal year `name`, named after the calendar year it ends in: with an October start,
/// FY2026 runs from 2025-10-01 to 2026-09-30; with a January start it is the calendar year.
pub(crate) fn fiscal_year(name: i32, start_month: u32) -> Option<(NaiveDate, NaiveDate)> {
    let start_year = if start_month == 1 { name } else { name - 1 };
    let start = NaiveDate::from_ymd_opt(start_year, start_month, 1)?;
    Some((
        start,
        start.checked_add_months(Months::new(12))?.pred_opt()?,
    ))
}

/// A whole calendar month.
pub(crate) fn month(year: i32, month: u32) -> Option<(NaiveDate, NaiveDate)> {
    let start = NaiveDate::from_ymd_opt(year, month, 1)?;
    Some((start, month_end(start)))
}

/// A whole calendar quarter (1-4).
pub(crate) fn quarter(year: i32, quarter: u32) -> Option<(NaiveDate, NaiveDate)> {
    if !(1..=4).contains(&quarter) {
        return None;
    }
    let start = NaiveDate::from_ymd_opt(year, (quarter - 1) * 3 + 1, 1)?;
    let end = start.checked_add_months(Months::new(3))?.pred_opt()?;
    Some((start, end))
}

/// A whole calendar year.
pub(crate) fn year(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

/// The year of the latest occurrence of `month` that has started by `today`.
pub(crate) fn latest_year_of_month(month: u32, today: NaiveDate) -> i32 {
    if month <= today.month() {
        today.year()
    } else {
        today.year() - 1
    }
}

/// The year of the latest occurrence of quarter `q` that has started by `today`.
pub(crate) fn latest_year_of_quarter(q: u32, today: NaiveDate) -> i32 {
    if (q.saturating_sub(1)) * 3 < today.month() {
        today.year()
    } else {
        today.year() - 1
    }
}

/// A named period that is still running ends today (its future days hold no sales).
pub(crate) fn clamp(range: (NaiveDate, NaiveDate), today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let (start, end) = range;
    if start <= today && today < end {
        (start, today)
    } else {
        (start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    fn range(a: &str, b: &str) -> Option<(NaiveDate, NaiveDate)> {
        Some((d(a), d(b)))
    }

    #[test]
    fn this_and_last_units() {
        let today = d("2026-11-15"); // a Sunday
        assert_eq!(this(Unit::Week, today), (d("2026-11-09"), today));
        assert_eq!(this(Unit::Quarter, today), (d("2026-10-01"), today));
        assert_eq!(last(Unit::Week, today), range("2026-11-02", "2026-11-08"));
        assert_eq!(last(Unit::Month, today), range("2026-10-01", "2026-10-31"));
        assert_eq!(
            last(Unit::Quarter, today),
            range("2026-07-01", "2026-09-30")
        );
        assert_eq!(last(Unit::Year, today), range("2025-01-01", "2025-12-31"));
        assert_eq!(last(Unit::Day, today), range("2026-11-14", "2026-11-14"));
        // On a Monday, last week is the whole week that ended yesterday.
        assert_eq!(
            last(Unit::Week, d("2026-11-16")),
            range("2026-11-09", "2026-11-15")
        );
    }

    #[test]
    fn boundaries_of_months_quarters_and_years() {
        assert_eq!(
            last(Unit::Month, d("2026-01-01")),
            range("2025-12-01", "2025-12-31")
        );
        assert_eq!(
            last(Unit::Quarter, d("2026-03-10")),
            range("2025-10-01", "2025-12-31")
        );
        assert_eq!(
            last(Unit::Month, d("2024-03-31")),
            range("2024-02-01", "2024-02-29")
        );
        assert_eq!(
            last(Unit::Month, d("2025-03-01")),
            range("2025-02-01", "2025-02-28")
        );
        assert_eq!(quarter(2024, 1), range("2024-01-01", "2024-03-31"));
        assert_eq!(quarter(2025, 4), range("2025-10-01", "2025-12-31"));
        assert_eq!(quarter(2025, 5), None);
        assert_eq!(month(2024, 2), range("2024-02-01", "2024-02-29"));
        assert_eq!(month(2025, 13), None);
    }

    #[test]
    fn last_n_units() {
        let today = d("2026-11-15");
        assert_eq!(
            last_n(Unit::Day, 30, today),
            range("2026-10-16", "2026-11-14")
        );
        assert_eq!(
            last_n(Unit::Day, 7, today),
            range("2026-11-08", "2026-11-14")
        );
        assert_eq!(
            last_n(Unit::Day, 90, today),
            range("2026-08-17", "2026-11-14")
        );
        assert_eq!(
            last_n(Unit::Week, 4, today),
            range("2026-10-18", "2026-11-14")
        );
        assert_eq!(
            last_n(Unit::Week, 1, today),
            range("2026-11-08", "2026-11-14")
        );
        assert_eq!(
            last_n(Unit::Month, 3, today),
            range("2026-08-01", "2026-10-31")
        );
        assert_eq!(
            last_n(Unit::Month, 12, d("2024-03-01")),
            range("2023-03-01", "2024-02-29")
        );
        assert_eq!(
            last_n(Unit::Quarter, 2, today),
            range("2026-04-01", "2026-09-30")
        );
        assert_eq!(
            last_n(Unit::Year, 2, today),
            range("2024-01-01", "2025-12-31")
        );
        assert_eq!(last_n(Unit::Day, 0, today), None);
        assert_eq!(last_n(Unit::Day, u32::MAX, today), None);
        assert_eq!(last_n(Unit::Year, u32::MAX, today), None);
    }

    #[test]
    fn whole_units_ago() {
        let today = d("2026-11-15"); // a Sunday
        assert_eq!(ago(Unit::Year, 2, today), range("2024-01-01", "2024-12-31"));
        assert_eq!(
            ago(Unit::Month, 3, today),
            range("2026-08-01", "2026-08-31")
        );
        assert_eq!(
            ago(Unit::Month, 11, today),
            range("2025-12-01", "2025-12-31")
        );
        assert_eq!(
            ago(Unit::Quarter, 1, today),
            range("2026-07-01", "2026-09-30")
        );
        assert_eq!(ago(Unit::Week, 1, today), range("2026-11-02", "2026-11-08"));
        assert_eq!(ago(Unit::Day, 3, today), range("2026-11-12", "2026-11-12"));
        // A leap February, and weeks across a year end.
        assert_eq!(
            ago(Unit::Month, 1, d("2024-03-31")),
            range("2024-02-01", "2024-02-29")
        );
        assert_eq!(
            ago(Unit::Week, 2, d("2026-01-07")),
            range("2025-12-22", "2025-12-28")
        );
        assert_eq!(ago(Unit::Year, u32::MAX, today), None);
    }

    #[test]
    fn fiscal_years() {
        assert_eq!(
            fiscal_year_start(d("2026-11-15"), 10),
            Some(d("2026-10-01"))
        );
        assert_eq!(
            fiscal_year_start(d("2026-09-30"), 10),
            Some(d("2025-10-01"))
        );
        assert_eq!(fiscal_year_start(d("2026-01-01"), 1), Some(d("2026-01-01")));
        assert_eq!(fiscal_year_start(d("2026-03-31"), 4), Some(d("2025-04-01")));
        assert_eq!(fiscal_year(2026, 10), range("2025-10-01", "2026-09-30"));
        assert_eq!(fiscal_year(2026, 1), range("2026-01-01", "2026-12-31"));
        // A fiscal year starting in March ends on the last day of a leap February.
        assert_eq!(fiscal_year(2024, 3), range("2023-03-01", "2024-02-29"));
    }

    #[test]
    fn latest_occurrences_and_clamping() {
        assert_eq!(latest_year_of_month(9, d("2026-08-20")), 2025);
        assert_eq!(latest_year_of_month(8, d("2026-08-20")), 2026);
        assert_eq!(latest_year_of_month(9, d("2026-11-15")), 2026);
        assert_eq!(latest_year_of_quarter(4, d("2026-09-30")), 2025);
        assert_eq!(latest_year_of_quarter(3, d("2026-07-01")), 2026);
        let today = d("2026-11-15");
        assert_eq!(
            clamp((d("2026-11-01"), d("2026-11-30")), today),
            (d("2026-11-01"), today)
        );
        assert_eq!(
            clamp((d("2026-12-01"), d("2026-12-31")), today),
            (d("2026-12-01"), d("2026-12-31"))
        );
    }
}
