//! What a run of the tool loop reports: the answer, every tool call with its result, and one
//! [`Attempt`] per provider tried (tokens and cost, for the gateway's provider records).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::CostTier;
use crate::conversation::{ToolCall, ToolResult, Usage};
use crate::router::{Escalation, Route};

/// One provider's part of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attempt {
    pub provider: String,
    pub model: String,
    pub tier: CostTier,
    pub usage: Usage,
    /// `price × tokens` in `currency`.
    pub cost: f64,
    pub currency: String,
    pub end: AttemptEnd,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum AttemptEnd {
    Answered,
    /// Handed to a higher tier.
    Escalated(Escalation),
    /// A provider error (user-fit message); the next provider was tried.
    Failed(String),
}

/// A tool call the model made, with the result it was given back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExecutedCall {
    pub provider: String,
    pub call: ToolCall,
    pub result: ToolResult,
}

/// The result of [`crate::run`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// The model's prose. Figures shown to the user come from the tool results, never from
    /// here; see [`crate::unmatched_figures`].
    pub text: String,
    /// The provider that wrote `text`.
    pub provider: String,
    pub model: String,
    pub tier: CostTier,
    /// Every call of every attempt, in order, refused and invalid ones included.
    pub calls: Vec<ExecutedCall>,
    /// Calls to tools outside the request's allowlist.
    pub refused_calls: usize,
    pub attempts: Vec<Attempt>,
    /// The route with the escalations and fallbacks of this run added to its reasons.
    pub route: Route,
}

impl Outcome {
    /// Tokens of every attempt (escalated and failed attempts were paid for too).
    pub fn usage(&self) -> Usage {
        let mut total = Usage::default();
        for attempt in &self.attempts {
            total += attempt.usage;
        }
        total
    }

    /// Cost of every attempt, per currency.
    pub fn cost(&self) -> BTreeMap<String, f64> {
        let mut costs = BTreeMap::new();
        for attempt in &self.attempts {
            *costs.entry(attempt.currency.clone()).or_insert(0.0) += attempt.cost;
        }
        costs
    }
}
