//! Bulk loading of canonical rows: the one write path of the demo, file imports and syncs.
//!
//! Each canonical row type knows its table and lays itself out as [`Field`]s in the table's
//! column order (the order of the migrations); each backend only writes fields (DuckDB's
//! appender, PostgreSQL's COPY), so a table's layout is written once.

use std::collections::BTreeSet;

use analyst_core::rows::{
    Company, Customer, HelpdeskTicket, Invoice, Product, PurchaseLine, PurchaseOrder, SalesLine,
    Satang, StockLevel, StockMove, Store, Supplier, SupplierProduct, UploadError, UploadLine,
};
use chrono::{NaiveDate, NaiveDateTime};

use crate::Result;

/// Appends canonical rows in bulk. Call [`BulkLoader::finish`] to flush; the dates of the sales
/// lines it returns are the ones whose gold aggregates need a rebuild.
pub trait BulkLoader {
    /// Appends rows to their table; the methods below are the way to call it.
    fn append(&mut self, rows: &dyn TableRows) -> Result<()>;
    /// Flushes everything appended and returns the sales dates touched.
    fn finish(self: Box<Self>) -> Result<BTreeSet<NaiveDate>>;

    fn companies(&mut self, rows: &[Company], source: &str) -> Result<()> {
        self.append(&Batch::new(rows, source))
    }
    fn stores(&mut self, rows: &[Store], source: &str) -> Result<()> {
        self.append(&Batch::new(rows, source))
    }
    fn customers(&mut self, rows: &[Customer], source: &str) -> Result<()> {
        self.append(&Batch::new(rows, source))
    }
    fn suppliers(&mut self, rows: &[Supplier], source: &str) -> Result<()> {
        self.append(&Batch::new(rows, source))
    }
    fn products(&mut self, rows: &[Product], source: &str) -> Result<()> {
        self.append(&Batch::new(rows, source))
    }
    fn supplier_products(&mut self, rows: &[SupplierProduct], source: &str) -> Result<()> {
        self.append(&Batch::new(rows, source))
    }
    /// Sales lines carry their own `source`.
    fn sales_lines(&mut self, rows: &[SalesLine]) -> Result<()> {
        self.append(&Batch::new(rows, ""))
    }
    fn stock_levels(&mut self, rows: &[StockLevel], source: &str) -> Result<()> {
        self.append(&Batch::new(rows, source))
    }
    fn stock_moves(&mut self, rows: &[StockMove], source: &str) -> Result<()> {
        self.append(&Batch::new(rows, source))
    }
    fn purchase_orders(&mut self, rows: &[PurchaseOrder], source: &str) -> Result<()> {
        self.append(&Batch::new(rows, source))
    }
    fn purchase_lines(&mut self, rows: &[PurchaseLine], source: &str) -> Result<()> {
        self.append(&Batch::new(rows, source))
    }
    fn helpdesk_tickets(&mut self, rows: &[HelpdeskTicket], source: &str) -> Result<()> {
        self.append(&Batch::new(rows, source))
    }
    fn invoices(&mut self, rows: &[Invoice], source: &str) -> Result<()> {
        self.append(&Batch::new(rows, source))
    }
    /// Rows of an uploaded file, into `raw.upload_line`.
    fn upload_lines(&mut self, rows: &[UploadLine]) -> Result<()> {
        self.append(&Batch::new(rows, ""))
    }
    /// Rows of an uploaded file that were not loaded, into `ops.upload_error`.
    fn upload_errors(&mut self, rows: &[UploadError]) -> Result<()> {
        self.append(&Batch::new(rows, ""))
    }
}

/// The table rows go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Table {
    pub schema: &'static str,
    pub name: &'static str,
    /// A large fact table: a loader may keep appending to it across calls until `finish`
    /// (smaller tables are written out at the end of each call, so later queries see them).
    pub streamed: bool,
}

impl Table {
    const fn silver(name: &'static str) -> Table {
        Table {
            schema: "silver",
            name,
            streamed: false,
        }
    }
}

/// One cell of a row being loaded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Field<'r> {
    Null,
    Bool(bool),
    Int(i32),
    BigInt(i64),
    Text(&'r str),
    /// An exact `DECIMAL(14,2)` amount in minor units.
    Money(Satang),
    Date(NaiveDate),
    Timestamp(NaiveDateTime),
}

impl From<bool> for Field<'_> {
    fn from(value: bool) -> Self {
        Field::Bool(value)
    }
}

impl From<i32> for Field<'_> {
    fn from(value: i32) -> Self {
        Field::Int(value)
    }
}

impl From<i64> for Field<'_> {
    fn from(value: i64) -> Self {
        Field::BigInt(value)
    }
}

impl<'r> From<&'r str> for Field<'r> {
    fn from(value: &'r str) -> Self {
        Field::Text(value)
    }
}

impl<'r> From<&'r String> for Field<'r> {
    fn from(value: &'r String) -> Self {
        Field::Text(value)
    }
}

impl From<NaiveDate> for Field<'_> {
    fn from(value: NaiveDate) -> Self {
        Field::Date(value)
    }
}

