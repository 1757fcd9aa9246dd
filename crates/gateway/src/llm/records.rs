//! Provider records (`app.llm_provider`): configuration as data, edited by administrators at
//! run time. A record names where its API key is read (`env:VAR`, `file:/path`); no key is
//! ever stored, and nothing here reads one.

use analyst_llm::{
    ApiKeySource, Capability, CostTier, Currency, Price, ProviderConfig, ProviderKind, Providers,
};
use analyst_store::{Connection, StoreError, Value};
use chrono::NaiveDateTime;

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// A record that cannot be used; the message says what to fix.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

const COLUMNS: &str = "name, kind, base_url, model, api_key_source, tier, capabilities, \
    price_input_per_1k, price_output_per_1k, currency, timeout_seconds, priority, enabled";

/// Every provider record, by name.
pub fn list(connection: &dyn Connection) -> Result<Vec<ProviderConfig>, ProviderError> {
    let rows = connection.query(
        &format!("SELECT {COLUMNS} FROM app.llm_provider ORDER BY name"),
        &[],
    )?;
    rows.rows.iter().map(|row| from_row(row)).collect()
}

/// The providers of the records, ready to send requests; `None` when there is none (the
/// deterministic analyst answers alone).
pub fn load(connection: &dyn Connection) -> Result<Option<Providers>, ProviderError> {
    let configs = list(connection)?;
    if configs.is_empty() {
        return Ok(None);
    }
    Providers::new(configs)
        .map(Some)
        .map_err(|error| ProviderError::Invalid(error.to_string()))
}

/// Adds a provider, or replaces the one of the same name; checked first as the server would
/// use it.
pub fn save(
    connection: &dyn Connection,
    config: &ProviderConfig,
    now: NaiveDateTime,
) -> Result<(), ProviderError> {
    Providers::new(vec![config.clone()])
        .map_err(|error| ProviderError::Invalid(error.to_string()))?;
    // Stored as its code (`usd` → `USD`), so the day's spend sums by one spelling.
    let currency = config
        .price
        .currency
        .parse::<Currency>()
        .map_err(|error| ProviderError::Invalid(error.to_string()))?;
    let capabilities = serde_json::to_string(&config.capabilities)
        .map_err(|error| ProviderError::Invalid(error.to_string()))?;
    let key_source = match &config.api_key {
        Some(source) => Value::Text(source.to_string()),
        None => Value::Null,
    };
    let params = [
        Value::Text(config.name.clone()),
        Value::Text(kind_name(config.kind).into()),
        Value::Text(config.base_url.clone()),
        Value::Text(config.model.clone()),
        key_source,
        Value::Text(config.tier.as_str().into()),
        Value::Text(capabilities),
        Value::Float(config.price.input_per_1k),
        Value::Float(config.price.output_per_1k),
        Value::Text(currency.as_str().into()),
        Value::Float(config.timeout_seconds),
        Value::Int(i64::from(config.priority)),
        Value::Bool(config.enabled),
        Value::Timestamp(now),
    ];
    connection.execute(
        &format!(
            "INSERT INTO app.llm_provider ({COLUMNS}, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
                 ON CONFLICT (name) DO UPDATE SET kind = excluded.kind,
                    base_url = excluded.base_url, model = excluded.model,
                    api_key_source = excluded.api_key_source, tier = excluded.tier,
                    capabilities = excluded.capabilities,
                    price_input_per_1k = excluded.price_input_per_1k,
                    price_output_per_1k = excluded.price_output_per_1k,
                    currency = excluded.currency, timeout_seconds = excluded.timeout_seconds,
                    priority = excluded.priority, enabled = excluded.enabled,
                    updated_at = excluded.updated_at"
        ),
        &params,
    )?;
    Ok(())
}

/// Removes the provider named `name`; whether there was one.
pub fn remove(connection: &dyn Connection, name: &str) -> Result<bool, ProviderError> {
    let removed = connection.execute(
        "DELETE FROM app.llm_provider WHERE name = $1",
        &[name.into()],
    )?;
    Ok(removed > 0)
}

fn kind_name(kind: ProviderKind) -> &'static str {
    match kind {
        ProviderKind::OpenAiCompatible => "open_ai_compatible",
        ProviderKind::Anthropic => "anthropic",
    }
}

fn from_row(row: &[Value]) -> Result<ProviderConfig, ProviderError> {
    let text = |index: usize| row.get(index).and_then(Value::as_str).unwrap_or_default();
    let number = |index: usize| row.get(index).and_then(Value::as_f64).unwrap_or_default();
    let name = text(0).to_string();
    let invalid = |what: &str| ProviderError::Invalid(format!("provider {name}: {what}"));
    let kind = match text(1) {
        "open_ai_compatible" => ProviderKind::OpenAiCompatible,
        "anthropic" => ProviderKind::Anthropic,
        other => return Err(invalid(&format!("unknown kind '{other}'"))),
    };
    let tier = CostTier::ALL
        .into_iter()
        .find(|tier| tier.as_str() == text(5))
        .ok_or_else(|| invalid(&format!("unknown tier '{}'", text(5))))?;
    let api_key = match row.get(4).and_then(Value::as_str) {
        Some(source) => Some(
            source
                .parse::<ApiKeySource>()
                .map_err(|error| invalid(&error.to_string()))?,
        ),
        None => None,
    };
    let capabilities: Vec<Capability> = serde_json::from_str(text(6))
        .map_err(|error| invalid(&format!("capabilities: {error}")))?;
    Ok(ProviderConfig {
        kind,
        base_url: text(2).to_string(),
        model: text(3).to_string(),
        api_key,
        tier,
        capabilities,
        price: Price {
            input_per_1k: number(7),
            output_per_1k: number(8),
            currency: text(9).to_string(),
        },
        timeout_seconds: number(10),
        priority: row
            .get(11)
            .and_then(Value::as_i64)
            .and_then(|priority| i32::try_from(priority).ok())
            .unwrap_or_default(),
        enabled: row.get(12).and_then(Value::as_bool).unwrap_or(true),
        name,
    })
}
