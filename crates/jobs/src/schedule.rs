//! Scheduled work (ARCHITECTURE.md, Jobs): a named schedule queues a job of its kind each time
//! its cron expression (UTC) comes due. Idle workers call [`enqueue_due`].
//!
//! A due schedule is taken by moving its `next_run_at` with an UPDATE guarded by the value
//! read, in the transaction that queues the job: of two workers (or processes) racing, one
//! moves it and the other updates nothing or conflicts, and the job is queued once. The next
//! time is computed from now, so a schedule missed while the server was down runs once; and
//! while the job queued last is still queued or running, no other is added.

use analyst_store::{Connection, StoreError, Value, transaction};
use chrono::NaiveDateTime;
use serde_json::Value as Json;

use crate::cron::{CronExpression, InvalidCron};
use crate::queue::{self, Job, NewJob, now, retrying};

/// One schedule as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub name: String,
    /// The kind of the jobs it queues.
    pub kind: String,
    /// The params of the jobs it queues.
    pub params: Json,
    /// Five fields (minute hour day month weekday), in UTC.
    pub cron: String,
    pub enabled: bool,
    /// When it comes due; `None` until a worker first looks at it.
    pub next_run_at: Option<NaiveDateTime>,
    /// The job it queued last.
    pub last_job_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Why a schedule was refused.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error(transparent)]
    InvalidCron(#[from] InvalidCron),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

const COLUMNS: &str =
    "name, kind, params, cron, enabled, next_run_at, last_job_id, created_at, updated_at";

fn from_row(row: &[Value]) -> Option<Schedule> {
    let text = |index: usize| row.get(index).and_then(Value::as_str).map(str::to_string);
    Some(Schedule {
        name: text(0)?,
        kind: text(1)?,
        params: text(2)
            .and_then(|params| serde_json::from_str(&params).ok())
            .unwrap_or(Json::Null),
        cron: text(3)?,
        enabled: row.get(4)?.as_bool()?,
        next_run_at: row.get(5)?.as_timestamp(),
        last_job_id: row.get(6)?.as_i64(),
        created_at: row.get(7)?.as_timestamp()?,
        updated_at: row.get(8)?.as_timestamp()?,
    })
}

/// A name usable in a URL and on a command line.
fn check_name(name: &str) -> Result<(), ScheduleError> {
    let fine = (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if fine {
        Ok(())
    } else {
        Err(ScheduleError::Invalid(format!(
            "'{name}' is not a schedule name: use 1 to 64 letters, digits, '_', '-' or '.'"
        )))
    }
}

/// Adds the schedule `name`, or changes it (keeping whether it is enabled). Its next run is
/// the next time `cron` comes after now.
pub fn put(
    connection: &dyn Connection,
    name: &str,
    kind: &str,
    params: &Json,
    cron: &str,
) -> Result<Schedule, ScheduleError> {
    check_name(name)?;
    if kind.trim().is_empty() {
        return Err(ScheduleError::Invalid("a schedule needs a job kind".into()));
    }
    let cron = CronExpression::parse(cron)?;
    let at = now();
    let next = cron.next_after(at).map_or(Value::Null, Value::from);
    let values = [
        name.into(),
        kind.into(),
        params.to_string().into(),
        cron.as_str().into(),
        next,
        at.into(),
    ];
    retrying(|| {
        transaction(connection, || {
            let changed = connection.execute(
                "UPDATE app.job_schedule SET kind = $2, params = $3, cron = $4, next_run_at = $5,
                        updated_at = $6
                 WHERE name = $1",
                &values,
            )?;
            if changed == 0 {
                connection.execute(
                    "INSERT INTO app.job_schedule (name, kind, params, cron, enabled,
                            next_run_at, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, TRUE, $5, $6, $6)",
                    &values,
                )?;
            }
            Ok(())
        })
    })?;
    get(connection, name)?
        .ok_or_else(|| StoreError::Query(format!("the schedule '{name}' was not stored")).into())
}

/// One schedule by name.
pub fn get(connection: &dyn Connection, name: &str) -> Result<Option<Schedule>, StoreError> {
    let rows = connection.query(
        &format!("SELECT {COLUMNS} FROM app.job_schedule WHERE name = $1"),
        &[name.into()],
    )?;
    Ok(rows.rows.first().and_then(|row| from_row(row)))
}

/// Every schedule, by name.
pub fn list(connection: &dyn Connection) -> Result<Vec<Schedule>, StoreError> {
    let rows = connection.query(
        &format!("SELECT {COLUMNS} FROM app.job_schedule ORDER BY name"),
        &[],
    )?;
    Ok(rows.rows.iter().filter_map(|row| from_row(row)).collect())
}

/// Removes a schedule (jobs it queued stay); whether there was one.
pub fn remove(connection: &dyn Connection, name: &str) -> Result<bool, StoreError> {
    let removed = retrying(|| {
        connection.execute(
            "DELETE FROM app.job_schedule WHERE name = $1",
            &[name.into()],
        )
    })?;
    Ok(removed > 0)
}

/// Pauses or resumes a schedule; one resumed runs at its next time from now (the times missed
/// while paused are skipped). `None` when there is no such schedule.
pub fn set_enabled(
    connection: &dyn Connection,
    name: &str,
    enabled: bool,
) -> Result<Option<Schedule>, ScheduleError> {
    let Some(schedule) = get(connection, name)? else {
        return Ok(None);
    };
    if schedule.enabled == enabled {
        return Ok(Some(schedule));
    }
    let at = now();
    let next = if enabled {
        CronExpression::parse(&schedule.cron)?.next_after(at)
    } else {
        schedule.next_run_at
    };
    retrying(|| {
        connection.execute(
            "UPDATE app.job_schedule SET enabled = $2, next_run_at = $3, updated_at = $4
             WHERE name = $1",
            &[
                name.into(),
                enabled.into(),
                next.map_or(Value::Null, Value::from),
                at.into(),
            ],
        )
    })?;
    Ok(get(connection, name)?)
}

/// Queues a job for every enabled schedule due at `now` (UTC), moving each to its next time
/// after `now`; returns the jobs queued. A schedule another worker took meanwhile, or whose
/// last job is still queued or running, queues nothing.
pub fn enqueue_due(
    connection: &dyn Connection,
    now: NaiveDateTime,
) -> Result<Vec<Job>, StoreError> {
    let due = connection.query(
        &format!(
            "SELECT {COLUMNS} FROM app.job_schedule
             WHERE enabled AND (next_run_at IS NULL OR next_run_at <= $1)
             ORDER BY next_run_at, name"
        ),
        &[now.into()],
    )?;
    let mut queued = Vec::new();
    for schedule in due.rows.iter().filter_map(|row| from_row(row)) {
        let next = match CronExpression::parse(&schedule.cron) {
            Ok(cron) => cron.next_after(now),
            Err(error) => {
                tracing::warn!(schedule = %schedule.name, %error, "a schedule cannot run");
                continue;
            }
        };
        match transaction(connection, || take(connection, &schedule, next)) {
            Ok(Some(job)) => {
                tracing::info!(schedule = %schedule.name, job = job.id, kind = %job.kind,
                    "a scheduled job was queued");
                queued.push(job);
            }
            Ok(None) => {}
            // Another worker moved the same schedule at the same time: it is theirs.
            Err(error) if error.is_conflict() => {}
            Err(error) => return Err(error),
        }
    }
    Ok(queued)
}

/// Moves `schedule` from the time read to `next` and queues its job; `None` when another
/// worker moved it first, when it was only waiting for its first time, or when its last job
/// is not over.
fn take(
    connection: &dyn Connection,
    schedule: &Schedule,
    next: Option<NaiveDateTime>,
) -> Result<Option<Job>, StoreError> {
    let next = next.map_or(Value::Null, Value::from);
    let moved = match schedule.next_run_at {
        Some(read) => connection.execute(
            "UPDATE app.job_schedule SET next_run_at = $2
             WHERE name = $1 AND enabled AND next_run_at = $3",
            &[schedule.name.as_str().into(), next, read.into()],
        )?,
        None => connection.execute(
            "UPDATE app.job_schedule SET next_run_at = $2
             WHERE name = $1 AND enabled AND next_run_at IS NULL",
            &[schedule.name.as_str().into(), next],
        )?,
    };
    if moved == 0 || schedule.next_run_at.is_none() {
        return Ok(None);
    }
    if let Some(last) = schedule.last_job_id
        && let Some(job) = queue::get(connection, last)?
        && !job.state.is_final()
    {
        tracing::info!(schedule = %schedule.name, job = last,
            "a scheduled job is skipped: the last one is not over");
        return Ok(None);
    }
    let job = queue::enqueue(
        connection,
        &NewJob::new(&schedule.kind, schedule.params.clone()),
    )?;
    connection.execute(
        "UPDATE app.job_schedule SET last_job_id = $2 WHERE name = $1",
        &[schedule.name.as_str().into(), job.id.into()],
    )?;
    Ok(Some(job))
}
