//! The fake's models and fields: what `fields_get` describes, grouped by the Odoo module that
//! brings them, so that a module can be left out (Helpdesk is out by default).

use std::collections::HashMap;

/// A field's type, with its target for relational fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldKind {
    Id,
    Char,
    Selection,
    Integer,
    Float,
    Monetary,
    Boolean,
    Date,
    DateTime,
    Many2one(&'static str),
    Many2many(&'static str),
    /// Lines of another model pointing back through the inverse many2one.
    One2many(&'static str, &'static str),
    /// Computed, not stored (`display_name`).
    Computed,
}

impl FieldKind {
    pub(crate) fn type_name(self) -> &'static str {
        match self {
            Self::Id | Self::Integer => "integer",
            Self::Char | Self::Computed => "char",
            Self::Selection => "selection",
            Self::Float => "float",
            Self::Monetary => "monetary",
            Self::Boolean => "boolean",
            Self::Date => "date",
            Self::DateTime => "datetime",
            Self::Many2one(_) => "many2one",
            Self::Many2many(_) => "many2many",
            Self::One2many(..) => "one2many",
        }
    }

    pub(crate) fn relation(self) -> Option<&'static str> {
        match self {
            Self::Many2one(model) | Self::Many2many(model) | Self::One2many(model, _) => {
                Some(model)
            }
            _ => None,
        }
    }

    /// Whether values live in the record's cells.
    pub(crate) fn is_stored(self) -> bool {
        !matches!(self, Self::Id | Self::One2many(..) | Self::Computed)
    }
}

/// One field of a model.
#[derive(Debug)]
pub(crate) struct FieldDef {
    pub name: &'static str,
    pub kind: FieldKind,
    /// Position in the record's cells, for stored fields.
    pub column: Option<usize>,
}

/// One model: its fields, and which field names a record.
#[derive(Debug)]
pub(crate) struct ModelDef {
    pub name: &'static str,
    pub label: &'static str,
    pub fields: Vec<FieldDef>,
    by_name: HashMap<&'static str, usize>,
    /// The field whose value is the record's display name.
    pub name_field: Option<usize>,
}

impl ModelDef {
    pub(crate) fn field(&self, name: &str) -> Option<&FieldDef> {
        self.by_name.get(name).map(|&index| &self.fields[index])
    }

    pub(crate) fn column(&self, name: &str) -> Option<usize> {
        self.field(name).and_then(|field| field.column)
    }

    /// Number of stored cells per record.
    pub(crate) fn width(&self) -> usize {
        self.fields
            .iter()
            .filter(|field| field.column.is_some())
            .count()
    }
}

use FieldKind::*;

/// A model: technical name, label, own fields.
type ModelSpec = (
    &'static str,
    &'static str,
    &'static [(&'static str, FieldKind)],
);

