//! [`FakeOdoo`]: a local server that speaks Odoo's JSON-2, JSON-RPC and XML-RPC as a real
//! Odoo does (see `shared/design/odoo-external-api.md`), over generated fixture data, with
//! faults to inject and a log of what was asked. Started on 127.0.0.1:0 with its own tokio
//! runtime on its own thread, so that blocking tests and clients can use it.

mod faults;
mod filter;
mod fixtures;
mod orm;
mod records;
mod schema;
mod search;
mod table;
mod wire;

use std::sync::{Arc, PoisonError, RwLock};
use std::thread;
use std::time::Duration;

use serde_json::{Map, Value};
use tokio::sync::oneshot;

pub use faults::{Fault, LoggedRequest};
pub use fixtures::FixtureSize;

use crate::config::{OdooConfig, Secret};
use faults::Controls;
use orm::User;
use records::Dataset;
use wire::Shared;

/// A running fake Odoo. Dropping it stops the server.
pub struct FakeOdoo {
    shared: Arc<Shared>,
    url: String,
    shutdown: Option<oneshot::Sender<()>>,
}

/// How to start a [`FakeOdoo`].
#[derive(Clone, Debug)]
pub struct FakeOdooBuilder {
    major_version: u32,
    size: FixtureSize,
    modules: Vec<&'static str>,
}

impl FakeOdooBuilder {
    /// The Odoo version to present (17 by default; 19 and later add JSON-2).
    pub fn version(mut self, major: u32) -> Self {
        self.major_version = major;
        self
    }

    /// How much data to generate.
    pub fn size(mut self, size: FixtureSize) -> Self {
        self.size = size;
        self
    }

    /// Installs an optional module, e.g. `"helpdesk"`.
    pub fn with_module(mut self, module: &'static str) -> Self {
        if !self.modules.contains(&module) {
            self.modules.push(module);
        }
        self
    }

    /// Leaves a module out, e.g. `"product_brand"`.
    pub fn without_module(mut self, module: &str) -> Self {
        self.modules.retain(|installed| *installed != module);
        self
    }

    /// Generates the data and starts serving.
    pub fn start(self) -> FakeOdoo {
        let mut data = Dataset::new(schema::models(&self.modules));
        fixtures::populate(&mut data, self.size, &self.modules);
        let users = vec![
            User {
                uid: 2,
                login: FakeOdoo::ADMIN_LOGIN.into(),
                api_key: FakeOdoo::ADMIN_KEY.into(),
                password: FakeOdoo::ADMIN_PASSWORD.into(),
                can_write: true,
            },
            User {
                uid: 3,
                login: FakeOdoo::READER_LOGIN.into(),
                api_key: FakeOdoo::READER_KEY.into(),
                password: FakeOdoo::READER_PASSWORD.into(),
                can_write: false,
            },
        ];
        let shared = Arc::new(Shared {
            data: RwLock::new(data),
            users: RwLock::new(users),
            controls: Controls::default(),
            major_version: self.major_version,
        });
        let listener =
            std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0 for the fake Odoo");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let url = format!(
            "http://{}",
            listener.local_addr().expect("listener address")
        );
        let (shutdown, stopped) = oneshot::channel::<()>();
        let router = wire::router(shared.clone());
        thread::Builder::new()
            .name("fake-odoo".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(4)
                    .enable_all()
                    .build()
                    .expect("tokio runtime for the fake Odoo");
                runtime.block_on(async move {
                    let listener =
                        tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                    let stopped = async {
                        let _ = stopped.await;
                    };
                    axum::serve(listener, router)
                        .with_graceful_shutdown(stopped)
                        .await
                        .expect("fake Odoo server");
                });
            })
            .expect("fake Odoo thread");
        FakeOdoo {
            shared,
            url,
            shutdown: Some(shutdown),
        }
    }
}

