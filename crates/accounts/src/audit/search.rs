//! Reading the log: entries matching a filter, newest first, a page at a time.

use analyst_store::{Connection, Value};
use chrono::{DateTime, Days, NaiveDate, NaiveDateTime};

use super::AuditEvent;
use super::chain::{AuditRecord, COLUMNS};
use crate::Result;

/// Entries listed when no limit is given.
pub const DEFAULT_LIST_LIMIT: usize = 100;
/// The most entries one listing returns; page further with `before_id`.
pub const MAX_LIST_LIMIT: usize = 1_000;

/// Which entries to list. Every condition given must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFilter {
    /// The username, in any case.
    pub username: Option<String>,
    pub event: Option<AuditEvent>,
    /// Entries at or after this moment (UTC).
    pub since: Option<NaiveDateTime>,
    /// Entries before this moment (UTC).
    pub until: Option<NaiveDateTime>,
    /// Entries older than this one: the `id` of the last entry of the previous page.
    pub before_id: Option<i64>,
    /// At most this many, clamped to 1..=[`MAX_LIST_LIMIT`].
    pub limit: usize,
}

impl Default for AuditFilter {
    fn default() -> Self {
        AuditFilter {
            username: None,
            event: None,
            since: None,
            until: None,
            before_id: None,
            limit: DEFAULT_LIST_LIMIT,
        }
    }
}

/// The entries matching `filter`, newest first.
pub fn list(connection: &dyn Connection, filter: &AuditFilter) -> Result<Vec<AuditRecord>> {
    let mut conditions = Vec::new();
    let mut params = Vec::new();
    let mut bind = |condition: &str, value: Value| {
        params.push(value);
        conditions.push(condition.replace('?', &format!("${}", params.len())));
    };
    if let Some(username) = &filter.username {
        bind("lower(username) = ?", username.trim().to_lowercase().into());
    }
    if let Some(event) = filter.event {
        bind("event = ?", event.name().into());
    }
    if let Some(since) = filter.since {
        bind("created_at >= ?", since.into());
    }
    if let Some(until) = filter.until {
        bind("created_at < ?", until.into());
    }
    if let Some(before_id) = filter.before_id {
        bind("id < ?", before_id.into());
    }
    let limit = filter.limit.clamp(1, MAX_LIST_LIMIT);
    params.push(Value::Int(i64::try_from(limit).unwrap_or(i64::MAX)));
    let limit_param = params.len();
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM app.audit_log {where_clause} ORDER BY id DESC LIMIT ${limit_param}"
    );
    let rows = connection.query(&sql, &params)?;
    Ok(rows
        .rows
        .iter()
        .map(|row| AuditRecord::from_row(row))
        .collect::<analyst_store::Result<_>>()?)
}

/// The start of a listing: a date (`2026-11-15`, from midnight UTC) or a moment in RFC 3339
/// (`2026-11-15T08:30:00Z`, `2026-11-15T15:30:00+07:00`), as UTC.
pub fn parse_since(text: &str) -> Result<NaiveDateTime, String> {
    parse_moment(text, false)
}

/// The end of a listing (exclusive): a moment as for [`parse_since`], or a date, meaning up
/// to the end of that day.
pub fn parse_until(text: &str) -> Result<NaiveDateTime, String> {
    parse_moment(text, true)
}

fn parse_moment(text: &str, end_of_day: bool) -> Result<NaiveDateTime, String> {
    let text = text.trim();
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let day = if end_of_day {
            date.checked_add_days(Days::new(1)).unwrap_or(date)
        } else {
            date
        };
        return Ok(day.and_time(chrono::NaiveTime::MIN));
    }
    if let Ok(moment) = DateTime::parse_from_rfc3339(text) {
        return Ok(moment.naive_utc());
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(moment) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(moment);
        }
    }
    Err(format!(
        "'{text}' is not a date or time: use YYYY-MM-DD (e.g. 2026-11-15) or RFC 3339 (e.g. 2026-11-15T08:30:00Z)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_are_dates_or_rfc3339_in_utc() {
        let at = |text: &str| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap();
        assert_eq!(parse_since("2026-11-15"), Ok(at("2026-11-15 00:00:00")));
        assert_eq!(parse_until("2026-11-15"), Ok(at("2026-11-16 00:00:00")));
        assert_eq!(
            parse_since("2026-11-15T15:30:00+07:00"),
            Ok(at("2026-11-15 08:30:00"))
        );
        assert_eq!(
            parse_until("2026-11-15 08:30:00"),
            Ok(at("2026-11-15 08:30:00"))
        );
        let error = parse_since("last week").unwrap_err();
        assert!(error.contains("'last week' is not a date"), "{error}");
    }
}
