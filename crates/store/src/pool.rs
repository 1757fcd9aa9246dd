//! A small pool of connections to one store, for servers that answer many requests at once.
//!
//! Each request checks a connection out, uses it on a blocking thread and gives it back when
//! the guard drops. Connections are opened on demand from the first one and at most `idle`
//! are kept for reuse.

use std::ops::Deref;
use std::sync::{Arc, Mutex};

use crate::{Connection, Result};

/// Shared, cheaply cloneable handle to a pool of connections.
#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

struct Inner {
    /// The first connection: every other one is opened from it.
    origin: Mutex<Box<dyn Connection + Send>>,
    idle: Mutex<Vec<Box<dyn Connection + Send>>>,
    keep: usize,
}

impl Pool {
    /// A pool over `origin` that keeps up to `keep` idle connections.
    pub fn new(origin: Box<dyn Connection + Send>, keep: usize) -> Pool {
        Pool {
            inner: Arc::new(Inner {
                origin: Mutex::new(origin),
                idle: Mutex::new(Vec::new()),
                keep: keep.max(1),
            }),
        }
    }

    /// A connection of its own, outside the pool (for a long-lived worker such as the
    /// background writer).
    pub fn dedicated(&self) -> Result<Box<dyn Connection + Send>> {
        self.inner
            .origin
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .new_connection()
    }

    /// A connection for the caller's exclusive use until the guard drops.
    pub fn get(&self) -> Result<Pooled> {
        let reused = self
            .inner
            .idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop();
        let connection = match reused {
            Some(connection) => connection,
            None => self
                .inner
                .origin
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .new_connection()?,
        };
        Ok(Pooled {
            connection: Some(connection),
            pool: self.inner.clone(),
        })
    }
}

/// A checked-out connection; it returns to the pool when dropped.
pub struct Pooled {
    connection: Option<Box<dyn Connection + Send>>,
    pool: Arc<Inner>,
}

impl Deref for Pooled {
    type Target = dyn Connection;

    fn deref(&self) -> &Self::Target {
        self.connection
            .as_deref()
            .expect("a pooled connection is present until drop")
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let Some(connection) = self.connection.take() {
            let mut idle = self
                .pool
                .idle
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if idle.len() < self.pool.keep {
                idle.push(connection);
            }
        }
    }
}
