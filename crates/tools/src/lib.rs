//! The tool registry and the tools beside `sales_by_dimension`: buying intelligence (velocity,
//! cover, dead stock, reorder suggestions), season performance, helpdesk, margin, valuation,
//! aging and refunds.
//!
//! Every tool aggregates in SQL (the dialect common to DuckDB and PostgreSQL, values as `$n`
//! parameters, identifiers from this crate only), reads at most `max_rows` rows, and returns a
//! [`ToolResult`] that explains itself: the formula, and per row the figures behind it.

mod error;
mod params;
pub mod registry;
mod result;
mod scope;

mod abc_analysis;
mod aging;
mod buying_velocity;
mod dead_stock;
mod demand;
mod helpdesk_summary;
mod inventory_valuation;
mod margin_analysis;
mod refund_return_impact;
mod reorder_suggestion;
mod season_performance;
mod stock_aging;
mod stock_coverage;
pub mod suggestions;

use analyst_core::{SemanticQuery, Tool};
use analyst_store::Connection;
use chrono::NaiveDate;

pub use error::ToolError;
pub use registry::{CostEstimate, ToolSpec, estimate_cost, required_groups, spec, specs};
pub use result::{ChartSpec, ToolResult};

/// What a tool needs besides its query.
#[derive(Debug, Clone)]
pub struct ToolContext {
    /// The day relative windows end before ("the last 28 days" ends yesterday).
    pub today: NaiveDate,
    /// Every row (up to [`registry::EXPORT_MAX_ROWS`]) instead of an answer's `max_rows`: for
    /// exports.
    pub all_rows: bool,
}

impl ToolContext {
    /// The context of an answer on `today`.
    pub fn on(today: NaiveDate) -> ToolContext {
        ToolContext {
            today,
            all_rows: false,
        }
    }
}

/// Runs the tool `query.tool` names, with its parameters from `query.params`.
pub fn run(
    connection: &dyn Connection,
    query: &SemanticQuery,
    context: &ToolContext,
) -> Result<ToolResult, ToolError> {
    query.validate()?;
    let mut query = query.clone();
    scope::resolve_filters(connection, &mut query)?;
    match query.tool {
        Tool::SalesByDimension => Err(ToolError::NotATool(Tool::SalesByDimension.name())),
        Tool::BuyingVelocity => buying_velocity::run(connection, &query, context),
        Tool::StockCoverage => stock_coverage::run(connection, &query, context),
        Tool::DeadStock => dead_stock::run(connection, &query, context),
        Tool::ReorderSuggestion => reorder_suggestion::run(connection, &query, context),
        Tool::SeasonPerformance => season_performance::run(connection, &query, context),
        Tool::HelpdeskSummary => helpdesk_summary::run(connection, &query, context),
        Tool::AbcAnalysis => abc_analysis::run(connection, &query, context),
        Tool::MarginAnalysis => margin_analysis::run(connection, &query, context),
        Tool::InventoryValuation => inventory_valuation::run(connection, &query, context),
        Tool::StockAging => stock_aging::run(connection, &query, context),
        Tool::RefundReturnImpact => refund_return_impact::run(connection, &query, context),
        Tool::ArAging | Tool::ApAging => aging::run(connection, &query, context, query.tool),
    }
}
