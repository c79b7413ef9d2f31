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
    if on_postgres() {
        // A shared office keeps the file in the database too: the desk fetches it again.
        let (_, fetched) = o.db.store.attachment(1).unwrap();
        assert_eq!(std::fs::read(&fetched).unwrap(), o.photo_bytes);
        std::fs::remove_file(fetched).unwrap();
    } else {
        assert_eq!(
            o.db.store.attachment(1).unwrap_err().code(),
            "not_found",
            "the desk now says the file is missing"
        );
    }

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

// ---- 自动备份: daily copies, rotation, 迁移前 copies, the list and the stale warning ----

use baoxiu::store::{backup_is_stale, BackupKind};

/// The names in the database's `backups/`, sorted.
fn backup_names(store: &Store) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(store.backups_dir()) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

/// Every table's rows of a SQLite file, read behind the store's back (no migration).
fn raw_rows(path: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = c
            .prepare(&format!("SELECT * FROM \"{t}\" ORDER BY 1"))
            .unwrap();
        let cols = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let vals: Vec<String> = (0..cols)
                .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                .collect();
            out.push(format!("{t}|{}", vals.join("|")));
        }
    }
    out
}

#[test]
fn the_first_daily_backup_makes_a_checked_copy_and_a_second_the_same_day_does_nothing() {
    let mut db = db_at("2026-11-20 08:30");
    let number = new_ticket(&mut db.store, "2026-11-20 08:00").number;
    let first = db.store.daily_backup().unwrap();
    assert!(first.made, "{first:?}");
    assert_eq!(first.copy.file_name, "每日-20261120.db");
    assert_eq!(first.copy.kind, BackupKind::Daily);
    assert_eq!(first.copy.kind_label, "每日");
    assert!(first.copy.checked_ok);
    assert_eq!(
        first.copy.taken_at,
        at("2026-11-20 08:30"),
        "the list shows when it was taken"
    );
    db.store.verify_backup(&first.copy.path).unwrap();
    // A PostgreSQL office keeps its daily copies in this PC's files folder, as the
    // portable SQLite file.
    assert!(
        first.copy.path.starts_with(db.dir.path()),
        "{:?}",
        first.copy.path
    );
    assert_eq!(
        db.store.engine() == baoxiu::store::Engine::Postgres,
        on_postgres()
    );
    // The copy is a whole office, in one file: the ticket is in it.
    let copied: String = rusqlite::Connection::open_with_flags(
        &first.copy.path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap()
    .query_row("SELECT number FROM tickets", [], |r| r.get(0))
    .unwrap();
    assert_eq!(copied, number);

    let names = backup_names(&db.store);
    let bytes = std::fs::read(&first.copy.path).unwrap();
    db.store.set_now(Some(at("2026-11-20 23:59")));
    let second = db.store.daily_backup().unwrap();
    assert!(!second.made);
    assert!(second.message.contains("已经做过"), "{}", second.message);
    assert_eq!(backup_names(&db.store), names);
    assert_eq!(std::fs::read(&first.copy.path).unwrap(), bytes);

    // The next office day makes the next copy.
    db.store.set_now(Some(at("2026-11-21 00:01")));
    assert!(db.store.daily_backup().unwrap().made);
}

/// A copy interrupted mid-way (the window closed, the power cut) leaves a hidden
/// `.part` file as large as the database; the next day's daily backup removes those
/// started before yesterday, and leaves a copy that may still be running.
#[test]
fn the_daily_backup_removes_what_interrupted_copies_left_before_yesterday() {
    let mut db = db_at("2026-11-20 08:30");
    let dir = db.store.backups_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let old = [
        ".每日-20261110.db.4242.part",
        ".手动-20261118-093000.db.77.part",
    ];
    let recent = [
        ".每日-20261119.db.4243.part",
        ".手动-20261120-080000.db.78.part",
    ];
    let unrelated = [".notes.part", "每日-20261101.db.part"];
    for name in old.iter().chain(&recent).chain(&unrelated) {
        std::fs::write(dir.join(name), b"half a copy").unwrap();
    }
    std::fs::write(dir.join(".每日-20261110.db.4242.part-journal"), b"j").unwrap();
    let r = db.store.daily_backup().unwrap();
    assert!(r.made, "{r:?}");
    for name in old {
        assert!(!dir.join(name).exists(), "{name} was left");
    }
    assert!(!dir.join(".每日-20261110.db.4242.part-journal").exists());
    for name in recent.iter().chain(&unrelated) {
        assert!(dir.join(name).exists(), "{name} was removed");
    }
    let log = db.store.audit_log(&Default::default()).unwrap();
    assert!(
        log.iter().any(|e| e.detail.contains("临时文件 2 个")),
        "{:?}",
        log.iter().map(|e| &e.detail).collect::<Vec<_>>()
    );
    // A second start the same day finds nothing more to do.
    db.store.set_now(Some(at("2026-11-20 09:00")));
    assert!(!db.store.daily_backup().unwrap().made);
}

#[test]
fn the_31st_day_deletes_only_the_oldest_daily_copy_and_never_manual_or_safety_copies() {
    let mut o = office();
    o.db.store.set_now(Some(at("2026-10-31 18:00")));
    let (manual, _) = o.db.store.backup_now(&mut |_| {}).unwrap();
    let out = o.file("外部备份.db");
    o.db.store.backup(&out).unwrap();
    o.db.store.restore(&out).unwrap();
    let before_31: Vec<String> = backup_names(&o.db.store);
    assert!(
        before_31.iter().any(|n| n.starts_with("恢复前-")),
        "{before_31:?}"
    );

    let start = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    for day in 0..31 {
        let d = start + chrono::Days::new(day);
        o.db.store
            .set_now(Some(at(&format!("{} 08:00", d.format("%Y-%m-%d")))));
        let r = o.db.store.daily_backup().unwrap();
        assert!(r.made);
        if day < 30 {
            assert!(r.removed.is_empty(), "day {day}: {r:?}");
        } else {
            assert_eq!(r.removed, ["每日-20261101.db"]);
            assert_eq!(r.daily_copies, 30);
        }
    }
    let names = backup_names(&o.db.store);
    let daily: Vec<&String> = names.iter().filter(|n| n.starts_with("每日-")).collect();
    assert_eq!(daily.len(), 30);
    assert_eq!(daily[0], "每日-20261102.db");
    assert_eq!(daily[29], "每日-20261201.db");
    for kept in &before_31 {
        assert!(names.contains(kept), "{kept} was deleted by the rotation");
    }
    assert!(manual.backup.is_file());

    // The list: newest first, every kind named.
    let list = o.db.store.list_backups().unwrap();
    assert_eq!(list[0].file_name, "每日-20261201.db");
    assert!(list.windows(2).all(|w| w[0].taken_at >= w[1].taken_at));
    for kind in [
        BackupKind::Daily,
        BackupKind::Manual,
        BackupKind::BeforeRestore,
    ] {
        assert!(
            list.iter().any(|c| c.kind == kind && c.checked_ok),
            "{kind:?}"
        );
    }
}

#[test]
fn fewer_daily_copies_are_kept_when_the_setting_says_so_and_the_range_is_checked() {
    let mut db = db_at("2026-11-01 08:00");
    let mut s = db.store.settings().unwrap();
    assert_eq!(s.daily_backups_kept, 30);
    let before = db.store.dump().unwrap();
    for bad in [366, 1000] {
        s.daily_backups_kept = bad;
        let err = db.store.update_settings(&s).unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains("每日备份保留份数"), "{err}");
        assert_eq!(db.store.dump().unwrap(), before);
    }
    s.daily_backups_kept = 3;
    assert_eq!(db.store.update_settings(&s).unwrap().daily_backups_kept, 3);
    // A screen that does not know the field (sends 0) keeps the stored value.
    s.daily_backups_kept = 0;
    assert_eq!(db.store.update_settings(&s).unwrap().daily_backups_kept, 3);
    for day in 1..=5 {
        db.store
            .set_now(Some(at(&format!("2026-11-{day:02} 08:00"))));
        db.store.daily_backup().unwrap();
    }
    assert_eq!(
        backup_names(&db.store),
        ["每日-20261103.db", "每日-20261104.db", "每日-20261105.db"]
    );
}

