//! Every workflow path through the store, and every refusal leaving the ticket as it was.

use baoxiu::input::{CompletionDraft, MaterialDraft, TechnicianDraft};
use baoxiu::store::Step;
use baoxiu::ticket::Status;

use crate::common::*;

fn completion() -> CompletionDraft {
    CompletionDraft {
        cause: Some("三角阀老化".into()),
        measures: Some("更换三角阀和软管，试水正常".into()),
        materials: vec![
            MaterialDraft {
                name: Some("三角阀".into()),
                spec: Some("DN15".into()),
                quantity: Some(2.0),
                unit_price_fen: Some(2500),
            },
            MaterialDraft {
                name: Some("编织软管".into()),
                spec: Some("60cm".into()),
                quantity: Some(1.5),
                unit_price_fen: Some(1999),
            },
        ],
        labour_minutes: Some(45),
        paid: Some(true),
        fee_fen: Some(5000),
        payment_method: Some("微信".into()),
        owner_signed: Some(true),
        arrived_at: None,
    }
}

fn assign(tech: &str) -> Step {
    Step::Assign {
        technician: tech.into(),
    }
}

#[test]
fn the_whole_happy_path_with_hold_and_materials() {
    let mut t = db();
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let n = new_ticket(&mut t.store, "2026-11-18 08:00").number;
    let s = &mut t.store;
    assert_eq!(
        step(s, &n, assign("张师傅"), "2026-11-18 08:10").status,
        Status::Assigned
    );
    assert_eq!(
        step(s, &n, Step::Start, "2026-11-18 09:00").status,
        Status::InProgress
    );
    let held = step(
        s,
        &n,
        Step::Hold {
            reason: "等待配件".into(),
        },
        "2026-11-18 09:30",
    );
    assert_eq!(
        (held.status, held.hold_reason.as_deref()),
        (Status::OnHold, Some("等待配件"))
    );
    let resumed = step(s, &n, Step::Resume, "2026-11-18 15:30");
    assert_eq!(
        (
            resumed.status,
            resumed.held_minutes,
            resumed.hold_reason.clone()
        ),
        (Status::InProgress, 360, None)
    );
    let done = step(s, &n, Step::Complete(completion()), "2026-11-18 16:00");
    assert_eq!(done.status, Status::Completed);
    assert_eq!(done.materials.len(), 2);
    assert_eq!(
        done.materials[1].amount_fen, 2999,
        "1.5 × 19.99 rounds to the 分"
    );
    assert_eq!(done.materials_total_fen(), 7999);
    assert_eq!(
        (
            done.labour_minutes,
            done.paid,
            done.fee_fen,
            done.owner_signed
        ),
        (45, true, 5000, true)
    );
    assert_eq!(
        done.deadlines.visit.unwrap().to_rfc3339(),
        "2026-11-20T16:00:00+08:00"
    );
    let closed = step(
        s,
        &n,
        Step::Visit {
            satisfaction: "very_satisfied".into(),
            note: Some("业主表示感谢".into()),
        },
        "2026-11-19 10:00",
    );
    assert_eq!(closed.status, Status::Closed);
    assert_eq!(closed.satisfaction.unwrap().label(), "非常满意");
    assert_eq!(
        closed.closed_at.unwrap().to_rfc3339(),
        "2026-11-19T10:00:00+08:00"
    );
    let actions: Vec<String> = s
        .history(&n)
        .unwrap()
        .into_iter()
        .map(|e| e.action.code().to_string())
        .collect();
    assert_eq!(
        actions,
        ["created", "assign", "start", "hold", "resume", "complete", "visit"]
    );
    let shown = s.ticket(&n).unwrap();
    assert_eq!(shown, closed, "show returns what the step returned");
}

