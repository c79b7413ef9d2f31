//! 时限: deadlines per urgency and category, the hold pause, overdue and escalations.

use baoxiu::sla::SlaRule;
use baoxiu::store::{Step, TicketFilter};
use baoxiu::ticket::{Stage, Urgency};

use crate::common::*;

fn rfc(t: Option<baoxiu::clock::Time>) -> String {
    t.map(|t| t.to_rfc3339()).unwrap_or_default()
}

#[test]
fn deadlines_follow_urgency_and_appointment() {
    let mut t = db();
    let normal = new_ticket(&mut t.store, "2026-11-20 08:00");
    assert_eq!(rfc(normal.deadlines.dispatch), "2026-11-20T08:30:00+08:00");
    assert_eq!(rfc(normal.deadlines.arrival), "2026-11-21T08:00:00+08:00");
    assert_eq!(
        rfc(normal.deadlines.completion),
        "2026-11-23T08:00:00+08:00"
    );
    let mut d = draft("2026-11-20 08:00");
    d.urgency = Some("emergency".into());
    let urgent = t.store.create_ticket(&d, "前台").unwrap();
    assert_eq!(rfc(urgent.deadlines.dispatch), "2026-11-20T08:05:00+08:00");
    assert_eq!(
        rfc(urgent.deadlines.completion),
        "2026-11-20T12:00:00+08:00"
    );
    let mut d = draft("2026-11-20 08:00");
    d.urgency = Some("预约".into());
    d.appointment_at = Some("2026-11-22 14:00".into());
    let booked = t.store.create_ticket(&d, "前台").unwrap();
    assert_eq!(
        rfc(booked.deadlines.arrival),
        "2026-11-22T14:30:00+08:00",
        "arrival counts from the appointment"
    );
}

#[test]
fn a_category_rule_overrides_the_general_one_and_old_tickets_keep_theirs() {
    let mut t = db();
    let before = new_ticket(&mut t.store, "2026-11-20 08:00");
    t.store
        .set_sla_rule(
            Some("水路"),
            &SlaRule {
                urgency: Urgency::Normal,
                dispatch_minutes: 10,
                arrival_minutes: 120,
                completion_minutes: 480,
                visit_minutes: 1440,
            },
        )
        .unwrap();
    let after = new_ticket(&mut t.store, "2026-11-20 08:00");
    assert_eq!(rfc(after.deadlines.dispatch), "2026-11-20T08:10:00+08:00");
    assert_eq!(
        rfc(t.store.ticket(&before.number).unwrap().deadlines.dispatch),
        "2026-11-20T08:30:00+08:00"
    );
    let mut d = draft("2026-11-20 08:00");
    d.category = Some("电路".into());
    let other = t.store.create_ticket(&d, "前台").unwrap();
    assert_eq!(rfc(other.deadlines.dispatch), "2026-11-20T08:30:00+08:00");
    let e = t
        .store
        .set_sla_rule(
            None,
            &SlaRule {
                urgency: Urgency::Normal,
                dispatch_minutes: 0,
                arrival_minutes: 1,
                completion_minutes: 1,
                visit_minutes: 1,
            },
        )
        .unwrap_err();
    assert!(e.to_string().contains("派单时限"), "{e}");
}

