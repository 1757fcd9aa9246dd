//! Files that are not sales tables give a clear error, never a panic and never rows.

use analyst_ingest::{IngestError, ReadOptions, open};

use crate::helpers::{Files, open_err};

/// Deterministic pseudo-random bytes (no dependency needed for noise).
fn noise(length: usize, mut seed: u64) -> Vec<u8> {
    (0..length)
        .map(|_| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as u8
        })
        .collect()
}

#[test]
fn an_empty_file_says_so() {
    let files = Files::new();
    for (name, bytes) in [
        ("empty.csv", &b""[..]),
        ("blank.csv", b" \r\n\n\t\n"),
        ("bom.csv", b"\xEF\xBB\xBF"),
    ] {
        let error = open_err(&files.write(name, bytes));
        assert!(matches!(error, IngestError::Empty), "{name}: {error}");
        assert!(error.to_string().contains("the file is empty"), "{error}");
    }
}

#[test]
fn binary_garbage_is_not_a_table() {
    let files = Files::new();
    for seed in 1..=5 {
        let error = open_err(&files.write(&format!("garbage{seed}.csv"), noise(50_000, seed)));
        assert!(
            matches!(error, IngestError::NotATable { .. }),
            "seed {seed}: {error}"
        );
        assert!(error.to_string().contains("binary data"), "{error}");
    }
}

#[test]
fn a_pdf_is_named_as_such() {
    let files = Files::new();
    let error = open_err(&files.write("report.csv", b"%PDF-1.7\n1 0 obj\n"));
    assert!(error.to_string().contains("a PDF document"), "{error}");
}

#[test]
fn ten_thousand_columns_are_refused() {
    let files = Files::new();
    let header: Vec<String> = (0..10_000).map(|i| format!("Column{i}")).collect();
    let row: Vec<String> = (0..10_000).map(|i| i.to_string()).collect();
    let text = format!("{}\n{}\n", header.join(","), row.join(","));
    let path = files.write("wide.csv", text);
    let error = open_err(&path);
    assert!(
        matches!(
            error,
            IngestError::TooManyColumns {
                line: 1,
                found: 10_000,
                max: 1000
            }
        ),
        "{error}"
    );
    let wider = ReadOptions {
        max_columns: 20_000,
        ..ReadOptions::default()
    };
    assert!(open(&path, &wider).is_ok(), "the limit is an option");
}

#[test]
fn a_header_without_data_rows_says_so() {
    let files = Files::new();
    let error = open_err(&files.write("header.csv", "Report\nDate,SKU,Qty,Net Sales\n,,,\n\n"));
    assert!(
        matches!(error, IngestError::NoDataRows { header_line: 2 }),
        "{error}"
    );
    assert!(error.to_string().contains("no data rows"), "{error}");
}

#[test]
fn a_file_of_one_column_explains_the_separator() {
    let files = Files::new();
    let error = open_err(&files.write("one.csv", "Date SKU Qty\n31/01/2025 A 1\n"));
    assert!(matches!(error, IngestError::NoHeader { .. }), "{error}");
    assert!(error.to_string().contains("separator"), "{error}");
}

#[test]
fn a_missing_file_names_its_path() {
    let files = Files::new();
    let path = files.path("nowhere.csv");
    let error = open_err(&path);
    assert!(error.to_string().contains("nowhere.csv"), "{error}");
}

/// A quote opened and never closed would make the rest of the file one cell: reading stops
/// at a bound, naming the line and the likely cause.
#[test]
fn a_quote_never_closed_stops_at_a_bound() {
    let files = Files::new();
    let mut text = String::from("Date,SKU,Qty\n31/01/2025,A,1\n31/01/2025,\"B,2\n");
    let filler = "31/01/2025,C,3\n".repeat(1_300_000);
    text.push_str(&filler);
    let mut table = crate::helpers::open_ok(&files.write("unclosed.csv", text));
    let mut row = analyst_ingest::RawRow::default();
    assert!(table.next_row(&mut row).expect("first row"));
    let error = table.next_row(&mut row).expect_err("the unclosed quote");
    assert!(
        matches!(error, IngestError::Malformed { line: 3, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("never closed"), "{error}");
}