#[test]
fn reassign_records_both_names_and_refuses_the_same_or_inactive_technician() {
    let mut t = db();
    add_tech(&mut t.store, "张师傅", &["水路"]);
    add_tech(&mut t.store, "陈师傅", &["水路"]);
    t.store
        .save_technician(&TechnicianDraft {
            name: Some("老周".into()),
            skills: vec!["水路".into()],
            active: Some(false),
            ..Default::default()
        })
        .unwrap();
    let n = new_ticket(&mut t.store, "2026-11-20 08:00").number;
    step(&mut t.store, &n, assign("张师傅"), "2026-11-20 08:05");
    let before = t.store.dump().unwrap();
    let e = t
        .store
        .apply_step(&n, assign("张师傅"), None, "前台")
        .unwrap_err();
    assert_eq!(e.code(), "precondition");
    let e = t
        .store
        .apply_step(&n, assign("老周"), None, "前台")
        .unwrap_err();
    assert_eq!(e.code(), "precondition");
    assert!(e.to_string().contains("已停用"), "{e}");
    let e = t
        .store
        .apply_step(&n, assign("不存在的人"), None, "前台")
        .unwrap_err();
    assert_eq!(e.code(), "not_found");
    assert_eq!(t.store.dump().unwrap(), before);
    let r = step(&mut t.store, &n, assign("陈师傅"), "2026-11-20 08:30");
    assert_eq!(r.assignee.as_deref(), Some("陈师傅"));
    assert_eq!(
        r.dispatched_at.unwrap().to_rfc3339(),
        "2026-11-20T08:05:00+08:00",
        "first dispatch kept"
    );
    let last = t.store.history(&n).unwrap().pop().unwrap();
    assert_eq!(
        (last.action.code(), last.note.as_deref()),
        ("reassign", Some("张师傅 → 陈师傅"))
    );
}

/// From each status, the steps the diagram does not allow are refused with
/// `wrong_status`, a Chinese message, and no change.
#[test]
fn steps_from_the_wrong_status_are_refused_and_change_nothing() {
    let mut t = db();
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let s = &mut t.store;
    let received = new_ticket(s, "2026-11-19 08:00").number;
    let assigned = new_ticket(s, "2026-11-19 08:00").number;
    step(s, &assigned, assign("张师傅"), "2026-11-19 08:10");
    let working = new_ticket(s, "2026-11-19 08:00").number;
    step(s, &working, assign("张师傅"), "2026-11-19 08:10");
    step(s, &working, Step::Start, "2026-11-19 09:00");
    let done = new_ticket(s, "2026-11-19 08:00").number;
    step(s, &done, assign("张师傅"), "2026-11-19 08:10");
    step(s, &done, Step::Start, "2026-11-19 09:00");
    step(s, &done, Step::Complete(completion()), "2026-11-19 10:00");
    let closed = new_ticket(s, "2026-11-19 08:00").number;
    step(s, &closed, assign("张师傅"), "2026-11-19 08:10");
    step(s, &closed, Step::Start, "2026-11-19 09:00");
    step(s, &closed, Step::Complete(completion()), "2026-11-19 10:00");
    step(
        s,
        &closed,
        Step::Visit {
            satisfaction: "satisfied".into(),
            note: None,
        },
        "2026-11-19 12:00",
    );
    let cancelled = new_ticket(s, "2026-11-19 08:00").number;
    step(
        s,
        &cancelled,
        Step::Cancel {
            reason: "业主撤回".into(),
            duplicate_of: None,
        },
        "2026-11-19 08:30",
    );

    let visit = || Step::Visit {
        satisfaction: "satisfied".into(),
        note: None,
    };
    let refused: Vec<(&str, Step)> = vec![
        (&received, Step::Start),
        (&received, Step::Complete(completion())),
        (&received, visit()),
        (&received, Step::Resume),
        (&received, Step::Hold { reason: "x".into() }),
        (&received, Step::Rework { reason: "x".into() }),
        (&assigned, Step::Complete(completion())),
        (&assigned, visit()),
        (&assigned, Step::Hold { reason: "x".into() }),
        (&working, Step::Resume),
        (&working, visit()),
        (&working, assign("张师傅")),
        (
            &working,
            Step::Cancel {
                reason: "x".into(),
                duplicate_of: None,
            },
        ),
        (&done, Step::Start),
        (&done, Step::Complete(completion())),
        (
            &done,
            Step::Cancel {
                reason: "x".into(),
                duplicate_of: None,
            },
        ),
        (&done, Step::Remind { note: None }),
        (&closed, visit()),
        (&closed, assign("张师傅")),
        (&cancelled, assign("张师傅")),
        (&cancelled, Step::Start),
        (&cancelled, Step::Rework { reason: "x".into() }),
        (&cancelled, Step::Print),
    ];
    for (n, st) in refused {
        let before = s.dump().unwrap();
        let label = format!("{n} {st:?}");
        let e = s.apply_step(n, st, None, "前台").unwrap_err();
        assert_eq!(e.code(), "wrong_status", "{label}: {e}");
        assert!(e.to_string().contains("当前状态为"), "{label}: {e}");
        assert_eq!(s.dump().unwrap(), before, "{label}: database changed");
    }
}

