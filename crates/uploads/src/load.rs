//! Processing one batch: read the file, choose its profile, stage the normalized rows, resolve
//! them into silver and rebuild gold — in one transaction that commits only a complete load.

use analyst_core::rows::{UploadError as RowError, UploadLine};
use analyst_ingest::{
    Channel, IngestError, Normalizer, Profile, RawRow, ReadOptions, SaleRow, Table, detect, open,
    suggest_mapping,
};
use analyst_store::gold::refresh_daily_sales;
use analyst_store::{Connection, StoreError, Value};
use serde_json::{Value as Json, json};

use crate::batch::{self, Batch, BatchState};
use crate::resolve::{Target, resolve};
use crate::{UploadError, UploadSettings, notify, profiles};

/// Rows read before the profile and the file's date and number styles are decided.
const SAMPLE_ROWS: usize = 1_000;
/// Rows staged per append.
const CHUNK_ROWS: usize = 8_192;
/// Chunks read ahead of the appender.
const CHUNKS_IN_FLIGHT: usize = 4;

/// Why processing stopped before the batch reached a final state.
#[derive(Debug)]
pub enum Stopped<E> {
    /// The progress callback asked to stop (the job was cancelled or the worker is stopping):
    /// nothing was written.
    ByCaller(E),
    /// The store failed: nothing was written, the batch can be run again.
    Store(StoreError),
}

/// Processes `batch` on `connection` (which must not be in a transaction) and returns it as it
/// ended. `progress` hears the rows read so far and the share of the file they are, and may
/// stop the run. A batch that already
/// reached a final state is returned as it is, so running it twice loads it once.
pub fn process<E>(
    connection: &dyn Connection,
    settings: &UploadSettings,
    batch_id: i64,
    progress: &mut dyn FnMut(u64, f64) -> Result<(), E>,
) -> Result<Batch, Stopped<E>> {
    let batch = current(connection, batch_id)?;
    if batch.state.is_final() {
        return Ok(batch);
    }
    batch::finish(
        connection,
        batch.id,
        BatchState::Running,
        None,
        (0, 0, 0),
        &json!({}),
        None,
    )
    .map_err(Stopped::Store)?;
    match run(connection, settings, &batch, progress) {
        Ok(()) => {}
        Err(Failure::Stopped(stopped)) => {
            // Back to the queue's hands: the job runs again or ends cancelled.
            let _ = batch::finish(
                connection,
                batch.id,
                BatchState::Queued,
                None,
                (0, 0, 0),
                &json!({}),
                None,
            );
            return Err(stopped);
        }
        Err(Failure::Upload(error)) => {
            batch::finish(
                connection,
                batch.id,
                BatchState::Failed,
                None,
                (0, 0, 0),
                &json!({}),
                Some(&error.to_string()),
            )
            .map_err(Stopped::Store)?;
        }
    }
    let batch = current(connection, batch_id)?;
    if let Err(error) = notify::send(connection, settings, &batch) {
        tracing::warn!(batch = batch.id, %error, "the uploader could not be told by e-mail");
    }
    Ok(batch)
}

fn current<E>(connection: &dyn Connection, batch_id: i64) -> Result<Batch, Stopped<E>> {
    batch::get(connection, batch_id)
        .map_err(Stopped::Store)?
        .ok_or_else(|| Stopped::Store(StoreError::Query(format!("no batch {batch_id}"))))
}

enum Failure<E> {
    Stopped(Stopped<E>),
    /// The file or the request is wrong: the batch fails with this message.
    Upload(UploadError),
}

impl<E> From<UploadError> for Failure<E> {
    fn from(error: UploadError) -> Self {
        match error {
            UploadError::Store(error) => Failure::Stopped(Stopped::Store(error)),
            error => Failure::Upload(error),
        }
    }
}

impl<E> From<StoreError> for Failure<E> {
    fn from(error: StoreError) -> Self {
        Failure::Stopped(Stopped::Store(error))
    }
}

impl<E> From<analyst_ingest::IngestError> for Failure<E> {
    fn from(error: analyst_ingest::IngestError) -> Self {
        Failure::Upload(UploadError::Read(error))
    }
}

