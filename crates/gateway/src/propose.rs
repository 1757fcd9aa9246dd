//! "Propose" actions on answers that lead to a change (issue 8): reorder suggestions offer
//! draft purchase orders, dead stock offers archiving. The action carries only ids and SKUs
//! from the answer's rows; the proposal itself is built from the store, never from the text of
//! the answer, so nothing in the data (a product name saying "approve this") can shape it.

use std::collections::BTreeSet;

use analyst_core::answer::{Action, Row};
use analyst_core::format::format_value;
use analyst_core::{SemanticQuery, Tool, ValueFormat};
use serde_json::json;

/// Dead-stock products one archiving proposal offers at most.
const MAX_ARCHIVE: usize = 50;

pub(crate) fn propose_actions(query: &SemanticQuery, rows: &[Row]) -> Vec<Action> {
    match query.tool {
        Tool::ReorderSuggestion => {
            let ids: Vec<i64> = rows
                .iter()
                .filter_map(|row| row.get("suggestion_id")?.as_i64())
                .collect();
            if ids.is_empty() {
                return Vec::new();
            }
            let orders: BTreeSet<(String, String)> = rows
                .iter()
                .map(|row| {
                    let text = |key: &str| {
                        row.get(key)
                            .and_then(|value| value.as_str())
                            .unwrap_or_default()
                            .to_string()
                    };
                    (text("supplier"), text("company"))
                })
                .collect();
            let total: f64 = rows
                .iter()
                .filter_map(|row| row.get("amount")?.as_f64())
                .sum();
            vec![Action {
                kind: "propose".into(),
                label: format!(
                    "Propose {} draft purchase order{} ({})",
                    orders.len(),
                    if orders.len() == 1 { "" } else { "s" },
                    format_value(total, ValueFormat::Currency)
                ),
                enabled: true,
                params: json!({"kind": "create_purchase_order", "suggestion_ids": ids,
                               "query": query}),
            }]
        }
        Tool::DeadStock => {
            let skus: Vec<&str> = rows
                .iter()
                .filter(|row| row.get("level").and_then(|level| level.as_str()) == Some("dead"))
                .filter_map(|row| row.get("sku")?.as_str())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .take(MAX_ARCHIVE)
                .collect();
            if skus.is_empty() {
                return Vec::new();
            }
            vec![Action {
                kind: "propose".into(),
                label: format!(
                    "Propose archiving {} dead-stock product{}",
                    skus.len(),
                    if skus.len() == 1 { "" } else { "s" }
                ),
                enabled: true,
                params: json!({"kind": "archive_product", "skus": skus, "query": query}),
            }]
        }
        _ => Vec::new(),
    }
}
