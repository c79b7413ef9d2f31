//! 报修登记: numbering, the JSON contract, and every refusal of bad input leaving the
//! database exactly as it was.

use std::cell::RefCell;

use baoxiu::input::{from_json, CompletionDraft, TechnicianDraft, TicketDraft};
use baoxiu::slip::{self, Layout};
use baoxiu::store::Step;
use baoxiu::Store;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::common::*;

#[test]
fn numbers_follow_the_local_month_and_are_never_reused() {
    let mut t = db_at("2026-12-01 08:00");
    let a = new_ticket(&mut t.store, "2026-11-30 23:30");
    let b = new_ticket(&mut t.store, "2026-11-30 23:59");
    // 2026-12-01 00:10 local is still 2026-11-30 16:10 UTC: December by office time.
    let c = new_ticket(&mut t.store, "2026-12-01 00:10");
    assert_eq!(a.number, "BX-202611-0001");
    assert_eq!(b.number, "BX-202611-0002");
    assert_eq!(c.number, "BX-202612-0001");
    assert_eq!(a.received_at.to_rfc3339(), "2026-11-30T23:30:00+08:00");
    t.store
        .apply_step(
            &b.number,
            Step::Cancel {
                reason: "误登记".into(),
                duplicate_of: None,
            },
            None,
            "前台",
        )
        .unwrap();
    let d = new_ticket(&mut t.store, "2026-11-30 23:59");
    assert_eq!(
        d.number, "BX-202611-0003",
        "a cancelled ticket's number is not handed out again"
    );
    // RFC 3339 input with another offset lands in the office's month too.
    let mut late = draft("2026-11-30T15:45:00Z");
    late.reporter = Some("赵敏".into());
    let e = t.store.create_ticket(&late, "前台").unwrap();
    assert_eq!(e.number, "BX-202611-0004");
    assert_eq!(e.received_at.to_rfc3339(), "2026-11-30T23:45:00+08:00");
}

