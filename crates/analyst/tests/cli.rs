//! The command line as a user runs it: the real binary on a fresh data directory.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{analyst, assert_clear_failure, sql_json, stderr, stdout};
use serde_json::Value as Json;

fn with_demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let output = analyst(
        dir.path(),
        &["demo", "--lines", "20000", "--end-date", "2026-11-14"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Created the demo business: 20000 sales lines"),
        "{}",
        stdout(&output)
    );
    dir
}

#[test]
fn demo_ask_and_sql_agree() {
    let dir = with_demo();
    assert_eq!(
        sql_json(dir.path(), "SELECT count(*) AS n FROM silver.sales_line")[0]["n"],
        20000
    );

    let output = analyst(
        dir.path(),
        &[
            "ask",
            "--json",
            "--today",
            "2026-11-15",
            "revenue by store this year",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let answer: Json = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(answer["error"], Json::Null);
    assert_eq!(answer["meta"]["query"]["period"]["start"], "2026-01-01");
    assert_eq!(answer["meta"]["query"]["period"]["end"], "2026-11-15");
    let expected = sql_json(
        dir.path(),
        "SELECT s.name AS store, CAST(sum(l.net_amount) AS DOUBLE) AS revenue FROM silver.sales_line l JOIN silver.store s ON s.id = l.store_id WHERE l.date BETWEEN DATE '2026-01-01' AND DATE '2026-11-15' GROUP BY s.name",
    );
    let rows = answer["table"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), expected.len());
    for row in rows {
        let store = row["store"].as_str().unwrap();
        let truth = expected.iter().find(|e| e["store"] == store).unwrap()["revenue"]
            .as_f64()
            .unwrap();
        assert!(
            (row["revenue"].as_f64().unwrap() - truth).abs() < 0.01,
            "{store}"
        );
    }

    let output = analyst(
        dir.path(),
        &[
            "ask",
            "--today",
            "2026-11-15",
            "top 5 brands by revenue last month",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("Top 5 by revenue") && text.contains("฿") && text.contains("Total"),
        "{text}"
    );

    let output = analyst(
        dir.path(),
        &[
            "sql",
            "--csv",
            "SELECT code, name FROM silver.channel ORDER BY code",
        ],
    );
    assert_eq!(stdout(&output).lines().next(), Some("code,name"));
    assert_eq!(stdout(&output).lines().count(), 5);
}

#[test]
fn the_dictionary_is_edited_from_the_command_line() {
    let dir = with_demo();
    let ask = |question: &str| -> Json {
        let output = analyst(
            dir.path(),
            &["ask", "--json", "--today", "2026-11-15", question],
        );
        let answer: Json = serde_json::from_str(&stdout(&output)).unwrap();
        // Failing answers exit non-zero, with the reason in the contract.
        assert_eq!(
            output.status.success(),
            answer["error"].is_null(),
            "{answer}"
        );
        answer
    };

    // Fiscal years from April: the last one ran from 2025-04-01 to 2026-03-31.
    let output = analyst(dir.path(), &["dictionary", "fiscal-year", "4"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("April"), "{}", stdout(&output));
    let answer = ask("revenue last fiscal year");
    assert_eq!(answer["meta"]["query"]["period"]["start"], "2025-04-01");
    assert_eq!(answer["meta"]["query"]["period"]["end"], "2026-03-31");
    let truth = sql_json(
        dir.path(),
        "SELECT CAST(sum(net_amount) AS DOUBLE) AS revenue FROM silver.sales_line WHERE date BETWEEN DATE '2025-04-01' AND DATE '2026-03-31'",
    )[0]["revenue"]
        .as_f64()
        .unwrap();
    let reported = answer["kpis"][0]["raw"].as_f64().unwrap();
    assert!((reported - truth).abs() < 0.01, "{reported} vs {truth}");
    assert_clear_failure(
        &analyst(dir.path(), &["dictionary", "fiscal-year", "13"]),
        "13",
    );

    // A value synonym is understood at once, and forgotten when removed.
    assert!(ask("revenue for Zoomers last month")["error"].is_string());
    let output = analyst(
        dir.path(),
        &["dictionary", "add", "value", "Zoomers", "brand", "Stride"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let answer = ask("revenue for Zoomers last month");
    assert_eq!(
        answer["meta"]["query"]["filters"][0]["values"],
        serde_json::json!(["Stride"])
    );
    assert_clear_failure(
        &analyst(
            dir.path(),
            &["dictionary", "add", "value", "Foo", "brandd", "Stride"],
        ),
        "brandd",
    );
    let output = analyst(dir.path(), &["dictionary", "list", "--json"]);
    let listed: Json = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(listed["fiscal_year_start_month"], 4);
    let id = listed["synonyms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["synonym"] == "Zoomers")
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let output = analyst(dir.path(), &["dictionary", "remove", "synonym", &id]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(ask("revenue for Zoomers last month")["error"].is_string());
}

#[test]
fn the_console_refuses_writes_and_the_demo_refuses_to_overwrite() {
    let dir = with_demo();
    assert_clear_failure(
        &analyst(dir.path(), &["sql", "DELETE FROM silver.sales_line"]),
        "only SELECT or WITH",
    );
    assert_clear_failure(
        &analyst(dir.path(), &["sql", "SELECT 1; DROP TABLE silver.product"]),
        "one statement",
    );
    assert_eq!(
        sql_json(dir.path(), "SELECT count(*) AS n FROM silver.sales_line")[0]["n"],
        20000
    );
    assert_clear_failure(
        &analyst(dir.path(), &["demo", "--lines", "1000"]),
        "--force",
    );

    let output = analyst(dir.path(), &["demo", "--remove"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let counts = sql_json(
        dir.path(),
        "SELECT (SELECT count(*) FROM silver.sales_line) AS lines, (SELECT count(*) FROM silver.product) AS products, (SELECT count(*) FROM gold.daily_sales) AS gold, (SELECT count(*) FROM silver.channel) AS channels",
    );
    assert_eq!(counts[0]["lines"], 0);
    assert_eq!(counts[0]["products"], 0);
    assert_eq!(
        counts[0]["gold"], 0,
        "aggregates of removed data are gone too"
    );
    assert_eq!(counts[0]["channels"], 4, "reference data is not demo data");
}

#[test]
fn bad_input_gets_one_clear_line_and_a_failing_exit() {
    let dir = with_demo();
    let path = dir.path();
    assert_clear_failure(
        &analyst(path, &["--today", "2026-13-01", "ask", "revenue"]),
        "2026-13-01",
    );
    assert_clear_failure(
        &analyst(path, &["demo", "--force", "--end-date", "yesterday"]),
        "yesterday",
    );
    assert_clear_failure(
        &analyst(
            path,
            &[
                "query",
                r#"{"tool":"sales_by_dimension","measures":["turnover"]}"#,
            ],
        ),
        "turnover",
    );
    assert_clear_failure(
        &analyst(
            path,
            &[
                "query",
                r#"{"tool":"sales_by_dimension","measures":["revenue"],"dimensions":["planet"]}"#,
            ],
        ),
        "planet",
    );
    assert_clear_failure(
        &analyst(
            path,
            &[
                "query",
                r#"{"tool":"sales_by_dimension","measures":["revenue"],"period":{"start":"2026-02-01","end":"2026-01-01"}}"#,
            ],
        ),
        "before it starts",
    );
    let output = analyst(
        path,
        &[
            "query",
            r#"{"tool":"sales_by_dimension","measures":["revenue"],"filters":[{"field":"brand","values":["Stryde"]}],"period":{"start":"2026-01-01","end":"2026-01-31"}}"#,
        ],
    );
    assert!(!output.status.success());
    assert!(
        stdout(&output).contains("did you mean Stride?"),
        "{}",
        stdout(&output)
    );

    let output = analyst(
        path,
        &[
            "ask",
            "--json",
            "--today",
            "2026-11-15",
            "revenue by brand in 2031",
        ],
    );
    assert!(
        output.status.success(),
        "an empty period is an answer: {}",
        stderr(&output)
    );
}

#[test]
fn unusable_stores_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"x").unwrap();
    assert_clear_failure(
        &analyst(&file.join("data"), &["demo", "--lines", "100"]),
        "cannot use data directory",
    );

    let corrupt = dir.path().join("corrupt");
    std::fs::create_dir(&corrupt).unwrap();
    std::fs::write(corrupt.join("analyst.duckdb"), vec![7u8; 4096]).unwrap();
    assert_clear_failure(
        &analyst(&corrupt, &["ask", "revenue last month"]),
        "not a usable store",
    );

    assert_clear_failure(
        &analyst(&dir.path().join("nothing"), &["sql", "SELECT 1"]),
        "analyst demo",
    );

    let output = Command::new(env!("CARGO_BIN_EXE_analyst"))
        .args([
            "--database",
            // Nothing listens on port 1: the server cannot be reached.
            "postgres://user:secret@127.0.0.1:1/test",
            "ask",
            "revenue",
        ])
        .output()
        .unwrap();
    assert_clear_failure(&output, "PostgreSQL");
    assert!(!stderr(&output).contains("secret"));
}

#[test]
fn duckdb_memory_is_capped_by_default_and_by_setting() {
    let dir = tempfile::tempdir().unwrap();
    let created = analyst(dir.path(), &["demo", "--lines", "100"]);
    assert!(created.status.success(), "{}", stderr(&created));
    let limit_with = |setting: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_analyst"));
        command.arg("--data-dir").arg(dir.path()).args([
            "sql",
            "--json",
            "SELECT current_setting('memory_limit') AS limit_text",
        ]);
        match setting {
            Some(value) => command.env("ANALYST_MEMORY_LIMIT", value),
            None => command.env_remove("ANALYST_MEMORY_LIMIT"),
        };
        command.output().unwrap()
    };
    let text_of = |output: Output| {
        assert!(output.status.success(), "{}", stderr(&output));
        let rows: Json = serde_json::from_str(&stdout(&output)).unwrap();
        rows[0]["limit_text"].as_str().unwrap().to_string()
    };
    // DuckDB reports the limit in its own units (640MB is 610.3 MiB).
    assert_eq!(text_of(limit_with(None)), "610.3 MiB");
    assert_eq!(text_of(limit_with(Some("300MB"))), "286.1 MiB");
    assert_clear_failure(&limit_with(Some("lots")), "ANALYST_MEMORY_LIMIT");
}

#[test]
fn a_store_held_by_another_process_is_named() {
    let dir = with_demo();
    let holder = analyst_store::open(
        &analyst_store::Location::DataDir(dir.path().to_path_buf()),
        analyst_store::AccessMode::ReadWrite,
    )
    .unwrap();
    let output = analyst(dir.path(), &["demo", "--remove"]);
    assert_clear_failure(&output, "held by another process");
    drop(holder);
}

#[test]
fn users_are_added_listed_and_reset_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let with_stdin =
        |args: &[&str], input: &str| common::analyst_with_input(dir.path(), args, input);
    let output = with_stdin(
        &["user", "add", "Carla", "--admin", "--password-stdin"],
        "a long secret phrase\n",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Added carla (groups: admin)"),
        "{}",
        stdout(&output)
    );
    assert_clear_failure(
        &with_stdin(
            &["user", "add", "carla", "--password-stdin"],
            "another long phrase\n",
        ),
        "already exists",
    );
    assert_clear_failure(
        &with_stdin(&["user", "add", "dan", "--password-stdin"], "short\n"),
        "at least 10",
    );
    assert_clear_failure(
        &analyst(dir.path(), &["user", "add", "no spaces please"]),
        "not a valid username",
    );

    let output = analyst(dir.path(), &["user", "add", "dan"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("One-time password: "),
        "{}",
        stdout(&output)
    );
    let listed = stdout(&analyst(dir.path(), &["user", "list"]));
    assert!(
        listed.contains("carla") && listed.contains("dan"),
        "{listed}"
    );
    let output = analyst(dir.path(), &["user", "passwd", "carla"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("One-time password: "));
    assert_clear_failure(
        &analyst(dir.path(), &["user", "passwd", "nobody"]),
        "no user named",
    );
}

#[test]
fn rights_and_record_rules_are_managed_from_the_command_line() {
    let dir = with_demo();
    let output = analyst(
        dir.path(),
        &[
            "user",
            "add",
            "mia",
            "--group",
            "store_manager",
            "--store",
            "phuket central",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Added mia (groups: store_manager)"),
        "{}",
        stdout(&output)
    );
    let listed = stdout(&analyst(dir.path(), &["user", "list"]));
    let mia = listed.lines().find(|line| line.contains("mia")).unwrap();
    assert!(
        mia.contains("store_manager") && mia.contains("store HKT"),
        "{listed}"
    );

    let output = analyst(
        dir.path(),
        &[
            "user",
            "rule-add",
            "--name",
            "Online only",
            "--group",
            "sales",
            "--field",
            "channel",
            "--value",
            "online",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let rules = stdout(&analyst(dir.path(), &["user", "rules"]));
    assert!(
        rules.contains("store_manager") && rules.contains("Online only"),
        "{rules}"
    );
    assert!(rules.contains("the user's own"), "{rules}");
    let id = rules
        .lines()
        .find(|line| line.contains("Online only"))
        .and_then(|line| line.split(['│', '┆']).nth(1))
        .map(|cell| cell.trim().to_string())
        .unwrap();
    let output = analyst(dir.path(), &["user", "rule-remove", &id]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stdout(&analyst(dir.path(), &["user", "rules"])).contains("Online only"));

    assert_clear_failure(
        &analyst(
            dir.path(),
            &["user", "rights", "mia", "--store", "Atlantis"],
        ),
        "no store 'Atlantis'",
    );
    assert_clear_failure(
        &analyst(dir.path(), &["user", "rights", "mia", "--group", "pirates"]),
        "no group 'pirates'",
    );
    // A refused change leaves the rights as they were.
    let listed = stdout(&analyst(dir.path(), &["user", "list"]));
    assert!(
        listed
            .lines()
            .any(|line| line.contains("mia") && line.contains("store HKT"))
    );
    let output = analyst(dir.path(), &["user", "rights", "mia", "--group", "buyer"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("groups buyer; sees everything"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn jobs_are_listed_shown_and_cancelled_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let created = analyst(dir.path(), &["user", "list"]);
    assert!(created.status.success(), "{}", stderr(&created));
    let id = {
        let connection = analyst_store::open(
            &analyst_store::Location::DataDir(dir.path().to_path_buf()),
            analyst_store::AccessMode::ReadWrite,
        )
        .unwrap();
        analyst_jobs::queue::enqueue(
            connection.as_ref(),
            &analyst_jobs::NewJob::new(
                "refresh_gold",
                serde_json::json!({"from": "2026-10-01", "to": "2026-10-31"}),
            ),
        )
        .unwrap()
        .id
    };
    let listed = stdout(&analyst(dir.path(), &["jobs", "list"]));
    let line = listed
        .lines()
        .find(|line| line.contains("refresh_gold"))
        .unwrap();
    assert!(line.contains("queued") && line.contains("0/3"), "{listed}");
    let shown = stdout(&analyst(dir.path(), &["jobs", "show", &id.to_string()]));
    assert!(
        shown.contains("2026-10-31") && shown.contains("queued"),
        "{shown}"
    );
    let output = analyst(dir.path(), &["jobs", "cancel", &id.to_string()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("cancelled"), "{}", stdout(&output));
    assert_clear_failure(&analyst(dir.path(), &["jobs", "show", "999"]), "no job 999");
}

#[test]
fn configuration_comes_from_flags_then_environment_then_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("analyst.toml"),
        "port = 9100\nchat_per_minute = 7\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_analyst"))
        .current_dir(dir.path())
        .args(["config", "--port", "9200"])
        .env("ANALYST_SESSION_HOURS", "3")
        .env("ANALYST_DATABASE_URL", "postgres://u:hunter2@db/x")
        .env_remove("ANALYST_PORT")
        .env_remove("ANALYST_CHAT_PER_MINUTE")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let line = |name: &str| {
        text.lines()
            .find(|line| line.contains(&format!(" {name} ")))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        line("port").contains("9200") && line("port").contains("flag"),
        "{text}"
    );
    assert!(
        line("chat_per_minute").contains('7') && line("chat_per_minute").contains("analyst.toml"),
        "{text}"
    );
    assert!(
        line("session_hours").contains('3') && line("session_hours").contains("environment"),
        "{text}"
    );
    assert!(
        line("bind").contains("127.0.0.1") && line("bind").contains("default"),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "no secret is printed: {text}");

    std::fs::write(dir.path().join("analyst.toml"), "prot = 80\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_analyst"))
        .current_dir(dir.path())
        .args(["config"])
        .output()
        .unwrap();
    assert_clear_failure(&output, "unknown field");
}

#[test]
fn serve_prints_a_one_time_password_serves_and_stops_on_sigterm() {
    let dir = with_demo();
    let common::Server {
        mut child,
        url,
        one_time_password,
        lines,
    } = common::serve(dir.path(), &[]);
    let password = one_time_password.expect("a one-time password on first start");
    let client = reqwest::blocking::Client::new();
    assert_eq!(
        client.get(format!("{url}health")).send().unwrap().status(),
        200
    );
    let login = client
        .post(format!("{url}api/v1/auth/login"))
        .json(&serde_json::json!({"username": "admin", "password": password}))
        .send()
        .unwrap();
    let session: Json = login.json().unwrap();
    assert_eq!(session["user"]["must_change_password"], true);

    // Other commands name the server instead of failing with a lock error.
    let output = analyst(dir.path(), &["sql", "SELECT 1"]);
    assert_clear_failure(&output, "in use by `analyst serve`");
    assert!(stderr(&output).contains(&url), "{}", stderr(&output));

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "a clean exit on SIGTERM: {exit:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|line| line == "Stopped."), "{rest:?}");
    assert!(!dir.path().join("server.json").exists());
    // The store is free again, and the admin is not created twice.
    let output = analyst(dir.path(), &["user", "list"]);
    assert!(stdout(&output).contains("admin"), "{}", stderr(&output));
}

#[test]
fn jobs_are_scheduled_paused_resumed_and_unscheduled_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let created = analyst(dir.path(), &["user", "list"]);
    assert!(created.status.success(), "{}", stderr(&created));
    let schedules = |dir: &Path| stdout(&analyst(dir, &["jobs", "schedules"]));
    // The cells of the table row of `name`.
    let row = |listed: &str, name: &str| -> Vec<String> {
        let line = listed
            .lines()
            .find(|line| line.contains(name))
            .unwrap_or_else(|| panic!("no {name} in {listed}"));
        line.split(['│', '┆'])
            .map(|cell| cell.trim().to_string())
            .filter(|cell| !cell.is_empty())
            .collect()
    };
    let seeded = row(&schedules(dir.path()), "export_cleanup");
    assert_eq!(
        seeded[..4],
        ["export_cleanup", "export_cleanup", "17 * * * *", "yes"],
        "{seeded:?}"
    );

    let output = analyst(
        dir.path(),
        &[
            "jobs",
            "schedule",
            "nightly",
            "--kind",
            "refresh_gold",
            "--cron",
            "0 3 * * *",
            "--params",
            r#"{"from": "2026-10-01", "to": "2026-10-31"}"#,
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let shown = stdout(&output);
    assert!(
        shown.contains("schedule nightly (refresh_gold): '0 3 * * *' (UTC), enabled")
            && shown.contains(" 03:00:00")
            && shown.contains("2026-10-31"),
        "{shown}"
    );
    let output = analyst(dir.path(), &["jobs", "pause", "nightly"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("paused"), "{}", stdout(&output));
    let paused = row(&schedules(dir.path()), "nightly");
    assert_eq!(
        paused[..5],
        [
            "nightly",
            "refresh_gold",
            "0 3 * * *",
            "no",
            "none (paused)"
        ],
        "{paused:?}"
    );
    let output = analyst(dir.path(), &["jobs", "resume", "nightly"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("enabled"), "{}", stdout(&output));

    let schedule = |cron: &str, kind: &str, params: &str| {
        analyst(
            dir.path(),
            &[
                "jobs", "schedule", "nightly", "--kind", kind, "--cron", cron, "--params", params,
            ],
        )
    };
    assert_clear_failure(
        &schedule("*/5 * * *", "refresh_gold", "{}"),
        "'*/5 * * *' is not a cron expression: it needs 5 fields (minute hour day month weekday)",
    );
    assert_clear_failure(
        &schedule("0 3 * * 9", "refresh_gold", "{}"),
        "the weekday field '9'",
    );
    assert_clear_failure(
        &schedule("0 3 * * *", "format_disk", "{}"),
        "no job kind 'format_disk'",
    );
    assert_clear_failure(
        &schedule("0 3 * * *", "refresh_gold", "{oops"),
        "--params is not JSON",
    );
    assert_clear_failure(
        &analyst(dir.path(), &["jobs", "pause", "nope"]),
        "no job schedule 'nope'",
    );

    let output = analyst(dir.path(), &["jobs", "unschedule", "nightly"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!schedules(dir.path()).contains("nightly"));
    assert_clear_failure(
        &analyst(dir.path(), &["jobs", "unschedule", "nightly"]),
        "no job schedule 'nightly'",
    );
}
