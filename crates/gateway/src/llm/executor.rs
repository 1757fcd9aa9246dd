//! A model's tool call, executed the way a question is: its arguments become a semantic query
//! (checked against the tool's schema and the dictionary; a mistake is given back to the
//! model in words it can act on), which then runs through [`answer_query`] under the asker's
//! rights, record rules and query budget. What the model reads back is the answer's data.

use std::collections::BTreeSet;

use analyst_core::{Answer, SemanticQuery, Tool};
use analyst_llm::{ToolCall, ToolResult};
use analyst_store::Connection;
use serde_json::{Value as Json, json};

use super::tools::{MAX_MODEL_LIMIT, parameters};
use crate::{AskContext, answer_query};

/// Rows of a tool's table the model reads at most; the user sees the whole inline table.
const ROWS_FOR_THE_MODEL: usize = 50;

/// A tool call that ran, with the answer it gave (the figures the final answer shows).
#[derive(Debug, Clone)]
pub(crate) struct Executed {
    pub call_id: String,
    pub answer: Answer,
}

/// Runs the model's tool calls for one question.
pub(crate) struct Executor<'a> {
    pub connection: &'a dyn Connection,
    pub context: &'a AskContext,
    pub tools: &'a [Tool],
    pub executed: Vec<Executed>,
}

impl Executor<'_> {
    /// Validates and runs one call; never fails (errors are results the model reads).
    pub(crate) fn execute(&mut self, call: &ToolCall) -> ToolResult {
        let Some(tool) = self
            .tools
            .iter()
            .copied()
            .find(|tool| tool.name() == call.name)
        else {
            return ToolResult::failed(format!("the tool `{}` is not available", call.name));
        };
        let query = match self.query(tool, &call.arguments) {
            Ok(query) => query,
            Err(message) => return ToolResult::invalid_arguments(message),
        };
        let answer = answer_query(self.connection, query, self.context);
        if let Some(error) = &answer.error {
            return ToolResult::failed(error.clone());
        }
        let content = for_the_model(&answer);
        self.executed.push(Executed {
            call_id: call.id.clone(),
            answer,
        });
        ToolResult::ok(content)
    }

    /// The semantic query of `arguments`, or what is wrong with them.
    fn query(&self, tool: Tool, arguments: &Json) -> Result<SemanticQuery, String> {
        let Json::Object(arguments) = arguments else {
            return Err(format!(
                "the arguments of `{tool}` must be a JSON object of its parameters"
            ));
        };
        let schema = parameters(tool, &analyst_tools::spec(tool).params_schema);
        let known: BTreeSet<&str> = schema["properties"]
            .as_object()
            .map(|properties| properties.keys().map(String::as_str).collect())
            .unwrap_or_default();
        if let Some(unknown) = arguments.keys().find(|key| !known.contains(key.as_str())) {
            let listed: Vec<&str> = known.iter().copied().collect();
            return Err(format!(
                "`{tool}` has no parameter '{unknown}'; its parameters are: {}",
                listed.join(", ")
            ));
        }
        let mut object = arguments.clone();
        object.insert("tool".into(), json!(tool.name()));
        let mut query: SemanticQuery = serde_json::from_value(Json::Object(object))
            .map_err(|error| format!("the arguments of `{tool}` do not fit its schema: {error}"))?;
        query.validate().map_err(|error| error.to_string())?;
        if query.limit.is_some_and(|limit| limit > MAX_MODEL_LIMIT) {
            return Err(format!(
                "limit is at most {MAX_MODEL_LIMIT}; larger results are exported, not read"
            ));
        }
        // Unknown values ("Stryde") are named with the closest known ones, from the rows the
        // asker may see.
        let scoped = analyst_semantic::scoped(self.connection, &self.context.access.scope);
        analyst_semantic::values::resolve_filters(&scoped, &mut query)
            .map_err(|error| error.to_string())?;
        Ok(query)
    }
}

/// The part of an answer a model reads: its sentence, KPIs and (the first rows of) its table.
fn for_the_model(answer: &Answer) -> String {
    let kpis: Vec<Json> = answer
        .kpis
        .iter()
        .map(|kpi| json!({"label": kpi.label, "value": kpi.value, "delta": kpi.delta}))
        .collect();
    let mut content = json!({"summary": answer.answer, "kpis": kpis});
    if let Some(table) = &answer.table {
        let rows: Vec<_> = table.rows.iter().take(ROWS_FOR_THE_MODEL).collect();
        content["columns"] = json!(table.columns.iter().map(|c| &c.key).collect::<Vec<_>>());
        content["rows"] = json!(rows);
        content["rows_shown"] = json!(rows.len());
        content["row_count_total"] = json!(table.total_count);
        if let Some(total) = &table.total_row {
            content["total_row"] = Json::Object(total.clone());
        }
    }
    content.to_string()
}
