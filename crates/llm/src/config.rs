//! A provider as a record: where it is, which model, how its key is found, what it costs and
//! what it is good for (seed 000's provider configs with `cost_tier` and `capability_tags`).

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::currency::Currency;
use crate::secret::ApiKeySource;

/// The wire protocol a provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// Chat Completions: OpenAI, Azure OpenAI's `/openai/v1`, llama.cpp, vLLM, Ollama `/v1`.
    OpenAiCompatible,
    /// Anthropic Messages.
    Anthropic,
}

/// How expensive a provider is; the router picks the cheapest tier that does the job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostTier {
    Cheap,
    Standard,
    Premium,
}

impl CostTier {
    /// Every tier, cheapest first.
    pub const ALL: [CostTier; 3] = [CostTier::Cheap, CostTier::Standard, CostTier::Premium];

    /// The tier an escalation moves to; `None` above premium.
    pub fn next(self) -> Option<CostTier> {
        match self {
            CostTier::Cheap => Some(CostTier::Standard),
            CostTier::Standard => Some(CostTier::Premium),
            CostTier::Premium => None,
        }
    }

    /// How many tool calls one answer may make in this tier before it escalates (doc 08:
    /// 3 cheap, 6 standard; premium is bounded only by the tool-round limit).
    pub fn max_tool_calls(self) -> Option<usize> {
        match self {
            CostTier::Cheap => Some(3),
            CostTier::Standard => Some(6),
            CostTier::Premium => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CostTier::Cheap => "cheap",
            CostTier::Standard => "standard",
            CostTier::Premium => "premium",
        }
    }
}

impl fmt::Display for CostTier {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// What a provider may be used for (seed 000's capability tags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    Analytics,
    Reasoning,
    Actions,
}

impl fmt::Display for Capability {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Capability::Analytics => "analytics",
            Capability::Reasoning => "reasoning",
            Capability::Actions => "actions",
        })
    }
}

/// Price per 1,000 tokens, in one currency: `THB` or `USD` (see [`Currency`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Price {
    pub input_per_1k: f64,
    pub output_per_1k: f64,
    pub currency: String,
}

impl Price {
    /// The cost of `input` and `output` tokens.
    pub fn cost(&self, input_tokens: u64, output_tokens: u64) -> f64 {
        input_tokens as f64 / 1000.0 * self.input_per_1k
            + output_tokens as f64 / 1000.0 * self.output_per_1k
    }
}

/// One configured provider. The API key is named by its source and read when a request is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderConfig {
    /// Unique name, shown in `meta.provider` and in errors.
    pub name: String,
    pub kind: ProviderKind,
    /// `https://api.openai.com/v1`, `http://localhost:8080/v1` (llama.cpp),
    /// `https://api.anthropic.com` (the client appends `/chat/completions` or `/v1/messages`).
    pub base_url: String,
    pub model: String,
    /// `None` for local servers that take no key.
    #[serde(default)]
    pub api_key: Option<ApiKeySource>,
    pub tier: CostTier,
    #[serde(default = "default_capabilities")]
    pub capabilities: Vec<Capability>,
    pub price: Price,
    #[serde(default = "default_timeout_seconds")]
    pub timeout_seconds: f64,
    /// Higher first among the enabled providers of a tier.
    #[serde(default)]
    pub priority: i32,
    #[serde(default = "default_enabled")]
    pub enabled: bool,
}

fn default_capabilities() -> Vec<Capability> {
    vec![Capability::Analytics]
}

fn default_timeout_seconds() -> f64 {
    60.0
}

fn default_enabled() -> bool {
    true
}

impl ProviderConfig {
    /// Checks what a request would otherwise fail on late; the message says what to fix.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("a provider needs a name".into());
        }
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            return Err(format!(
                "provider {}: base_url must start with http:// or https:// (got {:?})",
                self.name, self.base_url
            ));
        }
        if self.model.trim().is_empty() {
            return Err(format!("provider {}: the model is empty", self.name));
        }
        if !(self.timeout_seconds.is_finite() && self.timeout_seconds > 0.0) {
            return Err(format!(
                "provider {}: timeout_seconds must be a positive number of seconds",
                self.name
            ));
        }
        let price = &self.price;
        if !(price.input_per_1k >= 0.0 && price.output_per_1k >= 0.0) {
            return Err(format!("provider {}: prices cannot be negative", self.name));
        }
        if let Err(unknown) = price.currency.parse::<Currency>() {
            return Err(format!("provider {}: {unknown}", self.name));
        }
        Ok(())
    }

    /// The request timeout (validated positive and finite by [`crate::Providers::new`]).
    pub fn timeout(&self) -> Duration {
        Duration::try_from_secs_f64(self.timeout_seconds).unwrap_or(Duration::from_secs(60))
    }

    pub fn has(&self, capability: Capability) -> bool {
        self.capabilities.contains(&capability)
    }

    /// `base_url` joined with `path` without a doubled slash.
    pub(crate) fn endpoint(&self, path: &str) -> String {
        format!("{}/{}", self.base_url.trim_end_matches('/'), path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_record_takes_the_defaults() {
        let config: ProviderConfig = serde_json::from_value(serde_json::json!({
            "name": "local", "kind": "open_ai_compatible", "base_url": "http://localhost:8080/v1/",
            "model": "qwen", "tier": "cheap",
            "price": {"input_per_1k": 0.0, "output_per_1k": 0.0, "currency": "THB"}
        }))
        .expect("config");
        assert_eq!(config.timeout(), Duration::from_secs(60));
        assert!(config.enabled && config.has(Capability::Analytics) && config.api_key.is_none());
        assert_eq!(
            config.endpoint("chat/completions"),
            "http://localhost:8080/v1/chat/completions"
        );
        assert_eq!(config.validate(), Ok(()));
    }

    #[test]
    fn prices_are_in_thb_or_usd() {
        let mut config: ProviderConfig = serde_json::from_value(serde_json::json!({
            "name": "openai", "kind": "open_ai_compatible", "base_url": "https://api.openai.com/v1",
            "model": "gpt-4o-mini", "tier": "standard",
            "price": {"input_per_1k": 0.1, "output_per_1k": 0.2, "currency": "usd"}
        }))
        .expect("config");
        assert_eq!(config.validate(), Ok(()));
        config.price.currency = "EUR".into();
        assert_eq!(
            config.validate(),
            Err(
                "provider openai: unknown currency 'EUR': AI prices and limits are in THB or USD"
                    .into()
            )
        );
    }

    #[test]
    fn price_times_tokens() {
        let price = Price {
            input_per_1k: 0.5,
            output_per_1k: 1.5,
            currency: "USD".into(),
        };
        assert!((price.cost(2000, 1000) - 2.5).abs() < 1e-9);
    }

    #[test]
    fn tiers_escalate_upwards_with_their_tool_call_limits() {
        assert_eq!(CostTier::Cheap.next(), Some(CostTier::Standard));
        assert_eq!(CostTier::Premium.next(), None);
        assert_eq!(CostTier::Cheap.max_tool_calls(), Some(3));
        assert_eq!(CostTier::Standard.max_tool_calls(), Some(6));
    }
}
