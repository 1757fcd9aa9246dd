//! Canonical rows of the `silver` schema, as loaders (demo generator, file imports, Odoo sync)
//! hand them to the store. Ids are our own; money is in satang (1/100 baht) so sums are exact.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// An amount of money in minor units (satang for THB).
pub type Satang = i64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Point of sale in a shop.
    Store,
    /// Our own web shop.
    Online,
    /// Sell-out reported by marketplaces.
    Marketplace,
    /// B2B sale orders and distributor sell-out.
    Wholesale,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Channel::Store,
        Channel::Online,
        Channel::Marketplace,
        Channel::Wholesale,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Store => "store",
            Channel::Online => "online",
            Channel::Marketplace => "marketplace",
            Channel::Wholesale => "wholesale",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreKind {
    Store,
    Warehouse,
}

impl StoreKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::Store => "store",
            StoreKind::Warehouse => "warehouse",
        }
    }
}

/// A POS shop or a warehouse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Store {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub company_id: i64,
    pub kind: StoreKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub id: i64,
    pub name: String,
    /// `retail`, `online` or `wholesale`.
    pub segment: String,
    pub company_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supplier {
    pub id: i64,
    pub name: String,
}

/// A product variant with its template's attributes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: i64,
    pub template_id: i64,
    pub name: String,
    pub sku: String,
    /// EAN-13, when the product has one.
    pub barcode: Option<String>,
    pub brand: String,
    /// First level of the category path, e.g. `Footwear`.
    pub category: String,
    /// Second level, e.g. `Running`.
    pub subcategory: String,
    pub gender: String,
    /// Season tag: `SS25`, `AW25`, … or `Core`.
    pub season: String,
    pub color: String,
    pub size: String,
    pub list_price: Satang,
    pub standard_cost: Satang,
    pub active: bool,
    /// The main supplier, the one `sales by supplier` groups by.
    pub supplier_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierProduct {
    pub supplier_id: i64,
    pub product_id: i64,
    pub lead_time_days: i32,
    pub min_qty: i32,
    pub pack_size: i32,
    pub price: Satang,
}

/// One sold (qty > 0) or returned (qty < 0) line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesLine {
    pub id: i64,
    pub date: NaiveDate,
    pub company_id: i64,
    pub store_id: i64,
    pub channel: Channel,
    pub customer_id: Option<i64>,
    pub product_id: i64,
    pub order_ref: String,
    pub qty: i32,
    /// Net of discount, tax excluded; negative for returns.
    pub net_amount: Satang,
    pub cost_amount: Satang,
    pub discount_amount: Satang,
    pub source: String,
    pub source_ref: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLevel {
    pub product_id: i64,
    pub store_id: i64,
    pub on_hand: i32,
    pub reserved: i32,
    pub incoming: i32,
    pub as_of: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseOrder {
    pub id: i64,
    /// Reference such as `P00042`.
    pub name: String,
    pub company_id: i64,
    pub supplier_id: i64,
    /// Receiving store or warehouse.
    pub store_id: i64,
    /// `draft`, `sent`, `purchase`, `done` or `cancel` (Odoo's states).
    pub state: String,
    pub order_date: NaiveDate,
    pub expected_date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseLine {
    pub id: i64,
    pub order_id: i64,
    pub product_id: i64,
    pub qty_ordered: i32,
    pub qty_received: i32,
    pub price: Satang,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpdeskTicket {
    pub id: i64,
    pub company_id: i64,
    pub team: String,
    pub stage: String,
    /// 0 (low) to 3 (urgent).
    pub priority: i32,
    pub created: NaiveDate,
    pub closed: Option<NaiveDate>,
    pub sla_deadline: NaiveDate,
    pub customer_id: Option<i64>,
    pub subject: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub id: i64,
    pub company_id: i64,
    /// `out_invoice`, `out_refund` or `in_invoice` (Odoo's move types).
    pub kind: String,
    pub number: String,
    pub customer_id: Option<i64>,
    pub supplier_id: Option<i64>,
    pub date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount: Satang,
    pub residual: Satang,
    /// `not_paid`, `partial`, `paid` or `reversed`.
    pub payment_state: String,
}

/// A movement of stock in (qty > 0) or out (qty < 0) of a store or warehouse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockMove {
    pub id: i64,
    pub date: NaiveDate,
    pub product_id: i64,
    pub store_id: i64,
    pub qty: i32,
    pub unit_cost: Satang,
    /// `receipt`, `sale`, `return`, `transfer` or `adjustment`.
    pub kind: String,
    pub reference: String,
}

/// One row of an uploaded sales file as read and typed, before its product, store and customer
/// are resolved (`raw.upload_line`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadLine {
    pub batch_id: i64,
    /// The row's line in the file (1-based), for error reports.
    pub line: i64,
    pub date: NaiveDate,
    pub store_code: Option<String>,
    pub store_name: Option<String>,
    pub sku: Option<String>,
    pub barcode: Option<String>,
    pub product_name: Option<String>,
    pub brand: Option<String>,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    pub customer: Option<String>,
    pub order_ref: Option<String>,
    pub qty: i32,
    pub net_amount: Satang,
    pub discount_amount: Satang,
}

/// Why one row of an uploaded file was not loaded (`ops.upload_error`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadError {
    pub batch_id: i64,
    pub line: i64,
    pub column: String,
    pub value: String,
    pub reason: String,
}
