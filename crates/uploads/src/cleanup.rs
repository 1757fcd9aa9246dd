//! The `upload_cleanup` job kind: an uploaded file and its staged rows (`raw.upload_line`) are
//! kept for [`UploadSettings::keep_days`] after its batch ended, then removed. The batch, its
//! error report and what it loaded into silver and gold stay.

use std::collections::HashSet;

use analyst_jobs::{Job, JobContext, JobFailure, JobKind};
use analyst_store::{Connection, Value};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde_json::{Value as Json, json};

use crate::{UploadError, UploadSettings};

/// The queue's name of the job that removes old uploaded files and staged rows.
pub const UPLOAD_CLEANUP: &str = "upload_cleanup";

/// A file no batch names may be one being received right now: it is left an hour.
const RECEIVING_GRACE: Duration = Duration::hours(1);

/// Batches over (any state but queued and running) since before `$1`.
const EXPIRED: &str =
    "state NOT IN ('queued', 'running') AND coalesce(finished_at, created_at) < $1";

/// What a cleanup removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Staged rows deleted from `raw.upload_line`.
    pub rows: u64,
    /// Batches that waited for a mapping and can no longer get one.
    pub unmapped: u64,
    pub files: u64,
    pub bytes: u64,
}

/// Removes, at `now`, the staged rows and files of batches that ended more than the settings'
/// `keep_days` ago, and files no batch names. Idempotent.
pub fn prune(
    connection: &dyn Connection,
    settings: &UploadSettings,
    now: NaiveDateTime,
) -> Result<Pruned, UploadError> {
    let cutoff = Value::Timestamp(now - Duration::days(settings.keep_days.into()));
    let rows = connection.execute(
        &format!(
            "DELETE FROM raw.upload_line
             WHERE batch_id IN (SELECT id FROM ops.upload_batch WHERE {EXPIRED})"
        ),
        std::slice::from_ref(&cutoff),
    )? as u64;
    let unmapped = connection.execute(
        "UPDATE ops.upload_batch
         SET state = 'failed',
             message = 'no mapping came for ' || CAST($2 AS VARCHAR)
                 || ' days and the file was removed; send it again to load it'
         WHERE state = 'needs_mapping' AND coalesce(finished_at, created_at) < $1",
        &[cutoff.clone(), i64::from(settings.keep_days).into()],
    )? as u64;
    // The same file sent again is one file for several batches: it stays while any of them
    // is recent or still to run.
    let kept: HashSet<String> = connection
        .query(
            &format!("SELECT DISTINCT checksum FROM ops.upload_batch WHERE NOT ({EXPIRED})"),
            &[cutoff],
        )?
        .rows
        .iter()
        .filter_map(|row| row[0].as_str().map(str::to_string))
        .collect();
    let entries = match std::fs::read_dir(&settings.dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Pruned {
                rows,
                unmapped,
                ..Pruned::default()
            });
        }
        Err(error) => return Err(error.into()),
    };
    let (mut files, mut bytes) = (0, 0);
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if kept.contains(&name) {
            continue;
        }
        let metadata = entry.metadata()?;
        let written = metadata
            .modified()
            .map(|modified| DateTime::<Utc>::from(modified).naive_utc())?;
        if !metadata.is_file() || now - written < RECEIVING_GRACE {
            continue;
        }
        std::fs::remove_file(entry.path())?;
        files += 1;
        bytes += metadata.len();
    }
    Ok(Pruned {
        rows,
        unmapped,
        files,
        bytes,
    })
}

/// The `upload_cleanup` job kind (scheduled daily).
pub struct UploadCleanupKind {
    pub settings: UploadSettings,
}

impl JobKind for UploadCleanupKind {
    fn name(&self) -> &'static str {
        UPLOAD_CLEANUP
    }

    fn run(&self, _job: &Job, context: &mut JobContext<'_>) -> Result<Json, JobFailure> {
        let pruned = prune(context.connection(), &self.settings, Utc::now().naive_utc())
            .map_err(|error| JobFailure::Failed(error.to_string()))?;
        Ok(json!({
            "rows_removed": pruned.rows,
            "batches_unmapped": pruned.unmapped,
            "files_removed": pruned.files,
            "bytes_freed": pruned.bytes,
        }))
    }
}