#[test]
fn a_manual_backup_reports_its_progress_page_by_page() {
    let mut db = db_at("2026-11-20 10:00");
    // About 2 MB: several steps of the backup API.
    for i in 0..150 {
        let mut d = draft("2026-11-20 09:00");
        d.description = Some(format!("第{i}户 {}", "卫生间漏水".repeat(90)));
        db.store.create_ticket(&d, "前台小李").unwrap();
    }
    let mut seen = Vec::new();
    let (report, copy) = db.store.backup_now(&mut |p| seen.push(p)).unwrap();
    assert!(!seen.is_empty());
    let last = seen.last().unwrap();
    assert_eq!(last.pages_done, last.pages_total);
    assert!(seen.windows(2).all(|w| w[0].pages_done <= w[1].pages_done));
    if !on_postgres() {
        assert!(
            seen.len() > 1,
            "a database this size takes several steps: {seen:?}"
        );
    }
    assert_eq!(copy.kind, BackupKind::Manual);
    assert_eq!(copy.file_name, "手动-20261120-100000.db");
    db.store.verify_backup(&report.backup).unwrap();
}

#[test]
fn the_stale_warning_starts_after_48_hours() {
    let mut db = db_at("2026-11-20 10:00");
    assert!(db.store.last_good_backup().unwrap().is_none());
    assert!(backup_is_stale(None, &at("2026-11-20 10:00")));
    db.store.daily_backup().unwrap();
    let last = db.store.last_good_backup().unwrap().unwrap().taken_at;
    assert_eq!(last, at("2026-11-20 10:00"));
    assert!(!backup_is_stale(Some(&last), &at("2026-11-22 09:59")));
    assert!(backup_is_stale(Some(&last), &at("2026-11-22 10:01")));
    db.store.set_now(Some(at("2026-11-22 10:01")));
    db.store.daily_backup().unwrap();
    let newer = db.store.last_good_backup().unwrap().unwrap().taken_at;
    assert!(!backup_is_stale(Some(&newer), &at("2026-11-22 10:01")));
}

