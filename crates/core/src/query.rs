//! The semantic query: the intermediate form every answer goes through (ARCHITECTURE.md, IR).

use serde::{Deserialize, Serialize};

use crate::{Compare, CoreError, Dimension, Grain, Measure, Period};

/// The tool that answers a query (ARCHITECTURE.md names them without seed 000's `get_`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tool {
    /// Measures grouped by dimensions over sales lines.
    SalesByDimension,
    /// Units sold per day and week over a window, with the trend against the window before.
    BuyingVelocity,
    /// Days of cover and expected stock-out dates.
    StockCoverage,
    /// Products with stock and no sale for a long time, and slow movers.
    DeadStock,
    /// What to order from whom, so products reach their target cover.
    ReorderSuggestion,
    /// Units, revenue and sell-through of a season against the previous like season.
    SeasonPerformance,
    /// Products (or brands) classed A/B/C by cumulative revenue share.
    AbcAnalysis,
    /// Helpdesk tickets: open, created, closed, resolution time, SLA breaches.
    HelpdeskSummary,
    /// Margin and margin % with discount impact, and products sold below cost.
    MarginAnalysis,
    /// Quantity and value at cost on hand as of a date.
    InventoryValuation,
    /// Products whose last sale is long ago.
    StockAging,
    /// Gross sales, refunds, net and refund rate.
    RefundReturnImpact,
    /// Open customer invoices by days overdue.
    ArAging,
    /// Open vendor bills by days overdue.
    ApAging,
}

impl Tool {
    pub const ALL: &'static [Tool] = &[
        Tool::SalesByDimension,
        Tool::BuyingVelocity,
        Tool::StockCoverage,
        Tool::DeadStock,
        Tool::ReorderSuggestion,
        Tool::SeasonPerformance,
        Tool::AbcAnalysis,
        Tool::HelpdeskSummary,
        Tool::MarginAnalysis,
        Tool::InventoryValuation,
        Tool::StockAging,
        Tool::RefundReturnImpact,
        Tool::ArAging,
        Tool::ApAging,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Tool::SalesByDimension => "sales_by_dimension",
            Tool::BuyingVelocity => "buying_velocity",
            Tool::StockCoverage => "stock_coverage",
            Tool::DeadStock => "dead_stock",
            Tool::ReorderSuggestion => "reorder_suggestion",
            Tool::SeasonPerformance => "season_performance",
            Tool::AbcAnalysis => "abc_analysis",
            Tool::HelpdeskSummary => "helpdesk_summary",
            Tool::MarginAnalysis => "margin_analysis",
            Tool::InventoryValuation => "inventory_valuation",
            Tool::StockAging => "stock_aging",
            Tool::RefundReturnImpact => "refund_return_impact",
            Tool::ArAging => "ar_aging",
            Tool::ApAging => "ap_aging",
        }
    }
}

impl std::fmt::Display for Tool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    In,
    NotIn,
}

/// Restricts rows to (or away from) dimension values, named canonically.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub field: Dimension,
    #[serde(default = "default_op")]
    pub op: FilterOp,
    pub values: Vec<String>,
}

fn default_op() -> FilterOp {
    FilterOp::In
}

impl Filter {
    pub fn one_of(field: Dimension, values: Vec<String>) -> Self {
        Filter {
            field,
            op: FilterOp::In,
            values,
        }
    }
}

/// What a row is sorted by: a measure or a dimension of the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OrderField {
    Measure(Measure),
    Dimension(Dimension),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderBy {
    pub field: OrderField,
    #[serde(default)]
    pub desc: bool,
}

/// The largest `limit` a query may ask for; inline answers show at most 500 rows anyway.
pub const MAX_LIMIT: u32 = 100_000;

/// One semantic query, as in ARCHITECTURE.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SemanticQuery {
    pub tool: Tool,
    #[serde(default)]
    pub measures: Vec<Measure>,
    #[serde(default)]
    pub dimensions: Vec<Dimension>,
    #[serde(default)]
    pub filters: Vec<Filter>,
    #[serde(default)]
    pub period: Option<Period>,
    #[serde(default)]
    pub compare: Option<Compare>,
    #[serde(default)]
    pub grain: Option<Grain>,
    #[serde(default)]
    pub order: Vec<OrderBy>,
    #[serde(default)]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub params: serde_json::Map<String, serde_json::Value>,
}

