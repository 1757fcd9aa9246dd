//! The queue's records: enqueue, claim, heartbeat, finish, fail with backoff, cancel, list.
//!
//! A claim is one transaction that takes the oldest queued job whose time has come, or a
//! running job whose worker has not sent a heartbeat for [`STALE_AFTER`]; two workers racing
//! for the same job conflict in the store and one of them simply tries again.

use analyst_store::{Connection, StoreError, Value, transaction};
use chrono::{Duration, NaiveDateTime, Utc};
use serde_json::Value as Json;

/// A running job without a heartbeat for this long is taken up by another worker.
pub const STALE_AFTER: Duration = Duration::seconds(30);

/// What a job is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl JobState {
    pub fn name(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
        }
    }

    fn parse(text: &str) -> Option<JobState> {
        [
            JobState::Queued,
            JobState::Running,
            JobState::Succeeded,
            JobState::Failed,
            JobState::Cancelled,
        ]
        .into_iter()
        .find(|state| state.name() == text)
    }

    /// Whether the job is over (nothing will run it again).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            JobState::Succeeded | JobState::Failed | JobState::Cancelled
        )
    }
}

/// One job as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub params: Json,
    pub user_id: Option<i64>,
    pub state: JobState,
    /// 0 to 1.
    pub progress: f64,
    pub message: Option<String>,
    pub result: Option<Json>,
    pub attempts: i64,
    pub max_attempts: i64,
    pub run_after: NaiveDateTime,
    pub heartbeat_at: Option<NaiveDateTime>,
    pub worker: Option<String>,
    pub cancel_requested: bool,
    pub created_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
}

const COLUMNS: &str = "id, kind, params, user_id, state, progress, message, result, attempts, \
    max_attempts, run_after, heartbeat_at, worker, \
    EXISTS (SELECT 1 FROM app.job_cancel c WHERE c.job_id = j.id) AS cancel_requested, \
    created_at, started_at, finished_at";

fn from_row(row: &[Value]) -> Option<Job> {
    let json = |index: usize| {
        row.get(index)
            .and_then(Value::as_str)
            .and_then(|text| serde_json::from_str(text).ok())
    };
    let text = |index: usize| row.get(index).and_then(Value::as_str).map(str::to_string);
    Some(Job {
        id: row.first()?.as_i64()?,
        kind: text(1)?,
        params: json(2).unwrap_or(Json::Null),
        user_id: row.get(3)?.as_i64(),
        state: JobState::parse(row.get(4)?.as_str()?)?,
        progress: row.get(5)?.as_f64().unwrap_or(0.0),
        message: text(6),
        result: json(7),
        attempts: row.get(8)?.as_i64()?,
        max_attempts: row.get(9)?.as_i64()?,
        run_after: row.get(10)?.as_timestamp()?,
        heartbeat_at: row.get(11)?.as_timestamp(),
        worker: text(12),
        cancel_requested: row.get(13)?.as_bool()?,
        created_at: row.get(14)?.as_timestamp()?,
        started_at: row.get(15)?.as_timestamp(),
        finished_at: row.get(16)?.as_timestamp(),
    })
}

/// Runs a write again when it collided with another writer on the same job (DuckDB's
/// optimistic concurrency reports a conflict; the other write went through).
pub(crate) fn retrying<T>(
    mut write: impl FnMut() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut tries = 0;
    loop {
        match write() {
            Err(error) if error.is_conflict() && tries < 20 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(5 * tries));
            }
            other => return other,
        }
    }
}

pub(crate) fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// Backoff before attempt `attempts + 1`: 5 s, 20 s, 80 s … at most 10 minutes.
pub fn backoff(attempts: i64) -> Duration {
    let seconds = 5_i64.saturating_mul(4_i64.saturating_pow(attempts.clamp(1, 8) as u32 - 1));
    Duration::seconds(seconds.min(600))
}

/// A job to add.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub kind: String,
    pub params: Json,
    pub user_id: Option<i64>,
    pub max_attempts: i64,
    /// Not before this moment (a schedule); now when `None`.
    pub run_after: Option<NaiveDateTime>,
}

impl NewJob {
    /// A job of `kind` with `params`, tried up to three times, to run now.
    pub fn new(kind: &str, params: Json) -> NewJob {
        NewJob {
            kind: kind.to_string(),
            params,
            user_id: None,
            max_attempts: 3,
            run_after: None,
        }
    }

    pub fn for_user(mut self, user_id: i64) -> NewJob {
        self.user_id = Some(user_id);
        self
    }
}

