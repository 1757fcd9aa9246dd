//! Accounts: who may use the analyst and how they prove it.
//!
//! Passwords are stored as argon2id hashes; session cookies and API tokens are random secrets
//! of which the store keeps only a SHA-256, so a copy of the store signs nobody in.

mod audit;
mod error;
mod password;
mod secret;
mod session;
mod user;

pub use audit::{AuditEvent, record};
pub use error::AccountError;
pub use password::{MIN_PASSWORD_LEN, check_new_password, one_time_password};
pub use session::{Session, SessionKind, end_session, issue_api_token, resolve, start_session};
pub use user::{
    User, add_user, change_password, find_user, list_users, set_password, user_count, verify_login,
};

pub type Result<T, E = AccountError> = std::result::Result<T, E>;
