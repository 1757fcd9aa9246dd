//! The job kinds the analyst itself provides.

use std::sync::Arc;

use analyst_store::gold::refresh_daily_sales_range;
use chrono::NaiveDate;
use serde_json::{Value as Json, json};

use crate::queue::Job;
use crate::workers::{JobContext, JobFailure, JobKind};

/// Rebuilds `gold.daily_sales` for a date range, a month at a time (idempotent: a rerun
/// rebuilds the same rows). Params: `{"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}`.
pub struct RefreshGold;

pub const REFRESH_GOLD: &str = "refresh_gold";

impl JobKind for RefreshGold {
    fn name(&self) -> &'static str {
        REFRESH_GOLD
    }

    fn run(&self, job: &Job, context: &mut JobContext<'_>) -> Result<Json, JobFailure> {
        let day = |key: &str| {
            job.params[key]
                .as_str()
                .and_then(|text| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
                .ok_or_else(|| {
                    JobFailure::Failed(format!("params.{key} must be a date (YYYY-MM-DD)"))
                })
        };
        let (from, to) = (day("from")?, day("to")?);
        if from > to {
            return Err(JobFailure::Failed("params.from is after params.to".into()));
        }
        let days = (to - from).num_days() + 1;
        let mut start = from;
        let mut written = 0;
        while start <= to {
            context.progress((start - from).num_days() as f64 / days as f64, None)?;
            let end = (start + chrono::Duration::days(30)).min(to);
            written += refresh_daily_sales_range(context.connection(), start, end)?;
            start = end + chrono::Duration::days(1);
        }
        Ok(json!({"rows_written": written, "days": days}))
    }
}

/// Every kind the server runs.
pub fn builtin() -> Vec<Arc<dyn JobKind>> {
    vec![Arc::new(RefreshGold)]
}
