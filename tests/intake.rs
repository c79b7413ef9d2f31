//! Intake details and consent (issue 11): 发生时间 and 指定师傅 on the ticket, and 有偿
//! work only after a 报价 the owner agreed to.

use baoxiu::input::CompletionDraft;
use baoxiu::store::Step;
use baoxiu::ticket::Status;

use crate::cli::Cli;
use crate::common::*;

fn paid_completion() -> Step {
    Step::Complete(CompletionDraft {
        cause: Some("三角阀老化漏水".into()),
        measures: Some("更换三角阀".into()),
        paid: Some(true),
        fee_fen: Some(5500),
        payment_method: Some("微信".into()),
        owner_signed: Some(true),
        ..Default::default()
    })
}

fn quote(items: &str, amount_fen: i64, consent: bool) -> Step {
    Step::Quote {
        items: items.into(),
        amount_fen,
        consent,
    }
}

#[test]
fn when_it_started_and_the_technician_asked_for_are_kept() {
    let mut t = db_at("2026-11-20 10:00");
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let mut d = draft("2026-11-20 09:00");
    d.occurred_at = Some("2026-11-19 22:30".into());
    d.requested_technician = Some("张师傅".into());
    let ticket = t.store.create_ticket(&d, "前台小李").unwrap();
    assert_eq!(ticket.occurred_at, Some(at("2026-11-19 22:30")));
    assert_eq!(ticket.requested_technician.as_deref(), Some("张师傅"));

    let before = t.store.dump().unwrap();
    let mut late = d.clone();
    late.occurred_at = Some("2026-11-20 09:30".into());
    let e = t.store.create_ticket(&late, "前台小李").unwrap_err();
    assert_eq!(
        e.to_string(),
        "发生时间 2026-11-20 09:30 晚于报修时间 2026-11-20 09:00，请检查：故障应在报修之前发生"
    );
    let mut unknown = d.clone();
    unknown.requested_technician = Some("王不在".into());
    assert_eq!(
        t.store
            .create_ticket(&unknown, "前台小李")
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(t.store.dump().unwrap(), before, "refusals change nothing");
}

#[test]
fn paid_work_needs_a_quote_the_owner_did_not_refuse() {
    let mut t = db_at("2026-11-20 12:00");
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let n = new_ticket(&mut t.store, "2026-11-20 09:00").number;
    let s = &mut t.store;
    step(
        s,
        &n,
        Step::Assign {
            technician: "张师傅".into(),
        },
        "2026-11-20 09:05",
    );
    // Before dispatch nobody has looked at it: no quote from 待派单.
    step(s, &n, Step::Start, "2026-11-20 09:40");
    step(
        s,
        &n,
        quote("更换三角阀1个、人工1次", 5500, false),
        "2026-11-20 09:50",
    );
    let before = s.dump().unwrap();
    let e = s
        .apply_step(&n, paid_completion(), Some("2026-11-20 10:30"), "前台小李")
        .unwrap_err();
    assert_eq!(e.code(), "precondition");
    assert!(e.to_string().contains("报价业主不同意"), "{e}");
    assert_eq!(s.dump().unwrap(), before);

    let e = s
        .apply_step(&n, quote("  ", 5500, true), None, "前台小李")
        .unwrap_err();
    assert!(e.to_string().contains("报价项目"), "{e}");
    assert_eq!(
        s.apply_step(&n, quote("人工", -1, true), None, "前台小李")
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    assert_eq!(s.dump().unwrap(), before);

    step(
        s,
        &n,
        quote("更换三角阀1个（业主自购配件）、人工1次", 3000, true),
        "2026-11-20 10:00",
    );
    let done = step(s, &n, paid_completion(), "2026-11-20 10:30");
    assert_eq!(done.status, Status::Completed);
    let quotes = s.quotes(&n).unwrap();
    assert_eq!(
        quotes
            .iter()
            .map(|q| (q.amount_fen, q.consent))
            .collect::<Vec<_>>(),
        [(5500, false), (3000, true)]
    );
    let last = s.history(&n).unwrap().pop().unwrap();
    assert_eq!(last.action_label, "完工");
    let quoted = s
        .history(&n)
        .unwrap()
        .into_iter()
        .filter(|e| e.action_label == "报价")
        .count();
    assert_eq!(quoted, 2);
}

#[test]
fn the_cli_records_a_quote_and_shows_the_intake_details() {
    let c = Cli::new();
    c.ok(&["tech", "add", "--name", "张师傅", "--skills", "水路"], "");
    let ticket = c.ok(
        &["ticket", "new"],
        r#"{"reporter":"王建国","phone":"13800138000","site":"翠湖苑","building":"3","unit":"2","room":"501","category":"水路","description":"厨房漏水","occurred_at":"2026-11-25 07:30","requested_technician":"张师傅"}"#,
    );
    let n = ticket["number"].as_str().unwrap();
    assert_eq!(ticket["requested_technician"], "张师傅");
    let (code, _) = c.refused(
        &[
            "ticket",
            "quote",
            n,
            "--items",
            "人工1次",
            "--amount-fen",
            "2000",
            "--consent",
            "yes",
        ],
        "",
    );
    assert_eq!(code, "wrong_status", "no quote before dispatch");
    c.ok(&["ticket", "assign", n, "--tech", "张师傅"], "");
    c.ok(
        &[
            "ticket",
            "quote",
            n,
            "--items",
            "人工1次",
            "--amount-fen",
            "2000",
            "--consent",
            "no",
        ],
        "",
    );
    let shown = c.ok(&["ticket", "show", n], "");
    assert_eq!(shown["quotes"][0]["amount_fen"], 2000);
    assert_eq!(shown["quotes"][0]["consent"], false);
    assert!(shown["occurred_at"]
        .as_str()
        .unwrap()
        .starts_with("2026-11-25T07:30"));
}
