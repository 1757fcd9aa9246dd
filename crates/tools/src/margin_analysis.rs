//! `margin_analysis`: margin and margin % by any product or place dimension (brand by
//! default) over a period (the last 30 days by default), with what discounts cost — and, with
//! `list: "below_cost"`, the products sold below cost.
//!
//! margin = revenue − cost; margin % = margin ÷ revenue; margin before discount = margin +
//! discount; discount impact = the margin-% points the discounts took.

use analyst_core::answer::{ChartType, Column, Row};
use analyst_core::{Dimension, SemanticQuery, Tool, ValueFormat};
use analyst_store::Connection;
use serde_json::json;

use crate::demand::Grouping;
use crate::params::Params;
use crate::registry::row_cap;
use crate::result::{ChartSpec, ToolResult, float_at, kpi, plural, put_numbers, say};
use crate::scope::{Binds, FACT_JOINS, conditions, period_or_last, product_and_place};
use crate::{ToolContext, ToolError};

const TOOL: &str = "margin_analysis";

pub(crate) fn run(
    connection: &dyn Connection,
    query: &SemanticQuery,
    context: &ToolContext,
) -> Result<ToolResult, ToolError> {
    let params = Params::new(TOOL, &query.params);
    params.only(&["list"])?;
    let list = params.choice("list", "groups", &["groups", "below_cost"])?;
    let (grouping, having) = if list == "below_cost" {
        let grouping = Grouping::new(TOOL, &[])?;
        let grouping = Grouping {
            columns: grouping.columns.into_iter().take(2).collect(),
            by_item: true,
        };
        (grouping, " HAVING SUM(x.revenue) < SUM(x.cost)")
    } else {
        (
            Grouping::of(
                TOOL,
                &query.dimensions,
                Dimension::Brand,
                &product_and_place(),
            )?,
            "",
        )
    };
    let (start, end) = period_or_last(query, context.today, 30);
    let mut binds = Binds::default();
    let conditions = conditions(TOOL, &query.filters, &[], &mut binds)?;
    let filters = conditions.product_and_place();
    let (start_sql, end_sql) = (binds.date(start), binds.date(end));
    let limit = binds.push(i64::from(row_cap(
        Tool::MarginAnalysis,
        query.limit,
        context,
    )));
    let order = if list == "below_cost" {
        "revenue - cost ASC"
    } else {
        "revenue - cost DESC"
    };
    let sql = format!(
        "WITH grouped AS (
            SELECT {select}, CAST(SUM(x.revenue) AS DOUBLE PRECISION) AS revenue,
                   CAST(SUM(x.cost) AS DOUBLE PRECISION) AS cost,
                   CAST(SUM(x.discount) AS DOUBLE PRECISION) AS discount,
                   CAST(SUM(x.units) AS DOUBLE PRECISION) AS units
            FROM gold.daily_sales x {FACT_JOINS}
            WHERE x.date BETWEEN {start_sql} AND {end_sql}{filters}
            GROUP BY {group_by}{having})
        SELECT {keys}, revenue, cost, discount, units, count(*) OVER (),
               SUM(revenue) OVER (), SUM(cost) OVER (), SUM(discount) OVER ()
        FROM grouped
        ORDER BY {order}, {keys}
        LIMIT {limit}",
        select = grouping.select(),
        group_by = grouping.exprs(),
        keys = grouping.keys(),
    );
    let rows = connection.query(&sql, &binds.0)?.rows;
    let width = grouping.len();
    let columns = grouping.table_columns([
        Column::new("revenue", "Revenue", ValueFormat::Currency),
        Column::new("cost", "Cost", ValueFormat::Currency),
        Column::new("margin", "Margin", ValueFormat::Currency),
        Column::new("margin_pct", "Margin %", ValueFormat::Percentage),
        Column::new("discount", "Discount", ValueFormat::Currency),
        Column::new(
            "margin_pct_before_discount",
            "Margin % before discount",
            ValueFormat::Percentage,
        ),
        Column::new(
            "discount_impact_pts",
            "Discount impact (pts)",
            ValueFormat::Number,
        ),
        Column::new("why", "Why", ValueFormat::String),
    ]);
    let mut table = Vec::new();
    let mut totals = (0u64, 0.0, 0.0, 0.0);
    for row in &rows {
        let v = |offset: usize| float_at(row, width + offset);
        let (revenue, cost, discount) = (v(0), v(1), v(2));
        totals = (v(4) as u64, v(5), v(6), v(7));
        let mut out = grouping.row(row);
        fill(&mut out, revenue, cost, discount);
        table.push(out);
    }
    let (total_count, revenue, cost, discount) = totals;
    let mut total_row = grouping.total_row();
    fill(&mut total_row, revenue, cost, discount);
    let margin_pct = (revenue != 0.0).then(|| (revenue - cost) / revenue * 100.0);
    let sentence = if list == "below_cost" {
        format!(
            "{} sold below cost from {start} to {end}, losing {} on {} of revenue.",
            plural(total_count, "product", "products"),
            say(cost - revenue, ValueFormat::Currency),
            say(revenue, ValueFormat::Currency),
        )
    } else {
        format!(
            "From {start} to {end}: margin {} on {} revenue ({}); discounts of {} took {} points of margin.",
            say(revenue - cost, ValueFormat::Currency),
            say(revenue, ValueFormat::Currency),
            margin_pct.map_or("-".into(), |pct| format!("{pct:.1}%")),
            say(discount, ValueFormat::Currency),
            total_row
                .get("discount_impact_pts")
                .and_then(|v| v.as_f64())
                .map_or("-".into(), |pts| format!("{pts:.1}")),
        )
    };
    Ok(ToolResult {
        tool: Tool::MarginAnalysis,
        sentence,
        kpis: vec![
            kpi("Revenue", revenue, ValueFormat::Currency),
            kpi("Margin", revenue - cost, ValueFormat::Currency),
            kpi(
                "Margin %",
                margin_pct.unwrap_or(0.0),
                ValueFormat::Percentage,
            ),
            kpi("Discount", discount, ValueFormat::Currency),
        ],
        columns,
        rows: table,
        total_row: Some(total_row),
        total_count,
        formula: format!(
            "margin = revenue − cost; margin % = margin ÷ revenue; before discount = (margin + \
             discount) ÷ (revenue + discount); impact = the difference in points; sales {start} to {end}"
        ),
        chart: Some(ChartSpec {
            kind: ChartType::HorizontalBar,
            title: "Margin".into(),
            label_key: grouping.label_key(),
            series: vec![("margin".into(), "Margin".into())],
            format: ValueFormat::Currency,
            points: Vec::new(),
        }),
        sql,
        params: json!({"list": list, "period": {"start": start, "end": end}}),
    })
}

