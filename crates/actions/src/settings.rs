//! How proposals are decided.

use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};

#[derive(Debug, Clone)]
pub struct ActionSettings {
    /// Undecided proposals expire after this (seed 000: a week).
    pub expire_after: Duration,
    /// High-risk proposals need a second approver.
    pub second_approver_for_high: bool,
    /// Purchase orders of at least this amount are medium risk …
    pub medium_amount: f64,
    /// … and of at least this amount high risk.
    pub high_amount: f64,
    /// The day "today" is (tests and demos fix it); the clock's when `None`.
    pub today: Option<NaiveDate>,
}

impl Default for ActionSettings {
    fn default() -> Self {
        ActionSettings {
            expire_after: Duration::days(7),
            second_approver_for_high: true,
            medium_amount: 50_000.0,
            high_amount: 250_000.0,
            today: None,
        }
    }
}

impl ActionSettings {
    pub fn today(&self) -> NaiveDate {
        self.today.unwrap_or_else(|| Utc::now().date_naive())
    }
}

/// The moment every state change is stamped with.
pub(crate) fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}
