//! Master data: companies, partners (customers and suppliers), product variants with their
//! category, attributes, season tags and brand, supplier prices, stores (warehouses and POS
//! shops) and stock on hand.

use std::collections::HashMap;

use analyst_odoo::Record;
use analyst_store::Value;
use chrono::Utc;

use super::{Context, money, optional_id, upsert};
use crate::SOURCE;
use crate::error::SyncError;
use crate::raw;
use crate::record::{flag, id, link, link_name, links, number, text};

fn odoo_id(model: &str, record: &Record) -> Result<i64, SyncError> {
    id(record).ok_or_else(|| SyncError::record(model, 0, "a record without an id"))
}

pub(super) fn companies(context: &mut Context<'_>, records: &[Record]) -> Result<(), SyncError> {
    for record in records {
        let odoo = odoo_id("res.company", record)?;
        let ours = context.ids.assign(context.store, "res.company", odoo)?;
        upsert(
            context.store,
            "company",
            &["id", "code", "name", "source", "source_id"],
            &[
                ours.into(),
                format!("odoo-{odoo}").into(),
                text(record, "name").into(),
                SOURCE.into(),
                odoo.to_string().into(),
            ],
        )?;
    }
    Ok(())
}

/// A partner is a customer unless it is only a supplier; a supplier when it has a supplier
/// rank. Companies are wholesale customers, people retail ones.
pub(super) fn partners(context: &mut Context<'_>, records: &[Record]) -> Result<(), SyncError> {
    for record in records {
        let odoo = odoo_id("res.partner", record)?;
        let ours = context.ids.assign(context.store, "res.partner", odoo)?;
        let customer_rank = number(record, "customer_rank");
        let supplier_rank = number(record, "supplier_rank");
        let name = text(record, "name");
        if customer_rank > 0.0 || supplier_rank <= 0.0 {
            let segment = if flag(record, "is_company", false) {
                "wholesale"
            } else {
                "retail"
            };
            let company = context.company(record)?;
            upsert(
                context.store,
                "customer",
                &["id", "name", "segment", "company_id", "source", "source_id"],
                &[
                    ours.into(),
                    name.as_str().into(),
                    segment.into(),
                    company.into(),
                    SOURCE.into(),
                    odoo.to_string().into(),
                ],
            )?;
        }
        if supplier_rank > 0.0 {
            upsert(
                context.store,
                "supplier",
                &["id", "name", "source", "source_id"],
                &[
                    ours.into(),
                    name.into(),
                    SOURCE.into(),
                    odoo.to_string().into(),
                ],
            )?;
        }
    }
    Ok(())
}

/// `All / Saleable / Shoes` → (`Saleable`, `Shoes`): the root `All` is dropped, the next
/// level is the category and the rest the subcategory.
fn category_path(path: &str) -> (String, String) {
    let mut parts: Vec<&str> = path.split(" / ").map(str::trim).collect();
    if parts.len() > 1 && parts.first() == Some(&"All") {
        parts.remove(0);
    }
    let category = parts.first().copied().unwrap_or("").to_owned();
    (category, parts.get(1..).unwrap_or(&[]).join(" / "))
}

pub(super) fn products(context: &mut Context<'_>, records: &[Record]) -> Result<(), SyncError> {
    let value_ids: Vec<i64> = records
        .iter()
        .flat_map(|record| links(record, "product_template_attribute_value_ids"))
        .collect();
    let values = raw::payloads(
        context.store,
        context.connection,
        "product.template.attribute.value",
        &value_ids,
    )?;
    let tag_ids: Vec<i64> = records
        .iter()
        .flat_map(|record| links(record, "product_tag_ids"))
        .collect();
    let tags = raw::payloads(context.store, context.connection, "product.tag", &tag_ids)?;
    let brand_field = context.settings.brand_field.clone();
    for record in records {
        let odoo = odoo_id("product.product", record)?;
        let ours = context.ids.assign(context.store, "product.product", odoo)?;
        let template = context
            .link("product.template", record, "product_tmpl_id")?
            .unwrap_or(ours);
        let (mut color, mut size) = (String::new(), String::new());
        for value in links(record, "product_template_attribute_value_ids")
            .iter()
            .filter_map(|value_id| values.get(value_id))
        {
            match link_name(value, "attribute_id").to_lowercase().as_str() {
                "color" | "colour" => color = text(value, "name"),
                "size" => size = text(value, "name"),
                _ => {}
            }
        }
        let seasons: Vec<String> = links(record, "product_tag_ids")
            .iter()
            .filter_map(|tag_id| tags.get(tag_id))
            .map(|tag| text(tag, "name"))
            .filter(|tag| context.settings.is_season(tag))
            .collect();
        let (category, subcategory) = category_path(&link_name(record, "categ_id"));
        let sku = match text(record, "default_code") {
            code if code.is_empty() => format!("odoo-{odoo}"),
            code => code,
        };
        upsert(
            context.store,
            "product",
            &[
                "id",
                "template_id",
                "name",
                "sku",
                "brand",
                "category",
                "subcategory",
                "gender",
                "season",
                "color",
                "size",
                "list_price",
                "standard_cost",
                "active",
                "source",
                "source_id",
            ],
            &[
                ours.into(),
                template.into(),
                text(record, "name").into(),
                sku.into(),
                link_name(record, &brand_field).into(),
                category.into(),
                subcategory.into(),
                "".into(),
                seasons.join(", ").into(),
                color.into(),
                size.into(),
                money(number(record, "list_price")),
                money(number(record, "standard_price")),
                flag(record, "active", true).into(),
                SOURCE.into(),
                odoo.to_string().into(),
            ],
        )?;
    }
    Ok(())
}

