//! Errors of the tools: what the user asked cannot be answered, or the store failed.

use analyst_core::CoreError;
use analyst_semantic::SemanticError;
use analyst_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// A parameter is missing, of the wrong type or out of range; the message says what fits.
    #[error("{tool}: {message}")]
    InvalidParam { tool: &'static str, message: String },
    /// The tool cannot group or filter by this dimension.
    #[error("{tool} cannot {action} by {dimension}; it can use: {allowed}")]
    UnsupportedDimension {
        tool: &'static str,
        action: &'static str,
        dimension: String,
        allowed: String,
    },
    /// `sales_by_dimension` is answered by the semantic layer, not by a tool.
    #[error("{0} is not a registered tool here; the semantic layer answers it")]
    NotATool(&'static str),
    #[error(transparent)]
    Invalid(#[from] CoreError),
    #[error(transparent)]
    Semantic(#[from] SemanticError),
    #[error(transparent)]
    Store(#[from] StoreError),
}
