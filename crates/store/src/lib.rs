//! The store: where canonical data, aggregates and application records live.
//!
//! Everything above this crate talks to the store through [`Connection`], written in the SQL
//! dialect common to DuckDB and PostgreSQL (`$1` parameters). Only this crate knows DuckDB and
//! PostgreSQL.

mod connection;
mod duck;
mod error;
pub mod gold;
pub mod load;
mod location;
mod migrate;
mod pg;
mod pool;
pub mod readonly;
pub mod stream;
#[cfg(feature = "testkit")]
pub mod testkit;
mod value;
mod writer;

pub use connection::{Connection, Rows, transaction};
pub use duck::{DuckConnection, memory_size};
pub use error::StoreError;
pub use location::{AccessMode, Location, STORE_FILE, open, redact};
pub use pg::PgConnection;
pub use pool::{Pool, Pooled};
pub use value::Value;
pub use writer::{Gatherer, WriteJob, Writer};

/// Arrow, the columnar format of streamed results ([`Connection::stream`]).
pub use duckdb::arrow;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