#[test]
fn completing_needs_cause_and_measures_and_sane_numbers() {
    let mut t = db();
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let n = new_ticket(&mut t.store, "2026-11-20 08:00").number;
    step(&mut t.store, &n, assign("张师傅"), "2026-11-20 08:05");
    step(&mut t.store, &n, Step::Start, "2026-11-20 08:30");
    let before = t.store.dump().unwrap();
    let cases: Vec<(CompletionDraft, &str, &str)> = vec![
        (
            CompletionDraft {
                cause: None,
                ..completion()
            },
            "precondition",
            "故障原因",
        ),
        (
            CompletionDraft {
                measures: Some("  ".into()),
                ..completion()
            },
            "precondition",
            "处理措施",
        ),
        (
            CompletionDraft {
                fee_fen: Some(-100),
                ..completion()
            },
            "invalid_input",
            "费用不能为负数",
        ),
        (
            CompletionDraft {
                labour_minutes: Some(-5),
                ..completion()
            },
            "invalid_input",
            "工时",
        ),
        (
            CompletionDraft {
                paid: Some(false),
                ..completion()
            },
            "precondition",
            "无偿维修不能填写费用",
        ),
        (
            CompletionDraft {
                materials: vec![MaterialDraft {
                    name: Some("软管".into()),
                    quantity: Some(-1.0),
                    ..Default::default()
                }],
                ..completion()
            },
            "invalid_input",
            "第 1 行材料“软管”的数量",
        ),
        (
            CompletionDraft {
                materials: vec![MaterialDraft {
                    name: Some("软管".into()),
                    quantity: Some(1.0),
                    unit_price_fen: Some(-5),
                    spec: None,
                }],
                ..completion()
            },
            "invalid_input",
            "单价不能为负数",
        ),
    ];
    for (c, code, msg) in cases {
        let e = t
            .store
            .apply_step(&n, Step::Complete(c), None, "前台")
            .unwrap_err();
        assert_eq!(e.code(), code, "{e}");
        assert!(e.to_string().contains(msg), "{e}");
        assert_eq!(t.store.dump().unwrap(), before);
    }
}

#[test]
fn completing_from_the_paper_slip_records_the_arrival_first() {
    let mut t = db();
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let n = new_ticket(&mut t.store, "2026-11-19 08:00").number;
    step(&mut t.store, &n, assign("张师傅"), "2026-11-19 08:05");
    let c = CompletionDraft {
        arrived_at: Some("2026-11-19 09:10".into()),
        ..completion()
    };
    let done = step(&mut t.store, &n, Step::Complete(c), "2026-11-19 10:40");
    assert_eq!(
        done.arrived_at.unwrap().to_rfc3339(),
        "2026-11-19T09:10:00+08:00"
    );
    assert_eq!(done.status, Status::Completed);
    let actions: Vec<String> = t
        .store
        .history(&n)
        .unwrap()
        .into_iter()
        .map(|e| e.action.code().to_string())
        .collect();
    assert_eq!(actions, ["created", "assign", "start", "complete"]);
}

