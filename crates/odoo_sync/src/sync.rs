//! One sync run: every model in order, page by page, each page one transaction (raw rows,
//! silver rows and the cursor together); then gold for the dates touched, and one
//! `ops.odoo_sync_run` row per model.

use std::time::Instant;

use analyst_odoo::{Cursor, OdooClient, OdooError, Query, Record};
use analyst_store::{Connection, Value, gold};
use chrono::{Duration, NaiveDateTime, Utc};
use serde::Serialize;

use crate::connection::OdooConnection;
use crate::error::SyncError;
use crate::map::{self, Context};
use crate::models::{MODELS, ModelSpec, Silver};
use crate::raw;
use crate::reconcile;
use crate::record::DATETIME;
use crate::status;

/// What to do besides reading the changes.
#[derive(Clone, Debug, Default)]
pub struct SyncOptions {
    /// Forget the cursors: read everything again (`analyst sync odoo --full`); ids are
    /// reconciled too.
    pub full: bool,
    /// Reconcile ids now, whenever the last reconciliation was.
    pub reconcile: bool,
}

/// How one model's sync went.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelReport {
    pub model: String,
    /// `ok`, `skipped` (module not installed) or `failed`.
    pub status: String,
    pub rows_fetched: u64,
    pub rows_deleted: u64,
    pub newest_write_date: Option<NaiveDateTime>,
    pub lag_s: Option<i64>,
    pub duration_ms: u64,
    /// Of which waiting for Odoo's pages: the rest is our own processing.
    pub odoo_ms: u64,
    pub odoo_count: Option<u64>,
    pub local_count: Option<u64>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

impl ModelReport {
    fn new(model: &str) -> Self {
        ModelReport {
            model: model.to_owned(),
            status: "ok".into(),
            rows_fetched: 0,
            rows_deleted: 0,
            newest_write_date: None,
            lag_s: None,
            duration_ms: 0,
            odoo_ms: 0,
            odoo_count: None,
            local_count: None,
            notice: None,
            error: None,
        }
    }
}

/// How a sync run went: one report per model reached, the notices, the gold rows rebuilt.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SyncReport {
    pub models: Vec<ModelReport>,
    pub notices: Vec<String>,
    pub gold_rows: u64,
}

impl SyncReport {
    /// Records read from Odoo over all models.
    pub fn rows_fetched(&self) -> u64 {
        self.models.iter().map(|model| model.rows_fetched).sum()
    }
}

/// Syncs every model from `client` into `store`. The first model that fails stops the run
/// (later models point at earlier ones) after its failure is recorded; pages committed before
/// stay, and the next run resumes after them.
pub fn sync(
    store: &dyn Connection,
    client: &OdooClient,
    connection: &OdooConnection,
    options: &SyncOptions,
    progress: &mut dyn FnMut(f64, &str) -> Result<(), SyncError>,
) -> Result<SyncReport, SyncError> {
    if options.full {
        store.execute(
            "DELETE FROM ops.odoo_cursor WHERE connection = $1",
            &[connection.name.as_str().into()],
        )?;
    }
    let mut context = Context::new(store, &connection.name, &connection.settings);
    let mut report = SyncReport::default();
    let mut outcome = Ok(());
    for (index, spec) in MODELS.iter().enumerate() {
        if let Err(error) = progress(index as f64 / MODELS.len() as f64, spec.model) {
            outcome = Err(error);
            break;
        }
        let started_at = Utc::now().naive_utc();
        let clock = Instant::now();
        let mut run = ModelReport::new(spec.model);
        let result = sync_model(&mut context, client, spec, options, &mut run);
        run.duration_ms = elapsed_ms(clock);
        if let Err(error) = &result {
            run.status = "failed".into();
            run.error = Some(error.to_string());
        }
        if let Some(notice) = &run.notice {
            report.notices.push(format!("{}: {notice}", spec.model));
        }
        status::record_run(store, &connection.name, started_at, &run)?;
        report.models.push(run);
        if let Err(error) = result {
            context.forget();
            outcome = Err(error);
            break;
        }
    }
    // Gold follows whatever silver rows were committed, even when a model failed later.
    report.gold_rows = gold::refresh_daily_sales(store, &context.touched)?;
    outcome.map(|()| report)
}

