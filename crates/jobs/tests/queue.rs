//! The queue against a real store: jobs run once, fail with backoff, are cancelled, and are
//! taken up again when their worker goes silent.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use analyst_jobs::queue::{self, cancel, claim, enqueue, get};
use analyst_jobs::{
    Job, JobContext, JobFailure, JobKind, JobState, NewJob, WorkerSettings, Workers,
};
use analyst_store::{AccessMode, Location, Pool};
use serde_json::{Value as Json, json};

fn pool() -> (tempfile::TempDir, Pool) {
    let dir = tempfile::tempdir().unwrap();
    let connection = analyst_store::open(
        &Location::DataDir(dir.path().to_path_buf()),
        AccessMode::ReadWrite,
    )
    .unwrap();
    (dir, Pool::new(connection, 4))
}

fn quick() -> WorkerSettings {
    WorkerSettings {
        workers: 2,
        poll: Duration::from_millis(20),
        report_every: Duration::from_millis(10),
        requeue_at_start: false,
    }
}

/// Waits until the job is over.
fn settled(pool: &Pool, id: i64) -> Job {
    let started = Instant::now();
    loop {
        let job = get(&*pool.get().unwrap(), id).unwrap().unwrap();
        if job.state.is_final() || started.elapsed() > Duration::from_secs(20) {
            return job;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Adds its `n` to a counter, once per run.
struct Count(Arc<AtomicUsize>);

impl JobKind for Count {
    fn name(&self) -> &'static str {
        "count"
    }
    fn run(&self, job: &Job, context: &mut JobContext<'_>) -> Result<Json, JobFailure> {
        context.progress(0.5, Some("halfway"))?;
        let n = job.params["n"].as_u64().unwrap() as usize;
        self.0.fetch_add(n, Ordering::SeqCst);
        Ok(json!({"added": n}))
    }
}

/// Always fails.
struct Broken;

impl JobKind for Broken {
    fn name(&self) -> &'static str {
        "broken"
    }
    fn run(&self, _: &Job, _: &mut JobContext<'_>) -> Result<Json, JobFailure> {
        Err(JobFailure::Failed("the disk is full".into()))
    }
}

/// Runs until cancelled.
struct Forever;

impl JobKind for Forever {
    fn name(&self) -> &'static str {
        "forever"
    }
    fn run(&self, _: &Job, context: &mut JobContext<'_>) -> Result<Json, JobFailure> {
        loop {
            context.progress(0.1, None)?;
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

#[test]
fn every_job_runs_once_and_records_its_result() {
    let (_dir, pool) = pool();
    let counter = Arc::new(AtomicUsize::new(0));
    let ids: Vec<i64> = (1..=20)
        .map(|n| {
            enqueue(
                &*pool.get().unwrap(),
                &NewJob::new("count", json!({"n": n})).for_user(7),
            )
            .unwrap()
            .id
        })
        .collect();
    let workers =
        Workers::start(&pool, vec![Arc::new(Count(counter.clone()))], quick(), "t").unwrap();
    for id in &ids {
        let job = settled(&pool, *id);
        assert_eq!(job.state, JobState::Succeeded, "{job:?}");
        assert_eq!(job.attempts, 1);
        assert_eq!(job.progress, 1.0);
        assert!(job.result.unwrap()["added"].as_u64().unwrap() >= 1);
    }
    workers.stop();
    assert_eq!(
        counter.load(Ordering::SeqCst),
        (1..=20).sum::<usize>(),
        "each ran once"
    );
    let listed = queue::list(&*pool.get().unwrap(), Some(7), None, 100).unwrap();
    assert_eq!(listed.len(), 20);
    assert_eq!(listed[0].id, *ids.last().unwrap(), "newest first");
    assert!(
        queue::list(&*pool.get().unwrap(), Some(8), None, 100)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_failed_attempt_waits_for_its_backoff_and_the_last_one_fails_the_job() {
    let (_dir, pool) = pool();
    let once = enqueue(
        &*pool.get().unwrap(),
        &NewJob {
            max_attempts: 1,
            ..NewJob::new("broken", json!({}))
        },
    )
    .unwrap();
    let again = enqueue(&*pool.get().unwrap(), &NewJob::new("broken", json!({}))).unwrap();
    let workers = Workers::start(&pool, vec![Arc::new(Broken)], quick(), "t").unwrap();
    let failed = settled(&pool, once.id);
    assert_eq!(failed.state, JobState::Failed);
    assert_eq!(failed.message.as_deref(), Some("the disk is full"));
    // The other one had attempts left: queued again, not before its backoff.
    let started = Instant::now();
    let retried = loop {
        let job = get(&*pool.get().unwrap(), again.id).unwrap().unwrap();
        if job.attempts == 1 && job.state == JobState::Queued {
            break job;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{job:?}");
        std::thread::sleep(Duration::from_millis(20));
    };
    workers.stop();
    let wait = retried.run_after - queue::backoff(1);
    assert!(
        wait <= chrono::Utc::now().naive_utc()
            && retried.run_after > chrono::Utc::now().naive_utc()
    );
    assert_eq!(retried.message.as_deref(), Some("the disk is full"));
}

#[test]
fn cancelled_jobs_stop_queued_at_once_running_at_their_next_report() {
    let (_dir, pool) = pool();
    let running = enqueue(&*pool.get().unwrap(), &NewJob::new("forever", json!({}))).unwrap();
    let workers = Workers::start(
        &pool,
        vec![Arc::new(Forever)],
        WorkerSettings {
            workers: 1,
            ..quick()
        },
        "t",
    )
    .unwrap();
    let waiting = enqueue(&*pool.get().unwrap(), &NewJob::new("forever", json!({}))).unwrap();
    // The single worker is busy with the first: the second stays queued; cancel it.
    let started = Instant::now();
    while get(&*pool.get().unwrap(), running.id)
        .unwrap()
        .unwrap()
        .state
        != JobState::Running
    {
        assert!(started.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(10));
    }
    let now = cancel(&*pool.get().unwrap(), waiting.id).unwrap().unwrap();
    assert_eq!(now.state, JobState::Cancelled);
    let asked = cancel(&*pool.get().unwrap(), running.id).unwrap().unwrap();
    assert!(asked.cancel_requested);
    let ended = settled(&pool, running.id);
    assert_eq!(ended.state, JobState::Cancelled, "{ended:?}");
    workers.stop();
    // A finished job is left as it was.
    let again = cancel(&*pool.get().unwrap(), running.id).unwrap().unwrap();
    assert_eq!(again.state, JobState::Cancelled);
}

#[test]
fn a_job_whose_worker_went_silent_is_taken_up_again() {
    let (_dir, pool) = pool();
    let connection = pool.get().unwrap();
    let job = enqueue(&*connection, &NewJob::new("count", json!({"n": 1}))).unwrap();
    let ghost = claim(
        &*connection,
        "ghost",
        &["count"],
        chrono::Duration::seconds(30),
    )
    .unwrap()
    .unwrap();
    assert_eq!((ghost.id, ghost.attempts), (job.id, 1));
    // Still fresh: nobody else takes it.
    assert!(
        claim(
            &*connection,
            "other",
            &["count"],
            chrono::Duration::seconds(30)
        )
        .unwrap()
        .is_none()
    );
    // The ghost sends no heartbeat: after the stale time another worker takes it.
    std::thread::sleep(Duration::from_millis(50));
    let taken = claim(
        &*connection,
        "other",
        &["count"],
        chrono::Duration::milliseconds(10),
    )
    .unwrap()
    .unwrap();
    assert_eq!(
        (taken.id, taken.attempts, taken.worker.as_deref()),
        (job.id, 2, Some("other"))
    );
    // The ghost's late reports are refused: it must stop.
    assert!(queue::heartbeat(&*connection, job.id, "ghost", 0.5, None, None).unwrap());
    assert!(!queue::heartbeat(&*connection, job.id, "other", 0.5, None, None).unwrap());
}

#[test]
fn concurrent_claims_take_each_job_once() {
    let (_dir, pool) = pool();
    for n in 0..60 {
        enqueue(
            &*pool.get().unwrap(),
            &NewJob::new("count", json!({"n": n})),
        )
        .unwrap();
    }
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let pool = pool.clone();
            std::thread::spawn(move || {
                let connection = pool.dedicated().unwrap();
                let mut mine = Vec::new();
                let mut idle = 0;
                while idle < 20 {
                    match claim(
                        connection.as_ref(),
                        &format!("w{t}"),
                        &["count"],
                        chrono::Duration::seconds(30),
                    )
                    .unwrap()
                    {
                        Some(job) => mine.push(job.id),
                        None => idle += 1,
                    }
                }
                mine
            })
        })
        .collect();
    let claimed: Vec<i64> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let distinct: BTreeSet<i64> = claimed.iter().copied().collect();
    assert_eq!(claimed.len(), 60, "every job claimed once: {claimed:?}");
    assert_eq!(distinct.len(), 60);
}

#[test]
fn stopping_the_workers_puts_a_running_job_back_without_using_an_attempt() {
    let (_dir, pool) = pool();
    let job = enqueue(&*pool.get().unwrap(), &NewJob::new("forever", json!({}))).unwrap();
    let workers = Workers::start(&pool, vec![Arc::new(Forever)], quick(), "t").unwrap();
    let started = Instant::now();
    while get(&*pool.get().unwrap(), job.id).unwrap().unwrap().state != JobState::Running {
        assert!(started.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(10));
    }
    workers.stop();
    let back = get(&*pool.get().unwrap(), job.id).unwrap().unwrap();
    assert_eq!(back.state, JobState::Queued, "{back:?}");
    assert_eq!(back.attempts, 0);
    assert!(back.message.unwrap().contains("interrupted"));
}
