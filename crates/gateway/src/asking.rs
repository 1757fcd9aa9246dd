//! A question in a conversation → an answer: a follow-up of the previous query ("and by
//! store?"), a query of its own, a clarifying question with choices, or an honest "not
//! understood" with suggestions. A confident parse is answered deterministically; the others
//! go to the model route when providers are configured (see [`crate::llm`]).

use std::time::Instant;

use analyst_core::answer::{Action, Meta};
use analyst_core::{Answer, SemanticQuery};
use analyst_nlu::{Choice, Understanding, Vocabulary};
use analyst_store::Connection;

use crate::{AskContext, DETERMINISTIC_ROUTE, answer_query, elapsed_ms, llm};

/// The confidence shown with a clarifying question: the analyst did not settle on a reading.
const CLARIFYING_CONFIDENCE: f64 = 0.4;

/// Answers a question that may follow up `previous`, the last query of its conversation ("and
/// by store?", "only online"); such an answer starts with how the follow-up was read.
pub fn ask_in_conversation(
    connection: &dyn Connection,
    vocabulary: &Vocabulary,
    question: &str,
    context: &AskContext,
    previous: Option<&SemanticQuery>,
) -> Answer {
    let started = Instant::now();
    // The router counts earlier messages; a conversation with a previous query has at least
    // its question and answer.
    let depth = if previous.is_some() { 2 } else { 0 };
    let follow_up = previous
        .and_then(|previous| analyst_nlu::follow_up(question, context.today, vocabulary, previous));
    if let Some(follow_up) = follow_up {
        let mut answer = answer_query(connection, follow_up.query, context);
        answer.meta.confidence = follow_up.confidence;
        answer.meta.total_time_ms = elapsed_ms(started);
        answer.answer = format!(
            "Read as a follow-up: {}. {}",
            follow_up.reading, answer.answer
        );
        return answer;
    }
    match analyst_nlu::understand(question, context.today, vocabulary) {
        Understanding::Query { query, confidence } => {
            let mut answer = answer_query(connection, query, context);
            answer.meta.confidence = confidence;
            answer.meta.total_time_ms = elapsed_ms(started);
            answer
        }
        Understanding::Clarify {
            question: clarifying,
            choices,
        } => {
            let fallback = clarification(clarifying, &choices, started);
            llm::answer_or(connection, vocabulary, question, context, depth, fallback)
        }
        Understanding::NotUnderstood {
            message,
            suggestions,
        } => {
            let mut text = message;
            if !suggestions.is_empty() {
                text.push_str(" Try for example: ");
                text.push_str(
                    &suggestions
                        .iter()
                        .map(|suggestion| format!("\"{suggestion}\""))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
            }
            let meta = Meta {
                route: DETERMINISTIC_ROUTE.into(),
                total_time_ms: elapsed_ms(started),
                ..Meta::default()
            };
            let fallback = Answer::error(text, meta);
            llm::answer_or(connection, vocabulary, question, context, depth, fallback)
        }
    }
}

/// A clarifying question: no figures, one `ask` action per reading, whose `params.question`
/// is the question to ask instead.
fn clarification(question: String, choices: &[Choice], started: Instant) -> Answer {
    let listed: Vec<String> = choices
        .iter()
        .map(|choice| format!("\"{}\"", choice.question))
        .collect();
    let meta = Meta {
        route: DETERMINISTIC_ROUTE.into(),
        total_time_ms: elapsed_ms(started),
        confidence: CLARIFYING_CONFIDENCE,
        ..Meta::default()
    };
    let mut answer = Answer::error(
        format!("{question} Ask for example {}.", listed.join(" or ")),
        meta,
    );
    answer.error = None;
    answer.actions = choices
        .iter()
        .map(|choice| Action {
            kind: "ask".into(),
            label: choice.label.clone(),
            enabled: true,
            params: serde_json::json!({ "question": choice.question }),
        })
        .collect();
    answer
}
