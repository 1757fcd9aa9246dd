//! From staged rows (`raw.upload_line`) to `silver.sales_line`, in set-based SQL that runs in
//! the caller's transaction.
//!
//! - Stores are matched by code or name, products by SKU, then barcode, then a name that fits
//!   exactly one product, customers by name within the store's company (all ignoring case).
//!   Unknown ones are created when the settings allow; otherwise their rows become errors.
//! - A row's `source_ref` is its natural key in the vendor's data: date, store, product, order
//!   and the row's rank among equal keys. Rows of the same source and reference replace the
//!   ones loaded before, so a file loaded twice, or two files that overlap, count once.
//!
//! Matching and creating work once per distinct key, in small temporary tables (a file of a
//! million rows names some hundred stores and some thousand products): `upload_store` (one row
//! per store code as the file spells it), `upload_product` (per SKU, barcode and name) and
//! `upload_customer` (per store code and customer name). The staged rows are then read a few
//! times, each a stream joined to those tables on the values as staged; only the rows whose
//! natural key repeats are ranked by a window.

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

/// The temporary tables, from the distinct keys of the staged rows to what they resolve to.
const TABLES: &[&str] = &[
    "upload_store_key",
    "upload_product_key",
    "upload_customer_key",
    "upload_store",
    "upload_product",
    "upload_customer",
    "upload_repeated",
    "upload_rank",
];

/// Each key's match among known stores (by code, else by name), products (by SKU, barcode or
/// a name that fits exactly one) and customers of the store's company, ignoring case; `g` is
/// the key, with its spellings lowered (`k`, `sku_k`, `name_k`).
const STORE_MATCH: &str = "
    LEFT JOIN (SELECT lower(code) AS k, min(id) AS id FROM silver.store GROUP BY lower(code)) sc
        ON sc.k = g.k
    LEFT JOIN (SELECT lower(name) AS k, min(id) AS id FROM silver.store GROUP BY lower(name)) sn
        ON sn.k = g.k";
const PRODUCT_MATCH: &str = "
    LEFT JOIN (SELECT lower(sku) AS k, min(id) AS id FROM silver.product GROUP BY lower(sku)) ps
        ON ps.k = g.sku_k
    LEFT JOIN (SELECT barcode AS k, min(id) AS id FROM silver.product
               WHERE barcode IS NOT NULL GROUP BY barcode) pb
        ON pb.k = g.barcode
    LEFT JOIN (SELECT lower(name) AS k, min(id) AS id, count(*) AS n FROM silver.product
               GROUP BY lower(name)) pn
        ON pn.k = g.name_k";
/// (`s` is the resolved store of the key's store code.)
const CUSTOMER_MATCH: &str = "
    JOIN upload_store s ON s.sent_code = g.store_code AND s.id IS NOT NULL
    LEFT JOIN (SELECT lower(name) AS k, company_id, min(id) AS id FROM silver.customer
               GROUP BY lower(name), company_id) cm
        ON cm.k = g.k AND cm.company_id = s.company_id";

/// The staged rows `u` with their store `s`, product `p` and customer `c` (restrict them to
/// the batch, `$1`).
const ROWS: &str = "raw.upload_line u
    LEFT JOIN upload_store s ON s.sent_code = u.store_code
    JOIN upload_product p
        ON p.sku IS NOT DISTINCT FROM u.sku
       AND p.barcode IS NOT DISTINCT FROM u.barcode
       AND p.product_name IS NOT DISTINCT FROM u.product_name
    LEFT JOIN upload_customer c ON c.store_code = u.store_code AND c.customer = u.customer";
/// Whether such a row cannot load.
const BROKEN: &str = "(s.id IS NULL OR p.id IS NULL OR (u.customer IS NOT NULL AND c.id IS NULL))";
/// Its natural key, with its rank `r` among the rows of the same key (`upload_rank` holds the
/// ranks of keys that repeat; the others are first).
const SOURCE_REF: &str = "CAST(u.date AS VARCHAR) || '|' || s.k || '|' || p.k || '|'
    || coalesce(u.order_ref, '') || '|' || CAST(coalesce(r.rank, 1) AS VARCHAR)";
const RANK: &str = "LEFT JOIN upload_rank r ON r.line = u.line";

