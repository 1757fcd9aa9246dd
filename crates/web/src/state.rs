//! What every handler shares: the store's connection pool, settings, the vocabulary of the
//! data, rate limiters and metrics. Cheap to clone.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use analyst_accounts::{AuditEntry, AuditEvent, Rights, User};
use analyst_actions::ActionSettings;
use analyst_export::job::ExportSettings;
use analyst_gateway::budgets::{self, Charge};
use analyst_gateway::conversations::NewMessage;
use analyst_gateway::{AnswerCache, Workspace, load_workspaces};
use analyst_llm::ExchangeRate;
use analyst_nlu::Vocabulary;
use analyst_store::{Connection, Gatherer, Pool, StoreError, Value, Writer};
use analyst_uploads::UploadSettings;
use chrono::{NaiveDate, NaiveDateTime};

use crate::error::AppError;
use crate::limits::Limiter;
use crate::metrics::Metrics;
use crate::usage::UsageTracker;

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
    /// Questions and queries answered at once; more wait up to [`QUERY_SLOT_WAIT`] for a slot.
    pub max_concurrent_queries: usize,
    /// Where export files go, how long they are kept, how many run per user.
    pub exports: ExportSettings,
    /// When proposals expire, how many approve a high-risk one, the risk thresholds.
    pub actions: ActionSettings,
    /// Where uploaded sales files are kept, how large they may be, how they load.
    pub uploads: UploadSettings,
    /// THB per USD, to compare AI costs and daily AI cost limits priced in different
    /// currencies.
    pub exchange_rate: ExchangeRate,
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
            max_concurrent_queries: 10,
            exports: ExportSettings::new(PathBuf::from("analyst-data").join("exports")),
            actions: ActionSettings::default(),
            uploads: UploadSettings::new(Path::new("analyst-data")),
            exchange_rate: ExchangeRate::default(),
        }
    }
}

const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);

/// How long a question waits for a free query slot before the server says it is busy.
pub const QUERY_SLOT_WAIT: Duration = Duration::from_secs(5);

/// Answers the server keeps for repeated questions (each a few kilobytes).
const ANSWERS_KEPT: usize = 2_000;

/// How long a user's rights are kept before they are read again (changes made through this
/// server apply at once: it forgets the rights it changes).
const RIGHTS_KEPT_FOR: Duration = Duration::from_secs(30);

/// How often the store is asked whether its data or dictionary changed (by another process;
/// changes made through this server are seen at once).
const VERSION_CHECKED_EVERY: Duration = Duration::from_secs(1);

/// When the aggregates were last rebuilt, and the dictionary's revision.
type VocabularyVersion = (Option<NaiveDateTime>, i64);

/// What a question is read with: the vocabulary, the workspaces, and when the data was last
/// refreshed.
#[derive(Clone)]
pub(crate) struct DataView {
    pub vocabulary: Arc<Vocabulary>,
    pub workspaces: Arc<Vec<Workspace>>,
    pub data_as_of: Option<NaiveDateTime>,
}

/// The view at a version, and when that version was last confirmed.
struct Known {
    version: VocabularyVersion,
    /// `None` after a change through this server: check again now.
    checked_at: Option<Instant>,
    view: DataView,
}

