//! The job queue over HTTP: a user sees and cancels their own jobs, an administrator every
//! job, and administrators queue maintenance jobs. Another user's job is "not found".

use analyst_accounts::User;
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

fn view(job: Job) -> JobView {
    let time = |moment: chrono::NaiveDateTime| moment.and_utc().to_rfc3339();
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
fn visible(
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
        .run(move |connection, _| Ok(queue::list(connection, owner, params.limit.unwrap_or(100))?))
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
    /// A registered kind, e.g. `refresh_gold`.
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
    let kinds: Vec<&str> = analyst_jobs::kinds::builtin()
        .iter()
        .map(|kind| kind.name())
        .collect();
    if !kinds.contains(&request.kind.as_str()) {
        return Err(AppError::bad_request(format!(
            "no job kind '{}'; the kinds are {}",
            request.kind,
            kinds.join(", ")
        )));
    }
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
