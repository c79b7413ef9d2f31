//! Store speed on a 100k-ticket database: durable ticket creation (synchronous=FULL,
//! one fsync per ticket), the first page of the ticket list, and a 2-character
//! Chinese keyword search. Run: `cargo bench --bench store`.

#![allow(clippy::expect_used)] // a benchmark aborts on setup failure

use baoxiu::input::TicketDraft;
use baoxiu::store::TicketFilter;
use baoxiu::Store;
use criterion::{criterion_group, criterion_main, Criterion};

fn draft(i: usize) -> TicketDraft {
    TicketDraft {
        reporter: Some(format!("住户{i}")),
        phone: Some("13800138000".into()),
        site: Some("翠湖苑".into()),
        building: Some("3".into()),
        unit: Some("2".into()),
        room: Some("501".into()),
        category: Some("水路".into()),
        description: Some("厨房水槽下水管漏水，柜子里有积水".into()),
        ..Default::default()
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(dir.path().join("bench.db")).expect("open");
    let started = std::time::Instant::now();
    baoxiu::seed::synthetic(&mut store, 100_000, 7).expect("seed");
    eprintln!("seeded 100k tickets in {:.1?}", started.elapsed());

    let mut i = 0;
    c.bench_function("create_ticket_durable_100k", |b| {
        b.iter(|| {
            i += 1;
            store.create_ticket(&draft(i), "前台").expect("create")
        })
    });
    c.bench_function("list_first_page_100k", |b| {
        b.iter(|| store.list_tickets(&TicketFilter::default()).expect("list"))
    });
    c.bench_function("search_2char_漏水_100k", |b| {
        b.iter(|| {
            store
                .list_tickets(&TicketFilter {
                    q: Some("漏水".into()),
                    ..Default::default()
                })
                .expect("search")
        })
    });
    c.bench_function("list_overdue_100k", |b| {
        b.iter(|| {
            store
                .list_tickets(&TicketFilter {
                    overdue: true,
                    ..Default::default()
                })
                .expect("overdue")
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = bench
}
criterion_main!(benches);
