//! The model route's answer: the figures of the executed tool answers (KPIs of every call, the
//! table and chart of the last), the model's prose, and in `meta` the route, provider, model,
//! tokens, cost, every tool call and the prose's figures that match no tool result.

use std::time::Instant;

use analyst_accounts::{AuditEntry, AuditEvent};
use analyst_core::Answer;
use analyst_core::answer::{Cost, Meta, TokensUsed, ToolCall};
use analyst_llm::{Outcome, ToolStatus, unmatched_figures};

use super::LlmContext;
use super::executor::Executed;
use crate::{AskContext, elapsed_ms, scope_note};

/// Builds the answer of a run of the tool loop; `fallback` is the deterministic answer, kept
/// when the model produced neither prose nor figures.
pub(super) fn answer(
    outcome: Outcome,
    executed: Vec<Executed>,
    context: &AskContext,
    fallback: &Answer,
    started: Instant,
) -> Answer {
    let prose = outcome.text.trim();
    if prose.is_empty() && executed.is_empty() {
        return fallback.clone();
    }
    let results = outcome
        .calls
        .iter()
        .filter(|done| done.result.status == ToolStatus::Ok)
        .map(|done| done.result.content.as_str());
    let unmatched = unmatched_figures(prose, results);
    let tool_calls = outcome
        .calls
        .iter()
        .map(|done| ToolCall {
            tool: done.call.name.clone(),
            params: done.call.arguments.clone(),
            execution_time_ms: executed
                .iter()
                .find(|run| run.call_id == done.call.id)
                .map_or(0, |run| run.answer.meta.total_time_ms),
        })
        .collect();
    let mut kpis = Vec::new();
    for run in &executed {
        for kpi in &run.answer.kpis {
            if !kpis.contains(kpi) {
                kpis.push(kpi.clone());
            }
        }
    }
    let mut answer = match executed.into_iter().next_back() {
        Some(last) => last.answer,
        None => {
            let mut answer = Answer::error(String::new(), Meta::default());
            answer.error = None;
            answer
        }
    };
    answer.kpis = kpis;
    if !prose.is_empty() {
        answer.answer = prose.to_string();
        if let Some(note) = scope_note(&context.access.scope) {
            answer.answer.push_str(&note);
        }
    }
    let usage = outcome.usage();
    let meta = &mut answer.meta;
    meta.route = outcome.route.label().to_string();
    meta.route_reasons = outcome.route.reasons.clone();
    meta.provider = Some(outcome.provider.clone());
    meta.model = Some(outcome.model.clone());
    meta.tokens_used = TokensUsed {
        input: usage.input,
        output: usage.output,
    };
    meta.cost = outcome
        .cost()
        .into_iter()
        .map(|(currency, amount)| Cost { amount, currency })
        .collect();
    meta.tool_calls = tool_calls;
    meta.unmatched_figures = unmatched;
    meta.confidence = fallback.meta.confidence;
    meta.cached = false;
    meta.total_time_ms = elapsed_ms(started);
    answer
}

/// The audit entry of a tool call the model made: its semantic query and SQL, as for a
/// question (principle 4).
pub(super) fn tool_call_entry(
    llm: &LlmContext,
    workspace: Option<&str>,
    answer: &Answer,
) -> AuditEntry {
    let meta = &answer.meta;
    let detail = serde_json::json!({"tool": meta.tool, "query": meta.query, "cached": meta.cached});
    let mut entry = llm
        .entry(AuditEvent::ToolCall, workspace)
        .detail(detail.to_string())
        .row_count(answer.table.as_ref().map_or(0, |table| table.rows.len()));
    if let Some(sql) = &meta.sql {
        entry = entry.sql(sql);
    }
    entry
}
