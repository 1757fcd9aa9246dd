//! Encodings: UTF-8 with and without BOM, UTF-16 LE and BE, Thai Windows-874 (TIS-620) and
//! Western Windows-1252 all read as the same text.

use analyst_ingest::FileFormat;
use encoding_rs::{WINDOWS_874, WINDOWS_1252};

use crate::helpers::{Files, cells, normalize_detected, open_ok, strings};

const THAI: &str = "วันที่,รหัสสาขา,ชื่อสาขา,รหัสสินค้า,บาร์โค้ด,ชื่อสินค้า,ยี่ห้อ,จำนวน,ยอดขาย,ส่วนลด,ยอดขายสุทธิ\n\
                    31/01/2568,0101,สยาม,ST-001,8850000000011,รองเท้าวิ่ง,Stride,2,\"2,000.00\",100.00,\"1,900.00\"\n";

fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    let mut bytes = if little_endian {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        bytes.extend(if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    bytes
}

#[test]
fn thai_text_reads_the_same_in_every_encoding() {
    let files = Files::new();
    let with_bom = [&[0xEF, 0xBB, 0xBF][..], THAI.as_bytes()].concat();
    let tis620 = WINDOWS_874.encode(THAI).0.into_owned();
    let cases = [
        ("utf8.csv", THAI.as_bytes().to_vec(), "UTF-8"),
        ("utf8-bom.csv", with_bom, "UTF-8"),
        ("utf16le.csv", utf16(THAI, true), "UTF-16LE"),
        ("utf16be.csv", utf16(THAI, false), "UTF-16BE"),
        ("tis620.csv", tis620, "windows-874"),
    ];
    for (name, bytes, encoding) in cases {
        let path = files.write(name, bytes);
        let mut table = open_ok(&path);
        assert_eq!(
            table.format,
            FileFormat::Csv {
                delimiter: ',',
                quote: '"',
                encoding: encoding.into()
            },
            "{name}"
        );
        assert_eq!(
            table.headers[0], "วันที่",
            "{name}: no BOM left in the first header"
        );
        assert_eq!(table.headers[10], "ยอดขายสุทธิ", "{name}");
        assert_eq!(
            cells(&mut table),
            [strings(&[
                "31/01/2568",
                "0101",
                "สยาม",
                "ST-001",
                "8850000000011",
                "รองเท้าวิ่ง",
                "Stride",
                "2",
                "2,000.00",
                "100.00",
                "1,900.00"
            ])],
            "{name}"
        );
        let normalized = normalize_detected(&path, "thai_department_store");
        assert_eq!(normalized.sales.len(), 1, "{name}");
        assert_eq!(
            normalized.sales[0].product_name.as_deref(),
            Some("รองเท้าวิ่ง")
        );
    }
}

#[test]
fn windows_1252_accents_are_decoded() {
    let files = Files::new();
    let text =
        "Date,SKU,Product,Qty\n31/01/2025,CF-1,Café crème,2\n31/01/2025,CF-2,Crêpe Suzette,1\n";
    let path = files.write("western.csv", WINDOWS_1252.encode(text).0);
    let mut table = open_ok(&path);
    assert!(
        matches!(&table.format, FileFormat::Csv { encoding, .. } if encoding == "windows-1252"),
        "{:?}",
        table.format
    );
    let rows = cells(&mut table);
    assert_eq!(rows[0][2], "Café crème");
    assert_eq!(rows[1][2], "Crêpe Suzette");
}
