//! The values a dimension takes in the data, and matching what a user typed to them.

use analyst_core::{Dimension, SemanticQuery};
use analyst_store::{Connection, Value};

use crate::SemanticError;
use crate::catalog::values_sql;

/// Every value of a categorical dimension present in the store (empty for time dimensions).
pub fn known_values(
    connection: &dyn Connection,
    dimension: Dimension,
) -> Result<Vec<String>, SemanticError> {
    let Some(sql) = values_sql(dimension) else {
        return Ok(Vec::new());
    };
    Ok(connection
        .query(sql, &[])?
        .rows
        .into_iter()
        .filter_map(|row| row.into_iter().next())
        .filter_map(|value| match value {
            Value::Text(text) => Some(text),
            _ => None,
        })
        .collect())
}

/// Replaces every filter value by its canonical spelling, or fails naming the closest ones.
pub fn resolve_filters(
    connection: &dyn Connection,
    query: &mut SemanticQuery,
) -> Result<(), SemanticError> {
    for filter in &mut query.filters {
        if filter.field.is_helpdesk() {
            // Not sales vocabulary: the helpdesk tool resolves these; `compile` refuses them.
            continue;
        }
        let known = known_values(connection, filter.field)?;
        for value in &mut filter.values {
            *value = canonical(filter.field, value, &known)?;
        }
        filter.values.dedup();
    }
    Ok(())
}

/// The known value equal to `given` ignoring case and spacing.
pub fn canonical(
    dimension: Dimension,
    given: &str,
    known: &[String],
) -> Result<String, SemanticError> {
    let wanted = normalize(given);
    if let Some(found) = known.iter().find(|value| normalize(value) == wanted) {
        return Ok(found.clone());
    }
    let close = closest(given, known, 3);
    let (suggestions, close) = if close.is_empty() {
        (known.iter().take(8).cloned().collect(), false)
    } else {
        (close, true)
    };
    Err(SemanticError::UnknownValue {
        dimension,
        given: given.to_string(),
        suggestions,
        close,
    })
}

/// Up to `count` known values that look like `given`, best first.
pub fn closest(given: &str, known: &[String], count: usize) -> Vec<String> {
    let wanted = normalize(given);
    let mut scored: Vec<(f64, &String)> = known
        .iter()
        .map(|value| {
            let candidate = normalize(value);
            let score = strsim::jaro_winkler(&wanted, &candidate).max(
                if candidate.contains(&wanted) && wanted.len() >= 3 {
                    0.9
                } else {
                    0.0
                },
            );
            (score, value)
        })
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    // A clearly best match stands alone; near ties are all offered.
    let best = scored.first().map_or(0.0, |(score, _)| *score);
    scored
        .into_iter()
        .take_while(|(score, _)| best - score <= 0.05)
        .take(count)
        .map(|(_, value)| value.clone())
        .collect()
}

fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brands() -> Vec<String> {
        ["Stride", "Peak Motion", "Aero", "Kinetic"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn matches_ignoring_case_and_spacing() {
        assert_eq!(
            canonical(Dimension::Brand, "  peak   MOTION ", &brands()).unwrap(),
            "Peak Motion"
        );
    }

    #[test]
    fn unknown_values_name_the_closest() {
        let error = canonical(Dimension::Brand, "Stryde", &brands())
            .unwrap_err()
            .to_string();
        assert_eq!(error, "unknown brand 'Stryde' — did you mean Stride?");
        let error = canonical(Dimension::Brand, "Zzzz", &brands())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("known values include: Stride, Peak Motion"),
            "{error}"
        );
    }
}
