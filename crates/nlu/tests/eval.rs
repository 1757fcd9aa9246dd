//! The question set (`eval/questions.jsonl`) judged by the rules of `eval/README.md`, on the
//! understanding alone (no store): every `sales_by_dimension` case must be read right, and the
//! questions for other tools must be declined, not answered as sales.

mod common;

use analyst_core::eval::{judge, parse_cases};
use analyst_nlu::{Understanding, understand};

const QUESTIONS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../eval/questions.jsonl"
));

/// Our goal; the minimum is 18.
const REQUIRED_SALES_PASSES: usize = 23;

#[test]
fn the_question_set_is_understood() {
    let vocabulary = common::demo_vocabulary();
    let cases = parse_cases(QUESTIONS).expect("the question set parses");
    let sales: Vec<_> = cases
        .iter()
        .filter(|case| case.expect.tool.as_deref() == Some("sales_by_dimension"))
        .collect();
    assert_eq!(sales.len(), 23, "the question set changed");

    let mut passed = 0;
    for case in &sales {
        let understanding = understand(&case.question, case.today, &vocabulary);
        let (query, confidence) = match &understanding {
            Understanding::Query { query, confidence } => (Some(query), *confidence),
            Understanding::NotUnderstood { .. } => (None, 0.0),
        };
        if let Some(query) = query {
            query.validate().expect("an understood query is valid");
        }
        match judge(&case.expect, query) {
            Ok(()) => {
                passed += 1;
                println!("PASS {} ({confidence:.2}) {}", case.id, case.question);
            }
            Err(reasons) => println!(
                "FAIL {} {}: {} — {:?}",
                case.id,
                case.question,
                reasons.join("; "),
                understanding
            ),
        }
    }
    println!("sales_by_dimension score: {passed}/{}", sales.len());

    let mut declined = 0;
    for case in cases
        .iter()
        .filter(|case| case.expect.tool.as_deref() != Some("sales_by_dimension"))
    {
        match understand(&case.question, case.today, &vocabulary) {
            Understanding::NotUnderstood {
                message,
                suggestions,
            } => {
                declined += 1;
                assert!(!message.is_empty());
                assert!((3..=5).contains(&suggestions.len()), "{suggestions:?}");
                println!("DECLINED {} {}: {message}", case.id, case.question);
            }
            Understanding::Query { query, .. } => {
                println!("WRONG {} {}: read as {query:?}", case.id, case.question)
            }
        }
    }
    assert_eq!(
        declined, 7,
        "questions for other tools must not become sales queries"
    );
    assert!(
        passed >= REQUIRED_SALES_PASSES,
        "score {passed}/{} fell below {REQUIRED_SALES_PASSES}",
        sales.len()
    );
}

#[test]
fn understood_eval_questions_are_confident() {
    let vocabulary = common::demo_vocabulary();
    let cases = parse_cases(QUESTIONS).expect("the question set parses");
    for case in cases
        .iter()
        .filter(|case| case.expect.tool.as_deref() == Some("sales_by_dimension"))
    {
        if let Understanding::Query { confidence, .. } =
            understand(&case.question, case.today, &vocabulary)
        {
            assert!(
                confidence >= 0.8,
                "{} {}: confidence {confidence}",
                case.id,
                case.question
            );
        }
    }
}
