//! What a tool returns: the parts of the answer contract a tool knows (sentence, KPIs, table,
//! the chart it suits, the formula), ready for the gateway to add the chart drawing and meta.

use analyst_core::answer::{ChartType, Column, Kpi, Row};
use analyst_core::format::format_value;
use analyst_core::{Tool, ValueFormat};
use analyst_store::Value;
use serde_json::{Number, Value as Json};

/// The chart a tool's table suits: one bar (or line) per row, from these columns.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    pub kind: ChartType,
    pub title: String,
    /// The column whose values label the bars.
    pub label_key: String,
    /// (column key, series label) of each plotted series.
    pub series: Vec<(String, String)>,
    pub format: ValueFormat,
    /// Labels and values to plot instead of the table rows (e.g. totals per supplier).
    pub points: Vec<(String, f64)>,
}

/// One tool's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolResult {
    pub tool: Tool,
    /// Plain-language answer with the key figures.
    pub sentence: String,
    pub kpis: Vec<Kpi>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub total_row: Option<Row>,
    /// Rows that matched before the row cap.
    pub total_count: u64,
    /// How the figures are computed, in words a buyer reads (also in each row's `why`).
    pub formula: String,
    pub chart: Option<ChartSpec>,
    /// The statements that produced the figures.
    pub sql: String,
    /// The parameters the tool used, defaults included.
    pub params: Json,
}

impl ToolResult {
    /// The number in column `key` of row `index` (for tests and charts).
    pub fn number(&self, index: usize, key: &str) -> Option<f64> {
        self.rows.get(index)?.get(key)?.as_f64()
    }

    /// The text in column `key` of row `index`.
    pub fn text(&self, index: usize, key: &str) -> Option<&str> {
        self.rows.get(index)?.get(key)?.as_str()
    }

    /// The first row whose column `key` holds `text`.
    pub fn row_where(&self, key: &str, text: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|row| row.get(key).and_then(Json::as_str) == Some(text))
    }
}

/// A KPI without a comparison.
pub(crate) fn kpi(label: &str, raw: f64, format: ValueFormat) -> Kpi {
    Kpi {
        label: label.into(),
        value: format_value(raw, format),
        raw: round_for(raw, format),
        delta: None,
        delta_direction: None,
        unit: (format == ValueFormat::Currency).then(|| "THB".into()),
        format,
    }
}

/// Money and rates to 0.01, counts as integers.
pub(crate) fn round_for(value: f64, format: ValueFormat) -> f64 {
    match format {
        ValueFormat::Integer => value.round(),
        _ => (value * 100.0).round() / 100.0,
    }
}

/// A number cell (null when absent or not finite).
pub(crate) fn number(value: Option<f64>, format: ValueFormat) -> Json {
    value
        .filter(|value| value.is_finite())
        .map(|value| round_for(value, format))
        .and_then(|value| match format {
            ValueFormat::Integer => Some(Json::Number(Number::from(value as i64))),
            _ => Number::from_f64(value).map(Json::Number),
        })
        .unwrap_or(Json::Null)
}

/// Number cells `(key, value, format)` into `row`, each as [`number`] writes it.
pub(crate) fn put_numbers(row: &mut Row, cells: &[(&str, Option<f64>, ValueFormat)]) {
    for &(key, value, format) in cells {
        row.insert(key.into(), number(value, format));
    }
}

/// Text cells into `row`: `keys[i]` from the store value at position `i`.
pub(crate) fn put_texts(out: &mut Row, row: &[Value], keys: &[&str]) {
    for (index, key) in keys.iter().enumerate() {
        out.insert((*key).into(), cell(at(row, index), ValueFormat::String));
    }
}

/// A cell from a store value, shown in `format`.
pub(crate) fn cell(value: &Value, format: ValueFormat) -> Json {
    match (value, format) {
        (Value::Null, _) => Json::Null,
        (Value::Date(date), _) => Json::String(date.to_string()),
        (Value::Timestamp(moment), _) => Json::String(moment.date().to_string()),
        (
            _,
            ValueFormat::Integer
            | ValueFormat::Number
            | ValueFormat::Currency
            | ValueFormat::Percentage,
        ) => number(value.as_f64(), format),
        (other, _) => Json::String(other.to_string()),
    }
}

/// A number as a buyer reads it inside a sentence: `1,234`, `2.5`, `฿12,300`.
pub(crate) fn say(value: f64, format: ValueFormat) -> String {
    match format {
        ValueFormat::Number => {
            let rounded = (value * 100.0).round() / 100.0;
            if rounded.fract() == 0.0 {
                format_value(rounded, ValueFormat::Integer)
            } else if (rounded * 10.0).fract() == 0.0 {
                format!("{rounded:.1}")
            } else {
                format!("{rounded:.2}")
            }
        }
        other => format_value(value, other),
    }
}

/// `1 product`, `3 products`.
pub(crate) fn plural(count: u64, one: &str, many: &str) -> String {
    let word = if count == 1 { one } else { many };
    format!(
        "{} {word}",
        format_value(count as f64, ValueFormat::Integer)
    )
}

/// A column's value in a row read from the store, by position.
pub(crate) fn at(row: &[Value], index: usize) -> &Value {
    row.get(index).unwrap_or(&Value::Null)
}

pub(crate) fn float_at(row: &[Value], index: usize) -> f64 {
    at(row, index).as_f64().unwrap_or(0.0)
}
