//! The `import` job kind: processes one upload batch in the durable queue.

use std::sync::Mutex;

use analyst_jobs::{Job, JobContext, JobFailure, JobKind};
use serde_json::{Value as Json, json};

use crate::batch::IMPORT;
use crate::cleanup::UploadCleanupKind;
use crate::load::{Stopped, process};
use crate::{BatchState, UploadSettings};

/// Runs imports one at a time: new sales lines take their ids after the largest one.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

pub struct ImportKind {
    pub settings: UploadSettings,
}

impl JobKind for ImportKind {
    fn name(&self) -> &'static str {
        IMPORT
    }

    fn run(&self, job: &Job, context: &mut JobContext<'_>) -> Result<Json, JobFailure> {
        let batch_id = job.params["batch_id"]
            .as_i64()
            .ok_or_else(|| JobFailure::Refused("params.batch_id must be a batch id".into()))?;
        let _turn = ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // The load runs in a transaction of its own connection; progress reports go through
        // the job's, so they are seen while it runs.
        let loader = context.connection().new_connection()?;
        let processed = process(
            loader.as_ref(),
            &self.settings,
            batch_id,
            &mut |rows, share| {
                // The last tenth is resolving the rows into silver and rebuilding gold.
                context.progress(share * 0.9, Some(&format!("{rows} rows read")))
            },
        );
        let batch = processed.map_err(|stopped| {
            let (failure, ended) = match stopped {
                Stopped::ByCaller(JobFailure::Cancelled) => (
                    JobFailure::Cancelled,
                    Some("the import was cancelled: nothing was loaded".to_string()),
                ),
                Stopped::ByCaller(failure) => (failure, None),
                Stopped::Store(error) => {
                    let message = error.to_string();
                    // Tried again after a backoff, unless this was the last attempt.
                    let last = job.attempts >= job.max_attempts;
                    (
                        JobFailure::Failed(message.clone()),
                        last.then(|| format!("the store failed: {message}; nothing was loaded")),
                    )
                }
            };
            if let Some(message) = ended {
                let _ = crate::batch::end(context.connection(), batch_id, &message);
            }
            failure
        })?;
        let result = json!({
            "batch_id": batch.id,
            "state": batch.state.name(),
            "rows_read": batch.rows_read,
            "rows_loaded": batch.rows_loaded,
            "rows_failed": batch.rows_failed,
        });
        match batch.state {
            BatchState::Failed => Err(JobFailure::Refused(
                batch
                    .message
                    .unwrap_or_else(|| "the file could not be read".into()),
            )),
            _ => Ok(result),
        }
    }
}

/// The kinds this crate adds to the queue: imports, and the cleanup of old files.
pub fn kinds(settings: &UploadSettings) -> Vec<std::sync::Arc<dyn JobKind>> {
    vec![
        std::sync::Arc::new(ImportKind {
            settings: settings.clone(),
        }),
        std::sync::Arc::new(UploadCleanupKind {
            settings: settings.clone(),
        }),
    ]
}
