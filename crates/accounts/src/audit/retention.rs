//! Retention: the oldest entries are removed after a while, without breaking the chain.
//!
//! Pruning removes a prefix of the log (every entry up to the newest one older than the
//! cut-off), so what remains is still one unbroken chain: [`super::verify`] starts from the
//! oldest remaining entry and trusts its `prev_hash`. The pruning itself is recorded.

use analyst_store::{Connection, Value, transaction};
use chrono::{Duration, NaiveDateTime, Utc};

use super::{AuditEntry, AuditEvent, append, lock_chain};
use crate::Result;

/// How long entries are kept unless `audit_retention_days` says otherwise.
pub const DEFAULT_RETENTION_DAYS: u32 = 365;

/// The moment before which entries are older than `days` days.
pub fn retention_cutoff(days: u32) -> NaiveDateTime {
    Utc::now().naive_utc() - Duration::days(i64::from(days))
}

/// Removes the entries written before `older_than` (UTC) and records an `admin_change` entry
/// saying how many; returns that number.
pub fn prune(connection: &dyn Connection, older_than: NaiveDateTime) -> Result<u64> {
    let _chain = lock_chain();
    let removed = transaction(connection, || {
        // By id, not by time: a clock set back must not leave a hole in the chain.
        let newest_old = connection
            .query(
                "SELECT max(id) FROM app.audit_log WHERE created_at < $1",
                &[older_than.into()],
            )?
            .scalar()
            .and_then(Value::as_i64);
        let removed = match newest_old {
            Some(id) => {
                connection.execute("DELETE FROM app.audit_log WHERE id <= $1", &[id.into()])?
            }
            None => 0,
        };
        let detail = format!(
            "audit log pruned: {removed} entries written before {} UTC removed",
            older_than.format("%Y-%m-%d %H:%M:%S")
        );
        append(
            connection,
            &[AuditEntry::new(AuditEvent::AdminChange).detail(detail)],
        )?;
        Ok(removed)
    })?;
    Ok(u64::try_from(removed).unwrap_or(u64::MAX))
}
