//! `analyst bench --odoo`: an Odoo sync timed against a local server that speaks Odoo's
//! protocol (FakeOdoo) with many POS order lines: records/s end to end, and per large model
//! records/s of our own processing (raw, silver, gold), the run's time minus the time spent
//! waiting for Odoo's pages. Against a real Odoo the wait is the ERP's; ours is what we answer
//! for.

use std::time::{Duration, Instant};

use analyst_odoo::OdooClient;
use analyst_odoo::testkit::{FakeOdoo, FixtureSize};
use analyst_odoo_sync::{MappingSettings, OdooConnection, SyncOptions, sync};
use analyst_store::{AccessMode, Location};
use anyhow::Context;

use super::bench::peak_memory;

pub(super) fn time_sync(orders: usize) -> anyhow::Result<()> {
    let clock = Instant::now();
    let fake = FakeOdoo::builder()
        .size(FixtureSize { pos_orders: orders })
        .start();
    println!(
        "Odoo fixture of {orders} POS orders generated in {:.1?}",
        clock.elapsed()
    );
    let dir = tempfile::tempdir().context("creating a temporary store directory")?;
    let store = analyst_store::open(
        &Location::DataDir(dir.path().to_path_buf()),
        AccessMode::ReadWrite,
    )?;
    let settings = MappingSettings::default();
    let mut config = fake.admin_config();
    config.page_size = settings.page_size;
    config.timeout = Duration::from_secs(120);
    let connection = OdooConnection {
        name: "odoo".into(),
        url: fake.url().into(),
        database: FakeOdoo::DATABASE.into(),
        login: FakeOdoo::ADMIN_LOGIN.into(),
        api_key_env: "UNUSED".into(),
        settings,
    };
    let client = OdooClient::connect(config).context("connecting to the local Odoo")?;
    let clock = Instant::now();
    let report = sync(
        store.as_ref(),
        &client,
        &connection,
        &SyncOptions::default(),
        &mut |_, _| Ok(()),
    )?;
    let total = clock.elapsed().as_secs_f64();
    let rows = report.rows_fetched();
    println!(
        "synced {rows} records in {total:.1} s: {:.0} records/s end to end, peak memory {}",
        rows as f64 / total,
        peak_memory()
    );
    for model in report
        .models
        .iter()
        .filter(|model| model.rows_fetched >= 10_000)
    {
        let own = model.duration_ms.saturating_sub(model.odoo_ms).max(1) as f64 / 1000.0;
        println!(
            "{:<16} {:>9} records  {:>7.1} s  (waiting for Odoo {:>6.1} s)  own processing {:>8.0} records/s",
            model.model,
            model.rows_fetched,
            model.duration_ms as f64 / 1000.0,
            model.odoo_ms as f64 / 1000.0,
            model.rows_fetched as f64 / own,
        );
    }
    Ok(())
}
