//! The response builder: a semantic result → KPIs, table, chart and sentence.

use analyst_core::answer::{Column, DeltaDirection, Kpi, Meta, Row, Table};
use analyst_core::format::{change_pct, format_change_pct, format_value};
use analyst_core::{Answer, Dimension, Measure, SemanticQuery, ValueFormat};
use analyst_semantic::{QueryResult, ResultRow};
use analyst_store::Value;
use chrono::Datelike;
use serde_json::{Number, Value as Json};

use crate::{chart, narrate};

/// Builds the answer contract for a `sales_by_dimension` result.
pub fn build_answer(query: &SemanticQuery, result: &QueryResult, mut meta: Meta) -> Answer {
    let table = build_table(query, result);
    meta.row_count = table.rows.len() as u64;
    meta.row_count_total = table.total_count;
    Answer {
        answer: narrate::sentence(query, result),
        kpis: build_kpis(result),
        chart: chart::build(result),
        table: Some(table),
        actions: Vec::new(),
        meta,
        error: None,
    }
}

/// The totals: one KPI per measure, with the change when comparing.
fn build_kpis(result: &QueryResult) -> Vec<Kpi> {
    let Some(totals) = totals(result) else {
        return Vec::new();
    };
    result
        .measures
        .iter()
        .enumerate()
        .map(|(index, measure)| {
            let raw = totals.measures.get(index).copied().flatten().unwrap_or(0.0);
            let previous = totals.previous.get(index).copied().flatten();
            let delta = previous.and_then(|previous| change_pct(raw, previous));
            Kpi {
                label: measure.label().into(),
                value: format_value(raw, measure.format()),
                raw: round_for(raw, measure.format()),
                delta: previous.and_then(|previous| format_change_pct(raw, previous)),
                delta_direction: delta.map(direction),
                unit: (measure.format() == ValueFormat::Currency).then(|| "THB".into()),
                format: measure.format(),
            }
        })
        .collect()
}

/// The row holding the totals: the total row, or the only row of an ungrouped query.
pub(crate) fn totals(result: &QueryResult) -> Option<&ResultRow> {
    if result.dimensions.is_empty() {
        result.rows.first()
    } else if result.rows.is_empty() {
        None
    } else {
        result.total.as_ref()
    }
}

/// The direction of the figure itself; whether that is good news (`Measure::higher_is_better`)
/// is for the client to colour.
fn direction(delta: f64) -> DeltaDirection {
    if delta.abs() < 0.05 {
        DeltaDirection::Neutral
    } else if delta > 0.0 {
        DeltaDirection::Up
    } else {
        DeltaDirection::Down
    }
}

/// Whether the first measure can be split into shares of a total.
fn share_measure(result: &QueryResult) -> Option<Measure> {
    let first = *result.measures.first()?;
    let additive = matches!(
        first,
        Measure::Revenue
            | Measure::Units
            | Measure::Cost
            | Measure::Margin
            | Measure::Discount
            | Measure::ReturnsUnits
            | Measure::ReturnsRevenue
    );
    let categorical = result
        .dimensions
        .iter()
        .any(|dimension| !dimension.is_time());
    (additive && categorical && result.dimensions.len() == 1).then_some(first)
}

fn build_table(query: &SemanticQuery, result: &QueryResult) -> Table {
    let mut columns: Vec<Column> = result
        .dimensions
        .iter()
        .map(|dimension| {
            let kind = match dimension {
                Dimension::Weekday => ValueFormat::String,
                other => other.format(),
            };
            Column::new(dimension.name(), dimension.label(), kind)
        })
        .collect();
    for measure in &result.measures {
        columns.push(Column::new(
            measure.name(),
            measure.label(),
            measure.format(),
        ));
        if result.compared {
            columns.push(Column::new(
                format!("{}_previous", measure.name()),
                format!("{} (previous)", measure.label()),
                measure.format(),
            ));
            columns.push(Column::new(
                format!("{}_change_pct", measure.name()),
                format!("{} change", measure.label()),
                ValueFormat::Percentage,
            ));
        }
    }
    let share = share_measure(result);
    let share_total = share
        .and(result.total.as_ref())
        .and_then(|total| total.measures[0]);
    if share.is_some() {
        columns.push(Column::new("share_pct", "Share", ValueFormat::Percentage));
    }
    let rows: Vec<Row> = result
        .rows
        .iter()
        .map(|row| table_row(result, row, share_total))
        .collect();
    let total_row = if result.dimensions.is_empty() || rows.is_empty() {
        None
    } else {
        result.total.as_ref().map(|total| {
            let mut row = table_row(result, total, share_total);
            for (index, dimension) in result.dimensions.iter().enumerate() {
                let label = if index == 0 { "Total" } else { "" };
                row.insert(dimension.name().into(), Json::String(label.into()));
            }
            row
        })
    };
    let total_count = result.total_count;
    let wanted = total_count.min(query.limit.map_or(u64::MAX, u64::from));
    Table {
        columns,
        truncated: (rows.len() as u64) < wanted,
        rows,
        total_row,
        total_count,
    }
}

