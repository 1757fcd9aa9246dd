//! LLM provider records for administrators (issue 9): list, add or replace, remove. A record
//! names where its API key is read (`env:VAR`, `file:/path`); a key itself is refused on the
//! way in and never sent back. Questions pick changes up at once (see `providers_cache`).

use analyst_gateway::providers::{self, ProviderError};
use analyst_llm::ProviderConfig;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::{Admin, ClientIp, CurrentUser};
use crate::error::{AppError, ErrorBody};
use crate::json::Body;
use crate::state::AppState;

/// A provider record, as JSON (see [`save`]).
#[derive(Deserialize, ToSchema)]
#[schema(value_type = Object)]
pub(crate) struct ProviderRecord(ProviderConfig);

fn app_error(error: ProviderError) -> AppError {
    match error {
        ProviderError::Invalid(message) => AppError::bad_request(message),
        ProviderError::Store(error) => error.into(),
    }
}

/// The provider records (administrators). `api_key` shows where the key is read, never a key.
#[utoipa::path(get, path = "/api/v1/providers", tag = "providers",
    responses((status = 200, description = "the provider records", body = Object),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<Vec<ProviderConfig>>, AppError> {
    let records = state
        .run(|connection, _| providers::list(connection).map_err(app_error))
        .await?;
    Ok(Json(records))
}

/// Adds a provider or replaces the one of the same name (administrators). The body is a
/// provider record: `{"name", "kind": "open_ai_compatible" | "anthropic", "base_url", "model",
/// "api_key": "env:VAR" | "file:/path" (optional), "tier": "cheap" | "standard" | "premium",
/// "capabilities", "price": {"input_per_1k", "output_per_1k", "currency"}, "timeout_seconds",
/// "priority", "enabled"}`.
#[utoipa::path(post, path = "/api/v1/providers", tag = "providers", request_body = ProviderRecord,
    responses((status = 200, description = "the stored record", body = Object),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub(crate) async fn save(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    _: Admin,
    Body(ProviderRecord(record)): Body<ProviderRecord>,
) -> Result<Json<ProviderConfig>, AppError> {
    let admin = session.user;
    let saved = state
        .run(move |connection, state| {
            let now = chrono::Utc::now().naive_utc();
            providers::save(connection, &record, now).map_err(app_error)?;
            state.audit_change(
                &admin,
                ip.as_deref(),
                format!(
                    "LLM provider {} saved: {} {} at {} ({} tier)",
                    record.name,
                    match record.kind {
                        analyst_llm::ProviderKind::OpenAiCompatible => "OpenAI-compatible",
                        analyst_llm::ProviderKind::Anthropic => "Anthropic",
                    },
                    record.model,
                    record.base_url,
                    record.tier
                ),
            );
            Ok(record)
        })
        .await?;
    Ok(Json(saved))
}

/// Removes a provider (administrators).
#[utoipa::path(delete, path = "/api/v1/providers/{name}", tag = "providers",
    params(("name" = String, Path, description = "provider name")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn remove(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    _: Admin,
    Path(name): Path<String>,
) -> Result<StatusCode, AppError> {
    let admin = session.user;
    state
        .run(move |connection, state| {
            if !providers::remove(connection, &name).map_err(app_error)? {
                return Err(AppError::not_found(format!(
                    "no LLM provider '{name}'; GET /api/v1/providers lists them"
                )));
            }
            state.audit_change(
                &admin,
                ip.as_deref(),
                format!("LLM provider {name} removed"),
            );
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
