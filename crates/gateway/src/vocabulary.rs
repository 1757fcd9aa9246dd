//! The words of the data and of the business: every value of every categorical dimension in
//! the store, and the dictionary's synonyms (of values, dimensions and measures) and seasons.

use analyst_core::{Dimension, Measure};
use analyst_nlu::{Season, Vocabulary};
use analyst_semantic::SemanticError;
use analyst_semantic::dictionary::{self, SynonymKind};
use analyst_semantic::values::known_values;
use analyst_store::{Connection, StoreError};

/// Reads the values present in the store, so new brands or stores are understood at once,
/// and the dictionary, so that its edits apply to the next question.
pub fn load_vocabulary(connection: &dyn Connection) -> Result<Vocabulary, SemanticError> {
    let mut vocabulary = Vocabulary::default();
    for dimension in Dimension::ALL
        .iter()
        .filter(|dimension| !dimension.is_time())
    {
        let values = known_values(connection, *dimension)?;
        if !values.is_empty() {
            vocabulary.values.insert(*dimension, values);
        }
    }
    let dictionary = dictionary::load(connection).map_err(|error| match error {
        dictionary::DictionaryError::Store(error) => SemanticError::Store(error),
        other => SemanticError::Store(StoreError::Query(other.to_string())),
    })?;
    for entry in dictionary.synonyms {
        match entry.kind {
            SynonymKind::Value => {
                if let (Ok(dimension), Some(value)) =
                    (entry.target.parse::<Dimension>(), entry.value)
                {
                    vocabulary.aliases.push((entry.synonym, dimension, value));
                }
            }
            SynonymKind::Dimension => {
                if let Ok(dimension) = entry.target.parse::<Dimension>() {
                    vocabulary
                        .dimension_synonyms
                        .push((entry.synonym, dimension));
                }
            }
            SynonymKind::Measure => {
                if let Ok(measure) = entry.target.parse::<Measure>() {
                    vocabulary.measure_synonyms.push((entry.synonym, measure));
                }
            }
        }
    }
    vocabulary.fiscal_year_start_month = dictionary.fiscal_year_start_month;
    vocabulary.seasons = dictionary
        .seasons
        .into_iter()
        .map(|season| Season {
            code: season.code,
            name: season.name,
            start: season.start,
            end: season.end,
            tag: season.tag,
        })
        .collect();
    Ok(vocabulary)
}
