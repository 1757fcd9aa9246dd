//! Upload batches (`ops.upload_batch`): one per file received, with what was asked of it and
//! what became of it. The file itself is kept as `uploads/<checksum>`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use analyst_ingest::{Channel, Field};
use analyst_jobs::{NewJob, queue};
use analyst_store::{Connection, Rows, StoreError, Value};
use chrono::{NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

use crate::{UploadError, UploadSettings};

/// The queue's name of import jobs.
pub const IMPORT: &str = "import";

/// What the uploader asked for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImportOptions {
    /// A vendor profile by name; detected from the headers when absent.
    pub profile: Option<String>,
    /// Columns mapped by hand (canonical field → header), e.g. `{"date": "Order Date"}`.
    pub mapping: Option<BTreeMap<Field, String>>,
    /// Save `mapping` as a profile of this name.
    pub save_profile: Option<String>,
    /// The channel of a mapped file: wholesale (sell-out, the default), marketplace or online.
    pub channel: Option<Channel>,
    /// The sheet of a workbook; the best-matching one when absent.
    pub sheet: Option<String>,
    /// The company that stores and customers created from the file belong to (its code).
    pub company: Option<String>,
    /// Check everything, write nothing.
    pub dry_run: bool,
}

/// Where a batch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchState {
    Queued,
    Running,
    /// No profile fits the file's headers: its columns must be mapped once.
    NeedsMapping,
    /// Its valid rows are in silver.
    Loaded,
    /// A dry run that went through: nothing was written.
    Checked,
    /// Rows had errors and the settings say errors block the batch: nothing was written.
    Rejected,
    /// The file could not be read: nothing was written.
    Failed,
    /// The same file was loaded before: nothing was loaded again.
    Duplicate,
}

impl BatchState {
    pub fn name(self) -> &'static str {
        match self {
            BatchState::Queued => "queued",
            BatchState::Running => "running",
            BatchState::NeedsMapping => "needs_mapping",
            BatchState::Loaded => "loaded",
            BatchState::Checked => "checked",
            BatchState::Rejected => "rejected",
            BatchState::Failed => "failed",
            BatchState::Duplicate => "duplicate",
        }
    }

    fn parse(text: &str) -> Option<BatchState> {
        [
            BatchState::Queued,
            BatchState::Running,
            BatchState::NeedsMapping,
            BatchState::Loaded,
            BatchState::Checked,
            BatchState::Rejected,
            BatchState::Failed,
            BatchState::Duplicate,
        ]
        .into_iter()
        .find(|state| state.name() == text)
    }

    /// Whether the batch will not change any more (until it is mapped or sent again).
    pub fn is_final(self) -> bool {
        !matches!(self, BatchState::Queued | BatchState::Running)
    }
}

/// One uploaded file.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub id: i64,
    pub file_name: String,
    pub checksum: String,
    pub size_bytes: i64,
    pub profile: Option<String>,
    pub options: ImportOptions,
    pub state: BatchState,
    pub rows_read: i64,
    pub rows_loaded: i64,
    pub rows_failed: i64,
    /// Counts of what was created, the dates covered, unmatched products, detection.
    pub summary: Json,
    pub message: Option<String>,
    pub duplicate_of: Option<i64>,
    pub user_id: Option<i64>,
    pub job_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

impl Batch {
    /// The kept file of this batch.
    pub fn path(&self, settings: &UploadSettings) -> PathBuf {
        settings.dir.join(&self.checksum)
    }

    pub fn to_json(&self) -> Json {
        json!({
            "id": self.id,
            "file_name": self.file_name,
            "checksum": self.checksum,
            "size_bytes": self.size_bytes,
            "profile": self.profile,
            "options": self.options,
            "state": self.state.name(),
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_failed": self.rows_failed,
            "summary": self.summary,
            "message": self.message,
            "duplicate_of": self.duplicate_of,
            "user_id": self.user_id,
            "job_id": self.job_id,
            "created_at": self.created_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            "finished_at": self.finished_at.map(|at| at.format("%Y-%m-%dT%H:%M:%S").to_string()),
        })
    }
}

const COLUMNS: &str = "id, file_name, checksum, size_bytes, profile, options, state, rows_read,
    rows_loaded, rows_failed, summary, message, duplicate_of, user_id, job_id, created_at,
    finished_at";

fn from_rows(rows: Rows) -> Result<Vec<Batch>, StoreError> {
    rows.rows
        .into_iter()
        .map(|row| {
            let text = |index: usize| row[index].as_str().map(str::to_string);
            let int = |index: usize| row[index].as_i64();
            let state = row[6]
                .as_str()
                .and_then(BatchState::parse)
                .ok_or_else(|| StoreError::Query(format!("batch {:?}: unknown state", row[0])))?;
            Ok(Batch {
                id: int(0).unwrap_or_default(),
                file_name: text(1).unwrap_or_default(),
                checksum: text(2).unwrap_or_default(),
                size_bytes: int(3).unwrap_or_default(),
                profile: text(4),
                options: text(5)
                    .and_then(|options| serde_json::from_str(&options).ok())
                    .unwrap_or_default(),
                state,
                rows_read: int(7).unwrap_or_default(),
                rows_loaded: int(8).unwrap_or_default(),
                rows_failed: int(9).unwrap_or_default(),
                summary: text(10)
                    .and_then(|summary| serde_json::from_str(&summary).ok())
                    .unwrap_or_else(|| json!({})),
                message: text(11),
                duplicate_of: int(12),
                user_id: int(13),
                job_id: int(14),
                created_at: row[15].as_timestamp().unwrap_or_default(),
                finished_at: row[16].as_timestamp(),
            })
        })
        .collect()
}

