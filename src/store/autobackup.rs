//! 自动备份 automatic copies in `backups/` beside the database (for a PostgreSQL office:
//! in this PC's files folder): the 每日 daily copy, the 迁移前 copy taken before a schema
//! migration, the 手动 copy the window's "back up now" makes (with progress), and the
//! list the 数据备份 screen shows. Every copy is written under a hidden temporary name,
//! checked with `PRAGMA integrity_check`, and only then given its real name: a file under
//! one of these names has passed the check.

use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use serde::{Serialize, Serializer};

use super::backup::{attachments_dir_of, with_suffix, BackupReport, SIDE_FILES};
use super::{Engine, Store, APPLICATION_ID, MIGRATIONS};
use crate::account::Permission;
use crate::audit::AuditKind;
use crate::clock::{OfficeZone, Time};
use crate::error::{Error, Result, SqlContext};

/// How many daily copies an office keeps when it has not said otherwise.
pub const DEFAULT_DAILY_BACKUPS_KEPT: u32 = 30;

/// Pages copied per step of the backup API: 256 KB at SQLite's default 4 KB pages, so
/// the progress bar moves smoothly and other connections get the file between steps.
const STEP_PAGES: i32 = 64;

/// Which kind of copy a file in `backups/` is, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum BackupKind {
    /// 每日: the first start of each day (`每日-YYYYMMDD.db`); the only kind rotated.
    Daily,
    /// 手动: "back up now" (`手动-YYYYMMDD-HHMMSS.db`), or any other .db the office put there.
    Manual,
    /// 恢复前: the live data just before a restore replaced it.
    BeforeRestore,
    /// 迁移前: the file as it was before a schema migration.
    BeforeMigration,
}

impl BackupKind {
    /// The name the 数据备份 screen shows.
    pub fn label(self) -> &'static str {
        match self {
            BackupKind::Daily => "每日",
            BackupKind::Manual => "手动",
            BackupKind::BeforeRestore => "恢复前",
            BackupKind::BeforeMigration => "迁移前",
        }
    }
}

/// One copy in `backups/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct BackupCopy {
    pub file_name: String,
    #[serde(serialize_with = "lossy")]
    #[ts(type = "string")]
    pub path: PathBuf,
    pub kind: BackupKind,
    /// 每日 / 手动 / 恢复前 / 迁移前.
    pub kind_label: &'static str,
    /// When the copy was taken, office time: the stamp in its name (a daily copy's
    /// name has the date only, so its file time on that date).
    pub taken_at: Time,
    pub size_bytes: u64,
    /// The file reads as one of our databases of a known version. Every copy passed
    /// the full integrity check when it was made; [`Store::verify_backup`] repeats it.
    pub checked_ok: bool,
}

/// What [`Store::daily_backup`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DailyBackupReport {
    /// False when today's copy was already there (nothing was written or deleted).
    pub made: bool,
    /// What happened, for the person reading it.
    pub message: String,
    /// Today's copy (just made, or the one made earlier today).
    pub copy: BackupCopy,
    /// Daily copies deleted because more than the setting's number were kept.
    pub removed: Vec<String>,
    /// Daily copies now in `backups/`.
    pub daily_copies: usize,
}

/// Progress of a copy made with the backup API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct BackupProgress {
    pub pages_done: i64,
    pub pages_total: i64,
}

fn lossy<S: Serializer>(p: &Path, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&p.to_string_lossy())
}

/// "The last good backup is older than 2 days" (the 工作台 warning): true when there is
/// none, or when more than 48 hours passed since it was taken.
pub fn backup_is_stale(last_good: Option<&Time>, now: &Time) -> bool {
    match last_good {
        None => true,
        Some(t) => now.signed_duration_since(*t) > Duration::hours(48),
    }
}

/// `每日-YYYYMMDD.db` → its date.
fn daily_date(name: &str) -> Option<NaiveDate> {
    let digits = name.strip_prefix("每日-")?.strip_suffix(".db")?;
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(digits, "%Y%m%d").ok()
}

/// The day a hidden, unfinished copy (`.每日-20261120.db.4242.part`, see [`temp_name`])
/// was started: the date after its kind's `-`.
fn part_date(name: &str) -> Option<NaiveDate> {
    let copy = name.strip_prefix('.')?.strip_suffix(".part")?;
    let (copy, pid) = copy.rsplit_once('.')?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (_, rest) = copy.split_once('-')?;
    let digits = rest.get(..8)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(digits, "%Y%m%d").ok()
}

