//! `raw.odoo_record`: every synced record 1:1 as Odoo returned it, upserted by
//! (connection, model, id), with the order of an order line kept apart so an order's lines are
//! found without reading JSON in SQL.

use std::collections::HashMap;

use analyst_odoo::Record;
use analyst_store::{Connection, Value};
use chrono::NaiveDateTime;

use crate::error::SyncError;
use crate::record;

/// Rows per multi-row statement.
pub(crate) const BATCH: usize = 500;

/// `$first, $first+1, …` for `count` parameters.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Upserts a page of records of `model`; `parent` names the many2one kept as `parent_id`.
pub(crate) fn upsert(
    store: &dyn Connection,
    connection: &str,
    model: &str,
    parent: Option<&str>,
    records: &[Record],
    now: NaiveDateTime,
) -> Result<(), SyncError> {
    for chunk in records.chunks(BATCH) {
        let mut params: Vec<Value> = Vec::with_capacity(chunk.len() * 7);
        let mut rows = Vec::with_capacity(chunk.len());
        for item in chunk {
            let id = record::id(item)
                .ok_or_else(|| SyncError::record(model, 0, "a record without an id"))?;
            let written = record::datetime(item, "write_date")
                .ok_or_else(|| SyncError::record(model, id, "no write_date"))?;
            let n = params.len();
            rows.push(format!("({})", placeholders(n + 1, 7)));
            params.extend([
                connection.into(),
                model.into(),
                id.into(),
                parent
                    .and_then(|field| record::link(item, field))
                    .map_or(Value::Null, Value::Int),
                written.into(),
                serde_json::Value::Object(item.clone()).to_string().into(),
                now.into(),
            ]);
        }
        store.execute(
            &format!(
                "INSERT INTO raw.odoo_record
                     (connection, model, odoo_id, parent_id, write_date, payload, _synced_at)
                 VALUES {}
                 ON CONFLICT (connection, model, odoo_id) DO UPDATE SET
                     parent_id = EXCLUDED.parent_id, write_date = EXCLUDED.write_date,
                     payload = EXCLUDED.payload, _synced_at = EXCLUDED._synced_at,
                     deleted_at = NULL",
                rows.join(", ")
            ),
            &params,
        )?;
    }
    Ok(())
}

fn parse(model: &str, id: i64, payload: Option<&Value>) -> Result<Record, SyncError> {
    let text = payload.and_then(Value::as_str).unwrap_or("{}");
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Object(record)) => Ok(record),
        _ => Err(SyncError::record(
            model,
            id,
            "its raw payload is not a JSON object",
        )),
    }
}

/// The live records of `model` with these ids, by id.
pub(crate) fn payloads(
    store: &dyn Connection,
    connection: &str,
    model: &str,
    ids: &[i64],
) -> Result<HashMap<i64, Record>, SyncError> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(BATCH) {
        let mut params: Vec<Value> = vec![connection.into(), model.into()];
        params.extend(chunk.iter().map(|&id| Value::Int(id)));
        let rows = store.query(
            &format!(
                "SELECT odoo_id, payload FROM raw.odoo_record
                 WHERE connection = $1 AND model = $2 AND deleted_at IS NULL
                   AND odoo_id IN ({})",
                placeholders(3, chunk.len())
            ),
            &params,
        )?;
        for row in &rows.rows {
            let id = row.first().and_then(Value::as_i64).unwrap_or(0);
            found.insert(id, parse(model, id, row.get(1))?);
        }
    }
    Ok(found)
}

/// Every record of `model` whose parent is one of `parents`: `(id, record if live)`.
/// Deleted ones come too, so their silver rows can be removed.
pub(crate) fn children(
    store: &dyn Connection,
    connection: &str,
    model: &str,
    parents: &[i64],
) -> Result<Vec<(i64, Option<Record>)>, SyncError> {
    let mut found = Vec::new();
    for chunk in parents.chunks(BATCH) {
        let mut params: Vec<Value> = vec![connection.into(), model.into()];
        params.extend(chunk.iter().map(|&id| Value::Int(id)));
        let rows = store.query(
            &format!(
                "SELECT odoo_id, payload, deleted_at IS NULL FROM raw.odoo_record
                 WHERE connection = $1 AND model = $2 AND parent_id IN ({})
                 ORDER BY odoo_id",
                placeholders(3, chunk.len())
            ),
            &params,
        )?;
        for row in &rows.rows {
            let id = row.first().and_then(Value::as_i64).unwrap_or(0);
            let live = row.get(2).and_then(Value::as_bool).unwrap_or(false);
            let record = if live {
                Some(parse(model, id, row.get(1))?)
            } else {
                None
            };
            found.push((id, record));
        }
    }
    Ok(found)
}

/// The distinct parents of these records of `model`, deleted or not.
pub(crate) fn parents(
    store: &dyn Connection,
    connection: &str,
    model: &str,
    ids: &[i64],
) -> Result<Vec<i64>, SyncError> {
    let mut found = Vec::new();
    for chunk in ids.chunks(BATCH) {
        let mut params: Vec<Value> = vec![connection.into(), model.into()];
        params.extend(chunk.iter().map(|&id| Value::Int(id)));
        let rows = store.query(
            &format!(
                "SELECT DISTINCT parent_id FROM raw.odoo_record
                 WHERE connection = $1 AND model = $2 AND parent_id IS NOT NULL
                   AND odoo_id IN ({})",
                placeholders(3, chunk.len())
            ),
            &params,
        )?;
        found.extend(
            rows.rows
                .iter()
                .filter_map(|row| row.first().and_then(Value::as_i64)),
        );
    }
    found.sort_unstable();
    found.dedup();
    Ok(found)
}

/// The ids of `model` not marked deleted.
pub(crate) fn live_ids(
    store: &dyn Connection,
    connection: &str,
    model: &str,
) -> Result<Vec<i64>, SyncError> {
    let rows = store.query(
        "SELECT odoo_id FROM raw.odoo_record
         WHERE connection = $1 AND model = $2 AND deleted_at IS NULL ORDER BY odoo_id",
        &[connection.into(), model.into()],
    )?;
    Ok(rows
        .rows
        .iter()
        .filter_map(|row| row.first().and_then(Value::as_i64))
        .collect())
}

/// Marks these records deleted in Odoo.
pub(crate) fn mark_deleted(
    store: &dyn Connection,
    connection: &str,
    model: &str,
    ids: &[i64],
    now: NaiveDateTime,
) -> Result<(), SyncError> {
    for chunk in ids.chunks(BATCH) {
        let mut params: Vec<Value> = vec![connection.into(), model.into(), now.into()];
        params.extend(chunk.iter().map(|&id| Value::Int(id)));
        store.execute(
            &format!(
                "UPDATE raw.odoo_record SET deleted_at = $3
                 WHERE connection = $1 AND model = $2 AND odoo_id IN ({})",
                placeholders(4, chunk.len())
            ),
            &params,
        )?;
    }
    Ok(())
}