fn table_row(result: &QueryResult, row: &ResultRow, share_total: Option<f64>) -> Row {
    let mut out = Row::new();
    for (dimension, value) in result.dimensions.iter().zip(&row.dimensions) {
        out.insert(dimension.name().into(), dimension_json(*dimension, value));
    }
    for (index, measure) in result.measures.iter().enumerate() {
        let current = row.measures.get(index).copied().flatten();
        out.insert(measure.name().into(), number(current, measure.format()));
        if result.compared {
            let previous = row.previous.get(index).copied().flatten();
            out.insert(
                format!("{}_previous", measure.name()),
                number(previous, measure.format()),
            );
            let change = current.zip(previous).and_then(|(c, p)| change_pct(c, p));
            out.insert(
                format!("{}_change_pct", measure.name()),
                number(change, ValueFormat::Percentage),
            );
        }
    }
    if let Some(total) = share_total {
        let share = row
            .measures
            .first()
            .copied()
            .flatten()
            .filter(|_| total != 0.0)
            .map(|value| value / total * 100.0);
        out.insert("share_pct".into(), number(share, ValueFormat::Percentage));
    }
    out
}

/// Dimension values as JSON: dates as ISO strings, weekdays by name.
pub(crate) fn dimension_json(dimension: Dimension, value: &Value) -> Json {
    match (dimension, value) {
        (Dimension::Weekday, Value::Int(day)) => Json::String(weekday_name(*day).into()),
        (_, Value::Null) => Json::Null,
        (_, Value::Int(number)) => Json::Number((*number).into()),
        (_, Value::Date(date)) => Json::String(date.to_string()),
        (_, other) => Json::String(other.to_string()),
    }
}

/// How a dimension value reads in a sentence or a chart label.
pub(crate) fn dimension_label(dimension: Dimension, value: &Value) -> String {
    match (dimension, value) {
        (Dimension::Weekday, Value::Int(day)) => weekday_name(*day).into(),
        (Dimension::Month, Value::Date(date)) => date.format("%b %Y").to_string(),
        (Dimension::Quarter, Value::Date(date)) => {
            format!("Q{} {}", date.month0() / 3 + 1, date.year())
        }
        (Dimension::Week, Value::Date(date)) => format!("week of {}", date.format("%d %b %Y")),
        (_, Value::Null) => "(none)".into(),
        (_, other) => other.to_string(),
    }
}

fn weekday_name(iso_day: i64) -> &'static str {
    match iso_day {
        1 => "Monday",
        2 => "Tuesday",
        3 => "Wednesday",
        4 => "Thursday",
        5 => "Friday",
        6 => "Saturday",
        _ => "Sunday",
    }
}

/// Money to the satang, percentages to 0.01, counts as integers.
fn round_for(value: f64, format: ValueFormat) -> f64 {
    match format {
        ValueFormat::Integer => value.round(),
        _ => (value * 100.0).round() / 100.0,
    }
}

fn number(value: Option<f64>, format: ValueFormat) -> Json {
    value
        .map(|value| round_for(value, format))
        .and_then(|value| match format {
            ValueFormat::Integer => Some(Json::Number(Number::from(value as i64))),
            _ => Number::from_f64(value).map(Json::Number),
        })
        .unwrap_or(Json::Null)
}
