//! 更正 (correct a registered ticket) and 改约 (move its appointment): each change is
//! one history event with before → after, deadlines follow the new category, urgency
//! and appointment, and every refusal leaves the database as it was.

use baoxiu::account::Role;
use baoxiu::input::{CompletionDraft, TicketPatch};
use baoxiu::sla::SlaRule;
use baoxiu::store::{Step, TicketFilter};
use baoxiu::ticket::{EventAction, Stage, Status, Urgency};
use baoxiu::Store;

use crate::cli::{Cli, NEW};
use crate::common::*;

fn rfc(t: Option<baoxiu::clock::Time>) -> String {
    t.map(|t| t.to_rfc3339()).unwrap_or_default()
}

/// The note of the ticket's last history row, which must be a 更正.
fn last_edit_note(store: &Store, number: &str) -> String {
    let history = store.history(number).unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.action, EventAction::Edit);
    assert_eq!(last.action_label, "更正");
    last.note.clone().unwrap()
}

fn edit(store: &mut Store, number: &str, json: &str) -> baoxiu::ticket::Ticket {
    store
        .edit_ticket(number, &TicketPatch::from_json(json).unwrap(), "前台小李")
        .unwrap()
}

fn complete(store: &mut Store, number: &str, when: &str) {
    step(store, number, Step::Start, when);
    step(
        store,
        number,
        Step::Complete(CompletionDraft {
            cause: Some("阀门老化".into()),
            measures: Some("更换阀门".into()),
            ..Default::default()
        }),
        when,
    );
}

