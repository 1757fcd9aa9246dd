//! The tool loop: send the request, execute the model's tool calls through the gateway's
//! executor, feed the results back as fenced data, until the model answers in text. Around it,
//! the router's escalation (to the next tier) and fallback (to the next provider on errors).

use std::collections::HashSet;

use crate::config::{Capability, CostTier, ProviderConfig};
use crate::conversation::{
    ChatRequest, Message, ToolCall, ToolResult, ToolResultMessage, ToolStatus, Usage,
};
use crate::data_fence::{fence, with_data_rule};
use crate::error::LlmError;
use crate::outcome::{Attempt, AttemptEnd, ExecutedCall, Outcome};
use crate::providers::Providers;
use crate::router::{Escalation, Route, after_answer, candidates};

/// Replies with tool calls one answer may take (seed 000: 8).
pub const MAX_TOOL_ROUNDS: usize = 8;
/// Messages sent with each request (seed 000: 20); older ones are dropped.
pub const MAX_HISTORY_MESSAGES: usize = 20;

/// How one provider's conversation ended.
enum Ending {
    Answered(String),
    Escalate(Escalation, String),
    Failed(LlmError),
}

/// What the attempts of a run share.
struct Run<'a> {
    providers: &'a Providers,
    request: ChatRequest,
    allowed: HashSet<String>,
    calls: Vec<ExecutedCall>,
    refused_calls: usize,
    attempts: Vec<Attempt>,
}

/// Answers `request` with the providers `route` leads to. The executor runs every allowed
/// tool call (the gateway validates the arguments and returns an error result the model is
/// given back); calls to tools outside `request.tools` are refused without reaching it.
///
/// A deterministic route (no tier) starts at the cheap tier: the caller wants prose anyway.
/// Returns [`LlmError::NoProvider`] when no provider has `capability`, and
/// [`LlmError::AllProvidersFailed`] (with every attempt's tokens) when none could answer.
pub fn run(
    providers: &Providers,
    route: &Route,
    capability: Capability,
    request: ChatRequest,
    executor: &mut dyn FnMut(&ToolCall) -> ToolResult,
) -> Result<Outcome, LlmError> {
    let start = route.tier.unwrap_or(CostTier::Cheap);
    let order = candidates(providers.configs(), start, capability);
    if order.is_empty() {
        return Err(LlmError::NoProvider { capability });
    }
    let _span = tracing::info_span!("llm_run", route = route.label(), %capability).entered();
    let mut route = route.clone();
    let allowed = request.tools.iter().map(|tool| tool.name.clone()).collect();
    let mut run = Run {
        providers,
        request,
        allowed,
        calls: Vec::new(),
        refused_calls: 0,
        attempts: Vec::new(),
    };
    // The text of an escalated attempt, kept in case every provider above it fails.
    let mut kept: Option<(String, &ProviderConfig)> = None;
    let mut index = 0;
    while let Some(&config) = order.get(index) {
        let higher = (index + 1..order.len()).find(|&later| order[later].tier > config.tier);
        let mut usage = Usage::default();
        let ending = run.converse(config, higher.is_some(), executor, &mut usage);
        let end = match ending {
            Ending::Answered(text) => {
                run.record(config, usage, AttemptEnd::Answered);
                return Ok(run.outcome(text, config, route));
            }
            Ending::Escalate(escalation, text) => match higher {
                Some(target) => {
                    route.reasons.push(format!(
                        "{} ({}): {escalation}; escalated to {} ({})",
                        config.name, config.tier, order[target].name, order[target].tier
                    ));
                    if !text.trim().is_empty() {
                        kept = Some((text, config));
                    }
                    index = target;
                    AttemptEnd::Escalated(escalation)
                }
                None => {
                    route.reasons.push(format!(
                        "{} ({}): {escalation}, and no provider above {} to escalate to",
                        config.name, config.tier, config.tier
                    ));
                    run.record(config, usage, AttemptEnd::Answered);
                    return Ok(run.outcome(text, config, route));
                }
            },
            Ending::Failed(error) => {
                route
                    .reasons
                    .push(format!("{error}; trying the next provider"));
                index += 1;
                AttemptEnd::Failed(error.to_string())
            }
        };
        run.record(config, usage, end);
    }
    if let Some((text, config)) = kept {
        route.reasons.push(format!(
            "every provider above {} failed: its answer stands",
            config.name
        ));
        return Ok(run.outcome(text, config, route));
    }
    Err(LlmError::AllProvidersFailed {
        attempts: run.attempts,
    })
}