/// The modules the fake knows, with the models each brings.
const MODULES: &[(&str, &[ModelSpec])] = &[
    (
        "base",
        &[
            ("ir.model", "Models", &[("model", Char), ("name", Char)]),
            (
                "ir.module.module",
                "Module",
                &[("name", Char), ("state", Selection)],
            ),
            (
                "res.currency",
                "Currency",
                &[("name", Char), ("symbol", Char)],
            ),
            (
                "res.company",
                "Companies",
                &[("name", Char), ("currency_id", Many2one("res.currency"))],
            ),
            (
                "res.users",
                "User",
                &[
                    ("name", Char),
                    ("login", Char),
                    ("company_id", Many2one("res.company")),
                ],
            ),
            (
                "res.partner",
                "Contact",
                &[
                    ("name", Char),
                    ("is_company", Boolean),
                    ("customer_rank", Integer),
                    ("supplier_rank", Integer),
                    ("city", Char),
                    ("email", Char),
                    ("partner_latitude", Float),
                    ("partner_longitude", Float),
                    ("company_id", Many2one("res.company")),
                    ("active", Boolean),
                ],
            ),
        ],
    ),
    (
        "product",
        &[
            (
                "product.category",
                "Product Category",
                &[
                    ("name", Char),
                    ("complete_name", Char),
                    ("parent_id", Many2one("product.category")),
                ],
            ),
            ("product.attribute", "Product Attribute", &[("name", Char)]),
            ("product.tag", "Product Tag", &[("name", Char)]),
            (
                "product.template.attribute.value",
                "Product Template Attribute Value",
                &[
                    ("name", Char),
                    ("attribute_id", Many2one("product.attribute")),
                    ("product_tmpl_id", Many2one("product.template")),
                ],
            ),
            (
                "product.template",
                "Product",
                &[
                    ("name", Char),
                    ("default_code", Char),
                    ("categ_id", Many2one("product.category")),
                    ("list_price", Float),
                    ("standard_price", Float),
                    ("type", Selection),
                    ("product_tag_ids", Many2many("product.tag")),
                    ("company_id", Many2one("res.company")),
                    ("active", Boolean),
                ],
            ),
            (
                "product.product",
                "Product Variant",
                &[
                    ("name", Char),
                    ("default_code", Char),
                    ("barcode", Char),
                    ("product_tmpl_id", Many2one("product.template")),
                    ("categ_id", Many2one("product.category")),
                    ("list_price", Float),
                    ("standard_price", Float),
                    (
                        "product_template_attribute_value_ids",
                        Many2many("product.template.attribute.value"),
                    ),
                    ("product_tag_ids", Many2many("product.tag")),
                    ("company_id", Many2one("res.company")),
                    ("active", Boolean),
                ],
            ),
            (
                "product.supplierinfo",
                "Supplier Pricelist",
                &[
                    ("partner_id", Many2one("res.partner")),
                    ("product_tmpl_id", Many2one("product.template")),
                    ("product_id", Many2one("product.product")),
                    ("min_qty", Float),
                    ("price", Float),
                    ("delay", Integer),
                    ("currency_id", Many2one("res.currency")),
                    ("company_id", Many2one("res.company")),
                ],
            ),
        ],
    ),
    // OCA's product_brand: the brand the sync maps by default.
    (
        "product_brand",
        &[("product.brand", "Product Brand", &[("name", Char)])],
    ),
    (
        "stock",
        &[
            (
                "stock.location",
                "Inventory Locations",
                &[
                    ("name", Char),
                    ("complete_name", Char),
                    ("usage", Selection),
                    ("warehouse_id", Many2one("stock.warehouse")),
                    ("company_id", Many2one("res.company")),
                    ("active", Boolean),
                ],
            ),
            (
                "stock.warehouse",
                "Warehouse",
                &[
                    ("name", Char),
                    ("code", Char),
                    ("company_id", Many2one("res.company")),
                    ("lot_stock_id", Many2one("stock.location")),
                ],
            ),
            (
                "stock.quant",
                "Quants",
                &[
                    ("product_id", Many2one("product.product")),
                    ("location_id", Many2one("stock.location")),
                    ("warehouse_id", Many2one("stock.warehouse")),
                    ("quantity", Float),
                    ("reserved_quantity", Float),
                    ("company_id", Many2one("res.company")),
                ],
            ),
            (
                "stock.warehouse.orderpoint",
                "Minimum Inventory Rule",
                &[
                    ("name", Char),
                    ("product_id", Many2one("product.product")),
                    ("location_id", Many2one("stock.location")),
                    ("warehouse_id", Many2one("stock.warehouse")),
                    ("product_min_qty", Float),
                    ("product_max_qty", Float),
                    ("qty_multiple", Float),
                    ("trigger", Selection),
                    ("company_id", Many2one("res.company")),
                    ("active", Boolean),
                ],
            ),
        ],
    ),
    (
        "point_of_sale",
        &[
            (
                "pos.config",
                "Point of Sale Configuration",
                &[
                    ("name", Char),
                    ("company_id", Many2one("res.company")),
                    ("warehouse_id", Many2one("stock.warehouse")),
                ],
            ),
            (
                "pos.order",
                "Point of Sale Orders",
                &[
                    ("name", Char),
                    ("date_order", DateTime),
                    ("config_id", Many2one("pos.config")),
                    ("partner_id", Many2one("res.partner")),
                    ("amount_tax", Monetary),
                    ("amount_total", Monetary),
                    ("state", Selection),
                    ("company_id", Many2one("res.company")),
                    ("currency_id", Many2one("res.currency")),
                    ("lines", One2many("pos.order.line", "order_id")),
                ],
            ),
            (
                "pos.order.line",
                "Point of Sale Order Lines",
                &[
                    ("order_id", Many2one("pos.order")),
                    ("product_id", Many2one("product.product")),
                    ("qty", Float),
                    ("price_unit", Float),
                    ("discount", Float),
                    ("price_subtotal", Monetary),
                    ("price_subtotal_incl", Monetary),
                    ("company_id", Many2one("res.company")),
                ],
            ),
        ],
    ),
    (
        "sale",
        &[
            (
                "sale.order",
                "Sales Order",
                &[
                    ("name", Char),
                    ("date_order", DateTime),
                    ("partner_id", Many2one("res.partner")),
                    ("state", Selection),
                    ("amount_untaxed", Monetary),
                    ("amount_total", Monetary),
                    ("company_id", Many2one("res.company")),
                    ("currency_id", Many2one("res.currency")),
                    ("order_line", One2many("sale.order.line", "order_id")),
                ],
            ),
            (
                "sale.order.line",
                "Sales Order Line",
                &[
                    ("name", Char),
                    ("order_id", Many2one("sale.order")),
                    ("product_id", Many2one("product.product")),
                    ("product_uom_qty", Float),
                    ("price_unit", Float),
                    ("discount", Float),
                    ("price_subtotal", Monetary),
                    ("price_total", Monetary),
                    ("qty_delivered", Float),
                    ("state", Selection),
                    ("display_type", Selection),
                    ("company_id", Many2one("res.company")),
                    ("currency_id", Many2one("res.currency")),
                    ("order_partner_id", Many2one("res.partner")),
                ],
            ),
        ],
    ),
    (
        "purchase",
        &[
            (
                "purchase.order",
                "Purchase Order",
                &[
                    ("name", Char),
                    ("origin", Char),
                    ("date_order", DateTime),
                    ("partner_id", Many2one("res.partner")),
                    ("state", Selection),
                    ("amount_total", Monetary),
                    ("company_id", Many2one("res.company")),
                    ("currency_id", Many2one("res.currency")),
                    ("order_line", One2many("purchase.order.line", "order_id")),
                ],
            ),
            (
                "purchase.order.line",
                "Purchase Order Line",
                &[
                    ("name", Char),
                    ("order_id", Many2one("purchase.order")),
                    ("product_id", Many2one("product.product")),
                    ("product_qty", Float),
                    ("qty_received", Float),
                    ("price_unit", Float),
                    ("date_planned", DateTime),
                    ("state", Selection),
                    ("partner_id", Many2one("res.partner")),
                    ("company_id", Many2one("res.company")),
                ],
            ),
        ],
    ),
    (
        "account",
        &[(
            "account.move",
            "Journal Entry",
            &[
                ("name", Char),
                ("move_type", Selection),
                ("partner_id", Many2one("res.partner")),
                ("invoice_date", Date),
                ("invoice_date_due", Date),
                ("amount_untaxed", Monetary),
                ("amount_total", Monetary),
                ("amount_residual", Monetary),
                ("payment_state", Selection),
                ("state", Selection),
                ("company_id", Many2one("res.company")),
                ("currency_id", Many2one("res.currency")),
            ],
        )],
    ),
    (
        "mail",
        &[
            ("mail.activity.type", "Activity Type", &[("name", Char)]),
            (
                "mail.activity",
                "Activity",
                &[
                    ("res_model_id", Many2one("ir.model")),
                    ("res_model", Char),
                    ("res_id", Integer),
                    ("activity_type_id", Many2one("mail.activity.type")),
                    ("summary", Char),
                    ("note", Char),
                    ("date_deadline", Date),
                    ("user_id", Many2one("res.users")),
                ],
            ),
        ],
    ),
    (
        "helpdesk",
        &[(
            "helpdesk.ticket",
            "Helpdesk Ticket",
            &[
                ("name", Char),
                ("partner_id", Many2one("res.partner")),
                ("stage", Char),
                ("priority", Selection),
                ("close_date", DateTime),
                ("sla_deadline", DateTime),
                ("company_id", Many2one("res.company")),
            ],
        )],
    ),
];

