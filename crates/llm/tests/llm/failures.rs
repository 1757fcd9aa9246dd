//! Provider failures: retries on 429 and 5xx, the clear error after the last retry and the
//! fallback to the next provider, timeouts, malformed replies, a wrong key that never shows.

use std::time::Duration;

use analyst_llm::testkit::{FakeAnthropic, FakeOpenAi, Step};
use analyst_llm::{ApiKeySource, AttemptEnd, Capability, CostTier, LlmError, run};
use serde_json::json;

use crate::{KEY, at, providers, request, sales_tools};

#[test]
fn a_429_is_retried_after_retry_after() {
    let fake = FakeOpenAi::start(KEY);
    fake.script([Step::rate_limited(1), Step::text("Stride sold ฿345,678.")]);
    let providers = providers(vec![fake.config("openai", CostTier::Cheap)]);
    let outcome = run(
        &providers,
        &at(CostTier::Cheap),
        Capability::Analytics,
        request("revenue"),
        &mut sales_tools,
    )
    .expect("an answer after the retry");
    assert_eq!(outcome.text, "Stride sold ฿345,678.");
    let statuses: Vec<u16> = fake
        .requests()
        .iter()
        .map(|received| received.status)
        .collect();
    assert_eq!(statuses, [429, 200]);
}

#[test]
fn two_500s_are_retried() {
    let fake = FakeAnthropic::start(KEY);
    fake.script([
        Step::server_error(),
        Step::server_error(),
        Step::text("Revenue was ฿345,678."),
    ]);
    let providers = providers(vec![fake.config("claude", CostTier::Cheap)]);
    let outcome = run(
        &providers,
        &at(CostTier::Cheap),
        Capability::Analytics,
        request("revenue"),
        &mut sales_tools,
    )
    .expect("an answer after two retries");
    assert_eq!(outcome.attempts.len(), 1);
    let statuses: Vec<u16> = fake
        .requests()
        .iter()
        .map(|received| received.status)
        .collect();
    assert_eq!(statuses, [500, 500, 200]);
}

#[test]
fn three_500s_fail_over_to_the_next_provider() {
    let primary = FakeOpenAi::start(KEY);
    primary.script([
        Step::server_error(),
        Step::server_error(),
        Step::server_error(),
    ]);
    let backup = FakeAnthropic::start(KEY);
    backup.script([Step::text("Revenue was ฿345,678.")]);
    let mut first = primary.config("primary", CostTier::Cheap);
    first.priority = 10;
    let providers = providers(vec![backup.config("backup", CostTier::Cheap), first]);
    let outcome = run(
        &providers,
        &at(CostTier::Cheap),
        Capability::Analytics,
        request("revenue"),
        &mut sales_tools,
    )
    .expect("the backup answers");

    assert_eq!(outcome.provider, "backup");
    assert_eq!(primary.requests().len(), 3, "one try and two retries");
    let AttemptEnd::Failed(message) = &outcome.attempts[0].end else {
        panic!("the primary failed: {:?}", outcome.attempts);
    };
    assert!(
        message.contains("provider primary failed (HTTP 500)"),
        "{message}"
    );
    assert!(
        outcome
            .route
            .reasons
            .iter()
            .any(|reason| reason.contains("trying the next provider"))
    );
}

#[test]
fn when_every_provider_fails_the_error_says_so() {
    let fake = FakeOpenAi::start(KEY);
    fake.script([
        Step::server_error(),
        Step::server_error(),
        Step::server_error(),
    ]);
    let providers = providers(vec![fake.config("openai", CostTier::Cheap)]);
    let error = run(
        &providers,
        &at(CostTier::Cheap),
        Capability::Analytics,
        request("revenue"),
        &mut sales_tools,
    )
    .expect_err("no provider left");
    assert_eq!(
        error.to_string(),
        "no provider could answer: provider openai failed (HTTP 500): The server had an error while processing your request."
    );
}

