//! A batch whose import job ends without running it (cancelled while queued, or failed before
//! it could record the end) ends failed, saying why, instead of waiting for ever.

use analyst_jobs::queue;

use super::*;

fn queued_batch(connection: &dyn Connection, settings: &UploadSettings, dir: &Path) -> Batch {
    let rows = sample_rows(&active_skus(connection, 3));
    let path = write_file(dir, "queued.csv", &rows);
    let started =
        batch::start(connection, settings, None, "queued.csv", &path, &mapping()).unwrap();
    assert_eq!(started.state, BatchState::Queued);
    started
}

#[test]
fn a_batch_whose_import_is_cancelled_while_queued_ends_failed_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let connection = demo_store(dir.path());
    let connection = connection.as_ref();
    let settings = settings(dir.path());
    let lines_before = int(connection, "SELECT count(*) FROM silver.sales_line", &[]);
    let started = queued_batch(connection, &settings, dir.path());

    let job = queue::cancel(connection, started.job_id.unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(job.state, analyst_jobs::JobState::Cancelled);

    let ended = batch::get(connection, started.id).unwrap().unwrap();
    assert_eq!(ended.state, BatchState::Failed);
    let message = ended.message.clone().unwrap();
    assert!(
        message.contains("cancelled") && message.contains("nothing was loaded"),
        "{message}"
    );
    assert!(ended.finished_at.is_some());
    let listed = batch::list(connection, None, 10).unwrap();
    assert_eq!(
        listed.iter().find(|batch| batch.id == started.id),
        Some(&ended)
    );
    // Were the job run now, it would find the batch over and load nothing.
    let processed = process(connection, &settings, started.id, &mut |_, _| {
        Ok::<(), ()>(())
    });
    assert_eq!(
        processed.ok().map(|batch| batch.state),
        Some(BatchState::Failed)
    );
    assert_eq!(
        int(connection, "SELECT count(*) FROM silver.sales_line", &[]),
        lines_before
    );
    assert_eq!(
        int(connection, "SELECT count(*) FROM raw.upload_line", &[]),
        0
    );
}

#[test]
fn a_batch_whose_job_failed_without_recording_its_end_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let connection = demo_store(dir.path());
    let connection = connection.as_ref();
    let settings = settings(dir.path());
    let started = queued_batch(connection, &settings, dir.path());
    // A worker ran it and the run panicked on its last attempt: the queue recorded the
    // failure, the batch still reads running.
    connection
        .execute(
            "UPDATE ops.upload_batch SET state = 'running' WHERE id = $1",
            &[started.id.into()],
        )
        .unwrap();
    connection
        .execute(
            "UPDATE app.job SET state = 'failed', message = 'the job panicked' WHERE id = $1",
            &[started.job_id.unwrap().into()],
        )
        .unwrap();

    let ended = batch::get(connection, started.id).unwrap().unwrap();

    assert_eq!(ended.state, BatchState::Failed);
    let message = ended.message.unwrap();
    assert!(message.contains("the job panicked"), "{message}");
}

#[test]
fn a_batch_whose_job_waits_or_runs_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let connection = demo_store(dir.path());
    let connection = connection.as_ref();
    let settings = settings(dir.path());
    let started = queued_batch(connection, &settings, dir.path());
    assert_eq!(
        batch::get(connection, started.id).unwrap().unwrap().state,
        BatchState::Queued
    );
    let claimed = queue::claim(connection, "test", &[batch::IMPORT], queue::STALE_AFTER)
        .unwrap()
        .unwrap();
    assert_eq!(claimed.id, started.job_id.unwrap());
    assert_eq!(
        batch::get(connection, started.id).unwrap().unwrap().state,
        BatchState::Queued
    );
}
