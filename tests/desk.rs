//! Desk helpers: caller lookup, dispatch suggestion, duplicate warning.

use baoxiu::input::TicketDraft;
use baoxiu::store::Step;

use crate::common::*;

#[test]
fn a_caller_is_found_by_phone_last_four_digits_or_room() {
    let mut t = db();
    t.store
        .save_contact(
            "翠湖苑",
            "3栋",
            "2单元",
            "501",
            "王建国",
            &["138-0013-8000".into(), "0571-88886666".into()],
        )
        .unwrap();
    t.store
        .save_contact("翠湖苑", "5", "1", "1201", "李玥", &["13912345678".into()])
        .unwrap();
    let by_phone = t.store.lookup_caller("13800138000").unwrap();
    assert_eq!(by_phone.len(), 1);
    let m = &by_phone[0];
    assert_eq!(
        (
            m.contact.as_str(),
            m.site.as_str(),
            m.building.as_str(),
            m.unit.as_str(),
            m.room.as_str()
        ),
        ("王建国", "翠湖苑", "3", "2", "501")
    );
    assert_eq!(m.phones, ["057188886666", "13800138000"]);
    assert_eq!(t.store.lookup_caller("5678").unwrap()[0].contact, "李玥");
    assert_eq!(
        t.store.lookup_caller("3-2-501").unwrap()[0].contact,
        "王建国"
    );
    assert_eq!(
        t.store.lookup_caller("3栋2单元501").unwrap()[0].contact,
        "王建国"
    );
    assert_eq!(t.store.lookup_caller("1201").unwrap()[0].contact, "李玥");
    assert!(t.store.lookup_caller("9999").unwrap().is_empty());
    let e = t
        .store
        .save_contact("翠湖苑", "3", "2", "502", "赵六", &["12345".into()])
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
}

#[test]
fn suggestion_prefers_skilled_active_technicians_with_least_open_work() {
    let mut t = db();
    add_tech(&mut t.store, "张师傅", &["水路", "燃气"]);
    add_tech(&mut t.store, "陈师傅", &["水路"]);
    add_tech(&mut t.store, "李师傅", &["电路"]);
    t.store
        .save_technician(&baoxiu::input::TechnicianDraft {
            name: Some("老周".into()),
            skills: vec!["水路".into()],
            active: Some(false),
            ..Default::default()
        })
        .unwrap();
    // 张师傅 gets 3 open tickets = his daily capacity (add_tech gives 3); 陈师傅 one.
    for _ in 0..3 {
        let n = new_ticket(&mut t.store, "2026-11-20 08:00").number;
        step(
            &mut t.store,
            &n,
            Step::Assign {
                technician: "张师傅".into(),
            },
            "2026-11-20 08:10",
        );
    }
    let n = new_ticket(&mut t.store, "2026-11-20 08:00").number;
    step(
        &mut t.store,
        &n,
        Step::Assign {
            technician: "陈师傅".into(),
        },
        "2026-11-20 08:10",
    );
    let s = t.store.suggest_technicians("水路").unwrap();
    let rows: Vec<(&str, i64, i64, bool)> = s
        .iter()
        .map(|s| (s.name.as_str(), s.today_load, s.open_tickets, s.at_capacity))
        .collect();
    assert_eq!(rows, [("陈师傅", 1, 1, false), ("张师傅", 3, 3, true)]);

    // Capacity means a day: yesterday's ticket still open is in 陈师傅's queue but not
    // in today's load; a job booked for tomorrow is not today's either.
    let old = new_ticket(&mut t.store, "2026-11-19 09:00").number;
    step(
        &mut t.store,
        &old,
        Step::Assign {
            technician: "陈师傅".into(),
        },
        "2026-11-19 09:10",
    );
    let mut booked = draft("2026-11-20 09:30");
    booked.urgency = Some("scheduled".into());
    booked.appointment_at = Some("2026-11-21 14:00".into());
    let booked = t.store.create_ticket(&booked, "前台小李").unwrap().number;
    step(
        &mut t.store,
        &booked,
        Step::Assign {
            technician: "陈师傅".into(),
        },
        "2026-11-20 09:40",
    );
    let chen = t
        .store
        .suggest_technicians("水路")
        .unwrap()
        .into_iter()
        .find(|s| s.name == "陈师傅")
        .unwrap();
    assert_eq!(
        (chen.today_load, chen.open_tickets, chen.at_capacity),
        (1, 3, false)
    );
    // Tomorrow the booked job is that day's work.
    t.store.set_now(Some(at("2026-11-21 08:00")));
    let chen = t
        .store
        .suggest_technicians("水路")
        .unwrap()
        .into_iter()
        .find(|s| s.name == "陈师傅")
        .unwrap();
    assert_eq!(chen.today_load, 1);
    assert_eq!(t.store.suggest_technicians("电梯").unwrap().len(), 0);
    assert_eq!(
        t.store.suggest_technicians("不存在").unwrap_err().code(),
        "not_found"
    );
}

