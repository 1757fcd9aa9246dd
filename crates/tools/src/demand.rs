//! Demand and stock per product and company: the figures every buying tool starts from.
//!
//! - units: net units sold (returns subtracted) in the window, from `gold.daily_sales`;
//! - out_days: days the company had none of the product on hand and sold none, read from the
//!   stock history (`silver.stock_move` rolled back from today's `silver.stock_level`); a
//!   product with no stock movement in the window has no stock-out days;
//! - velocity = units ÷ (window days − out_days); sigma = the standard deviation of daily
//!   units over those days (for safety stock);
//! - on_hand, reserved, incoming: today's stock at the company's locations.
//!
//! The unit is product × company: a company's stock serves its own sales and is bought by it.

use analyst_core::answer::{Column, Row};
use analyst_core::{Dimension, SemanticQuery, ValueFormat};
use analyst_store::Value;
use chrono::{Duration, NaiveDate};
use serde_json::json;

use crate::ToolError;
use crate::result::{at, cell};
use crate::scope::{Binds, Conditions, expression};

/// The window demand is measured over (both ends inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Window {
    /// The query's period, or `days` whole days ending the day before `today`.
    pub(crate) fn of(query: &SemanticQuery, today: NaiveDate, days: i64) -> Window {
        match &query.period {
            Some(period) => Window {
                start: period.start,
                end: period.end,
            },
            None => Window::ending_yesterday(today, days),
        }
    }

    /// `days` whole days ending the day before `today`.
    pub(crate) fn ending_yesterday(today: NaiveDate, days: i64) -> Window {
        let end = today - Duration::days(1);
        Window {
            start: end - Duration::days(days - 1),
            end,
        }
    }

    pub(crate) fn days(self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    /// The window of the same length just before this one.
    pub(crate) fn previous(self) -> Window {
        Window {
            start: self.start - Duration::days(self.days()),
            end: self.start - Duration::days(1),
        }
    }
}