impl<'r, T: Into<Field<'r>>> From<Option<T>> for Field<'r> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Field::Null, Into::into)
    }
}

/// Rows of one table, handed to a backend field by field.
pub trait TableRows {
    fn table(&self) -> Table;
    /// Calls `write` with the fields of each row, in the table's column order.
    fn each_row(&self, write: &mut dyn FnMut(&[Field<'_>]) -> Result<()>) -> Result<()>;
    /// Adds the dates of the sales lines among the rows to `touched`.
    fn sales_dates(&self, touched: &mut BTreeSet<NaiveDate>);
}

/// What every row of one call shares.
struct Context<'a> {
    source: &'a str,
    /// When the rows were loaded (`_synced_at` of raw tables).
    loaded_at: NaiveDateTime,
}

/// A canonical row type: its table and its fields.
trait Record {
    const TABLE: Table;
    fn fields<'r>(&'r self, context: &Context<'r>, out: &mut Vec<Field<'r>>);
    fn sales_date(&self) -> Option<NaiveDate> {
        None
    }
}

struct Batch<'a, T> {
    rows: &'a [T],
    context: Context<'a>,
}

impl<'a, T> Batch<'a, T> {
    fn new(rows: &'a [T], source: &'a str) -> Self {
        Batch {
            rows,
            context: Context {
                source,
                loaded_at: chrono::Utc::now().naive_utc(),
            },
        }
    }
}

impl<T: Record> TableRows for Batch<'_, T> {
    fn table(&self) -> Table {
        T::TABLE
    }

    fn each_row(&self, write: &mut dyn FnMut(&[Field<'_>]) -> Result<()>) -> Result<()> {
        let mut fields = Vec::new();
        for row in self.rows {
            fields.clear();
            row.fields(&self.context, &mut fields);
            write(&fields)?;
        }
        Ok(())
    }

    fn sales_dates(&self, touched: &mut BTreeSet<NaiveDate>) {
        let mut last = None;
        for date in self.rows.iter().filter_map(Record::sales_date) {
            // Rows come grouped by date: skip the set lookup for a repeated date.
            if last != Some(date) {
                touched.insert(date);
                last = Some(date);
            }
        }
    }
}

impl Record for Company {
    const TABLE: Table = Table::silver("company");
    fn fields<'r>(&'r self, context: &Context<'r>, out: &mut Vec<Field<'r>>) {
        out.extend([
            Field::from(self.id),
            (&self.code).into(),
            (&self.name).into(),
            context.source.into(),
            Field::Null,
        ]);
    }
}

impl Record for Store {
    const TABLE: Table = Table::silver("store");
    fn fields<'r>(&'r self, context: &Context<'r>, out: &mut Vec<Field<'r>>) {
        out.extend([
            Field::from(self.id),
            (&self.code).into(),
            (&self.name).into(),
            self.company_id.into(),
            self.kind.as_str().into(),
            context.source.into(),
            Field::Null,
        ]);
    }
}

impl Record for Customer {
    const TABLE: Table = Table::silver("customer");
    fn fields<'r>(&'r self, context: &Context<'r>, out: &mut Vec<Field<'r>>) {
        out.extend([
            Field::from(self.id),
            (&self.name).into(),
            (&self.segment).into(),
            self.company_id.into(),
            context.source.into(),
            Field::Null,
        ]);
    }
}

impl Record for Supplier {
    const TABLE: Table = Table::silver("supplier");
    fn fields<'r>(&'r self, context: &Context<'r>, out: &mut Vec<Field<'r>>) {
        out.extend([
            Field::from(self.id),
            (&self.name).into(),
            context.source.into(),
            Field::Null,
        ]);
    }
}

impl Record for Product {
    const TABLE: Table = Table::silver("product");
    fn fields<'r>(&'r self, context: &Context<'r>, out: &mut Vec<Field<'r>>) {
        out.extend([
            Field::from(self.id),
            self.template_id.into(),
            (&self.name).into(),
            (&self.sku).into(),
            (&self.brand).into(),
            (&self.category).into(),
            (&self.subcategory).into(),
            (&self.gender).into(),
            (&self.season).into(),
            (&self.color).into(),
            (&self.size).into(),
            Field::Money(self.list_price),
            Field::Money(self.standard_cost),
            self.active.into(),
            self.supplier_id.into(),
            context.source.into(),
            Field::Null,
            self.barcode.as_ref().into(),
        ]);
    }
}

impl Record for SupplierProduct {
    const TABLE: Table = Table::silver("supplier_product");
    fn fields<'r>(&'r self, context: &Context<'r>, out: &mut Vec<Field<'r>>) {
        out.extend([
            Field::from(self.supplier_id),
            self.product_id.into(),
            self.lead_time_days.into(),
            self.min_qty.into(),
            self.pack_size.into(),
            Field::Money(self.price),
            context.source.into(),
            Field::Null,
        ]);
    }
}

