//! The job queue over HTTP: a user sees and cancels their own jobs, an administrator every
//! job, and administrators queue maintenance jobs and manage the schedules that queue them
//! (`/api/v1/job-schedules`). Another user's job is "not found".

use analyst_accounts::User;
use analyst_jobs::schedule::{self, Schedule, ScheduleError};
use analyst_jobs::{Job, NewJob, queue};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Admin, ClientIp, CurrentUser};
use crate::error::{AppError, ErrorBody};
use crate::json::Body;
use crate::state::AppState;

/// Refuses a kind an administrator may not queue or schedule by hand: those are the queue's
/// own kinds, the export and upload cleanups and the proposal expiry (exports, imports and
/// executions start through their own routes, which check the asker's rights). The message
/// lists the kinds.
pub fn check_maintenance_kind(kind: &str) -> Result<(), String> {
    let mut kinds: Vec<&str> = analyst_jobs::kinds::builtin()
        .iter()
        .map(|kind| kind.name())
        .collect();
    kinds.extend([
        analyst_export::job::EXPORT_CLEANUP,
        analyst_uploads::cleanup::UPLOAD_CLEANUP,
        analyst_actions::execution::PROPOSAL_EXPIRY,
    ]);
    if kinds.contains(&kind) {
        Ok(())
    } else {
        Err(format!(
            "no job kind '{kind}'; the kinds are {}",
            kinds.join(", ")
        ))
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct JobView {
    id: i64,
    kind: String,
    #[schema(value_type = Object)]
    params: serde_json::Value,
    /// `queued`, `running`, `succeeded`, `failed` or `cancelled`.
    state: String,
    /// 0 to 1.
    progress: f64,
    message: Option<String>,
    #[schema(value_type = Object)]
    result: Option<serde_json::Value>,
    attempts: i64,
    max_attempts: i64,
    cancel_requested: bool,
    created_at: String,
    started_at: Option<String>,
    finished_at: Option<String>,
}

/// A stored (UTC) moment as RFC 3339.
fn time(moment: chrono::NaiveDateTime) -> String {
    moment.and_utc().to_rfc3339()
}

fn view(job: Job) -> JobView {
    JobView {
        id: job.id,
        kind: job.kind,
        params: job.params,
        state: job.state.name().into(),
        progress: job.progress,
        message: job.message,
        result: job.result,
        attempts: job.attempts,
        max_attempts: job.max_attempts,
        cancel_requested: job.cancel_requested,
        created_at: time(job.created_at),
        started_at: job.started_at.map(time),
        finished_at: job.finished_at.map(time),
    }
}

/// The job, when `user` may see it (theirs, or any for an administrator).
pub(crate) fn visible(
    connection: &dyn analyst_store::Connection,
    user: &User,
    id: i64,
) -> Result<Job, AppError> {
    queue::get(connection, id)?
        .filter(|job| user.is_admin || job.user_id == Some(user.id))
        .ok_or_else(|| AppError::not_found(format!("no job {id}")))
}

#[derive(Deserialize, IntoParams)]
pub(crate) struct ListParams {
    /// Administrators: every user's jobs.
    #[serde(default)]
    all: bool,
    /// At most this many, newest first [default: 100].
    #[serde(default)]
    limit: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct JobList {
    jobs: Vec<JobView>,
}

/// The caller's jobs, newest first (administrators: `all=true` for everyone's).
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", params(ListParams),
    responses((status = 200, body = JobList), (status = 401, body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Query(params): Query<ListParams>,
) -> Result<Json<JobList>, AppError> {
    let user = session.user;
    let owner = (!(params.all && user.is_admin)).then_some(user.id);
    let jobs = state
        .run(move |connection, _| {
            Ok(queue::list(
                connection,
                owner,
                None,
                params.limit.unwrap_or(100),
            )?)
        })
        .await?;
    Ok(Json(JobList {
        jobs: jobs.into_iter().map(view).collect(),
    }))
}

/// One job.
#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "jobs",
    params(("id" = i64, Path, description = "job id")),
    responses((status = 200, body = JobView), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<JobView>, AppError> {
    let user = session.user;
    let job = state
        .run(move |connection, _| visible(connection, &user, id))
        .await?;
    Ok(Json(view(job)))
}

/// Cancels a job: a queued one at once, a running one at its next progress report.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/cancel", tag = "jobs",
    params(("id" = i64, Path, description = "job id")),
    responses((status = 200, body = JobView), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn cancel(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<JobView>, AppError> {
    let user = session.user;
    let job = state
        .run(move |connection, state| {
            visible(connection, &user, id)?;
            let job = queue::cancel(connection, id)?
                .ok_or_else(|| AppError::not_found(format!("no job {id}")))?;
            state.audit_change(
                &user,
                ip.as_deref(),
                format!("cancelled job {id} ({})", job.kind),
            );
            Ok(job)
        })
        .await?;
    Ok(Json(view(job)))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct NewJobRequest {
    /// A maintenance kind: `refresh_gold`, `export_cleanup`, `upload_cleanup` or
    /// `proposal_expiry`.
    kind: String,
    #[serde(default)]
    #[schema(value_type = Object)]
    params: serde_json::Value,
}

/// Queues a maintenance job of a registered kind (administrators).
#[utoipa::path(post, path = "/api/v1/jobs", tag = "jobs", request_body = NewJobRequest,
    responses((status = 201, body = JobView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn add(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    _: Admin,
    Body(request): Body<NewJobRequest>,
) -> Result<(StatusCode, Json<JobView>), AppError> {
    check_maintenance_kind(&request.kind).map_err(AppError::bad_request)?;
    let user = session.user;
    let job = state
        .run(move |connection, state| {
            let job = queue::enqueue(
                connection,
                &NewJob::new(&request.kind, request.params).for_user(user.id),
            )?;
            state.audit_change(
                &user,
                ip.as_deref(),
                format!("queued job {} ({})", job.id, job.kind),
            );
            Ok(job)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(view(job))))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ScheduleView {
    name: String,
    /// The kind of the jobs it queues.
    kind: String,
    /// The params of the jobs it queues.
    #[schema(value_type = Object)]
    params: serde_json::Value,
    /// Five fields (minute hour day month weekday), in UTC.
    cron: String,
    enabled: bool,
    /// When it next queues a job; null until the workers first see it.
    next_run_at: Option<String>,
    /// The job it queued last.
    last_job_id: Option<i64>,
    created_at: String,
    updated_at: String,
}

fn schedule_view(schedule: Schedule) -> ScheduleView {
    ScheduleView {
        name: schedule.name,
        kind: schedule.kind,
        params: schedule.params,
        cron: schedule.cron,
        enabled: schedule.enabled,
        next_run_at: schedule.next_run_at.map(time),
        last_job_id: schedule.last_job_id,
        created_at: time(schedule.created_at),
        updated_at: time(schedule.updated_at),
    }
}

fn refused(error: ScheduleError) -> AppError {
    match error {
        ScheduleError::InvalidCron(_) | ScheduleError::Invalid(_) => {
            AppError::bad_request(error.to_string())
        }
        ScheduleError::Store(error) => error.into(),
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ScheduleList {
    schedules: Vec<ScheduleView>,
}

/// Every job schedule, by name (administrators).
#[utoipa::path(get, path = "/api/v1/job-schedules", tag = "jobs",
    responses((status = 200, body = ScheduleList), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub(crate) async fn list_schedules(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<ScheduleList>, AppError> {
    let schedules = state
        .run(|connection, _| Ok(schedule::list(connection)?))
        .await?;
    Ok(Json(ScheduleList {
        schedules: schedules.into_iter().map(schedule_view).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct ScheduleRequest {
    /// A maintenance kind: `refresh_gold`, `export_cleanup`, `upload_cleanup` or
    /// `proposal_expiry`.
    kind: String,
    /// Five fields (minute hour day month weekday), in UTC, e.g. `17 * * * *`.
    cron: String,
    /// The params of the jobs it queues [default: {}].
    #[serde(default)]
    #[schema(value_type = Object)]
    params: Option<serde_json::Value>,
    /// Pause (false) or resume (true); a new schedule is enabled, a changed one stays as it
    /// was.
    #[serde(default)]
    enabled: Option<bool>,
}

/// Adds or changes a job schedule (administrators): from the next time its cron expression
/// comes, it queues a job of its kind each time (never a second while one is not over).
#[utoipa::path(put, path = "/api/v1/job-schedules/{name}", tag = "jobs",
    params(("name" = String, Path, description = "schedule name")),
    request_body = ScheduleRequest,
    responses((status = 200, body = ScheduleView), (status = 201, body = ScheduleView),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub(crate) async fn put_schedule(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    _: Admin,
    Path(name): Path<String>,
    Body(request): Body<ScheduleRequest>,
) -> Result<(StatusCode, Json<ScheduleView>), AppError> {
    check_maintenance_kind(&request.kind).map_err(AppError::bad_request)?;
    let admin = session.user;
    let (created, stored) = state
        .run(move |connection, state| {
            let created = schedule::get(connection, &name)?.is_none();
            let params = request.params.unwrap_or_else(|| serde_json::json!({}));
            let mut stored =
                schedule::put(connection, &name, &request.kind, &params, &request.cron)
                    .map_err(refused)?;
            if let Some(enabled) = request.enabled {
                stored = schedule::set_enabled(connection, &name, enabled)
                    .map_err(refused)?
                    .unwrap_or(stored);
            }
            state.audit_change(
                &admin,
                ip.as_deref(),
                format!(
                    "{} job schedule {name}: {} at '{}' (UTC) with {}, {}",
                    if created { "added" } else { "changed" },
                    stored.kind,
                    stored.cron,
                    stored.params,
                    if stored.enabled { "enabled" } else { "paused" }
                ),
            );
            Ok((created, stored))
        })
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(schedule_view(stored))))
}

/// Removes a job schedule (administrators); the jobs it queued stay.
#[utoipa::path(delete, path = "/api/v1/job-schedules/{name}", tag = "jobs",
    params(("name" = String, Path, description = "schedule name")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn remove_schedule(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    _: Admin,
    Path(name): Path<String>,
) -> Result<StatusCode, AppError> {
    let admin = session.user;
    state
        .run(move |connection, state| {
            if !schedule::remove(connection, &name)? {
                return Err(AppError::not_found(format!(
                    "no job schedule '{name}'; GET /api/v1/job-schedules lists them"
                )));
            }
            state.audit_change(
                &admin,
                ip.as_deref(),
                format!("removed job schedule {name}"),
            );
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
