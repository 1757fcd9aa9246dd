//! The fake's HTTP surface, speaking each protocol as a real Odoo does: JSON-RPC envelopes
//! with errors under HTTP 200, XML-RPC faults with Odoo's codes, JSON-2 errors as HTTP
//! statuses; and the planned faults applied in front of them.

use std::sync::{Arc, PoisonError, RwLock};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::faults::{Controls, Fault, LoggedRequest};
use super::orm::{OrmError, User, execute, parameter_names};
use super::records::Dataset;
use crate::xmlrpc::{XmlValue, decode_call, encode_fault, encode_response};

/// Everything the handlers share.
pub(crate) struct Shared {
    pub data: RwLock<Dataset>,
    pub users: RwLock<Vec<User>>,
    pub controls: Controls,
    pub major_version: u32,
}

/// The routes of the configured version: JSON-2 and `/web/version` from Odoo 19 on.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let mut router = Router::new()
        .route("/jsonrpc", post(jsonrpc))
        .route("/xmlrpc/2/{service}", post(xmlrpc));
    if shared.major_version >= 19 {
        router = router
            .route("/json/2/{model}/{method}", post(json2))
            .route("/web/version", get(web_version));
    }
    router.with_state(shared)
}

/// A model method call, with parameters by name.
struct ModelCall {
    model: String,
    method: String,
    params: Map<String, Value>,
}

impl Shared {
    fn version_info(&self) -> Value {
        json!([self.major_version, 0, 0, "final", 0, ""])
    }

    /// The user with this secret (and login or uid, when given); JSON-2 takes API keys only,
    /// JSON-RPC and XML-RPC a password too.
    fn user_by_secret(
        &self,
        login: Option<&str>,
        uid: Option<i64>,
        secret: &str,
        api_key_only: bool,
    ) -> Option<User> {
        self.users
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find(|user| {
                user.accepts(secret, api_key_only)
                    && login.is_none_or(|login| user.login == login)
                    && uid.is_none_or(|uid| user.uid == uid)
            })
            .cloned()
    }

    /// The planned fault for this request, logged with what it asked for: `Err` is the reply
    /// given in place of serving it; `Ok(true)` serves it and then loses the reply.
    async fn admit(
        &self,
        protocol: &'static str,
        service_method: &str,
        call: Option<&ModelCall>,
        body: &[u8],
    ) -> Result<bool, Response> {
        let fault = self
            .controls
            .next_fault(call.map(|call| call.method.as_str()));
        let param = |name: &str| call.and_then(|call| call.params.get(name));
        self.controls.record(LoggedRequest {
            protocol,
            service_method: service_method.to_owned(),
            model: call.map(|call| call.model.clone()),
            method: call.map(|call| call.method.clone()),
            domain: param("domain").cloned(),
            offset: param("offset").and_then(Value::as_u64),
            limit: param("limit").and_then(Value::as_u64),
            fault,
        });
        let Some(fault) = fault else {
            return Ok(false);
        };
        match fault {
            Fault::ServerError => Err(
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>\n",
                )
                    .into_response(),
            ),
            Fault::Malformed => Err(
                (
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "text/html")],
                    format!(
                        "<html><body><h1>Bad Gateway</h1><p>upstream sent an invalid reply to: {}</p></body></html>",
                        String::from_utf8_lossy(body)
                    ),
                )
                    .into_response(),
            ),
            Fault::Slow(delay) => {
                tokio::time::sleep(delay).await;
                Ok(false)
            }
            Fault::LostReply => Ok(true),
        }
    }

    /// `common` and `object` services, shared by JSON-RPC and XML-RPC.
    fn dispatch(
        &self,
        service: &str,
        method: &str,
        args: &[Value],
        call: Option<&ModelCall>,
    ) -> Result<Value, OrmError> {
        let text = |index: usize| args.get(index).and_then(Value::as_str).unwrap_or_default();
        match (service, method, call) {
            ("common", "version", _) => Ok(json!({
                "server_version": format!("{}.0", self.major_version),
                "server_version_info": self.version_info(),
                "server_serie": format!("{}.0", self.major_version),
                "protocol_version": 1,
            })),
            ("common", "login" | "authenticate", _) => Ok(self
                .user_by_secret(Some(text(1)), None, text(2), false)
                .map_or(json!(false), |user| json!(user.uid))),
            ("object", "execute_kw", Some(call)) => {
                let uid = args.get(1).and_then(Value::as_i64);
                let user = self
                    .user_by_secret(None, uid, text(2), false)
                    .ok_or(OrmError::AccessDenied)?;
                execute(&self.data, &user, &call.model, &call.method, &call.params)
            }
            _ => Err(OrmError::NoMethod {
                model: service.to_owned(),
                method: method.to_owned(),
            }),
        }
    }
}

/// `execute_kw(db, uid, secret, model, method, args, kwargs)` as a call by name.
fn model_call(method: &str, args: &[Value]) -> Option<ModelCall> {
    if method != "execute_kw" {
        return None;
    }
    let model = args.get(3)?.as_str()?.to_owned();
    let method = args.get(4)?.as_str()?.to_owned();
    let mut params = Map::new();
    let positional = args
        .get(5)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (name, value) in parameter_names(&method).iter().zip(positional) {
        params.insert((*name).to_owned(), value);
    }
    if let Some(Value::Object(kwargs)) = args.get(6) {
        params.extend(kwargs.clone());
    }
    Some(ModelCall {
        model,
        method,
        params,
    })
}

