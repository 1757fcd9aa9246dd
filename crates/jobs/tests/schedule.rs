//! Schedules against a real store: due ones queue one job, at the right next time, once even
//! when several connections race for it, never piling up behind a job that is not over; bad
//! cron expressions are refused with a reason.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use std::sync::{Arc, Barrier};
use std::time::Duration;

use analyst_jobs::schedule::{self, enqueue_due};
use analyst_jobs::{Job, JobContext, JobFailure, JobKind, JobState, WorkerSettings, Workers};
use analyst_store::{AccessMode, Connection, Location, Pool, Value};
use chrono::NaiveDateTime;
use serde_json::{Value as Json, json};

/// A fresh store with the seeded schedules paused (they would queue jobs of their own).
fn pool() -> (tempfile::TempDir, Pool) {
    let dir = tempfile::tempdir().unwrap();
    let connection = analyst_store::open(
        &Location::DataDir(dir.path().to_path_buf()),
        AccessMode::ReadWrite,
    )
    .unwrap();
    for seeded in schedule::list(connection.as_ref()).unwrap() {
        schedule::set_enabled(connection.as_ref(), &seeded.name, false).unwrap();
    }
    (dir, Pool::new(connection, 4))
}

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
}

/// Makes `name` due at `moment` (as if it had been waiting since then).
fn due_at(connection: &dyn Connection, name: &str, moment: &str) {
    connection
        .execute(
            "UPDATE app.job_schedule SET next_run_at = $2 WHERE name = $1",
            &[name.into(), at(moment).into()],
        )
        .unwrap();
}

fn set_job_state(connection: &dyn Connection, id: i64, state: &str) {
    connection
        .execute(
            "UPDATE app.job SET state = $2 WHERE id = $1",
            &[id.into(), state.into()],
        )
        .unwrap();
}

fn jobs_of_kind(connection: &dyn Connection, kind: &str) -> i64 {
    connection
        .query(
            "SELECT count(*) FROM app.job WHERE kind = $1",
            &[kind.into()],
        )
        .unwrap()
        .scalar()
        .and_then(Value::as_i64)
        .unwrap()
}

#[test]
fn the_export_cleanup_schedule_is_seeded_hourly() {
    let dir = tempfile::tempdir().unwrap();
    let connection = analyst_store::open(
        &Location::DataDir(dir.path().to_path_buf()),
        AccessMode::ReadWrite,
    )
    .unwrap();
    let seeded = schedule::get(connection.as_ref(), "export_cleanup")
        .unwrap()
        .unwrap();
    assert_eq!(
        (seeded.kind.as_str(), seeded.cron.as_str(), seeded.enabled),
        ("export_cleanup", "17 * * * *", true)
    );
    assert_eq!(seeded.params, json!({}));
    // Unarmed until first seen: then it waits for its next time, and queues nothing yet.
    assert_eq!(seeded.next_run_at, None);
    let queued = enqueue_due(connection.as_ref(), at("2026-03-10 10:20:00")).unwrap();
    assert!(queued.is_empty());
    let armed = schedule::get(connection.as_ref(), "export_cleanup")
        .unwrap()
        .unwrap();
    assert_eq!(armed.next_run_at, Some(at("2026-03-10 11:17:00")));
}

