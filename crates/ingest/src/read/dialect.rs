//! The delimiter and quote character of a delimited file, sniffed from its first lines: the
//! candidate that splits the most lines into the same number of columns wins.

const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
/// Lines of the sample compared.
const LINES: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Dialect {
    pub delimiter: u8,
    pub quote: u8,
}

impl Dialect {
    /// A reader for this dialect: no header handling (the header row is found separately),
    /// rows of any width.
    pub fn builder(self) -> csv::ReaderBuilder {
        let mut builder = csv::ReaderBuilder::new();
        builder
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .quote(self.quote);
        builder
    }
}

/// Sniffs the dialect; a single quote is tried only in text without double quotes.
pub(super) fn sniff(text: &str) -> Dialect {
    let mut quotes = vec![b'"'];
    if !text.contains('"') && text.contains('\'') {
        quotes.push(b'\'');
    }
    let mut best = (
        Dialect {
            delimiter: b',',
            quote: b'"',
        },
        (0, 0),
    );
    for &quote in &quotes {
        for delimiter in DELIMITERS {
            let dialect = Dialect { delimiter, quote };
            let score = consistency(text, dialect);
            if score > best.1 {
                best = (dialect, score);
            }
        }
    }
    best.0
}

/// How many lines share the most common width (of two columns or more), and that width.
fn consistency(text: &str, dialect: Dialect) -> (usize, usize) {
    let mut reader = dialect.builder().from_reader(text.as_bytes());
    let mut counts = std::collections::BTreeMap::<usize, usize>::new();
    for record in reader.records().take(LINES) {
        match record {
            Ok(record) if record.len() >= 2 => *counts.entry(record.len()).or_default() += 1,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    counts
        .into_iter()
        .map(|(width, lines)| (lines, width))
        .max()
        .unwrap_or((0, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delimiter(text: &str) -> char {
        char::from(sniff(text).delimiter)
    }

    #[test]
    fn each_delimiter_is_recognised() {
        assert_eq!(delimiter("Date,SKU,Qty\n01/01/2025,A,1\n"), ',');
        assert_eq!(delimiter("Date;SKU;Qty\n01/01/2025;A;1,5\n"), ';');
        assert_eq!(delimiter("Date\tSKU\tQty\n01/01/2025\tA, B\t1\n"), '\t');
        assert_eq!(delimiter("Date|SKU|Qty\n01/01/2025|A|1\n"), '|');
    }

    #[test]
    fn quoted_delimiters_do_not_count() {
        let text = "Date;Product;Net\n01/01/2025;\"Shoe; red\";1,5\n02/01/2025;\"Cap\";2,5\n";
        assert_eq!(
            sniff(text),
            Dialect {
                delimiter: b';',
                quote: b'"'
            }
        );
    }

    #[test]
    fn a_single_quote_is_the_quote_when_it_encloses_fields() {
        let text = "Date,Product,Qty\n'01/01/2025','Shoe, red',1\n'02/01/2025','Cap',2\n";
        assert_eq!(
            sniff(text),
            Dialect {
                delimiter: b',',
                quote: b'\''
            }
        );
        let apostrophes = "Date,Product,Qty\n01/01/2025,Men's shoe,1\n02/01/2025,Kid's cap,2\n";
        assert_eq!(sniff(apostrophes).quote, b'"');
    }
}
