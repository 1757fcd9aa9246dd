//! Question sets and how a case is judged (`eval/README.md`): the analyst's understanding,
//! as `meta.query`, against what the case expects.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::SemanticQuery;
use crate::query::OrderField;

/// One line of a question set.
#[derive(Debug, Clone, Deserialize)]
pub struct EvalCase {
    pub id: String,
    pub today: NaiveDate,
    pub question: String,
    pub expect: Expectation,
}

/// What must hold; a key left out is not judged.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Expectation {
    pub tool: Option<String>,
    pub measures: Option<Vec<String>>,
    pub dimensions: Option<Vec<String>>,
    pub filters: Option<Vec<ExpectedFilter>>,
    pub period: Option<ExpectedPeriod>,
    pub limit: Option<u32>,
    pub order_desc: Option<bool>,
    pub compare: Option<String>,
    pub params: Option<Map<String, Value>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ExpectedFilter {
    pub field: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ExpectedPeriod {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// Reads a JSON-lines question set; blank lines are skipped.
pub fn parse_cases(jsonl: &str) -> Result<Vec<EvalCase>, String> {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(number, line)| {
            serde_json::from_str(line).map_err(|error| format!("line {}: {error}", number + 1))
        })
        .collect()
}

/// Judges an understanding; `Err` lists every key that does not hold.
pub fn judge(expect: &Expectation, query: Option<&SemanticQuery>) -> Result<(), Vec<String>> {
    let Some(query) = query else {
        return Err(vec!["the question was not understood".into()]);
    };
    let mut failures = Vec::new();
    let mut check = |key: &str, holds: bool, got: String| {
        if !holds {
            failures.push(format!("{key}: got {got}"));
        }
    };
    if let Some(tool) = &expect.tool {
        check("tool", query.tool.name() == tool, query.tool.name().into());
    }
    if let Some(measures) = &expect.measures {
        let got: BTreeSet<String> = query
            .measures
            .iter()
            .map(|m| m.name().to_string())
            .collect();
        check("measures", got == set(measures), format!("{got:?}"));
    }
    if let Some(dimensions) = &expect.dimensions {
        let got: BTreeSet<String> = query
            .dimensions
            .iter()
            .map(|d| d.name().to_string())
            .collect();
        check("dimensions", got == set(dimensions), format!("{got:?}"));
    }
    if let Some(filters) = &expect.filters {
        let wanted: BTreeSet<(String, BTreeSet<String>)> = filters
            .iter()
            .map(|filter| (filter.field.clone(), set(&filter.values)))
            .collect();
        let got: BTreeSet<(String, BTreeSet<String>)> = query
            .filters
            .iter()
            .map(|filter| (filter.field.name().to_string(), set(&filter.values)))
            .collect();
        check("filters", got == wanted, format!("{got:?}"));
    }
    if let Some(period) = &expect.period {
        let got = query.period.as_ref().map(|p| (p.start, p.end));
        check(
            "period",
            got == Some((period.start, period.end)),
            format!("{got:?}"),
        );
    }
    if let Some(limit) = expect.limit {
        check(
            "limit",
            query.limit == Some(limit),
            format!("{:?}", query.limit),
        );
    }
    if let Some(desc) = expect.order_desc {
        let got = query
            .order
            .first()
            .filter(|order| matches!(order.field, OrderField::Measure(_)))
            .map(|order| order.desc);
        check("order_desc", got == Some(desc), format!("{got:?}"));
    }
    if let Some(compare) = &expect.compare {
        let got = query.compare.map(|c| {
            serde_json::to_value(c.kind)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default()
        });
        check(
            "compare",
            got.as_deref() == Some(compare),
            format!("{got:?}"),
        );
    }
    if let Some(params) = &expect.params {
        for (key, value) in params {
            let got = query.params.get(key);
            check(
                &format!("params.{key}"),
                got == Some(value),
                format!("{got:?}"),
            );
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures)
    }
}

fn set(values: &[String]) -> BTreeSet<String> {
    values.iter().cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Dimension, Filter, Measure, Period};

    #[test]
    fn judges_by_the_readme_rules() {
        let cases = parse_cases(r#"{"id": "x", "today": "2026-11-15", "question": "q", "expect": {"tool": "sales_by_dimension", "measures": ["revenue"], "dimensions": [], "filters": [{"field": "store", "values": ["Bangkok Siam"]}], "period": {"start": "2026-11-14", "end": "2026-11-14"}}}"#).unwrap();
        let mut query = SemanticQuery::sales(vec![Measure::Revenue]);
        query.filters = vec![Filter::one_of(
            Dimension::Store,
            vec!["Bangkok Siam".into()],
        )];
        query.period = Some(Period::parse("2026-11-14", "2026-11-14").unwrap());
        assert_eq!(judge(&cases[0].expect, Some(&query)), Ok(()));
        query.dimensions = vec![Dimension::Brand];
        query.period = Some(Period::parse("2026-11-01", "2026-11-14").unwrap());
        let failures = judge(&cases[0].expect, Some(&query)).unwrap_err();
        assert_eq!(failures.len(), 2, "{failures:?}");
        assert!(judge(&cases[0].expect, None).is_err());
    }
}