#[test]
fn time_on_hold_does_not_count_against_completion() {
    let mut t = db_at("2026-11-10 08:00");
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let mut d = draft("2026-11-10 08:00");
    d.urgency = Some("emergency".into()); // 4 hours to complete
    let n = t.store.create_ticket(&d, "前台").unwrap().number;
    t.store.set_now(Some(at("2026-11-10 09:00")));
    step(
        &mut t.store,
        &n,
        Step::Assign {
            technician: "张师傅".into(),
        },
        "2026-11-10 08:03",
    );
    step(&mut t.store, &n, Step::Start, "2026-11-10 08:20");
    step(
        &mut t.store,
        &n,
        Step::Hold {
            reason: "等业主回家".into(),
        },
        "2026-11-10 09:00",
    );
    // Two days later: far past the original 12:00 deadline, but the clock is paused.
    t.store.set_now(Some(at("2026-11-12 09:00")));
    let held = t.store.ticket(&n).unwrap();
    assert!(!held.overdue, "on hold is never overdue");
    let resumed = step(&mut t.store, &n, Step::Resume, "2026-11-12 09:00");
    assert_eq!(resumed.held_minutes, 2 * 24 * 60);
    assert_eq!(
        rfc(resumed.deadlines.completion),
        "2026-11-12T12:00:00+08:00"
    );
    assert!(!resumed.overdue);
    t.store.set_now(Some(at("2026-11-12 12:01")));
    let late = t.store.ticket(&n).unwrap();
    assert_eq!(
        (late.overdue, late.overdue_stage),
        (true, Some(Stage::Completion))
    );
}

#[test]
fn overdue_filter_and_escalation_list_agree_with_each_ticket() {
    let mut t = db_at("2026-11-20 08:00");
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let s = &mut t.store;
    let waiting = new_ticket(s, "2026-11-20 07:00").number; // dispatch due 07:30
    let fresh = new_ticket(s, "2026-11-20 07:50").number; // due 08:20
    let stuck = new_ticket(s, "2026-11-20 05:00").number;
    step(
        s,
        &stuck,
        Step::Assign {
            technician: "张师傅".into(),
        },
        "2026-11-20 05:10",
    );
    let unvisited = new_ticket(s, "2026-11-15 07:00").number;
    step(
        s,
        &unvisited,
        Step::Assign {
            technician: "张师傅".into(),
        },
        "2026-11-15 07:10",
    );
    step(s, &unvisited, Step::Start, "2026-11-15 08:00");
    step(
        s,
        &unvisited,
        Step::Complete(baoxiu::input::CompletionDraft {
            cause: Some("老化".into()),
            measures: Some("更换".into()),
            ..Default::default()
        }),
        "2026-11-15 09:00",
    ); // visit due 11-17 09:00
    let esc = s.escalations().unwrap();
    let reasons: Vec<(String, &str, &str)> = esc
        .iter()
        .map(|e| (e.number.clone(), e.reason_label.as_str(), e.chase.as_str()))
        .collect();
    // The default 催办规则: 5 minutes without dispatch → 工程主管 (whatever the
    // urgency's SLA), 2 hours without progress → the team's 班组长, 2 days without a
    // visit → 客服主管.
    assert_eq!(
        reasons,
        [
            (unvisited.clone(), "完工后未回访", "客服主管"),
            (waiting.clone(), "超时未派单", "工程主管"),
            (stuck.clone(), "派单后无进展", "班组长（维修人员未分班组）"),
            (fresh.clone(), "超时未派单", "工程主管"),
        ]
    );
    assert_eq!(esc[1].overdue_minutes, 55);
    assert_eq!(esc[3].overdue_minutes, 5);
    let overdue = s
        .list_tickets(&TicketFilter {
            overdue: true,
            ..Default::default()
        })
        .unwrap();
    let mut numbers: Vec<String> = overdue.tickets.iter().map(|t| t.number.clone()).collect();
    numbers.sort();
    assert_eq!(
        numbers,
        [waiting.clone(), unvisited.clone()],
        "stuck is late for escalation, not yet for its arrival deadline"
    );
    assert!(overdue.tickets.iter().all(|t| t.overdue));
    assert!(
        !s.ticket(&fresh).unwrap().overdue,
        "chased after 5 minutes, overdue only after its SLA's 30"
    );
    assert_eq!(s.counters().unwrap().overdue, 2);
}