fn traceback(error: &OrmError) -> String {
    format!(
        "Traceback (most recent call last):\n  File \"/opt/odoo/odoo/service/model.py\", line 133, in retrying\n    result = func()\n{}: {}\n",
        error.class().rsplit('.').next().unwrap_or_default(),
        error.message()
    )
}

async fn jsonrpc(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let _in_flight = shared.controls.enter();
    let Ok(envelope) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "Invalid JSON data").into_response();
    };
    let id = envelope.get("id").cloned().unwrap_or(Value::Null);
    let params = envelope.get("params").cloned().unwrap_or(Value::Null);
    let service = params
        .get("service")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let method = params
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let args = params
        .get("args")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let call = model_call(method, &args);
    let lose_reply = match shared.admit("jsonrpc", method, call.as_ref(), &body).await {
        Ok(lose_reply) => lose_reply,
        Err(response) => return response,
    };
    let reply = match shared.dispatch(service, method, &args, call.as_ref()) {
        Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
        Err(error) => json!({"jsonrpc": "2.0", "id": id, "error": {
            "code": 200,
            "message": "Odoo Server Error",
            "data": {
                "name": error.class(),
                "debug": traceback(&error),
                "message": error.message(),
                "arguments": [error.message()],
                "context": {},
            },
        }}),
    };
    unless_lost(lose_reply, axum::Json(reply).into_response())
}

/// `reply`, or the 504 a proxy gives when the reply is lost.
fn unless_lost(lose_reply: bool, reply: Response) -> Response {
    if !lose_reply {
        return reply;
    }
    (
        StatusCode::GATEWAY_TIMEOUT,
        [(header::CONTENT_TYPE, "text/html")],
        "<html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway Time-out</h1></center><hr><center>nginx</center></body></html>",
    )
        .into_response()
}

async fn xmlrpc(
    State(shared): State<Arc<Shared>>,
    Path(service): Path<String>,
    body: Bytes,
) -> Response {
    let _in_flight = shared.controls.enter();
    let xml = |text: String| ([(header::CONTENT_TYPE, "text/xml")], text).into_response();
    let Ok((method, params)) = decode_call(&String::from_utf8_lossy(&body)) else {
        return xml(encode_fault(
            1,
            "Traceback (most recent call last):\nxml.parsers.expat.ExpatError: not well-formed",
        ));
    };
    let args: Vec<Value> = params.into_iter().map(XmlValue::into_json).collect();
    let call = model_call(&method, &args);
    let lose_reply = match shared.admit("xmlrpc", &method, call.as_ref(), &body).await {
        Ok(lose_reply) => lose_reply,
        Err(response) => return response,
    };
    let reply = match shared.dispatch(&service, &method, &args, call.as_ref()) {
        Ok(result) => xml(encode_response(&XmlValue::from_json(&result))),
        Err(error) => {
            let (code, text) = match &error {
                OrmError::AccessDenied => (3, error.message()),
                OrmError::Access { .. } => (4, error.message()),
                OrmError::MissingModel(_) | OrmError::User(_) | OrmError::Validation(_) => {
                    (2, error.message())
                }
                OrmError::Value(_) | OrmError::NoMethod { .. } => (1, traceback(&error)),
            };
            xml(encode_fault(code, &text))
        }
    };
    unless_lost(lose_reply, reply)
}

async fn json2(
    State(shared): State<Arc<Shared>>,
    Path((model, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let _in_flight = shared.controls.enter();
    let params = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(params)) => params,
        _ => Map::new(),
    };
    let call = ModelCall {
        model,
        method,
        params,
    };
    let lose_reply = match shared.admit("json2", "call", Some(&call), &body).await {
        Ok(lose_reply) => lose_reply,
        Err(response) => return response,
    };
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, key)| key.trim().to_owned());
    let user = key.and_then(|key| shared.user_by_secret(None, None, &key, true));
    let result = match user {
        Some(user) => execute(&shared.data, &user, &call.model, &call.method, &call.params),
        None => Err(OrmError::AccessDenied),
    };
    let reply = match result {
        Ok(value) => axum::Json(value).into_response(),
        Err(error) => {
            let (status, name, message) = match &error {
                OrmError::AccessDenied => (
                    StatusCode::UNAUTHORIZED,
                    "werkzeug.exceptions.Unauthorized",
                    "Invalid apikey".to_owned(),
                ),
                OrmError::Access { .. } => (StatusCode::FORBIDDEN, error.class(), error.message()),
                OrmError::MissingModel(model) => (
                    StatusCode::NOT_FOUND,
                    "werkzeug.exceptions.NotFound",
                    format!("404 Not Found: the model '{model}' does not exist"),
                ),
                OrmError::NoMethod { model, method } => (
                    StatusCode::NOT_FOUND,
                    "werkzeug.exceptions.NotFound",
                    format!("404 Not Found: the method '{method}' does not exist on {model}"),
                ),
                OrmError::User(_) | OrmError::Validation(_) | OrmError::Value(_) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    error.class(),
                    error.message(),
                ),
            };
            let body = json!({"name": name, "message": message, "arguments": [message], "context": {}, "debug": traceback(&error)});
            (status, axum::Json(body)).into_response()
        }
    };
    unless_lost(lose_reply, reply)
}

async fn web_version(State(shared): State<Arc<Shared>>) -> Response {
    let _in_flight = shared.controls.enter();
    axum::Json(json!({
        "version_info": shared.version_info(),
        "version": format!("{}.0", shared.major_version),
    }))
    .into_response()
}
