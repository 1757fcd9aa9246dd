//! `season_performance`: how a season's products sell, against the previous like season at
//! the same point (AW25 against AW24, SS26 against SS25).
//!
//! Seasons (demo-data.md): SS = 1 Feb to 31 Jul, AW = 1 Aug to 31 Jan of the next year.
//! units and revenue = net sales of the season's products from its first day to today (or its
//! last day); sell-through % = units sold ÷ (units sold + on hand). The previous season is
//! measured over the same number of days from its own first day, with the stock it had then
//! (today's stock rolled back through the stock moves since).

use analyst_core::answer::{ChartType, Column, Row};
use analyst_core::format::change_pct;
use analyst_core::{Dimension, SemanticQuery, Tool, ValueFormat};
use analyst_store::Connection;
use chrono::{Duration, NaiveDate};
use serde_json::json;

use crate::demand::Grouping;
use crate::params::Params;
use crate::registry::row_cap;
use crate::result::{ChartSpec, ToolResult, float_at, kpi, put_numbers, say};
use crate::scope::{Binds, conditions};
use crate::{ToolContext, ToolError};

const TOOL: &str = "season_performance";

/// A season tag and its selling window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Season {
    pub tag: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Season {
    /// `AW25` (or `FW25`) and `SS26`; anything else is refused with what fits.
    pub(crate) fn parse(tag: &str) -> Result<Season, ToolError> {
        let invalid = || ToolError::InvalidParam {
            tool: TOOL,
            message: format!(
                "'{tag}' is not a dated season; name one such as AW25 or SS26 (Core never ends)"
            ),
        };
        let upper = tag.trim().to_ascii_uppercase();
        let (kind, year) = upper.split_at_checked(2).ok_or_else(invalid)?;
        let year: i32 = year.parse().map_err(|_| invalid())?;
        let year = if year < 100 { 2000 + year } else { year };
        let date = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).ok_or_else(invalid);
        let (kind, start, end) = match kind {
            "SS" => ("SS", date(year, 2, 1)?, date(year, 7, 31)?),
            "AW" | "FW" => ("AW", date(year, 8, 1)?, date(year + 1, 1, 31)?),
            _ => return Err(invalid()),
        };
        Ok(Season {
            tag: format!("{kind}{:02}", year % 100),
            start,
            end,
        })
    }

    /// The same season a year earlier.
    pub(crate) fn previous(&self) -> Result<Season, ToolError> {
        let year: i32 = self.tag[2..].parse().unwrap_or(0) + 2000 - 1;
        Season::parse(&format!("{}{:02}", &self.tag[..2], year % 100))
    }
}

