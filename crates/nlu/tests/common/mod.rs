//! The demo business's vocabulary (shared/design/demo-data.md), as the store would hand it over.

#![allow(dead_code)] // each test file uses part of this

use analyst_core::{Dimension, Measure, SemanticQuery};
use analyst_nlu::{Understanding, Vocabulary, default_aliases, default_seasons, understand};
use chrono::NaiveDate;

fn list(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| value.to_string()).collect()
}

pub fn demo_vocabulary() -> Vocabulary {
    let mut vocabulary = Vocabulary {
        aliases: default_aliases(),
        seasons: default_seasons(),
        ..Vocabulary::default()
    };
    let values = &mut vocabulary.values;
    values.insert(
        Dimension::Company,
        list(&["Lanna Outdoor Co., Ltd.", "Siam Sport Co., Ltd."]),
    );
    values.insert(
        Dimension::Store,
        list(&[
            "Bangkok Ladprao",
            "Bangkok Siam",
            "Chiang Mai Nimman",
            "Khon Kaen",
            "Lanna Warehouse",
            "Main Warehouse Bangna",
            "Phuket Central",
        ]),
    );
    values.insert(
        Dimension::Channel,
        list(&["marketplace", "online", "store", "wholesale"]),
    );
    values.insert(
        Dimension::Brand,
        list(&[
            "Aero",
            "Coral Bay",
            "Kinetic",
            "Monsoon Gear",
            "Peak Motion",
            "Siam Classic",
            "Stride",
            "Trailhead",
            "Urban Step",
            "Zenfit",
        ]),
    );
    values.insert(
        Dimension::Category,
        list(&["Accessories", "Apparel", "Equipment", "Footwear"]),
    );
    values.insert(
        Dimension::Subcategory,
        list(&[
            "Bags",
            "Bottoms",
            "Caps",
            "Fitness",
            "Lifestyle",
            "Outerwear",
            "Running",
            "Sandals",
            "Tops",
        ]),
    );
    values.insert(Dimension::Gender, list(&["Kids", "Men", "Unisex", "Women"]));
    values.insert(
        Dimension::Season,
        list(&["AW24", "AW25", "AW26", "Core", "SS24", "SS25", "SS26"]),
    );
    values.insert(
        Dimension::Supplier,
        list(&[
            "Aero Sports Distribution",
            "Coral Bay Trading",
            "Kinetic Supply Co.",
            "Monsoon Gear Factory",
            "Peak Motion Thailand",
            "Siam Classic Manufacturing",
            "Stride Trading Asia",
            "Trailhead Outfitters",
            "Urban Step Import",
            "Zenfit Global",
        ]),
    );
    values.insert(
        Dimension::Customer,
        list(&[
            "(anonymous)",
            "Hat Yai Runners",
            "Korat Sports Mart",
            "Somchai Jaidee",
            "Udon Active",
        ]),
    );
    values.insert(Dimension::Segment, list(&["online", "retail", "wholesale"]));
    values.insert(Dimension::Team, list(&["Customer Care", "Online Orders"]));
    values.insert(
        Dimension::Stage,
        list(&[
            "Cancelled",
            "In Progress",
            "New",
            "Solved",
            "Waiting Customer",
        ]),
    );
    values.insert(Dimension::Priority, list(&["0", "1", "2", "3"]));
    values.insert(
        Dimension::Color,
        list(&["Black", "Blue", "Grey", "Navy", "Red", "White"]),
    );
    values.insert(
        Dimension::Size,
        list(&[
            "36", "38", "40", "41", "42", "43", "44", "L", "M", "S", "XL", "XS", "XXL",
        ]),
    );
    values.insert(
        Dimension::Product,
        list(&[
            "Stride Pace Runner",
            "Stride Pace Runner 2",
            "Peak Motion Summit Jacket",
            "Kinetic Flow Tee",
            "Zenfit Yoga Mat",
            "Trailhead Ridge Sandal",
        ]),
    );
    vocabulary
}

pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a test date")
}

/// The query and confidence for a question asked on 2026-11-15, or a panic naming it.
pub fn ask(question: &str) -> (SemanticQuery, f64) {
    ask_on(question, "2026-11-15")
}

pub fn ask_on(question: &str, today: &str) -> (SemanticQuery, f64) {
    match understand(question, day(today), &demo_vocabulary()) {
        Understanding::Query { query, confidence } => {
            query
                .validate()
                .unwrap_or_else(|error| panic!("{question}: invalid query {error}"));
            (query, confidence)
        }
        Understanding::NotUnderstood { message, .. } => {
            panic!("{question}: not understood: {message}")
        }
        Understanding::Clarify {
            question: asked, ..
        } => {
            panic!("{question}: a clarifying question: {asked}")
        }
    }
}

pub fn is_not_understood(question: &str) -> bool {
    matches!(
        understand(question, day("2026-11-15"), &demo_vocabulary()),
        Understanding::NotUnderstood { .. }
    )
}

/// (field, sorted values) of each filter, sorted.
pub fn filters(query: &SemanticQuery) -> Vec<(String, Vec<String>)> {
    let mut filters: Vec<(String, Vec<String>)> = query
        .filters
        .iter()
        .map(|filter| {
            let mut values = filter.values.clone();
            values.sort();
            (filter.field.name().to_string(), values)
        })
        .collect();
    filters.sort();
    filters
}

pub fn period(query: &SemanticQuery) -> Option<(String, String)> {
    query
        .period
        .as_ref()
        .map(|p| (p.start.to_string(), p.end.to_string()))
}

pub fn measures(query: &SemanticQuery) -> Vec<Measure> {
    let mut measures = query.measures.clone();
    measures.sort();
    measures
}

pub fn dimensions(query: &SemanticQuery) -> Vec<Dimension> {
    let mut dimensions = query.dimensions.clone();
    dimensions.sort();
    dimensions
}
