//! Integration tests of the provider layer against the testkit's local servers, which speak
//! the OpenAI and Anthropic wire protocols and reject what the real APIs reject.

mod costs;
mod escalation;
mod failures;
mod protocols;
mod router_table;
mod safety;

use analyst_llm::{
    ChatRequest, CostTier, Message, ProviderConfig, Providers, Route, ToolCall, ToolResult,
    ToolSpec,
};
use serde_json::{Value, json};

pub const KEY: &str = "sk-test-4f9a2c7e1b";

/// The analytics tools of a sales workspace, as the registry would describe them.
pub fn tools() -> Vec<ToolSpec> {
    vec![
        ToolSpec {
            name: "sales_by_dimension".into(),
            description: "Sales measures grouped by dimensions over a period.".into(),
            parameters: json!({"type": "object", "properties": {
                "measures": {"type": "array", "items": {"type": "string"}},
                "dimensions": {"type": "array", "items": {"type": "string"}},
                "brand": {"type": "string"}}, "required": ["measures"]}),
        },
        ToolSpec {
            name: "top_products".into(),
            description: "Best-selling products of a brand.".into(),
            parameters: json!({"type": "object", "properties": {"brand": {"type": "string"},
                "limit": {"type": "integer"}}}),
        },
    ]
}

pub fn request(question: &str) -> ChatRequest {
    ChatRequest {
        system: "You are the analyst of Siam Retail.".into(),
        messages: vec![Message::User(question.into())],
        tools: tools(),
        max_tokens: 512,
    }
}

pub fn providers(configs: Vec<ProviderConfig>) -> Providers {
    Providers::new(configs).expect("valid provider records")
}

/// A route straight to `tier`, as the router gives for a question it cannot parse.
pub fn at(tier: CostTier) -> Route {
    Route {
        tier: Some(tier),
        signals: Vec::new(),
        reasons: vec![format!("test route: {tier}")],
    }
}

/// Sales by brand and top products, with the dictionary's brand check.
pub fn sales_tools(call: &ToolCall) -> ToolResult {
    let brand = call.arguments.get("brand").and_then(Value::as_str);
    if brand.is_some_and(|brand| brand != "Stride" && brand != "Nova") {
        let brand = brand.unwrap_or_default();
        return ToolResult::invalid_arguments(format!(
            "unknown brand '{brand}' — did you mean Stride?"
        ));
    }
    match call.name.as_str() {
        "sales_by_dimension" => ToolResult::ok(
            json!({"rows": [{"brand": "Stride", "revenue": 345678.0}, {"brand": "Nova", "revenue": 120450.5}]})
                .to_string(),
        ),
        "top_products" => ToolResult::ok(
            json!({"rows": [{"product": "Stride Runner 2", "units": 1250, "revenue": 98750.0}]}).to_string(),
        ),
        other => ToolResult::failed(format!("no tool {other}")),
    }
}

/// The messages of the `index`-th request a fake received.
pub fn messages(requests: &[analyst_llm::testkit::ReceivedRequest], index: usize) -> Vec<Value> {
    requests[index].body["messages"]
        .as_array()
        .cloned()
        .expect("messages")
}
