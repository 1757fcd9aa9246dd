//! What every question is read against, derived once from a [`Vocabulary`]: the value index,
//! the words spelling may correct to, and the synonym rewrites. A store's vocabulary holds
//! thousands of customer names; indexing them for each question cost more than the rest of the
//! reading, so it is done at the first question and kept with the vocabulary.

use std::fmt;
use std::sync::{Arc, OnceLock};

use crate::Vocabulary;
use crate::lexicon;
use crate::synonyms::{self, Rewrites};
use crate::vocabulary::ValueIndex;

/// The prepared form of a vocabulary, built at its first question. A vocabulary is not changed
/// once it has been asked (the server builds a new one when the data or the dictionary change).
#[derive(Clone, Default)]
pub struct Prepared(OnceLock<Arc<Compiled>>);

impl fmt::Debug for Prepared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "Prepared(built)"
        } else {
            "Prepared(not yet)"
        })
    }
}

pub(crate) struct Compiled {
    pub(crate) index: ValueIndex,
    /// English synonyms rewritten to the words the parser knows.
    pub(crate) english_synonyms: Rewrites,
    /// Thai names (of values, dimensions and measures) and what they stand for.
    pub(crate) thai_names: Vec<(String, String)>,
    /// Every word spelling may correct to, sorted.
    pub(crate) known_words: Vec<String>,
}

/// The prepared form of `vocabulary`, built on first use.
pub(crate) fn prepared(vocabulary: &Vocabulary) -> Arc<Compiled> {
    vocabulary
        .prepared
        .0
        .get_or_init(|| {
            let index = ValueIndex::build(vocabulary);
            let (english_synonyms, mut thai_names) =
                synonyms::rewrites(vocabulary, &lexicon::is_builtin);
            thai_names.extend(index.thai.iter().cloned());
            let known_words = lexicon::known_words(&index);
            Arc::new(Compiled {
                index,
                english_synonyms,
                thai_names,
                known_words,
            })
        })
        .clone()
}
