//! Escalation to the next tier (doc 08) and its limits: an unknown tool, invalid parameters,
//! too many tool calls, an empty or confused reply, most tool calls failing; no tier above;
//! the tool-round limit.

use analyst_llm::testkit::{FakeOpenAi, Step};
use analyst_llm::{
    AttemptEnd, Capability, CostTier, Escalation, LlmError, MAX_TOOL_ROUNDS, Providers, ToolResult,
    run,
};
use serde_json::json;

use crate::{KEY, at, providers, request, sales_tools};

/// One fake serving a cheap and a standard provider (told apart by their models).
fn two_tiers(fake: &FakeOpenAi) -> Providers {
    providers(vec![
        fake.config("cheap", CostTier::Cheap),
        fake.config("standard", CostTier::Standard),
    ])
}

fn models(fake: &FakeOpenAi) -> Vec<String> {
    fake.requests()
        .iter()
        .map(|received| received.body["model"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// Runs a cheap-tier question whose cheap reply is `cheap`; the standard provider then answers.
fn escalated_by(cheap: Vec<Step>) -> (analyst_llm::Outcome, FakeOpenAi) {
    let fake = FakeOpenAi::start(KEY);
    fake.script(cheap);
    fake.script([Step::text("Stride sold ฿345,678.")]);
    let outcome = run(
        &two_tiers(&fake),
        &at(CostTier::Cheap),
        Capability::Analytics,
        request("revenue by brand"),
        &mut |call| {
            if call.name == "sales_by_dimension" && call.arguments.get("fail").is_some() {
                return ToolResult::failed("the store is busy");
            }
            sales_tools(call)
        },
    )
    .expect("an answer");
    assert_eq!(fake.unused_steps(), 0);
    (outcome, fake)
}

fn escalation(outcome: &analyst_llm::Outcome) -> Escalation {
    assert_eq!(
        (outcome.provider.as_str(), outcome.tier),
        ("standard", CostTier::Standard)
    );
    assert_eq!(outcome.attempts.len(), 2);
    assert_eq!(outcome.attempts[1].end, AttemptEnd::Answered);
    assert!(
        outcome
            .route
            .reasons
            .iter()
            .any(|reason| reason.contains("escalated to standard (standard)"))
    );
    match &outcome.attempts[0].end {
        AttemptEnd::Escalated(escalation) => escalation.clone(),
        other => panic!("the cheap attempt was not escalated: {other:?}"),
    }
}

#[test]
fn an_unknown_tool_escalates() {
    let (outcome, fake) = escalated_by(vec![Step::tool_call("drop_table", json!({}))]);
    assert_eq!(
        escalation(&outcome),
        Escalation::UnknownTool {
            name: "drop_table".into()
        }
    );
    assert_eq!(models(&fake), ["cheap-model", "standard-model"]);
    assert_eq!(outcome.refused_calls, 1);
}

#[test]
fn invalid_parameters_escalate() {
    let (outcome, _) = escalated_by(vec![Step::tool_call(
        "top_products",
        json!({"brand": "Stryde"}),
    )]);
    assert_eq!(
        escalation(&outcome),
        Escalation::InvalidArguments {
            tool: "top_products".into()
        }
    );
}

#[test]
fn more_tool_calls_than_the_cheap_tier_allows_escalate_before_running() {
    let call = || ("sales_by_dimension", json!({"measures": ["revenue"]}));
    let (outcome, _) = escalated_by(vec![Step::tool_calls([call(), call(), call(), call()])]);
    assert_eq!(
        escalation(&outcome),
        Escalation::TooManyToolCalls { count: 4, limit: 3 }
    );
    assert!(outcome.calls.is_empty(), "none of the four calls ran");
}

#[test]
fn an_empty_reply_escalates() {
    let (outcome, _) = escalated_by(vec![Step::text("")]);
    assert_eq!(escalation(&outcome), Escalation::EmptyReply);
}

#[test]
fn a_confused_reply_escalates() {
    let (outcome, _) = escalated_by(vec![Step::text("I'm not sure which brand you mean.")]);
    assert_eq!(
        escalation(&outcome),
        Escalation::Confusion {
            phrase: "i'm not sure".into()
        }
    );
    assert_eq!(outcome.text, "Stride sold ฿345,678.");
}

#[test]
fn most_tool_calls_failing_escalates() {
    let (outcome, _) = escalated_by(vec![
        Step::tool_calls([
            (
                "sales_by_dimension",
                json!({"measures": ["revenue"], "fail": true}),
            ),
            (
                "sales_by_dimension",
                json!({"measures": ["units"], "fail": true}),
            ),
            ("top_products", json!({"brand": "Stride"})),
        ]),
        Step::text("Only part of the data came back."),
    ]);
    assert_eq!(
        escalation(&outcome),
        Escalation::ToolCallsFailed {
            failed: 2,
            total: 3
        }
    );
}

#[test]
fn with_no_tier_above_the_answer_stands_and_the_reason_is_kept() {
    let fake = FakeOpenAi::start(KEY);
    fake.script([Step::text("I'm not sure which brand you mean.")]);
    let providers = providers(vec![fake.config("premium", CostTier::Premium)]);
    let outcome = run(
        &providers,
        &at(CostTier::Premium),
        Capability::Analytics,
        request("revenue"),
        &mut sales_tools,
    )
    .expect("an answer");
    assert_eq!(outcome.text, "I'm not sure which brand you mean.");
    let reason = outcome.route.reasons.last().expect("a reason");
    assert!(reason.contains("no provider above premium"), "{reason}");
}

#[test]
fn a_failed_escalation_keeps_the_cheaper_answer() {
    let fake = FakeOpenAi::start(KEY);
    fake.script([Step::text("I'm not sure, but Stride sold ฿345,678.")]);
    fake.script([
        Step::server_error(),
        Step::server_error(),
        Step::server_error(),
    ]);
    let outcome = run(
        &two_tiers(&fake),
        &at(CostTier::Cheap),
        Capability::Analytics,
        request("revenue"),
        &mut sales_tools,
    )
    .expect("the cheap answer");
    assert_eq!(outcome.provider, "cheap");
    assert_eq!(outcome.text, "I'm not sure, but Stride sold ฿345,678.");
}

#[test]
fn tool_rounds_are_limited() {
    let fake = FakeOpenAi::start(KEY);
    let round = || Step::tool_call("top_products", json!({"brand": "Stride"}));
    fake.script((0..=MAX_TOOL_ROUNDS).map(|_| round()));
    let providers = providers(vec![fake.config("premium", CostTier::Premium)]);
    let error = run(
        &providers,
        &at(CostTier::Premium),
        Capability::Analytics,
        request("revenue"),
        &mut sales_tools,
    )
    .expect_err("the model never stops calling tools");
    assert_eq!(fake.requests().len(), MAX_TOOL_ROUNDS + 1);
    let LlmError::AllProvidersFailed { attempts } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        attempts[0].end,
        AttemptEnd::Failed("provider premium still asked for tools after 8 tool rounds".into())
    );
}

#[test]
fn no_provider_with_the_capability_is_an_error() {
    let fake = FakeOpenAi::start(KEY);
    let providers = providers(vec![fake.config("openai", CostTier::Cheap)]);
    let error = run(
        &providers,
        &at(CostTier::Cheap),
        Capability::Actions,
        request("reorder"),
        &mut sales_tools,
    )
    .expect_err("no provider for actions");
    assert_eq!(
        error.to_string(),
        "no enabled provider has the actions capability"
    );
}