fn v1_fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upgrade/v0.1.0.db")
}

#[test]
fn migrating_an_old_database_first_keeps_a_checked_copy_of_it_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let office = dir.path().join("office.db");
    std::fs::copy(v1_fixture(), &office).unwrap();
    let rows_then = raw_rows(&v1_fixture());
    let store = Store::open(&office).unwrap();
    let copies: Vec<String> = backup_names(&store)
        .into_iter()
        .filter(|n| n.starts_with("迁移前-v1-") && n.ends_with(".db"))
        .collect();
    assert_eq!(copies.len(), 1, "{:?}", backup_names(&store));
    let copy = store.backups_dir().join(&copies[0]);
    assert_eq!(
        raw_rows(&copy),
        rows_then,
        "the copy holds the fixture's rows"
    );
    let version: i64 = rusqlite::Connection::open(&copy)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1);
    store.verify_backup(&copy).unwrap();
    let listed = store.list_backups().unwrap();
    assert_eq!(listed[0].kind, BackupKind::BeforeMigration);
    assert_eq!(listed[0].kind_label, "迁移前");
    assert!(listed[0].checked_ok);
    drop(store);

    // Opening the migrated file again takes no further copy.
    let store = Store::open(&office).unwrap();
    assert_eq!(backup_names(&store).len(), 1);

    // A fresh database has nothing to keep.
    let fresh = Store::open(dir.path().join("new.db")).unwrap();
    assert!(
        fresh.list_backups().unwrap().len() == 1,
        "only office.db's copy"
    );
}

