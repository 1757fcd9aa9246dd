//! The `odoo_sync` job kind: one sync run of a configured connection, queued every 5 minutes
//! by the schedule `analyst odoo connect` creates, or by `analyst sync odoo`. Idempotent: a
//! run interrupted mid-way resumes from the last committed page.

use analyst_jobs::{Job, JobContext, JobFailure, JobKind};
use analyst_odoo::OdooClient;
use serde_json::{Value as Json, json};

use crate::connection::load_connection;
use crate::error::SyncError;
use crate::sync::{SyncOptions, sync};

/// The queue's name of sync jobs.
pub const ODOO_SYNC: &str = "odoo_sync";

/// Params: `{"connection": "odoo", "full": false}` (both optional).
pub struct OdooSync;

impl JobKind for OdooSync {
    fn name(&self) -> &'static str {
        ODOO_SYNC
    }

    fn run(&self, job: &Job, context: &mut JobContext<'_>) -> Result<Json, JobFailure> {
        let name = job.params["connection"]
            .as_str()
            .unwrap_or(crate::SOURCE)
            .to_owned();
        let options = SyncOptions {
            full: job.params["full"].as_bool().unwrap_or(false),
            reconcile: false,
        };
        let store = context.connection();
        let failed = |error: SyncError| JobFailure::Failed(error.to_string());
        let Some(connection) = load_connection(store, &name).map_err(failed)? else {
            return Ok(json!({"skipped": format!("no Odoo connection '{name}' is configured")}));
        };
        let config = connection
            .client_config()
            .map_err(|error| JobFailure::Refused(error.to_string()))?;
        let client = OdooClient::connect(config).map_err(|error| failed(error.into()))?;
        let mut stopped = None;
        let result = sync(
            store,
            &client,
            &connection,
            &options,
            &mut |fraction, model| {
                context.progress(fraction, Some(model)).map_err(|failure| {
                    stopped = Some(failure);
                    SyncError::Config("the job was stopped".into())
                })
            },
        );
        if let Some(failure) = stopped {
            return Err(failure);
        }
        let report = result.map_err(failed)?;
        Ok(json!({
            "rows_fetched": report.rows_fetched(),
            "gold_rows": report.gold_rows,
            "notices": report.notices,
        }))
    }
}
