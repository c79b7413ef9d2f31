//! The app's state: the one open [`Store`] behind a mutex, or the reason it could not
//! be opened (shown by the window instead of a crash); the file dialogs' answers the
//! window refers to by token. The store can be swapped for another (数据库连接): commands
//! already running finish on the one they started with.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use baoxiu::account::Permission;
use baoxiu::connection::{self, Backend, Connection};
use baoxiu::{Error, Store};

use crate::picker::{Picker, Picks};

/// What the office sees when a core call panicked (a bug). The store is unchanged: the
/// core writes only inside a rusqlite `Transaction`, which rolls back when it is dropped
/// during the unwind, and its other state (time zone, path, fixed clock) is never left
/// half-set.
pub const INTERNAL_ERROR: &str =
    "操作出错（程序内部错误），数据未改动，请重试；如反复出现请把日志发给管理员";

/// The database the desk works on now.
struct Opened {
    store: Result<Arc<Mutex<Store>>, String>,
    /// The file path or the URL with its password hidden; empty when unknown.
    location: String,
    /// The shared database's real URL (password included), for the live-desk listener;
    /// `None` for a SQLite file.
    url: Option<String>,
    /// Held while this database is the open one: no second window on this PC opens it
    /// (the single-instance plugin's fallback where it cannot work, e.g. no D-Bus).
    /// `None` in tests and when the desk was not asked to lock.
    instance: Option<Instance>,
}

/// The lock file held for the open database, and its path (to tell whether a switch
/// goes to a database under the same lock).
struct Instance {
    path: PathBuf,
    _file: std::fs::File,
}

impl Opened {
    fn at(location: &Path) -> Opened {
        let raw = location.to_string_lossy();
        Opened {
            store: Store::open(location)
                .map(|s| Arc::new(Mutex::new(s)))
                .map_err(|e| e.to_string()),
            location: connection::shown(&raw),
            url: baoxiu::store::postgres::is_url(&raw).then(|| raw.to_string()),
            instance: None,
        }
    }

    /// As [`Opened::at`], after taking the database's instance lock; a database another
    /// window on this PC has open is not opened at all.
    fn locked(location: &Path) -> Opened {
        match Instance::take(location) {
            Ok(instance) => Opened {
                instance: Some(instance),
                ..Opened::at(location)
            },
            Err(e) => Opened {
                store: Err(e),
                location: connection::shown(&location.to_string_lossy()),
                url: None,
                instance: None,
            },
        }
    }
}

impl Instance {
    fn take(db: &Path) -> Result<Instance, String> {
        let path = lock_path(db)?;
        let file = lock_file(&path)?;
        Ok(Instance { path, _file: file })
    }
}

pub struct Desk {
    opened: Arc<RwLock<Opened>>,
    /// The app data directory holding `connection.json` (and the local database);
    /// `None` when the OS has none, with the reason.
    data_dir: Result<PathBuf, String>,
    /// One 数据库连接 change at a time, so the saved file and the open store agree.
    switching: Arc<Mutex<()>>,
    /// Whether the open database's instance lock is held (the app; not the tests).
    locking: bool,
    picker: Picker,
    picks: Picks,
}

impl Desk {
    /// Open the same database as the CLI: `BAOXIU_DB`, else the choice saved in
    /// `connection.json` (the local file in the OS data directory when none). The file
    /// dialogs are the native ones unless the process environment scripts them
    /// (`BAOXIU_E2E_PICKS`, for the end-to-end tests).
    pub fn open_default() -> Desk {
        let desk = match connection::default_dir() {
            Ok(dir) => Desk::open_locked_in(&dir),
            Err(e) => Desk::with(
                Opened {
                    store: Err(e.to_string()),
                    location: String::new(),
                    url: None,
                    instance: None,
                },
                Err(e.to_string()),
            ),
        };
        desk.with_picker(Picker::from_env())
    }

    /// The database `connection.json` in `dir` names (or `BAOXIU_DB`), no instance
    /// lock (tests).
    #[cfg(test)]
    pub fn open_in(dir: &Path) -> Desk {
        let opened = match connection::location_to_open(dir) {
            Ok(location) => Opened::at(&location),
            Err(e) => Opened {
                store: Err(e.to_string()),
                location: dir.join(connection::FILE_NAME).display().to_string(),
                url: None,
                instance: None,
            },
        };
        Desk::with(opened, Ok(dir.to_path_buf()))
    }

