//! `helpdesk_summary`: tickets by team, stage, priority, customer or company — open now,
//! created and closed in the period, average and p90 resolution days, SLA breaches.
//!
//! A ticket is open while it has no closing date. An SLA breach is a ticket closed in the
//! period after its deadline, or an open ticket whose deadline has passed.

use analyst_core::answer::{ChartType, Column, Row};
use analyst_core::{Dimension, SemanticQuery, Tool, ValueFormat};
use analyst_store::Connection;
use chrono::Duration;
use serde_json::json;

use crate::params::Params;
use crate::registry::row_cap;
use crate::result::{ChartSpec, ToolResult, at, cell, float_at, kpi, plural, put_numbers, say};
use crate::scope::{Binds, filter_conditions};
use crate::{ToolContext, ToolError};

const TOOL: &str = "helpdesk_summary";
const DIMENSIONS: [Dimension; 5] = [
    Dimension::Team,
    Dimension::Stage,
    Dimension::Priority,
    Dimension::Customer,
    Dimension::Company,
];

fn expression(dimension: Dimension) -> Result<&'static str, ToolError> {
    Ok(match dimension {
        Dimension::Team => "t.team",
        Dimension::Stage => "t.stage",
        Dimension::Priority => "CAST(t.priority AS VARCHAR)",
        Dimension::Customer => "COALESCE(cu.name, '(no customer)')",
        Dimension::Company => "c.name",
        other => {
            return Err(ToolError::UnsupportedDimension {
                tool: TOOL,
                action: "group or filter",
                dimension: other.name().into(),
                allowed: DIMENSIONS.map(|d| d.name()).join(", "),
            });
        }
    })
}

