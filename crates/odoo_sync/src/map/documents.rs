//! Purchase orders and their lines, invoices (customer invoices and refunds, vendor bills and
//! refunds) and helpdesk tickets, upserted by our id.

use analyst_odoo::Record;
use analyst_store::Value;

use super::{Context, money, optional_id, upsert};
use crate::SOURCE;
use crate::error::SyncError;
use crate::raw::placeholders;
use crate::record::{date, id, link_name, number, text};

fn ours(
    context: &mut Context<'_>,
    model: &'static str,
    record: &Record,
) -> Result<(i64, i64), SyncError> {
    let odoo = id(record).ok_or_else(|| SyncError::record(model, 0, "a record without an id"))?;
    Ok((odoo, context.ids.assign(context.store, model, odoo)?))
}

pub(super) fn purchase_orders(
    context: &mut Context<'_>,
    records: &[Record],
) -> Result<(), SyncError> {
    for record in records {
        let (odoo, order) = ours(context, "purchase.order", record)?;
        let company = context.company(record)?;
        let store = context.warehouse_store(None, company)?;
        let supplier = context
            .link("res.partner", record, "partner_id")?
            .ok_or_else(|| SyncError::record("purchase.order", odoo, "no supplier (partner_id)"))?;
        let ordered = date(record, "date_order")
            .ok_or_else(|| SyncError::record("purchase.order", odoo, "no date_order"))?;
        upsert(
            context.store,
            "purchase_order",
            &[
                "id",
                "name",
                "company_id",
                "supplier_id",
                "store_id",
                "state",
                "order_date",
                "expected_date",
                "source",
                "source_id",
            ],
            &[
                order.into(),
                text(record, "name").into(),
                company.into(),
                supplier.into(),
                store.into(),
                text(record, "state").into(),
                ordered.into(),
                date(record, "date_planned").unwrap_or(ordered).into(),
                SOURCE.into(),
                odoo.to_string().into(),
            ],
        )?;
        replace_written_back(context, &text(record, "origin"))?;
    }
    Ok(())
}

/// A draft order the analyst wrote back to Odoo carries the proposal's reference as its
/// origin; once synced it stands for the store's own copy, which leaves (one order, not two).
fn replace_written_back(context: &Context<'_>, origin: &str) -> Result<(), SyncError> {
    if origin.is_empty() {
        return Ok(());
    }
    context.store.execute(
        "DELETE FROM silver.purchase_line WHERE source = 'analyst' AND order_id IN
             (SELECT id FROM silver.purchase_order WHERE source = 'analyst' AND source_id = $1)",
        &[origin.into()],
    )?;
    context.store.execute(
        "DELETE FROM silver.purchase_order WHERE source = 'analyst' AND source_id = $1",
        &[origin.into()],
    )?;
    Ok(())
}

pub(super) fn purchase_lines(
    context: &mut Context<'_>,
    records: &[Record],
) -> Result<(), SyncError> {
    for record in records {
        let (odoo, line) = ours(context, "purchase.order.line", record)?;
        let (Some(order), Some(product)) = (
            context.link("purchase.order", record, "order_id")?,
            context.link("product.product", record, "product_id")?,
        ) else {
            return Err(SyncError::record(
                "purchase.order.line",
                odoo,
                "no order or product",
            ));
        };
        upsert(
            context.store,
            "purchase_line",
            &[
                "id",
                "order_id",
                "product_id",
                "qty_ordered",
                "qty_received",
                "price",
                "source",
            ],
            &[
                line.into(),
                order.into(),
                product.into(),
                Value::Int(number(record, "product_qty").round() as i64),
                Value::Int(number(record, "qty_received").round() as i64),
                money(number(record, "price_unit")),
                SOURCE.into(),
            ],
        )?;
    }
    Ok(())
}

