//! `dead_stock`: products holding stock that have not sold for `days_without_sales` days (180
//! by default; products received within that time are not dead), with quantity, value at cost,
//! last sale and last receipt; `list: "slow"` gives the slow movers instead (still selling,
//! cover above `slow_cover_days`).
//!
//! Each row carries seed 000's score: 0.35·age + 0.40·velocity + 0.25·cover, each 0..1 —
//! age = days since the last sale (or since the stock arrived, when never sold) ÷ 365;
//! velocity = 1 ÷ (1 + 10 × units per day over 90 days); cover = days of cover ÷ 365 (1 when
//! nothing sells). Above 0.7 dead, above 0.85 critical.

use analyst_core::answer::{ChartType, Column, Row};
use analyst_core::{SemanticQuery, Tool, ValueFormat};
use analyst_store::Connection;
use chrono::Duration;
use serde_json::{Value as Json, json};

use crate::demand::scope_ctes;
use crate::params::Params;
use crate::registry::row_cap;
use crate::result::{
    ChartSpec, ToolResult, at, cell, float_at, kpi, number, plural, put_texts, say,
};
use crate::scope::{Binds, conditions};
use crate::{ToolContext, ToolError};

const TOOL: &str = "dead_stock";
/// Days the velocity and cover parts of the score look back over.
const VELOCITY_DAYS: i64 = 90;
pub(crate) const DEAD_SCORE: f64 = 0.7;
pub(crate) const CRITICAL_SCORE: f64 = 0.85;

/// The seed's level for a score.
pub(crate) fn level(score: f64) -> &'static str {
    if score > CRITICAL_SCORE {
        "critical"
    } else if score > DEAD_SCORE {
        "dead"
    } else {
        "watch"
    }
}

/// Which list of unsold stock to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// No sale and no receipt for this many days.
    Dead { days: i64 },
    /// Still selling, with cover above this many days.
    Slow { cover_days: i64 },
    /// Last sale at least this many days ago, whatever was received since (`stock_aging`).
    Aging { days: i64 },
}

pub(crate) fn run(
    connection: &dyn Connection,
    query: &SemanticQuery,
    context: &ToolContext,
) -> Result<ToolResult, ToolError> {
    let params = Params::new(TOOL, &query.params);
    params.only(&["days_without_sales", "slow_cover_days", "list"])?;
    let days = params.integer("days_without_sales", 180, 1..=3650)?;
    let cover_days = params.integer("slow_cover_days", 90, 1..=3650)?;
    let mode = match params.choice("list", "dead", &["dead", "slow"])? {
        "dead" => Mode::Dead { days },
        _ => Mode::Slow { cover_days },
    };
    list(connection, query, context, Tool::DeadStock, mode)
}

