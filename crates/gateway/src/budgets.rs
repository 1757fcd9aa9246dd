//! Query budgets (seed 000's `ai.analyst.query.budget`): how many questions, rows, seconds and
//! LLM tokens a user may spend per hour and per day. Each limit is resolved user → workspace →
//! global; usage is kept per user and hour (UTC), so a day is the sum of its hours.
//!
//! The same rows hold the daily AI cost limits ([`CostLimit`], in THB or USD), which the model
//! route resolves its own way: the user's row, else the global row, limits what one user
//! spends; a workspace's row limits what all its users spend there (see `llm::spend`).

use analyst_llm::Currency;
use analyst_store::{Connection, StoreError, Value};
use chrono::{Duration, NaiveDateTime, Timelike};

/// The limits that apply to one user in one workspace (`None`: no limit).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    pub queries_per_hour: Option<i64>,
    pub queries_per_day: Option<i64>,
    pub rows_per_day: Option<i64>,
    pub seconds_per_day: Option<i64>,
    pub llm_tokens_per_day: Option<i64>,
    pub llm_tokens_per_query: Option<i64>,
}

/// The columns of `app.query_budget` after its scope, in [`Limits`] order.
pub const LIMIT_COLUMNS: [&str; 6] = [
    "queries_per_hour",
    "queries_per_day",
    "rows_per_day",
    "seconds_per_day",
    "llm_tokens_per_day",
    "llm_tokens_per_query",
];

impl Limits {
    fn from_values(values: &[Value]) -> Limits {
        let at = |index: usize| values.get(index).and_then(Value::as_i64);
        Limits {
            queries_per_hour: at(0),
            queries_per_day: at(1),
            rows_per_day: at(2),
            seconds_per_day: at(3),
            llm_tokens_per_day: at(4),
            llm_tokens_per_query: at(5),
        }
    }

    /// Each limit of `self`, else of `fallback`.
    fn or(self, fallback: Limits) -> Limits {
        Limits {
            queries_per_hour: self.queries_per_hour.or(fallback.queries_per_hour),
            queries_per_day: self.queries_per_day.or(fallback.queries_per_day),
            rows_per_day: self.rows_per_day.or(fallback.rows_per_day),
            seconds_per_day: self.seconds_per_day.or(fallback.seconds_per_day),
            llm_tokens_per_day: self.llm_tokens_per_day.or(fallback.llm_tokens_per_day),
            llm_tokens_per_query: self.llm_tokens_per_query.or(fallback.llm_tokens_per_query),
        }
    }

    pub fn values(&self) -> [Option<i64>; 6] {
        [
            self.queries_per_hour,
            self.queries_per_day,
            self.rows_per_day,
            self.seconds_per_day,
            self.llm_tokens_per_day,
            self.llm_tokens_per_query,
        ]
    }
}

/// A daily AI cost limit: what the model route may spend in a day (UTC), in THB or USD.
/// Valid once built: the amount is a finite number, zero or more.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostLimit {
    amount: f64,
    currency: Currency,
}

impl CostLimit {
    /// A limit of `amount` in `currency`; zero stops the model route altogether.
    pub fn new(amount: f64, currency: Currency) -> Result<CostLimit, String> {
        if amount.is_finite() && amount >= 0.0 {
            Ok(CostLimit { amount, currency })
        } else {
            Err(format!(
                "a daily AI cost limit must be a number of {currency}, zero or more (got {amount})"
            ))
        }
    }