/// Posted customer invoices and refunds, vendor bills and refunds; other journal entries
/// (and invoices set back to draft or cancelled) are not invoices of ours.
pub(super) fn invoices(context: &mut Context<'_>, records: &[Record]) -> Result<(), SyncError> {
    for record in records {
        let (odoo, invoice) = ours(context, "account.move", record)?;
        let kind = text(record, "move_type");
        let is_invoice = matches!(
            kind.as_str(),
            "out_invoice" | "out_refund" | "in_invoice" | "in_refund"
        );
        let invoice_date = date(record, "invoice_date");
        let (true, "posted", Some(invoice_date)) =
            (is_invoice, text(record, "state").as_str(), invoice_date)
        else {
            context.store.execute(
                "DELETE FROM silver.invoice WHERE id = $1",
                &[invoice.into()],
            )?;
            continue;
        };
        let company = context.company(record)?;
        let partner = context.link("res.partner", record, "partner_id")?;
        let (customer, supplier) = if kind.starts_with("out_") {
            (partner, None)
        } else {
            (None, partner)
        };
        upsert(
            context.store,
            "invoice",
            &[
                "id",
                "company_id",
                "kind",
                "number",
                "customer_id",
                "supplier_id",
                "date",
                "due_date",
                "amount",
                "residual",
                "payment_state",
                "source",
                "source_id",
            ],
            &[
                invoice.into(),
                company.into(),
                kind.into(),
                text(record, "name").into(),
                optional_id(customer),
                optional_id(supplier),
                invoice_date.into(),
                date(record, "invoice_date_due")
                    .unwrap_or(invoice_date)
                    .into(),
                money(number(record, "amount_total")),
                money(number(record, "amount_residual")),
                text(record, "payment_state").into(),
                SOURCE.into(),
                odoo.to_string().into(),
            ],
        )?;
    }
    Ok(())
}

pub(super) fn helpdesk_tickets(
    context: &mut Context<'_>,
    records: &[Record],
) -> Result<(), SyncError> {
    for record in records {
        let (odoo, ticket) = ours(context, "helpdesk.ticket", record)?;
        let company = context.company(record)?;
        let created = date(record, "create_date")
            .or_else(|| date(record, "write_date"))
            .ok_or_else(|| SyncError::record("helpdesk.ticket", odoo, "no create_date"))?;
        let stage = match link_name(record, "stage_id") {
            name if name.is_empty() => text(record, "stage"),
            name => name,
        };
        let customer = context.link("res.partner", record, "partner_id")?;
        upsert(
            context.store,
            "helpdesk_ticket",
            &[
                "id",
                "company_id",
                "team",
                "stage",
                "priority",
                "created",
                "closed",
                "sla_deadline",
                "customer_id",
                "subject",
                "source",
                "source_id",
            ],
            &[
                ticket.into(),
                company.into(),
                link_name(record, "team_id").into(),
                stage.into(),
                Value::Int(text(record, "priority").parse().unwrap_or(0)),
                created.into(),
                date(record, "close_date").map_or(Value::Null, Value::from),
                date(record, "sla_deadline").unwrap_or(created).into(),
                optional_id(customer),
                text(record, "name").into(),
                SOURCE.into(),
                odoo.to_string().into(),
            ],
        )?;
    }
    Ok(())
}

/// Rows of records deleted in Odoo leave `silver.<table>`.
pub(super) fn delete(
    context: &mut Context<'_>,
    table: &str,
    model: &'static str,
    odoo_ids: &[i64],
) -> Result<(), SyncError> {
    let mut ids = Vec::new();
    for &odoo in odoo_ids {
        ids.extend(context.ids.get(context.store, model, odoo)?);
    }
    for chunk in ids.chunks(1000) {
        let params: Vec<Value> = chunk.iter().map(|&id| Value::Int(id)).collect();
        context.store.execute(
            &format!(
                "DELETE FROM silver.{table} WHERE id IN ({})",
                placeholders(1, chunk.len())
            ),
            &params,
        )?;
    }
    Ok(())
}
