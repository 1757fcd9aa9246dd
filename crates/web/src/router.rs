//! Every route of the server, in one place, with the layers around them.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware;
use axum::routing::{delete, get, post, put};
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::error::AppError;
use crate::metrics::track;
use crate::openapi;
use crate::routes::{
    assets, audit, auth, budgets, chat, conversations, dictionary, export, health, jobs, proposals,
    providers, rights, sync, tools, uploads,
};
use crate::state::AppState;

/// Bodies larger than this are refused (a question is at most 8,000 characters).
const BODY_LIMIT: usize = 64 * 1024;

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .route("/", get(assets::index))
        .route("/assets/app.js", get(assets::script))
        .route("/assets/app.css", get(assets::style))
        .route("/health", get(health::health))
        .route("/metrics", get(health::metrics))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/v1/session", get(auth::current))
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route("/api/v1/auth/password", post(auth::password))
        .route("/api/v1/auth/token", post(auth::token))
        .route(
            "/ai_analyst/workspace/context",
            post(chat::workspace_context),
        )
        .route("/ai_analyst/chat", post(chat::ask))
        .route("/api/v1/query", post(chat::query))
        .route("/ai_analyst/export/start", post(export::start))
        .route("/ai_analyst/export/status/{id}", get(export::status))
        .route("/ai_analyst/export/download/{id}", get(export::download))
        .route("/api/v1/exports", get(export::list))
        .route(
            "/api/v1/proposals",
            get(proposals::list).post(proposals::propose),
        )
        .route("/api/v1/proposals/{id}", get(proposals::show))
        .route("/ai_analyst/proposal/{id}/approve", post(proposals::approve))
        .route("/ai_analyst/proposal/{id}/reject", post(proposals::reject))
        .route("/ai_analyst/proposal/{id}/execute", post(proposals::execute))
        .route(
            "/api/v1/uploads",
            get(uploads::list)
                // Files stream to disk under the upload size setting, checked as they arrive.
                .post(uploads::upload)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/api/v1/uploads/{id}", get(uploads::show))
        .route("/api/v1/uploads/{id}/errors", get(uploads::errors))
        .route("/api/v1/uploads/{id}/mapping", post(uploads::map_columns))
        .route("/api/v1/upload-profiles", get(uploads::list_profiles))
        .route("/api/v1/sync/status", get(sync::status))
        .route("/api/v1/tools", get(tools::list))
        .route("/api/v1/jobs", get(jobs::list).post(jobs::add))
        .route("/api/v1/jobs/{id}", get(jobs::show))
        .route("/api/v1/jobs/{id}/cancel", post(jobs::cancel))
        .route("/api/v1/job-schedules", get(jobs::list_schedules))
        .route(
            "/api/v1/job-schedules/{name}",
            put(jobs::put_schedule).delete(jobs::remove_schedule),
        )
        .route("/api/v1/conversations", get(conversations::list))
        .route(
            "/api/v1/conversations/{id}",
            get(conversations::show).delete(conversations::delete),
        )
        .route("/api/v1/audit", get(audit::list_entries))
        .route("/api/v1/dictionary", get(dictionary::show))
        .route("/api/v1/dictionary/synonyms", post(dictionary::add_synonym))
        .route(
            "/api/v1/dictionary/fiscal-year",
            put(dictionary::put_fiscal_year),
        )
        .route(
            "/api/v1/dictionary/synonyms/{id}",
            delete(dictionary::remove_synonym),
        )
        .route(
            "/api/v1/dictionary/seasons/{code}",
            put(dictionary::put_season).delete(dictionary::remove_season),
        )
        .route("/api/v1/users", get(rights::list).post(rights::add))
        .route("/api/v1/users/{username}/rights", put(rights::put_rights))
        .route("/api/v1/groups", get(rights::groups))
        .route("/api/v1/budgets", get(budgets::show).put(budgets::put))
        .route(
            "/api/v1/providers",
            get(providers::list).post(providers::save),
        )
        .route("/api/v1/providers/{name}", delete(providers::remove))
        .route(
            "/api/v1/rules",
            get(rights::rules).post(rights::add_rule_route),
        )
        .route("/api/v1/rules/{id}", delete(rights::remove_rule_route))
        .route_layer(middleware::from_fn_with_state(state.clone(), track))
        .fallback(not_found)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                        let id = request
                            .headers()
                            .get("x-request-id")
                            .and_then(|value| value.to_str().ok())
                            .unwrap_or("-");
                        tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
                    }),
                )
                .layer(PropagateRequestIdLayer::new(request_id))
                .layer(DefaultBodyLimit::max(BODY_LIMIT))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(CONTENT_SECURITY_POLICY),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_FRAME_OPTIONS,
                    HeaderValue::from_static("DENY"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("no-referrer"),
                )),
        )
        .with_state(state)
}

async fn not_found() -> AppError {
    AppError::not_found("no such route; the API is described at /api/openapi.json")
}
