//! Deletions: Odoo's external API does not say what was deleted, so the ids Odoo still has
//! are compared with the live ones in raw; the missing ones are marked deleted and leave
//! silver (and the dates they had are rebuilt in gold).

use std::collections::HashSet;

use analyst_odoo::{OdooClient, Query};
use chrono::Utc;

use crate::error::SyncError;
use crate::map::{self, Context};
use crate::models::ModelSpec;
use crate::raw;
use crate::sync::in_transaction;

/// What a reconciliation found.
pub(crate) struct Counts {
    /// Records Odoo has (the row-count check's Odoo side).
    pub odoo: u64,
    /// Records found deleted.
    pub deleted: u64,
}

pub(crate) fn reconcile(
    context: &mut Context<'_>,
    client: &OdooClient,
    spec: &ModelSpec,
    query: &Query,
) -> Result<Counts, SyncError> {
    let in_odoo: HashSet<i64> = client
        .search(&query.clone().order("id asc"))?
        .into_iter()
        .collect();
    let gone: Vec<i64> = raw::live_ids(context.store, context.connection, spec.model)?
        .into_iter()
        .filter(|id| !in_odoo.contains(id))
        .collect();
    let store = context.store;
    let connection = context.connection;
    let now = Utc::now().naive_utc();
    let result = in_transaction(store, || {
        raw::mark_deleted(store, connection, spec.model, &gone, now)?;
        map::remove(context, spec.silver, &gone)?;
        store.execute(
            "UPDATE ops.odoo_cursor SET reconciled_at = $3 WHERE connection = $1 AND model = $2",
            &[connection.into(), spec.model.into(), now.into()],
        )?;
        Ok(())
    });
    if result.is_err() {
        context.forget();
    }
    result?;
    if !gone.is_empty() {
        tracing::info!(
            model = spec.model,
            deleted = gone.len(),
            "records deleted in Odoo"
        );
    }
    Ok(Counts {
        odoo: in_odoo.len() as u64,
        deleted: gone.len() as u64,
    })
}
