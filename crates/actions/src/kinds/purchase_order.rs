//! `create_purchase_order`: one draft purchase order per supplier and company, from reorder
//! suggestions, delivered to the company's warehouse. Written into `silver.purchase_order` and
//! `silver.purchase_line` (state `draft`, source `analyst`, the proposal's reference as source
//! id); the Odoo connector writes a draft `purchase.order` instead when configured.

use std::collections::BTreeMap;

use analyst_accounts::Rights;
use analyst_store::{Connection, Value};
use chrono::Duration;
use serde_json::{Value as Json, json};

use super::{money, placeholders, units};
use crate::payload::{OrderLine, Payload, PurchaseOrderPayload};
use crate::proposal::{Draft, Preview, PreviewLine, covers};
use crate::{ActionError, ActionSettings, Result};

/// Lines one proposal may hold.
const MAX_SUGGESTIONS: usize = 2_000;

struct Suggested {
    id: i64,
    company_id: i64,
    company: String,
    supplier_id: Option<i64>,
    supplier: String,
    line: OrderLine,
    active: bool,
    state: String,
}

pub(super) fn build(
    connection: &dyn Connection,
    settings: &ActionSettings,
    rights: &Rights,
    suggestion_ids: &[i64],
) -> Result<Vec<Draft>> {
    let mut ids = suggestion_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() || ids.len() > MAX_SUGGESTIONS {
        return Err(ActionError::Invalid(format!(
            "give 1 to {MAX_SUGGESTIONS} reorder suggestion ids"
        )));
    }
    let params: Vec<Value> = ids.iter().map(|id| Value::Int(*id)).collect();
    let rows = connection.query(
        &format!(
            "WITH position AS (
                SELECT l.product_id, s.company_id,
                       SUM(l.on_hand - l.reserved + l.incoming) AS units
                FROM silver.stock_level l JOIN silver.store s ON s.id = l.store_id
                GROUP BY l.product_id, s.company_id),
             terms AS (
                SELECT product_id, supplier_id, MIN(lead_time_days) AS lead_time_days
                FROM silver.supplier_product GROUP BY product_id, supplier_id)
             SELECT b.id, b.company_id, c.name, b.supplier_id, COALESCE(sup.name, ''),
                    b.product_id, p.sku, p.name || ' ' || p.color || ' ' || p.size, p.active,
                    b.qty, CAST(b.unit_price AS DOUBLE PRECISION), b.state,
                    COALESCE(t.lead_time_days, 0), COALESCE(pos.units, 0)
             FROM app.buying_suggestion b
             JOIN silver.product p ON p.id = b.product_id
             JOIN silver.company c ON c.id = b.company_id
             LEFT JOIN silver.supplier sup ON sup.id = b.supplier_id
             LEFT JOIN terms t ON t.product_id = b.product_id AND t.supplier_id = b.supplier_id
             LEFT JOIN position pos ON pos.product_id = b.product_id AND pos.company_id = b.company_id
             WHERE b.kind = 'reorder' AND b.id IN ({})
             ORDER BY b.company_id, b.supplier_id, p.sku",
            placeholders(ids.len(), 1)
        ),
        &params,
    )?;
    let suggested: Vec<Suggested> = rows
        .rows
        .iter()
        .map(|row| {
            let int = |index: usize| row.get(index).and_then(Value::as_i64).unwrap_or_default();
            let text = |index: usize| {
                row.get(index)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            let unit_price = row.get(10).and_then(Value::as_f64).unwrap_or_default();
            let qty = int(9);
            Suggested {
                id: int(0),
                company_id: int(1),
                company: text(2),
                supplier_id: row.get(3).and_then(Value::as_i64),
                supplier: text(4),
                line: OrderLine {
                    product_id: int(5),
                    sku: text(6),
                    product: text(7),
                    qty,
                    unit_price,
                    amount: round_money(qty as f64 * unit_price),
                    lead_time_days: int(12),
                    stock_position: int(13),
                },
                active: row.get(8).and_then(Value::as_bool).unwrap_or(false),
                state: text(11),
            }
        })
        .collect();
    // A suggestion of a company the user may not see is as good as absent.
    let visible: Vec<&Suggested> = suggested
        .iter()
        .filter(|s| covers(rights, Some(s.company_id), &[]))
        .collect();
    if let Some(missing) = ids.iter().find(|id| !visible.iter().any(|s| s.id == **id)) {
        return Err(ActionError::Invalid(format!(
            "no reorder suggestion {missing} (run the reorder suggestion again)"
        )));
    }
    let mut groups: BTreeMap<(i64, i64), Vec<&Suggested>> = BTreeMap::new();
    for s in visible {
        if s.state == "dismissed" {
            return Err(ActionError::Invalid(format!(
                "the suggestion for {} was dismissed",
                s.line.sku
            )));
        }
        if !s.active {
            return Err(ActionError::Invalid(format!(
                "{} is archived: it cannot be ordered",
                s.line.sku
            )));
        }
        let supplier_id = s.supplier_id.ok_or_else(|| {
            ActionError::Invalid(format!(
                "{} has no supplier: add supplier terms before ordering it",
                s.line.sku
            ))
        })?;
        groups
            .entry((s.company_id, supplier_id))
            .or_default()
            .push(s);
    }
    let today = settings.today();
    let mut drafts = Vec::with_capacity(groups.len());
    for ((company_id, supplier_id), lines) in groups {
        let (store_id, store) = warehouse(connection, company_id)?;
        let first = lines[0];
        let total = round_money(lines.iter().map(|s| s.line.amount).sum());
        let lead = lines
            .iter()
            .map(|s| s.line.lead_time_days)
            .max()
            .unwrap_or(0);
        let payload = PurchaseOrderPayload {
            company_id,
            company: first.company.clone(),
            supplier_id,
            supplier: first.supplier.clone(),
            store_id,
            store: store.clone(),
            order_date: today,
            expected_date: today + Duration::days(lead),
            lines: lines.iter().map(|s| s.line.clone()).collect(),
            total,
            suggestion_ids: lines.iter().map(|s| s.id).collect(),
        };
        let text = format!(
            "A new draft purchase order to {} for {}, delivered to {} by {}: {} line{}, {} units, {} in all.",
            payload.supplier,
            payload.company,
            store,
            payload.expected_date,
            payload.lines.len(),
            if payload.lines.len() == 1 { "" } else { "s" },
            units(payload.lines.iter().map(|line| line.qty).sum()),
            money(total)
        );
        let preview_lines = payload
            .lines
            .iter()
            .map(|line| PreviewLine {
                item: format!("{} {}", line.sku, line.product),
                field: "order line".into(),
                before: None,
                after: Some(format!(
                    "{} × {} = {}",
                    units(line.qty),
                    money(line.unit_price),
                    money(line.amount)
                )),
            })
            .collect();
        drafts.push(Draft {
            title: format!(
                "Purchase order to {} ({})",
                payload.supplier, payload.company
            ),
            summary: text.clone(),
            amount: Some(total),
            company_id: Some(company_id),
            store_ids: vec![store_id],
            key_part: format!("{company_id}-{supplier_id}"),
            preview: Preview {
                text,
                lines: preview_lines,
            },
            payload: Payload::CreatePurchaseOrder(payload),
        });
    }
    Ok(drafts)
}

