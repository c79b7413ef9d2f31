//! Accounts, roles and the 操作日志: the core refuses what a role may not do (and
//! changes nothing), sign-in locks after 5 wrong passwords, leavers are disabled not
//! deleted, and every change is in the log with who, when and before → after.

use baoxiu::account::Role;
use baoxiu::audit::{AuditFilter, AuditKind};
use baoxiu::store::Step;
use baoxiu::Store;
use chrono::Duration;

use crate::cli::Cli;
use crate::common::*;

/// An office with one account per role (password "pass-<role>"), signed out.
fn office() -> TestDb {
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
    t.store.sign_out();
    t
}

fn login(store: &mut Store, name: &str) {
    let pw = match name {
        "王管理" => "pass-admin",
        "李主管" => "pass-sup",
        "小陈" => "pass-desk",
        _ => "pass-eng",
    };
    store.login(name, pw).unwrap();
}

#[test]
fn each_role_may_only_its_own_steps_and_a_refusal_changes_nothing() {
    let mut t = office();
    login(&mut t.store, "小陈");
    let n = new_ticket(&mut t.store, "2026-11-20 09:00").number;

    // 客服 registers, but may not cancel or dispatch.
    let before = t.store.dump().unwrap();
    let e = t
        .store
        .apply_step(
            &n,
            Step::Cancel {
                reason: "业主撤回".into(),
                duplicate_of: None,
            },
            None,
            "小陈",
        )
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
    assert_eq!(
        e.to_string(),
        "「客服」不能取消工单，请让有权限的同事（主管、管理员）操作"
    );
    let e = t
        .store
        .apply_step(
            &n,
            Step::Assign {
                technician: "张师傅".into(),
            },
            None,
            "小陈",
        )
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
    assert_eq!(t.store.dump().unwrap(), before, "refusals change nothing");

    // 工程 dispatches and works the ticket, but may not register a new one.
    login(&mut t.store, "老赵");
    step(
        &mut t.store,
        &n,
        Step::Assign {
            technician: "张师傅".into(),
        },
        "2026-11-20 09:05",
    );
    let e = t
        .store
        .create_ticket(&draft("2026-11-20 09:10"), "老赵")
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
    assert!(e.to_string().starts_with("「工程」不能登记工单"), "{e}");
    let e = t
        .store
        .update_settings(&t.store.settings().unwrap())
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");

    // 主管 may cancel; the history names the account, not what was typed.
    login(&mut t.store, "李主管");
    let done = t
        .store
        .apply_step(
            &n,
            Step::Cancel {
                reason: "业主撤回".into(),
                duplicate_of: None,
            },
            Some("2026-11-20 09:30"),
            "随便填的名字",
        )
        .unwrap();
    assert_eq!(done.status.code(), "cancelled");
    let ops: Vec<String> = t
        .store
        .history(&n)
        .unwrap()
        .into_iter()
        .map(|e| e.operator)
        .collect();
    assert_eq!(ops, ["小陈", "老赵", "李主管"]);
    // 主管 may not touch settings or accounts.
    assert_eq!(
        t.store
            .add_account("新人", Role::Desk, "123456")
            .unwrap_err()
            .code(),
        "forbidden"
    );
}

#[test]
fn once_an_office_has_accounts_nobody_signed_in_may_change_anything() {
    let mut t = db();
    // Before the first account: today's behaviour, the typed operator is recorded.
    let n = new_ticket(&mut t.store, "2026-11-20 09:00").number;
    assert_eq!(t.store.history(&n).unwrap()[0].operator, "前台小李");
    // The first account must be an administrator.
    let e = t
        .store
        .add_account("小陈", Role::Desk, "pass-desk")
        .unwrap_err();
    assert_eq!(e.code(), "precondition");
    t.store
        .add_account("王管理", Role::Admin, "pass-admin")
        .unwrap();
    let before = t.store.dump().unwrap();
    let e = t
        .store
        .create_ticket(&draft("2026-11-20 09:10"), "前台小李")
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
    assert!(e.to_string().contains("请先登录"), "{e}");
    assert_eq!(t.store.dump().unwrap(), before);
    // Reading stays open: the list and a ticket.
    assert_eq!(t.store.ticket(&n).unwrap().number, n);
}