    pub fn amount(&self) -> f64 {
        self.amount
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The limit stored in a row's `llm_cost_per_day` and `llm_cost_currency` (a missing
    /// currency is THB, the column's default); `None` when the row sets none.
    pub(crate) fn from_columns(
        amount: Option<&Value>,
        currency: Option<&Value>,
    ) -> Result<Option<CostLimit>, StoreError> {
        let Some(amount) = amount.and_then(Value::as_f64) else {
            return Ok(None);
        };
        let currency = match currency.and_then(Value::as_str) {
            Some(code) => code.parse::<Currency>().map_err(|unknown| {
                StoreError::Query(format!(
                    "app.query_budget: {unknown}; set the limit again with `analyst budgets set`"
                ))
            })?,
            None => Currency::Thb,
        };
        CostLimit::new(amount, currency)
            .map(Some)
            .map_err(|error| StoreError::Query(format!("app.query_budget: {error}")))
    }
}

impl std::fmt::Display for CostLimit {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{:.2} {} per day", self.amount, self.currency)
    }
}

/// What a user used in the current hour and day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub queries_this_hour: i64,
    pub queries_today: i64,
    pub rows_today: i64,
    pub milliseconds_today: i64,
    pub llm_tokens_today: i64,
}

/// A request over budget: which limit, and when it resets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "you have used your budget of {limit} {what}; it resets at {} UTC (ask an administrator for more)",
    resets_at.format("%Y-%m-%d %H:%M")
)]
pub struct BudgetExceeded {
    pub what: &'static str,
    pub limit: i64,
    pub resets_at: NaiveDateTime,
}

/// The hour (UTC) a moment falls in: usage is kept per user and hour.
pub fn hour_of(now: NaiveDateTime) -> NaiveDateTime {
    now.date().and_hms_opt(now.hour(), 0, 0).unwrap_or(now)
}

fn day_of(now: NaiveDateTime) -> NaiveDateTime {
    now.date().and_hms_opt(0, 0, 0).unwrap_or(now)
}

/// The limits for `username` asking in `workspace`.
pub fn limits(
    connection: &dyn Connection,
    username: &str,
    workspace: &str,
) -> Result<Limits, StoreError> {
    let rows = connection.query(
        &format!(
            "SELECT scope, {} FROM app.query_budget
             WHERE (scope = 'user' AND scope_key = $1) OR (scope = 'workspace' AND scope_key = $2)
                OR scope = 'global'",
            LIMIT_COLUMNS.join(", ")
        ),
        &[username.into(), workspace.into()],
    )?;
    let level = |scope: &str| {
        rows.rows
            .iter()
            .find(|row| row.first().and_then(Value::as_str) == Some(scope))
            .map(|row| Limits::from_values(&row[1..]))
            .unwrap_or_default()
    };
    Ok(level("user").or(level("workspace")).or(level("global")))
}

/// What `user_id` used this hour and today (UTC).
pub fn usage(
    connection: &dyn Connection,
    user_id: i64,
    now: NaiveDateTime,
) -> Result<Usage, StoreError> {
    let rows = connection.query(
        "SELECT CAST(coalesce(sum(queries) FILTER (WHERE hour = $3), 0) AS BIGINT),
                CAST(coalesce(sum(queries), 0) AS BIGINT), CAST(coalesce(sum(rows_read), 0) AS BIGINT),
                CAST(coalesce(sum(milliseconds), 0) AS BIGINT), CAST(coalesce(sum(llm_tokens), 0) AS BIGINT)
         FROM app.query_usage WHERE user_id = $1 AND hour >= $2",
        &[
            user_id.into(),
            day_of(now).into(),
            hour_of(now).into(),
        ],
    )?;
    let row = rows.rows.first().cloned().unwrap_or_default();
    let at = |index: usize| row.get(index).and_then(Value::as_i64).unwrap_or(0);
    Ok(Usage {
        queries_this_hour: at(0),
        queries_today: at(1),
        rows_today: at(2),
        milliseconds_today: at(3),
        llm_tokens_today: at(4),
    })
}

