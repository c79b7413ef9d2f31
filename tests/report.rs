//! 月度汇总: a November built through the real workflow with known timestamps — tickets
//! across the local month boundary, holds, reworks (in and after the month), a
//! cancellation, carried-over work — and every KPI asserted exactly. Also the exports
//! (XLSX read back cell by cell, CSV BOM, PDF text).

use baoxiu::input::{CompletionDraft, MaterialDraft, TicketDraft};
use baoxiu::report::{self, GroupRow, Split, TechnicianRow, Timing};
use baoxiu::store::Step;
use baoxiu::Store;

use crate::common::{add_tech, db_at, draft, TestDb};

fn complete(labour: i64, materials: &[(&str, f64, i64)], fee_fen: i64) -> Step {
    Step::Complete(CompletionDraft {
        cause: Some("管件老化".into()),
        measures: Some("更换管件".into()),
        materials: materials
            .iter()
            .map(|(n, q, p)| MaterialDraft {
                name: Some(n.to_string()),
                quantity: Some(*q),
                unit_price_fen: Some(*p),
                ..Default::default()
            })
            .collect(),
        labour_minutes: Some(labour),
        paid: Some(fee_fen > 0),
        fee_fen: Some(fee_fen),
        ..Default::default()
    })
}

fn assign(name: &str) -> Step {
    Step::Assign {
        technician: name.into(),
    }
}

fn visit(s: &str) -> Step {
    Step::Visit {
        satisfaction: s.into(),
        note: Some("电话回访".into()),
    }
}

fn at_room(received: &str, category: &str, building: &str, unit: &str, room: &str) -> TicketDraft {
    TicketDraft {
        category: Some(category.into()),
        building: Some(building.into()),
        unit: Some(unit.into()),
        room: Some(room.into()),
        ..draft(received)
    }
}

fn go(store: &mut Store, number: &str, steps: Vec<(Step, &str)>) {
    for (s, when) in steps {
        store
            .apply_step(number, s, Some(when), "前台小李")
            .unwrap_or_else(|e| panic!("{number} at {when}: {e}"));
    }
}

fn create(store: &mut Store, d: TicketDraft) -> String {
    store.create_ticket(&d, "前台小李").unwrap().number
}

