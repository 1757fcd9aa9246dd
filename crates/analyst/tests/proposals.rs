//! A proposal's execution survives its server being killed: the execution is queued on a
//! server whose workers are off, the server is killed (SIGKILL), and after a restart the job
//! runs and writes the approved change exactly once.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use std::time::{Duration, Instant};

use common::{analyst, analyst_with_input, get, post, serve, stderr, stdout, token};
use serde_json::{Value as Json, json};

const PASSWORD: &str = "correct horse battery";

fn succeeds(output: std::process::Output) -> String {
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
}

#[test]
fn an_execution_queued_on_a_killed_server_runs_once_after_the_restart() {
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
    let sku = serde_json::from_str::<Json>(&succeeds(analyst(
        data,
        &[
            "sql",
            "--json",
            "SELECT sku FROM silver.product WHERE active ORDER BY id LIMIT 1",
        ],
    )))
    .unwrap()[0]["sku"]
        .as_str()
        .unwrap()
        .to_string();
    let request = json!({"kind": "update_reorder_rule", "sku": sku, "store": "WH-BNA",
                         "min_qty": 8, "max_qty": 24});
    succeeds(analyst(
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

    let rules: Json = serde_json::from_str(&succeeds(analyst(
        data,
        &[
            "sql",
            "--json",
            "SELECT r.min_qty, r.max_qty, s.code FROM silver.reorder_rule r JOIN silver.store s ON s.id = r.store_id",
        ],
    )))
    .unwrap();
    assert_eq!(
        rules,
        json!([{"min_qty": 8, "max_qty": 24, "code": "WH-BNA"}])
    );
    let jobs: Json = serde_json::from_str(&succeeds(analyst(
        data,
        &[
            "sql",
            "--json",
            "SELECT count(*) AS n FROM app.job WHERE kind = 'proposal_execute'",
        ],
    )))
    .unwrap();
    assert_eq!(jobs[0]["n"], 1);
}