pub fn get(connection: &dyn Connection, id: i64) -> Result<Option<Batch>, StoreError> {
    settle(connection)?;
    let rows = connection.query(
        &format!("SELECT {COLUMNS} FROM ops.upload_batch WHERE id = $1"),
        &[id.into()],
    )?;
    Ok(from_rows(rows)?.into_iter().next())
}

/// The newest batches first; only `user_id`'s when given.
pub fn list(
    connection: &dyn Connection,
    user_id: Option<i64>,
    limit: i64,
) -> Result<Vec<Batch>, StoreError> {
    settle(connection)?;
    let rows = connection.query(
        &format!(
            "SELECT {COLUMNS} FROM ops.upload_batch
             WHERE CAST($1 AS BIGINT) IS NULL OR user_id = $1
             ORDER BY id DESC LIMIT $2"
        ),
        &[user_id.map_or(Value::Null, Value::Int), limit.into()],
    )?;
    from_rows(rows)
}

/// Keeps the file at `path` (copied as `uploads/<checksum>`, checked against the size limit
/// while it is read) and records a batch for it: `queued`, or `duplicate` when the same file
/// was loaded before.
pub fn register(
    connection: &dyn Connection,
    settings: &UploadSettings,
    user_id: Option<i64>,
    file_name: &str,
    path: &Path,
    options: &ImportOptions,
) -> Result<Batch, UploadError> {
    let file_name = clean_file_name(file_name)?;
    let (checksum, size) = keep(settings, path)?;
    let earlier = connection
        .query(
            "SELECT min(id) FROM ops.upload_batch WHERE checksum = $1 AND state = 'loaded'",
            &[checksum.clone().into()],
        )?
        .scalar()
        .and_then(Value::as_i64);
    let (state, message) = match earlier {
        Some(id) if !options.dry_run => (
            BatchState::Duplicate,
            Some(format!(
                "this file was already loaded as batch {id}; nothing was loaded again"
            )),
        ),
        _ => (BatchState::Queued, None),
    };
    let options_json =
        serde_json::to_string(options).map_err(|error| UploadError::Invalid(error.to_string()))?;
    let now = Utc::now().naive_utc();
    let id = connection
        .query(
            "INSERT INTO ops.upload_batch
                 (file_name, checksum, size_bytes, profile, options, state, message, duplicate_of,
                  user_id, created_at, finished_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             RETURNING id",
            &[
                file_name.into(),
                checksum.into(),
                (size as i64).into(),
                options.profile.clone().into(),
                options_json.into(),
                state.name().into(),
                message.into(),
                earlier.filter(|_| state == BatchState::Duplicate).into(),
                user_id.into(),
                Value::Timestamp(now),
                if state.is_final() {
                    Value::Timestamp(now)
                } else {
                    Value::Null
                },
            ],
        )?
        .scalar()
        .and_then(Value::as_i64)
        .ok_or_else(|| StoreError::Query("no id for the new batch".into()))?;
    get(connection, id)?.ok_or_else(|| UploadError::NotFound(format!("batch {id}")))
}

/// [`register`]s the file and queues its import job (not for a duplicate).
pub fn start(
    connection: &dyn Connection,
    settings: &UploadSettings,
    user_id: Option<i64>,
    file_name: &str,
    path: &Path,
    options: &ImportOptions,
) -> Result<Batch, UploadError> {
    let batch = register(connection, settings, user_id, file_name, path, options)?;
    if batch.state == BatchState::Duplicate {
        return Ok(batch);
    }
    queue_import(connection, batch)
}

/// Queues the import of a registered batch and records the job on it.
pub fn queue_import(connection: &dyn Connection, batch: Batch) -> Result<Batch, UploadError> {
    let mut job = NewJob::new(IMPORT, json!({"batch_id": batch.id}));
    if let Some(user_id) = batch.user_id {
        job = job.for_user(user_id);
    }
    let job = queue::enqueue(connection, &job)?;
    connection.execute(
        "UPDATE ops.upload_batch SET job_id = $1, state = 'queued', message = NULL,
             finished_at = NULL
         WHERE id = $2",
        &[job.id.into(), batch.id.into()],
    )?;
    get(connection, batch.id)?.ok_or_else(|| UploadError::NotFound(format!("batch {}", batch.id)))
}

/// Maps the columns of a batch that needed it, and queues it again.
pub fn remap(
    connection: &dyn Connection,
    batch: Batch,
    mapping: BTreeMap<Field, String>,
    channel: Option<Channel>,
    save_profile: Option<String>,
) -> Result<Batch, UploadError> {
    if batch.state != BatchState::NeedsMapping {
        return Err(UploadError::Invalid(format!(
            "batch {} is {}; only a batch that needs a mapping can be mapped",
            batch.id,
            batch.state.name()
        )));
    }
    let options = ImportOptions {
        mapping: Some(mapping),
        channel,
        save_profile,
        profile: None,
        ..batch.options.clone()
    };
    let options_json =
        serde_json::to_string(&options).map_err(|error| UploadError::Invalid(error.to_string()))?;
    connection.execute(
        "UPDATE ops.upload_batch SET options = $1 WHERE id = $2",
        &[options_json.into(), batch.id.into()],
    )?;
    queue_import(connection, Batch { options, ..batch })
}

/// Records where a batch ended (or that it runs).
pub(crate) fn finish(
    connection: &dyn Connection,
    id: i64,
    state: BatchState,
    profile: Option<&str>,
    counts: (i64, i64, i64),
    summary: &Json,
    message: Option<&str>,
) -> Result<(), StoreError> {
    let (read, loaded, failed) = counts;
    connection.execute(
        "UPDATE ops.upload_batch
         SET state = $1, profile = coalesce($2, profile), rows_read = $3, rows_loaded = $4,
             rows_failed = $5, summary = $6, message = $7,
             finished_at = CASE WHEN $8 THEN CAST($9 AS TIMESTAMP) ELSE NULL END
         WHERE id = $10",
        &[
            state.name().into(),
            profile.map(str::to_string).into(),
            read.into(),
            loaded.into(),
            failed.into(),
            summary.to_string().into(),
            message.map(str::to_string).into(),
            state.is_final().into(),
            Value::Timestamp(Utc::now().naive_utc()),
            id.into(),
        ],
    )?;
    Ok(())
}

/// Ends a batch that will not load (its import was cancelled or kept failing).
pub(crate) fn end(connection: &dyn Connection, id: i64, message: &str) -> Result<(), StoreError> {
    finish(
        connection,
        id,
        BatchState::Failed,
        None,
        (0, 0, 0),
        &json!({}),
        Some(message),
    )
}

/// Ends the batches whose import job is over though the batch never reached an end of its own:
/// the job was cancelled while it was still queued, or it failed before it could record how
/// the batch ended (it panicked). Runs before batches are read, so that nobody waits for an
/// import that will not run.
fn settle(connection: &dyn Connection) -> Result<(), StoreError> {
    let settled = connection.execute(
        "UPDATE ops.upload_batch
         SET state = 'failed', finished_at = $1,
             message = (SELECT CASE WHEN j.state = 'cancelled'
                                    THEN 'the import was cancelled before it ran: nothing was loaded; send the file again to load it'
                                    ELSE 'the import failed: ' || coalesce(j.message, 'its job ended')
                                         || '; nothing was loaded'
                               END
                        FROM app.job j WHERE j.id = job_id)
         WHERE state IN ('queued', 'running')
           AND job_id IN (SELECT id FROM app.job WHERE state IN ('cancelled', 'failed'))",
        &[Value::Timestamp(Utc::now().naive_utc())],
    );
    match settled {
        // Another reader settled the same batch at the same moment.
        Err(error) if error.is_conflict() => Ok(()),
        other => other.map(|_| ()),
    }
}

/// A file name as the uploader's machine gave it, without any folder.
fn clean_file_name(name: &str) -> Result<String, UploadError> {
    let name = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(UploadError::Invalid(
            "the file needs a name (without control characters)".into(),
        ));
    }
    Ok(name.chars().take(255).collect())
}