/// Adds a job; returns it as stored.
pub fn enqueue(connection: &dyn Connection, job: &NewJob) -> Result<Job, StoreError> {
    let at = now();
    let rows = connection.query(
        "INSERT INTO app.job (kind, params, user_id, state, max_attempts, run_after, created_at)
         VALUES ($1, $2, $3, 'queued', $4, $5, $6) RETURNING id",
        &[
            job.kind.as_str().into(),
            job.params.to_string().into(),
            job.user_id.map_or(Value::Null, Value::from),
            job.max_attempts.max(1).into(),
            job.run_after.unwrap_or(at).into(),
            at.into(),
        ],
    )?;
    let id = rows.scalar().and_then(Value::as_i64);
    id.map(|id| get(connection, id))
        .transpose()?
        .flatten()
        .ok_or_else(|| StoreError::Query("the job was not stored".into()))
}

/// One job by id.
pub fn get(connection: &dyn Connection, id: i64) -> Result<Option<Job>, StoreError> {
    let rows = connection.query(
        &format!("SELECT {COLUMNS} FROM app.job j WHERE id = $1"),
        &[id.into()],
    )?;
    Ok(rows.rows.first().and_then(|row| from_row(row)))
}

/// Jobs, newest first: of one user or of everyone, of one kind or of all.
pub fn list(
    connection: &dyn Connection,
    user_id: Option<i64>,
    kind: Option<&str>,
    limit: usize,
) -> Result<Vec<Job>, StoreError> {
    let limit = i64::try_from(limit.clamp(1, 1_000)).unwrap_or(100);
    let rows = connection.query(
        &format!(
            "SELECT {COLUMNS} FROM app.job j
             WHERE (CAST($1 AS BIGINT) IS NULL OR user_id = $1)
               AND (CAST($2 AS VARCHAR) IS NULL OR kind = $2)
             ORDER BY id DESC LIMIT $3"
        ),
        &[
            user_id.map_or(Value::Null, Value::from),
            kind.map_or(Value::Null, Value::from),
            limit.into(),
        ],
    )?;
    Ok(rows.rows.iter().filter_map(|row| from_row(row)).collect())
}

/// Takes the next job for `worker` among `kinds`: the oldest queued one whose time has come,
/// or a running one whose worker sent no heartbeat for `stale_after`. `None` when there is none (or another worker
/// took it first).
pub fn claim(
    connection: &dyn Connection,
    worker: &str,
    kinds: &[&str],
    stale_after: Duration,
) -> Result<Option<Job>, StoreError> {
    if kinds.is_empty() {
        return Ok(None);
    }
    let at = now();
    let stale = at - stale_after;
    let claimed = transaction(connection, || {
        let mut params: Vec<Value> = vec![at.into(), stale.into()];
        let placeholders: Vec<String> = kinds
            .iter()
            .map(|kind| {
                params.push((*kind).into());
                format!("${}", params.len())
            })
            .collect();
        let candidate = connection
            .query(
                &format!(
                    "SELECT id FROM app.job
                     WHERE kind IN ({})
                       AND ((state = 'queued' AND run_after <= $1)
                         OR (state = 'running' AND heartbeat_at < $2))
                     ORDER BY run_after, id LIMIT 1",
                    placeholders.join(", ")
                ),
                &params,
            )?
            .scalar()
            .and_then(Value::as_i64);
        let Some(id) = candidate else {
            return Ok(None);
        };
        connection.execute(
            "UPDATE app.job SET state = 'running', attempts = attempts + 1, worker = $2,
                    heartbeat_at = $3, started_at = COALESCE(started_at, $3)
             WHERE id = $1",
            &[id.into(), worker.into(), at.into()],
        )?;
        let rows = connection.query(
            &format!("SELECT {COLUMNS} FROM app.job j WHERE id = $1"),
            &[id.into()],
        )?;
        Ok(rows.rows.first().and_then(|row| from_row(row)))
    });
    match claimed {
        Ok(job) => Ok(job),
        // Another worker updated the same job at the same time: it is theirs.
        Err(error) if error.is_conflict() => Ok(None),
        Err(error) => Err(error),
    }
}

