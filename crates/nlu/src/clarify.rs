//! Clarifying questions: when words name values of several dimensions ("Peak": the brand
//! Peak Motion or the supplier Peak Motion Thailand) the analyst asks which one, offering each
//! reading as a question to ask again, instead of guessing silently.

use analyst_core::Dimension;

use crate::text::Tokens;
use crate::vocabulary::{ValueMatch, values_containing};
use crate::{Choice, Understanding, Vocabulary};

/// At most this many readings are offered.
const MAX_CHOICES: usize = 5;

/// A clarifying question for the first ambiguous value, if any. A single ambiguous word also
/// offers the other values holding it ("Siam": the store Bangkok Siam too).
pub(crate) fn ask(
    tokens: &Tokens,
    values: &[ValueMatch],
    vocabulary: &Vocabulary,
    allowed: &dyn Fn(Dimension) -> bool,
) -> Option<Understanding> {
    let value = values.iter().find(|value| !value.alternatives.is_empty())?;
    let typed = tokens.raw_phrase(value.start, value.len);
    let mut readings = value.alternatives.clone();
    if value.len == 1 {
        for reading in values_containing(vocabulary, tokens.word(value.start), 20) {
            let product = matches!(reading.0, Dimension::Product | Dimension::Customer);
            if allowed(reading.0) && !product && !readings.contains(&reading) {
                readings.push(reading);
            }
        }
    }
    readings.truncate(MAX_CHOICES);
    let choices = readings
        .iter()
        .map(|(dimension, name)| {
            let label = format!("{} {name}", dimension.label().to_lowercase());
            let mut words: Vec<String> = Vec::with_capacity(tokens.len() + 2);
            if value.start > 0 {
                words.push(tokens.raw_phrase(0, value.start));
            }
            words.push(label.clone());
            let end = value.start + value.len;
            if end < tokens.len() {
                words.push(tokens.raw_phrase(end, tokens.len() - end));
            }
            Choice {
                label,
                question: words.join(" "),
            }
        })
        .collect::<Vec<_>>();
    let listed: Vec<&str> = choices.iter().map(|choice| choice.label.as_str()).collect();
    let question = match listed.split_last() {
        Some((last, [])) => format!("Do you mean the {last}?"),
        Some((last, rest)) => format!(
            "By \"{typed}\", do you mean the {} or the {last}?",
            rest.join(", the ")
        ),
        None => return None,
    };
    Some(Understanding::Clarify { question, choices })
}
