//! Where a provider's API key comes from (`env:VAR` or `file:/path`), read only when a request
//! is sent. The key itself lives in [`ApiKey`], which never prints, logs or serializes.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The source of an API key: an environment variable or a secret file (its content, trimmed).
/// Serialized as `env:VAR` / `file:/path`: the name of the place, never the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ApiKeySource {
    Env(String),
    File(PathBuf),
}

/// A key source written in neither accepted form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an API key source is written `env:VARIABLE` or `file:/path/to/secret`, not `{0}`")]
pub struct KeySourceError(String);

impl FromStr for ApiKeySource {
    type Err = KeySourceError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if let Some(variable) = text.strip_prefix("env:").filter(|name| !name.is_empty()) {
            return Ok(ApiKeySource::Env(variable.to_owned()));
        }
        if let Some(path) = text.strip_prefix("file:").filter(|path| !path.is_empty()) {
            return Ok(ApiKeySource::File(PathBuf::from(path)));
        }
        // Only the prefix is echoed: the text may be a key pasted in the wrong place.
        let shown: String = text.chars().take(4).collect();
        Err(KeySourceError(format!("{shown}…")))
    }
}

impl TryFrom<String> for ApiKeySource {
    type Error = KeySourceError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<ApiKeySource> for String {
    fn from(source: ApiKeySource) -> String {
        source.to_string()
    }
}

impl fmt::Display for ApiKeySource {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiKeySource::Env(variable) => write!(formatter, "env:{variable}"),
            ApiKeySource::File(path) => write!(formatter, "file:{}", path.display()),
        }
    }
}

impl ApiKeySource {
    /// Reads the key now (so a rotated key is picked up without a restart). The error names
    /// the place to fix, never a key.
    pub(crate) fn resolve(&self) -> Result<ApiKey, String> {
        let key = match self {
            ApiKeySource::Env(variable) => std::env::var(variable)
                .map_err(|_| format!("the environment variable {variable} is not set"))?,
            ApiKeySource::File(path) => std::fs::read_to_string(path).map_err(|error| {
                format!(
                    "the key file {} cannot be read ({})",
                    path.display(),
                    error.kind()
                )
            })?,
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(format!("{self} holds an empty key"));
        }
        Ok(ApiKey(key.to_owned()))
    }
}

/// A resolved API key. Debug prints `***`; the value is reachable only inside this crate, to
/// set a request header or to redact it from a provider's message.
#[derive(Clone)]
pub(crate) struct ApiKey(String);

impl ApiKey {
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with every occurrence of the key replaced by `***`.
    pub(crate) fn redact(&self, text: &str) -> String {
        text.replace(&self.0, "***")
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_parse_and_print_as_written() {
        let env: ApiKeySource = "env:OPENAI_API_KEY".parse().expect("env source");
        assert_eq!(env, ApiKeySource::Env("OPENAI_API_KEY".into()));
        assert_eq!(env.to_string(), "env:OPENAI_API_KEY");
        let file: ApiKeySource = "file:/run/secrets/anthropic".parse().expect("file source");
        assert_eq!(file.to_string(), "file:/run/secrets/anthropic");
    }

    #[test]
    fn a_pasted_key_is_refused_without_echoing_it() {
        let error = "sk-live-0123456789abcdef"
            .parse::<ApiKeySource>()
            .expect_err("not a source");
        assert!(!error.to_string().contains("0123456789"), "{error}");
    }

    #[test]
    fn a_file_key_is_trimmed_and_hidden_in_debug() {
        let dir = std::env::temp_dir().join(format!("analyst-llm-key-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("key");
        std::fs::write(&path, "sk-file-secret\n").expect("write key");
        let key = ApiKeySource::File(path).resolve().expect("key");
        assert_eq!(key.expose(), "sk-file-secret");
        assert_eq!(format!("{key:?}"), "***");
        assert_eq!(key.redact("bad key sk-file-secret."), "bad key ***.");
        std::fs::remove_dir_all(dir).expect("clean up");
    }

    #[test]
    fn a_missing_variable_names_the_variable() {
        let error = ApiKeySource::Env("ANALYST_LLM_TEST_UNSET_VARIABLE".into())
            .resolve()
            .expect_err("unset");
        assert!(error.contains("ANALYST_LLM_TEST_UNSET_VARIABLE"), "{error}");
    }
}