/// Records progress (0 to 1), a message and details so far (kept in `result` while the job
/// runs), and that the worker is alive; returns whether the job should stop (cancelled, or
/// taken up by another worker).
pub fn heartbeat(
    connection: &dyn Connection,
    id: i64,
    worker: &str,
    progress: f64,
    message: Option<&str>,
    detail: Option<&Json>,
) -> Result<bool, StoreError> {
    let held = retrying(|| {
        connection.execute(
            "UPDATE app.job SET heartbeat_at = $3, progress = $4, message = COALESCE($5, message),
                    result = COALESCE($6, result)
             WHERE id = $1 AND worker = $2 AND state = 'running'",
            &[
                id.into(),
                worker.into(),
                now().into(),
                Value::Float(progress.clamp(0.0, 1.0)),
                message.map_or(Value::Null, Value::from),
                detail.map_or(Value::Null, |detail| Value::from(detail.to_string())),
            ],
        )
    })?;
    if held == 0 {
        // Taken up by another worker, or no longer running.
        return Ok(true);
    }
    let cancelled = connection
        .query(
            "SELECT count(*) FROM app.job_cancel WHERE job_id = $1",
            &[id.into()],
        )?
        .scalar()
        .and_then(Value::as_i64)
        .unwrap_or(0);
    Ok(cancelled > 0)
}

/// Ends a job the worker still holds, as `state`, with a result or a message.
pub(crate) fn finish(
    connection: &dyn Connection,
    id: i64,
    worker: &str,
    state: JobState,
    result: Option<&Json>,
    message: Option<&str>,
) -> Result<(), StoreError> {
    retrying(|| {
        connection.execute(
            "UPDATE app.job SET state = $3, result = $4, message = $5, finished_at = $6,
                    progress = CASE WHEN $3 = 'succeeded' THEN 1 ELSE progress END
             WHERE id = $1 AND worker = $2 AND state = 'running'",
            &[
                id.into(),
                worker.into(),
                state.name().into(),
                result.map_or(Value::Null, |result| Value::from(result.to_string())),
                message.map_or(Value::Null, Value::from),
                now().into(),
            ],
        )
    })?;
    Ok(())
}

/// A failed attempt: queued again after a backoff while attempts remain, else failed.
pub(crate) fn fail(
    connection: &dyn Connection,
    job: &Job,
    worker: &str,
    message: &str,
) -> Result<JobState, StoreError> {
    if job.attempts >= job.max_attempts {
        finish(
            connection,
            job.id,
            worker,
            JobState::Failed,
            None,
            Some(message),
        )?;
        return Ok(JobState::Failed);
    }
    requeue(
        connection,
        job.id,
        worker,
        now() + backoff(job.attempts),
        message,
        0,
    )?;
    Ok(JobState::Queued)
}

/// Puts a job the worker holds back in the queue, to run from `run_after`; `refund` attempts
/// are given back (an interrupted run is not a failed attempt).
pub(crate) fn requeue(
    connection: &dyn Connection,
    id: i64,
    worker: &str,
    run_after: NaiveDateTime,
    message: &str,
    refund: i64,
) -> Result<(), StoreError> {
    retrying(|| {
        connection.execute(
            "UPDATE app.job SET state = 'queued', run_after = $3, message = $4, worker = NULL,
                    attempts = attempts - $5
             WHERE id = $1 AND worker = $2 AND state = 'running'",
            &[
                id.into(),
                worker.into(),
                run_after.into(),
                message.into(),
                refund.into(),
            ],
        )
    })?;
    Ok(())
}

/// Puts every running job back in the queue, its attempt counted (a job that brings its
/// process down is not retried forever). Only for a store one process holds (the embedded
/// one): at start nothing else can be running them. Returns how many.
pub fn requeue_orphans(connection: &dyn Connection) -> Result<usize, StoreError> {
    retrying(|| {
        connection.execute(
            "UPDATE app.job SET state = 'queued', run_after = $1, worker = NULL,
                    message = 'interrupted: the server stopped; running it again'
             WHERE state = 'running'",
            &[now().into()],
        )
    })
}

/// Cancels a job: a queued one at once, a running one at its next heartbeat. Returns the job
/// as it is now; a job already over is left as it was.
pub fn cancel(connection: &dyn Connection, id: i64) -> Result<Option<Job>, StoreError> {
    let at = now();
    retrying(|| {
        connection.execute(
            "UPDATE app.job SET state = 'cancelled', finished_at = $2, message = 'cancelled'
             WHERE id = $1 AND state = 'queued'",
            &[id.into(), at.into()],
        )
    })?;
    connection.execute(
        "INSERT INTO app.job_cancel (job_id, requested_at)
         SELECT id, $2 FROM app.job WHERE id = $1 AND state = 'running'
         ON CONFLICT DO NOTHING",
        &[id.into(), at.into()],
    )?;
    get(connection, id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1), Duration::seconds(5));
        assert_eq!(backoff(2), Duration::seconds(20));
        assert_eq!(backoff(3), Duration::seconds(80));
        assert_eq!(backoff(9), Duration::seconds(600));
    }
}
