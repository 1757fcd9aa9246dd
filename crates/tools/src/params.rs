//! Reading a tool's `params` (a JSON map) into checked values, with defaults, so every tool
//! reports a wrong parameter the same way: its name, what was given and what fits.

use std::fmt::Display;
use std::ops::RangeInclusive;

use serde_json::{Map, Value as Json};

use crate::ToolError;

/// A tool's parameters, read one by one.
pub(crate) struct Params<'a> {
    tool: &'static str,
    map: &'a Map<String, Json>,
}

impl<'a> Params<'a> {
    pub(crate) fn new(tool: &'static str, map: &'a Map<String, Json>) -> Self {
        Params { tool, map }
    }

    fn invalid(&self, message: String) -> ToolError {
        ToolError::InvalidParam {
            tool: self.tool,
            message,
        }
    }

    /// The parameter `name`, unless absent or null.
    fn given(&self, name: &str) -> Option<&'a Json> {
        self.map.get(name).filter(|value| !value.is_null())
    }

    /// `value` when in `range`, else an error naming the range.
    fn within<T: PartialOrd + Display>(
        &self,
        name: &str,
        value: T,
        range: RangeInclusive<T>,
    ) -> Result<T, ToolError> {
        if !range.contains(&value) {
            return Err(self.invalid(format!(
                "'{name}' must be between {} and {}, not {value}",
                range.start(),
                range.end()
            )));
        }
        Ok(value)
    }

    /// A whole number in `range`, or `default` when absent.
    pub(crate) fn integer(
        &self,
        name: &str,
        default: i64,
        range: RangeInclusive<i64>,
    ) -> Result<i64, ToolError> {
        let Some(given) = self.given(name) else {
            return Ok(default);
        };
        let value = given
            .as_i64()
            .or_else(|| {
                given
                    .as_f64()
                    .filter(|v| v.fract() == 0.0)
                    .map(|v| v as i64)
            })
            .or_else(|| given.as_str().and_then(|text| text.trim().parse().ok()))
            .ok_or_else(|| self.invalid(format!("'{name}' must be a whole number, not {given}")))?;
        self.within(name, value, range)
    }

    /// A number in `range`, or `default` when absent.
    pub(crate) fn number(
        &self,
        name: &str,
        default: f64,
        range: RangeInclusive<f64>,
    ) -> Result<f64, ToolError> {
        let Some(given) = self.given(name) else {
            return Ok(default);
        };
        let value = given
            .as_f64()
            .or_else(|| given.as_str().and_then(|text| text.trim().parse().ok()))
            .ok_or_else(|| self.invalid(format!("'{name}' must be a number, not {given}")))?;
        self.within(name, value, range)
    }

    /// One of `allowed` (case-insensitive), or `default` when absent.
    pub(crate) fn choice(
        &self,
        name: &str,
        default: &'static str,
        allowed: &[&'static str],
    ) -> Result<&'static str, ToolError> {
        let Some(given) = self.given(name) else {
            return Ok(default);
        };
        let text = given
            .as_str()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        allowed
            .iter()
            .copied()
            .find(|candidate| *candidate == text)
            .ok_or_else(|| {
                self.invalid(format!(
                    "'{name}' must be one of {}, not {given}",
                    allowed.join(", ")
                ))
            })
    }

    /// A boolean, or `default` when absent.
    pub(crate) fn flag(&self, name: &str, default: bool) -> Result<bool, ToolError> {
        match self.map.get(name) {
            None | Some(Json::Null) => Ok(default),
            Some(Json::Bool(value)) => Ok(*value),
            Some(other) => {
                Err(self.invalid(format!("'{name}' must be true or false, not {other}")))
            }
        }
    }

    /// Fails on a parameter the tool does not know, naming the ones it does.
    pub(crate) fn only(&self, known: &[&str]) -> Result<(), ToolError> {
        match self.map.keys().find(|key| !known.contains(&key.as_str())) {
            Some(unknown) => Err(self.invalid(format!(
                "unknown parameter '{unknown}'; known parameters: {}",
                known.join(", ")
            ))),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_defaults_values_and_says_what_fits() {
        let map: Map<String, Json> =
            serde_json::from_str(r#"{"horizon_days": 14, "level": "97.5", "state": "OPEN"}"#)
                .unwrap();
        let params = Params::new("stock_coverage", &map);
        assert_eq!(params.integer("horizon_days", 30, 1..=365).unwrap(), 14);
        assert_eq!(params.integer("missing", 30, 1..=365).unwrap(), 30);
        assert_eq!(params.number("level", 95.0, 50.0..=99.9).unwrap(), 97.5);
        assert_eq!(
            params.choice("state", "all", &["all", "open"]).unwrap(),
            "open"
        );
        let error = params.integer("horizon_days", 30, 20..=365).unwrap_err();
        assert_eq!(
            error.to_string(),
            "stock_coverage: 'horizon_days' must be between 20 and 365, not 14"
        );
        assert!(params.only(&["horizon_days"]).is_err());
    }
}
