//! 返修 keeps history (维修轮次) and 回访 that fail (回访未果): each 完工 kept as its own
//! round with its cause, fee and 有偿, the month's costs counting each round once,
//! visit attempts that leave a ticket 待回访, and the 回访 split into 维修质量 / 服务态度.

use baoxiu::input::{CompletionDraft, MaterialDraft};
use baoxiu::report;
use baoxiu::store::Step;
use baoxiu::ticket::{Satisfaction, Status, VisitFailure, VisitMethod};
use baoxiu::Store;

use crate::cli::{Cli, NEW};
use crate::common::{add_tech, at, db_at, dump_data, new_ticket, step};

fn complete(cause: &str, material: Option<(&str, i64)>, labour: i64, fee_fen: i64) -> Step {
    Step::Complete(CompletionDraft {
        cause: Some(cause.into()),
        measures: Some(format!("处理{cause}")),
        materials: material
            .iter()
            .map(|(name, price)| MaterialDraft {
                name: Some(name.to_string()),
                quantity: Some(1.0),
                unit_price_fen: Some(*price),
                ..Default::default()
            })
            .collect(),
        labour_minutes: Some(labour),
        paid: Some(fee_fen > 0),
        fee_fen: Some(fee_fen),
        payment_method: (fee_fen > 0).then(|| "现金".to_string()),
        owner_signed: Some(true),
        ..Default::default()
    })
}

fn visit(satisfaction: &str, quality: Option<&str>, attitude: Option<&str>) -> Step {
    Step::Visit {
        satisfaction: satisfaction.into(),
        note: None,
        method: None,
        quality: quality.map(Into::into),
        attitude: attitude.map(Into::into),
    }
}

fn attempt(result: &str, note: Option<&str>) -> Step {
    Step::VisitAttempt {
        result: result.into(),
        note: note.map(Into::into),
    }
}

/// A ticket completed on 11-20 (paid 50 元, a 三角阀), visited 不满意, reworked and
/// completed again free of charge on 12-02 with a 密封圈.
/// A copy of a database of the previous release (tests/fixtures/upgrade/v0.1.0.db),
/// opened (so migrated) at a fixed clock, with all its tickets.
fn upgraded_fixture() -> (tempfile::TempDir, Store, Vec<baoxiu::ticket::Ticket>) {
    let fixture = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/upgrade/v0.1.0.db");
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("office.db");
    std::fs::copy(&fixture, &copy).unwrap();
    let mut store = Store::open(&copy).unwrap();
    store.set_now(Some(at("2026-12-03 12:00")));
    let all = store
        .list_tickets(&baoxiu::store::TicketFilter {
            limit: Some(1000),
            ..Default::default()
        })
        .unwrap()
        .tickets;
    (dir, store, all)
}

fn two_rounds(store: &mut Store) -> String {
    add_tech(store, "张师傅", &["水路"]);
    let n = new_ticket(store, "2026-11-20 09:00").number;
    let assign = || Step::Assign {
        technician: "张师傅".into(),
    };
    step(store, &n, assign(), "2026-11-20 09:10");
    step(store, &n, Step::Start, "2026-11-20 10:00");
    step(
        store,
        &n,
        complete("阀门老化", Some(("三角阀", 3500)), 40, 5000),
        "2026-11-20 11:00",
    );
    step(store, &n, visit("不满意", None, None), "2026-11-21 09:00");
    step(
        store,
        &n,
        Step::Rework {
            reason: "又漏水".into(),
        },
        "2026-11-21 09:05",
    );
    step(store, &n, Step::Start, "2026-12-02 09:00");
    step(
        store,
        &n,
        complete("密封圈未压紧", Some(("密封圈", 200)), 20, 0),
        "2026-12-02 10:00",
    );
    n
}

