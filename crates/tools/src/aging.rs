//! `ar_aging` and `ap_aging`: open customer invoices or vendor bills as of a date (today by
//! default), in buckets by days overdue — current, 1-30, 31-60, 61-90, over 90 — with totals
//! and by partner (or company).
//!
//! Open = dated on or before the date with an amount still due (`residual`, refunds counted
//! against); days overdue = date − due date.

use analyst_core::answer::{ChartType, Column, Row};
use analyst_core::{Dimension, SemanticQuery, Tool, ValueFormat};
use analyst_store::Connection;
use chrono::NaiveDate;
use serde_json::json;

use crate::params::Params;
use crate::registry::row_cap;
use crate::result::{ChartSpec, ToolResult, at, cell, float_at, kpi, number, plural, say};
use crate::scope::{Binds, filter_conditions};
use crate::{ToolContext, ToolError};

/// (column key, label) of each bucket, in order.
const BUCKETS: [(&str, &str); 5] = [
    ("current", "Current"),
    ("overdue_1_30", "1-30"),
    ("overdue_31_60", "31-60"),
    ("overdue_61_90", "61-90"),
    ("overdue_90_plus", "90+"),
];

pub(crate) fn run(
    connection: &dyn Connection,
    query: &SemanticQuery,
    context: &ToolContext,
    tool: Tool,
) -> Result<ToolResult, ToolError> {
    let name = tool.name();
    let receivable = tool == Tool::ArAging;
    let (partner_dimension, partner_sql, kinds, join) = if receivable {
        (
            Dimension::Customer,
            "COALESCE(cu.name, '(no customer)')",
            "'out_invoice', 'out_refund'",
            "LEFT JOIN silver.customer cu ON cu.id = i.customer_id",
        )
    } else {
        (
            Dimension::Supplier,
            "COALESCE(sup.name, '(no supplier)')",
            "'in_invoice', 'in_refund'",
            "LEFT JOIN silver.supplier sup ON sup.id = i.supplier_id",
        )
    };
    let params = Params::new(name, &query.params);
    params.only(&["as_of"])?;
    let as_of = match query.params.get("as_of").and_then(|value| value.as_str()) {
        Some(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
            ToolError::InvalidParam {
                tool: name,
                message: format!("'as_of' must be a date as YYYY-MM-DD, not '{text}'"),
            }
        })?,
        None => query
            .period
            .as_ref()
            .map_or(context.today, |period| period.end),
    };
    let expression = |dimension: Dimension| -> Result<&'static str, ToolError> {
        match dimension {
            Dimension::Company => Ok("c.name"),
            other if other == partner_dimension => Ok(partner_sql),
            other => Err(ToolError::UnsupportedDimension {
                tool: name,
                action: "group or filter",
                dimension: other.name().into(),
                allowed: format!("{}, company", partner_dimension.name()),
            }),
        }
    };
    let dimension = match query.dimensions.as_slice() {
        [] => partner_dimension,
        [one] => *one,
        _ => {
            return Err(ToolError::InvalidParam {
                tool: name,
                message: "group by one dimension at most".into(),
            });
        }
    };
    let group = expression(dimension)?;
    let mut binds = Binds::default();
    let conditions = filter_conditions(&query.filters, expression, &mut binds)?;
    let as_of_sql = binds.date(as_of);
    let limit = binds.push(i64::from(row_cap(tool, query.limit, context)));
    let bucket = |low: &str, high: Option<&str>| {
        let range = match high {
            Some(high) => format!("{as_of_sql} - i.due_date BETWEEN {low} AND {high}"),
            None => format!("{as_of_sql} - i.due_date > {low}"),
        };
        format!("COALESCE(SUM(i.due) FILTER (WHERE {range}), 0)")
    };
    // Amounts are summed as exact decimals and read as doubles only at the end, so that the
    // totals do not depend on the order the rows are summed in (which differs by backend).
    let sql = format!(
        "WITH open_items AS (
            SELECT i.*, CASE WHEN i.kind LIKE '%refund' THEN -i.residual ELSE i.residual END AS due
            FROM silver.invoice i WHERE i.kind IN ({kinds}) AND i.residual <> 0 AND i.date <= {as_of_sql}),
        grouped AS (
            SELECT {group} AS g0,
                   COALESCE(SUM(i.due) FILTER (WHERE {as_of_sql} - i.due_date <= 0), 0) AS b0,
                   {b1} AS b1, {b2} AS b2, {b3} AS b3, {b4} AS b4,
                   SUM(i.due) AS total, COUNT(*) AS documents,
                   MAX({as_of_sql} - i.due_date) AS worst
            FROM open_items i JOIN silver.company c ON c.id = i.company_id {join}
            WHERE TRUE{conditions}
            GROUP BY {group})
        SELECT g0, CAST(b0 AS DOUBLE PRECISION), CAST(b1 AS DOUBLE PRECISION),
               CAST(b2 AS DOUBLE PRECISION), CAST(b3 AS DOUBLE PRECISION),
               CAST(b4 AS DOUBLE PRECISION), CAST(total AS DOUBLE PRECISION), documents, worst,
               count(*) OVER (),
               CAST(SUM(b0) OVER () AS DOUBLE PRECISION), CAST(SUM(b1) OVER () AS DOUBLE PRECISION),
               CAST(SUM(b2) OVER () AS DOUBLE PRECISION), CAST(SUM(b3) OVER () AS DOUBLE PRECISION),
               CAST(SUM(b4) OVER () AS DOUBLE PRECISION),
               CAST(SUM(total) OVER () AS DOUBLE PRECISION), SUM(documents) OVER ()
        FROM grouped ORDER BY total DESC, g0 LIMIT {limit}",
        b1 = bucket("1", Some("30")),
        b2 = bucket("31", Some("60")),
        b3 = bucket("61", Some("90")),
        b4 = bucket("90", None),
    );
    let rows = connection.query(&sql, &binds.0)?.rows;
    let mut columns = vec![Column::new(
        dimension.name(),
        dimension.label(),
        ValueFormat::String,
    )];
    columns.extend(
        BUCKETS
            .iter()
            .map(|(key, label)| Column::new(*key, *label, ValueFormat::Currency)),
    );
    columns.push(Column::new("total", "Total due", ValueFormat::Currency));
    columns.push(Column::new("documents", "Documents", ValueFormat::Integer));
    columns.push(Column::new("why", "Why", ValueFormat::String));
    let mut table = Vec::new();
    let mut totals = [0.0; 8];
    for row in &rows {
        let v = |index: usize| float_at(row, index);
        totals = [v(9), v(10), v(11), v(12), v(13), v(14), v(15), v(16)];
        let mut out = Row::new();
        out.insert(
            dimension.name().into(),
            cell(at(row, 0), ValueFormat::String),
        );
        for (index, (key, _)) in BUCKETS.iter().enumerate() {
            out.insert(
                (*key).into(),
                number(Some(v(index + 1)), ValueFormat::Currency),
            );
        }
        out.insert("total".into(), number(Some(v(6)), ValueFormat::Currency));
        out.insert("documents".into(), number(Some(v(7)), ValueFormat::Integer));
        let worst = at(row, 8).as_f64();
        out.insert(
            "why".into(),
            json!(format!(
                "{} open {} due {}; the oldest is {}",
                say(v(7), ValueFormat::Integer),
                if receivable { "invoices" } else { "bills" },
                say(v(6), ValueFormat::Currency),
                match worst {
                    Some(days) if days > 0.0 => format!("{} days overdue on {as_of}", days as i64),
                    _ => "not yet due".to_string(),
                },
            )),
        );
        table.push(out);
    }
    let [groups, current, b1, b2, b3, b4, total, documents] = totals;
    let overdue = b1 + b2 + b3 + b4;
    let mut total_row = Row::new();
    total_row.insert(dimension.name().into(), json!("Total"));
    for ((key, _), value) in BUCKETS.iter().zip([current, b1, b2, b3, b4]) {
        total_row.insert((*key).into(), number(Some(value), ValueFormat::Currency));
    }
    total_row.insert("total".into(), number(Some(total), ValueFormat::Currency));
    total_row.insert(
        "documents".into(),
        number(Some(documents), ValueFormat::Integer),
    );
    let what = if receivable {
        "customers owe"
    } else {
        "we owe suppliers"
    };
    let sentence = format!(
        "On {as_of} {what} {} on {}; {} of it overdue, {} more than 90 days.",
        say(total, ValueFormat::Currency),
        plural(documents as u64, "open document", "open documents"),
        say(overdue, ValueFormat::Currency),
        say(b4, ValueFormat::Currency),
    );
    Ok(ToolResult {
        tool,
        sentence,
        kpis: vec![
            kpi("Total due", total, ValueFormat::Currency),
            kpi("Overdue", overdue, ValueFormat::Currency),
            kpi("Over 90 days", b4, ValueFormat::Currency),
        ],
        columns,
        rows: table,
        total_row: Some(total_row),
        total_count: groups as u64,
        formula: format!(
            "open = {} dated on or before {as_of} with an amount still due (refunds count \
             against); days overdue = {as_of} − due date: current (not yet due), 1-30, 31-60, \
             61-90, over 90",
            if receivable {
                "customer invoices"
            } else {
                "vendor bills"
            }
        ),
        chart: Some(ChartSpec {
            kind: ChartType::Bar,
            title: "Amount due by days overdue".into(),
            label_key: "bucket".into(),
            series: vec![("due".into(), "Amount due".into())],
            format: ValueFormat::Currency,
            points: BUCKETS
                .iter()
                .map(|(_, label)| label.to_string())
                .zip([current, b1, b2, b3, b4])
                .collect(),
        }),
        sql,
        params: json!({"as_of": as_of}),
    })
}
