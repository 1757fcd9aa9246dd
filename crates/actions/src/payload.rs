//! What a proposal will write, typed per kind. The payload is stored as canonical JSON (keys
//! sorted) and its SHA-256 is what approvals sign.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::proposal::ProposalKind;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Payload {
    CreatePurchaseOrder(PurchaseOrderPayload),
    UpdateReorderRule(ReorderRulePayload),
    ArchiveProduct(ArchivePayload),
    CreateActivity(ActivityPayload),
}

impl Payload {
    pub fn kind(&self) -> ProposalKind {
        match self {
            Payload::CreatePurchaseOrder(_) => ProposalKind::CreatePurchaseOrder,
            Payload::UpdateReorderRule(_) => ProposalKind::UpdateReorderRule,
            Payload::ArchiveProduct(_) => ProposalKind::ArchiveProduct,
            Payload::CreateActivity(_) => ProposalKind::CreateActivity,
        }
    }

    /// The text that is stored and hashed: JSON with every object's keys in order.
    pub fn canonical(&self) -> String {
        // serde_json's maps are sorted (no `preserve_order`): going through a Value orders
        // the keys whatever the order of the struct's fields.
        serde_json::to_value(self)
            .map(|value| value.to_string())
            .unwrap_or_default()
    }

    /// The SHA-256 of [`Payload::canonical`], as lowercase hex.
    pub fn hash(&self) -> String {
        analyst_accounts::digest(&self.canonical())
    }
}

/// A draft purchase order to one supplier for one company (one per supplier, from reorder
/// suggestions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PurchaseOrderPayload {
    pub company_id: i64,
    pub company: String,
    pub supplier_id: i64,
    pub supplier: String,
    /// Where the goods are delivered: the company's warehouse.
    pub store_id: i64,
    pub store: String,
    pub order_date: NaiveDate,
    pub expected_date: NaiveDate,
    pub lines: Vec<OrderLine>,
    pub total: f64,
    /// The reorder suggestions it came from.
    pub suggestion_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLine {
    pub product_id: i64,
    pub sku: String,
    pub product: String,
    pub qty: i64,
    pub unit_price: f64,
    pub amount: f64,
    pub lead_time_days: i64,
    /// The company's available + incoming units when proposed (checked again at execution).
    pub stock_position: i64,
}

/// New min/max levels for a product in a store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReorderRulePayload {
    pub product_id: i64,
    pub sku: String,
    pub product: String,
    pub store_id: i64,
    pub store: String,
    pub company_id: i64,
    /// The rule when proposed (`None`: there was none); execution refuses if it changed since.
    pub before: Option<RuleLevels>,
    pub after: RuleLevels,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleLevels {
    pub min_qty: i64,
    pub max_qty: i64,
}

/// Products to archive (dead stock): they stay in history and reports, and are no longer
/// sold, bought or suggested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArchivePayload {
    pub products: Vec<ArchivedProduct>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArchivedProduct {
    pub product_id: i64,
    pub sku: String,
    pub product: String,
    /// Units on hand in every store when proposed (checked again at execution).
    pub on_hand: i64,
    pub value_at_cost: f64,
}

/// A follow-up task for a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityPayload {
    pub assignee_id: i64,
    pub assignee: String,
    pub summary: String,
    pub note: String,
    pub due_date: NaiveDate,
    pub customer_id: Option<i64>,
    pub customer: Option<String>,
    pub company_id: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_covers_every_field_and_not_their_order() {
        let rule = |min_qty| {
            Payload::UpdateReorderRule(ReorderRulePayload {
                product_id: 7,
                sku: "STR-1".into(),
                product: "Stride Racer".into(),
                store_id: 2,
                store: "Bangkok Siam".into(),
                company_id: 1,
                before: None,
                after: RuleLevels {
                    min_qty,
                    max_qty: 40,
                },
            })
        };
        let text = rule(10).canonical();
        assert!(text.starts_with("{\"after\":{\"max_qty\":40,\"min_qty\":10},\"before\":null,"));
        assert_eq!(rule(10).hash(), rule(10).hash());
        assert_ne!(rule(10).hash(), rule(11).hash());
        let back: Payload = serde_json::from_str(&text).expect("the stored payload reads back");
        assert_eq!(back, rule(10));
        assert_eq!(back.hash(), analyst_accounts::digest(&text));
    }
}
