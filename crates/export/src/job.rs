//! Exports as durable jobs (seed 000's `ai.analyst.export.job`): starting one (with the
//! per-user limit), the `export` kind that writes the file under the requesting user's rights
//! as they are when it runs, what its status reads, which file a download gets, and the
//! `export_cleanup` kind that removes expired files.
//!
//! A job writes `export-<id>.<ext>.part` and renames it to `export-<id>.<ext>` when complete:
//! a job run again after a crash starts the file over, so it never holds a row twice.

use std::path::{Path, PathBuf};

use analyst_accounts::{get_user, rights};
use analyst_core::{SemanticQuery, Tool};
use analyst_gateway::Access;
use analyst_jobs::{Job, JobContext, JobFailure, JobKind, JobState, NewJob, queue};
use analyst_semantic::scoped;
use analyst_store::{Connection, StoreError, Value};
use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};

use crate::{ExportError, ExportOptions, Format, Progress, export};

/// The queue's name of export jobs.
pub const EXPORT: &str = "export";
/// The queue's name of the job that removes expired export files.
pub const EXPORT_CLEANUP: &str = "export_cleanup";

/// How exports are kept.
#[derive(Debug, Clone)]
pub struct ExportSettings {
    /// Where files are written (`<data dir>/exports`).
    pub dir: PathBuf,
    /// How long a finished file can be downloaded (seed 000: a day).
    pub keep_for: Duration,
    /// Exports one user may have queued or running at once.
    pub max_running_per_user: usize,
    /// The day relative tool windows end before; today when `None`.
    pub today: Option<NaiveDate>,
}

impl ExportSettings {
    pub fn new(dir: PathBuf) -> ExportSettings {
        ExportSettings {
            dir,
            keep_for: Duration::hours(24),
            max_running_per_user: 3,
            today: None,
        }
    }

    fn today(&self) -> NaiveDate {
        self.today.unwrap_or_else(|| Utc::now().date_naive())
    }
}

/// What a user asks to export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportRequest {
    pub query: SemanticQuery,
    #[serde(flatten)]
    pub options: ExportOptions,
}

/// Why an export cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Invalid(String),
    #[error(
        "you already have {0} exports queued or running, the most allowed; wait for one to finish or cancel one"
    )]
    TooMany(usize),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// Queues an export for `user_id`, unless they already have the most allowed under way.
pub fn start(
    connection: &dyn Connection,
    settings: &ExportSettings,
    user_id: i64,
    request: &ExportRequest,
) -> Result<Job, StartError> {
    request
        .query
        .validate()
        .map_err(|error| StartError::Invalid(error.to_string()))?;
    let under_way = connection
        .query(
            "SELECT count(*) FROM app.job
             WHERE kind = $1 AND user_id = $2 AND state IN ('queued', 'running')",
            &[EXPORT.into(), user_id.into()],
        )?
        .scalar()
        .and_then(Value::as_i64)
        .unwrap_or(0);
    if under_way >= settings.max_running_per_user as i64 {
        return Err(StartError::TooMany(settings.max_running_per_user));
    }
    let params =
        serde_json::to_value(request).map_err(|error| StartError::Invalid(error.to_string()))?;
    Ok(queue::enqueue(
        connection,
        &NewJob::new(EXPORT, params).for_user(user_id),
    )?)
}

/// The file an export job writes, in `dir`.
pub fn file_path(dir: &Path, job: &Job, options: ExportOptions) -> PathBuf {
    dir.join(format!("export-{}.{}", job.id, options.format.extension()))
}

fn part_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(".part");
    PathBuf::from(name)
}

/// A name for the downloaded file that says what it holds: `revenue-by-brand-2026-11-25.csv`.
pub fn download_name(query: &SemanticQuery, options: ExportOptions, on: NaiveDate) -> String {
    let subject = if query.tool == Tool::SalesByDimension {
        let measures: Vec<&str> = query
            .measures
            .iter()
            .map(|measure| measure.name())
            .collect();
        let dimensions: Vec<&str> = query
            .dimensions
            .iter()
            .map(|dimension| dimension.name())
            .collect();
        if dimensions.is_empty() {
            measures.join("-")
        } else {
            format!("{}-by-{}", measures.join("-"), dimensions.join("-"))
        }
    } else {
        query.tool.name().to_string()
    };
    let subject: String = subject
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("{subject}-{on}.{}", options.format.extension())
}

/// The `export` job kind.
pub struct ExportKind {
    pub settings: ExportSettings,
}

