//! Workbooks: the right sheet, title rows, merged header and data cells, date cells and serial
//! numbers (XLSX written here with rust_xlsxwriter; XLS from `tests/data/sellout.xls`).

use std::path::{Path, PathBuf};

use analyst_ingest::{FileFormat, IngestError, ReadOptions, open};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

use crate::helpers::{Files, cells, date, normalize_detected, normalize_with, open_ok, strings};

const HEADERS: [&str; 11] = [
    "Sales Date",
    "Branch Code",
    "Branch Name",
    "Article No",
    "Barcode",
    "Article Description",
    "Brand",
    "Sales Qty",
    "Gross Sales",
    "Discount",
    "Net Sales",
];

fn day(year: u16, month: u8, day: u8) -> ExcelDateTime {
    ExcelDateTime::from_ymd(year, month, day).expect("date")
}

/// A department-store sell-out sheet: a title, the header on row 3, date cells and a return.
fn sellout_sheet(sheet: &mut Worksheet) {
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    sheet
        .write_string(0, 0, "Central Retail - sell-out January")
        .expect("title");
    for (column, header) in (0u16..).zip(HEADERS) {
        sheet.write_string(2, column, header).expect("header");
    }
    let rows: [(ExcelDateTime, &str, f64, f64, f64, f64); 2] = [
        (day(2025, 1, 31), "ST-001", 2.0, 2980.0, 298.0, 2682.0),
        (day(2025, 2, 1), "AE-010", -1.0, -290.0, 0.0, -290.0),
    ];
    for (index, (date, sku, qty, gross, discount, net)) in rows.into_iter().enumerate() {
        let row = 3 + index as u32;
        sheet
            .write_datetime_with_format(row, 0, date, &date_format)
            .expect("date");
        sheet.write_string(row, 1, "C045").expect("cell");
        sheet.write_string(row, 2, "Central Phuket").expect("cell");
        sheet.write_string(row, 3, sku).expect("cell");
        sheet.write_string(row, 4, "8850000000011").expect("cell");
        sheet.write_string(row, 5, "Product").expect("cell");
        sheet.write_string(row, 6, "Stride").expect("cell");
        for (column, value) in [(7, qty), (8, gross), (9, discount), (10, net)] {
            sheet.write_number(row, column, value).expect("number");
        }
    }
}

fn save(mut workbook: Workbook, path: PathBuf) -> PathBuf {
    workbook.save(&path).expect("save workbook");
    path
}

fn sellout_workbook(files: &Files) -> PathBuf {
    let mut workbook = Workbook::new();
    let notes = workbook.add_worksheet().set_name("Notes").expect("name");
    notes.write_string(0, 0, "Read me first").expect("cell");
    let summary = workbook.add_worksheet().set_name("Summary").expect("name");
    for (row, (brand, net)) in [("Brand", ""), ("Stride", "2392")].into_iter().enumerate() {
        summary.write_string(row as u32, 0, brand).expect("cell");
        summary
            .write_string(row as u32, 1, if row == 0 { "Net Sales" } else { net })
            .expect("cell");
    }
    sellout_sheet(workbook.add_worksheet().set_name("Sell-out").expect("name"));
    save(workbook, files.path("sellout.xlsx"))
}

#[test]
fn the_sheet_with_the_sales_table_is_chosen_and_dates_read_as_iso() {
    let files = Files::new();
    let path = sellout_workbook(&files);
    let mut table = open_ok(&path);
    assert_eq!(
        table.format,
        FileFormat::Xlsx {
            sheet: "Sell-out".into()
        }
    );
    assert_eq!(table.header_line, 3);
    assert_eq!(table.headers, HEADERS);
    let rows = cells(&mut table);
    assert_eq!(
        rows[0],
        strings(&[
            "2025-01-31",
            "C045",
            "Central Phuket",
            "ST-001",
            "8850000000011",
            "Product",
            "Stride",
            "2",
            "2980",
            "298",
            "2682"
        ])
    );
    assert_eq!(rows[1][0], "2025-02-01");
    assert_eq!(rows[1][7], "-1");

    let normalized = normalize_detected(&path, "department_store_sellout");
    assert!(normalized.errors.is_empty(), "{:?}", normalized.errors);
    let sales: Vec<_> = normalized
        .sales
        .iter()
        .map(|s| (s.line, s.date, s.qty, s.net_amount))
        .collect();
    assert_eq!(
        sales,
        [
            (4, date(2025, 1, 31), 2.0, 2682.0),
            (5, date(2025, 2, 1), -1.0, -290.0)
        ]
    );
}