impl SemanticQuery {
    /// A `sales_by_dimension` query with the given measures and nothing else set.
    pub fn sales(measures: Vec<Measure>) -> Self {
        SemanticQuery {
            tool: Tool::SalesByDimension,
            measures,
            dimensions: Vec::new(),
            filters: Vec::new(),
            period: None,
            compare: None,
            grain: None,
            order: Vec::new(),
            limit: None,
            params: serde_json::Map::new(),
        }
    }

    /// Checks what can be checked without the data: the query's parts fit together.
    pub fn validate(&self) -> Result<(), CoreError> {
        let invalid = |message: String| Err(CoreError::InvalidQuery(message));
        if self.tool == Tool::SalesByDimension && self.measures.is_empty() {
            return invalid("name at least one measure, e.g. revenue".into());
        }
        if let Some(repeated) = first_repeated(&self.measures) {
            return invalid(format!("measure '{repeated}' is named twice"));
        }
        if let Some(repeated) = first_repeated(&self.dimensions) {
            return invalid(format!("dimension '{repeated}' is named twice"));
        }
        for filter in &self.filters {
            if filter.field.is_time() {
                return invalid(format!(
                    "'{}' cannot be filtered by value; use the period instead",
                    filter.field
                ));
            }
            if filter.values.is_empty() {
                return invalid(format!("the filter on '{}' names no value", filter.field));
            }
        }
        for order in &self.order {
            let known = match order.field {
                OrderField::Measure(measure) => self.measures.contains(&measure),
                OrderField::Dimension(dimension) => self.dimensions.contains(&dimension),
            };
            if !known {
                return invalid(
                    "a query can only be ordered by one of its measures or dimensions".into(),
                );
            }
        }
        match self.limit {
            Some(0) => invalid("limit must be at least 1".into()),
            Some(limit) if limit > MAX_LIMIT => {
                invalid(format!("limit must be at most {MAX_LIMIT}"))
            }
            _ => Ok(()),
        }
    }
}

fn first_repeated<T: PartialEq + Copy>(items: &[T]) -> Option<T> {
    items
        .iter()
        .enumerate()
        .find(|(index, item)| items[..*index].contains(item))
        .map(|(_, item)| *item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_architecture_example() {
        let json = r#"{"tool": "sales_by_dimension",
            "measures": ["revenue"], "dimensions": ["brand"],
            "filters": [{"field": "store", "op": "in", "values": ["Bangkok Siam"]}],
            "period": {"start": "2026-10-01", "end": "2026-10-31", "label": "last month"},
            "compare": null, "grain": null,
            "order": [{"field": "revenue", "desc": true}], "limit": 10}"#;
        let query: SemanticQuery = serde_json::from_str(json).unwrap();
        assert_eq!(query.dimensions, vec![Dimension::Brand]);
        assert_eq!(query.order[0].field, OrderField::Measure(Measure::Revenue));
        query.validate().unwrap();
        let back = serde_json::to_value(&query).unwrap();
        assert_eq!(back["order"][0]["field"], "revenue");
        assert_eq!(back["period"]["end"], "2026-10-31");
    }

    #[test]
    fn rejects_queries_whose_parts_do_not_fit() {
        let mut query = SemanticQuery::sales(vec![]);
        assert!(query.validate().is_err());
        query.measures = vec![Measure::Revenue];
        query.filters = vec![Filter::one_of(Dimension::Month, vec!["2026-01".into()])];
        assert!(query.validate().is_err());
        query.filters.clear();
        query.order = vec![OrderBy {
            field: OrderField::Measure(Measure::Units),
            desc: true,
        }];
        assert!(query.validate().is_err());
        query.order.clear();
        query.limit = Some(0);
        assert!(query.validate().is_err());
    }
}
