//! The worker pool: threads that claim jobs of the registered kinds, run them with a context
//! for progress and cancellation, and record how they ended. A kind must be idempotent: a job
//! whose worker died is run again from the start by another worker.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use analyst_store::{Connection, Pool, StoreError};
use serde_json::Value as Json;

use crate::queue::{self, Job, JobState};
use crate::schedule;

/// A kind of job: its name in the queue and what running one does.
pub trait JobKind: Send + Sync {
    fn name(&self) -> &'static str;
    /// Runs `job`; reports progress through `context` (which also says when to stop).
    fn run(&self, job: &Job, context: &mut JobContext<'_>) -> Result<Json, JobFailure>;
}

/// How a run ended other than with a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobFailure {
    /// The job was cancelled (seen at a progress report): it ends as cancelled.
    Cancelled,
    /// It failed: tried again after a backoff while attempts remain.
    Failed(String),
    /// It cannot succeed however often it is tried (its input is wrong, the data refuses
    /// it): it ends as failed at once.
    Refused(String),
    /// The worker is stopping (seen at a progress report): the job goes back to the queue
    /// without using up an attempt, and runs again from the start (kinds are idempotent).
    Interrupted,
}

impl From<StoreError> for JobFailure {
    fn from(error: StoreError) -> Self {
        JobFailure::Failed(error.to_string())
    }
}

/// What a running job may use: the store, and progress reports that double as heartbeats.
pub struct JobContext<'a> {
    connection: &'a dyn Connection,
    stopping: &'a AtomicBool,
    job_id: i64,
    worker: &'a str,
    last_report: Option<Instant>,
    report_every: Duration,
}

impl<'a> JobContext<'a> {
    pub fn connection(&self) -> &'a dyn Connection {
        self.connection
    }

    /// Reports progress (0 to 1); at most every `report_every` it reaches the store, and then
    /// says whether the job must stop.
    pub fn progress(&mut self, fraction: f64, message: Option<&str>) -> Result<(), JobFailure> {
        self.report(fraction, message, || None)
    }

    /// [`JobContext::progress`] with details so far (rows written …), shown in the job's
    /// `result` while it runs; `detail` is called only when the report reaches the store.
    pub fn report(
        &mut self,
        fraction: f64,
        message: Option<&str>,
        detail: impl FnOnce() -> Option<Json>,
    ) -> Result<(), JobFailure> {
        if self.stopping.load(Ordering::SeqCst) {
            return Err(JobFailure::Interrupted);
        }
        if self
            .last_report
            .is_some_and(|at| at.elapsed() < self.report_every)
        {
            return Ok(());
        }
        self.last_report = Some(Instant::now());
        let detail = detail();
        let stop = queue::heartbeat(
            self.connection,
            self.job_id,
            self.worker,
            fraction,
            message,
            detail.as_ref(),
        )?;
        if stop {
            return Err(JobFailure::Cancelled);
        }
        Ok(())
    }
}

/// How the pool works.
#[derive(Debug, Clone, Copy)]
pub struct WorkerSettings {
    pub workers: usize,
    /// How long an idle worker waits before looking for work again.
    pub poll: Duration,
    /// How often a running job's progress reaches the store (its heartbeat).
    pub report_every: Duration,
    /// Put jobs left running back in the queue at start: for a store only this process can
    /// hold (the embedded one), where such jobs lost their worker with the last process.
    pub requeue_at_start: bool,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            workers: 2,
            poll: Duration::from_millis(500),
            report_every: Duration::from_secs(2),
            requeue_at_start: false,
        }
    }
}