#[test]
fn a_rework_keeps_both_rounds_and_paid_belongs_to_its_round() {
    let mut db = db_at("2026-12-03 12:00");
    let n = two_rounds(&mut db.store);
    let rounds = db.store.rounds(&n).unwrap();
    assert_eq!(rounds.len(), 2);
    let (r1, r2) = (&rounds[0], &rounds[1]);
    assert_eq!((r1.round, r2.round), (1, 2));
    assert_eq!(r1.cause, "阀门老化");
    assert_eq!(r2.cause, "密封圈未压紧");
    assert_eq!((r1.fee_fen, r2.fee_fen), (5000, 0));
    assert_eq!((r1.paid, r2.paid), (true, false));
    assert_eq!(r1.payment_method.as_deref(), Some("现金"));
    assert_eq!(r2.payment_method, None);
    assert_eq!((r1.labour_minutes, r2.labour_minutes), (40, 20));
    assert_eq!(r1.materials.len(), 1);
    assert_eq!(r1.materials[0].name, "三角阀");
    assert_eq!(r2.materials[0].name, "密封圈");
    assert_eq!(r1.completed_at, at("2026-11-20 11:00"));
    assert_eq!(r1.operator, "前台小李");
    // The first round's visit stays with it.
    assert_eq!(r1.satisfaction, Some(Satisfaction::Dissatisfied));
    assert_eq!(r1.visited_at, Some(at("2026-11-21 09:00")));
    assert_eq!(r2.satisfaction, None);

    // The ticket shows the latest round and the totals; 有偿 is the latest round's.
    let t = db.store.ticket(&n).unwrap();
    assert_eq!(t.cause.as_deref(), Some("密封圈未压紧"));
    assert_eq!(t.fee_fen, 5000);
    assert_eq!(t.labour_minutes, 60);
    assert_eq!(t.materials.len(), 2);
    assert!(!t.paid, "the second round was free of charge");
}

/// A 回访's rating is data on its event, not read back from the note's wording: each
/// visit of a reworked ticket keeps its own, and an upgraded database's visits get theirs
/// from their notes (migration 13).
#[test]
fn each_visit_event_keeps_its_rating_as_data() {
    let mut db = db_at("2026-12-03 12:00");
    let n = two_rounds(&mut db.store);
    step(
        &mut db.store,
        &n,
        visit("非常满意", None, None),
        "2026-12-02 15:00",
    );
    let ratings: Vec<_> = db
        .store
        .history(&n)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == baoxiu::ticket::EventAction::Visit)
        .map(|e| e.satisfaction)
        .collect();
    assert_eq!(
        ratings,
        [
            Some(Satisfaction::Dissatisfied),
            Some(Satisfaction::VerySatisfied)
        ]
    );

    let (_dir, store, all) = upgraded_fixture();
    let mut visits = 0;
    for t in all.iter().filter(|t| t.visited_at.is_some()) {
        for e in store.history(&t.number).unwrap() {
            if e.action == baoxiu::ticket::EventAction::Visit {
                visits += 1;
                let label = e.satisfaction.map(|s| s.label()).unwrap_or("（无）");
                let note = e.note.clone().unwrap_or_default();
                assert!(note.starts_with(label), "{}: {label} / {note}", t.number);
            }
        }
    }
    assert!(visits > 5, "the fixture has visits ({visits})");
}

#[test]
fn the_month_costs_count_each_round_once_in_its_own_month() {
    let mut db = db_at("2026-12-03 12:00");
    two_rounds(&mut db.store);
    let nov = report::month(&db.store, "2026-11").unwrap();
    assert_eq!(nov.fees_fen.total, 5000);
    assert_eq!(nov.fees_fen.paid, 5000);
    assert_eq!(nov.materials_fen.total, 3500);
    assert_eq!(nov.materials_fen.paid, 3500);
    assert_eq!(nov.labour_minutes.total, 40);
    let dec = report::month(&db.store, "2026-12").unwrap();
    // Only December's round: free of charge, its own 密封圈, its own labour.
    assert_eq!(dec.fees_fen.total, 0);
    assert_eq!(dec.materials_fen.total, 200);
    assert_eq!(dec.materials_fen.unpaid, 200);
    assert_eq!(dec.materials_fen.paid, 0);
    assert_eq!(dec.labour_minutes.total, 20);
    assert_eq!(dec.by_technician[0].labour_minutes, 20);
}

