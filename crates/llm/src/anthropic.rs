//! The Anthropic Messages wire format: `POST {base}/v1/messages` with `x-api-key` and
//! `anthropic-version`, a required `max_tokens`, tools with `input_schema`, replies of content
//! blocks (`text`, `tool_use`), tool results as `tool_result` blocks of a user message.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::conversation::{
    ChatRequest, MalformedCall, Message, Reply, StopReason, ToolCall, Usage,
};
use crate::error::LlmError;
use crate::secret::ApiKey;

pub(crate) const PATH: &str = "v1/messages";
const VERSION: &str = "2023-06-01";

pub(crate) fn headers(key: Option<&ApiKey>) -> Result<HeaderMap, String> {
    let mut headers = HeaderMap::new();
    headers.insert(
        HeaderName::from_static("anthropic-version"),
        HeaderValue::from_static(VERSION),
    );
    if let Some(key) = key {
        let mut value = HeaderValue::from_str(key.expose())
            .map_err(|_| "the API key holds characters a header cannot carry".to_owned())?;
        value.set_sensitive(true);
        headers.insert(HeaderName::from_static("x-api-key"), value);
    }
    Ok(headers)
}

pub(crate) fn body(model: &str, request: &ChatRequest) -> Value {
    let messages: Vec<Value> = request.messages.iter().filter_map(message).collect();
    let mut body = json!({"model": model, "max_tokens": request.max_tokens,
        "system": request.system, "messages": messages});
    if !request.tools.is_empty() {
        body["tools"] = request
            .tools
            .iter()
            .map(|tool| {
                json!({"name": tool.name, "description": tool.description,
                    "input_schema": tool.parameters})
            })
            .collect();
    }
    body
}

/// `None` for an assistant message with nothing in it (the API rejects empty content).
fn message(message: &Message) -> Option<Value> {
    match message {
        Message::User(text) => Some(json!({"role": "user", "content": text})),
        Message::Assistant { text, tool_calls } => {
            let mut blocks = Vec::new();
            if !text.trim().is_empty() {
                blocks.push(json!({"type": "text", "text": text}));
            }
            for call in tool_calls {
                // A malformed call's raw text cannot be an `input` object: it goes back empty,
                // its error result says what was wrong.
                let input = if call.arguments.is_object() {
                    call.arguments.clone()
                } else {
                    json!({})
                };
                blocks.push(json!({"type": "tool_use", "id": call.id, "name": call.name,
                    "input": input}));
            }
            (!blocks.is_empty()).then(|| json!({"role": "assistant", "content": blocks}))
        }
        Message::ToolResults(results) => {
            let blocks: Vec<Value> = results
                .iter()
                .map(|result| {
                    json!({"type": "tool_result", "tool_use_id": result.call_id,
                        "content": result.content, "is_error": result.is_error})
                })
                .collect();
            Some(json!({"role": "user", "content": blocks}))
        }
    }
}

#[derive(Deserialize)]
struct WireReply {
    content: Vec<Value>,
    stop_reason: Option<String>,
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct WireUsage {
    input_tokens: u64,
    output_tokens: u64,
}

pub(crate) fn reply(provider: &str, bytes: &[u8]) -> Result<Reply, LlmError> {
    let malformed = |message: String| LlmError::Malformed {
        provider: provider.to_owned(),
        message,
    };
    let wire: WireReply =
        serde_json::from_slice(bytes).map_err(|error| malformed(error.to_string()))?;
    let stop = match wire.stop_reason.as_deref() {
        Some("end_turn") | Some("stop_sequence") | None => StopReason::EndTurn,
        Some("tool_use") => StopReason::ToolUse,
        Some("max_tokens") => StopReason::MaxTokens,
        Some("refusal") => {
            let message = "the model declined to answer".into();
            return Err(LlmError::Refused {
                provider: provider.to_owned(),
                status: None,
                message,
            });
        }
        Some(other) => StopReason::Other(other.to_owned()),
    };
    let mut text = String::new();
    let mut tool_calls = Vec::new();
    for block in wire.content {
        match block.get("type").and_then(Value::as_str) {
            Some("text") => text.push_str(block.get("text").and_then(Value::as_str).unwrap_or("")),
            Some("tool_use") => tool_calls.push(tool_use(&block).map_err(malformed)?),
            // Thinking and other block kinds carry nothing the loop uses.
            _ => {}
        }
    }
    let usage = wire
        .usage
        .map(|usage| Usage {
            input: usage.input_tokens,
            output: usage.output_tokens,
        })
        .unwrap_or_default();
    Ok(Reply {
        text,
        tool_calls,
        usage,
        stop,
    })
}

/// A `tool_use` block; an `input` that is not an object is a [`MalformedCall`] to feed back.
fn tool_use(block: &Value) -> Result<Result<ToolCall, MalformedCall>, String> {
    let field = |name: &str| {
        block
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("a tool_use block has no {name}"))
    };
    let (id, name) = (field("id")?, field("name")?);
    Ok(match block.get("input") {
        Some(input @ Value::Object(_)) => Ok(ToolCall {
            id,
            name,
            arguments: input.clone(),
        }),
        other => {
            let raw = other.map(Value::to_string).unwrap_or_default();
            let reason = format!(
                "got {} instead of an object",
                if raw.is_empty() { "nothing" } else { &raw }
            );
            Err(MalformedCall {
                id,
                name,
                raw_arguments: raw,
                reason,
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_tool_use_blocks_become_a_reply() {
        let bytes = br#"{"id":"msg_1","type":"message","role":"assistant","model":"claude",
            "content":[{"type":"text","text":"Let me look."},
                       {"type":"tool_use","id":"toolu_1","name":"sales","input":{"limit":3}}],
            "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":20,"output_tokens":7}}"#;
        let reply = reply("anthropic", bytes).expect("reply");
        assert_eq!(reply.text, "Let me look.");
        assert_eq!(reply.stop, StopReason::ToolUse);
        assert_eq!(
            reply.usage,
            Usage {
                input: 20,
                output: 7
            }
        );
        let call = reply.tool_calls[0].as_ref().expect("call");
        assert_eq!(
            (call.id.as_str(), call.arguments.clone()),
            ("toolu_1", json!({"limit": 3}))
        );
    }
}
