//! The semantic layer: what measures and dimensions mean in SQL, and how a semantic query
//! becomes one SQL statement on the store.
//!
//! Identifiers in the SQL come only from this crate's catalogue; every value a user gave is a
//! parameter.

mod catalog;
mod compile;
pub mod dictionary;
mod error;
mod run;
pub mod scoped;
pub mod values;

pub use catalog::Source;
pub use compile::{CompiledQuery, INLINE_ROW_LIMIT, OutputColumn, compile, compile_all_rows};
pub use error::SemanticError;
pub use run::{QueryResult, ResultRow, execute};
pub use scoped::{ScopedConnection, scoped};
