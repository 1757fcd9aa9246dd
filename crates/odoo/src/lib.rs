//! Odoo's external APIs for the analyst: a blocking client that detects the server's version
//! and speaks JSON-2 (Odoo 19+), JSON-RPC or XML-RPC (Odoo 16-18), with typed errors mapped
//! from Odoo's real fault shapes, retries with backoff on transient failures and a limit on
//! concurrent requests so the ERP is never overloaded.
//!
//! With the `testkit` feature, [`testkit::FakeOdoo`] is a local server speaking the same wire
//! formats over generated fixture data, for this crate's tests and for the sync's.

mod call;
mod client;
mod config;
mod domain;
mod error;
mod limiter;
mod paging;
mod retry;
mod transport;
mod version;
pub mod xmlrpc;

#[cfg(feature = "testkit")]
pub mod testkit;

pub use call::{Call, Query, Record};
pub use client::{FieldInfo, OdooClient};
pub use config::{OdooConfig, Protocol, Secret};
pub use domain::{Domain, Operator};
pub use error::OdooError;
pub use paging::{Changes, Cursor, Pages};
pub use version::ServerVersion;
