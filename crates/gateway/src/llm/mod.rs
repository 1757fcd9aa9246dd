//! The model route (issue 9): a question the NL parser did not understand goes to a configured
//! LLM provider, which may only call the registry's tools the asker may use, through the same
//! rights, record rules and budgets as the deterministic route. The figures of the answer
//! (KPIs, table, chart) come from the executed tool answers; the model writes the prose, and a
//! number in it that matches no tool result is flagged in `meta.unmatched_figures`.
//!
//! Without providers, or when none has the capability, the deterministic answer stands
//! unchanged; when the daily AI budget is spent or every provider fails, it stands with a note.

mod compose;
mod executor;
pub mod records;
mod spend;
mod tools;

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use analyst_accounts::{AuditEntry, AuditEvent};
use analyst_core::Answer;
use analyst_llm::{
    Attempt, AttemptEnd, Capability, ChatRequest, CostTier, Currency, ExchangeRate, LlmError,
    Message, Providers, estimate_cost, within_budget,
};
use analyst_nlu::Vocabulary;
use analyst_store::Connection;
use chrono::NaiveDateTime;

pub use spend::Asker;

use crate::AskContext;
use executor::Executor;
use spend::Spender;

/// Tokens a model may write per reply.
const MAX_REPLY_TOKENS: u32 = 1024;

/// Where audit entries go (the server's background writer keeps the hash chain).
pub type Auditor = Arc<dyn Fn(AuditEntry) + Send + Sync>;

/// What the model route needs besides the question: the configured providers, who pays, where
/// the provider calls are audited, and the rate that compares costs and limits in different
/// currencies.
#[derive(Clone)]
pub struct LlmContext {
    pub providers: Arc<Providers>,
    /// `None`: the operator at the command line, whose calls are recorded with no user and
    /// whose daily spend the global row's AI cost limit bounds.
    pub asker: Option<Asker>,
    pub auditor: Option<Auditor>,
    /// THB per USD (the `thb_per_usd` setting).
    pub exchange_rate: ExchangeRate,
}

impl fmt::Debug for LlmContext {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("LlmContext")
            .field("providers", &self.providers)
            .field("asker", &self.asker)
            .field("exchange_rate", &self.exchange_rate)
            .finish_non_exhaustive()
    }
}

impl LlmContext {
    fn audit(&self, entry: AuditEntry) {
        if let Some(auditor) = &self.auditor {
            auditor(entry);
        }
    }

    fn entry(&self, event: AuditEvent, workspace: Option<&str>) -> AuditEntry {
        let mut entry = AuditEntry::new(event);
        if let Some(asker) = &self.asker {
            entry = entry.user(asker.user_id, &asker.username);
        }
        if let Some(workspace) = workspace {
            entry = entry.workspace(workspace);
        }
        entry
    }
}

/// The model's answer to a question the parser did not settle, or `fallback` (the
/// deterministic clarification or "not understood") when no provider can take it.
/// `conversation_depth` counts the earlier messages of the conversation (a router signal).
pub(crate) fn answer_or(
    connection: &dyn Connection,
    vocabulary: &Vocabulary,
    question: &str,
    context: &AskContext,
    conversation_depth: usize,
    fallback: Answer,
) -> Answer {
    let started = Instant::now();
    let Some(llm) = &context.llm else {
        return fallback;
    };
    let route = analyst_llm::route(question, conversation_depth, false);
    let tier = route.tier.unwrap_or(CostTier::Cheap);
    let capability = Capability::Analytics;
    let Some(first) = analyst_llm::choose(llm.providers.configs(), tier, capability) else {
        return fallback;
    };
    let allowed = tools::allowed_tools(&context.access);
    if allowed.is_empty() {
        return fallback;
    }
    let today = context.today.to_string();
    let request = ChatRequest {
        system: tools::system_prompt(&context.access, vocabulary, &today),
        messages: vec![Message::User(question.to_string())],
        tools: tools::specs(&allowed),
        max_tokens: MAX_REPLY_TOKENS,
    };
    let now = chrono::Utc::now().naive_utc();
    let workspace = context.access.workspace.as_deref();
    let estimate = estimate_cost(&first.price, &request);
    let priced_in = first.price.currency.parse::<Currency>();
    let verdict = match priced_in {
        Ok(currency) => over_budget(connection, llm, workspace, (estimate, currency), now),
        // Providers::new refuses such a record; kept as a refusal, never a guess.
        Err(unknown) => Err(analyst_store::StoreError::Query(format!(
            "provider {}: {unknown}",
            first.name
        ))),
    };
    match verdict {
        Ok(None) => {}
        Ok(Some(reason)) => {
            llm.audit(
                llm.entry(AuditEvent::BudgetExceeded, workspace)
                    .detail(format!("AI budget: {reason}")),
            );
            return with_note(
                fallback,
                &format!("Today's AI budget is spent ({reason}); the AI analyst did not answer."),
            );
        }
        Err(error) => {
            return with_note(
                fallback,
                &format!(
                    "The AI budget could not be checked ({error}); the AI analyst did not answer."
                ),
            );
        }
    }
    let mut executor = Executor {
        connection,
        context,
        tools: &allowed,
        executed: Vec::new(),
    };
    let result = analyst_llm::run(&llm.providers, &route, capability, request, &mut |call| {
        executor.execute(call)
    });
    let executed = executor.executed;
    let attempts = match &result {
        Ok(outcome) => outcome.attempts.clone(),
        Err(LlmError::AllProvidersFailed { attempts }) => attempts.clone(),
        Err(_) => Vec::new(),
    };
    let charged = charge(connection, llm, workspace, route.label(), &attempts, now);
    for done in &executed {
        llm.audit(compose::tool_call_entry(llm, workspace, &done.answer));
    }
    match result {
        Ok(outcome) => {
            let mut answer = compose::answer(outcome, executed, context, &fallback, started);
            if let Err(error) = charged {
                answer.answer.push_str(&format!(
                    "\n\n(The AI cost of this answer could not be recorded: {error}.)"
                ));
            }
            answer
        }
        Err(error) => with_note(
            fallback,
            &format!("The AI analyst could not answer: {error}."),
        ),
    }
}