/// Products deleted in Odoo stay in silver (sales point at them), archived.
pub(super) fn archive_products(
    context: &mut Context<'_>,
    odoo_ids: &[i64],
) -> Result<(), SyncError> {
    for &odoo in odoo_ids {
        if let Some(ours) = context.ids.get(context.store, "product.product", odoo)? {
            context.store.execute(
                "UPDATE silver.product SET active = FALSE WHERE id = $1",
                &[ours.into()],
            )?;
        }
    }
    Ok(())
}

/// A supplier price applies to one variant, or to every variant of its template.
pub(super) fn supplier_infos(
    context: &mut Context<'_>,
    records: &[Record],
) -> Result<(), SyncError> {
    for record in records {
        let odoo = odoo_id("product.supplierinfo", record)?;
        context.store.execute(
            "DELETE FROM silver.supplier_product WHERE source = $1 AND source_id = $2",
            &[SOURCE.into(), odoo.to_string().into()],
        )?;
        let Some(supplier) = context.link("res.partner", record, "partner_id")? else {
            continue;
        };
        let products: Vec<i64> = match context.link("product.product", record, "product_id")? {
            Some(product) => vec![product],
            None => {
                let template = context.link("product.template", record, "product_tmpl_id")?;
                context
                    .store
                    .query(
                        "SELECT id FROM silver.product WHERE source = $1 AND template_id = $2",
                        &[SOURCE.into(), optional_id(template)],
                    )?
                    .rows
                    .iter()
                    .filter_map(|row| row.first().and_then(Value::as_i64))
                    .collect()
            }
        };
        for product in products {
            context.store.execute(
                "INSERT INTO silver.supplier_product (supplier_id, product_id, lead_time_days,
                     min_qty, pack_size, price, source, source_id)
                 VALUES ($1, $2, $3, $4, 1, $5, $6, $7)",
                &[
                    supplier.into(),
                    product.into(),
                    Value::Int(number(record, "delay").round() as i64),
                    Value::Int(number(record, "min_qty").round() as i64),
                    money(number(record, "price")),
                    SOURCE.into(),
                    odoo.to_string().into(),
                ],
            )?;
            context.store.execute(
                "UPDATE silver.product SET supplier_id = $2 WHERE id = $1",
                &[product.into(), supplier.into()],
            )?;
        }
    }
    Ok(())
}

fn store_row(
    context: &mut Context<'_>,
    ours: i64,
    code: String,
    record: &Record,
    kind: &str,
    odoo: i64,
) -> Result<(), SyncError> {
    let company = context.company(record)?;
    upsert(
        context.store,
        "store",
        &[
            "id",
            "code",
            "name",
            "company_id",
            "kind",
            "source",
            "source_id",
        ],
        &[
            ours.into(),
            code.into(),
            text(record, "name").into(),
            company.into(),
            kind.into(),
            SOURCE.into(),
            odoo.to_string().into(),
        ],
    )
}

pub(super) fn warehouses(context: &mut Context<'_>, records: &[Record]) -> Result<(), SyncError> {
    for record in records {
        let odoo = odoo_id("stock.warehouse", record)?;
        let ours = context.ids.assign(context.store, "stock.warehouse", odoo)?;
        store_row(
            context,
            ours,
            text(record, "code"),
            record,
            "warehouse",
            odoo,
        )?;
    }
    Ok(())
}

/// A POS config is a store of its own unless the settings name the store it sells for.
pub(super) fn pos_configs(context: &mut Context<'_>, records: &[Record]) -> Result<(), SyncError> {
    for record in records {
        let odoo = odoo_id("pos.config", record)?;
        if context
            .settings
            .pos_stores
            .contains_key(&text(record, "name"))
        {
            continue;
        }
        let ours = context.ids.assign(context.store, "pos.config", odoo)?;
        store_row(context, ours, format!("POS-{odoo}"), record, "store", odoo)?;
    }
    Ok(())
}

