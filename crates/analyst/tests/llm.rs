//! `analyst ask` with a provider in the store: a question the parser does not understand is
//! answered by the model through the gateway (a fake OpenAI-compatible server on a real port),
//! its cost recorded for the operator; `analyst budgets` sets the daily AI cost limits that
//! then stop it before the provider is called.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use std::path::Path;

use analyst_llm::CostTier;
use analyst_llm::testkit::{FakeOpenAi, Step};
use common::{analyst, sql_json, stderr, stdout};
use serde_json::{Value as Json, json};

/// A question the deterministic parser cannot read.
const VAGUE: &str = "Which labels carried the business in October, and what stands out?";

fn with_demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let output = analyst(
        dir.path(),
        &["demo", "--lines", "5000", "--end-date", "2026-11-14"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    dir
}

/// `analyst ask --json VAGUE` with `extra` options: the answer.
fn ask_vague(data_dir: &Path, extra: &[&str]) -> Json {
    let mut args = vec!["ask", "--json", "--today", "2026-11-15"];
    args.extend_from_slice(extra);
    args.push(VAGUE);
    let output = analyst(data_dir, &args);
    serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|_| panic!("no JSON answer: {}", stderr(&output)))
}

/// Runs `analyst ARGS…`, which must succeed: its standard output.
fn run(data_dir: &Path, args: &[&str]) -> String {
    let output = analyst(data_dir, args);
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    stdout(&output)
}

