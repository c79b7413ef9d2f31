//! 维修单 speed and size: one A4 slip, one two-part A5×2 sheet, and a 500-ticket batch
//! in one PDF (targets: one slip ≤ 150 KB, 500 slips ≤ 1 s). Sizes are printed once.
//! Run: `cargo bench --bench slip`.

// A benchmark that cannot set up should stop loudly.
#![allow(clippy::expect_used)]

use baoxiu::input::TicketDraft;
use baoxiu::slip::{self, Layout};
use baoxiu::ticket::Ticket;
use baoxiu::Store;
use criterion::{criterion_group, criterion_main, Criterion};

fn draft(i: usize) -> TicketDraft {
    TicketDraft {
        reporter: Some(format!("住户{i}号王玥")),
        phone: Some("13800138000".into()),
        site: Some("翠湖苑".into()),
        building: Some(format!("{}", i % 20 + 1)),
        unit: Some(format!("{}", i % 3 + 1)),
        room: Some(format!("{}", 101 + i % 30)),
        category: Some("水路".into()),
        description: Some(format!(
            "卫生间洗手盆下方水管接口处持续漏水，地面已有积水，楼下{}住户反映天花板出现水渍。\
             业主要求尽快上门查看并更换老化的角阀和软管，上门前请先电话联系。",
            1000 + i
        )),
        received_at: Some("2026-11-20 09:00".into()),
        ..Default::default()
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(dir.path().join("bench.db")).expect("open");
    let tickets: Vec<Ticket> = (0..500)
        .map(|i| store.create_ticket(&draft(i), "前台").expect("create"))
        .collect();
    let settings = store.settings().expect("settings");
    let at = store.now();
    // Parse the font once up front, as the app does on its first print.
    let started = std::time::Instant::now();
    baoxiu::font::font().expect("font");
    eprintln!("font parse: {:.1?}", started.elapsed());

    let one = &tickets[..1];
    for (name, set, layout) in [
        ("a4 one slip", one, Layout::A4),
        ("a5x2 one sheet", one, Layout::A5x2),
        ("a4 500 slips", &tickets[..], Layout::A4),
        ("a5x2 500 sheets", &tickets[..], Layout::A5x2),
    ] {
        let bytes = slip::render(set, layout, &settings, &at).expect("render");
        eprintln!(
            "{name}: {} bytes ({:.1} KB)",
            bytes.len(),
            bytes.len() as f64 / 1024.0
        );
    }

    c.bench_function("slip_a4_one", |b| {
        b.iter(|| slip::render(one, Layout::A4, &settings, &at).expect("render"))
    });
    c.bench_function("slip_a5x2_one", |b| {
        b.iter(|| slip::render(one, Layout::A5x2, &settings, &at).expect("render"))
    });
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.bench_function("slip_a4_500", |b| {
        b.iter(|| slip::render(&tickets, Layout::A4, &settings, &at).expect("render"))
    });
    group.bench_function("slip_a5x2_500", |b| {
        b.iter(|| slip::render(&tickets, Layout::A5x2, &settings, &at).expect("render"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
