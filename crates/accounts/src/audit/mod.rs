//! The audit log: who did what, from where, with which data, and how long it took.
//!
//! The log is append-only and hash-chained: every entry carries the SHA-256 of the entry
//! before it (`prev_hash`) and its own (`hash`, over all of its fields and `prev_hash`), so an
//! entry edited or removed afterwards breaks the chain and [`verify`] names it. Entries are
//! only written by [`record_entry`] (and [`prune`], which removes the oldest and records that
//! it did).

mod chain;
mod event;
mod retention;
mod search;
#[cfg(test)]
mod tests;

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use analyst_store::{Connection, StoreError, Value, transaction};
use chrono::{NaiveDateTime, SubsecRound, Utc};

use crate::Result;

pub use chain::{AuditRecord, ChainBreak, ChainProblem, GENESIS_HASH, VerifyReport, verify};
pub use event::AuditEvent;
pub use retention::{DEFAULT_RETENTION_DAYS, prune, retention_cutoff};
pub use search::{AuditFilter, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT, list, parse_since, parse_until};

/// One thing to record. Build it with [`AuditEntry::new`] and the setters, then
/// [`record_entry`] it:
///
/// ```ignore
/// record_entry(connection, &AuditEntry::new(AuditEvent::Logout).user(user.id, &user.username).ip(ip))?;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub event: AuditEvent,
    pub user_id: Option<i64>,
    /// The user's name; for failed sign-ins, what was typed (it may name nobody).
    pub username: Option<String>,
    pub company_id: Option<i64>,
    /// The workspace code (`sales`, `buying`, …) the event happened in.
    pub workspace: Option<String>,
    pub ip: Option<String>,
    /// What happened, for people: the question, the tool and its parameters, the change made.
    pub detail: Option<String>,
    /// The SQL that ran, when some did.
    pub sql: Option<String>,
    pub row_count: Option<i64>,
    pub latency_ms: Option<i64>,
}

impl AuditEntry {
    /// An entry of `event` with nothing else known yet.
    pub fn new(event: AuditEvent) -> AuditEntry {
        AuditEntry {
            event,
            user_id: None,
            username: None,
            company_id: None,
            workspace: None,
            ip: None,
            detail: None,
            sql: None,
            row_count: None,
            latency_ms: None,
        }
    }

    /// The signed-in user it concerns.
    pub fn user(mut self, id: i64, username: &str) -> AuditEntry {
        self.user_id = Some(id);
        self.username = Some(username.to_string());
        self
    }

    /// A name without a user id (what was typed at a failed sign-in).
    pub fn username(mut self, username: &str) -> AuditEntry {
        self.username = Some(username.to_string());
        self
    }

    pub fn company(mut self, company_id: i64) -> AuditEntry {
        self.company_id = Some(company_id);
        self
    }

    pub fn workspace(mut self, code: &str) -> AuditEntry {
        self.workspace = Some(code.to_string());
        self
    }

    /// The client's address, when known.
    pub fn ip(mut self, ip: Option<&str>) -> AuditEntry {
        self.ip = ip.map(str::to_string);
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> AuditEntry {
        self.detail = Some(detail.into());
        self
    }

    pub fn sql(mut self, sql: impl Into<String>) -> AuditEntry {
        self.sql = Some(sql.into());
        self
    }

    pub fn row_count(mut self, rows: usize) -> AuditEntry {
        self.row_count = Some(i64::try_from(rows).unwrap_or(i64::MAX));
        self
    }

    /// How long the work took (kept in whole milliseconds).
    pub fn latency(mut self, elapsed: Duration) -> AuditEntry {
        self.latency_ms = Some(i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX));
        self
    }
}

/// Serializes every append (read the newest hash, then insert) in this process, so that two
/// writers never link to the same predecessor and fork the chain.
static CHAIN: Mutex<()> = Mutex::new(());

fn lock_chain() -> MutexGuard<'static, ()> {
    // The guard protects no data, only the order of appends: a panic elsewhere leaves nothing
    // inconsistent behind.
    CHAIN.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Appends one entry to the chain and returns its id.
///
/// It runs its own transaction, so it must not be called inside another one (DuckDB refuses
/// nested transactions): record after committing the work being recorded.
pub fn record_entry(connection: &dyn Connection, entry: &AuditEntry) -> Result<i64> {
    let _chain = lock_chain();
    transaction(connection, || {
        append(connection, std::slice::from_ref(entry))
    })?;
    Ok(connection
        .query("SELECT last_id FROM app.audit_head WHERE id = 1", &[])?
        .scalar()
        .and_then(Value::as_i64)
        .unwrap_or_default())
}

/// Appends entries inside the caller's transaction (the background writer's batches), in
/// order, with four statements however many there are. In a process that writes the log this
/// way, every append must go the same way: an entry written by [`record_entry`] meanwhile
/// could not see the batch's uncommitted entries.
pub fn append_entries(
    connection: &dyn Connection,
    entries: &[AuditEntry],
) -> analyst_store::Result<()> {
    let _chain = lock_chain();
    for chunk in entries.chunks(APPEND_CHUNK) {
        append(connection, chunk)?;
    }
    Ok(())
}

/// Entries per INSERT statement (14 parameters each).
const APPEND_CHUNK: usize = 256;

/// The inserts themselves; the caller holds [`lock_chain`] and has opened a transaction.
fn append(connection: &dyn Connection, entries: &[AuditEntry]) -> analyst_store::Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut prev_hash = connection
        .query("SELECT hash FROM app.audit_head WHERE id = 1", &[])?
        .scalar()
        .and_then(Value::as_str)
        .map_or_else(|| GENESIS_HASH.to_string(), str::to_string);
    let rows: Vec<String> = (1..=entries.len()).map(|n| format!("({n})")).collect();
    let ids: Vec<i64> = connection
        .query(
            &format!(
                "SELECT nextval('app.audit_log_id_seq') FROM (VALUES {}) AS entries(n) ORDER BY n",
                rows.join(", ")
            ),
            &[],
        )?
        .rows
        .iter()
        .filter_map(|row| row.first().and_then(Value::as_i64))
        .collect();
    if ids.len() != entries.len() {
        return Err(StoreError::Query(
            "the audit log's id sequence gave too few values".into(),
        ));
    }
    let last_id = ids.last().copied();
    let at = now();
    let mut params = Vec::with_capacity(entries.len() * 14);
    let mut placeholders = Vec::with_capacity(entries.len());
    for (entry, id) in entries.iter().zip(ids) {
        let record = AuditRecord::chained(id, at, entry, prev_hash);
        prev_hash = record.hash.clone().unwrap_or_default();
        let first = params.len();
        params.extend(record.values());
        placeholders.push(format!(
            "({})",
            (first + 1..=params.len())
                .map(|n| format!("${n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    connection.execute(
        &format!(
            "INSERT INTO app.audit_log ({}) VALUES {}",
            chain::COLUMNS,
            placeholders.join(", ")
        ),
        &params,
    )?;
    connection.execute(
        "UPDATE app.audit_head SET last_id = $1, hash = $2 WHERE id = 1",
        &[last_id.map_or(Value::Null, Value::from), prev_hash.into()],
    )?;
    Ok(())
}

/// Now, in UTC, to the microsecond: what both stores keep, so the hash is reproducible from
/// the stored row.
fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}