/// The profile a batch is read with, or the suggestions for mapping it.
enum Choice {
    Profile {
        profile: Profile,
        score: Option<f64>,
    },
    NeedsMapping(Json),
}

fn choose(
    connection: &dyn Connection,
    batch: &Batch,
    headers: &[String],
    sample: &[RawRow],
) -> Result<Choice, UploadError> {
    let options = &batch.options;
    if let Some(mapping) = &options.mapping {
        // Files mapped without saving share one source, so that overlapping ones still
        // count each sale once.
        let name = options
            .save_profile
            .clone()
            .unwrap_or_else(|| "mapped".into());
        let channel = options.channel.unwrap_or(Channel::Wholesale);
        let profile = Profile::from_mapping(&name, channel, mapping.clone());
        return Ok(Choice::Profile {
            profile,
            score: None,
        });
    }
    if let Some(name) = &options.profile {
        return Ok(Choice::Profile {
            profile: profiles::find(connection, name)?,
            score: None,
        });
    }
    let mut known = profiles::all(connection)?;
    match detect(headers, &known) {
        Some(detection) => Ok(Choice::Profile {
            score: Some(detection.score),
            profile: known.swap_remove(detection.profile),
        }),
        None => {
            let suggestions: Vec<Json> = suggest_mapping(headers, sample)
                .iter()
                .map(|suggestion| {
                    json!({
                        "field": suggestion.field.as_str(),
                        "header": suggestion.header,
                        "confidence": suggestion.confidence,
                    })
                })
                .collect();
            Ok(Choice::NeedsMapping(json!({
                "headers": headers,
                "suggestions": suggestions,
            })))
        }
    }
}

fn run<E>(
    connection: &dyn Connection,
    settings: &UploadSettings,
    batch: &Batch,
    progress: &mut dyn FnMut(u64, f64) -> Result<(), E>,
) -> Result<(), Failure<E>> {
    let read_options = ReadOptions {
        sheet: batch.options.sheet.clone(),
        ..ReadOptions::default()
    };
    let mut table = open(&batch.path(settings), &read_options)?;
    let headers = table.headers.clone();
    let mut sample = Vec::new();
    while sample.len() < SAMPLE_ROWS {
        let mut row = RawRow::default();
        if !table.next_row(&mut row)? {
            break;
        }
        sample.push(row);
    }
    if sample.is_empty() {
        return Err(UploadError::Invalid(
            "the file has a header but no rows: nothing to load".into(),
        )
        .into());
    }
    let (profile, score) = match choose(connection, batch, &headers, &sample)? {
        Choice::Profile { profile, score } => (profile, score),
        Choice::NeedsMapping(summary) => {
            batch::finish(
                connection,
                batch.id,
                BatchState::NeedsMapping,
                None,
                (0, 0, 0),
                &summary,
                Some(
                    "no vendor profile fits these columns: map them once (date, product, quantity and amount at least)",
                ),
            )?;
            return Ok(());
        }
    };
    let normalizer = Normalizer::new(&profile, &headers, &sample)?;
    // A mapping is saved once it has proved it reads the file.
    if batch.options.mapping.is_some() && batch.options.save_profile.is_some() {
        profiles::save(connection, &profile, batch.user_id)?;
    }
    let channel = profile.channel.as_str();
    let company_id = company(connection, batch.options.company.as_deref())?;
    let create_unknown = settings.creates_unknown(connection)?;
    let source = format!("upload:{}", profile.name);

    connection.execute_batch("BEGIN TRANSACTION")?;
    let staged = (|| -> Result<Staged, Failure<E>> {
        let staging = Staging::new(batch.id, &profile, settings.max_errors_kept);
        let staging = stage(connection, staging, &normalizer, sample, table, progress)?;
        let resolved = resolve(
            connection,
            &Target {
                batch_id: batch.id,
                source: &source,
                channel,
                company_id,
                create_unknown,
                keep: settings
                    .max_errors_kept
                    .saturating_sub(staging.errors.len()),
            },
        )?;
        refresh_daily_sales(connection, &resolved.dates)?;
        Ok(Staged { staging, resolved })
    })();
    let Staged {
        mut staging,
        resolved,
    } = match staged {
        Ok(staged) => staged,
        Err(failure) => {
            let _ = connection.execute_batch("ROLLBACK");
            return Err(failure);
        }
    };
    let failed = staging.error_count + resolved.error_count;
    let summary = json!({
        "profile": profile.name,
        "detection_score": score,
        "channel": channel,
        "source": source,
        "stores_created": resolved.stores_created,
        "products_created": resolved.products_created,
        "customers_created": resolved.customers_created,
        "rows_replaced": resolved.replaced,
        "date_from": resolved.dates.first().map(ToString::to_string),
        "date_to": resolved.dates.last().map(ToString::to_string),
        "errors_kept": staging.errors.len() + resolved.errors.len(),
    });
    staging.errors.extend(resolved.errors);
    let counts = (staging.read as i64, resolved.loaded, failed);
    let (state, message, counts) = if settings.errors_block && failed > 0 {
        (
            BatchState::Rejected,
            Some(format!(
                "{failed} rows have errors and errors block a batch: nothing was loaded; fix them (see the error report) and send the file again"
            )),
            (counts.0, 0, counts.2),
        )
    } else if batch.options.dry_run {
        (
            BatchState::Checked,
            Some(format!(
                "dry run: {} rows would load, {failed} have errors; nothing was written",
                resolved.loaded
            )),
            counts,
        )
    } else {
        (BatchState::Loaded, None, counts)
    };
    if state != BatchState::Loaded {
        connection.execute_batch("ROLLBACK")?;
        connection.execute_batch("BEGIN TRANSACTION")?;
    }
    let recorded = (|| -> Result<(), StoreError> {
        let mut loader = connection.bulk_loader()?;
        loader.upload_errors(&staging.errors)?;
        loader.finish()?;
        batch::finish(
            connection,
            batch.id,
            state,
            Some(&profile.name),
            counts,
            &summary,
            message.as_deref(),
        )
    })();
    match recorded {
        Ok(()) => connection.execute_batch("COMMIT")?,
        Err(error) => {
            let _ = connection.execute_batch("ROLLBACK");
            return Err(error.into());
        }
    }
    Ok(())
}

