//! A background writer: one thread with its own connection runs the writes a server submits
//! (audit entries, usage counters, conversation messages) in batches, one transaction per
//! batch, so a request never waits for a commit and fifty users cost one commit, not fifty.
//!
//! Writes are ordered: they run in the order submitted. [`Writer::flush`] waits until every
//! write submitted before it is committed (before reading what was written, and at shutdown).
//! A batch that fails is rolled back and its writes run again one by one, so one bad write
//! never loses the others; a write that fails alone is logged with its error.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use crate::{Connection, Result, transaction};

/// One write, rerunnable (a failed batch runs its writes again one by one).
pub type WriteJob = Box<dyn Fn(&dyn Connection) -> Result<()> + Send>;

/// Writes per transaction at most.
const BATCH: usize = 512;

enum Message {
    Write(WriteJob),
    Flush(Sender<()>),
}

/// The handle of the writer thread; dropping it writes what is pending and stops the thread.
pub struct Writer {
    sender: Option<Sender<Message>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Starts the writer thread on `connection` (a connection of its own).
    pub fn start(connection: Box<dyn Connection + Send>) -> Writer {
        let (sender, receiver) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || run(connection.as_ref(), &receiver))
            .ok();
        Writer {
            sender: thread.is_some().then_some(sender),
            thread,
        }
    }

    /// Queues a write; it runs after every write queued before it.
    pub fn submit(&self, job: WriteJob) {
        let refused = match &self.sender {
            Some(sender) => sender.send(Message::Write(job)).is_err(),
            None => true,
        };
        if refused {
            tracing::error!("the store writer has stopped; a write was dropped");
        }
    }

    /// Waits until every write queued so far is committed (or has failed and been logged).
    pub fn flush(&self) {
        let (done, wait) = mpsc::channel();
        if let Some(sender) = &self.sender
            && sender.send(Message::Flush(done)).is_ok()
        {
            let _ = wait.recv();
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // Closing the channel lets the thread write what is queued and end.
        self.sender.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Items of one kind (audit entries, messages, usage) gathered between writes: the first item
/// queues a write that takes every item gathered by the time it runs, so a burst of requests
/// costs one multi-row write. Items of a write that fails go back first in line.
pub struct Gatherer<T> {
    pending: Arc<Mutex<Pending<T>>>,
    write: fn(&dyn Connection, &[T]) -> Result<()>,
}

struct Pending<T> {
    items: Vec<T>,
    /// A write that will take the items is queued.
    scheduled: bool,
}

impl<T: Send + 'static> Gatherer<T> {
    /// Items will be written with `write` (inside the writer's transaction).
    pub fn new(write: fn(&dyn Connection, &[T]) -> Result<()>) -> Gatherer<T> {
        Gatherer {
            pending: Arc::new(Mutex::new(Pending {
                items: Vec::new(),
                scheduled: false,
            })),
            write,
        }
    }

    /// Adds an item, queueing a write on `writer` unless one is queued already.
    pub fn push(&self, writer: &Writer, item: T) {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        pending.items.push(item);
        if pending.scheduled {
            return;
        }
        pending.scheduled = true;
        let (buffer, write) = (self.pending.clone(), self.write);
        writer.submit(Box::new(move |connection: &dyn Connection| {
            let items = {
                let mut pending = buffer.lock().unwrap_or_else(PoisonError::into_inner);
                pending.scheduled = false;
                std::mem::take(&mut pending.items)
            };
            let written = write(connection, &items);
            if written.is_err() {
                let mut pending = buffer.lock().unwrap_or_else(PoisonError::into_inner);
                let newer = std::mem::replace(&mut pending.items, items);
                pending.items.extend(newer);
            }
            written
        }));
    }
}

fn run(connection: &dyn Connection, receiver: &Receiver<Message>) {
    while let Ok(first) = receiver.recv() {
        let mut jobs = Vec::new();
        let mut flushes = Vec::new();
        let mut next = Some(first);
        while let Some(message) = next {
            match message {
                Message::Write(job) => jobs.push(job),
                Message::Flush(done) => flushes.push(done),
            }
            next = if jobs.len() < BATCH {
                receiver.try_recv().ok()
            } else {
                None
            };
        }
        write_batch(connection, &jobs);
        for done in flushes {
            let _ = done.send(());
        }
    }
}

fn write_batch(connection: &dyn Connection, jobs: &[WriteJob]) {
    if jobs.is_empty() {
        return;
    }
    let together = transaction(connection, || {
        jobs.iter().try_for_each(|job| job(connection))
    });
    if together.is_ok() || jobs.len() == 1 {
        if let Err(error) = together {
            tracing::error!(%error, "a background write failed");
        }
        return;
    }
    for job in jobs {
        if let Err(error) = transaction(connection, || job(connection)) {
            tracing::error!(%error, "a background write failed");
        }
    }
}