#[test]
fn a_named_sheet_is_read_and_an_unknown_one_lists_the_sheets() {
    let files = Files::new();
    let path = sellout_workbook(&files);
    let summary = ReadOptions {
        sheet: Some("summary".into()),
        ..ReadOptions::default()
    };
    let table = open(&path, &summary).expect("summary sheet");
    assert_eq!(
        table.format,
        FileFormat::Xlsx {
            sheet: "Summary".into()
        }
    );
    assert_eq!(table.headers, ["Brand", "Net Sales"]);

    let missing = ReadOptions {
        sheet: Some("Data".into()),
        ..ReadOptions::default()
    };
    let error = open(&path, &missing).err().expect("no such sheet");
    assert!(
        matches!(error, IngestError::SheetNotFound { .. }),
        "{error}"
    );
    assert!(
        error.to_string().contains("Notes, Summary, Sell-out"),
        "{error}"
    );
}

/// `Date` merged down over two header rows, `Sales` merged across `Qty` and `Amount`, and a
/// date merged down over the two rows of the same day.
#[test]
fn merged_header_and_data_cells() {
    let files = Files::new();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let plain = Format::new();
    sheet
        .merge_range(0, 0, 1, 0, "Date", &plain)
        .expect("merge");
    sheet.merge_range(0, 1, 1, 1, "SKU", &plain).expect("merge");
    sheet
        .merge_range(0, 2, 0, 3, "Sales", &plain)
        .expect("merge");
    sheet.write_string(1, 2, "Qty").expect("cell");
    sheet.write_string(1, 3, "Amount").expect("cell");
    sheet
        .merge_range(2, 0, 3, 0, "31/01/2025", &plain)
        .expect("merge");
    for (row, sku, qty, amount) in [
        (2, "A", 1.0, 100.0),
        (3, "B", 2.0, 50.0),
        (4, "C", 3.0, 30.0),
    ] {
        sheet.write_string(row, 1, sku).expect("cell");
        sheet.write_number(row, 2, qty).expect("cell");
        sheet.write_number(row, 3, amount).expect("cell");
    }
    sheet.write_string(4, 0, "01/02/2025").expect("cell");
    let path = save(workbook, files.path("merged.xlsx"));
    let mut table = open_ok(&path);
    assert_eq!(table.headers, ["Date", "SKU", "Sales Qty", "Sales Amount"]);
    assert_eq!(table.header_line, 2);
    assert_eq!(
        cells(&mut table),
        [
            strings(&["31/01/2025", "A", "1", "100"]),
            strings(&["31/01/2025", "B", "2", "50"]),
            strings(&["01/02/2025", "C", "3", "30"]),
        ]
    );
}

/// Dates kept as plain serial numbers (no date format), and date-times, still make dates.
#[test]
fn serial_numbers_and_date_times_in_the_date_column() {
    let files = Files::new();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, header) in (0u16..).zip(["Date", "SKU", "Qty", "Amount"]) {
        sheet.write_string(0, column, header).expect("header");
    }
    sheet.write_number(1, 0, 45688.0).expect("serial");
    let stamp = day(2025, 2, 1).and_hms(14, 30, 0).expect("time");
    let stamp_format = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    sheet
        .write_datetime_with_format(2, 0, stamp, &stamp_format)
        .expect("datetime");
    for row in 1..=2 {
        sheet.write_string(row, 1, "A").expect("cell");
        sheet.write_number(row, 2, 1.0).expect("cell");
        sheet.write_number(row, 3, 12.5).expect("cell");
    }
    let path = save(workbook, files.path("serials.xlsx"));
    let mut table = open_ok(&path);
    let rows = cells(&mut table);
    assert_eq!(rows[0][0], "45688");
    assert_eq!(rows[1][0], "2025-02-01 14:30:00");
    assert_eq!(rows[0][3], "12.5");
    let profile = analyst_ingest::Profile::from_mapping(
        "serials",
        analyst_ingest::Channel::Online,
        analyst_ingest::parse_mapping("date=Date,sku=SKU,qty=Qty,amount=Amount").expect("mapping"),
    );
    let normalized = normalize_with(&path, &profile);
    let dates: Vec<_> = normalized.sales.iter().map(|s| s.date).collect();
    assert_eq!(dates, [date(2025, 1, 31), date(2025, 2, 1)]);
}

