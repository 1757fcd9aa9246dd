//! [`FakeAnthropic`]: a local Messages server (`POST /v1/messages`) that checks requests as
//! Anthropic does: `x-api-key` and `anthropic-version`, a required `max_tokens`, user-first
//! messages without a `system` role, non-empty content, every `tool_result` answering a
//! `tool_use` of the message just before (and every `tool_use` answered), tools with an object
//! `input_schema`.

use std::collections::HashSet;

use axum::http::HeaderMap;
use serde_json::{Value, json};

use crate::config::{CostTier, ProviderConfig, ProviderKind};
use crate::testkit::openai_api::valid_tool_name;
use crate::testkit::script::{Action, Arguments, ReceivedRequest, Step};
use crate::testkit::server::{FakeServer, Protocol};

/// A fake Anthropic provider. See the [module](crate::testkit) documentation.
pub struct FakeAnthropic {
    server: FakeServer,
}

impl FakeAnthropic {
    /// Starts a server that accepts only `api_key`.
    pub fn start(api_key: &str) -> FakeAnthropic {
        FakeAnthropic {
            server: FakeServer::start::<Anthropic>(api_key),
        }
    }

    /// `http://127.0.0.1:{port}` (the client appends `/v1/messages`).
    pub fn base_url(&self) -> String {
        self.server.base_url::<Anthropic>()
    }