#[test]
fn a_step_dated_before_the_previous_one_is_refused() {
    let mut t = db();
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let n = new_ticket(&mut t.store, "2026-11-20 08:00").number;
    step(&mut t.store, &n, assign("张师傅"), "2026-11-20 09:00");
    let before = t.store.dump().unwrap();
    let e = t
        .store
        .apply_step(&n, Step::Start, Some("2026-11-20 08:30"), "前台")
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert!(e.to_string().contains("早于工单上一步的时间"), "{e}");
    let e = t
        .store
        .apply_step(&n, Step::Start, Some("2026-11-21 08:30"), "前台")
        .unwrap_err();
    assert!(e.to_string().contains("不能晚于现在"), "{e}");
    assert_eq!(t.store.dump().unwrap(), before);
}

#[test]
fn cancel_as_duplicate_links_the_original() {
    let mut t = db();
    let first = new_ticket(&mut t.store, "2026-11-20 08:00").number;
    let second = new_ticket(&mut t.store, "2026-11-20 08:20").number;
    let before = t.store.dump().unwrap();
    let e = t
        .store
        .apply_step(
            &second,
            Step::Cancel {
                reason: "重复".into(),
                duplicate_of: Some("BX-209901-0001".into()),
            },
            None,
            "前台",
        )
        .unwrap_err();
    assert_eq!(e.code(), "not_found");
    let e = t
        .store
        .apply_step(
            &second,
            Step::Cancel {
                reason: "重复".into(),
                duplicate_of: Some(second.clone()),
            },
            None,
            "前台",
        )
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    let e = t
        .store
        .apply_step(
            &second,
            Step::Cancel {
                reason: " ".into(),
                duplicate_of: None,
            },
            None,
            "前台",
        )
        .unwrap_err();
    assert!(e.to_string().contains("取消原因不能为空"), "{e}");
    assert_eq!(t.store.dump().unwrap(), before);
    let c = step(
        &mut t.store,
        &second,
        Step::Cancel {
            reason: "同一处漏水".into(),
            duplicate_of: Some(first.to_lowercase()),
        },
        "2026-11-20 08:30",
    );
    assert_eq!(c.status, Status::Cancelled);
    assert_eq!(c.duplicate_of.as_deref(), Some(first.as_str()));
    assert_eq!(c.cancel_reason.as_deref(), Some("同一处漏水"));
}

#[test]
fn rework_reopens_and_the_second_visit_adds_materials() {
    let mut t = db();
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let n = new_ticket(&mut t.store, "2026-11-15 08:00").number;
    let s = &mut t.store;
    step(s, &n, assign("张师傅"), "2026-11-15 08:05");
    step(s, &n, Step::Start, "2026-11-15 09:00");
    step(s, &n, Step::Complete(completion()), "2026-11-15 10:00");
    step(
        s,
        &n,
        Step::Visit {
            satisfaction: "dissatisfied".into(),
            note: Some("还在滴水".into()),
        },
        "2026-11-16 10:00",
    );
    let r = step(
        s,
        &n,
        Step::Rework {
            reason: "业主反映仍漏水".into(),
        },
        "2026-11-16 10:30",
    );
    assert_eq!(
        (r.status, r.rework_count, r.assignee.as_deref()),
        (Status::Assigned, 1, Some("张师傅"))
    );
    assert_eq!(
        (r.completed_at, r.closed_at, r.satisfaction),
        (None, None, None)
    );
    assert_eq!(
        r.deadlines.arrival.unwrap().to_rfc3339(),
        "2026-11-17T10:30:00+08:00",
        "clock restarts at the rework"
    );
    step(s, &n, Step::Start, "2026-11-16 14:00");
    let again = CompletionDraft {
        materials: vec![MaterialDraft {
            name: Some("密封圈".into()),
            quantity: Some(1.0),
            unit_price_fen: Some(300),
            spec: None,
        }],
        paid: Some(false),
        fee_fen: Some(0),
        labour_minutes: Some(15),
        ..completion()
    };
    let done = step(s, &n, Step::Complete(again), "2026-11-16 14:30");
    assert_eq!(done.materials.len(), 3);
    assert_eq!(done.materials_total_fen(), 7999 + 300);
    assert_eq!(
        (done.labour_minutes, done.fee_fen, done.paid),
        (60, 5000, true)
    );
}

