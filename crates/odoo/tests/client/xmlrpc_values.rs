//! XML-RPC values: every type through encoding and decoding, as Python's `xmlrpc.client`
//! writes them, and faults.

use analyst_odoo::xmlrpc::{
    XmlResponse, XmlValue, decode_call, decode_response, encode_call, encode_fault, encode_response,
};
use chrono::NaiveDate;
use serde_json::json;

fn every_type() -> XmlValue {
    let at = NaiveDate::from_ymd_opt(2026, 11, 25)
        .and_then(|d| d.and_hms_opt(17, 46, 49))
        .expect("date");
    XmlValue::Struct(vec![
        ("int".into(), XmlValue::Int(-42)),
        ("big".into(), XmlValue::Int(3_000_000_000)),
        ("double".into(), XmlValue::Double(1234.5)),
        ("whole_double".into(), XmlValue::Double(100.0)),
        ("true".into(), XmlValue::Bool(true)),
        ("false".into(), XmlValue::Bool(false)),
        (
            "text".into(),
            XmlValue::String("Crème & <Brûlée> \"A\" 'B' ฿".into()),
        ),
        ("empty".into(), XmlValue::String(String::new())),
        ("nil".into(), XmlValue::Nil),
        ("when".into(), XmlValue::DateTime(at)),
        ("bytes".into(), XmlValue::Base64(vec![0, 1, 2, 254, 255])),
        (
            "list".into(),
            XmlValue::Array(vec![
                XmlValue::Int(1),
                XmlValue::Array(vec![]),
                XmlValue::Struct(vec![]),
            ]),
        ),
    ])
}

#[test]
fn every_value_type_survives_a_response_and_a_call() {
    let value = every_type();
    assert_eq!(
        decode_response(&encode_response(&value)).expect("decode"),
        XmlResponse::Value(value.clone())
    );
    let (method, params) =
        decode_call(&encode_call("execute_kw", &[value.clone(), XmlValue::Nil])).expect("call");
    assert_eq!(
        (method.as_str(), params),
        ("execute_kw", vec![value, XmlValue::Nil])
    );
}

#[test]
fn reads_python_xmlrpc_output() {
    // As Odoo's server (Python's xmlrpc.client.dumps) writes a response.
    let xml = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n\
        <value><struct>\n<member>\n<name>id</name>\n<value><int>7</int></value>\n</member>\n\
        <member>\n<name>partner_id</name>\n<value><array><data>\n<value><i4>11</i4></value>\n\
        <value><string>Gemini &amp; Co</string></value>\n</data></array></value>\n</member>\n\
        <member>\n<name>note</name>\n<value>untyped &#233;t&#xE9;</value>\n</member>\n\
        <member>\n<name>date</name>\n<value><dateTime.iso8601>20261125T17:46:49</dateTime.iso8601></value>\n</member>\n\
        <member>\n<name>blob</name>\n<value><base64>\nAAEC/v8=\n</base64></value>\n</member>\n\
        <member>\n<name>amount</name>\n<value><double>23963.0</double></value>\n</member>\n\
        <member>\n<name>active</name>\n<value><boolean>0</boolean></value>\n</member>\n\
        <member>\n<name>nothing</name>\n<value><nil/></value>\n</member>\n\
        </struct></value>\n</data></array></value>\n</param>\n</params>\n</methodResponse>\n";
    let XmlResponse::Value(value) = decode_response(xml).expect("decode") else {
        panic!("a value")
    };
    assert_eq!(
        value.into_json(),
        json!([{"id": 7, "partner_id": [11, "Gemini & Co"], "note": "untyped été",
                "date": "2026-11-25 17:46:49", "blob": "AAEC/v8=", "amount": 23963.0,
                "active": false, "nothing": null}])
    );
}

#[test]
fn faults_carry_code_and_string() {
    let xml = encode_fault(3, "Access Denied");
    assert!(
        xml.contains("<name>faultCode</name>") && xml.contains("<int>3</int>"),
        "{xml}"
    );
    assert_eq!(
        decode_response(&xml).expect("decode"),
        XmlResponse::Fault {
            code: 3,
            message: "Access Denied".into()
        }
    );
}

#[test]
fn json_maps_onto_xml_rpc_types() {
    let value = XmlValue::from_json(&json!({"n": 1, "x": 1.5, "b": true, "s": "a", "l": [null]}));
    assert_eq!(
        value,
        XmlValue::Struct(vec![
            ("b".into(), XmlValue::Bool(true)),
            ("l".into(), XmlValue::Array(vec![XmlValue::Nil])),
            ("n".into(), XmlValue::Int(1)),
            ("s".into(), XmlValue::String("a".into())),
            ("x".into(), XmlValue::Double(1.5)),
        ])
    );
}

#[test]
fn malformed_documents_are_errors() {
    for xml in [
        "<html><body>Bad Gateway</body></html>",
        "<methodResponse><params><param><value><int>x</int></value></param></params></methodResponse>",
        "<methodResponse><params><param><value><int>1</int></value>",
        "<methodResponse><params><param><value><blob>1</blob></value></param></params></methodResponse>",
        "",
    ] {
        assert!(decode_response(xml).is_err(), "{xml}");
    }
}