/// Why a request estimated at `estimate` (an amount in the provider's currency) would exceed
/// a daily limit, if it would. Each limit is checked in its own currency: today's recorded
/// costs and the estimate are converted to it at the context's THB-per-USD rate.
fn over_budget(
    connection: &dyn Connection,
    llm: &LlmContext,
    workspace: Option<&str>,
    (estimate, priced_in): (f64, Currency),
    now: NaiveDateTime,
) -> Result<Option<String>, analyst_store::StoreError> {
    let limits = spend::cost_limits(connection, llm.asker.as_ref(), workspace)?;
    let (asker, whose_own) = match &llm.asker {
        Some(asker) => (Spender::User(asker.user_id), "your"),
        None => (Spender::Operator, "the command line's"),
    };
    let checks = [
        (limits.user, Some(asker), whose_own),
        (
            limits.workspace,
            workspace.map(Spender::Workspace),
            "the workspace's",
        ),
    ];
    let rate = llm.exchange_rate;
    for (limit, spender, whose) in checks {
        let (Some(limit), Some(spender)) = (limit, spender) else {
            continue;
        };
        let currency = limit.currency();
        let spent = spend::spent_today(connection, spender, currency, rate, now)?;
        let estimate = rate.convert(estimate, priced_in, currency);
        if !within_budget(spent, estimate, Some(limit.amount())) {
            let converted = if priced_in == currency {
                String::new()
            } else {
                format!(
                    "; {priced_in} costs counted at {:.2} THB per USD",
                    rate.value()
                )
            };
            return Ok(Some(format!(
                "{} of {whose} {} {currency} used{converted}; it resets at 00:00 UTC",
                amount(spent),
                amount(limit.amount())
            )));
        }
    }
    Ok(None)
}

/// An amount of money for a message: cents, or four decimals below one (a question often
/// costs a fraction of a cent).
fn amount(value: f64) -> String {
    if value.abs() < 1.0 && value != 0.0 {
        format!("{value:.4}")
    } else {
        format!("{value:.2}")
    }
}

/// Every attempt recorded in `app.llm_call` and audited (escalations too).
fn charge(
    connection: &dyn Connection,
    llm: &LlmContext,
    workspace: Option<&str>,
    route: &str,
    attempts: &[Attempt],
    now: NaiveDateTime,
) -> Result<(), analyst_store::StoreError> {
    for attempt in attempts {
        let detail = serde_json::json!({
            "provider": attempt.provider, "model": attempt.model, "tier": attempt.tier,
            "input_tokens": attempt.usage.input, "output_tokens": attempt.usage.output,
            "cost": attempt.cost, "currency": attempt.currency,
            "outcome": spend::end_name(&attempt.end), "route": route,
        });
        llm.audit(
            llm.entry(AuditEvent::ProviderCall, workspace)
                .detail(detail.to_string()),
        );
        if let AttemptEnd::Escalated(escalation) = &attempt.end {
            llm.audit(
                llm.entry(AuditEvent::ModelEscalation, workspace)
                    .detail(format!(
                        "{} ({}): {escalation}",
                        attempt.provider, attempt.tier
                    )),
            );
        }
    }
    spend::record_attempts(
        connection,
        llm.asker.as_ref(),
        workspace,
        route,
        attempts,
        now,
    )
}

/// `answer` with a sentence added to its text.
fn with_note(mut answer: Answer, note: &str) -> Answer {
    answer.answer = format!("{}\n\n{note}", answer.answer.trim_end());
    if let Some(error) = &mut answer.error {
        *error = answer.answer.clone();
    }
    answer
}
