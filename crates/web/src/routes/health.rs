//! Liveness with a store check, and Prometheus metrics.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Admin;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub(crate) struct Health {
    /// `ok` or `unavailable`.
    status: &'static str,
    /// Whether the store answered a query.
    store: bool,
}

/// 200 when the server and its store answer; 503 otherwise (for load balancers).
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub(crate) async fn health(State(state): State<AppState>) -> Response {
    let store = state
        .run(|connection, _| Ok(connection.query("SELECT 1", &[]).is_ok()))
        .await
        .unwrap_or(false);
    let (status, text) = if store {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    };
    (
        status,
        Json(Health {
            status: text,
            store,
        }),
    )
        .into_response()
}

/// Prometheus text format; administrators only (scrape with a bearer token).
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition format"), (status = 401), (status = 403)))]
pub(crate) async fn metrics(State(state): State<AppState>, _: Admin) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(state.answers.lookups()),
    )
        .into_response()
}