#[test]
fn when_the_migration_copy_cannot_be_made_the_migration_does_not_run() {
    let dir = tempfile::tempdir().unwrap();
    let office = dir.path().join("office.db");
    std::fs::copy(v1_fixture(), &office).unwrap();
    // A file where the backups folder should be: the copy cannot be written.
    std::fs::write(dir.path().join("backups"), "not a folder").unwrap();
    let err = Store::open(&office)
        .err()
        .expect("the open must be refused");
    assert_eq!(err.code(), "database");
    let msg = err.to_string();
    assert!(
        msg.contains("迁移前副本") && msg.contains("没有升级"),
        "{msg}"
    );
    let version: i64 = rusqlite::Connection::open(&office)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1, "not migrated");
    assert_eq!(raw_rows(&office), raw_rows(&v1_fixture()));
}

/// A shared office: a photo attached on one PC opens on another PC, whose own files
/// folder never had it (the contents are kept in the database). On SQLite there is one
/// PC and one folder; nothing to share.
#[test]
fn on_a_shared_office_an_attachment_opens_on_every_pc() {
    if !on_postgres() {
        return;
    }
    let o = office();
    let other_pc_files = tempfile::tempdir().unwrap();
    let other_pc = open_at(&o.db.path(), other_pc_files.path());
    let a = other_pc.attachments(&o.number).unwrap().remove(0);
    let (_, path) = other_pc.attachment(a.id).unwrap();
    assert!(
        path.starts_with(other_pc_files.path()),
        "{}",
        path.display()
    );
    assert_eq!(std::fs::read(&path).unwrap(), o.photo_bytes);
    // Lost again on that PC: fetched again.
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        std::fs::read(other_pc.attachment(a.id).unwrap().1).unwrap(),
        o.photo_bytes
    );
}