#[test]
fn concurrent_creators_never_collide() {
    let t = db();
    let path = t.path();
    let handles: Vec<_> = (0..4)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut s = Store::open(&path).unwrap();
                s.set_now(Some(at("2026-11-20 10:00")));
                (0..25)
                    .map(|i| {
                        let mut d = draft("2026-11-20 09:00");
                        d.reporter = Some(format!("住户{w}-{i}"));
                        s.create_ticket(&d, "前台").unwrap().number
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut numbers: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    numbers.sort();
    let expected: Vec<String> = (1..=100).map(|i| format!("BX-202611-{i:04}")).collect();
    assert_eq!(numbers, expected);
}

#[test]
fn new_ticket_has_every_contract_key_and_defaults() {
    let mut t = db();
    let mut d = draft("2026-11-20 09:00");
    d.category = Some("燃气".into());
    d.urgency = None;
    d.phone = Some("138-0013-8000".into());
    let ticket = t.store.create_ticket(&d, "前台小李").unwrap();
    assert_eq!(ticket.urgency.code(), "emergency", "燃气 defaults to 紧急");
    assert_eq!(ticket.phone, "138-0013-8000", "kept the way it was written");
    assert_eq!(ticket.place(), "翠湖苑 3栋2单元501");
    let json = serde_json::to_value(&ticket).unwrap();
    for key in "number kind status channel reporter phone site building unit room location scope category urgency appointment_at description received_at assignee dispatched_at arrived_at completed_at visited_at closed_at cancelled_at hold_reason cause measures materials labour_minutes paid fee_fen payment_method owner_signed satisfaction visit_note rework_count duplicate_of deadlines overdue".split(' ') {
        assert!(json.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(json["status"], "received");
    assert_eq!(json["kind"], "repair");
    assert_eq!(json["deadlines"]["dispatch"], "2026-11-20T09:05:00+08:00");
    let history = t.store.history(&ticket.number).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].action.code(), history[0].operator.as_str()),
        ("created", "前台小李")
    );
}

#[test]
fn public_area_ticket_needs_a_location() {
    let mut t = db();
    let d = TicketDraft {
        reporter: Some("巡检员".into()),
        channel: Some("inspection".into()),
        scope: Some("public_area".into()),
        site: Some("翠湖苑".into()),
        location: Some("3栋电梯厅".into()),
        category: Some("电梯".into()),
        description: Some("电梯按钮失灵".into()),
        ..Default::default()
    };
    let ticket = t.store.create_ticket(&d, "前台").unwrap();
    assert_eq!(ticket.scope.code(), "public_area");
    assert_eq!(ticket.place(), "翠湖苑 3栋电梯厅");
    assert_eq!(ticket.phone, "", "inspection tickets may have no phone");
}

/// Each bad draft is refused with its code and a message naming the problem, and the
/// database dump is identical afterwards.
#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let mut t = db();
    new_ticket(&mut t.store, "2026-11-20 09:00");
    let before = t.store.dump().unwrap();
    let long = "漏".repeat(4001);
    type Edit = Box<dyn Fn(&mut TicketDraft)>;
    let cases: Vec<(&str, Edit, &str, &str)> = vec![
        (
            "empty reporter",
            Box::new(|d| d.reporter = Some("   ".into())),
            "invalid_input",
            "报修人不能为空",
        ),
        (
            "no description",
            Box::new(|d| d.description = None),
            "invalid_input",
            "故障描述不能为空",
        ),
        (
            "unknown category",
            Box::new(|d| d.category = Some("下水道".into())),
            "not_found",
            "报修类别“下水道”不存在",
        ),
        (
            "bad phone",
            Box::new(|d| d.phone = Some("1380013".into())),
            "invalid_input",
            "联系电话“1380013”格式不对",
        ),
        (
            "letters in phone",
            Box::new(|d| d.phone = Some("138abc38000".into())),
            "invalid_input",
            "格式不对",
        ),
        (
            "unknown urgency",
            Box::new(|d| d.urgency = Some("asap".into())),
            "invalid_input",
            "紧急程度“asap”无法识别",
        ),
        (
            "unknown channel",
            Box::new(|d| d.channel = Some("fax".into())),
            "invalid_input",
            "报修渠道“fax”无法识别",
        ),
        (
            "unknown kind",
            Box::new(|d| d.kind = Some("praise".into())),
            "invalid_input",
            "工单类型“praise”无法识别",
        ),
        (
            "future",
            Box::new(|d| d.received_at = Some("2026-11-20 10:05".into())),
            "invalid_input",
            "报修时间不能晚于现在",
        ),
        (
            "before 2000",
            Box::new(|d| d.received_at = Some("1999-12-31 23:00".into())),
            "invalid_input",
            "不能早于 2000 年",
        ),
        (
            "bad time",
            Box::new(|d| d.received_at = Some("昨天下午".into())),
            "invalid_input",
            "格式不对",
        ),
        (
            "appointment in the past",
            Box::new(|d| {
                d.urgency = Some("scheduled".into());
                d.appointment_at = Some("2026-11-19 09:00".into());
            }),
            "invalid_input",
            "预约时间 2026-11-19 09:00 已经过去",
        ),
        (
            "scheduled without appointment",
            Box::new(|d| d.urgency = Some("scheduled".into())),
            "invalid_input",
            "预约报修需填写预约时间",
        ),
        (
            "description too long",
            Box::new(move |d| d.description = Some(long.clone())),
            "invalid_input",
            "最多 4000 字",
        ),
        (
            "control character in a multi-line text",
            Box::new(|d| d.description = Some("水管\u{7}漏水".into())),
            "invalid_input",
            "控制字符",
        ),
        (
            "public area without location",
            Box::new(|d| {
                d.scope = Some("public_area".into());
                d.location = None;
            }),
            "invalid_input",
            "公区报修需填写报修位置",
        ),
        (
            "in home without room",
            Box::new(|d| d.room = None),
            "invalid_input",
            "入户报修需填写房号",
        ),
        (
            "no phone",
            Box::new(|d| d.phone = None),
            "invalid_input",
            "联系电话不能为空",
        ),
    ];
    for (name, edit, code, msg) in cases {
        let mut d = draft("2026-11-20 09:30");
        edit(&mut d);
        let e = t
            .store
            .create_ticket(&d, "前台")
            .err()
            .unwrap_or_else(|| panic!("{name}: accepted"));
        assert_eq!(e.code(), code, "{name}: {e}");
        assert!(e.to_string().contains(msg), "{name}: {e}");
        assert_eq!(t.store.dump().unwrap(), before, "{name}: database changed");
    }
}

