//! Vendor-format detection: every profile is scored against a file's headers and the best one
//! above a threshold wins; otherwise the user maps the columns once.

use std::collections::HashSet;

use crate::profile::Profile;

/// The lowest score that counts as a match: most signatures and mapped columns present.
pub const DETECTION_THRESHOLD: f64 = 0.75;

/// The profile a file matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// Index into the profiles given to [`detect`].
    pub profile: usize,
    /// The profile's name.
    pub name: String,
    /// 0 to 1: signatures (half), mapped columns present (four tenths), and how much of the
    /// file the profile covers (a tenth, to prefer the more specific of two full matches).
    pub score: f64,
}

/// The best-scoring profile for these headers, when its score reaches
/// [`DETECTION_THRESHOLD`] and every column it maps is present.
pub fn detect(headers: &[String], profiles: &[Profile]) -> Option<Detection> {
    let present: HashSet<String> = headers.iter().map(|h| header_key(h)).collect();
    profiles
        .iter()
        .enumerate()
        .filter_map(|(index, profile)| {
            let (score, all_columns) = score(profile, &present);
            (all_columns && score >= DETECTION_THRESHOLD).then(|| Detection {
                profile: index,
                name: profile.name.clone(),
                score,
            })
        })
        .max_by(|a, b| a.score.total_cmp(&b.score))
}

/// The score, and whether every mapped column is present.
fn score(profile: &Profile, present: &HashSet<String>) -> (f64, bool) {
    let fraction = |headers: &mut dyn Iterator<Item = &String>| {
        let (mut found, mut total) = (0usize, 0usize);
        for header in headers {
            total += 1;
            found += usize::from(present.contains(&header_key(header)));
        }
        (found, total)
    };
    let (signatures_found, signatures) = fraction(&mut profile.signatures.iter());
    let (columns_found, columns) = fraction(&mut profile.columns.values());
    if signatures + columns == 0 || present.is_empty() {
        return (0.0, false);
    }
    let ratio = |found: usize, total: usize| {
        if total == 0 {
            1.0
        } else {
            found as f64 / total as f64
        }
    };
    let coverage = (columns_found as f64 / present.len() as f64).min(1.0);
    let score = 0.5 * ratio(signatures_found, signatures)
        + 0.4 * ratio(columns_found, columns)
        + 0.1 * coverage;
    (score, columns_found == columns)
}

/// A header as compared: lower case, ASCII punctuation and runs of spaces as one space, so that
/// `SKU Reference No.`, `sku reference no` and `SKU_Reference_No` agree. Thai letters and
/// marks are kept as they are.
pub fn header_key(header: &str) -> String {
    let mut key = String::with_capacity(header.len());
    for character in header.chars() {
        if character.is_ascii_alphanumeric() || !character.is_ascii() && !character.is_whitespace()
        {
            key.extend(character.to_lowercase());
        } else if !key.is_empty() && !key.ends_with(' ') {
            key.push(' ');
        }
    }
    if key.ends_with(' ') {
        key.pop();
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::builtin_profiles;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn header_keys_ignore_case_punctuation_and_spacing() {
        assert_eq!(header_key(" SKU Reference No. "), "sku reference no");
        assert_eq!(header_key("SKU_Reference_No"), "sku reference no");
        assert_eq!(header_key("Net\nAmount (THB)"), "net amount thb");
        assert_eq!(header_key("ยอดขายสุทธิ"), "ยอดขายสุทธิ");
    }

    #[test]
    fn unknown_headers_match_no_profile() {
        let found = detect(&headers(&["a", "b", "c"]), &builtin_profiles());
        assert_eq!(found, None);
    }

    #[test]
    fn a_file_missing_a_mapped_column_is_not_detected() {
        let profiles = builtin_profiles();
        let shopee = &profiles[profiles
            .iter()
            .position(|p| p.name == "shopee_orders")
            .expect("shipped")];
        let mut names: Vec<String> = shopee.columns.values().cloned().collect();
        assert!(detect(&names, &profiles).is_some());
        names.retain(|name| name != "Quantity");
        assert_eq!(detect(&names, &profiles), None);
    }
}