#[test]
fn five_wrong_passwords_lock_the_account_for_fifteen_minutes() {
    let mut t = office();
    for i in 1..=4 {
        let e = t.store.login("小陈", "wrong").unwrap_err();
        assert_eq!(e.code(), "auth");
        assert!(e.to_string().contains(&format!("再错 {} 次", 5 - i)), "{e}");
    }
    let e = t.store.login("小陈", "wrong").unwrap_err();
    assert!(e.to_string().contains("锁定 15 分钟"), "{e}");
    // Locked: even the right password is refused, with the minutes left.
    let e = t.store.login("小陈", "pass-desk").unwrap_err();
    assert_eq!(e.code(), "auth");
    assert!(e.to_string().contains("15 分钟后再试"), "{e}");
    assert!(t.store.actor().is_none());
    let now = t.store.now();
    t.store.set_now(Some(now + Duration::minutes(14)));
    assert!(t.store.login("小陈", "pass-desk").is_err(), "still locked");
    t.store.set_now(Some(now + Duration::minutes(15)));
    assert_eq!(t.store.login("小陈", "pass-desk").unwrap().name, "小陈");

    // Every attempt is in the log, newest first.
    login(&mut t.store, "王管理");
    let log = t
        .store
        .audit_log(&AuditFilter {
            account: Some("小陈".into()),
            ..Default::default()
        })
        .unwrap();
    let kinds: Vec<AuditKind> = log.iter().map(|e| e.kind).collect();
    assert_eq!(kinds[0], AuditKind::Login);
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == AuditKind::LoginFailed)
            .count(),
        7
    );
    assert_eq!(log[1].detail, "账号锁定中");
    assert!(log.iter().any(|e| e.detail.contains("第 5 次，账号锁定")));
}

#[test]
fn an_administrator_resets_passwords_and_disables_leavers() {
    let mut t = office();
    for _ in 0..5 {
        let _ = t.store.login("老赵", "wrong");
    }
    login(&mut t.store, "王管理");
    t.store.reset_password("老赵", "new-pass-1").unwrap();
    assert_eq!(t.store.login("老赵", "new-pass-1").unwrap().name, "老赵");

    // A signed-in user changes their own password, knowing the old one.
    assert_eq!(
        t.store
            .change_own_password("wrong", "another-1")
            .unwrap_err()
            .code(),
        "auth"
    );
    t.store
        .change_own_password("new-pass-1", "another-1")
        .unwrap();
    assert_eq!(t.store.login("老赵", "another-1").unwrap().name, "老赵");

    // 老赵 leaves: his history keeps his name; he can no longer sign in, and a
    // session he still has open on another PC is refused its next change.
    let n = {
        login(&mut t.store, "小陈");
        new_ticket(&mut t.store, "2026-11-20 09:00").number
    };
    let mut other_pc = open_at(&t.path(), t.dir.path());
    other_pc.set_now(Some(t.store.now()));
    other_pc.login("老赵", "another-1").unwrap();
    login(&mut t.store, "王管理");
    let left = t.store.set_account_active("老赵", false).unwrap();
    assert!(!left.active);
    let e = other_pc
        .apply_step(
            &n,
            Step::Assign {
                technician: "张师傅".into(),
            },
            None,
            "老赵",
        )
        .unwrap_err();
    assert_eq!(e.code(), "auth");
    assert!(e.to_string().contains("已停用"), "{e}");
    assert_eq!(
        t.store.login("老赵", "another-1").unwrap_err().code(),
        "auth"
    );
    let names: Vec<String> = t
        .store
        .accounts()
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert!(names.contains(&"老赵".to_string()), "kept, not deleted");

    // The last active administrator cannot be disabled.
    login(&mut t.store, "王管理");
    let e = t.store.set_account_active("王管理", false).unwrap_err();
    assert_eq!(e.code(), "precondition");
    assert!(e.to_string().contains("唯一可用的管理员"), "{e}");
}