pub(crate) fn run(
    connection: &dyn Connection,
    query: &SemanticQuery,
    context: &ToolContext,
) -> Result<ToolResult, ToolError> {
    let params = Params::new(TOOL, &query.params);
    params.only(&["season"])?;
    let season_filter = query
        .filters
        .iter()
        .find(|filter| filter.field == Dimension::Season);
    let tag = match (
        query.params.get("season").and_then(|value| value.as_str()),
        season_filter,
    ) {
        (Some(tag), _) => tag.to_string(),
        (None, Some(filter)) if filter.values.len() == 1 => filter.values[0].clone(),
        (None, Some(_)) => {
            return Err(ToolError::InvalidParam {
                tool: TOOL,
                message: "name one season, e.g. AW25".into(),
            });
        }
        (None, None) => {
            return Err(ToolError::InvalidParam {
                tool: TOOL,
                message: "which season? e.g. {\"season\": \"AW25\"} or a season filter".into(),
            });
        }
    };
    let season = Season::parse(&tag)?;
    let previous = season.previous()?;
    let yesterday = context.today - Duration::days(1);
    if yesterday < season.start {
        return Err(ToolError::InvalidParam {
            tool: TOOL,
            message: format!(
                "{} starts on {}: nothing sold yet",
                season.tag, season.start
            ),
        });
    }
    let as_of = yesterday.min(season.end);
    let elapsed = as_of - season.start;
    let previous_as_of = (previous.start + elapsed).min(previous.end);
    let weeks = (elapsed.num_days() + 1) / 7;
    let dimensions: Vec<Dimension> = query.dimensions.clone();
    let grouping = if dimensions.is_empty() {
        Grouping {
            columns: vec![("season".into(), "Season".into(), "UPPER('all')".into())],
            by_item: false,
        }
    } else {
        Grouping::new(TOOL, &dimensions)?
    };
    let mut binds = Binds::default();
    let other_filters: Vec<_> = query
        .filters
        .iter()
        .filter(|f| f.field != Dimension::Season)
        .cloned()
        .collect();
    let conditions = conditions(TOOL, &other_filters, &[], &mut binds)?;
    let filters = conditions.product_and_place();
    let (current_tag, previous_tag) = (
        binds.push(season.tag.as_str()),
        binds.push(previous.tag.as_str()),
    );
    let (start, end) = (binds.date(season.start), binds.date(as_of));
    let (previous_start, previous_end) = (binds.date(previous.start), binds.date(previous_as_of));
    let limit = binds.push(i64::from(row_cap(
        Tool::SeasonPerformance,
        query.limit,
        context,
    )));
    let joins = "JOIN silver.product p ON p.id = x.product_id
        JOIN silver.store s ON s.id = x.store_id
        JOIN silver.company c ON c.id = s.company_id
        LEFT JOIN silver.supplier sup ON sup.id = p.supplier_id";
    let sql = format!(
        "WITH sales AS (
            SELECT {select},
                   CAST(COALESCE(SUM(x.units) FILTER (WHERE p.season = {current_tag} AND x.date BETWEEN {start} AND {end}), 0) AS DOUBLE PRECISION) AS units,
                   CAST(COALESCE(SUM(x.revenue) FILTER (WHERE p.season = {current_tag} AND x.date BETWEEN {start} AND {end}), 0) AS DOUBLE PRECISION) AS revenue,
                   CAST(COALESCE(SUM(x.units) FILTER (WHERE p.season = {previous_tag} AND x.date BETWEEN {previous_start} AND {previous_end}), 0) AS DOUBLE PRECISION) AS previous_units,
                   CAST(COALESCE(SUM(x.revenue) FILTER (WHERE p.season = {previous_tag} AND x.date BETWEEN {previous_start} AND {previous_end}), 0) AS DOUBLE PRECISION) AS previous_revenue
            FROM gold.daily_sales x {joins}
            WHERE p.season IN ({current_tag}, {previous_tag}) AND x.date BETWEEN {previous_start} AND {end}{filters}
            GROUP BY {group_by}),
        stock AS (
            SELECT {select}, CAST(SUM(x.on_hand) AS DOUBLE PRECISION) AS on_hand
            FROM silver.stock_level x {joins}
            WHERE p.season = {current_tag}{filters}
            GROUP BY {group_by}),
        previous_stock AS (
            SELECT {select}, CAST(SUM(x.qty) AS DOUBLE PRECISION) AS on_hand
            FROM (SELECT product_id, store_id, on_hand AS qty FROM silver.stock_level
                  UNION ALL
                  SELECT product_id, store_id, -qty FROM silver.stock_move WHERE date > {previous_end}) x
            {joins}
            WHERE p.season = {previous_tag}{filters}
            GROUP BY {group_by}),
        k AS (SELECT {keys} FROM sales UNION SELECT {keys} FROM stock UNION SELECT {keys} FROM previous_stock)
        SELECT {k_keys}, COALESCE(sa.units, 0), COALESCE(sa.revenue, 0), COALESCE(st.on_hand, 0),
               COALESCE(sa.previous_units, 0), COALESCE(sa.previous_revenue, 0), COALESCE(ps.on_hand, 0),
               count(*) OVER ()
        FROM k LEFT JOIN sales sa ON {on_sales} LEFT JOIN stock st ON {on_stock}
        LEFT JOIN previous_stock ps ON {on_previous}
        ORDER BY COALESCE(sa.revenue, 0) DESC, {k_keys}
        LIMIT {limit}",
        select = grouping.select(),
        group_by = grouping.exprs(),
        keys = grouping.keys(),
        k_keys = grouping.keys_of("k"),
        on_sales = grouping.join_on("sa"),
        on_stock = grouping.join_on("st"),
        on_previous = grouping.join_on("ps"),
    );
    let rows = connection.query(&sql, &binds.0)?.rows;
    let width = grouping.len();
    let columns = grouping.table_columns([
        Column::new("units", "Units", ValueFormat::Integer),
        Column::new("revenue", "Revenue", ValueFormat::Currency),
        Column::new("on_hand", "On hand", ValueFormat::Integer),
        Column::new("sell_through_pct", "Sell-through", ValueFormat::Percentage),
        Column::new(
            "previous_units",
            format!("Units {}", previous.tag),
            ValueFormat::Integer,
        ),
        Column::new(
            "previous_revenue",
            format!("Revenue {}", previous.tag),
            ValueFormat::Currency,
        ),
        Column::new(
            "previous_sell_through_pct",
            format!("Sell-through {}", previous.tag),
            ValueFormat::Percentage,
        ),
        Column::new(
            "revenue_change_pct",
            "Revenue change",
            ValueFormat::Percentage,
        ),
        Column::new("why", "Why", ValueFormat::String),
    ]);
    let sell_through = |sold: f64, on_hand: f64| {
        let base = sold.max(0.0) + on_hand.max(0.0);
        (base > 0.0).then(|| sold.max(0.0) / base * 100.0)
    };
    let mut table = Vec::new();
    let mut total = [0.0; 6];
    let mut total_count = 0;
    for row in &rows {
        let v = |offset: usize| float_at(row, width + offset);
        let figures = [v(0), v(1), v(2), v(3), v(4), v(5)];
        total_count = v(6) as u64;
        for (sum, figure) in total.iter_mut().zip(figures) {
            *sum += figure;
        }
        let mut out = grouping.row(row);
        if dimensions.is_empty() {
            out.insert("season".into(), json!(season.tag));
        }
        fill(&mut out, figures, &sell_through, &season, &previous);
        table.push(out);
    }
    let mut total_row = grouping.total_row();
    fill(&mut total_row, total, &sell_through, &season, &previous);
    let current_through = sell_through(total[0], total[2]);
    let previous_through = sell_through(total[3], total[5]);
    let revenue_change = change_pct(total[1], total[4]);
    let sentence = format!(
        "{} after {weeks} weeks (to {as_of}): {} units, {} revenue, sell-through {}; {} at the same point: {} units, {} revenue, sell-through {}{}.",
        season.tag,
        say(total[0], ValueFormat::Integer),
        say(total[1], ValueFormat::Currency),
        current_through.map_or("-".into(), |pct| format!("{pct:.1}%")),
        previous.tag,
        say(total[3], ValueFormat::Integer),
        say(total[4], ValueFormat::Currency),
        previous_through.map_or("-".into(), |pct| format!("{pct:.1}%")),
        revenue_change
            .map(|pct| format!(" (revenue {pct:+.1}%)"))
            .unwrap_or_default(),
    );
    let mut revenue_kpi = kpi("Revenue", total[1], ValueFormat::Currency);
    revenue_kpi.delta = revenue_change.map(|pct| format!("{pct:+.1}%"));
    revenue_kpi.delta_direction = revenue_change.map(|pct| {
        if pct > 0.05 {
            analyst_core::answer::DeltaDirection::Up
        } else if pct < -0.05 {
            analyst_core::answer::DeltaDirection::Down
        } else {
            analyst_core::answer::DeltaDirection::Neutral
        }
    });
    Ok(ToolResult {
        tool: Tool::SeasonPerformance,
        sentence,
        kpis: vec![
            kpi("Units", total[0], ValueFormat::Integer),
            revenue_kpi,
            kpi(
                "Sell-through",
                current_through.unwrap_or(0.0),
                ValueFormat::Percentage,
            ),
            kpi(
                &format!("Sell-through {}", previous.tag),
                previous_through.unwrap_or(0.0),
                ValueFormat::Percentage,
            ),
            kpi("Weeks into season", weeks as f64, ValueFormat::Integer),
        ],
        columns,
        rows: table,
        total_row: Some(total_row),
        total_count,
        formula: format!(
            "sell-through = units sold ÷ (units sold + on hand); {} = products tagged {} sold {} to {}, \
             stock today; {} = products tagged {} sold {} to {}, stock on {previous_as_of}",
            season.tag,
            season.tag,
            season.start,
            as_of,
            previous.tag,
            previous.tag,
            previous.start,
            previous_as_of
        ),
        chart: Some(ChartSpec {
            kind: ChartType::GroupedBar,
            title: format!("Revenue {} vs {}", season.tag, previous.tag),
            label_key: grouping.columns[0].0.clone(),
            series: vec![
                ("revenue".into(), season.tag.clone()),
                ("previous_revenue".into(), previous.tag.clone()),
            ],
            format: ValueFormat::Currency,
            points: Vec::new(),
        }),
        sql,
        params: json!({"season": season.tag, "previous_season": previous.tag, "as_of": as_of,
                       "previous_as_of": previous_as_of, "weeks": weeks}),
    })
}