/// 催办规则 are the office's: the minutes and whom to chase change in 基础资料 (by the
/// 管理员, logged before → after), and 班组长 names the lead of the assigned
/// technician's team.
#[test]
fn escalation_rules_name_whom_to_chase_and_are_the_offices_to_change() {
    use baoxiu::input::TechnicianDraft;
    use baoxiu::sla::{EscalationReason, EscalationRule};
    let mut t = db_at("2026-11-20 12:00");
    let s = &mut t.store;
    for (name, lead) in [("李建华", true), ("张国强", false)] {
        s.save_technician(&TechnicianDraft {
            name: Some(name.into()),
            skills: vec!["水路".into()],
            team: Some("水电班".into()),
            team_lead: Some(lead),
            ..Default::default()
        })
        .unwrap();
    }
    let n = new_ticket(s, "2026-11-20 09:00").number;
    step(
        s,
        &n,
        Step::Assign {
            technician: "张国强".into(),
        },
        "2026-11-20 09:03",
    );
    let esc = s.escalations().unwrap();
    assert_eq!(esc.len(), 1);
    assert_eq!(esc[0].chase, "水电班班组长 李建华");
    assert_eq!(esc[0].overdue_minutes, 57);

    // Four hours' grace for 无进展, chased to a named person: off the list until then.
    let before = s.dump().unwrap();
    for bad in [0, 43_201] {
        let e = s
            .set_escalation_rule(&EscalationRule {
                reason: EscalationReason::NoProgress,
                minutes: bad,
                chase: "张经理".into(),
            })
            .unwrap_err();
        assert_eq!(e.code(), "invalid_input", "{bad}");
    }
    assert_eq!(s.dump().unwrap(), before);
    let rule = s
        .set_escalation_rule(&EscalationRule {
            reason: EscalationReason::NoProgress,
            minutes: 240,
            chase: " 张经理 ".into(),
        })
        .unwrap();
    assert_eq!(rule.chase, "张经理");
    assert!(s.escalations().unwrap().is_empty());
    s.set_now(Some(at("2026-11-20 13:10")));
    let esc = s.escalations().unwrap();
    assert_eq!(
        (esc[0].chase.as_str(), esc[0].overdue_minutes),
        ("张经理", 7)
    );
    let rules = s.escalation_rules().unwrap();
    assert_eq!(rules.len(), 3);
    assert_eq!((rules[1].minutes, rules[1].chase.as_str()), (240, "张经理"));
    let log = s.audit_log(&baoxiu::audit::AuditFilter::default()).unwrap();
    assert!(
        log.iter().any(|e| e.subject == "催办规则 派单后无进展"
            && e.detail.contains("时限（分钟）：120 → 240")
            && e.detail.contains("催办对象：班组长 → 张经理")),
        "{log:?}"
    );
}

