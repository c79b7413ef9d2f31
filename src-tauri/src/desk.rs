//! The app's state: the one open [`Store`] behind a mutex, or the reason it could not
//! be opened (shown by the window instead of a crash).

use std::sync::{Arc, Mutex};

use baoxiu::{Error, Store};

pub struct Desk {
    store: Result<Arc<Mutex<Store>>, String>,
    db_path: String,
}

impl Desk {
    /// Open the same database as the CLI: `BAOXIU_DB`, else the OS data directory.
    pub fn open_default() -> Desk {
        match baoxiu::store::default_path() {
            Ok(path) => Desk::open(&path),
            Err(e) => Desk {
                store: Err(e.to_string()),
                db_path: String::new(),
            },
        }
    }

    pub fn open(path: &std::path::Path) -> Desk {
        Desk {
            store: Store::open(path)
                .map(|s| Arc::new(Mutex::new(s)))
                .map_err(|e| e.to_string()),
            db_path: path.display().to_string(),
        }
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
    /// the window's event loop.
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
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = store
                .lock()
                .map_err(|_| Error::Database("数据库连接出错，请关闭并重新打开报修台".into()))?;
            f(&mut guard)
        })
        .await
        .map_err(|e| Error::Database(format!("后台任务失败：{e}，请重试")))?
    }
}
