//! The fake's ORM: the model methods the external API exposes (`search_read`, `search`,
//! `search_count`, `read`, `fields_get`, `create`, `write`, `unlink`, `context_get`), with
//! parameters by name, access rights per user, and Odoo's exceptions as errors.

use std::sync::{PoisonError, RwLock};

use serde_json::{Map, Value, json};

use super::records::Dataset;
use super::schema::field_label;
use super::search::{SearchSpec, count, search};

/// An Odoo exception, by class.
#[derive(Debug)]
pub(crate) enum OrmError {
    /// `odoo.exceptions.AccessDenied`: wrong login, password or key.
    AccessDenied,
    /// `odoo.exceptions.AccessError`: the user lacks the right.
    Access {
        model: String,
        label: String,
        operation: &'static str,
    },
    /// `odoo.exceptions.UserError` for a model that is not installed.
    MissingModel(String),
    /// `odoo.exceptions.UserError`.
    User(String),
    /// `odoo.exceptions.ValidationError`, e.g. a required field left empty.
    Validation(String),
    /// `ValueError`: a bad domain, field or value.
    Value(String),
    /// `AttributeError`: no such method.
    NoMethod { model: String, method: String },
}

impl OrmError {
    /// The exception's class, as JSON-RPC names it in `error.data.name`.
    pub(crate) fn class(&self) -> &'static str {
        match self {
            Self::AccessDenied => "odoo.exceptions.AccessDenied",
            Self::Access { .. } => "odoo.exceptions.AccessError",
            Self::MissingModel(_) | Self::User(_) => "odoo.exceptions.UserError",
            Self::Validation(_) => "odoo.exceptions.ValidationError",
            Self::Value(_) => "builtins.ValueError",
            Self::NoMethod { .. } => "builtins.AttributeError",
        }
    }

    /// The exception's message.
    pub(crate) fn message(&self) -> String {
        match self {
            Self::AccessDenied => "Access Denied".to_owned(),
            Self::Access {
                model,
                label,
                operation,
            } => format!(
                "You are not allowed to {operation} '{label}' ({model}) records.\n\nThis operation is allowed for the following groups:\n\t- Administration/Settings\n\nContact your administrator to request access if necessary."
            ),
            Self::MissingModel(model) => format!("Object {model} doesn't exist"),
            Self::User(message) | Self::Validation(message) | Self::Value(message) => {
                message.clone()
            }
            Self::NoMethod { model, method } => {
                format!("The method '{method}' does not exist on the model '{model}'")
            }
        }
    }
}

/// A user of the fake: login, API key, password, and whether it may write.
#[derive(Clone, Debug)]
pub(crate) struct User {
    pub uid: i64,
    pub login: String,
    pub api_key: String,
    pub password: String,
    pub can_write: bool,
}

impl User {
    /// Whether `secret` is this user's API key, or (when allowed) password.
    pub(crate) fn accepts(&self, secret: &str, api_key_only: bool) -> bool {
        secret == self.api_key || (!api_key_only && secret == self.password)
    }
}

/// Parameter names of each method, to read positional `execute_kw` arguments by name.
pub(crate) fn parameter_names(method: &str) -> &'static [&'static str] {
    match method {
        "search_read" => &["domain", "fields", "offset", "limit", "order"],
        "search" => &["domain", "offset", "limit", "order"],
        "search_count" => &["domain", "limit"],
        "read" => &["ids", "fields"],
        "write" => &["ids", "vals"],
        "create" => &["vals_list"],
        "unlink" => &["ids"],
        "fields_get" => &["allfields", "attributes"],
        "check_access_rights" => &["operation", "raise_exception"],
        _ => &[],
    }
}

