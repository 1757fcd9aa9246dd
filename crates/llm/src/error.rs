//! The errors of the provider layer. Each message is fit to show a user and holds no secret:
//! a rejected key is reported without the provider's text (which may quote part of the key),
//! and other provider messages have the key redacted before they get here.

use crate::config::Capability;
use crate::outcome::{Attempt, AttemptEnd};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LlmError {
    #[error("provider configuration: {0}")]
    Config(String),
    #[error("provider {provider} has no usable API key: {message}")]
    MissingKey { provider: String, message: String },
    #[error(
        "provider {provider} rejected the API key (HTTP {status}); check the key its configuration names"
    )]
    Unauthorized { provider: String, status: u16 },
    #[error("provider {provider} is rate limiting requests{}", retry_hint(*retry_after_seconds))]
    RateLimited {
        provider: String,
        retry_after_seconds: Option<u64>,
    },
    #[error("provider {provider} did not answer within {seconds} s")]
    Timeout { provider: String, seconds: f64 },
    #[error("provider {provider} cannot be reached: {message}")]
    Unreachable { provider: String, message: String },
    #[error("provider {provider} failed (HTTP {status}): {message}")]
    Server {
        provider: String,
        status: u16,
        message: String,
    },
    #[error("provider {provider} refused the request{}: {message}", status.map(|code| format!(" (HTTP {code})")).unwrap_or_default())]
    Refused {
        provider: String,
        status: Option<u16>,
        message: String,
    },
    #[error("provider {provider} sent a reply that is not the expected JSON: {message}")]
    Malformed { provider: String, message: String },
    #[error("provider {provider} still asked for tools after {rounds} tool rounds")]
    ToolRoundLimit { provider: String, rounds: usize },
    #[error("no enabled provider has the {capability} capability")]
    NoProvider { capability: Capability },
    #[error("no provider could answer: {}", failures(attempts))]
    AllProvidersFailed { attempts: Vec<Attempt> },
}

fn retry_hint(retry_after_seconds: Option<u64>) -> String {
    match retry_after_seconds {
        Some(seconds) => format!("; try again in {seconds} s"),
        None => "; try again shortly".into(),
    }
}

fn failures(attempts: &[Attempt]) -> String {
    let failed: Vec<String> = attempts
        .iter()
        .filter_map(|attempt| match &attempt.end {
            AttemptEnd::Failed(message) => Some(message.clone()),
            _ => None,
        })
        .collect();
    failed.join("; ")
}

impl LlmError {
    /// Whether the same request may succeed when sent again (429, 5xx, timeouts, connection).
    pub(crate) fn is_transient(&self) -> bool {
        matches!(
            self,
            LlmError::RateLimited { .. }
                | LlmError::Timeout { .. }
                | LlmError::Unreachable { .. }
                | LlmError::Server { .. }
        )
    }
}
