//! Periods (inclusive date ranges), comparisons and trend grains.

use std::fmt;

use chrono::{Datelike, Duration, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::CoreError;

/// An inclusive range of dates; once constructed, `start <= end` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PeriodFields")]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// How the user named it ("last month"), for the answer's wording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

#[derive(Deserialize)]
struct PeriodFields {
    start: NaiveDate,
    end: NaiveDate,
    #[serde(default)]
    label: Option<String>,
}

impl TryFrom<PeriodFields> for Period {
    type Error = CoreError;
    fn try_from(fields: PeriodFields) -> Result<Self, CoreError> {
        let period = Period::new(fields.start, fields.end)?;
        Ok(match fields.label {
            Some(label) => period.labelled(label),
            None => period,
        })
    }
}

impl Period {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, CoreError> {
        if end < start {
            return Err(CoreError::PeriodEndsBeforeStart {
                start: start.to_string(),
                end: end.to_string(),
            });
        }
        Ok(Period {
            start,
            end,
            label: None,
        })
    }

    /// Parses two `YYYY-MM-DD` strings.
    pub fn parse(start: &str, end: &str) -> Result<Self, CoreError> {
        Period::new(parse_date(start)?, parse_date(end)?)
    }

    pub fn single_day(day: NaiveDate) -> Self {
        Period {
            start: day,
            end: day,
            label: None,
        }
    }

    pub fn labelled(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Number of days in the period, both ends included.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }

    /// The period to compare with.
    pub fn compared(&self, kind: CompareKind) -> Period {
        self.shifted_back(self.compare_shift(kind))
    }

    /// How far back the comparison period lies: whole months for calendar periods (a quarter →
    /// the quarter before, October 1-15 → September 1-15, a year back → 12 months), otherwise
    /// the period's own length in days.
    pub fn compare_shift(&self, kind: CompareKind) -> Shift {
        match kind {
            CompareKind::PreviousYear => Shift::Months(12),
            CompareKind::PreviousPeriod if self.start.day() == 1 => {
                let months = (self.end.year() - self.start.year()) * 12 + self.end.month() as i32
                    - self.start.month() as i32
                    + 1;
                Shift::Months(u32::try_from(months).unwrap_or(1))
            }
            CompareKind::PreviousPeriod => Shift::Days(self.days()),
        }
    }

    /// The period `shift` earlier. A month shift keeps an end on the last day of its month on
    /// the last day of the earlier month (Feb 29 → Feb 28, Sep 30 → Jun 30).
    pub fn shifted_back(&self, shift: Shift) -> Period {
        let back = |day: NaiveDate| match shift {
            Shift::Days(days) => day - Duration::days(days),
            Shift::Months(months) => {
                let moved = day - Months::new(months);
                if is_month_end(day) {
                    month_end(moved)
                } else {
                    moved
                }
            }
        };
        Period {
            start: back(self.start),
            end: back(self.end),
            label: None,
        }
    }
}

/// The distance between a period and the one it is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shift {
    Months(u32),
    Days(i64),
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start == self.end {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{} to {}", self.start, self.end)
        }
    }
}

/// Parses a `YYYY-MM-DD` date with a message that says what is expected.
pub fn parse_date(text: &str) -> Result<NaiveDate, CoreError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| CoreError::InvalidDate(text.to_string()))
}

pub fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

pub fn month_end(day: NaiveDate) -> NaiveDate {
    let next_month = month_start(day) + Months::new(1);
    next_month - Duration::days(1)
}

pub fn is_month_end(day: NaiveDate) -> bool {
    month_end(day) == day
}

pub fn quarter_start(day: NaiveDate) -> NaiveDate {
    let month = (day.month0() / 3) * 3 + 1;
    NaiveDate::from_ymd_opt(day.year(), month, 1).unwrap_or(day)
}

/// Monday of the ISO week holding `day` (weeks run Monday to Sunday).
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// What an answer is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compare {
    pub kind: CompareKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareKind {
    PreviousPeriod,
    PreviousYear,
}

/// The time bucket of a trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grain {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        parse_date(text).unwrap()
    }

    #[test]
    fn rejects_a_period_that_ends_before_it_starts() {
        assert!(Period::parse("2026-02-01", "2026-01-31").is_err());
        assert!(
            serde_json::from_str::<Period>(r#"{"start":"2026-02-01","end":"2026-01-01"}"#).is_err()
        );
        assert!(Period::parse("2026-13-01", "2026-12-31").is_err());
    }

    #[test]
    fn previous_period_of_whole_months_and_partial_months() {
        let quarter = Period::parse("2025-10-01", "2025-12-31").unwrap();
        let before = quarter.compared(CompareKind::PreviousPeriod);
        assert_eq!(
            (before.start, before.end),
            (day("2025-07-01"), day("2025-09-30"))
        );

        let month_to_date = Period::parse("2026-11-01", "2026-11-15").unwrap();
        let before = month_to_date.compared(CompareKind::PreviousPeriod);
        assert_eq!(
            (before.start, before.end),
            (day("2026-10-01"), day("2026-10-15"))
        );

        let week = Period::parse("2026-11-09", "2026-11-15").unwrap();
        let before = week.compared(CompareKind::PreviousPeriod);
        assert_eq!(
            (before.start, before.end),
            (day("2026-11-02"), day("2026-11-08"))
        );
    }

    #[test]
    fn previous_year_keeps_month_ends() {
        let february = Period::parse("2024-02-01", "2024-02-29").unwrap();
        let before = february.compared(CompareKind::PreviousYear);
        assert_eq!(
            (before.start, before.end),
            (day("2023-02-01"), day("2023-02-28"))
        );
    }

    #[test]
    fn calendar_helpers() {
        assert_eq!(week_start(day("2026-11-15")), day("2026-11-09"));
        assert_eq!(quarter_start(day("2026-11-15")), day("2026-10-01"));
        assert_eq!(month_end(day("2024-02-10")), day("2024-02-29"));
    }
}
