//! Vendor profiles: how one vendor's file maps to canonical fields, kept as data (TOML or JSON)
//! so that users save new ones at run time; the shipped ones live in `profiles/*.toml`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::IngestError;
use crate::field::Field;

/// The sales channel a vendor's rows belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// B2B sell-out: distributors and department stores reporting what they sold.
    Wholesale,
    /// Orders from a marketplace (Shopee, Lazada, …).
    Marketplace,
    /// Orders from our own web shop.
    Online,
}

impl Channel {
    /// The name stored in `silver.sales_line.channel`.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Wholesale => "wholesale",
            Channel::Marketplace => "marketplace",
            Channel::Online => "online",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a file writes numeric dates such as `03/04/2025`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DateOrder {
    /// 03/04/2025 is 3 April (Thailand, Europe).
    #[serde(rename = "dmy")]
    DayMonthYear,
    /// 03/04/2025 is 4 March (United States).
    #[serde(rename = "mdy")]
    MonthDayYear,
}

impl fmt::Display for DateOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateOrder::DayMonthYear => "day/month/year",
            DateOrder::MonthDayYear => "month/day/year",
        })
    }
}

/// One vendor's file format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// A unique name, e.g. `shopee_orders`.
    pub name: String,
    /// What the format is, for people choosing one.
    #[serde(default)]
    pub description: String,
    pub channel: Channel,
    /// Headers that identify the format; detection scores how many a file has.
    #[serde(default)]
    pub signatures: Vec<String>,
    /// Canonical field → the file's header holding it.
    pub columns: BTreeMap<Field, String>,
    /// Per field, the file's values → ours (e.g. a department store's branch code → our
    /// store code); values not listed pass unchanged.
    #[serde(default)]
    pub value_maps: BTreeMap<Field, BTreeMap<String, String>>,
    /// The date order when the file's values cannot tell (every day ≤ 12); the values win
    /// when they can.
    #[serde(default)]
    pub date_order: Option<DateOrder>,
}

impl Profile {
    /// A profile from a user's mapping (`--map … --save-profile NAME`): its mapped headers are
    /// its signatures, so the next file of the same format is detected.
    pub fn from_mapping(name: &str, channel: Channel, columns: BTreeMap<Field, String>) -> Profile {
        Profile {
            name: name.to_owned(),
            description: String::new(),
            channel,
            signatures: columns.values().cloned().collect(),
            columns,
            value_maps: BTreeMap::new(),
            date_order: None,
        }
    }

    /// Reads a profile written as TOML (the shipped files' format).
    pub fn from_toml(text: &str) -> Result<Profile, IngestError> {
        let profile: Profile =
            toml::from_str(text).map_err(|error| IngestError::BadProfile(error.to_string()))?;
        crate::mapping::check_complete(&profile.columns)?;
        Ok(profile)
    }
}

/// The TOML sources of the shipped profiles.
const BUILTIN: [&str; 5] = [
    include_str!("../profiles/department_store_sellout.toml"),
    include_str!("../profiles/thai_department_store.toml"),
    include_str!("../profiles/distributor_weekly.toml"),
    include_str!("../profiles/shopee_orders.toml"),
    include_str!("../profiles/web_shop_orders.toml"),
];

/// The profiles shipped with the product: a department-store sell-out (English and Thai), a
/// distributor's weekly file, a marketplace order export and a web-shop order export.
pub fn builtin_profiles() -> Vec<Profile> {
    BUILTIN
        .iter()
        .filter_map(|text| Profile::from_toml(text).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_profile_parses() {
        for text in BUILTIN {
            let profile = Profile::from_toml(text).expect("a shipped profile is valid");
            assert!(
                !profile.signatures.is_empty(),
                "{} has no signatures",
                profile.name
            );
        }
        assert_eq!(builtin_profiles().len(), BUILTIN.len());
    }

    #[test]
    fn a_profile_round_trips_through_json() {
        for profile in builtin_profiles() {
            let json = serde_json::to_string(&profile).expect("serialize");
            assert!(json.contains("\"channel\":\""), "{json}");
            let back: Profile = serde_json::from_str(&json).expect("deserialize");
            assert_eq!(back, profile);
        }
    }

    #[test]
    fn a_saved_mapping_is_detected_by_its_headers() {
        let columns = BTreeMap::from([
            (Field::Date, "Day".to_owned()),
            (Field::Sku, "Code".to_owned()),
            (Field::Quantity, "Pcs".to_owned()),
            (Field::NetAmount, "Baht".to_owned()),
        ]);
        let profile = Profile::from_mapping("my_vendor", Channel::Wholesale, columns);
        assert_eq!(profile.signatures, ["Day", "Code", "Pcs", "Baht"]);
    }
}
