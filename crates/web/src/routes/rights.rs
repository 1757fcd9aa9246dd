//! Users, groups and record rules, for administrators: who may use which tools and see which
//! companies, stores and channels. Every change is audited and applies to the next request.

use std::collections::{BTreeMap, BTreeSet};

use analyst_accounts::{
    AccessField, RecordRule, RightsChange, RuleTarget, User, add_rule, add_user_with_rights,
    allowed_codes, check_rights, find_user, groups_of, list_groups, list_rules, list_users,
    one_time_password, remove_rule, set_rights,
};
use analyst_store::Connection;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Admin, ClientIp, CurrentUser};
use crate::error::{AppError, ErrorBody};
use crate::json::Body;
use crate::state::AppState;

/// A user's groups and allowed values (codes or names when sent; codes when returned). An
/// empty list of companies, stores or channels means every one.
#[derive(Serialize, Deserialize, ToSchema, Default)]
pub(crate) struct RightsView {
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    companies: Vec<String>,
    #[serde(default)]
    stores: Vec<String>,
    #[serde(default)]
    channels: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct UserView {
    username: String,
    active: bool,
    must_change_password: bool,
    #[serde(flatten)]
    rights: RightsView,
    /// Only when the user was just added: to be changed at the first sign-in.
    #[serde(skip_serializing_if = "Option::is_none")]
    one_time_password: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub(crate) struct NewUser {
    username: String,
    #[serde(flatten)]
    rights: RightsView,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct GroupView {
    code: String,
    name: String,
    description: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub(crate) struct RuleView {
    #[serde(default)]
    id: i64,
    name: String,
    /// The group the rule restricts (or `user`).
    #[serde(default)]
    group: Option<String>,
    /// The user the rule restricts (or `group`).
    #[serde(default)]
    user: Option<String>,
    /// `company`, `store` or `channel`.
    field: String,
    /// Allowed codes or names; absent: each user's own allowed values for the field.
    #[serde(default)]
    codes: Option<Vec<String>>,
    #[serde(default = "active")]
    active: bool,
}

fn active() -> bool {
    true
}

fn user_view(connection: &dyn Connection, user: User) -> Result<UserView, AppError> {
    let groups = groups_of(connection, &user)?;
    let mut allowed = allowed_codes(connection, user.id)?;
    let mut take = |field| {
        allowed
            .remove(&field)
            .map(|codes: BTreeSet<String>| codes.into_iter().collect())
            .unwrap_or_default()
    };
    Ok(UserView {
        rights: RightsView {
            groups: groups.into_iter().collect(),
            companies: take(AccessField::Company),
            stores: take(AccessField::Store),
            channels: take(AccessField::Channel),
        },
        username: user.username,
        active: user.active,
        must_change_password: user.must_change_password,
        one_time_password: None,
    })
}

/// The change a request asks for, checked against the groups and the data.
fn checked(connection: &dyn Connection, rights: &RightsView) -> Result<RightsChange, AppError> {
    let groups: BTreeSet<String> = rights
        .groups
        .iter()
        .map(|group| group.trim().to_lowercase())
        .collect();
    let allowed = BTreeMap::from([
        (AccessField::Company, rights.companies.clone()),
        (AccessField::Store, rights.stores.clone()),
        (AccessField::Channel, rights.channels.clone()),
    ]);
    Ok(check_rights(connection, &groups, &allowed)?)
}

/// Every user with their groups and allowed values (administrators).
#[utoipa::path(get, path = "/api/v1/users", tag = "rights",
    responses((status = 200, body = Vec<UserView>), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<Vec<UserView>>, AppError> {
    let users = state
        .run(|connection, _| {
            list_users(connection)?
                .into_iter()
                .map(|user| user_view(connection, user))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(Json(users))
}

/// Adds a user with a one-time password and their rights (administrators).
#[utoipa::path(post, path = "/api/v1/users", tag = "rights", request_body = NewUser,
    responses((status = 201, body = UserView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn add(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    _: Admin,
    Body(request): Body<NewUser>,
) -> Result<(StatusCode, Json<UserView>), AppError> {
    let admin = session.user;
    let view = state
        .run(move |connection, state| {
            let password = one_time_password();
            let change = checked(connection, &request.rights)?;
            let user =
                add_user_with_rights(connection, &request.username, &password, true, &change)?;
            state.audit_change(
                &admin,
                ip.as_deref(),
                format!(
                    "added user {} with groups {}",
                    user.username,
                    request.rights.groups.join(",")
                ),
            );
            let mut view = user_view(connection, user)?;
            view.one_time_password = Some(password);
            Ok(view)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Replaces a user's groups and allowed values (administrators).
#[utoipa::path(put, path = "/api/v1/users/{username}/rights", tag = "rights",
    params(("username" = String, Path, description = "username")), request_body = RightsView,
    responses((status = 200, body = UserView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn put_rights(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    _: Admin,
    Path(username): Path<String>,
    Body(request): Body<RightsView>,
) -> Result<Json<UserView>, AppError> {
    let admin = session.user;
    let view = state
        .run(move |connection, state| {
            let user = find_user(connection, &username)?
                .ok_or_else(|| AppError::not_found(format!("no user named '{username}'")))?;
            if user.id == admin.id && !request.groups.iter().any(|group| group == "admin") {
                return Err(AppError::bad_request(
                    "you cannot remove yourself from the admin group",
                ));
            }
            let change = checked(connection, &request)?;
            set_rights(connection, &user, &change)?;
            state.forget_rights();
            state.audit_change(
                &admin,
                ip.as_deref(),
                format!(
                    "rights of {}: groups {}; companies {}; stores {}; channels {}",
                    user.username,
                    request.groups.join(","),
                    request.companies.join(","),
                    request.stores.join(","),
                    request.channels.join(",")
                ),
            );
            let user = find_user(connection, &user.username)?
                .ok_or_else(|| AppError::not_found("the user was removed meanwhile"))?;
            user_view(connection, user)
        })
        .await?;
    Ok(Json(view))
}

/// The groups users can belong to (administrators).
#[utoipa::path(get, path = "/api/v1/groups", tag = "rights",
    responses((status = 200, body = Vec<GroupView>), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub(crate) async fn groups(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<Vec<GroupView>>, AppError> {
    let groups = state
        .run(|connection, _| Ok(list_groups(connection)?))
        .await?;
    Ok(Json(
        groups
            .into_iter()
            .map(|group| GroupView {
                code: group.code,
                name: group.name,
                description: group.description,
            })
            .collect(),
    ))
}

/// A rule as shown, naming its user from `users`.
fn rule_view(rule: RecordRule, users: &[User]) -> RuleView {
    RuleView {
        id: rule.id,
        name: rule.name,
        group: rule.group_code,
        user: rule.user_id.and_then(|id| {
            users
                .iter()
                .find(|user| user.id == id)
                .map(|user| user.username.clone())
        }),
        field: rule.field.name().into(),
        codes: rule.codes,
        active: rule.active,
    }
}

/// Every record rule (administrators).
#[utoipa::path(get, path = "/api/v1/rules", tag = "rights",
    responses((status = 200, body = Vec<RuleView>), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
pub(crate) async fn rules(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<Vec<RuleView>>, AppError> {
    let rules = state
        .run(|connection, _| {
            let users = list_users(connection)?;
            Ok(list_rules(connection)?
                .into_iter()
                .map(|rule| rule_view(rule, &users))
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(Json(rules))
}

/// Adds a record rule for a group or a user (administrators).
#[utoipa::path(post, path = "/api/v1/rules", tag = "rights", request_body = RuleView,
    responses((status = 201, body = RuleView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn add_rule_route(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    _: Admin,
    Body(request): Body<RuleView>,
) -> Result<(StatusCode, Json<RuleView>), AppError> {
    let admin = session.user;
    let field = AccessField::parse(&request.field).ok_or_else(|| {
        AppError::bad_request(format!(
            "field '{}' is not company, store or channel",
            request.field
        ))
    })?;
    let view = state
        .run(move |connection, state| {
            let target = match (&request.group, &request.user) {
                (Some(group), None) => RuleTarget::Group(group.trim().to_lowercase()),
                (None, Some(username)) => RuleTarget::User(
                    find_user(connection, username)?
                        .ok_or_else(|| {
                            AppError::bad_request(format!("no user named '{username}'"))
                        })?
                        .id,
                ),
                _ => {
                    return Err(AppError::bad_request(
                        "a rule restricts either a group or a user: give one of them",
                    ));
                }
            };
            let rule = add_rule(
                connection,
                &request.name,
                &target,
                field,
                request.codes.as_deref(),
            )?;
            state.forget_rights();
            state.audit_change(
                &admin,
                ip.as_deref(),
                format!("added record rule {} ({})", rule.id, rule.name),
            );
            Ok(rule_view(rule, &list_users(connection)?))
        })
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Removes a record rule (administrators).
#[utoipa::path(delete, path = "/api/v1/rules/{id}", tag = "rights",
    params(("id" = i64, Path, description = "rule id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
pub(crate) async fn remove_rule_route(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    CurrentUser(session): CurrentUser,
    _: Admin,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    let admin = session.user;
    state
        .run(move |connection, state| {
            if !remove_rule(connection, id)? {
                return Err(AppError::not_found(format!("no record rule {id}")));
            }
            state.forget_rights();
            state.audit_change(&admin, ip.as_deref(), format!("removed record rule {id}"));
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
