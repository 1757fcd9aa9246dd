//! From staged rows (`raw.upload_line`) to `silver.sales_line`, in set-based SQL that runs in
//! the caller's transaction.
//!
//! - Stores are matched by code or name, products by SKU, then barcode, then a name that fits
//!   exactly one product, customers by name within the store's company (all ignoring case).
//!   Unknown ones are created when the settings allow; otherwise their rows become errors.
//! - A row's `source_ref` is its natural key in the vendor's data: date, store, product, order
//!   and the row's rank among equal keys. Rows of the same source and reference replace the
//!   ones loaded before, so a file loaded twice, or two files that overlap, count once.

use std::collections::BTreeSet;

use analyst_core::rows::UploadError as RowError;
use analyst_store::{Connection, StoreError, Value};
use chrono::NaiveDate;

/// What resolution did.
#[derive(Debug, Default)]
pub(crate) struct Resolved {
    pub stores_created: i64,
    pub products_created: i64,
    pub customers_created: i64,
    /// Sales lines written.
    pub loaded: i64,
    /// Sales lines of an earlier load that these rows replaced.
    pub replaced: i64,
    /// Rows whose product, store or customer is unknown (at most `keep` of them).
    pub errors: Vec<RowError>,
    pub error_count: i64,
    pub dates: BTreeSet<NaiveDate>,
}

/// What a batch's rows are resolved with.
pub(crate) struct Target<'a> {
    pub batch_id: i64,
    /// `upload:<profile>`
    pub source: &'a str,
    pub channel: &'a str,
    /// The company that created stores and customers belong to.
    pub company_id: i64,
    pub create_unknown: bool,
    /// Errors kept for the report.
    pub keep: usize,
}

// The product key of a row, and its match by SKU, barcode, or a name that fits one product.
const PRODUCT_KEY: &str = "coalesce(lower(u.sku), u.barcode, lower(u.product_name))";
const PRODUCT_MATCH: &str = "
    LEFT JOIN (SELECT lower(sku) AS k, min(id) AS id FROM silver.product GROUP BY lower(sku)) ps
        ON ps.k = lower(u.sku)
    LEFT JOIN (SELECT barcode AS k, min(id) AS id FROM silver.product
               WHERE barcode IS NOT NULL GROUP BY barcode) pb
        ON pb.k = u.barcode
    LEFT JOIN (SELECT lower(name) AS k, min(id) AS id, count(*) AS n FROM silver.product
               GROUP BY lower(name)) pn
        ON pn.k = lower(u.product_name)";
const STORE_MATCH: &str = "
    LEFT JOIN (SELECT lower(code) AS k, min(id) AS id FROM silver.store GROUP BY lower(code)) sc
        ON sc.k = lower(u.store_code)
    LEFT JOIN (SELECT lower(name) AS k, min(id) AS id FROM silver.store GROUP BY lower(name)) sn
        ON sn.k = lower(u.store_code)";

