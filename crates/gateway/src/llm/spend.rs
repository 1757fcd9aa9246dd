//! What the model route costs: one `app.llm_call` row per provider attempt, and the daily cost
//! limits (per user, per workspace) checked before a provider is called, in the limit's
//! currency.

use analyst_llm::{Attempt, AttemptEnd, Currency, ExchangeRate};
use analyst_store::{Connection, StoreError, Value};
use chrono::NaiveDateTime;

use crate::budgets::CostLimit;

/// Who asked, for the records and the budgets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asker {
    pub user_id: i64,
    pub username: String,
}

/// The limits that apply to a question: the asker's (their row, else the global row; the
/// operator at the command line has no row of their own, so the global row) and the
/// workspace's (its row only).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct CostLimits {
    pub user: Option<CostLimit>,
    pub workspace: Option<CostLimit>,
}

/// Reads the limits for `asker` (`None`: the operator) in `workspace`.
pub(crate) fn cost_limits(
    connection: &dyn Connection,
    asker: Option<&Asker>,
    workspace: Option<&str>,
) -> Result<CostLimits, StoreError> {
    let rows = connection.query(
        "SELECT scope, llm_cost_per_day, llm_cost_currency FROM app.query_budget
         WHERE ((scope = 'user' AND scope_key = $1) OR (scope = 'workspace' AND scope_key = $2)
                OR scope = 'global') AND llm_cost_per_day IS NOT NULL",
        &[
            asker.map_or("", |asker| asker.username.as_str()).into(),
            workspace.unwrap_or_default().into(),
        ],
    )?;
    let level = |scope: &str| -> Result<Option<CostLimit>, StoreError> {
        match rows
            .rows
            .iter()
            .find(|row| row.first().and_then(Value::as_str) == Some(scope))
        {
            Some(row) => CostLimit::from_columns(row.get(1), row.get(2)),
            None => Ok(None),
        }
    };
    let own = if asker.is_some() {
        level("user")?
    } else {
        None
    };
    Ok(CostLimits {
        user: match own {
            Some(limit) => Some(limit),
            None => level("global")?,
        },
        workspace: match workspace {
            Some(_) => level("workspace")?,
            None => None,
        },
    })
}

/// What was spent today (UTC) by the user, the operator or in the workspace, in `currency`:
/// costs recorded in another currency are converted at `rate`.
pub(crate) fn spent_today(
    connection: &dyn Connection,
    by: Spender<'_>,
    currency: Currency,
    rate: ExchangeRate,
    now: NaiveDateTime,
) -> Result<f64, StoreError> {
    let start = now.date().and_hms_opt(0, 0, 0).unwrap_or(now);
    let (condition, mut params) = match by {
        Spender::User(user_id) => ("user_id = $2", vec![Value::Int(user_id)]),
        Spender::Operator => ("user_id IS NULL", Vec::new()),
        Spender::Workspace(code) => ("workspace = $2", vec![Value::Text(code.to_string())]),
    };
    params.insert(0, start.into());
    let rows = connection.query(
        &format!(
            "SELECT currency, CAST(coalesce(sum(cost), 0) AS DOUBLE) FROM app.llm_call
             WHERE {condition} AND created_at >= $1 GROUP BY currency"
        ),
        &params,
    )?;
    let mut spent = 0.0;
    for row in &rows.rows {
        let code = row.first().and_then(Value::as_str).unwrap_or_default();
        let recorded = code.parse::<Currency>().map_err(|unknown| {
            StoreError::Query(format!("app.llm_call: a cost in {code}: {unknown}"))
        })?;
        let cost = row.get(1).and_then(Value::as_f64).unwrap_or(0.0);
        spent += rate.convert(cost, recorded, currency);
    }
    Ok(spent)
}

/// Whose spending a limit counts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Spender<'a> {
    User(i64),
    /// The operator at the command line (rows with no user).
    Operator,
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
