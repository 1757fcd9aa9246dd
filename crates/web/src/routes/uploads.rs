//! Sales files: upload one or several (multipart, streamed to disk, never held in memory),
//! follow their batches, map the columns of a file no profile fits, and download a batch's
//! error report. Data managers and administrators upload; a user sees their own batches (an
//! administrator every batch); anyone else gets "not found".

use std::collections::BTreeMap;

use analyst_accounts::{AuditEvent, User};
use analyst_ingest::{Channel, Field};
use analyst_uploads::report::{ReportFormat, error_report};
use analyst_uploads::{Batch, ImportOptions, UploadError, batch, profiles};
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value as JsonValue, json};
use tokio::io::AsyncWriteExt;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{ClientIp, CurrentUser};
use crate::error::{AppError, ErrorBody};
use crate::json::Body;
use crate::state::AppState;

/// The group whose members may upload sales files (administrators may too).
const UPLOADERS: &str = "data_manager";

impl From<UploadError> for AppError {
    fn from(error: UploadError) -> Self {
        match error {
            UploadError::Invalid(message) => AppError::bad_request(message),
            UploadError::Read(error) => AppError::bad_request(error.to_string()),
            UploadError::TooLarge { .. } => AppError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                error.to_string(),
            ),
            UploadError::NotFound(message) => AppError::not_found(message),
            UploadError::Forbidden(message) => AppError::forbidden("forbidden", message),
            UploadError::Io(error) => AppError::internal(format!("keeping an upload: {error}")),
            UploadError::Store(error) => error.into(),
        }
    }
}

/// Refuses users who may not upload.
async fn check_uploader(state: &AppState, user: &User) -> Result<(), AppError> {
    let user = user.clone();
    state
        .run(move |connection, state| {
            let rights = state.rights(connection, &user)?;
            if rights.is_admin() || rights.in_group(UPLOADERS) {
                Ok(())
            } else {
                Err(AppError::forbidden(
                    "forbidden",
                    "uploading sales files needs the data_manager group",
                ))
            }
        })
        .await
}

/// Receives sales files (multipart fields named `file`, any number) and queues an import of
/// each; an `options` field (JSON) may name a profile, a mapping, a sheet or a dry run.
#[utoipa::path(post, path = "/api/v1/uploads", tag = "uploads",
    responses((status = 202, description = "the batches, queued (or duplicate)"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub(crate) async fn upload(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<(StatusCode, Json<JsonValue>), AppError> {
    let user = session.user;
    check_uploader(&state, &user).await?;
    let limit = state.settings.uploads.max_file_bytes;
    // A body that says it is too large is refused before a byte of it is read.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit.saturating_add(64 * 1024)) {
        return Err(UploadError::TooLarge { limit }.into());
    }
    let dir = state.settings.uploads.dir.clone();
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|error| AppError::internal(format!("creating the uploads folder: {error}")))?;
    let mut options = ImportOptions::default();
    let mut received = Vec::new();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|error| AppError::bad_request(format!("the upload is not readable: {error}")))?
    {
        let name = field.name().map(str::to_string);
        match name.as_deref() {
            Some("options") => {
                let text = field.text().await.map_err(|error| {
                    AppError::bad_request(format!("the options are not readable: {error}"))
                })?;
                options = serde_json::from_str(&text).map_err(|error| {
                    AppError::bad_request(format!("the options are not valid: {error}"))
                })?;
            }
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_string();
                let part = tempfile::Builder::new()
                    .prefix("receiving-")
                    .tempfile_in(&dir)
                    .map_err(|error| AppError::internal(format!("receiving a file: {error}")))?;
                let mut file =
                    tokio::fs::File::from_std(part.reopen().map_err(|error| {
                        AppError::internal(format!("receiving a file: {error}"))
                    })?);
                let mut size = 0u64;
                while let Some(chunk) = field.chunk().await.map_err(|error| {
                    AppError::bad_request(format!("the upload broke off: {error}"))
                })? {
                    size += chunk.len() as u64;
                    if size > limit {
                        return Err(UploadError::TooLarge { limit }.into());
                    }
                    file.write_all(&chunk).await.map_err(|error| {
                        AppError::internal(format!("receiving a file: {error}"))
                    })?;
                }
                file.flush()
                    .await
                    .map_err(|error| AppError::internal(format!("receiving a file: {error}")))?;
                received.push((name, part));
            }
            _ => {}
        }
    }
    if received.is_empty() {
        return Err(AppError::bad_request(
            "no file: send the files as multipart fields named `file`",
        ));
    }
    let batches = state
        .run(move |connection, state| {
            let mut batches = Vec::new();
            for (name, part) in &received {
                let batch = batch::start(
                    connection,
                    &state.settings.uploads,
                    Some(user.id),
                    name,
                    part.path(),
                    &options,
                )?;
                state.audit_by(
                    AuditEvent::Upload,
                    &user,
                    ip.as_deref(),
                    format!(
                        "uploaded {} ({} bytes) as batch {}",
                        batch.file_name, batch.size_bytes, batch.id
                    ),
                );
                batches.push(batch.to_json());
            }
            Ok(batches)
        })
        .await?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "batches": batches }))))
}

