//! Domain types shared by every layer of the analyst.
//!
//! Nothing here touches a database, HTTP or an LLM: these are the words of ARCHITECTURE.md
//! (period, measure, dimension, semantic query, answer) as validated Rust types.

pub mod answer;
pub mod catalog;
pub mod error;
pub mod eval;
pub mod format;
pub mod period;
pub mod query;
pub mod rows;
pub mod scope;

pub use answer::Answer;
pub use catalog::{Dimension, Measure, ValueFormat};
pub use error::CoreError;
pub use period::{Compare, CompareKind, Grain, Period, Shift};
pub use query::{Filter, FilterOp, OrderBy, SemanticQuery, Tool};
pub use scope::DataScope;
