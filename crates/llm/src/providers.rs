//! The configured providers with one blocking HTTP client each, and the single request that
//! speaks the provider's wire protocol (with retries, see `http`).

use std::collections::HashSet;

use reqwest::blocking::Client;

use crate::config::{ProviderConfig, ProviderKind};
use crate::conversation::{ChatRequest, Reply};
use crate::error::LlmError;
use crate::{anthropic, http, openai};

/// The providers of a deployment, validated, with their clients built once.
#[derive(Debug)]
pub struct Providers {
    configs: Vec<ProviderConfig>,
    clients: Vec<Client>,
}

impl Providers {
    /// Validates every record (names unique) and builds their clients. No key is read here.
    pub fn new(configs: Vec<ProviderConfig>) -> Result<Providers, LlmError> {
        let mut names = HashSet::new();
        let mut clients = Vec::with_capacity(configs.len());
        for config in &configs {
            config.validate().map_err(LlmError::Config)?;
            if !names.insert(config.name.as_str()) {
                return Err(LlmError::Config(format!(
                    "two providers are named {}",
                    config.name
                )));
            }
            let client = Client::builder()
                .timeout(config.timeout())
                .build()
                .map_err(|error| {
                    LlmError::Config(format!("provider {}: {}", config.name, error.without_url()))
                })?;
            clients.push(client);
        }
        Ok(Providers { configs, clients })
    }

    pub fn configs(&self) -> &[ProviderConfig] {
        &self.configs
    }

    /// Sends one request to the provider named `name` (retrying transient failures).
    pub fn send(&self, name: &str, request: &ChatRequest) -> Result<Reply, LlmError> {
        let Some(index) = self.configs.iter().position(|config| config.name == name) else {
            return Err(LlmError::Config(format!("no provider is named {name}")));
        };
        let (config, client) = (&self.configs[index], &self.clients[index]);
        let key = match &config.api_key {
            Some(source) => Some(source.resolve().map_err(|message| LlmError::MissingKey {
                provider: config.name.clone(),
                message,
            })?),
            None => None,
        };
        let missing_key = |message| LlmError::MissingKey {
            provider: config.name.clone(),
            message,
        };
        let _span =
            tracing::info_span!("llm_request", provider = %config.name, model = %config.model)
                .entered();
        match config.kind {
            ProviderKind::OpenAiCompatible => {
                let headers = openai::headers(key.as_ref()).map_err(missing_key)?;
                let body = openai::body(&config.model, request);
                let url = config.endpoint(openai::PATH);
                let bytes = http::post_json(client, config, &url, headers, &body, key.as_ref())?;
                openai::reply(&config.name, &bytes)
            }
            ProviderKind::Anthropic => {
                let headers = anthropic::headers(key.as_ref()).map_err(missing_key)?;
                let body = anthropic::body(&config.model, request);
                let url = config.endpoint(anthropic::PATH);
                let bytes = http::post_json(client, config, &url, headers, &body, key.as_ref())?;
                anthropic::reply(&config.name, &bytes)
            }
        }
    }
}
