//! The SQLite store: one file per office. Opening sets the pragmas and runs pending
//! migrations; each table's queries live in `store/<table>.rs`. Every write goes
//! through one IMMEDIATE transaction, so a refused step leaves the file untouched.
//! Backup and restore (the one place that replaces the whole file) are `store/backup.rs`.

mod accounts;
mod attachments;
mod audit;
mod autobackup;
mod backup;
mod bulk;
mod categories;
pub(crate) mod db;
mod events;
mod imports;
mod migrations;
mod month_summaries;
pub mod notify;
mod places;
pub mod postgres;
mod prices;
mod reports;
mod rounds;
mod search;
mod settings;
mod technicians;
mod tickets;
mod transfer;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::clock::{OfficeZone, Time};
use crate::error::{Error, Result, SqlContext};
pub use db::Engine;
use db::{Db, Tx};

pub use autobackup::{
    backup_is_stale, BackupCopy, BackupKind, BackupProgress, DailyBackupReport,
    DEFAULT_DAILY_BACKUPS_KEPT,
};
pub use backup::{attachments_dir_of, BackupReport, RestoreReport};
pub use bulk::OfficeSize;
pub(crate) use bulk::{BulkTicket, PickLists};
pub use categories::Category;
pub(crate) use imports::PlacePlan;
pub use migrations::MIGRATIONS;
pub(crate) use places::{
    normalize_building, normalize_room, normalize_unit, site_id as places_site_id,
    unit_id as places_unit_id, upsert_contact as places_upsert_contact,
};
pub use places::{CallerMatch, Site};
pub use prices::PriceItem;
pub(crate) use reports::{FactsColumns, FactsRow, RoundCosts};
pub use settings::{check_daily_backups_kept, Settings, DAILY_BACKUPS_KEPT_RANGE};
pub use technicians::{Suggestion, Technician};
pub use tickets::{Counters, Escalation, EscalationPage, Step, TicketFilter, TicketPage};
pub use transfer::{TableCount, TransferReport};

/// How long a SQLite write waits for another writer's lock before it fails.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Marks a file as ours (`PRAGMA application_id`), so `--db` pointed at some other
/// SQLite file is refused instead of migrated. "BXD1".
const APPLICATION_ID: i64 = 0x4258_4431;

/// The directory Tauri's `app_data_dir` resolves to for identifier `com.baoxiu.desk`.
pub fn default_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("com.baoxiu.desk"))
}

/// The database the CLI and the window share: `BAOXIU_DB`, else the app data directory.
pub fn default_path() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("BAOXIU_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    default_dir()
        .map(|d| d.join("baoxiu.db"))
        .ok_or_else(|| Error::Database("找不到系统的应用数据目录，请用 --db 指定数据库文件".into()))
}

pub struct Store {
    pub(crate) db: Db,
    zone: OfficeZone,
    /// The SQLite file, or for PostgreSQL a name in the local folder beside which this
    /// PC keeps attachments and backups.
    path: PathBuf,
    /// Where the data is, for messages: the file path or the URL without its password.
    location: String,
    /// A fixed "now" for tests and seeding; `None` reads the clock.
    fixed_now: Option<Time>,
    /// The signed-in account this store acts for (see `store/accounts.rs`).
    actor: Option<crate::account::Account>,
    /// Before an office has accounts: the operator name given (CLI `--by`).
    typed_operator: Option<String>,
    /// Index candidates above which a keyword is left to the LIKE (store/search.rs).
    dense_candidates: i64,
}

impl Store {
    /// Open (creating if absent) and migrate the database at `location`: a SQLite file
    /// path, or a `postgres://` / `postgresql://` URL for the shared office database
    /// (its local files — attachments, backups — then live in the app data directory).
    pub fn open(location: impl AsRef<Path>) -> Result<Store> {
        let location = location.as_ref();
        if let Some(url) = location.to_str().filter(|s| postgres::is_url(s)) {
            // BAOXIU_FILES_DIR: where this PC keeps attachments and backups (tests, or an
            // office that wants them on another disk).
            let dir = std::env::var_os("BAOXIU_FILES_DIR")
                .filter(|d| !d.is_empty())
                .map(PathBuf::from)
                .or_else(default_dir)
                .ok_or_else(|| Error::Database("找不到系统的应用数据目录".into()))?;
            return Store::open_postgres(url, &dir);
        }
        Store::open_sqlite(location)
    }

