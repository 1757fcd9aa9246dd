//! Query budgets for administrators: the limits (user → workspace → global), the daily AI
//! cost limits beside them, and what each user used today.

use analyst_gateway::budgets::{self, Budget, CostLimit, Limits};
use analyst_llm::Currency;
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
    /// What the AI analyst (the LLM providers) may spend per day (UTC), in
    /// `llm_cost_currency` (THB or USD); zero or more, null for none. Resolved apart from the other limits:
    /// a user's row, else the global row, bounds what each user spends; a workspace's row
    /// bounds what all its users spend in it. Over it, questions are answered without a
    /// provider, with "Today's AI budget is spent".
    #[serde(default)]
    #[schema(example = 50.0)]
    llm_cost_per_day: Option<f64>,
    /// `THB` (the default) or `USD`. Costs recorded in the other currency are converted at
    /// the server's `thb_per_usd` rate (36.0 unless configured).
    #[serde(default)]
    #[schema(example = "THB")]
    llm_cost_currency: Option<String>,
}

impl BudgetView {
    /// The AI cost limit of the request: an amount zero or more, in THB (the default) or USD.
    fn llm_cost(&self) -> Result<Option<CostLimit>, String> {
        let currency = self
            .llm_cost_currency
            .as_deref()
            .map(str::parse::<Currency>)
            .transpose()
            .map_err(|unknown| format!("llm_cost_currency: {unknown}"))?;
        self.llm_cost_per_day
            .map(|amount| CostLimit::new(amount, currency.unwrap_or(Currency::Thb)))
            .transpose()
            .map_err(|error| format!("llm_cost_per_day: {error}"))
    }
}

impl From<Budget> for BudgetView {
    fn from(budget: Budget) -> BudgetView {
        let limits = budget.limits;
        BudgetView {
            llm_cost_per_day: budget.llm_cost.map(|limit| limit.amount()),
            llm_cost_currency: budget
                .llm_cost
                .map(|limit| limit.currency().as_str().to_string()),
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
///
/// Every limit of the row is set from the body, and a limit left out or null is cleared, so
/// `{"scope": "user", "key": "ben"}` clears ben's own limits (the global row's apply again).
/// A daily AI cost limit is `"llm_cost_per_day": 50, "llm_cost_currency": "THB"` (or
/// `"USD"`); a negative amount or another currency is refused with a 400.
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
    let llm_cost = request.llm_cost().map_err(AppError::bad_request)?;
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
        llm_cost,
    };
    let saved = state
        .run(move |connection, state| {
            budgets::put_budget(connection, &budget).map_err(AppError::bad_request)?;
            state.usage.forget_limits();
            state.audit_change(
                &admin,
                ip.as_deref(),
                format!(
                    "budget {} '{}': {:?}, AI cost limit: {}",
                    budget.scope,
                    budget.key,
                    budget.limits,
                    budget
                        .llm_cost
                        .map_or_else(|| "none".to_string(), |limit| limit.to_string())
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
