//! The tool registry as clients see it: every tool with its parameter schema, the groups that
//! may use it, the workspaces it answers in, and whether the caller may use it.

use analyst_gateway::Access;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::CurrentUser;
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub(crate) struct ToolView {
    name: String,
    description: String,
    /// JSON Schema of the query's `params`.
    #[schema(value_type = Object)]
    params_schema: serde_json::Value,
    /// Groups whose members may use it (administrators always may).
    required_groups: Vec<String>,
    /// Workspaces it answers in.
    workspaces: Vec<String>,
    /// Rows an answer shows inline at most.
    max_rows: u32,
    /// Whether the caller's groups allow it.
    allowed: bool,
}

/// Every registered tool (any signed-in user).
#[utoipa::path(get, path = "/api/v1/tools", tag = "chat",
    responses((status = 200, body = Vec<ToolView>), (status = 401, body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    CurrentUser(session): CurrentUser,
) -> Result<Json<Vec<ToolView>>, AppError> {
    let user = session.user;
    let (access, workspaces) = state
        .run(move |connection, state| {
            let view = state.data_view(connection)?;
            let rights = state.rights(connection, &user)?;
            Ok((Access::from(&rights), view.workspaces))
        })
        .await?;
    Ok(Json(
        analyst_tools::specs()
            .into_iter()
            .map(|spec| ToolView {
                name: spec.tool.name().into(),
                description: spec.description.into(),
                params_schema: spec.params_schema,
                required_groups: spec
                    .required_groups
                    .iter()
                    .map(|group| group.to_string())
                    .collect(),
                workspaces: workspaces
                    .iter()
                    .filter(|workspace| workspace.allows(spec.tool))
                    .map(|workspace| workspace.code.clone())
                    .collect(),
                max_rows: spec.max_rows,
                allowed: access.may_use(spec.tool),
            })
            .collect(),
    ))
}
