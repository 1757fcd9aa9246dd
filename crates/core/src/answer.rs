//! The answer contract (ARCHITECTURE.md): what `analyst ask --json` prints and
//! `POST /ai_analyst/chat` returns.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{SemanticQuery, ValueFormat};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// Plain-language answer with the key figures; never empty.
    pub answer: String,
    pub kpis: Vec<Kpi>,
    pub table: Option<Table>,
    pub chart: Option<Chart>,
    pub actions: Vec<Action>,
    pub meta: Meta,
    pub error: Option<String>,
}

impl Answer {
    /// An answer that only says what went wrong (and, in `answer`, what to do).
    pub fn error(message: impl Into<String>, meta: Meta) -> Self {
        let message = message.into();
        Answer {
            answer: message.clone(),
            kpis: Vec::new(),
            table: None,
            chart: None,
            actions: Vec::new(),
            meta,
            error: Some(message),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeltaDirection {
    Up,
    Down,
    Neutral,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kpi {
    pub label: String,
    /// The formatted figure, e.g. `฿1,234,567`.
    pub value: String,
    pub raw: f64,
    pub delta: Option<String>,
    pub delta_direction: Option<DeltaDirection>,
    pub unit: Option<String>,
    pub format: ValueFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    Left,
    Right,
    Center,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub key: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: ValueFormat,
    pub align: Align,
}

impl Column {
    pub fn new(key: impl Into<String>, label: impl Into<String>, kind: ValueFormat) -> Self {
        let align = match kind {
            ValueFormat::String | ValueFormat::Date => Align::Left,
            _ => Align::Right,
        };
        Column {
            key: key.into(),
            label: label.into(),
            kind,
            align,
        }
    }
}

pub type Row = Map<String, Value>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub total_row: Option<Row>,
    /// True when more rows matched than are shown.
    pub truncated: bool,
    /// How many rows matched before the limit.
    pub total_count: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartType {
    Bar,
    HorizontalBar,
    StackedBar,
    GroupedBar,
    Line,
    Pie,
    Doughnut,
    Scatter,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    #[serde(rename = "type")]
    pub kind: ChartType,
    pub title: String,
    pub labels: Vec<String>,
    pub datasets: Vec<Dataset>,
    /// The same chart as a Vega-Lite spec, for other clients and reports.
    pub vega_lite: Option<Value>,
    pub svg: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub label: String,
    pub data: Vec<Option<f64>>,
    pub color: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    #[serde(rename = "type")]
    pub kind: String,
    pub label: String,
    pub enabled: bool,
    pub params: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    pub tool: String,
    pub params: Value,
    pub execution_time_ms: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TokensUsed {
    pub input: u64,
    pub output: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub tool_calls: Vec<ToolCall>,
    pub total_time_ms: u64,
    pub tokens_used: TokensUsed,
    pub provider: Option<String>,
    pub model: Option<String>,
    /// The semantic query that produced the figures.
    pub query: Option<SemanticQuery>,
    pub sql: Option<String>,
    pub tool: Option<String>,
    pub route: String,
    /// How sure the analyst is that it understood the question (0-1).
    pub confidence: f64,
    pub workspace: Option<String>,
    pub cached: bool,
    pub row_count: u64,
    pub row_count_total: u64,
    pub data_as_of: Option<String>,
    /// (+) What the language model's part of the answer cost (every attempt, escalated and
    /// failed ones included), one entry per currency; absent on deterministic answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cost: Vec<Cost>,
    /// (+) Why the answer took its route: the router's signals, escalations and fallbacks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route_reasons: Vec<String>,
    /// (+) Numbers in the model's prose that match no tool result (principle 4: the figures
    /// shown come from tool results; these are flagged, never trusted).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmatched_figures: Vec<String>,
}

/// An amount spent on language-model providers, in one currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    pub amount: f64,
    /// `THB`, `USD`, … (the providers' price currency).
    pub currency: String,
}