fn round_money(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// The company's warehouse (or its first store when it has none).
fn warehouse(connection: &dyn Connection, company_id: i64) -> Result<(i64, String)> {
    let rows = connection.query(
        "SELECT id, name FROM silver.store WHERE company_id = $1 \
         ORDER BY CASE WHEN kind = 'warehouse' THEN 0 ELSE 1 END, id LIMIT 1",
        &[company_id.into()],
    )?;
    let row = rows.rows.first().ok_or_else(|| {
        ActionError::Invalid(format!("company {company_id} has no store to deliver to"))
    })?;
    Ok((
        row.first().and_then(Value::as_i64).unwrap_or_default(),
        row.get(1)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    ))
}

/// Still right to order: every product active, the supplier's price unchanged, and the stock
/// position not risen by the line's quantity or more (someone ordered or received it since).
pub(super) fn check(connection: &dyn Connection, order: &PurchaseOrderPayload) -> Result<()> {
    let ids: Vec<Value> = order
        .lines
        .iter()
        .map(|line| Value::Int(line.product_id))
        .collect();
    let rows = connection.query(
        &format!(
            "SELECT p.id, p.active,
                    (SELECT CAST(MIN(sp.price) AS DOUBLE PRECISION) FROM silver.supplier_product sp
                     WHERE sp.product_id = p.id AND sp.supplier_id = $1),
                    (SELECT SUM(l.on_hand - l.reserved + l.incoming) FROM silver.stock_level l
                     JOIN silver.store s ON s.id = l.store_id
                     WHERE l.product_id = p.id AND s.company_id = $2)
             FROM silver.product p WHERE p.id IN ({})",
            placeholders(ids.len(), 3)
        ),
        &[
            vec![Value::Int(order.supplier_id), Value::Int(order.company_id)],
            ids,
        ]
        .concat(),
    )?;
    let mut problems = Vec::new();
    for line in &order.lines {
        let Some(row) = rows
            .rows
            .iter()
            .find(|row| row.first().and_then(Value::as_i64) == Some(line.product_id))
        else {
            problems.push(format!("{} no longer exists", line.sku));
            continue;
        };
        if !row.get(1).and_then(Value::as_bool).unwrap_or(false) {
            problems.push(format!("{} was archived", line.sku));
        }
        if let Some(price) = row.get(2).and_then(Value::as_f64)
            && (price - line.unit_price).abs() >= 0.005
        {
            problems.push(format!(
                "{}: the supplier price changed from {} to {}",
                line.sku,
                money(line.unit_price),
                money(price)
            ));
        }
        let position = row.get(3).and_then(Value::as_i64).unwrap_or_default();
        if position >= line.stock_position + line.qty {
            problems.push(format!(
                "{}: available + incoming rose from {} to {} (ordered or received since?)",
                line.sku,
                units(line.stock_position),
                units(position)
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ActionError::Stale(format!(
            "the data changed since the proposal: {}; propose again from a fresh reorder suggestion",
            problems.join("; ")
        )))
    }
}

/// Writes the draft order and its lines, unless an order of this reference exists already.
pub(super) fn write(
    connection: &dyn Connection,
    order: &PurchaseOrderPayload,
    reference: &str,
) -> Result<Json> {
    let existing = connection
        .query(
            "SELECT id, name FROM silver.purchase_order WHERE source = 'analyst' AND source_id = $1",
            &[reference.into()],
        )?
        .rows;
    if let Some(row) = existing.first() {
        return Ok(json!({
            "purchase_order_id": row.first().and_then(Value::as_i64),
            "purchase_order": row.get(1).and_then(Value::as_str),
            "written": false,
        }));
    }
    let next = |table: &str| -> Result<i64> {
        Ok(connection
            .query(
                &format!("SELECT COALESCE(MAX(id), 0) + 1 FROM silver.{table}"),
                &[],
            )?
            .scalar()
            .and_then(Value::as_i64)
            .unwrap_or(1))
    };
    let order_id = next("purchase_order")?;
    let name = format!("PO-{reference}");
    connection.execute(
        "INSERT INTO silver.purchase_order (id, name, company_id, supplier_id, store_id, state, \
         order_date, expected_date, source, source_id) \
         VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, 'analyst', $8)",
        &[
            order_id.into(),
            name.clone().into(),
            order.company_id.into(),
            order.supplier_id.into(),
            order.store_id.into(),
            order.order_date.into(),
            order.expected_date.into(),
            reference.into(),
        ],
    )?;
    let first_line = next("purchase_line")?;
    let mut params: Vec<Value> = Vec::with_capacity(order.lines.len() * 5);
    let mut rows = Vec::with_capacity(order.lines.len());
    for (index, line) in order.lines.iter().enumerate() {
        let at = params.len();
        params.extend([
            Value::Int(first_line + index as i64),
            Value::Int(order_id),
            Value::Int(line.product_id),
            Value::Int(line.qty),
            Value::Float(line.unit_price),
        ]);
        rows.push(format!(
            "(${}, ${}, ${}, ${}, 0, ${}, 'analyst')",
            at + 1,
            at + 2,
            at + 3,
            at + 4,
            at + 5
        ));
    }
    connection.execute(
        &format!(
            "INSERT INTO silver.purchase_line (id, order_id, product_id, qty_ordered, qty_received, \
             price, source) VALUES {}",
            rows.join(", ")
        ),
        &params,
    )?;
    let suggestions: Vec<Value> = order
        .suggestion_ids
        .iter()
        .map(|id| Value::Int(*id))
        .collect();
    connection.execute(
        &format!(
            "UPDATE app.buying_suggestion SET state = 'accepted', decided_at = current_timestamp \
             WHERE state = 'new' AND id IN ({})",
            placeholders(suggestions.len(), 1)
        ),
        &suggestions,
    )?;
    Ok(json!({
        "purchase_order_id": order_id,
        "purchase_order": name,
        "lines": order.lines.len(),
        "total": order.total,
        "written": true,
    }))
}
