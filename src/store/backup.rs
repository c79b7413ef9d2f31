//! 备份 backup and 恢复 restore.
//!
//! A backup is two things side by side: the database copy `<name>.db` (`VACUUM INTO`)
//! and the folder `<name>-附件/` with the attachment files it refers to, stored under
//! the same content-addressed names as the live `attachments/` folder. The folder is
//! named after the copy's file stem so the pair stays recognisable when the office moves
//! them to a USB stick together; it is only created when the office has attachments.
//!
//! A restore never touches the live database until the candidate is proven good: a
//! private copy beside the live file is checked completely (ours, intact, consistent,
//! schema equal to a known version) and migrated; then a safety copy of the live data
//! goes to `backups/`, the attachment files come back, and the content is swapped in
//! with SQLite's backup API — one write transaction on the live file, committed only
//! when every page is copied (sqlite3_backup_finish rolls back an unfinished one).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};

use super::audit::record;
use super::db::Db;
use super::{Store, APPLICATION_ID, MIGRATIONS};
use crate::account::Permission;
use crate::attachment;
use crate::audit::AuditKind;
use crate::clock::OfficeZone;
use crate::error::{Error, Result, SqlContext};

/// What `Store::backup` wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupReport {
    /// The database copy.
    #[serde(serialize_with = "lossy")]
    pub backup: PathBuf,
    /// The folder with the attachment files (`<stem>-附件`), when the office has any.
    #[serde(serialize_with = "lossy_opt")]
    pub attachments_dir: Option<PathBuf>,
    pub attachments_copied: usize,
    /// Original names of attachments whose live file was missing or damaged, so not
    /// in the backup.
    pub attachments_missing: Vec<String>,
}

/// What `Store::restore` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RestoreReport {
    #[serde(serialize_with = "lossy")]
    #[ts(type = "string")]
    pub restored_from: PathBuf,
    /// The backup's schema version before pending migrations were applied to it.
    pub backup_version: i64,
    /// The copy of the data as it was just before the restore (`backups/恢复前-….db`).
    #[serde(serialize_with = "lossy")]
    #[ts(type = "string")]
    pub safety_backup: PathBuf,
    /// Attachment files copied back from the backup's folder.
    pub attachments_restored: usize,
    /// Attachment files that were already in place.
    pub attachments_present: usize,
    /// Original names of attachments the restored tickets list but whose file is
    /// neither in place nor intact in the backup's folder.
    pub attachments_missing: Vec<String>,
}

// A path that is not valid UTF-8 must not turn a finished backup into a failed command.
fn lossy<S: Serializer>(p: &Path, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&p.to_string_lossy())
}

fn lossy_opt<S: Serializer>(p: &Option<PathBuf>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match p {
        Some(p) => lossy(p, s),
        None => s.serialize_none(),
    }
}

/// The attachments folder that belongs to the backup copy `backup`: `<stem>-附件`
/// beside it.
pub fn attachments_dir_of(backup: &Path) -> Option<PathBuf> {
    let mut name = backup.file_stem()?.to_os_string();
    name.push("-附件");
    Some(backup.with_file_name(name))
}

/// One attachment file a database refers to.
struct AttachmentFile {
    sha256: String,
    /// `<sha256>.<ext>`, the name in `attachments/` and in a backup's folder.
    stored: String,
    file_name: String,
    byte_size: i64,
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The distinct files the `attachments` rows of `conn` refer to, oldest first.
fn attachment_files(db: &Db) -> Result<Vec<AttachmentFile>> {
    let rows = db
        .query(
            "SELECT sha256, file_name, byte_size FROM attachments ORDER BY id",
            &[],
        )
        .sql("list attachment files")?;
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for row in rows {
        let (sha256, file_name, byte_size): (String, String, i64) =
            (row.get(0)?, row.get(1)?, row.get(2)?);
        let stored = attachment::stored_name(&sha256, &file_name);
        if seen.insert(stored.clone()) {
            out.push(AttachmentFile {
                sha256,
                stored,
                file_name,
                byte_size,
            });
        }
    }
    Ok(out)
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Copy `src` to `dir/stored` if its content hashes to `sha256`: written beside and
/// renamed, so a crash never leaves a half file under the hash. `Ok(false)` when the
/// source is missing, unreadable or damaged.
fn copy_verified(src: &Path, dir: &Path, stored: &str, sha256: &str) -> Result<bool> {
    let Ok(bytes) = std::fs::read(src) else {
        return Ok(false);
    };
    if sha256_hex(&bytes) != sha256 {
        return Ok(false);
    }
    let tmp = dir.join(format!(".{sha256}.part"));
    let target = dir.join(stored);
    let mut f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    f.write_all(&bytes).map_err(|e| Error::io(&tmp, e))?;
    f.sync_all().map_err(|e| Error::io(&tmp, e))?;
    drop(f);
    std::fs::rename(&tmp, &target).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(&target, e)
    })?;
    Ok(true)
}

