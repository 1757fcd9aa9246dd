//! What a tool's rows are restricted to and grouped by: filter values matched to the data,
//! dimensions as SQL expressions over fixed aliases, and the `$n` parameters that carry every
//! value (never spliced into SQL).
//!
//! Aliases: `p` product, `sup` its main supplier, `s` store, `c` the store's company.

use analyst_core::{Dimension, Filter, FilterOp, SemanticQuery};
use analyst_semantic::values::{canonical, known_values};
use analyst_store::{Connection, Value};
use chrono::NaiveDate;

use crate::ToolError;

/// Dimensions that describe a product.
pub(crate) const PRODUCT_DIMENSIONS: [Dimension; 9] = [
    Dimension::Brand,
    Dimension::Category,
    Dimension::Subcategory,
    Dimension::Gender,
    Dimension::Season,
    Dimension::Supplier,
    Dimension::Product,
    Dimension::Color,
    Dimension::Size,
];

/// Dimensions that describe where stock is or a sale happened.
pub(crate) const PLACE_DIMENSIONS: [Dimension; 2] = [Dimension::Company, Dimension::Store];

/// Collects parameters and hands out their placeholders.
#[derive(Debug, Default)]
pub(crate) struct Binds(pub Vec<Value>);

impl Binds {
    pub(crate) fn push(&mut self, value: impl Into<Value>) -> String {
        self.0.push(value.into());
        format!("${}", self.0.len())
    }

    /// A date parameter, cast so date arithmetic reads the same on every backend.
    pub(crate) fn date(&mut self, day: NaiveDate) -> String {
        format!("CAST({} AS DATE)", self.push(day))
    }

    pub(crate) fn integer(&mut self, value: i64) -> String {
        format!("CAST({} AS INTEGER)", self.push(value))
    }

    pub(crate) fn float(&mut self, value: f64) -> String {
        format!(
            "CAST({} AS DOUBLE PRECISION)",
            self.push(Value::Float(value))
        )
    }
}

/// The SQL of a product or place dimension over the aliases of this module.
pub(crate) fn expression(dimension: Dimension) -> Option<&'static str> {
    Some(match dimension {
        Dimension::Brand => "p.brand",
        Dimension::Category => "p.category",
        Dimension::Subcategory => "p.subcategory",
        Dimension::Gender => "p.gender",
        Dimension::Season => "p.season",
        Dimension::Supplier => "COALESCE(sup.name, '(no supplier)')",
        Dimension::Product => "p.name",
        Dimension::Color => "p.color",
        Dimension::Size => "p.size",
        Dimension::Store => "s.name",
        Dimension::Company => "c.name",
        _ => return None,
    })
}

/// The joins from a fact row `x` (with `product_id` and `store_id`) to the dimension tables.
pub(crate) const FACT_JOINS: &str = "JOIN silver.product p ON p.id = x.product_id
    JOIN silver.store s ON s.id = x.store_id
    JOIN silver.company c ON c.id = s.company_id
    LEFT JOIN silver.supplier sup ON sup.id = p.supplier_id";

/// Product and place dimensions: what sales and stock rows can be grouped by.
pub(crate) fn product_and_place() -> Vec<Dimension> {
    PRODUCT_DIMENSIONS
        .iter()
        .chain(&PLACE_DIMENSIONS)
        .copied()
        .collect()
}

/// The query's period, or `days` whole days ending yesterday.
pub(crate) fn period_or_last(
    query: &SemanticQuery,
    today: NaiveDate,
    days: i64,
) -> (NaiveDate, NaiveDate) {
    match &query.period {
        Some(period) => (period.start, period.end),
        None => {
            let end = today - chrono::Duration::days(1);
            (end - chrono::Duration::days(days - 1), end)
        }
    }
}

/// Filters split by the table they restrict.
#[derive(Debug, Default)]
pub(crate) struct Conditions {
    /// Over `p` and `sup`.
    pub product: Vec<String>,
    /// Over `s` and `c`.
    pub place: Vec<String>,
    /// `(dimension, condition with the placeholder {expr})` for the tool's own fields.
    pub other: Vec<(Dimension, String)>,
}

impl Conditions {
    /// `AND …` for a WHERE clause that already has a first condition.
    pub(crate) fn and(conditions: &[String]) -> String {
        conditions
            .iter()
            .map(|condition| format!(" AND {condition}"))
            .collect()
    }

