//! The JSON-2 API of Odoo 19+: `POST /json/2/<model>/<method>` with a bearer key, parameters
//! by name, the result as plain JSON and errors as HTTP statuses with a JSON body
//! `{"name", "message", …}`.

use serde_json::Value;

use super::{Http, Reply, snippet};
use crate::call::Call;
use crate::error::{CallSite, OdooError, operation_of};
use crate::version::ServerVersion;

/// Calls the method and returns its result, or the error its status means.
pub(crate) fn call(
    http: &Http,
    api_key: &str,
    call: &Call,
    site: &CallSite<'_>,
) -> Result<Value, OdooError> {
    let path = format!("/json/2/{}/{}", call.model, call.method);
    let authorization = format!("bearer {api_key}");
    let body = Value::Object(call.named()).to_string();
    let reply = http.post(
        &path,
        "application/json",
        &body,
        &[
            ("Authorization", authorization.as_str()),
            ("X-Odoo-Database", site.database),
        ],
        site.may_retry(),
    )?;
    if reply.status == 200 {
        return parse(&reply);
    }
    let error = parse(&reply).unwrap_or(Value::Null);
    let text = |key: &str| error.get(key).and_then(Value::as_str).unwrap_or_default();
    let message = if text("message").is_empty() {
        snippet(&reply.body)
    } else {
        text("message").to_owned()
    };
    Err(match reply.status {
        401 => OdooError::BadCredentials {
            login: site.login.to_owned(),
            database: site.database.to_owned(),
        },
        403 => OdooError::AccessDenied {
            model: site.model.to_owned(),
            operation: operation_of(site.method).to_owned(),
            message,
        },
        404 if message.contains("model") && !message.contains("method") => {
            OdooError::MissingModel {
                model: site.model.to_owned(),
            }
        }
        status => OdooError::Server {
            status,
            code: if text("name").is_empty() {
                format!("HTTP {status}")
            } else {
                text("name").to_owned()
            },
            message,
        },
    })
}

/// `GET /web/version`, which answers without a key on Odoo 19+.
pub(crate) fn version(http: &Http) -> Result<ServerVersion, OdooError> {
    let reply = http.get("/web/version")?;
    if reply.status != 200 {
        return Err(super::unexpected_status(&reply));
    }
    ServerVersion::from_web(&parse(&reply)?)
}

fn parse(reply: &Reply) -> Result<Value, OdooError> {
    serde_json::from_str(&reply.body).map_err(|error| {
        OdooError::Protocol(format!(
            "JSON-2 reply is not JSON ({error}): {}",
            snippet(&reply.body)
        ))
    })
}