/// The file names SQLite keeps beside a database.
pub(super) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

pub(super) const SIDE_FILES: &[&str] = &["-wal", "-shm", "-journal"];

/// A private copy of the restore candidate beside the live database; the copy and
/// its side files are removed when this is dropped, whatever happened.
struct Candidate {
    path: PathBuf,
    conn: Option<Db>,
}

impl Drop for Candidate {
    fn drop(&mut self) {
        // Close first: Windows cannot remove an open file.
        drop(self.conn.take());
        let _ = std::fs::remove_file(&self.path);
        for suffix in SIDE_FILES {
            let _ = std::fs::remove_file(with_suffix(&self.path, suffix));
        }
    }
}

impl Candidate {
    /// Copy `from` (and its `-wal`, if a live file was picked) beside `live`. The
    /// user's file is only ever opened for reading.
    fn copy_beside(live: &Path, from: &Path) -> Result<Candidate> {
        let dir = live
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| Path::new("."));
        let stem = live
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "baoxiu.db".into());
        let mut n = 0u32;
        let (path, mut file) = loop {
            let path = dir.join(format!(".{stem}.restore-{}-{n}.tmp", std::process::id()));
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(f) => break (path, f),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
                Err(e) => return Err(Error::io(&path, e)),
            }
        };
        let mut candidate = Candidate { path, conn: None };
        let mut src = std::fs::File::open(from).map_err(|e| Error::io(from, e))?;
        std::io::copy(&mut src, &mut file).map_err(|e| Error::io(&candidate.path, e))?;
        drop(file);
        let from_wal = with_suffix(from, "-wal");
        if from_wal.is_file() {
            let to = with_suffix(&candidate.path, "-wal");
            std::fs::copy(&from_wal, &to).map_err(|e| Error::io(&from_wal, e))?;
        }
        let conn = Connection::open_with_flags(
            &candidate.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .sql("open restore copy")?;
        super::search::register(&conn).sql("open restore copy")?;
        candidate.conn = Some(Db::sqlite(conn));
        Ok(candidate)
    }

    fn db(&self) -> Result<&Db> {
        self.conn
            .as_ref()
            .ok_or_else(|| Error::Database("恢复用的临时副本已关闭".into()))
    }

    fn conn(&self) -> Result<&Connection> {
        self.db()?
            .sqlite_conn()
            .ok_or_else(|| Error::Database("恢复用的临时副本不是 SQLite 文件".into()))
    }

    /// Every check a backup must pass; returns its schema version and office zone.
    /// `bad` turns a reason into the refusal the user sees.
    fn validate(&self, bad: &dyn Fn(String) -> Error) -> Result<(i64, OfficeZone)> {
        let conn = self.conn()?;
        let header = |pragma: &str| -> Result<i64> {
            conn.query_row(pragma, [], |r| r.get(0)).map_err(|_| {
                bad(
                    "不是 SQLite 数据库文件，或文件头已损坏，请选择报修台“备份”生成的 .db 文件"
                        .into(),
                )
            })
        };
        let app_id = header("PRAGMA application_id")?;
        let version = header("PRAGMA user_version")?;
        if app_id != APPLICATION_ID {
            return Err(bad(
                "不是报修台的备份（是其他程序的文件），请选择报修台“备份”生成的 .db 文件".into(),
            ));
        }
        if version > MIGRATIONS.len() as i64 {
            return Err(bad(format!(
                "来自更新版本的报修台（版本 {version}），请先升级本程序再恢复"
            )));
        }
        if version < 1 {
            return Err(bad("是一个空的报修台数据库，里面没有可恢复的数据".into()));
        }

        let damaged = |detail: &str| {
            bad(format!(
                "文件已损坏（SQLite 检查结果：{detail}），请换一份备份；当前数据没有任何改动"
            ))
        };
        let problems: Vec<String> = conn
            .prepare("PRAGMA integrity_check(5)")
            .and_then(|mut s| {
                s.query_map([], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<_>>()
            })
            .map_err(|e| damaged(&e.to_string()))?;
        if problems != ["ok"] {
            return Err(damaged(&problems.join("；")));
        }

        let found = schema(conn).map_err(|e| damaged(&e.to_string()))?;
        let expected = reference_schema(version)?;
        if found != expected {
            let names = |a: &BTreeSet<SchemaRow>, b: &BTreeSet<SchemaRow>| {
                // SQLite's own automatic indexes only repeat what the tables say.
                let v: Vec<&str> = a
                    .difference(b)
                    .map(|r| r.1.as_str())
                    .filter(|n| !n.starts_with("sqlite_"))
                    .take(5)
                    .collect();
                v.join("、")
            };
            let extra = names(&found, &expected);
            let missing = names(&expected, &found);
            let mut detail = Vec::new();
            if !extra.is_empty() {
                detail.push(format!("多出或不同：{extra}"));
            }
            if !missing.is_empty() {
                detail.push(format!("缺少或不同：{missing}"));
            }
            return Err(bad(format!(
                "表结构与报修台第 {version} 版不一致（{}），可能被其他程序改动过，请换一份备份",
                detail.join("；")
            )));
        }

        let orphans: Vec<(String, String, i64)> = conn
            .prepare(
                "SELECT \"table\", parent, count(*) FROM pragma_foreign_key_check
                 GROUP BY 1, 2 ORDER BY 1, 2",
            )
            .and_then(|mut s| {
                s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<rusqlite::Result<_>>()
            })
            .map_err(|e| damaged(&e.to_string()))?;
        if let Some((table, parent, n)) = orphans.first() {
            return Err(bad(format!(
                "数据之间的关联不完整：表 {table} 有 {n} 行引用了 {parent} 中不存在的记录，请换一份备份"
            )));
        }

        let files = attachment_files(self.db()?)?;
        if let Some(f) = files.iter().find(|f| !is_sha256_hex(&f.sha256)) {
            return Err(bad(format!(
                "附件记录“{}”已损坏（文件标识不是 SHA-256），请换一份备份",
                f.file_name
            )));
        }

        let zone_name: Option<String> = conn
            .query_row(
                "SELECT value FROM settings WHERE key = 'time_zone'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| damaged(&e.to_string()))?;
        let zone = match zone_name {
            Some(name) => OfficeZone::parse(&name)
                .map_err(|_| bad(format!("设置里的时区“{name}”无法识别，请换一份备份")))?,
            None => OfficeZone::default(),
        };
        Ok((version, zone))
    }

    /// Bring the copy to the current schema and to the live file's page size, so the
    /// backup API can copy it into a WAL database (it refuses differing page sizes).
    fn prepare(&self, version: i64, page_size: i64) -> Result<()> {
        let conn = self.conn()?;
        let tx = conn
            .unchecked_transaction()
            .sql("begin migrate restore copy")?;
        for step in MIGRATIONS.iter().skip(version.max(0) as usize) {
            tx.execute_batch(step).sql("migrate restore copy")?;
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .sql("pragma application_id")?;
        tx.pragma_update(None, "user_version", MIGRATIONS.len() as i64)
            .sql("pragma user_version")?;
        tx.commit().sql("commit migrate restore copy")?;
        conn.pragma_update(None, "journal_mode", "DELETE")
            .sql("pragma journal_mode")?;
        let own: i64 = conn
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .sql("pragma page_size")?;
        if own != page_size {
            conn.pragma_update(None, "page_size", page_size)
                .sql("pragma page_size")?;
            conn.execute_batch("VACUUM").sql("vacuum restore copy")?;
        }
        Ok(())
    }
}

/// (type, name, tbl_name, sql) of every schema object; `sqlite_stat*` (written by
/// ANALYZE / PRAGMA optimize) is the planner's, not the schema's.
type SchemaRow = (String, String, String, Option<String>);

fn schema(conn: &Connection) -> rusqlite::Result<BTreeSet<SchemaRow>> {
    let mut stmt = conn.prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_stat%'",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    rows.collect()
}

/// The schema our migrations produce at `version`, built in memory.
fn reference_schema(version: i64) -> Result<BTreeSet<SchemaRow>> {
    let conn = Connection::open_in_memory().sql("open reference schema")?;
    super::search::register(&conn).sql("open reference schema")?;
    for step in MIGRATIONS.iter().take(version.max(0) as usize) {
        conn.execute_batch(step).sql("reference schema")?;
    }
    schema(&conn).sql("reference schema")
}

/// Canonical form of a path that may not exist yet: its existing parent, resolved,
/// joined with its file name.
fn resolve(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    Some(parent.canonicalize().ok()?.join(name))
}

fn same_name(a: &Path, b: &Path) -> bool {
    // Windows and macOS file names ignore case: BAOXIU.DB is baoxiu.db there.
    a.to_string_lossy().to_lowercase() == b.to_string_lossy().to_lowercase()
}

impl Store {
    /// `<folder of the database>/backups`: the safety copies a restore keeps.
    pub fn backups_dir(&self) -> PathBuf {
        self.folder().join("backups")
    }

    fn folder(&self) -> &Path {
        self.path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| Path::new("."))
    }

    /// The live database file, its side files (-wal, -shm, -journal), canonical.
    fn live_files(&self) -> Vec<PathBuf> {
        let db = self
            .path
            .canonicalize()
            .unwrap_or_else(|_| self.path.clone());
        let mut out = vec![db.clone()];
        out.extend(SIDE_FILES.iter().map(|s| with_suffix(&db, s)));
        out
    }

    /// Refuse a backup target that exists or would land on live data. Returns the
    /// folder the attachment files would go to.
    fn check_backup_target(&self, out: &Path) -> Result<PathBuf> {
        if out.exists() {
            return Err(Error::invalid(format!(
                "备份文件“{}”已存在，请换一个文件名",
                out.display()
            )));
        }
        let target = resolve(out).ok_or_else(|| {
            Error::invalid(format!(
                "备份文件“{}”所在的文件夹不存在，请先建好文件夹，或换一个位置（如 D:\\报修台备份\\备份-20261120.db）",
                out.display()
            ))
        })?;
        if self.live_files().iter().any(|f| same_name(f, &target)) {
            return Err(Error::invalid(format!(
                "“{}”是正在使用的数据库（或它的日志文件），不能用来存放备份，请换一个文件名",
                out.display()
            )));
        }
        let attachments = attachment::dir(self);
        let attachments = attachments.canonicalize().unwrap_or(attachments);
        if target.starts_with(&attachments) {
            return Err(Error::invalid(format!(
                "不能把备份放进附件文件夹“{}”，请换一个位置",
                attachments.display()
            )));
        }
        let folder = attachments_dir_of(&target)
            .ok_or_else(|| Error::invalid("备份文件路径缺少文件名，请写成 备份-20261120.db"))?;
        if folder.exists() {
            return Err(Error::invalid(format!(
                "附件文件夹“{}”已存在，请换一个备份文件名",
                folder.display()
            )));
        }
        Ok(folder)
    }

    /// 备份: a consistent copy of the whole database (`VACUUM INTO`, safe while the
    /// window is open) and, in `<stem>-附件/` beside it, every attachment file it
    /// refers to. Nothing is overwritten; on failure what was written is removed.
    pub fn backup(&self, out: &Path) -> Result<BackupReport> {
        self.operator(Permission::Backup, None)?;
        let folder = self.check_backup_target(out)?;
        let target = out
            .to_str()
            .ok_or_else(|| Error::invalid("备份文件路径含有无法识别的字符，请换一个路径"))?;
        let written = match self.engine() {
            super::Engine::Sqlite => self
                .conn()?
                .execute("VACUUM INTO ?1", [target])
                .sql("backup")
                .map(|_| ()),
            // The shared office's backup is the same portable SQLite file: a new file
            // migrated to this version, then every row copied into it.
            super::Engine::Postgres => {
                Store::open(out).and_then(|copy| self.copy_rows_into(&copy).map(|_| ()))
            }
        }
        .and_then(|()| self.copy_attachments_to(&folder));
        match written {
            Ok((copied, missing)) => {
                self.note_change(
                    Permission::Backup,
                    AuditKind::Backup,
                    &out.display().to_string(),
                    &format!("备份数据库和附件 {copied} 个"),
                )?;
                Ok(BackupReport {
                    backup: out.to_path_buf(),
                    attachments_dir: (copied + missing.len() > 0).then_some(folder),
                    attachments_copied: copied,
                    attachments_missing: missing,
                })
            }
            Err(e) => {
                let _ = std::fs::remove_file(out);
                let _ = std::fs::remove_dir_all(&folder);
                Err(e)
            }
        }
    }

    /// Copy the attachment files into `folder`. Read after the `VACUUM INTO`, so every
    /// row in the copy has its file (rows are never deleted); a file attached in
    /// between is copied too, which is harmless.
    pub(super) fn copy_attachments_to(&self, folder: &Path) -> Result<(usize, Vec<String>)> {
        let files = attachment_files(&self.db)?;
        if files.is_empty() {
            return Ok((0, Vec::new()));
        }
        std::fs::create_dir(folder).map_err(|e| Error::io(folder, e))?;
        let live = attachment::dir(self);
        let mut copied = 0;
        let mut missing = Vec::new();
        for f in files {
            let ok = is_sha256_hex(&f.sha256)
                && copy_verified(&live.join(&f.stored), folder, &f.stored, &f.sha256)?;
            if ok {
                copied += 1;
            } else {
                missing.push(f.file_name);
            }
        }
        Ok((copied, missing))
    }

    /// 恢复: replace everything in this database with a backup's content and bring back
    /// its attachment files. The backup is validated completely on a private copy
    /// first; a refusal changes nothing. Attachment files missing or damaged in the
    /// backup do not stop the restore (an old backup has no folder at all): they are
    /// named in the report, and the desk says "file missing" for them as before.
    pub fn restore(&mut self, from: &Path) -> Result<RestoreReport> {
        let by = self.operator(Permission::Restore, None)?;
        if !from.is_file() {
            return Err(Error::NotFound(format!(
                "备份文件“{}”不存在",
                from.display()
            )));
        }
        let bad = |why: String| Error::Database(format!("“{}”不能用来恢复：{why}", from.display()));
        let picked = from.canonicalize().map_err(|e| Error::io(from, e))?;
        if self.live_files().iter().any(|f| same_name(f, &picked)) {
            return Err(bad("这是正在使用的数据库本身，请选择一个备份文件".into()));
        }

        let candidate = Candidate::copy_beside(&self.path, from)?;
        let (version, zone) = candidate.validate(&bad)?;
        // The backup API needs both files on one page size; a PostgreSQL office takes
        // the rows, whatever the page size.
        let page_size: i64 = match self.engine() {
            super::Engine::Sqlite => self.conn()?,
            super::Engine::Postgres => candidate.conn()?,
        }
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .sql("pragma page_size")?;
        candidate.prepare(version, page_size)?;
        let files = attachment_files(candidate.db()?)?;

        let safety_backup = self.safety_backup()?;

        // Files first: they are content-addressed and only ever added, so the ones
        // put in place can be taken back out if the swap fails.
        let live_dir = attachment::dir(self);
        let backup_dir = attachments_dir_of(from).filter(|d| d.is_dir());
        let mut added: Vec<PathBuf> = Vec::new();
        let mut present = 0;
        let mut missing = Vec::new();
        let copied = (|| -> Result<()> {
            for f in &files {
                let target = live_dir.join(&f.stored);
                let in_place = std::fs::metadata(&target)
                    .is_ok_and(|m| m.is_file() && m.len() as i64 == f.byte_size);
                if in_place {
                    present += 1;
                    continue;
                }
                let restored = match &backup_dir {
                    Some(dir) => {
                        std::fs::create_dir_all(&live_dir).map_err(|e| Error::io(&live_dir, e))?;
                        copy_verified(&dir.join(&f.stored), &live_dir, &f.stored, &f.sha256)?
                    }
                    None => false,
                };
                if restored {
                    added.push(target);
                } else {
                    missing.push(f.file_name.clone());
                }
            }
            Ok(())
        })();
        let swapped = copied.and_then(|()| match self.engine() {
            super::Engine::Sqlite => self.swap_from(candidate.conn()?),
            super::Engine::Postgres => {
                super::transfer::replace_all(candidate.db()?, &self.db).map(|_| ())
            }
        });
        if let Err(e) = swapped {
            for f in &added {
                let _ = std::fs::remove_file(f);
            }
            return Err(e);
        }
        self.zone = zone;
        // A shared office: the restored attachments' files go into the database too.
        self.share_files(&live_dir)?;
        // The restored data has its own accounts: whoever restored signs in again.
        self.sign_out();
        let tx = self.begin()?;
        record(
            &tx,
            &self.now(),
            &by,
            AuditKind::Restore,
            &from.display().to_string(),
            &format!(
                "从备份恢复（恢复前的数据已存为 {}）",
                safety_backup.display()
            ),
        )?;
        tx.commit().sql("commit audit entry")?;
        Ok(RestoreReport {
            restored_from: from.to_path_buf(),
            backup_version: version,
            safety_backup,
            attachments_restored: added.len(),
            attachments_present: present,
            attachments_missing: missing,
        })
    }

    /// Copy the live data to `backups/恢复前-YYYYMMDD-HHMMSS.db` and prove the copy
    /// reads back intact.
    fn safety_backup(&self) -> Result<PathBuf> {
        let failed = |why: String| {
            Error::Database(format!(
                "恢复前无法保存当前数据的安全副本（{why}），没有做任何改动。若当前数据库已损坏，请关闭报修台，把数据库文件移到别处后再恢复"
            ))
        };
        let dir = self.backups_dir();
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let stamp = self.now().format("%Y%m%d-%H%M%S").to_string();
        let mut path = dir.join(format!("恢复前-{stamp}.db"));
        let mut n = 2;
        while path.exists() {
            if n > 999 {
                return Err(failed(format!("{} 里同名文件太多", dir.display())));
            }
            path = dir.join(format!("恢复前-{stamp}-{n}.db"));
            n += 1;
        }
        let target = path
            .to_str()
            .ok_or_else(|| failed("数据库所在文件夹的路径含有无法识别的字符".into()))?;
        let written = match self.engine() {
            super::Engine::Sqlite => self
                .conn()?
                .execute("VACUUM INTO ?1", [target])
                .map(|_| ())
                .map_err(|e| failed(e.to_string())),
            // The shared office's safety copy is the portable SQLite file.
            super::Engine::Postgres => Store::open(&path)
                .and_then(|copy| self.copy_rows_into(&copy).map(|_| ()))
                .map_err(|e| failed(e.to_string())),
        };
        let checked = written.and_then(|()| {
            let copy = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)
                .map_err(|e| failed(e.to_string()))?;
            let check: String = copy
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .map_err(|e| failed(e.to_string()))?;
            if check == "ok" {
                Ok(())
            } else {
                Err(failed(format!("副本完整性检查：{check}")))
            }
        });
        if let Err(e) = checked {
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
        Ok(path)
    }

    /// Replace the live content with `src` in one step of the backup API: a single
    /// write transaction on the live file, committed only at SQLITE_DONE.
    fn swap_from(&mut self, src: &Connection) -> Result<()> {
        let backup = Backup::new(src, self.conn_mut()?).sql("restore")?;
        let mut busy = 0;
        loop {
            match backup.step(-1).sql("restore")? {
                StepResult::Done => return Ok(()),
                StepResult::Busy | StepResult::Locked => {
                    busy += 1;
                    if busy >= 3 {
                        return Err(Error::Database(
                            "数据库正被其他程序使用，恢复没有进行，当前数据没有改动；请稍后再试"
                                .into(),
                        ));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                // `More` cannot follow a step of -1 pages; asking again is harmless.
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::backup::{Backup, StepResult};
    use rusqlite::Connection;

    /// The claim the restore rests on: a backup into a WAL database that is abandoned
    /// part-way leaves the destination exactly as it was, and other connections never
    /// see a half-copied state.
    #[test]
    fn an_unfinished_backup_api_copy_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let live_path = dir.path().join("live.db");
        let mut live = Connection::open(&live_path).unwrap();
        live.pragma_update(None, "journal_mode", "WAL").unwrap();
        live.execute_batch("CREATE TABLE t(a); INSERT INTO t VALUES ('kept');")
            .unwrap();
        let src = Connection::open(dir.path().join("src.db")).unwrap();
        src.execute_batch(
            "CREATE TABLE u(b); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
             INSERT INTO u SELECT randomblob(500) FROM n;",
        )
        .unwrap();
        {
            let backup = Backup::new(&src, &mut live).unwrap();
            assert_eq!(backup.step(3).unwrap(), StepResult::More);
            let reader = Connection::open(&live_path).unwrap();
            let seen: String = reader
                .query_row("SELECT a FROM t", [], |r| r.get(0))
                .unwrap();
            assert_eq!(seen, "kept");
        }
        let kept: String = live.query_row("SELECT a FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(kept, "kept");
        let tables: i64 = live
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 1);
    }

    #[test]
    fn reference_schema_of_the_latest_version_matches_a_fresh_database() {
        let dir = tempfile::tempdir().unwrap();
        let store = super::Store::open(dir.path().join("b.db")).unwrap();
        let fresh = super::schema(store.conn().unwrap()).unwrap();
        let reference = super::reference_schema(super::MIGRATIONS.len() as i64).unwrap();
        assert_eq!(fresh, reference);
    }
}