/// Products holding stock that sell too little, per `mode`, scored.
pub(crate) fn list(
    connection: &dyn Connection,
    query: &SemanticQuery,
    context: &ToolContext,
    tool: Tool,
    mode: Mode,
) -> Result<ToolResult, ToolError> {
    let (days_without_sales, slow_cover_days) = match mode {
        Mode::Dead { days } | Mode::Aging { days } => (days, 0),
        Mode::Slow { cover_days } => (0, cover_days),
    };
    if !query.dimensions.is_empty() {
        return Err(ToolError::InvalidParam {
            tool: tool.name(),
            message:
                "lists products one by one; filter by brand, category, store… instead of grouping"
                    .into(),
        });
    }
    let today = context.today;
    let cutoff = today - Duration::days(days_without_sales);
    let velocity_from = today - Duration::days(VELOCITY_DAYS);
    let since = cutoff.min(velocity_from);
    let mut binds = Binds::default();
    let conditions = conditions(tool.name(), &query.filters, &[], &mut binds)?;
    let scope = scope_ctes(&conditions);
    let (since, velocity_from_sql, today_sql) = (
        binds.date(since),
        binds.date(velocity_from),
        binds.date(today),
    );
    let velocity_days = binds.float(VELOCITY_DAYS as f64);
    let list_condition = match mode {
        Mode::Dead { .. } => {
            let cutoff_sql = binds.date(cutoff);
            format!(
                "(i.last_recent_sale IS NULL OR i.last_recent_sale < {cutoff_sql})
                 AND (m.last_receipt IS NULL OR m.last_receipt < {cutoff_sql})"
            )
        }
        Mode::Aging { .. } => {
            let cutoff_sql = binds.date(cutoff);
            format!("(i.last_recent_sale IS NULL OR i.last_recent_sale <= {cutoff_sql})")
        }
        Mode::Slow { .. } => format!(
            "i.units_recent > 0 AND i.on_hand / (i.units_recent / {velocity_days}) > {}",
            binds.float(slow_cover_days as f64)
        ),
    };
    let limit = binds.push(i64::from(row_cap(tool, query.limit, context)));
    let sql = format!(
        "WITH {scope},
        stock AS (
            SELECT l.product_id, ss.company_id, CAST(SUM(l.on_hand) AS DOUBLE PRECISION) AS on_hand
            FROM silver.stock_level l
            JOIN scope_store ss ON ss.store_id = l.store_id
            JOIN scope_product sp ON sp.product_id = l.product_id
            GROUP BY l.product_id, ss.company_id
            HAVING SUM(l.on_hand) > 0),
        recent AS (
            SELECT g.product_id, ss.company_id, MAX(g.date) FILTER (WHERE g.units > 0) AS last_sale,
                   CAST(COALESCE(SUM(g.units) FILTER (WHERE g.date >= {velocity_from_sql}), 0) AS DOUBLE PRECISION) AS units
            FROM gold.daily_sales g
            JOIN scope_store ss ON ss.store_id = g.store_id
            JOIN stock st ON st.product_id = g.product_id AND st.company_id = ss.company_id
            WHERE g.date >= {since}
            GROUP BY g.product_id, ss.company_id),
        items AS (
            SELECT st.product_id, st.company_id, st.on_hand, r.last_sale AS last_recent_sale,
                   GREATEST(COALESCE(r.units, 0), 0) AS units_recent
            FROM stock st LEFT JOIN recent r ON r.product_id = st.product_id AND r.company_id = st.company_id),
        moves AS (
            SELECT m.product_id, ss.company_id,
                   MAX(m.date) FILTER (WHERE m.kind = 'receipt') AS last_receipt,
                   MIN(m.date) FILTER (WHERE m.qty > 0) AS first_stock
            FROM silver.stock_move m
            JOIN scope_store ss ON ss.store_id = m.store_id
            JOIN stock st ON st.product_id = m.product_id AND st.company_id = ss.company_id
            GROUP BY m.product_id, ss.company_id),
        listed AS (
            SELECT i.*, m.last_receipt, m.first_stock FROM items i
            LEFT JOIN moves m ON m.product_id = i.product_id AND m.company_id = i.company_id
            WHERE {list_condition}),
        history AS (
            -- Sales before the recent window, only for those without a recent one.
            SELECT g.product_id, ss.company_id, MAX(g.date) AS last_sale
            FROM gold.daily_sales g
            JOIN scope_store ss ON ss.store_id = g.store_id
            JOIN listed l ON l.product_id = g.product_id AND l.company_id = ss.company_id
            WHERE g.units > 0 AND g.date < {since} AND l.last_recent_sale IS NULL
            GROUP BY g.product_id, ss.company_id),
        scored AS (
            SELECT l.*, COALESCE(l.last_recent_sale, h.last_sale) AS last_sale,
                   CAST(COALESCE({today_sql} - COALESCE(l.last_recent_sale, h.last_sale, l.first_stock), 365) AS DOUBLE PRECISION) AS age_days,
                   l.units_recent / {velocity_days} AS velocity,
                   l.on_hand * p.standard_cost AS value
            FROM listed l JOIN silver.product p ON p.id = l.product_id
            LEFT JOIN history h ON h.product_id = l.product_id AND h.company_id = l.company_id),
        final AS (
            SELECT s.*,
                   0.35 * LEAST(s.age_days / 365.0, 1)
                   + 0.40 * (1 / (1 + 10 * s.velocity))
                   + 0.25 * CASE WHEN s.velocity > 0 THEN LEAST(s.on_hand / s.velocity / 365.0, 1) ELSE 1 END AS score
            FROM scored s)
        SELECT p.sku, p.name || ' ' || p.color || ' ' || p.size AS product, c.name AS company,
               f.on_hand, CAST(f.value AS DOUBLE PRECISION) AS value, f.last_sale, f.last_receipt,
               f.age_days, f.velocity, f.score,
               count(*) OVER () AS total_count, SUM(f.on_hand) OVER () AS total_units,
               CAST(SUM(f.value) OVER () AS DOUBLE PRECISION) AS total_value,
               SUM(CASE WHEN f.score > {CRITICAL_SCORE} THEN 1 ELSE 0 END) OVER () AS critical_count
        FROM final f JOIN silver.product p ON p.id = f.product_id JOIN silver.company c ON c.id = f.company_id
        ORDER BY f.score DESC, f.value DESC, p.sku, c.name
        LIMIT {limit}"
    );
    let rows = connection.query(&sql, &binds.0)?.rows;
    let columns = vec![
        Column::new("sku", "SKU", ValueFormat::String),
        Column::new("product", "Product", ValueFormat::String),
        Column::new("company", "Company", ValueFormat::String),
        Column::new("on_hand", "On hand", ValueFormat::Integer),
        Column::new("value", "Value at cost", ValueFormat::Currency),
        Column::new("last_sale", "Last sale", ValueFormat::String),
        Column::new("last_receipt", "Last receipt", ValueFormat::Date),
        Column::new("days_since_sale", "Days since sale", ValueFormat::Integer),
        Column::new("score", "Score", ValueFormat::Number),
        Column::new("level", "Level", ValueFormat::String),
        Column::new("why", "Why", ValueFormat::String),
    ];
    let mut table = Vec::new();
    let mut totals = (0u64, 0.0, 0.0, 0u64);
    for row in &rows {
        let (on_hand, value, age, velocity, score) = (
            float_at(row, 3),
            float_at(row, 4),
            float_at(row, 7),
            float_at(row, 8),
            float_at(row, 9),
        );
        totals = (
            float_at(row, 10) as u64,
            float_at(row, 11),
            float_at(row, 12),
            float_at(row, 13) as u64,
        );
        let last_sale = at(row, 5).as_date();
        let mut out = Row::new();
        put_texts(&mut out, row, &["sku", "product", "company"]);
        out.insert(
            "on_hand".into(),
            number(Some(on_hand), ValueFormat::Integer),
        );
        out.insert("value".into(), number(Some(value), ValueFormat::Currency));
        out.insert(
            "last_sale".into(),
            json!(last_sale.map_or("never sold".to_string(), |day| day.to_string())),
        );
        out.insert("last_receipt".into(), cell(at(row, 6), ValueFormat::Date));
        out.insert(
            "days_since_sale".into(),
            last_sale.map_or(Json::Null, |day| json!((today - day).num_days())),
        );
        out.insert("score".into(), number(Some(score), ValueFormat::Number));
        out.insert("level".into(), json!(level(score)));
        let age_part = (age / 365.0).min(1.0);
        let velocity_part = 1.0 / (1.0 + 10.0 * velocity);
        let cover_part = if velocity > 0.0 {
            (on_hand / velocity / 365.0).min(1.0)
        } else {
            1.0
        };
        out.insert(
            "why".into(),
            json!(format!(
                "{}; {} on hand worth {} at cost; score 0.35×{age_part:.2} (age {} days) + 0.40×{velocity_part:.2} ({}/day over {VELOCITY_DAYS} days) + 0.25×{cover_part:.2} (cover) = {score:.2}",
                match last_sale {
                    Some(day) => format!("last sale {day}, {} days ago", (today - day).num_days()),
                    None => "never sold".into(),
                },
                say(on_hand, ValueFormat::Integer),
                say(value, ValueFormat::Currency),
                age as i64,
                say(velocity, ValueFormat::Number),
            )),
        );
        table.push(out);
    }
    let (total_count, total_units, total_value, critical_count) = totals;
    let what = match mode {
        Mode::Dead { .. } => format!("no sale for {days_without_sales} days or more"),
        Mode::Aging { .. } => format!("no sale in the last {days_without_sales} days"),
        Mode::Slow { .. } => {
            format!("stock lasting over {slow_cover_days} days at their rate of sale")
        }
    };
    let sentence = if table.is_empty() {
        format!("No product holding stock has {what}.")
    } else {
        format!(
            "{} holding stock have {what}: {} units worth {} at cost; {critical_count} critical (score above {CRITICAL_SCORE}).",
            plural(total_count, "product", "products"),
            say(total_units, ValueFormat::Integer),
            say(total_value, ValueFormat::Currency),
        )
    };
    Ok(ToolResult {
        tool,
        sentence,
        kpis: vec![
            kpi("Products", total_count as f64, ValueFormat::Integer),
            kpi("Units", total_units, ValueFormat::Integer),
            kpi("Value at cost", total_value, ValueFormat::Currency),
            kpi("Critical", critical_count as f64, ValueFormat::Integer),
        ],
        columns,
        rows: table,
        total_row: None,
        total_count,
        formula: format!(
            "{}; score = 0.35·age + 0.40·velocity + 0.25·cover (age = days since last sale ÷ 365; \
             velocity = 1 ÷ (1 + 10 × units/day); cover = days of cover ÷ 365; each capped at 1); \
             above {DEAD_SCORE} dead, above {CRITICAL_SCORE} critical",
            match mode {
                Mode::Dead { .. } => format!(
                    "dead = stock on hand, no sale since {cutoff} and no receipt since then"
                ),
                Mode::Slow { .. } => format!(
                    "slow = cover (on hand ÷ units per day over {VELOCITY_DAYS} days) above {slow_cover_days} days"
                ),
                Mode::Aging { .. } =>
                    format!("aged = stock on hand, last sale on or before {cutoff} (or never sold)"),
            }
        ),
        chart: Some(ChartSpec {
            kind: ChartType::HorizontalBar,
            title: "Value at cost".into(),
            label_key: "product".into(),
            series: vec![("value".into(), "Value at cost".into())],
            format: ValueFormat::Currency,
            points: Vec::new(),
        }),
        sql,
        params: match mode {
            Mode::Dead { days } => json!({"days_without_sales": days, "list": "dead"}),
            Mode::Slow { cover_days } => json!({"slow_cover_days": cover_days, "list": "slow"}),
            Mode::Aging { days } => json!({"days_threshold": days}),
        },
    })
}
