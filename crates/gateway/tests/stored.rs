//! What the server writes in the background, written in batches: messages keep their order
//! within a conversation, and usage is summed per user and hour.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use analyst_core::Answer;
use analyst_core::answer::Meta;
use analyst_gateway::budgets::{Charge, charge_all, usage};
use analyst_gateway::conversations::{self, NewMessage};
use analyst_store::{AccessMode, Connection, Location, transaction};
use chrono::NaiveDateTime;

fn store() -> (tempfile::TempDir, Box<dyn Connection>) {
    let dir = tempfile::tempdir().unwrap();
    let connection = analyst_store::open(
        &Location::DataDir(dir.path().to_path_buf()),
        AccessMode::ReadWrite,
    )
    .unwrap();
    (dir, connection)
}

fn answer(text: &str) -> Answer {
    Answer::error(text, Meta::default())
}

#[test]
fn a_batch_of_messages_keeps_each_conversation_in_order() {
    let (_dir, connection) = store();
    let first = NewMessage::new(None, 7, "sales", "revenue by brand", &answer("a1")).unwrap();
    let id = first.conversation_id.clone();
    let other = NewMessage::new(None, 7, "buying", "dead stock", &answer("b1")).unwrap();
    let batch = vec![
        first,
        other,
        NewMessage::new(Some(&id), 7, "sales", "and by store?", &answer("a2")).unwrap(),
        NewMessage::new(Some(&id), 7, "sales", "only online", &answer("a3")).unwrap(),
    ];
    transaction(connection.as_ref(), || {
        NewMessage::save_all(connection.as_ref(), &batch)
    })
    .unwrap();
    let later = NewMessage::new(Some(&id), 7, "sales", "last year?", &answer("a4")).unwrap();
    transaction(connection.as_ref(), || {
        NewMessage::save_all(connection.as_ref(), std::slice::from_ref(&later))
    })
    .unwrap();
    let questions: Vec<String> = conversations::messages(connection.as_ref(), 7, &id)
        .unwrap()
        .into_iter()
        .map(|message| message.question)
        .collect();
    assert_eq!(
        questions,
        [
            "revenue by brand",
            "and by store?",
            "only online",
            "last year?"
        ]
    );
    let listed = conversations::list(connection.as_ref(), 7).unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].id, id, "the most recently active first");
    assert_eq!(listed[0].message_count, 4);
    assert!(
        conversations::get(connection.as_ref(), 8, &id).is_err(),
        "not another user's"
    );
}

#[test]
fn charges_are_summed_per_user_and_hour() {
    let (_dir, connection) = store();
    let at = |text: &str| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    let charge = |user_id, moment: &str, rows| Charge {
        user_id,
        at: at(moment),
        rows,
        milliseconds: 10,
        llm_tokens: 0,
    };
    let batch = [
        charge(1, "2026-11-25 09:10", 5),
        charge(1, "2026-11-25 09:50", 7),
        charge(1, "2026-11-25 10:05", 1),
        charge(2, "2026-11-25 10:06", 100),
    ];
    transaction(connection.as_ref(), || {
        charge_all(connection.as_ref(), &batch)
    })
    .unwrap();
    transaction(connection.as_ref(), || {
        charge_all(connection.as_ref(), &[charge(1, "2026-11-25 10:30", 2)])
    })
    .unwrap();
    let first = usage(connection.as_ref(), 1, at("2026-11-25 10:40")).unwrap();
    assert_eq!(first.queries_this_hour, 2);
    assert_eq!(first.queries_today, 4);
    assert_eq!(first.rows_today, 15);
    assert_eq!(first.milliseconds_today, 40);
    let second = usage(connection.as_ref(), 2, at("2026-11-26 08:00")).unwrap();
    assert_eq!(second.queries_today, 0, "a new day starts from zero");
}