#[test]
fn duplicate_warning_finds_open_tickets_at_the_same_place_within_72_hours() {
    let mut t = db();
    let open = new_ticket(&mut t.store, "2026-11-18 09:00").number;
    let closed_one = new_ticket(&mut t.store, "2026-11-19 09:00").number;
    t.store
        .apply_step(
            &closed_one,
            Step::Cancel {
                reason: "重复".into(),
                duplicate_of: Some(open.clone()),
            },
            Some("2026-11-19 09:10"),
            "前台",
        )
        .unwrap();
    let _old = new_ticket(&mut t.store, "2026-11-16 09:00");
    let found: Vec<String> = t
        .store
        .possible_duplicates(&draft("2026-11-20 09:30"))
        .unwrap()
        .into_iter()
        .map(|t| t.number)
        .collect();
    assert_eq!(found, std::slice::from_ref(&open));
    let mut other_category = draft("2026-11-20 09:30");
    other_category.category = Some("电路".into());
    assert!(t
        .store
        .possible_duplicates(&other_category)
        .unwrap()
        .is_empty());
    let mut same_room_spelled_differently = draft("2026-11-20 09:30");
    same_room_spelled_differently.building = Some("3栋".into());
    same_room_spelled_differently.unit = Some("2单元".into());
    assert_eq!(
        t.store
            .possible_duplicates(&same_room_spelled_differently)
            .unwrap()
            .len(),
        1
    );
    // Public area: the same location text at the same site.
    let public = |when: &str| TicketDraft {
        reporter: Some("巡检员".into()),
        channel: Some("inspection".into()),
        site: Some("翠湖苑".into()),
        location: Some("地下车库B区".into()),
        category: Some("公共设施".into()),
        description: Some("道闸不抬杆".into()),
        received_at: Some(when.into()),
        ..Default::default()
    };
    let p = t
        .store
        .create_ticket(&public("2026-11-20 07:00"), "前台")
        .unwrap()
        .number;
    let hits = t
        .store
        .possible_duplicates(&public("2026-11-20 09:00"))
        .unwrap();
    assert_eq!(
        hits.iter().map(|t| t.number.clone()).collect::<Vec<_>>(),
        [p]
    );
    // An incomplete draft simply has no duplicates yet.
    assert!(t
        .store
        .possible_duplicates(&TicketDraft::default())
        .unwrap()
        .is_empty());
}

#[test]
fn full_width_input_and_caller_id_forms_are_understood() {
    let mut t = db();
    t.store
        .save_contact(
            "翠湖苑",
            "3",
            "2",
            "501",
            "王建国",
            &["１３８００１３８０００".into(), "0571-88886666".into()],
        )
        .unwrap();
    t.store
        .save_contact("枫林湾", "3", "2", "501", "赵敏", &["13912345678".into()])
        .unwrap();
    let names = |q: &str| -> Vec<String> {
        t.store
            .lookup_caller(q)
            .unwrap()
            .into_iter()
            .map(|m| m.contact)
            .collect()
    };
    assert_eq!(names("+86 138 0013 8000"), ["王建国"]);
    assert_eq!(
        names("88886666"),
        ["王建国"],
        "local caller id without area code"
    );
    assert_eq!(names("翠湖苑 3-2-501"), ["王建国"]);
    assert_eq!(names("３－２－５０１").len(), 2);
    let mut d = draft("2026-11-20 09:00");
    d.room = Some("５０１".into());
    d.phone = Some("１３８００１３８０００".into());
    let ticket = t.store.create_ticket(&d, "前台").unwrap();
    assert_eq!(
        (ticket.room.as_deref(), ticket.phone.as_str()),
        (Some("501"), "13800138000")
    );
    assert_eq!(
        t.store
            .possible_duplicates(&draft("2026-11-20 09:30"))
            .unwrap()
            .len(),
        1
    );
}