/// Runs `model.method(**params)` as `user`.
pub(crate) fn execute(
    data: &RwLock<Dataset>,
    user: &User,
    model: &str,
    method: &str,
    params: &Map<String, Value>,
) -> Result<Value, OrmError> {
    let param = |name: &str| params.get(name).filter(|value| !value.is_null());
    let ids = || -> Result<Vec<i64>, OrmError> {
        let ids = param("ids").ok_or_else(|| OrmError::Value(format!("{method} needs ids")))?;
        match ids {
            Value::Number(id) => id.as_i64().map(|id| vec![id]),
            other => other
                .as_array()
                .and_then(|ids| ids.iter().map(Value::as_i64).collect()),
        }
        .ok_or_else(|| OrmError::Value(format!("bad ids {ids}")))
    };
    let fields = || -> Vec<String> {
        param("fields")
            .and_then(Value::as_array)
            .map(|fields| {
                fields
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let active_test = param("context")
        .and_then(|context| context.get("active_test"))
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let empty_domain = json!([]);
    let domain = param("domain").unwrap_or(&empty_domain);

    if matches!(method, "create" | "write" | "unlink") {
        let data = data.read().unwrap_or_else(PoisonError::into_inner);
        let table = data.table(model)?;
        if !user.can_write {
            return Err(OrmError::Access {
                model: model.to_owned(),
                label: table.def.label.to_owned(),
                operation: match method {
                    "create" => "create",
                    "write" => "modify",
                    _ => "delete",
                },
            });
        }
    }
    match method {
        "context_get" => Ok(json!({"lang": "en_US", "tz": "UTC", "uid": user.uid})),
        "check_access_rights" => {
            let data = data.read().unwrap_or_else(PoisonError::into_inner);
            let table = data.table(model)?;
            let operation = param("operation").and_then(Value::as_str).unwrap_or("read");
            let allowed = operation == "read" || user.can_write;
            if !allowed && param("raise_exception").and_then(Value::as_bool) != Some(false) {
                return Err(OrmError::Access {
                    model: model.to_owned(),
                    label: table.def.label.to_owned(),
                    operation: if operation == "create" {
                        "create"
                    } else {
                        "modify"
                    },
                });
            }
            Ok(json!(allowed))
        }
        "create" => {
            let mut data = data.write().unwrap_or_else(PoisonError::into_inner);
            match param("vals_list").or_else(|| param("vals")) {
                Some(Value::Object(values)) => Ok(json!(data.create(model, values)?)),
                Some(Value::Array(list)) => {
                    let mut ids = Vec::new();
                    for values in list {
                        let values = values
                            .as_object()
                            .ok_or_else(|| OrmError::Value(format!("bad values {values}")))?;
                        ids.push(data.create(model, values)?);
                    }
                    Ok(json!(ids))
                }
                _ => Err(OrmError::Value("create needs values".to_owned())),
            }
        }
        "write" => {
            let values = param("vals")
                .and_then(Value::as_object)
                .ok_or_else(|| OrmError::Value("write needs vals".to_owned()))?;
            let ids = ids()?;
            let mut data = data.write().unwrap_or_else(PoisonError::into_inner);
            data.write(model, &ids, values)?;
            Ok(json!(true))
        }
        "unlink" => {
            let ids = ids()?;
            let mut data = data.write().unwrap_or_else(PoisonError::into_inner);
            data.unlink(model, &ids)?;
            Ok(json!(true))
        }
        _ => {
            let data = data.read().unwrap_or_else(PoisonError::into_inner);
            let table = data.table(model)?;
            let spec = SearchSpec {
                domain,
                order: param("order").and_then(Value::as_str),
                offset: param("offset").and_then(Value::as_u64).unwrap_or(0) as usize,
                limit: param("limit")
                    .and_then(Value::as_u64)
                    .filter(|l| *l > 0)
                    .map(|l| l as usize),
                active_test,
            };
            match method {
                "search" => Ok(json!(search(&data, table, &spec)?)),
                "search_count" => Ok(json!(count(&data, table, domain, active_test)?)),
                "search_read" => {
                    let fields = fields();
                    let records = search(&data, table, &spec)?
                        .into_iter()
                        .filter_map(|id| table.rows.get(id).map(|row| (id, row)))
                        .map(|(id, row)| data.render(table, id, row, &fields).map(Value::Object))
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok(Value::Array(records))
                }
                "read" => {
                    let fields = fields();
                    let mut records = Vec::new();
                    for id in ids()? {
                        let row = table.rows.get(id).ok_or_else(|| {
                            OrmError::User(format!(
                                "Record does not exist or has been deleted.\n(Record: {model}({id},), User: {})",
                                user.uid
                            ))
                        })?;
                        records.push(Value::Object(data.render(table, id, row, &fields)?));
                    }
                    Ok(Value::Array(records))
                }
                "fields_get" => {
                    let attributes: Vec<&str> = param("attributes")
                        .and_then(Value::as_array)
                        .map(|list| list.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    let mut description = Map::new();
                    for field in &table.def.fields {
                        let mut info = Map::new();
                        info.insert("type".into(), json!(field.kind.type_name()));
                        info.insert("string".into(), json!(field_label(field.name)));
                        info.insert(
                            "store".into(),
                            json!(field.kind.is_stored() || field.name == "id"),
                        );
                        info.insert("readonly".into(), json!(!field.kind.is_stored()));
                        if let Some(relation) = field.kind.relation() {
                            info.insert("relation".into(), json!(relation));
                        }
                        if !attributes.is_empty() {
                            info.retain(|key, _| attributes.contains(&key.as_str()));
                        }
                        description.insert(field.name.to_owned(), Value::Object(info));
                    }
                    Ok(Value::Object(description))
                }
                _ => Err(OrmError::NoMethod {
                    model: model.to_owned(),
                    method: method.to_owned(),
                }),
            }
        }
    }
}
