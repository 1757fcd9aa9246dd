//! What a file is, from its first bytes: a zip (XLSX), an OLE compound file (XLS), text, or
//! something else people upload by mistake.

/// The container a file's magic bytes announce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Zip,
    Ole,
    Text,
    /// Not a table: what it looks like, for the error message.
    Other(&'static str),
}

const SIGNATURES: [(&[u8], Kind); 9] = [
    (b"PK\x03\x04", Kind::Zip),
    (b"PK\x05\x06", Kind::Zip),
    (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", Kind::Ole),
    (b"%PDF", Kind::Other("a PDF document")),
    (b"\x89PNG", Kind::Other("a PNG image")),
    (b"\xFF\xD8\xFF", Kind::Other("a JPEG image")),
    (b"GIF8", Kind::Other("a GIF image")),
    (b"\x1F\x8B", Kind::Other("a gzip archive")),
    (b"Rar!", Kind::Other("a RAR archive")),
];

/// Sniffs the kind from the first bytes; anything without a known signature is read as text
/// (the text reader refuses binary content itself).
pub(super) fn sniff(head: &[u8]) -> Kind {
    SIGNATURES
        .iter()
        .find(|(signature, _)| head.starts_with(signature))
        .map_or(Kind::Text, |(_, kind)| *kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_name_the_kind() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Kind::Zip);
        assert_eq!(sniff(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), Kind::Ole);
        assert_eq!(sniff(b"%PDF-1.7"), Kind::Other("a PDF document"));
        assert_eq!(sniff(b"Date,Qty"), Kind::Text);
        assert_eq!(sniff(b"\xFF\xFEU\0"), Kind::Text);
    }
}
