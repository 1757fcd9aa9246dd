//! Whether an import creates the products, stores and customers its file names that the store
//! does not know: by default yes for a business whose only catalogue is its files, no once an
//! Odoo connection is configured (the ERP is then the master of the catalogue); an explicit
//! setting wins either way.

use analyst_odoo_sync::{MappingSettings, OdooConnection, SOURCE, save_connection};

use super::*;

/// A sell-out file of known products, with one the catalogue does not have.
fn file_with_a_new_product(connection: &dyn Connection, dir: &Path) -> (PathBuf, Vec<Row>) {
    let mut rows = sample_rows(&active_skus(connection, 3));
    rows.push(Row {
        date: "2026-11-04",
        branch: "CTW-01",
        sku: "NEW-0001".into(),
        units: 2,
        net: 78_000,
    });
    (write_file(dir, "with-a-new-product.csv", &rows), rows)
}

fn connect_odoo(connection: &dyn Connection) {
    save_connection(
        connection,
        &OdooConnection {
            name: SOURCE.into(),
            url: "http://127.0.0.1:1".into(),
            database: "shop".into(),
            login: "admin".into(),
            api_key_env: "ODOO_API_KEY".into(),
            settings: MappingSettings::default(),
        },
    )
    .unwrap();
}

fn new_products(connection: &dyn Connection) -> i64 {
    int(
        connection,
        "SELECT count(*) FROM silver.product WHERE sku = 'NEW-0001'",
        &[],
    )
}

#[test]
fn without_an_erp_an_import_creates_what_the_catalogue_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let connection = demo_store(dir.path());
    let connection = connection.as_ref();
    let settings = settings(dir.path());
    assert_eq!(settings.create_unknown, None);
    let (path, rows) = file_with_a_new_product(connection, dir.path());

    let batch = import(connection, &settings, &path, &mapping());

    assert_eq!(batch.state, BatchState::Loaded, "{:?}", batch.message);
    assert_eq!(batch.rows_failed, 0);
    assert_eq!(batch.summary["products_created"], 1);
    assert_eq!(batch.summary["stores_created"], 3);
    assert_eq!(new_products(connection), 1);
    assert_eq!(totals(connection).0, expected(&rows));
}

#[test]
fn with_odoo_connected_an_import_lists_what_the_catalogue_lacks_unless_told_to_create_it() {
    let dir = tempfile::tempdir().unwrap();
    let connection = demo_store(dir.path());
    let connection = connection.as_ref();
    connect_odoo(connection);
    let (path, rows) = file_with_a_new_product(connection, dir.path());

    let listed = import(connection, &settings(dir.path()), &path, &mapping());

    // The partner stores are unknown too: every row is an error, nothing is created.
    assert_eq!(listed.state, BatchState::Loaded, "{:?}", listed.message);
    assert_eq!(listed.rows_loaded, 0);
    assert_eq!(listed.rows_failed, rows.len() as i64);
    assert_eq!(listed.summary["products_created"], 0);
    assert_eq!(listed.summary["stores_created"], 0);
    assert_eq!(new_products(connection), 0);
    let reasons: Vec<String> = connection
        .query(
            "SELECT DISTINCT reason FROM ops.upload_error WHERE batch_id = $1",
            &[listed.id.into()],
        )
        .unwrap()
        .rows
        .iter()
        .map(|row| row[0].as_str().unwrap().to_string())
        .collect();
    assert_eq!(reasons.len(), 1);
    assert!(reasons[0].contains("unknown store"), "{reasons:?}");

    let told = UploadSettings {
        create_unknown: Some(true),
        ..settings(dir.path())
    };
    let checked = import(
        connection,
        &told,
        &path,
        &ImportOptions {
            dry_run: true,
            ..mapping()
        },
    );
    assert_eq!(checked.state, BatchState::Checked, "{:?}", checked.message);
    assert_eq!(checked.rows_loaded, rows.len() as i64);
    assert_eq!(checked.summary["products_created"], 1);
}
