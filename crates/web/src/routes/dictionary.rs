//! The dimension dictionary: anyone signed in reads it; administrators add and remove
//! synonyms and seasons. Edits apply to the next question (the vocabulary is reloaded when the
//! dictionary's revision changes), without a restart.

use analyst_accounts::{AuditEntry, AuditEvent};
use analyst_semantic::dictionary::{self, Dictionary, SeasonEntry, SynonymKind};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Admin, ClientIp, CurrentUser};
use crate::error::{AppError, ErrorBody};
use crate::json::Body;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub(crate) struct DimensionView {
    code: String,
    name: String,
    source_column: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub(crate) struct SynonymView {
    #[serde(default)]
    id: i64,
    /// `dimension`, `measure` or `value`.
    kind: String,
    synonym: String,
    /// The dimension (kinds dimension and value) or measure (kind measure) it names.
    target: String,
    /// The canonical value, for kind `value`.
    #[serde(default)]
    value: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub(crate) struct SeasonView {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    start: NaiveDate,
    /// Inclusive.
    end: NaiveDate,
    #[serde(default)]
    tag: String,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct DictionaryView {
    dimensions: Vec<DimensionView>,
    synonyms: Vec<SynonymView>,
    seasons: Vec<SeasonView>,
    /// The month (1-12) fiscal years start in; they are named after the year they end in.
    fiscal_year_start_month: u32,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub(crate) struct FiscalYearView {
    /// 1 (January) to 12 (December).
    start_month: u32,
}

fn view(dictionary: Dictionary) -> DictionaryView {
    DictionaryView {
        dimensions: dictionary
            .dimensions
            .into_iter()
            .map(|d| DimensionView {
                code: d.code,
                name: d.name,
                source_column: d.source_column,
            })
            .collect(),
        synonyms: dictionary
            .synonyms
            .into_iter()
            .map(|s| SynonymView {
                id: s.id,
                kind: s.kind.name().into(),
                synonym: s.synonym,
                target: s.target,
                value: s.value,
            })
            .collect(),
        seasons: dictionary
            .seasons
            .into_iter()
            .map(|s| SeasonView {
                code: s.code,
                name: s.name,
                start: s.start,
                end: s.end,
                tag: s.tag,
            })
            .collect(),
        fiscal_year_start_month: dictionary.fiscal_year_start_month,
    }
}

/// The whole dictionary: dimensions, synonyms and seasons.
#[utoipa::path(get, path = "/api/v1/dictionary", tag = "dictionary",
    responses((status = 200, body = DictionaryView), (status = 401, body = ErrorBody)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
) -> Result<Json<DictionaryView>, AppError> {
    let dictionary = state
        .run(|connection, _| Ok(dictionary::load(connection)?))
        .await?;
    Ok(Json(view(dictionary)))
}

/// Adds a synonym (administrators).
#[utoipa::path(post, path = "/api/v1/dictionary/synonyms", tag = "dictionary",
    request_body = SynonymView,
    responses((status = 201, body = SynonymView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn add_synonym(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    _: Admin,
    Body(request): Body<SynonymView>,
) -> Result<(StatusCode, Json<SynonymView>), AppError> {
    let kind = SynonymKind::parse(&request.kind)?;
    let user = session.user;
    let id = state
        .run(move |connection, state| {
            let id = dictionary::add_synonym(
                connection,
                kind,
                &request.synonym,
                &request.target,
                request.value.as_deref(),
            )?;
            let detail = format!(
                "{} synonym '{}' → {}{}",
                kind.name(),
                request.synonym,
                request.target,
                request
                    .value
                    .as_deref()
                    .map(|v| format!(" {v}"))
                    .unwrap_or_default()
            );
            edited(state, &user, ip.as_deref(), &detail);
            Ok((id, request))
        })
        .await?;
    let (id, mut request) = id;
    request.id = id;
    request.kind = kind.name().into();
    Ok((StatusCode::CREATED, Json(request)))
}

/// Removes a synonym (administrators).
#[utoipa::path(delete, path = "/api/v1/dictionary/synonyms/{id}", tag = "dictionary",
    params(("id" = i64, Path, description = "synonym id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn remove_synonym(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    _: Admin,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    let user = session.user;
    state
        .run(move |connection, state| {
            dictionary::remove_synonym(connection, id)?;
            let detail = format!("synonym {id}");
            edited(state, &user, ip.as_deref(), &detail);
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds or replaces a season (administrators).
#[utoipa::path(put, path = "/api/v1/dictionary/seasons/{code}", tag = "dictionary",
    params(("code" = String, Path, description = "season code, e.g. AW26")),
    request_body = SeasonView,
    responses((status = 200, body = SeasonView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn put_season(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    _: Admin,
    Path(code): Path<String>,
    Body(request): Body<SeasonView>,
) -> Result<Json<SeasonView>, AppError> {
    let user = session.user;
    let season = SeasonEntry {
        code: code.trim().to_string(),
        name: request.name,
        start: request.start,
        end: request.end,
        tag: request.tag,
    };
    let saved = state
        .run(move |connection, state| {
            dictionary::put_season(connection, &season)?;
            let detail = format!("season {} {} to {}", season.code, season.start, season.end);
            edited(state, &user, ip.as_deref(), &detail);
            let stored = dictionary::load(connection)?
                .seasons
                .into_iter()
                .find(|s| s.code == season.code)
                .ok_or_else(|| AppError::internal("the saved season was not found"))?;
            Ok(stored)
        })
        .await?;
    Ok(Json(SeasonView {
        code: saved.code,
        name: saved.name,
        start: saved.start,
        end: saved.end,
        tag: saved.tag,
    }))
}

/// Removes a season (administrators).
#[utoipa::path(delete, path = "/api/v1/dictionary/seasons/{code}", tag = "dictionary",
    params(("code" = String, Path, description = "season code")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn remove_season(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    _: Admin,
    Path(code): Path<String>,
) -> Result<StatusCode, AppError> {
    let user = session.user;
    state
        .run(move |connection, state| {
            dictionary::remove_season(connection, &code)?;
            let detail = format!("season {code}");
            edited(state, &user, ip.as_deref(), &detail);
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets the month fiscal years start in (administrators).
#[utoipa::path(put, path = "/api/v1/dictionary/fiscal-year", tag = "dictionary",
    request_body = FiscalYearView,
    responses((status = 200, body = FiscalYearView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn put_fiscal_year(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    _: Admin,
    Body(request): Body<FiscalYearView>,
) -> Result<Json<FiscalYearView>, AppError> {
    let user = session.user;
    let month = request.start_month;
    state
        .run(move |connection, state| {
            dictionary::set_fiscal_year_start(connection, month)?;
            let detail = format!("fiscal years start in month {month}");
            edited(state, &user, ip.as_deref(), &detail);
            Ok(())
        })
        .await?;
    Ok(Json(FiscalYearView { start_month: month }))
}

/// After a dictionary edit: the next question reads the new dictionary, and the audit log
/// records the edit.
fn edited(state: &AppState, user: &analyst_accounts::User, ip: Option<&str>, detail: &str) {
    state.audit(
        AuditEntry::new(AuditEvent::DictionaryChanged)
            .user(user.id, &user.username)
            .ip(ip)
            .detail(detail),
    );
    state.data_changed();
}
