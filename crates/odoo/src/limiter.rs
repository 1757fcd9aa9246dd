//! A counting semaphore bounding the requests in flight to one Odoo, shared by every thread
//! that holds a clone of the client.

use std::sync::{Condvar, Mutex, PoisonError};

/// At most `max` permits out at once; `acquire` blocks until one is free.
#[derive(Debug)]
pub(crate) struct ConcurrencyLimit {
    in_flight: Mutex<usize>,
    freed: Condvar,
    max: usize,
}

/// A held permit; dropping it frees the slot.
pub(crate) struct Permit<'a> {
    limit: &'a ConcurrencyLimit,
}

impl ConcurrencyLimit {
    /// A limit of `max` requests (at least one).
    pub(crate) fn new(max: usize) -> Self {
        Self {
            in_flight: Mutex::new(0),
            freed: Condvar::new(),
            max: max.max(1),
        }
    }

    /// Waits for a free slot and takes it.
    pub(crate) fn acquire(&self) -> Permit<'_> {
        // A panic while holding the lock cannot leave the counter inconsistent (it is only
        // incremented or decremented), so a poisoned lock is still usable.
        let mut in_flight = self
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        while *in_flight >= self.max {
            in_flight = self
                .freed
                .wait(in_flight)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *in_flight += 1;
        Permit { limit: self }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut in_flight = self
            .limit
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *in_flight -= 1;
        self.limit.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn never_more_than_max_permits_out() {
        let limit = Arc::new(ConcurrencyLimit::new(2));
        let current = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..6)
            .map(|_| {
                let (limit, current, peak) = (limit.clone(), current.clone(), peak.clone());
                std::thread::spawn(move || {
                    let _permit = limit.acquire();
                    let now = current.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    current.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("worker thread");
        }
        assert_eq!(peak.load(Ordering::SeqCst), 2);
    }
}
