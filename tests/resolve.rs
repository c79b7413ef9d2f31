//! 报事 (投诉/咨询) on their own path: 办结 with a 处理结果 and no technician, 转交 of a
//! 投诉 to a 责任部门, complaint categories, and the month report counting 办结 apart
//! from 取消 and from a technician's 完工.

use baoxiu::account::Role;
use baoxiu::input::TicketDraft;
use baoxiu::report;
use baoxiu::store::Step;
use baoxiu::ticket::{EventAction, Status};
use baoxiu::workflow;
use baoxiu::Store;

use crate::cli::Cli;
use crate::common::*;

/// A 投诉 or 咨询 by phone about the public area, in `category`, at `received`.
fn report_draft(kind: &str, category: &str, received: &str) -> TicketDraft {
    TicketDraft {
        kind: Some(kind.into()),
        scope: Some("public_area".into()),
        building: None,
        unit: None,
        room: None,
        location: Some("3栋楼道".into()),
        category: Some(category.into()),
        description: Some("楼道垃圾两天没人清理".into()),
        ..draft(received)
    }
}

fn new_report(store: &mut Store, kind: &str, category: &str, received: &str) -> String {
    store
        .create_ticket(&report_draft(kind, category, received), "前台小李")
        .unwrap()
        .number
}

fn resolve(result: &str, dept: Option<&str>) -> Step {
    Step::Resolve {
        result: result.into(),
        dept: dept.map(Into::into),
    }
}

fn handover(dept: &str) -> Step {
    Step::Handover { dept: dept.into() }
}

#[test]
fn an_inquiry_answered_on_the_phone_is_closed_in_one_step() {
    let mut t = db();
    let n = new_report(&mut t.store, "inquiry", "其他", "2026-11-20 09:00");
    let done = step(
        &mut t.store,
        &n,
        resolve("已电话告知装修申请所需材料", None),
        "2026-11-20 09:10",
    );
    assert_eq!(done.status, Status::Closed);
    assert_eq!(
        done.resolution.as_deref(),
        Some("已电话告知装修申请所需材料")
    );
    assert_eq!(done.resolved_at, Some(at("2026-11-20 09:10")));
    assert_eq!(done.closed_at, Some(at("2026-11-20 09:10")));
    // No technician, no 故障原因, nothing due.
    assert_eq!(done.assignee, None);
    assert_eq!(done.cause, None);
    assert_eq!(done.completed_at, None);
    assert_eq!(done.deadlines.visit, None);
    assert!(!done.overdue);
    let history = t.store.history(&n).unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.action, EventAction::Resolve);
    assert_eq!(last.action_label, "办结");
    assert_eq!(last.to_status, Some(Status::Closed));
    assert!(!workflow::available(&done).contains(&EventAction::Rework));
}

#[test]
fn a_complaint_is_handed_over_resolved_then_closed_by_its_visit() {
    let mut t = db_at("2026-11-21 12:00");
    let n = new_report(&mut t.store, "complaint", "保洁", "2026-11-20 09:00");
    let fresh = t.store.ticket(&n).unwrap();
    assert_eq!(fresh.category, "保洁");
    assert!(workflow::available(&fresh).contains(&EventAction::Handover));
    assert!(workflow::available(&fresh).contains(&EventAction::Resolve));

    // 转交 at 09:05: still 待派单, but no longer 超时未派单 the next day.
    let handed = step(&mut t.store, &n, handover("保洁部"), "2026-11-20 09:05");
    assert_eq!(handed.status, Status::Received);
    assert_eq!(handed.dept.as_deref(), Some("保洁部"));
    assert!(!handed.overdue, "{:?}", handed.overdue_stage);
    assert!(
        !t.store.escalations().unwrap().iter().any(|e| e.number == n),
        "a handed-over complaint is not 超时未派单"
    );
    let overdue_list = t
        .store
        .list_tickets(&baoxiu::store::TicketFilter {
            overdue: true,
            ..Default::default()
        })
        .unwrap();
    assert!(!overdue_list.tickets.iter().any(|x| x.number == n));
    assert_eq!(t.store.counters().unwrap().overdue, 0);

    // 办结 keeps the department named at 转交.
    let done = step(
        &mut t.store,
        &n,
        resolve("保洁部已清理并加派巡查", None),
        "2026-11-20 15:00",
    );
    assert_eq!(done.status, Status::Completed, "待回访");
    assert_eq!(done.dept.as_deref(), Some("保洁部"));
    assert_eq!(done.resolution.as_deref(), Some("保洁部已清理并加派巡查"));
    assert_eq!(done.assignee, None);
    assert_eq!(done.completed_at, None);
    assert!(done.deadlines.visit.is_some());
    let history = t.store.history(&n).unwrap();
    let notes: Vec<(EventAction, Option<String>)> =
        history.iter().map(|e| (e.action, e.note.clone())).collect();
    assert_eq!(
        notes[1..],
        [
            (EventAction::Handover, Some("保洁部".into())),
            (
                EventAction::Resolve,
                Some("保洁部：保洁部已清理并加派巡查".into())
            ),
        ]
    );

    let closed = step(
        &mut t.store,
        &n,
        Step::Visit {
            satisfaction: "满意".into(),
            note: None,
        },
        "2026-11-21 10:00",
    );
    assert_eq!(closed.status, Status::Closed);
    // A resolved complaint has no repair to redo.
    let before = t.store.dump().unwrap();
    let e = t
        .store
        .apply_step(
            &n,
            Step::Rework {
                reason: "又脏了".into(),
            },
            Some("2026-11-21 11:00"),
            "前台小李",
        )
        .unwrap_err();
    assert_eq!(e.code(), "precondition", "{e}");
    assert_eq!(t.store.dump().unwrap(), before);
}