/// The November of the test office; returns the database.
pub fn november() -> TestDb {
    let mut db = db_at("2026-12-10 10:00");
    let s = &mut db.store;
    add_tech(s, "张师傅", &["水路", "电路", "门窗锁具", "其他"]);
    add_tech(s, "李师傅", &["水路", "电路", "电梯"]);

    // T1: received 30 minutes before November (local), completed and visited in November.
    let t1 = create(s, at_room("2026-10-31 23:30", "其他", "1", "1", "101"));
    go(
        s,
        &t1,
        vec![
            (assign("张师傅"), "2026-10-31 23:50"),
            (Step::Start, "2026-11-01 08:00"),
            (complete(30, &[], 0), "2026-11-01 10:00"),
            (visit("very_satisfied"), "2026-11-02 09:00"),
        ],
    );
    // A: received 11-01 07:30 local (still October in UTC); a day on hold; paid work.
    let a = create(s, draft("2026-11-01 07:30"));
    go(
        s,
        &a,
        vec![
            (assign("张师傅"), "2026-11-01 08:00"),
            (Step::Start, "2026-11-01 09:00"),
            (
                Step::Hold {
                    reason: "等配件".into(),
                },
                "2026-11-01 10:00",
            ),
            (Step::Resume, "2026-11-02 10:00"),
            (
                complete(60, &[("三角阀", 1.0, 2550)], 5000),
                "2026-11-02 11:00",
            ),
            (visit("neutral"), "2026-11-03 09:00"),
        ],
    );
    // B: received 11-30 23:30 local, dispatched only in December: open at month end.
    let b = create(s, at_room("2026-11-30 23:30", "电路", "3", "2", "501"));
    go(s, &b, vec![(assign("张师傅"), "2026-12-01 00:10")]);
    // C: received 12-01 00:30 local (still November in UTC): not November's.
    let c = create(s, draft("2026-12-01 00:30"));
    go(s, &c, vec![(assign("李师傅"), "2026-12-01 01:00")]);
    // D: emergency, completed late, visited (不满意), reworked and re-completed in time.
    let d = create(
        s,
        TicketDraft {
            urgency: Some("emergency".into()),
            ..draft("2026-11-05 09:00")
        },
    );
    go(
        s,
        &d,
        vec![
            (assign("李师傅"), "2026-11-05 09:03"),
            (Step::Start, "2026-11-05 09:20"),
            (complete(120, &[("水管", 2.0, 400)], 0), "2026-11-05 15:00"),
            (visit("dissatisfied"), "2026-11-06 10:00"),
            (
                Step::Rework {
                    reason: "又漏了".into(),
                },
                "2026-11-07 09:00",
            ),
            (Step::Start, "2026-11-07 10:00"),
            (complete(30, &[], 0), "2026-11-07 11:00"),
        ],
    );
    // E: completed a day late, visited (满意), reworked in December.
    let e = create(
        s,
        at_room("2026-11-10 10:00", "门窗锁具", "3栋", "1单元", "301"),
    );
    go(
        s,
        &e,
        vec![
            (assign("张师傅"), "2026-11-10 10:10"),
            (Step::Start, "2026-11-10 11:00"),
            (complete(45, &[("门锁芯", 2.0, 600)], 0), "2026-11-14 10:00"),
            (visit("satisfied"), "2026-11-15 09:00"),
            (
                Step::Rework {
                    reason: "锁又坏了".into(),
                },
                "2026-12-02 09:00",
            ),
        ],
    );
    // F: a 咨询 by WeChat, cancelled the same morning.
    let f = create(
        s,
        TicketDraft {
            kind: Some("inquiry".into()),
            channel: Some("wechat".into()),
            category: Some("其他".into()),
            ..draft("2026-11-12 08:00")
        },
    );
    go(
        s,
        &f,
        vec![(
            Step::Cancel {
                reason: "业主自行处理".into(),
                duplicate_of: None,
            },
            "2026-11-12 09:00",
        )],
    );
    // G: October, dispatched, never started: carried over and overdue.
    let g = create(s, at_room("2026-10-20 10:00", "电路", "3", "2", "501"));
    go(s, &g, vec![(assign("李师傅"), "2026-10-20 10:30")]);
    // H: completed in October, visited only in December: 待回访 at month end.
    let h = create(s, at_room("2026-10-25 09:00", "电路", "1", "1", "102"));
    go(
        s,
        &h,
        vec![
            (assign("李师傅"), "2026-10-25 09:30"),
            (Step::Start, "2026-10-25 10:00"),
            (complete(20, &[], 0), "2026-10-26 10:00"),
            (visit("satisfied"), "2026-12-03 10:00"),
        ],
    );
    // I: a public-area 电梯 emergency found on inspection.
    let i = create(
        s,
        TicketDraft {
            channel: Some("inspection".into()),
            reporter: Some("巡检员老周".into()),
            phone: None,
            scope: Some("public_area".into()),
            building: None,
            unit: None,
            room: None,
            location: Some("3栋电梯厅".into()),
            category: Some("电梯".into()),
            urgency: Some("emergency".into()),
            ..draft("2026-11-15 14:00")
        },
    );
    go(
        s,
        &i,
        vec![
            (assign("李师傅"), "2026-11-15 14:02"),
            (Step::Start, "2026-11-15 14:20"),
            (complete(70, &[], 0), "2026-11-15 15:30"),
            (visit("very_satisfied"), "2026-11-16 10:00"),
        ],
    );
    // J: on hold at month end.
    let j = create(s, draft("2026-11-25 09:00"));
    go(
        s,
        &j,
        vec![
            (assign("张师傅"), "2026-11-25 09:10"),
            (Step::Start, "2026-11-25 10:00"),
            (
                Step::Hold {
                    reason: "等业主在家".into(),
                },
                "2026-11-26 10:00",
            ),
        ],
    );
    db
}

fn row(key: &str, label: &str, r: i64, c: i64, o: i64, mean: Option<f64>) -> GroupRow {
    GroupRow {
        key: key.into(),
        label: label.into(),
        received: r,
        completed: c,
        overdue: o,
        mean_completion_minutes: mean,
    }
}

fn timing(count: i64, mean: f64, median: f64, p90: f64) -> Timing {
    Timing {
        count,
        mean: Some(mean),
        median: Some(median),
        p90: Some(p90),
    }
}

