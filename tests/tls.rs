//! TLS to the shared PostgreSQL database (issue 9: a server in another building). These
//! need a server with `ssl=on`, so they are `#[ignore]`d in the everyday run;
//! scripts/test.sh starts one (`pg_start --ssl`) and runs them with `-- --include-ignored`.

use baoxiu::store::notify::Listener;
use baoxiu::Store;

use crate::common::*;

/// The TLS test server and its certificate (the CA file for `sslrootcert=`). Run without
/// the server, the test fails saying how to start one.
fn tls_server() -> (String, String) {
    let server = std::env::var("BAOXIU_TEST_PG_SSL").unwrap_or_default();
    let ca = std::env::var("BAOXIU_TEST_PG_CA").unwrap_or_default();
    assert!(
        !server.trim().is_empty() && !ca.trim().is_empty(),
        "加密连接的测试需要开启 SSL 的 PostgreSQL：先 `source scripts/pg.sh && pg_start --ssl`，再用 \
         BAOXIU_TEST_PG_SSL=$BAOXIU_TEST_PG_SSL BAOXIU_TEST_PG_CA=$BAOXIU_TEST_PG_CA \
         cargo test -p baoxiu --test tests tls -- --include-ignored"
    );
    (server, ca)
}

/// A connection for the test itself, behind the store's back (trust auth, no TLS).
fn admin(server: &str, db: &str) -> postgres::Client {
    postgres::Client::connect(&format!("{server}/{db}"), postgres::NoTls)
        .expect("BAOXIU_TEST_PG_SSL is set but the PostgreSQL server cannot be reached")
}

/// A new, empty database on the TLS server; its name.
fn fresh_db(server: &str) -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let name = format!("tls{}_{n}", std::process::id());
    admin(server, "postgres")
        .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0"))
        .unwrap();
    name
}

/// What the server says about the desk's sessions on `db`: one `ssl` flag per session.
fn desk_sessions_encrypted(server: &str, db: &str) -> Vec<bool> {
    admin(server, "postgres")
        .query(
            "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
              WHERE a.application_name = 'baoxiu' AND a.datname = $1",
            &[&db],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// How many tables `db` has: a refused connection must not have created any.
fn tables(server: &str, db: &str) -> i64 {
    admin(server, db)
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
        .get(0)
}

fn open(url: &str) -> baoxiu::Result<Store> {
    let files = tempfile::tempdir().unwrap();
    let mut store = Store::open_postgres(url, files.path())?;
    store.set_now(Some(at("2026-11-20 10:00")));
    Ok(store)
}

/// The desk registers a ticket through `url` and reads it back; the server says every
/// session the desk holds on `db` is encrypted. The store, still connected.
fn registers_over_tls(server: &str, db: &str, url: &str) -> Store {
    let mut store = open(url).unwrap();
    declare_sites(&mut store);
    let ticket = new_ticket(&mut store, "2026-11-20 09:50");
    assert_eq!(
        store.ticket(&ticket.number).unwrap().reporter,
        ticket.reporter
    );
    let sessions = desk_sessions_encrypted(server, db);
    assert!(
        !sessions.is_empty(),
        "the desk's session is not on the server"
    );
    assert!(sessions.iter().all(|&ssl| ssl), "sessions: {sessions:?}");
    store
}

#[test]
#[ignore = "needs PostgreSQL with TLS: source scripts/pg.sh && pg_start --ssl, then -- --include-ignored"]
fn sslmode_require_registers_a_ticket_on_an_encrypted_session() {
    let (server, _) = tls_server();
    let db = fresh_db(&server);
    registers_over_tls(&server, &db, &format!("{server}/{db}?sslmode=require"));
}

#[test]
#[ignore = "needs PostgreSQL with TLS: source scripts/pg.sh && pg_start --ssl, then -- --include-ignored"]
fn without_sslmode_the_desk_encrypts_when_the_server_offers_it() {
    let (server, _) = tls_server();
    let db = fresh_db(&server);
    registers_over_tls(&server, &db, &format!("{server}/{db}"));
}

#[test]
#[ignore = "needs PostgreSQL with TLS: source scripts/pg.sh && pg_start --ssl, then -- --include-ignored"]
fn verify_full_refuses_a_certificate_it_cannot_verify_and_says_why() {
    let (server, _) = tls_server();
    let db = fresh_db(&server);
    let url = format!("{server}/{db}?sslmode=verify-full");
    let Err(e) = open(&url) else {
        panic!("verify-full accepted a self-signed certificate nobody vouched for");
    };
    let text = e.to_string();
    assert!(text.contains("证书无法验证"), "{text}");
    assert!(text.contains("sslrootcert"), "{text}");
    assert!(text.contains(&db), "the message names the database: {text}");
    assert_eq!(
        tables(&server, &db),
        0,
        "a refused connection created tables"
    );
    // The live-desk listener connects the same way, and is refused the same way.
    let Err(e) = Listener::connect(&url) else {
        panic!("the listener accepted a certificate the store refused");
    };
    assert!(e.to_string().contains("证书无法验证"), "{e}");
}

#[test]
#[ignore = "needs PostgreSQL with TLS: source scripts/pg.sh && pg_start --ssl, then -- --include-ignored"]
fn verify_full_with_the_servers_ca_file_works_for_the_store_and_the_listener() {
    let (server, ca) = tls_server();
    let db = fresh_db(&server);
    let url = format!("{server}/{db}?sslmode=verify-full&sslrootcert={ca}");
    let _store = registers_over_tls(&server, &db, &url);
    let _listener = Listener::connect(&url).unwrap();
    let sessions = desk_sessions_encrypted(&server, &db);
    assert!(sessions.len() >= 2, "sessions: {sessions:?}");
    assert!(sessions.iter().all(|&ssl| ssl), "sessions: {sessions:?}");
}
