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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn rows(values: Value) -> Vec<Row> {
        values
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row.as_object().unwrap().clone())
            .collect()
    }

    fn query(tool: &str) -> SemanticQuery {
        serde_json::from_value(json!({"tool": tool})).unwrap()
    }

    #[test]
    fn reorder_answers_offer_one_order_per_supplier_and_company() {
        let lines = rows(json!([
            {"supplier": "Acme", "company": "Siam", "amount": 100.0, "suggestion_id": 7},
            {"supplier": "Acme", "company": "Siam", "amount": 50.5, "suggestion_id": 8},
            {"supplier": "Acme", "company": "Lanna", "amount": 10.0, "suggestion_id": 9},
        ]));
        let actions = propose_actions(&query("reorder_suggestion"), &lines);
        assert_eq!(actions.len(), 1);
        assert_eq!(actions[0].kind, "propose");
        assert_eq!(
            actions[0].label,
            "Propose 2 draft purchase orders (฿160.50)"
        );
        assert_eq!(actions[0].params["suggestion_ids"], json!([7, 8, 9]));
        // Suggestions that were not stored cannot be proposed.
        let unstored = rows(json!([{"supplier": "Acme", "company": "Siam", "amount": 1.0}]));
        assert!(propose_actions(&query("reorder_suggestion"), &unstored).is_empty());
    }

    #[test]
    fn dead_stock_answers_offer_archiving_only_the_dead_products() {
        let lines = rows(json!([
            {"sku": "B-1", "level": "dead"},
            {"sku": "A-1", "level": "dead"},
            {"sku": "A-1", "level": "dead"},
            {"sku": "C-1", "level": "slow"},
        ]));
        let actions = propose_actions(&query("dead_stock"), &lines);
        assert_eq!(actions[0].label, "Propose archiving 2 dead-stock products");
        assert_eq!(actions[0].params["kind"], "archive_product");
        assert_eq!(actions[0].params["skus"], json!(["A-1", "B-1"]));
        assert!(propose_actions(&query("sales_by_dimension"), &lines).is_empty());
    }
}