pub(crate) fn resolve(
    connection: &dyn Connection,
    target: &Target<'_>,
) -> Result<Resolved, StoreError> {
    let mut resolved = Resolved::default();
    let batch = Value::Int(target.batch_id);
    for table in TABLES {
        connection.execute_batch(&format!("DROP TABLE IF EXISTS {table}"))?;
    }
    collect_keys(connection, &batch)?;
    if target.create_unknown {
        resolved.stores_created = create_stores(connection, target)? as i64;
        resolved.products_created = create_products(connection, target)? as i64;
    }
    match_stores_and_products(connection)?;
    if target.create_unknown {
        resolved.customers_created = create_customers(connection, target)? as i64;
    }
    match_customers(connection)?;
    rank_repeated_keys(connection, &batch)?;
    count_by_date(connection, &batch, &mut resolved)?;
    if resolved.error_count > 0 {
        resolved.errors = errors(connection, target)?;
    }
    resolved.replaced = replace_loaded(connection, target, &resolved.dates)?;
    resolved.loaded = insert_lines(connection, target)?;
    for table in TABLES {
        connection.execute_batch(&format!("DROP TABLE {table}"))?;
    }
    Ok(resolved)
}

/// The dates that have rows to load, and how many rows cannot load.
fn count_by_date(
    connection: &dyn Connection,
    batch: &Value,
    resolved: &mut Resolved,
) -> Result<(), StoreError> {
    let by_date = connection.query(
        &format!(
            "SELECT u.date, count(*) FILTER (WHERE NOT {BROKEN}), count(*) FILTER (WHERE {BROKEN})
             FROM {ROWS} WHERE u.batch_id = $1 GROUP BY u.date"
        ),
        std::slice::from_ref(batch),
    )?;
    for row in &by_date.rows {
        if row[1].as_i64().unwrap_or(0) > 0
            && let Some(date) = row[0].as_date()
        {
            resolved.dates.insert(date);
        }
        resolved.error_count += row[2].as_i64().unwrap_or(0);
    }
    Ok(())
}

/// Deletes the lines of an earlier load of this source that rows of the batch restate (same
/// reference); returns how many. Their dates are among the rows', so only those are read.
fn replace_loaded(
    connection: &dyn Connection,
    target: &Target<'_>,
    dates: &BTreeSet<NaiveDate>,
) -> Result<i64, StoreError> {
    let (Some(&first), Some(&last)) = (dates.first(), dates.last()) else {
        return Ok(0);
    };
    let params = [
        target.batch_id.into(),
        target.source.into(),
        Value::Date(first),
        Value::Date(last),
    ];
    let loaded_before = connection
        .query(
            "SELECT count(*) FROM (SELECT 1 FROM silver.sales_line
             WHERE source = $1 AND date BETWEEN $2 AND $3 LIMIT 1) found",
            &params[1..],
        )?
        .scalar()
        .and_then(Value::as_i64)
        .unwrap_or(0);
    if loaded_before == 0 {
        return Ok(0);
    }
    Ok(connection.execute(
        &format!(
            "DELETE FROM silver.sales_line
             WHERE source = $2 AND date BETWEEN $3 AND $4
               AND source_ref IN (SELECT {SOURCE_REF} FROM {ROWS} {RANK}
                                  WHERE u.batch_id = $1 AND NOT {BROKEN})"
        ),
        &params,
    )? as i64)
}

/// Writes the rows that can load as sales lines; returns how many. Their ids follow the
/// largest one, in the file's order (by line).
fn insert_lines(connection: &dyn Connection, target: &Target<'_>) -> Result<i64, StoreError> {
    Ok(connection.execute(
        &format!(
            "INSERT INTO silver.sales_line
                 (id, date, company_id, store_id, channel, customer_id, product_id, order_ref,
                  qty, net_amount, cost_amount, discount_amount, currency, source, source_ref)
             SELECT (SELECT coalesce(max(id), 0) FROM silver.sales_line) + u.line,
                    u.date, s.company_id, s.id, $3, c.id, p.id,
                    coalesce(u.order_ref, s.code || '-' || CAST(u.date AS VARCHAR)),
                    u.qty, u.net_amount, round(u.qty * p.standard_cost, 2), u.discount_amount,
                    'THB', $2, {SOURCE_REF}
             FROM {ROWS} {RANK} WHERE u.batch_id = $1 AND NOT {BROKEN}"
        ),
        &[
            target.batch_id.into(),
            target.source.into(),
            target.channel.into(),
        ],
    )? as i64)
}

