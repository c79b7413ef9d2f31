//! Durable ticket creation against the floor SQLite itself sets (issue 12): `N` tickets
//! registered through `Store::create_ticket` (number + insert + keyword index + `created`
//! event in one transaction, WAL, synchronous=FULL: one fsync each), against the same
//! single-row transaction typed into the `sqlite3` shell with the same pragmas on a copy
//! of the same database. Prints both rates and their ratio (budget: ours ≥ 0.8× the
//! shell's). Run: `cargo bench --bench durable` (needs the `sqlite3` shell on PATH).

#![allow(clippy::expect_used, clippy::unwrap_used)] // a benchmark aborts on setup failure

use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::time::Instant;

use baoxiu::input::TicketDraft;
use baoxiu::Store;

const N: usize = 300;

fn draft(i: usize) -> TicketDraft {
    TicketDraft {
        reporter: Some(format!("住户{i}")),
        phone: Some("13800138000".into()),
        site: Some("翠湖苑".into()),
        building: Some("3".into()),
        unit: Some("2".into()),
        room: Some(format!("{}", 101 + i % 20)),
        category: Some("水路".into()),
        description: Some("厨房水槽下水管漏水，柜子里有积水".into()),
        ..Default::default()
    }
}

fn main() {
    if Command::new("sqlite3").arg("--version").output().is_err() {
        eprintln!("durable: the sqlite3 shell is not installed (apt-get install sqlite3)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let ours = dir.path().join("office.db");
    let mut store = Store::open(&ours).expect("open");
    store.add_site("翠湖苑").expect("site");
    store.create_ticket(&draft(0), "前台").expect("warm up");
    let started = Instant::now();
    for i in 1..=N {
        store.create_ticket(&draft(i), "前台").expect("create");
    }
    let ours_s = started.elapsed().as_secs_f64();
    drop(store);

    // The shell's copy: the same file, with the keyword index as an FTS5 table the
    // Debian shell can read (its SQLite predates `contentless_delete`).
    let reference = dir.path().join("reference.db");
    std::fs::copy(&ours, &reference).expect("copy");
    let conn = rusqlite::Connection::open(&reference).expect("open copy");
    conn.execute_batch("DROP TABLE ticket_grams; PRAGMA journal_mode = DELETE;")
        .expect("drop index");
    let cols: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('tickets') WHERE name NOT IN ('id', 'number')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    drop(conn);
    let cols = cols.join(", ");
    let mut script = String::from(
        "PRAGMA journal_mode = WAL;\nPRAGMA synchronous = FULL;\nPRAGMA foreign_keys = ON;\n\
         CREATE VIRTUAL TABLE ticket_grams USING fts5(grams, content = '', detail = none, tokenize = 'ascii');\n",
    );
    for i in 1..=N {
        write!(
            script,
            "BEGIN IMMEDIATE;\n\
             INSERT INTO number_sequences (key, last) VALUES ('REF-202612', 1)\n  \
               ON CONFLICT (key) DO UPDATE SET last = number_sequences.last + 1;\n\
             INSERT INTO tickets (number, {cols}) SELECT 'REF-202612-{i:04}', {cols} FROM tickets WHERE id = 1;\n\
             INSERT INTO ticket_grams (rowid, grams) VALUES (last_insert_rowid(), '厨 房 水 厨房 房水 厨房水');\n\
             INSERT INTO ticket_events (ticket_id, at, operator, action, to_status, note)\n  \
               VALUES (last_insert_rowid(), 1796000000, '前台', 'created', 'received', NULL);\n\
             COMMIT;\n"
        )
        .unwrap();
    }
    let started = Instant::now();
    let mut child = Command::new("sqlite3")
        .arg(&reference)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("sqlite3");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), script.as_bytes()).unwrap();
    let status = child.wait().expect("sqlite3 ran");
    let shell_s = started.elapsed().as_secs_f64();
    assert!(status.success(), "the sqlite3 shell failed");

    let rate = |s: f64| N as f64 / s;
    println!(
        "durable create, {N} tickets: store {:.0}/s ({:.2} ms each), sqlite3 shell {:.0}/s ({:.2} ms each), ratio {:.2} (budget ≥ 0.80)",
        rate(ours_s),
        1000.0 * ours_s / N as f64,
        rate(shell_s),
        1000.0 * shell_s / N as f64,
        rate(ours_s) / rate(shell_s)
    );
}
