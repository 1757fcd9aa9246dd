//! What the model route costs: one `app.llm_call` row per provider attempt, and the daily cost
//! limits (per user, per workspace) checked before a provider is called.

use analyst_llm::{Attempt, AttemptEnd};
use analyst_store::{Connection, StoreError, Value};
use chrono::NaiveDateTime;

/// Who asked, for the records and the budgets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asker {
    pub user_id: i64,
    pub username: String,
}

/// A daily cost limit in one currency.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CostLimit {
    pub amount: f64,
    pub currency: String,
}

/// The limits that apply to a question: the asker's (their row, else the global row) and the
/// workspace's (its row only).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct CostLimits {
    pub user: Option<CostLimit>,
    pub workspace: Option<CostLimit>,
}

/// Reads the limits for `asker` in `workspace`.
pub(crate) fn cost_limits(
    connection: &dyn Connection,
    asker: Option<&Asker>,
    workspace: Option<&str>,
) -> Result<CostLimits, StoreError> {
    let rows = connection.query(
        "SELECT scope, llm_cost_per_day, coalesce(llm_cost_currency, 'THB') FROM app.query_budget
         WHERE ((scope = 'user' AND scope_key = $1) OR (scope = 'workspace' AND scope_key = $2)
                OR scope = 'global') AND llm_cost_per_day IS NOT NULL",
        &[
            asker.map_or("", |asker| asker.username.as_str()).into(),
            workspace.unwrap_or_default().into(),
        ],
    )?;
    let level = |scope: &str| {
        rows.rows
            .iter()
            .find(|row| row.first().and_then(Value::as_str) == Some(scope))
            .and_then(|row| {
                Some(CostLimit {
                    amount: row.get(1)?.as_f64()?,
                    currency: row.get(2)?.as_str()?.to_string(),
                })
            })
    };
    Ok(CostLimits {
        user: asker.and(level("user").or_else(|| level("global"))),
        workspace: workspace.and(level("workspace")),
    })
}

/// What was spent today (UTC) in `currency`, by the user or in the workspace.
pub(crate) fn spent_today(
    connection: &dyn Connection,
    by: Spender<'_>,
    currency: &str,
    now: NaiveDateTime,
) -> Result<f64, StoreError> {
    let start = now.date().and_hms_opt(0, 0, 0).unwrap_or(now);
    let (column, key) = match by {
        Spender::User(user_id) => ("user_id", Value::Int(user_id)),
        Spender::Workspace(code) => ("workspace", Value::Text(code.to_string())),
    };
    let rows = connection.query(
        &format!(
            "SELECT CAST(coalesce(sum(cost), 0) AS DOUBLE) FROM app.llm_call
             WHERE {column} = $1 AND currency = $2 AND created_at >= $3"
        ),
        &[key, currency.into(), start.into()],
    )?;
    Ok(rows.scalar().and_then(Value::as_f64).unwrap_or(0.0))
}

/// Whose spending a limit counts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Spender<'a> {
    User(i64),
    Workspace(&'a str),
}

/// Stores one row per attempt of an answer.
pub(crate) fn record_attempts(
    connection: &dyn Connection,
    asker: Option<&Asker>,
    workspace: Option<&str>,
    route: &str,
    attempts: &[Attempt],
    now: NaiveDateTime,
) -> Result<(), StoreError> {
    for attempt in attempts {
        let user = asker.map_or(Value::Null, |asker| Value::Int(asker.user_id));
        let workspace = workspace.map_or(Value::Null, |code| Value::Text(code.to_string()));
        connection.execute(
            "INSERT INTO app.llm_call (user_id, workspace, provider, model, tier, input_tokens,
                 output_tokens, cost, currency, outcome, route, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            &[
                user,
                workspace,
                attempt.provider.as_str().into(),
                attempt.model.as_str().into(),
                attempt.tier.as_str().into(),
                Value::Int(i64::try_from(attempt.usage.input).unwrap_or(i64::MAX)),
                Value::Int(i64::try_from(attempt.usage.output).unwrap_or(i64::MAX)),
                Value::Float(attempt.cost),
                attempt.currency.as_str().into(),
                end_name(&attempt.end).into(),
                route.into(),
                now.into(),
            ],
        )?;
    }
    Ok(())
}

/// `answered`, `escalated` or `failed` (the `outcome` column).
pub(crate) fn end_name(end: &AttemptEnd) -> &'static str {
    match end {
        AttemptEnd::Answered => "answered",
        AttemptEnd::Escalated(_) => "escalated",
        AttemptEnd::Failed(_) => "failed",
    }
}