/// Staged lines on their way to the store, and how far reading got.
struct Chunk {
    lines: Vec<UploadLine>,
    read: u64,
    fraction: f64,
}

/// Stages the sample and the rest of the file in `raw.upload_line`. Reading and normalizing
/// run on a thread of their own while this one appends what they staged, so the slower of the
/// two sets the pace (appending, for a CSV file; reading, for a workbook), not their sum; a
/// bounded channel between them keeps memory flat. When appending stops (a store error, or
/// `progress` says to stop) the channel closes, and the reader stops at its next chunk.
fn stage<E>(
    connection: &dyn Connection,
    staging: Staging,
    normalizer: &Normalizer,
    sample: Vec<RawRow>,
    mut table: Table,
    progress: &mut dyn FnMut(u64, f64) -> Result<(), E>,
) -> Result<Staging, Failure<E>> {
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Chunk>(CHUNKS_IN_FLIGHT);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || -> Result<Staging, IngestError> {
            let mut staging = staging;
            let mut lines = Vec::with_capacity(CHUNK_ROWS);
            let mut sampled = sample.into_iter();
            let mut row = RawRow::default();
            loop {
                let fraction = match sampled.next() {
                    Some(next) => {
                        row = next;
                        0.0
                    }
                    None if table.next_row(&mut row)? => table.progress(),
                    None => break,
                };
                staging.read += 1;
                if let Some(line) = staging.stage(normalizer.normalize(&row)) {
                    lines.push(line);
                }
                if staging.read.is_multiple_of(CHUNK_ROWS as u64) {
                    let chunk = Chunk {
                        lines: std::mem::replace(&mut lines, Vec::with_capacity(CHUNK_ROWS)),
                        read: staging.read,
                        fraction,
                    };
                    if sender.send(chunk).is_err() {
                        // The appender stopped, and says why.
                        return Ok(staging);
                    }
                }
            }
            let last = Chunk {
                lines,
                read: staging.read,
                fraction: 1.0,
            };
            // Refused only when the appender stopped, which says why.
            let _ = sender.send(last);
            Ok(staging)
        });
        let appended = (|| -> Result<(), Failure<E>> {
            let mut loader = connection.bulk_loader()?;
            for chunk in receiver {
                loader.upload_lines(&chunk.lines)?;
                progress(chunk.read, chunk.fraction)
                    .map_err(|stop| Failure::Stopped(Stopped::ByCaller(stop)))?;
            }
            loader.finish()?;
            Ok(())
        })();
        let read = reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        appended?;
        Ok(read?)
    })
}

