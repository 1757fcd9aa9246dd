//! Query budgets for administrators: the limits (user → workspace → global) and what each
//! user used today.

use analyst_gateway::budgets::{self, Budget, Limits};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Admin, ClientIp, CurrentUser};
use crate::error::{AppError, ErrorBody};
use crate::json::Body;
use crate::state::AppState;

/// One budget; a missing (null) limit defers to the next level, and none anywhere means no
/// limit.
#[derive(Serialize, Deserialize, ToSchema)]
pub(crate) struct BudgetView {
    /// `user`, `workspace` or `global`.
    scope: String,
    /// The username or workspace code; empty for `global`.
    #[serde(default)]
    key: String,
    #[serde(default)]
    queries_per_hour: Option<i64>,
    #[serde(default)]
    queries_per_day: Option<i64>,
    #[serde(default)]
    rows_per_day: Option<i64>,
    #[serde(default)]
    seconds_per_day: Option<i64>,
    #[serde(default)]
    llm_tokens_per_day: Option<i64>,
    #[serde(default)]
    llm_tokens_per_query: Option<i64>,
}

impl From<Budget> for BudgetView {
    fn from(budget: Budget) -> BudgetView {
        let limits = budget.limits;
        BudgetView {
            scope: budget.scope,
            key: budget.key,
            queries_per_hour: limits.queries_per_hour,
            queries_per_day: limits.queries_per_day,
            rows_per_day: limits.rows_per_day,
            seconds_per_day: limits.seconds_per_day,
            llm_tokens_per_day: limits.llm_tokens_per_day,
            llm_tokens_per_query: limits.llm_tokens_per_query,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct UsageView {
    username: String,
    queries_this_hour: i64,
    queries_today: i64,
    rows_today: i64,
    seconds_today: f64,
    llm_tokens_today: i64,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct BudgetsView {
    budgets: Vec<BudgetView>,
    /// Today (UTC), busiest users first.
    usage: Vec<UsageView>,
}

/// The budgets and today's usage (administrators).
#[utoipa::path(get, path = "/api/v1/budgets", tag = "rights",
    responses((status = 200, body = BudgetsView), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub(crate) async fn show(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<BudgetsView>, AppError> {
    let view = state
        .run(|connection, state| {
            state.flush_writes();
            let now = chrono::Utc::now().naive_utc();
            Ok(BudgetsView {
                budgets: budgets::list_budgets(connection)?
                    .into_iter()
                    .map(BudgetView::from)
                    .collect(),
                usage: budgets::usage_today(connection, now)?
                    .into_iter()
                    .map(|(username, usage)| UsageView {
                        username,
                        queries_this_hour: usage.queries_this_hour,
                        queries_today: usage.queries_today,
                        rows_today: usage.rows_today,
                        seconds_today: usage.milliseconds_today as f64 / 1000.0,
                        llm_tokens_today: usage.llm_tokens_today,
                    })
                    .collect(),
            })
        })
        .await?;
    Ok(Json(view))
}

/// Adds or replaces a budget (administrators).
#[utoipa::path(put, path = "/api/v1/budgets", tag = "rights", request_body = BudgetView,
    responses((status = 200, body = BudgetView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn put(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    _: Admin,
    Body(request): Body<BudgetView>,
) -> Result<Json<BudgetView>, AppError> {
    let admin = session.user;
    let budget = Budget {
        scope: request.scope.trim().to_lowercase(),
        key: request.key.trim().to_string(),
        limits: Limits {
            queries_per_hour: request.queries_per_hour,
            queries_per_day: request.queries_per_day,
            rows_per_day: request.rows_per_day,
            seconds_per_day: request.seconds_per_day,
            llm_tokens_per_day: request.llm_tokens_per_day,
            llm_tokens_per_query: request.llm_tokens_per_query,
        },
    };
    let saved = state
        .run(move |connection, state| {
            budgets::put_budget(connection, &budget).map_err(AppError::bad_request)?;
            state.usage.forget_limits();
            state.audit_change(
                &admin,
                ip.as_deref(),
                format!(
                    "budget {} '{}': {:?}",
                    budget.scope, budget.key, budget.limits
                ),
            );
            budgets::list_budgets(connection)?
                .into_iter()
                .find(|stored| stored.scope == budget.scope && stored.key == budget.key)
                .ok_or_else(|| AppError::internal("the saved budget was not found"))
        })
        .await?;
    Ok(Json(saved.into()))
}
