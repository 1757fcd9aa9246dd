//! The audit log against a real store: the chain holds, and any edit or removal is named.

use std::time::Duration;

use analyst_store::{AccessMode, Connection, Location, Value};

use super::*;

fn store() -> (tempfile::TempDir, Box<dyn Connection>) {
    let dir = tempfile::tempdir().unwrap();
    let connection = analyst_store::open(
        &Location::DataDir(dir.path().to_path_buf()),
        AccessMode::ReadWrite,
    )
    .unwrap();
    (dir, connection)
}

/// Records `count` entries of varied shapes and returns their ids.
fn write(connection: &dyn Connection, count: usize) -> Vec<i64> {
    (0..count)
        .map(|n| {
            let entry = match n % 3 {
                0 => AuditEntry::new(AuditEvent::LoginFailed)
                    .username("mallory")
                    .ip(Some("10.0.0.9")),
                1 => AuditEntry::new(AuditEvent::ToolCall)
                    .user(7, "anna")
                    .company(1)
                    .workspace("sales")
                    .detail(format!("sales_by_dimension {{\"n\": {n}}}"))
                    .sql("SELECT 1\n-- with: colons and newlines")
                    .row_count(12)
                    .latency(Duration::from_millis(35)),
                _ => AuditEntry::new(AuditEvent::Query)
                    .user(8, "ben")
                    .detail("revenue"),
            };
            record_entry(connection, &entry).unwrap()
        })
        .collect()
}

#[test]
fn entries_are_chained_and_verify() {
    let (_dir, connection) = store();
    let ids = write(connection.as_ref(), 7);
    let report = verify(connection.as_ref()).unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!((report.intact, report.unchained), (7, 0));
    assert_eq!(report.first_id, Some(ids[0]));

    let records = list(connection.as_ref(), &AuditFilter::default()).unwrap();
    assert_eq!(records.len(), 7);
    let oldest = records.last().unwrap();
    assert_eq!(oldest.prev_hash.as_deref(), Some(GENESIS_HASH));
    for pair in records.windows(2) {
        assert_eq!(
            pair[0].prev_hash, pair[1].hash,
            "each links to the one before"
        );
    }
    assert_eq!(report.last_hash, records[0].hash);
    let tool_call = records.iter().find(|r| r.event == "tool_call").unwrap();
    assert_eq!(tool_call.workspace.as_deref(), Some("sales"));
    assert_eq!(
        (tool_call.row_count, tool_call.latency_ms),
        (Some(12), Some(35))
    );
    assert_eq!(tool_call.hash.as_ref().unwrap().len(), 64);
}

#[test]
fn an_edited_entry_is_named() {
    let (_dir, connection) = store();
    let ids = write(connection.as_ref(), 6);
    connection
        .execute(
            "UPDATE app.audit_log SET detail = 'x' WHERE id = $1",
            &[ids[3].into()],
        )
        .unwrap();
    let report = verify(connection.as_ref()).unwrap();
    let broken = report.broken.clone().unwrap();
    assert_eq!(broken.id, ids[3]);
    assert_eq!(broken.problem, ChainProblem::Altered);
    assert_eq!(report.intact, 3, "the entries before it are intact");
    assert!(
        broken
            .to_string()
            .contains(&format!("entry {} was altered", ids[3]))
    );

    // Rewriting the hash along with the field moves the break to the next entry.
    let (_dir, connection) = store();
    let ids = write(connection.as_ref(), 6);
    let mut forged = list(connection.as_ref(), &AuditFilter::default())
        .unwrap()
        .into_iter()
        .find(|record| record.id == ids[2])
        .unwrap();
    forged.detail = Some("nothing happened".into());
    connection
        .execute(
            "UPDATE app.audit_log SET detail = $1, hash = $2 WHERE id = $3",
            &[
                "nothing happened".into(),
                forged.computed_hash().into(),
                ids[2].into(),
            ],
        )
        .unwrap();
    let broken = verify(connection.as_ref()).unwrap().broken.unwrap();
    assert_eq!(
        broken,
        ChainBreak {
            id: ids[3],
            problem: ChainProblem::Unlinked {
                previous_id: ids[2]
            }
        }
    );
}

#[test]
fn a_removed_entry_breaks_the_chain_after_it() {
    let (_dir, connection) = store();
    let ids = write(connection.as_ref(), 5);
    connection
        .execute("DELETE FROM app.audit_log WHERE id = $1", &[ids[2].into()])
        .unwrap();
    let broken = verify(connection.as_ref()).unwrap().broken.unwrap();
    assert_eq!(broken.id, ids[3]);
    assert_eq!(
        broken.problem,
        ChainProblem::Unlinked {
            previous_id: ids[1]
        }
    );
}

#[test]
fn removing_the_newest_entries_is_seen_at_the_next_append() {
    let (_dir, connection) = store();
    let ids = write(connection.as_ref(), 5);
    connection
        .execute("DELETE FROM app.audit_log WHERE id >= $1", &[ids[3].into()])
        .unwrap();
    // The log alone still looks whole, but the next entry links to the removed newest one.
    assert!(verify(connection.as_ref()).unwrap().is_intact());
    let next = write(connection.as_ref(), 1)[0];
    let broken = verify(connection.as_ref()).unwrap().broken.unwrap();
    assert_eq!(broken.id, next);
    assert_eq!(
        broken.problem,
        ChainProblem::Unlinked {
            previous_id: ids[2]
        }
    );
}

