//! [`FakeOpenAi`]: a local Chat Completions server (`POST /v1/chat/completions`) that checks
//! requests as OpenAI does: Bearer key, a model, messages whose tool calls carry string
//! arguments and are each answered by a `role: "tool"` message, non-empty function tools.

use std::collections::HashSet;

use axum::http::HeaderMap;
use serde_json::{Value, json};

use crate::config::{CostTier, ProviderConfig, ProviderKind};
use crate::testkit::script::{Action, Arguments, ReceivedRequest, Step};
use crate::testkit::server::{FakeServer, Protocol};

/// A fake OpenAI-compatible provider. See the [module](crate::testkit) documentation.
pub struct FakeOpenAi {
    server: FakeServer,
}

impl FakeOpenAi {
    /// Starts a server that accepts only `api_key`.
    pub fn start(api_key: &str) -> FakeOpenAi {
        FakeOpenAi {
            server: FakeServer::start::<OpenAi>(api_key),
        }
    }

    /// `http://127.0.0.1:{port}/v1`.
    pub fn base_url(&self) -> String {
        self.server.base_url::<OpenAi>()
    }

    /// A provider record for this server: its key in a file source, model `{name}-model`,
    /// 1 USD per 1k input and 2 USD per 1k output tokens, a 10 s timeout.
    pub fn config(&self, name: &str, tier: CostTier) -> ProviderConfig {
        self.server.config::<OpenAi>(name, tier)
    }

    /// Appends steps to the script.
    pub fn script(&self, steps: impl IntoIterator<Item = Step>) {
        self.server.script(steps);
    }

    /// Every request received, in order.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.server.requests()
    }

    /// Steps not yet answered.
    pub fn unused_steps(&self) -> usize {
        self.server.unused_steps()
    }
}

struct OpenAi;

impl Protocol for OpenAi {
    const PATH: &'static str = "/v1/chat/completions";
    const KIND: ProviderKind = ProviderKind::OpenAiCompatible;
    const BASE_PATH: &'static str = "/v1";
    const INVALID: &'static str = "invalid_request_error";
    const RATE_LIMIT: &'static str = "requests";
    const SERVER: &'static str = "server_error";

    fn authenticate(headers: &HeaderMap, key: &str) -> Result<(), Value> {
        let presented = headers
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .unwrap_or("");
        if presented == key {
            return Ok(());
        }
        // Like OpenAI, the message quotes part of the key it was given.
        let start: String = presented.chars().take(3).collect();
        let end: String = presented
            .chars()
            .rev()
            .take(2)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let message = format!(
            "Incorrect API key provided: {start}***{end}. You can find your API key at https://platform.openai.com/account/api-keys."
        );
        Err(
            json!({"error": {"message": message, "type": "invalid_request_error", "param": null,
            "code": "invalid_api_key"}}),
        )
    }

    fn validate(_headers: &HeaderMap, body: &Value) -> Result<(), String> {
        if body
            .get("model")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            return Err("you must provide a model parameter".into());
        }
        let Some(messages) = body
            .get("messages")
            .and_then(Value::as_array)
            .filter(|m| !m.is_empty())
        else {
            return Err("'messages' must be a non-empty array".into());
        };
        let mut pending: HashSet<String> = HashSet::new();
        for (index, message) in messages.iter().enumerate() {
            let role = message.get("role").and_then(Value::as_str).unwrap_or("");
            if role != "tool" && !pending.is_empty() {
                return Err(format!(
                    "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: {}",
                    pending.iter().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
            match role {
                "system" | "developer" | "user" => {
                    if !message
                        .get("content")
                        .is_some_and(|content| content.is_string() || content.is_array())
                    {
                        return Err(format!("messages[{index}].content must be a string"));
                    }
                }
                "assistant" => {
                    for (call_index, call) in message
                        .get("tool_calls")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .enumerate()
                    {
                        let at = format!("messages[{index}].tool_calls[{call_index}]");
                        if call.get("type").and_then(Value::as_str) != Some("function") {
                            return Err(format!("{at}.type must be 'function'"));
                        }
                        if !call
                            .pointer("/function/arguments")
                            .is_some_and(Value::is_string)
                        {
                            return Err(format!(
                                "Invalid type for '{at}.function.arguments': expected a string"
                            ));
                        }
                        let Some(id) = call.get("id").and_then(Value::as_str) else {
                            return Err(format!("{at}.id is required"));
                        };
                        pending.insert(id.to_owned());
                    }
                }
                "tool" => {
                    let id = message
                        .get("tool_call_id")
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    if !pending.remove(id) {
                        return Err(format!(
                            "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls' (messages[{index}], tool_call_id {id:?})"
                        ));
                    }
                    if !message.get("content").is_some_and(Value::is_string) {
                        return Err(format!("messages[{index}].content must be a string"));
                    }
                }
                other => return Err(format!("messages[{index}].role: unknown role {other:?}")),
            }
        }
        if let Some(tools) = body.get("tools") {
            let Some(tools) = tools.as_array().filter(|tools| !tools.is_empty()) else {
                return Err(
                    "Invalid 'tools': empty array. Expected an array with minimum length 1".into(),
                );
            };
            for (index, tool) in tools.iter().enumerate() {
                let name = tool
                    .pointer("/function/name")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if tool.get("type").and_then(Value::as_str) != Some("function")
                    || !valid_tool_name(name)
                {
                    return Err(format!(
                        "tools[{index}]: a function tool needs a name of letters, digits, _ or -"
                    ));
                }
                if tool
                    .pointer("/function/parameters")
                    .is_some_and(|schema| !schema.is_object())
                {
                    return Err(format!(
                        "tools[{index}].function.parameters must be a JSON schema object"
                    ));
                }
            }
        }
        if body
            .get("max_tokens")
            .is_some_and(|max| max.as_u64().is_none_or(|max| max == 0))
        {
            return Err("max_tokens must be a positive integer".into());
        }
        Ok(())
    }

    fn error(kind: &str, message: &str) -> Value {
        json!({"error": {"message": message, "type": kind, "param": null, "code": null}})
    }

    fn reply(step: &Step, model: &str, serial: usize) -> Value {
        let (content, tool_calls, finish_reason) = match &step.action {
            Action::ToolCalls(calls) => {
                let calls: Vec<Value> = calls
                    .iter()
                    .enumerate()
                    .map(|(index, (name, arguments))| {
                        let arguments = match arguments {
                            Arguments::Json(value) => value.to_string(),
                            Arguments::Raw(raw) => raw.clone(),
                        };
                        json!({"id": format!("call_{serial}_{index}"), "type": "function",
                            "function": {"name": name, "arguments": arguments}})
                    })
                    .collect();
                (Value::Null, Some(calls), "tool_calls")
            }
            Action::Text(text) => (json!(text), None, "stop"),
            _ => (Value::Null, None, "stop"),
        };
        let mut message = json!({"role": "assistant", "content": content, "refusal": null});
        if let Some(calls) = tool_calls {
            message["tool_calls"] = json!(calls);
        }
        json!({"id": format!("chatcmpl-{serial}"), "object": "chat.completion", "created": 1_764_000_000,
            "model": model, "choices": [{"index": 0, "message": message, "logprobs": null,
            "finish_reason": finish_reason}],
            "usage": {"prompt_tokens": step.usage.input, "completion_tokens": step.usage.output,
                "total_tokens": step.usage.input + step.usage.output}})
    }
}

/// `^[a-zA-Z0-9_-]{1,64}$`, as both APIs require of tool names.
pub(crate) fn valid_tool_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