#[test]
fn a_slow_reply_is_retried_and_three_are_a_timeout() {
    let fake = FakeOpenAi::start(KEY);
    let slow = || Step::text("late").slow(Duration::from_millis(1500));
    fake.script([slow(), Step::text("Revenue was ฿345,678.")]);
    let mut config = fake.config("openai", CostTier::Cheap);
    config.timeout_seconds = 0.3;
    let providers = providers(vec![config]);
    let outcome = run(
        &providers,
        &at(CostTier::Cheap),
        Capability::Analytics,
        request("revenue"),
        &mut sales_tools,
    )
    .expect("the retry answers");
    assert_eq!(outcome.text, "Revenue was ฿345,678.");

    fake.script([slow(), slow(), slow()]);
    let error = providers
        .send("openai", &request("revenue"))
        .expect_err("three timeouts");
    assert_eq!(
        error,
        LlmError::Timeout {
            provider: "openai".into(),
            seconds: 0.3
        }
    );
    assert_eq!(
        error.to_string(),
        "provider openai did not answer within 0.3 s"
    );
}

#[test]
fn a_malformed_reply_is_a_typed_error() {
    let fake = FakeAnthropic::start(KEY);
    fake.script([Step::malformed_body()]);
    let providers = providers(vec![fake.config("claude", CostTier::Cheap)]);
    let error = providers
        .send("claude", &request("revenue"))
        .expect_err("malformed");
    assert!(matches!(error, LlmError::Malformed { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("provider claude sent a reply that is not the expected JSON")
    );
    assert_eq!(fake.requests().len(), 1, "a malformed reply is not retried");
}

#[test]
fn a_rejected_key_never_shows() {
    let wrong_key = "sk-wrong-8d1e55f0c3";
    let path = std::env::temp_dir().join(format!("analyst-llm-wrong-key-{}", std::process::id()));
    std::fs::write(&path, wrong_key).expect("key file");
    let openai = FakeOpenAi::start(KEY);
    let anthropic = FakeAnthropic::start(KEY);
    let mut configs = vec![
        openai.config("openai", CostTier::Cheap),
        anthropic.config("claude", CostTier::Cheap),
    ];
    for config in &mut configs {
        config.api_key = Some(ApiKeySource::File(path.clone()));
    }
    let providers = providers(configs.clone());
    for name in ["openai", "claude"] {
        let error = providers.send(name, &request("revenue")).expect_err("401");
        assert_eq!(
            error,
            LlmError::Unauthorized {
                provider: name.into(),
                status: 401
            }
        );
    }
    let error = run(
        &providers,
        &at(CostTier::Cheap),
        Capability::Analytics,
        request("revenue"),
        &mut sales_tools,
    )
    .expect_err("both keys are rejected");
    let shown = [
        error.to_string(),
        format!("{error:?}"),
        format!("{providers:?}"),
        format!("{configs:?}"),
        serde_json::to_string(&configs).expect("configs serialize"),
    ];
    for text in shown {
        // The OpenAI fake's 401 quotes part of the key (`sk-***c3`), as OpenAI does.
        assert!(
            !text.contains("8d1e55f0c3") && !text.contains("sk-wr") && !text.contains("***c3"),
            "{text}"
        );
    }
    assert_eq!(
        serde_json::to_value(&configs[0]).expect("json")["api_key"],
        json!(format!("file:{}", path.display()))
    );
    std::fs::remove_file(path).expect("clean up");
}

#[test]
fn a_missing_key_names_the_place_to_fix_and_is_not_retried() {
    let fake = FakeOpenAi::start(KEY);
    let mut config = fake.config("openai", CostTier::Cheap);
    config.api_key = Some(ApiKeySource::File("/nonexistent/analyst/openai_key".into()));
    let providers = providers(vec![config]);
    let error = providers
        .send("openai", &request("revenue"))
        .expect_err("no key");
    assert_eq!(
        error.to_string(),
        "provider openai has no usable API key: the key file /nonexistent/analyst/openai_key cannot be read (entity not found)"
    );
    assert!(fake.requests().is_empty(), "nothing is sent without a key");
}

#[test]
fn records_are_checked_when_the_providers_are_built() {
    let fake = FakeOpenAi::start(KEY);
    let twice = vec![
        fake.config("openai", CostTier::Cheap),
        fake.config("openai", CostTier::Standard),
    ];
    let error = analyst_llm::Providers::new(twice).expect_err("duplicate names");
    assert_eq!(
        error.to_string(),
        "provider configuration: two providers are named openai"
    );
    let mut no_scheme = fake.config("local", CostTier::Cheap);
    no_scheme.base_url = "localhost:8080/v1".into();
    let error = analyst_llm::Providers::new(vec![no_scheme]).expect_err("no scheme");
    assert!(
        error
            .to_string()
            .contains("base_url must start with http:// or https://"),
        "{error}"
    );
}