/// A committed test file.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The committed XLS (written by `tests/data/make_xls.py` with xlwt): the table sheet after a
/// notes sheet, a merged title, Thai headers, date cells, a return and a total row.
#[test]
fn xls_workbook_with_thai_headers() {
    let path = fixture("sellout.xls");
    let mut table = open_ok(&path);
    assert_eq!(
        table.format,
        FileFormat::Xls {
            sheet: "Sales".into()
        }
    );
    assert_eq!(table.header_line, 2);
    assert_eq!(table.headers[0], "วันที่");
    let rows = cells(&mut table);
    assert_eq!(
        rows[0],
        strings(&[
            "2025-01-31",
            "0101",
            "สยาม",
            "ST-001",
            "8850000000011",
            "รองเท้าวิ่ง",
            "Stride",
            "2",
            "2000",
            "100",
            "1900"
        ])
    );
    let normalized = normalize_detected(&path, "thai_department_store");
    assert!(normalized.errors.is_empty(), "{:?}", normalized.errors);
    assert_eq!(normalized.skipped, 1, "the total row");
    let sales: Vec<_> = normalized
        .sales
        .iter()
        .map(|s| (s.line, s.date, s.store_code.clone(), s.qty, s.net_amount))
        .collect();
    assert_eq!(
        sales,
        [
            (
                3,
                date(2025, 1, 31),
                Some("BKK-SIAM".to_owned()),
                2.0,
                1900.0
            ),
            (4, date(2025, 2, 1), Some("HKT".to_owned()), -1.0, -590.0),
        ]
    );
}

#[test]
fn a_workbook_with_a_header_and_no_rows_says_so() {
    let files = Files::new();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, header) in (0u16..).zip(["Date", "SKU", "Qty", "Amount"]) {
        sheet.write_string(0, column, header).expect("header");
    }
    let error = crate::helpers::open_err(&save(workbook, files.path("header.xlsx")));
    assert!(
        matches!(error, IngestError::NoDataRows { header_line: 1 }),
        "{error}"
    );

    let empty = save(Workbook::new(), files.path("empty.xlsx"));
    let error = crate::helpers::open_err(&empty);
    assert!(matches!(error, IngestError::Empty), "{error}");
}

/// The sellout workbook's bytes, for the malformed-file tests.
pub fn sellout_bytes() -> Vec<u8> {
    let files = Files::new();
    std::fs::read(sellout_workbook(&files)).expect("read workbook")
}

/// A sheet longer than the stream's batches, with an empty row in it: every row arrives once,
/// in order, with its sheet row number.
#[test]
fn a_long_sheet_streams_every_row_in_order() {
    let files = Files::new();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, header) in (0u16..).zip(["Date", "SKU", "Qty", "Amount"]) {
        sheet.write_string(0, column, header).expect("header");
    }
    let rows: u32 = 5000;
    for index in 1..=rows {
        if index == 2500 {
            continue;
        }
        sheet.write_string(index, 0, "2025-01-31").expect("cell");
        sheet
            .write_string(index, 1, format!("SKU-{index}"))
            .expect("cell");
        sheet.write_number(index, 2, 1.0).expect("cell");
        sheet
            .write_number(index, 3, f64::from(index))
            .expect("cell");
    }
    let path = save(workbook, files.path("long.xlsx"));
    let mut table = open_ok(&path);
    let read = crate::helpers::rows(&mut table);
    assert_eq!(read.len(), rows as usize - 1);
    let expected: Vec<u64> = (2..=u64::from(rows) + 1)
        .filter(|line| *line != 2501)
        .collect();
    assert_eq!(
        read.iter().map(|row| row.line).collect::<Vec<_>>(),
        expected
    );
    assert_eq!(
        read[4998].cells,
        strings(&["2025-01-31", "SKU-5000", "1", "5000"])
    );
    assert!(
        (table.progress() - 1.0).abs() < 1e-9,
        "{}",
        table.progress()
    );
}

/// A template sheet with the same header and no rows does not hide the sheet with the data.
#[test]
fn a_sheet_with_data_wins_over_an_empty_template() {
    let files = Files::new();
    let mut workbook = Workbook::new();
    let template = workbook.add_worksheet().set_name("Template").expect("name");
    for (column, header) in (0u16..).zip(HEADERS) {
        template.write_string(0, column, header).expect("header");
    }
    sellout_sheet(workbook.add_worksheet().set_name("Week 5").expect("name"));
    let path = save(workbook, files.path("template.xlsx"));
    let mut table = open_ok(&path);
    assert_eq!(
        table.format,
        FileFormat::Xlsx {
            sheet: "Week 5".into()
        }
    );
    assert_eq!(crate::helpers::rows(&mut table).len(), 2);
}
