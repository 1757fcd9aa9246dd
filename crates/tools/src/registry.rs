//! The tool registry (seed 000): each tool's name, description, JSON schema of its `params`,
//! the groups allowed to use it, its inline row cap, and a cost estimate read from cheap
//! catalogue counts before the tool runs.

use analyst_core::{SemanticQuery, Tool};
use analyst_store::{Connection, Value};
use serde_json::{Value as Json, json};

use crate::{ToolContext, ToolError};

/// Inline answers show at most this many rows; above that the gateway offers an export.
pub const DEFAULT_MAX_ROWS: u32 = 500;

/// One registered tool.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSpec {
    pub tool: Tool,
    pub description: &'static str,
    /// JSON Schema of `query.params`.
    pub params_schema: Json,
    /// Groups whose members may use the tool (administrators always may); empty = everyone.
    pub required_groups: &'static [&'static str],
    pub max_rows: u32,
}

/// What running a tool would cost, estimated without running it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostEstimate {
    pub estimated_rows: u64,
    pub estimated_seconds: f64,
}

fn integer(description: &str, minimum: i64, maximum: i64, default: Option<i64>) -> Json {
    let mut schema = json!({"type": "integer", "description": description,
                            "minimum": minimum, "maximum": maximum});
    if let Some(default) = default {
        schema["default"] = json!(default);
    }
    schema
}

fn object(properties: Json) -> Json {
    json!({"type": "object", "properties": properties, "additionalProperties": false})
}

/// The registration of `tool`.
pub fn spec(tool: Tool) -> ToolSpec {
    let window = integer(
        "days of sales the rate is measured over, ending yesterday",
        7,
        365,
        Some(28),
    );
    let (description, params_schema) = match tool {
        Tool::SalesByDimension => (
            "Measures grouped by dimensions over sales lines.",
            object(json!({})),
        ),
        Tool::BuyingVelocity => (
            "Units sold per day and per week by product (or any product dimension) over a window, \
             with the trend against the window before; stock-out days are left out of the rate.",
            object(json!({"window_days": window})),
        ),
        Tool::StockCoverage => (
            "Days of cover (available ÷ daily velocity) and expected stock-out dates, most urgent \
             first; horizon_days keeps the products that run out within it.",
            object(
                json!({"horizon_days": integer("keep products that run out within this many days", 1, 3650, None),
                          "window_days": window}),
            ),
        ),
        Tool::DeadStock => (
            "Products with stock and no sale for days_without_sales days (recent receipts are not \
             dead), with quantity, value at cost, last sale and last receipt; slow movers apart; \
             each scored 0.35·age + 0.40·velocity + 0.25·cover.",
            object(json!({
                "days_without_sales": integer("no sale for at least this many days", 1, 3650, Some(180)),
                "slow_cover_days": integer("slow movers: cover above this many days", 1, 3650, Some(180)),
                "list": {"type": "string", "enum": ["dead", "slow"], "default": "dead"}})),
        ),
        Tool::ReorderSuggestion => (
            "What to order from each supplier: reorder point = velocity × lead time + safety stock; \
             order up to velocity × (lead time + review period) + safety stock, rounded up to the \
             pack size and at least the MOQ. Suggestions are stored for accepting or dismissing.",
            object(json!({
                "service_level": {"type": "number", "minimum": 50, "maximum": 99.9, "default": 95,
                                  "description": "percent of cycles without a stock-out"},
                "review_days": integer("days between two orders", 0, 365, Some(14)),
                "target_cover_days": integer("cover a product without supplier terms is brought to", 1, 365, Some(42)),
                "window_days": window,
                "store_suggestions": {"type": "boolean", "default": true}})),
        ),
        Tool::SeasonPerformance => (
            "A season's units, revenue and sell-through (sold ÷ (sold + on hand)) by any product \
             dimension, weeks into the season, against the same point of the previous like season.",
            object(
                json!({"season": {"type": "string", "description": "e.g. AW25; or a season filter"}}),
            ),
        ),
        Tool::HelpdeskSummary => (
            "Tickets by team, stage, priority or customer: open now, created and closed in the \
             period, average and p90 resolution days, SLA breaches.",
            object(
                json!({"state": {"type": "string", "enum": ["all", "open", "closed"], "default": "all"}}),
            ),
        ),
        Tool::AbcAnalysis => (
            "Products (or brands, or any product dimension) classed A/B/C by cumulative revenue \
             share over a period (80/15/5 by default), with counts and stock value per class.",
            object(json!({
                "a_share": {"type": "number", "minimum": 1, "maximum": 99, "default": 80},
                "b_share": {"type": "number", "minimum": 1, "maximum": 100, "default": 95}})),
        ),
        Tool::MarginAnalysis => (
            "Margin and margin % by any dimension, with what discounts took; list below_cost gives \
             the products sold below cost.",
            object(
                json!({"list": {"type": "string", "enum": ["groups", "below_cost"], "default": "groups"}}),
            ),
        ),
        Tool::InventoryValuation => (
            "Quantity and value at cost on hand as of any date (from stock moves), by product, \
             category, brand or store.",
            object(json!({"as_of": {"type": "string", "format": "date"}})),
        ),
        Tool::StockAging => (
            "Products holding stock whose last sale is at least days_threshold days ago, with \
             value; never sold shown as such.",
            object(
                json!({"days_threshold": integer("last sale at least this many days ago", 1, 3650, Some(90))}),
            ),
        ),
        Tool::RefundReturnImpact => (
            "Gross sales, refunds, net, refund rate and revenue impact by product, brand, store or month.",
            object(json!({})),
        ),
        Tool::ArAging => (
            "Open customer invoices as of a date in buckets current / 1-30 / 31-60 / 61-90 / 90+ \
             days overdue, totals and by customer.",
            object(json!({"as_of": {"type": "string", "format": "date"}})),
        ),
        Tool::ApAging => (
            "Open vendor bills as of a date in buckets current / 1-30 / 31-60 / 61-90 / 90+ days \
             overdue, totals and by supplier.",
            object(json!({"as_of": {"type": "string", "format": "date"}})),
        ),
    };
    ToolSpec {
        tool,
        description,
        params_schema,
        required_groups: required_groups(tool),
        max_rows: DEFAULT_MAX_ROWS,
    }
}

