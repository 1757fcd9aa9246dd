//! The dimension dictionary as data (seed 000's `ai.analyst.dimension`,
//! `ai.analyst.dimension.synonym`, `ai.analyst.season.config`): dimensions with their source
//! column and display name, synonyms of dimensions, measures and values, and seasons. Edits
//! bump a revision, so that a running server reloads its vocabulary without a restart.

use analyst_core::{Dimension, Measure};
use analyst_store::{Connection, StoreError, Value, transaction};
use chrono::NaiveDate;

#[derive(Debug, thiserror::Error)]
pub enum DictionaryError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a synonym names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SynonymKind {
    Dimension,
    Measure,
    Value,
}

impl SynonymKind {
    pub fn name(self) -> &'static str {
        match self {
            SynonymKind::Dimension => "dimension",
            SynonymKind::Measure => "measure",
            SynonymKind::Value => "value",
        }
    }

    /// Reads "dimension", "measure" or "value".
    pub fn parse(text: &str) -> Result<SynonymKind, DictionaryError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "dimension" => Ok(SynonymKind::Dimension),
            "measure" => Ok(SynonymKind::Measure),
            "value" => Ok(SynonymKind::Value),
            other => Err(DictionaryError::Invalid(format!(
                "unknown synonym kind '{other}'; use dimension, measure or value"
            ))),
        }
    }
}

/// One synonym: `synonym` means the dimension or measure `target`, or (kind value) the value
/// `value` of the dimension `target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synonym {
    pub id: i64,
    pub kind: SynonymKind,
    pub synonym: String,
    pub target: String,
    pub value: Option<String>,
}

/// A dimension as listed: its code, display name and where its values come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DimensionEntry {
    pub code: String,
    pub name: String,
    pub source_column: String,
}

/// A season with its dates (inclusive) and the product tag it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeasonEntry {
    pub code: String,
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub tag: String,
}

/// The whole dictionary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dictionary {
    pub dimensions: Vec<DimensionEntry>,
    pub synonyms: Vec<Synonym>,
    pub seasons: Vec<SeasonEntry>,
    /// The month (1-12) fiscal years start in.
    pub fiscal_year_start_month: u32,
}

