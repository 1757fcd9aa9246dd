//! Budgets as the server applies them: each user's usage of the current hour and day is kept
//! in memory (read from the store once, then counted here, and written in the background), and
//! limits are kept for a few seconds, so checking a budget costs no query on most requests.
//! The store is only written by this process (DuckDB), so the counts are exact.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use analyst_gateway::budgets::{self, BudgetExceeded, Limits, Usage, hour_of};
use analyst_store::{Connection, StoreError};
use chrono::NaiveDateTime;

/// How long limits are kept before they are read again (a change through the server applies
/// at once: it forgets them).
const LIMITS_KEPT_FOR: Duration = Duration::from_secs(30);

#[derive(Default)]
pub(crate) struct UsageTracker {
    limits: Mutex<HashMap<(String, String), (Instant, Limits)>>,
    /// Per user: the hour (UTC) the usage was counted up to, and the usage.
    usage: Mutex<HashMap<i64, (NaiveDateTime, Usage)>>,
}

impl UsageTracker {
    /// Whether `user_id` may ask one more question in `workspace` at `now`, and the query time
    /// left today. `settle` makes the background writes durable before usage is read from the
    /// store.
    pub(crate) fn check(
        &self,
        connection: &dyn Connection,
        settle: impl Fn(),
        (user_id, username): (i64, &str),
        workspace: &str,
        now: NaiveDateTime,
    ) -> Result<Result<Option<f64>, BudgetExceeded>, StoreError> {
        let limits = self.limits(connection, username, workspace)?;
        let usage = || {
            self.usage
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        };
        let known = match usage().get(&user_id) {
            Some((hour, counted)) if *hour == hour_of(now) => Some(*counted),
            _ => None,
        };
        let current = match known {
            Some(counted) => counted,
            None => {
                // Read without holding the lock (the writes must land first, which can take
                // a moment): other users' checks need not wait.
                settle();
                let counted = budgets::usage(connection, user_id, now)?;
                usage().insert(user_id, (hour_of(now), counted));
                counted
            }
        };
        Ok(budgets::check(&limits, &current, now))
    }

    /// Counts one question's rows, time and tokens (the caller writes them to the store).
    pub(crate) fn count(&self, user_id: i64, now: NaiveDateTime, rows: u64, ms: u64, tokens: u64) {
        let mut usage = self
            .usage
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((hour, counted)) = usage.get_mut(&user_id)
            && *hour == hour_of(now)
        {
            let add = |value: u64| i64::try_from(value).unwrap_or(i64::MAX);
            counted.queries_this_hour += 1;
            counted.queries_today += 1;
            counted.rows_today += add(rows);
            counted.milliseconds_today += add(ms);
            counted.llm_tokens_today += add(tokens);
        }
    }

    /// Forgets the limits read (after an administrator changed a budget).
    pub(crate) fn forget_limits(&self) {
        self.limits
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }

    fn limits(
        &self,
        connection: &dyn Connection,
        username: &str,
        workspace: &str,
    ) -> Result<Limits, StoreError> {
        let key = (username.to_string(), workspace.to_string());
        let mut kept = self
            .limits
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((read_at, limits)) = kept.get(&key)
            && read_at.elapsed() < LIMITS_KEPT_FOR
        {
            return Ok(*limits);
        }
        let limits = budgets::limits(connection, username, workspace)?;
        kept.insert(key, (Instant::now(), limits));
        Ok(limits)
    }
}