#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub(crate) pool: Pool,
    pub(crate) settings: WebSettings,
    /// The vocabulary and the data version and dictionary revision it was read at.
    vocabulary: Mutex<Option<Known>>,
    /// Answers given at the current version of the data and dictionary.
    pub(crate) answers: Arc<AnswerCache>,
    /// Users' rights, as read at the instant kept with them.
    rights: Mutex<HashMap<i64, (Instant, Rights)>>,
    pub(crate) login_by_account: Limiter,
    pub(crate) login_by_ip: Limiter,
    pub(crate) chat: Limiter,
    pub(crate) metrics: Metrics,
    /// One permit per question or query being answered (a heavy user cannot take them all
    /// for long: each waits its turn).
    query_slots: tokio::sync::Semaphore,
    /// Audit entries, usage counters and conversation messages, written in the background.
    writer: Writer,
    /// Audit entries, messages and usage waiting for the background writer.
    audit_pending: Gatherer<AuditEntry>,
    messages_pending: Gatherer<NewMessage>,
    charges_pending: Gatherer<Charge>,
    /// Budget limits and each user's usage.
    pub(crate) usage: UsageTracker,
    /// The LLM providers of `app.llm_provider`, rebuilt when the records change.
    pub(crate) providers: crate::providers_cache::ProvidersCache,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    /// The state of a server over `pool`; starts the background writer on a connection of
    /// its own.
    pub fn new(pool: Pool, settings: WebSettings) -> Result<AppState, StoreError> {
        let writer = Writer::start(pool.dedicated()?);
        Ok(AppState(Arc::new(Shared {
            writer,
            audit_pending: Gatherer::new(analyst_accounts::append_entries),
            messages_pending: Gatherer::new(NewMessage::save_all),
            charges_pending: Gatherer::new(budgets::charge_all),
            usage: UsageTracker::default(),
            providers: Default::default(),
            login_by_account: Limiter::new(settings.login_failures_per_account, LOGIN_WINDOW),
            login_by_ip: Limiter::new(settings.login_failures_per_ip, LOGIN_WINDOW),
            chat: Limiter::new(settings.chat_per_minute, Duration::from_secs(60)),
            metrics: Metrics::new(),
            query_slots: tokio::sync::Semaphore::new(settings.max_concurrent_queries.max(1)),
            vocabulary: Mutex::new(None),
            answers: Arc::new(AnswerCache::new(ANSWERS_KEPT)),
            rights: Mutex::new(HashMap::new()),
            pool,
            settings,
        })))
    }

    /// Appends an entry to the audit log, in the background (every audit write of the server
    /// goes this way, so the hash chain has one writer).
    pub(crate) fn audit(&self, entry: AuditEntry) {
        self.audit_pending.push(&self.writer, entry);
    }

    /// Where job kinds that run beside the server record their audit entries: the server's
    /// background writer, so the hash chain keeps one writer.
    pub fn auditor(&self) -> analyst_actions::execution::Auditor {
        let state = self.clone();
        std::sync::Arc::new(move |entry| state.audit(entry))
    }

    /// Records what a signed-in user did (`event`), from `ip`.
    pub(crate) fn audit_by(
        &self,
        event: AuditEvent,
        user: &User,
        ip: Option<&str>,
        detail: impl Into<String>,
    ) {
        self.audit(
            AuditEntry::new(event)
                .user(user.id, &user.username)
                .ip(ip)
                .detail(detail),
        );
    }

    /// Records a change an administrator (or a user, to their own jobs) made.
    pub(crate) fn audit_change(&self, user: &User, ip: Option<&str>, detail: impl Into<String>) {
        self.audit_by(AuditEvent::AdminChange, user, ip, detail);
    }

    /// Stores a question and its answer in its conversation, in the background.
    pub(crate) fn save_message(&self, message: NewMessage) {
        self.messages_pending.push(&self.writer, message);
    }

    /// Adds a question's cost to its user's stored usage, in the background.
    pub(crate) fn save_charge(&self, charge: Charge) {
        self.charges_pending.push(&self.writer, charge);
    }

    /// Waits until every background write queued so far is committed (before reading what
    /// was written: the audit log, a conversation).
    pub fn flush_writes(&self) {
        self.writer.flush();
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

    /// A slot to answer one question in, waiting up to [`QUERY_SLOT_WAIT`].
    pub(crate) async fn query_slot(&self) -> Result<tokio::sync::SemaphorePermit<'_>, AppError> {
        match tokio::time::timeout(QUERY_SLOT_WAIT, self.query_slots.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(AppError {
                retry_after_seconds: Some(5),
                ..AppError::new(
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "the analyst is answering many questions right now; try again in a few seconds",
                )
            }),
        }
    }

    /// The settings the server runs with.
    pub fn settings(&self) -> &WebSettings {
        &self.settings
    }

    pub(crate) fn today(&self) -> NaiveDate {
        self.settings
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// A user's groups and the rows they may see (kept for a few seconds).
    pub(crate) fn rights(
        &self,
        connection: &dyn Connection,
        user: &User,
    ) -> Result<Rights, AppError> {
        let kept = || {
            self.rights
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        };
        if let Some((read_at, rights)) = kept().get(&user.id)
            && read_at.elapsed() < RIGHTS_KEPT_FOR
        {
            return Ok(rights.clone());
        }
        // Read without holding the lock: other users' requests need not wait for it.
        let rights = analyst_accounts::rights(connection, user)?;
        kept().insert(user.id, (Instant::now(), rights.clone()));
        Ok(rights)
    }

    /// Forgets every user's rights, after rights or the data they name changed.
    pub(crate) fn forget_rights(&self) {
        self.rights
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }

    /// The vocabulary of the data, read again when the aggregates were rebuilt or the
    /// dictionary was edited since (checked at most every second, at once after
    /// [`AppState::data_changed`]); the answers kept are forgotten then too.
    pub(crate) fn data_view(&self, connection: &dyn Connection) -> Result<DataView, AppError> {
        let mut known = self
            .vocabulary
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(known) = known.as_ref()
            && known
                .checked_at
                .is_some_and(|at| at.elapsed() < VERSION_CHECKED_EVERY)
        {
            return Ok(known.view.clone());
        }
        let refreshed = connection
            .query("SELECT max(refreshed_at) FROM ops.gold_refresh", &[])?
            .scalar()
            .and_then(Value::as_timestamp);
        let revision = analyst_semantic::dictionary::revision(connection)?;
        let version = (refreshed, revision);
        self.answers
            .at_version(&format!("{refreshed:?}/{revision}"));
        let data_as_of = analyst_store::gold::data_as_of(connection)?;
        let view = match known.as_ref() {
            Some(known) if known.version == version => DataView {
                data_as_of,
                ..known.view.clone()
            },
            _ => {
                // Rights name stores by code; new data may give the codes other ids.
                self.forget_rights();
                DataView {
                    vocabulary: Arc::new(analyst_gateway::load_vocabulary(connection)?),
                    workspaces: Arc::new(load_workspaces(connection)?),
                    data_as_of,
                }
            }
        };
        *known = Some(Known {
            version,
            checked_at: Some(Instant::now()),
            view: view.clone(),
        });
        Ok(view)
    }

    /// The data or the dictionary changed through this server: the next question reads the
    /// version again.
    pub(crate) fn data_changed(&self) {
        if let Some(known) = self
            .vocabulary
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .as_mut()
        {
            known.checked_at = None;
        }
    }
}
