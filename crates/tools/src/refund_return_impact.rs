//! `refund_return_impact`: gross sales, refunds (returns), net, refund rate and the revenue
//! they cost, by product, brand, store, month or any product or place dimension (brand by
//! default), over a period (the last 90 days by default).
//!
//! gross = net + refunds; refund rate = refunds ÷ gross; unit return rate = units returned ÷
//! units sold before returns.

use analyst_core::answer::{ChartType, Column, Row};
use analyst_core::{Dimension, SemanticQuery, Tool, ValueFormat};
use analyst_store::Connection;
use serde_json::json;

use crate::demand::Grouping;
use crate::params::Params;
use crate::registry::row_cap;
use crate::result::{ChartSpec, ToolResult, float_at, kpi, put_numbers, say};
use crate::scope::{Binds, FACT_JOINS, conditions, period_or_last, product_and_place};
use crate::{ToolContext, ToolError};

const TOOL: &str = "refund_return_impact";

pub(crate) fn run(
    connection: &dyn Connection,
    query: &SemanticQuery,
    context: &ToolContext,
) -> Result<ToolResult, ToolError> {
    Params::new(TOOL, &query.params).only(&[])?;
    let mut allowed = product_and_place();
    allowed.push(Dimension::Month);
    let grouping = Grouping::of(TOOL, &query.dimensions, Dimension::Brand, &allowed)?;
    let (start, end) = period_or_last(query, context.today, 90);
    let mut binds = Binds::default();
    let conditions = conditions(TOOL, &query.filters, &[], &mut binds)?;
    let filters = conditions.product_and_place();
    let (start_sql, end_sql) = (binds.date(start), binds.date(end));
    let limit = binds.push(i64::from(row_cap(
        Tool::RefundReturnImpact,
        query.limit,
        context,
    )));
    let by_month = query.dimensions.first() == Some(&Dimension::Month);
    let order = if by_month {
        grouping.keys()
    } else {
        format!("refunds DESC, {}", grouping.keys())
    };
    let sql = format!(
        "WITH grouped AS (
            SELECT {select}, CAST(SUM(x.revenue) AS DOUBLE PRECISION) AS net,
                   CAST(SUM(x.returns_revenue) AS DOUBLE PRECISION) AS refunds,
                   CAST(SUM(x.units) AS DOUBLE PRECISION) AS units,
                   CAST(SUM(x.returns_units) AS DOUBLE PRECISION) AS returned
            FROM gold.daily_sales x {FACT_JOINS}
            WHERE x.date BETWEEN {start_sql} AND {end_sql}{filters}
            GROUP BY {group_by})
        SELECT {keys}, net, refunds, units, returned, count(*) OVER (),
               SUM(net) OVER (), SUM(refunds) OVER (), SUM(units) OVER (), SUM(returned) OVER ()
        FROM grouped ORDER BY {order} LIMIT {limit}",
        select = grouping.select(),
        group_by = grouping.exprs(),
        keys = grouping.keys(),
    );
    let rows = connection.query(&sql, &binds.0)?.rows;
    let width = grouping.len();
    let columns = grouping.table_columns([
        Column::new("gross", "Gross sales", ValueFormat::Currency),
        Column::new("refunds", "Refunds", ValueFormat::Currency),
        Column::new("net", "Net sales", ValueFormat::Currency),
        Column::new("refund_rate_pct", "Refund rate", ValueFormat::Percentage),
        Column::new("returned_units", "Units returned", ValueFormat::Integer),
        Column::new(
            "unit_return_rate_pct",
            "Unit return rate",
            ValueFormat::Percentage,
        ),
        Column::new("why", "Why", ValueFormat::String),
    ]);
    let mut table = Vec::new();
    let mut totals = [0.0; 5];
    for row in &rows {
        let v = |offset: usize| float_at(row, width + offset);
        totals = [v(4), v(5), v(6), v(7), v(8)];
        let mut out = grouping.row(row);
        fill(&mut out, v(0), v(1), v(2), v(3));
        table.push(out);
    }
    let [total_count, net, refunds, units, returned] = totals;
    let mut total_row = Row::new();
    total_row.insert(grouping.columns[0].0.clone(), json!("Total"));
    fill(&mut total_row, net, refunds, units, returned);
    let gross = net + refunds;
    let rate = (gross != 0.0).then(|| refunds / gross * 100.0);
    let sentence = format!(
        "From {start} to {end}: gross sales {}, refunds {} ({}), net {}.",
        say(gross, ValueFormat::Currency),
        say(refunds, ValueFormat::Currency),
        rate.map_or("-".into(), |pct| format!("{pct:.1}% of gross")),
        say(net, ValueFormat::Currency),
    );
    Ok(ToolResult {
        tool: Tool::RefundReturnImpact,
        sentence,
        kpis: vec![
            kpi("Gross sales", gross, ValueFormat::Currency),
            kpi("Refunds", refunds, ValueFormat::Currency),
            kpi("Net sales", net, ValueFormat::Currency),
            kpi("Refund rate", rate.unwrap_or(0.0), ValueFormat::Percentage),
        ],
        columns,
        rows: table,
        total_row: Some(total_row),
        total_count: total_count as u64,
        formula: format!(
            "gross = net sales + refunds; refund rate = refunds ÷ gross; unit return rate = units \
             returned ÷ units sold before returns; sales {start} to {end}"
        ),
        chart: Some(ChartSpec {
            kind: if by_month {
                ChartType::Line
            } else {
                ChartType::HorizontalBar
            },
            title: "Refunds".into(),
            label_key: grouping.columns[0].0.clone(),
            series: vec![("refunds".into(), "Refunds".into())],
            format: ValueFormat::Currency,
            points: Vec::new(),
        }),
        sql,
        params: json!({"period": {"start": start, "end": end}}),
    })
}

fn fill(out: &mut Row, net: f64, refunds: f64, units: f64, returned: f64) {
    let gross = net + refunds;
    let sold = units + returned;
    let rate = (gross != 0.0).then(|| refunds / gross * 100.0);
    let unit_rate = (sold != 0.0).then(|| returned / sold * 100.0);
    put_numbers(
        out,
        &[
            ("gross", Some(gross), ValueFormat::Currency),
            ("refunds", Some(refunds), ValueFormat::Currency),
            ("net", Some(net), ValueFormat::Currency),
            ("refund_rate_pct", rate, ValueFormat::Percentage),
            ("returned_units", Some(returned), ValueFormat::Integer),
            ("unit_return_rate_pct", unit_rate, ValueFormat::Percentage),
        ],
    );
    out.insert(
        "why".into(),
        json!(format!(
            "{} refunded of {} gross ({} net + {} refunds) = {}",
            say(refunds, ValueFormat::Currency),
            say(gross, ValueFormat::Currency),
            say(net, ValueFormat::Currency),
            say(refunds, ValueFormat::Currency),
            rate.map_or("-".into(), |p| format!("{p:.1}%")),
        )),
    );
}
