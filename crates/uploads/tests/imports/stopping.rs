//! An import stopped while it runs (its job cancelled, its worker stopping) writes nothing,
//! and runs again from the start.

use super::*;

#[test]
fn an_import_stopped_midway_writes_nothing_and_loads_everything_when_run_again() {
    let dir = tempfile::tempdir().unwrap();
    let connection = demo_store(dir.path());
    let connection = connection.as_ref();
    let settings = settings(dir.path());
    let lines_before = int(connection, "SELECT count(*) FROM silver.sales_line", &[]);
    let skus = active_skus(connection, 50);
    // Enough rows for the reader to be far ahead of the store when the run is stopped.
    let dates = ["2026-11-02", "2026-11-03", "2026-11-04"];
    let branches = ["CTW-01", "CTW-02", "LDP-07"];
    let rows: Vec<Row> = (0..60_000)
        .map(|index: usize| Row {
            date: dates[index % 3],
            branch: branches[index / 3 % 3],
            sku: skus[index / 9 % skus.len()].clone(),
            units: (index % 5) as i64 + 1,
            net: ((index % 5) as i64 + 1) * 9_950,
        })
        .collect();
    let path = write_file(dir.path(), "big-week.csv", &rows);
    let registered = batch::register(
        connection,
        &settings,
        None,
        "big-week.csv",
        &path,
        &mapping(),
    )
    .unwrap();

    let mut reports = 0;
    let stopped = process(connection, &settings, registered.id, &mut |_, _| {
        reports += 1;
        if reports == 2 { Err("stop") } else { Ok(()) }
    });

    assert!(matches!(stopped, Err(Stopped::ByCaller("stop"))));
    assert_eq!(reports, 2);
    let waiting = batch::get(connection, registered.id).unwrap().unwrap();
    assert_eq!(waiting.state, BatchState::Queued);
    assert_eq!(
        int(connection, "SELECT count(*) FROM raw.upload_line", &[]),
        0
    );
    assert_eq!(
        int(connection, "SELECT count(*) FROM silver.sales_line", &[]),
        lines_before
    );

    let loaded = match process(connection, &settings, registered.id, &mut |_, _| {
        Ok::<(), ()>(())
    }) {
        Ok(batch) => batch,
        Err(_) => panic!("the second run stopped"),
    };
    assert_eq!(loaded.state, BatchState::Loaded, "{:?}", loaded.message);
    assert_eq!(loaded.rows_loaded, rows.len() as i64);
    let (silver, gold) = totals(connection);
    assert_eq!(silver, expected(&rows));
    assert_eq!(gold, expected(&rows));
}
