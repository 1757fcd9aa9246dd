//! The signals of a question that call for a stronger model, in English and Thai: comparisons,
//! why/explain, multi-step requests, several intents, length and conversation depth.
//!
//! English keywords match whole words; Thai, written without spaces between words, matches
//! substrings (with keywords chosen not to occur inside common words, e.g. no bare แล้ว).

use std::fmt;

use serde::Serialize;

use crate::config::CostTier;

/// A kind of signal and the tier it argues for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    Comparison,
    WhyExplain,
    MultiStep,
    SeveralIntents,
    LongQuestion,
    DeepConversation,
}

impl SignalKind {
    /// Why/explain and multi-step questions need reasoning: premium signals. The others are
    /// standard signals.
    pub fn tier(self) -> CostTier {
        match self {
            SignalKind::WhyExplain | SignalKind::MultiStep => CostTier::Premium,
            _ => CostTier::Standard,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SignalKind::Comparison => "comparison",
            SignalKind::WhyExplain => "why/explain",
            SignalKind::MultiStep => "multi-step",
            SignalKind::SeveralIntents => "several intents",
            SignalKind::LongQuestion => "long question",
            SignalKind::DeepConversation => "deep conversation",
        }
    }
}

/// A signal found in a question, with what was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signal {
    pub kind: SignalKind,
    pub evidence: String,
}

impl fmt::Display for Signal {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} \"{}\"", self.kind.label(), self.evidence)
    }
}

/// Keywords of one signal kind: English phrases (whole words) and Thai substrings.
struct Keywords {
    kind: SignalKind,
    english: &'static [&'static str],
    thai: &'static [&'static str],
}

const KEYWORDS: [Keywords; 4] = [
    Keywords {
        kind: SignalKind::Comparison,
        english: &[
            "compare",
            "compared",
            "comparing",
            "comparison",
            "versus",
            "vs",
            "against",
            "than",
            "difference between",
            "year over year",
            "yoy",
            "month over month",
        ],
        thai: &["เทียบ", "มากกว่า", "น้อยกว่า", "ต่างกัน", "ความแตกต่าง"],
    },
    Keywords {
        kind: SignalKind::WhyExplain,
        english: &[
            "why",
            "explain",
            "explanation",
            "reason",
            "reasons",
            "cause",
            "caused",
            "causes",
            "what drove",
            "what drives",
            "drivers",
            "how come",
        ],
        thai: &["ทำไม", "อธิบาย", "สาเหตุ", "เพราะอะไร", "เหตุผล"],
    },
    Keywords {
        kind: SignalKind::MultiStep,
        english: &[
            "then",
            "after that",
            "afterwards",
            "based on that",
            "based on this",
            "using that",
            "use that",
            "step by step",
            "for each of",
            "and finally",
        ],
        thai: &["จากนั้น", "หลังจากนั้น", "แล้วค่อย", "ทีละขั้น", "แล้วนำ", "ต่อจากนั้น"],
    },
    Keywords {
        kind: SignalKind::SeveralIntents,
        english: &[
            "and also",
            "as well as",
            "also show",
            "also tell",
            "also list",
            "in addition",
            "along with",
            "plus",
        ],
        thai: &["และยัง", "พร้อมทั้ง", "อีกทั้ง", "รวมถึง"],
    },
];

/// More words than this make a long question.
const LONG_WORDS: usize = 30;
/// More characters than this make a long question (Thai has no spaces to count words by).
const LONG_CHARS: usize = 180;
/// This many earlier messages make a deep conversation.
const DEEP_CONVERSATION: usize = 4;

/// The signals of `question` asked after `conversation_depth` earlier messages; at most one
/// per kind.
pub(crate) fn detect(question: &str, conversation_depth: usize) -> Vec<Signal> {
    let lower = question.to_lowercase().replace('’', "'");
    let words: Vec<&str> = lower
        .split(|character: char| !(character.is_alphanumeric() || character == '\''))
        .filter(|word| !word.is_empty())
        .collect();
    let padded = format!(" {} ", words.join(" "));
    let mut signals = Vec::new();
    for keywords in &KEYWORDS {
        let english = keywords
            .english
            .iter()
            .find(|phrase| padded.contains(&format!(" {phrase} ")));
        let thai = keywords.thai.iter().find(|phrase| lower.contains(**phrase));
        if let Some(evidence) = english.or(thai) {
            signals.push(Signal {
                kind: keywords.kind,
                evidence: (*evidence).to_owned(),
            });
        }
    }
    let question_marks = question.matches(['?', '？']).count();
    if question_marks >= 2
        && !signals
            .iter()
            .any(|signal| signal.kind == SignalKind::SeveralIntents)
    {
        let evidence = format!("{question_marks} questions");
        signals.push(Signal {
            kind: SignalKind::SeveralIntents,
            evidence,
        });
    }
    let characters = question.chars().count();
    if words.len() > LONG_WORDS || characters > LONG_CHARS {
        let evidence = format!("{} words, {characters} characters", words.len());
        signals.push(Signal {
            kind: SignalKind::LongQuestion,
            evidence,
        });
    }
    if conversation_depth >= DEEP_CONVERSATION {
        let evidence = format!("{conversation_depth} earlier messages");
        signals.push(Signal {
            kind: SignalKind::DeepConversation,
            evidence,
        });
    }
    signals
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(question: &str, depth: usize) -> Vec<SignalKind> {
        detect(question, depth)
            .into_iter()
            .map(|signal| signal.kind)
            .collect()
    }

    #[test]
    fn english_keywords_match_whole_words_only() {
        assert_eq!(kinds("revenue of Thailand stores", 0), vec![]);
        assert_eq!(
            kinds("is Stride better than Nova", 0),
            vec![SignalKind::Comparison]
        );
    }

    #[test]
    fn thai_keywords_match_inside_a_sentence() {
        assert_eq!(
            kinds("ทำไมยอดขายลดลงเมื่อเทียบกับเดือนที่แล้ว", 0),
            vec![SignalKind::Comparison, SignalKind::WhyExplain]
        );
    }

    #[test]
    fn two_question_marks_are_several_intents() {
        assert_eq!(
            kinds("revenue by store? and margin by brand?", 0),
            vec![SignalKind::SeveralIntents]
        );
    }
}
