//! XML-RPC on `POST /xmlrpc/2/common` and `/xmlrpc/2/object` (Odoo 16-18): faults with
//! Odoo's integer codes, always with HTTP 200.

use serde_json::Value;

use super::{Http, snippet, unexpected_status};
use crate::error::{CallSite, Fault, OdooError};
use crate::xmlrpc::{XmlResponse, XmlValue, decode_response, encode_call};

/// Calls `method(params)` on `/xmlrpc/2/<endpoint>` and returns the value as JSON.
pub(crate) fn call(
    http: &Http,
    endpoint: &str,
    method: &str,
    params: &[Value],
    site: &CallSite<'_>,
) -> Result<Value, OdooError> {
    let params: Vec<XmlValue> = params.iter().map(XmlValue::from_json).collect();
    let body = encode_call(method, &params);
    let reply = http.post(
        &format!("/xmlrpc/2/{endpoint}"),
        "text/xml",
        &body,
        &[],
        site.may_retry(),
    )?;
    if reply.status != 200 {
        return Err(unexpected_status(&reply));
    }
    match decode_response(&reply.body) {
        Ok(XmlResponse::Value(value)) => Ok(value.into_json()),
        Ok(XmlResponse::Fault { code, message }) => {
            Err(Fault::Coded { code, message }.into_error(site))
        }
        Err(error) => Err(OdooError::Protocol(format!(
            "XML-RPC reply not understood ({error}): {}",
            snippet(&reply.body)
        ))),
    }
}