/// `YYYYMMDD-HHMMSS` at the start of `rest` (after the kind prefix), as office time.
fn stamp_time(zone: &OfficeZone, rest: &str) -> Option<Time> {
    let stamp = rest.get(..15)?;
    let naive = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S").ok()?;
    zone.parse_input("备份时间", &naive.format("%Y-%m-%d %H:%M:%S").to_string())
        .ok()
}

/// The kind of a copy and the time in its name, if it has one.
fn classify(zone: &OfficeZone, name: &str) -> (BackupKind, Option<Time>) {
    if let Some(d) = daily_date(name) {
        let midnight = zone.day_start(d).ok().map(|s| zone.from_epoch(s));
        return (BackupKind::Daily, midnight);
    }
    if let Some(rest) = name.strip_prefix("恢复前-") {
        return (BackupKind::BeforeRestore, stamp_time(zone, rest));
    }
    if let Some(rest) = name.strip_prefix("迁移前-v") {
        let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        let stamp = rest.strip_prefix('-').and_then(|r| stamp_time(zone, r));
        return (BackupKind::BeforeMigration, stamp);
    }
    if let Some(rest) = name.strip_prefix("手动-") {
        return (BackupKind::Manual, stamp_time(zone, rest));
    }
    (BackupKind::Manual, None)
}

/// The header of a copy reads as ours, of a version this program knows.
fn header_ok(path: &Path) -> bool {
    let Ok(conn) = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return false;
    };
    conn.query_row(
        "SELECT (SELECT application_id FROM pragma_application_id),
                (SELECT user_version FROM pragma_user_version)",
        [],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
    )
    .is_ok_and(|(id, v)| id == APPLICATION_ID && v >= 1 && v <= MIGRATIONS.len() as i64)
}

/// `PRAGMA integrity_check` of a finished copy; the reason when it is not "ok".
fn integrity(path: &Path) -> std::result::Result<(), String> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| e.to_string())?;
    let problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check(5)")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(|e| e.to_string())?;
    if problems == ["ok"] {
        Ok(())
    } else {
        Err(problems.join("；"))
    }
}

fn remove_with_side_files(path: &Path) {
    let _ = std::fs::remove_file(path);
    for suffix in SIDE_FILES {
        let _ = std::fs::remove_file(with_suffix(path, suffix));
    }
}

/// Check the copy at `tmp` and give it its real name `dest`; a copy that fails the
/// check is deleted and the failure is the error.
pub(super) fn check_and_name(tmp: &Path, dest: &Path) -> Result<()> {
    let named = integrity(tmp)
        .map_err(|why| {
            Error::Database(format!(
                "备份副本没有通过完整性检查（{why}），已删除，不算作有效备份；请检查磁盘后重试"
            ))
        })
        .and_then(|()| {
            if dest.exists() {
                return Err(Error::Database(format!(
                    "备份文件“{}”已存在，没有覆盖；请稍后重试",
                    dest.display()
                )));
            }
            std::fs::rename(tmp, dest).map_err(|e| Error::io(dest, e))
        });
    if named.is_err() {
        remove_with_side_files(tmp);
    }
    named
}

/// The hidden name a copy is written under before it is checked.
fn temp_name(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dest.with_file_name(format!(".{name}.{}.part", std::process::id()))
}

/// Copy the SQLite database of `src` into the new file `to` with the backup API, one
/// step of [`STEP_PAGES`] at a time, reporting progress after each step. The copy is
/// left as a single file (rollback journal, not WAL) so it can travel on its own.
///
/// Every step reads one snapshot: a read transaction is held on `src` for the whole
/// copy. Without it each step takes a fresh one, and the backup API starts over from
/// the first page whenever another connection committed in between — on a desk that
/// writes every few seconds a 1.5 GB copy on its own connection might never finish.
/// In WAL mode the held snapshot does not stop other connections writing.
fn backup_api_copy(
    src: &Connection,
    to: &Path,
    progress: &mut dyn FnMut(BackupProgress),
) -> Result<()> {
    let snapshot = src.is_autocommit();
    if snapshot {
        // BEGIN alone takes no snapshot; the first read does.
        src.execute_batch("BEGIN DEFERRED; SELECT count(*) FROM sqlite_schema;")
            .sql("backup snapshot")?;
    }
    let copied = stepped_copy(src, to, progress);
    if snapshot {
        // Read only: ending it cannot fail in a way that matters to the copy.
        let _ = src.execute_batch("COMMIT");
    }
    copied
}

