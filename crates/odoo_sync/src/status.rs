//! The operations view of the sync: one `ops.odoo_sync_run` row per model per run, and the
//! latest of each for `analyst sync status` and `GET /api/v1/sync/status`.

use analyst_store::{Connection, Value};
use chrono::NaiveDateTime;
use serde::Serialize;

use crate::error::SyncError;
use crate::sync::ModelReport;

/// Records how one model's sync went.
pub(crate) fn record_run(
    store: &dyn Connection,
    connection: &str,
    started_at: NaiveDateTime,
    run: &ModelReport,
) -> Result<(), SyncError> {
    let count = |value: Option<u64>| {
        value.map_or(Value::Null, |n| {
            Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
        })
    };
    let text = |value: &Option<String>| value.clone().map_or(Value::Null, Value::Text);
    store.execute(
        "INSERT INTO ops.odoo_sync_run (connection, model, started_at, status, rows_fetched,
             rows_deleted, newest_write_date, lag_s, duration_ms, odoo_count, local_count,
             notice, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        &[
            connection.into(),
            run.model.as_str().into(),
            started_at.into(),
            run.status.as_str().into(),
            count(Some(run.rows_fetched)),
            count(Some(run.rows_deleted)),
            run.newest_write_date.map_or(Value::Null, Value::from),
            run.lag_s.map_or(Value::Null, Value::Int),
            count(Some(run.duration_ms)),
            count(run.odoo_count),
            count(run.local_count),
            text(&run.notice),
            text(&run.error),
        ],
    )?;
    Ok(())
}

/// The latest run of one model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelStatus {
    pub connection: String,
    pub model: String,
    pub last_run_at: NaiveDateTime,
    pub status: String,
    pub rows_fetched: i64,
    pub rows_deleted: i64,
    /// Seconds between the newest write_date synced and the run.
    pub lag_s: Option<i64>,
    pub duration_ms: i64,
    pub odoo_count: Option<i64>,
    pub local_count: Option<i64>,
    /// Whether Odoo and the store hold as many records (`None` when not checked).
    pub counts_match: Option<bool>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// The latest run of every model, in sync order of the last run.
pub fn sync_status(store: &dyn Connection) -> Result<Vec<ModelStatus>, SyncError> {
    let rows = store.query(
        "SELECT connection, model, started_at, status, rows_fetched, rows_deleted, lag_s,
                duration_ms, odoo_count, local_count, notice, error
         FROM ops.odoo_sync_run
         WHERE id IN (SELECT max(id) FROM ops.odoo_sync_run GROUP BY connection, model)
         ORDER BY connection, id",
        &[],
    )?;
    Ok(rows
        .rows
        .iter()
        .filter_map(|row| {
            let text = |index: usize| row.get(index).and_then(Value::as_str).map(str::to_owned);
            let int = |index: usize| row.get(index).and_then(Value::as_i64);
            let (odoo_count, local_count) = (int(8), int(9));
            Some(ModelStatus {
                connection: text(0)?,
                model: text(1)?,
                last_run_at: row.get(2)?.as_timestamp()?,
                status: text(3)?,
                rows_fetched: int(4)?,
                rows_deleted: int(5)?,
                lag_s: int(6),
                duration_ms: int(7)?,
                odoo_count,
                local_count,
                counts_match: odoo_count
                    .zip(local_count)
                    .map(|(odoo, local)| odoo == local),
                notice: text(10),
                error: text(11),
            })
        })
        .collect())
}
