//! `update_reorder_rule`: new min/max levels for a product in a store (`silver.reorder_rule`;
//! Odoo's `stock.warehouse.orderpoint`).

use analyst_accounts::Rights;
use analyst_store::{Connection, Value};
use serde_json::{Value as Json, json};

use super::{Named, find_named, product_by_sku, units};
use crate::payload::{Payload, ReorderRulePayload, RuleLevels};
use crate::proposal::{Draft, Preview, PreviewLine, covers};
use crate::{ActionError, Result};

/// The highest level a rule may set.
const MAX_LEVEL: i64 = 1_000_000;

pub(super) fn build(
    connection: &dyn Connection,
    rights: &Rights,
    sku: &str,
    store: &str,
    min_qty: i64,
    max_qty: i64,
) -> Result<Draft> {
    if !(0..=MAX_LEVEL).contains(&min_qty) || !(0..=MAX_LEVEL).contains(&max_qty) {
        return Err(ActionError::Invalid(format!(
            "min_qty and max_qty must be 0 to {}",
            units(MAX_LEVEL)
        )));
    }
    if max_qty < min_qty {
        return Err(ActionError::Invalid(format!(
            "max_qty ({max_qty}) is below min_qty ({min_qty})"
        )));
    }
    let (product_id, sku, product, active) = product_by_sku(connection, sku)?;
    if !active {
        return Err(ActionError::Invalid(format!(
            "{sku} is archived: it has no reorder rule"
        )));
    }
    let found = find_named(
        connection,
        "SELECT id, name, company_id FROM silver.store \
         WHERE lower(code) = lower($1) OR lower(name) = lower($1) ORDER BY id LIMIT 1",
        store,
    )?
    .filter(|found| covers(rights, found.company_id, &[found.id]));
    let Some(Named {
        id: store_id,
        name: store,
        company_id: Some(company_id),
    }) = found
    else {
        return Err(ActionError::Invalid(format!(
            "no store {:?} that you may see",
            store.trim()
        )));
    };
    let before = current(connection, product_id, store_id)?;
    let after = RuleLevels { min_qty, max_qty };
    if before == Some(after) {
        return Err(ActionError::Invalid(format!(
            "{sku} in {store} already has min {min_qty} and max {max_qty}"
        )));
    }
    let show = |levels: Option<RuleLevels>| {
        levels.map(|levels| {
            format!(
                "min {} / max {}",
                units(levels.min_qty),
                units(levels.max_qty)
            )
        })
    };
    let text = format!(
        "{sku} {product} in {store}: {} → {}.",
        show(before).unwrap_or_else(|| "no rule".into()),
        show(Some(after)).unwrap_or_default()
    );
    let payload = ReorderRulePayload {
        product_id,
        sku: sku.clone(),
        product: product.clone(),
        store_id,
        store: store.clone(),
        company_id,
        before,
        after,
    };
    Ok(Draft {
        title: format!("Reorder rule for {sku} in {store}"),
        summary: text.clone(),
        amount: None,
        company_id: Some(company_id),
        store_ids: vec![store_id],
        key_part: format!("{product_id}-{store_id}"),
        preview: Preview {
            text,
            lines: vec![PreviewLine {
                item: format!("{sku} {product} @ {store}"),
                field: "min / max".into(),
                before: show(before),
                after: show(Some(after)),
            }],
        },
        payload: Payload::UpdateReorderRule(payload),
    })
}

fn current(
    connection: &dyn Connection,
    product_id: i64,
    store_id: i64,
) -> Result<Option<RuleLevels>> {
    let rows = connection.query(
        "SELECT min_qty, max_qty FROM silver.reorder_rule WHERE product_id = $1 AND store_id = $2",
        &[product_id.into(), store_id.into()],
    )?;
    Ok(rows.rows.first().map(|row| RuleLevels {
        min_qty: row.first().and_then(Value::as_i64).unwrap_or_default(),
        max_qty: row.get(1).and_then(Value::as_i64).unwrap_or_default(),
    }))
}

/// Still right: the product is active and the rule is what it was when proposed (or already
/// what it proposes, after an execution that committed).
pub(super) fn check(connection: &dyn Connection, rule: &ReorderRulePayload) -> Result<()> {
    let active = connection
        .query(
            "SELECT active FROM silver.product WHERE id = $1",
            &[rule.product_id.into()],
        )?
        .scalar()
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if !active {
        return Err(ActionError::Stale(format!(
            "{} was archived since the proposal",
            rule.sku
        )));
    }
    let now = current(connection, rule.product_id, rule.store_id)?;
    if now != rule.before && now != Some(rule.after) {
        return Err(ActionError::Stale(format!(
            "the rule of {} in {} changed since the proposal; propose again",
            rule.sku, rule.store
        )));
    }
    Ok(())
}

pub(super) fn write(connection: &dyn Connection, rule: &ReorderRulePayload) -> Result<Json> {
    connection.execute(
        "INSERT INTO silver.reorder_rule (product_id, store_id, min_qty, max_qty, source, updated_at) \
         VALUES ($1, $2, $3, $4, 'analyst', current_timestamp) \
         ON CONFLICT (product_id, store_id) DO UPDATE SET min_qty = excluded.min_qty, \
         max_qty = excluded.max_qty, source = excluded.source, updated_at = excluded.updated_at",
        &[
            rule.product_id.into(),
            rule.store_id.into(),
            rule.after.min_qty.into(),
            rule.after.max_qty.into(),
        ],
    )?;
    Ok(
        json!({"product_id": rule.product_id, "store_id": rule.store_id,
              "min_qty": rule.after.min_qty, "max_qty": rule.after.max_qty}),
    )
}
