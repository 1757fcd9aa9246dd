//! Password hashing (argon2id with the crate's recommended parameters) and password rules.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;

use crate::{AccountError, Result};

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 10;
const MAX_PASSWORD_LEN: usize = 1024;

pub(crate) fn hash(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt =
        SaltString::encode_b64(&salt).map_err(|error| AccountError::Hashing(error.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| AccountError::Hashing(error.to_string()))
}

pub(crate) fn verify(stored: &str, password: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Refuses passwords that are too short, too long or the username itself.
pub fn check_new_password(username: &str, password: &str) -> Result<()> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_LEN {
        return Err(AccountError::WeakPassword(format!(
            "the password must have at least {MIN_PASSWORD_LEN} characters"
        )));
    }
    if length > MAX_PASSWORD_LEN {
        return Err(AccountError::WeakPassword(format!(
            "the password must have at most {MAX_PASSWORD_LEN} characters"
        )));
    }
    if password.eq_ignore_ascii_case(username) {
        return Err(AccountError::WeakPassword(
            "the password must not be the username".into(),
        ));
    }
    Ok(())
}

/// A random password to print once (no look-alike characters).
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 18];
    rand::rng().fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|byte| char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_the_right_password() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify(&stored, "correct horse battery"));
        assert!(!verify(&stored, "correct horse batterY"));
        assert!(!verify("not a hash", "anything"));
        assert_ne!(stored, hash("correct horse battery").unwrap(), "salted");
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        assert!(check_new_password("anna", "short").is_err());
        assert!(check_new_password("administrator", "Administrator").is_err());
        assert!(check_new_password("anna", "a long enough one").is_ok());
        let generated = one_time_password();
        assert_eq!(generated.len(), 18);
        assert!(check_new_password("admin", &generated).is_ok());
    }
}
