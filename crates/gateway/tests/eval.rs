//! The question set, end to end: each `sales_by_dimension` question is asked of a real store
//! holding the demo business, and the answer's `meta.query` is judged by `eval/README.md`.
//! The figures behind the answers are checked independently in the semantic crate's tests;
//! here every understood question must also come back as a data answer, not an error.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use analyst_core::eval::{judge, parse_cases};
use analyst_demo::{DemoConfig, install};
use analyst_gateway::{AskContext, ask, load_vocabulary};
use analyst_store::{AccessMode, Location};
use chrono::NaiveDate;

const QUESTIONS: &str = include_str!("../../../eval/questions.jsonl");

/// The issue asks for at least 18 of the 23; this is the level reached, kept from slipping.
const REQUIRED_SALES_PASSES: usize = 23;

#[test]
fn the_question_set_is_understood_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let connection = analyst_store::open(
        &Location::DataDir(dir.path().to_path_buf()),
        AccessMode::ReadWrite,
    )
    .unwrap();
    let config = DemoConfig {
        lines: 20_000,
        seed: 42,
        start_date: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        end_date: NaiveDate::from_ymd_opt(2026, 11, 14).unwrap(),
        id_base: 0,
    };
    install::install(connection.as_ref(), &config, &mut |_| {}).unwrap();
    let vocabulary = load_vocabulary(connection.as_ref()).unwrap();

    let cases = parse_cases(QUESTIONS).unwrap();
    let sales: Vec<_> = cases
        .iter()
        .filter(|case| case.expect.tool.as_deref() == Some("sales_by_dimension"))
        .collect();
    assert_eq!(sales.len(), 23, "the question set changed");
    let mut passed = 0;
    for case in &sales {
        let answer = ask(
            connection.as_ref(),
            &vocabulary,
            &case.question,
            &AskContext { today: case.today },
        );
        match judge(&case.expect, answer.meta.query.as_ref()) {
            Ok(()) if answer.error.is_none() => {
                passed += 1;
                assert!(!answer.answer.is_empty());
                assert!(
                    answer.table.is_some(),
                    "{}: a data answer has a table",
                    case.id
                );
                println!("PASS {} {}", case.id, case.question);
            }
            Ok(()) => println!(
                "FAIL {} {}: answered with an error: {}",
                case.id, case.question, answer.answer
            ),
            Err(reasons) => println!("FAIL {} {}: {}", case.id, case.question, reasons.join("; ")),
        }
    }
    println!("sales_by_dimension score: {passed}/{}", sales.len());
    assert!(
        passed >= REQUIRED_SALES_PASSES,
        "score {passed}/{} fell below {REQUIRED_SALES_PASSES}",
        sales.len()
    );

    // Questions for tools that do not exist yet are declined honestly, never answered as sales.
    for case in cases
        .iter()
        .filter(|case| case.expect.tool.as_deref() != Some("sales_by_dimension"))
    {
        let answer = ask(
            connection.as_ref(),
            &vocabulary,
            &case.question,
            &AskContext { today: case.today },
        );
        assert!(
            answer.error.is_some(),
            "{}: '{}' must not be answered as a sales query",
            case.id,
            case.question
        );
        assert!(answer.meta.query.is_none());
    }
}