fn fill(out: &mut Row, revenue: f64, cost: f64, discount: f64) {
    let margin = revenue - cost;
    let pct = (revenue != 0.0).then(|| margin / revenue * 100.0);
    let gross = revenue + discount;
    let before = (gross != 0.0).then(|| (margin + discount) / gross * 100.0);
    let impact = before.zip(pct).map(|(before, pct)| before - pct);
    put_numbers(
        out,
        &[
            ("revenue", Some(revenue), ValueFormat::Currency),
            ("cost", Some(cost), ValueFormat::Currency),
            ("margin", Some(margin), ValueFormat::Currency),
            ("margin_pct", pct, ValueFormat::Percentage),
            ("discount", Some(discount), ValueFormat::Currency),
            (
                "margin_pct_before_discount",
                before,
                ValueFormat::Percentage,
            ),
            ("discount_impact_pts", impact, ValueFormat::Number),
        ],
    );
    out.insert(
        "why".into(),
        json!(format!(
            "{} − {} = {} ({}); without the {} discount: {} ÷ {} = {}",
            say(revenue, ValueFormat::Currency),
            say(cost, ValueFormat::Currency),
            say(margin, ValueFormat::Currency),
            pct.map_or("-".into(), |p| format!("{p:.1}%")),
            say(discount, ValueFormat::Currency),
            say(margin + discount, ValueFormat::Currency),
            say(gross, ValueFormat::Currency),
            before.map_or("-".into(), |p| format!("{p:.1}%")),
        )),
    );
}
