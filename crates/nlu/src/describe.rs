//! A semantic query in words ("revenue by store, channel online, last month"), to show a user
//! how a question — a follow-up especially — was read.

use analyst_core::query::OrderField;
use analyst_core::{CompareKind, FilterOp, SemanticQuery, Tool};

/// The query in plain words.
pub fn describe(query: &SemanticQuery) -> String {
    let mut text = if query.tool == Tool::SalesByDimension {
        let measures: Vec<String> = query
            .measures
            .iter()
            .map(|m| m.label().to_lowercase())
            .collect();
        measures.join(" and ")
    } else {
        query.tool.name().replace('_', " ")
    };
    if let Some(limit) = query.limit {
        let desc = query.order.first().is_none_or(|order| order.desc);
        let which = if desc { "top" } else { "bottom" };
        text = format!("{which} {limit}: {text}");
    } else if let Some(order) = query.order.first()
        && let OrderField::Measure(measure) = order.field
    {
        let which = if order.desc { "highest" } else { "lowest" };
        text.push_str(&format!(
            ", {which} {} first",
            measure.label().to_lowercase()
        ));
    }
    if !query.dimensions.is_empty() {
        let names: Vec<&str> = query.dimensions.iter().map(|d| d.name()).collect();
        text.push_str(&format!(" by {}", names.join(" and ")));
    }
    for filter in &query.filters {
        let values = filter.values.join(" or ");
        match filter.op {
            FilterOp::In => text.push_str(&format!(", {} {values}", filter.field)),
            FilterOp::NotIn => text.push_str(&format!(", excluding {} {values}", filter.field)),
        }
    }
    for (key, value) in &query.params {
        let value = value
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| value.to_string());
        text.push_str(&format!(", {} {value}", key.replace('_', " ")));
    }
    if let Some(period) = &query.period {
        let dates = if period.start == period.end {
            period.start.to_string()
        } else {
            format!("{} to {}", period.start, period.end)
        };
        match &period.label {
            Some(label) => text.push_str(&format!(", {label} ({dates})")),
            None => text.push_str(&format!(", {dates}")),
        }
    }
    match query.compare.map(|compare| compare.kind) {
        Some(CompareKind::PreviousYear) => text.push_str(", against the year before"),
        Some(CompareKind::PreviousPeriod) => text.push_str(", against the period before"),
        None => {}
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use analyst_core::{Dimension, Filter, Measure, OrderBy, Period};

    #[test]
    fn queries_in_words() {
        let mut query = SemanticQuery::sales(vec![Measure::Revenue]);
        query.dimensions = vec![Dimension::Store];
        query.filters = vec![Filter::one_of(Dimension::Channel, vec!["online".into()])];
        query.period = Period::parse("2026-10-01", "2026-10-31")
            .ok()
            .map(|p| p.labelled("last month"));
        query.order = vec![OrderBy {
            field: OrderField::Measure(Measure::Revenue),
            desc: true,
        }];
        query.limit = Some(5);
        assert_eq!(
            describe(&query),
            "top 5: revenue by store, channel online, last month (2026-10-01 to 2026-10-31)"
        );
        let mut tool = SemanticQuery::sales(vec![]);
        tool.tool = Tool::StockCoverage;
        tool.params.insert("horizon_days".into(), 14.into());
        assert_eq!(describe(&tool), "stock coverage, horizon days 14");
    }
}
