//! `archive_product`: products (typically dead stock) set inactive. They stay in history and
//! reports; they are no longer suggested for reordering. Archiving changes a product for every
//! company, so only users who see every company propose and approve it.

use analyst_accounts::Rights;
use analyst_store::{Connection, Value};
use serde_json::{Value as Json, json};

use super::{money, placeholders, product_by_sku, units};
use crate::payload::{ArchivePayload, ArchivedProduct, Payload};
use crate::proposal::{Draft, Preview, PreviewLine, covers};
use crate::{ActionError, Result};

/// Products one proposal may archive.
const MAX_PRODUCTS: usize = 500;

pub(super) fn build(
    connection: &dyn Connection,
    rights: &Rights,
    skus: &[String],
) -> Result<Draft> {
    if !covers(rights, None, &[]) {
        return Err(ActionError::Forbidden(
            "archiving a product changes it for every company: only a user who sees every company may propose it".into(),
        ));
    }
    let mut wanted: Vec<String> = skus.iter().map(|sku| sku.trim().to_lowercase()).collect();
    wanted.sort();
    wanted.dedup();
    if wanted.is_empty() || wanted.len() > MAX_PRODUCTS {
        return Err(ActionError::Invalid(format!(
            "give 1 to {MAX_PRODUCTS} SKUs"
        )));
    }
    let mut products = Vec::with_capacity(wanted.len());
    for sku in &wanted {
        let (product_id, sku, product, active) = product_by_sku(connection, sku)?;
        if !active {
            return Err(ActionError::Invalid(format!("{sku} is archived already")));
        }
        products.push(ArchivedProduct {
            product_id,
            sku,
            product,
            on_hand: 0,
            value_at_cost: 0.0,
        });
    }
    let stock = stock_of(connection, &products)?;
    for product in &mut products {
        if let Some((_, on_hand, value)) = stock.iter().find(|(id, ..)| *id == product.product_id) {
            product.on_hand = *on_hand;
            product.value_at_cost = *value;
        }
    }
    let value: f64 = products.iter().map(|product| product.value_at_cost).sum();
    let text = format!(
        "Archive {} product{}: {} units on hand, {} at cost, stay in stock and in history; they are no longer reordered.",
        products.len(),
        if products.len() == 1 { "" } else { "s" },
        units(products.iter().map(|product| product.on_hand).sum()),
        money(value)
    );
    let lines = products
        .iter()
        .map(|product| PreviewLine {
            item: format!("{} {}", product.sku, product.product),
            field: "active".into(),
            before: Some("yes".into()),
            after: Some(format!(
                "no ({} on hand, {} at cost)",
                units(product.on_hand),
                money(product.value_at_cost)
            )),
        })
        .collect();
    Ok(Draft {
        title: match products.as_slice() {
            [one] => format!("Archive {}", one.sku),
            many => format!("Archive {} products", many.len()),
        },
        summary: text.clone(),
        amount: Some(value),
        company_id: None,
        store_ids: Vec::new(),
        key_part: products
            .iter()
            .map(|product| product.product_id.to_string())
            .collect::<Vec<_>>()
            .join("-"),
        preview: Preview { text, lines },
        payload: Payload::ArchiveProduct(ArchivePayload { products }),
    })
}

/// Units on hand in every store and their value at standard cost, per product.
fn stock_of(
    connection: &dyn Connection,
    products: &[ArchivedProduct],
) -> Result<Vec<(i64, i64, f64)>> {
    let ids: Vec<Value> = products
        .iter()
        .map(|product| Value::Int(product.product_id))
        .collect();
    let rows = connection.query(
        &format!(
            "SELECT p.id, COALESCE(SUM(l.on_hand), 0),
                    CAST(COALESCE(SUM(l.on_hand), 0) * p.standard_cost AS DOUBLE PRECISION)
             FROM silver.product p LEFT JOIN silver.stock_level l ON l.product_id = p.id
             WHERE p.id IN ({}) GROUP BY p.id, p.standard_cost",
            placeholders(ids.len(), 1)
        ),
        &ids,
    )?;
    Ok(rows
        .rows
        .iter()
        .map(|row| {
            (
                row.first().and_then(Value::as_i64).unwrap_or_default(),
                row.get(1).and_then(Value::as_i64).unwrap_or_default(),
                row.get(2).and_then(Value::as_f64).unwrap_or_default(),
            )
        })
        .collect())
}

/// Still right: no product was archived meanwhile by someone else, and none received stock
/// since (a product being restocked is not dead).
pub(super) fn check(connection: &dyn Connection, archive: &ArchivePayload) -> Result<()> {
    let stock = stock_of(connection, &archive.products)?;
    let mut problems = Vec::new();
    for product in &archive.products {
        let on_hand = stock
            .iter()
            .find(|(id, ..)| *id == product.product_id)
            .map(|(_, on_hand, _)| *on_hand);
        match on_hand {
            None => problems.push(format!("{} no longer exists", product.sku)),
            Some(units_now) if units_now > product.on_hand => problems.push(format!(
                "{}: stock rose from {} to {} since the proposal",
                product.sku,
                units(product.on_hand),
                units(units_now)
            )),
            Some(_) => {}
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ActionError::Stale(format!(
            "the data changed since the proposal: {}",
            problems.join("; ")
        )))
    }
}

pub(super) fn write(connection: &dyn Connection, archive: &ArchivePayload) -> Result<Json> {
    let ids: Vec<Value> = archive
        .products
        .iter()
        .map(|product| Value::Int(product.product_id))
        .collect();
    let archived = connection.execute(
        &format!(
            "UPDATE silver.product SET active = FALSE WHERE active AND id IN ({})",
            placeholders(ids.len(), 1)
        ),
        &ids,
    )?;
    Ok(json!({"archived": archived, "products": archive.products.len()}))
}
