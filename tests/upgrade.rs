//! 升级 — databases written by released versions (tests/fixtures/upgrade/, made by
//! scripts/make-fixture.sh from a tagged revision) open with the current code: every row
//! survives and the month report reads exactly as that version printed it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use baoxiu::Store;

use crate::common::at;

fn fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upgrade");
    let mut dbs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "db"))
        .collect();
    dbs.sort();
    dbs
}

fn json(path: PathBuf) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_released_database_opens_with_its_rows_and_report_unchanged() {
    let all = fixtures();
    assert!(
        !all.is_empty(),
        "no upgrade fixtures: run scripts/make-fixture.sh"
    );
    for fixture in all {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("office.db");
        std::fs::copy(&fixture, &copy).unwrap();
        let mut store = Store::open(&copy).unwrap();
        store.set_now(Some(at("2026-12-03 12:00")));

        let counts: BTreeMap<String, i64> =
            serde_json::from_value(json(fixture.with_extension("counts.json"))).unwrap();
        let size = store.office_size().unwrap();
        assert_eq!(size.tickets, counts["tickets"], "{}", fixture.display());
        assert_eq!(size.technicians, counts["technicians"]);
        assert_eq!(size.sites, counts["sites"]);
        // Every table the old version had still holds all its rows (a new version may
        // add tables; it may not lose rows).
        let backup = dir.path().join("copy.db");
        let copied = store.copy_into(&Store::open(&backup).unwrap()).unwrap();
        for (table, rows) in &counts {
            if let Some(t) = copied.tables.iter().find(|t| &t.table == table) {
                // Step 6 seeds the six complaint categories (服务态度 … 噪音) into an
                // existing office too.
                let seeded = if table == "categories" { 6 } else { 0 };
                assert_eq!(t.rows, *rows + seeded, "{table} in {}", fixture.display());
            }
        }
        let kind_of = |name: &str| store.category_by_name(name).unwrap().kind.code();
        assert_eq!(kind_of("服务态度"), "complaint", "{}", fixture.display());
        assert_eq!(kind_of("水路"), "repair");
        assert_eq!(kind_of("其他"), "general");

        // Tickets written before the search index existed are found through it.
        let newest = &store.list_tickets(&Default::default()).unwrap().tickets[0];
        let words: Vec<char> = newest.description.chars().take(2).collect();
        for word in [newest.number.to_lowercase(), words.iter().collect()] {
            let found = store
                .list_tickets(&baoxiu::store::TicketFilter {
                    q: Some(word.clone()),
                    limit: Some(1000),
                    ..Default::default()
                })
                .unwrap();
            assert!(
                found.tickets.iter().any(|t| t.number == newest.number),
                "{word} in {}",
                fixture.display()
            );
        }

        let then = json(fixture.with_extension("report-2026-11.json"));
        // A figure added since (办结 `resolved`) reads zero for the old office's month;
        // everything that version printed reads the same.
        let as_then = |report: baoxiu::report::MonthReport| {
            let mut v = serde_json::to_value(report).unwrap();
            if let (Some(v), Some(then)) = (v.as_object_mut(), then.as_object()) {
                v.retain(|key, value| {
                    then.contains_key(key) || {
                        assert_eq!(*value, serde_json::json!(0), "new figure {key}");
                        false
                    }
                });
            }
            v
        };
        let now = as_then(baoxiu::report::month(&store, "2026-11").unwrap());
        assert_eq!(now, then, "the 2026-11 report of {}", fixture.display());

        // On the PostgreSQL pass: the old office moved into the shared database reads the same.
        if crate::common::on_postgres() {
            let location = crate::common::fresh_location(dir.path());
            let mut shared = crate::common::open_at(&location, dir.path());
            store.copy_into(&shared).unwrap();
            // The planner has statistics at once (without them the month report's
            // plans were nested loops over whole tables).
            let url = location.to_str().unwrap();
            let analysed: i64 = postgres::Client::connect(url, postgres::NoTls)
                .unwrap()
                .query_one(
                    "SELECT count(*) FROM pg_stats WHERE tablename IN ('tickets', 'ticket_events')",
                    &[],
                )
                .unwrap()
                .get(0);
            assert!(analysed > 0, "no planner statistics after the copy");
            shared.set_now(Some(at("2026-12-03 12:00")));
            let moved = as_then(baoxiu::report::month(&shared, "2026-11").unwrap());
            assert_eq!(moved, then, "{} moved to PostgreSQL", fixture.display());
        }
    }
}
