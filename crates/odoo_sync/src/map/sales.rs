//! POS orders and confirmed sale orders → `silver.sales_line`, one row per product line,
//! returns kept as negative quantities and amounts. A line's silver id is derived from its
//! Odoo id, so a changed line or order replaces its rows instead of adding to them.

use analyst_odoo::Record;
use analyst_store::Value;
use chrono::Duration;

use super::{Context, money, optional_id};
use crate::SOURCE;
use crate::error::SyncError;
use crate::models::Silver;
use crate::raw::{self, placeholders};
use crate::record::{datetime, id, link, link_name, number, text};

/// Rows per multi-row insert (15 parameters each).
const INSERT_BATCH: usize = 400;

/// What differs between POS and sale orders.
struct Kind {
    order_model: &'static str,
    line_model: &'static str,
    quantity_field: &'static str,
    /// Silver ids of these lines are `id_base + Odoo id`.
    id_base: i64,
}

fn kind(silver: Silver) -> Kind {
    match silver {
        Silver::SaleOrder | Silver::SaleLine => Kind {
            order_model: "sale.order",
            line_model: "sale.order.line",
            quantity_field: "product_uom_qty",
            id_base: 2_000_000_000_000,
        },
        _ => Kind {
            order_model: "pos.order",
            line_model: "pos.order.line",
            quantity_field: "qty",
            id_base: 1_000_000_000_000,
        },
    }
}

/// A page of lines: each replaces its own row, read with its order's header from raw.
pub(super) fn lines(
    context: &mut Context<'_>,
    silver: Silver,
    records: &[Record],
) -> Result<(), SyncError> {
    let kind = kind(silver);
    let order_ids: Vec<i64> = records
        .iter()
        .filter_map(|line| link(line, "order_id"))
        .collect();
    let orders = raw::payloads(
        context.store,
        context.connection,
        kind.order_model,
        &order_ids,
    )?;
    let line_ids: Vec<i64> = records.iter().filter_map(id).collect();
    delete_rows(context, &kind, &line_ids)?;
    let mut rows = Vec::with_capacity(records.len());
    for line in records {
        if let Some(order) = link(line, "order_id").and_then(|order| orders.get(&order)) {
            rows.extend(row(context, &kind, order, line)?);
        }
    }
    insert_rows(context, rows)
}

/// Orders changed or deleted: every line of theirs is mapped again from raw.
pub(super) fn rebuild_orders(
    context: &mut Context<'_>,
    silver: Silver,
    order_ids: &[i64],
) -> Result<(), SyncError> {
    let kind = kind(silver);
    let orders = raw::payloads(
        context.store,
        context.connection,
        kind.order_model,
        order_ids,
    )?;
    let children = raw::children(
        context.store,
        context.connection,
        kind.line_model,
        order_ids,
    )?;
    if children.is_empty() {
        return Ok(());
    }
    let line_ids: Vec<i64> = children.iter().map(|(line_id, _)| *line_id).collect();
    delete_rows(context, &kind, &line_ids)?;
    let mut rows = Vec::new();
    for line in children.iter().filter_map(|(_, line)| line.as_ref()) {
        if let Some(order) = link(line, "order_id").and_then(|order| orders.get(&order)) {
            rows.extend(row(context, &kind, order, line)?);
        }
    }
    insert_rows(context, rows)
}

/// Lines deleted in Odoo leave silver.
pub(super) fn delete_lines(
    context: &mut Context<'_>,
    silver: Silver,
    line_ids: &[i64],
) -> Result<(), SyncError> {
    delete_rows(context, &kind(silver), line_ids)
}

/// Whether the line is a sale: POS orders that were paid, sale orders confirmed (`sale`,
/// `done`) and lines that are products, not sections or notes.
fn counts(kind: &Kind, order: &Record, line: &Record) -> bool {
    let state = text(order, "state");
    if kind.order_model == "sale.order" {
        matches!(state.as_str(), "sale" | "done") && text(line, "display_type").is_empty()
    } else {
        !matches!(state.as_str(), "draft" | "cancel")
    }
}