#[test]
fn a_description_keeps_line_breaks_and_4000_characters() {
    let mut t = db();
    let mut d = draft("2026-11-20 09:00");
    let text = format!("第一行\n{}", "水".repeat(3996));
    d.description = Some(text.clone());
    let ticket = t.store.create_ticket(&d, "前台").unwrap();
    assert_eq!(ticket.description, text);
}

// ---- issue 8: typed times, unprintable text, JSON oddities -------------------------

/// Each refused intake time gets a Chinese `invalid_input` and changes nothing; before
/// issue 8 `+262142-12-31 23:59` panicked in the deadline sum and `+200000-01-01` was
/// stored with deadlines in the year 200000.
#[test]
fn times_typed_at_intake_stay_in_a_sane_range() {
    let mut t = db();
    new_ticket(&mut t.store, "2026-11-20 09:00");
    let before = t.store.dump().unwrap();
    let cases: &[(&str, Option<&str>, &str, &str)] = &[
        // (name, appointment, received, message)
        (
            "appointment year +262142",
            Some("+262142-12-31 23:59"),
            "2026-11-20 09:30",
            "格式不对",
        ),
        (
            "appointment year +200000",
            Some("+200000-01-01 00:00"),
            "2026-11-20 09:30",
            "格式不对",
        ),
        (
            "appointment year 9999",
            Some("9999-12-31 23:59"),
            "2026-11-20 09:30",
            "超过一年",
        ),
        (
            "appointment a year and a minute on",
            Some("2027-11-20 09:31"),
            "2026-11-20 09:30",
            "超过一年",
        ),
        (
            "appointment RFC 3339 far on",
            Some("5000-01-01T00:00:00Z"),
            "2026-11-20 09:30",
            "超过一年",
        ),
        (
            "appointment before the call",
            Some("2026-11-20 09:28"),
            "2026-11-20 09:30",
            "已经过去",
        ),
        (
            "appointment year 0000",
            Some("0000-01-01 00:00"),
            "2026-11-20 09:30",
            "已经过去",
        ),
        ("received year -5000", None, "-5000-01-01 00:00", "格式不对"),
        (
            "received year +262142",
            None,
            "+262142-01-01 00:00",
            "格式不对",
        ),
        (
            "received year 0000",
            None,
            "0000-01-01 00:00",
            "不能早于 2000 年",
        ),
        (
            "received year 9999",
            None,
            "9999-12-31 23:59",
            "不能晚于现在",
        ),
        (
            "received two minutes on",
            None,
            "2026-11-20 10:02",
            "不能晚于现在",
        ),
    ];
    for (name, appointment, received, msg) in cases {
        let mut d = draft(received);
        if let Some(a) = appointment {
            d.urgency = Some("scheduled".into());
            d.appointment_at = Some(a.to_string());
        }
        let e = t
            .store
            .create_ticket(&d, "前台")
            .err()
            .unwrap_or_else(|| panic!("{name}: accepted"));
        assert_eq!(e.code(), "invalid_input", "{name}: {e}");
        assert!(e.to_string().contains(msg), "{name}: {e}");
        assert_eq!(t.store.dump().unwrap(), before, "{name}: database changed");
    }
    // The edges are accepted: an appointment exactly a year on, a call a minute ahead
    // of the desk's clock, an appointment a minute before the call.
    let mut d = draft("2026-11-20 09:30");
    d.urgency = Some("scheduled".into());
    d.appointment_at = Some("2027-11-20 09:30".into());
    let a = t.store.create_ticket(&d, "前台").unwrap();
    assert_eq!(
        a.deadlines.completion.unwrap().to_rfc3339(),
        "2027-11-21T09:30:00+08:00"
    );
    new_ticket(&mut t.store, "2026-11-20 10:01");
    let mut d = draft("2026-11-20 09:30");
    d.urgency = Some("scheduled".into());
    d.appointment_at = Some("2026-11-20 09:29".into());
    t.store.create_ticket(&d, "前台").unwrap();
}

