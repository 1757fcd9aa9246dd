//! The server's LLM providers, built from the records of `app.llm_provider` and rebuilt when
//! they change (here, through the CLI or another server): each question reads the records'
//! count and latest change, a cheap query, and rebuilds only when that moved.

use std::sync::{Arc, Mutex, PoisonError};

use analyst_llm::Providers;
use analyst_store::{Connection, StoreError, Value};

/// The records' count and latest change, as read.
type Version = (i64, Option<chrono::NaiveDateTime>);

#[derive(Default)]
pub(crate) struct ProvidersCache {
    built: Mutex<Option<(Version, Option<Arc<Providers>>)>>,
}

impl ProvidersCache {
    /// The providers to answer with; `None` when there is none (or the records cannot be
    /// used: the deterministic analyst answers, and the reason is logged once per change).
    pub(crate) fn current(
        &self,
        connection: &dyn Connection,
    ) -> Result<Option<Arc<Providers>>, StoreError> {
        let row = connection
            .query(
                "SELECT count(*), max(updated_at) FROM app.llm_provider",
                &[],
            )?
            .rows
            .into_iter()
            .next()
            .unwrap_or_default();
        let version: Version = (
            row.first().and_then(Value::as_i64).unwrap_or(0),
            row.get(1).and_then(Value::as_timestamp),
        );
        let mut built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((seen, providers)) = built.as_ref()
            && *seen == version
        {
            return Ok(providers.clone());
        }
        let providers = match analyst_gateway::providers::load(connection) {
            Ok(providers) => providers.map(Arc::new),
            Err(analyst_gateway::providers::ProviderError::Store(error)) => return Err(error),
            Err(error) => {
                tracing::warn!(%error, "the LLM provider records cannot be used; answering without them");
                None
            }
        };
        *built = Some((version, providers.clone()));
        Ok(providers)
    }
}