pub(crate) fn resolve(
    connection: &dyn Connection,
    target: &Target<'_>,
) -> Result<Resolved, StoreError> {
    let mut resolved = Resolved::default();
    let batch = Value::Int(target.batch_id);
    let source = Value::from(target.source);
    if target.create_unknown {
        resolved.stores_created = create_stores(connection, target)? as i64;
        resolved.products_created = create_products(connection, target)? as i64;
    }
    connection.execute_batch(
        "DROP TABLE IF EXISTS upload_resolved;
         CREATE TEMP TABLE upload_resolved (
             line BIGINT, date DATE, qty INTEGER, net_amount DECIMAL(14,2),
             discount_amount DECIMAL(14,2), order_ref VARCHAR, store_code VARCHAR, sku VARCHAR,
             barcode VARCHAR, product_name VARCHAR, customer VARCHAR, store_id BIGINT,
             product_id BIGINT, name_matches BIGINT, source_ref VARCHAR, customer_id BIGINT);",
    )?;
    connection.execute(
        &format!(
            "INSERT INTO upload_resolved
             SELECT u.line, u.date, u.qty, u.net_amount, u.discount_amount, u.order_ref,
                    u.store_code, u.sku, u.barcode, u.product_name, u.customer,
                    coalesce(sc.id, sn.id),
                    coalesce(ps.id, pb.id, CASE WHEN pn.n = 1 THEN pn.id END),
                    coalesce(pn.n, 0),
                    CAST(u.date AS VARCHAR) || '|' || lower(u.store_code) || '|'
                        || {PRODUCT_KEY} || '|' || coalesce(u.order_ref, '') || '|'
                        || CAST(row_number() OVER (
                               PARTITION BY u.date, lower(u.store_code), {PRODUCT_KEY}, u.order_ref
                               ORDER BY u.line) AS VARCHAR),
                    NULL
             FROM raw.upload_line u {STORE_MATCH} {PRODUCT_MATCH}
             WHERE u.batch_id = $1"
        ),
        std::slice::from_ref(&batch),
    )?;
    if target.create_unknown {
        resolved.customers_created = create_customers(connection, target)? as i64;
    }
    // Customers are matched once stores are known (a customer belongs to a company).
    connection.execute_batch(
        "UPDATE upload_resolved SET customer_id = c.id
         FROM silver.store s,
              (SELECT lower(name) AS k, company_id, min(id) AS id FROM silver.customer
               GROUP BY lower(name), company_id) c
         WHERE s.id = upload_resolved.store_id AND c.company_id = s.company_id
           AND c.k = lower(upload_resolved.customer);",
    )?;
    const BROKEN: &str = "store_id IS NULL OR product_id IS NULL
        OR (customer IS NOT NULL AND customer_id IS NULL)";
    resolved.error_count = count(
        connection,
        &format!("SELECT count(*) FROM upload_resolved WHERE {BROKEN}"),
        &[],
    )?;
    resolved.errors = connection
        .query(
            &format!(
                "SELECT line,
                    CASE WHEN store_id IS NULL THEN 'store'
                         WHEN product_id IS NULL THEN
                              CASE WHEN sku IS NOT NULL THEN 'sku'
                                   WHEN barcode IS NOT NULL THEN 'barcode' ELSE 'product' END
                         ELSE 'customer' END,
                    CASE WHEN store_id IS NULL THEN store_code
                         WHEN product_id IS NULL THEN coalesce(sku, barcode, product_name)
                         ELSE customer END,
                    CASE WHEN store_id IS NULL THEN 'unknown store: no store has this code or name'
                         WHEN product_id IS NULL AND sku IS NULL AND barcode IS NULL
                              AND name_matches > 1
                         THEN 'this name fits ' || CAST(name_matches AS VARCHAR)
                              || ' products; give the SKU or barcode'
                         WHEN product_id IS NULL
                         THEN 'unknown product: no product has this SKU, barcode or name'
                         ELSE 'unknown customer: no customer of this store''s company has this name'
                    END
                 FROM upload_resolved WHERE {BROKEN} ORDER BY line LIMIT $1"
            ),
            &[(target.keep as i64).into()],
        )?
        .rows
        .iter()
        .map(|row| RowError {
            batch_id: target.batch_id,
            line: row[0].as_i64().unwrap_or_default(),
            column: row[1].as_str().unwrap_or_default().to_string(),
            value: row[2].as_str().unwrap_or_default().to_string(),
            reason: row[3].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    connection.execute_batch(&format!("DELETE FROM upload_resolved WHERE {BROKEN}"))?;

    resolved.replaced = connection.execute(
        "DELETE FROM silver.sales_line
         WHERE source = $1 AND source_ref IN (SELECT source_ref FROM upload_resolved)",
        std::slice::from_ref(&source),
    )? as i64;
    resolved.loaded = connection.execute(
        "INSERT INTO silver.sales_line
             (id, date, company_id, store_id, channel, customer_id, product_id, order_ref, qty,
              net_amount, cost_amount, discount_amount, currency, source, source_ref)
         SELECT (SELECT coalesce(max(id), 0) FROM silver.sales_line)
                    + row_number() OVER (ORDER BY r.line),
                r.date, s.company_id, r.store_id, $2, r.customer_id, r.product_id,
                coalesce(r.order_ref, s.code || '-' || CAST(r.date AS VARCHAR)),
                r.qty, r.net_amount, round(r.qty * p.standard_cost, 2), r.discount_amount,
                'THB', $1, r.source_ref
         FROM upload_resolved r
         JOIN silver.store s ON s.id = r.store_id
         JOIN silver.product p ON p.id = r.product_id",
        &[source, target.channel.into()],
    )? as i64;
    resolved.dates = connection
        .query("SELECT DISTINCT date FROM upload_resolved", &[])?
        .rows
        .iter()
        .filter_map(|row| row[0].as_date())
        .collect();
    connection.execute_batch("DROP TABLE upload_resolved")?;
    Ok(resolved)
}

fn count(connection: &dyn Connection, sql: &str, params: &[Value]) -> Result<i64, StoreError> {
    Ok(connection
        .query(sql, params)?
        .scalar()
        .and_then(Value::as_i64)
        .unwrap_or(0))
}

/// Stores the file names that match no store's code or name, as partner stores.
fn create_stores(connection: &dyn Connection, target: &Target<'_>) -> Result<usize, StoreError> {
    connection.execute(
        &format!(
            "INSERT INTO silver.store (id, code, name, company_id, kind, source, source_id)
             SELECT (SELECT coalesce(max(id), 0) FROM silver.store)
                        + row_number() OVER (ORDER BY code),
                    code, name, $2, 'partner', $3, code
             FROM (SELECT min(u.store_code) AS code,
                          min(coalesce(u.store_name, u.store_code)) AS name
                   FROM raw.upload_line u {STORE_MATCH}
                   WHERE u.batch_id = $1 AND sc.id IS NULL AND sn.id IS NULL
                   GROUP BY lower(u.store_code)) unknown"
        ),
        &[
            target.batch_id.into(),
            target.company_id.into(),
            target.source.into(),
        ],
    )
}

/// Products the file names that match nothing (not even an ambiguous name), with the brand
/// and category the file gives and the average selling price as list price. Their cost is
/// unknown (0).
fn create_products(connection: &dyn Connection, target: &Target<'_>) -> Result<usize, StoreError> {
    connection.execute(
        &format!(
            "INSERT INTO silver.product
                 (id, template_id, name, sku, brand, category, subcategory, gender, season, color,
                  size, list_price, standard_cost, active, supplier_id, source, source_id, barcode)
             SELECT base.id + row_number() OVER (ORDER BY k), base.id + row_number() OVER (ORDER BY k),
                    name, sku, brand, category, subcategory, '', '', '', '', price, 0, TRUE, NULL,
                    $2, k, barcode
             FROM (SELECT {PRODUCT_KEY} AS k,
                          coalesce(min(u.product_name), min(u.sku), min(u.barcode)) AS name,
                          coalesce(min(u.sku), min(u.barcode), min(u.product_name)) AS sku,
                          min(u.barcode) AS barcode,
                          coalesce(min(u.brand), 'Unknown') AS brand,
                          coalesce(min(u.category), 'Unknown') AS category,
                          coalesce(min(u.subcategory), '') AS subcategory,
                          coalesce(round(sum(u.net_amount) FILTER (WHERE u.qty > 0)
                                / nullif(sum(u.qty) FILTER (WHERE u.qty > 0), 0), 2), 0) AS price
                   FROM raw.upload_line u {PRODUCT_MATCH}
                   WHERE u.batch_id = $1 AND ps.id IS NULL AND pb.id IS NULL AND pn.id IS NULL
                   GROUP BY {PRODUCT_KEY}) unknown,
                  (SELECT coalesce(max(id), 0) AS id FROM silver.product) base"
        ),
        &[target.batch_id.into(), target.source.into()],
    )
}

/// Customers the resolved rows name that the store's company does not know.
fn create_customers(connection: &dyn Connection, target: &Target<'_>) -> Result<usize, StoreError> {
    let segment = if target.channel == "wholesale" {
        "wholesale"
    } else {
        "online"
    };
    connection.execute(
        "INSERT INTO silver.customer (id, name, segment, company_id, source, source_id)
         SELECT (SELECT coalesce(max(id), 0) FROM silver.customer)
                    + row_number() OVER (ORDER BY company_id, name),
                name, $1, company_id, $2, name
         FROM (SELECT min(r.customer) AS name, s.company_id
               FROM upload_resolved r JOIN silver.store s ON s.id = r.store_id
               WHERE r.customer IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM silver.customer c
                                 WHERE c.company_id = s.company_id
                                   AND lower(c.name) = lower(r.customer))
               GROUP BY lower(r.customer), s.company_id) unknown",
        &[segment.into(), target.source.into()],
    )
}