/// Running workers; [`Workers::stop`] (or dropping) stops each at its job's next progress
/// report, putting the job back in the queue.
pub struct Workers {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Starts `settings.workers` threads, each with a connection of its own from `pool`.
    pub fn start(
        pool: &Pool,
        kinds: Vec<Arc<dyn JobKind>>,
        settings: WorkerSettings,
        name: &str,
    ) -> Result<Workers, StoreError> {
        if settings.requeue_at_start {
            let requeued = queue::requeue_orphans(&*pool.get()?)?;
            if requeued > 0 {
                tracing::warn!(
                    jobs = requeued,
                    "jobs left running by the last process run again"
                );
            }
        }
        let stop = Arc::new(AtomicBool::new(false));
        let kinds = Arc::new(kinds);
        let mut threads = Vec::new();
        for index in 0..settings.workers {
            let connection = pool.dedicated()?;
            let (stop, kinds) = (stop.clone(), kinds.clone());
            let worker = format!("{name}-{}-{index}", std::process::id());
            let thread = std::thread::Builder::new()
                .name(format!("job-worker-{index}"))
                .spawn(move || work(connection.as_ref(), &kinds, &worker, settings, &stop))
                .map_err(|error| StoreError::Query(format!("starting a job worker: {error}")))?;
            threads.push(thread);
        }
        Ok(Workers { stop, threads })
    }

    /// Asks every worker to stop (a running job is interrupted at its next progress report and
    /// queued again) and waits for them.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        self.halt();
    }
}

fn work(
    connection: &dyn Connection,
    kinds: &[Arc<dyn JobKind>],
    worker: &str,
    settings: WorkerSettings,
    stop: &AtomicBool,
) {
    let names: Vec<&str> = kinds.iter().map(|kind| kind.name()).collect();
    let mut schedules_seen: Option<Instant> = None;
    while !stop.load(Ordering::SeqCst) {
        match queue::claim(connection, worker, &names, queue::STALE_AFTER) {
            Ok(Some(job)) => run_one(connection, kinds, worker, settings, stop, &job),
            Ok(None) => {
                // Nothing to do: queue what schedules have due (at most once per poll).
                if schedules_seen.is_none_or(|at| at.elapsed() >= settings.poll) {
                    schedules_seen = Some(Instant::now());
                    match schedule::enqueue_due(connection, queue::now()) {
                        Ok(queued) if !queued.is_empty() => continue,
                        Ok(_) => {}
                        Err(error) => tracing::error!(%error, "queueing scheduled jobs failed"),
                    }
                }
                std::thread::sleep(settings.poll);
            }
            Err(error) => {
                tracing::error!(%error, "claiming a job failed");
                std::thread::sleep(settings.poll);
            }
        }
    }
}

fn run_one(
    connection: &dyn Connection,
    kinds: &[Arc<dyn JobKind>],
    worker: &str,
    settings: WorkerSettings,
    stopping: &AtomicBool,
    job: &Job,
) {
    let Some(kind) = kinds.iter().find(|kind| kind.name() == job.kind) else {
        return;
    };
    let mut context = JobContext {
        connection,
        stopping,
        job_id: job.id,
        worker,
        last_report: None,
        report_every: settings.report_every,
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| kind.run(job, &mut context)))
        .unwrap_or_else(|_| Err(JobFailure::Failed("the job panicked".into())));
    let recorded = match outcome {
        Ok(result) => queue::finish(
            connection,
            job.id,
            worker,
            JobState::Succeeded,
            Some(&result),
            None,
        ),
        Err(JobFailure::Cancelled) => queue::finish(
            connection,
            job.id,
            worker,
            JobState::Cancelled,
            None,
            Some("cancelled"),
        ),
        Err(JobFailure::Interrupted) => queue::requeue(
            connection,
            job.id,
            worker,
            queue::now(),
            "interrupted: the worker stopped",
            1,
        ),
        Err(JobFailure::Failed(message)) => {
            tracing::warn!(job = job.id, kind = %job.kind, %message, "a job attempt failed");
            queue::fail(connection, job, worker, &message).map(|_| ())
        }
        Err(JobFailure::Refused(message)) => {
            tracing::warn!(job = job.id, kind = %job.kind, %message, "a job was refused");
            queue::finish(
                connection,
                job.id,
                worker,
                JobState::Failed,
                None,
                Some(&message),
            )
        }
    };
    if let Err(error) = recorded {
        tracing::error!(job = job.id, %error, "recording how a job ended failed");
    }
}
