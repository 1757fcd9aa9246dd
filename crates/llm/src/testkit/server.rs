//! The shared machinery of the fake providers: the axum server on its own thread, the script,
//! the request log, and the handler that a [`Protocol`] specialises.

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::Value;

use crate::config::{CostTier, Price, ProviderConfig, ProviderKind};
use crate::secret::ApiKeySource;
use crate::testkit::script::{Action, ReceivedRequest, Step};

/// What differs between the providers' wire protocols.
pub(crate) trait Protocol: Send + Sync + 'static {
    const PATH: &'static str;
    const KIND: ProviderKind;
    /// The path part of the base URL the client is configured with.
    const BASE_PATH: &'static str;

    /// `Ok` if the request carries `key`; else the 401 body in the provider's shape.
    fn authenticate(headers: &HeaderMap, key: &str) -> Result<(), Value>;
    /// What the real API would reject with a 400 (and why).
    fn validate(headers: &HeaderMap, body: &Value) -> Result<(), String>;
    /// An error body of the given error type.
    fn error(kind: &str, message: &str) -> Value;
    /// The 200 body of a text or tool-call step; `serial` makes ids unique.
    fn reply(step: &Step, model: &str, serial: usize) -> Value;
    /// The error types of 400, 429 and 500 answers.
    const INVALID: &'static str;
    const RATE_LIMIT: &'static str;
    const SERVER: &'static str;
}

pub(crate) struct Shared {
    key: String,
    script: Mutex<VecDeque<Step>>,
    log: Mutex<Vec<ReceivedRequest>>,
    serial: AtomicUsize,
}

/// A running fake; stops (and deletes its key file) when dropped.
pub(crate) struct FakeServer {
    address: SocketAddr,
    shared: Arc<Shared>,
    key_file: PathBuf,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test that panicked while holding the lock leaves the data usable for the others.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl FakeServer {
    pub(crate) fn start<P: Protocol>(key: &str) -> FakeServer {
        static KEY_FILES: AtomicUsize = AtomicUsize::new(0);
        let shared = Arc::new(Shared {
            key: key.to_owned(),
            script: Mutex::new(VecDeque::new()),
            log: Mutex::new(Vec::new()),
            serial: AtomicUsize::new(0),
        });
        let key_file = std::env::temp_dir().join(format!(
            "analyst-llm-fake-key-{}-{}",
            std::process::id(),
            KEY_FILES.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&key_file, key).expect("the fake provider writes its key file");
        let app = Router::new()
            .route(P::PATH, post(handle::<P>))
            .with_state(shared.clone());
        let (address_sender, address_receiver) = std::sync::mpsc::channel();
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("the fake provider starts a tokio runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("the fake provider binds 127.0.0.1:0");
                let address = listener.local_addr().expect("a bound address");
                let _ = address_sender.send(address);
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        let address = address_receiver
            .recv()
            .expect("the fake provider reports its address");
        FakeServer {
            address,
            shared,
            key_file,
            shutdown: Some(shutdown),
        }
    }

    pub(crate) fn base_url<P: Protocol>(&self) -> String {
        format!("http://{}{}", self.address, P::BASE_PATH)
    }

    pub(crate) fn config<P: Protocol>(&self, name: &str, tier: CostTier) -> ProviderConfig {
        ProviderConfig {
            name: name.to_owned(),
            kind: P::KIND,
            base_url: self.base_url::<P>(),
            model: format!("{name}-model"),
            api_key: Some(ApiKeySource::File(self.key_file.clone())),
            tier,
            capabilities: vec![crate::config::Capability::Analytics],
            price: Price {
                input_per_1k: 1.0,
                output_per_1k: 2.0,
                currency: "USD".into(),
            },
            timeout_seconds: 10.0,
            priority: 0,
            enabled: true,
        }
    }

    pub(crate) fn script(&self, steps: impl IntoIterator<Item = Step>) {
        lock(&self.shared.script).extend(steps);
    }

    pub(crate) fn requests(&self) -> Vec<ReceivedRequest> {
        lock(&self.shared.log).clone()
    }

    pub(crate) fn unused_steps(&self) -> usize {
        lock(&self.shared.script).len()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let _ = std::fs::remove_file(&self.key_file);
    }
}

async fn handle<P: Protocol>(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let parsed: Option<Value> = serde_json::from_slice(&body).ok();
    let logged_headers: BTreeMap<String, String> = headers
        .iter()
        .map(|(name, value)| {
            let secret = matches!(name.as_str(), "authorization" | "x-api-key");
            let shown = if secret {
                "***".to_owned()
            } else {
                value.to_str().unwrap_or("?").to_owned()
            };
            (name.as_str().to_owned(), shown)
        })
        .collect();
    let mut received = ReceivedRequest {
        path: P::PATH.to_owned(),
        headers: logged_headers,
        body: parsed.clone().unwrap_or(Value::Null),
        status: 200,
        rejection: None,
    };
    let rejected = |mut received: ReceivedRequest, status: StatusCode, body: Value, why: String| {
        received.status = status.as_u16();
        received.rejection = Some(why);
        lock(&shared.log).push(received);
        (status, axum::Json(body)).into_response()
    };
    if let Err(body) = P::authenticate(&headers, &shared.key) {
        return rejected(
            received,
            StatusCode::UNAUTHORIZED,
            body,
            "wrong API key".into(),
        );
    }
    let Some(parsed) = parsed else {
        let message = "the request body is not valid JSON";
        return rejected(
            received,
            StatusCode::BAD_REQUEST,
            P::error(P::INVALID, message),
            message.into(),
        );
    };
    if let Err(message) = P::validate(&headers, &parsed) {
        return rejected(
            received,
            StatusCode::BAD_REQUEST,
            P::error(P::INVALID, &message),
            message,
        );
    }
    let Some(step) = lock(&shared.script).pop_front() else {
        let message = "fake provider: the script has no step left for this request";
        return rejected(
            received,
            StatusCode::BAD_REQUEST,
            P::error(P::INVALID, message),
            message.into(),
        );
    };
    let (status, response) = match &step.action {
        Action::RateLimited {
            retry_after_seconds,
        } => {
            let body = P::error(P::RATE_LIMIT, "Rate limit reached; please retry later.");
            let mut response = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
            response
                .headers_mut()
                .insert("retry-after", HeaderValue::from(*retry_after_seconds));
            (StatusCode::TOO_MANY_REQUESTS, response)
        }
        Action::ServerError => {
            let body = P::error(
                P::SERVER,
                "The server had an error while processing your request.",
            );
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response(),
            )
        }
        Action::MalformedBody => {
            let body = r#"{"id": "cut-short", "choices": [{"message": {"content": "Rev"#;
            let response = ([("content-type", "application/json")], body).into_response();
            (StatusCode::OK, response)
        }
        Action::Text(_) | Action::ToolCalls(_) => {
            let model = parsed
                .get("model")
                .and_then(Value::as_str)
                .unwrap_or("model");
            let serial = shared.serial.fetch_add(1, Ordering::Relaxed) + 1;
            (
                StatusCode::OK,
                axum::Json(P::reply(&step, model, serial)).into_response(),
            )
        }
    };
    received.status = status.as_u16();
    lock(&shared.log).push(received);
    if let Some(delay) = step.delay {
        tokio::time::sleep(delay).await;
    }
    response
}
