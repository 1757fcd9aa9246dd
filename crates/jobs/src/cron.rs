//! Cron expressions of job schedules: the five standard fields (minute hour day month weekday),
//! read in UTC, with the standard meaning (Sunday is 0 or 7; when both day and weekday are
//! restricted, either one matching is enough). Parsed on construction, so a
//! [`CronExpression`] held is valid and comes again.

use std::fmt;

use chrono::{NaiveDateTime, Utc};
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};

/// The fields in order: name, and what it accepts.
const FIELDS: [(&str, &str); 5] = [
    ("minute", "0-59"),
    ("hour", "0-23"),
    ("day", "1-31"),
    ("month", "1-12 or JAN-DEC"),
    ("weekday", "0-7 or SUN-SAT, Sunday being 0 or 7"),
];

/// A text that is not a usable cron expression, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{expression}' is not a cron expression: {reason}")]
pub struct InvalidCron {
    pub expression: String,
    pub reason: String,
}

/// A valid cron expression.
#[derive(Clone)]
pub struct CronExpression {
    text: String,
    cron: Cron,
}

fn parser() -> CronParser {
    CronParser::builder()
        .seconds(Seconds::Disallowed)
        .year(Year::Disallowed)
        .build()
}

impl CronExpression {
    /// Reads `text`: five fields, or a nickname such as `@hourly` or `@daily`.
    pub fn parse(text: &str) -> Result<CronExpression, InvalidCron> {
        let text = text.trim();
        let invalid = |reason: String| InvalidCron {
            expression: text.to_string(),
            reason,
        };
        let fields: Vec<&str> = text.split_whitespace().collect();
        if !text.starts_with('@') && fields.len() != FIELDS.len() {
            return Err(invalid(format!(
                "it needs 5 fields (minute hour day month weekday), not {}",
                fields.len()
            )));
        }
        let cron = parser().parse(text).map_err(|error| {
            invalid(match bad_field(&fields) {
                Some((index, (name, accepts))) => format!(
                    "the {name} field '{}' is not valid ({name}: {accepts}; also *, lists \
                     1,2, ranges 1-5 and steps */10)",
                    fields[index]
                ),
                None if text.starts_with('@') => "the nicknames are @yearly, @monthly, \
                    @weekly, @daily and @hourly"
                    .to_string(),
                None => error.to_string(),
            })
        })?;
        if cron
            .find_next_occurrence(&Utc::now().naive_utc(), false)
            .is_err()
        {
            return Err(invalid("that time never comes".into()));
        }
        Ok(CronExpression {
            text: text.to_string(),
            cron,
        })
    }

    /// The first time the expression matches strictly after `moment` (whole minutes).
    pub fn next_after(&self, moment: NaiveDateTime) -> Option<NaiveDateTime> {
        self.cron.find_next_occurrence(&moment, false).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// The first field that is wrong on its own (the others left as `*`).
fn bad_field(fields: &[&str]) -> Option<(usize, (&'static str, &'static str))> {
    if fields.len() != FIELDS.len() {
        return None;
    }
    (0..FIELDS.len()).find_map(|index| {
        let alone: Vec<&str> = (0..FIELDS.len())
            .map(|other| if other == index { fields[index] } else { "*" })
            .collect();
        parser()
            .parse(&alone.join(" "))
            .is_err()
            .then_some((index, FIELDS[index]))
    })
}

impl fmt::Display for CronExpression {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.text)
    }
}

impl fmt::Debug for CronExpression {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "CronExpression({:?})", self.text)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    fn next(expression: &str, after: &str) -> NaiveDateTime {
        CronExpression::parse(expression)
            .unwrap()
            .next_after(at(after))
            .unwrap()
    }

    #[test]
    fn the_next_time_is_strictly_after() {
        assert_eq!(
            next("17 * * * *", "2026-03-10 10:16"),
            at("2026-03-10 10:17")
        );
        assert_eq!(
            next("17 * * * *", "2026-03-10 10:17"),
            at("2026-03-10 11:17")
        );
        assert_eq!(
            next("*/15 * * * *", "2026-12-31 23:50"),
            at("2027-01-01 00:00")
        );
        assert_eq!(next("@daily", "2026-03-10 10:17"), at("2026-03-11 00:00"));
    }

    #[test]
    fn weekdays_are_standard() {
        // 2026-03-10 is a Tuesday; Sunday is 0 or 7.
        assert_eq!(
            next("0 6 * * 0", "2026-03-10 10:00"),
            at("2026-03-15 06:00")
        );
        assert_eq!(
            next("0 6 * * 7", "2026-03-10 10:00"),
            at("2026-03-15 06:00")
        );
        assert_eq!(
            next("0 6 * * MON-FRI", "2026-03-10 10:00"),
            at("2026-03-11 06:00")
        );
        // Day and weekday both given: either is enough (the 1st, or any Monday).
        assert_eq!(
            next("0 0 1 * 1", "2026-03-10 10:00"),
            at("2026-03-16 00:00")
        );
    }

    #[test]
    fn bad_expressions_say_what_is_wrong() {
        let reason = |text: &str| CronExpression::parse(text).unwrap_err().to_string();
        assert_eq!(
            reason("*/5 * * *"),
            "'*/5 * * *' is not a cron expression: it needs 5 fields (minute hour day month \
             weekday), not 4"
        );
        assert!(reason("0 0 * * * *").contains("not 6"));
        assert!(reason("61 * * * *").contains("the minute field '61'"));
        assert!(reason("0 24 * * *").contains("the hour field '24'"));
        assert!(reason("0 0 0 * *").contains("the day field '0'"));
        assert!(reason("0 0 1 13 *").contains("the month field '13'"));
        assert!(reason("0 0 * * 8").contains("the weekday field '8'"));
        assert!(reason("*/0 * * * *").contains("the minute field '*/0'"));
        assert!(reason("@sometimes").contains("@hourly"));
        assert!(reason("0 0 31 2 *").contains("never comes"));
    }
}