fn printable_ticket(store: &Store, number: &str) {
    let ticket = store.ticket(number).unwrap();
    let settings = store.settings().unwrap();
    slip::render(&[ticket], Layout::A4, &settings, &store.now())
        .unwrap_or_else(|e| panic!("{number} accepted but cannot be printed: {e}"));
}

/// Before issue 8 the reporter `𠮷野家`, `王🔥` or one with U+202E was accepted and the
/// slip then refused with `missing_glyph`, with no way to correct the ticket.
#[test]
fn text_the_slip_cannot_print_is_refused_at_intake_and_names_lose_invisible_characters() {
    let mut t = db();
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let before = t.store.dump().unwrap();
    type Edit = Box<dyn Fn(&mut TicketDraft)>;
    let refused: Vec<(&str, Edit, &str)> = vec![
        (
            "rare character",
            Box::new(|d| d.reporter = Some("𠮷野家".into())),
            "报修人",
        ),
        (
            "emoji",
            Box::new(|d| d.reporter = Some("王🔥".into())),
            "报修人",
        ),
        (
            "emoji in the description",
            Box::new(|d| d.description = Some("漏水😭".into())),
            "故障描述",
        ),
        (
            "rare character in the site",
            Box::new(|d| d.site = Some("𠮷苑".into())),
            "小区",
        ),
        (
            "emoji in the location",
            Box::new(|d| {
                d.scope = Some("public_area".into());
                d.room = None;
                d.location = Some("大堂🚪".into());
            }),
            "报修位置",
        ),
    ];
    for (name, edit, field) in refused {
        let mut d = draft("2026-11-20 09:00");
        edit(&mut d);
        let e = t.store.create_ticket(&d, "前台").unwrap_err();
        assert_eq!(e.code(), "missing_glyph", "{name}: {e}");
        let msg = e.to_string();
        assert!(msg.starts_with(field), "{name}: {msg}");
        assert!(msg.contains("U+") && msg.contains("拼音"), "{name}: {msg}");
        assert_eq!(t.store.dump().unwrap(), before, "{name}: database changed");
    }
    let e = {
        let mut d = draft("2026-11-20 09:00");
        d.reporter = Some("𠮷野家".into());
        t.store.create_ticket(&d, "前台").unwrap_err().to_string()
    };
    assert!(e.contains("“𠮷”（U+20BB7）"), "{e}");

    // Bidi overrides, zero-width and BOM characters cannot be seen, so they are removed.
    let mut d = draft("2026-11-20 09:00");
    d.reporter = Some("\u{202E}王\u{200B}建国\u{2066}\u{FEFF}".into());
    d.description = Some("厨房\u{202D}漏水\u{200F}".into());
    d.room = Some("5\u{200D}01".into());
    let a = t.store.create_ticket(&d, "前台").unwrap();
    assert_eq!(
        (
            a.reporter.as_str(),
            a.description.as_str(),
            a.room.as_deref()
        ),
        ("王建国", "厨房漏水", Some("501"))
    );
    // A pasted tab or control character in a name goes too.
    let mut d = draft("2026-11-20 09:01");
    d.reporter = Some("王\u{7}建\t国".into());
    let b = t.store.create_ticket(&d, "前台").unwrap();
    assert_eq!(b.reporter, "王建 国");
    printable_ticket(&t.store, &a.number);
    printable_ticket(&t.store, &b.number);

    // Technician names (printed as 维修人员) and completion texts are checked too.
    let before = t.store.dump().unwrap();
    let e = t
        .store
        .save_technician(&TechnicianDraft {
            name: Some("𠮷师傅".into()),
            skills: vec!["水路".into()],
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.code(), "missing_glyph", "{e}");
    assert!(e.to_string().starts_with("维修人员姓名"), "{e}");
    assert_eq!(t.store.dump().unwrap(), before);
    let tech = t
        .store
        .save_technician(&TechnicianDraft {
            name: Some("李\u{200B}师傅\u{202E}".into()),
            skills: vec!["水路".into()],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(tech.name, "李师傅");
    step(
        &mut t.store,
        &a.number,
        Step::Assign {
            technician: "李师傅".into(),
        },
        "2026-11-20 09:10",
    );
    step(&mut t.store, &a.number, Step::Start, "2026-11-20 09:20");
    let before = t.store.dump().unwrap();
    let complete = |cause: &str, material: &str| {
        Step::Complete(CompletionDraft {
            cause: Some(cause.into()),
            measures: Some("更换".into()),
            materials: vec![baoxiu::input::MaterialDraft {
                name: Some(material.into()),
                quantity: Some(1.0),
                ..Default::default()
            }],
            ..Default::default()
        })
    };
    for (step_, field) in [
        (complete("老化🔧", "水管"), "故障原因"),
        (complete("老化", "𠮷牌水管"), "第 1 行材料名称"),
    ] {
        let e = t
            .store
            .apply_step(&a.number, step_, Some("2026-11-20 09:40"), "前台")
            .unwrap_err();
        assert_eq!(e.code(), "missing_glyph", "{e}");
        assert!(e.to_string().starts_with(field), "{e}");
        assert_eq!(t.store.dump().unwrap(), before);
    }
    step(
        &mut t.store,
        &a.number,
        complete("老化\u{202E}", "水管\u{200B}"),
        "2026-11-20 09:40",
    );
    printable_ticket(&t.store, &a.number);

    // The office name printed at the top of every slip.
    let before = t.store.dump().unwrap();
    let mut s = t.store.settings().unwrap();
    s.office_name = "𠮷祥物业".into();
    let e = t.store.update_settings(&s).unwrap_err();
    assert_eq!(e.code(), "missing_glyph", "{e}");
    assert!(e.to_string().starts_with("服务中心名称"), "{e}");
    assert_eq!(t.store.dump().unwrap(), before);
}

/// serde_json's map keeps one of two equal keys silently, and a number that is not a
/// small integer was stored as `1.8446744073709552e+19`.
#[test]
fn json_with_a_repeated_key_or_an_odd_number_is_refused() {
    let e = TicketDraft::from_json(r#"{"reporter":"王建国","room":"501","reporter":"李四"}"#)
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert!(e.to_string().contains("字段“reporter”出现了两次"), "{e}");
    let e = from_json::<CompletionDraft>(
        "完工登记",
        r#"{"cause":"老化","measures":"换","materials":[{"name":"阀","name":"管","quantity":1}]}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("字段“name”出现了两次"), "{e}");
    for room in ["18446744073709551616", "5.01", "-3", "1e3", "1000000000000"] {
        let e = TicketDraft::from_json(&format!(r#"{{"reporter":"王","room":{room}}}"#))
            .err()
            .unwrap_or_else(|| panic!("room {room} accepted"));
        assert_eq!(e.code(), "invalid_input");
        assert!(e.to_string().contains("“room”的数字"), "{room}: {e}");
    }
    let d = TicketDraft::from_json(r#"{"room":501,"phone":13800138000,"building":0}"#).unwrap();
    assert_eq!(
        (d.room.as_deref(), d.phone.as_deref(), d.building.as_deref()),
        (Some("501"), Some("13800138000"), Some("0"))
    );
}

/// A time as people (and scripts, and attackers) might type it: extreme and signed
/// years, impossible fields, other formats, or a plausible time near "now".
pub fn typed_time() -> impl Strategy<Value = String> {
    let year = prop_oneof![
        Just("+262142".to_string()),
        Just("-5000".to_string()),
        Just("9999".to_string()),
        Just("0000".to_string()),
        Just("+200000".to_string()),
        Just("1999".to_string()),
        (2000..2030i32).prop_map(|y| y.to_string()),
        any::<i32>().prop_map(|y| y.to_string()),
    ];
    let odd = (year, 0..14u32, 0..33u32, 0..25u32, 0..61u32, 0..4usize).prop_map(
        |(y, mo, d, h, mi, f)| match f {
            0 => format!("{y}-{mo:02}-{d:02} {h:02}:{mi:02}"),
            1 => format!("{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:00"),
            2 => format!("{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:00Z"),
            _ => format!("{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:00+14:00"),
        },
    );
    prop_oneof![3 => odd, 4 => near_time(-600_000..600_000), 1 => "\\PC{0,24}"]
}

/// A time `minutes` from the pinned now (2026-11-20 10:00), in one of the accepted
/// formats.
pub fn near_time(minutes: std::ops::Range<i64>) -> impl Strategy<Value = String> {
    (minutes, 0..3usize).prop_map(|(min, f)| {
        let t = at("2026-11-20 10:00") + chrono::TimeDelta::minutes(min);
        match f {
            0 => t.format("%Y-%m-%d %H:%M").to_string(),
            1 => t.to_rfc3339(),
            _ => t.format("%Y-%m-%dT%H:%M:%S").to_string(),
        }
    })
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

pub fn proptest_config() -> Config {
    // PROPTEST_CASES raises the count; the default keeps this to a few seconds in debug.
    Config {
        failure_persistence: None,
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(200),
        ..Config::default()
    }
}

/// Property behind issue 8 item 4: whatever time is typed at intake, `create_ticket`
/// never panics; it accepts a ticket whose times are in range, or refuses with a
/// Chinese `invalid_input` and leaves the database as it was.
#[test]
fn any_typed_intake_time_is_accepted_in_range_or_refused_cleanly() {
    let t = RefCell::new(db());
    // Mostly a plausible call time, so the appointment is what gets tested.
    let received = prop_oneof![3 => near_time(-600_000..2), 1 => typed_time()];
    let strategy = (
        received,
        proptest::option::weighted(0.8, typed_time()),
        proptest::bool::weighted(0.75),
    );
    TestRunner::new(proptest_config())
        .run(&strategy, |(received, appointment, scheduled)| {
            let mut t = t.borrow_mut();
            let before = t.store.dump().unwrap();
            let mut d = draft(&received);
            d.appointment_at = appointment;
            if scheduled {
                d.urgency = Some("scheduled".into());
            }
            let now = t.store.now();
            match t.store.create_ticket(&d, "前台") {
                Ok(k) => {
                    prop_assert!(k.received_at >= at("2000-01-01 00:00"));
                    prop_assert!(k.received_at.timestamp() <= now.timestamp() + 60);
                    if let Some(a) = k.appointment_at {
                        prop_assert!(a.timestamp() >= k.received_at.timestamp() - 120);
                        prop_assert!(a.timestamp() <= k.received_at.timestamp() + 366 * 86_400);
                    }
                    prop_assert!(k.deadlines.completion.is_some());
                }
                Err(e) => {
                    prop_assert_eq!(e.code(), "invalid_input", "{}", e);
                    prop_assert!(has_chinese(&e.to_string()), "{}", e);
                    prop_assert_eq!(t.store.dump().unwrap(), before);
                }
            }
            Ok(())
        })
        .unwrap();
}