impl JobKind for ExportKind {
    fn name(&self) -> &'static str {
        EXPORT
    }

    fn run(&self, job: &Job, context: &mut JobContext<'_>) -> Result<Json, JobFailure> {
        let request: ExportRequest = serde_json::from_value(job.params.clone())
            .map_err(|error| JobFailure::Refused(format!("not an export request: {error}")))?;
        let connection = context.connection();
        // The requesting user's rights as they are now, not as they were when they asked.
        let user_id = job
            .user_id
            .ok_or_else(|| JobFailure::Refused("an export belongs to a user".into()))?;
        let user = get_user(connection, user_id)
            .map_err(|error| JobFailure::Failed(error.to_string()))?
            .filter(|user| user.active)
            .ok_or_else(|| {
                JobFailure::Refused("the user who asked for it is no longer active".into())
            })?;
        let rights =
            rights(connection, &user).map_err(|error| JobFailure::Failed(error.to_string()))?;
        if let Some(refusal) = Access::from(&rights).refusal(request.query.tool) {
            return Err(JobFailure::Refused(refusal));
        }
        std::fs::create_dir_all(&self.settings.dir).map_err(ExportError::from)?;
        let path = file_path(&self.settings.dir, job, request.options);
        let part = part_path(&path);
        // Rows stream on a connection of their own: progress reports write on the job's while
        // the result is open.
        let reader = connection.new_connection()?;
        let scoped = scoped(reader.as_ref(), &rights.scope);
        let today = self.settings.today();
        let written = export(
            &scoped,
            &request.query,
            today,
            request.options,
            &part,
            &mut |progress: &Progress| {
                context.report(
                    // The last percent is finishing the file.
                    progress.fraction() * 0.99,
                    Some(&format!("{} rows written", progress.rows)),
                    || Some(progress_json(progress)),
                )
            },
        );
        let summary = match written {
            Ok(summary) => summary,
            Err(failure) => {
                let _ = std::fs::remove_file(&part);
                return Err(failure);
            }
        };
        std::fs::rename(&part, &path).map_err(ExportError::from)?;
        let bytes = std::fs::metadata(&path).map_err(ExportError::from)?.len();
        let expires_at = Utc::now().naive_utc() + self.settings.keep_for;
        Ok(json!({
            "file_name": download_name(&request.query, request.options, today),
            "format": request.options.format.name(),
            "rows_written": summary.rows,
            "total_rows": summary.rows,
            "bytes": bytes,
            "columns": summary.columns.iter().map(|column| column.label.as_str()).collect::<Vec<_>>(),
            "expires_at": expires_at.and_utc().to_rfc3339(),
        }))
    }
}

fn progress_json(progress: &Progress) -> Json {
    json!({
        "rows_written": progress.rows,
        "total_rows": progress.total,
        "bytes": progress.bytes,
    })
}

/// An export job as its owner sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportStatus {
    pub job_id: i64,
    /// The job's state, or `expired` once the file is past its time.
    pub state: String,
    /// 0 to 100.
    pub progress: f64,
    pub rows_written: u64,
    pub total_rows: Option<u64>,
    pub bytes: u64,
    pub format: String,
    pub file_name: Option<String>,
    pub error: Option<String>,
    pub created_at: String,
    pub finished_at: Option<String>,
    pub expires_at: Option<String>,
    /// Where to get the file, once it can be downloaded.
    pub download_url: Option<String>,
}

fn expires_at(job: &Job) -> Option<NaiveDateTime> {
    let text = job.result.as_ref()?.get("expires_at")?.as_str()?;
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|moment| moment.naive_utc())
}

/// Whether a succeeded export's file is past its time at `now`.
pub fn is_expired(job: &Job, now: NaiveDateTime) -> bool {
    job.state == JobState::Succeeded && expires_at(job).is_none_or(|at| at <= now)
}

/// The status of export `job` at `now`.
pub fn status(job: &Job, now: NaiveDateTime) -> ExportStatus {
    let result = job.result.clone().unwrap_or(Json::Null);
    let count = |key: &str| result.get(key).and_then(Json::as_u64);
    let expired = is_expired(job, now);
    let state = if expired { "expired" } else { job.state.name() };
    let format = job.params["format"].as_str().unwrap_or("csv").to_string();
    let time = |moment: NaiveDateTime| moment.and_utc().to_rfc3339();
    ExportStatus {
        job_id: job.id,
        state: state.to_string(),
        progress: (job.progress * 100.0 * 10.0).round() / 10.0,
        rows_written: count("rows_written").unwrap_or(0),
        total_rows: count("total_rows"),
        bytes: count("bytes").unwrap_or(0),
        format,
        file_name: result["file_name"].as_str().map(str::to_string),
        error: matches!(job.state, JobState::Failed | JobState::Cancelled)
            .then(|| job.message.clone())
            .flatten(),
        created_at: time(job.created_at),
        finished_at: job.finished_at.map(time),
        expires_at: expires_at(job).map(time),
        download_url: (job.state == JobState::Succeeded && !expired)
            .then(|| format!("/ai_analyst/export/download/{}", job.id)),
    }
}

