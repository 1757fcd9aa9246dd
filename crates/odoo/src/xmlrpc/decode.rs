//! Reading XML-RPC documents into [`XmlValue`]s: a small element tree first, then the
//! XML-RPC grammar over it, so that every error names what was expected.

use base64::Engine;
use chrono::NaiveDateTime;
use quick_xml::Reader;
use quick_xml::events::Event;

use super::{XmlResponse, XmlValue};

/// One element: its local name, child elements and text (entities resolved).
#[derive(Debug, Default)]
struct Element {
    name: String,
    children: Vec<Element>,
    text: String,
}

impl Element {
    fn child(&self, name: &str) -> Result<&Element, String> {
        self.children
            .iter()
            .find(|child| child.name == name)
            .ok_or_else(|| format!("<{}> has no <{name}>", self.name))
    }

    fn only_child(&self) -> Option<&Element> {
        match self.children.as_slice() {
            [child] => Some(child),
            _ => None,
        }
    }
}

/// Decodes a `<methodResponse>`: its value or its fault.
pub fn decode_response(xml: &str) -> Result<XmlResponse, String> {
    let root = parse(xml)?;
    expect_name(&root, "methodResponse")?;
    if let Ok(fault) = root.child("fault") {
        let value = decode_value(fault.child("value")?)?;
        let XmlValue::Struct(members) = value else {
            return Err("<fault> does not hold a struct".to_owned());
        };
        let member = |name: &str| members.iter().find(|(key, _)| key == name).map(|(_, v)| v);
        let code = match member("faultCode") {
            Some(XmlValue::Int(code)) => *code,
            Some(XmlValue::String(code)) => code.parse().unwrap_or(1),
            _ => return Err("<fault> has no faultCode".to_owned()),
        };
        let message = match member("faultString") {
            Some(XmlValue::String(message)) => message.clone(),
            _ => String::new(),
        };
        return Ok(XmlResponse::Fault { code, message });
    }
    let param = root.child("params")?.child("param")?;
    Ok(XmlResponse::Value(decode_value(param.child("value")?)?))
}

/// Decodes a `<methodCall>`: the method name and its parameters.
pub fn decode_call(xml: &str) -> Result<(String, Vec<XmlValue>), String> {
    let root = parse(xml)?;
    expect_name(&root, "methodCall")?;
    let method = root.child("methodName")?.text.trim().to_owned();
    let params = match root.child("params") {
        Ok(params) => params
            .children
            .iter()
            .map(|param| decode_value(param.child("value")?))
            .collect::<Result<_, _>>()?,
        Err(_) => Vec::new(),
    };
    Ok((method, params))
}

fn expect_name(element: &Element, name: &str) -> Result<(), String> {
    if element.name == name {
        Ok(())
    } else {
        Err(format!("expected <{name}>, found <{}>", element.name))
    }
}

fn decode_value(value: &Element) -> Result<XmlValue, String> {
    let Some(typed) = value.only_child() else {
        if value.children.is_empty() {
            // An untyped <value> is a string, whitespace included.
            return Ok(XmlValue::String(value.text.clone()));
        }
        return Err("<value> holds more than one element".to_owned());
    };
    let text = typed.text.trim();
    match typed.name.as_str() {
        "int" | "i4" | "i8" => text
            .parse()
            .map(XmlValue::Int)
            .map_err(|_| format!("bad integer '{text}'")),
        "double" => text
            .parse()
            .map(XmlValue::Double)
            .map_err(|_| format!("bad double '{text}'")),
        "boolean" => match text {
            "1" => Ok(XmlValue::Bool(true)),
            "0" => Ok(XmlValue::Bool(false)),
            other => Err(format!("bad boolean '{other}'")),
        },
        "string" => Ok(XmlValue::String(typed.text.clone())),
        "nil" => Ok(XmlValue::Nil),
        "dateTime.iso8601" => parse_datetime(text).map(XmlValue::DateTime),
        "base64" => {
            let compact: String = text.split_whitespace().collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact)
                .map(XmlValue::Base64)
                .map_err(|error| format!("bad base64: {error}"))
        }
        "array" => typed
            .child("data")?
            .children
            .iter()
            .map(decode_value)
            .collect::<Result<_, _>>()
            .map(XmlValue::Array),
        "struct" => typed
            .children
            .iter()
            .map(|member| {
                let name = member.child("name")?.text.clone();
                Ok((name, decode_value(member.child("value")?)?))
            })
            .collect::<Result<_, String>>()
            .map(XmlValue::Struct),
        other => Err(format!("unknown XML-RPC type <{other}>")),
    }
}

/// `20261125T17:46:49` (Python's form) or `2026-11-25T17:46:49`.
fn parse_datetime(text: &str) -> Result<NaiveDateTime, String> {
    NaiveDateTime::parse_from_str(text, "%Y%m%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| format!("bad dateTime.iso8601 '{text}'"))
}

/// Reads the document into its root element.
fn parse(xml: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Element> = Vec::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|error| format!("not XML: {error}"))?;
        match event {
            Event::Start(start) => stack.push(Element {
                name: start.local_name().as_ref().to_owned(),
                ..Element::default()
            }),
            Event::Empty(empty) => {
                let element = Element {
                    name: empty.local_name().as_ref().to_owned(),
                    ..Element::default()
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => return Ok(element),
                }
            }
            Event::End(_) => {
                let element = stack.pop().ok_or("unbalanced end tag")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => return Ok(element),
                }
            }
            Event::Text(text) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&text.xml10_content());
                }
            }
            Event::CData(data) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&data.into_inner());
                }
            }
            Event::GeneralRef(reference) => {
                let character = match reference
                    .resolve_char_ref()
                    .map_err(|error| format!("bad character reference: {error}"))?
                {
                    Some(character) => character,
                    None => match reference.as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(format!("unknown entity &{other};")),
                    },
                };
                if let Some(current) = stack.last_mut() {
                    current.text.push(character);
                }
            }
            Event::Eof => return Err("the document ends before its root element".to_owned()),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
}