fn row(
    context: &mut Context<'_>,
    kind: &Kind,
    order: &Record,
    line: &Record,
) -> Result<Option<Vec<Value>>, SyncError> {
    if !counts(kind, order, line) {
        return Ok(None);
    }
    let line_id = id(line).unwrap_or(0);
    let order_id = id(order).unwrap_or(0);
    let Some(product) = context.link("product.product", line, "product_id")? else {
        return Err(SyncError::record(
            kind.line_model,
            line_id,
            "a sold line without a product",
        ));
    };
    let moment = datetime(order, "date_order")
        .ok_or_else(|| SyncError::record(kind.order_model, order_id, "no date_order"))?;
    let date = (moment + Duration::minutes(context.settings.utc_offset_minutes)).date();
    let company = context.company(order)?;
    let (store, channel) = if kind.order_model == "pos.order" {
        let config = link(order, "config_id")
            .ok_or_else(|| SyncError::record("pos.order", order_id, "no config_id (shop)"))?;
        (context.pos_store(config)?, "store")
    } else {
        let store = context.warehouse_store(link(order, "warehouse_id"), company)?;
        let channel = if link(order, "website_id").is_some() {
            "online"
        } else {
            "wholesale"
        };
        (store, channel)
    };
    let quantity = number(line, kind.quantity_field);
    if quantity.fract() != 0.0 {
        // Silver counts units; the amounts stay exact, the units are rounded.
        context.rounded_quantities += 1;
    }
    let gross = quantity * number(line, "price_unit");
    let discount = gross * number(line, "discount") / 100.0;
    let cost = context.cost(product)? * quantity;
    let customer = context.link("res.partner", order, "partner_id")?;
    context.touched.insert(date);
    Ok(Some(vec![
        Value::Int(kind.id_base + line_id),
        date.into(),
        company.into(),
        store.into(),
        channel.into(),
        optional_id(customer),
        product.into(),
        text(order, "name").into(),
        Value::Int(quantity.round() as i64),
        money(number(line, "price_subtotal")),
        money(cost),
        money(discount),
        link_name(order, "currency_id").into(),
        SOURCE.into(),
        format!("{}/{line_id}", kind.line_model).into(),
    ]))
}

/// Deletes the silver rows of these lines; the dates they had are touched.
fn delete_rows(context: &mut Context<'_>, kind: &Kind, line_ids: &[i64]) -> Result<(), SyncError> {
    for chunk in line_ids.chunks(1000) {
        let ids: Vec<i64> = chunk.iter().map(|line| kind.id_base + line).collect();
        let (Some(&low), Some(&high)) = (ids.iter().min(), ids.iter().max()) else {
            continue;
        };
        let mut params: Vec<Value> = vec![SOURCE.into(), low.into(), high.into()];
        params.extend(ids.iter().map(|&id| Value::Int(id)));
        // The range lets the store skip blocks by their min/max before the list is checked.
        let deleted = context.store.query(
            &format!(
                "DELETE FROM silver.sales_line
                 WHERE source = $1 AND id BETWEEN $2 AND $3 AND id IN ({})
                 RETURNING date",
                placeholders(4, ids.len())
            ),
            &params,
        )?;
        context.touched.extend(
            deleted
                .rows
                .iter()
                .filter_map(|row| row.first().and_then(Value::as_date)),
        );
    }
    Ok(())
}

fn insert_rows(context: &mut Context<'_>, rows: Vec<Vec<Value>>) -> Result<(), SyncError> {
    for chunk in rows.chunks(INSERT_BATCH) {
        let tuples: Vec<String> = (0..chunk.len())
            .map(|n| format!("({})", placeholders(n * 15 + 1, 15)))
            .collect();
        let params: Vec<Value> = chunk.iter().flatten().cloned().collect();
        context.store.execute(
            &format!(
                "INSERT INTO silver.sales_line (id, date, company_id, store_id, channel,
                     customer_id, product_id, order_ref, qty, net_amount, cost_amount,
                     discount_amount, currency, source, source_ref)
                 VALUES {}",
                tuples.join(", ")
            ),
            &params,
        )?;
    }
    Ok(())
}
