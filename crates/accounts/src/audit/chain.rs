//! The hash chain: how an entry's hash is computed, and checking a whole log against it.

use std::fmt;

use analyst_store::{Connection, StoreError, Value};
use chrono::NaiveDateTime;

use super::AuditEntry;
use crate::Result;
use crate::secret::digest;

/// The `prev_hash` of the first entry of a chain.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The columns of `app.audit_log`, in the order of [`AuditRecord::values`].
pub(super) const COLUMNS: &str = "id, created_at, event, user_id, username, company_id, workspace, ip, detail, sql_text, row_count, latency_ms, prev_hash, hash";

/// Verification reads the log in pages of this many entries, never all of it at once.
const PAGE: i64 = 10_000;

/// Bounds of the text fields: a 10 MB "username" is not kept.
const SHORT_TEXT: usize = 200;
const DETAIL_TEXT: usize = 4_000;
const SQL_TEXT: usize = 20_000;

/// One stored entry. `prev_hash` and `hash` are `None` for entries written before the log was
/// chained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    /// UTC.
    pub created_at: NaiveDateTime,
    /// The event's name (see [`super::AuditEvent::name`]).
    pub event: String,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub company_id: Option<i64>,
    pub workspace: Option<String>,
    pub ip: Option<String>,
    pub detail: Option<String>,
    pub sql: Option<String>,
    pub row_count: Option<i64>,
    pub latency_ms: Option<i64>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

impl AuditRecord {
    /// The record `entry` becomes as entry `id`, following the entry whose hash is `prev_hash`.
    pub(super) fn chained(
        id: i64,
        created_at: NaiveDateTime,
        entry: &AuditEntry,
        prev_hash: String,
    ) -> AuditRecord {
        let bounded = |text: &Option<String>, limit: usize| {
            // PostgreSQL text cannot hold NUL; nothing legitimate needs it.
            text.as_deref()
                .map(|text| text.chars().filter(|c| *c != '\0').take(limit).collect())
        };
        let mut record = AuditRecord {
            id,
            created_at,
            event: entry.event.name().to_string(),
            user_id: entry.user_id,
            username: bounded(&entry.username, SHORT_TEXT),
            company_id: entry.company_id,
            workspace: bounded(&entry.workspace, SHORT_TEXT),
            ip: bounded(&entry.ip, SHORT_TEXT),
            detail: bounded(&entry.detail, DETAIL_TEXT),
            sql: bounded(&entry.sql, SQL_TEXT),
            row_count: entry.row_count,
            latency_ms: entry.latency_ms,
            prev_hash: Some(prev_hash),
            hash: None,
        };
        record.hash = Some(record.computed_hash());
        record
    }

    /// The SHA-256 (lowercase hex) of the canonical text of every field but `hash`.
    ///
    /// The canonical text starts with a version line, then has one line per field in a fixed
    /// order: `name:null` for a missing value, `name:<length in bytes>:<value>` otherwise, so
    /// no value (even one holding newlines or colons) can be mistaken for another. Timestamps
    /// are written `YYYY-MM-DD HH:MM:SS.ffffff`.
    pub fn computed_hash(&self) -> String {
        let mut text = String::from("analyst-audit-v1\n");
        let mut field = |name: &str, value: Option<&str>| match value {
            Some(value) => text.push_str(&format!("{name}:{}:{value}\n", value.len())),
            None => text.push_str(&format!("{name}:null\n")),
        };
        let number = |value: Option<i64>| value.map(|value| value.to_string());
        field("id", Some(&self.id.to_string()));
        field(
            "created_at",
            Some(&self.created_at.format("%Y-%m-%d %H:%M:%S%.6f").to_string()),
        );
        field("event", Some(&self.event));
        field("user_id", number(self.user_id).as_deref());
        field("username", self.username.as_deref());
        field("company_id", number(self.company_id).as_deref());
        field("workspace", self.workspace.as_deref());
        field("ip", self.ip.as_deref());
        field("detail", self.detail.as_deref());
        field("sql_text", self.sql.as_deref());
        field("row_count", number(self.row_count).as_deref());
        field("latency_ms", number(self.latency_ms).as_deref());
        field("prev_hash", self.prev_hash.as_deref());
        digest(&text)
    }

    /// The values of [`COLUMNS`], for an insert.
    pub(super) fn values(&self) -> Vec<Value> {
        let text = |value: &Option<String>| value.clone().map_or(Value::Null, Value::Text);
        let number = |value: Option<i64>| value.map_or(Value::Null, Value::Int);
        vec![
            Value::Int(self.id),
            Value::Timestamp(self.created_at),
            Value::Text(self.event.clone()),
            number(self.user_id),
            text(&self.username),
            number(self.company_id),
            text(&self.workspace),
            text(&self.ip),
            text(&self.detail),
            text(&self.sql),
            number(self.row_count),
            number(self.latency_ms),
            text(&self.prev_hash),
            text(&self.hash),
        ]
    }