#[test]
fn a_repair_cannot_be_resolved_or_handed_over_and_nothing_changes() {
    let mut t = db();
    let n = new_ticket(&mut t.store, "2026-11-20 09:00").number;
    let before = t.store.dump().unwrap();
    for s in [resolve("已处理", None), handover("工程部")] {
        let e = t
            .store
            .apply_step(&n, s, Some("2026-11-20 09:10"), "前台小李")
            .unwrap_err();
        assert_eq!(e.code(), "precondition", "{e}");
        assert!(e.to_string().contains("投诉"), "{e}");
    }
    assert_eq!(t.store.dump().unwrap(), before);
    let avail = workflow::available(&t.store.ticket(&n).unwrap());
    assert!(!avail.contains(&EventAction::Resolve));
    assert!(!avail.contains(&EventAction::Handover));
}

#[test]
fn an_empty_result_or_department_is_refused_and_nothing_changes() {
    let mut t = db();
    let n = new_report(&mut t.store, "complaint", "噪音", "2026-11-20 09:00");
    let before = t.store.dump().unwrap();
    for s in [resolve("   ", Some("秩序部")), handover(" ")] {
        let e = t
            .store
            .apply_step(&n, s, Some("2026-11-20 09:10"), "前台小李")
            .unwrap_err();
        assert_eq!(e.code(), "invalid_input", "{e}");
        assert!(
            e.to_string().contains("处理结果") || e.to_string().contains("责任部门"),
            "{e}"
        );
    }
    assert_eq!(t.store.dump().unwrap(), before);
}

#[test]
fn complaint_categories_sit_beside_repair_ones_and_a_repair_cannot_use_them() {
    let mut t = db();
    let kinds: Vec<(String, &str)> = t
        .store
        .categories()
        .unwrap()
        .into_iter()
        .map(|c| (c.name, c.kind.code()))
        .collect();
    for name in ["服务态度", "保洁", "秩序", "绿化", "收费", "噪音"] {
        assert!(kinds.contains(&(name.to_string(), "complaint")), "{name}");
    }
    assert!(kinds.contains(&("水路".to_string(), "repair")));
    assert!(kinds.contains(&("其他".to_string(), "general")));

    // A 报修 under 服务态度 is refused, saying what to pick.
    let before = t.store.dump().unwrap();
    let e = t
        .store
        .create_ticket(
            &TicketDraft {
                category: Some("服务态度".into()),
                ..draft("2026-11-20 09:00")
            },
            "前台小李",
        )
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert!(e.to_string().contains("服务态度"), "{e}");
    assert!(e.to_string().contains("报修类别"), "{e}");
    assert_eq!(t.store.dump().unwrap(), before);

    // A 投诉 about a fault may stay under its repair category; a 咨询 under 其他.
    new_report(&mut t.store, "complaint", "电梯", "2026-11-20 09:00");
    new_report(&mut t.store, "inquiry", "其他", "2026-11-20 09:00");
    new_report(&mut t.store, "inquiry", "收费", "2026-11-20 09:00");
}

