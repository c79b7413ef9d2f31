//! The `baoxiu` command line as scripts use it: JSON out, `error[code]: 中文` and exit 1
//! on refusal, exit 2 on usage errors.

use std::io::Write;

use crate::common::at;
use std::process::{Command, Output, Stdio};

/// Every CLI run sees this as "now" (office time), whatever the hour the suite runs at.
const CLI_NOW: &str = "2026-11-25 12:00";

pub(crate) struct Cli {
    pub(crate) dir: tempfile::TempDir,
    location: String,
}

impl Cli {
    /// An office that has declared the fixtures' 小区 (`site add`), as every office
    /// does before its first ticket.
    pub(crate) fn new() -> Cli {
        let c = Cli::empty();
        for site in crate::common::SITES {
            c.ok(&["site", "add", site], "");
        }
        c
    }

    /// A database nobody has opened yet.
    pub(crate) fn empty() -> Cli {
        let dir = tempfile::tempdir().unwrap();
        let location = match crate::common::postgres_server() {
            Some(_) => crate::common::fresh_location(dir.path()),
            None => dir.path().join("office.db"),
        };
        Cli {
            location: location.display().to_string(),
            dir,
        }
    }

    /// `--db`: the SQLite file, or on the PostgreSQL run a fresh database's URL.
    pub(crate) fn db(&self) -> String {
        self.location.clone()
    }

    pub(crate) fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_baoxiu"))
            .arg("--db")
            .arg(self.db())
            .args(args)
            .env_remove("BAOXIU_DB")
            .env("BAOXIU_NOW", CLI_NOW)
            .env("BAOXIU_FILES_DIR", self.dir.path())
            .env("BAOXIU_LOG_DIR", self.dir.path().join("logs"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    pub(crate) fn ok(&self, args: &[&str], stdin: &str) -> serde_json::Value {
        let out = self.run(args, stdin);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// A refusal: exit 1 and exactly one stderr line `error[code]: message`.
    pub(crate) fn refused(&self, args: &[&str], stdin: &str) -> (String, String) {
        let out = self.run(args, stdin);
        assert_eq!(out.status.code(), Some(1), "{args:?} should be refused");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        let line = err.trim_end();
        let rest = line
            .strip_prefix("error[")
            .unwrap_or_else(|| panic!("{line}"));
        let (code, msg) = rest.split_once("]: ").unwrap();
        (code.to_string(), msg.to_string())
    }

    pub(crate) fn dump(&self) -> String {
        crate::common::open_at(std::path::Path::new(&self.db()), self.dir.path())
            .dump()
            .unwrap()
    }
}

pub(crate) const NEW: &str = r#"{"channel":"phone","reporter":"王建国","phone":"13800138000","site":"翠湖苑",
  "building":"3","unit":"2","room":"501","scope":"in_home","category":"水路",
  "urgency":"normal","description":"厨房水管漏水","received_at":"2026-11-20 09:00"}"#;

#[test]
fn a_whole_repair_runs_from_a_script() {
    let c = Cli::new();
    let tech = c.ok(
        &[
            "tech",
            "add",
            "--name",
            "张师傅",
            "--phone",
            "13900001111",
            "--skills",
            "水路,电路",
            "--capacity",
            "5",
        ],
        "",
    );
    assert_eq!(tech["skills"], serde_json::json!(["水路", "电路"]));
    assert_eq!(c.ok(&["tech", "list"], "").as_array().unwrap().len(), 1);
    assert_eq!(
        c.ok(&["category", "list"], "").as_array().unwrap().len(),
        17
    );
    let t = c.ok(&["ticket", "new", "--by", "前台小李"], NEW);
    let n = t["number"].as_str().unwrap().to_string();
    assert_eq!(n, "BX-202611-0001");
    assert_eq!(t["received_at"], "2026-11-20T09:00:00+08:00");
    let t = c.ok(
        &[
            "ticket",
            "assign",
            &n,
            "--tech",
            "张师傅",
            "--at",
            "2026-11-20 09:10",
            "--by",
            "调度老王",
        ],
        "",
    );
    assert_eq!(
        (t["status"].as_str(), t["assignee"].as_str()),
        (Some("assigned"), Some("张师傅"))
    );
    c.ok(&["ticket", "start", &n, "--at", "2026-11-20 10:00"], "");
    c.ok(
        &[
            "ticket",
            "hold",
            &n,
            "--reason",
            "等配件",
            "--at",
            "2026-11-20 10:30",
        ],
        "",
    );
    c.ok(&["ticket", "resume", &n, "--at", "2026-11-20 14:30"], "");
    let done = c.ok(
        &["ticket", "complete", &n, "--at", "2026-11-20T15:00:00+08:00"],
        r#"{"cause":"阀门老化","measures":"更换三角阀","materials":[{"name":"三角阀","spec":"DN15","quantity":2,"unit_price_fen":2500}],
           "labour_minutes":30,"paid":true,"fee_fen":5000,"payment_method":"微信","owner_signed":true}"#,
    );
    assert_eq!(done["materials"][0]["amount_fen"], 5000);
    assert_eq!(
        done["deadlines"]["completion"], "2026-11-23T13:00:00+08:00",
        "4 hours on hold added"
    );
    let closed = c.ok(
        &[
            "ticket",
            "visit",
            &n,
            "--satisfaction",
            "satisfied",
            "--note",
            "已修好",
            "--at",
            "2026-11-21 10:00",
        ],
        "",
    );
    assert_eq!(closed["status"], "closed");
    let hist = c.ok(&["ticket", "history", &n], "");
    let ops: Vec<&str> = hist
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["operator"].as_str().unwrap())
        .collect();
    assert_eq!(ops[..2], ["前台小李", "调度老王"]);
    assert_eq!(hist.as_array().unwrap().len(), 7);
    let list = c.ok(
        &[
            "ticket", "list", "--status", "closed", "--month", "2026-11", "--q", "漏水",
        ],
        "",
    );
    assert_eq!(list.as_array().unwrap().len(), 1);
    let rework = c.ok(&["ticket", "rework", &n, "--reason", "又漏了"], "");
    assert_eq!(
        (rework["status"].as_str(), rework["rework_count"].as_i64()),
        (Some("assigned"), Some(1))
    );
    let shown = c.ok(&["ticket", "show", &n], "");
    assert_eq!(shown["rework_count"], 1);
    assert!(c.ok(&["escalations"], "").is_array());
}

