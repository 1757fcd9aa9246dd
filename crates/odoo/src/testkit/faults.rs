//! What tests do to the fake besides calling it: planned faults (HTTP 500, slow or malformed
//! replies), the log of requests received, and the peak of requests in flight.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use serde_json::Value;

/// A misbehaviour of the server or of a proxy in front of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 500 with Odoo's "Internal Server Error" page.
    ServerError,
    /// The normal reply, after this delay.
    Slow(Duration),
    /// HTTP 200 with an HTML page in place of the JSON or XML (a proxy's error page, quoting
    /// the request it could not forward).
    Malformed,
    /// The call is carried out, then a proxy answers 504 Gateway Time-out in place of the
    /// reply: what a create whose reply was lost looks like (it committed).
    LostReply,
}

/// One request as the fake understood it.
#[derive(Clone, Debug, PartialEq)]
pub struct LoggedRequest {
    /// `jsonrpc`, `xmlrpc` or `json2`.
    pub protocol: &'static str,
    /// The service method (`version`, `login`, `execute_kw`) or, for JSON-2, `call`.
    pub service_method: String,
    /// The model called, for model methods.
    pub model: Option<String>,
    /// The model method (`search_read`, `create`, …).
    pub method: Option<String>,
    /// The domain passed, if any.
    pub domain: Option<Value>,
    /// The offset passed, if any.
    pub offset: Option<u64>,
    /// The limit passed, if any.
    pub limit: Option<u64>,
    /// The fault injected into the reply, if any.
    pub fault: Option<Fault>,
}

struct Planned {
    fault: Fault,
    /// Only requests of this model method count (and get the fault); all when `None`.
    method: Option<String>,
    skip: usize,
    times: usize,
}

/// The mutable test state of a running fake.
#[derive(Default)]
pub(crate) struct Controls {
    planned: Mutex<Vec<Planned>>,
    log: Mutex<Vec<LoggedRequest>>,
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
}

/// Counts a request in flight while alive.
pub(crate) struct InFlight<'a>(&'a Controls);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Controls {
    pub(crate) fn plan(&self, fault: Fault, method: Option<&str>, skip: usize, times: usize) {
        lock(&self.planned).push(Planned {
            fault,
            method: method.map(str::to_owned),
            skip,
            times,
        });
    }

    /// The fault for the request now arriving (calling model method `method`), if one is due.
    pub(crate) fn next_fault(&self, method: Option<&str>) -> Option<Fault> {
        let mut planned = lock(&self.planned);
        let mut due = None;
        for plan in planned.iter_mut() {
            if plan.method.is_some() && plan.method.as_deref() != method {
                continue;
            }
            if plan.skip > 0 {
                plan.skip -= 1;
            } else if due.is_none() && plan.times > 0 {
                plan.times -= 1;
                due = Some(plan.fault);
            }
        }
        planned.retain(|plan| plan.times > 0);
        due
    }

    pub(crate) fn record(&self, request: LoggedRequest) {
        lock(&self.log).push(request);
    }

    pub(crate) fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.log).clone()
    }

    pub(crate) fn clear_requests(&self) {
        lock(&self.log).clear();
    }

    pub(crate) fn enter(&self) -> InFlight<'_> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(self)
    }

    pub(crate) fn peak_in_flight(&self) -> usize {
        self.peak_in_flight.load(Ordering::SeqCst)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
