//! The question set, end to end: each question is asked of a real store holding the demo
//! business, and the answer's `meta.query` is judged by `eval/README.md`. The figures behind
//! the answers are checked independently in the semantic and tools crates' tests; here every
//! understood sales question must also come back as a data answer, not an error.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use analyst_core::eval::{judge, parse_cases};
use analyst_gateway::{AskContext, ask, load_vocabulary};
use common::demo_store;

const QUESTIONS: &str = include_str!("../../../eval/questions.jsonl");

/// The issue asks for at least 29 of the 30.
const REQUIRED_PASSES: usize = 29;

#[test]
fn the_question_set_is_understood_end_to_end() {
    let (_dir, connection) = demo_store(20_000, 42);
    let vocabulary = load_vocabulary(connection.as_ref()).unwrap();

    let cases = parse_cases(QUESTIONS).unwrap();
    assert_eq!(cases.len(), 30, "the question set changed");
    let mut passed = 0;
    for case in &cases {
        let answer = ask(
            connection.as_ref(),
            &vocabulary,
            &case.question,
            &AskContext::on(case.today),
        );
        assert!(!answer.answer.is_empty(), "{}: an empty answer", case.id);
        // Sales answers must carry their figures; tool answers are the tools' business, and
        // what is judged here is the understanding (`meta.query`).
        let sales = case.expect.tool.as_deref() == Some("sales_by_dimension");
        match judge(&case.expect, answer.meta.query.as_ref()) {
            Ok(()) if !sales || answer.error.is_none() => {
                passed += 1;
                if sales {
                    assert!(
                        answer.table.is_some(),
                        "{}: a data answer has a table",
                        case.id
                    );
                }
                println!("PASS {} {}", case.id, case.question);
            }
            Ok(()) => println!(
                "FAIL {} {}: answered with an error: {}",
                case.id, case.question, answer.answer
            ),
            Err(reasons) => println!("FAIL {} {}: {}", case.id, case.question, reasons.join("; ")),
        }
    }
    println!("score: {passed}/{}", cases.len());
    assert!(
        passed >= REQUIRED_PASSES,
        "score {passed}/{} fell below {REQUIRED_PASSES}",
        cases.len()
    );
}
