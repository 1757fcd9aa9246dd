//! Write-back of approved proposals (issue 10 §4) through the external API, with the
//! configured user's rights: a draft `purchase.order` with its lines, the min/max of a
//! `stock.warehouse.orderpoint`, archived products, a `mail.activity`.
//!
//! Idempotent by the proposal's reference. What was written is kept in
//! `ops.odoo_write_back` and looked up first; a create whose reply was lost (the client never
//! repeats a create itself) is found in Odoo by the reference it carries (the order's
//! `origin`, the activity's note) before anything is created again. Updates (orderpoint
//! levels, archiving) write the same values however often they run.

use analyst_actions::{
    ActivityPayload, ArchivePayload, ErpFailure, ErpWriter, Payload, PurchaseOrderPayload,
    ReorderRulePayload,
};
use analyst_odoo::{Domain, OdooClient, OdooError, Operator, Query, Record};
use analyst_store::{Connection, Value};
use chrono::{NaiveDate, Utc};
use serde_json::{Value as Json, json};

use crate::SOURCE;
use crate::connection::load_connection;
use crate::error::SyncError;

/// Writes approved proposals to the Odoo connection named `odoo`, when one is configured.
pub struct OdooWriteBack;

impl ErpWriter for OdooWriteBack {
    fn write(
        &self,
        store: &dyn Connection,
        payload: &Payload,
        reference: &str,
    ) -> Result<Option<Json>, ErpFailure> {
        let Some(connection) = load_connection(store, SOURCE).map_err(unavailable)? else {
            return Ok(None);
        };
        if let Some(done) = recorded(store, &connection.name, reference).map_err(unavailable)? {
            return Ok(Some(done));
        }
        let config = connection
            .client_config()
            .map_err(|error| ErpFailure::Refused(error.to_string()))?;
        let client = OdooClient::connect(config).map_err(odoo_failure)?;
        let target = Target {
            store,
            client: &client,
            connection: &connection.name,
        };
        let written = match payload {
            Payload::CreatePurchaseOrder(order) => target.purchase_order(order, reference),
            Payload::UpdateReorderRule(rule) => target.orderpoint(rule),
            Payload::ArchiveProduct(archive) => target.archive(archive),
            Payload::CreateActivity(activity) => target.activity(activity, reference),
        }?;
        record(store, &connection.name, reference, &written).map_err(unavailable)?;
        tracing::info!(reference, written = %written, "written back to Odoo");
        Ok(Some(written))
    }
}

fn unavailable(error: SyncError) -> ErpFailure {
    ErpFailure::Unavailable(error.to_string())
}

/// Odoo's refusals fail the proposal; what may pass on a later attempt is tried again.
fn odoo_failure(error: OdooError) -> ErpFailure {
    match error {
        OdooError::RetriesExhausted { .. } | OdooError::Protocol(_) => {
            ErpFailure::Unavailable(error.to_string())
        }
        error if error.is_transient() => ErpFailure::Unavailable(error.to_string()),
        error => ErpFailure::Refused(format!("Odoo refused the write: {error}")),
    }
}

/// What an earlier run wrote for `reference`.
fn recorded(
    store: &dyn Connection,
    connection: &str,
    reference: &str,
) -> Result<Option<Json>, SyncError> {
    let rows = store.query(
        "SELECT written FROM ops.odoo_write_back WHERE connection = $1 AND reference = $2",
        &[connection.into(), reference.into()],
    )?;
    Ok(rows
        .scalar()
        .and_then(Value::as_str)
        .and_then(|text| serde_json::from_str(text).ok()))
}

fn record(
    store: &dyn Connection,
    connection: &str,
    reference: &str,
    written: &Json,
) -> Result<(), SyncError> {
    store.execute(
        "INSERT INTO ops.odoo_write_back (connection, reference, written, written_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (connection, reference) DO NOTHING",
        &[
            connection.into(),
            reference.into(),
            written.to_string().into(),
            Utc::now().naive_utc().into(),
        ],
    )?;
    Ok(())
}

/// One write-back: the store to translate our ids, the client to write with.
struct Target<'a> {
    store: &'a dyn Connection,
    client: &'a OdooClient,
    connection: &'a str,
}