#[test]
fn ask_answers_through_the_stored_provider_and_the_daily_ai_limit_stops_it() {
    let dir = with_demo();
    let path = dir.path();
    assert_eq!(ask_vague(path, &[])["meta"]["route"], "deterministic");

    // A provider priced in baht: output 1 THB per 1k tokens, input free.
    let fake = FakeOpenAi::start("sk-test-cli-key");
    let config = fake.config("openai", CostTier::Cheap);
    let key_source = config.api_key.as_ref().unwrap().to_string();
    run(
        path,
        &[
            "providers",
            "add",
            "fake",
            "--kind",
            "openai-compatible",
            "--base-url",
            &config.base_url,
            "--model",
            "fake-model",
            "--api-key",
            &key_source,
            "--tier",
            "cheap",
            "--input-per-1k",
            "0",
            "--output-per-1k",
            "1",
            "--currency",
            "THB",
        ],
    );

    fake.script([
        Step::tool_call(
            "sales_by_dimension",
            json!({"measures": ["revenue"], "dimensions": ["brand"],
                   "period": {"start": "2026-10-01", "end": "2026-10-31"},
                   "order": [{"field": "revenue", "desc": true}]}),
        ),
        Step::text("October's revenue by label is in the table.").usage(0, 2000),
    ]);
    let answer = ask_vague(path, &[]);
    assert_eq!(answer["error"], Json::Null, "{answer}");
    assert_eq!(answer["meta"]["route"], "cheap");
    assert_eq!(answer["meta"]["provider"], "fake");
    assert_eq!(answer["meta"]["model"], "fake-model");
    assert_eq!(answer["meta"]["tool"], "sales_by_dimension");
    // The table's figures are the store's, computed here apart.
    let expected = sql_json(
        path,
        "SELECT p.brand, CAST(sum(s.net_amount) AS DOUBLE) AS revenue FROM silver.sales_line s
         JOIN silver.product p ON p.id = s.product_id
         WHERE s.date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31' GROUP BY p.brand",
    );
    let rows = answer["table"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), expected.len());
    for row in rows {
        let truth = expected
            .iter()
            .find(|e| e["brand"] == row["brand"])
            .unwrap();
        let (shown, truth) = (
            row["revenue"].as_f64().unwrap(),
            truth["revenue"].as_f64().unwrap(),
        );
        assert!((shown - truth).abs() < 0.01, "{row}");
    }
    assert_eq!(fake.requests().len(), 2);
    assert!(!stdout(&analyst(path, &["providers", "list"])).contains("sk-test-cli-key"));

    // One attempt (two requests: 100 + 0 input, 20 + 2,000 output tokens): 2.02 THB, for the
    // operator (no user), outside any workspace; audited as a provider call.
    let calls = sql_json(
        path,
        "SELECT user_id, workspace, provider, model, tier, input_tokens, output_tokens, cost,
                currency, outcome, route FROM app.llm_call",
    );
    assert_eq!(calls.len(), 1, "{calls:?}");
    let call = &calls[0];
    assert_eq!(
        (&call["user_id"], &call["workspace"]),
        (&Json::Null, &Json::Null)
    );
    assert_eq!(
        (&call["provider"], &call["model"]),
        (&json!("fake"), &json!("fake-model"))
    );
    assert_eq!(
        (&call["input_tokens"], &call["output_tokens"]),
        (&json!(100), &json!(2020))
    );
    assert!(
        (call["cost"].as_f64().unwrap() - 2.02).abs() < 1e-9,
        "{call}"
    );
    assert_eq!(
        (&call["currency"], &call["outcome"]),
        (&json!("THB"), &json!("answered"))
    );
    assert_eq!(
        (&call["tier"], &call["route"]),
        (&json!("cheap"), &json!("cheap"))
    );
    let audited = sql_json(
        path,
        "SELECT count(*) AS n FROM app.audit_log WHERE event = 'provider_call'",
    );
    assert_eq!(audited[0]["n"], 1);

    // Limits are checked as they are set.
    let refused = analyst(path, &["budgets", "set", "global", "--llm-cost-per-day=-1"]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("zero or more"),
        "{}",
        stderr(&refused)
    );
    let refused = analyst(
        path,
        &[
            "budgets",
            "set",
            "global",
            "--llm-cost-per-day",
            "2",
            "--llm-cost-currency",
            "EUR",
        ],
    );
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("unknown currency 'EUR': AI prices and limits are in THB or USD"),
        "{}",
        stderr(&refused)
    );

    // The global row bounds the operator too: 2 THB a day, and 2.02 are spent.
    let saved = run(
        path,
        &[
            "budgets",
            "set",
            "global",
            "--llm-cost-per-day",
            "2",
            "--llm-cost-currency",
            "thb",
        ],
    );
    assert!(
        saved.contains("Budget global saved: an AI cost limit of 2.00 THB per day."),
        "{saved}"
    );
    let listed = run(path, &["budgets", "list"]);
    assert!(
        listed.contains("2.00 THB") && listed.contains("300"),
        "{listed}"
    );
    let stopped = ask_vague(path, &[]);
    assert_eq!(stopped["meta"]["route"], "deterministic");
    let text = stopped["answer"].as_str().unwrap();
    assert!(
        text.contains("Today's AI budget is spent (2.02 of the command line's 2.00 THB used; it resets at 00:00 UTC)"),
        "{text}"
    );
    assert_eq!(fake.requests().len(), 2, "no provider call over the limit");

    // Cleared globally, a workspace's limit in dollars applies to questions asked in it: 5
    // cents a day, against baht costs at the configured rate (here 40 THB per USD). A
    // question is estimated at 1.024 THB (0.0256 USD) and this one writes 1,000 tokens (1 THB,
    // 0.025 USD): the first fits, the second would not (0.025 + 0.0256 > 0.05).
    let cleared = run(
        path,
        &["budgets", "set", "global", "--clear", "llm-cost-per-day"],
    );
    assert!(cleared.contains("no AI cost limit of its own"), "{cleared}");
    run(
        path,
        &[
            "budgets",
            "set",
            "workspace",
            "sales",
            "--llm-cost-per-day",
            "0.05",
            "--llm-cost-currency",
            "USD",
        ],
    );
    fake.script([Step::text("Nothing else stands out.").usage(0, 1000)]);
    let in_sales = ["--workspace", "sales", "--thb-per-usd", "40"];
    let answer = ask_vague(path, &in_sales);
    assert_eq!(answer["meta"]["route"], "cheap", "{answer}");
    assert_eq!(answer["meta"]["workspace"], "sales");
    let stopped = ask_vague(path, &in_sales);
    let text = stopped["answer"].as_str().unwrap();
    assert!(
        text.contains(
            "0.0250 of the workspace's 0.0500 USD used; THB costs counted at 40.00 THB per USD"
        ),
        "{text}"
    );
    assert_eq!(fake.requests().len(), 3, "no provider call over the limit");
    let in_workspace = sql_json(
        path,
        "SELECT workspace, cost FROM app.llm_call WHERE workspace IS NOT NULL",
    );
    assert_eq!(in_workspace.len(), 1);
    assert_eq!(in_workspace[0]["workspace"], "sales");

    // The rate is a setting like the others.
    let config = run(path, &["config"]);
    assert!(
        config.lines().any(|line| line.contains("thb_per_usd")
            && line.contains("36")
            && line.contains("default")),
        "{config}"
    );
    let unknown = analyst(path, &["ask", "--workspace", "nowhere", VAGUE]);
    assert!(!unknown.status.success());
    assert!(
        stderr(&unknown).contains("unknown workspace 'nowhere'"),
        "{}",
        stderr(&unknown)
    );
}
