//! The HTTP server of the analyst: the chat API and its web UI, sign-in with sessions and
//! tokens, health and metrics, and the OpenAPI document.
//!
//! Handlers stay thin: the work happens in the gateway and accounts crates, on blocking
//! threads with a pooled store connection ([`AppState::run`]).

mod auth;
mod error;
mod json;
mod limits;
mod metrics;
mod openapi;
mod providers_cache;
mod router;
mod routes;
mod state;
mod usage;

use std::future::Future;
use std::net::SocketAddr;

pub use router::router;
pub use routes::jobs::check_maintenance_kind;
pub use state::{AppState, WebSettings};

/// Serves `state` on `listener` until `shutdown` resolves; requests in flight then finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
