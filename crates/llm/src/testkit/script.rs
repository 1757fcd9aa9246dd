//! What a fake provider answers ([`Step`], in order) and what it received ([`ReceivedRequest`]).

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use crate::conversation::Usage;

/// One scripted answer of a fake provider.
#[derive(Debug, Clone)]
pub struct Step {
    pub(crate) action: Action,
    pub(crate) usage: Usage,
    pub(crate) delay: Option<Duration>,
}

#[derive(Debug, Clone)]
pub(crate) enum Action {
    Text(String),
    ToolCalls(Vec<(String, Arguments)>),
    RateLimited { retry_after_seconds: u64 },
    ServerError,
    MalformedBody,
}

#[derive(Debug, Clone)]
pub(crate) enum Arguments {
    Json(Value),
    /// Sent verbatim (OpenAI: as the arguments string; Anthropic: as a string `input`).
    Raw(String),
}

impl Step {
    fn new(action: Action) -> Step {
        Step {
            action,
            usage: Usage {
                input: 100,
                output: 20,
            },
            delay: None,
        }
    }

    /// A final text answer.
    pub fn text(text: &str) -> Step {
        Step::new(Action::Text(text.to_owned()))
    }

    /// A reply with one tool call.
    pub fn tool_call(name: &str, arguments: Value) -> Step {
        Step::tool_calls([(name, arguments)])
    }

    /// A reply with several tool calls in one round.
    pub fn tool_calls<'a>(calls: impl IntoIterator<Item = (&'a str, Value)>) -> Step {
        let calls = calls
            .into_iter()
            .map(|(name, arguments)| (name.to_owned(), Arguments::Json(arguments)));
        Step::new(Action::ToolCalls(calls.collect()))
    }

    /// A tool call whose arguments are the raw text given (e.g. JSON cut short).
    pub fn tool_call_raw(name: &str, raw_arguments: &str) -> Step {
        Step::new(Action::ToolCalls(vec![(
            name.to_owned(),
            Arguments::Raw(raw_arguments.to_owned()),
        )]))
    }

    /// 429 with `retry-after`, in the provider's error shape.
    pub fn rate_limited(retry_after_seconds: u64) -> Step {
        Step::new(Action::RateLimited {
            retry_after_seconds,
        })
    }

    /// 500 in the provider's error shape.
    pub fn server_error() -> Step {
        Step::new(Action::ServerError)
    }

    /// 200 whose body is cut-off JSON.
    pub fn malformed_body() -> Step {
        Step::new(Action::MalformedBody)
    }

    /// Answers only after `delay` (past the client's timeout, for timeout tests).
    pub fn slow(mut self, delay: Duration) -> Step {
        self.delay = Some(delay);
        self
    }

    /// The token counts the reply reports (default 100 in, 20 out).
    pub fn usage(mut self, input: u64, output: u64) -> Step {
        self.usage = Usage { input, output };
        self
    }
}

/// A request as the fake received it.
#[derive(Debug, Clone)]
pub struct ReceivedRequest {
    pub path: String,
    /// Lower-case names; the key headers (`authorization`, `x-api-key`) read `***`.
    pub headers: BTreeMap<String, String>,
    /// The parsed body (`Null` if it was not JSON).
    pub body: Value,
    /// The status the fake answered.
    pub status: u16,
    /// Why the fake rejected the request (400/401), as the real API would.
    pub rejection: Option<String>,
}