#[test]
fn remind_is_an_event_and_counts() {
    let mut t = db();
    let n = new_ticket(&mut t.store, "2026-11-20 08:00").number;
    let r = step(
        &mut t.store,
        &n,
        Step::Remind {
            note: Some("业主来电催促".into()),
        },
        "2026-11-20 09:00",
    );
    assert_eq!((r.status, r.remind_count), (Status::Received, 1));
    let last = t.store.history(&n).unwrap().pop().unwrap();
    assert_eq!(
        (last.action.code(), last.note.as_deref()),
        ("remind", Some("业主来电催促"))
    );
}

#[test]
fn unknown_ticket_number_is_not_found() {
    let mut t = db();
    let e = t
        .store
        .apply_step("BX-202611-9999", Step::Start, None, "前台")
        .unwrap_err();
    assert_eq!(e.code(), "not_found");
    assert!(e.to_string().contains("BX-202611-9999"), "{e}");
    assert_eq!(
        t.store.ticket("bx-202611-9999").unwrap_err().code(),
        "not_found"
    );
}

#[test]
fn a_step_in_the_same_minute_as_the_previous_one_is_accepted() {
    let mut t = db();
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let n = new_ticket(&mut t.store, "2026-11-20 08:00").number;
    step(
        &mut t.store,
        &n,
        assign("张师傅"),
        "2026-11-20T08:05:30+08:00",
    );
    let started = step(&mut t.store, &n, Step::Start, "2026-11-20 08:05");
    assert_eq!(started.status, Status::InProgress);
}

#[test]
fn a_duplicate_must_point_at_a_live_original() {
    let mut t = db();
    let a = new_ticket(&mut t.store, "2026-11-20 08:00").number;
    let b = new_ticket(&mut t.store, "2026-11-20 08:10").number;
    let c = new_ticket(&mut t.store, "2026-11-20 08:20").number;
    step(
        &mut t.store,
        &b,
        Step::Cancel {
            reason: "重复".into(),
            duplicate_of: Some(a.clone()),
        },
        "2026-11-20 08:30",
    );
    let before = t.store.dump().unwrap();
    let e = t
        .store
        .apply_step(
            &c,
            Step::Cancel {
                reason: "重复".into(),
                duplicate_of: Some(b.clone()),
            },
            None,
            "前台",
        )
        .unwrap_err();
    assert_eq!(e.code(), "precondition");
    assert!(e.to_string().contains(&format!("请填写原工单 {a}")), "{e}");
    assert_eq!(t.store.dump().unwrap(), before);
}

