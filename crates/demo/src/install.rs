//! Writing the demo business into a store through the bulk load path, and removing it.

use std::collections::BTreeSet;

use analyst_core::rows::{
    HelpdeskTicket, Invoice, PurchaseLine, PurchaseOrder, SalesLine, StockLevel, StockMove,
};
use analyst_store::gold::refresh_daily_sales;
use analyst_store::load::BulkLoader;
use analyst_store::{Connection, Result, StoreError, Value, transaction};
use chrono::NaiveDate;

use crate::{DEMO_SOURCE, DemoConfig, DemoSink, MasterData, generate, planted};

/// The first day of demo data.
pub const DEMO_START: NaiveDate = match NaiveDate::from_ymd_opt(2024, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// Opens a new embedded store in `dir` and installs the demo business of `config` in it.
pub fn new_store(dir: &std::path::Path, config: &DemoConfig) -> Result<Box<dyn Connection + Send>> {
    let connection = analyst_store::open(
        &analyst_store::Location::DataDir(dir.to_path_buf()),
        analyst_store::AccessMode::ReadWrite,
    )?;
    install(connection.as_ref(), config, &mut |_| {})?;
    Ok(connection)
}

/// Tables that carry a `source` column, in an order safe for deleting.
const TABLES_WITH_SOURCE: [&str; 13] = [
    "silver.sales_line",
    "silver.stock_move",
    "silver.stock_level",
    "silver.purchase_line",
    "silver.purchase_order",
    "silver.helpdesk_ticket",
    "silver.invoice",
    "silver.supplier_product",
    "silver.product",
    "silver.customer",
    "silver.supplier",
    "silver.store",
    "silver.company",
];

/// Tables whose `id` the demo must not collide with.
const TABLES_WITH_ID: [&str; 11] = [
    "silver.company",
    "silver.store",
    "silver.customer",
    "silver.supplier",
    "silver.product",
    "silver.sales_line",
    "silver.stock_move",
    "silver.purchase_order",
    "silver.purchase_line",
    "silver.helpdesk_ticket",
    "silver.invoice",
];

/// What an install wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstallReport {
    pub sales_lines: u64,
    pub products: u64,
    pub customers: u64,
    pub stock_levels: u64,
    pub stock_moves: u64,
    pub purchase_orders: u64,
    pub helpdesk_tickets: u64,
    pub invoices: u64,
    pub gold_rows: u64,
}

/// Whether the store holds any sales or products (demo or not).
pub fn holds_data(connection: &dyn Connection) -> Result<bool> {
    let rows = connection.query(
        "SELECT (SELECT count(*) FROM silver.sales_line) + (SELECT count(*) FROM silver.product)",
        &[],
    )?;
    Ok(rows.scalar().and_then(Value::as_i64).unwrap_or(0) > 0)
}

/// Generates the demo business into the store in one transaction: it replaces an earlier demo
/// business, keeps every other row, and lands whole or not at all. `progress` hears the number
/// of sales lines written so far.
pub fn install(
    connection: &dyn Connection,
    config: &DemoConfig,
    progress: &mut dyn FnMut(u64),
) -> Result<InstallReport> {
    transaction(connection, || {
        let old_dates = delete_demo_rows(connection)?;
        let config = DemoConfig {
            id_base: config.id_base.max(highest_id(connection)?),
            ..config.clone()
        };
        let mut sink = StoreSink {
            loader: connection.bulk_loader()?,
            report: InstallReport::default(),
            progress,
        };
        generate(&config, &mut sink)?;
        let StoreSink {
            loader, mut report, ..
        } = sink;
        let mut touched = loader.finish()?;
        record_planted(connection, &config)?;
        touched.extend(old_dates);
        report.gold_rows = refresh_daily_sales(connection, &touched)?;
        Ok(report)
    })
}

/// Deletes the demo business (rows whose source is the demo) and rebuilds the aggregates of the
/// dates it covered; returns the number of rows deleted.
pub fn remove(connection: &dyn Connection) -> Result<u64> {
    transaction(connection, || {
        let before = count_rows(connection)?;
        let dates = delete_demo_rows(connection)?;
        refresh_daily_sales(connection, &dates)?;
        Ok(before - count_rows(connection)?)
    })
}