/// Why a file cannot be downloaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    /// Still queued or running, or it failed or was cancelled.
    NotReady,
    /// Past its time (or removed).
    Expired,
}

/// A file ready to download.
#[derive(Debug, Clone, PartialEq)]
pub struct DownloadFile {
    pub path: PathBuf,
    /// What the file is called for the person downloading it.
    pub name: String,
    pub format: Format,
}

/// The file of export `job`, when it can be downloaded at `now`.
pub fn download(
    settings: &ExportSettings,
    job: &Job,
    now: NaiveDateTime,
) -> Result<DownloadFile, Unavailable> {
    if job.state != JobState::Succeeded {
        return Err(Unavailable::NotReady);
    }
    let request: ExportRequest =
        serde_json::from_value(job.params.clone()).map_err(|_| Unavailable::Expired)?;
    let path = file_path(&settings.dir, job, request.options);
    if is_expired(job, now) || !path.is_file() {
        return Err(Unavailable::Expired);
    }
    let name = job
        .result
        .as_ref()
        .and_then(|result| result["file_name"].as_str());
    let name = name.map_or_else(
        || download_name(&request.query, request.options, job.created_at.date()),
        str::to_string,
    );
    Ok(DownloadFile {
        path,
        name,
        format: request.options.format,
    })
}

/// The `export_cleanup` job kind: removes files past their time, files of jobs that are gone,
/// failed or cancelled, and temporary files no running job is writing. Idempotent.
pub struct ExportCleanupKind {
    pub settings: ExportSettings,
}

impl JobKind for ExportCleanupKind {
    fn name(&self) -> &'static str {
        EXPORT_CLEANUP
    }

    fn run(&self, _job: &Job, context: &mut JobContext<'_>) -> Result<Json, JobFailure> {
        let (removed, bytes) = clean(
            context.connection(),
            &self.settings.dir,
            Utc::now().naive_utc(),
        )?;
        Ok(json!({"files_removed": removed, "bytes_freed": bytes}))
    }
}

/// Removes the export files in `dir` that can no longer be downloaded at `now`; returns how
/// many and their bytes.
pub fn clean(
    connection: &dyn Connection,
    dir: &Path,
    now: NaiveDateTime,
) -> Result<(u64, u64), ExportError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok((0, 0)),
        Err(error) => return Err(error.into()),
    };
    let (mut removed, mut bytes) = (0, 0);
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(".tmp") {
            // An XLSX writer's temporary sheet, left by a process that was killed.
            let age = entry
                .metadata()
                .and_then(|meta| meta.modified())
                .ok()
                .and_then(|modified| modified.elapsed().ok());
            if age.is_some_and(|age| age > std::time::Duration::from_secs(3_600)) {
                bytes += entry.metadata().map(|meta| meta.len()).unwrap_or(0);
                std::fs::remove_file(entry.path())?;
                removed += 1;
            }
            continue;
        }
        let Some(id) = name
            .strip_prefix("export-")
            .and_then(|rest| rest.split('.').next())
            .and_then(|id| id.parse::<i64>().ok())
        else {
            continue;
        };
        let job = queue::get(connection, id)?;
        let keep = match &job {
            Some(job) if name.ends_with(".part") => !job.state.is_final(),
            Some(job) => job.state == JobState::Succeeded && !is_expired(job, now),
            None => false,
        };
        if !keep {
            let size = entry.metadata().map(|meta| meta.len()).unwrap_or(0);
            std::fs::remove_file(entry.path())?;
            removed += 1;
            bytes += size;
        }
    }
    Ok((removed, bytes))
}

/// The kinds this crate adds to the worker pool.
pub fn kinds(settings: &ExportSettings) -> Vec<std::sync::Arc<dyn JobKind>> {
    vec![
        std::sync::Arc::new(ExportKind {
            settings: settings.clone(),
        }),
        std::sync::Arc::new(ExportCleanupKind {
            settings: settings.clone(),
        }),
    ]
}