#[test]
fn saving_a_technician_again_keeps_what_was_not_given() {
    let mut t = db();
    t.store
        .save_technician(&TechnicianDraft {
            name: Some("张师傅".into()),
            phone: Some("13900001111".into()),
            skills: vec!["水路,电路".into()],
            team: Some("水电班".into()),
            daily_capacity: Some(3),
            active: Some(false),
            ..Default::default()
        })
        .unwrap();
    let again = t
        .store
        .save_technician(&TechnicianDraft {
            name: Some("张师傅".into()),
            phone: Some("13900009999".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        (
            again.phone.as_str(),
            again.team.as_str(),
            again.daily_capacity,
            again.active,
            again.skills.len()
        ),
        ("13900009999", "水电班", 3, false, 2)
    );
}

// ---- issue 8: step times -----------------------------------------------------------

/// Before issue 8 `ticket remind N --at "2000-01-01 00:00"` was accepted: every other
/// step refuses a time before the ticket's last step, and so does 跟催 now.
#[test]
fn a_reminder_cannot_be_backdated_or_future_dated() {
    let mut t = db();
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let n = new_ticket(&mut t.store, "2026-11-20 08:00").number;
    step(&mut t.store, &n, assign("张师傅"), "2026-11-20 09:00");
    let before = t.store.dump().unwrap();
    let remind = || Step::Remind {
        note: Some("业主催".into()),
    };
    for (when, msg) in [
        ("2000-01-01 00:00", "早于工单上一步的时间"),
        ("2026-11-20 08:59", "早于工单上一步的时间"),
        ("2026-11-20 10:02", "不能晚于现在"),
        ("1999-12-31 23:59", "不能早于 2000 年"),
    ] {
        let e = t
            .store
            .apply_step(&n, remind(), Some(when), "前台")
            .unwrap_err();
        assert_eq!(e.code(), "invalid_input", "{when}: {e}");
        assert!(e.to_string().contains(msg), "{when}: {e}");
        assert_eq!(t.store.dump().unwrap(), before, "{when}");
    }
    let r = step(&mut t.store, &n, remind(), "2026-11-20 09:00");
    assert_eq!(r.remind_count, 1);
}

/// Property behind issue 8 item 4, for steps: whatever `--at` is typed, `apply_step`
/// never panics; an accepted step is dated between the ticket's last step and a minute
/// from now, and a refusal is typed, Chinese, and changes nothing.
#[test]
fn any_typed_step_time_is_accepted_in_range_or_refused_cleanly() {
    use proptest::prelude::*;
    use std::cell::RefCell;

    let t = RefCell::new(db());
    {
        let mut t = t.borrow_mut();
        add_tech(&mut t.store, "张师傅", &["水路"]);
        add_tech(&mut t.store, "李师傅", &["水路"]);
    }
    let steps = prop_oneof![
        Just(Step::Remind { note: None }),
        Just(assign("张师傅")),
        Just(assign("李师傅")),
        Just(Step::Start),
        Just(Step::Hold {
            reason: "等料".into()
        }),
        Just(Step::Resume),
        Just(Step::Complete(completion())),
        Just(Step::Visit {
            satisfaction: "satisfied".into(),
            note: None
        }),
        Just(Step::Rework {
            reason: "又漏".into()
        }),
    ];
    let strategy = (crate::tickets::typed_time(), steps, 0..3usize);
    proptest::test_runner::TestRunner::new(crate::tickets::proptest_config())
        .run(&strategy, |(when, s, which)| {
            let mut t = t.borrow_mut();
            // A few tickets at different stages; a new one when all are done.
            let open: Vec<_> = t
                .store
                .list_tickets(&Default::default())
                .unwrap()
                .tickets
                .into_iter()
                .filter(|k| k.status != Status::Closed)
                .collect();
            let ticket = match open.get(which) {
                Some(k) => k.clone(),
                None => new_ticket(&mut t.store, "2026-11-01 08:00"),
            };
            let before = t.store.dump().unwrap();
            let now = t.store.now();
            match t.store.apply_step(&ticket.number, s, Some(&when), "前台") {
                Ok(k) => {
                    let last = t.store.history(&k.number).unwrap().pop().unwrap();
                    prop_assert!(last.at.timestamp() <= now.timestamp() + 60);
                    prop_assert!(
                        last.at.timestamp().div_euclid(60)
                            >= ticket.status_changed_at.timestamp().div_euclid(60),
                        "{} before {}",
                        last.at,
                        ticket.status_changed_at
                    );
                }
                Err(e) => {
                    prop_assert!(
                        matches!(e.code(), "invalid_input" | "wrong_status" | "precondition"),
                        "{}",
                        e
                    );
                    prop_assert!(e.to_string().chars().any(|c| c >= '\u{4E00}'), "{}", e);
                    prop_assert_eq!(t.store.dump().unwrap(), before);
                }
            }
            Ok(())
        })
        .unwrap();
}
