//! `abc_analysis`: products (or brands, or any product dimension) classed A, B or C by their
//! cumulative share of revenue over a period (the last 365 days by default): the best sellers
//! making the first 80% are A, the next 15% B, the rest (and what did not sell) C — with counts
//! and stock value at cost per class.

use analyst_core::answer::{ChartType, Column};
use analyst_core::{Dimension, SemanticQuery, Tool, ValueFormat};
use analyst_store::Connection;
use serde_json::json;

use crate::demand::Grouping;
use crate::params::Params;
use crate::registry::row_cap;
use crate::result::{ChartSpec, ToolResult, at, float_at, kpi, number, put_numbers, say};
use crate::scope::{Binds, FACT_JOINS, PRODUCT_DIMENSIONS, conditions, period_or_last};
use crate::{ToolContext, ToolError};

const TOOL: &str = "abc_analysis";

pub(crate) fn run(
    connection: &dyn Connection,
    query: &SemanticQuery,
    context: &ToolContext,
) -> Result<ToolResult, ToolError> {
    let params = Params::new(TOOL, &query.params);
    params.only(&["a_share", "b_share"])?;
    let a_share = params.number("a_share", 80.0, 1.0..=99.0)?;
    let b_share = params.number("b_share", a_share + 15.0, a_share..=100.0)?;
    let grouping = Grouping::of(
        TOOL,
        &query.dimensions,
        Dimension::Product,
        &PRODUCT_DIMENSIONS,
    )?;
    let (start, end) = period_or_last(query, context.today, 365);
    let mut binds = Binds::default();
    let conditions = conditions(TOOL, &query.filters, &[], &mut binds)?;
    let filters = conditions.product_and_place();
    let (start_sql, end_sql) = (binds.date(start), binds.date(end));
    let (a_sql, b_sql) = (binds.float(a_share), binds.float(b_share));
    let limit = binds.push(i64::from(row_cap(Tool::AbcAnalysis, query.limit, context)));
    let sql = format!(
        "WITH sales AS (
            SELECT {select}, CAST(SUM(x.revenue) AS DOUBLE PRECISION) AS revenue
            FROM gold.daily_sales x {FACT_JOINS}
            WHERE x.date BETWEEN {start_sql} AND {end_sql}{filters}
            GROUP BY {group_by}),
        stock AS (
            SELECT {select}, CAST(SUM(x.on_hand * p.standard_cost) AS DOUBLE PRECISION) AS stock_value
            FROM silver.stock_level x {FACT_JOINS}
            WHERE x.on_hand > 0{filters}
            GROUP BY {group_by}),
        k AS (SELECT {keys} FROM sales UNION SELECT {keys} FROM stock),
        joined AS (
            SELECT {k_keys}, GREATEST(COALESCE(sa.revenue, 0), 0) AS revenue, COALESCE(st.stock_value, 0) AS stock_value
            FROM k LEFT JOIN sales sa ON {on_sales} LEFT JOIN stock st ON {on_stock}),
        ranked AS (
            SELECT j.*,
                   SUM(j.revenue) OVER (ORDER BY j.revenue DESC, {keys} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
                   SUM(j.revenue) OVER () AS total
            FROM joined j),
        classed AS (
            SELECT r.*, CASE WHEN r.total > 0 THEN r.running * 100 / r.total ELSE 100 END AS cumulative_pct,
                   CASE WHEN r.revenue <= 0 OR r.total <= 0 THEN 'C'
                        WHEN (r.running - r.revenue) * 100 / r.total < {a_sql} THEN 'A'
                        WHEN (r.running - r.revenue) * 100 / r.total < {b_sql} THEN 'B'
                        ELSE 'C' END AS class
            FROM ranked r)
        SELECT {keys}, revenue, cumulative_pct, class, stock_value, total,
               count(*) OVER (), count(*) OVER (PARTITION BY class), SUM(stock_value) OVER (PARTITION BY class),
               SUM(revenue) OVER (PARTITION BY class)
        FROM classed
        ORDER BY revenue DESC, {keys}
        LIMIT {limit}",
        select = grouping.select(),
        group_by = grouping.exprs(),
        keys = grouping.keys(),
        k_keys = grouping.keys_of("k"),
        on_sales = grouping.join_on("sa"),
        on_stock = grouping.join_on("st"),
    );
    let rows = connection.query(&sql, &binds.0)?.rows;
    let width = grouping.len();
    let columns = grouping.table_columns([
        Column::new("revenue", "Revenue", ValueFormat::Currency),
        Column::new("share_pct", "Share", ValueFormat::Percentage),
        Column::new(
            "cumulative_pct",
            "Cumulative share",
            ValueFormat::Percentage,
        ),
        Column::new("class", "Class", ValueFormat::String),
        Column::new("stock_value", "Stock at cost", ValueFormat::Currency),
        Column::new("why", "Why", ValueFormat::String),
    ]);
    // Per class: (count, stock value, revenue); the LIMIT may cut a class, not its totals.
    let mut classes: std::collections::BTreeMap<String, (f64, f64, f64)> = Default::default();
    let mut table = Vec::new();
    let mut total_count = 0;
    for row in &rows {
        let v = |offset: usize| float_at(row, width + offset);
        let (revenue, cumulative, stock_value, total) = (v(0), v(1), v(3), v(4));
        let class = at(row, width + 2).to_string();
        total_count = v(5) as u64;
        classes.insert(class.clone(), (v(6), v(7), v(8)));
        let share = if total > 0.0 {
            revenue / total * 100.0
        } else {
            0.0
        };
        let mut out = grouping.row(row);
        put_numbers(
            &mut out,
            &[
                ("revenue", Some(revenue), ValueFormat::Currency),
                ("share_pct", Some(share), ValueFormat::Percentage),
                ("cumulative_pct", Some(cumulative), ValueFormat::Percentage),
            ],
        );
        out.insert("class".into(), json!(class));
        out.insert(
            "stock_value".into(),
            number(Some(stock_value), ValueFormat::Currency),
        );
        out.insert("why".into(), json!(format!(
            "{} of {} revenue = {share:.1}%; with every better seller {cumulative:.1}% (before it {:.1}%): A under {a_share}%, B under {b_share}%",
            say(revenue, ValueFormat::Currency), say(total, ValueFormat::Currency), cumulative - share,
        )));
        table.push(out);
    }
    let class_of = |name: &str| classes.get(name).copied().unwrap_or_default();
    let (a, b, c) = (class_of("A"), class_of("B"), class_of("C"));
    let sentence = format!(
        "From {start} to {end}: {} class A make the first {a_share}% of revenue, {} class B, {} class C (C holds {} of stock at cost).",
        say(a.0, ValueFormat::Integer),
        say(b.0, ValueFormat::Integer),
        say(c.0, ValueFormat::Integer),
        say(c.1, ValueFormat::Currency),
    );
    let mut kpis = Vec::new();
    for (name, (count, stock, _)) in [("A", a), ("B", b), ("C", c)] {
        kpis.push(kpi(&format!("Class {name}"), count, ValueFormat::Integer));
        kpis.push(kpi(&format!("Stock {name}"), stock, ValueFormat::Currency));
    }
    Ok(ToolResult {
        tool: Tool::AbcAnalysis,
        sentence,
        kpis,
        columns,
        rows: table,
        total_row: None,
        total_count,
        formula: format!(
            "rank by revenue {start} to {end}; class A while the revenue of the better sellers is \
             under {a_share}% of the total, B under {b_share}%, else C (no revenue: C); stock at \
             cost = on hand × standard cost"
        ),
        chart: Some(ChartSpec {
            kind: ChartType::Bar,
            title: "Stock at cost by class".into(),
            label_key: "class".into(),
            series: vec![("stock_value".into(), "Stock at cost".into())],
            format: ValueFormat::Currency,
            points: vec![("A".into(), a.1), ("B".into(), b.1), ("C".into(), c.1)],
        }),
        sql,
        params: json!({"a_share": a_share, "b_share": b_share, "period": {"start": start, "end": end}}),
    })
}
