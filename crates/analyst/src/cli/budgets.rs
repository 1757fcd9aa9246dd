//! `analyst budgets list|set`: the query budgets and the daily AI cost limits beside them
//! (while the server is stopped; a running server holds the store and offers the same at
//! /api/v1/budgets). `set` changes only the limits it names, and `--clear` removes some.

use std::process::ExitCode;

use analyst_accounts::{AuditEntry, AuditEvent, record_entry};
use analyst_gateway::budgets::{self, Budget, CostLimit, Limits};
use analyst_llm::Currency;
use analyst_store::AccessMode;
use anyhow::{Context, bail};
use clap::{Subcommand, ValueEnum};

use super::{Settings, render};

#[derive(Debug, Subcommand)]
pub enum BudgetsCommand {
    /// List the budgets: each row's limits (empty: the next level's applies).
    List,
    /// Set limits of one budget row, adding the row when there is none; limits not named keep
    /// their value. A user's row, else the global row, bounds what one user spends on AI per
    /// day; a workspace's row bounds what all its users spend in it.
    Set {
        #[arg(value_enum)]
        scope: Scope,
        /// The username (user) or workspace code (workspace); none for global.
        key: Option<String>,
        /// Questions per hour.
        #[arg(long)]
        queries_per_hour: Option<i64>,
        /// Questions per day.
        #[arg(long)]
        queries_per_day: Option<i64>,
        /// Rows read per day.
        #[arg(long)]
        rows_per_day: Option<i64>,
        /// Seconds of query time per day.
        #[arg(long)]
        seconds_per_day: Option<i64>,
        /// LLM tokens per day.
        #[arg(long)]
        llm_tokens_per_day: Option<i64>,
        /// LLM tokens per question.
        #[arg(long)]
        llm_tokens_per_query: Option<i64>,
        /// What the AI analyst may spend per day (UTC), zero or more, in --llm-cost-currency.
        #[arg(long)]
        llm_cost_per_day: Option<f64>,
        /// THB (the default for a new limit) or USD; costs in the other currency are
        /// converted at thb_per_usd (`analyst config`).
        #[arg(long)]
        llm_cost_currency: Option<Currency>,
        /// Limits to remove from the row (repeat or comma-separate), e.g. llm-cost-per-day.
        #[arg(long, value_enum, value_delimiter = ',')]
        clear: Vec<Limit>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Scope {
    User,
    Workspace,
    Global,
}

/// A limit of a budget row, for `--clear`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Limit {
    QueriesPerHour,
    QueriesPerDay,
    RowsPerDay,
    SecondsPerDay,
    LlmTokensPerDay,
    LlmTokensPerQuery,
    LlmCostPerDay,
}

pub fn run(settings: &Settings, command: BudgetsCommand) -> anyhow::Result<ExitCode> {
    let connection = settings.open(AccessMode::ReadWrite)?;
    let connection = connection.as_ref();
    match command {
        BudgetsCommand::List => {
            let mut grid = render::new_grid(
                [
                    "scope",
                    "key",
                    "questions/hour",
                    "questions/day",
                    "rows/day",
                    "seconds/day",
                    "LLM tokens/day",
                    "LLM tokens/question",
                    "AI cost/day",
                ]
                .map(String::from),
            );
            for budget in budgets::list_budgets(connection)? {
                let mut row = vec![budget.scope.clone(), budget.key.clone()];
                row.extend(
                    budget
                        .limits
                        .values()
                        .map(|limit| limit.map(|value| value.to_string()).unwrap_or_default()),
                );
                row.push(budget.llm_cost.map_or_else(String::new, |limit| {
                    format!("{:.2} {}", limit.amount(), limit.currency())
                }));
                grid.add_row(row);
            }
            println!("{grid}");
        }
        BudgetsCommand::Set {
            scope,
            key,
            queries_per_hour,
            queries_per_day,
            rows_per_day,
            seconds_per_day,
            llm_tokens_per_day,
            llm_tokens_per_query,
            llm_cost_per_day,
            llm_cost_currency,
            clear,
        } => {
            let (scope, key) = scope_and_key(scope, key)?;
            let stored = budgets::find_budget(connection, scope, &key)?;
            let mut budget = stored.clone().unwrap_or_else(|| Budget {
                scope: scope.into(),
                key: key.clone(),
                limits: Limits::default(),
                llm_cost: None,
            });
            let limits = &mut budget.limits;
            for (value, limit) in [
                (queries_per_hour, &mut limits.queries_per_hour),
                (queries_per_day, &mut limits.queries_per_day),
                (rows_per_day, &mut limits.rows_per_day),
                (seconds_per_day, &mut limits.seconds_per_day),
                (llm_tokens_per_day, &mut limits.llm_tokens_per_day),
                (llm_tokens_per_query, &mut limits.llm_tokens_per_query),
            ] {
                if value.is_some() {
                    *limit = value;
                }
            }
            budget.llm_cost = llm_cost(budget.llm_cost, llm_cost_per_day, llm_cost_currency)?;
            for limit in clear {
                clear_limit(&mut budget, limit);
            }
            if stored.as_ref() == Some(&budget) {
                println!("Budget {} unchanged.", describe(&budget));
                return Ok(ExitCode::SUCCESS);
            }
            budgets::put_budget(connection, &budget).map_err(anyhow::Error::msg)?;
            let detail = format!(
                "budget {} '{}': {:?}, AI cost limit: {} (command line)",
                budget.scope,
                budget.key,
                budget.limits,
                budget
                    .llm_cost
                    .map_or_else(|| "none".to_string(), |limit| limit.to_string())
            );
            record_entry(
                connection,
                &AuditEntry::new(AuditEvent::AdminChange).detail(detail),
            )
            .context("auditing the change")?;
            let ai = budget.llm_cost.map_or_else(
                || "no AI cost limit of its own".to_string(),
                |limit| format!("an AI cost limit of {limit}"),
            );
            println!("Budget {} saved: {ai}.", describe(&budget));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The scope's name and its key: a username or workspace code, empty for global.
fn scope_and_key(scope: Scope, key: Option<String>) -> anyhow::Result<(&'static str, String)> {
    let key = key.map(|key| key.trim().to_string()).unwrap_or_default();
    match scope {
        Scope::Global if !key.is_empty() => {
            bail!("the global budget has no key; leave out '{key}'")
        }
        Scope::Global => Ok(("global", key)),
        Scope::User if key.is_empty() => bail!(
            "name the user the budget is for, e.g. `analyst budgets set user ben --llm-cost-per-day 50`"
        ),
        Scope::Workspace if key.is_empty() => bail!(
            "name the workspace the budget is for, e.g. `analyst budgets set workspace buying --llm-cost-per-day 500`"
        ),
        Scope::User => Ok(("user", key)),
        Scope::Workspace => Ok(("workspace", key)),
    }
}

/// The row's AI cost limit after `--llm-cost-per-day` and `--llm-cost-currency`: a new amount
/// keeps the row's currency unless another is given (THB for a new limit); a currency alone
/// re-denominates the row's limit.
fn llm_cost(
    stored: Option<CostLimit>,
    amount: Option<f64>,
    currency: Option<Currency>,
) -> anyhow::Result<Option<CostLimit>> {
    let given_currency = currency;
    let currency = currency
        .or(stored.map(|limit| limit.currency()))
        .unwrap_or(Currency::Thb);
    let amount = match (amount, stored) {
        (Some(amount), _) => amount,
        (None, Some(stored)) => stored.amount(),
        (None, None) if given_currency.is_some() => {
            bail!(
                "this budget has no AI cost limit to put in {currency}: give --llm-cost-per-day too"
            )
        }
        (None, None) => return Ok(None),
    };
    CostLimit::new(amount, currency)
        .map(Some)
        .map_err(anyhow::Error::msg)
}

fn clear_limit(budget: &mut Budget, limit: Limit) {
    let limits = &mut budget.limits;
    match limit {
        Limit::QueriesPerHour => limits.queries_per_hour = None,
        Limit::QueriesPerDay => limits.queries_per_day = None,
        Limit::RowsPerDay => limits.rows_per_day = None,
        Limit::SecondsPerDay => limits.seconds_per_day = None,
        Limit::LlmTokensPerDay => limits.llm_tokens_per_day = None,
        Limit::LlmTokensPerQuery => limits.llm_tokens_per_query = None,
        Limit::LlmCostPerDay => budget.llm_cost = None,
    }
}

fn describe(budget: &Budget) -> String {
    if budget.key.is_empty() {
        budget.scope.clone()
    } else {
        format!("{} {}", budget.scope, budget.key)
    }
}
