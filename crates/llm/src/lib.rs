//! LLM providers and the model router (seed 000's provider layer and
//! `ai.analyst.model.router`).
//!
//! The crate knows no HTTP server, no SQL and no store. The gateway gives it the tool schemas of
//! the user's workspace, executes each tool call itself (validated against the schema and the
//! dictionary, under the user's rules and budgets) and stores what [`Outcome`] reports.
//!
//! - [`ProviderConfig`]: one configured provider (kind, URL, model, key source, tier, prices).
//! - [`Providers`]: the configured providers with their HTTP clients; [`Providers::send`] makes
//!   one request with retries.
//! - [`route`] / [`choose`]: the deterministic router; [`run`]: the tool loop with escalation
//!   and fallback.
//! - [`Currency`] / [`ExchangeRate`]: THB and USD prices and limits, compared at a THB-per-USD
//!   rate.
//! - [`unmatched_figures`]: numbers in the model's prose that no tool result holds.
//! - `testkit` (feature): local servers that speak each provider's wire protocol.

mod anthropic;
mod budget;
mod config;
mod conversation;
mod currency;
mod data_fence;
mod error;
mod figures;
mod http;
mod openai;
mod outcome;
mod providers;
mod router;
mod secret;
mod tool_loop;

#[cfg(feature = "testkit")]
pub mod testkit;

pub use budget::{estimate_cost, within_budget};
pub use config::{Capability, CostTier, Price, ProviderConfig, ProviderKind};
pub use conversation::{
    ChatRequest, MalformedCall, Message, Reply, StopReason, ToolCall, ToolResult,
    ToolResultMessage, ToolSpec, ToolStatus, Usage,
};
pub use currency::{Currency, DEFAULT_THB_PER_USD, ExchangeRate, UnknownCurrency};
pub use data_fence::{DATA_RULE, fence};
pub use error::LlmError;
pub use figures::unmatched_figures;
pub use outcome::{Attempt, AttemptEnd, ExecutedCall, Outcome};
pub use providers::Providers;
pub use router::{Escalation, Route, Signal, SignalKind, candidates, choose, route};
pub use secret::{ApiKeySource, KeySourceError};
pub use tool_loop::{MAX_HISTORY_MESSAGES, MAX_TOOL_ROUNDS, run};
