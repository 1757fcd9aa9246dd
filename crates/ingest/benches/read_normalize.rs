//! Throughput of reading and normalizing a generated sell-out CSV (`cargo bench -p
//! analyst-ingest`; `INGEST_BENCH_ROWS` sets the size, 1,000,000 by default). Prints rows per
//! second for the reader alone and for reader + normalizer, and the peak resident memory.

use std::io::{BufWriter, Write};
use std::time::Instant;

use analyst_ingest::{Normalizer, RawRow, ReadOptions, builtin_profiles, detect, open};

const BRANCHES: [(&str, &str); 4] = [
    ("0101", "Central Phuket"),
    ("0102", "Central World"),
    ("0301", "Central Khon Kaen"),
    ("0401", "Central Chiang Mai"),
];

fn write_file(path: &std::path::Path, rows: usize) -> std::io::Result<u64> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "Sell-out report")?;
    writeln!(
        out,
        "Sales Date,Branch Code,Branch Name,Article No,Barcode,Article Description,Brand,Sales Qty,Gross Sales,Discount,Net Sales"
    )?;
    for index in 0..rows {
        let (code, name) = BRANCHES[index % BRANCHES.len()];
        let day = index % 28 + 1;
        let product = index % 5000;
        let qty = if index % 50 == 0 {
            -1
        } else {
            (index % 4 + 1) as i64
        };
        let gross = qty as f64 * 1490.0;
        let discount = gross * 0.1;
        writeln!(
            out,
            "{day:02}/02/2025,{code},{name},ST-{product:05},885{product:010},Stride Runner {product},Stride,{qty},\"{gross:.2}\",{discount:.2},{:.2}",
            gross - discount
        )?;
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: usize = std::env::var("INGEST_BENCH_ROWS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("sellout.csv");
    let size = write_file(&path, rows)?;
    println!("{rows} rows, {} MB", size / 1_000_000);

    let started = Instant::now();
    let mut table = open(&path, &ReadOptions::default())?;
    let mut row = RawRow::default();
    let mut read = 0usize;
    while table.next_row(&mut row)? {
        read += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "read:             {:>9.0} rows/s ({read} rows in {seconds:.2} s)",
        read as f64 / seconds
    );

    let started = Instant::now();
    let mut table = open(&path, &ReadOptions::default())?;
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
        "read + normalize: {:>9.0} rows/s ({sales} sales, {errors} errors, net {net:.2}, {seconds:.2} s)",
        sales as f64 / seconds
    );
    if let Some(peak) = peak_rss_mib() {
        println!("peak RSS: {peak} MiB");
    }
    Ok(())
}
