//! `stock_coverage`: how many days the stock lasts at the current rate of sale, and when each
//! product runs out.
//!
//! available = on hand − reserved (incoming shown apart); days of cover = available ÷ daily
//! velocity; expected stock-out = today + days of cover. A product selling nothing has "no
//! recent demand", never an infinite cover. Under 14 days is urgent, 14-42 healthy, over 90
//! overstocked.

use analyst_core::answer::{ChartType, Column, Row};
use analyst_core::{SemanticQuery, Tool, ValueFormat};
use analyst_store::Connection;
use chrono::Duration;
use serde_json::{Value as Json, json};

use crate::demand::{DEMAND_JOINS, Grouping, Window, confidence, confidence_note, demand_ctes};
use crate::params::Params;
use crate::registry::row_cap;
use crate::result::{ChartSpec, ToolResult, at, float_at, kpi, plural, put_numbers, say};
use crate::scope::{Binds, conditions};
use crate::{ToolContext, ToolError};

const TOOL: &str = "stock_coverage";
/// Cover under this many days is urgent.
pub(crate) const URGENT_DAYS: f64 = 14.0;
/// Cover up to this many days is healthy (and what a reorder aims for).
pub(crate) const TARGET_DAYS: f64 = 42.0;
/// Cover over this many days is overstock.
pub(crate) const OVERSTOCK_DAYS: f64 = 90.0;

/// The status of a cover, in the seed's words.
pub(crate) fn status(cover_days: Option<f64>, available: f64) -> &'static str {
    match cover_days {
        None if available > 0.0 => "no recent demand",
        None => "no stock, no demand",
        Some(days) if available <= 0.0 && days <= 0.0 => "out of stock",
        Some(days) if days < URGENT_DAYS => "urgent",
        Some(days) if days <= TARGET_DAYS => "healthy",
        Some(days) if days <= OVERSTOCK_DAYS => "above target",
        Some(_) => "overstocked",
    }
}

