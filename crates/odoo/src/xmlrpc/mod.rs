//! XML-RPC as Odoo 16-18 speaks it on `/xmlrpc/2/…`: the value model, the encoding of calls
//! and responses, and their decoding (including `<fault>`), on `quick-xml`.

mod decode;
mod encode;

pub use decode::{decode_call, decode_response};
pub use encode::{encode_call, encode_fault, encode_response};

use base64::Engine;
use chrono::NaiveDateTime;
use serde_json::{Map, Number, Value};

/// One XML-RPC value.
#[derive(Clone, Debug, PartialEq)]
pub enum XmlValue {
    /// `<int>` / `<i4>` (and `<i8>` on decoding).
    Int(i64),
    /// `<double>`.
    Double(f64),
    /// `<boolean>`.
    Bool(bool),
    /// `<string>` or an untyped `<value>`.
    String(String),
    /// `<array>`.
    Array(Vec<XmlValue>),
    /// `<struct>`, members in document order.
    Struct(Vec<(String, XmlValue)>),
    /// `<nil/>` (Odoo's server allows None).
    Nil,
    /// `<dateTime.iso8601>`.
    DateTime(NaiveDateTime),
    /// `<base64>`, decoded.
    Base64(Vec<u8>),
}

/// A decoded `<methodResponse>`: the value, or the fault Odoo raised.
#[derive(Clone, Debug, PartialEq)]
pub enum XmlResponse {
    Value(XmlValue),
    Fault { code: i64, message: String },
}

impl XmlValue {
    /// The value as JSON, the client's common currency: dates become Odoo's
    /// `"YYYY-MM-DD HH:MM:SS"` strings, binary data its base64 text, nil `null`.
    pub fn into_json(self) -> Value {
        match self {
            Self::Int(value) => Value::from(value),
            Self::Double(value) => Number::from_f64(value).map_or(Value::Null, Value::Number),
            Self::Bool(value) => Value::Bool(value),
            Self::String(value) => Value::String(value),
            Self::Array(items) => Value::Array(items.into_iter().map(Self::into_json).collect()),
            Self::Struct(members) => Value::Object(
                members
                    .into_iter()
                    .map(|(name, value)| (name, value.into_json()))
                    .collect::<Map<_, _>>(),
            ),
            Self::Nil => Value::Null,
            Self::DateTime(at) => Value::String(at.format("%Y-%m-%d %H:%M:%S").to_string()),
            Self::Base64(bytes) => {
                Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
            }
        }
    }

    /// A JSON value as XML-RPC: integral numbers become `<int>`, others `<double>`.
    pub fn from_json(value: &Value) -> Self {
        match value {
            Value::Null => Self::Nil,
            Value::Bool(value) => Self::Bool(*value),
            Value::Number(number) => match number.as_i64() {
                Some(int) => Self::Int(int),
                None => Self::Double(number.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(text) => Self::String(text.clone()),
            Value::Array(items) => Self::Array(items.iter().map(Self::from_json).collect()),
            Value::Object(members) => Self::Struct(
                members
                    .iter()
                    .map(|(name, value)| (name.clone(), Self::from_json(value)))
                    .collect(),
            ),
        }
    }
}
