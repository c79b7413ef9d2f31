//! Opening the database: defaults at first open, pragmas, refusing files that are not ours.

use baoxiu::Store;

use crate::common::*;

#[test]
fn first_open_creates_zh_cn_defaults() {
    let t = db();
    let cats: Vec<String> = t
        .store
        .categories()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(
        cats,
        [
            "水路",
            "电路",
            "燃气",
            "门窗锁具",
            "墙地面",
            "空调暖通",
            "电梯",
            "消防",
            "弱电门禁",
            "公共设施",
            "其他",
            "服务态度",
            "保洁",
            "秩序",
            "绿化",
            "收费",
            "噪音"
        ]
    );
    let gas = t.store.category_by_name("燃气").unwrap();
    assert_eq!(gas.default_urgency.code(), "emergency");
    let rules = t.store.sla_rules().unwrap();
    let emergency = rules
        .iter()
        .find(|r| r.urgency.code() == "emergency")
        .unwrap();
    assert_eq!(
        (
            emergency.dispatch_minutes,
            emergency.arrival_minutes,
            emergency.completion_minutes,
            emergency.visit_minutes
        ),
        (5, 30, 240, 2880)
    );
    let normal = rules.iter().find(|r| r.urgency.code() == "normal").unwrap();
    assert_eq!(
        (
            normal.dispatch_minutes,
            normal.arrival_minutes,
            normal.completion_minutes,
            normal.visit_minutes
        ),
        (30, 1440, 4320, 2880)
    );
    let s = t.store.settings().unwrap();
    assert_eq!(
        (s.number_prefix.as_str(), s.time_zone.as_str()),
        ("BX", "Asia/Shanghai")
    );
}

#[test]
fn pragmas_are_set_for_durable_business_records() {
    if on_postgres() {
        return; // SQLite's pragmas; the server keeps PostgreSQL's durability
    }
    let t = db();
    let c = rusqlite::Connection::open(t.path()).unwrap();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    let fk: i64 = c
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    let busy: i64 = c
        .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
        .unwrap();
    let version: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(fk, 1);
    assert_eq!(sync, 2, "synchronous=FULL");
    assert!(busy >= 5000);
    assert_eq!(version as usize, baoxiu::store::MIGRATIONS.len());
}

#[test]
fn reopening_changes_nothing() {
    let mut t = db();
    new_ticket(&mut t.store, "2026-11-20 09:00");
    let before = t.store.dump().unwrap();
    let path = t.path();
    drop(t.store);
    let again = Store::open(&path).unwrap();
    assert_eq!(again.dump().unwrap(), before);
}

#[test]
fn a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let e = Store::open(dir.path()).err().unwrap();
    assert_eq!(e.code(), "database");
    assert!(e.to_string().contains("文件夹"), "{e}");
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    let bytes = "这不是数据库，是一份备忘录。\n".repeat(200);
    std::fs::write(&path, &bytes).unwrap();
    let e = Store::open(&path).err().unwrap();
    assert_eq!(e.code(), "database");
    assert!(e.to_string().contains("不是报修台数据库"), "{e}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), bytes);
}

#[test]
fn another_programs_sqlite_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x');")
            .unwrap();
    }
    let e = Store::open(&path).err().unwrap();
    assert_eq!(e.code(), "database");
    let c = rusqlite::Connection::open(&path).unwrap();
    let tables: i64 = c
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tables, 1, "nothing was migrated into the foreign file");
}

/// Several processes (here threads with their own connections) opening the same new
/// file at once: exactly one migrates, none fails, and their tickets all get numbers.
#[test]
fn concurrent_first_opens_of_a_new_file_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut s = Store::open(&path).unwrap();
                s.set_now(Some(at("2026-11-20 10:00")));
                // Each PC may be the one to declare the 小区; the others find it there.
                if let Err(e) = s.add_site("翠湖苑") {
                    assert!(e.to_string().contains("已存在"), "{e}");
                }
                let mut d = draft("2026-11-20 09:00");
                d.reporter = Some(format!("住户{i}"));
                s.create_ticket(&d, "前台").unwrap().number
            })
        })
        .collect();
    let mut numbers: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    numbers.sort();
    let expected: Vec<String> = (1..=8).map(|i| format!("BX-202611-{i:04}")).collect();
    assert_eq!(numbers, expected);
    assert_eq!(Store::open(&path).unwrap().categories().unwrap().len(), 17);
}

/// The shared server restarted (or the network dropped) between two commands: the next
/// command opens a new session and works; the desk does not need a restart.
#[test]
fn a_dropped_server_session_is_replaced_before_the_next_command() {
    if !on_postgres() {
        return; // a SQLite file has no session to lose
    }
    let mut t = db();
    let first = t
        .store
        .create_ticket(&draft("2026-11-20 09:00"), "前台")
        .unwrap();
    let url = t.path().display().to_string();
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let killed: i64 = admin
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
              WHERE application_name = 'baoxiu' AND datname = current_database()
                AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(killed, 1, "the store's session was the one to go");
    // Give the client a moment to notice the closed socket.
    std::thread::sleep(std::time::Duration::from_millis(200));
    let _ = t.store.counters(); // may fail: the session was lost under it
    let second = t
        .store
        .create_ticket(&draft("2026-11-20 09:05"), "前台")
        .unwrap();
    assert_eq!(t.store.ticket(&first.number).unwrap().number, first.number);
    assert_ne!(first.number, second.number);
}

/// `sslmode=require` on a server that does not offer TLS is refused, saying what to change,
/// and nothing is sent in clear. (Needs the plain PostgreSQL run: with TLS on the server
/// the connection would succeed — tests/tls.rs covers that side.)
#[test]
fn sslmode_require_on_a_server_without_tls_is_refused_saying_what_to_change() {
    if !on_postgres() || std::env::var_os("BAOXIU_TEST_PG_SSL").is_some() {
        return; // needs a server without TLS
    }
    let t = db();
    let before = t.store.dump().unwrap();
    let url = format!("{}?sslmode=require", t.path().display());
    let Err(e) = baoxiu::Store::open_postgres(&url, t.dir.path()) else {
        panic!("sslmode=require connected to a server without TLS");
    };
    let text = e.to_string();
    assert!(text.contains("服务器没有开启加密连接"), "{text}");
    assert!(text.contains("ssl = on"), "{text}");
    assert_eq!(t.store.dump().unwrap(), before);
}
