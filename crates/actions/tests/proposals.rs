//! Proposals on the demo business: every transition and the forbidden ones, rights, two
//! approvers for high risk, stale data, a payload altered after approval, expiry, idempotent
//! execution (twice, and a job left behind by a dead worker), and what each kind writes,
//! checked with SQL of its own.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};

use analyst_accounts::{
    AccessField, Rights, add_user_with_rights, check_rights, find_user, rights,
};
use analyst_actions::decide::{approve, expire_due, reject, request_execution};
use analyst_actions::execution::{Outcome, execute};
use analyst_actions::{
    ActionError, ActionSettings, Origin, Payload, ProposalFilter, ProposalRequest, ProposalState,
    Risk, create, list,
};
use analyst_core::SemanticQuery;
use analyst_demo::{DemoConfig, install};
use analyst_store::{Connection, Value};
use chrono::{Duration, NaiveDate, NaiveDateTime};

const PASSWORD: &str = "correct horse battery";

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

struct Store {
    connection: Box<dyn Connection + Send>,
    _dir: tempfile::TempDir,
}

impl Store {
    /// The demo business with `buyer` (buyer), `pm1`, `pm2`, `pm3` (purchase managers),
    /// `pm_lanna` (purchase manager of Lanna Outdoor only) and `clerk` (sales).
    fn new() -> Store {
        let dir = tempfile::tempdir().unwrap();
        let config = DemoConfig::new(20_000, 42, day("2026-11-14"));
        let connection = install::new_store(dir.path(), &config).unwrap();
        let store = Store {
            connection,
            _dir: dir,
        };
        store.user("buyer", &["buyer"], None);
        for name in ["pm1", "pm2", "pm3"] {
            store.user(name, &["purchase_manager"], None);
        }
        store.user("pm_lanna", &["purchase_manager"], Some("LANNA"));
        store.user("clerk", &["sales"], None);
        store
    }

    fn user(&self, name: &str, groups: &[&str], company: Option<&str>) {
        let groups: BTreeSet<String> = groups.iter().map(|group| group.to_string()).collect();
        let allowed = match company {
            Some(code) => BTreeMap::from([(AccessField::Company, vec![code.to_string()])]),
            None => BTreeMap::new(),
        };
        let change = check_rights(self.db(), &groups, &allowed).unwrap();
        add_user_with_rights(self.db(), name, PASSWORD, false, &change).unwrap();
    }

    fn db(&self) -> &dyn Connection {
        self.connection.as_ref()
    }

    fn rights(&self, name: &str) -> Rights {
        let user = find_user(self.db(), name).unwrap().unwrap();
        rights(self.db(), &user).unwrap()
    }

    fn scalar(&self, sql: &str, params: &[Value]) -> Value {
        self.db()
            .query(sql, params)
            .unwrap()
            .scalar()
            .cloned()
            .unwrap_or(Value::Null)
    }

    fn count(&self, sql: &str, params: &[Value]) -> i64 {
        self.scalar(sql, params).as_i64().unwrap()
    }

    /// Runs the reorder suggestion for Siam Sport and returns the stored suggestion ids of its
    /// first supplier's lines.
    fn suggestion_ids(&self) -> Vec<i64> {
        let query: SemanticQuery = serde_json::from_str(
            r#"{"tool":"reorder_suggestion","filters":[{"field":"company","op":"in","values":["Siam Sport Co., Ltd."]}],"limit":500}"#,
        )
        .unwrap();
        let result = analyst_tools::run(
            self.db(),
            &query,
            &analyst_tools::ToolContext::on(day("2026-11-15")),
        )
        .unwrap();
        let first = result.rows[0]["supplier"].clone();
        let ids: Vec<i64> = result
            .rows
            .iter()
            .filter(|row| row["supplier"] == first)
            .map(|row| row["suggestion_id"].as_i64().unwrap())
            .collect();
        assert!(!ids.is_empty());
        ids
    }

