//! Throughput of reading and normalizing generated sell-out files (`cargo bench -p
//! analyst-ingest`): a CSV of `INGEST_BENCH_ROWS` rows (1,000,000 by default) and an XLSX of
//! `INGEST_BENCH_XLSX_ROWS` (200,000). Prints rows per second for the reader alone and for
//! reader + normalizer, and the peak resident memory after each file.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use analyst_ingest::{Normalizer, RawRow, ReadOptions, builtin_profiles, detect, open};

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
const BRANCHES: [(&str, &str); 4] = [
    ("0101", "Central Phuket"),
    ("0102", "Central World"),
    ("0301", "Central Khon Kaen"),
    ("0401", "Central Chiang Mai"),
];

/// One generated line: a department store's sell-out, a return every 50 lines.
struct Line {
    day: usize,
    branch: (&'static str, &'static str),
    product: usize,
    qty: f64,
    gross: f64,
    discount: f64,
}

fn line(index: usize) -> Line {
    let qty = if index.is_multiple_of(50) {
        -1.0
    } else {
        (index % 4 + 1) as f64
    };
    let gross = qty * 1490.0;
    Line {
        day: index % 28 + 1,
        branch: BRANCHES[index % BRANCHES.len()],
        product: index % 5000,
        qty,
        gross,
        discount: gross * 0.1,
    }
}

fn write_csv(path: &Path, rows: usize) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "Sell-out report")?;
    writeln!(out, "{}", HEADERS.join(","))?;
    for index in 0..rows {
        let l = line(index);
        writeln!(
            out,
            "{:02}/02/2025,{},{},ST-{:05},885{:010},Stride Runner {},Stride,{},\"{:.2}\",{:.2},{:.2}",
            l.day,
            l.branch.0,
            l.branch.1,
            l.product,
            l.product,
            l.product,
            l.qty,
            l.gross,
            l.discount,
            l.gross - l.discount
        )?;
    }
    out.flush()
}

fn write_xlsx(path: &Path, rows: usize) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    let date_format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    for (column, header) in (0u16..).zip(HEADERS) {
        sheet.write_string(0, column, header)?;
    }
    for index in 0..rows {
        let l = line(index);
        let row = index as u32 + 1;
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 2, l.day as u8)?;
        sheet.write_datetime_with_format(row, 0, date, &date_format)?;
        sheet.write_string(row, 1, l.branch.0)?;
        sheet.write_string(row, 2, l.branch.1)?;
        sheet.write_string(row, 3, format!("ST-{:05}", l.product))?;
        sheet.write_string(row, 4, format!("885{:010}", l.product))?;
        sheet.write_string(row, 5, format!("Stride Runner {}", l.product))?;
        sheet.write_string(row, 6, "Stride")?;
        for (column, value) in [
            (7, l.qty),
            (8, l.gross),
            (9, l.discount),
            (10, l.gross - l.discount),
        ] {
            sheet.write_number(row, column, value)?;
        }
    }
    workbook.save(path)
}

fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .and_then(|line| line.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |kib| kib / 1024)
}

fn measure(path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let megabytes = std::fs::metadata(path)?.len() / 1_000_000;
    let started = Instant::now();
    let mut table = open(path, &ReadOptions::default())?;
    let mut row = RawRow::default();
    let mut read = 0usize;
    while table.next_row(&mut row)? {
        read += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{megabytes} MB, read:             {:>9.0} rows/s ({read} rows in {seconds:.2} s)",
        read as f64 / seconds
    );

    let started = Instant::now();
    let mut table = open(path, &ReadOptions::default())?;
    let profiles = builtin_profiles();
    let found = detect(&table.headers, &profiles).ok_or("no profile detected")?;
    let mut sample = Vec::new();
    while sample.len() < 1000 && table.next_row(&mut row)? {
        sample.push(row.clone());
    }
    let normalizer = Normalizer::new(&profiles[found.profile], &table.headers, &sample)?;
    let (mut sales, mut errors, mut net) = (0usize, 0usize, 0.0);
    let mut count = |row: &RawRow| match normalizer.normalize(row) {
        Ok(Some(sale)) => {
            sales += 1;
            net += sale.net_amount;
        }
        Ok(None) => {}
        Err(_) => errors += 1,
    };
    sample.iter().for_each(&mut count);
    while table.next_row(&mut row)? {
        count(&row);
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{megabytes} MB, read + normalize: {:>9.0} rows/s ({sales} sales, {errors} errors, net {net:.2}, {seconds:.2} s); peak RSS so far {} MiB",
        sales as f64 / seconds,
        peak_rss_mib()
    );
    Ok(())
}

fn rows_from(variable: &str, default: usize) -> usize {
    std::env::var(variable)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("sellout.csv");
    let rows = rows_from("INGEST_BENCH_ROWS", 1_000_000);
    write_csv(&csv, rows)?;
    println!("CSV, {rows} rows");
    measure(&csv)?;

    let xlsx = dir.path().join("sellout.xlsx");
    let rows = rows_from("INGEST_BENCH_XLSX_ROWS", 200_000);
    write_xlsx(&xlsx, rows)?;
    println!(
        "XLSX, {rows} rows (peak RSS after writing it: {} MiB)",
        peak_rss_mib()
    );
    measure(&xlsx)
}
