//! 报修登记: numbering, the JSON contract, and every refusal of bad input leaving the
//! database exactly as it was.

use baoxiu::input::TicketDraft;
use baoxiu::store::Step;
use baoxiu::Store;

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
    assert_eq!(ticket.phone, "13800138000");
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
        (history[0].action.as_str(), history[0].operator.as_str()),
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
            "control character",
            Box::new(|d| d.reporter = Some("王\u{7}建国".into())),
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
