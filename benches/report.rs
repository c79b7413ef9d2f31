//! Month report speed: the summary (`report::month`) and the XLSX export of a
//! 30,000-ticket month inside a 1,000,000-ticket database (≈33 months of history).
//! The database is seeded once with `seed::synthetic` and kept in
//! `target/bench-report-1m.db` for later runs. Run: `cargo bench --bench report`.

#![allow(clippy::expect_used)] // a benchmark that cannot set up has nothing to measure

use std::path::PathBuf;
use std::time::{Duration, Instant};

use baoxiu::export::{self, ExportOptions};
use baoxiu::{report, Store};
use criterion::{criterion_group, criterion_main, Criterion};

const TICKETS: i64 = 1_000_000;
const NOW: &str = "2026-11-20 10:00";
const MONTH: &str = "2026-10";

fn database() -> Store {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-report-1m.db");
    let now = baoxiu::clock::OfficeZone::default()
        .parse_input("now", NOW)
        .expect("now");
    let mut store = Store::open(&path).expect("open bench database");
    store.set_now(Some(now));
    let have = store.office_size().expect("count").tickets;
    if have < TICKETS {
        drop(store);
        let _ = std::fs::remove_file(&path);
        let mut fresh = Store::open(&path).expect("create bench database");
        fresh.set_now(Some(now));
        let started = Instant::now();
        baoxiu::seed::synthetic(&mut fresh, TICKETS as usize, 11).expect("seed");
        eprintln!("seeded {TICKETS} tickets in {:.1?}", started.elapsed());
        store = fresh;
    }
    store
}

fn bench(c: &mut Criterion) {
    let store = database();
    let r = report::month(&store, MONTH).expect("report");
    let started = Instant::now();
    let bytes = export::xlsx(&store, MONTH, &ExportOptions::default()).expect("xlsx");
    eprintln!(
        "{MONTH}: received {} completed {} open at month end {}; xlsx {} KB in {:.2?}",
        r.received,
        r.completed,
        r.open_at_month_end,
        bytes.len() / 1024,
        started.elapsed()
    );

    let mut g = c.benchmark_group("month_1m_db");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("report_month_30k", |b| {
        b.iter(|| report::month(&store, MONTH).expect("report"))
    });
    g.bench_function("export_xlsx_30k", |b| {
        b.iter(|| export::xlsx(&store, MONTH, &ExportOptions::default()).expect("xlsx"))
    });
    g.bench_function("export_csv_30k", |b| {
        b.iter(|| export::csv(&store, MONTH, &ExportOptions::default()).expect("csv"))
    });
    g.bench_function("export_pdf_30k", |b| {
        b.iter(|| export::pdf(&store, MONTH, &ExportOptions::default()).expect("pdf"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