impl Record for SalesLine {
    const TABLE: Table = Table {
        streamed: true,
        ..Table::silver("sales_line")
    };
    fn fields<'r>(&'r self, _: &Context<'r>, out: &mut Vec<Field<'r>>) {
        out.extend([
            Field::from(self.id),
            self.date.into(),
            self.company_id.into(),
            self.store_id.into(),
            self.channel.as_str().into(),
            self.customer_id.into(),
            self.product_id.into(),
            (&self.order_ref).into(),
            self.qty.into(),
            Field::Money(self.net_amount),
            Field::Money(self.cost_amount),
            Field::Money(self.discount_amount),
            "THB".into(),
            (&self.source).into(),
            (&self.source_ref).into(),
        ]);
    }
    fn sales_date(&self) -> Option<NaiveDate> {
        Some(self.date)
    }
}

impl Record for StockLevel {
    const TABLE: Table = Table::silver("stock_level");
    fn fields<'r>(&'r self, context: &Context<'r>, out: &mut Vec<Field<'r>>) {
        out.extend([
            Field::from(self.product_id),
            self.store_id.into(),
            self.on_hand.into(),
            self.reserved.into(),
            self.incoming.into(),
            self.as_of.into(),
            context.source.into(),
        ]);
    }
}

impl Record for StockMove {
    const TABLE: Table = Table {
        streamed: true,
        ..Table::silver("stock_move")
    };
    fn fields<'r>(&'r self, context: &Context<'r>, out: &mut Vec<Field<'r>>) {
        out.extend([
            Field::from(self.id),
            self.date.into(),
            self.product_id.into(),
            self.store_id.into(),
            self.qty.into(),
            Field::Money(self.unit_cost),
            (&self.kind).into(),
            (&self.reference).into(),
            context.source.into(),
        ]);
    }
}

impl Record for PurchaseOrder {
    const TABLE: Table = Table::silver("purchase_order");
    fn fields<'r>(&'r self, context: &Context<'r>, out: &mut Vec<Field<'r>>) {
        out.extend([
            Field::from(self.id),
            (&self.name).into(),
            self.company_id.into(),
            self.supplier_id.into(),
            self.store_id.into(),
            (&self.state).into(),
            self.order_date.into(),
            self.expected_date.into(),
            context.source.into(),
            Field::Null,
        ]);
    }
}

impl Record for PurchaseLine {
    const TABLE: Table = Table::silver("purchase_line");
    fn fields<'r>(&'r self, context: &Context<'r>, out: &mut Vec<Field<'r>>) {
        out.extend([
            Field::from(self.id),
            self.order_id.into(),
            self.product_id.into(),
            self.qty_ordered.into(),
            self.qty_received.into(),
            Field::Money(self.price),
            context.source.into(),
        ]);
    }
}

impl Record for HelpdeskTicket {
    const TABLE: Table = Table::silver("helpdesk_ticket");
    fn fields<'r>(&'r self, context: &Context<'r>, out: &mut Vec<Field<'r>>) {
        out.extend([
            Field::from(self.id),
            self.company_id.into(),
            (&self.team).into(),
            (&self.stage).into(),
            self.priority.into(),
            self.created.into(),
            self.closed.into(),
            self.sla_deadline.into(),
            self.customer_id.into(),
            (&self.subject).into(),
            context.source.into(),
            Field::Null,
        ]);
    }
}

impl Record for Invoice {
    const TABLE: Table = Table::silver("invoice");
    fn fields<'r>(&'r self, context: &Context<'r>, out: &mut Vec<Field<'r>>) {
        out.extend([
            Field::from(self.id),
            self.company_id.into(),
            (&self.kind).into(),
            (&self.number).into(),
            self.customer_id.into(),
            self.supplier_id.into(),
            self.date.into(),
            self.due_date.into(),
            Field::Money(self.amount),
            Field::Money(self.residual),
            (&self.payment_state).into(),
            context.source.into(),
            Field::Null,
        ]);
    }
}

impl Record for UploadLine {
    const TABLE: Table = Table {
        schema: "raw",
        name: "upload_line",
        streamed: true,
    };
    fn fields<'r>(&'r self, context: &Context<'r>, out: &mut Vec<Field<'r>>) {
        out.extend([
            Field::from(self.batch_id),
            self.line.into(),
            self.date.into(),
            self.store_code.as_ref().into(),
            self.store_name.as_ref().into(),
            self.sku.as_ref().into(),
            self.barcode.as_ref().into(),
            self.product_name.as_ref().into(),
            self.brand.as_ref().into(),
            self.category.as_ref().into(),
            self.subcategory.as_ref().into(),
            self.customer.as_ref().into(),
            self.order_ref.as_ref().into(),
            self.qty.into(),
            Field::Money(self.net_amount),
            Field::Money(self.discount_amount),
            Field::Timestamp(context.loaded_at),
        ]);
    }
}

impl Record for UploadError {
    const TABLE: Table = Table {
        schema: "ops",
        name: "upload_error",
        streamed: false,
    };
    fn fields<'r>(&'r self, _: &Context<'r>, out: &mut Vec<Field<'r>>) {
        out.extend([
            Field::from(self.batch_id),
            self.line.into(),
            (&self.column).into(),
            (&self.value).into(),
            (&self.reason).into(),
        ]);
    }
}
