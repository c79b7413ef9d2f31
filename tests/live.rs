//! 实时同步 (issue 9): on the shared PostgreSQL database, a committed step reaches the
//! other desks' listeners; a refused or rolled-back one never does. These need a real
//! server, so they are `#[ignore]`d in the everyday SQLite run; scripts/test.sh runs
//! them on its throwaway cluster with `-- --include-ignored`.

use std::time::{Duration, Instant};

use baoxiu::attachment::AttachmentKind;
use baoxiu::store::notify::{Change, Listener};
use baoxiu::store::Step;
use baoxiu::ticket::Status;

use crate::common::*;

/// A fresh database on the test server and a listener on it. Run without the server,
/// the test fails saying how to start one.
fn live_db() -> (TestDb, Listener) {
    assert!(
        on_postgres(),
        "实时同步的测试需要 PostgreSQL：先 `source scripts/pg.sh && pg_start`，再用 \
         BAOXIU_TEST_PG=$BAOXIU_TEST_PG cargo test -p baoxiu --test tests -- --include-ignored"
    );
    let t = db();
    let url = t.path().to_string_lossy().to_string();
    let listener = Listener::connect(&url).unwrap();
    (t, listener)
}

/// The next change, failing the test if none arrives within 2 s (the promise).
fn heard(l: &mut Listener) -> Change {
    l.next(Duration::from_secs(2))
        .unwrap()
        .expect("no change arrived within 2 s")
}

fn assign(t: &mut TestDb, number: &str, who: &str) -> baoxiu::Result<baoxiu::ticket::Ticket> {
    t.store.apply_step(
        number,
        Step::Assign {
            technician: who.into(),
        },
        Some("2026-11-20 09:55"),
        "调度王姐",
    )
}

#[test]
#[ignore = "needs PostgreSQL: BAOXIU_TEST_PG=… cargo test -- --include-ignored"]
fn a_committed_step_reaches_another_desk_within_two_seconds() {
    let (mut t, mut listener) = live_db();
    add_tech(&mut t.store, "张师傅", &["水路"]);

    let started = Instant::now();
    let ticket = new_ticket(&mut t.store, "2026-11-20 09:50");
    let created = heard(&mut listener);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        created,
        Change {
            number: ticket.number.clone(),
            action: baoxiu::ticket::EventAction::Created,
            action_label: "登记".into(),
            operator: "前台小李".into(),
            status: Status::Received,
        }
    );

    let started = Instant::now();
    assign(&mut t, &ticket.number, "张师傅").unwrap();
    let assigned = heard(&mut listener);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(assigned.number, ticket.number);
    assert_eq!(assigned.action.code(), "assign");
    assert_eq!(assigned.action_label, "派单");
    assert_eq!(assigned.operator, "调度王姐");
    assert_eq!(assigned.status, Status::Assigned);
    // Nothing else was said.
    assert_eq!(listener.next(Duration::from_millis(200)).unwrap(), None);
}

#[test]
#[ignore = "needs PostgreSQL: BAOXIU_TEST_PG=… cargo test -- --include-ignored"]
fn a_refused_step_sends_nothing() {
    let (mut t, mut listener) = live_db();
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let ticket = new_ticket(&mut t.store, "2026-11-20 09:50");
    assert_eq!(heard(&mut listener).action.code(), "created");

    let before = t.store.dump().unwrap();
    // 到场 before 派单: the workflow refuses it.
    let err = t
        .store
        .apply_step(
            &ticket.number,
            Step::Start,
            Some("2026-11-20 09:55"),
            "张师傅",
        )
        .unwrap_err();
    assert_eq!(err.code(), "wrong_status");
    assert_eq!(t.store.dump().unwrap(), before);

    // The next thing heard is the next committed step, not the refused one.
    assign(&mut t, &ticket.number, "张师傅").unwrap();
    assert_eq!(heard(&mut listener).action.code(), "assign");
}

#[test]
#[ignore = "needs PostgreSQL: BAOXIU_TEST_PG=… cargo test -- --include-ignored"]
fn a_rolled_back_write_sends_nothing() {
    let (mut t, mut listener) = live_db();
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let ticket = new_ticket(&mut t.store, "2026-11-20 09:50");
    assert_eq!(heard(&mut listener).action.code(), "created");

    let before = t.store.dump().unwrap();
    // The print events are written (and announced) inside the transaction, then the PDF
    // cannot be delivered: the whole transaction rolls back, the announcement with it.
    let err = t
        .store
        .record_prints(std::slice::from_ref(&ticket.number), "前台小李", || {
            Err(baoxiu::Error::invalid("打印机没有纸"))
        })
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert_eq!(t.store.dump().unwrap(), before);

    assign(&mut t, &ticket.number, "张师傅").unwrap();
    assert_eq!(heard(&mut listener).action.code(), "assign");
}

#[test]
#[ignore = "needs PostgreSQL: BAOXIU_TEST_PG=… cargo test -- --include-ignored"]
fn an_attachment_is_announced_like_any_step() {
    let (mut t, mut listener) = live_db();
    let ticket = new_ticket(&mut t.store, "2026-11-20 09:50");
    assert_eq!(heard(&mut listener).action.code(), "created");
    let photo = t.dir.path().join("漏水.jpg");
    std::fs::write(&photo, b"\xFF\xD8\xFF\xE0 not really a photo").unwrap();
    t.store
        .attach(
            &ticket.number,
            AttachmentKind::FaultPhoto,
            &photo,
            "前台小李",
        )
        .unwrap();
    let change = heard(&mut listener);
    assert_eq!(change.action.code(), "attach");
    assert_eq!(change.action_label, "添加附件");
    assert_eq!(change.status, Status::Received);
}

#[test]
#[ignore = "needs PostgreSQL: BAOXIU_TEST_PG=… cargo test -- --include-ignored"]
fn something_else_on_the_channel_is_skipped() {
    let (mut t, mut listener) = live_db();
    raw_sql(
        &t.path(),
        "",
        "NOTIFY baoxiu_desk, 'hello from another tool'",
    );
    let ticket = new_ticket(&mut t.store, "2026-11-20 09:50");
    assert_eq!(heard(&mut listener).number, ticket.number);
}

#[test]
#[ignore = "needs PostgreSQL: BAOXIU_TEST_PG=… cargo test -- --include-ignored"]
fn a_dropped_connection_is_a_chinese_error() {
    let (t, mut listener) = live_db();
    raw_sql(
        &t.path(),
        "",
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND query = 'LISTEN baoxiu_desk'",
    );
    let err = listener.next(Duration::from_secs(2)).unwrap_err();
    assert_eq!(err.code(), "database");
    assert!(err.to_string().contains("实时连接断开了"), "{err}");
}

/// Runs on both engines: a listener needs a PostgreSQL address, and says so.
#[test]
fn a_listener_on_a_file_is_refused_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let err = Listener::connect(&dir.path().join("baoxiu.db").to_string_lossy())
        .err()
        .unwrap();
    assert_eq!(err.code(), "database");
    assert!(err.to_string().contains("postgres://"), "{err}");
}