#[test]
fn every_field_edit_is_one_event_with_before_and_after() {
    let mut t = db();
    let n = new_ticket(&mut t.store, "2026-11-20 09:00").number;

    // The phone is kept as written (0571-88886666 stays so).
    let e = edit(
        &mut t.store,
        &n,
        r#"{"phone":"0571-8888 6666","category":"电路"}"#,
    );
    assert_eq!(e.phone, "0571-8888 6666");
    assert_eq!(e.category, "电路");
    assert_eq!(
        last_edit_note(&t.store, &n),
        "电话：13800138000 → 0571-8888 6666；类别：水路 → 电路"
    );

    let cases: &[(&str, &str)] = &[
        (r#"{"reporter":"王建军"}"#, "报修人：王建国 → 王建军"),
        (r#"{"site":"枫林湾"}"#, "小区：翠湖苑 → 枫林湾"),
        (r#"{"building":"5栋"}"#, "楼栋：3 → 5"),
        (r#"{"unit":"1"}"#, "单元：2 → 1"),
        (r#"{"room":"502"}"#, "房号：501 → 502"),
        (r#"{"urgency":"紧急"}"#, "紧急程度：一般 → 紧急"),
        (r#"{"kind":"complaint"}"#, "工单类型：报修 → 投诉"),
        (
            r#"{"description":"卫生间漏水"}"#,
            "故障描述：厨房水槽下水管漏水，地面有积水 → 卫生间漏水",
        ),
        (
            r#"{"appointment_at":"2026-11-21 14:00"}"#,
            "预约时间：（空） → 2026-11-21 14:00",
        ),
        (
            r#"{"scope":"public_area","location":"5栋电梯厅"}"#,
            "报修范围：入户 → 公区；楼栋：5 → （空）；单元：1 → （空）；房号：502 → （空）；报修位置：（空） → 5栋电梯厅",
        ),
    ];
    for (patch, note) in cases {
        edit(&mut t.store, &n, patch);
        assert_eq!(last_edit_note(&t.store, &n), *note, "{patch}");
    }
    let now = t.store.ticket(&n).unwrap();
    assert_eq!(now.reporter, "王建军");
    assert_eq!(now.site.as_deref(), Some("枫林湾"));
    assert_eq!(now.place(), "枫林湾 5栋电梯厅");
    assert_eq!(now.description, "卫生间漏水");
    assert_eq!(rfc(now.appointment_at), "2026-11-21T14:00:00+08:00");
    assert_eq!(now.kind.code(), "complaint");
    assert_eq!(now.urgency, Urgency::Emergency);
    assert_eq!(now.status, Status::Received, "a correction is not a step");
    let edits = t
        .store
        .history(&n)
        .unwrap()
        .iter()
        .filter(|e| e.action == EventAction::Edit)
        .count();
    assert_eq!(edits, 1 + cases.len());
}

#[test]
fn deadlines_are_recomputed_as_if_received_with_the_new_urgency_and_category() {
    let mut t = db();
    let n = new_ticket(&mut t.store, "2026-11-20 09:00").number;
    let e = edit(&mut t.store, &n, r#"{"urgency":"emergency"}"#);
    assert_eq!(rfc(e.deadlines.dispatch), "2026-11-20T09:05:00+08:00");
    assert_eq!(rfc(e.deadlines.arrival), "2026-11-20T09:30:00+08:00");
    assert_eq!(rfc(e.deadlines.completion), "2026-11-20T13:00:00+08:00");
    // At 10:00 the emergency is late for dispatch, as it would have been from the call.
    assert_eq!(e.overdue_stage, Some(Stage::Dispatch));

    // A category with its own rule.
    t.store
        .set_sla_rule(
            Some("电路"),
            &SlaRule {
                urgency: Urgency::Normal,
                dispatch_minutes: 10,
                arrival_minutes: 120,
                completion_minutes: 480,
                visit_minutes: 1440,
            },
        )
        .unwrap();
    let e = edit(
        &mut t.store,
        &n,
        r#"{"urgency":"normal","category":"电路"}"#,
    );
    assert_eq!(rfc(e.deadlines.dispatch), "2026-11-20T09:10:00+08:00");
    assert_eq!(rfc(e.deadlines.arrival), "2026-11-20T11:00:00+08:00");
    assert_eq!(rfc(e.deadlines.completion), "2026-11-20T17:00:00+08:00");

    // 预约: arrival and completion count from the appointment.
    let e = edit(
        &mut t.store,
        &n,
        r#"{"urgency":"scheduled","appointment_at":"2026-11-22 09:00"}"#,
    );
    assert_eq!(rfc(e.deadlines.dispatch), "2026-11-20T10:00:00+08:00");
    assert_eq!(rfc(e.deadlines.arrival), "2026-11-22T09:30:00+08:00");
    assert_eq!(rfc(e.deadlines.completion), "2026-11-23T09:00:00+08:00");
    // Same as registering it that way.
    let mut d = draft("2026-11-20 09:00");
    d.category = Some("电路".into());
    d.urgency = Some("scheduled".into());
    d.appointment_at = Some("2026-11-22 09:00".into());
    let fresh = t.store.create_ticket(&d, "前台").unwrap();
    assert_eq!(fresh.deadlines, e.deadlines);
}

#[test]
fn hold_time_stays_in_the_completion_deadline_after_a_correction() {
    let mut t = db_at("2026-11-21 10:00");
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let n = new_ticket(&mut t.store, "2026-11-20 09:00").number;
    step(
        &mut t.store,
        &n,
        Step::Assign {
            technician: "张师傅".into(),
        },
        "2026-11-20 09:10",
    );
    step(&mut t.store, &n, Step::Start, "2026-11-20 10:00");
    step(
        &mut t.store,
        &n,
        Step::Hold {
            reason: "等配件".into(),
        },
        "2026-11-20 11:00",
    );
    step(&mut t.store, &n, Step::Resume, "2026-11-20 13:00");
    // Normal: 3 days + 2 hours held; as emergency: 4 hours + 2 hours held.
    let e = edit(&mut t.store, &n, r#"{"urgency":"emergency"}"#);
    assert_eq!(rfc(e.deadlines.completion), "2026-11-20T15:00:00+08:00");
}

#[test]
fn after_completion_only_a_supervisor_corrects_and_only_category_or_urgency() {
    let mut t = db();
    add_tech(&mut t.store, "张师傅", &["水路"]);
    t.store
        .add_account("王管理", Role::Admin, "pass-admin")
        .unwrap();
    t.store.login("王管理", "pass-admin").unwrap();
    t.store
        .add_account("李主管", Role::Supervisor, "pass-sup")
        .unwrap();
    t.store
        .add_account("小陈", Role::Desk, "pass-desk")
        .unwrap();
    t.store
        .add_account("老赵", Role::Engineer, "pass-eng")
        .unwrap();
    let n = new_ticket(&mut t.store, "2026-11-20 08:00").number;
    step(
        &mut t.store,
        &n,
        Step::Assign {
            technician: "张师傅".into(),
        },
        "2026-11-20 08:10",
    );
    complete(&mut t.store, &n, "2026-11-20 09:00");
    let patch = |json: &str| TicketPatch::from_json(json).unwrap();

    // An engineer does not correct tickets at all.
    t.store.login("老赵", "pass-eng").unwrap();
    let before = t.store.dump().unwrap();
    let e = t
        .store
        .edit_ticket(&n, &patch(r#"{"phone":"13800138001"}"#), "")
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
    assert!(
        t.store.dump().unwrap() == before,
        "a refusal changed the database"
    );

    t.store.login("小陈", "pass-desk").unwrap();
    let before = t.store.dump().unwrap();
    let e = t
        .store
        .edit_ticket(&n, &patch(r#"{"category":"电路"}"#), "")
        .unwrap_err();
    assert_eq!(e.code(), "forbidden", "{e}");
    assert!(e.to_string().contains("主管"), "{e}");
    assert!(
        t.store.dump().unwrap() == before,
        "a refusal changed the database"
    );

    t.store.login("李主管", "pass-sup").unwrap();
    let before = t.store.dump().unwrap();
    let e = t
        .store
        .edit_ticket(
            &n,
            &patch(r#"{"category":"电路","phone":"13800138001"}"#),
            "",
        )
        .unwrap_err();
    assert_eq!(e.code(), "wrong_status");
    assert!(e.to_string().contains("电话"), "{e}");
    assert!(
        t.store.dump().unwrap() == before,
        "a refusal changed the database"
    );

    let visit_before = t.store.ticket(&n).unwrap().deadlines.visit;
    let e = t
        .store
        .edit_ticket(&n, &patch(r#"{"category":"电路","urgency":"紧急"}"#), "")
        .unwrap();
    assert_eq!(e.category, "电路");
    assert_eq!(e.status, Status::Completed);
    assert_eq!(e.deadlines.visit, visit_before, "same visit minutes");
    let last = t.store.history(&n).unwrap().pop().unwrap();
    assert_eq!(last.operator, "李主管");
    assert_eq!(
        last.note.as_deref(),
        Some("类别：水路 → 电路；紧急程度：一般 → 紧急")
    );
}

#[test]
fn a_cancelled_ticket_and_a_patch_that_changes_nothing_are_refused() {
    let mut t = db();
    let n = new_ticket(&mut t.store, "2026-11-20 09:00").number;
    let before = t.store.dump().unwrap();
    for json in [
        r#"{}"#,
        r#"{"phone":"13800138000","building":"3栋","room":"501室","category":"水路"}"#,
    ] {
        let e = t
            .store
            .edit_ticket(&n, &TicketPatch::from_json(json).unwrap(), "前台")
            .unwrap_err();
        assert_eq!(e.code(), "invalid_input", "{json}");
        assert!(e.to_string().contains("没有需要保存的修改"), "{e}");
        assert!(
            t.store.dump().unwrap() == before,
            "a refusal changed the database"
        );
    }

    step(
        &mut t.store,
        &n,
        Step::Cancel {
            reason: "业主撤回".into(),
            duplicate_of: None,
        },
        "2026-11-20 09:30",
    );
    let before = t.store.dump().unwrap();
    let e = t
        .store
        .edit_ticket(
            &n,
            &TicketPatch::from_json(r#"{"phone":"13800138001"}"#).unwrap(),
            "前台",
        )
        .unwrap_err();
    assert_eq!(e.code(), "wrong_status");
    assert!(e.to_string().contains("已取消"), "{e}");
    assert!(
        t.store.dump().unwrap() == before,
        "a refusal changed the database"
    );
}

#[test]
fn a_correction_is_checked_like_a_new_ticket_and_a_refusal_changes_nothing() {
    let mut t = db();
    let n = new_ticket(&mut t.store, "2026-11-20 09:00").number;
    let before = t.store.dump().unwrap();
    let refused: &[(&str, &str, &str)] = &[
        (r#"{"phone":"12345"}"#, "invalid_input", "联系电话"),
        (r#"{"reporter":""}"#, "invalid_input", "报修人"),
        (r#"{"room":""}"#, "invalid_input", "房号"),
        (r#"{"category":"不存在"}"#, "not_found", "不存在"),
        // A 报修 keeps a repair category.
        (r#"{"category":"服务态度"}"#, "invalid_input", "服务态度"),
        // A 小区 comes from 基础资料, never from a ticket form.
        (r#"{"site":"翠湖苑二期"}"#, "not_found", "已有小区"),
        (r#"{"urgency":"scheduled"}"#, "invalid_input", "预约时间"),
        (
            r#"{"appointment_at":"2026-11-19 09:00"}"#,
            "invalid_input",
            "已经过去",
        ),
        (
            r#"{"description":"漏水\u0007"}"#,
            "invalid_input",
            "控制字符",
        ),
    ];
    for (json, code, word) in refused {
        let e = t
            .store
            .edit_ticket(&n, &TicketPatch::from_json(json).unwrap(), "前台")
            .unwrap_err();
        assert_eq!(e.code(), *code, "{json}: {e}");
        assert!(e.to_string().contains(word), "{json}: {e}");
        assert!(
            t.store.dump().unwrap() == before,
            "a refusal changed the database"
        );
    }
    let e = TicketPatch::from_json(r#"{"phon":"13800138001"}"#).unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert_eq!(
        TicketPatch::from_json(r#"{"room":502}"#)
            .unwrap()
            .room
            .as_deref(),
        Some("502")
    );
}

#[test]
fn search_finds_the_corrected_text_and_not_the_old() {
    let mut t = db();
    let n = new_ticket(&mut t.store, "2026-11-20 09:00").number;
    let find = |store: &Store, q: &str| -> Vec<String> {
        store
            .list_tickets(&TicketFilter {
                q: Some(q.into()),
                ..Default::default()
            })
            .unwrap()
            .tickets
            .into_iter()
            .map(|t| t.number)
            .collect()
    };
    assert_eq!(find(&t.store, "王建国"), vec![n.clone()]);
    edit(
        &mut t.store,
        &n,
        r#"{"reporter":"赵丽","phone":"139-1111-2222","description":"阳台地漏返味"}"#,
    );
    assert!(find(&t.store, "王建国").is_empty());
    assert!(find(&t.store, "13800138000").is_empty());
    assert!(find(&t.store, "水槽").is_empty());
    assert_eq!(find(&t.store, "赵丽"), vec![n.clone()]);
    assert_eq!(find(&t.store, "139-1111-2222"), vec![n.clone()]);
    assert_eq!(
        find(&t.store, "13911112222"),
        vec![n.clone()],
        "by its digits too"
    );
    assert_eq!(find(&t.store, "地漏"), vec![n.clone()]);
}

#[test]
fn a_reschedule_moves_the_arrival_deadline_and_clears_a_late_arrival() {
    let mut t = db_at("2026-11-21 12:00");
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let mut d = draft("2026-11-20 09:00");
    d.urgency = Some("scheduled".into());
    d.appointment_at = Some("2026-11-21 10:00".into());
    let n = t.store.create_ticket(&d, "前台").unwrap().number;
    let t1 = step(
        &mut t.store,
        &n,
        Step::Assign {
            technician: "张师傅".into(),
        },
        "2026-11-20 09:10",
    );
    assert_eq!(
        t1.overdue_stage,
        Some(Stage::Arrival),
        "due 10:30, now 12:00"
    );

    let r = t
        .store
        .apply_step(
            &n,
            Step::Reschedule {
                appointment: "2026-11-22 09:00".into(),
                reason: "业主不在家".into(),
            },
            Some("2026-11-21 11:00"),
            "前台小李",
        )
        .unwrap();
    assert_eq!(r.status, Status::Assigned);
    assert_eq!(rfc(r.appointment_at), "2026-11-22T09:00:00+08:00");
    assert_eq!(rfc(r.deadlines.arrival), "2026-11-22T09:30:00+08:00");
    assert_eq!(rfc(r.deadlines.completion), "2026-11-23T09:00:00+08:00");
    assert!(!r.overdue, "{:?}", r.overdue_stage);
    assert_eq!(r.reschedule_count, 1);
    let overdue = t
        .store
        .list_tickets(&TicketFilter {
            overdue: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(overdue.total, 0, "the overdue filter agrees");

    step(
        &mut t.store,
        &n,
        Step::Reschedule {
            appointment: "2026-11-23 15:00".into(),
            reason: "材料未到".into(),
        },
        "2026-11-21 11:30",
    );
    let moves = t.store.reschedules(&n).unwrap();
    assert_eq!(moves.len(), 2);
    assert_eq!(rfc(moves[0].from), "2026-11-21T10:00:00+08:00");
    assert_eq!(rfc(Some(moves[0].to)), "2026-11-22T09:00:00+08:00");
    assert_eq!(moves[0].reason, "业主不在家");
    assert_eq!(moves[0].operator, "前台小李");
    assert_eq!(rfc(Some(moves[1].at)), "2026-11-21T11:30:00+08:00");
    assert_eq!(moves[1].reason, "材料未到");
    assert_eq!(t.store.ticket(&n).unwrap().reschedule_count, 2);
    let last = t.store.history(&n).unwrap().pop().unwrap();
    assert_eq!(last.action_label, "改约");
    assert_eq!(
        last.note.as_deref(),
        Some("2026-11-22 09:00 → 2026-11-23 15:00（材料未到）")
    );
}

#[test]
fn a_rescheduled_ticket_is_not_chased_for_progress_before_its_appointment() {
    let mut t = db_at("2026-11-20 12:00");
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let n = new_ticket(&mut t.store, "2026-11-20 08:00").number;
    step(
        &mut t.store,
        &n,
        Step::Assign {
            technician: "张师傅".into(),
        },
        "2026-11-20 08:10",
    );
    let chased = |s: &Store| s.escalations().unwrap().iter().any(|e| e.number == n);
    assert!(chased(&t.store), "no progress since 08:10");
    step(
        &mut t.store,
        &n,
        Step::Reschedule {
            appointment: "2026-11-21 09:00".into(),
            reason: "业主不在家".into(),
        },
        "2026-11-20 11:50",
    );
    assert!(!chased(&t.store), "the owner is expected tomorrow at 09:00");
    t.store.set_now(Some(at("2026-11-21 10:59")));
    assert!(!chased(&t.store));
    t.store.set_now(Some(at("2026-11-21 11:01")));
    assert!(
        chased(&t.store),
        "2 hours after the appointment, still no progress"
    );
}

#[test]
fn a_reschedule_is_refused_once_the_technician_is_there_or_without_a_reason() {
    let mut t = db();
    add_tech(&mut t.store, "张师傅", &["水路"]);
    let n = new_ticket(&mut t.store, "2026-11-20 09:00").number;
    let resched = |appointment: &str, reason: &str| Step::Reschedule {
        appointment: appointment.into(),
        reason: reason.into(),
    };
    let before = t.store.dump().unwrap();
    let refused = [
        (
            resched("2026-11-21 09:00", " "),
            "invalid_input",
            "改约原因",
        ),
        (resched("明天", "业主改时间"), "invalid_input", "预约时间"),
        (
            resched("2026-11-20 08:00", "业主改时间"),
            "invalid_input",
            "已经过去",
        ),
        (
            resched("2028-01-01 08:00", "业主改时间"),
            "invalid_input",
            "一年",
        ),
    ];
    for (s, code, word) in refused {
        let e = t
            .store
            .apply_step(&n, s, Some("2026-11-20 09:30"), "前台")
            .unwrap_err();
        assert_eq!(e.code(), code, "{e}");
        assert!(e.to_string().contains(word), "{e}");
        assert!(
            t.store.dump().unwrap() == before,
            "a refusal changed the database"
        );
    }
    // A reschedule from 待派单 sets an appointment the ticket did not have.
    let r = step(
        &mut t.store,
        &n,
        resched("2026-11-21 09:00", "业主改时间"),
        "2026-11-20 09:30",
    );
    assert_eq!(rfc(r.deadlines.arrival), "2026-11-22T09:00:00+08:00");
    let before = t.store.dump().unwrap();
    let e = t
        .store
        .apply_step(&n, resched("2026-11-21 09:00", "业主改时间"), None, "前台")
        .unwrap_err();
    assert_eq!(e.code(), "precondition", "same time again: {e}");
    assert!(
        t.store.dump().unwrap() == before,
        "a refusal changed the database"
    );

    step(
        &mut t.store,
        &n,
        Step::Assign {
            technician: "张师傅".into(),
        },
        "2026-11-20 09:40",
    );
    step(&mut t.store, &n, Step::Start, "2026-11-20 09:50");
    let before = t.store.dump().unwrap();
    let e = t
        .store
        .apply_step(&n, resched("2026-11-22 09:00", "业主改时间"), None, "前台")
        .unwrap_err();
    assert_eq!(e.code(), "wrong_status");
    assert!(
        t.store.dump().unwrap() == before,
        "a refusal changed the database"
    );
}

#[test]
fn the_month_report_counts_reschedules_in_the_month() {
    let mut t = db_at("2026-12-02 10:00");
    let n = new_ticket(&mut t.store, "2026-11-20 09:00").number;
    for (to, at) in [
        ("2026-11-22 09:00", "2026-11-20 10:00"),
        ("2026-11-23 09:00", "2026-11-21 10:00"),
        ("2026-12-03 09:00", "2026-12-01 10:00"),
    ] {
        step(
            &mut t.store,
            &n,
            Step::Reschedule {
                appointment: to.into(),
                reason: "业主改时间".into(),
            },
            at,
        );
    }
    let nov = baoxiu::report::month(&t.store, "2026-11").unwrap();
    assert_eq!(nov.reschedules, 2);
    let dec = baoxiu::report::month(&t.store, "2026-12").unwrap();
    assert_eq!(dec.reschedules, 1);
    assert!(baoxiu::report::kpi_lines(&nov)
        .iter()
        .any(|(key, label, _)| *key == "reschedules" && label == "本月改约（次）"));
}

#[test]
fn cli_edit_and_reschedule_print_the_ticket_and_show_lists_the_moves() {
    let c = Cli::new();
    let n = c.ok(&["ticket", "new", "--by", "前台小李"], NEW)["number"]
        .as_str()
        .unwrap()
        .to_string();
    let t = c.ok(
        &["ticket", "edit", &n, "--by", "前台小李"],
        r#"{"phone":"13800138001","category":"电路"}"#,
    );
    assert_eq!(t["phone"], "13800138001");
    assert_eq!(t["category"], "电路");
    assert_eq!(t["reschedule_count"], 0);

    let before = c.dump();
    let (code, msg) = c.refused(&["ticket", "edit", &n], r#"{"phone":"12"}"#);
    assert_eq!(code, "invalid_input");
    assert!(msg.contains("联系电话"), "{msg}");
    let (code, _) = c.refused(&["ticket", "edit", &n], r#"{"category":"电路"}"#);
    assert_eq!(code, "invalid_input");
    let (code, _) = c.refused(&["ticket", "edit", &n], "不是 JSON");
    assert_eq!(code, "invalid_input");
    let (code, _) = c.refused(
        &["ticket", "edit", "BX-209901-0001"],
        r#"{"phone":"13800138002"}"#,
    );
    assert_eq!(code, "not_found");
    assert!(c.dump() == before, "a refusal changed the database");

    let t = c.ok(
        &[
            "ticket",
            "reschedule",
            &n,
            "--appointment",
            "2026-11-26 09:00",
            "--reason",
            "业主不在家",
            "--at",
            "2026-11-25 11:00",
            "--by",
            "客服小陈",
        ],
        "",
    );
    assert_eq!(t["appointment_at"], "2026-11-26T09:00:00+08:00");
    assert_eq!(t["reschedule_count"], 1);
    let (code, _) = c.refused(
        &[
            "ticket",
            "reschedule",
            &n,
            "--appointment",
            "2026-11-26 09:00",
            "--reason",
            "again",
        ],
        "",
    );
    assert_eq!(code, "precondition");

    let shown = c.ok(&["ticket", "show", &n], "");
    assert_eq!(
        shown["reschedules"],
        serde_json::json!([{
            "at": "2026-11-25T11:00:00+08:00",
            "from": null,
            "to": "2026-11-26T09:00:00+08:00",
            "reason": "业主不在家",
            "operator": "客服小陈",
        }])
    );
    let actions: Vec<&str> = shown["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["created", "edit", "reschedule"]);
    let report = c.ok(&["report", "--month", "2026-11", "--json"], "");
    assert_eq!(report["reschedules"], 1);
}