    /// A provider record for this server: its key in a file source, model `{name}-model`,
    /// 1 USD per 1k input and 2 USD per 1k output tokens, a 10 s timeout.
    pub fn config(&self, name: &str, tier: CostTier) -> ProviderConfig {
        self.server.config::<Anthropic>(name, tier)
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

struct Anthropic;

impl Protocol for Anthropic {
    const PATH: &'static str = "/v1/messages";
    const KIND: ProviderKind = ProviderKind::Anthropic;
    const BASE_PATH: &'static str = "";
    const INVALID: &'static str = "invalid_request_error";
    const RATE_LIMIT: &'static str = "rate_limit_error";
    const SERVER: &'static str = "api_error";

    fn authenticate(headers: &HeaderMap, key: &str) -> Result<(), Value> {
        let presented = headers
            .get("x-api-key")
            .and_then(|value| value.to_str().ok());
        if presented == Some(key) {
            return Ok(());
        }
        Err(Anthropic::error(
            "authentication_error",
            "invalid x-api-key",
        ))
    }

    fn validate(headers: &HeaderMap, body: &Value) -> Result<(), String> {
        if !headers.contains_key("anthropic-version") {
            return Err("anthropic-version: header is required".into());
        }
        if body
            .get("model")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            return Err("model: Field required".into());
        }
        if body
            .get("max_tokens")
            .and_then(Value::as_u64)
            .is_none_or(|max| max == 0)
        {
            return Err("max_tokens: Field required".into());
        }
        if body
            .get("system")
            .is_some_and(|system| !(system.is_string() || system.is_array()))
        {
            return Err("system: Input should be a valid string".into());
        }
        let Some(messages) = body
            .get("messages")
            .and_then(Value::as_array)
            .filter(|m| !m.is_empty())
        else {
            return Err("messages: at least one message is required".into());
        };
        if messages[0].get("role").and_then(Value::as_str) != Some("user") {
            return Err("messages: first message must use the \"user\" role".into());
        }
        let mut unanswered: HashSet<String> = HashSet::new();
        for (index, message) in messages.iter().enumerate() {
            let role = message.get("role").and_then(Value::as_str).unwrap_or("");
            if role != "user" && role != "assistant" {
                return Err(format!(
                    "messages.{index}.role: Unexpected role {role:?}. The Messages API accepts a top-level `system` parameter, not \"system\" as an input message role."
                ));
            }
            let blocks = blocks(index, message)?;
            let mut answered = HashSet::new();
            let mut seen_other = false;
            for (block_index, block) in blocks.iter().enumerate() {
                let at = format!("messages.{index}.content.{block_index}");
                match block.get("type").and_then(Value::as_str) {
                    Some("text") => {
                        seen_other = true;
                        if block
                            .get("text")
                            .and_then(Value::as_str)
                            .is_none_or(str::is_empty)
                        {
                            return Err(format!("{at}: text content blocks must be non-empty"));
                        }
                    }
                    Some("tool_use") if role == "assistant" => {
                        seen_other = true;
                        let id = block.get("id").and_then(Value::as_str).unwrap_or("");
                        let name = block.get("name").and_then(Value::as_str).unwrap_or("");
                        if id.is_empty()
                            || !valid_tool_name(name)
                            || !block.get("input").is_some_and(Value::is_object)
                        {
                            return Err(format!(
                                "{at}: a tool_use block needs an id, a name and an input object"
                            ));
                        }
                        answered.insert(id.to_owned());
                    }
                    Some("tool_result") if role == "user" => {
                        if seen_other {
                            return Err(format!(
                                "{at}: tool_result blocks must come first in the user message"
                            ));
                        }
                        let id = block
                            .get("tool_use_id")
                            .and_then(Value::as_str)
                            .unwrap_or("");
                        if !unanswered.remove(id) {
                            return Err(format!(
                                "{at}: unexpected `tool_use_id` found in `tool_result` blocks: {id}. Each `tool_result` block must have a corresponding `tool_use` block in the previous message."
                            ));
                        }
                        let content = block.get("content");
                        if content
                            .is_some_and(|content| !(content.is_string() || content.is_array()))
                        {
                            return Err(format!(
                                "{at}.content: Input should be a valid string or list"
                            ));
                        }
                        if block.get("is_error").is_some_and(|flag| !flag.is_boolean()) {
                            return Err(format!("{at}.is_error: Input should be a valid boolean"));
                        }
                    }
                    other => {
                        return Err(format!(
                            "{at}: unexpected block type {other:?} in a {role} message"
                        ));
                    }
                }
            }
            if !unanswered.is_empty() {
                return Err(format!(
                    "messages.{index}: `tool_use` ids were found without `tool_result` blocks immediately after: {}",
                    unanswered.iter().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
            unanswered = answered;
        }
        if !unanswered.is_empty() {
            return Err(
                "messages: the last assistant message's tool_use blocks have no tool_result".into(),
            );
        }
        for (index, tool) in body
            .get("tools")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let name = tool.get("name").and_then(Value::as_str).unwrap_or("");
            if !valid_tool_name(name) {
                return Err(format!(
                    "tools.{index}.name: String should match pattern '^[a-zA-Z0-9_-]{{1,64}}$'"
                ));
            }
            if tool.pointer("/input_schema/type").and_then(Value::as_str) != Some("object") {
                return Err(format!(
                    "tools.{index}.custom.input_schema.type: Field required"
                ));
            }
        }
        Ok(())
    }

    fn error(kind: &str, message: &str) -> Value {
        json!({"type": "error", "error": {"type": kind, "message": message}})
    }

    fn reply(step: &Step, model: &str, serial: usize) -> Value {
        let (content, stop_reason) = match &step.action {
            Action::ToolCalls(calls) => {
                let blocks: Vec<Value> = calls
                    .iter()
                    .enumerate()
                    .map(|(index, (name, arguments))| {
                        let input = match arguments {
                            Arguments::Json(value) => value.clone(),
                            Arguments::Raw(raw) => Value::String(raw.clone()),
                        };
                        json!({"type": "tool_use", "id": format!("toolu_{serial}_{index}"), "name": name,
                            "input": input})
                    })
                    .collect();
                (blocks, "tool_use")
            }
            Action::Text(text) if text.is_empty() => (Vec::new(), "end_turn"),
            Action::Text(text) => (vec![json!({"type": "text", "text": text})], "end_turn"),
            _ => (Vec::new(), "end_turn"),
        };
        json!({"id": format!("msg_{serial}"), "type": "message", "role": "assistant", "model": model,
            "content": content, "stop_reason": stop_reason, "stop_sequence": null,
            "usage": {"input_tokens": step.usage.input, "output_tokens": step.usage.output}})
    }
}

/// The content of a message as blocks (a string is one text block); empty content is refused.
fn blocks(index: usize, message: &Value) -> Result<Vec<Value>, String> {
    match message.get("content") {
        Some(Value::String(text)) if !text.is_empty() => {
            Ok(vec![json!({"type": "text", "text": text})])
        }
        Some(Value::Array(blocks)) if !blocks.is_empty() => Ok(blocks.clone()),
        _ => Err(format!(
            "messages.{index}: all messages must have non-empty content"
        )),
    }
}