pub(crate) fn run(
    connection: &dyn Connection,
    query: &SemanticQuery,
    context: &ToolContext,
) -> Result<ToolResult, ToolError> {
    let params = Params::new(TOOL, &query.params);
    params.only(&["state"])?;
    let state = params.choice("state", "all", &["all", "open", "closed"])?;
    let dimensions = if query.dimensions.is_empty() {
        vec![Dimension::Team]
    } else {
        query.dimensions.clone()
    };
    let exprs = dimensions
        .iter()
        .map(|d| expression(*d))
        .collect::<Result<Vec<_>, _>>()?;
    let (start, end) = match &query.period {
        Some(period) => (period.start, period.end),
        None => (
            context.today - Duration::days(30),
            context.today - Duration::days(1),
        ),
    };
    let mut binds = Binds::default();
    let scope = Scope::new(query, state, (start, end), &mut binds)?;
    let Scope {
        conditions,
        in_period,
        state_sql,
        start_sql,
        end_sql,
    } = &scope;
    let today_sql = binds.date(context.today);
    let limit = binds.push(i64::from(row_cap(
        Tool::HelpdeskSummary,
        query.limit,
        context,
    )));
    let select: Vec<String> = exprs
        .iter()
        .enumerate()
        .map(|(i, e)| format!("{e} AS g{i}"))
        .collect();
    let keys: Vec<String> = (0..exprs.len()).map(|i| format!("g{i}")).collect();
    let sql = format!(
        "WITH grouped AS (
            SELECT {select},
                   COUNT(*) FILTER (WHERE t.closed IS NULL) AS open_count,
                   COUNT(*) FILTER (WHERE t.created BETWEEN {start_sql} AND {end_sql}) AS created_count,
                   COUNT(*) FILTER (WHERE {in_period}) AS closed_count,
                   AVG(CASE WHEN {in_period} THEN CAST(t.closed - t.created AS DOUBLE PRECISION) END) AS avg_days,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY CASE WHEN {in_period} THEN CAST(t.closed - t.created AS DOUBLE PRECISION) END) AS p90_days,
                   COUNT(*) FILTER (WHERE ({in_period} AND t.closed > t.sla_deadline)
                                       OR (t.closed IS NULL AND t.sla_deadline < {today_sql})) AS breaches
            FROM silver.helpdesk_ticket t
            JOIN silver.company c ON c.id = t.company_id
            LEFT JOIN silver.customer cu ON cu.id = t.customer_id
            WHERE TRUE{conditions}{state_sql}
            GROUP BY {group_by})
        SELECT {keys}, open_count, created_count, closed_count, avg_days, p90_days, breaches,
               count(*) OVER (), SUM(open_count) OVER (), SUM(created_count) OVER (),
               SUM(closed_count) OVER (), SUM(breaches) OVER ()
        FROM grouped
        ORDER BY open_count DESC, created_count DESC, {keys}
        LIMIT {limit}",
        select = select.join(", "),
        group_by = exprs.join(", "),
        keys = keys.join(", "),
    );
    let rows = connection.query(&sql, &binds.0)?.rows;
    // Resolution over every closed ticket of the scope (not a mean of group means).
    let mut overall_binds = Binds::default();
    let Scope {
        conditions,
        in_period,
        state_sql,
        ..
    } = Scope::new(query, state, (start, end), &mut overall_binds)?;
    let overall_sql = format!(
        "SELECT AVG(CAST(t.closed - t.created AS DOUBLE PRECISION)),
                percentile_cont(0.9) WITHIN GROUP (ORDER BY CAST(t.closed - t.created AS DOUBLE PRECISION))
         FROM silver.helpdesk_ticket t JOIN silver.company c ON c.id = t.company_id
         LEFT JOIN silver.customer cu ON cu.id = t.customer_id
         WHERE {in_period}{conditions}{state_sql}"
    );
    let overall = connection.query(&overall_sql, &overall_binds.0)?.rows;
    let width = dimensions.len();
    let mut columns: Vec<Column> = dimensions
        .iter()
        .map(|d| Column::new(d.name(), d.label(), ValueFormat::String))
        .collect();
    columns.extend([
        Column::new("open", "Open", ValueFormat::Integer),
        Column::new("created", "Created", ValueFormat::Integer),
        Column::new("closed", "Closed", ValueFormat::Integer),
        Column::new(
            "avg_resolution_days",
            "Avg days to close",
            ValueFormat::Number,
        ),
        Column::new(
            "p90_resolution_days",
            "p90 days to close",
            ValueFormat::Number,
        ),
        Column::new("sla_breaches", "SLA breaches", ValueFormat::Integer),
    ]);
    let mut table = Vec::new();
    let mut totals = [0.0; 5];
    for row in &rows {
        let v = |offset: usize| float_at(row, width + offset);
        totals = [v(6), v(7), v(8), v(9), v(10)];
        let mut out = Row::new();
        for (index, dimension) in dimensions.iter().enumerate() {
            out.insert(
                dimension.name().into(),
                cell(at(row, index), ValueFormat::String),
            );
        }
        put_numbers(
            &mut out,
            &[
                ("open", Some(v(0)), ValueFormat::Integer),
                ("created", Some(v(1)), ValueFormat::Integer),
                ("closed", Some(v(2)), ValueFormat::Integer),
                (
                    "avg_resolution_days",
                    at(row, width + 3).as_f64(),
                    ValueFormat::Number,
                ),
                (
                    "p90_resolution_days",
                    at(row, width + 4).as_f64(),
                    ValueFormat::Number,
                ),
                ("sla_breaches", Some(v(5)), ValueFormat::Integer),
            ],
        );
        table.push(out);
    }
    let [total_count, open, created, closed, breaches] = totals;
    let average = overall.first().and_then(|row| at(row, 0).as_f64());
    let p90 = overall.first().and_then(|row| at(row, 1).as_f64());
    let mut total_row = Row::new();
    for (index, dimension) in dimensions.iter().enumerate() {
        total_row.insert(
            dimension.name().into(),
            json!(if index == 0 { "Total" } else { "" }),
        );
    }
    put_numbers(
        &mut total_row,
        &[
            ("open", Some(open), ValueFormat::Integer),
            ("created", Some(created), ValueFormat::Integer),
            ("closed", Some(closed), ValueFormat::Integer),
            ("avg_resolution_days", average, ValueFormat::Number),
            ("p90_resolution_days", p90, ValueFormat::Number),
            ("sla_breaches", Some(breaches), ValueFormat::Integer),
        ],
    );
    let by = dimensions
        .iter()
        .map(|d| d.label().to_lowercase())
        .collect::<Vec<_>>()
        .join(" and ");
    let sentence = format!(
        "{} open now; {start} to {end}: {} created, {} closed in {} on average (p90 {}), {} SLA breaches; by {by} over {}.",
        plural(open as u64, "ticket", "tickets"),
        say(created, ValueFormat::Integer),
        say(closed, ValueFormat::Integer),
        average.map_or("-".into(), |days| format!(
            "{} days",
            say(days, ValueFormat::Number)
        )),
        p90.map_or("-".into(), |days| format!(
            "{} days",
            say(days, ValueFormat::Number)
        )),
        say(breaches, ValueFormat::Integer),
        plural(total_count as u64, "group", "groups"),
    );
    let first_key = dimensions[0].name().to_string();
    Ok(ToolResult {
        tool: Tool::HelpdeskSummary,
        sentence,
        kpis: vec![
            kpi("Open", open, ValueFormat::Integer),
            kpi("Created", created, ValueFormat::Integer),
            kpi("Closed", closed, ValueFormat::Integer),
            kpi(
                "Avg days to close",
                average.unwrap_or(0.0),
                ValueFormat::Number,
            ),
            kpi("SLA breaches", breaches, ValueFormat::Integer),
        ],
        columns,
        rows: table,
        total_row: Some(total_row),
        total_count: total_count as u64,
        formula: format!(
            "open = tickets without a closing date; created / closed = dated {start} to {end}; \
             resolution = closing date − creation date over tickets closed in the period (p90 = \
             90th percentile); SLA breach = closed after its deadline in the period, or open past \
             its deadline on {}",
            context.today
        ),
        chart: Some(ChartSpec {
            kind: ChartType::GroupedBar,
            title: format!("Tickets by {by}"),
            label_key: first_key,
            series: vec![
                ("open".into(), "Open".into()),
                ("created".into(), "Created".into()),
                ("closed".into(), "Closed".into()),
            ],
            format: ValueFormat::Integer,
            points: Vec::new(),
        }),
        sql,
        params: json!({"state": state, "period": {"start": start, "end": end}}),
    })
}

/// The WHERE parts shared by the grouped query and the overall resolution figures.
struct Scope {
    conditions: String,
    in_period: String,
    state_sql: String,
    start_sql: String,
    end_sql: String,
}

impl Scope {
    fn new(
        query: &SemanticQuery,
        state: &str,
        (start, end): (chrono::NaiveDate, chrono::NaiveDate),
        binds: &mut Binds,
    ) -> Result<Scope, ToolError> {
        let conditions = filter_conditions(&query.filters, expression, binds)?;
        let (start_sql, end_sql) = (binds.date(start), binds.date(end));
        let in_period = format!("t.closed BETWEEN {start_sql} AND {end_sql}");
        let state_sql = match state {
            "open" => " AND t.closed IS NULL".to_string(),
            "closed" => format!(" AND {in_period}"),
            _ => format!(
                " AND (t.closed IS NULL OR {in_period} OR t.created BETWEEN {start_sql} AND {end_sql})"
            ),
        };
        Ok(Scope {
            conditions,
            in_period,
            state_sql,
            start_sql,
            end_sql,
        })
    }
}