#[test]
fn refusals_exit_1_with_a_chinese_line_and_change_nothing() {
    let c = Cli::new();
    let n = c.ok(&["ticket", "new"], NEW)["number"]
        .as_str()
        .unwrap()
        .to_string();
    let before = c.dump();
    let (code, msg) = c.refused(&["ticket", "start", &n], "");
    assert_eq!(code, "wrong_status");
    assert!(msg.contains("待派单"), "{msg}");
    let (code, _) = c.refused(&["ticket", "assign", &n, "--tech", "无名氏"], "");
    assert_eq!(code, "not_found");
    let (code, msg) = c.refused(
        &["ticket", "new"],
        r#"{"reporter":"","phone":"13800138000"}"#,
    );
    assert_eq!(code, "invalid_input");
    assert!(msg.contains("报修人不能为空"), "{msg}");
    let (code, msg) = c.refused(&["ticket", "new"], r#"{"reporter":"王","categroy":"水路"}"#);
    assert_eq!(code, "invalid_input");
    assert!(msg.contains("categroy"), "{msg}");
    let (code, _) = c.refused(&["ticket", "new"], "not json");
    assert_eq!(code, "invalid_input");
    assert_eq!(c.dump(), before);
    // Rooms and phones written as numbers are fine.
    let numeric = r#"{"reporter":"李四","phone":13800138001,"site":"翠湖苑","building":3,"unit":2,"room":502,
        "category":"电路","description":"停电","received_at":"2026-11-20 09:05"}"#;
    let made = c.ok(&["ticket", "new"], numeric);
    assert_eq!(
        (made["room"].as_str(), made["phone"].as_str()),
        (Some("502"), Some("13800138001"))
    );
    let before = c.dump();
    let (code, msg) = c.refused(&["ticket", "visit", &n, "--satisfaction", "great"], "");
    assert_eq!(code, "invalid_input", "{msg}");
    assert!(msg.contains("满意度“great”无法识别"), "{msg}");
    let (code, _) = c.refused(
        &[
            "ticket",
            "hold",
            &n,
            "--reason",
            "x",
            "--at",
            "2099-01-01 00:00",
        ],
        "",
    );
    assert_eq!(code, "invalid_input");
    let (code, _) = c.refused(&["ticket", "show", "BX-200001-0001"], "");
    assert_eq!(code, "not_found");
    assert_eq!(c.dump(), before);
}

