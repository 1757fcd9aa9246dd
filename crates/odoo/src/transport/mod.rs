//! The wire: one HTTP layer (timeout, concurrency limit, retries) under the three protocols,
//! each of which turns a call into a request and a reply or fault into a value or an error.

pub(crate) mod json2;
pub(crate) mod jsonrpc;
pub(crate) mod xmlrpc;

use std::error::Error as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::blocking::{Client, RequestBuilder};

use crate::config::OdooConfig;
use crate::error::OdooError;
use crate::limiter::ConcurrencyLimit;
use crate::retry::RetryPolicy;

/// A reply below HTTP 500 (those are errors, retried): status and body.
pub(crate) struct Reply {
    pub status: u16,
    pub body: String,
}

/// The HTTP side shared by every protocol.
pub(crate) struct Http {
    client: Client,
    base_url: String,
    timeout: Duration,
    limit: ConcurrencyLimit,
    retry: RetryPolicy,
    next_id: AtomicU64,
}

impl Http {
    pub(crate) fn new(config: &OdooConfig) -> Result<Self, OdooError> {
        let client = Client::builder()
            .timeout(config.timeout)
            .user_agent(concat!("analyst-odoo/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| OdooError::Connection {
                url: config.url.clone(),
                message: format!("cannot build the HTTP client: {error}"),
            })?;
        Ok(Self {
            client,
            base_url: config.url.clone(),
            timeout: config.timeout,
            limit: ConcurrencyLimit::new(config.max_concurrent_requests),
            retry: RetryPolicy {
                retries: config.retries,
                backoff: config.retry_backoff,
            },
            next_id: AtomicU64::new(1),
        })
    }

    /// A fresh JSON-RPC request id.
    pub(crate) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// `POST path` with a body; retried on transient failures when `may_retry`.
    pub(crate) fn post(
        &self,
        path: &str,
        content_type: &str,
        body: &str,
        headers: &[(&str, &str)],
        may_retry: bool,
    ) -> Result<Reply, OdooError> {
        let url = format!("{}{path}", self.base_url);
        self.send(&url, may_retry, || {
            let mut request = self
                .client
                .post(&url)
                .header("Content-Type", content_type)
                .body(body.to_owned());
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            request
        })
    }

    /// `GET path`, retried on transient failures.
    pub(crate) fn get(&self, path: &str) -> Result<Reply, OdooError> {
        let url = format!("{}{path}", self.base_url);
        self.send(&url, true, || self.client.get(&url))
    }

    fn send(
        &self,
        url: &str,
        may_retry: bool,
        request: impl Fn() -> RequestBuilder,
    ) -> Result<Reply, OdooError> {
        let attempt = || {
            // The permit is held for one attempt only, never while backing off.
            let _permit = self.limit.acquire();
            let response = request()
                .send()
                .map_err(|error| self.transport_error(url, &error))?;
            let status = response.status().as_u16();
            let body = response
                .text()
                .map_err(|error| self.transport_error(url, &error))?;
            if status >= 500 {
                return Err(OdooError::Server {
                    status,
                    code: format!("HTTP {status}"),
                    message: snippet(&body),
                });
            }
            Ok(Reply { status, body })
        };
        if may_retry {
            self.retry.run(attempt)
        } else {
            attempt()
        }
    }

    fn transport_error(&self, url: &str, error: &reqwest::Error) -> OdooError {
        if error.is_timeout() {
            return OdooError::Timeout {
                url: url.to_owned(),
                timeout: self.timeout,
            };
        }
        let mut message = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        OdooError::Connection {
            url: url.to_owned(),
            message,
        }
    }
}

/// The start of a body for an error message (replies can be whole HTML pages).
pub(crate) fn snippet(body: &str) -> String {
    const MAX: usize = 300;
    let trimmed = body.trim();
    match trimmed.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &trimmed[..cut]),
        None => trimmed.to_owned(),
    }
}

/// An HTTP status other than 200 where a protocol expects 200.
pub(crate) fn unexpected_status(reply: &Reply) -> OdooError {
    OdooError::Server {
        status: reply.status,
        code: format!("HTTP {}", reply.status),
        message: snippet(&reply.body),
    }
}
