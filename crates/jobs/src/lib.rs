//! The durable job queue (ARCHITECTURE.md, Jobs): a table-backed queue with states, progress,
//! attempts with backoff, heartbeats and cancellation ([`queue`]), and the worker pool that
//! runs registered job kinds inside `serve` ([`workers`]), and schedules that queue a job each
//! time their cron expression comes due ([`schedule`]). Imports, syncs, exports, reports and
//! training are job kinds.

pub mod cron;
pub mod kinds;
pub mod queue;
pub mod schedule;
pub mod workers;

pub use cron::{CronExpression, InvalidCron};
pub use queue::{Job, JobState, NewJob};
pub use schedule::{Schedule, ScheduleError};
pub use workers::{JobContext, JobFailure, JobKind, WorkerSettings, Workers};
