//! Bulk loading of canonical rows: the one write path of the demo, file imports and syncs.

use std::collections::BTreeSet;

use analyst_core::rows::{
    Company, Customer, HelpdeskTicket, Invoice, Product, PurchaseLine, PurchaseOrder, SalesLine,
    Satang, StockLevel, StockMove, Store, Supplier, SupplierProduct, UploadError, UploadLine,
};
use chrono::NaiveDate;
use duckdb::types::Decimal;
use duckdb::{Appender, params};

use crate::{DuckConnection, Result, StoreError};

/// Appends canonical rows in bulk. Call [`BulkLoader::finish`] to flush; the dates of the sales
/// lines it returns are the ones whose gold aggregates need a rebuild.
pub trait BulkLoader {
    fn companies(&mut self, rows: &[Company], source: &str) -> Result<()>;
    fn stores(&mut self, rows: &[Store], source: &str) -> Result<()>;
    fn customers(&mut self, rows: &[Customer], source: &str) -> Result<()>;
    fn suppliers(&mut self, rows: &[Supplier], source: &str) -> Result<()>;
    fn products(&mut self, rows: &[Product], source: &str) -> Result<()>;
    fn supplier_products(&mut self, rows: &[SupplierProduct], source: &str) -> Result<()>;
    /// Sales lines carry their own `source`.
    fn sales_lines(&mut self, rows: &[SalesLine]) -> Result<()>;
    fn stock_levels(&mut self, rows: &[StockLevel], source: &str) -> Result<()>;
    fn stock_moves(&mut self, rows: &[StockMove], source: &str) -> Result<()>;
    fn purchase_orders(&mut self, rows: &[PurchaseOrder], source: &str) -> Result<()>;
    fn purchase_lines(&mut self, rows: &[PurchaseLine], source: &str) -> Result<()>;
    fn helpdesk_tickets(&mut self, rows: &[HelpdeskTicket], source: &str) -> Result<()>;
    fn invoices(&mut self, rows: &[Invoice], source: &str) -> Result<()>;
    /// Rows of an uploaded file, into `raw.upload_line`.
    fn upload_lines(&mut self, rows: &[UploadLine]) -> Result<()>;
    /// Rows of an uploaded file that were not loaded, into `ops.upload_error`.
    fn upload_errors(&mut self, rows: &[UploadError]) -> Result<()>;
    /// Flushes everything appended and returns the sales dates touched.
    fn finish(self: Box<Self>) -> Result<BTreeSet<NaiveDate>>;
}

/// DuckDB's appender: rows go to the column store in chunks, not statement by statement.
pub(crate) struct DuckLoader<'a> {
    store: &'a DuckConnection,
    sales: Option<Appender<'a>>,
    moves: Option<Appender<'a>>,
    uploads: Option<Appender<'a>>,
    touched: BTreeSet<NaiveDate>,
}

impl<'a> DuckLoader<'a> {
    pub(crate) fn new(store: &'a DuckConnection) -> Result<Self> {
        Ok(DuckLoader {
            store,
            sales: None,
            moves: None,
            uploads: None,
            touched: BTreeSet::new(),
        })
    }

