//! When an answer is handed to the next tier (doc 08): more than half of the tool calls
//! failing, an empty reply, a confused reply, more tool calls than the tier allows, an unknown
//! tool, invalid parameters.

use std::fmt;

use serde::Serialize;

use crate::conversation::ToolStatus;

/// Why an attempt was escalated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum Escalation {
    ToolCallsFailed { failed: usize, total: usize },
    EmptyReply,
    Confusion { phrase: String },
    TooManyToolCalls { count: usize, limit: usize },
    UnknownTool { name: String },
    InvalidArguments { tool: String },
}

impl fmt::Display for Escalation {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Escalation::ToolCallsFailed { failed, total } => {
                write!(formatter, "{failed} of {total} tool calls failed")
            }
            Escalation::EmptyReply => formatter.write_str("the reply was empty"),
            Escalation::Confusion { phrase } => write!(formatter, "the reply said \"{phrase}\""),
            Escalation::TooManyToolCalls { count, limit } => {
                write!(
                    formatter,
                    "{count} tool calls, more than the tier's {limit}"
                )
            }
            Escalation::UnknownTool { name } => {
                write!(formatter, "the model asked for unknown tool {name}")
            }
            Escalation::InvalidArguments { tool } => {
                write!(formatter, "the model sent invalid parameters to {tool}")
            }
        }
    }
}

/// Phrases of a model that could not answer (lower case; apostrophes normalised to `'`).
const CONFUSION_PHRASES: [&str; 16] = [
    "i'm not sure",
    "i am not sure",
    "i cannot determine",
    "i can't determine",
    "unable to determine",
    "i don't know",
    "i do not know",
    "i don't have enough information",
    "i do not have enough information",
    "i cannot answer",
    "i can't answer",
    "not enough data to",
    "ไม่แน่ใจ",
    "ไม่สามารถระบุ",
    "ไม่ทราบ",
    "ข้อมูลไม่เพียงพอ",
];

/// The confusion phrase `text` contains, if any.
fn confusion_phrase(text: &str) -> Option<&'static str> {
    let lower = text.to_lowercase().replace('’', "'");
    CONFUSION_PHRASES
        .into_iter()
        .find(|phrase| lower.contains(phrase))
}

/// The checks made on a final text reply, given the statuses of the attempt's tool calls.
pub(crate) fn after_answer(text: &str, statuses: &[ToolStatus]) -> Option<Escalation> {
    let failed = statuses
        .iter()
        .filter(|status| **status != ToolStatus::Ok)
        .count();
    if failed * 2 > statuses.len() {
        return Some(Escalation::ToolCallsFailed {
            failed,
            total: statuses.len(),
        });
    }
    if text.trim().is_empty() {
        return Some(Escalation::EmptyReply);
    }
    confusion_phrase(text).map(|phrase| Escalation::Confusion {
        phrase: phrase.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_reply_checks() {
        use ToolStatus::{Failed, InvalidArguments, Ok};
        assert_eq!(after_answer("Revenue was 5.", &[Ok, Failed]), None);
        assert_eq!(
            after_answer("Revenue was 5.", &[Ok, Failed, InvalidArguments]),
            Some(Escalation::ToolCallsFailed {
                failed: 2,
                total: 3
            })
        );
        assert_eq!(after_answer("  ", &[]), Some(Escalation::EmptyReply));
        assert_eq!(
            after_answer("I’m not sure which store you mean.", &[Ok]),
            Some(Escalation::Confusion {
                phrase: "i'm not sure".into()
            })
        );
        assert!(confusion_phrase("ขออภัย ไม่แน่ใจว่าหมายถึงร้านไหน").is_some());
    }
}
