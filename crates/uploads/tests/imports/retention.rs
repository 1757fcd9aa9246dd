//! Uploaded files and their staged rows are removed once their batch is older than the
//! retention; what they loaded into silver and gold stays.

use analyst_uploads::cleanup::{Pruned, prune};
use chrono::{Duration, Utc};

use super::*;

/// Makes a file look as if it was written `days` ago.
fn age_file(path: &Path, days: i64) {
    let then = std::time::SystemTime::now() - std::time::Duration::from_secs(days as u64 * 86_400);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(then)
        .unwrap();
}

/// Makes a batch, and its file, look as if they ended `days` ago.
fn age(connection: &dyn Connection, settings: &UploadSettings, batch: &Batch, days: i64) {
    let then = Utc::now().naive_utc() - Duration::days(days);
    connection
        .execute(
            "UPDATE ops.upload_batch SET created_at = $1, finished_at = $1 WHERE id = $2",
            &[Value::Timestamp(then), batch.id.into()],
        )
        .unwrap();
    age_file(&batch.path(settings), days);
}

fn staged(connection: &dyn Connection, batch_id: i64) -> i64 {
    int(
        connection,
        "SELECT count(*) FROM raw.upload_line WHERE batch_id = $1",
        &[batch_id.into()],
    )
}

#[test]
fn files_and_staged_rows_older_than_the_retention_go_and_the_loaded_sales_stay() {
    let dir = tempfile::tempdir().unwrap();
    let connection = demo_store(dir.path());
    let connection = connection.as_ref();
    let settings = UploadSettings {
        keep_days: 30,
        ..settings(dir.path())
    };
    let skus = active_skus(connection, 8);
    let old_rows = sample_rows(&skus[..4]);
    let recent_rows: Vec<Row> = sample_rows(&skus[4..])
        .into_iter()
        .map(|row| Row {
            date: "2026-11-12",
            ..row
        })
        .collect();
    let old = import(
        connection,
        &settings,
        &write_file(dir.path(), "old.csv", &old_rows),
        &mapping(),
    );
    let recent = import(
        connection,
        &settings,
        &write_file(dir.path(), "recent.csv", &recent_rows),
        &mapping(),
    );
    // Sent weeks ago and never mapped: its columns fit no profile.
    let unmapped_path = dir.path().join("unmapped.csv");
    std::fs::write(
        &unmapped_path,
        "Txn Day,Outlet,Article,Pieces,Takings\n2026-11-01,CTW-01,X-1,1,10.00\n",
    )
    .unwrap();
    let unmapped = import(
        connection,
        &settings,
        &unmapped_path,
        &ImportOptions::default(),
    );
    assert_eq!(unmapped.state, BatchState::NeedsMapping);
    // A file no batch names (its registration was interrupted).
    let stray = settings.dir.join("receiving-stray");
    std::fs::write(&stray, "x").unwrap();
    let mut all = old_rows.clone();
    all.extend(recent_rows.iter().cloned());
    let figures = totals(connection);
    assert_eq!(figures, (expected(&all), expected(&all)));

    // Within the retention nothing goes, nor a file just received that no batch names yet.
    let now = Utc::now().naive_utc();
    assert_eq!(
        prune(connection, &settings, now).unwrap(),
        Pruned::default()
    );
    age(connection, &settings, &old, 31);
    age(connection, &settings, &unmapped, 31);
    age_file(&stray, 1);

    let pruned = prune(connection, &settings, now).unwrap();

    assert_eq!(pruned.rows, old_rows.len() as u64);
    assert_eq!(pruned.unmapped, 1);
    assert_eq!(staged(connection, old.id), 0);
    assert_eq!(staged(connection, recent.id), recent_rows.len() as i64);
    assert!(!old.path(&settings).exists());
    assert!(!unmapped.path(&settings).exists());
    assert!(!stray.exists());
    assert!(recent.path(&settings).exists());
    assert_eq!(pruned.files, 3);
    // Silver and gold keep every sale; the batches stay in the history.
    assert_eq!(totals(connection), figures);
    let old_after = batch::get(connection, old.id).unwrap().unwrap();
    assert_eq!(old_after.state, BatchState::Loaded);
    assert_eq!(old_after.rows_loaded, old_rows.len() as i64);
    let unmapped_after = batch::get(connection, unmapped.id).unwrap().unwrap();
    assert_eq!(unmapped_after.state, BatchState::Failed);
    assert!(unmapped_after.message.unwrap().contains("send it again"));
    // Run again, it finds nothing more.
    assert_eq!(
        prune(connection, &settings, now).unwrap(),
        Pruned::default()
    );
}

