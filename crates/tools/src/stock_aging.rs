//! `stock_aging`: products holding stock whose last sale is at least `days_threshold` days
//! ago (90 by default), with quantity, value at cost and the dead-stock score; products that
//! never sold say so. Unlike `dead_stock`, recent receipts do not take a product off the list.

use analyst_core::{SemanticQuery, Tool};
use analyst_store::Connection;

use crate::dead_stock::{Mode, list};
use crate::params::Params;
use crate::{ToolContext, ToolError, ToolResult};

pub(crate) fn run(
    connection: &dyn Connection,
    query: &SemanticQuery,
    context: &ToolContext,
) -> Result<ToolResult, ToolError> {
    let params = Params::new(Tool::StockAging.name(), &query.params);
    params.only(&["days_threshold"])?;
    let days = params.integer("days_threshold", 90, 1..=3650)?;
    list(
        connection,
        query,
        context,
        Tool::StockAging,
        Mode::Aging { days },
    )
}