/// Whether one more question fits the limits; if so, the query time left today (when the
/// limits have one).
pub fn check(
    limits: &Limits,
    usage: &Usage,
    now: NaiveDateTime,
) -> Result<Option<f64>, BudgetExceeded> {
    let next_hour = hour_of(now) + Duration::hours(1);
    let tomorrow = day_of(now) + Duration::days(1);
    let checks = [
        (
            limits.queries_per_hour,
            usage.queries_this_hour,
            "questions per hour",
            next_hour,
        ),
        (
            limits.queries_per_day,
            usage.queries_today,
            "questions per day",
            tomorrow,
        ),
        (
            limits.rows_per_day,
            usage.rows_today,
            "rows per day",
            tomorrow,
        ),
        (
            limits.seconds_per_day.map(|seconds| seconds * 1000),
            usage.milliseconds_today,
            "seconds of query time per day",
            tomorrow,
        ),
        (
            limits.llm_tokens_per_day,
            usage.llm_tokens_today,
            "LLM tokens per day",
            tomorrow,
        ),
    ];
    for (limit, used, what, resets_at) in checks {
        if let Some(limit) = limit
            && used >= limit
        {
            let limit = if what.starts_with("seconds") {
                limit / 1000
            } else {
                limit
            };
            return Err(BudgetExceeded {
                what,
                limit,
                resets_at,
            });
        }
    }
    Ok(limits
        .seconds_per_day
        .map(|seconds| (seconds * 1000 - usage.milliseconds_today) as f64 / 1000.0))
}

/// One question's cost, to add to its user's usage of the hour it was asked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Charge {
    pub user_id: i64,
    pub at: NaiveDateTime,
    pub rows: u64,
    pub milliseconds: u64,
    pub llm_tokens: u64,
}

/// Adds costs to the stored usage: summed per user and hour, one upsert for all.
pub fn charge_all(connection: &dyn Connection, charges: &[Charge]) -> Result<(), StoreError> {
    let clamp = |value: u64| i64::try_from(value).unwrap_or(i64::MAX);
    let mut sums: std::collections::BTreeMap<(i64, NaiveDateTime), [i64; 4]> =
        std::collections::BTreeMap::new();
    for charge in charges {
        let sum = sums
            .entry((charge.user_id, hour_of(charge.at)))
            .or_default();
        sum[0] += 1;
        sum[1] = sum[1].saturating_add(clamp(charge.rows));
        sum[2] = sum[2].saturating_add(clamp(charge.milliseconds));
        sum[3] = sum[3].saturating_add(clamp(charge.llm_tokens));
    }
    if sums.is_empty() {
        return Ok(());
    }
    let mut params: Vec<Value> = Vec::with_capacity(sums.len() * 6);
    let mut rows = Vec::with_capacity(sums.len());
    for ((user_id, hour), sum) in sums {
        let first = params.len();
        params.push(user_id.into());
        params.push(hour.into());
        params.extend(sum.map(Value::from));
        rows.push(format!(
            "(${}, ${}, ${}, ${}, ${}, ${})",
            first + 1,
            first + 2,
            first + 3,
            first + 4,
            first + 5,
            first + 6
        ));
    }
    connection.execute(
        &format!(
            "INSERT INTO app.query_usage AS u (user_id, hour, queries, rows_read, milliseconds, llm_tokens)
             VALUES {}
             ON CONFLICT (user_id, hour) DO UPDATE SET queries = u.queries + excluded.queries,
                 rows_read = u.rows_read + excluded.rows_read,
                 milliseconds = u.milliseconds + excluded.milliseconds,
                 llm_tokens = u.llm_tokens + excluded.llm_tokens",
            rows.join(", ")
        ),
        &params,
    )?;
    Ok(())
}

/// One stored budget: its scope (`user`, `workspace` or `global`), key and limits.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    pub scope: String,
    pub key: String,
    pub limits: Limits,
    /// The daily AI cost limit (`None`: this row sets none).
    pub llm_cost: Option<CostLimit>,
}

