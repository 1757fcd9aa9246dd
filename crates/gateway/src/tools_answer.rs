//! Answers for the tools of the registry (everything but `sales_by_dimension`): the tool runs,
//! and its result becomes the answer contract — sentence and formula, KPIs, the table with
//! each row's `why`, and a chart.

use std::time::Instant;

use analyst_core::answer::{Chart, Dataset, Meta, Table, ToolCall};
use analyst_core::{Answer, SemanticQuery};
use analyst_store::Connection;
use analyst_tools::{ToolContext, ToolResult};
use serde_json::{Value as Json, json};

use crate::propose::propose_actions;
use crate::{AskContext, DETERMINISTIC_ROUTE, chart, data_as_of, elapsed_ms};

/// Bars a tool chart shows at most (the table holds the rest).
const MAX_CHART_BARS: usize = 20;
const PALETTE: [&str; 4] = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759"];

/// Runs the tool `query.tool` names and builds its answer; never fails (errors become error
/// answers that say what to do).
pub(crate) fn answer_tool(
    connection: &dyn Connection,
    query: SemanticQuery,
    context: &AskContext,
) -> Answer {
    let started = Instant::now();
    let mut meta = Meta {
        route: DETERMINISTIC_ROUTE.into(),
        tool: Some(query.tool.name().into()),
        confidence: 1.0,
        query: Some(query.clone()),
        ..Meta::default()
    };
    let tool_context = ToolContext::on(context.today);
    let result = match analyst_tools::run(connection, &query, &tool_context) {
        Ok(result) => result,
        Err(error) => {
            meta.total_time_ms = elapsed_ms(started);
            return Answer::error(error.to_string(), meta);
        }
    };
    let execution_time_ms = elapsed_ms(started);
    meta.tool_calls = vec![ToolCall {
        tool: query.tool.name().into(),
        params: json!({"query": query, "params": result.params, "formula": result.formula}),
        execution_time_ms,
    }];
    meta.sql = Some(result.sql.clone());
    meta.data_as_of = data_as_of(connection, context);
    meta.row_count = result.rows.len() as u64;
    meta.row_count_total = result.total_count;
    meta.total_time_ms = elapsed_ms(started);
    let chart = build_chart(&result);
    let actions = propose_actions(&query, &result.rows);
    Answer {
        answer: format!("{}\n\nHow: {}.", result.sentence, result.formula),
        kpis: result.kpis,
        table: Some(Table {
            truncated: (result.rows.len() as u64) < result.total_count,
            columns: result.columns,
            rows: result.rows,
            total_row: result.total_row,
            total_count: result.total_count,
        }),
        chart,
        actions,
        meta,
        error: None,
    }
}

/// The chart the tool asked for, from its rows (first bars only) or its own points.
fn build_chart(result: &ToolResult) -> Option<Chart> {
    let spec = result.chart.as_ref()?;
    let (labels, datasets): (Vec<String>, Vec<Dataset>) = if spec.points.is_empty() {
        let rows = &result.rows[..result.rows.len().min(MAX_CHART_BARS)];
        let labels = rows
            .iter()
            .map(|row| match row.get(&spec.label_key) {
                Some(Json::String(text)) => text.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            })
            .collect();
        let datasets = spec
            .series
            .iter()
            .enumerate()
            .map(|(index, (key, label))| Dataset {
                label: label.clone(),
                data: rows
                    .iter()
                    .map(|row| row.get(key).and_then(Json::as_f64))
                    .collect(),
                color: PALETTE[index % PALETTE.len()].into(),
            })
            .collect();
        (labels, datasets)
    } else {
        let points = &spec.points[..spec.points.len().min(MAX_CHART_BARS)];
        let label = spec.series.first().map(|(_, label)| label.clone());
        (
            points.iter().map(|(label, _)| label.clone()).collect(),
            vec![Dataset {
                label: label.unwrap_or_default(),
                data: points.iter().map(|(_, value)| Some(*value)).collect(),
                color: PALETTE[0].into(),
            }],
        )
    };
    if labels.is_empty() {
        return None;
    }
    let mut chart = Chart {
        kind: spec.kind,
        title: spec.title.clone(),
        labels,
        datasets,
        vega_lite: None,
        svg: None,
    };
    let y_title = spec
        .series
        .first()
        .map(|(_, label)| label.clone())
        .unwrap_or_default();
    chart::finish(&mut chart, &spec.label_key, &y_title, spec.format);
    Some(chart)
}