    fn propose(&self, settings: &ActionSettings, by: &str, request: ProposalRequest) -> i64 {
        let created = create(
            self.db(),
            settings,
            &self.rights(by),
            &request,
            &Origin::default(),
        )
        .unwrap();
        assert_eq!(created.len(), 1);
        created[0].id
    }

    fn order_request(&self) -> ProposalRequest {
        ProposalRequest::CreatePurchaseOrder {
            suggestion_ids: self.suggestion_ids(),
        }
    }

    fn state(&self, id: i64) -> ProposalState {
        analyst_actions::get(self.db(), id).unwrap().unwrap().state
    }

    fn analyst_orders(&self) -> i64 {
        self.count(
            "SELECT count(*) FROM silver.purchase_order WHERE source = 'analyst'",
            &[],
        )
    }
}

fn settings() -> ActionSettings {
    ActionSettings {
        today: Some(day("2026-11-15")),
        // Every demo order is low risk unless a test lowers these.
        medium_amount: 1e12,
        high_amount: 1e13,
        ..ActionSettings::default()
    }
}

fn key(id: i64) -> String {
    format!("AIPROP-{id:04}")
}

#[test]
fn a_purchase_order_goes_from_draft_to_executed_and_writes_exactly_its_payload() {
    let store = Store::new();
    let ids = store.suggestion_ids();
    let id = store.propose(
        &settings(),
        "buyer",
        ProposalRequest::CreatePurchaseOrder {
            suggestion_ids: ids.clone(),
        },
    );
    let proposal = analyst_actions::get(store.db(), id).unwrap().unwrap();
    assert_eq!(proposal.state, ProposalState::Draft);
    assert_eq!(proposal.reference, key(id));
    assert_eq!(proposal.required_group, "purchase_manager");
    assert_eq!(proposal.risk, Risk::Low);
    assert_eq!(proposal.preview.lines.len(), ids.len());
    let Payload::CreatePurchaseOrder(order) = &proposal.payload else {
        panic!("not a purchase order: {:?}", proposal.payload)
    };
    // The payload's lines are the stored suggestions, independently read.
    let expected: Vec<(i64, i64)> = store
        .db()
        .query(
            &format!(
                "SELECT product_id, qty FROM app.buying_suggestion WHERE id IN ({}) ORDER BY product_id",
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
            ),
            &[],
        )
        .unwrap()
        .rows
        .iter()
        .map(|row| (row[0].as_i64().unwrap(), row[1].as_i64().unwrap()))
        .collect();
    let mut proposed: Vec<(i64, i64)> = order
        .lines
        .iter()
        .map(|line| (line.product_id, line.qty))
        .collect();
    proposed.sort();
    assert_eq!(proposed, expected);

    // A buyer proposes; only a purchase manager approves.
    let refused = approve(store.db(), &store.rights("buyer"), &key(id), now()).unwrap_err();
    assert!(matches!(refused, ActionError::Forbidden(_)), "{refused}");
    // Nothing is executed before the approval.
    let early = request_execution(store.db(), &store.rights("pm1"), &key(id), now()).unwrap_err();
    assert!(matches!(early, ActionError::Conflict(_)), "{early}");
    let approved = approve(store.db(), &store.rights("pm1"), &key(id), now()).unwrap();
    assert_eq!(approved.state, ProposalState::Approved);
    assert_eq!(approved.approvals.len(), 1);
    assert_eq!(approved.approvals[0].payload_hash, proposal.payload_hash);
    // Approving does not execute.
    assert_eq!(store.analyst_orders(), 0);

    let pm1 = store.rights("pm1").user_id;
    let Outcome::Executed(result) = execute(store.db(), id, pm1, now(), None).unwrap() else {
        panic!("not executed")
    };
    assert_eq!(store.state(id), ProposalState::Executed);
    let order_id = result["purchase_order_id"].as_i64().unwrap();
    // The draft order as written, read back with SQL of its own.
    let header = store
        .db()
        .query(
            "SELECT state, supplier_id, company_id, source_id FROM silver.purchase_order WHERE id = $1",
            &[order_id.into()],
        )
        .unwrap();
    let header = &header.rows[0];
    assert_eq!(header[0].as_str(), Some("draft"));
    assert_eq!(header[1].as_i64(), Some(order.supplier_id));
    assert_eq!(header[2].as_i64(), Some(order.company_id));
    assert_eq!(header[3].as_str(), Some(key(id).as_str()));
    let lines = store
        .db()
        .query(
            "SELECT product_id, qty_ordered, CAST(price AS DOUBLE PRECISION) FROM silver.purchase_line \
             WHERE order_id = $1 ORDER BY product_id",
            &[order_id.into()],
        )
        .unwrap();
    let mut payload_lines: Vec<(i64, i64, f64)> = order
        .lines
        .iter()
        .map(|line| (line.product_id, line.qty, line.unit_price))
        .collect();
    payload_lines.sort_by_key(|line| line.0);
    let written: Vec<(i64, i64, f64)> = lines
        .rows
        .iter()
        .map(|row| {
            (
                row[0].as_i64().unwrap(),
                row[1].as_i64().unwrap(),
                row[2].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(written, payload_lines);
    assert_eq!(
        store.count(
            &format!(
                "SELECT count(*) FROM app.buying_suggestion WHERE state = 'accepted' AND id IN ({})",
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
            ),
            &[]
        ),
        ids.len() as i64
    );

    // Executing again writes nothing more and returns the same result.
    let Outcome::Executed(again) = execute(store.db(), id, pm1, now(), None).unwrap() else {
        panic!("not executed")
    };
    assert_eq!(again, result);
    assert_eq!(store.analyst_orders(), 1);
    // Decided proposals cannot be decided again.
    for refused in [
        approve(store.db(), &store.rights("pm2"), &key(id), now()).unwrap_err(),
        reject(
            store.db(),
            &store.rights("pm2"),
            &key(id),
            "too late",
            now(),
        )
        .unwrap_err(),
    ] {
        assert!(matches!(refused, ActionError::Conflict(_)), "{refused}");
    }
    let steps: Vec<String> = analyst_actions::proposal::events(store.db(), id)
        .unwrap()
        .into_iter()
        .map(|event| event.step)
        .collect();
    assert_eq!(steps, ["created", "approved", "executed"]);
}

#[test]
fn rights_bound_who_proposes_sees_and_decides() {
    let store = Store::new();
    // A sales clerk may not propose purchase orders.
    let refused = create(
        store.db(),
        &settings(),
        &store.rights("clerk"),
        &store.order_request(),
        &Origin::default(),
    )
    .unwrap_err();
    assert!(matches!(refused, ActionError::Forbidden(_)), "{refused}");
    let id = store.propose(&settings(), "buyer", store.order_request());
    // Lanna's purchase manager does not see a Siam Sport order: not found, not forbidden.
    let lanna = store.rights("pm_lanna");
    for refused in [
        approve(store.db(), &lanna, &key(id), now()).unwrap_err(),
        reject(store.db(), &lanna, &key(id), "no", now()).unwrap_err(),
        request_execution(store.db(), &lanna, &key(id), now()).unwrap_err(),
    ] {
        assert!(matches!(refused, ActionError::NotFound(_)), "{refused}");
    }
    assert!(
        list(store.db(), &lanna, &ProposalFilter::default())
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        list(
            store.db(),
            &store.rights("buyer"),
            &ProposalFilter::default()
        )
        .unwrap()
        .len(),
        1
    );
    let pending = ProposalFilter {
        pending_for_me: true,
        ..ProposalFilter::default()
    };
    assert_eq!(
        list(store.db(), &store.rights("pm2"), &pending)
            .unwrap()
            .len(),
        1
    );
    assert!(
        list(store.db(), &store.rights("buyer"), &pending)
            .unwrap()
            .is_empty()
    );

    // Approved, then the approver loses the group: the execution checks the rights again.
    approve(store.db(), &store.rights("pm1"), &key(id), now()).unwrap();
    let pm1 = store.rights("pm1").user_id;
    store
        .db()
        .execute(
            "DELETE FROM app.user_membership WHERE user_id = $1",
            &[pm1.into()],
        )
        .unwrap();
    let refused = execute(store.db(), id, pm1, now(), None).unwrap_err();
    assert!(matches!(refused, ActionError::Forbidden(_)), "{refused}");
    assert_eq!(store.state(id), ProposalState::Approved);
    assert_eq!(store.analyst_orders(), 0);
}

#[test]
fn a_high_risk_proposal_needs_two_approvers_other_than_its_requester() {
    let store = Store::new();
    let high = ActionSettings {
        medium_amount: 1.0,
        high_amount: 2.0,
        ..settings()
    };
    // A purchase manager may propose too; then they may not approve their own high-risk one.
    let id = store.propose(&high, "pm1", store.order_request());
    let proposal = analyst_actions::get(store.db(), id).unwrap().unwrap();
    assert_eq!(proposal.risk, Risk::High);
    assert_eq!(proposal.approvals_needed, 2);
    let own = approve(store.db(), &store.rights("pm1"), &key(id), now()).unwrap_err();
    assert!(matches!(own, ActionError::Forbidden(_)), "{own}");
    let first = approve(store.db(), &store.rights("pm2"), &key(id), now()).unwrap();
    assert_eq!(first.state, ProposalState::Reviewed);
    let twice = approve(store.db(), &store.rights("pm2"), &key(id), now()).unwrap_err();
    assert!(matches!(twice, ActionError::Conflict(_)), "{twice}");
    let early = request_execution(store.db(), &store.rights("pm2"), &key(id), now()).unwrap_err();
    assert!(matches!(early, ActionError::Conflict(_)), "{early}");
    let second = approve(store.db(), &store.rights("pm3"), &key(id), now()).unwrap();
    assert_eq!(second.state, ProposalState::Approved);
    assert_eq!(second.approvals.len(), 2);
    let pm3 = store.rights("pm3").user_id;
    assert!(matches!(
        execute(store.db(), id, pm3, now(), None).unwrap(),
        Outcome::Executed(_)
    ));
    assert_eq!(store.analyst_orders(), 1);
}

#[test]
fn stale_data_and_an_altered_payload_fail_safely_without_writing() {
    let store = Store::new();
    let stale = store.propose(&settings(), "buyer", store.order_request());
    approve(store.db(), &store.rights("pm1"), &key(stale), now()).unwrap();
    let Payload::CreatePurchaseOrder(order) = analyst_actions::get(store.db(), stale)
        .unwrap()
        .unwrap()
        .payload
    else {
        panic!()
    };
    let line = &order.lines[0];
    // The supplier raised a price after the approval.
    store
        .db()
        .execute(
            "UPDATE silver.supplier_product SET price = price + 10 WHERE product_id = $1 AND supplier_id = $2",
            &[line.product_id.into(), order.supplier_id.into()],
        )
        .unwrap();
    let pm1 = store.rights("pm1").user_id;
    let Outcome::Failed(reason) = execute(store.db(), stale, pm1, now(), None).unwrap() else {
        panic!("executed with a stale price")
    };
    assert!(
        reason.contains(&line.sku) && reason.contains("price"),
        "{reason}"
    );
    let failed = analyst_actions::get(store.db(), stale).unwrap().unwrap();
    assert_eq!(failed.state, ProposalState::Failed);
    assert_eq!(failed.reason.as_deref(), Some(reason.as_str()));
    assert_eq!(store.analyst_orders(), 0);

    // Approve X, then someone edits the stored payload to Y: nothing is written.
    let reorder = ProposalRequest::UpdateReorderRule {
        sku: line.sku.clone(),
        store: "WH-BNA".into(),
        min_qty: 5,
        max_qty: 20,
    };
    let altered = store.propose(&settings(), "buyer", reorder);
    approve(store.db(), &store.rights("pm1"), &key(altered), now()).unwrap();
    store
        .db()
        .execute(
            "UPDATE app.proposal SET payload = replace(payload, '\"max_qty\":20', '\"max_qty\":2000') WHERE id = $1",
            &[altered.into()],
        )
        .unwrap();
    let Outcome::Failed(reason) = execute(store.db(), altered, pm1, now(), None).unwrap() else {
        panic!("executed an altered payload")
    };
    assert!(reason.contains("hash"), "{reason}");
    assert_eq!(
        store.count("SELECT count(*) FROM silver.reorder_rule", &[]),
        0
    );
}

#[test]
fn undecided_proposals_expire_and_rejected_ones_leave_only_their_history() {
    let store = Store::new();
    let id = store.propose(&settings(), "buyer", store.order_request());
    let created = analyst_actions::get(store.db(), id)
        .unwrap()
        .unwrap()
        .created_at;
    // Not yet due a day before.
    assert!(
        expire_due(store.db(), created + Duration::days(6))
            .unwrap()
            .is_empty()
    );
    let later = created + Duration::days(7) + Duration::seconds(1);
    let late = approve(store.db(), &store.rights("pm1"), &key(id), later).unwrap_err();
    assert!(matches!(late, ActionError::Conflict(_)), "{late}");
    assert_eq!(store.state(id), ProposalState::Expired);

    let rejected = store.propose(&settings(), "buyer", store.order_request());
    let no_reason =
        reject(store.db(), &store.rights("pm1"), &key(rejected), " ", now()).unwrap_err();
    assert!(matches!(no_reason, ActionError::Invalid(_)), "{no_reason}");
    let done = reject(
        store.db(),
        &store.rights("pm1"),
        &key(rejected),
        "we order from them next month",
        now(),
    )
    .unwrap();
    assert_eq!(done.state, ProposalState::Rejected);
    assert_eq!(
        done.reason.as_deref(),
        Some("we order from them next month")
    );
    let refused =
        request_execution(store.db(), &store.rights("pm1"), &key(rejected), now()).unwrap_err();
    assert!(matches!(refused, ActionError::Conflict(_)), "{refused}");
    assert_eq!(store.analyst_orders(), 0);
    assert_eq!(
        store.count(
            "SELECT count(*) FROM app.buying_suggestion WHERE state <> 'new'",
            &[]
        ),
        0
    );
}

#[test]
fn the_same_idempotency_key_returns_the_same_proposals() {
    let store = Store::new();
    let origin = Origin {
        idempotency_key: Some("answer-42".into()),
        ..Origin::default()
    };
    let request = store.order_request();
    let rights = store.rights("buyer");
    let first = create(store.db(), &settings(), &rights, &request, &origin).unwrap();
    let again = create(store.db(), &settings(), &rights, &request, &origin).unwrap();
    assert_eq!(
        first.iter().map(|p| p.id).collect::<Vec<_>>(),
        again.iter().map(|p| p.id).collect::<Vec<_>>()
    );
    assert_eq!(store.count("SELECT count(*) FROM app.proposal", &[]), 1);
}

#[test]
fn an_execution_job_left_by_a_dead_worker_runs_again_and_writes_once() {
    let store = Store::new();
    let id = store.propose(&settings(), "buyer", store.order_request());
    approve(store.db(), &store.rights("pm1"), &key(id), now()).unwrap();
    let (_, job) = request_execution(store.db(), &store.rights("pm1"), &key(id), now()).unwrap();
    // Asking again while it waits gives the same job.
    let (_, same) = request_execution(store.db(), &store.rights("pm1"), &key(id), now()).unwrap();
    assert_eq!(same.id, job.id);
    // A worker claims it and dies before writing anything.
    let claimed = analyst_jobs::queue::claim(
        store.db(),
        "dead-worker",
        &["proposal_execute"],
        chrono::Duration::minutes(5),
    )
    .unwrap()
    .unwrap();
    assert_eq!(claimed.id, job.id);
    assert_eq!(analyst_jobs::queue::requeue_orphans(store.db()).unwrap(), 1);
    // A new worker pool picks it up and finishes it.
    let pool = analyst_store::Pool::new(store.db().new_connection().unwrap(), 2);
    let auditor: analyst_actions::execution::Auditor = std::sync::Arc::new(|_| {});
    let workers = analyst_jobs::Workers::start(
        &pool,
        analyst_actions::execution::kinds(&auditor, None),
        analyst_jobs::WorkerSettings {
            workers: 1,
            poll: std::time::Duration::from_millis(20),
            report_every: std::time::Duration::from_millis(20),
            requeue_at_start: false,
        },
        "test",
    )
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while store.state(id) != ProposalState::Executed {
        assert!(std::time::Instant::now() < deadline, "not executed in time");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    workers.stop();
    let finished = analyst_jobs::queue::get(store.db(), job.id)
        .unwrap()
        .unwrap();
    assert_eq!(finished.state, analyst_jobs::JobState::Succeeded);
    assert_eq!(store.analyst_orders(), 1);
    // One more run of the job (a retry after a crash past the commit) writes nothing.
    let pm1 = store.rights("pm1").user_id;
    execute(store.db(), id, pm1, now(), None).unwrap();
    assert_eq!(store.analyst_orders(), 1);
}

#[test]
fn reorder_rules_archiving_and_tasks_write_what_they_preview() {
    let store = Store::new();
    let sku: String = store
        .scalar(
            "SELECT sku FROM silver.product WHERE active ORDER BY id LIMIT 1",
            &[],
        )
        .as_str()
        .unwrap()
        .to_string();
    let pm1 = store.rights("pm1").user_id;

    let rule = store.propose(
        &settings(),
        "buyer",
        ProposalRequest::UpdateReorderRule {
            sku: sku.to_lowercase(),
            store: "wh-bna".into(),
            min_qty: 6,
            max_qty: 30,
        },
    );
    let preview = analyst_actions::get(store.db(), rule)
        .unwrap()
        .unwrap()
        .preview;
    assert_eq!(preview.lines[0].before, None);
    assert_eq!(preview.lines[0].after.as_deref(), Some("min 6 / max 30"));
    approve(store.db(), &store.rights("pm1"), &key(rule), now()).unwrap();
    execute(store.db(), rule, pm1, now(), None).unwrap();
    let levels = store
        .db()
        .query(
            "SELECT r.min_qty, r.max_qty FROM silver.reorder_rule r JOIN silver.product p ON p.id = r.product_id \
             JOIN silver.store s ON s.id = r.store_id WHERE p.sku = $1 AND s.code = 'WH-BNA'",
            &[sku.clone().into()],
        )
        .unwrap();
    assert_eq!(levels.rows[0][0].as_i64(), Some(6));
    assert_eq!(levels.rows[0][1].as_i64(), Some(30));
    // A second proposal shows the rule as it is now; someone changes it before the
    // execution: the proposal fails instead of overwriting that change.
    let change = store.propose(
        &settings(),
        "buyer",
        ProposalRequest::UpdateReorderRule {
            sku: sku.clone(),
            store: "WH-BNA".into(),
            min_qty: 10,
            max_qty: 40,
        },
    );
    let preview = analyst_actions::get(store.db(), change)
        .unwrap()
        .unwrap()
        .preview;
    assert_eq!(preview.lines[0].before.as_deref(), Some("min 6 / max 30"));
    approve(store.db(), &store.rights("pm1"), &key(change), now()).unwrap();
    store
        .db()
        .execute("UPDATE silver.reorder_rule SET max_qty = 35", &[])
        .unwrap();
    assert!(matches!(
        execute(store.db(), change, pm1, now(), None).unwrap(),
        Outcome::Failed(_)
    ));

    // Archiving: a restricted user may not propose it; the product ends inactive.
    let refused = create(
        store.db(),
        &settings(),
        &store.rights("pm_lanna"),
        &ProposalRequest::ArchiveProduct {
            skus: vec![sku.clone()],
        },
        &Origin::default(),
    )
    .unwrap_err();
    assert!(matches!(refused, ActionError::Forbidden(_)), "{refused}");
    let archive = store.propose(
        &settings(),
        "buyer",
        ProposalRequest::ArchiveProduct {
            skus: vec![sku.clone()],
        },
    );
    let proposal = analyst_actions::get(store.db(), archive).unwrap().unwrap();
    assert_eq!(proposal.risk, Risk::Medium);
    let on_hand = store.count(
        "SELECT COALESCE(SUM(l.on_hand), 0) FROM silver.stock_level l JOIN silver.product p ON p.id = l.product_id WHERE p.sku = $1",
        &[sku.clone().into()],
    );
    let Payload::ArchiveProduct(payload) = &proposal.payload else {
        panic!()
    };
    assert_eq!(payload.products[0].on_hand, on_hand);
    approve(store.db(), &store.rights("pm1"), &key(archive), now()).unwrap();
    execute(store.db(), archive, pm1, now(), None).unwrap();
    assert_eq!(
        store.scalar(
            "SELECT active FROM silver.product WHERE sku = $1",
            &[sku.clone().into()]
        ),
        Value::Bool(false)
    );

    // A follow-up task: approved by the sales group, written once.
    let customer: String = store
        .scalar("SELECT name FROM silver.customer ORDER BY id LIMIT 1", &[])
        .as_str()
        .unwrap()
        .to_string();
    let task = store.propose(
        &settings(),
        "buyer",
        ProposalRequest::CreateActivity {
            assignee: "clerk".into(),
            summary: "Call about the drop in orders".into(),
            note: String::new(),
            due_date: day("2026-11-20"),
            customer: Some(customer.clone()),
        },
    );
    // A purchase manager neither asked for it nor decides it: for them it does not exist.
    let refused = approve(store.db(), &store.rights("pm1"), &key(task), now()).unwrap_err();
    assert!(matches!(refused, ActionError::NotFound(_)), "{refused}");
    approve(store.db(), &store.rights("clerk"), &key(task), now()).unwrap();
    let clerk = store.rights("clerk").user_id;
    execute(store.db(), task, clerk, now(), None).unwrap();
    execute(store.db(), task, clerk, now(), None).unwrap();
    let tasks = store
        .db()
        .query(
            "SELECT a.assignee_id, a.summary, c.name FROM app.activity a JOIN silver.customer c ON c.id = a.customer_id",
            &[],
        )
        .unwrap();
    assert_eq!(tasks.rows.len(), 1);
    assert_eq!(tasks.rows[0][0].as_i64(), Some(clerk));
    assert_eq!(tasks.rows[0][2].as_str(), Some(customer.as_str()));
    // A due date in the past is refused.
    let past = create(
        store.db(),
        &settings(),
        &store.rights("clerk"),
        &ProposalRequest::CreateActivity {
            assignee: "clerk".into(),
            summary: "Too late".into(),
            note: String::new(),
            due_date: day("2026-11-01"),
            customer: None,
        },
        &Origin::default(),
    )
    .unwrap_err();
    assert!(matches!(past, ActionError::Invalid(_)), "{past}");
}