    /// As [`Desk::open_in`], holding the instance lock of the database open now (and,
    /// after a 数据库连接 switch, of the one switched to): the app's way to open.
    pub fn open_locked_in(dir: &Path) -> Desk {
        let opened = match connection::location_to_open(dir) {
            Ok(location) => Opened::locked(&location),
            Err(e) => Opened {
                store: Err(e.to_string()),
                location: dir.join(connection::FILE_NAME).display().to_string(),
                url: None,
                instance: None,
            },
        };
        let mut desk = Desk::with(opened, Ok(dir.to_path_buf()));
        desk.locking = true;
        desk
    }

    /// The database at `path`, with the data directory beside it (tests).
    #[cfg(test)]
    pub fn open(path: &Path) -> Desk {
        let dir = path
            .parent()
            .map(Path::to_path_buf)
            .ok_or_else(|| "找不到数据库所在的文件夹".to_string());
        Desk::with(Opened::at(path), dir)
    }

    fn with(opened: Opened, data_dir: Result<PathBuf, String>) -> Desk {
        Desk {
            opened: Arc::new(RwLock::new(opened)),
            data_dir,
            switching: Arc::new(Mutex::new(())),
            locking: false,
            picker: Picker::Native,
            picks: Picks::default(),
        }
    }

    pub fn with_picker(mut self, picker: Picker) -> Desk {
        self.picker = picker;
        self
    }

    pub fn picker(&self) -> &Picker {
        &self.picker
    }

    pub fn picks(&self) -> &Picks {
        &self.picks
    }

    /// The open database's file path or URL, password hidden.
    pub fn location(&self) -> String {
        read(&self.opened).location.clone()
    }

    pub fn backend(&self) -> Backend {
        Backend::of(&self.location())
    }

    pub fn open_error(&self) -> Option<String> {
        read(&self.opened).store.as_ref().err().cloned()
    }

    pub fn shared(&self) -> Option<Arc<Mutex<Store>>> {
        read(&self.opened).store.as_ref().ok().cloned()
    }

    /// The real URL (password included, never for the page) of the shared PostgreSQL
    /// database open now; `None` for a SQLite file or when nothing could be opened.
    /// The live-desk listener follows it across a 数据库连接 switch.
    pub fn shared_url(&self) -> Option<String> {
        let now = read(&self.opened);
        now.store.as_ref().ok()?;
        now.url.clone()
    }

    fn data_dir(&self) -> Result<PathBuf, Error> {
        self.data_dir.clone().map_err(Error::Database)
    }

