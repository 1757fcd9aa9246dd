//! The gateway: the one entry point that turns a question (or a semantic query) into an
//! answer, whatever the client (CLI, HTTP, scheduled report).

mod access;
mod answer;
mod asking;
pub mod budgets;
mod cache;
mod chart;
mod chat;
pub mod conversations;
mod llm;
mod narrate;
mod propose;
mod tools_answer;
mod vocabulary;
mod workspaces;

use std::sync::Arc;
use std::time::Instant;

use analyst_core::answer::{Action, Meta, ToolCall};
use analyst_core::format::format_value;
use analyst_core::{Answer, DataScope, Period, SemanticQuery, Tool, ValueFormat};
use analyst_nlu::Vocabulary;
use analyst_semantic::values::resolve_filters;
use analyst_store::Connection;
use chrono::{Duration, NaiveDate, NaiveDateTime};

pub use access::{Access, REFUSED_ROUTE};
pub use answer::build_answer;
pub use asking::ask_in_conversation;
pub use cache::AnswerCache;
pub use chat::{ChatError, ChatReply, ChatTurn, DEFAULT_WORKSPACE, MAX_MESSAGE_CHARS, chat};
pub use llm::records as providers;
pub use llm::{Asker, Auditor, LlmContext};
pub use vocabulary::load_vocabulary;
pub use workspaces::{Workspace, load_workspaces};

/// The route a question took; recorded in `meta.route`.
pub const DETERMINISTIC_ROUTE: &str = "deterministic";

/// What the analyst needs to know besides the question.
#[derive(Debug, Clone)]
pub struct AskContext {
    /// The day relative periods ("last month") are computed from.
    pub today: NaiveDate,
    /// Answers already given at the current version of the data, when the caller keeps them.
    pub answers: Option<Arc<AnswerCache>>,
    /// The asker's tools and rows.
    pub access: Access,
    /// When the aggregates were last rebuilt, when the caller knows (else it is read).
    pub data_as_of: Option<NaiveDateTime>,
    /// Query time left in the asker's daily budget, when it has one.
    pub seconds_left: Option<f64>,
    /// The LLM providers for questions the NL parser does not understand (`None`: the
    /// deterministic analyst answers alone).
    pub llm: Option<LlmContext>,
}

impl AskContext {
    /// Questions the operator asks on `today`, without a cache.
    pub const fn on(today: NaiveDate) -> AskContext {
        AskContext {
            today,
            answers: None,
            access: Access::operator(),
            data_as_of: None,
            seconds_left: None,
            llm: None,
        }
    }
}

/// Answers a question in plain language. Never fails: problems become error answers that say
/// what to do.
pub fn ask(
    connection: &dyn Connection,
    vocabulary: &Vocabulary,
    question: &str,
    context: &AskContext,
) -> Answer {
    ask_in_conversation(connection, vocabulary, question, context, None)
}

/// Answers a semantic query: canonical values, a default period, one SQL statement, the answer.
/// The asker's rights decide whether the tool runs, and every statement runs under their scope.
pub fn answer_query(
    connection: &dyn Connection,
    query: SemanticQuery,
    context: &AskContext,
) -> Answer {
    let scoped = analyst_semantic::scoped(connection, &context.access.scope);
    let connection: &dyn Connection = &scoped;
    let refusal = context
        .access
        .refusal(query.tool)
        .or_else(|| over_allowance(connection, &query, context.seconds_left));
    if let Some(refusal) = refusal {
        let meta = Meta {
            route: REFUSED_ROUTE.into(),
            tool: Some(query.tool.name().into()),
            query: Some(query),
            ..Meta::default()
        };
        return Answer::error(refusal, meta);
    }
    let mut answer = if query.tool == Tool::SalesByDimension {
        answer_sales(connection, query, context)
    } else {
        tools_answer::answer_tool(connection, query, context)
    };
    offer_export(&mut answer);
    if let Some(note) = scope_note(&context.access.scope)
        && answer.error.is_none()
    {
        answer.answer.push_str(&note);
    }
    answer
}

/// The sentence a restricted user's answers end with.
pub(crate) fn scope_note(scope: &DataScope) -> Option<String> {
    scope.is_restricted().then(|| {
        format!(
            "\n\nFigures cover {} only, as your access allows.",
            scope.description
        )
    })
}

/// Bytes a cell takes in a CSV file, roughly, for the size an export offer announces.
const CSV_BYTES_PER_CELL: u64 = 10;

