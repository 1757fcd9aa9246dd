//! The kinds of proposal, each with its three steps: build (a request into a payload and a
//! preview, from the store's data), check (is the payload still right to write?) and write
//! (inside the execution's transaction).

mod activity;
mod archive_product;
mod purchase_order;
mod reorder_rule;

use analyst_accounts::Rights;
use analyst_core::ValueFormat;
use analyst_core::format::format_value;
use analyst_store::{Connection, Value};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value as Json;

use crate::payload::Payload;
use crate::proposal::{Draft, ProposalKind};
use crate::{ActionError, ActionSettings, Result};

/// What a user asks to propose. Only ids, codes and numbers: names, prices and quantities
/// come from the store, so text inside the data cannot shape a proposal.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProposalRequest {
    /// Draft purchase orders from reorder suggestions: one per supplier and company.
    CreatePurchaseOrder { suggestion_ids: Vec<i64> },
    /// New min/max levels for a product (SKU) in a store (code or name).
    UpdateReorderRule {
        sku: String,
        store: String,
        min_qty: i64,
        max_qty: i64,
    },
    /// Archive products (SKUs), typically dead stock.
    ArchiveProduct { skus: Vec<String> },
    /// A follow-up task for a user, optionally about a customer (by name).
    CreateActivity {
        assignee: String,
        summary: String,
        #[serde(default)]
        note: String,
        due_date: NaiveDate,
        #[serde(default)]
        customer: Option<String>,
    },
}

impl ProposalRequest {
    pub fn kind(&self) -> ProposalKind {
        match self {
            ProposalRequest::CreatePurchaseOrder { .. } => ProposalKind::CreatePurchaseOrder,
            ProposalRequest::UpdateReorderRule { .. } => ProposalKind::UpdateReorderRule,
            ProposalRequest::ArchiveProduct { .. } => ProposalKind::ArchiveProduct,
            ProposalRequest::CreateActivity { .. } => ProposalKind::CreateActivity,
        }
    }
}

pub(crate) fn build(
    connection: &dyn Connection,
    settings: &ActionSettings,
    rights: &Rights,
    request: &ProposalRequest,
) -> Result<Vec<Draft>> {
    match request {
        ProposalRequest::CreatePurchaseOrder { suggestion_ids } => {
            purchase_order::build(connection, settings, rights, suggestion_ids)
        }
        ProposalRequest::UpdateReorderRule {
            sku,
            store,
            min_qty,
            max_qty,
        } => reorder_rule::build(connection, rights, sku, store, *min_qty, *max_qty)
            .map(|draft| vec![draft]),
        ProposalRequest::ArchiveProduct { skus } => {
            archive_product::build(connection, rights, skus).map(|draft| vec![draft])
        }
        ProposalRequest::CreateActivity {
            assignee,
            summary,
            note,
            due_date,
            customer,
        } => activity::build(
            connection,
            settings,
            rights,
            activity::Request {
                assignee,
                summary,
                note,
                due_date: *due_date,
                customer: customer.as_deref(),
            },
        )
        .map(|draft| vec![draft]),
    }
}

/// Checks that the payload is still right to write; the reason when it is not.
pub(crate) fn check(connection: &dyn Connection, payload: &Payload) -> Result<()> {
    match payload {
        Payload::CreatePurchaseOrder(order) => purchase_order::check(connection, order),
        Payload::UpdateReorderRule(rule) => reorder_rule::check(connection, rule),
        Payload::ArchiveProduct(archive) => archive_product::check(connection, archive),
        Payload::CreateActivity(activity) => activity::check(connection, activity),
    }
}

/// Writes the payload (inside the caller's transaction); returns what was written.
/// `reference` is the proposal's, kept on what is written so it is never written twice.
pub(crate) fn write(
    connection: &dyn Connection,
    payload: &Payload,
    reference: &str,
) -> Result<Json> {
    match payload {
        Payload::CreatePurchaseOrder(order) => purchase_order::write(connection, order, reference),
        Payload::UpdateReorderRule(rule) => reorder_rule::write(connection, rule),
        Payload::ArchiveProduct(archive) => archive_product::write(connection, archive),
        Payload::CreateActivity(activity) => activity::write(connection, activity, reference),
    }
}

/// Baht as the analyst writes them.
fn money(value: f64) -> String {
    format_value(value, ValueFormat::Currency)
}

fn units(value: i64) -> String {
    format_value(value as f64, ValueFormat::Integer)
}

/// A product by SKU (any case): id, SKU, display name, active.
fn product_by_sku(connection: &dyn Connection, sku: &str) -> Result<(i64, String, String, bool)> {
    let rows = connection.query(
        "SELECT id, sku, name || ' ' || color || ' ' || size, active FROM silver.product \
         WHERE lower(sku) = lower($1) ORDER BY id LIMIT 1",
        &[sku.trim().into()],
    )?;
    let row = rows
        .rows
        .first()
        .ok_or_else(|| ActionError::Invalid(format!("no product has the SKU {:?}", sku.trim())))?;
    let text = |index: usize| row.get(index).and_then(Value::as_str).unwrap_or_default();
    Ok((
        row.first().and_then(Value::as_i64).unwrap_or_default(),
        text(1).to_string(),
        text(2).to_string(),
        row.get(3).and_then(Value::as_bool).unwrap_or(false),
    ))
}

/// A record found by name: id, name, company.
struct Named {
    id: i64,
    name: String,
    company_id: Option<i64>,
}

/// The first row of `sql` (selecting id, name, company_id with `$1` the name asked for).
fn find_named(connection: &dyn Connection, sql: &str, name: &str) -> Result<Option<Named>> {
    let rows = connection.query(sql, &[name.trim().into()])?;
    Ok(rows.rows.first().map(|row| Named {
        id: row.first().and_then(Value::as_i64).unwrap_or_default(),
        name: row
            .get(1)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        company_id: row.get(2).and_then(Value::as_i64),
    }))
}

/// Products whose SKUs were given, in a statement with one parameter per SKU.
fn placeholders(count: usize, first: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}