#[test]
fn the_month_counts_resolved_apart_from_cancelled_and_from_completed() {
    let mut t = db_at("2026-12-01 10:00");
    add_tech(&mut t.store, "张师傅", &["水路"]);
    // One 咨询 办结, one 投诉 办结 and visited, one 咨询 cancelled, one repair completed.
    let a = new_report(&mut t.store, "inquiry", "其他", "2026-11-10 09:00");
    step(
        &mut t.store,
        &a,
        resolve("已答复", None),
        "2026-11-10 09:05",
    );
    let b = new_report(&mut t.store, "complaint", "秩序", "2026-11-11 09:00");
    step(&mut t.store, &b, handover("秩序部"), "2026-11-11 09:10");
    step(
        &mut t.store,
        &b,
        resolve("已约谈车主", None),
        "2026-11-11 16:00",
    );
    step(
        &mut t.store,
        &b,
        Step::Visit {
            satisfaction: "满意".into(),
            note: None,
        },
        "2026-11-12 10:00",
    );
    let c = new_report(&mut t.store, "inquiry", "其他", "2026-11-12 09:00");
    step(
        &mut t.store,
        &c,
        Step::Cancel {
            reason: "业主挂断".into(),
            duplicate_of: None,
        },
        "2026-11-12 09:05",
    );
    let d = new_ticket(&mut t.store, "2026-11-13 09:00").number;
    step(
        &mut t.store,
        &d,
        Step::Assign {
            technician: "张师傅".into(),
        },
        "2026-11-13 09:10",
    );
    let draft: baoxiu::input::CompletionDraft = serde_json::from_value(serde_json::json!({
        "cause": "接头老化", "measures": "更换接头", "labour_minutes": 30,
        "arrived_at": "2026-11-13 10:00"
    }))
    .unwrap();
    step(&mut t.store, &d, Step::Complete(draft), "2026-11-13 11:00");

    let r = report::month(&t.store, "2026-11").unwrap();
    assert_eq!(r.received, 4);
    assert_eq!(r.resolved, 2);
    assert_eq!(r.cancelled, 1);
    assert_eq!(r.completed, 1, "办结 is not 完工");
    assert_eq!(r.open_at_month_end, 1, "the repair waits for its visit");
    let tech: Vec<(String, i64)> = r
        .by_technician
        .iter()
        .map(|row| (row.label.clone(), row.completed))
        .collect();
    assert_eq!(tech[0], ("张师傅".to_string(), 1));
    assert!(tech.iter().all(|(_, c)| *c <= 1));
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["resolved"], 2);
    let lines = baoxiu::report::kpi_lines(&r);
    let resolved = lines.iter().position(|l| l.0 == "resolved").unwrap();
    let cancelled = lines.iter().position(|l| l.0 == "cancelled").unwrap();
    assert_eq!(resolved + 1, cancelled);
    assert_eq!(lines[resolved].1, "本月办结（投诉/咨询）");
}

#[test]
fn desk_and_supervisor_may_resolve_an_engineer_may_not() {
    let mut t = db();
    t.store
        .add_account("王管理", Role::Admin, "pass-admin")
        .unwrap();
    t.store.login("王管理", "pass-admin").unwrap();
    t.store
        .add_account("小陈", Role::Desk, "pass-desk")
        .unwrap();
    t.store
        .add_account("李主管", Role::Supervisor, "pass-sup")
        .unwrap();
    t.store
        .add_account("老赵", Role::Engineer, "pass-eng")
        .unwrap();
    let a = new_report(&mut t.store, "complaint", "服务态度", "2026-11-20 09:00");
    let b = new_report(&mut t.store, "inquiry", "其他", "2026-11-20 09:00");
    t.store.sign_out();

    t.store.login("老赵", "pass-eng").unwrap();
    let before = t.store.dump().unwrap();
    for (n, s) in [(&a, handover("客服主管")), (&b, resolve("已答复", None))] {
        let e = t
            .store
            .apply_step(n, s, Some("2026-11-20 09:10"), "老赵")
            .unwrap_err();
        assert_eq!(e.code(), "forbidden", "{e}");
        assert!(e.to_string().contains("办结或转交报事"), "{e}");
    }
    assert_eq!(t.store.dump().unwrap(), before);
    t.store.sign_out();

    t.store.login("小陈", "pass-desk").unwrap();
    let handed = t
        .store
        .apply_step(&a, handover("客服主管"), Some("2026-11-20 09:10"), "小陈")
        .unwrap();
    assert_eq!(handed.dept.as_deref(), Some("客服主管"));
    t.store.sign_out();
    t.store.login("李主管", "pass-sup").unwrap();
    let done = t
        .store
        .apply_step(
            &a,
            resolve("已向业主致歉，对当班人员批评教育", None),
            Some("2026-11-20 09:30"),
            "李主管",
        )
        .unwrap();
    assert_eq!(done.status, Status::Completed);
    assert!(Role::Desk.may(baoxiu::account::Permission::Resolve));
    assert!(Role::Supervisor.may(baoxiu::account::Permission::Resolve));
    assert!(Role::Admin.may(baoxiu::account::Permission::Resolve));
    assert!(!Role::Engineer.may(baoxiu::account::Permission::Resolve));
}