    /// A row selected as [`COLUMNS`].
    pub(super) fn from_row(row: &[Value]) -> analyst_store::Result<AuditRecord> {
        let text = |index: usize| row.get(index).and_then(Value::as_str).map(str::to_string);
        let number = |index: usize| row.get(index).and_then(Value::as_i64);
        let unreadable =
            || StoreError::Query(format!("an audit log row could not be read: {row:?}"));
        Ok(AuditRecord {
            id: number(0).ok_or_else(unreadable)?,
            created_at: row
                .get(1)
                .and_then(Value::as_timestamp)
                .ok_or_else(unreadable)?,
            event: text(2).ok_or_else(unreadable)?,
            user_id: number(3),
            username: text(4),
            company_id: number(5),
            workspace: text(6),
            ip: text(7),
            detail: text(8),
            sql: text(9),
            row_count: number(10),
            latency_ms: number(11),
            prev_hash: text(12),
            hash: text(13),
        })
    }
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VerifyReport {
    /// Chained entries checked and found intact (before the first break, if any).
    pub intact: u64,
    /// Entries written before the log was chained (no hash): skipped.
    pub unchained: u64,
    /// The oldest chained entry; its `prev_hash` is trusted (zeros, or the hash of an entry
    /// removed by pruning).
    pub first_id: Option<i64>,
    /// The hash of the newest intact entry. Kept somewhere else, it also reveals entries
    /// removed from the end of the log, which the chain alone cannot.
    pub last_hash: Option<String>,
    /// The first entry where the chain breaks.
    pub broken: Option<ChainBreak>,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// Where the chain breaks, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub id: i64,
    pub problem: ChainProblem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainProblem {
    /// The entry's fields no longer give its hash: it was edited.
    Altered,
    /// The entry's `prev_hash` is not the hash of the entry before it: entries between them
    /// were removed, or the previous one was rewritten together with its hash.
    Unlinked { previous_id: i64 },
    /// An entry without a hash after chained entries: written or cleared outside analyst.
    MissingHash,
}

impl fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = self.id;
        match self.problem {
            ChainProblem::Altered => write!(
                f,
                "audit entry {id} was altered: its fields no longer match its hash"
            ),
            ChainProblem::Unlinked { previous_id } => write!(
                f,
                "audit entry {id} does not follow entry {previous_id}: entries between them were removed, or entry {previous_id} was rewritten"
            ),
            ChainProblem::MissingHash => write!(
                f,
                "audit entry {id} has no hash although earlier entries do: it was written or altered outside analyst"
            ),
        }
    }
}

/// Checks the whole log, oldest first, a page at a time: every chained entry's hash is
/// recomputed from its fields and its `prev_hash` must be the hash of the entry before it.
/// Stops at the first break.
pub fn verify(connection: &dyn Connection) -> Result<VerifyReport> {
    verify_in_pages(connection, PAGE)
}

pub(super) fn verify_in_pages(connection: &dyn Connection, page_size: i64) -> Result<VerifyReport> {
    let mut report = VerifyReport::default();
    // The newest chained entry seen: its id and stored hash.
    let mut previous: Option<(i64, String)> = None;
    let mut after = i64::MIN;
    loop {
        let page = connection.query(
            &format!("SELECT {COLUMNS} FROM app.audit_log WHERE id > $1 ORDER BY id LIMIT $2"),
            &[Value::Int(after), Value::Int(page_size)],
        )?;
        for row in &page.rows {
            let record = AuditRecord::from_row(row)?;
            after = record.id;
            if let Some(problem) = check(&record, previous.as_ref()) {
                report.broken = Some(ChainBreak {
                    id: record.id,
                    problem,
                });
                return Ok(report);
            }
            match record.hash {
                None => report.unchained += 1,
                Some(hash) => {
                    report.intact += 1;
                    report.first_id.get_or_insert(record.id);
                    previous = Some((record.id, hash));
                }
            }
        }
        if i64::try_from(page.rows.len()).unwrap_or(i64::MAX) < page_size {
            report.last_hash = previous.map(|(_, hash)| hash);
            return Ok(report);
        }
    }
}

/// What is wrong with `record`, following the chained entry `previous` (if any).
fn check(record: &AuditRecord, previous: Option<&(i64, String)>) -> Option<ChainProblem> {
    let Some(hash) = &record.hash else {
        return previous.map(|_| ChainProblem::MissingHash);
    };
    if record.computed_hash() != *hash {
        return Some(ChainProblem::Altered);
    }
    match previous {
        Some((previous_id, previous_hash))
            if record.prev_hash.as_deref() != Some(previous_hash.as_str()) =>
        {
            Some(ChainProblem::Unlinked {
                previous_id: *previous_id,
            })
        }
        _ => None,
    }
}
