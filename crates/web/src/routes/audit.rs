//! The audit log for administrators: who did what, from where, newest first.

use analyst_accounts::{
    AuditEvent, AuditFilter, AuditRecord, MAX_LIST_LIMIT, list, parse_since, parse_until,
};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Admin;
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;

/// The filters of `GET /api/v1/audit`; every one given must hold.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditParams {
    /// Entries of this username (any case).
    user: Option<String>,
    /// Entries of this event type, e.g. `login_failed`, `tool_call`, `admin_change`.
    event: Option<String>,
    /// From this moment: `YYYY-MM-DD` (midnight UTC) or RFC 3339.
    since: Option<String>,
    /// Before this moment: RFC 3339, or `YYYY-MM-DD` for up to the end of that day (UTC).
    until: Option<String>,
    /// At most this many entries, 1 to 1000 [default: 100].
    limit: Option<usize>,
    /// Entries older than this id: the `next_before_id` of the previous page.
    before_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct AuditEntryView {
    id: i64,
    /// RFC 3339, UTC, to the microsecond.
    created_at: String,
    event: String,
    user_id: Option<i64>,
    username: Option<String>,
    company_id: Option<i64>,
    workspace: Option<String>,
    ip: Option<String>,
    detail: Option<String>,
    sql: Option<String>,
    row_count: Option<i64>,
    latency_ms: Option<i64>,
    /// The hash of the entry before this one (null for entries from before the chain).
    prev_hash: Option<String>,
    /// SHA-256 of this entry's fields and `prev_hash`.
    hash: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct AuditPage {
    /// Newest first.
    entries: Vec<AuditEntryView>,
    /// Pass as `before_id` for the next (older) page; null when this page is the last.
    next_before_id: Option<i64>,
}

impl From<AuditRecord> for AuditEntryView {
    fn from(record: AuditRecord) -> Self {
        AuditEntryView {
            id: record.id,
            created_at: record
                .created_at
                .and_utc()
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            event: record.event,
            user_id: record.user_id,
            username: record.username,
            company_id: record.company_id,
            workspace: record.workspace,
            ip: record.ip,
            detail: record.detail,
            sql: record.sql,
            row_count: record.row_count,
            latency_ms: record.latency_ms,
            prev_hash: record.prev_hash,
            hash: record.hash,
        }
    }
}

/// The checked filter; a wrong parameter is a 400 saying what to send.
fn filter(params: AuditParams) -> Result<AuditFilter, AppError> {
    let limit = params.limit.unwrap_or(analyst_accounts::DEFAULT_LIST_LIMIT);
    if !(1..=MAX_LIST_LIMIT).contains(&limit) {
        return Err(AppError::bad_request(format!(
            "limit must be between 1 and {MAX_LIST_LIMIT}; page further with before_id"
        )));
    }
    Ok(AuditFilter {
        username: params.user.filter(|user| !user.trim().is_empty()),
        event: params
            .event
            .map(|event| event.parse::<AuditEvent>())
            .transpose()
            .map_err(AppError::bad_request)?,
        since: params
            .since
            .map(|text| parse_since(&text))
            .transpose()
            .map_err(|error| AppError::bad_request(format!("since: {error}")))?,
        until: params
            .until
            .map(|text| parse_until(&text))
            .transpose()
            .map_err(|error| AppError::bad_request(format!("until: {error}")))?,
        before_id: params.before_id,
        limit,
    })
}

/// Audit entries, newest first (administrators).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams),
    responses((status = 200, body = AuditPage), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn list_entries(
    State(state): State<AppState>,
    _: Admin,
    params: Result<Query<AuditParams>, QueryRejection>,
) -> Result<Json<AuditPage>, AppError> {
    let Query(params) = params.map_err(|rejection| {
        AppError::bad_request(format!(
            "the query parameters are not valid: {}",
            rejection.body_text()
        ))
    })?;
    let filter = filter(params)?;
    let limit = filter.limit;
    let records = state
        .run(move |connection, state| {
            state.flush_writes();
            Ok(list(connection, &filter)?)
        })
        .await?;
    let next_before_id = (records.len() == limit)
        .then(|| records.last().map(|record| record.id))
        .flatten();
    Ok(Json(AuditPage {
        entries: records.into_iter().map(AuditEntryView::from).collect(),
        next_before_id,
    }))
}
