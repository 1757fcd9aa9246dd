//! The Odoo connection as the store keeps it (`app.odoo_connection`): where and who, the
//! *name* of the environment variable holding the API key (never the key), and the mapping
//! settings that say how Odoo's data reads as ours.

use std::collections::BTreeMap;
use std::time::Duration;

use analyst_jobs::schedule;
use analyst_odoo::{OdooConfig, Secret};
use analyst_store::{Connection, Value};
use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::error::SyncError;

/// How often the scheduled sync runs.
const SYNC_CRON: &str = "*/5 * * * *";

/// How Odoo's records map onto silver: settings, editable at run time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MappingSettings {
    /// The product field naming the brand (a many2one; `product_brand_id` of the OCA
    /// `product_brand` module by default). Missing on the server → brands are empty, with a
    /// notice.
    pub brand_field: String,
    /// Product tags that are seasons. Empty: tags that look like a season code (`SS26`,
    /// `FW26`, `AW25`).
    pub season_tags: Vec<String>,
    /// POS config name → code of an existing store it sells for; a POS config not listed is
    /// a store of its own.
    pub pos_stores: BTreeMap<String, String>,
    /// Records written up to this long before the cursor are read again (a transaction that
    /// committed late carries an earlier write_date).
    pub overlap_minutes: i64,
    /// How often ids are reconciled to find deleted records.
    pub reconcile_every_minutes: i64,
    /// The business's offset from UTC: Odoo's datetimes are UTC, sales dates are local.
    pub utc_offset_minutes: i64,
    /// Records per page (one page is one store transaction).
    pub page_size: usize,
}

impl Default for MappingSettings {
    fn default() -> Self {
        MappingSettings {
            brand_field: "product_brand_id".into(),
            season_tags: Vec::new(),
            pos_stores: BTreeMap::new(),
            overlap_minutes: 5,
            reconcile_every_minutes: 60,
            utc_offset_minutes: 0,
            page_size: 1000,
        }
    }
}

impl MappingSettings {
    /// Whether a product tag names a season.
    pub fn is_season(&self, tag: &str) -> bool {
        if !self.season_tags.is_empty() {
            return self.season_tags.iter().any(|season| season == tag);
        }
        let (Some(prefix), Some(year)) = (tag.get(..2), tag.get(2..)) else {
            return false;
        };
        matches!(prefix, "SS" | "FW" | "AW")
            && year.len() == 2
            && year.bytes().all(|b| b.is_ascii_digit())
    }
}

/// One Odoo database to sync from.
#[derive(Clone, Debug, PartialEq)]
pub struct OdooConnection {
    /// Our name for it (`odoo` unless several are configured); the `connection` of raw rows.
    pub name: String,
    pub url: String,
    pub database: String,
    pub login: String,
    /// The environment variable that holds the API key or password.
    pub api_key_env: String,
    pub settings: MappingSettings,
}

impl OdooConnection {
    /// The client's settings, with the secret read from the environment now.
    pub fn client_config(&self) -> Result<OdooConfig, SyncError> {
        let secret = std::env::var(&self.api_key_env).map_err(|_| {
            SyncError::Config(format!(
                "the environment variable {} that should hold the Odoo API key is not set; \
                 export it before running the sync",
                self.api_key_env
            ))
        })?;
        let mut config =
            OdooConfig::new(&self.url, &self.database, &self.login, Secret::new(secret));
        config.page_size = self.settings.page_size.max(1);
        config.timeout = Duration::from_secs(60);
        Ok(config)
    }
}

/// The connection named `name`, if configured.
pub fn load_connection(
    store: &dyn Connection,
    name: &str,
) -> Result<Option<OdooConnection>, SyncError> {
    let rows = store.query(
        "SELECT name, url, database_name, login, api_key_env, settings
         FROM app.odoo_connection WHERE name = $1",
        &[name.into()],
    )?;
    let Some(row) = rows.rows.first() else {
        return Ok(None);
    };
    let cell = |index: usize| {
        row.get(index)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let settings = serde_json::from_str(&cell(5)).map_err(|error| {
        SyncError::Config(format!(
            "the settings of Odoo connection '{name}' are not valid: {error}"
        ))
    })?;
    Ok(Some(OdooConnection {
        name: cell(0),
        url: cell(1),
        database: cell(2),
        login: cell(3),
        api_key_env: cell(4),
        settings,
    }))
}

/// Stores the connection (replacing one of the same name) and schedules its sync every
/// 5 minutes.
pub fn save_connection(
    store: &dyn Connection,
    connection: &OdooConnection,
) -> Result<(), SyncError> {
    if connection.api_key_env.trim().is_empty()
        || !connection
            .api_key_env
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(SyncError::Config(format!(
            "'{}' is not an environment variable name: use letters, digits and '_'",
            connection.api_key_env
        )));
    }
    let settings = serde_json::to_string(&connection.settings)
        .map_err(|error| SyncError::Config(error.to_string()))?;
    let now = Utc::now().naive_utc();
    let values = [
        connection.name.as_str().into(),
        connection.url.as_str().into(),
        connection.database.as_str().into(),
        connection.login.as_str().into(),
        connection.api_key_env.as_str().into(),
        settings.into(),
        now.into(),
    ];
    analyst_store::transaction(store, || {
        store.execute(
            "DELETE FROM app.odoo_connection WHERE name = $1",
            &values[..1],
        )?;
        store.execute(
            "INSERT INTO app.odoo_connection
                 (name, url, database_name, login, api_key_env, settings, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
            &values,
        )?;
        Ok(())
    })?;
    let params = serde_json::json!({"connection": connection.name});
    schedule::put(
        store,
        &format!("odoo_sync.{}", connection.name),
        crate::job::ODOO_SYNC,
        &params,
        SYNC_CRON,
    )
    .map_err(|error| SyncError::Config(format!("scheduling the sync: {error}")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn season_tags_are_codes_unless_listed() {
        let settings = MappingSettings::default();
        assert!(settings.is_season("SS26"));
        assert!(settings.is_season("FW26"));
        assert!(!settings.is_season("Core"));
        assert!(!settings.is_season("SS2026"));
        assert!(!settings.is_season("ฤดูร้อน"));
        let listed = MappingSettings {
            season_tags: vec!["Holiday".into()],
            ..MappingSettings::default()
        };
        assert!(listed.is_season("Holiday"));
        assert!(!listed.is_season("SS26"));
    }
}