#[test]
fn the_log_has_every_change_with_before_and_after() {
    let mut t = office();
    login(&mut t.store, "王管理");
    let mut s = t.store.settings().unwrap();
    s.hotline = "0571-88886666".into();
    t.store.update_settings(&s).unwrap();
    t.store
        .set_sla_rule(
            None,
            &baoxiu::sla::SlaRule {
                urgency: baoxiu::ticket::Urgency::Emergency,
                dispatch_minutes: 10,
                arrival_minutes: 30,
                completion_minutes: 240,
                visit_minutes: 2880,
            },
        )
        .unwrap();
    login(&mut t.store, "小陈");
    let n = new_ticket(&mut t.store, "2026-11-20 09:00").number;
    assert_eq!(
        t.store
            .audit_log(&AuditFilter::default())
            .unwrap_err()
            .code(),
        "forbidden",
        "客服 does not read the log"
    );

    login(&mut t.store, "李主管");
    let log = t.store.audit_log(&AuditFilter::default()).unwrap();
    let settings = log.iter().find(|e| e.kind == AuditKind::Settings).unwrap();
    assert_eq!(settings.account, "王管理");
    assert!(
        settings.detail.contains("服务热线：（空） → 0571"),
        "{}",
        settings.detail
    );
    let sla = log.iter().find(|e| e.kind == AuditKind::Sla).unwrap();
    assert_eq!(sla.subject, "通用·紧急");
    assert_eq!(sla.detail, "派单时限：5 分钟 → 10 分钟");
    let created = log.iter().find(|e| e.kind == AuditKind::Ticket).unwrap();
    assert_eq!(
        (created.subject.as_str(), created.account.as_str()),
        (n.as_str(), "小陈")
    );
    assert!(created.detail.starts_with("登记"), "{}", created.detail);
    // Newest first; filters by kind and by day.
    assert!(log.windows(2).all(|w| w[0].at >= w[1].at));
    let only = t
        .store
        .audit_log(&AuditFilter {
            kind: Some(AuditKind::Account),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(only.len(), 4, "four accounts were created");
    let none = t
        .store
        .audit_log(&AuditFilter {
            from: Some("2026-11-21".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(none.is_empty());
    let e = t
        .store
        .audit_log(&AuditFilter {
            from: Some("2026-11-21".into()),
            to: Some("2026-11-20".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
}

#[test]
fn the_cli_acts_as_an_account_once_the_office_has_one() {
    let c = Cli::new();
    // No accounts: scripts work as before.
    let n = c.ok(&["ticket", "new"], crate::cli::NEW)["number"]
        .as_str()
        .unwrap()
        .to_string();
    let (code, _) = c.refused(&["user", "add", "小陈", "--role", "desk"], "pass-desk\n");
    assert_eq!(code, "precondition", "the first account is an admin");
    let admin = c.ok(
        &["user", "add", "王管理", "--role", "管理员"],
        "pass-admin\n",
    );
    assert_eq!(admin["role"], "admin");
    assert!(admin.get("password_hash").is_none());
    let (code, msg) = c.refused(&["ticket", "remind", &n], "");
    assert_eq!(code, "forbidden");
    assert!(msg.contains("--by"), "{msg}");
    c.ok(
        &["user", "add", "小陈", "--role", "desk", "--by", "王管理"],
        "pass-desk\n",
    );
    let (code, _) = c.refused(&["ticket", "remind", &n, "--by", "nobody"], "");
    assert_eq!(code, "not_found");
    let t = c.ok(&["ticket", "remind", &n, "--by", "小陈"], "");
    assert_eq!(t["remind_count"], 1);
    let (code, msg) = c.refused(
        &["ticket", "cancel", &n, "--reason", "x", "--by", "小陈"],
        "",
    );
    assert_eq!(code, "forbidden");
    assert!(msg.starts_with("「客服」不能取消工单"), "{msg}");

    // user login: exit 0 or error[auth], counting toward the lock-out.
    c.ok(&["user", "login", "小陈"], "pass-desk\n");
    let (code, msg) = c.refused(&["user", "login", "小陈"], "wrong\n");
    assert_eq!(code, "auth");
    assert!(msg.contains("再错 4 次"), "{msg}");

    let log = c.ok(&["log", "--kind", "login_failed", "--by", "王管理"], "");
    assert_eq!(log.as_array().unwrap().len(), 1);
    assert_eq!(log[0]["account"], "小陈");
    let log = c.ok(&["log", "--account", "小陈", "--by", "王管理"], "");
    let kinds: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["login_failed", "login", "ticket"]);
    let users = c.ok(&["user", "list"], "");
    assert_eq!(users.as_array().unwrap().len(), 2);
    c.ok(&["user", "disable", "小陈", "--by", "王管理"], "");
    let (code, _) = c.refused(&["ticket", "remind", &n, "--by", "小陈"], "");
    assert_eq!(code, "auth");
}

#[test]
fn the_demo_office_has_one_account_per_role() {
    let mut t = db();
    baoxiu::seed::demo(&mut t.store, 60, 7).unwrap();
    let accounts = t.store.accounts().unwrap();
    for (name, role) in baoxiu::seed::DEMO_ACCOUNTS {
        let a = accounts.iter().find(|a| a.name == *name).unwrap();
        assert_eq!(a.role, *role);
        assert_eq!(
            t.store
                .login(name, baoxiu::seed::DEMO_PASSWORD)
                .unwrap()
                .name,
            *name
        );
    }
}

#[test]
fn the_log_exports_to_csv_with_formulas_neutralised() {
    let mut t = office();
    login(&mut t.store, "王管理");
    t.store
        .add_account("=HYPERLINK(\"x\")", Role::Desk, "pass-desk")
        .unwrap();
    let out = t.dir.path().join("操作日志.csv");
    let done = baoxiu::audit::to_file(
        &t.store,
        &AuditFilter::default(),
        &out,
        baoxiu::outfile::Existing::Keep,
    )
    .unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "\u{feff}时间,账号,类别,对象,内容");
    assert_eq!(lines.len(), done.tickets + 1);
    assert!(
        lines[1].contains("王管理,账号,\"'=HYPERLINK(\"\"x\"\")\",新建账号，角色：客服"),
        "{}",
        lines[1]
    );
    // The export itself is in the log, and 客服 may not export it.
    let log = t.store.audit_log(&AuditFilter::default()).unwrap();
    assert_eq!(log[0].kind, AuditKind::Export);
    assert_eq!(log[0].detail, format!("导出操作日志 {} 条", done.tickets));
    login(&mut t.store, "小陈");
    let other = t.dir.path().join("b.csv");
    let e = baoxiu::audit::to_file(
        &t.store,
        &AuditFilter::default(),
        &other,
        baoxiu::outfile::Existing::Keep,
    )
    .unwrap_err();
    assert_eq!(e.code(), "forbidden");
    assert!(!other.exists());
}