/// `WITH` clauses ending in `demand(product_id, company_id, units, selling_days, out_days,
/// available_days, on_hand, reserved, incoming, velocity, sigma)` for every product × company
/// in scope with sales in the window or a stock record.
pub(crate) fn demand_ctes(window: Window, conditions: &Conditions, binds: &mut Binds) -> String {
    let start = binds.date(window.start);
    let end = binds.date(window.end);
    let after_end = binds.date(window.end + Duration::days(1));
    let days = binds.integer(window.days());
    let scope = scope_ctes(conditions);
    format!(
        "{scope},
        day_sales AS (
            SELECT g.product_id, ss.company_id, g.date, CAST(SUM(g.units) AS DOUBLE PRECISION) AS units
            FROM gold.daily_sales g
            JOIN scope_store ss ON ss.store_id = g.store_id
            JOIN scope_product sp ON sp.product_id = g.product_id
            WHERE g.date BETWEEN {start} AND {end}
            GROUP BY g.product_id, ss.company_id, g.date),
        sold AS (
            SELECT product_id, company_id, SUM(units) AS units, SUM(units * units) AS units_sq,
                   COUNT(*) FILTER (WHERE units > 0) AS selling_days
            FROM day_sales GROUP BY product_id, company_id),
        stock AS (
            SELECT l.product_id, ss.company_id, SUM(l.on_hand) AS on_hand,
                   SUM(l.reserved) AS reserved, SUM(l.incoming) AS incoming
            FROM silver.stock_level l
            JOIN scope_store ss ON ss.store_id = l.store_id
            JOIN scope_product sp ON sp.product_id = l.product_id
            GROUP BY l.product_id, ss.company_id),
        day_moves AS (
            SELECT m.product_id, ss.company_id, m.date, SUM(m.qty) AS qty
            FROM silver.stock_move m
            JOIN scope_store ss ON ss.store_id = m.store_id
            JOIN scope_product sp ON sp.product_id = m.product_id
            WHERE m.date >= {start}
            GROUP BY m.product_id, ss.company_id, m.date),
        positions AS (
            SELECT d.product_id, d.company_id, d.date,
                   COALESCE(st.on_hand, 0) - SUM(d.qty) OVER (PARTITION BY d.product_id, d.company_id) AS opening,
                   COALESCE(st.on_hand, 0) - SUM(d.qty) OVER (PARTITION BY d.product_id, d.company_id)
                     + SUM(d.qty) OVER (PARTITION BY d.product_id, d.company_id ORDER BY d.date
                                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS position,
                   LEAST(COALESCE(LEAD(d.date) OVER (PARTITION BY d.product_id, d.company_id ORDER BY d.date),
                                  {after_end}), {after_end}) AS next_date
            FROM day_moves d
            LEFT JOIN stock st ON st.product_id = d.product_id AND st.company_id = d.company_id),
        stockouts AS (
            SELECT po.product_id, po.company_id,
                   SUM(CASE WHEN po.position <= 0
                            THEN (po.next_date - po.date) - CASE WHEN ds.units > 0 THEN 1 ELSE 0 END
                            ELSE 0 END)
                   + CASE WHEN MAX(po.opening) <= 0 THEN MIN(po.date) - {start} ELSE 0 END AS out_days
            FROM positions po
            LEFT JOIN day_sales ds ON ds.product_id = po.product_id AND ds.company_id = po.company_id
                                  AND ds.date = po.date
            WHERE po.date <= {end}
            GROUP BY po.product_id, po.company_id),
        demand_keys AS (
            SELECT product_id, company_id FROM sold
            UNION SELECT product_id, company_id FROM stock),
        demand_base AS (
            SELECT k.product_id, k.company_id,
                   COALESCE(so.units, 0) AS units, COALESCE(so.units_sq, 0) AS units_sq,
                   COALESCE(so.selling_days, 0) AS selling_days,
                   CAST(COALESCE(o.out_days, 0) AS INTEGER) AS out_days,
                   CAST(GREATEST({days} - COALESCE(o.out_days, 0), 0) AS INTEGER) AS available_days,
                   COALESCE(st.on_hand, 0) AS on_hand, COALESCE(st.reserved, 0) AS reserved,
                   COALESCE(st.incoming, 0) AS incoming
            FROM demand_keys k
            LEFT JOIN sold so ON so.product_id = k.product_id AND so.company_id = k.company_id
            LEFT JOIN stockouts o ON o.product_id = k.product_id AND o.company_id = k.company_id
            LEFT JOIN stock st ON st.product_id = k.product_id AND st.company_id = k.company_id),
        demand AS (
            SELECT b.*,
                   CASE WHEN b.available_days > 0 THEN GREATEST(b.units, 0) / b.available_days ELSE 0 END AS velocity,
                   CASE WHEN b.available_days > 0
                        THEN SQRT(GREATEST(b.units_sq / b.available_days
                                           - (b.units / b.available_days) * (b.units / b.available_days), 0))
                        ELSE 0 END AS sigma
            FROM demand_base b)"
    )
}

/// `WITH` clauses `scope_store(store_id, company_id)` and `scope_product(product_id)`: the
/// stores and products the place and product conditions keep.
pub(crate) fn scope_ctes(conditions: &Conditions) -> String {
    let place = Conditions::and(&conditions.place);
    let product = Conditions::and(&conditions.product);
    format!(
        "scope_store AS (
            SELECT s.id AS store_id, s.company_id FROM silver.store s
            JOIN silver.company c ON c.id = s.company_id WHERE TRUE{place}),
        scope_product AS (
            SELECT p.id AS product_id FROM silver.product p
            LEFT JOIN silver.supplier sup ON sup.id = p.supplier_id WHERE TRUE{product})"
    )
}

/// How the rows of a buying tool are grouped: product × company by default, else the query's
/// product dimensions (and company).
#[derive(Debug, Clone)]
pub(crate) struct Grouping {
    /// (column key, label, SQL expression) of each grouping column.
    pub columns: Vec<(String, String, String)>,
    /// Whether rows are single products (so per-product figures such as cover dates apply).
    pub by_item: bool,
}

impl Grouping {
    pub(crate) fn new(tool: &'static str, dimensions: &[Dimension]) -> Result<Grouping, ToolError> {
        if dimensions.is_empty() {
            return Ok(Grouping {
                columns: vec![
                    ("sku".into(), "SKU".into(), "p.sku".into()),
                    (
                        "product".into(),
                        "Product".into(),
                        "p.name || ' ' || p.color || ' ' || p.size".into(),
                    ),
                    ("company".into(), "Company".into(), "c.name".into()),
                ],
                by_item: true,
            });
        }
        let mut columns = Vec::new();
        for dimension in dimensions {
            let allowed = crate::scope::PRODUCT_DIMENSIONS.contains(dimension)
                || *dimension == Dimension::Company;
            match expression(*dimension).filter(|_| allowed) {
                Some(expr) => columns.push((
                    dimension.name().to_string(),
                    dimension.label().to_string(),
                    expr.to_string(),
                )),
                None => {
                    return Err(ToolError::UnsupportedDimension {
                        tool,
                        action: "group",
                        dimension: dimension.name().into(),
                        allowed: crate::scope::PRODUCT_DIMENSIONS
                            .iter()
                            .chain(&[Dimension::Company])
                            .map(|dimension| dimension.name())
                            .collect::<Vec<_>>()
                            .join(", "),
                    });
                }
            }
        }
        Ok(Grouping {
            columns,
            by_item: false,
        })
    }

