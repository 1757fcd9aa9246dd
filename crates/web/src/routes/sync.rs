//! `GET /api/v1/sync/status`: the latest Odoo sync of every model (rows read, lag, duration,
//! the row-count check against Odoo, notices and errors). Read-only, for any signed-in user:
//! it says how fresh the answers are, not what the data holds.

use analyst_odoo_sync::sync_status;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::CurrentUser;
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub(crate) struct ModelSyncView {
    connection: String,
    model: String,
    last_run_at: String,
    /// `ok`, `skipped` (module not installed) or `failed`.
    status: String,
    rows_fetched: i64,
    rows_deleted: i64,
    /// Seconds between the newest change synced and the run.
    lag_s: Option<i64>,
    duration_ms: i64,
    odoo_count: Option<i64>,
    local_count: Option<i64>,
    counts_match: Option<bool>,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct SyncStatus {
    models: Vec<ModelSyncView>,
}

/// The latest sync of every model (any signed-in user).
#[utoipa::path(get, path = "/api/v1/sync/status", tag = "sync",
    responses((status = 200, body = SyncStatus), (status = 401, body = ErrorBody)))]
pub(crate) async fn status(
    State(state): State<AppState>,
    _: CurrentUser,
) -> Result<Json<SyncStatus>, AppError> {
    let statuses = state
        .run(|connection, _| {
            sync_status(connection).map_err(|error| AppError::internal(error.to_string()))
        })
        .await?;
    Ok(Json(SyncStatus {
        models: statuses
            .into_iter()
            .map(|status| ModelSyncView {
                connection: status.connection,
                model: status.model,
                last_run_at: status.last_run_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                status: status.status,
                rows_fetched: status.rows_fetched,
                rows_deleted: status.rows_deleted,
                lag_s: status.lag_s,
                duration_ms: status.duration_ms,
                odoo_count: status.odoo_count,
                local_count: status.local_count,
                counts_match: status.counts_match,
                notice: status.notice,
                error: status.error,
            })
            .collect(),
    }))
}
