//! Odoo records → silver rows. Each function runs inside the page's transaction; dimension
//! rows are upserted by our id, fact rows (sales lines, stock levels) replaced.

mod documents;
mod master;
mod sales;

use std::collections::{BTreeSet, HashMap};

use analyst_odoo::Record;
use analyst_store::{Connection, Value};
use chrono::NaiveDate;

use crate::connection::MappingSettings;
use crate::error::SyncError;
use crate::ids::IdMap;
use crate::models::Silver;

/// What mapping needs across pages of one run, and what it found out.
pub(crate) struct Context<'a> {
    pub store: &'a dyn Connection,
    pub connection: &'a str,
    pub settings: &'a MappingSettings,
    pub ids: IdMap,
    /// Sales dates whose gold aggregates need a rebuild.
    pub touched: BTreeSet<NaiveDate>,
    /// Sales lines whose fractional quantity was rounded (silver's qty is an integer).
    pub rounded_quantities: u64,
    /// Product id → standard cost, loaded when sales lines are first mapped.
    costs: Option<HashMap<i64, f64>>,
    /// Stores found for companies and POS configs.
    stores: HashMap<(&'static str, i64), i64>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        store: &'a dyn Connection,
        connection: &'a str,
        settings: &'a MappingSettings,
    ) -> Self {
        Context {
            store,
            connection,
            settings,
            ids: IdMap::new(connection),
            touched: BTreeSet::new(),
            rounded_quantities: 0,
            costs: None,
            stores: HashMap::new(),
        }
    }

    /// Forgets what a rolled-back transaction may have left in the caches.
    pub(crate) fn forget(&mut self) {
        self.ids.forget();
        self.costs = None;
        self.stores.clear();
    }

    /// Our id of the record a many2one points at (assigned if new); `None` when empty.
    pub(crate) fn link(
        &mut self,
        model: &'static str,
        record: &Record,
        field: &str,
    ) -> Result<Option<i64>, SyncError> {
        match crate::record::link(record, field) {
            Some(odoo_id) => Ok(Some(self.ids.assign(self.store, model, odoo_id)?)),
            None => Ok(None),
        }
    }

    /// The company a record belongs to; the first synced company when it has none (shared
    /// records such as most partners).
    pub(crate) fn company(&mut self, record: &Record) -> Result<i64, SyncError> {
        if let Some(id) = self.link("res.company", record, "company_id")? {
            return Ok(id);
        }
        let rows = self.store.query(
            "SELECT id FROM ops.source_id_map WHERE source = $1 AND model = 'res.company'
             ORDER BY odoo_id LIMIT 1",
            &[self.connection.into()],
        )?;
        rows.scalar().and_then(Value::as_i64).ok_or_else(|| {
            SyncError::Config("no company was synced from Odoo: res.company is empty".into())
        })
    }
}

/// Maps a page of records of a model into silver.
pub(crate) fn map_page(
    context: &mut Context<'_>,
    silver: Silver,
    records: &[Record],
) -> Result<(), SyncError> {
    match silver {
        Silver::RawOnly => Ok(()),
        Silver::Company => master::companies(context, records),
        Silver::Partner => master::partners(context, records),
        Silver::Product => {
            context.costs = None;
            master::products(context, records)
        }
        Silver::SupplierInfo => master::supplier_infos(context, records),
        Silver::Warehouse => master::warehouses(context, records),
        Silver::PosConfig => {
            context.stores.clear();
            master::pos_configs(context, records)
        }
        Silver::Quants => master::stock_levels(context, records),
        Silver::PosOrder | Silver::SaleOrder => {
            let orders: Vec<i64> = records.iter().filter_map(crate::record::id).collect();
            sales::rebuild_orders(context, silver, &orders)
        }
        Silver::PosLine | Silver::SaleLine => sales::lines(context, silver, records),
        Silver::PurchaseOrder => documents::purchase_orders(context, records),
        Silver::PurchaseLine => documents::purchase_lines(context, records),
        Silver::Invoice => documents::invoices(context, records),
        Silver::HelpdeskTicket => documents::helpdesk_tickets(context, records),
    }
}

/// Takes records deleted in Odoo out of silver. Master data (companies, partners, stores)
/// stays, as history points at it; a deleted product is kept archived.
pub(crate) fn remove(
    context: &mut Context<'_>,
    silver: Silver,
    odoo_ids: &[i64],
) -> Result<(), SyncError> {
    match silver {
        Silver::PosOrder | Silver::SaleOrder => sales::rebuild_orders(context, silver, odoo_ids),
        Silver::PosLine | Silver::SaleLine => sales::delete_lines(context, silver, odoo_ids),
        Silver::Product => master::archive_products(context, odoo_ids),
        Silver::Quants => {
            let products =
                crate::raw::parents(context.store, context.connection, "stock.quant", odoo_ids)?;
            master::restock(context, &products)
        }
        Silver::PurchaseOrder => {
            documents::delete(context, "purchase_order", "purchase.order", odoo_ids)
        }
        Silver::PurchaseLine => {
            documents::delete(context, "purchase_line", "purchase.order.line", odoo_ids)
        }
        Silver::Invoice => documents::delete(context, "invoice", "account.move", odoo_ids),
        Silver::HelpdeskTicket => {
            documents::delete(context, "helpdesk_ticket", "helpdesk.ticket", odoo_ids)
        }
        _ => Ok(()),
    }
}

/// Inserts or updates one row by its `id` column: `columns[0]` must be `id`. Table and
/// column names are this crate's constants, never input.
pub(crate) fn upsert(
    store: &dyn Connection,
    table: &str,
    columns: &[&str],
    values: &[Value],
) -> Result<(), SyncError> {
    let updates: Vec<String> = columns
        .iter()
        .skip(1)
        .map(|column| format!("{column} = EXCLUDED.{column}"))
        .collect();
    store.execute(
        &format!(
            "INSERT INTO silver.{table} ({}) VALUES ({}) ON CONFLICT (id) DO UPDATE SET {}",
            columns.join(", "),
            crate::raw::placeholders(1, columns.len()),
            updates.join(", ")
        ),
        values,
    )?;
    Ok(())
}

/// A float cell (money rounded to the cent).
pub(crate) fn money(amount: f64) -> Value {
    Value::Float(crate::record::cents(amount))
}

/// A nullable id cell.
pub(crate) fn optional_id(id: Option<i64>) -> Value {
    id.map_or(Value::Null, Value::Int)
}
