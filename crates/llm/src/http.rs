//! One JSON POST to a provider with retries: at most [`MAX_RETRIES`] more tries on 429 (after
//! the `retry-after` seconds), 5xx, timeouts and connection failures, with exponential backoff
//! otherwise. Non-2xx statuses become typed [`LlmError`]s with the key redacted.

use std::time::Duration;

use reqwest::blocking::Client;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::Value;

use crate::config::ProviderConfig;
use crate::error::LlmError;
use crate::secret::ApiKey;

/// Retries after the first try (seed 000: 2).
pub(crate) const MAX_RETRIES: u32 = 2;
/// The first backoff; doubled for each retry.
const BACKOFF: Duration = Duration::from_millis(200);
/// A `retry-after` longer than this is not waited for: the error goes back at once.
const MAX_RETRY_AFTER_SECONDS: u64 = 30;
/// Provider messages are cut to this many characters.
const MESSAGE_CHARS: usize = 300;

/// A failed try and, for 429, how long the provider asked us to wait.
struct Failure {
    error: LlmError,
    retry_after_seconds: Option<u64>,
}

/// POSTs `body` to `url` and returns the body of the 2xx reply.
pub(crate) fn post_json(
    client: &Client,
    config: &ProviderConfig,
    url: &str,
    headers: HeaderMap,
    body: &Value,
    key: Option<&ApiKey>,
) -> Result<Vec<u8>, LlmError> {
    let mut retry = 0;
    loop {
        match post_once(client, config, url, headers.clone(), body, key) {
            Ok(bytes) => return Ok(bytes),
            Err(failure) if failure.error.is_transient() && retry < MAX_RETRIES => {
                let Some(delay) = retry_delay(retry, failure.retry_after_seconds) else {
                    return Err(failure.error);
                };
                tracing::warn!(provider = %config.name, retry = retry + 1, delay_ms = delay.as_millis() as u64,
                    error = %failure.error, "provider request failed; retrying");
                std::thread::sleep(delay);
                retry += 1;
            }
            Err(failure) => return Err(failure.error),
        }
    }
}

/// How long to wait before retry number `retry` (0-based): the provider's `retry-after` when
/// it sent one (`None` when that is too long to wait), else 200 ms, 400 ms, …
fn retry_delay(retry: u32, retry_after_seconds: Option<u64>) -> Option<Duration> {
    match retry_after_seconds {
        Some(seconds) if seconds > MAX_RETRY_AFTER_SECONDS => None,
        Some(seconds) => Some(Duration::from_secs(seconds)),
        None => Some(BACKOFF * 2u32.pow(retry)),
    }
}

fn post_once(
    client: &Client,
    config: &ProviderConfig,
    url: &str,
    headers: HeaderMap,
    body: &Value,
    key: Option<&ApiKey>,
) -> Result<Vec<u8>, Failure> {
    let provider = config.name.clone();
    let redact = |text: String| match key {
        Some(key) => key.redact(&text),
        None => text,
    };
    let transport = |error: reqwest::Error| {
        let error = if error.is_timeout() {
            LlmError::Timeout {
                provider: provider.clone(),
                seconds: config.timeout_seconds,
            }
        } else {
            // Without the URL: a base URL may carry a key in its query.
            let message = redact(error.without_url().to_string());
            LlmError::Unreachable {
                provider: provider.clone(),
                message,
            }
        };
        Failure {
            error,
            retry_after_seconds: None,
        }
    };
    let response = client
        .post(url)
        .headers(headers)
        .json(body)
        .send()
        .map_err(transport)?;
    let status = response.status().as_u16();
    let retry_after_seconds = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    let bytes = response.bytes().map_err(transport)?;
    tracing::debug!(provider = %config.name, status, bytes = bytes.len(), "provider replied");
    if (200..300).contains(&status) {
        return Ok(bytes.to_vec());
    }
    let message = || redact(provider_message(&bytes, status));
    let error = match status {
        // The provider's text may quote part of the key: it is left out.
        401 | 403 => LlmError::Unauthorized { provider, status },
        429 => LlmError::RateLimited {
            provider,
            retry_after_seconds,
        },
        408 | 500..=599 => LlmError::Server {
            provider,
            status,
            message: message(),
        },
        _ => LlmError::Refused {
            provider,
            status: Some(status),
            message: message(),
        },
    };
    Err(Failure {
        error,
        retry_after_seconds,
    })
}

/// `error.message` of either provider's error body, else the start of the body.
fn provider_message(body: &[u8], status: u16) -> String {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let message = parsed
        .as_ref()
        .and_then(|value| value.pointer("/error/message"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| String::from_utf8_lossy(body).trim().to_owned());
    if message.is_empty() {
        return format!("HTTP {status} without a message");
    }
    message.chars().take(MESSAGE_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_honoured_and_backoff_doubles_otherwise() {
        assert_eq!(retry_delay(0, Some(2)), Some(Duration::from_secs(2)));
        assert_eq!(retry_delay(0, None), Some(Duration::from_millis(200)));
        assert_eq!(retry_delay(1, None), Some(Duration::from_millis(400)));
        assert_eq!(retry_delay(0, Some(3600)), None);
    }

    #[test]
    fn messages_come_from_either_error_shape() {
        let openai = br#"{"error":{"message":"The model is overloaded","type":"server_error"}}"#;
        assert_eq!(provider_message(openai, 500), "The model is overloaded");
        let anthropic = br#"{"type":"error","error":{"type":"api_error","message":"Internal"}}"#;
        assert_eq!(provider_message(anthropic, 500), "Internal");
        assert_eq!(provider_message(b"", 502), "HTTP 502 without a message");
    }
}