pub fn list_budgets(connection: &dyn Connection) -> Result<Vec<Budget>, StoreError> {
    let rows = connection.query(
        &format!(
            "SELECT scope, scope_key, {}, llm_cost_per_day, llm_cost_currency
             FROM app.query_budget ORDER BY scope, scope_key",
            LIMIT_COLUMNS.join(", ")
        ),
        &[],
    )?;
    let cost_at = 2 + LIMIT_COLUMNS.len();
    rows.rows
        .iter()
        .map(|row| {
            Ok(Budget {
                scope: row
                    .first()
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .into(),
                key: row
                    .get(1)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .into(),
                limits: Limits::from_values(row.get(2..cost_at).unwrap_or_default()),
                llm_cost: CostLimit::from_columns(row.get(cost_at), row.get(cost_at + 1))?,
            })
        })
        .collect()
}

/// The stored budget of `scope` and `key` (empty for `global`), if there is one.
pub fn find_budget(
    connection: &dyn Connection,
    scope: &str,
    key: &str,
) -> Result<Option<Budget>, StoreError> {
    Ok(list_budgets(connection)?
        .into_iter()
        .find(|budget| budget.scope == scope && budget.key == key))
}

/// Adds or replaces a budget, every limit of it (a `None` clears one). The scope must be
/// `user`, `workspace` or `global` (whose key is empty); limits must not be negative.
pub fn put_budget(connection: &dyn Connection, budget: &Budget) -> Result<(), String> {
    let key = match budget.scope.as_str() {
        "global" => "",
        "user" | "workspace" if !budget.key.trim().is_empty() => budget.key.trim(),
        "user" | "workspace" => return Err(format!("a {} budget needs a key", budget.scope)),
        other => {
            return Err(format!("scope '{other}' is not user, workspace or global"));
        }
    };
    if budget
        .limits
        .values()
        .iter()
        .flatten()
        .any(|limit| *limit < 0)
    {
        return Err("limits cannot be negative".into());
    }
    let mut params: Vec<Value> = vec![budget.scope.as_str().into(), key.into()];
    params.extend(
        budget
            .limits
            .values()
            .into_iter()
            .map(|limit| limit.map_or(Value::Null, Value::from)),
    );
    params.push(
        budget
            .llm_cost
            .map_or(Value::Null, |limit| Value::Float(limit.amount)),
    );
    params.push(budget.llm_cost.map_or(Value::Null, |limit| {
        Value::Text(limit.currency.as_str().into())
    }));
    let columns: Vec<&str> = LIMIT_COLUMNS
        .iter()
        .copied()
        .chain(["llm_cost_per_day", "llm_cost_currency"])
        .collect();
    let placeholders: Vec<String> = (1..=columns.len() + 2).map(|n| format!("${n}")).collect();
    let updates: Vec<String> = columns
        .iter()
        .map(|column| format!("{column} = excluded.{column}"))
        .collect();
    connection
        .execute(
            &format!(
                "INSERT INTO app.query_budget (scope, scope_key, {}) VALUES ({})
                 ON CONFLICT (scope, scope_key) DO UPDATE SET {}",
                columns.join(", "),
                placeholders.join(", "),
                updates.join(", ")
            ),
            &params,
        )
        .map_err(|error| error.to_string())?;
    Ok(())
}