/// The distinct keys of the batch's staged rows as spelled, lowered, with what creating them
/// needs.
fn collect_keys(connection: &dyn Connection, batch: &Value) -> Result<(), StoreError> {
    connection.execute_batch(
        "CREATE TEMP TABLE upload_store_key (store_code VARCHAR, k VARCHAR, name VARCHAR);
         CREATE TEMP TABLE upload_product_key (
             sku VARCHAR, barcode VARCHAR, product_name VARCHAR,
             sku_k VARCHAR, name_k VARCHAR, k VARCHAR,
             brand VARCHAR, category VARCHAR, subcategory VARCHAR,
             sold_amount DECIMAL(38,2), sold_qty BIGINT);
         CREATE TEMP TABLE upload_customer_key (store_code VARCHAR, customer VARCHAR, k VARCHAR);",
    )?;
    let batch = std::slice::from_ref(batch);
    connection.execute(
        "INSERT INTO upload_store_key
         SELECT store_code, lower(store_code), min(coalesce(store_name, store_code))
         FROM raw.upload_line WHERE batch_id = $1 GROUP BY store_code",
        batch,
    )?;
    // The product key of a row: its SKU, else its barcode, else its name.
    connection.execute(
        "INSERT INTO upload_product_key
         SELECT sku, barcode, product_name, lower(sku), lower(product_name),
                coalesce(lower(sku), barcode, lower(product_name)),
                min(brand), min(category), min(subcategory),
                sum(net_amount) FILTER (WHERE qty > 0), sum(qty) FILTER (WHERE qty > 0)
         FROM raw.upload_line WHERE batch_id = $1
         GROUP BY sku, barcode, product_name",
        batch,
    )?;
    connection.execute(
        "INSERT INTO upload_customer_key
         SELECT DISTINCT store_code, customer, lower(customer)
         FROM raw.upload_line WHERE batch_id = $1 AND customer IS NOT NULL",
        batch,
    )?;
    Ok(())
}

/// What each store and product key resolves to (after any were created): its id, and what
/// loading needs of it. `n` numbers the keys as lowered, to rank rows by key.
fn match_stores_and_products(connection: &dyn Connection) -> Result<(), StoreError> {
    connection.execute_batch(&format!(
        "CREATE TEMP TABLE upload_store AS
         SELECT g.store_code AS sent_code, g.k, dense_rank() OVER (ORDER BY g.k) AS n,
                s.id, s.company_id, s.code
         FROM upload_store_key g {STORE_MATCH}
         LEFT JOIN silver.store s ON s.id = coalesce(sc.id, sn.id);
         CREATE TEMP TABLE upload_product AS
         SELECT g.sku, g.barcode, g.product_name, g.k, dense_rank() OVER (ORDER BY g.k) AS n,
                coalesce(pn.n, 0) AS name_matches, p.id, p.standard_cost
         FROM upload_product_key g {PRODUCT_MATCH}
         LEFT JOIN silver.product p
             ON p.id = coalesce(ps.id, pb.id, CASE WHEN pn.n = 1 THEN pn.id END);"
    ))
}

fn match_customers(connection: &dyn Connection) -> Result<(), StoreError> {
    connection.execute_batch(&format!(
        "CREATE TEMP TABLE upload_customer AS
         SELECT g.store_code, g.customer, cm.id FROM upload_customer_key g {CUSTOMER_MATCH};"
    ))
}

/// The rank of each row whose natural key (date, store, product, order) repeats in the file,
/// by line. Most files repeat no key: then this is one pass over the rows, and no window.
fn rank_repeated_keys(connection: &dyn Connection, batch: &Value) -> Result<(), StoreError> {
    let batch = std::slice::from_ref(batch);
    connection.execute_batch(
        "CREATE TEMP TABLE upload_repeated (date DATE, store BIGINT, product BIGINT,
                                            order_ref VARCHAR);
         CREATE TEMP TABLE upload_rank (line BIGINT, rank BIGINT);",
    )?;
    let repeated = connection.execute(
        &format!(
            "INSERT INTO upload_repeated
             SELECT u.date, s.n, p.n, u.order_ref FROM {ROWS} WHERE u.batch_id = $1
             GROUP BY u.date, s.n, p.n, u.order_ref HAVING count(*) > 1"
        ),
        batch,
    )?;
    if repeated > 0 {
        connection.execute(
            &format!(
                "INSERT INTO upload_rank
                 SELECT u.line, row_number() OVER (
                            PARTITION BY u.date, s.n, p.n, u.order_ref ORDER BY u.line)
                 FROM {ROWS}
                 JOIN upload_repeated d
                     ON d.date = u.date AND d.store IS NOT DISTINCT FROM s.n
                    AND d.product = p.n AND d.order_ref IS NOT DISTINCT FROM u.order_ref
                 WHERE u.batch_id = $1"
            ),
            batch,
        )?;
    }
    Ok(())
}