fn elapsed_ms(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Starts a transaction in which `work` runs: committed when it succeeds, rolled back otherwise.
pub(crate) fn in_transaction<T>(
    store: &dyn Connection,
    work: impl FnOnce() -> Result<T, SyncError>,
) -> Result<T, SyncError> {
    store.execute_batch("BEGIN TRANSACTION")?;
    match work() {
        Ok(value) => {
            store.execute_batch("COMMIT")?;
            Ok(value)
        }
        Err(error) => {
            // The original error is what the user needs; a failed rollback adds nothing.
            let _ = store.execute_batch("ROLLBACK");
            Err(error)
        }
    }
}

/// The fields to read: the model's, as far as the server has them.
fn fields_to_read(
    context: &Context<'_>,
    client: &OdooClient,
    spec: &ModelSpec,
    run: &mut ModelReport,
) -> Result<Option<Vec<String>>, SyncError> {
    let available = match client.fields_get(spec.model) {
        Ok(fields) => fields,
        Err(OdooError::MissingModel { .. }) => {
            run.status = "skipped".into();
            run.notice = Some(
                if spec.optional {
                    "not installed on this Odoo (an optional module): skipped"
                } else {
                    "missing on this Odoo (its module is not installed): skipped, its data stays empty"
                }
                .into(),
            );
            return Ok(None);
        }
        Err(error) => return Err(error.into()),
    };
    let mut fields: Vec<String> = spec
        .fields
        .iter()
        .filter(|field| available.contains_key(**field))
        .map(|field| (*field).to_owned())
        .collect();
    if spec.silver == Silver::Product {
        let brand = &context.settings.brand_field;
        if available.contains_key(brand) {
            fields.push(brand.clone());
        } else {
            run.notice = Some(format!(
                "no brand field '{brand}' on products: brands are empty"
            ));
        }
    }
    Ok(Some(fields))
}

fn sync_model(
    context: &mut Context<'_>,
    client: &OdooClient,
    spec: &ModelSpec,
    options: &SyncOptions,
    run: &mut ModelReport,
) -> Result<(), SyncError> {
    let Some(fields) = fields_to_read(context, client, spec, run)? else {
        return Ok(());
    };
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    let query = Query::new(spec.model)
        .domain(spec.domain())
        .include_archived();
    let rounded_before = context.rounded_quantities;
    incremental(context, client, spec, &query, &fields, options, run)?;
    let cursor = load_cursor(context.store, context.connection, spec.model)?;
    let due = options.full
        || options.reconcile
        || cursor.as_ref().is_none_or(|(_, _, reconciled)| {
            reconciled.is_none_or(|at| {
                Utc::now().naive_utc() - at
                    >= Duration::minutes(context.settings.reconcile_every_minutes)
            })
        });
    if due {
        let counts = reconcile::reconcile(context, client, spec, &query)?;
        run.rows_deleted = counts.deleted;
        run.odoo_count = Some(counts.odoo);
    }
    if let Some((written, _, _)) = cursor {
        run.lag_s = Some((Utc::now().naive_utc() - written).num_seconds());
    }
    if run.odoo_count.is_none() {
        run.odoo_count = Some(client.search_count(&query)?);
    }
    run.local_count = Some(local_count(context.store, context.connection, spec.model)?);
    let rounded = context.rounded_quantities - rounded_before;
    if rounded > 0 {
        run.notice = Some(format!(
            "{rounded} lines sold a fractional quantity: units rounded to whole numbers, amounts exact"
        ));
    }
    Ok(())
}

fn incremental(
    context: &mut Context<'_>,
    client: &OdooClient,
    spec: &ModelSpec,
    query: &Query,
    fields: &[&str],
    options: &SyncOptions,
    run: &mut ModelReport,
) -> Result<(), SyncError> {
    let since = if options.full {
        None
    } else {
        // Without an overlap the read resumes right after the last record read; with one,
        // everything written in the window before it is read again.
        let overlap = context.settings.overlap_minutes.max(0);
        load_cursor(context.store, context.connection, spec.model)?.map(|(written, last_id, _)| {
            let (from, id) = if overlap == 0 {
                (written, last_id)
            } else {
                (written - Duration::minutes(overlap), 0)
            };
            Cursor {
                write_date: from.format(DATETIME).to_string(),
                id,
            }
        })
    };
    let mut changes = client.changes(query.clone(), since, fields);
    // Not a `for` loop: the cursor is read between pages.
    loop {
        let waiting = Instant::now();
        let next = changes.next();
        run.odoo_ms += elapsed_ms(waiting);
        let Some(page) = next else {
            break;
        };
        let page = page?;
        let Some(position) = changes.cursor().cloned() else {
            continue;
        };
        let written =
            NaiveDateTime::parse_from_str(&position.write_date, DATETIME).map_err(|_| {
                SyncError::record(
                    spec.model,
                    position.id,
                    "write_date is not YYYY-MM-DD HH:MM:SS",
                )
            })?;
        save_page(context, spec, &page, written, position.id)?;
        run.rows_fetched += page.len() as u64;
        run.newest_write_date = run.newest_write_date.max(Some(written));
    }
    Ok(())
}

/// One page, ending at the cursor (`written`, `last_id`): raw rows, silver rows and the
/// cursor in one transaction.
fn save_page(
    context: &mut Context<'_>,
    spec: &ModelSpec,
    records: &[Record],
    written: NaiveDateTime,
    last_id: i64,
) -> Result<(), SyncError> {
    let store = context.store;
    let connection = context.connection;
    let now = Utc::now().naive_utc();
    let result = in_transaction(store, || {
        raw::upsert(store, connection, spec.model, spec.parent, records, now)?;
        map::map_page(context, spec.silver, records)?;
        store.execute(
            "INSERT INTO ops.odoo_cursor (connection, model, write_date, last_id)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (connection, model) DO UPDATE SET
                     write_date = EXCLUDED.write_date, last_id = EXCLUDED.last_id",
            &[
                connection.into(),
                spec.model.into(),
                written.into(),
                last_id.into(),
            ],
        )?;
        Ok(())
    });
    if result.is_err() {
        context.forget();
    }
    result
}

/// The cursor of a model: (write_date, last id, last reconciliation).
pub(crate) fn load_cursor(
    store: &dyn Connection,
    connection: &str,
    model: &str,
) -> Result<Option<(NaiveDateTime, i64, Option<NaiveDateTime>)>, SyncError> {
    let rows = store.query(
        "SELECT write_date, last_id, reconciled_at FROM ops.odoo_cursor
         WHERE connection = $1 AND model = $2",
        &[connection.into(), model.into()],
    )?;
    Ok(rows.rows.first().and_then(|row| {
        Some((
            row.first()?.as_timestamp()?,
            row.get(1)?.as_i64()?,
            row.get(2).and_then(Value::as_timestamp),
        ))
    }))
}

fn local_count(store: &dyn Connection, connection: &str, model: &str) -> Result<u64, SyncError> {
    let count = store
        .query(
            "SELECT count(*) FROM raw.odoo_record
             WHERE connection = $1 AND model = $2 AND deleted_at IS NULL",
            &[connection.into(), model.into()],
        )?
        .scalar()
        .and_then(Value::as_i64)
        .unwrap_or(0);
    Ok(u64::try_from(count).unwrap_or(0))
}