    /// `AND …` for the product conditions, then the place conditions.
    pub(crate) fn product_and_place(&self) -> String {
        format!(
            "{}{}",
            Conditions::and(&self.product),
            Conditions::and(&self.place)
        )
    }
}

/// `AND expr IN ($1, …)` (or `NOT IN`) for every filter, over the column `expression` names
/// for its field (an error for a field it does not know).
pub(crate) fn filter_conditions(
    filters: &[Filter],
    expression: impl Fn(Dimension) -> Result<&'static str, ToolError>,
    binds: &mut Binds,
) -> Result<String, ToolError> {
    let mut conditions = String::new();
    for filter in filters {
        let expr = expression(filter.field)?;
        let values: Vec<String> = filter
            .values
            .iter()
            .map(|v| binds.push(v.as_str()))
            .collect();
        let operator = if filter.op == FilterOp::In {
            "IN"
        } else {
            "NOT IN"
        };
        conditions.push_str(&format!(" AND {expr} {operator} ({})", values.join(", ")));
    }
    Ok(conditions)
}

/// Turns the query's filters into SQL conditions; a filter on a dimension outside `allowed`
/// (product and place dimensions, plus the tool's `own`) is refused naming what fits.
pub(crate) fn conditions(
    tool: &'static str,
    filters: &[Filter],
    own: &[Dimension],
    binds: &mut Binds,
) -> Result<Conditions, ToolError> {
    let mut out = Conditions::default();
    for filter in filters {
        let placeholders: Vec<String> = filter
            .values
            .iter()
            .map(|value| binds.push(value.as_str()))
            .collect();
        let operator = match filter.op {
            FilterOp::In => "IN",
            FilterOp::NotIn => "NOT IN",
        };
        let test = format!("{operator} ({})", placeholders.join(", "));
        if own.contains(&filter.field) {
            out.other.push((filter.field, test));
        } else if PRODUCT_DIMENSIONS.contains(&filter.field) {
            let expr = expression(filter.field).unwrap_or("NULL");
            out.product.push(format!("{expr} {test}"));
        } else if PLACE_DIMENSIONS.contains(&filter.field) {
            let expr = expression(filter.field).unwrap_or("NULL");
            out.place.push(format!("{expr} {test}"));
        } else {
            return Err(unsupported(tool, "filter", filter.field, own));
        }
    }
    Ok(out)
}

/// The error for a dimension a tool cannot use.
pub(crate) fn unsupported(
    tool: &'static str,
    action: &'static str,
    dimension: Dimension,
    own: &[Dimension],
) -> ToolError {
    let allowed: Vec<&str> = PRODUCT_DIMENSIONS
        .iter()
        .chain(&PLACE_DIMENSIONS)
        .chain(own)
        .map(|dimension| dimension.name())
        .collect();
    ToolError::UnsupportedDimension {
        tool,
        action,
        dimension: dimension.name().into(),
        allowed: allowed.join(", "),
    }
}

/// Replaces every filter value by its canonical spelling (helpdesk values from the tickets).
pub(crate) fn resolve_filters(
    connection: &dyn Connection,
    query: &mut SemanticQuery,
) -> Result<(), ToolError> {
    for filter in &mut query.filters {
        let known = if filter.field.is_helpdesk() {
            helpdesk_values(connection, filter.field)?
        } else {
            known_values(connection, filter.field)?
        };
        for value in &mut filter.values {
            *value = canonical(filter.field, value, &known)?;
        }
        filter.values.dedup();
    }
    Ok(())
}

fn helpdesk_values(
    connection: &dyn Connection,
    dimension: Dimension,
) -> Result<Vec<String>, ToolError> {
    let sql = match dimension {
        Dimension::Team => "SELECT DISTINCT team FROM silver.helpdesk_ticket ORDER BY 1",
        Dimension::Stage => "SELECT DISTINCT stage FROM silver.helpdesk_ticket ORDER BY 1",
        _ => "SELECT DISTINCT CAST(priority AS VARCHAR) FROM silver.helpdesk_ticket ORDER BY 1",
    };
    Ok(connection
        .query(sql, &[])?
        .rows
        .into_iter()
        .filter_map(|row| row.into_iter().next())
        .filter_map(|value| value.as_str().map(str::to_string))
        .collect())
}
