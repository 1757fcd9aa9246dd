//! The demo business of `shared/design/demo-data.md`, generated deterministically.
//!
//! The generator knows nothing of the store: it streams canonical rows to a [`DemoSink`], in
//! batches, so that 10 million sales lines never sit in memory at once.

use analyst_core::rows::{
    Company, Customer, HelpdeskTicket, Invoice, Product, PurchaseLine, PurchaseOrder, SalesLine,
    StockLevel, StockMove, Store, Supplier, SupplierProduct,
};
use chrono::NaiveDate;

mod calendar;
mod catalog;
mod demand;
mod finance;
mod generate;
mod helpdesk;
pub mod install;
mod inventory;
pub mod names;
pub mod planted;
mod sales;

pub use generate::generate;

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// Exact number of sales lines (returns included).
    pub lines: u64,
    /// Same seed, same data.
    pub seed: u64,
    /// First day of data.
    pub start_date: NaiveDate,
    /// Last day of data (inclusive).
    pub end_date: NaiveDate,
    /// Every generated id is `id_base + n` (n ≥ 1), so demo rows never collide with rows a
    /// store already holds.
    pub id_base: i64,
    /// How many times the default catalogue (about 1,700 variants) each brand's range is:
    /// 12 gives about 20,000 products, for benchmarks. The named values stay the same.
    pub catalog_scale: u32,
}

impl DemoConfig {
    /// `lines` sales lines from `seed`, from [`install::DEMO_START`] to `end_date`, with the
    /// default catalogue and ids from 1.
    pub fn new(lines: u64, seed: u64, end_date: NaiveDate) -> DemoConfig {
        DemoConfig {
            lines,
            seed,
            start_date: install::DEMO_START,
            end_date,
            id_base: 0,
            catalog_scale: 1,
        }
    }
}

/// Master data: small enough to hand over whole.
#[derive(Debug, Clone, Default)]
pub struct MasterData {
    pub companies: Vec<Company>,
    pub stores: Vec<Store>,
    pub suppliers: Vec<Supplier>,
    pub customers: Vec<Customer>,
    pub products: Vec<Product>,
    pub supplier_products: Vec<SupplierProduct>,
}

/// Where generated rows go (the store's bulk loader, or a test's collector). Master data comes
/// once, first; then sales lines (ascending by date) in batches, with batches of stock moves
/// between them; then stock levels, purchase orders, tickets and invoices.
pub trait DemoSink {
    type Error;
    fn master_data(&mut self, master: &MasterData) -> Result<(), Self::Error>;
    fn sales_lines(&mut self, batch: &[SalesLine]) -> Result<(), Self::Error>;
    fn stock_levels(&mut self, batch: &[StockLevel]) -> Result<(), Self::Error>;
    fn stock_moves(&mut self, batch: &[StockMove]) -> Result<(), Self::Error>;
    fn purchase_orders(
        &mut self,
        orders: &[PurchaseOrder],
        lines: &[PurchaseLine],
    ) -> Result<(), Self::Error>;
    fn helpdesk_tickets(&mut self, batch: &[HelpdeskTicket]) -> Result<(), Self::Error>;
    fn invoices(&mut self, batch: &[Invoice]) -> Result<(), Self::Error>;
}

/// The `source` every demo row carries, so `analyst demo --remove` deletes only the demo.
pub const DEMO_SOURCE: &str = "demo";
