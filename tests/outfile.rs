//! Files the office asks for (维修单 PDF, month exports) never land on the office's own
//! data, never replace a file silently, and a print is recorded only when its PDF exists.

use baoxiu::Error;

use crate::cli::{Cli, NEW};
use crate::common::{db, new_ticket};

fn new_number(c: &Cli) -> String {
    c.ok(&["ticket", "new"], NEW)["number"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn print_refuses_to_overwrite_the_database_and_its_folders() {
    let c = Cli::new();
    let n = new_number(&c);
    let before = c.dump();
    let db = c.db();
    let dir = c.dir.path();
    std::fs::create_dir_all(dir.join("attachments")).unwrap();
    for out in [
        db.clone(),
        format!("{db}-wal"),
        dir.join("attachments/slip.pdf").display().to_string(),
        dir.join("backups/slip.pdf").display().to_string(),
    ] {
        let (code, msg) = c.refused(&["print", &n, "--out", &out, "--force"], "");
        assert_eq!(code, "invalid_input", "{out}: {msg}");
    }
    // The database is still ours and holds the ticket, with no print recorded.
    assert_eq!(c.dump(), before);
    assert_eq!(c.ok(&["ticket", "show", &n], "")["print_count"], 0);
    assert!(!dir.join("backups").exists());
}

#[test]
fn print_and_report_replace_an_existing_file_only_with_force() {
    let c = Cli::new();
    let n = new_number(&c);
    let pdf = c.dir.path().join("维修单.pdf");
    let pdf = pdf.to_str().unwrap();
    c.ok(&["print", &n, "--out", pdf], "");
    let first = std::fs::read(pdf).unwrap();
    let (code, msg) = c.refused(&["print", &n, "--out", pdf], "");
    assert_eq!(code, "invalid_input");
    assert!(msg.contains("已存在") && msg.contains("--force"), "{msg}");
    assert_eq!(
        std::fs::read(pdf).unwrap(),
        first,
        "refused: file untouched"
    );
    assert_eq!(c.ok(&["ticket", "show", &n], "")["print_count"], 1);
    c.ok(&["print", &n, "--out", pdf, "--force"], "");
    assert_eq!(c.ok(&["ticket", "show", &n], "")["print_count"], 2);

    let (code, msg) = c.refused(&["print", &n, "--out", "slip.txt"], "");
    assert_eq!(code, "invalid_input");
    assert!(msg.contains(".pdf"), "{msg}");

    let csv = c.dir.path().join("月报.csv");
    std::fs::write(&csv, "业主自己的表格").unwrap();
    let csv = csv.to_str().unwrap();
    let (code, msg) = c.refused(&["report", "--month", "2026-11", "--out", csv], "");
    assert_eq!(code, "invalid_input");
    assert!(msg.contains("--force"), "{msg}");
    assert_eq!(std::fs::read_to_string(csv).unwrap(), "业主自己的表格");
    let done = c.ok(
        &["report", "--month", "2026-11", "--out", csv, "--force"],
        "",
    );
    assert_eq!(done["tickets"], 1);
    assert!(std::fs::read(csv).unwrap().starts_with(b"\xEF\xBB\xBF"));
    let (code, _) = c.refused(
        &["report", "--month", "2026-11", "--out", &c.db(), "--force"],
        "",
    );
    assert_eq!(code, "invalid_input");
}

#[cfg(unix)]
#[test]
fn a_print_that_fails_records_nothing() {
    use std::os::unix::ffi::OsStrExt;
    let c = Cli::new();
    let n = new_number(&c);
    let before = c.dump();
    // A path that is not UTF-8: refused before anything is written or recorded.
    let name = std::ffi::OsStr::from_bytes(b"slip-\xff.pdf");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_baoxiu"))
        .arg("--db")
        .arg(c.db())
        .args(["print", &n, "--out"])
        .arg(c.dir.path().join(name))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error[invalid_input]: "));
    assert_eq!(c.dump(), before);
    assert!(!c.dir.path().join(name).exists());
}

#[test]
fn prints_are_recorded_only_when_the_file_is_delivered() {
    let mut d = db();
    let a = new_ticket(&mut d.store, "2026-11-20 09:00");
    let b = new_ticket(&mut d.store, "2026-11-20 09:05");
    let before = d.store.dump().unwrap();
    let numbers = [a.number.clone(), b.number.clone()];
    let e = d
        .store
        .record_prints(&numbers, "前台小李", || {
            Err(Error::invalid("打印机没有纸"))
        })
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert_eq!(d.store.dump().unwrap(), before);
    d.store
        .record_prints(&numbers, "前台小李", || Ok(()))
        .unwrap();
    for n in &numbers {
        assert_eq!(d.store.ticket(n).unwrap().print_count, 1);
    }
}

#[test]
fn seed_refuses_an_absurd_ticket_count() {
    let c = Cli::new();
    let (code, msg) = c.refused(&["seed", "--tickets", "1000000000000"], "");
    assert_eq!(code, "invalid_input");
    assert!(msg.contains("5000000"), "{msg}");
    assert_eq!(c.ok(&["ticket", "list"], ""), serde_json::json!([]));
}
