//! Damaged and hostile workbooks: truncated or corrupted XLSX and XLS, zip bombs (honest,
//! claiming 2 GB, or lying about their size), and zips that are not workbooks. Each gives a
//! clear error before calamine reads anything it should not, and never a panic.

use std::io::Write;

use analyst_ingest::{IngestError, ReadOptions, open};
use zip::write::SimpleFileOptions;

use crate::helpers::{Files, open_err};
use crate::spreadsheets::{fixture, sellout_bytes};

/// A zip of the given entries, deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        writer.start_file(*name, options).expect("zip entry");
        writer.write_all(bytes).expect("zip data");
    }
    writer.finish().expect("zip").into_inner()
}

/// Overwrites the uncompressed size every entry declares, in its local header and in the
/// central directory.
fn declare_size(zip: &mut [u8], size: u32) {
    for (signature, offset) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
        let starts: Vec<usize> = zip
            .windows(4)
            .enumerate()
            .filter(|(_, window)| window == signature)
            .map(|(start, _)| start)
            .collect();
        for start in starts {
            zip[start + offset..start + offset + 4].copy_from_slice(&size.to_le_bytes());
        }
    }
}

#[test]
fn a_truncated_xlsx_is_damaged() {
    let files = Files::new();
    let whole = sellout_bytes();
    for cut in [
        whole.len() / 10,
        whole.len() / 2,
        whole.len() * 9 / 10,
        whole.len() - 1,
    ] {
        let error = open_err(&files.write(&format!("cut{cut}.xlsx"), &whole[..cut]));
        assert!(
            matches!(error, IngestError::Damaged { .. }),
            "cut at {cut}: {error}"
        );
        assert!(error.to_string().contains("save it again"), "{error}");
    }
}

/// Bytes flipped inside the sales sheet's compressed data (the check sums no longer match).
#[test]
fn a_corrupted_sheet_is_damaged() {
    let files = Files::new();
    let mut bytes = sellout_bytes();
    let name = b"xl/worksheets/sheet3.xml";
    let header = bytes
        .windows(name.len())
        .position(|window| window == name)
        .expect("the sell-out sheet's local header");
    let data = header + name.len() + 8;
    for byte in &mut bytes[data..data + 32] {
        *byte ^= 0x5A;
    }
    let error = open_err(&files.write("corrupt.xlsx", bytes));
    assert!(matches!(error, IngestError::Damaged { .. }), "{error}");
}

#[test]
fn a_zip_bomb_is_refused_by_its_declared_size() {
    let files = Files::new();
    let zeros = vec![0u8; 20 * 1024 * 1024];
    let bomb = zip_of(&[
        ("xl/workbook.xml", b"<workbook/>"),
        ("xl/worksheets/sheet1.xml", &zeros),
    ]);
    assert!(bomb.len() < 100_000, "a bomb is small: {}", bomb.len());
    let path = files.write("bomb.xlsx", bomb);
    let options = ReadOptions {
        max_uncompressed_bytes: 1024 * 1024,
        ..ReadOptions::default()
    };
    let error = open(&path, &options).err().expect("refused");
    assert!(
        matches!(error, IngestError::TooLarge { limit_mb: 1, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("declare 20 MB"), "{error}");
}

#[test]
fn a_workbook_claiming_2_gb_is_refused_under_the_default_limit() {
    let files = Files::new();
    let mut bytes = sellout_bytes();
    declare_size(&mut bytes, 0x8000_0000);
    let error = open_err(&files.write("claims2gb.xlsx", bytes));
    assert!(
        matches!(error, IngestError::TooLarge { limit_mb: 1024, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("more than 1024 MB"), "{error}");
}

/// Entries declaring 100 bytes that unpack to 20 MB pass the size check, but cannot be
/// unpacked past what they declare: the workbook is damaged, and memory stays small.
#[test]
fn a_zip_lying_about_its_sizes_cannot_unpack_past_them() {
    let files = Files::new();
    let zeros = vec![0u8; 20 * 1024 * 1024];
    let mut bomb = zip_of(&[
        ("[Content_Types].xml", &zeros),
        ("xl/workbook.xml", &zeros),
        ("xl/worksheets/sheet1.xml", &zeros),
    ]);
    declare_size(&mut bomb, 100);
    let path = files.write("liar.xlsx", bomb);
    let options = ReadOptions {
        max_uncompressed_bytes: 1024 * 1024,
        ..ReadOptions::default()
    };
    let error = open(&path, &options).err().expect("refused");
    assert!(matches!(error, IngestError::Damaged { .. }), "{error}");
}

#[test]
fn zips_that_are_not_workbooks_are_named() {
    let files = Files::new();
    let cases = [
        (
            "photos.xlsx",
            zip_of(&[("hello.txt", b"hello")]),
            "a zip archive, not an Excel workbook",
        ),
        (
            "sheet.ods",
            zip_of(&[
                (
                    "mimetype",
                    b"application/vnd.oasis.opendocument.spreadsheet",
                ),
                ("content.xml", b"<x/>"),
            ]),
            "OpenDocument spreadsheet (.ods)",
        ),
    ];
    for (name, bytes, expected) in cases {
        let error = open_err(&files.write(name, bytes));
        assert!(
            matches!(error, IngestError::NotATable { .. }),
            "{name}: {error}"
        );
        assert!(error.to_string().contains(expected), "{error}");
    }
}

#[test]
fn truncated_and_garbage_xls_are_damaged() {
    let files = Files::new();
    let whole = std::fs::read(fixture("sellout.xls")).expect("fixture");
    let mut garbage = whole[..8].to_vec();
    garbage.extend((0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8));
    for (name, bytes) in [
        ("half.xls", whole[..whole.len() / 2].to_vec()),
        ("garbage.xls", garbage),
    ] {
        let error = open_err(&files.write(name, bytes));
        assert!(
            matches!(error, IngestError::Damaged { .. }),
            "{name}: {error}"
        );
    }
}