/// The batch `id`, when the caller may see it.
async fn visible_batch(state: &AppState, user: &User, id: i64) -> Result<Batch, AppError> {
    let user = user.clone();
    state
        .run(move |connection, state| {
            let found = batch::get(connection, id)?;
            let admin = state.rights(connection, &user)?.is_admin();
            found
                .filter(|batch| admin || batch.user_id == Some(user.id))
                .ok_or_else(|| AppError::not_found(format!("no upload batch {id}")))
        })
        .await
}

/// The caller's batches, newest first (an administrator's list holds every batch).
#[utoipa::path(get, path = "/api/v1/uploads", tag = "uploads",
    responses((status = 200, description = "the batches"), (status = 401, body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> Result<Json<JsonValue>, AppError> {
    let user = session.user;
    let batches = state
        .run(move |connection, state| {
            let admin = state.rights(connection, &user)?.is_admin();
            let batches = batch::list(connection, (!admin).then_some(user.id), 200)?;
            Ok(batches.iter().map(Batch::to_json).collect::<Vec<_>>())
        })
        .await?;
    Ok(Json(json!({ "batches": batches })))
}

/// One batch: its state, counts, summary and, when it needs a mapping, the file's headers
/// and the suggested mapping.
#[utoipa::path(get, path = "/api/v1/uploads/{id}", tag = "uploads",
    responses((status = 200, description = "the batch"), (status = 404, body = ErrorBody)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<JsonValue>, AppError> {
    Ok(Json(
        visible_batch(&state, &session.user, id).await?.to_json(),
    ))
}

#[derive(Deserialize, IntoParams)]
pub(crate) struct ReportQuery {
    /// `csv` (default) or `xlsx`.
    format: Option<String>,
}

/// The batch's error report: line, column, value and reason of every row not loaded.
#[utoipa::path(get, path = "/api/v1/uploads/{id}/errors", tag = "uploads", params(ReportQuery),
    responses((status = 200, description = "the report file"), (status = 404, body = ErrorBody)))]
pub(crate) async fn errors(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
    Query(query): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let batch = visible_batch(&state, &session.user, id).await?;
    let format = ReportFormat::parse(query.format.as_deref().unwrap_or("csv"))?;
    let bytes = state
        .run(move |connection, _| Ok(error_report(connection, batch.id, format)?))
        .await?;
    let file_name = format!("upload-{id}-errors.{}", format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MappingRequest {
    /// Canonical field → the file's header, e.g. `{"date": "Order Date", "sku": "Item"}`.
    #[schema(value_type = Object)]
    mapping: BTreeMap<Field, String>,
    /// wholesale (sell-out, the default), marketplace or online.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    channel: Option<Channel>,
    /// Save the mapping as a vendor profile of this name, for the next files.
    #[serde(default)]
    save_profile: Option<String>,
}

/// Maps the columns of a batch no profile fitted, and queues it again.
#[utoipa::path(post, path = "/api/v1/uploads/{id}/mapping", tag = "uploads",
    request_body = MappingRequest,
    responses((status = 202, description = "the batch, queued"), (status = 400, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn map_columns(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    Path(id): Path<i64>,
    Body(request): Body<MappingRequest>,
) -> Result<(StatusCode, Json<JsonValue>), AppError> {
    let user = session.user;
    check_uploader(&state, &user).await?;
    let found = visible_batch(&state, &user, id).await?;
    let batch = state
        .run(move |connection, state| {
            let batch = batch::remap(
                connection,
                found,
                request.mapping,
                request.channel,
                request.save_profile,
            )?;
            state.audit_by(
                AuditEvent::Upload,
                &user,
                ip.as_deref(),
                format!("mapped the columns of batch {}", batch.id),
            );
            Ok(batch.to_json())
        })
        .await?;
    Ok((StatusCode::ACCEPTED, Json(batch)))
}

/// The vendor profiles: shipped ones and those users saved.
#[utoipa::path(get, path = "/api/v1/upload-profiles", tag = "uploads",
    responses((status = 200, description = "the profiles"), (status = 401, body = ErrorBody)))]
pub(crate) async fn list_profiles(
    State(state): State<AppState>,
    CurrentUser(_session): CurrentUser,
) -> Result<Json<JsonValue>, AppError> {
    let all = state
        .run(|connection, _| Ok(profiles::all(connection)?))
        .await?;
    Ok(Json(json!({ "profiles": all })))
}