    /// Groups by `dimensions` (or `default` when none), each among `allowed`.
    pub(crate) fn of(
        tool: &'static str,
        dimensions: &[Dimension],
        default: Dimension,
        allowed: &[Dimension],
    ) -> Result<Grouping, ToolError> {
        let wanted = if dimensions.is_empty() {
            std::slice::from_ref(&default)
        } else {
            dimensions
        };
        let mut columns = Vec::new();
        for dimension in wanted {
            let expr = match dimension {
                Dimension::Month => Some("CAST(date_trunc('month', x.date) AS DATE)"),
                other => expression(*other),
            };
            match expr.filter(|_| allowed.contains(dimension)) {
                Some(expr) => columns.push((
                    dimension.name().to_string(),
                    dimension.label().to_string(),
                    expr.to_string(),
                )),
                None => {
                    return Err(ToolError::UnsupportedDimension {
                        tool,
                        action: "group",
                        dimension: dimension.name().into(),
                        allowed: allowed
                            .iter()
                            .map(|d| d.name())
                            .collect::<Vec<_>>()
                            .join(", "),
                    });
                }
            }
        }
        Ok(Grouping {
            columns,
            by_item: false,
        })
    }

    /// `expr AS g0, expr AS g1, …`
    pub(crate) fn select(&self) -> String {
        self.columns
            .iter()
            .enumerate()
            .map(|(index, (_, _, expr))| format!("{expr} AS g{index}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `g0, g1, …` for GROUP BY over a select that used [`Grouping::select`].
    pub(crate) fn exprs(&self) -> String {
        self.columns
            .iter()
            .map(|(_, _, expr)| expr.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The column that names a row in sentences and charts.
    pub(crate) fn label_key(&self) -> String {
        if self.by_item {
            "product".into()
        } else {
            self.columns
                .first()
                .map(|column| column.0.clone())
                .unwrap_or_default()
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.columns.len()
    }

    /// `g0, g1, …`: the grouping columns of a select that used [`Grouping::select`].
    pub(crate) fn keys(&self) -> String {
        self.keys_of("")
    }

    /// `k.g0, k.g1, …` for `alias` `k`.
    pub(crate) fn keys_of(&self, alias: &str) -> String {
        let prefix = if alias.is_empty() {
            String::new()
        } else {
            format!("{alias}.")
        };
        (0..self.len())
            .map(|index| format!("{prefix}g{index}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `k.g0 = sa.g0 AND k.g1 = sa.g1 …`: joins `other` to `k` on every grouping column.
    pub(crate) fn join_on(&self, other: &str) -> String {
        (0..self.len())
            .map(|index| format!("k.g{index} = {other}.g{index}"))
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// The table's columns: one text column per grouping column (a month as a date), then
    /// `measures`.
    pub(crate) fn table_columns(&self, measures: impl IntoIterator<Item = Column>) -> Vec<Column> {
        self.columns
            .iter()
            .map(|(key, label, _)| {
                let format = if key == "month" {
                    ValueFormat::Date
                } else {
                    ValueFormat::String
                };
                Column::new(key.clone(), label.clone(), format)
            })
            .chain(measures)
            .collect()
    }

    /// A table row holding the grouping values, the first columns of `row`.
    pub(crate) fn row(&self, row: &[Value]) -> Row {
        let mut out = Row::new();
        for (index, (key, _, _)) in self.columns.iter().enumerate() {
            out.insert(key.clone(), cell(at(row, index), ValueFormat::String));
        }
        out
    }

    /// The start of a total row: "Total" in the first grouping column, the others empty.
    pub(crate) fn total_row(&self) -> Row {
        let mut out = Row::new();
        for (index, (key, _, _)) in self.columns.iter().enumerate() {
            out.insert(key.clone(), json!(if index == 0 { "Total" } else { "" }));
        }
        out
    }
}

/// The joins from `demand d` to the product, its supplier and the company.
pub(crate) const DEMAND_JOINS: &str = "JOIN silver.product p ON p.id = d.product_id
    LEFT JOIN silver.supplier sup ON sup.id = p.supplier_id
    JOIN silver.company c ON c.id = d.company_id";

/// high / medium / low from how many days of the window had sales.
pub(crate) fn confidence(selling_days: f64) -> &'static str {
    if selling_days >= 8.0 {
        "high"
    } else if selling_days >= 3.0 {
        "medium"
    } else {
        "low"
    }
}

/// Why a row's confidence is what it is.
pub(crate) fn confidence_note(selling_days: f64, window_days: i64) -> String {
    format!(
        "{} confidence: sales on {} of {window_days} days",
        confidence(selling_days),
        selling_days as i64
    )
}
