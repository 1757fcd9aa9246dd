//! The provider-neutral conversation: a request (system prompt, messages, tool specs), a reply
//! (text, tool calls, usage, stop reason) and tool results. The wire modules translate these.

use std::ops::AddAssign;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One request to a model.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    pub system: String,
    pub messages: Vec<Message>,
    /// The tools of the user's workspace allowlist; a call to any other tool is refused.
    pub tools: Vec<ToolSpec>,
    pub max_tokens: u32,
}

/// A message of the conversation, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    User(String),
    Assistant {
        text: String,
        tool_calls: Vec<ToolCall>,
    },
    /// The results of the tool calls of the assistant message just before.
    ToolResults(Vec<ToolResultMessage>),
}

/// A tool the model may call: the registry's name, description and JSON schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    /// JSON Schema of the arguments (`{"type": "object", "properties": …}`).
    pub parameters: Value,
}

/// A tool call requested by the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    /// The provider's call id (`call_…`, `toolu_…`), echoed with the result.
    pub id: String,
    pub name: String,
    /// The arguments, a JSON object for well-formed calls. In the history of a call whose
    /// arguments were not JSON ([`MalformedCall`]) this is the raw text as a JSON string.
    pub arguments: Value,
}

/// A tool call whose arguments are not a JSON object: never executed, its error is fed back.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "the arguments of the call to `{name}` are not a JSON object ({reason}); send them again as a JSON object"
)]
pub struct MalformedCall {
    pub id: String,
    pub name: String,
    pub raw_arguments: String,
    pub reason: String,
}

impl MalformedCall {
    /// The call as kept in the history: the raw arguments as a JSON string.
    pub(crate) fn as_history(&self) -> ToolCall {
        ToolCall {
            id: self.id.clone(),
            name: self.name.clone(),
            arguments: Value::String(self.raw_arguments.clone()),
        }
    }
}

/// How a tool call ended, as the executor reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolStatus {
    Ok,
    /// The arguments failed the schema or the dictionary (an escalation signal).
    InvalidArguments,
    /// The tool is not in the request's allowlist.
    Refused,
    /// The tool ran and failed (budget, store error, …).
    Failed,
}

/// What the executor returns for one call: the content given back to the model (JSON text or
/// an error message) and how the call ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolResult {
    pub content: String,
    pub status: ToolStatus,
}

impl ToolResult {
    pub fn ok(content: impl Into<String>) -> ToolResult {
        ToolResult {
            content: content.into(),
            status: ToolStatus::Ok,
        }
    }

    pub fn invalid_arguments(message: impl Into<String>) -> ToolResult {
        ToolResult {
            content: message.into(),
            status: ToolStatus::InvalidArguments,
        }
    }

    pub fn failed(message: impl Into<String>) -> ToolResult {
        ToolResult {
            content: message.into(),
            status: ToolStatus::Failed,
        }
    }

    pub(crate) fn refused(message: impl Into<String>) -> ToolResult {
        ToolResult {
            content: message.into(),
            status: ToolStatus::Refused,
        }
    }

    pub fn is_error(&self) -> bool {
        self.status != ToolStatus::Ok
    }
}

/// A tool result as sent to the model: content already fenced as data.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolResultMessage {
    pub call_id: String,
    pub content: String,
    pub is_error: bool,
}

/// Tokens counted by the provider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub input: u64,
    pub output: u64,
}

impl AddAssign for Usage {
    fn add_assign(&mut self, other: Usage) {
        self.input += other.input;
        self.output += other.output;
    }
}

/// Why the model stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    EndTurn,
    ToolUse,
    MaxTokens,
    Other(String),
}

/// One reply of a model.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub text: String,
    /// In the model's order; a call with unusable arguments is an `Err` to feed back.
    pub tool_calls: Vec<Result<ToolCall, MalformedCall>>,
    pub usage: Usage,
    pub stop: StopReason,
}