fn stepped_copy(
    src: &Connection,
    to: &Path,
    progress: &mut dyn FnMut(BackupProgress),
) -> Result<()> {
    let mut out = Connection::open(to).sql("open backup copy")?;
    {
        let backup = Backup::new(src, &mut out).sql("backup")?;
        let mut busy = 0;
        loop {
            let step = backup.step(STEP_PAGES).sql("backup")?;
            let p = backup.progress();
            progress(BackupProgress {
                pages_done: i64::from(p.pagecount - p.remaining),
                pages_total: i64::from(p.pagecount),
            });
            match step {
                StepResult::Done => break,
                StepResult::More => busy = 0,
                StepResult::Busy | StepResult::Locked => {
                    busy += 1;
                    if busy >= 50 {
                        return Err(Error::Database(
                            "数据库一直被其他程序占用，备份没有完成；请稍后再试".into(),
                        ));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                _ => {}
            }
        }
    }
    out.pragma_update(None, "journal_mode", "DELETE")
        .sql("backup copy journal mode")?;
    Ok(())
}

impl Store {
    /// Write a checked copy of the whole database to `dest` (which must not exist):
    /// the backup API for SQLite, the portable SQLite file for a PostgreSQL office.
    /// On failure nothing is left under `dest` or its temporary name.
    fn checked_copy(&self, dest: &Path, progress: &mut dyn FnMut(BackupProgress)) -> Result<()> {
        let dir = dest
            .parent()
            .ok_or_else(|| Error::invalid("备份文件路径缺少文件夹"))?;
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        if dest.exists() {
            return Err(Error::Database(format!(
                "备份文件“{}”已存在，没有覆盖；请稍后重试",
                dest.display()
            )));
        }
        let tmp = temp_name(dest);
        remove_with_side_files(&tmp);
        let written = match self.engine() {
            Engine::Sqlite => backup_api_copy(self.conn()?, &tmp, progress),
            Engine::Postgres => (|| {
                progress(BackupProgress {
                    pages_done: 0,
                    pages_total: 1,
                });
                let copy = Store::open(&tmp)?;
                self.copy_rows_into(&copy)?;
                copy.conn()?
                    .pragma_update(None, "journal_mode", "DELETE")
                    .sql("backup copy journal mode")?;
                drop(copy);
                progress(BackupProgress {
                    pages_done: 1,
                    pages_total: 1,
                });
                Ok(())
            })(),
        };
        if let Err(e) = written {
            remove_with_side_files(&tmp);
            return Err(e);
        }
        check_and_name(&tmp, dest)
    }

    /// A free name `<prefix><stamp>.db` in `backups/` (`-2`, `-3` … when taken).
    fn stamped_name(&self, prefix: &str) -> Result<PathBuf> {
        let dir = self.backups_dir();
        let stamp = self.now().format("%Y%m%d-%H%M%S").to_string();
        let mut path = dir.join(format!("{prefix}{stamp}.db"));
        let mut n = 2;
        while path.exists() {
            if n > 999 {
                return Err(Error::Database(format!(
                    "{} 里同名备份文件太多，请清理后重试",
                    dir.display()
                )));
            }
            path = dir.join(format!("{prefix}{stamp}-{n}.db"));
            n += 1;
        }
        Ok(path)
    }

    /// 每日备份: at the first start of each office day (and from cron), a checked copy
    /// `backups/每日-YYYYMMDD.db`; then only the newest `daily_backups_kept` daily copies
    /// are kept. A second call the same day does nothing and says so. Daily copies hold
    /// the database only: attachment files are content-addressed and never deleted
    /// from `attachments/`, so thirty copies of every photo would protect nothing more.
    pub fn daily_backup(&self) -> Result<DailyBackupReport> {
        let today = self.zone.local_date(&self.now());
        let name = format!("每日-{}.db", today.format("%Y%m%d"));
        let dest = self.backups_dir().join(&name);
        if dest.exists() {
            return Ok(DailyBackupReport {
                made: false,
                message: format!("今天（{today}）的每日备份已经做过，没有再备份：{name}"),
                copy: self.describe(&dest)?,
                removed: Vec::new(),
                daily_copies: self.daily_copies()?.len(),
            });
        }
        self.checked_copy(&dest, &mut |_| {})?;
        // The name carries the date only; the file time carries the hour.
        if let Ok(f) = std::fs::File::options().write(true).open(&dest) {
            let _ = f.set_modified(self.now().into());
        }
        let abandoned = self.remove_abandoned_parts(today)?;
        let kept = self.settings()?.daily_backups_kept.max(1) as usize;
        let mut daily = self.daily_copies()?;
        let mut removed = Vec::new();
        while daily.len() > kept {
            let (_, oldest) = daily.remove(0);
            std::fs::remove_file(&oldest).map_err(|e| Error::io(&oldest, e))?;
            if let Some(folder) = attachments_dir_of(&oldest).filter(|d| d.is_dir()) {
                let _ = std::fs::remove_dir_all(folder);
            }
            removed.push(
                oldest
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
        }
        // Automatic: no account asked for it.
        let tx = self.begin()?;
        super::audit::record(
            &tx,
            &self.now(),
            "（自动）",
            AuditKind::Backup,
            &name,
            &if abandoned == 0 {
                format!("每日备份；删除过期副本 {} 份", removed.len())
            } else {
                format!(
                    "每日备份；删除过期副本 {} 份；清理中断备份留下的临时文件 {abandoned} 个",
                    removed.len()
                )
            },
        )?;
        tx.commit().sql("commit audit entry")?;
        let message = if removed.is_empty() {
            format!("已完成今天（{today}）的每日备份：{name}")
        } else {
            format!(
                "已完成今天（{today}）的每日备份：{name}；按设置只保留最近 {kept} 份，删除了 {}",
                removed.join("、")
            )
        };
        Ok(DailyBackupReport {
            made: true,
            message,
            copy: self.describe(&dest)?,
            removed,
            daily_copies: daily.len(),
        })
    }

    /// The daily copies in `backups/`, oldest first.
    /// Remove what copies interrupted before yesterday left behind (the window closed or
    /// the power cut mid-copy): their hidden `.part` files, each as large as the
    /// database, would stay for ever. A copy started yesterday or today may still be
    /// running in another process, so those are left. Returns how many were removed.
    fn remove_abandoned_parts(&self, today: NaiveDate) -> Result<usize> {
        let dir = self.backups_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(Error::io(&dir, e)),
        };
        let before = today.pred_opt().unwrap_or(today);
        let mut removed = 0;
        for e in entries.flatten() {
            let started = part_date(&e.file_name().to_string_lossy());
            if started.is_some_and(|d| d < before) && e.path().is_file() {
                remove_with_side_files(&e.path());
                removed += 1;
            }
        }
        Ok(removed)
    }

    fn daily_copies(&self) -> Result<Vec<(NaiveDate, PathBuf)>> {
        let dir = self.backups_dir();
        let mut out: Vec<(NaiveDate, PathBuf)> = match std::fs::read_dir(&dir) {
            Ok(entries) => entries
                .flatten()
                .filter_map(|e| {
                    let date = daily_date(&e.file_name().to_string_lossy())?;
                    e.path().is_file().then(|| (date, e.path()))
                })
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(Error::io(&dir, e)),
        };
        out.sort();
        Ok(out)
    }

    /// 手动备份 "back up now": a checked copy `backups/手动-YYYYMMDD-HHMMSS.db` made with
    /// the backup API, `progress` called after every step (pages done of total), and the
    /// attachment files in `<stem>-附件/` beside it like [`Store::backup`].
    pub fn backup_now(
        &self,
        progress: &mut dyn FnMut(BackupProgress),
    ) -> Result<(BackupReport, BackupCopy)> {
        self.operator(Permission::Backup, None)?;
        let dest = self.stamped_name("手动-")?;
        self.checked_copy(&dest, progress)?;
        let folder =
            attachments_dir_of(&dest).ok_or_else(|| Error::invalid("备份文件路径缺少文件名"))?;
        let (copied, missing) = match self.copy_attachments_to(&folder) {
            Ok(r) => r,
            Err(e) => {
                let _ = std::fs::remove_file(&dest);
                let _ = std::fs::remove_dir_all(&folder);
                return Err(e);
            }
        };
        self.note_change(
            Permission::Backup,
            AuditKind::Backup,
            &dest.display().to_string(),
            &format!("手动备份，附件 {copied} 个"),
        )?;
        let report = BackupReport {
            backup: dest.clone(),
            attachments_dir: (copied + missing.len() > 0).then_some(folder),
            attachments_copied: copied,
            attachments_missing: missing,
        };
        Ok((report, self.describe(&dest)?))
    }

    /// 迁移前: before the first migration step runs on a file that has data, a checked
    /// copy of it as it is, `backups/迁移前-v{old}-YYYYMMDD-HHMMSS.db`. If it cannot be
    /// made, the migration must not run.
    pub(super) fn before_migration_copy(&self, old_version: i64) -> Result<PathBuf> {
        let made = self
            .stamped_name(&format!("迁移前-v{old_version}-"))
            .and_then(|dest| self.checked_copy(&dest, &mut |_| {}).map(|()| dest));
        made.map_err(|e| {
            Error::Database(format!(
                "升级数据库结构前无法保存迁移前副本（{e}），没有升级，数据未改动；请检查磁盘空间和 {} 文件夹能否写入后再打开",
                self.backups_dir().display()
            ))
        })
    }

    /// One copy's entry in the list.
    fn describe(&self, path: &Path) -> Result<BackupCopy> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (kind, named) = classify(&self.zone, &file_name);
        let modified = meta
            .modified()
            .ok()
            .map(|t| self.zone.at(chrono::DateTime::<chrono::Utc>::from(t)));
        let taken_at = match (kind, named, modified) {
            // A daily copy's file time, if it still falls on the day its name says.
            (BackupKind::Daily, Some(day), Some(m))
                if self.zone.local_date(&m) == self.zone.local_date(&day) =>
            {
                m
            }
            (_, Some(t), _) => t,
            (_, None, Some(m)) => m,
            (_, None, None) => self.zone.from_epoch(0),
        };
        Ok(BackupCopy {
            file_name,
            path: path.to_path_buf(),
            kind,
            kind_label: kind.label(),
            taken_at,
            size_bytes: meta.len(),
            checked_ok: header_ok(path),
        })
    }

    /// Every copy in `backups/`, newest first.
    pub fn list_backups(&self) -> Result<Vec<BackupCopy>> {
        let dir = self.backups_dir();
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&dir, e)),
        };
        let mut out = Vec::new();
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = e.path();
            // Hidden names are copies still being written (or left by a crash).
            if name.starts_with('.') || !name.ends_with(".db") || !path.is_file() {
                continue;
            }
            out.push(self.describe(&path)?);
        }
        out.sort_by(|a, b| {
            b.taken_at
                .cmp(&a.taken_at)
                .then_with(|| b.file_name.cmp(&a.file_name))
        });
        Ok(out)
    }

    /// The newest copy that reads back as ours, if any.
    pub fn last_good_backup(&self) -> Result<Option<BackupCopy>> {
        Ok(self.list_backups()?.into_iter().find(|c| c.checked_ok))
    }

    /// Run the full `PRAGMA integrity_check` on one copy again.
    pub fn verify_backup(&self, path: &Path) -> Result<()> {
        integrity(path).map_err(|why| {
            Error::Database(format!(
                "备份“{}”没有通过完整性检查（{why}），请换一份备份",
                path.display()
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_that_fails_the_check_is_deleted_and_never_named() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = dir.path().join(".每日-20261120.db.1.part");
        let dest = dir.path().join("每日-20261120.db");
        {
            let c = Connection::open(&tmp).unwrap();
            c.execute_batch(
                "CREATE TABLE t(a); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
                 INSERT INTO t SELECT randomblob(300) FROM n; CREATE INDEX t_a ON t(a);",
            )
            .unwrap();
        }
        let mut bytes = std::fs::read(&tmp).unwrap();
        let mid = (bytes.len() / 2) & !4095;
        bytes[mid..mid + 4096].fill(0x5a);
        std::fs::write(&tmp, &bytes).unwrap();
        let err = check_and_name(&tmp, &dest).unwrap_err();
        assert!(err.to_string().contains("完整性检查"), "{err}");
        assert!(!tmp.exists() && !dest.exists());
    }

    #[test]
    fn names_tell_the_kind_and_time() {
        let z = OfficeZone::default();
        let (k, t) = classify(&z, "迁移前-v1-20261203-121500.db");
        assert_eq!(k, BackupKind::BeforeMigration);
        assert_eq!(
            t.unwrap().format("%Y-%m-%d %H:%M:%S").to_string(),
            "2026-12-03 12:15:00"
        );
        assert_eq!(classify(&z, "每日-20261120.db").0, BackupKind::Daily);
        assert_eq!(classify(&z, "每日-2026112.db").0, BackupKind::Manual);
        assert_eq!(
            classify(&z, "恢复前-20261120-101010-2.db").0,
            BackupKind::BeforeRestore
        );
        assert_eq!(classify(&z, "办公室.db"), (BackupKind::Manual, None));
    }
}
