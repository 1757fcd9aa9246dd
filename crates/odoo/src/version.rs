//! The server's version, read from `common.version` (JSON-RPC, XML-RPC) or `GET /web/version`
//! (Odoo 19+), which decides the protocol when the choice is automatic.

use serde_json::Value;

use crate::error::OdooError;

/// Odoo's version, e.g. series `17.0`, major 17.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerVersion {
    /// The series as the server names it (`"17.0"`, `"saas~17.2"`).
    pub series: String,
    /// The major version (17 for `17.0` and `saas~17.2`).
    pub major: u32,
    /// The minor version.
    pub minor: u32,
}

impl ServerVersion {
    /// Whether the JSON-2 API exists (Odoo 19 and later).
    pub fn has_json2(&self) -> bool {
        self.major >= 19
    }

    /// From `common.version`: `{"server_version": "17.0", "server_version_info": [17, 0, 0,
    /// "final", 0, ""], "server_serie": "17.0", "protocol_version": 1}`.
    pub(crate) fn from_common(value: &Value) -> Result<Self, OdooError> {
        Self::from_parts(
            value
                .get("server_serie")
                .or_else(|| value.get("server_version")),
            value.get("server_version_info"),
        )
    }

    /// From `GET /web/version`: `{"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"}`.
    pub(crate) fn from_web(value: &Value) -> Result<Self, OdooError> {
        Self::from_parts(value.get("version"), value.get("version_info"))
    }

    fn from_parts(series: Option<&Value>, info: Option<&Value>) -> Result<Self, OdooError> {
        let malformed = || OdooError::Protocol(format!("unrecognised version reply: {info:?}"));
        let info = info.and_then(Value::as_array).ok_or_else(malformed)?;
        let major = info
            .first()
            .and_then(version_number)
            .ok_or_else(malformed)?;
        let minor = info.get(1).and_then(version_number).unwrap_or(0);
        let series = series
            .and_then(Value::as_str)
            .map_or_else(|| format!("{major}.{minor}"), str::to_owned);
        Ok(Self {
            series,
            major,
            minor,
        })
    }
}

/// A version part: a number, or a string such as `"saas~17"`.
fn version_number(part: &Value) -> Option<u32> {
    if let Some(number) = part.as_u64() {
        return u32::try_from(number).ok();
    }
    let text = part.as_str()?;
    let digits: String = text
        .trim_start_matches("saas~")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_common_version_and_saas_series() {
        let v17 = ServerVersion::from_common(&json!({"server_version": "17.0",
            "server_version_info": [17, 0, 0, "final", 0, ""], "server_serie": "17.0",
            "protocol_version": 1}))
        .expect("17.0");
        assert_eq!((v17.major, v17.minor, v17.series.as_str()), (17, 0, "17.0"));
        assert!(!v17.has_json2());
        let saas = ServerVersion::from_common(&json!({"server_serie": "saas~18.2",
            "server_version_info": ["saas~18", 2, 0, "final", 0, ""]}))
        .expect("saas");
        assert_eq!((saas.major, saas.minor), (18, 2));
        let v19 = ServerVersion::from_web(&json!({"version_info": [19, 0, 0, "final", 0, ""],
            "version": "19.0"}))
        .expect("19.0");
        assert!(v19.has_json2());
        assert!(ServerVersion::from_common(&json!({"x": 1})).is_err());
    }
}
