//! Vendor profiles: the ones shipped with the analyst and the ones users saved
//! (`app.vendor_profile`), looked up by name. A saved profile of a shipped name replaces it.

use analyst_ingest::{Profile, builtin_profiles};
use analyst_store::{Connection, StoreError, Value};
use chrono::Utc;

use crate::UploadError;

/// Every profile, the saved ones first.
pub fn all(connection: &dyn Connection) -> Result<Vec<Profile>, UploadError> {
    let mut profiles = saved(connection)?;
    for shipped in builtin_profiles() {
        if !profiles.iter().any(|profile| profile.name == shipped.name) {
            profiles.push(shipped);
        }
    }
    Ok(profiles)
}

/// The profile called `name` (ignoring case).
pub fn find(connection: &dyn Connection, name: &str) -> Result<Profile, UploadError> {
    all(connection)?
        .into_iter()
        .find(|profile| profile.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            UploadError::Invalid(format!(
                "there is no vendor profile '{name}'; `analyst import --list-profiles` lists them"
            ))
        })
}

fn saved(connection: &dyn Connection) -> Result<Vec<Profile>, UploadError> {
    connection
        .query(
            "SELECT name, profile FROM app.vendor_profile ORDER BY name",
            &[],
        )?
        .rows
        .iter()
        .map(|row| {
            let text = row[1].as_str().unwrap_or_default();
            serde_json::from_str(text).map_err(|error| {
                UploadError::Store(StoreError::Query(format!(
                    "saved profile {:?} is unreadable: {error}",
                    row[0]
                )))
            })
        })
        .collect()
}

/// Saves (or replaces) a profile.
pub fn save(
    connection: &dyn Connection,
    profile: &Profile,
    user_id: Option<i64>,
) -> Result<(), UploadError> {
    let name = profile.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(UploadError::Invalid(
            "a profile needs a name of 1 to 80 characters".into(),
        ));
    }
    let json =
        serde_json::to_string(profile).map_err(|error| UploadError::Invalid(error.to_string()))?;
    connection.execute(
        "DELETE FROM app.vendor_profile WHERE lower(name) = lower($1)",
        &[name.into()],
    )?;
    connection.execute(
        "INSERT INTO app.vendor_profile (name, profile, created_by, created_at)
         VALUES ($1, $2, $3, $4)",
        &[
            name.into(),
            json.into(),
            user_id.into(),
            Value::Timestamp(Utc::now().naive_utc()),
        ],
    )?;
    Ok(())
}
