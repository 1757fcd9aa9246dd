//! Answers already given, by semantic query and day, for as long as the data and the dictionary
//! stay as they were: the same question from fifty buyers runs its SQL once. The owner (the
//! server) names the version of the data it reads with [`AnswerCache::at_version`]; a new
//! version empties the cache. Only answers of the semantic layer are kept, never errors.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use analyst_core::{Answer, SemanticQuery};

use crate::AskContext;

/// A bounded map of answers; when full it starts again empty (answers are cheap to redo, and a
/// full cache means the questions vary too much for an eviction order to matter).
#[derive(Debug, Default)]
pub struct AnswerCache {
    inner: Mutex<Inner>,
    capacity: usize,
    hits: AtomicU64,
    misses: AtomicU64,
}

#[derive(Debug, Default)]
struct Inner {
    version: String,
    answers: HashMap<String, Answer>,
}

impl AnswerCache {
    pub fn new(capacity: usize) -> AnswerCache {
        AnswerCache {
            inner: Mutex::default(),
            capacity,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Declares the version of the data and dictionary the next answers are read at; a version
    /// other than the last one forgets every answer.
    pub fn at_version(&self, version: &str) {
        let mut inner = self.lock();
        if inner.version != version {
            inner.version = version.to_string();
            inner.answers.clear();
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<Answer> {
        let found = self.lock().answers.get(key).cloned();
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Lookups so far: (hits, misses).
    pub fn lookups(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    pub(crate) fn put(&self, key: String, answer: &Answer) {
        if answer.error.is_some() || self.capacity == 0 {
            return;
        }
        let mut inner = self.lock();
        if inner.answers.len() >= self.capacity {
            inner.answers.clear();
        }
        inner.answers.insert(key, answer.clone());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The key of a query asked on the context's day (relative periods are already dates in the
/// query, but the default period and the answer's wording depend on the day) by someone who
/// sees the context's rows: users with other record rules never share an answer.
pub(crate) fn key(query: &SemanticQuery, context: &AskContext) -> String {
    format!(
        "{}|{}|{}",
        context.today,
        context.access.scope.key(),
        serde_json::to_string(query).unwrap_or_default()
    )
}
