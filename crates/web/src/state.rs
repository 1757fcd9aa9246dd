//! What every handler shares: the store's connection pool, settings, the vocabulary of the
//! data, rate limiters and metrics. Cheap to clone.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use analyst_gateway::AnswerCache;
use analyst_nlu::Vocabulary;
use analyst_store::{Connection, Pool, Value};
use chrono::{NaiveDate, NaiveDateTime};

use crate::error::AppError;
use crate::limits::Limiter;
use crate::metrics::Metrics;

/// Server behaviour that deployments tune.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// The day relative periods are computed from; `None` means the real today.
    pub today: Option<NaiveDate>,
    /// Questions a user may ask per minute.
    pub chat_per_minute: u32,
    /// How long a browser session lasts.
    pub session_hours: u32,
    /// How long an API token lasts.
    pub token_days: u32,
    /// Mark cookies `Secure` (when served behind TLS).
    pub secure_cookies: bool,
    /// Failed sign-ins allowed per account, and per client address, every 15 minutes.
    pub login_failures_per_account: u32,
    pub login_failures_per_ip: u32,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            today: None,
            chat_per_minute: 20,
            session_hours: 12,
            token_days: 30,
            secure_cookies: false,
            login_failures_per_account: 5,
            login_failures_per_ip: 20,
        }
    }
}

const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Answers the server keeps for repeated questions (each a few kilobytes).
const ANSWERS_KEPT: usize = 2_000;

/// When the aggregates were last rebuilt, and the dictionary's revision.
type VocabularyVersion = (Option<NaiveDateTime>, i64);

#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub(crate) pool: Pool,
    pub(crate) settings: WebSettings,
    /// The vocabulary and the data version and dictionary revision it was read at.
    vocabulary: Mutex<Option<(VocabularyVersion, Arc<Vocabulary>)>>,
    /// Answers given at the current version of the data and dictionary.
    pub(crate) answers: Arc<AnswerCache>,
    pub(crate) login_by_account: Limiter,
    pub(crate) login_by_ip: Limiter,
    pub(crate) chat: Limiter,
    pub(crate) metrics: Metrics,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub fn new(pool: Pool, settings: WebSettings) -> AppState {
        AppState(Arc::new(Shared {
            login_by_account: Limiter::new(settings.login_failures_per_account, LOGIN_WINDOW),
            login_by_ip: Limiter::new(settings.login_failures_per_ip, LOGIN_WINDOW),
            chat: Limiter::new(settings.chat_per_minute, Duration::from_secs(60)),
            metrics: Metrics::new(),
            vocabulary: Mutex::new(None),
            answers: Arc::new(AnswerCache::new(ANSWERS_KEPT)),
            pool,
            settings,
        }))
    }

    /// Runs store work on a blocking thread with a pooled connection.
    pub(crate) async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Connection, &AppState) -> Result<T, AppError> + Send + 'static,
    {
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let connection = state.pool.get()?;
            work(&*connection, &state)
        })
        .await
        .map_err(|error| AppError::internal(format!("worker thread failed: {error}")))?
    }

    pub(crate) fn today(&self) -> NaiveDate {
        self.settings
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// The vocabulary of the data, read again when the aggregates were rebuilt or the
    /// dictionary was edited since; the answers kept are forgotten then too.
    pub(crate) fn vocabulary(
        &self,
        connection: &dyn Connection,
    ) -> Result<Arc<Vocabulary>, AppError> {
        let refreshed = connection
            .query("SELECT max(refreshed_at) FROM ops.gold_refresh", &[])?
            .scalar()
            .and_then(Value::as_timestamp);
        let revision = analyst_semantic::dictionary::revision(connection)?;
        let version = (refreshed, revision);
        self.answers
            .at_version(&format!("{refreshed:?}/{revision}"));
        let mut cached = self
            .vocabulary
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((seen, vocabulary)) = cached.as_ref()
            && *seen == version
        {
            return Ok(vocabulary.clone());
        }
        let vocabulary = Arc::new(analyst_gateway::load_vocabulary(connection)?);
        *cached = Some((version, vocabulary.clone()));
        Ok(vocabulary)
    }
}
