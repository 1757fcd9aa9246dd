//! Handlers, grouped by resource; `router.rs` lists them all.

pub(crate) mod assets;
pub(crate) mod audit;
pub(crate) mod auth;
pub(crate) mod budgets;
pub(crate) mod chat;
pub(crate) mod conversations;
pub(crate) mod dictionary;
pub(crate) mod export;
pub(crate) mod health;
pub(crate) mod jobs;
pub(crate) mod proposals;
pub(crate) mod providers;
pub(crate) mod rights;
pub(crate) mod sync;
pub(crate) mod tools;
pub(crate) mod uploads;
