//! The app's state: the one open [`Store`] behind a mutex, or the reason it could not
//! be opened (shown by the window instead of a crash); the file dialogs' answers the
//! window refers to by token.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, PoisonError};

use baoxiu::{Error, Store};

use crate::picker::{Picker, Picks};

/// What the office sees when a core call panicked (a bug). The store is unchanged: the
/// core writes only inside a rusqlite `Transaction`, which rolls back when it is dropped
/// during the unwind, and its other state (time zone, path, fixed clock) is never left
/// half-set.
pub const INTERNAL_ERROR: &str =
    "操作出错（程序内部错误），数据未改动，请重试；如反复出现请把日志发给管理员";

pub struct Desk {
    store: Result<Arc<Mutex<Store>>, String>,
    /// Held for the app's life: no second window on this PC opens the same database
    /// (the single-instance plugin's fallback where it cannot work, e.g. no D-Bus).
    _instance: Option<std::fs::File>,
    db_path: String,
    picker: Picker,
    picks: Picks,
}

impl Desk {
    /// Open the same database as the CLI: `BAOXIU_DB`, else the OS data directory. The
    /// file dialogs are the native ones unless the process environment scripts them
    /// (`BAOXIU_E2E_PICKS`, for the end-to-end tests).
    pub fn open_default() -> Desk {
        let desk = match baoxiu::store::default_path() {
            Ok(path) => match instance_lock(&path) {
                Ok(lock) => Desk {
                    _instance: Some(lock),
                    ..Desk::open(&path)
                },
                Err(e) => Desk::failed(e, &path.display().to_string()),
            },
            Err(e) => Desk::failed(e.to_string(), ""),
        };
        desk.with_picker(Picker::from_env())
    }

    fn failed(why: String, db_path: &str) -> Desk {
        Desk {
            store: Err(why),
            _instance: None,
            db_path: db_path.into(),
            picker: Picker::Native,
            picks: Picks::default(),
        }
    }

    pub fn open(path: &std::path::Path) -> Desk {
        Desk {
            store: Store::open(path)
                .map(|s| Arc::new(Mutex::new(s)))
                .map_err(|e| e.to_string()),
            _instance: None,
            db_path: path.display().to_string(),
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

    pub fn db_path(&self) -> &str {
        &self.db_path
    }

    pub fn open_error(&self) -> Option<&str> {
        self.store.as_ref().err().map(String::as_str)
    }

    pub fn shared(&self) -> Option<Arc<Mutex<Store>>> {
        self.store.as_ref().ok().cloned()
    }

    /// Run `f` on the store in the blocking pool, so SQLite and file work never stall
    /// the window's event loop. A panic in `f` becomes [`INTERNAL_ERROR`] and leaves
    /// the store usable for the next command.
    pub async fn run<T, F>(&self, f: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, Error> + Send + 'static,
    {
        let store = self
            .store
            .as_ref()
            .map_err(|e| Error::Database(e.clone()))?
            .clone();
        tauri::async_runtime::spawn_blocking(move || with_store(&store, f))
            .await
            .map_err(|e| Error::Database(format!("后台任务失败：{e}，请重试")))?
    }
}

/// An exclusive lock on `<db>.desk-lock` (for a PostgreSQL URL: one per data
/// directory) — refused while another 报修台 window on this PC has the database open.
/// The OS drops it when the process ends, however it ends.
pub fn instance_lock(db: &std::path::Path) -> Result<std::fs::File, String> {
    let lock = match db.to_str().filter(|s| baoxiu::store::postgres::is_url(s)) {
        Some(_) => baoxiu::store::default_dir()
            .ok_or_else(|| "找不到系统的应用数据目录".to_string())?
            .join("shared-database.desk-lock"),
        None => {
            let mut name = db.as_os_str().to_owned();
            name.push(".desk-lock");
            std::path::PathBuf::from(name)
        }
    };
    if let Some(dir) = lock.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::create_dir_all(dir);
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock)
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