    /// Run `f` on the store in the blocking pool, so SQLite and file work never stall
    /// the window's event loop. A panic in `f` becomes [`INTERNAL_ERROR`] and leaves
    /// the store usable for the next command.
    pub async fn run<T, F>(&self, f: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, Error> + Send + 'static,
    {
        let store = read(&self.opened)
            .store
            .as_ref()
            .map_err(|e| Error::Database(e.clone()))?
            .clone();
        tauri::async_runtime::spawn_blocking(move || with_store(&store, f))
            .await
            .map_err(|e| Error::Database(format!("后台任务失败：{e}，请重试")))?
    }

    /// Run `f` on a connection of its own to the database open now, in the blocking
    /// pool: long work (the 每日备份 copies the whole database, ~18 s at 1.5 GB) that
    /// must not hold the desk's one store while the office works. The desk's store is
    /// held only for the moment it takes to read where its database is and its clock.
    pub async fn run_apart<T, F>(&self, f: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, Error> + Send + 'static,
    {
        // One read of `opened`: the URL belongs to the store beside it even if a
        // 数据库连接 switch comes next.
        let (store, url) = {
            let now = read(&self.opened);
            let store = now
                .store
                .as_ref()
                .map_err(|e| Error::Database(e.clone()))?
                .clone();
            (store, now.url.clone())
        };
        blocking(move || {
            let reopen = with_store(&store, |s| Ok(s.reopen()))?;
            drop(store);
            let mut apart = reopen.open(url.as_deref())?;
            f(&mut apart)
        })
        .await
    }

    /// The saved 数据库连接 choice as the window may see it (no password).
    pub async fn connection(&self) -> Result<connection::ConnectionView, Error> {
        let dir = self.data_dir()?;
        blocking(move || Ok(Connection::load(&dir)?.view(&dir))).await
    }

    /// Try `candidate` (an empty password meaning the stored one) without changing
    /// anything the desk uses; the Chinese success line or the store's reason.
    pub async fn test_connection(&self, candidate: Connection) -> Result<String, Error> {
        let dir = self.data_dir()?;
        blocking(move || {
            let candidate = with_stored_password(candidate, &dir);
            connection::test(&candidate, &dir)
        })
        .await
    }

    /// Open `candidate`'s database; only when that worked, save it as the choice and
    /// switch the desk over to it. A refusal changes neither the file nor the desk.
    pub async fn save_connection(&self, candidate: Connection) -> Result<String, Error> {
        let dir = self.data_dir()?;
        let opened = self.opened.clone();
        let switching = self.switching.clone();
        let locking = self.locking;
        blocking(move || {
            let _one = switching.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(env) = connection::env_override() {
                return Err(Error::invalid(format!(
                    "数据库由环境变量 BAOXIU_DB 指定（{env}），在这里保存不会生效；请先取消该环境变量再设置数据库连接"
                )));
            }
            // Switching the office's database is an administrator's setting. A desk
            // that could not open its database has nobody signed in: the form on that
            // screen is how the PC is put right, so it stays open to whoever is there.
            let current = read(&opened).store.as_ref().ok().cloned();
            if let Some(current) = current {
                if !with_store(&current, |s| s.may(Permission::Settings))? {
                    return Err(Error::Forbidden(
                        "只有管理员可以修改数据库连接，请用管理员账号登录后再保存".into(),
                    ));
                }
            }
            let candidate = with_stored_password(candidate, &dir);
            let store = candidate.open(&dir)?;
            let line = connection::summary(&store)?;
            let mut now = opened.write().unwrap_or_else(PoisonError::into_inner);
            // The new database's instance lock: kept when it is the same lock (the same
            // file, or the shared database again), else taken before anything is saved.
            let target = candidate.location(&dir);
            let instance = if !locking {
                None
            } else if now
                .instance
                .as_ref()
                .is_some_and(|i| lock_path(&target).is_ok_and(|p| p == i.path))
            {
                now.instance.take()
            } else {
                Some(Instance::take(&target).map_err(Error::Database)?)
            };
            if let Err(e) = candidate.save(&dir) {
                // Keep holding what the desk still uses.
                if now.instance.is_none() {
                    now.instance = instance;
                }
                return Err(e);
            }
            *now = Opened {
                location: store.location().to_string(),
                url: candidate.url(),
                store: Ok(Arc::new(Mutex::new(store))),
                instance,
            };
            Ok(line)
        })
        .await
    }
}

fn read(opened: &RwLock<Opened>) -> std::sync::RwLockReadGuard<'_, Opened> {
    opened.read().unwrap_or_else(PoisonError::into_inner)
}

/// The candidate with the saved password where the form left it empty. A saved file
/// that cannot be read has no password to keep.
fn with_stored_password(candidate: Connection, dir: &Path) -> Connection {
    let saved = Connection::load(dir).unwrap_or(Connection::Local);
    candidate.keeping_password(&saved)
}

/// Run `f` in the blocking pool (connecting to a server can take seconds), a panic
/// becoming [`INTERNAL_ERROR`].
async fn blocking<T, F>(f: F) -> Result<T, Error>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, Error> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(move || {
        catch_unwind(AssertUnwindSafe(f))
            .unwrap_or_else(|_| Err(Error::Database(INTERNAL_ERROR.into())))
    })
    .await
    .map_err(|e| Error::Database(format!("后台任务失败：{e}，请重试")))?
}

/// The lock file for database `db`: `<db>.desk-lock`, or for a PostgreSQL URL one per
/// data directory (`shared-database.desk-lock`).
fn lock_path(db: &Path) -> Result<PathBuf, String> {
    Ok(
        match db.to_str().filter(|s| baoxiu::store::postgres::is_url(s)) {
            Some(_) => baoxiu::store::default_dir()
                .ok_or_else(|| "找不到系统的应用数据目录".to_string())?
                .join("shared-database.desk-lock"),
            None => {
                let mut name = db.as_os_str().to_owned();
                name.push(".desk-lock");
                PathBuf::from(name)
            }
        },
    )
}

