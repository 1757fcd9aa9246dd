//! Rows with the same natural key (date, store, product, order) in one file are separate sales,
//! told apart by their rank among equal rows: a restated file replaces them rank by rank.

use super::*;

#[test]
fn equal_rows_are_separate_sales_and_a_restated_file_replaces_them_rank_by_rank() {
    let dir = tempfile::tempdir().unwrap();
    let connection = demo_store(dir.path());
    let connection = connection.as_ref();
    let settings = settings(dir.path());
    let skus = active_skus(connection, 2);
    let sale = Row {
        date: "2026-11-05",
        branch: "CTW-01",
        sku: skus[0].clone(),
        units: 1,
        net: 129_000,
    };
    let other = Row {
        sku: skus[1].clone(),
        units: 2,
        net: 258_000,
        ..sale.clone()
    };
    // The same sale twice (two customers bought one each), another product between them.
    let first = vec![sale.clone(), other.clone(), sale.clone()];
    let loaded = import(
        connection,
        &settings,
        &write_file(dir.path(), "first.csv", &first),
        &mapping(),
    );
    assert_eq!(loaded.rows_loaded, 3, "{:?}", loaded.message);
    assert_eq!(totals(connection).0, expected(&first));

    // The vendor restates the day: the other product's quantity changed, and the sale is
    // listed once. The first rank of each key is replaced; the second sale stays.
    let restated_other = Row {
        units: 3,
        net: 387_000,
        ..other.clone()
    };
    let restated = vec![restated_other.clone(), sale.clone()];
    let again = import(
        connection,
        &settings,
        &write_file(dir.path(), "restated.csv", &restated),
        &mapping(),
    );

    assert_eq!(again.rows_loaded, 2, "{:?}", again.message);
    assert_eq!(again.summary["rows_replaced"], 2);
    let (silver, gold) = totals(connection);
    let remaining = vec![restated_other, sale.clone(), sale];
    assert_eq!(silver, expected(&remaining));
    assert_eq!(gold, expected(&remaining));
    // Every line keeps its own reference and id.
    assert_eq!(
        int(
            connection,
            "SELECT count(*) - count(DISTINCT source_ref) FROM silver.sales_line
             WHERE source LIKE 'upload:%'",
            &[]
        ),
        0
    );
    assert_eq!(
        int(
            connection,
            "SELECT count(*) - count(DISTINCT id) FROM silver.sales_line",
            &[]
        ),
        0
    );
}
