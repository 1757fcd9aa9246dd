//! `inventory_valuation`: quantity and value at cost on hand as of any date, by category (the
//! default), product, brand, store or any product or place dimension.
//!
//! On hand at a date = today's stock − every stock move after that date (so only the moves
//! since are read); value = quantity × standard cost.

use analyst_core::answer::{ChartType, Column, Row};
use analyst_core::{Dimension, SemanticQuery, Tool, ValueFormat};
use analyst_store::Connection;
use chrono::{Duration, NaiveDate};
use serde_json::json;

use crate::demand::Grouping;
use crate::params::Params;
use crate::registry::row_cap;
use crate::result::{ChartSpec, ToolResult, float_at, kpi, number, put_numbers, say};
use crate::scope::{Binds, FACT_JOINS, conditions, product_and_place};
use crate::{ToolContext, ToolError};

const TOOL: &str = "inventory_valuation";

pub(crate) fn run(
    connection: &dyn Connection,
    query: &SemanticQuery,
    context: &ToolContext,
) -> Result<ToolResult, ToolError> {
    let params = Params::new(TOOL, &query.params);
    params.only(&["as_of"])?;
    let as_of = match query.params.get("as_of").and_then(|value| value.as_str()) {
        Some(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
            ToolError::InvalidParam {
                tool: TOOL,
                message: format!("'as_of' must be a date as YYYY-MM-DD, not '{text}'"),
            }
        })?,
        None => query
            .period
            .as_ref()
            .map_or(context.today - Duration::days(1), |period| period.end),
    };
    let grouping = Grouping::of(
        TOOL,
        &query.dimensions,
        Dimension::Category,
        &product_and_place(),
    )?;
    let mut binds = Binds::default();
    let conditions = conditions(TOOL, &query.filters, &[], &mut binds)?;
    let filters = conditions.product_and_place();
    let as_of_sql = binds.date(as_of);
    let limit = binds.push(i64::from(row_cap(
        Tool::InventoryValuation,
        query.limit,
        context,
    )));
    let sql = format!(
        "WITH positions AS (
            SELECT product_id, store_id, SUM(qty) AS qty FROM (
                SELECT product_id, store_id, on_hand AS qty FROM silver.stock_level
                UNION ALL
                SELECT product_id, store_id, -qty FROM silver.stock_move WHERE date > {as_of_sql}) moves
            GROUP BY product_id, store_id),
        grouped AS (
            SELECT {select}, CAST(SUM(x.qty) AS DOUBLE PRECISION) AS qty,
                   CAST(SUM(x.qty * p.standard_cost) AS DOUBLE PRECISION) AS value,
                   COUNT(DISTINCT x.product_id) AS products
            FROM positions x {FACT_JOINS}
            WHERE x.qty <> 0{filters}
            GROUP BY {group_by})
        SELECT {keys}, qty, value, products, count(*) OVER (), SUM(qty) OVER (), SUM(value) OVER ()
        FROM grouped ORDER BY value DESC, {keys} LIMIT {limit}",
        select = grouping.select(),
        group_by = grouping.exprs(),
        keys = grouping.keys(),
    );
    let rows = connection.query(&sql, &binds.0)?.rows;
    let width = grouping.len();
    let columns = grouping.table_columns([
        Column::new("qty", "Quantity", ValueFormat::Integer),
        Column::new("value", "Value at cost", ValueFormat::Currency),
        Column::new("products", "Products", ValueFormat::Integer),
        Column::new("share_pct", "Share of value", ValueFormat::Percentage),
    ]);
    let mut table = Vec::new();
    let mut totals = (0u64, 0.0, 0.0);
    for row in &rows {
        let v = |offset: usize| float_at(row, width + offset);
        totals = (v(3) as u64, v(4), v(5));
        let mut out = grouping.row(row);
        put_numbers(
            &mut out,
            &[
                ("qty", Some(v(0)), ValueFormat::Integer),
                ("value", Some(v(1)), ValueFormat::Currency),
                ("products", Some(v(2)), ValueFormat::Integer),
            ],
        );
        let share = (totals.2 != 0.0).then(|| v(1) / totals.2 * 100.0);
        out.insert("share_pct".into(), number(share, ValueFormat::Percentage));
        table.push(out);
    }
    let (total_count, qty, value) = totals;
    let mut total_row = Row::new();
    total_row.insert(grouping.columns[0].0.clone(), json!("Total"));
    total_row.insert("qty".into(), number(Some(qty), ValueFormat::Integer));
    total_row.insert("value".into(), number(Some(value), ValueFormat::Currency));
    let sentence = format!(
        "On {as_of}: {} units on hand worth {} at cost{}.",
        say(qty, ValueFormat::Integer),
        say(value, ValueFormat::Currency),
        table
            .first()
            .map(|first| format!(
                ", most in {} ({})",
                first
                    .get(&grouping.columns[0].0)
                    .and_then(|v| v.as_str())
                    .unwrap_or("-"),
                first
                    .get("value")
                    .and_then(|v| v.as_f64())
                    .map_or("-".into(), |v| say(v, ValueFormat::Currency))
            ))
            .unwrap_or_default(),
    );
    Ok(ToolResult {
        tool: Tool::InventoryValuation,
        sentence,
        kpis: vec![
            kpi("Units on hand", qty, ValueFormat::Integer),
            kpi("Value at cost", value, ValueFormat::Currency),
        ],
        columns,
        rows: table,
        total_row: Some(total_row),
        total_count,
        formula: format!(
            "on hand on {as_of} = today's stock − stock moves after {as_of}; value = quantity × standard cost"
        ),
        chart: Some(ChartSpec {
            kind: ChartType::HorizontalBar,
            title: format!("Stock value on {as_of}"),
            label_key: grouping.columns[0].0.clone(),
            series: vec![("value".into(), "Value at cost".into())],
            format: ValueFormat::Currency,
            points: Vec::new(),
        }),
        sql,
        params: json!({"as_of": as_of}),
    })
}