/// The first `keep` rows that cannot load, with why.
fn errors(connection: &dyn Connection, target: &Target<'_>) -> Result<Vec<RowError>, StoreError> {
    let rows = connection.query(
        &format!(
            "SELECT u.line,
                CASE WHEN s.id IS NULL THEN 'store'
                     WHEN p.id IS NULL THEN
                          CASE WHEN u.sku IS NOT NULL THEN 'sku'
                               WHEN u.barcode IS NOT NULL THEN 'barcode' ELSE 'product' END
                     ELSE 'customer' END,
                CASE WHEN s.id IS NULL THEN u.store_code
                     WHEN p.id IS NULL THEN coalesce(u.sku, u.barcode, u.product_name)
                     ELSE u.customer END,
                CASE WHEN s.id IS NULL THEN 'unknown store: no store has this code or name'
                     WHEN p.id IS NULL AND u.sku IS NULL AND u.barcode IS NULL
                          AND p.name_matches > 1
                     THEN 'this name fits ' || CAST(p.name_matches AS VARCHAR)
                          || ' products; give the SKU or barcode'
                     WHEN p.id IS NULL
                     THEN 'unknown product: no product has this SKU, barcode or name'
                     ELSE 'unknown customer: no customer of this store''s company has this name'
                END
             FROM {ROWS} WHERE u.batch_id = $1 AND {BROKEN} ORDER BY u.line LIMIT $2"
        ),
        &[target.batch_id.into(), (target.keep as i64).into()],
    )?;
    Ok(rows
        .rows
        .iter()
        .map(|row| RowError {
            batch_id: target.batch_id,
            line: row[0].as_i64().unwrap_or_default(),
            column: row[1].as_str().unwrap_or_default().to_string(),
            value: row[2].as_str().unwrap_or_default().to_string(),
            reason: row[3].as_str().unwrap_or_default().to_string(),
        })
        .collect())
}

/// Stores the file names that match no store's code or name, as partner stores.
fn create_stores(connection: &dyn Connection, target: &Target<'_>) -> Result<usize, StoreError> {
    connection.execute(
        &format!(
            "INSERT INTO silver.store (id, code, name, company_id, kind, source, source_id)
             SELECT (SELECT coalesce(max(id), 0) FROM silver.store)
                        + row_number() OVER (ORDER BY g.code),
                    g.code, g.name, $1, 'partner', $2, g.code
             FROM (SELECT k, min(store_code) AS code, min(name) AS name
                   FROM upload_store_key GROUP BY k) g {STORE_MATCH}
             WHERE sc.id IS NULL AND sn.id IS NULL"
        ),
        &[target.company_id.into(), target.source.into()],
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
                    $1, k, barcode
             FROM (SELECT g.k,
                          coalesce(min(g.product_name), min(g.sku), min(g.barcode)) AS name,
                          coalesce(min(g.sku), min(g.barcode), min(g.product_name)) AS sku,
                          min(g.barcode) AS barcode,
                          coalesce(min(g.brand), 'Unknown') AS brand,
                          coalesce(min(g.category), 'Unknown') AS category,
                          coalesce(min(g.subcategory), '') AS subcategory,
                          coalesce(round(sum(g.sold_amount) / nullif(sum(g.sold_qty), 0), 2), 0)
                              AS price
                   FROM upload_product_key g {PRODUCT_MATCH}
                   WHERE ps.id IS NULL AND pb.id IS NULL AND pn.id IS NULL
                   GROUP BY g.k) unknown,
                  (SELECT coalesce(max(id), 0) AS id FROM silver.product) base"
        ),
        &[target.source.into()],
    )
}

/// Customers the file names that the company of their row's store does not know.
fn create_customers(connection: &dyn Connection, target: &Target<'_>) -> Result<usize, StoreError> {
    let segment = if target.channel == "wholesale" {
        "wholesale"
    } else {
        "online"
    };
    connection.execute(
        &format!(
            "INSERT INTO silver.customer (id, name, segment, company_id, source, source_id)
             SELECT (SELECT coalesce(max(id), 0) FROM silver.customer)
                        + row_number() OVER (ORDER BY company_id, name),
                    name, $1, company_id, $2, name
             FROM (SELECT min(g.customer) AS name, s.company_id
                   FROM upload_customer_key g {CUSTOMER_MATCH}
                   WHERE cm.id IS NULL
                   GROUP BY g.k, s.company_id) unknown"
        ),
        &[segment.into(), target.source.into()],
    )
}
