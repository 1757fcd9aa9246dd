//! What rows a user may see: the companies, stores and channels their groups, their own
//! allowed lists and the record rules leave them. Every query runs under one scope, applied
//! in SQL before anything is aggregated, so totals and shares are over what the user may see.

use std::collections::BTreeSet;

/// The rows a user may see. `None` on a field means no restriction on it; an empty set means
/// nothing at all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct DataScope {
    /// Company ids.
    pub companies: Option<BTreeSet<i64>>,
    /// Store (and warehouse) ids; when companies are restricted these are already limited to
    /// the stores of those companies.
    pub stores: Option<BTreeSet<i64>>,
    /// Channel codes (`store`, `online`, …).
    pub channels: Option<BTreeSet<String>>,
    /// The names of what the user may see, for messages ("Phuket Central").
    pub description: String,
}

impl DataScope {
    /// No restriction.
    pub const fn everything() -> DataScope {
        DataScope {
            companies: None,
            stores: None,
            channels: None,
            description: String::new(),
        }
    }

    pub fn is_restricted(&self) -> bool {
        self.companies.is_some() || self.stores.is_some() || self.channels.is_some()
    }

    /// A short text that differs whenever the visible rows differ (for cache keys).
    pub fn key(&self) -> String {
        let ids = |set: &Option<BTreeSet<i64>>| match set {
            None => "*".to_string(),
            Some(ids) => ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
        };
        format!(
            "c={};s={};ch={}",
            ids(&self.companies),
            ids(&self.stores),
            match &self.channels {
                None => "*".to_string(),
                Some(codes) => codes.iter().cloned().collect::<Vec<_>>().join(","),
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_tell_scopes_apart() {
        let everything = DataScope::everything();
        let one_store = DataScope {
            stores: Some(BTreeSet::from([3])),
            ..DataScope::default()
        };
        let nothing = DataScope {
            stores: Some(BTreeSet::new()),
            ..DataScope::default()
        };
        assert!(!everything.is_restricted());
        assert!(one_store.is_restricted());
        let keys = [everything.key(), one_store.key(), nothing.key()];
        assert_eq!(keys[0], "c=*;s=*;ch=*");
        assert_eq!(keys[1], "c=*;s=3;ch=*");
        assert_eq!(keys[2], "c=*;s=;ch=*");
    }
}