/// An exclusive lock on `<db>.desk-lock` (see [`lock_path`]) — refused while another
/// 报修台 window on this PC has the database open. The OS drops it when the process
/// ends, however it ends.
#[cfg(test)]
fn instance_lock(db: &Path) -> Result<std::fs::File, String> {
    lock_file(&lock_path(db)?)
}

fn lock_file(lock: &Path) -> Result<std::fs::File, String> {
    if let Some(dir) = lock.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::create_dir_all(dir);
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock)
        .map_err(|e| format!("无法创建运行标记文件“{}”：{e}", lock.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(
            "报修台已经在本机打开了这个数据库（另一个窗口）。请切换到那个窗口使用；本窗口没有打开数据库，可以关闭"
                .into(),
        ),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(format!("无法锁定运行标记文件“{}”：{e}", lock.display()))
        }
    }
}

/// Lock the store and run `f`, catching a panic. A lock poisoned by an earlier panic
/// (one that escaped this function, e.g. in another thread) is taken over, for the same
/// reason a caught panic is harmless: an unfinished transaction was rolled back.
pub fn with_store<T, F>(store: &Mutex<Store>, f: F) -> Result<T, Error>
where
    F: FnOnce(&mut Store) -> Result<T, Error>,
{
    let mut guard = store.lock().unwrap_or_else(PoisonError::into_inner);
    // The default panic hook has already written the message and place to stderr.
    catch_unwind(AssertUnwindSafe(|| f(&mut guard)))
        .unwrap_or_else(|_| Err(Error::Database(INTERNAL_ERROR.into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(s: &mut Store) -> Result<String, Error> {
        let draft: baoxiu::input::TicketDraft = serde_json::from_value(serde_json::json!({
            "reporter": "王秀英", "phone": "13812348000", "site": "翠湖苑", "building": "3",
            "unit": "2", "room": "501", "category": "水路", "description": "厨房水管漏水"
        }))
        .map_err(|e| Error::invalid(e.to_string()))?;
        if s.sites()?.is_empty() {
            s.add_site("翠湖苑")?;
        }
        s.create_ticket(&draft, "前台").map(|t| t.number)
    }

    /// Always true; keeps the panic below reachable in the compiler's eyes.
    fn s_path_exists() -> bool {
        std::env::temp_dir().exists()
    }

    #[test]
    fn a_panicking_command_is_a_chinese_error_and_the_next_command_works() {
        let dir = tempfile::tempdir().unwrap();
        let desk = Desk::open(&dir.path().join("baoxiu.db"));
        tauri::async_runtime::block_on(async {
            let number = desk.run(ticket).await.unwrap();
            let before = desk.run(|s| s.dump()).await.unwrap();

            // A bug that panics half-way through a write, its transaction still open:
            // the print events are written, then delivering the PDF panics.
            let err = desk
                .run(move |s| {
                    s.record_prints(&[number], "前台", || {
                        if s_path_exists() {
                            panic!("a bug in the core");
                        }
                        Ok(())
                    })
                })
                .await
                .unwrap_err();
            assert_eq!(err.code(), "database");
            assert_eq!(err.to_string(), INTERNAL_ERROR);

            // The lock is not poisoned and the store is as it was.
            assert_eq!(desk.run(|s| s.dump()).await.unwrap(), before);
            let next = desk.run(ticket).await.unwrap();
            assert!(next.starts_with("BX-"), "{next}");
        });
    }

    #[test]
    fn a_second_window_on_the_same_database_is_refused_until_the_first_closes() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("baoxiu.db");
        let first = instance_lock(&db).unwrap();
        let second = instance_lock(&db).unwrap_err();
        assert!(second.contains("已经在本机打开了这个数据库"), "{second}");
        // Another office's file on the same PC is not held up.
        assert!(instance_lock(&dir.path().join("other.db")).is_ok());
        drop(first);
        assert!(instance_lock(&db).is_ok());
    }

    #[test]
    fn a_lock_poisoned_elsewhere_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let desk = Desk::open(&dir.path().join("baoxiu.db"));
        let store = desk.shared().unwrap();
        let poisoner = store.clone();
        let _ = std::thread::spawn(move || {
            let _guard = poisoner.lock().unwrap();
            panic!("a panic while holding the store");
        })
        .join();
        assert!(store.is_poisoned());
        let n = tauri::async_runtime::block_on(desk.run(ticket)).unwrap();
        assert!(n.starts_with("BX-"), "{n}");
    }
}