    /// The shared PostgreSQL database at `url`; `files` is the local folder that holds
    /// this PC's copies of attachments and its backups.
    pub fn open_postgres(url: &str, files: &Path) -> Result<Store> {
        let db = postgres::connect(url)?;
        let shown = postgres::redacted(url);
        postgres::migrate(&db, &shown)?;
        std::fs::create_dir_all(files).map_err(|e| Error::io(files, e))?;
        let mut store = Store {
            db,
            zone: OfficeZone::default(),
            path: files.join("baoxiu-shared.db"),
            location: shown,
            fixed_now: None,
            dense_candidates: search::DENSE_CANDIDATES,
            actor: None,
            typed_operator: None,
        };
        store.zone = OfficeZone::parse(&store.settings()?.time_zone)?;
        Ok(store)
    }

    fn open_sqlite(path: &Path) -> Result<Store> {
        let path = path.to_path_buf();
        if path.is_dir() {
            return Err(Error::Database(format!(
                "数据库路径“{}”是一个文件夹，请指定一个数据库文件（如 baoxiu.db）",
                path.display()
            )));
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let not_ours = |detail: &str| {
            Error::Database(format!(
                "文件“{}”不是报修台数据库（{detail}），请检查 --db 路径",
                path.display()
            ))
        };
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| Error::Database(format!("无法打开数据库“{}”：{e}", path.display())))?;
        // Migration step 11 and the index rebuild call it.
        search::register(&conn)
            .map_err(|e| Error::Database(format!("无法打开数据库“{}”：{e}", path.display())))?;
        // Set first: another process may be creating or migrating the same file.
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| Error::Database(format!("无法打开数据库“{}”：{e}", path.display())))?;
        // Reading the header first tells a foreign file apart before anything is written.
        // One statement, so one snapshot: another process may be migrating this new file
        // right now, and three separate reads could see its tables but not yet its marks.
        let (user_version, app_id, tables): (i64, i64, i64) = conn
            .query_row(
                "SELECT (SELECT user_version FROM pragma_user_version),
                        (SELECT application_id FROM pragma_application_id),
                        (SELECT count(*) FROM sqlite_schema)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(|_| not_ours("不是 SQLite 文件"))?;
        if (user_version > 0 || tables > 0) && app_id != APPLICATION_ID {
            return Err(not_ours("是其他程序的 SQLite 文件"));
        }
        if user_version > MIGRATIONS.len() as i64 {
            return Err(Error::Database(format!(
                "数据库“{}”来自更新版本的报修台（版本 {user_version}），请升级本程序后再打开",
                path.display()
            )));
        }
        // Switching a new file to WAL needs it to itself for a moment, and SQLite does not
        // wait on busy_timeout for that: retry briefly while another opener migrates it.
        let mut tries = 0;
        loop {
            match conn.pragma_update(None, "journal_mode", "WAL") {
                Ok(()) => break,
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy && tries < 200 =>
                {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(e) => return Err(e).sql("pragma journal_mode"),
            }
        }
        conn.pragma_update(None, "synchronous", "FULL")
            .sql("pragma synchronous")?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .sql("pragma foreign_keys")?;
        // No mmap and SQLite's default page cache: at a million tickets neither made
        // the month report measurably faster, and the window's memory counted every page
        // a read had mapped (idle Pss 686 MB against 271 MB of it the app process's).
        let mut store = Store {
            db: Db::sqlite(conn),
            zone: OfficeZone::default(),
            location: path.display().to_string(),
            path,
            fixed_now: None,
            dense_candidates: search::DENSE_CANDIDATES,
            actor: None,
            typed_operator: None,
        };
        if user_version >= 1 && user_version < MIGRATIONS.len() as i64 {
            // The 迁移前 copy is stamped in the office's zone, which a v1 file already has.
            if let Some(zone) = store
                .settings()
                .ok()
                .and_then(|s| OfficeZone::parse(&s.time_zone).ok())
            {
                store.zone = zone;
            }
            store.before_migration_copy(user_version)?;
        }
        store.migrate(user_version)?;
        store.zone = OfficeZone::parse(&store.settings()?.time_zone)?;
        Ok(store)
    }

    /// What it takes to open this store's database again on a connection of its own
    /// (see [`Reopen`]).
    pub fn reopen(&self) -> Reopen {
        Reopen {
            engine: self.engine(),
            path: self.path.clone(),
            location: self.location.clone(),
            fixed_now: self.fixed_now,
            actor: self.actor.clone(),
            typed_operator: self.typed_operator.clone(),
        }
    }

    /// A second connection to this SQLite file, to read beside this one on another
    /// thread (the month report reads its 重复报修 so); None on PostgreSQL, where a
    /// second session needs the password the store does not keep.
    pub(crate) fn reader_beside(&self) -> Result<Option<Store>> {
        match self.engine() {
            Engine::Sqlite => self.reopen().open(None).map(Some),
            Engine::Postgres => Ok(None),
        }
    }

    fn migrate(&mut self, seen: i64) -> Result<()> {
        if seen as usize >= MIGRATIONS.len() {
            return Ok(());
        }
        // A step may rebuild a table (SQLite's way to change one), which foreign keys
        // would block half-way; they are off while the steps run and checked whole
        // before the commit. The pragma cannot change inside a transaction.
        self.conn()?
            .pragma_update(None, "foreign_keys", "OFF")
            .sql("pragma foreign_keys")?;
        let migrated = self.migrate_steps();
        self.conn()?
            .pragma_update(None, "foreign_keys", "ON")
            .sql("pragma foreign_keys")?;
        migrated
    }

    fn migrate_steps(&self) -> Result<()> {
        let tx = self.write()?;
        // Read again under the write lock: another process opening the same new file at
        // the same moment may have migrated it while we waited.
        let from: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .sql("pragma user_version")?;
        for (i, step) in MIGRATIONS.iter().enumerate().skip(from.max(0) as usize) {
            tracing::info!(engine = "sqlite", step = i + 1, "migration");
            tx.execute_batch(step).sql("migration")?;
        }
        let broken: i64 = tx
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .sql("foreign key check")?;
        if broken > 0 {
            return Err(Error::Database(format!(
                "升级数据库结构后有 {broken} 条记录的关联不完整，已放弃升级、数据未改动；请把数据库文件发给维护人员"
            )));
        }
        // A new step can change what a month's figures read: kept months are computed
        // again (and a table rebuilt by a step would have lost its triggers' changes).
        tx.execute_batch("DELETE FROM month_summaries")
            .sql("forget kept months")?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .sql("pragma application_id")?;
        tx.pragma_update(None, "user_version", MIGRATIONS.len() as i64)
            .sql("pragma user_version")?;
        tx.commit().sql("commit migration")
    }

    /// An IMMEDIATE transaction: takes the write lock up front, so concurrent writers
    /// queue (busy_timeout) instead of failing half-way.
    pub(crate) fn write(&self) -> Result<Transaction<'_>> {
        Transaction::new_unchecked(self.conn()?, TransactionBehavior::Immediate)
            .sql("begin immediate")
    }