#[test]
fn usage_errors_exit_2_and_bad_db_paths_exit_1() {
    let c = Cli::new();
    assert_eq!(c.run(&["ticket", "frobnicate"], "").status.code(), Some(2));
    assert_eq!(
        c.run(&["ticket", "assign", "BX-202611-0001"], "")
            .status
            .code(),
        Some(2),
        "missing --tech"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_baoxiu"))
        .args(["--db", c.dir.path().to_str().unwrap(), "tech", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error[database]: "));
    let junk = c.dir.path().join("junk.db");
    std::fs::write(&junk, b"hello, not sqlite at all; hello, not sqlite at all").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_baoxiu"))
        .args(["--db", junk.to_str().unwrap(), "tech", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不是报修台数据库"));
}

#[test]
fn baoxiu_db_env_is_the_default_database() {
    let c = Cli::new();
    let out = Command::new(env!("CARGO_BIN_EXE_baoxiu"))
        .args(["tech", "add", "--name", "张师傅", "--skills", "水路"])
        .env("BAOXIU_DB", c.db())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(c.ok(&["tech", "list"], "")[0]["name"], "张师傅");
}

#[test]
fn demo_seed_fills_an_empty_database_with_every_status() {
    let c = Cli::new();
    let out = c.ok(&["seed", "--demo"], "");
    assert_eq!(
        (out["sites"].as_i64(), out["technicians"].as_i64()),
        (Some(2), Some(8))
    );
    assert!(out["units"].as_i64().unwrap() >= 200);
    assert_eq!(out["tickets"], 600);
    let store = baoxiu::Store::open(c.db()).unwrap();
    for status in [
        "received",
        "assigned",
        "in_progress",
        "on_hold",
        "completed",
        "closed",
        "cancelled",
    ] {
        let n = store
            .list_tickets(&baoxiu::store::TicketFilter {
                statuses: vec![status.into()],
                limit: Some(1),
                ..Default::default()
            })
            .unwrap()
            .total;
        assert!(n > 0, "no {status} tickets in the demo");
    }
    // The demo has one account per role: changes now need one (--by).
    let (code, _) = c.refused(&["seed", "--demo"], "");
    assert_eq!(code, "forbidden", "the demo office uses accounts");
    let (code, _) = c.refused(&["seed", "--demo", "--by", "管理员"], "");
    assert_eq!(
        code, "precondition",
        "demo data only goes into an empty database"
    );
}

/// The demo opens like a live office (issue 11): open work is from the last days, not
/// a backlog since September; a handful of escalations; work under way; and every
/// completed ticket's cause fits its fault.
#[test]
fn the_demo_looks_like_a_live_office() {
    let c = Cli::empty();
    c.ok(&["seed", "--demo"], "");
    let store = baoxiu::Store::open(c.db()).unwrap();
    let now = at(CLI_NOW);
    let all = store
        .list_tickets(&baoxiu::store::TicketFilter {
            limit: Some(1000),
            ..Default::default()
        })
        .unwrap()
        .tickets;
    assert_eq!(all.len(), 600);
    for t in &all {
        if t.status.is_open() || t.status == baoxiu::ticket::Status::Completed {
            assert!(
                now - t.received_at < chrono::Duration::days(7),
                "{} {} since {}",
                t.number,
                t.status.label(),
                t.received_at
            );
        }
        if let Some(cause) = &t.cause {
            let cause = cause.trim_start_matches("返修：");
            assert!(
                baoxiu::seed::remedies(&t.category)
                    .iter()
                    .any(|(c, _)| *c == cause),
                "{} {}: {cause}",
                t.number,
                t.category
            );
        }
    }
    let in_progress = all
        .iter()
        .filter(|t| t.status == baoxiu::ticket::Status::InProgress)
        .count();
    assert!(in_progress >= 2, "维修中 {in_progress}");
    let escalations = c.ok(&["escalations", "--by", "管理员"], "");
    let n = escalations.as_array().unwrap().len();
    assert!((1..=10).contains(&n), "{n} escalations");
    // A few reworks that were finished in a second round.
    assert!(all
        .iter()
        .any(|t| t.rework_count > 0 && t.status == baoxiu::ticket::Status::Closed));
}

#[test]
fn backup_and_restore_round_trip() {
    let c = Cli::new();
    let n = c.ok(&["ticket", "new"], NEW)["number"]
        .as_str()
        .unwrap()
        .to_string();
    let copy = c.dir.path().join("backup.db");
    c.ok(&["backup", "--out", copy.to_str().unwrap()], "");
    let (code, _) = c.refused(&["backup", "--out", copy.to_str().unwrap()], "");
    assert_eq!(
        code, "invalid_input",
        "an existing backup is never overwritten"
    );
    c.ok(&["ticket", "cancel", &n, "--reason", "误登记"], "");
    assert_eq!(c.ok(&["ticket", "show", &n], "")["status"], "cancelled");
    let restored = c.ok(&["restore", copy.to_str().unwrap()], "");
    assert_eq!(restored["counters"]["received"], 1);
    assert_eq!(
        restored["restore"]["backup_version"],
        baoxiu::store::MIGRATIONS.len()
    );
    let safety = restored["restore"]["safety_backup"].as_str().unwrap();
    assert!(std::path::Path::new(safety).is_file(), "{safety}");
    assert_eq!(c.ok(&["ticket", "show", &n], "")["status"], "received");
    let junk = c.dir.path().join("junk.bin");
    std::fs::write(&junk, vec![7u8; 4096]).unwrap();
    let before = c.dump();
    let (code, _) = c.refused(&["restore", junk.to_str().unwrap()], "");
    assert_eq!(code, "database");
    assert_eq!(c.dump(), before);
}

/// Issue 8 item 1: a file with our application_id and user_version=1 holding only
/// `create table t(a)` used to exit 1 *after* wiping every ticket.
#[test]
fn a_refused_restore_keeps_the_database() {
    let c = Cli::new();
    let n = c.ok(&["ticket", "new"], NEW)["number"]
        .as_str()
        .unwrap()
        .to_string();
    let evil = c.dir.path().join("evil.bak");
    {
        let conn = rusqlite::Connection::open(&evil).unwrap();
        conn.execute_batch(
            "PRAGMA application_id = 1113080881; PRAGMA user_version = 1; CREATE TABLE t(a);",
        )
        .unwrap();
    }
    let before = c.dump();
    let (code, msg) = c.refused(&["restore", evil.to_str().unwrap()], "");
    assert_eq!(code, "database");
    assert!(
        msg.contains("不能用来恢复") && msg.contains("表结构"),
        "{msg}"
    );
    assert_eq!(c.dump(), before);
    assert_eq!(c.ok(&["ticket", "show", &n], "")["status"], "received");
    assert!(
        !c.dir.path().join("backups").exists(),
        "no safety copy for a restore refused before it"
    );
}

#[test]
fn windows_style_input_and_show_with_history() {
    let c = Cli::new();
    let with_bom = format!("\u{feff}{NEW}");
    let t = c.ok(&["ticket", "new", "--at", "2026-11-20 08:45"], &with_bom);
    assert_eq!(
        t["received_at"], "2026-11-20T08:45:00+08:00",
        "--at overrides received_at"
    );
    let n = t["number"].as_str().unwrap();
    let shown = c.ok(&["ticket", "show", n], "");
    assert_eq!(shown["history"][0]["action"], "created");
    assert_eq!(shown["number"], n);
    let out = c.run(&["ticket", "new"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(c
        .ok(&["ticket", "list", "--sort", "-received_at"], "")
        .is_array());
    assert!(String::from_utf8_lossy(&out.stderr).contains("标准输入没有 JSON"));
}

#[test]
fn demo_data_never_lands_on_an_office_that_has_data() {
    let c = Cli::new();
    c.ok(
        &[
            "tech",
            "add",
            "--name",
            "张国强",
            "--skills",
            "电梯",
            "--capacity",
            "2",
        ],
        "",
    );
    let (code, msg) = c.refused(&["seed", "--demo"], "");
    assert_eq!(code, "precondition");
    assert!(msg.contains("维修人员 1 名"), "{msg}");
    assert_eq!(c.ok(&["tech", "list"], "")[0]["daily_capacity"], 2);
}

// ---- issue 8 (items 4, 6, 7, minor): bad input from scripts ------------------------

/// Before issue 8: an appointment in the year 262142 killed the process (exit 101),
/// `--month +2026-11` was taken as November 2026, a repeated key silently kept one
/// value, and `"room": 18446744073709551616` was stored as `1.8446744073709552e+19`.
#[test]
fn odd_input_from_scripts_is_refused_with_exit_1() {
    let c = Cli::new();
    c.ok(&["ticket", "new"], NEW);
    let before = c.dump();
    let far = NEW.replace(
        r#""urgency":"normal""#,
        r#""urgency":"scheduled","appointment_at":"+262142-12-31 23:59""#,
    );
    let (code, msg) = c.refused(&["ticket", "new"], &far);
    assert_eq!(code, "invalid_input");
    assert!(msg.contains("预约时间"), "{msg}");
    let (code, msg) = c.refused(&["ticket", "new", "--at", "0000-01-01 00:00"], NEW);
    assert_eq!(code, "invalid_input");
    assert!(msg.contains("2000"), "{msg}");
    let twice = NEW.replace(r#""room":"501""#, r#""room":"501","room":"502""#);
    let (code, msg) = c.refused(&["ticket", "new"], &twice);
    assert_eq!(code, "invalid_input");
    assert!(msg.contains("“room”出现了两次"), "{msg}");
    let huge = NEW.replace(r#""room":"501""#, r#""room":18446744073709551616"#);
    let (code, msg) = c.refused(&["ticket", "new"], &huge);
    assert_eq!(code, "invalid_input");
    assert!(msg.contains("“room”的数字"), "{msg}");
    let emoji = NEW.replace("王建国", "王🔥");
    let (code, msg) = c.refused(&["ticket", "new"], &emoji);
    assert_eq!(code, "missing_glyph");
    assert!(msg.contains("U+1F525"), "{msg}");
    for args in [
        &["report", "--month", "+2026-11"][..],
        &["report", "--month", "2026-11-01"][..],
        &["report", "--month", "+262142-01"][..],
        &["report", "--month", "1999-12"][..],
        &["ticket", "list", "--month", "+2026-11"][..],
        &["ticket", "list", "--from", "+2026-11-01"][..],
    ] {
        let (code, msg) = c.refused(args, "");
        assert_eq!(code, "invalid_input", "{args:?}: {msg}");
        assert!(msg.contains("格式不对"), "{args:?}: {msg}");
    }
    assert_eq!(c.dump(), before);
    // The strict month still takes what offices write.
    c.ok(&["report", "--month", "2026-11"], "");
    c.ok(&["report", "--month", " 2026-1 "], "");
}

/// The office's log: start-up, migration and a refused command by its code — never what
/// was typed (the message quotes the number and could quote a phone).
#[test]
fn the_log_names_refusals_by_code_without_what_was_typed() {
    let c = Cli::new();
    let (code, _) = c.refused(&["ticket", "show", "BX-202611-13800138000"], "");
    assert_eq!(code, "not_found");
    let logs = c.dir.path().join("logs");
    let text: String = std::fs::read_dir(&logs)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(text.contains("program=\"baoxiu-cli\""), "{text}");
    assert!(
        text.contains("command=\"ticket\"") && text.contains("code=\"not_found\""),
        "{text}"
    );
    assert!(!text.contains("13800138000"), "{text}");
}

/// `backup --daily` is what the window does at start and what cron runs; `backup list`
/// shows the copies newest first with the last good one.
#[test]
fn daily_backup_once_a_day_and_the_list_newest_first() {
    let c = Cli::new();
    c.ok(&["counters"], "");
    let first = c.ok(&["backup", "--daily"], "");
    assert_eq!(first["made"], true, "{first}");
    assert_eq!(first["copy"]["file_name"], "每日-20261125.db");
    assert_eq!(first["copy"]["kind_label"], "每日");
    assert_eq!(first["copy"]["checked_ok"], true);
    let second = c.ok(&["backup", "--daily"], "");
    assert_eq!(second["made"], false);
    assert!(
        second["message"].as_str().unwrap().contains("已经做过"),
        "{second}"
    );
    let list = c.ok(&["backup", "list"], "");
    let copies = list["backups"].as_array().unwrap();
    assert_eq!(copies.len(), 1, "{list}");
    assert_eq!(copies[0]["kind"], "daily");
    assert_eq!(list["stale"], false);
    assert!(list["last_good_backup"]
        .as_str()
        .unwrap()
        .starts_with("2026-11-25T12:00:00"));

    let (code, msg) = c.refused(&["settings", "set", "--daily-backups-kept", "0"], "");
    assert_eq!(code, "invalid_input");
    assert!(msg.contains("每日备份保留份数"), "{msg}");
    let set = c.ok(&["settings", "set", "--daily-backups-kept", "7"], "");
    assert_eq!(set["daily_backups_kept"], 7);
    let (code, _) = c.refused(&["backup"], "");
    assert_eq!(code, "invalid_input");
}