    fn appender(&self, table: &str) -> Result<Appender<'a>> {
        self.appender_in("silver", table)
    }

    fn appender_in(&self, schema: &str, table: &str) -> Result<Appender<'a>> {
        Ok(self.store.raw().appender_to_db(table, schema)?)
    }

    /// Appends every row of a small silver table through one appender, flushed at the end.
    fn append_all<T>(
        &self,
        table: &str,
        rows: &[T],
        append: impl FnMut(&mut Appender<'a>, &T) -> Result<()>,
    ) -> Result<()> {
        self.append_all_in("silver", table, rows, append)
    }

    fn append_all_in<T>(
        &self,
        schema: &str,
        table: &str,
        rows: &[T],
        mut append: impl FnMut(&mut Appender<'a>, &T) -> Result<()>,
    ) -> Result<()> {
        let mut appender = self.appender_in(schema, table)?;
        for row in rows {
            append(&mut appender, row)?;
        }
        appender.flush()?;
        Ok(())
    }
}

/// Satang as an exact `DECIMAL(14,2)`.
fn money(amount: Satang) -> Result<Decimal> {
    Decimal::new(14, 2, i128::from(amount))
        .map_err(|error| StoreError::Query(format!("amount {amount} out of range: {error}")))
}

impl BulkLoader for DuckLoader<'_> {
    fn companies(&mut self, rows: &[Company], source: &str) -> Result<()> {
        self.append_all("company", rows, |appender, row| {
            Ok(appender.append_row(params![row.id, row.code, row.name, source, None::<String>])?)
        })
    }

    fn stores(&mut self, rows: &[Store], source: &str) -> Result<()> {
        self.append_all("store", rows, |appender, row| {
            Ok(appender.append_row(params![
                row.id,
                row.code,
                row.name,
                row.company_id,
                row.kind.as_str(),
                source,
                None::<String>
            ])?)
        })
    }

    fn customers(&mut self, rows: &[Customer], source: &str) -> Result<()> {
        self.append_all("customer", rows, |appender, row| {
            Ok(appender.append_row(params![
                row.id,
                row.name,
                row.segment,
                row.company_id,
                source,
                None::<String>
            ])?)
        })
    }

    fn suppliers(&mut self, rows: &[Supplier], source: &str) -> Result<()> {
        self.append_all("supplier", rows, |appender, row| {
            Ok(appender.append_row(params![row.id, row.name, source, None::<String>])?)
        })
    }

    fn products(&mut self, rows: &[Product], source: &str) -> Result<()> {
        self.append_all("product", rows, |appender, row| {
            Ok(appender.append_row(params![
                row.id,
                row.template_id,
                row.name,
                row.sku,
                row.brand,
                row.category,
                row.subcategory,
                row.gender,
                row.season,
                row.color,
                row.size,
                money(row.list_price)?,
                money(row.standard_cost)?,
                row.active,
                row.supplier_id,
                source,
                None::<String>,
                row.barcode
            ])?)
        })
    }

    fn supplier_products(&mut self, rows: &[SupplierProduct], source: &str) -> Result<()> {
        self.append_all("supplier_product", rows, |appender, row| {
            Ok(appender.append_row(params![
                row.supplier_id,
                row.product_id,
                row.lead_time_days,
                row.min_qty,
                row.pack_size,
                money(row.price)?,
                source,
                None::<String>
            ])?)
        })
    }

    fn sales_lines(&mut self, rows: &[SalesLine]) -> Result<()> {
        if self.sales.is_none() {
            self.sales = Some(self.appender("sales_line")?);
        }
        let Some(appender) = self.sales.as_mut() else {
            return Ok(());
        };
        let mut last_date = None;
        for row in rows {
            appender.append_row(params![
                row.id,
                row.date,
                row.company_id,
                row.store_id,
                row.channel.as_str(),
                row.customer_id,
                row.product_id,
                row.order_ref,
                row.qty,
                money(row.net_amount)?,
                money(row.cost_amount)?,
                money(row.discount_amount)?,
                "THB",
                row.source,
                row.source_ref
            ])?;
            if last_date != Some(row.date) {
                self.touched.insert(row.date);
                last_date = Some(row.date);
            }
        }
        Ok(())
    }

    fn stock_levels(&mut self, rows: &[StockLevel], source: &str) -> Result<()> {
        self.append_all("stock_level", rows, |appender, row| {
            Ok(appender.append_row(params![
                row.product_id,
                row.store_id,
                row.on_hand,
                row.reserved,
                row.incoming,
                row.as_of,
                source
            ])?)
        })
    }

    fn stock_moves(&mut self, rows: &[StockMove], source: &str) -> Result<()> {
        if self.moves.is_none() {
            self.moves = Some(self.appender("stock_move")?);
        }
        let Some(appender) = self.moves.as_mut() else {
            return Ok(());
        };
        for row in rows {
            appender.append_row(params![
                row.id,
                row.date,
                row.product_id,
                row.store_id,
                row.qty,
                money(row.unit_cost)?,
                row.kind,
                row.reference,
                source
            ])?;
        }
        Ok(())
    }

    fn purchase_orders(&mut self, rows: &[PurchaseOrder], source: &str) -> Result<()> {
        self.append_all("purchase_order", rows, |appender, row| {
            Ok(appender.append_row(params![
                row.id,
                row.name,
                row.company_id,
                row.supplier_id,
                row.store_id,
                row.state,
                row.order_date,
                row.expected_date,
                source,
                None::<String>
            ])?)
        })
    }

    fn purchase_lines(&mut self, rows: &[PurchaseLine], source: &str) -> Result<()> {
        self.append_all("purchase_line", rows, |appender, row| {
            Ok(appender.append_row(params![
                row.id,
                row.order_id,
                row.product_id,
                row.qty_ordered,
                row.qty_received,
                money(row.price)?,
                source
            ])?)
        })
    }

    fn helpdesk_tickets(&mut self, rows: &[HelpdeskTicket], source: &str) -> Result<()> {
        self.append_all("helpdesk_ticket", rows, |appender, row| {
            Ok(appender.append_row(params![
                row.id,
                row.company_id,
                row.team,
                row.stage,
                row.priority,
                row.created,
                row.closed,
                row.sla_deadline,
                row.customer_id,
                row.subject,
                source,
                None::<String>
            ])?)
        })
    }

    fn invoices(&mut self, rows: &[Invoice], source: &str) -> Result<()> {
        self.append_all("invoice", rows, |appender, row| {
            Ok(appender.append_row(params![
                row.id,
                row.company_id,
                row.kind,
                row.number,
                row.customer_id,
                row.supplier_id,
                row.date,
                row.due_date,
                money(row.amount)?,
                money(row.residual)?,
                row.payment_state,
                source,
                None::<String>
            ])?)
        })
    }

    fn upload_lines(&mut self, rows: &[UploadLine]) -> Result<()> {
        if self.uploads.is_none() {
            self.uploads = Some(self.appender_in("raw", "upload_line")?);
        }
        let Some(appender) = self.uploads.as_mut() else {
            return Ok(());
        };
        let now = chrono::Utc::now().naive_utc();
        for row in rows {
            appender.append_row(params![
                row.batch_id,
                row.line,
                row.date,
                row.store_code,
                row.store_name,
                row.sku,
                row.barcode,
                row.product_name,
                row.brand,
                row.category,
                row.subcategory,
                row.customer,
                row.order_ref,
                row.qty,
                money(row.net_amount)?,
                money(row.discount_amount)?,
                now
            ])?;
        }
        Ok(())
    }

    fn upload_errors(&mut self, rows: &[UploadError]) -> Result<()> {
        self.append_all_in("ops", "upload_error", rows, |appender, row| {
            Ok(appender.append_row(params![
                row.batch_id,
                row.line,
                row.column,
                row.value,
                row.reason
            ])?)
        })
    }

    fn finish(mut self: Box<Self>) -> Result<BTreeSet<NaiveDate>> {
        for appender in [
            self.sales.as_mut(),
            self.moves.as_mut(),
            self.uploads.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            appender.flush()?;
        }
        Ok(std::mem::take(&mut self.touched))
    }
}
