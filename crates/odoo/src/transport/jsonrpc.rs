//! JSON-RPC on `POST /jsonrpc` (Odoo 16-18): the `{"jsonrpc":"2.0","method":"call",…}`
//! envelope, errors always with HTTP 200 and the exception in `error.data`.

use serde_json::{Value, json};

use super::{Http, snippet, unexpected_status};
use crate::error::{CallSite, Fault, OdooError};

/// Calls `service.method(args)` and returns the `result`, or the mapped error.
pub(crate) fn call(
    http: &Http,
    service: &str,
    method: &str,
    args: Vec<Value>,
    site: &CallSite<'_>,
) -> Result<Value, OdooError> {
    let body = json!({
        "jsonrpc": "2.0",
        "method": "call",
        "id": http.next_id(),
        "params": {"service": service, "method": method, "args": args},
    });
    let reply = http.post(
        "/jsonrpc",
        "application/json",
        &body.to_string(),
        &[],
        site.may_retry(),
    )?;
    if reply.status != 200 {
        return Err(unexpected_status(&reply));
    }
    let mut envelope: Value = serde_json::from_str(&reply.body).map_err(|error| {
        OdooError::Protocol(format!(
            "JSON-RPC reply is not JSON ({error}): {}",
            snippet(&reply.body)
        ))
    })?;
    if let Some(error) = envelope.get("error") {
        let text = |pointer: &str| error.pointer(pointer).and_then(Value::as_str);
        let name = text("/data/name").unwrap_or("unknown").to_owned();
        let message = text("/data/message")
            .or_else(|| text("/message"))
            .unwrap_or_default()
            .to_owned();
        return Err(Fault::Named { name, message }.into_error(site));
    }
    envelope.get_mut("result").map(Value::take).ok_or_else(|| {
        OdooError::Protocol(format!(
            "JSON-RPC reply has neither result nor error: {}",
            snippet(&reply.body)
        ))
    })
}
