//! `analyst audit`: the audit log checked, listed and pruned from the command line, and an
//! entry edited behind analyst's back is named.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use std::process::{Command, Output};

use analyst_store::{AccessMode, Location, Value};
use common::{analyst, stderr, stdout};

fn succeeds(output: Output) -> String {
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
}

#[test]
fn the_audit_log_is_verified_listed_pruned_and_tampering_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    succeeds(analyst(data, &["user", "add", "dan"]));
    succeeds(analyst(data, &["user", "add", "erin", "--admin"]));
    succeeds(analyst(data, &["user", "passwd", "dan"]));

    let verified = succeeds(analyst(data, &["audit", "verify"]));
    assert!(verified.contains("3 entries, chain intact"), "{verified}");

    let listed = succeeds(analyst(data, &["audit", "list", "--event", "user_added"]));
    assert!(
        listed.contains("dan") && listed.contains("erin"),
        "{listed}"
    );
    assert!(!listed.contains("password_changed"), "{listed}");
    let listed = succeeds(analyst(
        data,
        &[
            "audit",
            "list",
            "--user",
            "DAN",
            "--since",
            "2020-01-01",
            "--limit",
            "1",
        ],
    ));
    assert!(listed.contains("password_changed"), "{listed}");
    assert!(
        !listed.contains("user_added"),
        "newest first, one: {listed}"
    );
    let refused = analyst(data, &["audit", "list", "--event", "nonsense"]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("unknown audit event 'nonsense'"),
        "{}",
        stderr(&refused)
    );

    // Nothing is old enough to go; the pruning itself is recorded and the chain holds.
    let pruned = Command::new(env!("CARGO_BIN_EXE_analyst"))
        .arg("--data-dir")
        .arg(data)
        .args(["audit", "prune"])
        .env("ANALYST_AUDIT_RETENTION_DAYS", "30")
        .output()
        .unwrap();
    let pruned = succeeds(pruned);
    assert!(
        pruned.contains("Removed 0 audit entries older than 30 days"),
        "{pruned}"
    );
    let verified = succeeds(analyst(data, &["audit", "verify"]));
    assert!(verified.contains("4 entries, chain intact"), "{verified}");

    // Someone with the store file rewrites what the second entry says.
    let second = {
        let connection = analyst_store::open(
            &Location::DataDir(data.to_path_buf()),
            AccessMode::ReadWrite,
        )
        .unwrap();
        let ids = connection
            .query("SELECT id FROM app.audit_log ORDER BY id", &[])
            .unwrap();
        let second = ids.rows[1][0].as_i64().unwrap();
        connection
            .execute(
                "UPDATE app.audit_log SET detail = 'x' WHERE id = $1",
                &[Value::Int(second)],
            )
            .unwrap();
        second
    };
    let output = analyst(data, &["audit", "verify"]);
    assert!(!output.status.success(), "{}", stdout(&output));
    let message = stderr(&output);
    assert!(
        message.contains(&format!("audit entry {second} was altered")),
        "{message}"
    );
    assert_eq!(message.trim().lines().count(), 1, "one line: {message}");
}

#[test]
fn the_retention_comes_from_flags_environment_file_or_default() {
    let dir = tempfile::tempdir().unwrap();
    let config = |envs: &[(&str, &str)]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_analyst"));
        command
            .current_dir(dir.path())
            .arg("config")
            .env_remove("ANALYST_AUDIT_RETENTION_DAYS");
        for (name, value) in envs {
            command.env(name, value);
        }
        let text = succeeds(command.output().unwrap());
        text.lines()
            .find(|line| line.contains(" audit_retention_days "))
            .unwrap_or_default()
            .to_string()
    };
    let line = config(&[]);
    assert!(line.contains("365") && line.contains("default"), "{line}");
    std::fs::write(
        dir.path().join("analyst.toml"),
        "audit_retention_days = 90\n",
    )
    .unwrap();
    let line = config(&[]);
    assert!(
        line.contains("90") && line.contains("analyst.toml"),
        "{line}"
    );
    let line = config(&[("ANALYST_AUDIT_RETENTION_DAYS", "30")]);
    assert!(
        line.contains("30") && line.contains("environment"),
        "{line}"
    );
}
