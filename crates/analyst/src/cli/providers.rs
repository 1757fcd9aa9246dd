//! `analyst providers list|add|remove`: the LLM providers that answer the questions the NL
//! parser does not understand (while the server is stopped; a running server holds the store
//! and offers the same at /api/v1/providers). A record names where its API key is read, never
//! the key.

use std::process::ExitCode;

use analyst_gateway::providers;
use analyst_llm::{ApiKeySource, Capability, CostTier, Price, ProviderConfig, ProviderKind};
use analyst_store::AccessMode;
use clap::{Subcommand, ValueEnum};

use super::{Settings, render};

#[derive(Debug, Subcommand)]
pub enum ProvidersCommand {
    /// List the providers: kind, model, URL, where the key is read, tier, prices.
    List,
    /// Add a provider, or replace the one of the same name.
    Add {
        /// A unique name, shown in answers' `meta.provider`.
        name: String,
        #[arg(long, value_enum)]
        kind: Kind,
        /// e.g. https://api.openai.com/v1, https://api.anthropic.com, http://localhost:8080/v1.
        #[arg(long)]
        base_url: String,
        #[arg(long)]
        model: String,
        /// Where the API key is read: env:VARIABLE or file:/path (never the key itself);
        /// omit for local servers that take none.
        #[arg(long)]
        api_key: Option<ApiKeySource>,
        #[arg(long, value_enum, default_value = "standard")]
        tier: Tier,
        /// What it may be used for (repeat or comma-separate): analytics, reasoning, actions.
        #[arg(long, value_enum, value_delimiter = ',', default_value = "analytics")]
        capability: Vec<Use>,
        /// Price per 1,000 input tokens.
        #[arg(long, default_value_t = 0.0)]
        input_per_1k: f64,
        /// Price per 1,000 output tokens.
        #[arg(long, default_value_t = 0.0)]
        output_per_1k: f64,
        /// The prices' currency (THB, USD, …).
        #[arg(long, default_value = "THB")]
        currency: String,
        #[arg(long, default_value_t = 60.0)]
        timeout_seconds: f64,
        /// Higher first among the providers of a tier.
        #[arg(long, default_value_t = 0)]
        priority: i32,
        /// Store it disabled.
        #[arg(long)]
        disabled: bool,
    },
    /// Remove a provider.
    Remove { name: String },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    /// OpenAI, Azure OpenAI, llama.cpp, vLLM, Ollama (Chat Completions).
    OpenaiCompatible,
    /// Anthropic Messages.
    Anthropic,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Tier {
    Cheap,
    Standard,
    Premium,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Use {
    Analytics,
    Reasoning,
    Actions,
}

pub fn run(settings: &Settings, command: ProvidersCommand) -> anyhow::Result<ExitCode> {
    let connection = settings.open(AccessMode::ReadWrite)?;
    let connection = connection.as_ref();
    match command {
        ProvidersCommand::List => {
            let mut grid = render::new_grid(
                [
                    "name",
                    "kind",
                    "model",
                    "base URL",
                    "key",
                    "tier",
                    "price/1k in,out",
                    "priority",
                    "enabled",
                ]
                .map(String::from),
            );
            for record in providers::list(connection)? {
                grid.add_row([
                    record.name.clone(),
                    kind_name(record.kind).to_string(),
                    record.model.clone(),
                    record.base_url.clone(),
                    record
                        .api_key
                        .as_ref()
                        .map_or_else(|| "none".into(), ToString::to_string),
                    record.tier.to_string(),
                    format!(
                        "{} / {} {}",
                        record.price.input_per_1k,
                        record.price.output_per_1k,
                        record.price.currency
                    ),
                    record.priority.to_string(),
                    if record.enabled { "yes" } else { "no" }.to_string(),
                ]);
            }
            println!("{grid}");
        }
        ProvidersCommand::Add {
            name,
            kind,
            base_url,
            model,
            api_key,
            tier,
            capability,
            input_per_1k,
            output_per_1k,
            currency,
            timeout_seconds,
            priority,
            disabled,
        } => {
            let record = ProviderConfig {
                name,
                kind: match kind {
                    Kind::OpenaiCompatible => ProviderKind::OpenAiCompatible,
                    Kind::Anthropic => ProviderKind::Anthropic,
                },
                base_url,
                model,
                api_key,
                tier: match tier {
                    Tier::Cheap => CostTier::Cheap,
                    Tier::Standard => CostTier::Standard,
                    Tier::Premium => CostTier::Premium,
                },
                capabilities: capability
                    .into_iter()
                    .map(|used| match used {
                        Use::Analytics => Capability::Analytics,
                        Use::Reasoning => Capability::Reasoning,
                        Use::Actions => Capability::Actions,
                    })
                    .collect(),
                price: Price {
                    input_per_1k,
                    output_per_1k,
                    currency,
                },
                timeout_seconds,
                priority,
                enabled: !disabled,
            };
            providers::save(connection, &record, chrono::Utc::now().naive_utc())?;
            println!(
                "Provider {} saved: {} {} ({} tier).",
                record.name,
                kind_name(record.kind),
                record.model,
                record.tier
            );
        }
        ProvidersCommand::Remove { name } => {
            if !providers::remove(connection, &name)? {
                anyhow::bail!("no provider '{name}'; `analyst providers list` lists them");
            }
            println!("Provider {name} removed.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn kind_name(kind: ProviderKind) -> &'static str {
    match kind {
        ProviderKind::OpenAiCompatible => "OpenAI-compatible",
        ProviderKind::Anthropic => "Anthropic",
    }
}