/// The measures of one row (or the total) with their why.
fn fill(
    out: &mut Row,
    [
        units,
        revenue,
        on_hand,
        previous_units,
        previous_revenue,
        previous_on_hand,
    ]: [f64; 6],
    sell_through: &dyn Fn(f64, f64) -> Option<f64>,
    season: &Season,
    previous: &Season,
) {
    let current = sell_through(units, on_hand);
    let before = sell_through(previous_units, previous_on_hand);
    put_numbers(
        out,
        &[
            ("units", Some(units), ValueFormat::Integer),
            ("revenue", Some(revenue), ValueFormat::Currency),
            ("on_hand", Some(on_hand), ValueFormat::Integer),
            ("sell_through_pct", current, ValueFormat::Percentage),
            ("previous_units", Some(previous_units), ValueFormat::Integer),
            (
                "previous_revenue",
                Some(previous_revenue),
                ValueFormat::Currency,
            ),
            ("previous_sell_through_pct", before, ValueFormat::Percentage),
            (
                "revenue_change_pct",
                change_pct(revenue, previous_revenue),
                ValueFormat::Percentage,
            ),
        ],
    );
    out.insert(
        "why".into(),
        json!(format!(
            "{}: {} sold ÷ ({} sold + {} on hand) = {}; {}: {} ÷ ({} + {}) = {}",
            season.tag,
            say(units, ValueFormat::Integer),
            say(units, ValueFormat::Integer),
            say(on_hand, ValueFormat::Integer),
            current.map_or("-".into(), |pct| format!("{pct:.1}%")),
            previous.tag,
            say(previous_units, ValueFormat::Integer),
            say(previous_units, ValueFormat::Integer),
            say(previous_on_hand, ValueFormat::Integer),
            before.map_or("-".into(), |pct| format!("{pct:.1}%")),
        )),
    );
}