impl Run<'_> {
    /// One provider's conversation. With `can_escalate`, an unknown tool, invalid parameters
    /// or too many tool calls end it at once; without, their errors are fed back.
    fn converse(
        &mut self,
        config: &ProviderConfig,
        can_escalate: bool,
        executor: &mut dyn FnMut(&ToolCall) -> ToolResult,
        usage: &mut Usage,
    ) -> Ending {
        let system = with_data_rule(&self.request.system);
        let mut messages = self.request.messages.clone();
        let mut statuses: Vec<ToolStatus> = Vec::new();
        let mut round = 0;
        loop {
            let request = ChatRequest {
                system: system.clone(),
                messages: trimmed(&messages),
                tools: self.request.tools.clone(),
                max_tokens: self.request.max_tokens,
            };
            let reply = match self.providers.send(&config.name, &request) {
                Ok(reply) => reply,
                Err(error) => return Ending::Failed(error),
            };
            *usage += reply.usage;
            if reply.tool_calls.is_empty() {
                return match after_answer(&reply.text, &statuses) {
                    Some(escalation) => Ending::Escalate(escalation, reply.text),
                    None => Ending::Answered(reply.text),
                };
            }
            if round == MAX_TOOL_ROUNDS {
                let provider = config.name.clone();
                return Ending::Failed(LlmError::ToolRoundLimit {
                    provider,
                    rounds: MAX_TOOL_ROUNDS,
                });
            }
            let count = statuses.len() + reply.tool_calls.len();
            if let Some(limit) = config
                .tier
                .max_tool_calls()
                .filter(|limit| can_escalate && count > *limit)
            {
                return Ending::Escalate(Escalation::TooManyToolCalls { count, limit }, reply.text);
            }
            let history = reply
                .tool_calls
                .iter()
                .map(|requested| match requested {
                    Ok(call) => call.clone(),
                    Err(malformed) => malformed.as_history(),
                })
                .collect();
            messages.push(Message::Assistant {
                text: reply.text.clone(),
                tool_calls: history,
            });
            let mut results = Vec::new();
            let mut trigger = None;
            for requested in reply.tool_calls {
                let (call, result) = match requested {
                    Err(malformed) => (
                        malformed.as_history(),
                        ToolResult::invalid_arguments(malformed.to_string()),
                    ),
                    Ok(call) if !self.allowed.contains(&call.name) => {
                        self.refused_calls += 1;
                        let result = ToolResult::refused(self.refusal(&call.name));
                        trigger.get_or_insert(Escalation::UnknownTool {
                            name: call.name.clone(),
                        });
                        (call, result)
                    }
                    Ok(call) => {
                        let result = executor(&call);
                        (call, result)
                    }
                };
                if result.status == ToolStatus::InvalidArguments {
                    trigger.get_or_insert(Escalation::InvalidArguments {
                        tool: call.name.clone(),
                    });
                }
                statuses.push(result.status);
                results.push(ToolResultMessage {
                    call_id: call.id.clone(),
                    content: fence(&call.name, &call.id, &result.content),
                    is_error: result.is_error(),
                });
                self.calls.push(ExecutedCall {
                    provider: config.name.clone(),
                    call,
                    result,
                });
            }
            if let Some(escalation) = trigger.filter(|_| can_escalate) {
                return Ending::Escalate(escalation, reply.text);
            }
            messages.push(Message::ToolResults(results));
            round += 1;
        }
    }

    /// The error result of a call to a tool outside the allowlist.
    fn refusal(&self, name: &str) -> String {
        let mut allowed: Vec<&str> = self.allowed.iter().map(String::as_str).collect();
        allowed.sort_unstable();
        format!(
            "refused: the tool `{name}` is not available to this user; the tools are: {}",
            allowed.join(", ")
        )
    }

    fn record(&mut self, config: &ProviderConfig, usage: Usage, end: AttemptEnd) {
        self.attempts.push(Attempt {
            provider: config.name.clone(),
            model: config.model.clone(),
            tier: config.tier,
            usage,
            cost: config.price.cost(usage.input, usage.output),
            currency: config.price.currency.clone(),
            end,
        });
    }

    fn outcome(self, text: String, config: &ProviderConfig, route: Route) -> Outcome {
        Outcome {
            text,
            provider: config.name.clone(),
            model: config.model.clone(),
            tier: config.tier,
            calls: self.calls,
            refused_calls: self.refused_calls,
            attempts: self.attempts,
            route,
        }
    }
}

/// At most the last [`MAX_HISTORY_MESSAGES`] messages, starting at a user message: providers
/// want the user first, and no tool result may lose the assistant message that asked for it.
fn trimmed(messages: &[Message]) -> Vec<Message> {
    let is_user = |message: &Message| matches!(message, Message::User(_));
    let earliest = messages.len().saturating_sub(MAX_HISTORY_MESSAGES);
    let start = (earliest..messages.len())
        .find(|&index| is_user(&messages[index]))
        .or_else(|| messages.iter().rposition(is_user))
        .unwrap_or(0);
    messages[start..].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_is_trimmed_at_a_user_message() {
        let mut messages = Vec::new();
        for turn in 0..12 {
            messages.push(Message::User(format!("question {turn}")));
            messages.push(Message::Assistant {
                text: format!("answer {turn}"),
                tool_calls: Vec::new(),
            });
        }
        messages.push(Message::User("latest".into()));
        let kept = trimmed(&messages);
        assert!(kept.len() <= MAX_HISTORY_MESSAGES);
        assert!(matches!(&kept[0], Message::User(_)));
        assert_eq!(kept.last(), Some(&Message::User("latest".into())));
    }

    #[test]
    fn a_history_that_opens_with_the_assistant_starts_at_the_first_question() {
        let greeting = Message::Assistant {
            text: "Hello!".into(),
            tool_calls: Vec::new(),
        };
        let kept = trimmed(&[greeting, Message::User("revenue?".into())]);
        assert_eq!(kept, [Message::User("revenue?".into())]);
    }
}
