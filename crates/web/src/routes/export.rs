//! Exports (seed 000's endpoints): start one from a query or from an answer, follow it, and
//! download the file. Only the user who asked (or an administrator) sees an export; anyone
//! else gets "not found". A file past its time answers 410 Gone.

use analyst_accounts::{AuditEvent, User};
use analyst_core::SemanticQuery;
use analyst_export::job::{self, ExportRequest, ExportStatus, StartError, Unavailable};
use analyst_export::{ExportOptions, Format};
use analyst_gateway::Access;
use analyst_gateway::conversations::message_query;
use analyst_jobs::{Job, queue};
use axum::Json;
use axum::body::Body as ResponseBody;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{ClientIp, CurrentUser};
use crate::error::{AppError, ErrorBody};
use crate::json::Body;
use crate::routes::jobs::visible;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub(crate) struct StartRequest {
    /// The semantic query to export (the form `meta.query` shows) …
    #[serde(default)]
    #[schema(value_type = Object)]
    query: Option<SemanticQuery>,
    /// … or the id of an answer in one of the caller's conversations.
    #[serde(default)]
    #[schema(value_type = String)]
    conversation_message_id: Option<serde_json::Value>,
    /// `csv` (default), `xlsx` or `parquet`.
    #[serde(default)]
    format: Option<String>,
    /// CSV only: start with a byte order mark, for Excel.
    #[serde(default)]
    bom: bool,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct Started {
    job_id: i64,
    state: String,
    status_url: String,
    download_url: String,
}

/// Starts an export job (at most a few running per user).
#[utoipa::path(post, path = "/ai_analyst/export/start", tag = "exports", request_body = StartRequest,
    responses((status = 202, body = Started), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub(crate) async fn start(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    Body(request): Body<StartRequest>,
) -> Result<(StatusCode, Json<Started>), AppError> {
    let user = session.user;
    let format = match &request.format {
        Some(name) => {
            Format::parse(name).map_err(|error| AppError::bad_request(error.to_string()))?
        }
        None => Format::Csv,
    };
    let job = state
        .run(move |connection, state| {
            let query = match (request.query, request.conversation_message_id) {
                (Some(query), None) => query,
                (None, Some(id)) => {
                    let id = match id {
                        serde_json::Value::String(text) => text,
                        other => other.to_string(),
                    };
                    state.flush_writes();
                    message_query(connection, user.id, &id)?.ok_or_else(|| {
                        AppError::not_found(format!(
                            "no answer {id} with a query in your conversations"
                        ))
                    })?
                }
                _ => {
                    return Err(AppError::bad_request(
                        "give either `query` or `conversation_message_id`",
                    ));
                }
            };
            let rights = state.rights(connection, &user)?;
            if let Some(reason) = Access::from(&rights).refusal(query.tool) {
                return Err(AppError::forbidden("forbidden", reason));
            }
            let request = ExportRequest {
                query,
                options: ExportOptions {
                    format,
                    bom: request.bom && format == Format::Csv,
                },
            };
            let job = job::start(connection, &state.settings.exports, user.id, &request).map_err(
                |error| match error {
                    StartError::Invalid(message) => AppError::bad_request(message),
                    StartError::TooMany(_) => AppError::new(
                        StatusCode::TOO_MANY_REQUESTS,
                        "too_many_exports",
                        error.to_string(),
                    ),
                    StartError::Store(error) => error.into(),
                },
            )?;
            state.audit_by(
                AuditEvent::Export,
                &user,
                ip.as_deref(),
                format!(
                    "started export {} ({}) of {}",
                    job.id,
                    format.name(),
                    request.query.tool.name()
                ),
            );
            Ok(job)
        })
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Started {
            job_id: job.id,
            state: job.state.name().into(),
            status_url: format!("/ai_analyst/export/status/{}", job.id),
            download_url: format!("/ai_analyst/export/download/{}", job.id),
        }),
    ))
}

