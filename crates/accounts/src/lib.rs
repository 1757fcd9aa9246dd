//! Accounts: who may use the analyst and how they prove it.
//!
//! Passwords are stored as argon2id hashes; session cookies and API tokens are random secrets
//! of which the store keeps only a SHA-256, so a copy of the store signs nobody in.

mod audit;
mod error;
mod password;
mod rights;
mod secret;
mod session;
mod user;

pub use audit::{
    AuditEntry, AuditEvent, AuditFilter, AuditRecord, ChainBreak, ChainProblem, DEFAULT_LIST_LIMIT,
    DEFAULT_RETENTION_DAYS, GENESIS_HASH, MAX_LIST_LIMIT, VerifyReport, append_entries, list,
    parse_since, parse_until, prune, record_entry, retention_cutoff, verify,
};
pub use error::AccountError;
pub use password::{MIN_PASSWORD_LEN, check_new_password, one_time_password};
pub use rights::{
    ADMIN_GROUP, AccessField, Group, RecordRule, Rights, RightsChange, RuleTarget, add_rule,
    allowed_codes, check_rights, groups_of, list_groups, list_rules, remove_rule, rights,
    set_rights,
};
pub use secret::digest;
pub use session::{Session, SessionKind, end_session, issue_api_token, resolve, start_session};
pub use user::{
    User, add_user, add_user_with_rights, change_password, find_user, get_user, list_users,
    set_email, set_password, user_count, verify_login,
};

pub type Result<T, E = AccountError> = std::result::Result<T, E>;