#[test]
fn an_unanswered_visit_leaves_the_ticket_to_visit_and_is_listed() {
    let mut db = db_at("2026-11-25 12:00");
    add_tech(&mut db.store, "张师傅", &["水路"]);
    let n = new_ticket(&mut db.store, "2026-11-20 09:00").number;
    let s = &mut db.store;
    step(
        s,
        &n,
        Step::Assign {
            technician: "张师傅".into(),
        },
        "2026-11-20 09:10",
    );
    step(s, &n, Step::Start, "2026-11-20 10:00");
    step(s, &n, complete("阀门老化", None, 30, 0), "2026-11-20 11:00");
    let t = step(s, &n, attempt("未接通", None), "2026-11-21 09:00");
    assert_eq!(t.status, Status::Completed);
    assert_eq!(t.satisfaction, None);
    let t = step(
        s,
        &n,
        attempt("wrong_number", Some("空号")),
        "2026-11-21 15:00",
    );
    assert_eq!(t.status, Status::Completed);
    let attempts = s.visit_attempts(&n).unwrap();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0].result, VisitFailure::NoAnswer);
    assert_eq!(attempts[0].result_label, "未接通");
    assert_eq!(attempts[1].result, VisitFailure::WrongNumber);
    assert_eq!(attempts[1].note.as_deref(), Some("空号"));
    assert_eq!(attempts[1].operator, "前台小李");
    let history = s.history(&n).unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.action_label, "回访未果");
    assert_eq!(last.note.as_deref(), Some("号码错误：空号"));

    // Attempts are not visits: the month's visit rate waits for a real one.
    let r = report::month(s, "2026-11").unwrap();
    assert_eq!(r.visit_attempts, 2);
    assert_eq!(r.visit_rate, Some(0.0));
    step(s, &n, visit("满意", None, None), "2026-11-22 09:00");
    let r = report::month(s, "2026-11").unwrap();
    assert_eq!(r.visit_rate, Some(1.0));
    assert_eq!(r.visit_attempts, 2);

    // An attempt on a ticket no longer 待回访 is refused and changes nothing.
    let before = dump_data(s);
    let e = s
        .apply_step(
            &n,
            attempt("拒访", None),
            Some("2026-11-23 09:00"),
            "前台小李",
        )
        .unwrap_err();
    assert_eq!(e.code(), "wrong_status");
    let e = s
        .apply_step(
            &n,
            attempt("没人", None),
            Some("2026-11-23 09:00"),
            "前台小李",
        )
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert_eq!(dump_data(s), before);
}

#[test]
fn quality_and_attitude_are_kept_and_the_overall_is_the_lower() {
    let mut db = db_at("2026-11-25 12:00");
    add_tech(&mut db.store, "张师傅", &["水路"]);
    let s = &mut db.store;
    let done = |s: &mut Store| {
        let n = new_ticket(s, "2026-11-20 09:00").number;
        step(
            s,
            &n,
            Step::Assign {
                technician: "张师傅".into(),
            },
            "2026-11-20 09:10",
        );
        step(s, &n, Step::Start, "2026-11-20 10:00");
        step(s, &n, complete("阀门老化", None, 30, 0), "2026-11-20 11:00");
        n
    };
    let n = done(s);
    // Nothing rated at all: refused, nothing written.
    let before = dump_data(s);
    let e = s
        .apply_step(
            &n,
            visit("", None, None),
            Some("2026-11-21 09:00"),
            "前台小李",
        )
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert!(e.to_string().contains("回访未果"), "{e}");
    assert_eq!(dump_data(s), before);

    let t = s
        .apply_step(
            &n,
            Step::Visit {
                satisfaction: String::new(),
                note: Some("师傅修得好，但迟到".into()),
                method: Some("上门".into()),
                quality: Some("非常满意".into()),
                attitude: Some("neutral".into()),
            },
            Some("2026-11-21 09:00"),
            "前台小李",
        )
        .unwrap();
    assert_eq!(t.status, Status::Closed);
    assert_eq!(t.satisfaction, Some(Satisfaction::Neutral));
    let r = &s.rounds(&n).unwrap()[0];
    assert_eq!(r.quality, Some(Satisfaction::VerySatisfied));
    assert_eq!(r.attitude, Some(Satisfaction::Neutral));
    assert_eq!(r.satisfaction, Some(Satisfaction::Neutral));
    assert_eq!(r.visit_method, Some(VisitMethod::Visit));
    let note = s.history(&n).unwrap().last().unwrap().note.clone().unwrap();
    assert!(note.starts_with("一般"), "{note}");
    assert!(
        note.contains("维修质量非常满意") && note.contains("上门回访"),
        "{note}"
    );

    // A given overall rating stands; the method defaults to 电话.
    let n2 = done(s);
    s.apply_step(
        &n2,
        visit("satisfied", Some("dissatisfied"), Some("satisfied")),
        Some("2026-11-21 10:00"),
        "前台小李",
    )
    .unwrap();
    let r = &s.rounds(&n2).unwrap()[0];
    assert_eq!(r.satisfaction, Some(Satisfaction::Satisfied));
    assert_eq!(r.visit_method, Some(VisitMethod::Phone));
    assert_eq!(r.quality, Some(Satisfaction::Dissatisfied));
    assert_eq!(
        Satisfaction::overall(Satisfaction::Dissatisfied, Satisfaction::VerySatisfied),
        Satisfaction::Dissatisfied
    );
}