#[test]
fn november_kpis_exactly() {
    let db = november();
    let r = report::month(&db.store, "2026-11").unwrap();

    assert_eq!(
        r.received, 7,
        "A B D E F I J; not T1 (Oct 31 23:30) nor C (Dec 1 00:30)"
    );
    assert_eq!(r.completed, 5, "T1 A D E I; D's two completions count once");
    assert_eq!(
        r.closed, 5,
        "visits in November: T1 A D E I (H's is December's)"
    );
    assert_eq!(r.cancelled, 1);
    assert_eq!(
        r.open_at_month_end, 5,
        "B received, D 待回访, G assigned, H 待回访, J on hold"
    );

    assert_eq!(r.dispatch_minutes, timing(5, 11.0, 10.0, 30.0));
    assert_eq!(r.arrival_minutes, timing(5, 50.0, 60.0, 90.0));
    // A: 1650 − 1440 on hold = 210; D: 360 (first completion); E: 5760; I: 90.
    assert_eq!(r.completion_minutes, timing(4, 1605.0, 285.0, 5760.0));

    assert_eq!(
        r.on_time_rate,
        Some(0.8),
        "E late against its November deadline"
    );
    assert_eq!(
        r.visit_rate,
        Some(0.8),
        "D has no visit after its re-completion"
    );
    assert_eq!(
        r.satisfaction_rate,
        Some(0.6),
        "非常满意 ×2 + 满意 of 5 visits"
    );
    assert_eq!(
        r.rework_rate,
        Some(0.4),
        "D (in November) and E (in December)"
    );

    assert_eq!(
        r.materials_fen,
        Split {
            total: 4550,
            paid: 2550,
            unpaid: 2000
        }
    );
    assert_eq!(
        r.fees_fen,
        Split {
            total: 5000,
            paid: 5000,
            unpaid: 0
        }
    );
    assert_eq!(
        r.labour_minutes,
        Split {
            total: 355,
            paid: 60,
            unpaid: 295
        }
    );

    assert_eq!(
        r.by_category,
        vec![
            row("水路", "水路", 3, 2, 0, Some(285.0)),
            row("电路", "电路", 1, 0, 1, None),
            row("门窗锁具", "门窗锁具", 1, 1, 1, Some(5760.0)),
            row("电梯", "电梯", 1, 1, 0, Some(90.0)),
            row("其他", "其他", 1, 1, 0, None),
        ]
    );
    assert_eq!(
        r.by_site,
        vec![row("翠湖苑", "翠湖苑", 7, 5, 2, Some(1605.0))]
    );
    assert_eq!(
        r.by_building,
        vec![
            row("翠湖苑/1", "翠湖苑 1栋", 0, 1, 0, None),
            row("翠湖苑/3", "翠湖苑 3栋", 6, 3, 2, Some(2110.0)),
            row("翠湖苑/公区", "翠湖苑 公区", 1, 1, 0, Some(90.0)),
        ]
    );
    assert_eq!(
        r.by_technician,
        vec![
            TechnicianRow {
                key: "张师傅".into(),
                label: "张师傅".into(),
                received: 4,
                completed: 3,
                overdue: 1,
                mean_completion_minutes: Some(2985.0),
                visits: 3,
                satisfaction_rate: Some(0.6667),
                rework_count: 1,
                labour_minutes: 135,
            },
            TechnicianRow {
                key: "李师傅".into(),
                label: "李师傅".into(),
                received: 2,
                completed: 2,
                overdue: 1,
                mean_completion_minutes: Some(225.0),
                visits: 2,
                satisfaction_rate: Some(0.5),
                rework_count: 1,
                labour_minutes: 220,
            },
            TechnicianRow {
                key: "".into(),
                label: "（未派单）".into(),
                received: 1,
                completed: 0,
                overdue: 0,
                mean_completion_minutes: None,
                visits: 0,
                satisfaction_rate: None,
                rework_count: 0,
                labour_minutes: 0,
            },
        ]
    );
    assert_eq!(
        r.by_channel,
        vec![
            row("phone", "电话", 5, 4, 2, Some(2110.0)),
            row("walk_in", "来访", 0, 0, 0, None),
            row("wechat", "微信", 1, 0, 0, None),
            row("app", "APP", 0, 0, 0, None),
            row("sms", "短信", 0, 0, 0, None),
            row("inspection", "巡检", 1, 1, 0, Some(90.0)),
        ]
    );
    assert_eq!(
        r.by_urgency,
        vec![
            row("emergency", "紧急", 2, 2, 0, Some(225.0)),
            row("normal", "一般", 5, 3, 2, Some(2985.0)),
            row("scheduled", "预约", 0, 0, 0, None),
        ]
    );
    assert_eq!(
        r.by_kind,
        vec![
            row("repair", "报修", 6, 5, 2, Some(1605.0)),
            row("complaint", "投诉", 0, 0, 0, None),
            row("inquiry", "咨询", 1, 0, 0, None),
        ]
    );

    let spots: Vec<(String, String, i64)> = r
        .hot_spots
        .iter()
        .map(|h| (h.place.clone(), h.category.clone(), h.tickets))
        .collect();
    assert_eq!(
        spots,
        vec![
            ("3栋2单元501".to_string(), "水路".to_string(), 3),
            ("3栋2单元501".to_string(), "电路".to_string(), 2),
        ],
        "C (December) and the cancelled F do not count"
    );
    assert_eq!(r.hot_spots[0].site.as_deref(), Some("翠湖苑"));
    assert_eq!(r.hot_spots[0].numbers.len(), 3);
}