pub(crate) fn run(
    connection: &dyn Connection,
    query: &SemanticQuery,
    context: &ToolContext,
) -> Result<ToolResult, ToolError> {
    let params = Params::new(TOOL, &query.params);
    params.only(&["horizon_days", "window_days"])?;
    let horizon = query
        .params
        .get("horizon_days")
        .map(|_| params.integer("horizon_days", 0, 1..=3650))
        .transpose()?;
    let window_days = params.integer("window_days", 28, 7..=365)?;
    let window = Window::of(query, context.today, window_days);
    let grouping = Grouping::new(TOOL, &query.dimensions)?;
    let mut binds = Binds::default();
    let conditions = conditions(TOOL, &query.filters, &[], &mut binds)?;
    let ctes = demand_ctes(window, &conditions, &mut binds);
    let horizon_sql = match horizon {
        Some(days) => format!(
            " AND velocity > 0 AND GREATEST(available, 0) / velocity <= {}",
            binds.float(days as f64)
        ),
        None => String::new(),
    };
    let cap = row_cap(Tool::StockCoverage, query.limit, context);
    let limit = binds.push(cap as i64);
    let sql = format!(
        "WITH {ctes},
        grouped AS (
            SELECT {select}, CAST(SUM(d.on_hand) AS DOUBLE PRECISION) AS on_hand,
                   CAST(SUM(d.reserved) AS DOUBLE PRECISION) AS reserved,
                   CAST(SUM(d.incoming) AS DOUBLE PRECISION) AS incoming,
                   SUM(d.velocity) AS velocity, SUM(d.units) AS units,
                   MAX(d.selling_days) AS selling_days, MAX(d.out_days) AS out_days
            FROM demand d {DEMAND_JOINS}
            GROUP BY {group_by}),
        covered AS (
            SELECT g.*, g.on_hand - g.reserved AS available,
                   CASE WHEN g.velocity > 0 THEN GREATEST(g.on_hand - g.reserved, 0) / g.velocity END AS cover_days
            FROM grouped g)
        SELECT {order_cols}, available, incoming, on_hand, reserved, velocity, cover_days, units,
               selling_days, out_days,
               count(*) OVER () AS total_count,
               SUM(CASE WHEN cover_days < {urgent} THEN 1 ELSE 0 END) OVER () AS urgent_count,
               SUM(CASE WHEN velocity = 0 THEN 1 ELSE 0 END) OVER () AS idle_count
        FROM covered
        WHERE (velocity > 0 OR available > 0){horizon_sql}
        ORDER BY cover_days ASC NULLS LAST, velocity DESC, {order_by}
        LIMIT {limit}",
        select = grouping.select(),
        group_by = grouping.exprs(),
        order_cols = grouping.keys(),
        order_by = grouping.keys(),
        urgent = URGENT_DAYS,
    );
    let rows = connection.query(&sql, &binds.0)?.rows;
    let width = grouping.len();
    let columns = grouping.table_columns([
        Column::new("available", "Available", ValueFormat::Integer),
        Column::new("incoming", "Incoming", ValueFormat::Integer),
        Column::new("velocity", "Units/day", ValueFormat::Number),
        Column::new("cover_days", "Days of cover", ValueFormat::Number),
        Column::new("stockout_date", "Runs out", ValueFormat::Date),
        Column::new("status", "Status", ValueFormat::String),
        Column::new("confidence", "Confidence", ValueFormat::String),
        Column::new("why", "Why", ValueFormat::String),
    ]);
    let mut table = Vec::new();
    let (mut total_count, mut urgent_count, mut idle_count) = (0, 0, 0);
    for row in &rows {
        let value = |offset: usize| float_at(row, width + offset);
        let (available, incoming, on_hand, reserved, velocity) =
            (value(0), value(1), value(2), value(3), value(4));
        let cover = at(row, width + 5).as_f64();
        let (units, selling_days, out_days) = (value(6), value(7), value(8));
        total_count = value(9) as u64;
        urgent_count = value(10) as u64;
        idle_count = value(11) as u64;
        let mut out = grouping.row(row);
        let stockout = cover.map(|days| context.today + Duration::days(days.floor() as i64));
        put_numbers(
            &mut out,
            &[
                ("available", Some(available), ValueFormat::Integer),
                ("incoming", Some(incoming), ValueFormat::Integer),
                ("velocity", Some(velocity), ValueFormat::Number),
                ("cover_days", cover, ValueFormat::Number),
            ],
        );
        out.insert(
            "stockout_date".into(),
            stockout.map_or(Json::Null, |day| Json::String(day.to_string())),
        );
        out.insert("status".into(), json!(status(cover, available)));
        out.insert("confidence".into(), json!(confidence(selling_days)));
        let rate = format!(
            "{} units over {} days{}",
            say(units, ValueFormat::Number),
            window.days() - out_days as i64,
            if out_days > 0.0 {
                format!(" ({} stock-out days excluded)", out_days as i64)
            } else {
                String::new()
            }
        );
        let why = match cover {
            Some(days) => format!(
                "available {} (on hand {} − reserved {}) ÷ {}/day = {} days; velocity = {rate}; {}",
                say(available, ValueFormat::Integer),
                say(on_hand, ValueFormat::Integer),
                say(reserved, ValueFormat::Integer),
                say(velocity, ValueFormat::Number),
                say(days, ValueFormat::Number),
                confidence_note(selling_days, window.days()),
            ),
            None => format!(
                "no sale in the {}-day window: {} available and no recent demand",
                window.days(),
                say(available, ValueFormat::Integer)
            ),
        };
        out.insert("why".into(), json!(why));
        table.push(out);
    }
    let subject = if grouping.by_item {
        ("product", "products")
    } else {
        ("group", "groups")
    };
    let sentence = match (horizon, table.first()) {
        (_, None) => match horizon {
            Some(days) => format!(
                "No product runs out within {days} days at the rate of the last {} days.",
                window.days()
            ),
            None => "No product has stock or recent sales in this scope.".into(),
        },
        (Some(days), Some(first)) => format!(
            "{} run out within {days} days; the most urgent is {} with {} days of cover (out by {}).",
            plural(total_count, subject.0, subject.1),
            label_of(first, &grouping),
            first.get("cover_days").cloned().unwrap_or(Json::Null),
            first
                .get("stockout_date")
                .and_then(Json::as_str)
                .unwrap_or("-"),
        ),
        (None, Some(first)) => format!(
            "{} have stock or recent sales: {urgent_count} under {URGENT_DAYS} days of cover, {idle_count} with no recent demand; the most urgent is {}.",
            plural(total_count, subject.0, subject.1),
            label_of(first, &grouping),
        ),
    };
    let formula = format!(
        "days of cover = (on hand − reserved) ÷ units sold per day; units per day = net units of the \
         {} days to {} ÷ days in stock; runs out = today + days of cover; under {URGENT_DAYS} days \
         urgent, {URGENT_DAYS}-{TARGET_DAYS} healthy, over {OVERSTOCK_DAYS} overstocked",
        window.days(),
        window.end
    );
    let kpis = vec![
        kpi(
            if horizon.is_some() {
                "Running out"
            } else {
                "In scope"
            },
            total_count as f64,
            ValueFormat::Integer,
        ),
        kpi(
            "Urgent (< 14 days)",
            urgent_count as f64,
            ValueFormat::Integer,
        ),
        kpi("No recent demand", idle_count as f64, ValueFormat::Integer),
    ];
    Ok(ToolResult {
        tool: Tool::StockCoverage,
        sentence,
        kpis,
        columns,
        rows: table,
        total_row: None,
        total_count,
        formula,
        chart: Some(ChartSpec {
            kind: ChartType::HorizontalBar,
            title: "Days of cover".into(),
            label_key: grouping.label_key(),
            series: vec![("cover_days".into(), "Days of cover".into())],
            format: ValueFormat::Number,
            points: Vec::new(),
        }),
        sql,
        params: json!({"horizon_days": horizon, "window_days": window.days(),
                       "window": {"start": window.start, "end": window.end}}),
    })
}

/// How a row is named in a sentence: its product name, else its grouping values.
pub(crate) fn label_of(row: &Row, grouping: &Grouping) -> String {
    row.get(&grouping.label_key())
        .and_then(Json::as_str)
        .unwrap_or("(none)")
        .to_string()
}