/// The export job `id`, when the caller may see it (else "not found", as for any job).
async fn visible_export(state: &AppState, user: &User, id: i64) -> Result<Job, AppError> {
    let user = user.clone();
    state
        .run(move |connection, _| {
            Some(visible(connection, &user, id)?)
                .filter(|job| job.kind == job::EXPORT)
                .ok_or_else(|| AppError::not_found(format!("no export {id}")))
        })
        .await
}

fn gone(id: i64) -> AppError {
    AppError::new(
        StatusCode::GONE,
        "expired",
        format!("export {id} has expired; start it again"),
    )
}

/// An export's state, progress, rows written and size.
#[utoipa::path(get, path = "/ai_analyst/export/status/{id}", tag = "exports",
    params(("id" = i64, Path, description = "the export's job id")),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn status(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<ExportStatus>, AppError> {
    let job = visible_export(&state, &session.user, id).await?;
    Ok(Json(job::status(&job, chrono::Utc::now().naive_utc())))
}

/// The exported file, streamed.
#[utoipa::path(get, path = "/ai_analyst/export/download/{id}", tag = "exports",
    params(("id" = i64, Path, description = "the export's job id")),
    responses((status = 200, description = "the file"), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 410, body = ErrorBody)))]
pub(crate) async fn download(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let user = session.user;
    let job = visible_export(&state, &user, id).await?;
    let file = job::download(
        &state.settings.exports,
        &job,
        chrono::Utc::now().naive_utc(),
    )
    .map_err(|reason| match reason {
        Unavailable::NotReady => AppError::new(
            StatusCode::CONFLICT,
            "not_ready",
            format!(
                "export {id} is {}; download it when it has succeeded",
                job.state.name()
            ),
        ),
        Unavailable::Expired => gone(id),
    })?;
    let (name, format) = (file.name, file.format);
    let file = tokio::fs::File::open(&file.path)
        .await
        .map_err(|_| gone(id))?;
    let length = file
        .metadata()
        .await
        .map_err(|error| AppError::internal(error.to_string()))?
        .len();
    state.audit_by(
        AuditEvent::Export,
        &user,
        ip.as_deref(),
        format!("downloaded export {id} ({length} bytes)"),
    );
    let body =
        ResponseBody::from_stream(tokio_util::io::ReaderStream::with_capacity(file, 1 << 16));
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (header::CONTENT_LENGTH, length.to_string()),
            (header::CONTENT_DISPOSITION, attachment(&name)),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

/// `attachment; filename="…"` with an ASCII fallback and the UTF-8 name (RFC 6266).
fn attachment(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[derive(Deserialize, IntoParams)]
pub(crate) struct ListParams {
    /// Administrators: every user's exports.
    #[serde(default)]
    all: bool,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct ExportList {
    #[schema(value_type = Vec<Object>)]
    exports: Vec<ExportStatus>,
}

/// The caller's exports, newest first.
#[utoipa::path(get, path = "/api/v1/exports", tag = "exports", params(ListParams),
    responses((status = 200, body = ExportList), (status = 401, body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Query(params): Query<ListParams>,
) -> Result<Json<ExportList>, AppError> {
    let user = session.user;
    let owner = (!(params.all && user.is_admin)).then_some(user.id);
    let jobs = state
        .run(move |connection, _| Ok(queue::list(connection, owner, Some(job::EXPORT), 200)?))
        .await?;
    let now = chrono::Utc::now().naive_utc();
    Ok(Json(ExportList {
        exports: jobs.iter().map(|job| job::status(job, now)).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_names_are_safe_and_keep_thai() {
        assert_eq!(
            attachment("revenue-by-brand-2026-11-25.csv"),
            "attachment; filename=\"revenue-by-brand-2026-11-25.csv\"; filename*=UTF-8''revenue-by-brand-2026-11-25.csv"
        );
        let thai = attachment("ยอดขาย \"x\".csv");
        assert!(
            thai.starts_with("attachment; filename=\"________x_.csv\""),
            "{thai}"
        );
        assert!(thai.contains("filename*=UTF-8''%E0%B8%A2"), "{thai}");
    }
}