/// Deletes every demo row and returns the sales dates it had.
fn delete_demo_rows(connection: &dyn Connection) -> Result<BTreeSet<NaiveDate>> {
    let dates: BTreeSet<NaiveDate> = connection
        .query(
            "SELECT DISTINCT date FROM silver.sales_line WHERE source = $1",
            &[DEMO_SOURCE.into()],
        )?
        .rows
        .iter()
        .filter_map(|row| row.first().and_then(Value::as_date))
        .collect();
    connection.execute(
        "DELETE FROM ops.demo_planted WHERE source = $1",
        &[DEMO_SOURCE.into()],
    )?;
    for table in TABLES_WITH_SOURCE {
        connection.execute(
            &format!("DELETE FROM {table} WHERE source = $1"),
            &[DEMO_SOURCE.into()],
        )?;
    }
    Ok(dates)
}

/// Writes what the generator planted to `ops.demo_planted` (a dozen rows).
fn record_planted(connection: &dyn Connection, config: &DemoConfig) -> Result<()> {
    for planted in planted::planted(config) {
        connection.execute(
            "INSERT INTO ops.demo_planted (template_id, kind, note, source) VALUES ($1, $2, $3, $4)",
            &[
                planted.template_id.into(),
                planted.kind.name().into(),
                planted.note.into(),
                DEMO_SOURCE.into(),
            ],
        )?;
    }
    Ok(())
}

fn count_rows(connection: &dyn Connection) -> Result<u64> {
    let sql = TABLES_WITH_SOURCE
        .iter()
        .map(|table| format!("(SELECT count(*) FROM {table})"))
        .collect::<Vec<_>>()
        .join(" + ");
    let rows = connection.query(&format!("SELECT {sql}"), &[])?;
    Ok(rows
        .scalar()
        .and_then(Value::as_i64)
        .map_or(0, |count| count.max(0) as u64))
}

fn highest_id(connection: &dyn Connection) -> Result<i64> {
    let sql = TABLES_WITH_ID
        .iter()
        .map(|table| format!("COALESCE((SELECT max(id) FROM {table}), 0)"))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = connection.query(&format!("SELECT GREATEST({sql})"), &[])?;
    Ok(rows.scalar().and_then(Value::as_i64).unwrap_or(0))
}

/// The bridge from the generator to the store's bulk loader.
struct StoreSink<'a> {
    loader: Box<dyn BulkLoader + 'a>,
    report: InstallReport,
    progress: &'a mut dyn FnMut(u64),
}

impl DemoSink for StoreSink<'_> {
    type Error = StoreError;

    fn master_data(&mut self, master: &MasterData) -> Result<()> {
        self.loader.companies(&master.companies, DEMO_SOURCE)?;
        self.loader.stores(&master.stores, DEMO_SOURCE)?;
        self.loader.suppliers(&master.suppliers, DEMO_SOURCE)?;
        self.loader.customers(&master.customers, DEMO_SOURCE)?;
        self.loader.products(&master.products, DEMO_SOURCE)?;
        self.loader
            .supplier_products(&master.supplier_products, DEMO_SOURCE)?;
        self.report.products = master.products.len() as u64;
        self.report.customers = master.customers.len() as u64;
        Ok(())
    }

    fn sales_lines(&mut self, batch: &[SalesLine]) -> Result<()> {
        self.loader.sales_lines(batch)?;
        self.report.sales_lines += batch.len() as u64;
        (self.progress)(self.report.sales_lines);
        Ok(())
    }

    fn stock_levels(&mut self, batch: &[StockLevel]) -> Result<()> {
        self.report.stock_levels += batch.len() as u64;
        self.loader.stock_levels(batch, DEMO_SOURCE)
    }

    fn stock_moves(&mut self, batch: &[StockMove]) -> Result<()> {
        self.report.stock_moves += batch.len() as u64;
        self.loader.stock_moves(batch, DEMO_SOURCE)
    }

    fn purchase_orders(&mut self, orders: &[PurchaseOrder], lines: &[PurchaseLine]) -> Result<()> {
        self.report.purchase_orders += orders.len() as u64;
        self.loader.purchase_orders(orders, DEMO_SOURCE)?;
        self.loader.purchase_lines(lines, DEMO_SOURCE)
    }

    fn helpdesk_tickets(&mut self, batch: &[HelpdeskTicket]) -> Result<()> {
        self.report.helpdesk_tickets += batch.len() as u64;
        self.loader.helpdesk_tickets(batch, DEMO_SOURCE)
    }

    fn invoices(&mut self, batch: &[Invoice]) -> Result<()> {
        self.report.invoices += batch.len() as u64;
        self.loader.invoices(batch, DEMO_SOURCE)
    }
}
