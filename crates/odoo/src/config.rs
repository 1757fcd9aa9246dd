//! Connection settings for one Odoo database: where, who, which protocol, and how gently to
//! treat the server (timeout, retries, concurrent requests, page size).

use std::fmt;
use std::time::Duration;

/// An API key or password. Debug prints `***`; there is no Display, so it cannot end up in a
/// log line or an error message by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a key or password.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that sends it to Odoo.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Which of Odoo's external APIs to speak.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// JSON-2 when the server is Odoo 19 or later, JSON-RPC otherwise.
    Auto,
    /// `POST /json/2/<model>/<method>` with a bearer API key (Odoo 19+).
    Json2,
    /// `POST /jsonrpc`, services `common` and `object` (Odoo 16-18, deprecated in 19).
    JsonRpc,
    /// `POST /xmlrpc/2/common` and `/xmlrpc/2/object` (Odoo 16-18, deprecated in 19).
    XmlRpc,
}

/// Everything needed to talk to one Odoo database.
#[derive(Clone, Debug)]
pub struct OdooConfig {
    /// Base URL of the server, e.g. `https://erp.example.com` (no trailing path).
    pub url: String,
    /// Database name.
    pub database: String,
    /// Login of the user whose rights bound every call.
    pub login: String,
    /// API key (required for JSON-2) or password.
    pub secret: Secret,
    /// Protocol choice; `Auto` picks by the server's version.
    pub protocol: Protocol,
    /// Timeout of one HTTP request.
    pub timeout: Duration,
    /// Extra attempts after a 5xx reply, a timeout or a connection error, for calls that
    /// change nothing (a create or write whose reply was lost may have committed).
    pub retries: u32,
    /// Wait before the first retry; doubled for each further one.
    pub retry_backoff: Duration,
    /// Requests in flight at once, across all threads sharing the client.
    pub max_concurrent_requests: usize,
    /// Records per `search_read` page in [`crate::OdooClient::pages`].
    pub page_size: usize,
}

impl OdooConfig {
    /// Settings with the defaults: auto protocol, 60 s timeout, 3 retries from 500 ms,
    /// 4 concurrent requests, pages of 1000 records.
    pub fn new(
        url: impl Into<String>,
        database: impl Into<String>,
        login: impl Into<String>,
        secret: Secret,
    ) -> Self {
        Self {
            url: url.into().trim_end_matches('/').to_owned(),
            database: database.into(),
            login: login.into(),
            secret,
            protocol: Protocol::Auto,
            timeout: Duration::from_secs(60),
            retries: 3,
            retry_backoff: Duration::from_millis(500),
            max_concurrent_requests: 4,
            page_size: 1000,
        }
    }
}