/// Copies the file into the uploads folder under its SHA-256, refusing it past the limit;
/// returns the checksum and size.
fn keep(settings: &UploadSettings, path: &Path) -> Result<(String, u64), UploadError> {
    let limit = settings.max_file_bytes;
    let mut source = File::open(path)?;
    if source.metadata()?.len() > limit {
        return Err(UploadError::TooLarge { limit });
    }
    std::fs::create_dir_all(&settings.dir)?;
    // Removed on drop unless persisted: a refused or broken copy leaves nothing behind.
    let mut target = tempfile::Builder::new()
        .prefix("receiving-")
        .tempfile_in(&settings.dir)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 256 * 1024];
    let mut size = 0u64;
    loop {
        let read = source.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        size += read as u64;
        if size > limit {
            return Err(UploadError::TooLarge { limit });
        }
        hasher.update(&buffer[..read]);
        target.write_all(&buffer[..read])?;
    }
    target.as_file().sync_all()?;
    let checksum: String = hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    target
        .persist(settings.dir.join(&checksum))
        .map_err(|error| error.error)?;
    Ok((checksum, size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_their_folders() {
        assert_eq!(
            clean_file_name("C:\\Users\\nok\\ยอดขาย.csv").expect("name"),
            "ยอดขาย.csv"
        );
        assert_eq!(clean_file_name("../../etc/passwd").expect("name"), "passwd");
        assert!(clean_file_name("folder/").is_err());
        assert!(clean_file_name("bad\u{0}name").is_err());
    }
}