#[test]
fn a_due_schedule_queues_one_job_and_moves_to_its_next_time_after_now() {
    let (_dir, pool) = pool();
    let connection = pool.get().unwrap();
    let put = schedule::put(
        &*connection,
        "gold",
        "refresh_gold",
        &json!({"from": "2026-03-01", "to": "2026-03-09"}),
        "17 * * * *",
    )
    .unwrap();
    assert!(put.enabled);
    let next = put.next_run_at.unwrap();
    assert_eq!(next.format("%M:%S").to_string(), "17:00");
    let now = chrono::Utc::now().naive_utc();
    assert!(
        next > now && next - now <= chrono::Duration::hours(1),
        "{next}"
    );
    assert!(
        enqueue_due(&*connection, now).unwrap().is_empty(),
        "not due yet"
    );

    // Due since 10:17; the server was down until 13:40: one job, not four, and the next
    // time is 14:17.
    due_at(&*connection, "gold", "2026-03-10 10:17:00");
    let queued = enqueue_due(&*connection, at("2026-03-10 13:40:30")).unwrap();
    assert_eq!(queued.len(), 1);
    let job = &queued[0];
    assert_eq!(job.kind, "refresh_gold");
    assert_eq!(
        job.params,
        json!({"from": "2026-03-01", "to": "2026-03-09"})
    );
    assert_eq!(job.state, JobState::Queued);
    let moved = schedule::get(&*connection, "gold").unwrap().unwrap();
    assert_eq!(moved.next_run_at, Some(at("2026-03-10 14:17:00")));
    assert_eq!(moved.last_job_id, Some(job.id));
    assert!(
        enqueue_due(&*connection, at("2026-03-10 13:40:30"))
            .unwrap()
            .is_empty(),
        "taken already"
    );
    // Exactly at its time it is due; after it, the next hour.
    set_job_state(&*connection, job.id, "succeeded");
    let again = enqueue_due(&*connection, at("2026-03-10 14:17:00")).unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(
        schedule::get(&*connection, "gold")
            .unwrap()
            .unwrap()
            .next_run_at,
        Some(at("2026-03-10 15:17:00"))
    );
    assert_eq!(jobs_of_kind(&*connection, "refresh_gold"), 2);
}

#[test]
fn no_job_piles_up_behind_one_that_is_not_over() {
    let (_dir, pool) = pool();
    let connection = pool.get().unwrap();
    schedule::put(&*connection, "slow", "slow", &json!({}), "*/5 * * * *").unwrap();
    due_at(&*connection, "slow", "2026-03-10 10:00:00");
    let first = enqueue_due(&*connection, at("2026-03-10 10:00:00")).unwrap();
    assert_eq!(first.len(), 1);
    let first = first[0].id;
    // Still queued, then running: the schedule moves on without queueing.
    for (state, moment) in [
        ("queued", "2026-03-10 10:05:00"),
        ("running", "2026-03-10 10:10:00"),
    ] {
        set_job_state(&*connection, first, state);
        assert!(
            enqueue_due(&*connection, at(moment)).unwrap().is_empty(),
            "{state}"
        );
    }
    let waiting = schedule::get(&*connection, "slow").unwrap().unwrap();
    assert_eq!(waiting.next_run_at, Some(at("2026-03-10 10:15:00")));
    assert_eq!(waiting.last_job_id, Some(first));
    // Over (even failed): the next time queues again.
    set_job_state(&*connection, first, "failed");
    let next = enqueue_due(&*connection, at("2026-03-10 10:15:00")).unwrap();
    assert_eq!(next.len(), 1);
    assert_ne!(next[0].id, first);
    assert_eq!(jobs_of_kind(&*connection, "slow"), 2);
}

/// Six connections (six workers, or processes) race for the same due schedule, 50 times: one
/// queues its job. (With two, the interleaving that needs the guarded UPDATE rarely happens.)
#[test]
fn connections_racing_queue_a_due_schedule_once() {
    let (_dir, pool) = pool();
    let setup = pool.get().unwrap();
    schedule::put(&*setup, "race", "race", &json!({}), "* * * * *").unwrap();
    let mut connections: Vec<_> = (0..6).map(|_| pool.dedicated().unwrap()).collect();
    for round in 0..50_i64 {
        let minute = format!("2026-03-10 {:02}:{:02}:00", 10 + round / 60, round % 60);
        due_at(&*setup, "race", &minute);
        let now = at(&minute) + chrono::Duration::seconds(30);
        let start = Arc::new(Barrier::new(connections.len()));
        let racers: Vec<_> = connections
            .drain(..)
            .map(|connection| {
                let start = start.clone();
                std::thread::spawn(move || {
                    start.wait();
                    let queued = enqueue_due(connection.as_ref(), now).unwrap().len();
                    (connection, queued)
                })
            })
            .collect();
        let mut queued = 0;
        for racer in racers {
            let (connection, count) = racer.join().unwrap();
            connections.push(connection);
            queued += count;
        }
        assert_eq!(queued, 1, "round {round}");
        assert_eq!(jobs_of_kind(&*setup, "race"), round + 1, "round {round}");
        // Over, so the next round may queue again.
        setup
            .execute(
                "UPDATE app.job SET state = 'succeeded' WHERE kind = 'race'",
                &[],
            )
            .unwrap();
    }
}

