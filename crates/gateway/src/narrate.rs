//! The plain-language sentence of an answer, with the key figures in it.

use analyst_core::format::{format_change_pct, format_value};
use analyst_core::query::OrderField;
use analyst_core::{CompareKind, Dimension, SemanticQuery};
use analyst_semantic::{QueryResult, ResultRow};

use crate::answer::{dimension_label, totals};

/// One or two sentences that state the figures the table holds.
pub(crate) fn sentence(query: &SemanticQuery, result: &QueryResult) -> String {
    let scope = scope(query);
    let Some(first_measure) = result.measures.first().copied() else {
        return "The query named no measure.".into();
    };
    let empty = match totals(result) {
        None => true,
        Some(row) => {
            result.dimensions.is_empty()
                && row.measures.iter().all(|value| value.unwrap_or(0.0) == 0.0)
        }
    };
    if empty {
        return format!("No sales matched{scope}.");
    }
    let total_row = totals(result);
    let comparison = total_row.and_then(|row| comparison_clause(query, result, row));

    if result.dimensions.is_empty() {
        let row = &result.rows[0];
        let figures: Vec<String> = result
            .measures
            .iter()
            .zip(&row.measures)
            .map(|(measure, value)| {
                format!(
                    "{} {}",
                    measure.label(),
                    format_value(value.unwrap_or(0.0), measure.format())
                )
            })
            .collect();
        return format!(
            "{}{scope}{}.",
            join_and(&figures),
            comparison.unwrap_or_default()
        );
    }

    let label = |row: &ResultRow| {
        result
            .dimensions
            .iter()
            .zip(&row.dimensions)
            .map(|(dimension, value)| dimension_label(*dimension, value))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let value_of =
        |row: &ResultRow| format_value(row.measures[0].unwrap_or(0.0), first_measure.format());
    let total_text = total_row
        .and_then(|row| row.measures.first().copied().flatten())
        .map(|total| format_value(total, first_measure.format()));
    let grouping = result
        .dimensions
        .iter()
        .map(|dimension| dimension.label().to_lowercase())
        .collect::<Vec<_>>()
        .join(" and ");

    if result.dimensions[0].is_time() {
        let best = result.rows.iter().max_by(|a, b| {
            a.measures[0]
                .unwrap_or(0.0)
                .total_cmp(&b.measures[0].unwrap_or(0.0))
        });
        let worst = result.rows.iter().min_by(|a, b| {
            a.measures[0]
                .unwrap_or(0.0)
                .total_cmp(&b.measures[0].unwrap_or(0.0))
        });
        let mut text = format!("{} by {grouping}{scope}", first_measure.label());
        if let Some(total) = &total_text {
            text.push_str(&format!(": total {total}"));
        }
        if let (Some(best), Some(worst)) = (best, worst)
            && result.rows.len() > 1
        {
            text.push_str(&format!(
                ", highest in {} ({}), lowest in {} ({})",
                label(best),
                value_of(best),
                label(worst),
                value_of(worst)
            ));
        }
        return format!("{text}{}.", comparison.unwrap_or_default());
    }

    let ascending = matches!(query.order.first(), Some(order) if !order.desc && matches!(order.field, OrderField::Measure(_)));
    let lead = if ascending { "is lowest" } else { "leads" };
    let first = &result.rows[0];
    let share = total_row
        .and_then(|row| row.measures[0])
        .zip(first.measures[0])
        .filter(|(total, _)| *total > 0.0)
        .map(|(total, value)| {
            format!(
                ", {:.1}% of the total {}",
                value / total * 100.0,
                total_text.clone().unwrap_or_default()
            )
        })
        .unwrap_or_default();
    let heading = match query.limit {
        Some(limit) if ascending => {
            format!("Bottom {limit} by {}", first_measure.label().to_lowercase())
        }
        Some(limit) => format!("Top {limit} by {}", first_measure.label().to_lowercase()),
        None => format!("{} by {grouping}", first_measure.label()),
    };
    let mut text = format!(
        "{heading}{scope}: {} {lead} with {}{share}",
        label(first),
        value_of(first)
    );
    let others: Vec<String> = result
        .rows
        .iter()
        .skip(1)
        .take(2)
        .map(|row| format!("{} ({})", label(row), value_of(row)))
        .collect();
    if !others.is_empty() {
        text.push_str(&format!("; then {}", join_and(&others)));
    }
    if result.total_count > 3 {
        text.push_str(&format!(
            " — {} {grouping} values in all",
            result.total_count
        ));
    }
    format!("{text}{}.", comparison.unwrap_or_default())
}

/// ", up 12.5% on the same period last year (฿1,000)".
fn comparison_clause(
    query: &SemanticQuery,
    result: &QueryResult,
    totals: &ResultRow,
) -> Option<String> {
    let compare = query.compare?;
    let period = query.period.as_ref()?;
    let measure = *result.measures.first()?;
    let current = totals.measures.first().copied().flatten()?;
    let previous = totals.previous.first().copied().flatten()?;
    let previous_period = period.compared(compare.kind);
    let against = match compare.kind {
        CompareKind::PreviousYear => "the same period last year",
        CompareKind::PreviousPeriod => "the previous period",
    };
    let change = match format_change_pct(current, previous) {
        Some(change) if change.starts_with('-') => format!("down {}", &change[1..]),
        Some(change) => format!("up {}", change.trim_start_matches('+')),
        None => "with nothing to compare".into(),
    };
    Some(format!(
        ", {change} on {against} ({}, {})",
        format_value(previous, measure.format()),
        previous_period
    ))
}

/// " for Stride at Bangkok Siam in last month (2026-10-01 to 2026-10-31)".
fn scope(query: &SemanticQuery) -> String {
    let mut text = String::new();
    for filter in &query.filters {
        let values = filter.values.join(" or ");
        let negated = matches!(filter.op, analyst_core::FilterOp::NotIn);
        let values = if negated {
            format!("other than {values}")
        } else {
            values
        };
        let phrase = match filter.field {
            Dimension::Store => format!(" at {values}"),
            Dimension::Channel => format!(" in the {values} channel"),
            Dimension::Customer => format!(" for customer {values}"),
            Dimension::Supplier => format!(" from {values}"),
            other => format!(" for {} {values}", other.label().to_lowercase()),
        };
        text.push_str(&phrase);
    }
    if let Some(period) = &query.period {
        match &period.label {
            Some(label) => text.push_str(&format!(" in {label} ({period})")),
            None => text.push_str(&format!(" in {period}")),
        }
    }
    text
}

fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