/// Each user's usage today (UTC), busiest first.
pub fn usage_today(
    connection: &dyn Connection,
    now: NaiveDateTime,
) -> Result<Vec<(String, Usage)>, StoreError> {
    let rows = connection.query(
        "SELECT u.username, CAST(sum(q.queries) FILTER (WHERE q.hour = $2) AS BIGINT),
                CAST(sum(q.queries) AS BIGINT), CAST(sum(q.rows_read) AS BIGINT),
                CAST(sum(q.milliseconds) AS BIGINT), CAST(sum(q.llm_tokens) AS BIGINT)
         FROM app.query_usage q JOIN app.users u ON u.id = q.user_id
         WHERE q.hour >= $1 GROUP BY u.username ORDER BY 3 DESC, 1",
        &[day_of(now).into(), hour_of(now).into()],
    )?;
    Ok(rows
        .rows
        .iter()
        .map(|row| {
            let at = |index: usize| row.get(index).and_then(Value::as_i64).unwrap_or(0);
            (
                row.first()
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                Usage {
                    queries_this_hour: at(1),
                    queries_today: at(2),
                    rows_today: at(3),
                    milliseconds_today: at(4),
                    llm_tokens_today: at(5),
                },
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn the_first_exhausted_limit_is_named_with_its_reset() {
        let limits = Limits {
            queries_per_hour: Some(3),
            queries_per_day: Some(10),
            seconds_per_day: Some(60),
            ..Limits::default()
        };
        let now = at("2026-11-25 13:42");
        let mut usage = Usage {
            queries_this_hour: 2,
            queries_today: 9,
            ..Usage::default()
        };
        assert_eq!(check(&limits, &usage, now), Ok(Some(60.0)));
        usage.queries_this_hour = 3;
        let refused = check(&limits, &usage, now).unwrap_err();
        assert_eq!(refused.what, "questions per hour");
        assert_eq!(refused.resets_at, at("2026-11-25 14:00"));
        usage.queries_this_hour = 0;
        usage.milliseconds_today = 60_000;
        let refused = check(&limits, &usage, now).unwrap_err();
        assert_eq!(refused.limit, 60);
        assert_eq!(refused.resets_at, at("2026-11-26 00:00"));
        assert!(
            refused
                .to_string()
                .contains("60 seconds of query time per day")
        );
        assert!(refused.to_string().contains("2026-11-26 00:00 UTC"));
    }

    #[test]
    fn a_cost_limit_is_a_number_zero_or_more() {
        let limit = CostLimit::new(2.5, Currency::Usd).unwrap();
        assert_eq!((limit.amount(), limit.currency()), (2.5, Currency::Usd));
        assert_eq!(limit.to_string(), "2.50 USD per day");
        assert!(CostLimit::new(0.0, Currency::Thb).is_ok());
        for bad in [-0.01, f64::NAN, f64::INFINITY] {
            let refused = CostLimit::new(bad, Currency::Thb).unwrap_err();
            assert!(refused.contains("zero or more"), "{refused}");
        }
    }

    #[test]
    fn a_stored_cost_limit_defaults_to_baht_and_refuses_unknown_currencies() {
        let amount = Value::Float(50.0);
        assert_eq!(
            CostLimit::from_columns(Some(&amount), None).unwrap(),
            Some(CostLimit::new(50.0, Currency::Thb).unwrap())
        );
        assert_eq!(
            CostLimit::from_columns(Some(&amount), Some(&Value::Text("usd".into()))).unwrap(),
            Some(CostLimit::new(50.0, Currency::Usd).unwrap())
        );
        assert_eq!(
            CostLimit::from_columns(Some(&Value::Null), Some(&Value::Text("USD".into()))).unwrap(),
            None
        );
        let unknown = CostLimit::from_columns(Some(&amount), Some(&Value::Text("EUR".into())));
        assert!(
            unknown
                .unwrap_err()
                .to_string()
                .contains("unknown currency 'EUR'")
        );
    }

    #[test]
    fn user_limits_win_over_workspace_and_global_ones() {
        let user = Limits {
            queries_per_day: Some(5),
            ..Limits::default()
        };
        let workspace = Limits {
            queries_per_day: Some(50),
            rows_per_day: Some(1_000),
            ..Limits::default()
        };
        let global = Limits {
            queries_per_hour: Some(300),
            rows_per_day: Some(9),
            ..Limits::default()
        };
        let resolved = user.or(workspace).or(global);
        assert_eq!(resolved.queries_per_day, Some(5));
        assert_eq!(resolved.rows_per_day, Some(1_000));
        assert_eq!(resolved.queries_per_hour, Some(300));
        assert_eq!(resolved.llm_tokens_per_day, None);
    }
}