/// Moving a one-PC office into the shared database takes its attachment files along:
/// a PC that never had the SQLite file's folder opens them.
#[test]
fn migrating_to_a_shared_database_takes_the_attachment_files_along() {
    let Some(server) = postgres_server() else {
        return;
    };
    // The one-PC office: a SQLite file with a photo.
    let dir = tempfile::tempdir().unwrap();
    let mut local = Store::open(dir.path().join("baoxiu.db")).unwrap();
    local.set_now(Some(at("2026-11-20 10:00")));
    crate::common::declare_sites(&mut local);
    let number = new_ticket(&mut local, "2026-11-20 09:00").number;
    let photo = dir.path().join("签字单.png");
    std::fs::write(&photo, b"\x89PNG signed slip").unwrap();
    local
        .attach(&number, AttachmentKind::SignedSlip, &photo, "前台小李")
        .unwrap();
    // An empty shared database, opened from another PC's files folder.
    let name = format!("t{}_share", std::process::id());
    let mut admin =
        postgres::Client::connect(&format!("{server}/postgres"), postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0"))
        .unwrap();
    let url = format!("{server}/{name}");
    let first_pc = tempfile::tempdir().unwrap();
    let shared = Store::open_postgres(&url, first_pc.path()).unwrap();
    local.copy_into(&shared).unwrap();
    let other_pc = tempfile::tempdir().unwrap();
    let other = Store::open_postgres(&url, other_pc.path()).unwrap();
    let a = other.attachments(&number).unwrap().remove(0);
    assert_eq!(
        std::fs::read(other.attachment(a.id).unwrap().1).unwrap(),
        b"\x89PNG signed slip"
    );
}

// ---- issue 12: the 每日备份 on a connection of its own --------------------------------

/// The URL a second connection to the test database needs (the store keeps it only
/// with the password hidden); none for a SQLite file.
fn url_of(db: &TestDb) -> Option<String> {
    on_postgres().then(|| db.path().to_string_lossy().into_owned())
}

/// The desk's window goes on writing while a copy is made on another connection to
/// the same file: the copy is the database as it was when the copy began, whole
/// (checked), made in one pass (the backup API never started over), and the write is
/// in the live database.
#[test]
fn a_copy_on_a_second_connection_is_one_snapshot_while_the_first_goes_on_writing() {
    if on_postgres() {
        // The SQLite file's snapshot; a shared database is copied row by row.
        return;
    }
    let mut db = db_at("2026-11-20 10:00");
    // About 2 MB: several steps of the backup API.
    for i in 0..150 {
        let mut d = draft("2026-11-20 09:00");
        d.description = Some(format!("第{i}户 {}", "卫生间漏水".repeat(90)));
        db.store.create_ticket(&d, "前台小李").unwrap();
    }
    let apart = db.store.reopen().open(None).unwrap();
    let mut seen = Vec::new();
    let mut written = None;
    let (report, _) = apart
        .backup_now(&mut |p| {
            seen.push(p);
            if written.is_none() {
                written = Some(new_ticket(&mut db.store, "2026-11-20 09:58").number);
            }
        })
        .unwrap();
    let written = written.unwrap();
    assert!(seen.len() > 1, "several steps: {seen:?}");
    assert!(
        seen.windows(2).all(|w| w[0].pages_done < w[1].pages_done),
        "the copy never started over: {seen:?}"
    );
    apart.verify_backup(&report.backup).unwrap();
    let copied: Vec<String> = rusqlite::Connection::open_with_flags(
        &report.backup,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap()
    .prepare("SELECT number FROM tickets")
    .unwrap()
    .query_map([], |r| r.get(0))
    .unwrap()
    .map(|r| r.unwrap())
    .collect();
    assert_eq!(copied.len(), 150);
    assert!(
        !copied.contains(&written),
        "the copy is from before the write"
    );
    assert_eq!(db.store.ticket(&written).unwrap().number, written);
    assert!(
        apart.ticket(&written).is_ok(),
        "the other connection sees it after"
    );
}

/// The 每日备份 made on a second store (the desk's way, so the window is not held for
/// the copy): the same day's name by the first store's clock, the audit entry the first
/// store's 操作日志 shows, and the old copies pruned by the office's setting.
#[test]
fn the_daily_backup_on_a_second_connection_is_logged_and_pruned_as_on_the_first() {
    let mut db = db_at("2026-11-01 08:00");
    let mut s = db.store.settings().unwrap();
    s.daily_backups_kept = 2;
    db.store.update_settings(&s).unwrap();
    let url = url_of(&db);
    for day in 1..=3 {
        db.store
            .set_now(Some(at(&format!("2026-11-{day:02} 08:00"))));
        let apart = db.store.reopen().open(url.as_deref()).unwrap();
        assert_eq!(apart.now(), db.store.now(), "the first store's clock");
        let r = apart.daily_backup().unwrap();
        assert!(r.made, "{r:?}");
        assert_eq!(r.copy.file_name, format!("每日-202611{day:02}.db"));
        assert!(r.copy.checked_ok);
        let removed: &[&str] = if day == 3 {
            &["每日-20261101.db"]
        } else {
            &[]
        };
        assert_eq!(r.removed, removed);
    }
    assert_eq!(
        backup_names(&db.store),
        ["每日-20261102.db", "每日-20261103.db"]
    );
    let log = db
        .store
        .audit_log(&baoxiu::audit::AuditFilter::default())
        .unwrap();
    let daily: Vec<(&str, &str)> = log
        .iter()
        .filter(|e| e.kind == baoxiu::audit::AuditKind::Backup)
        .map(|e| (e.subject.as_str(), e.account.as_str()))
        .collect();
    assert_eq!(
        daily,
        [
            ("每日-20261103.db", "（自动）"),
            ("每日-20261102.db", "（自动）"),
            ("每日-20261101.db", "（自动）"),
        ]
    );
}

/// A shared database's second connection needs its real URL, and only its own.
#[test]
fn a_second_connection_to_a_shared_database_needs_its_own_url() {
    let db = db();
    if !on_postgres() {
        assert!(db.store.reopen().open(None).is_ok());
        return;
    }
    let again = db.store.reopen();
    let other = format!("{}_other", db.path().to_string_lossy());
    for url in [None, Some(other.as_str())] {
        let e = again.open(url).err().expect("refused");
        assert_eq!(e.code(), "database");
        assert!(e.to_string().contains("无法另开"), "{e}");
    }
}
