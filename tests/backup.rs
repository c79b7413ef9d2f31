//! 备份 and 恢复: a backup carries the attachments; a restore validates the candidate
//! completely and either replaces everything or changes nothing (issue 8, items 1 and 9).

use std::path::{Path, PathBuf};

use baoxiu::attachment::AttachmentKind;
use baoxiu::Store;

use crate::common::*;

/// What a user sees in the database's folder: every file and folder name, recursively,
/// with `backups/` left out (a successful restore adds a safety copy there).
fn listing(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(base).unwrap().display().to_string();
            out.push(rel);
            if path.is_dir() {
                walk(base, &path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// A database with one ticket and one fault photo attached, and a scratch folder
/// (outside the database's folder) for backups and candidate files.
struct Office {
    db: TestDb,
    elsewhere: tempfile::TempDir,
    number: String,
    photo_bytes: Vec<u8>,
}

fn office() -> Office {
    let mut db = db();
    let number = new_ticket(&mut db.store, "2026-11-20 09:00").number;
    let elsewhere = tempfile::tempdir().unwrap();
    let photo = elsewhere.path().join("漏水.jpg");
    let photo_bytes = b"\xff\xd8\xff fault photo of the leaking pipe".to_vec();
    std::fs::write(&photo, &photo_bytes).unwrap();
    db.store
        .attach(&number, AttachmentKind::FaultPhoto, &photo, "前台小李")
        .unwrap();
    Office {
        db,
        elsewhere,
        number,
        photo_bytes,
    }
}

impl Office {
    fn file(&self, name: &str) -> PathBuf {
        self.elsewhere.path().join(name)
    }

    /// The stored attachment file under the live database's `attachments/`.
    fn stored_photo(&self) -> PathBuf {
        let a = self.db.store.attachments(&self.number).unwrap().remove(0);
        self.db
            .dir
            .path()
            .join("attachments")
            .join(format!("{}.jpg", a.sha256))
    }

    /// Try to restore `from` and check the refusal changed nothing: same dump, same
    /// files in the database's folder, no safety copy. Returns the message.
    fn refused_restore(&mut self, from: &Path) -> String {
        let before = self.db.store.dump().unwrap();
        let files = listing(self.db.dir.path());
        let err = self.db.store.restore(from).unwrap_err();
        assert_eq!(err.code(), "database", "{err}");
        assert_eq!(self.db.store.dump().unwrap(), before);
        assert_eq!(listing(self.db.dir.path()), files, "files left behind");
        self.db.store = crate::common::open_at(&self.db.path(), self.db.dir.path());
        assert_eq!(self.db.store.dump().unwrap(), before, "after reopening");
        if !crate::common::on_postgres() {
            let check: String = rusqlite::Connection::open(self.db.path())
                .unwrap()
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .unwrap();
            assert_eq!(check, "ok");
        }
        err.to_string()
    }
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn a_file_with_our_id_but_a_foreign_schema_is_refused_and_the_office_keeps_its_tickets() {
    let mut o = office();
    let evil = o.file("evil.bak");
    {
        let c = rusqlite::Connection::open(&evil).unwrap();
        c.execute_batch(
            "PRAGMA application_id = 1113080881; PRAGMA user_version = 1; CREATE TABLE t(a);",
        )
        .unwrap();
    }
    let msg = o.refused_restore(&evil);
    assert!(msg.contains("表结构"), "{msg}");
    assert!(has_chinese(&msg));
    assert_eq!(
        o.db.store.ticket(&o.number).unwrap().number,
        o.number,
        "the ticket is still there"
    );
}

#[test]
fn a_backup_with_4_kb_overwritten_in_the_middle_is_refused() {
    let mut o = office();
    // Enough rows that the middle of the file is table and index pages.
    for i in 0..40 {
        let mut d = draft("2026-11-20 09:30");
        d.description = Some(format!("第{i}户 卫生间地漏返水，{}", "水".repeat(200)));
        o.db.store.create_ticket(&d, "前台小李").unwrap();
    }
    let good = o.file("good.db");
    o.db.store.backup(&good).unwrap();
    let mut bytes = std::fs::read(&good).unwrap();
    let mid = (bytes.len() / 2) & !4095;
    bytes[mid..mid + 4096].fill(0x5a);
    let damaged = o.file("damaged.db");
    std::fs::write(&damaged, &bytes).unwrap();
    let msg = o.refused_restore(&damaged);
    assert!(msg.contains("损坏"), "{msg}");
}

#[test]
fn a_file_that_is_not_sqlite_is_refused() {
    let mut o = office();
    let junk = o.file("照片.jpg");
    std::fs::write(&junk, "这不是备份文件。".repeat(500)).unwrap();
    let msg = o.refused_restore(&junk);
    assert!(msg.contains("不是"), "{msg}");
}

#[test]
fn a_backup_from_a_newer_version_is_refused() {
    let mut o = office();
    let newer = o.file("newer.db");
    o.db.store.backup(&newer).unwrap();
    {
        let c = rusqlite::Connection::open(&newer).unwrap();
        let v = baoxiu::store::MIGRATIONS.len() + 1;
        c.execute_batch(&format!("PRAGMA user_version = {v};"))
            .unwrap();
    }
    let msg = o.refused_restore(&newer);
    assert!(msg.contains("升级"), "{msg}");
}

#[test]
fn another_programs_database_is_refused() {
    let mut o = office();
    let other = o.file("other.sqlite");
    {
        let c = rusqlite::Connection::open(&other).unwrap();
        c.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x');")
            .unwrap();
    }
    let msg = o.refused_restore(&other);
    assert!(msg.contains("不是报修台"), "{msg}");
}

#[test]
fn a_backup_whose_rows_point_at_nothing_is_refused() {
    let mut o = office();
    let broken = o.file("broken.db");
    o.db.store.backup(&broken).unwrap();
    {
        let c = rusqlite::Connection::open(&broken).unwrap();
        c.execute_batch("PRAGMA foreign_keys = OFF; UPDATE tickets SET category_id = 999;")
            .unwrap();
    }
    let msg = o.refused_restore(&broken);
    assert!(msg.contains("关联"), "{msg}");
}

#[test]
fn a_backup_with_an_extra_trigger_is_refused() {
    let mut o = office();
    let tampered = o.file("tampered.db");
    o.db.store.backup(&tampered).unwrap();
    {
        let c = rusqlite::Connection::open(&tampered).unwrap();
        c.execute_batch(
            "CREATE TRIGGER wipe AFTER INSERT ON tickets BEGIN DELETE FROM tickets; END;",
        )
        .unwrap();
    }
    let msg = o.refused_restore(&tampered);
    assert!(msg.contains("wipe"), "{msg}");
}

#[test]
fn an_attachment_row_naming_a_path_outside_the_folder_is_refused() {
    let mut o = office();
    let tampered = o.file("tampered.db");
    o.db.store.backup(&tampered).unwrap();
    {
        let c = rusqlite::Connection::open(&tampered).unwrap();
        c.execute_batch("UPDATE attachments SET sha256 = '../../baoxiu.db';")
            .unwrap();
    }
    let msg = o.refused_restore(&tampered);
    assert!(msg.contains("附件"), "{msg}");
}

#[test]
fn the_live_database_itself_is_not_a_backup() {
    if crate::common::on_postgres() {
        return; // about the live SQLite file and its page size
    }
    let mut o = office();
    let live = o.db.path();
    let msg = o.refused_restore(&live);
    assert!(msg.contains("正在使用"), "{msg}");
}

#[test]
fn round_trip_brings_back_the_tickets_and_the_attachment_files() {
    let mut o = office();
    let out = o.file("备份-20261120.db");
    let made = o.db.store.backup(&out).unwrap();
    assert_eq!(made.attachments_copied, 1);
    assert!(made.attachments_missing.is_empty());
    let folder = o.file("备份-20261120-附件");
    assert_eq!(made.attachments_dir.as_deref(), Some(folder.as_path()));
    let before = dump_data(&o.db.store);

    // After the backup: a new ticket, a cancelled one, and the photo file lost.
    let extra = new_ticket(&mut o.db.store, "2026-11-20 09:40").number;
    std::fs::remove_file(o.stored_photo()).unwrap();
    assert_eq!(
        o.db.store.attachment(1).unwrap_err().code(),
        "not_found",
        "the desk now says the file is missing"
    );

    let done = o.db.store.restore(&out).unwrap();
    assert_eq!(dump_data(&o.db.store), before);
    assert_eq!(o.db.store.ticket(&extra).unwrap_err().code(), "not_found");
    let (_, path) = o.db.store.attachment(1).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), o.photo_bytes);
    assert_eq!(done.attachments_restored, 1);
    assert!(done.attachments_missing.is_empty());

    // The safety copy holds what the office had just before the restore.
    let safety = Store::open(&done.safety_backup).unwrap();
    assert!(safety.ticket(&extra).is_ok());
    assert_eq!(
        done.safety_backup,
        o.db.dir
            .path()
            .join("backups")
            .join("恢复前-20261120-100000.db")
    );
    // A second restore in the same second keeps both safety copies.
    let again = o.db.store.restore(&out).unwrap();
    assert_ne!(again.safety_backup, done.safety_backup);
    assert!(done.safety_backup.is_file() && again.safety_backup.is_file());
    assert_eq!(again.attachments_restored, 0, "the file is already there");
}

#[test]
fn an_old_backup_without_the_attachments_folder_restores_and_names_the_missing_files() {
    let mut o = office();
    let out = o.file("old.db");
    o.db.store.backup(&out).unwrap();
    std::fs::remove_dir_all(o.file("old-附件")).unwrap();
    new_ticket(&mut o.db.store, "2026-11-20 09:40");
    std::fs::remove_file(o.stored_photo()).unwrap();
    let done = o.db.store.restore(&out).unwrap();
    assert_eq!(done.attachments_restored, 0);
    assert_eq!(done.attachments_missing, vec!["漏水.jpg".to_string()]);
    assert_eq!(
        o.db.store.list_tickets(&Default::default()).unwrap().total,
        1
    );
}

#[test]
fn a_corrupt_attachment_in_the_backup_is_not_copied_and_is_named() {
    let mut o = office();
    let out = o.file("b.db");
    o.db.store.backup(&out).unwrap();
    let name = o.stored_photo().file_name().unwrap().to_owned();
    std::fs::write(o.file("b-附件").join(&name), b"bit rot").unwrap();
    std::fs::remove_file(o.stored_photo()).unwrap();
    let done = o.db.store.restore(&out).unwrap();
    assert_eq!(done.attachments_missing, vec!["漏水.jpg".to_string()]);
    assert!(
        !o.stored_photo().exists(),
        "a corrupt copy is never installed"
    );
}

#[test]
fn a_backup_with_another_page_size_restores() {
    if crate::common::on_postgres() {
        return; // about the live SQLite file and its page size
    }
    let mut o = office();
    let out = o.file("big-pages.db");
    o.db.store.backup(&out).unwrap();
    {
        let c = rusqlite::Connection::open(&out).unwrap();
        c.execute_batch("PRAGMA page_size = 8192; VACUUM;").unwrap();
        let size: i64 = c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
        assert_eq!(size, 8192);
    }
    let before = dump_data(&o.db.store);
    new_ticket(&mut o.db.store, "2026-11-20 09:40");
    o.db.store.restore(&out).unwrap();
    assert_eq!(dump_data(&o.db.store), before);
}

#[test]
fn a_backup_never_lands_on_the_database_its_journal_or_the_attachments() {
    if crate::common::on_postgres() {
        return; // about the live SQLite file and its page size
    }
    let o = office();
    let dir = o.db.dir.path();
    let before = o.db.store.dump().unwrap();
    for target in [
        dir.join("baoxiu.db"),
        dir.join("baoxiu.db-wal"),
        dir.join("baoxiu.db-shm"),
        dir.join("attachments").join("copy.db"),
        dir.join("no-such-folder").join("copy.db"),
    ] {
        let err = o.db.store.backup(&target).unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{}: {err}", target.display());
        assert!(has_chinese(&err.to_string()));
    }
    assert_eq!(o.db.store.dump().unwrap(), before);
    assert!(!dir.join("attachments").join("copy.db").exists());
    let header = std::fs::read(dir.join("baoxiu.db")).unwrap();
    assert!(header.starts_with(b"SQLite format 3\0"));
}

/// The old restore replaced the data first and read the office time zone after: a
/// backup with a zone this version cannot read failed *after* wiping the live data.
#[test]
fn a_backup_with_an_unreadable_time_zone_is_refused() {
    let mut o = office();
    let odd = o.file("odd.db");
    o.db.store.backup(&odd).unwrap();
    {
        let c = rusqlite::Connection::open(&odd).unwrap();
        c.execute_batch("UPDATE settings SET value = 'Mars/Olympus' WHERE key = 'time_zone';")
            .unwrap();
    }
    let msg = o.refused_restore(&odd);
    assert!(msg.contains("时区"), "{msg}");
}

/// The window keeps the database open while the CLI restores: the other connection
/// sees the restored data, never a mix.
#[test]
fn a_restore_while_another_connection_is_open_is_seen_whole_by_it() {
    let mut o = office();
    let out = o.file("b.db");
    o.db.store.backup(&out).unwrap();
    let before = dump_data(&o.db.store);
    let extra = new_ticket(&mut o.db.store, "2026-11-20 09:40").number;
    let window = Store::open(o.db.path()).unwrap();
    assert!(window.ticket(&extra).is_ok());
    o.db.store.restore(&out).unwrap();
    assert_eq!(dump_data(&window), before);
    assert_eq!(window.ticket(&extra).unwrap_err().code(), "not_found");
}
