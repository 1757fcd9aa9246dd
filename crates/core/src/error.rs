//! Errors raised when a domain value cannot be constructed.

/// A value a user or a client gave that is not valid; the message says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    #[error("'{0}' is not a date: use YYYY-MM-DD, e.g. 2026-11-15")]
    InvalidDate(String),
    #[error("the period ends ({end}) before it starts ({start})")]
    PeriodEndsBeforeStart { start: String, end: String },
    #[error("unknown measure '{given}'; known measures: {known}")]
    UnknownMeasure { given: String, known: String },
    #[error("unknown dimension '{given}'; known dimensions: {known}")]
    UnknownDimension { given: String, known: String },
    #[error("unknown {what} '{given}'; expected one of: {known}")]
    UnknownName {
        what: &'static str,
        given: String,
        known: String,
    },
    #[error("invalid query: {0}")]
    InvalidQuery(String),
}