/// An answer that shows only part of its rows offers the whole as an export job, with its
/// size: the inline table stays small whatever the result.
fn offer_export(answer: &mut Answer) {
    let (Some(table), Some(query)) = (&answer.table, &answer.meta.query) else {
        return;
    };
    if !table.truncated || answer.error.is_some() {
        return;
    }
    let rows = table.total_count;
    let bytes = rows * table.columns.len() as u64 * CSV_BYTES_PER_CELL;
    answer.actions.push(Action {
        kind: "export_async".into(),
        label: format!(
            "Export all {} rows (about {} as CSV)",
            format_value(rows as f64, ValueFormat::Integer),
            human_bytes(bytes)
        ),
        enabled: true,
        params: serde_json::json!({
            "query": query,
            "total_rows": rows,
            "estimated_bytes": bytes,
            "formats": ["csv", "xlsx", "parquet"],
        }),
    });
}

fn human_bytes(bytes: u64) -> String {
    match bytes {
        0..1_000_000 => format!("{} KB", bytes.div_ceil(1_000)),
        1_000_000..1_000_000_000 => format!("{:.1} MB", bytes as f64 / 1e6),
        _ => format!("{:.1} GB", bytes as f64 / 1e9),
    }
}

/// A `sales_by_dimension` query, from the cache when it was answered at this data version for
/// the same rows.
fn answer_sales(
    connection: &dyn Connection,
    mut query: SemanticQuery,
    context: &AskContext,
) -> Answer {
    let started = Instant::now();
    if query.period.is_none() {
        query.period = Some(default_period(context.today));
    }
    let cached = context
        .answers
        .as_ref()
        .map(|answers| (answers, cache::key(&query, context)));
    if let Some((answers, key)) = &cached
        && let Some(mut answer) = answers.get(key)
    {
        answer.meta.cached = true;
        answer.meta.total_time_ms = elapsed_ms(started);
        return answer;
    }
    let mut meta = Meta {
        route: DETERMINISTIC_ROUTE.into(),
        tool: Some(query.tool.name().into()),
        confidence: 1.0,
        ..Meta::default()
    };
    if let Err(error) = resolve_filters(connection, &mut query) {
        meta.query = Some(query);
        return Answer::error(error.to_string(), meta);
    }
    meta.query = Some(query.clone());
    let result = match analyst_semantic::execute(connection, &query) {
        Ok(result) => result,
        Err(error) => return Answer::error(error.to_string(), meta),
    };
    let execution_time_ms = elapsed_ms(started);
    meta.tool_calls = vec![ToolCall {
        tool: query.tool.name().into(),
        params: serde_json::to_value(&query).unwrap_or_default(),
        execution_time_ms,
    }];
    meta.sql = Some(result.sql.clone());
    meta.data_as_of = data_as_of(connection, context);
    meta.total_time_ms = execution_time_ms;
    let answer = build_answer(&query, &result, meta);
    if let Some((answers, key)) = cached {
        answers.put(key, &answer);
    }
    answer
}

/// Below this many seconds left in a budget, each query's cost is estimated before it runs.
const ESTIMATE_BELOW_SECONDS: f64 = 30.0;

/// Why a query is refused when its estimated time exceeds what is left of the asker's daily
/// budget (estimated from table sizes, without running it).
fn over_allowance(
    connection: &dyn Connection,
    query: &SemanticQuery,
    seconds_left: Option<f64>,
) -> Option<String> {
    let left = seconds_left.filter(|left| *left < ESTIMATE_BELOW_SECONDS)?;
    let estimate = analyst_tools::estimate_cost(connection, query).ok()?;
    (estimate.estimated_seconds > left).then(|| {
        format!(
            "This query would take about {:.2} s of query time, and {:.2} s are left in your daily budget (it resets at 00:00 UTC). Ask an administrator for more.",
            estimate.estimated_seconds,
            left.max(0.0)
        )
    })
}

/// Questions that name no period look at the last 30 whole days; the answer says so.
fn default_period(today: NaiveDate) -> Period {
    let yesterday = today - Duration::days(1);
    Period {
        start: yesterday - Duration::days(29),
        end: yesterday,
        label: Some("the last 30 days".into()),
    }
}

/// When the aggregates were last rebuilt, as RFC 3339: from the context, else from the store.
fn data_as_of(connection: &dyn Connection, context: &AskContext) -> Option<String> {
    let moment = match context.data_as_of {
        Some(moment) => moment,
        None => analyst_store::gold::data_as_of(connection).ok()??,
    };
    Some(moment.and_utc().to_rfc3339())
}

pub(crate) fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}
