//! The OpenAPI document, generated from the handlers' annotations.

use axum::Json;
use utoipa::OpenApi;

use crate::routes::{
    audit, auth, budgets, chat, conversations, dictionary, export, health, jobs, proposals,
    providers, rights, sync, tools, uploads,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "AI Analyst",
        description = "Ask sales questions in plain language; sign in with a session cookie (browsers, with `X-CSRF-Token` on state-changing requests) or `Authorization: Bearer` (scripts, from POST /api/v1/auth/token)."
    ),
    paths(
        health::health,
        health::metrics,
        auth::current,
        auth::login,
        auth::logout,
        auth::password,
        auth::token,
        chat::ask,
        chat::query,
        tools::list,
        jobs::list,
        jobs::show,
        jobs::cancel,
        jobs::add,
        jobs::list_schedules,
        jobs::put_schedule,
        jobs::remove_schedule,
        chat::workspace_context,
        export::start,
        export::status,
        export::download,
        export::list,
        uploads::upload,
        uploads::list,
        uploads::show,
        uploads::errors,
        uploads::map_columns,
        uploads::list_profiles,
        sync::status,
        proposals::propose,
        proposals::list,
        proposals::show,
        proposals::approve,
        proposals::reject,
        proposals::execute,
        conversations::list,
        conversations::show,
        conversations::delete,
        dictionary::show,
        dictionary::add_synonym,
        dictionary::remove_synonym,
        dictionary::put_season,
        dictionary::remove_season,
        dictionary::put_fiscal_year,
        audit::list_entries,
        budgets::show,
        budgets::put,
        providers::list,
        providers::save,
        providers::remove,
        rights::list,
        rights::add,
        rights::put_rights,
        rights::groups,
        rights::rules,
        rights::add_rule_route,
        rights::remove_rule_route,
    )
)]
struct ApiDoc;

/// `GET /api/openapi.json`
pub(crate) async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