/// A database of the previous release (tests/fixtures/upgrade/v0.1.0.db) opens with a
/// round 1 for every ticket it had completed, read from that ticket's own columns.
#[test]
fn an_upgraded_database_has_round_one_for_every_completed_ticket() {
    let (_dir, store, all) = upgraded_fixture();
    let mut checked = 0;
    for t in &all {
        let rounds = store.rounds(&t.number).unwrap();
        if t.cause.is_none() {
            assert!(rounds.is_empty(), "{}", t.number);
            continue;
        }
        checked += 1;
        assert_eq!(rounds.len(), 1, "{}", t.number);
        let r = &rounds[0];
        assert_eq!(r.round, 1);
        assert_eq!(Some(&r.cause), t.cause.as_ref());
        assert_eq!(Some(&r.measures), t.measures.as_ref());
        assert_eq!(r.fee_fen, t.fee_fen);
        assert_eq!(r.paid, t.paid);
        assert_eq!(r.labour_minutes, t.labour_minutes);
        assert_eq!(r.materials, t.materials);
        if let Some(c) = t.completed_at {
            assert_eq!(r.completed_at, c);
        }
        assert_eq!(r.satisfaction, t.satisfaction);
        assert!(!r.operator.is_empty(), "{}", t.number);
    }
    assert!(
        checked > 10,
        "the fixture has completed tickets ({checked})"
    );
}