struct Staged {
    staging: Staging,
    resolved: crate::resolve::Resolved,
}

/// Rows read so far, turned into staged lines or errors.
struct Staging {
    batch_id: i64,
    /// Store of the rows of a file without a store column: the vendor's own.
    default_store: String,
    read: u64,
    errors: Vec<RowError>,
    error_count: i64,
    keep: usize,
}

impl Staging {
    fn new(batch_id: i64, profile: &Profile, keep: usize) -> Staging {
        Staging {
            batch_id,
            default_store: profile.name.clone(),
            read: 0,
            errors: Vec::new(),
            error_count: 0,
            keep,
        }
    }

    fn error(&mut self, line: u64, column: &str, value: String, reason: String) {
        self.error_count += 1;
        if self.errors.len() < self.keep {
            self.errors.push(RowError {
                batch_id: self.batch_id,
                line: line as i64,
                column: column.into(),
                value,
                reason,
            });
        }
    }

    /// The staged line of a normalized row, or `None` when the row has errors (recorded).
    fn stage(
        &mut self,
        normalized: Result<Option<SaleRow>, Vec<analyst_ingest::RowError>>,
    ) -> Option<UploadLine> {
        let row = match normalized {
            Ok(Some(row)) => row,
            // A blank line or a total line: not a sale.
            Ok(None) => return None,
            Err(errors) => {
                for error in errors {
                    self.error(error.line, &error.column, error.value, error.reason);
                }
                return None;
            }
        };
        if row.qty.fract() != 0.0 || row.qty.abs() > f64::from(i32::MAX) {
            self.error(
                row.line,
                "quantity",
                row.qty.to_string(),
                "the quantity must be a whole number".into(),
            );
            return None;
        }
        let money = |amount: f64| (amount * 100.0).round() as i64;
        let store_code = row
            .store_code
            .or_else(|| row.store_name.clone())
            .unwrap_or_else(|| self.default_store.clone());
        Some(UploadLine {
            batch_id: self.batch_id,
            line: row.line as i64,
            date: row.date,
            store_code: Some(store_code),
            store_name: row.store_name,
            sku: row.sku,
            barcode: row.barcode,
            product_name: row.product_name,
            brand: row.brand,
            category: row.category,
            subcategory: row.subcategory,
            customer: row.customer,
            order_ref: row.order_ref,
            qty: row.qty as i32,
            net_amount: money(row.net_amount),
            discount_amount: money(row.discount_amount),
        })
    }
}

/// The company that created stores and customers belong to: the one named, else the first.
fn company(connection: &dyn Connection, code: Option<&str>) -> Result<i64, UploadError> {
    let rows = connection.query(
        "SELECT id FROM silver.company
         WHERE CAST($1 AS VARCHAR) IS NULL OR lower(code) = lower(CAST($1 AS VARCHAR))
         ORDER BY id LIMIT 1",
        &[code.map(str::to_string).into()],
    )?;
    if let Some(id) = rows.scalar().and_then(Value::as_i64) {
        return Ok(id);
    }
    if let Some(code) = code {
        return Err(UploadError::Invalid(format!(
            "there is no company '{code}'"
        )));
    }
    // A store with no company yet (spreadsheets only): the file's business is the first.
    connection.execute(
        "INSERT INTO silver.company (id, code, name, source, source_id)
         VALUES (1, 'MAIN', 'My company', 'upload', NULL)",
        &[],
    )?;
    Ok(1)
}
