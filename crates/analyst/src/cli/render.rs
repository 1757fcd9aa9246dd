//! Text rendering of answers and query results for the terminal.

use analyst_core::answer::{Align, Column};
use analyst_core::format::format_value;
use analyst_core::{Answer, ValueFormat};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};
use serde_json::Value as Json;

/// The answer as a person reads it: the sentence, the KPIs, the table, how it was understood.
pub fn answer_text(answer: &Answer) -> String {
    let mut out = format!("{}\n", answer.answer);
    if answer.error.is_some() {
        return out;
    }
    if !answer.kpis.is_empty() {
        out.push('\n');
        for kpi in &answer.kpis {
            let delta = kpi
                .delta
                .as_deref()
                .map(|delta| format!("  ({delta})"))
                .unwrap_or_default();
            out.push_str(&format!("  {:<18} {}{delta}\n", kpi.label, kpi.value));
        }
    }
    if let Some(table) = &answer.table
        && !table.columns.is_empty()
        && (table.rows.len() > 1 || table.total_row.is_some())
    {
        let mut grid = new_grid(table.columns.iter().map(|column| column.label.clone()));
        for (index, column) in table.columns.iter().enumerate() {
            if let Some(grid_column) = grid.column_mut(index) {
                grid_column.set_cell_alignment(alignment(column.align));
            }
        }
        for row in table.rows.iter().chain(&table.total_row) {
            grid.add_row(
                table
                    .columns
                    .iter()
                    .map(|column| cell(column, row.get(&column.key))),
            );
        }
        out.push_str(&format!("\n{grid}\n"));
        if table.truncated {
            out.push_str(&format!(
                "  … {} rows in all; the first {} are shown.\n",
                table.total_count,
                table.rows.len()
            ));
        }
    }
    if let Some(query) = &answer.meta.query {
        let understood = serde_json::to_string(query).unwrap_or_default();
        out.push_str(&format!(
            "\nUnderstood as {understood} (confidence {:.2}, {} ms)\n",
            answer.meta.confidence, answer.meta.total_time_ms
        ));
    }
    out
}

/// A grid with a header row, in the house style.
pub fn new_grid(header: impl IntoIterator<Item = String>) -> Table {
    let mut grid = Table::new();
    grid.load_preset(UTF8_FULL_CONDENSED).set_header(header);
    grid
}

fn alignment(align: Align) -> CellAlignment {
    match align {
        Align::Left => CellAlignment::Left,
        Align::Right => CellAlignment::Right,
        Align::Center => CellAlignment::Center,
    }
}

fn cell(column: &Column, value: Option<&Json>) -> String {
    match value {
        None | Some(Json::Null) => "–".into(),
        Some(Json::Number(number)) => match column.kind {
            ValueFormat::Currency
            | ValueFormat::Integer
            | ValueFormat::Percentage
            | ValueFormat::Number => format_value(number.as_f64().unwrap_or(0.0), column.kind),
            _ => number.to_string(),
        },
        Some(Json::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}