#[test]
fn a_ticket_already_late_when_held_stays_late() {
    let mut t = db_at("2026-11-10 13:00");
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let mut d = draft("2026-11-10 08:00");
    d.urgency = Some("emergency".into()); // complete by 12:00
    let n = t.store.create_ticket(&d, "前台").unwrap().number;
    step(
        &mut t.store,
        &n,
        Step::Assign {
            technician: "张师傅".into(),
        },
        "2026-11-10 08:03",
    );
    step(&mut t.store, &n, Step::Start, "2026-11-10 08:20");
    let held = step(
        &mut t.store,
        &n,
        Step::Hold {
            reason: "等配件".into(),
        },
        "2026-11-10 13:00",
    );
    assert_eq!(
        (held.overdue, held.overdue_stage),
        (true, Some(Stage::Completion))
    );
    let listed = t
        .store
        .list_tickets(&TicketFilter {
            overdue: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(listed.total, 1);
}

// ---- issue 8: deadlines of extreme but accepted times ------------------------------

/// The longest appointment (a year after the call) with the longest rule an admin may
/// set (525600 minutes) still gets deadlines, not a panic.
#[test]
fn the_longest_appointment_and_rule_still_get_deadlines() {
    let mut t = db();
    let rule = baoxiu::sla::SlaRule {
        urgency: baoxiu::ticket::Urgency::Scheduled,
        dispatch_minutes: 525_600,
        arrival_minutes: 525_600,
        completion_minutes: 525_600,
        visit_minutes: 525_600,
    };
    t.store.set_sla_rule(None, &rule).unwrap();
    let mut d = draft("2026-11-20 09:00");
    d.urgency = Some("scheduled".into());
    d.appointment_at = Some("2027-11-20 09:00".into());
    let k = t.store.create_ticket(&d, "前台").unwrap();
    assert_eq!(rfc(k.deadlines.completion), "2028-11-19T09:00:00+08:00");
}

// ---- issue 12: the 催办清单 one page at a time ----------------------------------------

/// The 工作台 asks for the 催办清单 a page at a time: pages laid end to end are the whole
/// list in its order (longest late first; tickets late since the same minute by when
/// they were registered, so no row is on two pages), and each page says how long the
/// whole list is.
#[test]
fn the_escalation_list_pages_in_its_order_and_counts_the_whole_list() {
    let mut t = db_at("2026-11-20 12:00");
    let s = &mut t.store;
    let mut late = Vec::new();
    for minute in [30, 5, 50, 10, 40, 20] {
        late.push(new_ticket(s, &format!("2026-11-20 09:{minute:02}")).number);
    }
    // Two calls in the same minute: late since the same moment.
    let twin_a = new_ticket(s, "2026-11-20 08:00").number;
    let twin_b = new_ticket(s, "2026-11-20 08:00").number;
    // Not late yet (5 minutes without dispatch): on no page, in no total.
    let fresh = new_ticket(s, "2026-11-20 11:58").number;

    let all = s.escalations().unwrap();
    let numbers: Vec<&str> = all.iter().map(|e| e.number.as_str()).collect();
    assert_eq!(
        numbers,
        [
            twin_a.as_str(),
            &twin_b,
            &late[1],
            &late[3],
            &late[5],
            &late[0],
            &late[4],
            &late[2]
        ]
    );
    assert!(!numbers.contains(&fresh.as_str()));

    let mut laid = Vec::new();
    for offset in [0, 3, 6] {
        let page = s.escalations_page(Some(3), Some(offset)).unwrap();
        assert_eq!((page.total, page.limit, page.offset), (8, 3, offset));
        assert_eq!(page.escalations.len(), if offset == 6 { 2 } else { 3 });
        laid.extend(page.escalations);
    }
    assert_eq!(
        serde_json::to_value(&laid).unwrap(),
        serde_json::to_value(&all).unwrap(),
        "the pages laid end to end are the list, row for row"
    );
    // Past the end (the list shrank under the page being looked at): no rows, the total.
    let past = s.escalations_page(Some(3), Some(9)).unwrap();
    assert_eq!((past.total, past.escalations.len()), (8, 0));
    // Nothing said: the first 50.
    let first = s.escalations_page(None, None).unwrap();
    assert_eq!((first.total, first.limit, first.offset), (8, 50, 0));
    assert_eq!(first.escalations.len(), 8);

    // Dispatching one takes it off every page and out of the total.
    add_tech(s, "张师傅", &["水路"]);
    step(
        s,
        &twin_a,
        Step::Assign {
            technician: "张师傅".into(),
        },
        "2026-11-20 11:59",
    );
    let page = s.escalations_page(Some(3), Some(0)).unwrap();
    assert_eq!(page.total, 7);
    assert_eq!(page.escalations[0].number, twin_b);
}

#[test]
fn an_escalation_page_of_no_rows_or_from_before_the_start_is_refused_in_chinese() {
    let mut t = db_at("2026-11-20 12:00");
    new_ticket(&mut t.store, "2026-11-20 09:00");
    let before = t.store.dump().unwrap();
    for (limit, offset, says) in [
        (Some(0), None, "每页条数"),
        (Some(1001), None, "每页条数"),
        (Some(20), Some(-20), "偏移量"),
    ] {
        let e = t.store.escalations_page(limit, offset).unwrap_err();
        assert_eq!(e.code(), "invalid_input", "{limit:?} {offset:?}");
        assert!(e.to_string().contains(says), "{e}");
    }
    assert_eq!(t.store.dump().unwrap(), before);
}