#[test]
fn json_keys_are_the_contract() {
    let db = november();
    let r = report::month(&db.store, "2026-11").unwrap();
    let v = serde_json::to_value(&r).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    let mut expected = vec![
        "received",
        "completed",
        "closed",
        "cancelled",
        "open_at_month_end",
        "by_category",
        "by_site",
        "by_building",
        "by_technician",
        "by_channel",
        "by_urgency",
        "by_kind",
        "dispatch_minutes",
        "arrival_minutes",
        "completion_minutes",
        "on_time_rate",
        "visit_rate",
        "satisfaction_rate",
        "rework_rate",
        "materials_fen",
        "fees_fen",
        "labour_minutes",
        "hot_spots",
    ];
    let mut got = keys.clone();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
    assert_eq!(v["completion_minutes"]["p90"], 5760.0);
    assert_eq!(v["on_time_rate"], 0.8);
    assert_eq!(v["labour_minutes"]["paid"], 60);
}

#[test]
fn the_month_before_and_after_and_an_empty_month() {
    let db = november();
    let oct = report::month(&db.store, "2026-10").unwrap();
    assert_eq!(oct.received, 3, "G H T1");
    assert_eq!(oct.completed, 1, "H");
    // At the end of October: G assigned, H 待回访, T1 assigned.
    assert_eq!(oct.open_at_month_end, 3);
    let dec = report::month(&db.store, "2026-12").unwrap();
    assert_eq!(dec.received, 1, "C");
    assert_eq!(dec.closed, 1, "H");

    let empty = report::month(&db.store, "2025-03").unwrap();
    assert_eq!(empty.received, 0);
    assert_eq!(empty.completion_minutes, Timing::default());
    assert_eq!(empty.on_time_rate, None);
    assert_eq!(empty.satisfaction_rate, None);
    let v = serde_json::to_value(&empty).unwrap();
    assert!(v["on_time_rate"].is_null());
    assert!(v["dispatch_minutes"]["p90"].is_null());

    for bad in ["2026-13", "November", "2026/11", ""] {
        let e = report::month(&db.store, bad).unwrap_err();
        assert_eq!(e.code(), "invalid_input", "{bad}");
        assert!(e.to_string().contains("2026-11"), "{e}");
    }
}

#[test]
fn percentiles_follow_the_documented_rules() {
    let t = report::timing(&[5, 1, 3, 2, 4, 6, 7, 8, 9, 10]);
    assert_eq!(t, timing(10, 5.5, 5.5, 9.0));
    let one = report::timing(&[42]);
    assert_eq!(one, timing(1, 42.0, 42.0, 42.0));
    assert_eq!(report::rate(2, 3), Some(0.6667));
    assert_eq!(report::rate(1, 0), None);
}

#[test]
fn detail_rows_are_the_months_tickets() {
    let db = november();
    let d = report::month_detail(&db.store, "2026-11").unwrap();
    // Received or completed in November: T1 A B D E F I J.
    assert_eq!(d.tickets.len(), 8);
    assert!(d
        .tickets
        .windows(2)
        .all(|w| w[0].received_at <= w[1].received_at));
    let overdue: Vec<&str> = d.overdue.iter().map(|t| t.category.as_str()).collect();
    assert_eq!(overdue, vec!["电路", "门窗锁具"], "G carried over, E late");
    let e = d.overdue.iter().find(|t| t.category == "门窗锁具").unwrap();
    assert_eq!(
        e.deadline
            .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
            .as_deref(),
        Some("2026-11-13 10:00"),
        "the November deadline, not the one restarted by the December rework"
    );
}
