//! A multi-step question that needs two tool calls, over each provider's wire protocol.

use analyst_llm::testkit::{FakeAnthropic, FakeOpenAi, Step};
use analyst_llm::{Capability, CostTier, DATA_RULE, ToolCall, run, unmatched_figures};
use serde_json::json;

use crate::{KEY, at, messages, providers, request, sales_tools};

const QUESTION: &str = "Which brand sold most last month, and what are its best products?";
const ANSWER: &str =
    "Stride led with ฿345,678 (Nova ฿120,450.5); Stride Runner 2 sold 1,250 units.";

#[test]
fn openai_two_tool_calls_then_an_answer() {
    let fake = FakeOpenAi::start(KEY);
    fake.script([
        Step::tool_call(
            "sales_by_dimension",
            json!({"measures": ["revenue"], "dimensions": ["brand"]}),
        ),
        Step::tool_call("top_products", json!({"brand": "Stride", "limit": 3})),
        Step::text(ANSWER),
    ]);
    let providers = providers(vec![fake.config("openai", CostTier::Cheap)]);
    let mut executed: Vec<ToolCall> = Vec::new();
    let outcome = run(
        &providers,
        &at(CostTier::Cheap),
        Capability::Analytics,
        request(QUESTION),
        &mut |call| {
            executed.push(call.clone());
            sales_tools(call)
        },
    )
    .expect("an answer");

    assert_eq!(outcome.text, ANSWER);
    assert_eq!(
        (outcome.provider.as_str(), outcome.model.as_str()),
        ("openai", "openai-model")
    );
    let names: Vec<&str> = executed.iter().map(|call| call.name.as_str()).collect();
    assert_eq!(names, ["sales_by_dimension", "top_products"]);
    assert_eq!(
        executed[1].arguments,
        json!({"brand": "Stride", "limit": 3})
    );
    assert_eq!(outcome.calls.len(), 2);
    assert_eq!(outcome.usage().input, 300);

    let requests = fake.requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests.iter().all(|received| received.rejection.is_none()),
        "{requests:?}"
    );
    assert_eq!(
        requests[0].headers.get("authorization").map(String::as_str),
        Some("***")
    );
    let first = &requests[0].body;
    assert_eq!(first["model"], "openai-model");
    assert_eq!(first["max_tokens"], 512);
    assert_eq!(first["tools"][0]["type"], "function");
    assert_eq!(first["tools"][0]["function"]["name"], "sales_by_dimension");
    assert!(
        first["messages"][0]["content"]
            .as_str()
            .expect("system")
            .contains(DATA_RULE)
    );

    // The third request replays both rounds: assistant calls (arguments as strings) and results.
    let third = messages(&requests, 2);
    let roles: Vec<&str> = third
        .iter()
        .map(|message| message["role"].as_str().expect("role"))
        .collect();
    assert_eq!(
        roles,
        ["system", "user", "assistant", "tool", "assistant", "tool"]
    );
    let call = &third[4]["tool_calls"][0];
    assert_eq!(
        call["function"]["arguments"],
        r#"{"brand":"Stride","limit":3}"#
    );
    assert_eq!(third[5]["tool_call_id"], call["id"]);
    let result = third[5]["content"].as_str().expect("tool content");
    assert!(
        result.starts_with("<tool_data tool=\"top_products\""),
        "{result}"
    );
    assert!(result.contains("Stride Runner 2"));

    let results: Vec<&str> = outcome
        .calls
        .iter()
        .map(|call| call.result.content.as_str())
        .collect();
    assert_eq!(
        unmatched_figures(&outcome.text, results),
        Vec::<String>::new()
    );
}

#[test]
fn anthropic_two_tool_calls_then_an_answer() {
    let fake = FakeAnthropic::start(KEY);
    fake.script([
        Step::tool_call(
            "sales_by_dimension",
            json!({"measures": ["revenue"], "dimensions": ["brand"]}),
        ),
        Step::tool_call("top_products", json!({"brand": "Stride"})),
        Step::text(ANSWER),
    ]);
    let providers = providers(vec![fake.config("claude", CostTier::Standard)]);
    let outcome = run(
        &providers,
        &at(CostTier::Standard),
        Capability::Analytics,
        request(QUESTION),
        &mut sales_tools,
    )
    .expect("an answer");

    assert_eq!(outcome.text, ANSWER);
    assert_eq!(outcome.calls.len(), 2);
    let requests = fake.requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests.iter().all(|received| received.rejection.is_none()),
        "{requests:?}"
    );
    assert_eq!(
        requests[0].headers.get("x-api-key").map(String::as_str),
        Some("***")
    );
    assert_eq!(
        requests[0]
            .headers
            .get("anthropic-version")
            .map(String::as_str),
        Some("2023-06-01")
    );
    let first = &requests[0].body;
    assert_eq!(first["max_tokens"], 512);
    assert!(
        first["system"]
            .as_str()
            .expect("system")
            .contains(DATA_RULE)
    );
    assert_eq!(first["tools"][1]["input_schema"]["type"], "object");

    let third = messages(&requests, 2);
    let roles: Vec<&str> = third
        .iter()
        .map(|message| message["role"].as_str().expect("role"))
        .collect();
    assert_eq!(roles, ["user", "assistant", "user", "assistant", "user"]);
    let tool_use = &third[3]["content"][0];
    assert_eq!(
        (tool_use["type"].as_str(), tool_use["input"].clone()),
        (Some("tool_use"), json!({"brand": "Stride"}))
    );
    let tool_result = &third[4]["content"][0];
    assert_eq!(tool_result["type"], "tool_result");
    assert_eq!(tool_result["tool_use_id"], tool_use["id"]);
    assert_eq!(tool_result["is_error"], false);
    assert!(
        tool_result["content"]
            .as_str()
            .expect("content")
            .contains("<tool_data tool=\"top_products\"")
    );
}
