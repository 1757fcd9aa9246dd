//! Delimited text: delimiters, quotes, title lines above the header, blank lines.

use analyst_ingest::FileFormat;

use crate::helpers::{Files, cells, open_ok, rows, strings};

/// The same small table written with each delimiter gives the same rows.
#[test]
fn comma_semicolon_tab_and_pipe_files_give_the_same_rows() {
    let files = Files::new();
    let expected = vec![
        strings(&["31/01/2025", "ST-001", "Running shoe", "2"]),
        strings(&["01/02/2025", "ST-002", "Cap", "1"]),
    ];
    for (name, delimiter) in [
        ("a.csv", ','),
        ("b.csv", ';'),
        ("c.tsv", '\t'),
        ("d.txt", '|'),
    ] {
        let text = ["Date", "SKU", "Product", "Qty"].join(&delimiter.to_string())
            + "\n"
            + &expected
                .iter()
                .map(|row| row.join(&delimiter.to_string()))
                .collect::<Vec<_>>()
                .join("\n")
            + "\n";
        let mut table = open_ok(&files.write(name, text));
        assert_eq!(
            table.format,
            FileFormat::Csv {
                delimiter,
                quote: '"',
                encoding: "UTF-8".into()
            }
        );
        assert_eq!(table.headers, ["Date", "SKU", "Product", "Qty"]);
        assert_eq!(table.header_line, 1);
        assert_eq!(cells(&mut table), expected, "{name}");
    }
}

#[test]
fn quoted_cells_keep_delimiters_quotes_and_line_breaks() {
    let files = Files::new();
    let text = "Date,SKU,Product,Qty\r\n\
                31/01/2025,ST-001,\"Shoe, red \"\"Pro\"\"\",2\r\n\
                31/01/2025,ST-002,\"Cap\r\nblue\",1\r\n\
                01/02/2025,ST-003,Bag,3\r\n";
    let mut table = open_ok(&files.write("quoted.csv", text));
    let rows = rows(&mut table);
    assert_eq!(
        rows[0].cells,
        strings(&["31/01/2025", "ST-001", "Shoe, red \"Pro\"", "2"])
    );
    assert_eq!(
        rows[1].cells,
        strings(&["31/01/2025", "ST-002", "Cap\r\nblue", "1"])
    );
    assert_eq!(
        rows[2].cells,
        strings(&["01/02/2025", "ST-003", "Bag", "3"])
    );
    assert_eq!(
        rows.iter().map(|row| row.line).collect::<Vec<_>>(),
        [2, 3, 5]
    );
}

#[test]
fn single_quotes_are_sniffed_when_they_enclose_fields() {
    let files = Files::new();
    let text = "Date,Product,Qty\n'31/01/2025','Shoe, red',2\n'01/02/2025','Cap',1\n";
    let mut table = open_ok(&files.write("single.csv", text));
    assert!(
        matches!(table.format, FileFormat::Csv { quote: '\'', .. }),
        "{:?}",
        table.format
    );
    assert_eq!(
        cells(&mut table),
        [
            strings(&["31/01/2025", "Shoe, red", "2"]),
            strings(&["01/02/2025", "Cap", "1"])
        ]
    );
}

/// Reports put the vendor, the period and an empty line above the header; line numbers stay
/// those of the file.
#[test]
fn title_lines_above_the_header_are_skipped_and_lines_keep_their_numbers() {
    let files = Files::new();
    let text = "Siam Department Store - Sell-out report\n\
                Period:,01/01/2025 - 31/01/2025\n\
                \n\
                Sales Date,Branch Code,Article No,Sales Qty,Net Sales\n\
                31/01/2025,0101,ST-001,2,\"1,980.00\"\n\
                ,,,,\n\
                \n\
                31/01/2025,0102,ST-002,1,990.00\n";
    let mut table = open_ok(&files.write("titled.csv", text));
    assert_eq!(table.header_line, 4);
    assert_eq!(
        table.headers,
        [
            "Sales Date",
            "Branch Code",
            "Article No",
            "Sales Qty",
            "Net Sales"
        ]
    );
    let rows = rows(&mut table);
    assert_eq!(rows.len(), 2, "blank lines are no rows: {rows:?}");
    assert_eq!(rows[0].line, 5);
    assert_eq!(rows[0].cells[4], "1,980.00");
    assert_eq!(rows[1].line, 8);
}

/// Short rows are padded and cells past the header are dropped, so every row has one cell per
/// header; duplicate and empty headers get unique names.
#[test]
fn rows_have_one_cell_per_header() {
    let files = Files::new();
    let text = "Date,Qty,Qty,\n31/01/2025,1\n31/01/2025,1,2,3,4\n";
    let mut table = open_ok(&files.write("ragged.csv", text));
    assert_eq!(table.headers, ["Date", "Qty", "Qty (2)", "Column 4"]);
    assert_eq!(
        cells(&mut table),
        [
            strings(&["31/01/2025", "1", "", ""]),
            strings(&["31/01/2025", "1", "2", "3"])
        ]
    );
}

#[test]
fn progress_reaches_the_end_of_the_file() {
    let files = Files::new();
    let mut text = String::from("Date,SKU,Qty\n");
    for day in 1..=28 {
        text.push_str(&format!("{day:02}/02/2025,ST-{day:03},{day}\n"));
    }
    let mut table = open_ok(&files.write("progress.csv", text));
    assert_eq!(rows(&mut table).len(), 28);
    assert!(
        (table.progress() - 1.0).abs() < 1e-9,
        "{}",
        table.progress()
    );
}
