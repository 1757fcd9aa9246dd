//! Writing XML-RPC documents: `<methodCall>`, `<methodResponse>` with params or a fault.

use std::fmt::Write;

use base64::Engine;
use quick_xml::escape::escape;

use super::XmlValue;

/// `<methodCall>` of `method` with `params`.
pub fn encode_call(method: &str, params: &[XmlValue]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\"?>\n<methodCall><methodName>");
    xml.push_str(&escape(method));
    xml.push_str("</methodName><params>");
    for param in params {
        xml.push_str("<param>");
        write_value(&mut xml, param);
        xml.push_str("</param>");
    }
    xml.push_str("</params></methodCall>\n");
    xml
}

/// `<methodResponse>` carrying one value.
pub fn encode_response(value: &XmlValue) -> String {
    let mut xml = String::from("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n");
    write_value(&mut xml, value);
    xml.push_str("\n</param>\n</params>\n</methodResponse>\n");
    xml
}

/// `<methodResponse>` carrying a fault, as Python's `xmlrpc.client.dumps` writes it.
pub fn encode_fault(code: i64, message: &str) -> String {
    let mut xml = String::from("<?xml version='1.0'?>\n<methodResponse>\n<fault>\n");
    write_value(
        &mut xml,
        &XmlValue::Struct(vec![
            ("faultCode".to_owned(), XmlValue::Int(code)),
            (
                "faultString".to_owned(),
                XmlValue::String(message.to_owned()),
            ),
        ]),
    );
    xml.push_str("\n</fault>\n</methodResponse>\n");
    xml
}

fn write_value(xml: &mut String, value: &XmlValue) {
    xml.push_str("<value>");
    match value {
        XmlValue::Int(int) => {
            let _ = write!(xml, "<int>{int}</int>");
        }
        XmlValue::Double(double) => {
            let _ = write!(xml, "<double>{double:?}</double>");
        }
        XmlValue::Bool(flag) => {
            let _ = write!(xml, "<boolean>{}</boolean>", u8::from(*flag));
        }
        XmlValue::String(text) => {
            xml.push_str("<string>");
            xml.push_str(&escape(text.as_str()));
            xml.push_str("</string>");
        }
        XmlValue::Array(items) => {
            xml.push_str("<array><data>\n");
            for item in items {
                write_value(xml, item);
                xml.push('\n');
            }
            xml.push_str("</data></array>");
        }
        XmlValue::Struct(members) => {
            xml.push_str("<struct>\n");
            for (name, member) in members {
                xml.push_str("<member>\n<name>");
                xml.push_str(&escape(name.as_str()));
                xml.push_str("</name>\n");
                write_value(xml, member);
                xml.push_str("\n</member>\n");
            }
            xml.push_str("</struct>");
        }
        XmlValue::Nil => xml.push_str("<nil/>"),
        XmlValue::DateTime(at) => {
            let _ = write!(
                xml,
                "<dateTime.iso8601>{}</dateTime.iso8601>",
                at.format("%Y%m%dT%H:%M:%S")
            );
        }
        XmlValue::Base64(bytes) => {
            xml.push_str("<base64>");
            xml.push_str(&base64::engine::general_purpose::STANDARD.encode(bytes));
            xml.push_str("</base64>");
        }
    }
    xml.push_str("</value>");
}
