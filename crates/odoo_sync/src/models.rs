//! The models synced, in dependency order (what a record points at is synced before it),
//! with the fields read and how each maps into silver.

use analyst_odoo::{Domain, Operator};

/// Where a model's records go in silver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Silver {
    /// Kept in raw only (looked up by the models that point at it).
    RawOnly,
    Company,
    Partner,
    Product,
    SupplierInfo,
    Warehouse,
    PosConfig,
    Quants,
    PosOrder,
    PosLine,
    SaleOrder,
    SaleLine,
    PurchaseOrder,
    PurchaseLine,
    Invoice,
    HelpdeskTicket,
}

/// One synced model.
pub(crate) struct ModelSpec {
    pub model: &'static str,
    /// Fields read; those the server lacks (an optional module) are left out.
    pub fields: &'static [&'static str],
    /// The many2one kept as `parent_id` in raw (an order line's order, a quant's product).
    pub parent: Option<&'static str>,
    /// Optional: a missing model is a notice, not an error.
    pub optional: bool,
    pub silver: Silver,
}

impl ModelSpec {
    /// The records synced: all, or for quants the internal locations only.
    pub(crate) fn domain(&self) -> Domain {
        match self.silver {
            Silver::Quants => Domain::leaf("location_id.usage", Operator::Eq, "internal"),
            _ => Domain::all(),
        }
    }
}

const fn spec(model: &'static str, fields: &'static [&'static str], silver: Silver) -> ModelSpec {
    ModelSpec {
        model,
        fields,
        parent: None,
        optional: false,
        silver,
    }
}

const fn lines(model: &'static str, fields: &'static [&'static str], silver: Silver) -> ModelSpec {
    ModelSpec {
        parent: Some("order_id"),
        ..spec(model, fields, silver)
    }
}

const fn optional(
    model: &'static str,
    fields: &'static [&'static str],
    silver: Silver,
) -> ModelSpec {
    ModelSpec {
        optional: true,
        ..spec(model, fields, silver)
    }
}

/// The product fields besides the brand field, which is a setting.
const PRODUCT_FIELDS: &[&str] = &[
    "name",
    "default_code",
    "product_tmpl_id",
    "categ_id",
    "list_price",
    "standard_price",
    "active",
    "product_template_attribute_value_ids",
    "product_tag_ids",
];

/// Every synced model, in order.
pub(crate) const MODELS: &[ModelSpec] = &[
    spec("res.company", &["name", "currency_id"], Silver::Company),
    spec(
        "res.partner",
        &[
            "name",
            "is_company",
            "customer_rank",
            "supplier_rank",
            "company_id",
            "city",
            "active",
        ],
        Silver::Partner,
    ),
    spec(
        "product.category",
        &["name", "complete_name", "parent_id"],
        Silver::RawOnly,
    ),
    spec("product.attribute", &["name"], Silver::RawOnly),
    spec(
        "product.template.attribute.value",
        &["name", "attribute_id", "product_tmpl_id"],
        Silver::RawOnly,
    ),
    spec("product.tag", &["name"], Silver::RawOnly),
    optional("product.brand", &["name"], Silver::RawOnly),
    spec(
        "product.template",
        &[
            "name",
            "default_code",
            "categ_id",
            "list_price",
            "standard_price",
            "active",
        ],
        Silver::RawOnly,
    ),
    spec("product.product", PRODUCT_FIELDS, Silver::Product),
    spec(
        "product.supplierinfo",
        &[
            "partner_id",
            "product_tmpl_id",
            "product_id",
            "min_qty",
            "price",
            "delay",
        ],
        Silver::SupplierInfo,
    ),
    spec(
        "stock.warehouse",
        &["name", "code", "company_id", "lot_stock_id"],
        Silver::Warehouse,
    ),
    spec(
        "stock.location",
        &[
            "name",
            "complete_name",
            "usage",
            "warehouse_id",
            "company_id",
        ],
        Silver::RawOnly,
    ),
    spec(
        "pos.config",
        &["name", "company_id", "warehouse_id"],
        Silver::PosConfig,
    ),
    // Quants change their write_date whenever their quantity moves (one that empties is
    // written to 0 before Odoo unlinks it), so they are read incrementally like the rest;
    // stock levels are summed again from raw for the products a page touches.
    ModelSpec {
        parent: Some("product_id"),
        ..spec(
            "stock.quant",
            &[
                "product_id",
                "location_id",
                "warehouse_id",
                "quantity",
                "reserved_quantity",
                "company_id",
            ],
            Silver::Quants,
        )
    },
    spec(
        "pos.order",
        &[
            "name",
            "date_order",
            "config_id",
            "partner_id",
            "state",
            "company_id",
            "currency_id",
        ],
        Silver::PosOrder,
    ),
    lines(
        "pos.order.line",
        &[
            "order_id",
            "product_id",
            "qty",
            "price_unit",
            "discount",
            "price_subtotal",
            "company_id",
        ],
        Silver::PosLine,
    ),
    spec(
        "sale.order",
        &[
            "name",
            "date_order",
            "partner_id",
            "state",
            "company_id",
            "currency_id",
            "warehouse_id",
            "website_id",
        ],
        Silver::SaleOrder,
    ),
    lines(
        "sale.order.line",
        &[
            "order_id",
            "product_id",
            "product_uom_qty",
            "price_unit",
            "discount",
            "price_subtotal",
            "display_type",
            "state",
            "company_id",
        ],
        Silver::SaleLine,
    ),
    spec(
        "purchase.order",
        &[
            "name",
            "origin",
            "date_order",
            "date_planned",
            "partner_id",
            "state",
            "company_id",
            "picking_type_id",
        ],
        Silver::PurchaseOrder,
    ),
    lines(
        "purchase.order.line",
        &[
            "order_id",
            "product_id",
            "product_qty",
            "qty_received",
            "price_unit",
            "date_planned",
            "state",
        ],
        Silver::PurchaseLine,
    ),
    spec(
        "account.move",
        &[
            "name",
            "move_type",
            "partner_id",
            "invoice_date",
            "invoice_date_due",
            "amount_total",
            "amount_residual",
            "payment_state",
            "state",
            "company_id",
        ],
        Silver::Invoice,
    ),
    optional(
        "helpdesk.ticket",
        &[
            "name",
            "partner_id",
            "team_id",
            "stage",
            "stage_id",
            "priority",
            "create_date",
            "close_date",
            "sla_deadline",
            "company_id",
        ],
        Silver::HelpdeskTicket,
    ),
];
