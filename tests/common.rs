//! Shared test fixtures: a fresh database per test, a pinned office clock, and a few
//! ready-made technicians and tickets.

#![allow(dead_code)]

use baoxiu::clock::Time;
use baoxiu::input::{TechnicianDraft, TicketDraft};
use baoxiu::store::Step;
use baoxiu::ticket::Ticket;
use baoxiu::Store;
use tempfile::TempDir;

/// A test database in its own temporary directory (removed when dropped).
pub struct TestDb {
    pub dir: TempDir,
    pub store: Store,
    location: std::path::PathBuf,
}

impl TestDb {
    /// Where the database is: the SQLite file, or on the PostgreSQL run the database's
    /// URL (which `Store::open` accepts the same way).
    pub fn path(&self) -> std::path::PathBuf {
        self.location.clone()
    }
}

/// The PostgreSQL server the suite runs against, when `BAOXIU_TEST_PG` is set
/// (scripts/test.sh starts one and runs the suite a second time with it).
pub fn postgres_server() -> Option<String> {
    std::env::var("BAOXIU_TEST_PG")
        .ok()
        .filter(|s| !s.trim().is_empty())
}

/// A new, empty database for one test: a file in `dir`, or a fresh PostgreSQL database.
pub fn fresh_location(dir: &std::path::Path) -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    match postgres_server() {
        Some(server) => {
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let name = format!("t{}_{n}", std::process::id());
            let mut admin =
                postgres::Client::connect(&format!("{server}/postgres"), postgres::NoTls)
                    .expect("BAOXIU_TEST_PG is set but the PostgreSQL server cannot be reached");
            admin
                .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0"))
                .unwrap();
            std::path::PathBuf::from(format!("{server}/{name}"))
        }
        None => dir.join("baoxiu.db"),
    }
}

/// Whether this run of the suite is the PostgreSQL one. Tests about the SQLite file
/// itself (its pragmas, its header, restoring over the live file) return early there.
pub fn on_postgres() -> bool {
    postgres_server().is_some()
}

/// Run `sql` on a test's database behind the store's back, to plant what the desk itself
/// would refuse (a bad row, a fault). Each engine gets its own text.
pub fn raw_sql(location: &std::path::Path, sqlite: &str, postgres: &str) {
    match location.to_str().filter(|s| s.starts_with("postgres")) {
        Some(url) => postgres::Client::connect(url, postgres::NoTls)
            .unwrap()
            .batch_execute(postgres)
            .unwrap(),
        None => rusqlite::Connection::open(location)
            .unwrap()
            .execute_batch(sqlite)
            .unwrap(),
    }
}

/// Make every insert into `table` whose `column` is `value` fail, like a disk error
/// half-way through a write (undone by [`remove_fault`]).
pub fn plant_fault(location: &std::path::Path, table: &str, column: &str, value: &str) {
    raw_sql(
        location,
        &format!(
            "CREATE TRIGGER test_refuse BEFORE INSERT ON {table} WHEN NEW.{column} = '{value}'
             BEGIN SELECT RAISE(ABORT, '测试故障'); END;"
        ),
        &format!(
            "CREATE FUNCTION test_refuse() RETURNS trigger AS $f$
             BEGIN IF NEW.{column} = '{value}' THEN RAISE EXCEPTION '测试故障'; END IF;
             RETURN NEW; END $f$ LANGUAGE plpgsql;
             CREATE TRIGGER test_refuse BEFORE INSERT ON {table}
             FOR EACH ROW EXECUTE FUNCTION test_refuse();"
        ),
    );
}

pub fn remove_fault(location: &std::path::Path, table: &str) {
    raw_sql(
        location,
        "DROP TRIGGER test_refuse",
        &format!("DROP TRIGGER test_refuse ON {table}; DROP FUNCTION test_refuse();"),
    );
}

/// Open the database at `location` with its local files in `dir`.
pub fn open_at(location: &std::path::Path, dir: &std::path::Path) -> Store {
    match location.to_str().filter(|s| s.starts_with("postgres")) {
        Some(url) => Store::open_postgres(url, dir).unwrap(),
        None => Store::open(location).unwrap(),
    }
}

/// Office-local time `YYYY-MM-DD HH:MM` (Asia/Shanghai).
pub fn at(s: &str) -> Time {
    baoxiu::clock::OfficeZone::default()
        .parse_input("test", s)
        .unwrap()
}

/// The 小区 every fresh test database knows.
pub const SITES: [&str; 2] = ["枫林湾", "翠湖苑"];

/// Declare the 小区 the fixtures' tickets name, as an office does in 基础资料 before its
/// first ticket.
pub fn declare_sites(store: &mut Store) {
    for site in SITES {
        store.add_site(site).unwrap();
    }
}

/// A fresh database whose clock is pinned at `now` (office local time).
pub fn db_at(now: &str) -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let location = fresh_location(dir.path());
    let mut store = open_at(&location, dir.path());
    store.set_now(Some(at(now)));
    declare_sites(&mut store);
    TestDb {
        dir,
        store,
        location,
    }
}

/// A fresh database pinned at 2026-11-20 10:00.
pub fn db() -> TestDb {
    db_at("2026-11-20 10:00")
}

pub fn add_tech(store: &mut Store, name: &str, skills: &[&str]) {
    store
        .save_technician(&TechnicianDraft {
            name: Some(name.into()),
            phone: Some("13900001111".into()),
            skills: skills.iter().map(|s| s.to_string()).collect(),
            daily_capacity: Some(3),
            ..Default::default()
        })
        .unwrap();
}

/// A normal 水路 repair at 翠湖苑 3栋2单元501, received at `received` (local).
pub fn draft(received: &str) -> TicketDraft {
    TicketDraft {
        channel: Some("phone".into()),
        reporter: Some("王建国".into()),
        phone: Some("13800138000".into()),
        site: Some("翠湖苑".into()),
        building: Some("3".into()),
        unit: Some("2".into()),
        room: Some("501".into()),
        category: Some("水路".into()),
        urgency: Some("normal".into()),
        description: Some("厨房水槽下水管漏水，地面有积水".into()),
        received_at: Some(received.into()),
        ..Default::default()
    }
}

pub fn new_ticket(store: &mut Store, received: &str) -> Ticket {
    store.create_ticket(&draft(received), "前台小李").unwrap()
}

pub fn step(store: &mut Store, number: &str, s: Step, when: &str) -> Ticket {
    store.apply_step(number, s, Some(when), "前台小李").unwrap()
}

/// [`Store::dump`] without the 操作日志 (audit_log): for comparing the office's data
/// across an action that is itself logged (a backup, a restore, an import).
pub fn dump_data(store: &Store) -> String {
    let postgres = store.engine() == baoxiu::store::Engine::Postgres;
    let mut out = String::new();
    let mut skip = false;
    for line in store.dump().unwrap().lines() {
        // A table starts with its CREATE statement (SQLite) or its bare name (PostgreSQL).
        if line.starts_with("CREATE ") || (postgres && !line.contains('(')) {
            skip = line.starts_with("CREATE TABLE audit_log") || line == "audit_log";
        }
        if !skip {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