impl Context<'_> {
    /// The store a POS config sells for.
    pub(super) fn pos_store(&mut self, config: i64) -> Result<i64, SyncError> {
        if let Some(&store) = self.stores.get(&("pos.config", config)) {
            return Ok(store);
        }
        let configs = raw::payloads(self.store, self.connection, "pos.config", &[config])?;
        let name = configs
            .get(&config)
            .map(|record| text(record, "name"))
            .unwrap_or_default();
        let store = match self.settings.pos_stores.get(&name) {
            Some(code) => self
                .store
                .query(
                    "SELECT id FROM silver.store WHERE code = $1",
                    &[code.as_str().into()],
                )?
                .scalar()
                .and_then(Value::as_i64)
                .ok_or_else(|| {
                    SyncError::Config(format!(
                        "the settings map POS '{name}' to store '{code}', which does not exist"
                    ))
                })?,
            None => self.ids.assign(self.store, "pos.config", config)?,
        };
        self.stores.insert(("pos.config", config), store);
        Ok(store)
    }

    /// The store of a warehouse, or the company's first warehouse when none is named.
    pub(super) fn warehouse_store(
        &mut self,
        warehouse: Option<i64>,
        company: i64,
    ) -> Result<i64, SyncError> {
        if let Some(warehouse) = warehouse {
            return self.ids.assign(self.store, "stock.warehouse", warehouse);
        }
        if let Some(&store) = self.stores.get(&("res.company", company)) {
            return Ok(store);
        }
        let store = self
            .store
            .query(
                "SELECT id FROM silver.store WHERE source = $1 AND company_id = $2
                   AND kind = 'warehouse' ORDER BY id LIMIT 1",
                &[SOURCE.into(), company.into()],
            )?
            .scalar()
            .and_then(Value::as_i64)
            .ok_or_else(|| {
                SyncError::Config(format!(
                    "company {company} has no warehouse synced from Odoo"
                ))
            })?;
        self.stores.insert(("res.company", company), store);
        Ok(store)
    }

    /// Standard cost by product, for the cost of sales lines.
    pub(super) fn cost(&mut self, product: i64) -> Result<f64, SyncError> {
        if self.costs.is_none() {
            let rows = self.store.query(
                "SELECT id, CAST(standard_cost AS DOUBLE) FROM silver.product WHERE source = $1",
                &[SOURCE.into()],
            )?;
            let costs: HashMap<i64, f64> = rows
                .rows
                .iter()
                .filter_map(|row| Some((row.first()?.as_i64()?, row.get(1)?.as_f64()?)))
                .collect();
            self.costs = Some(costs);
        }
        Ok(self
            .costs
            .as_ref()
            .and_then(|costs| costs.get(&product))
            .copied()
            .unwrap_or(0.0))
    }
}

/// Stock on hand by product and warehouse, replacing what the last sync found.
/// Stock on hand of a page of quants: the levels of the products they hold are summed again.
pub(super) fn stock_levels(context: &mut Context<'_>, records: &[Record]) -> Result<(), SyncError> {
    let mut products: Vec<i64> = records
        .iter()
        .filter_map(|r| link(r, "product_id"))
        .collect();
    products.sort_unstable();
    products.dedup();
    restock(context, &products)
}

/// Sums the live quants of these products (Odoo's ids) per warehouse from raw into
/// `silver.stock_level`, replacing the products' rows: a quant changed, moved in or deleted
/// is counted as it now is.
pub(super) fn restock(context: &mut Context<'_>, products: &[i64]) -> Result<(), SyncError> {
    let quants = raw::children(context.store, context.connection, "stock.quant", products)?;
    let mut levels: HashMap<(i64, i64), (f64, f64)> = HashMap::new();
    for record in quants.iter().filter_map(|(_, record)| record.as_ref()) {
        let (Some(product), Some(warehouse)) =
            (link(record, "product_id"), link(record, "warehouse_id"))
        else {
            continue;
        };
        let product = context
            .ids
            .assign(context.store, "product.product", product)?;
        let store = context
            .ids
            .assign(context.store, "stock.warehouse", warehouse)?;
        let level = levels.entry((product, store)).or_default();
        level.0 += number(record, "quantity");
        level.1 += number(record, "reserved_quantity");
    }
    for chunk in products.chunks(raw::BATCH) {
        let mut ours = Vec::with_capacity(chunk.len());
        for &product in chunk {
            ours.push(Value::Int(context.ids.assign(
                context.store,
                "product.product",
                product,
            )?));
        }
        let mut params = vec![Value::from(SOURCE)];
        params.extend(ours);
        context.store.execute(
            &format!(
                "DELETE FROM silver.stock_level WHERE source = $1 AND product_id IN ({})",
                raw::placeholders(2, chunk.len())
            ),
            &params,
        )?;
    }
    let today = Utc::now().date_naive();
    for ((product, store), (on_hand, reserved)) in levels {
        context.store.execute(
            "INSERT INTO silver.stock_level (product_id, store_id, on_hand, reserved, incoming,
                 as_of, source)
             VALUES ($1, $2, $3, $4, 0, $5, $6)",
            &[
                product.into(),
                store.into(),
                Value::Int(on_hand.round() as i64),
                Value::Int(reserved.round() as i64),
                today.into(),
                SOURCE.into(),
            ],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::category_path;

    #[test]
    fn category_paths_drop_the_root() {
        assert_eq!(
            category_path("All / Saleable / Shoes"),
            ("Saleable".into(), "Shoes".into())
        );
        assert_eq!(category_path("All"), ("All".into(), String::new()));
        assert_eq!(
            category_path("Shoes / Running / Trail"),
            ("Shoes".into(), "Running / Trail".into())
        );
    }
}