impl FakeOdoo {
    /// The database name the fake answers for.
    pub const DATABASE: &'static str = "odoo";
    /// A user with every right (uid 2, as on a fresh Odoo).
    pub const ADMIN_LOGIN: &'static str = "admin";
    /// The admin's API key, which every protocol accepts.
    pub const ADMIN_KEY: &'static str = "c0ffee-admin-api-key-5e1f";
    /// The admin's password: JSON-RPC and XML-RPC take it, JSON-2 does not.
    pub const ADMIN_PASSWORD: &'static str = "admin-password-7c3d";
    /// A user who may read but not create, write or delete.
    pub const READER_LOGIN: &'static str = "reader";
    /// The reader's API key.
    pub const READER_KEY: &'static str = "c0ffee-reader-api-key-9a2b";
    /// The reader's password.
    pub const READER_PASSWORD: &'static str = "reader-password-1e8a";

    /// Options: version 17, small fixtures, default modules (no Helpdesk).
    pub fn builder() -> FakeOdooBuilder {
        FakeOdooBuilder {
            major_version: 17,
            size: FixtureSize::small(),
            modules: schema::DEFAULT_MODULES.to_vec(),
        }
    }

    /// An Odoo 17 with the small fixtures.
    pub fn start() -> Self {
        Self::builder().start()
    }

    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Client settings for this server, tuned for tests: 5 s timeout, 2 retries from 10 ms.
    pub fn config(&self, login: &str, secret: &str) -> OdooConfig {
        let mut config = OdooConfig::new(&self.url, Self::DATABASE, login, Secret::new(secret));
        config.timeout = Duration::from_secs(5);
        config.retries = 2;
        config.retry_backoff = Duration::from_millis(10);
        config
    }

    /// [`Self::config`] for the admin.
    pub fn admin_config(&self) -> OdooConfig {
        self.config(Self::ADMIN_LOGIN, Self::ADMIN_KEY)
    }

    /// [`Self::config`] for the read-only user.
    pub fn reader_config(&self) -> OdooConfig {
        self.config(Self::READER_LOGIN, Self::READER_KEY)
    }

    /// Injects `fault` into `times` requests, after `after` more requests answered normally.
    pub fn inject(&self, fault: Fault, after: usize, times: usize) {
        self.shared.controls.plan(fault, None, after, times);
    }

    /// Injects `fault` into the next `times` calls of the model method `method` (`create`,
    /// `write`, …), whatever comes between them.
    pub fn inject_on(&self, method: &str, fault: Fault, times: usize) {
        self.shared.controls.plan(fault, Some(method), 0, times);
    }

    /// Every request received since start (or the last [`Self::clear_requests`]).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.controls.requests()
    }

    /// Forgets the logged requests.
    pub fn clear_requests(&self) {
        self.shared.controls.clear_requests();
    }

    /// The most requests that were in flight at once.
    pub fn peak_in_flight(&self) -> usize {
        self.shared.controls.peak_in_flight()
    }

    /// Replaces a user's API key and password, as when a key is revoked.
    pub fn set_secret(&self, login: &str, secret: &str) {
        let mut users = self
            .shared
            .users
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        for user in users.iter_mut().filter(|user| user.login == login) {
            user.api_key = secret.to_owned();
            user.password = secret.to_owned();
        }
    }

    /// Runs a model method server-side as the admin, parameters by name (`{"domain": …}`);
    /// the error is Odoo's message. For tests to prepare changes and check results.
    pub fn execute(&self, model: &str, method: &str, params: Value) -> Result<Value, String> {
        let params = match params {
            Value::Object(params) => params,
            _ => Map::new(),
        };
        let admin = self
            .shared
            .users
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find(|user| user.can_write)
            .cloned()
            .ok_or("no admin user")?;
        orm::execute(&self.shared.data, &admin, model, method, &params)
            .map_err(|error| error.message())
    }

    /// Changes a record (its write_date moves to now), as a user in Odoo would mid-sync.
    pub fn write(&self, model: &str, id: i64, values: Value) {
        self.execute(
            model,
            "write",
            serde_json::json!({"ids": [id], "vals": values}),
        )
        .unwrap_or_else(|error| panic!("fake write on {model} {id}: {error}"));
    }

    /// Deletes a record.
    pub fn delete(&self, model: &str, id: i64) {
        self.execute(model, "unlink", serde_json::json!({"ids": [id]}))
            .unwrap_or_else(|error| panic!("fake unlink of {model} {id}: {error}"));
    }
}

impl Drop for FakeOdoo {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