#[test]
fn bad_schedules_are_refused_with_the_reason() {
    let (_dir, pool) = pool();
    let connection = pool.get().unwrap();
    let refused = |name: &str, cron: &str| {
        schedule::put(&*connection, name, "refresh_gold", &json!({}), cron)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        refused("gold", "*/5 * * *"),
        "'*/5 * * *' is not a cron expression: it needs 5 fields (minute hour day month \
         weekday), not 4"
    );
    assert!(refused("gold", "0 25 * * *").contains("the hour field '25'"));
    assert!(refused("gold", "0 0 30 2 *").contains("never comes"));
    assert!(refused("a b", "* * * * *").contains("not a schedule name"));
    assert!(
        schedule::list(&*connection)
            .unwrap()
            .iter()
            .all(|s| s.name != "gold")
    );
}

#[test]
fn schedules_are_changed_paused_resumed_and_removed() {
    let (_dir, pool) = pool();
    let connection = pool.get().unwrap();
    schedule::put(
        &*connection,
        "gold",
        "refresh_gold",
        &json!({}),
        "0 3 * * *",
    )
    .unwrap();
    let paused = schedule::set_enabled(&*connection, "gold", false)
        .unwrap()
        .unwrap();
    assert!(!paused.enabled);
    // Changing it keeps it paused; a paused schedule queues nothing.
    let changed = schedule::put(
        &*connection,
        "gold",
        "refresh_gold",
        &json!({"a": 1}),
        "0 4 * * *",
    )
    .unwrap();
    assert_eq!(
        (changed.enabled, changed.cron.as_str()),
        (false, "0 4 * * *")
    );
    assert_eq!(
        changed.next_run_at.unwrap().format("%H:%M").to_string(),
        "04:00"
    );
    due_at(&*connection, "gold", "2026-03-10 04:00:00");
    assert!(
        enqueue_due(&*connection, at("2026-03-10 05:00:00"))
            .unwrap()
            .is_empty()
    );
    // Resumed, it waits for its next time from now (the times missed while paused are
    // skipped).
    let resumed = schedule::set_enabled(&*connection, "gold", true)
        .unwrap()
        .unwrap();
    assert!(resumed.enabled && resumed.next_run_at.unwrap() > chrono::Utc::now().naive_utc());
    assert!(
        schedule::set_enabled(&*connection, "nope", true)
            .unwrap()
            .is_none()
    );
    assert!(schedule::remove(&*connection, "gold").unwrap());
    assert!(!schedule::remove(&*connection, "gold").unwrap());
    assert!(schedule::get(&*connection, "gold").unwrap().is_none());
}

/// Counts its runs.
struct Tick(Arc<std::sync::atomic::AtomicUsize>);

impl JobKind for Tick {
    fn name(&self) -> &'static str {
        "tick"
    }
    fn run(&self, _: &Job, _: &mut JobContext<'_>) -> Result<Json, JobFailure> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(json!({}))
    }
}

#[test]
fn idle_workers_queue_and_run_due_schedules() {
    let (_dir, pool) = pool();
    let connection = pool.get().unwrap();
    schedule::put(&*connection, "tick", "tick", &json!({}), "0 0 1 1 *").unwrap();
    due_at(&*connection, "tick", "2026-01-01 00:00:00");
    drop(connection);
    let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let workers = Workers::start(
        &pool,
        vec![Arc::new(Tick(runs.clone()))],
        WorkerSettings {
            workers: 3,
            poll: Duration::from_millis(20),
            report_every: Duration::from_millis(10),
            requeue_at_start: false,
        },
        "t",
    )
    .unwrap();
    let started = std::time::Instant::now();
    while runs.load(std::sync::atomic::Ordering::SeqCst) == 0
        && started.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    // A while longer: no second run (its next time is next year).
    std::thread::sleep(Duration::from_millis(300));
    workers.stop();
    assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
    let connection = pool.get().unwrap();
    let ticked = schedule::get(&*connection, "tick").unwrap().unwrap();
    let job = analyst_jobs::queue::get(&*connection, ticked.last_job_id.unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(job.state, JobState::Succeeded);
}