#[test]
fn the_cli_resolves_and_hands_over_with_json_out() {
    let c = Cli::new();
    let new = r#"{"kind":"complaint","channel":"phone","reporter":"王建国","phone":"13800138000",
      "site":"翠湖苑","scope":"public_area","location":"3栋楼道","category":"保洁",
      "description":"楼道垃圾没人清理","received_at":"2026-11-20 09:00"}"#;
    let n = c.ok(&["ticket", "new"], new)["number"]
        .as_str()
        .unwrap()
        .to_string();
    let t = c.ok(
        &[
            "ticket",
            "handover",
            &n,
            "--dept",
            "保洁部",
            "--at",
            "2026-11-20 09:05",
        ],
        "",
    );
    assert_eq!(t["status"], "received");
    assert_eq!(t["dept"], "保洁部");
    let t = c.ok(
        &[
            "ticket",
            "resolve",
            &n,
            "--result",
            "已清理",
            "--at",
            "2026-11-20 10:00",
            "--by",
            "前台小李",
        ],
        "",
    );
    assert_eq!(t["status"], "completed");
    assert_eq!(t["resolution"], "已清理");
    assert_eq!(t["dept"], "保洁部");
    let shown = c.ok(&["ticket", "show", &n], "");
    assert_eq!(shown["resolution"], "已清理");
    assert_eq!(shown["history"][2]["action"], "resolve");
    assert_eq!(shown["history"][2]["action_label"], "办结");

    // A repair is refused with a precondition, and nothing changes.
    let r = c.ok(&["ticket", "new"], crate::cli::NEW)["number"]
        .as_str()
        .unwrap()
        .to_string();
    let before = c.dump();
    let (code, msg) = c.refused(&["ticket", "resolve", &r, "--result", "已处理"], "");
    assert_eq!(code, "precondition");
    assert!(msg.contains("完工"), "{msg}");
    let (code, _) = c.refused(&["ticket", "resolve", &n, "--result", "再次办结"], "");
    assert_eq!(code, "wrong_status");
    assert_eq!(c.dump(), before);
}

#[test]
fn an_office_marks_its_own_complaint_category() {
    let mut t = db();
    t.store
        .save_category("停车管理", baoxiu::ticket::Urgency::Normal, true)
        .unwrap();
    assert_eq!(
        t.store.category_by_name("停车管理").unwrap().kind.code(),
        "repair",
        "a new category is a repair category until marked"
    );
    let c = t
        .store
        .set_category_kind("停车管理", baoxiu::ticket::CategoryKind::Complaint)
        .unwrap();
    assert_eq!(c.kind.code(), "complaint");
    let e = t
        .store
        .create_ticket(
            &TicketDraft {
                category: Some("停车管理".into()),
                ..draft("2026-11-20 09:00")
            },
            "前台小李",
        )
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    new_report(&mut t.store, "complaint", "停车管理", "2026-11-20 09:00");

    // From a script: `category kind NAME --kind 投诉类别`; an unknown kind names the choices.
    let c = Cli::new();
    let out = c.ok(&["category", "kind", "绿化", "--kind", "通用类别"], "");
    assert_eq!(out["kind"], "general");
    let before = c.dump();
    let (code, msg) = c.refused(&["category", "kind", "绿化", "--kind", "维修"], "");
    assert_eq!(code, "invalid_input");
    assert!(msg.contains("complaint"), "{msg}");
    let (code, _) = c.refused(&["category", "kind", "不存在", "--kind", "repair"], "");
    assert_eq!(code, "not_found");
    assert_eq!(c.dump(), before);
}