impl Target<'_> {
    /// Odoo's id of one of our records synced from it; refused when it did not come from Odoo.
    fn odoo_id(&self, model: &str, our_id: i64, what: &str) -> Result<i64, ErpFailure> {
        odoo_id(self.store, self.connection, model, our_id)
            .map_err(unavailable)?
            .ok_or_else(|| {
                ErpFailure::Refused(format!(
                    "{what} is not a {model} synced from Odoo, so Odoo cannot be told about it"
                ))
            })
    }

    /// The first record of `model` matching `domain`.
    fn find(&self, model: &str, domain: Domain) -> Result<Option<i64>, ErpFailure> {
        let query = Query::new(model).domain(domain).order("id asc").limit(1);
        Ok(self
            .client
            .search(&query)
            .map_err(odoo_failure)?
            .first()
            .copied())
    }

    fn purchase_order(
        &self,
        order: &PurchaseOrderPayload,
        reference: &str,
    ) -> Result<Json, ErpFailure> {
        let written = |id: i64, created: bool| json!({"model": "purchase.order", "id": id, "created": created, "origin": reference});
        let by_origin = Domain::leaf("origin", Operator::Eq, reference);
        if let Some(id) = self.find("purchase.order", by_origin)? {
            return Ok(written(id, false));
        }
        let supplier = self.odoo_id("res.partner", order.supplier_id, &order.supplier)?;
        let company = self.odoo_id("res.company", order.company_id, &order.company)?;
        let planned = datetime(order.expected_date);
        let mut lines = Vec::with_capacity(order.lines.len());
        for line in &order.lines {
            let product = self.odoo_id("product.product", line.product_id, &line.sku)?;
            lines.push(json!([0, 0, {
                "product_id": product,
                "product_qty": line.qty,
                "price_unit": line.unit_price,
                "date_planned": planned,
            }]));
        }
        let values = record_of(json!({
            "partner_id": supplier,
            "company_id": company,
            "origin": reference,
            "date_order": datetime(order.order_date),
            "order_line": lines,
        }));
        let id = self
            .client
            .create("purchase.order", &values)
            .map_err(odoo_failure)?;
        Ok(written(id, true))
    }

    fn orderpoint(&self, rule: &ReorderRulePayload) -> Result<Json, ErpFailure> {
        let product = self.odoo_id("product.product", rule.product_id, &rule.sku)?;
        let warehouse = self.odoo_id("stock.warehouse", rule.store_id, &rule.store)?;
        let levels = json!({
            "product_min_qty": rule.after.min_qty,
            "product_max_qty": rule.after.max_qty,
        });
        let existing = Domain::leaf("product_id", Operator::Eq, product).and(Domain::leaf(
            "warehouse_id",
            Operator::Eq,
            warehouse,
        ));
        if let Some(id) = self.find("stock.warehouse.orderpoint", existing)? {
            self.client
                .write("stock.warehouse.orderpoint", &[id], &record_of(levels))
                .map_err(odoo_failure)?;
            return Ok(json!({"model": "stock.warehouse.orderpoint", "id": id, "created": false}));
        }
        // A new rule replenishes the warehouse's stock location.
        let location = self
            .client
            .read("stock.warehouse", &[warehouse], &["lot_stock_id"])
            .map_err(odoo_failure)?
            .first()
            .and_then(|record| crate::record::link(record, "lot_stock_id"))
            .ok_or_else(|| {
                ErpFailure::Refused(format!("{} has no stock location in Odoo", rule.store))
            })?;
        let mut values = record_of(levels);
        values.insert("product_id".into(), product.into());
        values.insert("warehouse_id".into(), warehouse.into());
        values.insert("location_id".into(), location.into());
        let id = self
            .client
            .create("stock.warehouse.orderpoint", &values)
            .map_err(odoo_failure)?;
        Ok(json!({"model": "stock.warehouse.orderpoint", "id": id, "created": true}))
    }

    fn archive(&self, archive: &ArchivePayload) -> Result<Json, ErpFailure> {
        let mut ids = Vec::with_capacity(archive.products.len());
        for product in &archive.products {
            ids.push(self.odoo_id("product.product", product.product_id, &product.sku)?);
        }
        self.client
            .write(
                "product.product",
                &ids,
                &record_of(json!({"active": false})),
            )
            .map_err(odoo_failure)?;
        Ok(json!({"model": "product.product", "archived": ids}))
    }

    fn activity(&self, activity: &ActivityPayload, reference: &str) -> Result<Json, ErpFailure> {
        // About the customer when there is one, else on the record of the Odoo user we write as.
        let (model, res_id) = match (activity.customer_id, &activity.customer) {
            (Some(customer), name) => (
                "res.partner",
                self.odoo_id(
                    "res.partner",
                    customer,
                    name.as_deref().unwrap_or("the customer"),
                )?,
            ),
            (None, _) => ("res.users", self.client.uid()),
        };
        let note = format!("{}\n\n(AI Analyst {reference})", activity.note.trim());
        let same = Domain::leaf("res_model", Operator::Eq, model)
            .and(Domain::leaf("res_id", Operator::Eq, res_id))
            .and(Domain::leaf("note", Operator::ILike, reference));
        if let Some(id) = self.find("mail.activity", same)? {
            return Ok(json!({"model": "mail.activity", "id": id, "created": false}));
        }
        let model_id = self
            .find("ir.model", Domain::leaf("model", Operator::Eq, model))?
            .ok_or_else(|| ErpFailure::Refused(format!("Odoo does not list the model {model}")))?;
        let mut values = record_of(json!({
            "res_model_id": model_id,
            "res_model": model,
            "res_id": res_id,
            "summary": activity.summary,
            "note": note,
            "date_deadline": activity.due_date.format("%Y-%m-%d").to_string(),
        }));
        // Assigned to the Odoo user with the assignee's login, else to the user we write as.
        if let Some(user) = self.find(
            "res.users",
            Domain::leaf("login", Operator::Eq, activity.assignee.as_str()),
        )? {
            values.insert("user_id".into(), user.into());
        }
        let id = self
            .client
            .create("mail.activity", &values)
            .map_err(odoo_failure)?;
        Ok(json!({"model": "mail.activity", "id": id, "created": true}))
    }
}

fn record_of(value: Json) -> Record {
    match value {
        Json::Object(record) => record,
        _ => Record::new(),
    }
}

/// A day as Odoo's datetime (midnight UTC).
fn datetime(day: NaiveDate) -> String {
    format!("{} 00:00:00", day.format("%Y-%m-%d"))
}

/// The Odoo id of one of our records synced from `connection` (a product or supplier a
/// proposal names), `None` when it did not come from Odoo.
pub fn odoo_id(
    store: &dyn Connection,
    connection: &str,
    model: &str,
    our_id: i64,
) -> Result<Option<i64>, SyncError> {
    Ok(store
        .query(
            "SELECT odoo_id FROM ops.source_id_map WHERE source = $1 AND model = $2 AND id = $3",
            &[connection.into(), model.into(), our_id.into()],
        )?
        .scalar()
        .and_then(Value::as_i64))
}