    /// A write transaction on either engine (see [`Db::begin`]).
    #[allow(dead_code)] // the modules moving onto the seam start using it
    pub(crate) fn begin(&self) -> Result<Tx<'_>> {
        self.db.begin().sql("begin")
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file path or the PostgreSQL URL (password hidden).
    pub fn location(&self) -> &str {
        &self.location
    }

    pub fn engine(&self) -> Engine {
        self.db.engine()
    }

    pub fn zone(&self) -> OfficeZone {
        self.zone
    }

    /// The current time in the office zone (or the fixed time set for a test/seed).
    pub fn now(&self) -> Time {
        self.fixed_now.unwrap_or_else(|| self.zone.now())
    }

    /// Pin "now" (tests, seeding a past quarter). `None` returns to the real clock.
    pub fn set_now(&mut self, now: Option<Time>) {
        self.fixed_now = now;
    }

    /// Trade durability for speed while seeding demo or benchmark data.
    pub(crate) fn set_durable(&self, durable: bool) -> Result<()> {
        // PostgreSQL's durability is the server's business, not one client's.
        if self.engine() == Engine::Postgres {
            return Ok(());
        }
        self.conn()?
            .pragma_update(None, "synchronous", if durable { "FULL" } else { "OFF" })
            .sql("pragma synchronous")
    }