#[test]
fn the_cli_shows_rounds_and_visit_attempts() {
    let c = Cli::new();
    c.ok(&["tech", "add", "--name", "张师傅", "--skills", "水路"], "");
    let n = c.ok(&["ticket", "new", "--by", "前台小李"], NEW)["number"]
        .as_str()
        .unwrap()
        .to_string();
    c.ok(
        &[
            "ticket",
            "assign",
            &n,
            "--tech",
            "张师傅",
            "--at",
            "2026-11-20 09:10",
        ],
        "",
    );
    c.ok(&["ticket", "start", &n, "--at", "2026-11-20 10:00"], "");
    c.ok(
        &["ticket", "complete", &n, "--at", "2026-11-20 11:00"],
        r#"{"cause":"阀门老化","measures":"更换三角阀","materials":[{"name":"三角阀","quantity":1,"unit_price_fen":3500}],"labour_minutes":40,"paid":true,"fee_fen":5000}"#,
    );
    let t = c.ok(
        &[
            "ticket",
            "visit",
            &n,
            "--unreached",
            "未接通",
            "--note",
            "响铃无人接",
            "--at",
            "2026-11-21 09:00",
        ],
        "",
    );
    assert_eq!(t["status"], "completed");
    // --unreached and --satisfaction together is a usage error (exit 2).
    let out = c.run(
        &[
            "ticket",
            "visit",
            &n,
            "--unreached",
            "拒访",
            "--satisfaction",
            "满意",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    let before = c.dump();
    let (code, msg) = c.refused(&["ticket", "visit", &n, "--unreached", "忙"], "");
    assert_eq!(code, "invalid_input");
    assert!(msg.contains("未接通"), "{msg}");
    assert_eq!(c.dump(), before);
    c.ok(
        &[
            "ticket",
            "visit",
            &n,
            "--quality",
            "满意",
            "--attitude",
            "非常满意",
            "--method",
            "wechat",
            "--at",
            "2026-11-21 10:00",
        ],
        "",
    );
    let shown = c.ok(&["ticket", "show", &n], "");
    assert_eq!(shown["status"], "closed");
    assert_eq!(shown["satisfaction"], "satisfied");
    let rounds = shown["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 1);
    let r = &rounds[0];
    for key in [
        "cause",
        "measures",
        "materials",
        "labour_minutes",
        "paid",
        "fee_fen",
    ] {
        assert!(r.get(key).is_some(), "rounds[0] lacks {key}: {r}");
    }
    assert_eq!(r["cause"], "阀门老化");
    assert_eq!(r["fee_fen"], 5000);
    assert_eq!(r["paid"], true);
    assert_eq!(r["materials"][0]["name"], "三角阀");
    assert_eq!(r["visit_method"], "wechat");
    assert_eq!(r["quality"], "satisfied");
    assert_eq!(r["attitude"], "very_satisfied");
    let attempts = shown["visit_attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0]["result"], "no_answer");
    assert_eq!(attempts[0]["note"], "响铃无人接");
    assert_eq!(attempts[0]["at"], "2026-11-21T09:00:00+08:00");
    assert_eq!(
        attempts[0]["operator"].as_str().map(|s| !s.is_empty()),
        Some(true)
    );
}

/// The reprinted slip of a reworked ticket lists the earlier round compactly; the
/// latest round fills the form as before. (Kept under /tmp/baoxiu-rounds-slip.pdf when
/// BAOXIU_KEEP_SLIP is set, to look at.)
#[test]
fn the_reprinted_slip_lists_the_earlier_round() {
    let mut db = db_at("2026-12-03 12:00");
    let n = two_rounds(&mut db.store);
    for layout in ["a4", "a5x2"] {
        let out = db.dir.path().join(format!("slip-{layout}.pdf"));
        baoxiu::slip::print_to_file(
            &mut db.store,
            std::slice::from_ref(&n),
            Some(baoxiu::slip::Layout::parse(layout).unwrap()),
            &out,
            "前台小李",
            baoxiu::outfile::Existing::Replace,
        )
        .unwrap();
        let text = std::process::Command::new("pdftotext")
            .args(["-layout", out.to_str().unwrap(), "-"])
            .output()
            .unwrap();
        let text = String::from_utf8(text.stdout).unwrap();
        let flat: String = text.split_whitespace().collect();
        assert!(flat.contains("往次维修"), "{layout}: {text}");
        assert!(
            flat.contains(
                "第1次维修（11-20）：原因阀门老化；措施处理阀门老化；费用50.00元（有偿）"
            ),
            "{layout}: {text}"
        );
        // The latest round is the form's own: not listed again among the earlier ones.
        assert!(!flat.contains("第2次维修"), "{layout}: {text}");
        assert!(flat.contains("密封圈未压紧"), "{layout}: {text}");
        if std::env::var_os("BAOXIU_KEEP_SLIP").is_some() {
            std::fs::copy(&out, format!("/tmp/baoxiu-rounds-slip-{layout}.pdf")).unwrap();
        }
    }
}

/// Tickets written whole (the benchmark's synthetic ones) get their round 1 like an
/// upgraded database: the month's costs read from rounds do not lose them.
#[test]
fn bulk_written_completed_tickets_have_their_round() {
    let mut db = db_at("2026-12-03 12:00");
    baoxiu::seed::synthetic(&mut db.store, 60, 7).unwrap();
    let all = db
        .store
        .list_tickets(&baoxiu::store::TicketFilter {
            limit: Some(1000),
            ..Default::default()
        })
        .unwrap()
        .tickets;
    let done: Vec<_> = all.iter().filter(|t| t.completed_at.is_some()).collect();
    assert!(!done.is_empty());
    for t in &all {
        let rounds = db.store.rounds(&t.number).unwrap();
        match t.completed_at {
            Some(c) => {
                assert_eq!(rounds.len(), 1, "{}", t.number);
                assert_eq!(rounds[0].completed_at, c);
                assert_eq!(Some(&rounds[0].cause), t.cause.as_ref());
                assert_eq!(rounds[0].labour_minutes, t.labour_minutes);
                assert_eq!(rounds[0].satisfaction, t.satisfaction);
            }
            None => assert!(rounds.is_empty(), "{}", t.number),
        }
    }
}

/// 回访未果 needs the same right as 回访: a technician's account may not record one.
#[test]
fn a_visit_attempt_needs_the_visit_permission() {
    use baoxiu::account::Role;
    let mut db = db_at("2026-11-25 12:00");
    add_tech(&mut db.store, "张师傅", &["水路"]);
    let s = &mut db.store;
    let n = new_ticket(s, "2026-11-20 09:00").number;
    step(
        s,
        &n,
        Step::Assign {
            technician: "张师傅".into(),
        },
        "2026-11-20 09:10",
    );
    step(s, &n, Step::Start, "2026-11-20 10:00");
    step(s, &n, complete("阀门老化", None, 30, 0), "2026-11-20 11:00");
    s.add_account("王管理", Role::Admin, "pass-admin").unwrap();
    s.login("王管理", "pass-admin").unwrap();
    s.add_account("老赵", Role::Engineer, "pass-eng").unwrap();
    s.add_account("小陈", Role::Desk, "pass-desk").unwrap();
    s.sign_out();
    s.login("老赵", "pass-eng").unwrap();
    let before = dump_data(s);
    let e = s
        .apply_step(
            &n,
            attempt("未接通", None),
            Some("2026-11-21 09:00"),
            "老赵",
        )
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
    assert_eq!(dump_data(s), before);
    s.sign_out();
    s.login("小陈", "pass-desk").unwrap();
    let t = s
        .apply_step(
            &n,
            attempt("未接通", None),
            Some("2026-11-21 09:00"),
            "小陈",
        )
        .unwrap();
    assert_eq!(t.status, Status::Completed);
    assert_eq!(s.visit_attempts(&n).unwrap()[0].operator, "小陈");
}
