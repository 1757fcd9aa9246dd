//! Proposals from the command line: proposed, refused to the wrong user, approved and executed,
//! checked with `analyst sql`; and an execution that survives its server being killed: queued
//! on a server whose workers are off, the server killed (SIGKILL), and after a restart the job
//! runs and writes the approved change exactly once.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use std::time::{Duration, Instant};

use common::{
    analyst, analyst_with_input, assert_clear_failure, first_active_sku, get, post, serve,
    sql_json, stderr, stdout, token,
};
use serde_json::{Value as Json, json};

const PASSWORD: &str = "correct horse battery";

fn succeeds(output: std::process::Output) -> String {
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
}

/// A demo store with `bea` (buyer) and `max` (purchase manager), both with [`PASSWORD`], and
/// bea's proposal AIPROP-0001 of a reorder rule for the first active product at WH-BNA;
/// returns the store and what `analyst proposals propose` printed.
fn with_rule_proposal(min_qty: i64, max_qty: i64) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    succeeds(analyst(
        data,
        &["demo", "--lines", "20000", "--end-date", "2026-11-14"],
    ));
    for (name, group) in [("bea", "buyer"), ("max", "purchase_manager")] {
        succeeds(analyst_with_input(
            data,
            &["user", "add", name, "--group", group, "--password-stdin"],
            &format!("{PASSWORD}\n"),
        ));
    }
    let request = json!({"kind": "update_reorder_rule", "sku": first_active_sku(data),
                         "store": "WH-BNA", "min_qty": min_qty, "max_qty": max_qty});
    let printed = succeeds(analyst(
        data,
        &[
            "proposals",
            "propose",
            "--as",
            "bea",
            "--json",
            &request.to_string(),
        ],
    ));
    (dir, printed)
}

#[test]
fn an_execution_queued_on_a_killed_server_runs_once_after_the_restart() {
    let (dir, _) = with_rule_proposal(8, 24);
    let data = dir.path();
    succeeds(analyst(
        data,
        &["proposals", "approve", "AIPROP-0001", "--as", "max"],
    ));

    // No worker runs the job: it waits in the queue when the server dies.
    let mut server = serve(data, &["--workers", "0"]);
    let max = token(&server.url, "max", PASSWORD);
    let queued = post(
        &server.url,
        &max,
        "ai_analyst/proposal/AIPROP-0001/execute",
        json!({}),
    );
    let job = queued["job_id"].as_i64().unwrap();
    assert_eq!(queued["proposal"]["state"], "approved", "{queued}");
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();

    let mut server = serve(data, &[]);
    let max = token(&server.url, "max", PASSWORD);
    let started = Instant::now();
    let executed = loop {
        let proposal: Json = get(&server.url, &max, "api/v1/proposals/AIPROP-0001")
            .json()
            .unwrap();
        if proposal["state"] != "approved" {
            break proposal;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{proposal}");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(executed["state"], "executed", "{executed}");
    assert_eq!(executed["job_id"], job);
    // Asking again returns the finished job and writes nothing more.
    let again = post(
        &server.url,
        &max,
        "ai_analyst/proposal/AIPROP-0001/execute",
        json!({}),
    );
    assert_eq!(again["job_id"], job, "{again}");
    std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    server.child.wait().unwrap();

    let rules = sql_json(
        data,
        "SELECT r.min_qty, r.max_qty, s.code FROM silver.reorder_rule r JOIN silver.store s ON s.id = r.store_id",
    );
    assert_eq!(
        rules,
        [json!({"min_qty": 8, "max_qty": 24, "code": "WH-BNA"})]
    );
    let jobs = sql_json(
        data,
        "SELECT count(*) AS n FROM app.job WHERE kind = 'proposal_execute'",
    );
    assert_eq!(jobs[0]["n"], 1);
}

#[test]
fn a_proposal_is_proposed_approved_and_executed_from_the_command_line() {
    let (dir, text) = with_rule_proposal(4, 12);
    let data = dir.path();
    assert!(
        text.contains("AIPROP-0001 update_reorder_rule [draft]"),
        "{text}"
    );
    assert!(text.contains("no rule → min 4 / max 12"), "{text}");
    // The buyer proposed it; only a purchase manager approves it.
    assert_clear_failure(
        &analyst(
            data,
            &["proposals", "approve", "AIPROP-0001", "--as", "bea"],
        ),
        "needs the group purchase_manager",
    );
    let output = analyst(
        data,
        &[
            "proposals",
            "approve",
            "aiprop-0001",
            "--as",
            "max",
            "--execute",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("[executed]"),
        "{}",
        stdout(&output)
    );
    let rule = sql_json(
        data,
        "SELECT r.min_qty, r.max_qty FROM silver.reorder_rule r JOIN silver.store s ON s.id = r.store_id WHERE s.code = 'WH-BNA'",
    );
    assert_eq!(rule.len(), 1);
    assert_eq!(rule[0]["min_qty"], 4);
    assert_eq!(rule[0]["max_qty"], 12);
    let listed = stdout(&analyst(
        data,
        &["proposals", "list", "--state", "executed"],
    ));
    assert!(
        listed.contains("AIPROP-0001") && listed.contains("1 proposal(s)"),
        "{listed}"
    );
    let audited = sql_json(
        data,
        "SELECT count(*) AS n FROM app.audit_log WHERE event = 'action_executed'",
    );
    assert_eq!(audited[0]["n"], 3);
}