    fn conn_mut(&mut self) -> Result<&mut Connection> {
        self.db.sqlite_conn_mut().ok_or_else(sqlite_only)
    }

    /// The SQLite connection, for what only SQLite has: pragmas, migrations by
    /// `user_version`, `VACUUM INTO` and the backup API. Everything else goes through
    /// the [`Db`] seam.
    pub(crate) fn conn(&self) -> Result<&Connection> {
        self.db.sqlite_conn().ok_or_else(sqlite_only)
    }

    /// A consistent text dump of every table (schema and rows), used by tests to prove
    /// a refusal changed nothing, and handy for support.
    pub fn dump(&self) -> Result<String> {
        if self.db.engine() == Engine::Postgres {
            return postgres::dump(&self.db).sql("dump");
        }
        let mut out = String::new();
        let mut tables = self
            .conn()?
            .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .sql("dump tables")?;
        let names: Vec<(String, String)> = tables
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .sql("dump tables")?
            .collect::<std::result::Result<_, _>>()
            .sql("dump tables")?;
        for (name, sql) in names {
            out.push_str(&sql);
            out.push('\n');
            let mut stmt = self
                .conn()?
                .prepare(&format!("SELECT * FROM \"{name}\" ORDER BY 1"))
                .sql("dump rows")?;
            let cols = stmt.column_count();
            let mut rows = stmt.query([]).sql("dump rows")?;
            while let Some(row) = rows.next().sql("dump rows")? {
                let vals: Vec<String> = (0..cols)
                    .map(|i| format!("{:?}", row.get_ref(i).map(|v| format!("{v:?}"))))
                    .collect();
                out.push_str(&vals.join("|"));
                out.push('\n');
            }
        }
        Ok(out)
    }
}

/// Where a store's database is and what clock it keeps, without its connection: read
/// in a moment from the desk's one store, then opened outside its lock for long work
/// (the 每日备份 copies the whole database) while the office goes on using the desk.
#[derive(Debug, Clone)]
pub struct Reopen {
    engine: Engine,
    path: PathBuf,
    location: String,
    fixed_now: Option<Time>,
    actor: Option<crate::account::Account>,
    typed_operator: Option<String>,
}

impl Reopen {
    /// A second store on the same database: the same SQLite file (WAL lets it read
    /// while the first writes), or the PostgreSQL database at `url` — the store keeps
    /// its URL only with the password hidden, so whoever opened it gives it again —
    /// with the same local files folder. The same fixed clock, acting for the same
    /// signed-in account (whose role every change checks again in the database).
    pub fn open(&self, url: Option<&str>) -> Result<Store> {
        let mut store = match self.engine {
            Engine::Sqlite => Store::open_sqlite(&self.path)?,
            Engine::Postgres => {
                let url = url
                    .filter(|u| postgres::redacted(u) == self.location)
                    .ok_or_else(|| {
                        Error::Database(format!(
                            "无法另开到共享数据库（{}）的连接：缺少它的连接地址，请重新打开报修台",
                            self.location
                        ))
                    })?;
                let files = self
                    .path
                    .parent()
                    .ok_or_else(|| Error::Database("找不到本机文件夹".into()))?;
                Store::open_postgres(url, files)?
            }
        };
        store.fixed_now = self.fixed_now;
        store.actor = self.actor.clone();
        store.typed_operator = self.typed_operator.clone();
        Ok(store)
    }
}

fn sqlite_only() -> Error {
    Error::Database("这项操作只适用于本机数据库（SQLite 文件）".into())
}

/// Read an optional epoch-seconds column as office time.
fn time_opt(zone: &OfficeZone, v: Option<i64>) -> Option<Time> {
    v.map(|s| zone.from_epoch(s))
}