/// Every module the fake knows, installed or not.
pub(crate) fn known_modules() -> impl Iterator<Item = &'static str> {
    MODULES
        .iter()
        .map(|(module, _)| *module)
        .chain(EXTENSION_FIELDS.iter().map(|(module, ..)| *module))
}

/// The modules installed unless a test says otherwise: all but Helpdesk.
pub(crate) const DEFAULT_MODULES: &[&str] = &[
    "base",
    "product",
    "product_brand",
    "stock",
    "point_of_sale",
    "sale",
    "purchase",
    "account",
    "mail",
];

/// Fields every model has besides its own.
const COMMON_FIELDS: &[(&str, FieldKind)] = &[
    ("id", Id),
    ("display_name", Computed),
    ("create_date", DateTime),
    ("write_date", DateTime),
];

/// Values a create gives fields it was not given, as Odoo's field defaults: (model, field,
/// value).
pub(crate) const DEFAULTS: &[(&str, &str, &str)] = &[
    ("purchase.order", "state", "draft"),
    ("sale.order", "state", "draft"),
];

/// Fields that must be set on create: (model, field).
pub(crate) const REQUIRED: &[(&str, &str)] = &[
    ("res.partner", "name"),
    ("sale.order", "partner_id"),
    ("purchase.order", "partner_id"),
    ("purchase.order.line", "product_id"),
    ("stock.warehouse.orderpoint", "product_id"),
    ("mail.activity", "res_model_id"),
    ("mail.activity", "res_id"),
];

