//! The text encoding of a file, from its first bytes: a BOM when there is one (UTF-8, UTF-16),
//! UTF-16 without one, valid UTF-8, or else the legacy code page people's exports use — Thai
//! Windows-874 (TIS-620) or Western Windows-1252.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_874, WINDOWS_1252};

use crate::error::IngestError;

/// Detects the encoding of a file from a sample of its first bytes.
pub(super) fn detect(sample: &[u8]) -> Result<&'static Encoding, IngestError> {
    if let Some((encoding, _)) = Encoding::for_bom(sample) {
        return Ok(encoding);
    }
    if let Some(encoding) = utf16_without_bom(sample) {
        return Ok(encoding);
    }
    if sample.contains(&0) {
        return Err(IngestError::NotATable {
            looks_like: "binary data".into(),
        });
    }
    if is_utf8(sample) {
        return Ok(UTF_8);
    }
    Ok(if looks_thai(sample) {
        WINDOWS_874
    } else {
        WINDOWS_1252
    })
}

/// UTF-16 text of mostly ASCII characters has a zero in every other byte.
fn utf16_without_bom(sample: &[u8]) -> Option<&'static Encoding> {
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut even_zeros, mut odd_zeros) = (0, 0);
    for pair in sample.chunks_exact(2) {
        even_zeros += usize::from(pair[0] == 0);
        odd_zeros += usize::from(pair[1] == 0);
    }
    let mostly = |zeros: usize| zeros * 10 >= pairs * 6;
    let rarely = |zeros: usize| zeros * 10 <= pairs;
    if mostly(odd_zeros) && rarely(even_zeros) {
        Some(UTF_16LE)
    } else if mostly(even_zeros) && rarely(odd_zeros) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Valid UTF-8, allowing a character cut at the end of the sample.
fn is_utf8(sample: &[u8]) -> bool {
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none(),
    }
}

/// Thai letters in Windows-874 are bytes 0xA1-0xFB that come in runs (words), where the
/// accented letters of Western text mostly stand alone among ASCII letters.
fn looks_thai(sample: &[u8]) -> bool {
    let thai = |byte: u8| (0xA1..=0xFB).contains(&byte);
    let (mut high, mut in_runs) = (0usize, 0usize);
    for (index, &byte) in sample.iter().enumerate() {
        if !thai(byte) {
            continue;
        }
        high += 1;
        let before = index > 0 && thai(sample[index - 1]);
        let after = sample.get(index + 1).is_some_and(|&next| thai(next));
        in_runs += usize::from(before || after);
    }
    high > 0 && in_runs * 2 > high
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(text: &str, encoding: &'static Encoding) -> Vec<u8> {
        encoding.encode(text).0.into_owned()
    }

    #[test]
    fn boms_decide() {
        assert_eq!(detect(b"\xEF\xBB\xBFDate,Qty").ok(), Some(UTF_8));
        assert_eq!(detect(b"\xFF\xFED\0a\0").ok(), Some(UTF_16LE));
        assert_eq!(detect(b"\xFE\xFF\0D\0a").ok(), Some(UTF_16BE));
    }

    #[test]
    fn utf16_without_a_bom() {
        let le: Vec<u8> = "Date,Qty\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "Date,Qty\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(detect(&le).ok(), Some(UTF_16LE));
        assert_eq!(detect(&be).ok(), Some(UTF_16BE));
    }

    #[test]
    fn legacy_code_pages() {
        let thai = encode("วันที่,รหัสสินค้า,จำนวน\n31/01/2568,A1,2\n", WINDOWS_874);
        assert_eq!(detect(&thai).ok(), Some(WINDOWS_874));
        let western = encode("Date,Product,Qty\n31/01/2025,Café crème,2\n", WINDOWS_1252);
        assert_eq!(detect(&western).ok(), Some(WINDOWS_1252));
        assert_eq!(detect("วันที่,Café".as_bytes()).ok(), Some(UTF_8));
    }

    #[test]
    fn a_cut_character_at_the_end_is_still_utf8() {
        let text = "Date,ยอดขาย".as_bytes();
        assert_eq!(detect(&text[..text.len() - 1]).ok(), Some(UTF_8));
    }

    #[test]
    fn zero_bytes_are_binary() {
        let error = detect(b"\x01\x02\x00\x00\x07garbage\x00").expect_err("binary");
        assert!(error.to_string().contains("binary data"), "{error}");
    }
}
