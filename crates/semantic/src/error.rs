//! Errors of the semantic layer.

use analyst_core::{CoreError, Dimension};
use analyst_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum SemanticError {
    #[error(transparent)]
    Invalid(#[from] CoreError),
    #[error("{}", unknown_value_message(*dimension, given, suggestions, *close))]
    UnknownValue {
        dimension: Dimension,
        given: String,
        /// Close matches when `close`, else a sample of the known values.
        suggestions: Vec<String>,
        close: bool,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn unknown_value_message(
    dimension: Dimension,
    given: &str,
    suggestions: &[String],
    close: bool,
) -> String {
    let name = dimension.label().to_lowercase();
    match (suggestions, close) {
        ([], _) => format!("unknown {name} '{given}': the data holds no {name} values yet"),
        ([one], true) => format!("unknown {name} '{given}' — did you mean {one}?"),
        (many, true) => format!(
            "unknown {name} '{given}' — did you mean one of: {}?",
            many.join(", ")
        ),
        (sample, false) => format!(
            "unknown {name} '{given}'; known values include: {}",
            sample.join(", ")
        ),
    }
}
