//! Users: adding, listing, verifying a sign-in, changing a password.

use analyst_store::{Connection, Value, transaction};
use chrono::{NaiveDateTime, Utc};

use crate::password::{self, check_new_password};
use crate::rights::{RightsChange, write_rights};
use crate::{AccountError, Result};

/// A user as the rest of the system sees it (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub is_admin: bool,
    pub must_change_password: bool,
    pub active: bool,
    pub created_at: Option<NaiveDateTime>,
}

const COLUMNS: &str = "id, username, is_admin, must_change_password, active, created_at";

pub(crate) fn from_row(row: &[Value]) -> Option<User> {
    Some(User {
        id: row.first()?.as_i64()?,
        username: row.get(1)?.as_str()?.to_string(),
        is_admin: row.get(2)?.as_bool()?,
        must_change_password: row.get(3)?.as_bool()?,
        active: row.get(4)?.as_bool()?,
        created_at: match row.get(5)? {
            Value::Timestamp(moment) => Some(*moment),
            _ => None,
        },
    })
}

/// Usernames are case-insensitive: stored in lowercase.
fn normalize_username(username: &str) -> Result<String> {
    let name = username.trim().to_lowercase();
    let valid_chars = name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if name.is_empty() || name.chars().count() > 64 || !valid_chars {
        return Err(AccountError::InvalidUsername(format!(
            "'{username}' is not a valid username: use 1 to 64 letters, digits, '.', '_', '-' or '@'"
        )));
    }
    Ok(name)
}

fn now() -> Value {
    Value::Timestamp(Utc::now().naive_utc())
}

/// Adds a user, administrator or in no group; the password must pass [`check_new_password`].
pub fn add_user(
    connection: &dyn Connection,
    username: &str,
    password: &str,
    is_admin: bool,
    must_change_password: bool,
) -> Result<User> {
    add_user_with_rights(
        connection,
        username,
        password,
        must_change_password,
        &RightsChange::admin(is_admin),
    )
}

/// Adds a user with their groups and allowed values, all or nothing.
pub fn add_user_with_rights(
    connection: &dyn Connection,
    username: &str,
    password: &str,
    must_change_password: bool,
    rights: &RightsChange,
) -> Result<User> {
    let username = normalize_username(username)?;
    check_new_password(&username, password)?;
    if find_user(connection, &username)?.is_some() {
        return Err(AccountError::UserExists(username));
    }
    let hash = password::hash(password)?;
    let rows = transaction(connection, || {
        let rows = connection.query(
            &format!(
                "INSERT INTO app.users (username, password_hash, is_admin, must_change_password, created_at, password_changed_at)
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING {COLUMNS}"
            ),
            &[
                username.clone().into(),
                hash.into(),
                Value::Bool(rights.is_admin()),
                Value::Bool(must_change_password),
                now(),
            ],
        )?;
        if let Some(id) = rows
            .rows
            .first()
            .and_then(|row| row.first())
            .and_then(Value::as_i64)
        {
            write_rights(connection, id, rights)?;
        }
        Ok(rows)
    })?;
    rows.rows
        .first()
        .and_then(|row| from_row(row))
        .ok_or(AccountError::UserExists(username))
}

pub fn find_user(connection: &dyn Connection, username: &str) -> Result<Option<User>> {
    let Ok(username) = normalize_username(username) else {
        return Ok(None);
    };
    let rows = connection.query(
        &format!("SELECT {COLUMNS} FROM app.users WHERE username = $1"),
        &[username.into()],
    )?;
    Ok(rows.rows.first().and_then(|row| from_row(row)))
}

/// One user by id.
pub fn get_user(connection: &dyn Connection, id: i64) -> Result<Option<User>> {
    let rows = connection.query(
        &format!("SELECT {COLUMNS} FROM app.users WHERE id = $1"),
        &[id.into()],
    )?;
    Ok(rows.rows.first().and_then(|row| from_row(row)))
}

pub fn list_users(connection: &dyn Connection) -> Result<Vec<User>> {
    let rows = connection.query(
        &format!("SELECT {COLUMNS} FROM app.users ORDER BY username"),
        &[],
    )?;
    Ok(rows.rows.iter().filter_map(|row| from_row(row)).collect())
}