#[test]
fn concurrent_writers_keep_one_chain() {
    let (_dir, connection) = store();
    let threads: Vec<_> = (0..8)
        .map(|thread| {
            let connection = connection.new_connection().unwrap();
            std::thread::spawn(move || {
                for n in 0..25 {
                    let entry = AuditEntry::new(AuditEvent::Query)
                        .user(thread, "worker")
                        .detail(format!("question {n} of thread {thread}"));
                    record_entry(connection.as_ref(), &entry).unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let report = verify(connection.as_ref()).unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.intact, 200);
    let forks = connection
        .query(
            "SELECT count(*) FROM (SELECT prev_hash FROM app.audit_log GROUP BY prev_hash HAVING count(*) > 1) AS forked",
            &[],
        )
        .unwrap();
    assert_eq!(forks.scalar().and_then(Value::as_i64), Some(0));
}

#[test]
fn verification_reads_page_after_page() {
    let (_dir, connection) = store();
    let ids = write(connection.as_ref(), 7);
    for page_size in [1, 2, 3, 7, 100] {
        let report = chain::verify_in_pages(connection.as_ref(), page_size).unwrap();
        assert!(report.is_intact(), "pages of {page_size}: {report:?}");
        assert_eq!(report.intact, 7);
    }
    // A removal right at a page boundary is still seen.
    connection
        .execute("DELETE FROM app.audit_log WHERE id = $1", &[ids[4].into()])
        .unwrap();
    for page_size in [2, 4, 5] {
        let broken = chain::verify_in_pages(connection.as_ref(), page_size)
            .unwrap()
            .broken
            .unwrap();
        assert_eq!(broken.id, ids[5], "pages of {page_size}");
    }
}

#[test]
fn entries_from_before_the_chain_are_skipped_but_not_after_it() {
    let (_dir, connection) = store();
    let old = "INSERT INTO app.audit_log (event, username) VALUES ('login_failed', 'old')";
    connection.execute(old, &[]).unwrap();
    connection.execute(old, &[]).unwrap();
    write(connection.as_ref(), 3);
    let report = verify(connection.as_ref()).unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!((report.intact, report.unchained), (3, 2));

    connection.execute(old, &[]).unwrap();
    let inserted = connection
        .query("SELECT max(id) FROM app.audit_log", &[])
        .unwrap()
        .scalar()
        .and_then(Value::as_i64)
        .unwrap();
    let broken = verify(connection.as_ref()).unwrap().broken.unwrap();
    assert_eq!(broken.id, inserted);
    assert_eq!(broken.problem, ChainProblem::MissingHash);
}

#[test]
fn pruning_keeps_the_rest_verifiable_and_is_recorded() {
    let (_dir, connection) = store();
    write(connection.as_ref(), 4);
    std::thread::sleep(Duration::from_millis(5));
    let cutoff = chrono::Utc::now().naive_utc();
    std::thread::sleep(Duration::from_millis(5));
    let kept = write(connection.as_ref(), 3);

    assert_eq!(prune(connection.as_ref(), cutoff).unwrap(), 4);
    let report = verify(connection.as_ref()).unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.intact, 4, "three kept and the prune's own entry");
    assert_eq!(report.first_id, Some(kept[0]));
    let newest = &list(connection.as_ref(), &AuditFilter::default()).unwrap()[0];
    assert_eq!(newest.event, "admin_change");
    assert!(
        newest.detail.as_deref().unwrap().contains("4 entries"),
        "{newest:?}"
    );
    // Nothing older than the cut-off left: nothing more to remove.
    assert_eq!(prune(connection.as_ref(), cutoff).unwrap(), 0);
    assert!(verify(connection.as_ref()).unwrap().is_intact());
}

#[test]
fn listing_filters_newest_first_and_pages_by_id() {
    let (_dir, connection) = store();
    write(connection.as_ref(), 9);
    let by_anna = AuditFilter {
        username: Some("ANNA".into()),
        ..AuditFilter::default()
    };
    let records = list(connection.as_ref(), &by_anna).unwrap();
    assert_eq!(records.len(), 3);
    assert!(records.windows(2).all(|pair| pair[0].id > pair[1].id));

    let failed = AuditFilter {
        event: Some(AuditEvent::LoginFailed),
        limit: 2,
        ..AuditFilter::default()
    };
    let first_page = list(connection.as_ref(), &failed).unwrap();
    assert_eq!(first_page.len(), 2);
    let rest = list(
        connection.as_ref(),
        &AuditFilter {
            before_id: Some(first_page[1].id),
            ..failed.clone()
        },
    )
    .unwrap();
    assert_eq!(rest.len(), 1);
    assert!(rest[0].id < first_page[1].id);

    let future = AuditFilter {
        since: Some(chrono::Utc::now().naive_utc() + chrono::Duration::hours(1)),
        ..AuditFilter::default()
    };
    assert!(list(connection.as_ref(), &future).unwrap().is_empty());
    let past = AuditFilter {
        until: Some(chrono::Utc::now().naive_utc() - chrono::Duration::hours(1)),
        ..AuditFilter::default()
    };
    assert!(list(connection.as_ref(), &past).unwrap().is_empty());
}

#[test]
fn long_fields_are_bounded_and_still_verify() {
    let (_dir, connection) = store();
    let huge = "x".repeat(10_000_000);
    let entry = AuditEntry::new(AuditEvent::LoginFailed)
        .username(&huge)
        .detail(format!("nul\0inside {huge}"));
    record_entry(connection.as_ref(), &entry).unwrap();
    let record = &list(connection.as_ref(), &AuditFilter::default()).unwrap()[0];
    assert_eq!(record.username.as_ref().unwrap().chars().count(), 200);
    assert!(!record.detail.as_ref().unwrap().contains('\0'));
    assert!(verify(connection.as_ref()).unwrap().is_intact());
}