#[test]
fn a_file_sent_again_recently_stays_though_its_first_batch_is_old() {
    let dir = tempfile::tempdir().unwrap();
    let connection = demo_store(dir.path());
    let connection = connection.as_ref();
    let settings = settings(dir.path());
    let rows = sample_rows(&active_skus(connection, 3));
    let path = write_file(dir.path(), "week45.csv", &rows);
    let first = import(connection, &settings, &path, &mapping());
    age(
        connection,
        &settings,
        &first,
        i64::from(settings.keep_days) + 1,
    );
    // The same file checked again today: one kept file for both batches.
    let checked = import(
        connection,
        &settings,
        &path,
        &ImportOptions {
            dry_run: true,
            ..mapping()
        },
    );
    assert_eq!(checked.state, BatchState::Checked);
    assert_eq!(checked.checksum, first.checksum);
    // Kept for the batch that names it, however old the file itself looks.
    age_file(&first.path(&settings), i64::from(settings.keep_days) + 1);

    let pruned = prune(connection, &settings, Utc::now().naive_utc()).unwrap();

    assert_eq!(pruned.rows, rows.len() as u64);
    assert_eq!(pruned.files, 0);
    assert!(first.path(&settings).exists());
}

#[test]
fn the_nightly_schedule_queues_the_cleanup_and_a_worker_runs_it() {
    let dir = tempfile::tempdir().unwrap();
    let pool = analyst_store::Pool::new(demo_store(dir.path()), 2);
    let settings = settings(dir.path());
    let connection = pool.get().unwrap();
    let seeded = analyst_jobs::schedule::get(&*connection, "upload_cleanup")
        .unwrap()
        .unwrap();
    assert_eq!(
        (seeded.kind.as_str(), seeded.cron.as_str(), seeded.enabled),
        ("upload_cleanup", "41 2 * * *", true)
    );
    let rows = sample_rows(&active_skus(&*connection, 3));
    let old = import(
        &*connection,
        &settings,
        &write_file(dir.path(), "old.csv", &rows),
        &mapping(),
    );
    age(
        &*connection,
        &settings,
        &old,
        i64::from(settings.keep_days) + 1,
    );
    // Its time has come.
    connection
        .execute(
            "UPDATE app.job_schedule SET next_run_at = $1 WHERE name = 'upload_cleanup'",
            &[Value::Timestamp(
                Utc::now().naive_utc() - Duration::minutes(1),
            )],
        )
        .unwrap();
    drop(connection);

    let workers = analyst_jobs::Workers::start(
        &pool,
        analyst_uploads::job::kinds(&settings),
        analyst_jobs::WorkerSettings {
            workers: 1,
            poll: std::time::Duration::from_millis(20),
            ..analyst_jobs::WorkerSettings::default()
        },
        "test",
    )
    .unwrap();
    let connection = pool.get().unwrap();
    let started = std::time::Instant::now();
    let job = loop {
        let ran = analyst_jobs::queue::list(&*connection, None, Some("upload_cleanup"), 1)
            .unwrap()
            .into_iter()
            .find(|job| job.state.is_final());
        match ran {
            Some(job) => break job,
            None if started.elapsed() < std::time::Duration::from_secs(20) => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            None => panic!("the cleanup did not run"),
        }
    };
    workers.stop();

    assert_eq!(
        job.state,
        analyst_jobs::JobState::Succeeded,
        "{:?}",
        job.message
    );
    let result = job.result.unwrap();
    assert_eq!(result["rows_removed"], rows.len() as u64, "{result}");
    assert_eq!(result["files_removed"], 1, "{result}");
    assert_eq!(staged(&*connection, old.id), 0);
    assert!(!old.path(&settings).exists());
}