/// Who may use a tool: sales figures for the people who sell and buy, costs and margins for
/// buyers and executives, tickets for customer service, receivables for sales, payables for
/// buyers. Drivers use none. (Cheap: every question checks it.)
pub fn required_groups(tool: Tool) -> &'static [&'static str] {
    match tool {
        Tool::SalesByDimension | Tool::SeasonPerformance => {
            &["executive", "buyer", "store_manager", "sales"]
        }
        Tool::BuyingVelocity | Tool::StockCoverage | Tool::DeadStock | Tool::StockAging => {
            &["executive", "buyer", "store_manager"]
        }
        Tool::ReorderSuggestion
        | Tool::AbcAnalysis
        | Tool::MarginAnalysis
        | Tool::InventoryValuation
        | Tool::ApAging => &["executive", "buyer"],
        Tool::HelpdeskSummary => &["executive", "support"],
        Tool::RefundReturnImpact => &["executive", "sales", "support", "store_manager"],
        Tool::ArAging => &["executive", "sales"],
    }
}

/// Every registered tool.
pub fn specs() -> Vec<ToolSpec> {
    Tool::ALL.iter().map(|tool| spec(*tool)).collect()
}

/// The most rows a tool reads for an export ([`ToolContext::all_rows`]).
pub const EXPORT_MAX_ROWS: u32 = 1_000_000;

/// The rows a tool reads: the query's limit, at most the tool's `max_rows` (or
/// [`EXPORT_MAX_ROWS`] for an export).
pub(crate) fn row_cap(tool: Tool, limit: Option<u32>, context: &ToolContext) -> u32 {
    let max = if context.all_rows {
        EXPORT_MAX_ROWS
    } else {
        spec(tool).max_rows
    };
    limit.unwrap_or(max).clamp(1, max)
}

/// Estimates rows and seconds from table sizes (counts the embedded store keeps as metadata),
/// without running the tool.
pub fn estimate_cost(
    connection: &dyn Connection,
    query: &SemanticQuery,
) -> Result<CostEstimate, ToolError> {
    let count = |table: &str| -> Result<u64, ToolError> {
        let rows = connection.query(&format!("SELECT count(*) FROM {table}"), &[])?;
        Ok(rows.scalar().and_then(Value::as_i64).unwrap_or(0).max(0) as u64)
    };
    // Rows scanned per second by one core of the columnar engine, conservatively.
    const SCAN_RATE: f64 = 40_000_000.0;
    let (rows, scanned) = match query.tool {
        Tool::HelpdeskSummary => {
            let tickets = count("silver.helpdesk_ticket")?;
            (tickets.min(50), tickets)
        }
        Tool::ArAging | Tool::ApAging => {
            let invoices = count("silver.invoice")?;
            (invoices, invoices)
        }
        Tool::SalesByDimension => (0, count("gold.daily_sales")?),
        _ => {
            let products = count("silver.product")?;
            let companies = count("silver.company")?.max(1);
            let scanned = count("silver.stock_level")? + count("gold.daily_sales")? / 8;
            let groups = if query.dimensions.is_empty() {
                products * companies
            } else {
                products.min(200)
            };
            (groups, scanned)
        }
    };
    Ok(CostEstimate {
        estimated_rows: rows,
        estimated_seconds: 0.005 + scanned as f64 / SCAN_RATE,
    })
}
