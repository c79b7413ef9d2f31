//! 月度汇总: a November built through the real workflow with known timestamps — tickets
//! across the local month boundary, holds, reworks (in and after the month), a
//! cancellation, carried-over work — and every KPI asserted exactly. Also the exports
//! (XLSX read back cell by cell, CSV BOM, PDF text).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers: a failure is the test failing

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
        method: None,
        quality: None,
        attitude: None,
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
        "reschedules",
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
        "resolved",
        "visit_attempts",
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

// ---------------------------------------------------------------- exports

mod exports {
    use std::io::Cursor;
    use std::process::Command;

    use baoxiu::export::{self, ExportOptions};
    use baoxiu::outfile::Existing;
    use calamine::{Data, Reader, Xlsx};

    use super::november;

    fn sheet(wb: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Vec<Vec<Data>> {
        let r = wb.worksheet_range(name).unwrap();
        r.rows().map(|row| row.to_vec()).collect()
    }

    fn text(d: &Data) -> String {
        match d {
            Data::String(s) => s.clone(),
            Data::Float(f) => f.to_string(),
            Data::Int(i) => i.to_string(),
            Data::Empty => String::new(),
            other => format!("{other:?}"),
        }
    }

    fn num(d: &Data) -> f64 {
        match d {
            Data::Float(f) => *f,
            Data::Int(i) => *i as f64,
            other => panic!("not a number: {other:?}"),
        }
    }

    /// The row whose first cell is `label`.
    fn find<'a>(rows: &'a [Vec<Data>], label: &str) -> &'a Vec<Data> {
        rows.iter()
            .find(|r| r.first().map(text).as_deref() == Some(label))
            .unwrap_or_else(|| panic!("no row {label}"))
    }

    #[test]
    fn xlsx_read_back_cell_by_cell() {
        let db = november();
        let bytes = export::xlsx(&db.store, "2026-11", &ExportOptions::default()).unwrap();
        let mut wb = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
        assert_eq!(
            wb.sheet_names(),
            vec![
                "汇总",
                "分类统计",
                "人员统计",
                "小区统计",
                "楼栋统计",
                "渠道统计",
                "紧急程度统计",
                "类型统计",
                "明细",
                "超时工单",
                "重复报修"
            ]
        );

        let s = sheet(&mut wb, "汇总");
        assert!(text(&s[0][0]).contains("2026年11月"), "{:?}", s[0][0]);
        assert_eq!(num(&find(&s, "本月受理")[1]), 7.0);
        assert_eq!(num(&find(&s, "本月完工")[1]), 5.0);
        assert_eq!(num(&find(&s, "本月回访完结")[1]), 5.0);
        assert_eq!(num(&find(&s, "本月取消")[1]), 1.0);
        assert_eq!(num(&find(&s, "月末未完结（结转）")[1]), 5.0);
        assert_eq!(num(&find(&s, "按时完工率")[1]), 0.8);
        assert_eq!(num(&find(&s, "满意率")[1]), 0.6);
        assert_eq!(num(&find(&s, "完工用时·P90（分钟）")[1]), 5760.0);
        assert_eq!(num(&find(&s, "完工用时·中位数（分钟）")[1]), 285.0);
        let m = find(&s, "材料费");
        assert_eq!((num(&m[1]), num(&m[2]), num(&m[3])), (45.5, 25.5, 20.0));
        let f = find(&s, "维修收费（有偿）");
        assert_eq!((num(&f[1]), num(&f[2]), num(&f[3])), (50.0, 50.0, 0.0));
        let l = find(&s, "工时（分钟）");
        assert_eq!((num(&l[1]), num(&l[2]), num(&l[3])), (355.0, 60.0, 295.0));

        let c = sheet(&mut wb, "分类统计");
        assert_eq!(text(&c[0][0]), "类别");
        let w = find(&c, "水路");
        assert_eq!(
            (num(&w[1]), num(&w[2]), num(&w[3]), num(&w[4])),
            (3.0, 2.0, 0.0, 285.0)
        );
        assert_eq!(text(&find(&c, "电路")[4]), "—");
        let total = find(&c, "合计");
        assert_eq!(
            (
                num(&total[1]),
                num(&total[2]),
                num(&total[3]),
                num(&total[4])
            ),
            (7.0, 5.0, 2.0, 1605.0)
        );
        // The totals row is the sum of the rows above it.
        let body = &c[1..c.len() - 1];
        for col in 1..=3 {
            let sum: f64 = body.iter().map(|r| num(&r[col])).sum();
            assert_eq!(sum, num(&total[col]), "column {col}");
        }

        let t = sheet(&mut wb, "人员统计");
        let z = find(&t, "张师傅");
        assert_eq!((num(&z[1]), num(&z[2]), num(&z[3])), (4.0, 3.0, 1.0));
        assert_eq!(num(&z[6]), 0.6667);
        assert_eq!(num(&find(&t, "合计")[8]), 355.0);

        let d = sheet(&mut wb, "明细");
        assert_eq!(text(&d[0][0]), "工单号");
        assert_eq!(d.len(), 1 + 8 + 1, "header, 8 tickets, totals");
        // Times are real Excel dates in office local time.
        let col = |name: &str| d[0].iter().position(|h| text(h) == name).unwrap();
        let a = &d[2];
        match &a[col("报修时间")] {
            Data::DateTime(dt) => {
                // Excel serial: days since 1899-12-30, local time of day as a fraction.
                let days = (chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
                    - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap())
                .num_days() as f64;
                assert!(
                    (dt.as_f64() - (days + 7.5 / 24.0)).abs() < 1e-6,
                    "{}",
                    dt.as_f64()
                );
            }
            other => panic!("报修时间 is not a date: {other:?}"),
        }
        assert_eq!(text(&a[col("联系电话")]), "13800138000");
        assert_eq!(num(&a[col("材料费")]), 25.5);
        assert_eq!(num(&a[col("维修费")]), 50.0);
        assert_eq!(num(&a[col("完工用时(分钟)")]), 210.0);
        assert_eq!(text(&a[col("材料明细")]), "三角阀×1");
        assert_eq!(text(&a[col("收费")]), "有偿");
        assert!(
            d.iter().all(|r| r.len() == d[0].len()),
            "every row as wide as the header"
        );
        let totals = d.last().unwrap();
        assert_eq!(text(&totals[0]), "合计");
        assert_eq!(num(&totals[col("材料费")]), 45.5);
        let body_sum: f64 = d[1..d.len() - 1]
            .iter()
            .map(|r| num(&r[col("维修费")]))
            .sum();
        assert_eq!(body_sum, 50.0);

        let o = sheet(&mut wb, "超时工单");
        assert_eq!(o.len(), 1 + 2 + 1);
        let h = sheet(&mut wb, "重复报修");
        assert_eq!(
            (text(&h[1][1]), num(&h[1][4])),
            ("3栋2单元501".to_string(), 3.0)
        );

        // A native chart is in the package.
        let names = String::from_utf8_lossy(&bytes);
        assert!(names.contains("xl/charts/chart1.xml"));
    }

    #[test]
    fn masking_in_every_export() {
        let db = november();
        let masked = ExportOptions { mask_phones: true };
        let bytes = export::xlsx(&db.store, "2026-11", &masked).unwrap();
        let mut wb = Xlsx::new(Cursor::new(bytes)).unwrap();
        let d = sheet(&mut wb, "明细");
        let col = d[0].iter().position(|h| text(h) == "联系电话").unwrap();
        assert_eq!(text(&d[2][col]), "138****8000");
        let all: String = d.iter().flatten().map(text).collect();
        assert!(!all.contains("13800138000"));

        let csv = String::from_utf8(export::csv(&db.store, "2026-11", &masked).unwrap()).unwrap();
        assert!(csv.contains("138****8000") && !csv.contains("13800138000"));
        assert_eq!(export::mask_phone("13800138000"), "138****8000");
        assert_eq!(
            export::mask_text("业主电话13912345678，请回电"),
            "业主电话139****5678，请回电"
        );
    }

    /// Formula injection (issue 10): free text that starts like a formula (`=`, `+`, `-`,
    /// `@`) is a text cell in the XLSX and is defused with a leading `'` in the CSV, in
    /// every free-text column; numbers stay numbers.
    #[test]
    fn formula_like_text_is_exported_as_text() {
        let mut db = crate::common::db_at("2026-11-20 12:00");
        let store = &mut db.store;
        crate::common::add_tech(store, "张师傅", &["水路"]);
        let payloads = [
            "=HYPERLINK(\"http://evil.example\",\"点我\")",
            "@SUM(1+1)",
            "+cmd|' /C calc'!A0",
            "-2+3",
        ];
        let d = baoxiu::input::TicketDraft {
            reporter: Some(payloads[1].into()),
            description: Some(payloads[0].into()),
            received_at: Some("2026-11-02 09:00".into()),
            ..crate::common::draft("2026-11-02 09:00")
        };
        let number = store.create_ticket(&d, "前台小李").unwrap().number;
        for (s, when) in [
            (super::assign("张师傅"), "2026-11-02 09:10"),
            (baoxiu::store::Step::Start, "2026-11-02 10:00"),
            (
                baoxiu::store::Step::Complete(baoxiu::input::CompletionDraft {
                    cause: Some(payloads[2].into()),
                    measures: Some(payloads[3].into()),
                    labour_minutes: Some(45),
                    ..Default::default()
                }),
                "2026-11-02 11:00",
            ),
        ] {
            store
                .apply_step(&number, s, Some(when), "前台小李")
                .unwrap();
        }

        let bytes = export::xlsx(store, "2026-11", &ExportOptions::default()).unwrap();
        let mut wb = Xlsx::new(Cursor::new(bytes)).unwrap();
        let rows = sheet(&mut wb, "明细");
        let col = |h: &str| rows[0].iter().position(|c| text(c) == h).unwrap();
        let row = rows
            .iter()
            .find(|r| text(&r[0]) == number)
            .expect("the ticket's row");
        for (header, payload) in [
            ("故障描述", payloads[0]),
            ("报修人", payloads[1]),
            ("故障原因", payloads[2]),
            ("处理措施", payloads[3]),
        ] {
            assert_eq!(
                row[col(header)],
                Data::String(payload.to_string()),
                "{header} is not the text as written"
            );
        }
        assert_eq!(row[col("工时(分钟)")], Data::Float(45.0));
        let formulas = wb.worksheet_formula("明细").unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "a 明细 cell is a formula"
        );

        let csv =
            String::from_utf8(export::csv(store, "2026-11", &ExportOptions::default()).unwrap())
                .unwrap();
        let line = csv.lines().find(|l| l.starts_with(&number)).unwrap();
        assert!(
            line.contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"点我\"\")\","),
            "{line}"
        );
        for defused in ["'@SUM(1+1)", "'+cmd|' /C calc'!A0", "'-2+3"] {
            assert!(
                line.contains(&format!(",{defused},")),
                "{defused} in {line}"
            );
        }
        assert!(
            line.contains(",45,"),
            "labour minutes stay a number: {line}"
        );
    }

    #[test]
    fn csv_has_a_bom_and_the_ledger_rows() {
        let db = november();
        let bytes = export::csv(&db.store, "2026-11", &ExportOptions::default()).unwrap();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 1 + 8);
        assert!(lines[0].starts_with("工单号,类型,当前状态,月末状态,渠道,报修时间"));
        let a = lines
            .iter()
            .find(|l| l.contains("2026-11-01 07:30"))
            .unwrap();
        assert!(a.contains(",25.50,50.00,"), "{a}");
        assert!(a.contains(",210,"), "{a}");
        let width = lines[0].split(',').count();
        assert!(
            lines.iter().all(|l| l.split(',').count() == width),
            "ragged rows"
        );
    }

    #[test]
    fn to_file_picks_the_format_and_the_pdf_reads_back() {
        let db = november();
        let dir = db.dir.path();
        let opts = ExportOptions::default();
        for (name, magic) in [
            ("月报.xlsx", &b"PK"[..]),
            ("月报.csv", b"\xEF\xBB\xBF"),
            ("月报.pdf", b"%PDF"),
        ] {
            let path = dir.join(name);
            let out = export::to_file(&db.store, "2026-11", &path, &opts, Existing::Keep).unwrap();
            assert_eq!(out.tickets, 8);
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(bytes.len(), out.bytes);
            assert!(bytes.starts_with(magic), "{name}");
        }
        let e = export::to_file(
            &db.store,
            "2026-11",
            dir.join("月报.docx"),
            &opts,
            Existing::Keep,
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert!(!dir.join("月报.docx").exists());
        let e = export::to_file(
            &db.store,
            "2026-11",
            dir.join("没有这个目录/月报.xlsx"),
            &opts,
            Existing::Keep,
        )
        .unwrap_err();
        assert_eq!(e.code(), "not_found");

        // To look at them: BAOXIU_EXPORT_DIR=/tmp/x cargo test --test tests report
        if let Some(keep) = std::env::var_os("BAOXIU_EXPORT_DIR") {
            for name in ["月报.xlsx", "月报.csv", "月报.pdf"] {
                std::fs::copy(dir.join(name), std::path::Path::new(&keep).join(name)).unwrap();
            }
        }
        let pdf = dir.join("月报.pdf");
        let text = Command::new("pdftotext")
            .arg("-layout")
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        // Compare without spaces: -layout pads columns with them.
        let text: String = String::from_utf8_lossy(&text.stdout)
            .split_whitespace()
            .collect();
        for want in [
            "2026年11月维修工作月度汇总",
            "本月受理7件",
            "80.00%",
            "水路",
            "门窗锁具",
            "张师傅",
            "（未派单）",
            "平均1605.0/中位285.0/P905760",
        ] {
            assert!(text.contains(want), "PDF lacks {want}:\n{text}");
        }
        let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
        let info = String::from_utf8_lossy(&info.stdout);
        let pages: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .map(|p| p.trim().parse().unwrap())
            .unwrap();
        assert!((1..=2).contains(&pages), "{pages} pages");
        let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
        let fonts = String::from_utf8_lossy(&fonts.stdout);
        assert!(
            fonts.contains("yes yes yes"),
            "embedded subset with ToUnicode:\n{fonts}"
        );
    }
}