/// `partner_id` → `Partner`, as Odoo derives labels.
pub(crate) fn field_label(name: &str) -> String {
    let base = name.trim_end_matches("_ids").trim_end_matches("_id");
    let mut words = base.split('_').filter(|word| !word.is_empty());
    let first = words.next().unwrap_or_default();
    let mut label: String = first
        .chars()
        .take(1)
        .flat_map(char::to_uppercase)
        .chain(first.chars().skip(1))
        .collect();
    for word in words {
        label.push(' ');
        label.push_str(word);
    }
    label
}

/// Fields a module adds to another module's models: (module, model, field, type).
const EXTENSION_FIELDS: &[(&str, &str, &str, FieldKind)] = &[
    (
        "product_brand",
        "product.template",
        "product_brand_id",
        Many2one("product.brand"),
    ),
    (
        "product_brand",
        "product.product",
        "product_brand_id",
        Many2one("product.brand"),
    ),
    ("sale_margin", "sale.order.line", "margin", Monetary),
];

/// The models of the installed modules, with the fields other installed modules add.
pub(crate) fn models(modules: &[&str]) -> Vec<ModelDef> {
    MODULES
        .iter()
        .filter(|(module, _)| modules.contains(module))
        .flat_map(|(_, models)| models.iter())
        .map(|&(name, label, own)| {
            let added = EXTENSION_FIELDS
                .iter()
                .filter(move |(module, model, _, _)| *model == name && modules.contains(module))
                .map(|&(_, _, field, kind)| (field, kind));
            model(
                name,
                label,
                COMMON_FIELDS.iter().chain(own).copied().chain(added),
            )
        })
        .collect()
}

fn model(
    name: &'static str,
    label: &'static str,
    fields: impl Iterator<Item = (&'static str, FieldKind)>,
) -> ModelDef {
    let mut column = 0;
    let fields: Vec<FieldDef> = fields
        .map(|(name, kind)| {
            let position = kind.is_stored().then(|| {
                column += 1;
                column - 1
            });
            FieldDef {
                name,
                kind,
                column: position,
            }
        })
        .collect();
    let by_name: HashMap<_, _> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name, i))
        .collect();
    let name_field = ["complete_name", "name"]
        .iter()
        .find_map(|candidate| by_name.get(candidate).copied());
    ModelDef {
        name,
        label,
        fields,
        by_name,
        name_field,
    }
}
