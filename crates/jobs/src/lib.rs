//! The durable job queue (ARCHITECTURE.md, Jobs): a table-backed queue with states, progress,
//! attempts with backoff, heartbeats and cancellation ([`queue`]), and the worker pool that
//! runs registered job kinds inside `serve` ([`workers`]). Imports, syncs, exports, reports and
//! training are job kinds.

pub mod kinds;
pub mod queue;
pub mod workers;

pub use queue::{Job, JobState, NewJob};
pub use workers::{JobContext, JobFailure, JobKind, WorkerSettings, Workers};