#[test]
fn a_running_month_is_judged_overdue_up_to_now() {
    let mut db = november();
    // Now is 2026-12-10 10:00; due 2026-12-13 09:00 — before December ends, not yet late.
    let fresh = db
        .store
        .create_ticket(&draft("2026-12-10 09:00"), "前台小李")
        .unwrap()
        .number;
    let dec = report::month_detail(&db.store, "2026-12").unwrap();
    let overdue: Vec<&str> = dec.overdue.iter().map(|t| t.number.as_str()).collect();
    assert!(!overdue.contains(&fresh.as_str()), "{overdue:?}");
    // B (received 11-30 23:30, dispatched, due 12-03 23:30) is late by now.
    assert!(dec
        .overdue
        .iter()
        .any(|t| t.category == "电路" && t.received_at.format("%m-%d").to_string() == "11-30"));
}

#[test]
fn daily_volume_adds_up_to_the_month() {
    let db = november();
    let days = report::daily(&db.store, "2026-11").unwrap();
    assert_eq!(days.len(), 30);
    assert_eq!(days[0].date, "2026-11-01");
    assert_eq!(
        (days[0].received, days[0].completed),
        (1, 1),
        "A received, T1 completed"
    );
    assert_eq!(days[29].date, "2026-11-30");
    assert_eq!(days[29].received, 1, "B at 23:30 local");
    assert_eq!(days.iter().map(|d| d.received).sum::<i64>(), 7);
    assert_eq!(days.iter().map(|d| d.completed).sum::<i64>(), 5);
    let d7 = days.iter().find(|d| d.date == "2026-11-07").unwrap();
    assert_eq!(d7.completed, 1, "D's last completion");
}