pub fn user_count(connection: &dyn Connection) -> Result<u64> {
    let rows = connection.query("SELECT count(*) FROM app.users", &[])?;
    Ok(rows.scalar().and_then(Value::as_i64).unwrap_or(0).max(0) as u64)
}

/// Checks a username and password. Unknown users, inactive users and wrong passwords get the
/// same error, after the same amount of work, so a caller cannot tell them apart.
pub fn verify_login(connection: &dyn Connection, username: &str, password: &str) -> Result<User> {
    let found = match normalize_username(username) {
        Ok(username) => connection
            .query(
                &format!("SELECT {COLUMNS}, password_hash FROM app.users WHERE username = $1"),
                &[username.into()],
            )?
            .rows
            .into_iter()
            .next(),
        Err(_) => None,
    };
    let stored = found
        .as_ref()
        .and_then(|row| row.get(6))
        .and_then(Value::as_str)
        .map(str::to_string);
    // An unknown user is checked against a throwaway hash so the timing is the same.
    let decoy = DECOY_HASH;
    let matches =
        password::verify(stored.as_deref().unwrap_or(decoy), password) && stored.is_some();
    match found.as_deref().and_then(from_row) {
        Some(user) if matches && user.active => Ok(user),
        _ => Err(AccountError::InvalidCredentials),
    }
}

/// An argon2id hash of a random string nobody knows.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$4/uJ1NfX1k7HmsbQ7SLBaTY1trYoH0m1J2PFjJxCl1I";

/// Sets a user's password (an administrator's reset); `must_change` forces a change at the next
/// sign-in. Signs the user out everywhere.
pub fn set_password(
    connection: &dyn Connection,
    username: &str,
    new_password: &str,
    must_change: bool,
) -> Result<User> {
    let user = find_user(connection, username)?
        .ok_or_else(|| AccountError::NoSuchUser(username.to_string()))?;
    store_password(connection, &user, new_password, must_change)
}

/// Sets (or with `None` clears) the address a user's import results and reports are mailed to.
pub fn set_email(connection: &dyn Connection, username: &str, email: Option<&str>) -> Result<User> {
    let user = find_user(connection, username)?
        .ok_or_else(|| AccountError::NoSuchUser(username.to_string()))?;
    let email = email.map(str::trim);
    if let Some(address) = email {
        let (local, domain) = address.split_once('@').unwrap_or_default();
        let plausible = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && address.len() <= 254
            && !address
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c));
        if !plausible {
            return Err(AccountError::InvalidEmail(address.to_string()));
        }
    }
    connection.execute(
        "UPDATE app.users SET email = $1 WHERE id = $2",
        &[email.map(str::to_string).into(), user.id.into()],
    )?;
    Ok(user)
}

/// A user changes their own password, proving the current one.
pub fn change_password(
    connection: &dyn Connection,
    user: &User,
    current_password: &str,
    new_password: &str,
) -> Result<User> {
    verify_login(connection, &user.username, current_password)?;
    if current_password == new_password {
        return Err(AccountError::WeakPassword(
            "the new password must differ from the current one".into(),
        ));
    }
    store_password(connection, user, new_password, false)
}

fn store_password(
    connection: &dyn Connection,
    user: &User,
    new_password: &str,
    must_change: bool,
) -> Result<User> {
    check_new_password(&user.username, new_password)?;
    let hash = password::hash(new_password)?;
    connection.execute(
        "UPDATE app.users SET password_hash = $1, must_change_password = $2, password_changed_at = $3 WHERE id = $4",
        &[hash.into(), Value::Bool(must_change), now(), user.id.into()],
    )?;
    crate::session::end_all_sessions(connection, user.id)?;
    Ok(User {
        must_change_password: must_change,
        ..user.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_case_insensitive_and_checked() {
        assert_eq!(normalize_username(" Anna.K ").unwrap(), "anna.k");
        assert!(normalize_username("").is_err());
        assert!(normalize_username("a b").is_err());
        assert!(normalize_username("robert'); drop").is_err());
        assert_eq!(normalize_username("สมชาย").unwrap(), "สมชาย");
    }

    #[test]
    fn the_decoy_is_a_valid_hash() {
        assert!(argon2::password_hash::PasswordHash::new(DECOY_HASH).is_ok());
    }
}
