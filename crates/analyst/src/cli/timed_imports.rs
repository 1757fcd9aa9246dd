//! `analyst bench --imports`: rows per second and peak memory of a large sell-out file loaded
//! end to end (read, normalized, staged, resolved into silver, gold rebuilt), as CSV and XLSX.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use analyst_ingest::{Channel, Field};
use analyst_store::Connection;
use analyst_uploads::load::{Stopped, process};
use analyst_uploads::{ImportOptions, UploadSettings, batch};
use anyhow::Context;
use chrono::{Duration, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use super::bench::{peak_memory, reset_peak_memory, resident_memory};
use super::render;

/// Writes a benchmark file of so many rows of these SKUs from this day on.
type WriteFile = fn(&Path, u64, &[String], NaiveDate) -> anyhow::Result<()>;

const HEADERS: [&str; 5] = ["Sale Date", "Branch", "Item Code", "Units", "Net Sales"];

/// One row of the benchmark file: a demo SKU sold at one of 40 partner branches.
fn row(index: u64, skus: &[String], first: NaiveDate) -> (NaiveDate, String, &str, i64, f64) {
    let date = first + Duration::days((index % 45) as i64);
    let branch = format!("BR-{:02}", index % 40);
    let sku = &skus[(index as usize * 7) % skus.len()];
    let units = (index % 3) as i64 + 1;
    (date, branch, sku, units, units as f64 * 1_290.5)
}

fn write_csv(path: &Path, rows: u64, skus: &[String], first: NaiveDate) -> anyhow::Result<()> {
    let mut file = BufWriter::new(std::fs::File::create(path)?);
    writeln!(file, "{}", HEADERS.join(","))?;
    for index in 0..rows {
        let (date, branch, sku, units, net) = row(index, skus, first);
        writeln!(file, "{date},{branch},{sku},{units},{net:.2}")?;
    }
    file.flush()?;
    Ok(())
}

fn write_xlsx(path: &Path, rows: u64, skus: &[String], first: NaiveDate) -> anyhow::Result<()> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (column, header) in HEADERS.iter().enumerate() {
        sheet.write_string(0, column as u16, *header)?;
    }
    for index in 0..rows {
        let line = index as u32 + 1;
        let (date, branch, sku, units, net) = row(index, skus, first);
        let date = ExcelDateTime::parse_from_str(&date.to_string())?;
        sheet.write_datetime_with_format(line, 0, &date, &date_format)?;
        sheet.write_string(line, 1, &branch)?;
        sheet.write_string(line, 2, sku)?;
        sheet.write_number(line, 3, units as f64)?;
        sheet.write_number(line, 4, net)?;
    }
    workbook.save(path)?;
    Ok(())
}

/// Loads a CSV of `csv_rows` rows and an XLSX of `xlsx_rows` rows into the store and prints
/// their speed and memory.
pub fn time_imports(
    connection: &dyn Connection,
    dir: &Path,
    csv_rows: u64,
    xlsx_rows: u64,
) -> anyhow::Result<()> {
    let skus: Vec<String> = connection
        .query(
            "SELECT sku FROM silver.product WHERE active ORDER BY id",
            &[],
        )?
        .rows
        .iter()
        .filter_map(|row| row[0].as_str().map(str::to_string))
        .collect();
    anyhow::ensure!(!skus.is_empty(), "the benchmark needs a catalogue");
    let first = NaiveDate::from_ymd_opt(2026, 9, 1).context("bench date")?;
    let settings = UploadSettings::new(dir);
    let options = ImportOptions {
        mapping: Some(
            [
                (Field::Date, HEADERS[0]),
                (Field::StoreCode, HEADERS[1]),
                (Field::Sku, HEADERS[2]),
                (Field::Quantity, HEADERS[3]),
                (Field::NetAmount, HEADERS[4]),
            ]
            .into_iter()
            .map(|(field, header)| (field, header.to_string()))
            .collect(),
        ),
        channel: Some(Channel::Wholesale),
        ..ImportOptions::default()
    };
    let mut grid = render::new_grid(
        [
            "file",
            "rows",
            "size",
            "seconds",
            "rows/s",
            "memory before",
            "peak memory",
        ]
        .map(String::from),
    );
    let files: [(PathBuf, u64, WriteFile); 2] = [
        (dir.join("bench-sell-out.csv"), csv_rows, write_csv),
        (dir.join("bench-sell-out.xlsx"), xlsx_rows, write_xlsx),
    ];
    for (path, rows, write) in files {
        write(&path, rows, &skus, first)?;
        let size = std::fs::metadata(&path)?.len();
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        reset_peak_memory();
        let before = resident_memory();
        let started = Instant::now();
        let registered = batch::register(connection, &settings, None, &name, &path, &options)?;
        let loaded = match process(connection, &settings, registered.id, &mut |_, _| {
            Ok::<(), std::convert::Infallible>(())
        }) {
            Ok(batch) => batch,
            Err(Stopped::Store(error)) => return Err(error.into()),
            Err(Stopped::ByCaller(never)) => match never {},
        };
        let seconds = started.elapsed().as_secs_f64();
        anyhow::ensure!(
            loaded.rows_loaded == rows as i64,
            "{name}: {} rows loaded of {rows} ({:?})",
            loaded.rows_loaded,
            loaded.message
        );
        grid.add_row([
            name,
            rows.to_string(),
            format!("{:.1} MB", size as f64 / 1e6),
            format!("{seconds:.2}"),
            format!("{:.0}", rows as f64 / seconds),
            before,
            peak_memory(),
        ]);
        std::fs::remove_file(&path)?;
    }
    println!("{grid}");
    Ok(())
}