/// The summary alone (the JSON, the PDF) reads the month's tickets without the 明细's
/// texts and its 重复报修 beside them (a second connection on SQLite): it is exactly the
/// summary the XLSX prints beside its 明细, month after month of generated tickets.
#[test]
fn the_summary_alone_is_the_summary_beside_the_ledger() {
    let mut db = db_at("2026-11-04 12:00");
    // About a thousand a day up to the clock: the end of October (closed) and November.
    baoxiu::seed::synthetic(&mut db.store, 6_000, 5).unwrap();
    let mut checked = 0;
    for month in ["2026-10", "2026-11"] {
        let alone = report::month(&db.store, month).unwrap();
        let detail = report::month_detail(&db.store, month).unwrap();
        assert_eq!(
            serde_json::to_value(&alone).unwrap(),
            serde_json::to_value(&detail.report).unwrap(),
            "{month}"
        );
        // The month is not empty: tickets, costs, technicians and hot spots to compare.
        if alone.received > 0 && !alone.hot_spots.is_empty() && !alone.by_technician.is_empty() {
            checked += 1;
        }
        assert!(detail.tickets.iter().all(|t| !t.number.is_empty()));
    }
    assert_eq!(checked, 2, "a month without figures to compare");
}

/// Mark the months kept in the database so that a figure read from them shows: their
/// 改约 count gets `4242` written before its digits (no trigger watches the table).
fn tamper_kept(db: &TestDb) {
    replace_kept(db, r#""reschedules":"#, r#""reschedules":4242"#);
}

/// Undo [`tamper_kept`].
fn untamper_kept(db: &TestDb) {
    replace_kept(db, r#""reschedules":4242"#, r#""reschedules":"#);
}

fn replace_kept(db: &TestDb, from: &str, to: &str) {
    let sql = format!("UPDATE month_summaries SET summary = replace(summary, '{from}', '{to}')");
    crate::common::raw_sql(&db.path(), &sql, &sql);
}

/// Whether the month was read from the tampered kept row.
fn read_kept(db: &TestDb, month: &str) -> bool {
    let r = report::month(&db.store, month).unwrap();
    r.reschedules.to_string().starts_with("4242")
}

/// The summary as read (kept or computed) is the one computed from the tickets now.
fn as_computed(db: &TestDb, month: &str) {
    let read = report::month(&db.store, month).unwrap();
    let fresh = report::month_detail(&db.store, month).unwrap().report;
    assert_eq!(
        serde_json::to_value(&read).unwrap(),
        serde_json::to_value(&fresh).unwrap(),
        "{month}"
    );
}

/// Keep `month` (a first read), tamper with what is kept, and check the next read takes
/// it; `change` then runs, and the month must either still be kept (`drops` false) or
/// be computed again, equal to the tickets' figures.
fn after(db: &mut TestDb, month: &str, drops: bool, what: &str, change: impl FnOnce(&mut Store)) {
    report::month(&db.store, month).unwrap();
    tamper_kept(db);
    assert!(read_kept(db, month), "{what}: {month} was not kept");
    change(&mut db.store);
    assert_eq!(read_kept(db, month), !drops, "{what}: {month}");
    untamper_kept(db);
    as_computed(db, month);
}

/// A month that has ended is kept once computed, and every change that can alter its
/// figures drops it — through the workflow, an edit, 基础资料, a ticket registered late —
/// while changes to later tickets leave it kept. On both engines (the triggers of
/// migration 15).
#[test]
fn a_kept_month_is_dropped_by_every_change_to_its_figures() {
    let mut db = november();
    let nov = report::month_detail(&db.store, "2026-11").unwrap();
    let closed = nov
        .tickets
        .iter()
        .find(|t| t.received_in_month && t.status == baoxiu::ticket::Status::Closed)
        .expect("a November ticket visited")
        .number
        .clone();
    let first = nov.tickets[0].number.clone();
    let (c, f) = (closed.clone(), first.clone());

    after(&mut db, "2026-11", false, "a December ticket", |s| {
        s.create_ticket(&draft("2026-12-09 09:00"), "前台小李")
            .unwrap();
    });
    after(
        &mut db,
        "2026-11",
        true,
        "a rework recorded in December",
        |s| {
            let step = Step::Rework {
                reason: "又漏了".into(),
            };
            s.apply_step(&c, step, Some("2026-12-10 09:00"), "前台小李")
                .unwrap();
        },
    );
    after(&mut db, "2026-11", true, "an edit", |s| {
        let patch = baoxiu::input::TicketPatch {
            category: Some("电路".into()),
            ..Default::default()
        };
        s.edit_ticket(&f, &patch, "前台小李").unwrap();
    });
    after(&mut db, "2026-11", true, "a ticket registered late", |s| {
        s.create_ticket(&draft("2026-11-15 10:00"), "前台小李")
            .unwrap();
    });
    after(&mut db, "2026-11", true, "an SLA rule", |s| {
        let rule = baoxiu::sla::SlaRule {
            urgency: baoxiu::ticket::Urgency::Normal,
            dispatch_minutes: 10,
            arrival_minutes: 60,
            completion_minutes: 120,
            visit_minutes: 1440,
        };
        s.set_sla_rule(Some("水路"), &rule).unwrap();
    });
    // What the report does not read of a technician leaves the month kept; a name it
    // prints (renamed behind the desk's back: 基础资料 has no rename) drops it.
    after(&mut db, "2026-11", false, "a technician's phone", |s| {
        s.save_technician(&baoxiu::input::TechnicianDraft {
            name: Some("张师傅".into()),
            phone: Some("13900000000".into()),
            skills: vec!["水路".into()],
            ..Default::default()
        })
        .unwrap();
    });
    // Behind the desk's back (基础资料 renames nothing; a 回访未果, materials and rounds
    // change through the workflow): each table the figures read drops the month.
    let location = db.path();
    for (what, sql) in [
        (
            "a category renamed",
            "UPDATE categories SET name = '给排水' WHERE name = '水路'",
        ),
        (
            "a 小区 renamed",
            "UPDATE sites SET name = '翠湖苑二期' WHERE name = '翠湖苑'",
        ),
        (
            "a technician renamed",
            "UPDATE technicians SET name = '张工' WHERE name = '张师傅'",
        ),
        (
            "a unit's room",
            "UPDATE units SET room = '502' WHERE room = '501'",
        ),
        (
            "materials",
            "UPDATE ticket_materials SET amount_fen = amount_fen + 100",
        ),
        (
            "a completion round's fee",
            "UPDATE completion_rounds SET fee_fen = fee_fen + 100",
        ),
    ] {
        after(&mut db, "2026-11", true, what, |_| {
            crate::common::raw_sql(&location, sql, sql);
        });
    }
    let attempt = format!(
        "INSERT INTO visit_attempts (ticket_id, at, result, operator)
         SELECT id, {}, 'no_answer', '前台小李' FROM tickets WHERE number = '{c}'",
        crate::common::at("2026-11-30 12:00").timestamp()
    );
    after(
        &mut db,
        "2026-11",
        true,
        "a 回访未果 in November",
        |_| {
            crate::common::raw_sql(&location, &attempt, &attempt);
        },
    );
    // October ended before these November tickets were received: still kept.
    after(&mut db, "2026-10", false, "a November ticket", |s| {
        let patch = baoxiu::input::TicketPatch {
            category: Some("其他".into()),
            ..Default::default()
        };
        s.edit_ticket(&c, &patch, "前台小李").unwrap();
    });
    // T1, received in the last half hour of October, belongs to it.
    let t1 = nov
        .tickets
        .iter()
        .find(|t| !t.received_in_month)
        .expect("T1")
        .number
        .clone();
    let now = db.store.ticket(&t1).unwrap().category;
    let moved = if now == "电路" { "其他" } else { "电路" };
    after(&mut db, "2026-10", true, "an October ticket", |s| {
        let patch = baoxiu::input::TicketPatch {
            category: Some(moved.into()),
            ..Default::default()
        };
        s.edit_ticket(&t1, &patch, "前台小李").unwrap();
    });
    // T1 was completed in November: a change to it drops November too, not only the
    // month it was received in.
    after(
        &mut db,
        "2026-11",
        true,
        "an October ticket completed in November",
        |s| {
            let moved = if s.ticket(&t1).unwrap().category == "电路" {
                "其他"
            } else {
                "电路"
            };
            let patch = baoxiu::input::TicketPatch {
                category: Some(moved.into()),
                ..Default::default()
            };
            s.edit_ticket(&t1, &patch, "前台小李").unwrap();
        },
    );
    // December is still running: computed every time, never kept.
    report::month(&db.store, "2026-12").unwrap();
    tamper_kept(&db);
    assert!(!read_kept(&db, "2026-12"));
}

/// A change under way when a month starts to be computed is waited for, so the month
/// kept includes it; on PostgreSQL another session's transaction, on SQLite another
/// connection's.
#[test]
fn a_change_under_way_is_not_hidden_by_a_kept_month() {
    change_under_way(300);
}

/// A change under way for longer than PostgreSQL's claim waits (1 s): the month is
/// computed without it and not kept, so the next read has it.
#[test]
fn a_long_change_under_way_leaves_the_month_computed_not_kept() {
    change_under_way(1_500);
}

/// Another connection holds a change to a November ticket open for `hold_ms` while
/// November is read on a third; once it commits, November's figures have the change.
fn change_under_way(hold_ms: u64) {
    let db = november();
    let nov = report::month_detail(&db.store, "2026-11").unwrap();
    let first = nov.tickets.iter().find(|t| t.received_in_month).unwrap();
    let (number, category) = (first.number.clone(), first.category.clone());
    let other = if category == "电路" {
        "水路"
    } else {
        "电路"
    };
    let change = format!(
        "UPDATE tickets SET category_id = (SELECT id FROM categories WHERE name = '{other}')
          WHERE number = '{number}'"
    );
    let location = db.path();
    let reader = |location: std::path::PathBuf, dir: std::path::PathBuf| {
        std::thread::spawn(move || {
            let mut store = crate::common::open_at(&location, &dir);
            store.set_now(Some(crate::common::at("2026-12-10 10:00")));
            report::month(&store, "2026-11").unwrap();
        })
    };
    let dir = db.dir.path().to_path_buf();
    match location.to_str().filter(|s| s.starts_with("postgres")) {
        Some(url) => {
            let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
            let mut tx = client.transaction().unwrap();
            tx.batch_execute(&change).unwrap();
            let computing = reader(location.clone(), dir);
            // The claim is waiting for the change (its advisory lock not granted).
            let mut watch = postgres::Client::connect(url, postgres::NoTls).unwrap();
            let waited = std::time::Instant::now();
            while watch
                .query_one(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
                    &[],
                )
                .unwrap()
                .get::<_, i64>(0)
                == 0
            {
                assert!(
                    waited.elapsed() < std::time::Duration::from_secs(30),
                    "the month was read without waiting for the change"
                );
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            std::thread::sleep(std::time::Duration::from_millis(hold_ms));
            tx.commit().unwrap();
            computing.join().unwrap();
        }
        None => {
            let mut conn = rusqlite::Connection::open(&location).unwrap();
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .unwrap();
            tx.execute_batch(&change).unwrap();
            let computing = reader(location.clone(), dir);
            std::thread::sleep(std::time::Duration::from_millis(hold_ms));
            tx.commit().unwrap();
            computing.join().unwrap();
        }
    }
    let read = report::month(&db.store, "2026-11").unwrap();
    let by = |r: &report::MonthReport| {
        r.by_category
            .iter()
            .map(|g| (g.label.clone(), g.received))
            .collect::<Vec<_>>()
    };
    assert_ne!(by(&read), by(&nov.report), "the change is in the figures");
    as_computed(&db, "2026-11");
}

/// After signing in the window keeps last month in the background: the month before the
/// office's current one, read from what is kept next time; an account that may not read
/// reports is refused and nothing is kept.
#[test]
fn last_month_is_kept_for_whoever_may_read_reports() {
    let mut db = november();
    let s = &mut db.store;
    s.add_account("李经理", baoxiu::account::Role::Admin, "admin-pass-1")
        .unwrap();
    s.login("李经理", "admin-pass-1").unwrap();
    s.add_account("小周", baoxiu::account::Role::Desk, "desk-pass-1")
        .unwrap();
    s.login("小周", "desk-pass-1").unwrap();
    let err = report::keep_last_month(s).unwrap_err();
    assert_eq!(err.code(), "forbidden", "{err}");
    s.login("李经理", "admin-pass-1").unwrap();
    tamper_kept(&db);
    assert!(!read_kept(&db, "2026-11"), "nothing was kept for 小周");
    // That read kept November: forget it, so what is kept next is keep_last_month's.
    let forget = "DELETE FROM month_summaries";
    crate::common::raw_sql(&db.path(), forget, forget);
    assert_eq!(report::keep_last_month(&db.store).unwrap(), "2026-11");
    tamper_kept(&db);
    assert!(read_kept(&db, "2026-11"));
    // On the first day of a month, last month is the one just ended.
    db.store
        .set_now(Some(crate::common::at("2027-01-01 00:05")));
    assert_eq!(report::keep_last_month(&db.store).unwrap(), "2026-12");
}

/// Every table the month's figures read drops kept months when it changes: its
/// triggers exist after all the migrations (a later step that rebuilt a table would
/// lose them), on both engines.
#[test]
fn every_table_the_figures_read_drops_kept_months() {
    let db = november();
    let location = db.path();
    let mut tables: Vec<String> = match location.to_str().filter(|s| s.starts_with("postgres")) {
        Some(url) => postgres::Client::connect(url, postgres::NoTls)
            .unwrap()
            .query(
                "SELECT DISTINCT event_object_table::text FROM information_schema.triggers
                  WHERE trigger_name LIKE '%stale%months'",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect(),
        None => {
            let conn = rusqlite::Connection::open(&location).unwrap();
            let mut q = conn
                .prepare(
                    "SELECT DISTINCT tbl_name FROM sqlite_schema
                      WHERE type = 'trigger' AND name LIKE '%stale%months'",
                )
                .unwrap();
            let names = q
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            names
        }
    };
    tables.sort();
    assert_eq!(
        tables,
        [
            "categories",
            "completion_rounds",
            "sites",
            "sla_rules",
            "technicians",
            "ticket_events",
            "ticket_materials",
            "tickets",
            "units",
            "visit_attempts"
        ]
    );
}
