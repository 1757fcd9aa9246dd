//! `buying_velocity`: units sold per day and per week over a window (28 days ending yesterday
//! by default), by product or any product dimension, with the trend against the window before.
//! Days the product was out of stock are left out of the rate.

use analyst_core::answer::{ChartType, Column};
use analyst_core::format::change_pct;
use analyst_core::{SemanticQuery, Tool, ValueFormat};
use analyst_store::Connection;
use serde_json::json;

use crate::demand::{DEMAND_JOINS, Grouping, Window, confidence, confidence_note, demand_ctes};
use crate::params::Params;
use crate::registry::row_cap;
use crate::result::{ChartSpec, ToolResult, float_at, kpi, plural, put_numbers, say};
use crate::scope::{Binds, conditions};
use crate::stock_coverage::label_of;
use crate::{ToolContext, ToolError};

const TOOL: &str = "buying_velocity";

pub(crate) fn run(
    connection: &dyn Connection,
    query: &SemanticQuery,
    context: &ToolContext,
) -> Result<ToolResult, ToolError> {
    let params = Params::new(TOOL, &query.params);
    params.only(&["window_days"])?;
    let window_days = params.integer("window_days", 28, 7..=365)?;
    let window = Window::of(query, context.today, window_days);
    let previous = window.previous();
    let grouping = Grouping::new(TOOL, &query.dimensions)?;
    let mut binds = Binds::default();
    let conditions = conditions(TOOL, &query.filters, &[], &mut binds)?;
    let ctes = demand_ctes(window, &conditions, &mut binds);
    let (previous_start, previous_end) = (binds.date(previous.start), binds.date(previous.end));
    let limit = binds.push(i64::from(row_cap(
        Tool::BuyingVelocity,
        query.limit,
        context,
    )));
    let sql = format!(
        "WITH {ctes},
        previous_sold AS (
            SELECT g.product_id, ss.company_id, CAST(SUM(g.units) AS DOUBLE PRECISION) AS units
            FROM gold.daily_sales g
            JOIN scope_store ss ON ss.store_id = g.store_id
            JOIN scope_product sp ON sp.product_id = g.product_id
            WHERE g.date BETWEEN {previous_start} AND {previous_end}
            GROUP BY g.product_id, ss.company_id),
        grouped AS (
            SELECT {select}, SUM(d.units) AS units, SUM(d.velocity) AS velocity,
                   COALESCE(SUM(ps.units), 0) AS previous_units,
                   MAX(d.selling_days) AS selling_days, MAX(d.out_days) AS out_days
            FROM demand d {DEMAND_JOINS}
            LEFT JOIN previous_sold ps ON ps.product_id = d.product_id AND ps.company_id = d.company_id
            GROUP BY {group_by})
        SELECT {columns}, units, velocity, previous_units, selling_days, out_days,
               count(*) OVER () AS total_count, SUM(units) OVER () AS total_units,
               SUM(velocity) OVER () AS total_velocity, SUM(previous_units) OVER () AS total_previous
        FROM grouped
        WHERE units <> 0 OR previous_units <> 0
        ORDER BY velocity DESC, units DESC, {columns}
        LIMIT {limit}",
        select = grouping.select(),
        group_by = grouping.exprs(),
        columns = grouping.keys(),
    );
    let rows = connection.query(&sql, &binds.0)?.rows;
    let width = grouping.len();
    let days = window.days() as f64;
    let columns = grouping.table_columns([
        Column::new("units", "Units", ValueFormat::Integer),
        Column::new("per_day", "Units/day", ValueFormat::Number),
        Column::new("per_week", "Units/week", ValueFormat::Number),
        Column::new("previous_per_day", "Units/day before", ValueFormat::Number),
        Column::new("trend_pct", "Trend", ValueFormat::Percentage),
        Column::new("confidence", "Confidence", ValueFormat::String),
        Column::new("why", "Why", ValueFormat::String),
    ]);
    let mut table = Vec::new();
    let mut totals = (0u64, 0.0, 0.0, 0.0);
    for row in &rows {
        let value = |offset: usize| float_at(row, width + offset);
        let (units, velocity, previous_units, selling_days, out_days) =
            (value(0), value(1), value(2), value(3), value(4));
        totals = (value(5) as u64, value(6), value(7), value(8));
        let previous_rate = previous_units.max(0.0) / days;
        let trend = change_pct(velocity, previous_rate);
        let mut out = grouping.row(row);
        put_numbers(
            &mut out,
            &[
                ("units", Some(units), ValueFormat::Integer),
                ("per_day", Some(velocity), ValueFormat::Number),
                ("per_week", Some(velocity * 7.0), ValueFormat::Number),
                ("previous_per_day", Some(previous_rate), ValueFormat::Number),
                ("trend_pct", trend, ValueFormat::Percentage),
            ],
        );
        out.insert("confidence".into(), json!(confidence(selling_days)));
        let in_stock = window.days() - out_days as i64;
        out.insert(
            "why".into(),
            json!(format!(
                "{} net units ÷ {in_stock} days in stock{} = {}/day; before: {} units ÷ {} days = {}/day; {}",
                say(units, ValueFormat::Integer),
                if out_days > 0.0 {
                    format!(" ({} stock-out days left out)", out_days as i64)
                } else {
                    String::new()
                },
                say(velocity, ValueFormat::Number),
                say(previous_units, ValueFormat::Integer),
                window.days(),
                say(previous_rate, ValueFormat::Number),
                confidence_note(selling_days, window.days()),
            )),
        );
        table.push(out);
    }
    let (total_count, total_units, total_velocity, total_previous) = totals;
    let total_trend = change_pct(total_velocity, total_previous.max(0.0) / days);
    let sentence = match table.first() {
        None => format!(
            "Nothing sold in the {} days to {}.",
            window.days(),
            window.end
        ),
        Some(first) => format!(
            "{} sold {} units in the {} days to {} ({}/day){}; fastest: {} at {}/day.",
            plural(total_count, "product", "products"),
            say(total_units, ValueFormat::Integer),
            window.days(),
            window.end,
            say(total_velocity, ValueFormat::Number),
            total_trend
                .map(|pct| format!(", {pct:+.1}% on the {} days before", window.days()))
                .unwrap_or_default(),
            label_of(first, &grouping),
            first.get("per_day").cloned().unwrap_or_default(),
        ),
    };
    let mut velocity_kpi = kpi("Units per day", total_velocity, ValueFormat::Number);
    velocity_kpi.delta = total_trend.map(|pct| format!("{pct:+.1}%"));
    velocity_kpi.delta_direction = total_trend.map(|pct| {
        if pct.abs() < 0.05 {
            analyst_core::answer::DeltaDirection::Neutral
        } else if pct > 0.0 {
            analyst_core::answer::DeltaDirection::Up
        } else {
            analyst_core::answer::DeltaDirection::Down
        }
    });
    Ok(ToolResult {
        tool: Tool::BuyingVelocity,
        sentence,
        kpis: vec![
            kpi("Units sold", total_units, ValueFormat::Integer),
            velocity_kpi,
            kpi("Products", total_count as f64, ValueFormat::Integer),
        ],
        columns,
        rows: table,
        total_row: None,
        total_count,
        formula: format!(
            "units per day = net units sold {} to {} ÷ days in stock (days with no stock and no \
             sale left out); per week = per day × 7; trend = against units ÷ {} days of {} to {}",
            window.start,
            window.end,
            window.days(),
            previous.start,
            previous.end
        ),
        chart: Some(ChartSpec {
            kind: ChartType::HorizontalBar,
            title: "Units per day".into(),
            label_key: grouping.label_key(),
            series: vec![
                ("per_day".into(), "Units/day".into()),
                ("previous_per_day".into(), "Units/day before".into()),
            ],
            format: ValueFormat::Number,
            points: Vec::new(),
        }),
        sql,
        params: json!({"window_days": window.days(),
                       "window": {"start": window.start, "end": window.end}}),
    })
}