fn text(row: &[Value], index: usize) -> String {
    row.get(index)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Reads the dictionary.
pub fn load(connection: &dyn Connection) -> Result<Dictionary, DictionaryError> {
    let dimensions = connection
        .query(
            "SELECT code, name, source_column FROM app.dictionary_dimension ORDER BY code",
            &[],
        )?
        .rows
        .iter()
        .map(|row| DimensionEntry {
            code: text(row, 0),
            name: text(row, 1),
            source_column: text(row, 2),
        })
        .collect();
    let synonyms = connection
        .query(
            "SELECT id, kind, synonym, target, value FROM app.dictionary_synonym
             ORDER BY kind, target, value, synonym",
            &[],
        )?
        .rows
        .iter()
        .filter_map(|row| {
            let value = text(row, 4);
            Some(Synonym {
                id: row.first()?.as_i64()?,
                kind: SynonymKind::parse(&text(row, 1)).ok()?,
                synonym: text(row, 2),
                target: text(row, 3),
                value: (!value.is_empty()).then_some(value),
            })
        })
        .collect();
    let seasons = connection
        .query(
            "SELECT code, name, start_date, end_date, tag FROM app.dictionary_season
             ORDER BY start_date, code",
            &[],
        )?
        .rows
        .iter()
        .filter_map(|row| {
            Some(SeasonEntry {
                code: text(row, 0),
                name: text(row, 1),
                start: row.get(2)?.as_date()?,
                end: row.get(3)?.as_date()?,
                tag: text(row, 4),
            })
        })
        .collect();
    let fiscal_year_start_month = connection
        .query(
            "SELECT fiscal_year_start_month FROM app.dictionary_setting WHERE id = 1",
            &[],
        )?
        .scalar()
        .and_then(Value::as_i64)
        .and_then(|month| u32::try_from(month).ok())
        .unwrap_or(1);
    Ok(Dictionary {
        dimensions,
        synonyms,
        seasons,
        fiscal_year_start_month,
    })
}

/// Sets the month (1-12) fiscal years start in.
pub fn set_fiscal_year_start(
    connection: &dyn Connection,
    month: u32,
) -> Result<(), DictionaryError> {
    if !(1..=12).contains(&month) {
        return Err(DictionaryError::Invalid(format!(
            "a fiscal year starts in a month from 1 (January) to 12 (December), not {month}"
        )));
    }
    transaction(connection, || {
        connection.execute(
            "UPDATE app.dictionary_setting SET fiscal_year_start_month = $1 WHERE id = 1",
            &[i64::from(month).into()],
        )?;
        bump(connection)
    })?;
    Ok(())
}

/// The revision of the dictionary; every edit increases it.
pub fn revision(connection: &dyn Connection) -> Result<i64, DictionaryError> {
    Ok(connection
        .query(
            "SELECT revision FROM app.dictionary_revision WHERE id = 1",
            &[],
        )?
        .scalar()
        .and_then(Value::as_i64)
        .unwrap_or(0))
}

fn bump(connection: &dyn Connection) -> Result<(), StoreError> {
    connection.execute(
        "UPDATE app.dictionary_revision SET revision = revision + 1 WHERE id = 1",
        &[],
    )?;
    Ok(())
}

/// Adds a synonym after checking that its target exists; returns its id.
pub fn add_synonym(
    connection: &dyn Connection,
    kind: SynonymKind,
    synonym: &str,
    target: &str,
    value: Option<&str>,
) -> Result<i64, DictionaryError> {
    let synonym = synonym.trim();
    if synonym.is_empty() || synonym.chars().count() > 100 {
        return Err(DictionaryError::Invalid(
            "a synonym has 1 to 100 characters".into(),
        ));
    }
    let target = match kind {
        SynonymKind::Measure => target
            .parse::<Measure>()
            .map_err(|error| DictionaryError::Invalid(error.to_string()))?
            .name(),
        SynonymKind::Dimension | SynonymKind::Value => {
            let dimension = target
                .parse::<Dimension>()
                .map_err(|error| DictionaryError::Invalid(error.to_string()))?;
            if kind == SynonymKind::Value && dimension.is_time() {
                return Err(DictionaryError::Invalid(format!(
                    "'{dimension}' has no values to name; name a period instead"
                )));
            }
            dimension.name()
        }
    };
    let value = match (kind, value.map(str::trim)) {
        (SynonymKind::Value, Some(value)) if !value.is_empty() => value.to_string(),
        (SynonymKind::Value, _) => {
            return Err(DictionaryError::Invalid(
                "a value synonym names the value it stands for, e.g. Stride".into(),
            ));
        }
        (_, Some(value)) if !value.is_empty() => {
            return Err(DictionaryError::Invalid(format!(
                "only value synonyms name a value; a {} synonym names its target only",
                kind.name()
            )));
        }
        _ => String::new(),
    };
    let id = transaction(connection, || {
        let existing = connection.query(
            "SELECT id FROM app.dictionary_synonym
             WHERE kind = $1 AND synonym = $2 AND target = $3 AND value = $4",
            &[
                kind.name().into(),
                synonym.into(),
                target.into(),
                value.clone().into(),
            ],
        )?;
        if let Some(id) = existing.scalar().and_then(Value::as_i64) {
            return Ok(id);
        }
        let inserted = connection.query(
            "INSERT INTO app.dictionary_synonym (kind, synonym, target, value)
             VALUES ($1, $2, $3, $4) RETURNING id",
            &[
                kind.name().into(),
                synonym.into(),
                target.into(),
                value.clone().into(),
            ],
        )?;
        bump(connection)?;
        Ok(inserted.scalar().and_then(Value::as_i64).unwrap_or(0))
    })?;
    Ok(id)
}

/// Removes a synonym by id.
pub fn remove_synonym(connection: &dyn Connection, id: i64) -> Result<(), DictionaryError> {
    remove(
        connection,
        "DELETE FROM app.dictionary_synonym WHERE id = $1",
        id.into(),
        || format!("no synonym {id}"),
    )
}

/// Runs a one-row `DELETE` keyed by `key`, bumping the revision when it removed something;
/// removing nothing is [`DictionaryError::NotFound`] with the `missing` message.
fn remove(
    connection: &dyn Connection,
    delete: &str,
    key: Value,
    missing: impl FnOnce() -> String,
) -> Result<(), DictionaryError> {
    let removed = transaction(connection, || {
        let removed = connection.execute(delete, &[key])?;
        if removed > 0 {
            bump(connection)?;
        }
        Ok(removed)
    })?;
    if removed == 0 {
        return Err(DictionaryError::NotFound(missing()));
    }
    Ok(())
}

/// Adds a season or replaces the one with the same code.
pub fn put_season(
    connection: &dyn Connection,
    season: &SeasonEntry,
) -> Result<(), DictionaryError> {
    let code = season.code.trim();
    if code.is_empty() || code.chars().count() > 20 {
        return Err(DictionaryError::Invalid(
            "a season code has 1 to 20 characters, e.g. AW26".into(),
        ));
    }
    if season.end < season.start {
        return Err(DictionaryError::Invalid(format!(
            "season {code} ends ({}) before it starts ({})",
            season.end, season.start
        )));
    }
    let name = if season.name.trim().is_empty() {
        code
    } else {
        season.name.trim()
    };
    let tag = if season.tag.trim().is_empty() {
        code
    } else {
        season.tag.trim()
    };
    transaction(connection, || {
        connection.execute(
            "DELETE FROM app.dictionary_season WHERE code = $1",
            &[code.into()],
        )?;
        connection.execute(
            "INSERT INTO app.dictionary_season (code, name, start_date, end_date, tag)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                code.into(),
                name.into(),
                season.start.into(),
                season.end.into(),
                tag.into(),
            ],
        )?;
        bump(connection)
    })?;
    Ok(())
}

/// Removes a season by code.
pub fn remove_season(connection: &dyn Connection, code: &str) -> Result<(), DictionaryError> {
    remove(
        connection,
        "DELETE FROM app.dictionary_season WHERE code = $1",
        code.into(),
        || format!("no season {code}"),
    )
}
