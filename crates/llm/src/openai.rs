//! The OpenAI-compatible Chat Completions wire format: `POST {base}/chat/completions` with a
//! Bearer key, function tools, tool calls whose arguments are a JSON *string*, results as
//! `role: "tool"` messages, usage in `prompt_tokens` / `completion_tokens`.

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::conversation::{
    ChatRequest, MalformedCall, Message, Reply, StopReason, ToolCall, Usage,
};
use crate::error::LlmError;
use crate::secret::ApiKey;

pub(crate) const PATH: &str = "chat/completions";

pub(crate) fn headers(key: Option<&ApiKey>) -> Result<HeaderMap, String> {
    let mut headers = HeaderMap::new();
    if let Some(key) = key {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", key.expose()))
            .map_err(|_| "the API key holds characters a header cannot carry".to_owned())?;
        value.set_sensitive(true);
        headers.insert(AUTHORIZATION, value);
    }
    Ok(headers)
}

pub(crate) fn body(model: &str, request: &ChatRequest) -> Value {
    let mut messages = vec![json!({"role": "system", "content": request.system})];
    for message in &request.messages {
        match message {
            Message::User(text) => messages.push(json!({"role": "user", "content": text})),
            Message::Assistant { text, tool_calls } => {
                let mut assistant = json!({"role": "assistant", "content": text});
                if !tool_calls.is_empty() {
                    if text.is_empty() {
                        assistant["content"] = Value::Null;
                    }
                    assistant["tool_calls"] = tool_calls.iter().map(call).collect();
                }
                messages.push(assistant);
            }
            Message::ToolResults(results) => {
                for result in results {
                    messages.push(json!({"role": "tool", "tool_call_id": result.call_id,
                        "content": result.content}));
                }
            }
        }
    }
    let mut body = json!({"model": model, "messages": messages, "max_tokens": request.max_tokens});
    // The API rejects an empty tools array.
    if !request.tools.is_empty() {
        body["tools"] = request
            .tools
            .iter()
            .map(|tool| {
                json!({"type": "function", "function": {"name": tool.name,
                    "description": tool.description, "parameters": tool.parameters}})
            })
            .collect();
    }
    body
}

/// A call in the history: arguments go back as the string the model sent.
fn call(call: &ToolCall) -> Value {
    let arguments = match &call.arguments {
        Value::String(raw) => raw.clone(),
        arguments => arguments.to_string(),
    };
    json!({"id": call.id, "type": "function",
        "function": {"name": call.name, "arguments": arguments}})
}

#[derive(Deserialize)]
struct Completion {
    choices: Vec<Choice>,
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct Choice {
    message: WireMessage,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct WireMessage {
    content: Option<String>,
    refusal: Option<String>,
    #[serde(default)]
    tool_calls: Vec<WireCall>,
}

#[derive(Deserialize)]
struct WireCall {
    id: String,
    function: WireFunction,
}

#[derive(Deserialize)]
struct WireFunction {
    name: String,
    arguments: String,
}

#[derive(Deserialize)]
struct WireUsage {
    prompt_tokens: u64,
    completion_tokens: u64,
}

pub(crate) fn reply(provider: &str, bytes: &[u8]) -> Result<Reply, LlmError> {
    let malformed = |message: String| LlmError::Malformed {
        provider: provider.to_owned(),
        message,
    };
    let completion: Completion =
        serde_json::from_slice(bytes).map_err(|error| malformed(error.to_string()))?;
    let Some(choice) = completion.choices.into_iter().next() else {
        return Err(malformed("the reply has no choices".into()));
    };
    if let Some(refusal) = choice.message.refusal.filter(|text| !text.is_empty()) {
        return Err(LlmError::Refused {
            provider: provider.to_owned(),
            status: None,
            message: refusal,
        });
    }
    let stop = match choice.finish_reason.as_deref() {
        Some("stop") | None => StopReason::EndTurn,
        Some("tool_calls") | Some("function_call") => StopReason::ToolUse,
        Some("length") => StopReason::MaxTokens,
        Some("content_filter") => {
            let message = "the provider's content filter stopped the reply".into();
            return Err(LlmError::Refused {
                provider: provider.to_owned(),
                status: None,
                message,
            });
        }
        Some(other) => StopReason::Other(other.to_owned()),
    };
    let tool_calls = choice
        .message
        .tool_calls
        .into_iter()
        .map(parse_call)
        .collect();
    let usage = completion
        .usage
        .map(|usage| Usage {
            input: usage.prompt_tokens,
            output: usage.completion_tokens,
        })
        .unwrap_or_default();
    Ok(Reply {
        text: choice.message.content.unwrap_or_default(),
        tool_calls,
        usage,
        stop,
    })
}

/// The arguments string parsed; anything but a JSON object is a [`MalformedCall`].
fn parse_call(call: WireCall) -> Result<ToolCall, MalformedCall> {
    let raw = call.function.arguments;
    let parsed = if raw.trim().is_empty() {
        Ok(json!({}))
    } else {
        serde_json::from_str(&raw)
    };
    match parsed {
        Ok(arguments @ Value::Object(_)) => Ok(ToolCall {
            id: call.id,
            name: call.function.name,
            arguments,
        }),
        Ok(other) => Err(MalformedCall {
            id: call.id,
            name: call.function.name,
            raw_arguments: raw,
            reason: format!("got {other} instead of an object"),
        }),
        Err(error) => Err(MalformedCall {
            id: call.id,
            name: call.function.name,
            raw_arguments: raw,
            reason: error.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_arguments_are_parsed_and_bad_json_is_a_malformed_call() {
        let bytes = br#"{"choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,
            "tool_calls":[{"id":"call_1","type":"function","function":{"name":"sales","arguments":"{\"limit\":3}"}},
                          {"id":"call_2","type":"function","function":{"name":"sales","arguments":"{limit:"}}]}}],
            "usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}"#;
        let reply = reply("openai", bytes).expect("reply");
        assert_eq!(reply.stop, StopReason::ToolUse);
        assert_eq!(
            reply.usage,
            Usage {
                input: 12,
                output: 5
            }
        );
        let first = reply.tool_calls[0].as_ref().expect("first call");
        assert_eq!(first.arguments, json!({"limit": 3}));
        let second = reply.tool_calls[1].as_ref().expect_err("bad JSON");
        assert_eq!(second.raw_arguments, "{limit:");
    }
}
