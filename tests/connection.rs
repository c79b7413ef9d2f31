//! 数据库连接: the saved choice opens the database it names, and testing a choice says
//! what is there. On the PostgreSQL run (BAOXIU_TEST_PG, scripts/test.sh) the shared
//! choice is tried against the real server; on the SQLite run the same test covers the
//! local choice, so neither run skips it.

use baoxiu::connection::{self, Connection};

use crate::common::*;

/// The form's fields for a fresh database on the test server, with a password full of
/// URL syntax (the test cluster trusts every login, so it only has to survive the URL).
fn shared_fields(url: &str) -> Connection {
    let config: postgres::Config = url.parse().unwrap();
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        _ => "127.0.0.1".into(),
    };
    Connection::Shared {
        host,
        port: config.get_ports().first().copied().unwrap_or(5432),
        database: config.get_dbname().unwrap().into(),
        user: config.get_user().unwrap_or("postgres").into(),
        password: "p@ss:w/rd#?%密".into(),
    }
}

#[test]
fn a_saved_choice_is_tested_then_opened_and_holds_what_was_written() {
    let dir = tempfile::tempdir().unwrap();
    let choice = match postgres_server() {
        Some(_) => shared_fields(&fresh_location(dir.path()).to_string_lossy()),
        None => Connection::Local,
    };

    let line = connection::test(&choice, dir.path()).unwrap();
    match &choice {
        Connection::Shared { database, .. } => {
            assert!(
                line.starts_with("连接成功：共享数据库（PostgreSQL）postgres://"),
                "{line}"
            );
            assert!(line.contains(&format!("/{database}，")), "{line}");
            assert!(!line.contains("p@ss") && !line.contains("p%40ss"), "{line}");
        }
        Connection::Local => assert_eq!(
            line,
            format!(
                "连接成功：本机数据库 {}，还没有工单",
                dir.path().join("baoxiu.db").display()
            )
        ),
    }
    assert!(line.ends_with("还没有工单"), "{line}");

    choice.save(dir.path()).unwrap();
    let saved = Connection::load(dir.path()).unwrap();
    assert_eq!(saved, choice);
    let mut store = saved.open(dir.path()).unwrap();
    store.set_now(Some(at("2026-11-20 10:00")));
    let number = new_ticket(&mut store, "2026-11-20 09:30").number;
    drop(store);

    // Another start (another PC, for the shared one) sees the ticket.
    let store = Connection::load(dir.path())
        .unwrap()
        .open(dir.path())
        .unwrap();
    assert_eq!(store.ticket(&number).unwrap().number, number);
    let line = connection::summary(&store).unwrap();
    assert!(line.ends_with("已有 1 张工单"), "{line}");
}
