//! The words of the data: every value of every categorical dimension, plus known aliases.

use analyst_core::Dimension;
use analyst_nlu::Vocabulary;
use analyst_semantic::SemanticError;
use analyst_semantic::values::known_values;
use analyst_store::Connection;

/// Reads the values present in the store, so new brands or stores are understood at once.
pub fn load_vocabulary(connection: &dyn Connection) -> Result<Vocabulary, SemanticError> {
    let mut vocabulary = Vocabulary {
        aliases: analyst_nlu::default_aliases(),
        ..Vocabulary::default()
    };
    for dimension in Dimension::ALL
        .iter()
        .filter(|dimension| !dimension.is_time())
    {
        let values = known_values(connection, *dimension)?;
        if !values.is_empty() {
            vocabulary.values.insert(*dimension, values);
        }
    }
    Ok(vocabulary)
}
