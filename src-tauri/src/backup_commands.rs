//! The window's 数据备份 commands: the copies in `backups/`, 立即备份 with progress,
//! 恢复 from a listed copy (the core backs the current data up first), the folder.
//! The daily copy is made at start ([`daily_at_start`]).

use baoxiu::store::{BackupCopy, BackupProgress, DailyBackupReport, RestoreReport};
use baoxiu::Error;
use serde::Serialize;
use tauri::{Emitter, State};
use tauri_plugin_opener::OpenerExt;
use ts_rs::TS;

use crate::desk::Desk;

type Reply<T> = Result<T, Error>;

/// The 数据备份 screen, and the 工作台's warning when the last good copy is old.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BackupsView {
    /// Newest first.
    pub copies: Vec<BackupCopy>,
    pub last_good: Option<BackupCopy>,
    /// No good copy in the last 2 days (the 工作台 shows a warning).
    pub stale: bool,
    pub folder: String,
    /// 每日备份保留份数.
    pub daily_kept: u32,
}

/// The event 立即备份 reports its progress on.
pub const PROGRESS_EVENT: &str = "backup-progress";

#[tauri::command]
pub async fn backups(desk: State<'_, Desk>) -> Reply<BackupsView> {
    desk.run(|s| {
        let last_good = s.last_good_backup()?;
        Ok(BackupsView {
            stale: baoxiu::store::backup_is_stale(
                last_good.as_ref().map(|c| &c.taken_at),
                &s.now(),
            ),
            copies: s.list_backups()?,
            last_good,
            folder: s.backups_dir().display().to_string(),
            daily_kept: s.settings()?.daily_backups_kept,
        })
    })
    .await
}

/// 立即备份: progress goes out as [`PROGRESS_EVENT`] events while the copy is made, on
/// a connection of its own acting for the signed-in account (like the daily copy), so
/// the desk goes on answering while a large database is copied.
#[tauri::command]
pub async fn backup_now<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    desk: State<'_, Desk>,
) -> Reply<BackupCopy> {
    desk.run_apart(move |s| {
        let (_, copy) = s.backup_now(&mut |p: BackupProgress| {
            let _ = app.emit(PROGRESS_EVENT, p);
        })?;
        Ok(copy)
    })
    .await
}

/// 恢复 from a copy listed in `backups/` (by its file name: the page names no path).
/// The current data is copied to `backups/恢复前-….db` first; everyone signs in again.
#[tauri::command]
pub async fn backup_restore(desk: State<'_, Desk>, file_name: String) -> Reply<RestoreReport> {
    desk.run(move |s| {
        let copy = s
            .list_backups()?
            .into_iter()
            .find(|c| c.file_name == file_name)
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "备份“{file_name}”不在备份文件夹里，请刷新列表后重选"
                ))
            })?;
        s.restore(&copy.path)
    })
    .await
}

#[tauri::command]
pub async fn backup_open_folder<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    desk: State<'_, Desk>,
) -> Reply<()> {
    let dir = desk.run(|s| Ok(s.backups_dir())).await?;
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    app.opener()
        .open_path(dir.display().to_string(), None::<&str>)
        .map_err(|e| Error::invalid(format!("无法打开“{}”：{e}", dir.display())))
}

/// 每日备份 at the first start of each day, in the background: the window is usable at
/// once; a failure goes to the log and shows as the 工作台's stale-backup warning.
pub fn daily_at_start<R: tauri::Runtime>(app: tauri::AppHandle<R>) {
    use tauri::Manager;
    tauri::async_runtime::spawn(async move {
        let desk = app.state::<Desk>();
        match daily(&desk).await {
            Ok(r) => tracing::info!(made = r.made, copies = r.daily_copies, "daily backup"),
            Err(e) => tracing::warn!(code = e.code(), "daily backup failed"),
        }
    });
}

/// The 每日备份 on a connection of its own: copying a 1.5 GB file takes ~18 s, and on
/// the desk's one store that froze the window for as long on the first start of the
/// day. The copy reads one snapshot while the desk goes on writing (see the core's
/// `daily_backup`); its audit entry and the pruning of old copies happen as before.
async fn daily(desk: &Desk) -> Reply<DailyBackupReport> {
    desk.run_apart(|s| s.daily_backup()).await
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use serde_json::json;
    use tauri::Manager;

    use super::*;
    use crate::commands::tests::{call, register, window};

    fn at(s: &str) -> baoxiu::clock::Time {
        baoxiu::clock::OfficeZone::default()
            .parse_input("test", s)
            .unwrap()
    }

    /// While the 每日备份 is under way on its own connection, the desk's store is free:
    /// the window reads and registers tickets. The backup is held half-way by the test
    /// (no clocks, no sleeps), then finishes with its audit entry.
    #[test]
    fn the_desk_answers_while_the_daily_backup_is_under_way() {
        let dir = tempfile::tempdir().unwrap();
        let (app, w) = window(Desk::open(&dir.path().join("baoxiu.db")));
        let first = register(&w);
        let desk = app.state::<Desk>();
        tauri::async_runtime::block_on(desk.run(|s| {
            s.set_now(Some(at("2026-11-20 08:30")));
            Ok(())
        }))
        .unwrap();

        let (started, is_started) = mpsc::channel();
        let (go, wait_for_go) = mpsc::channel::<()>();
        let handle = app.handle().clone();
        let backup = std::thread::spawn(move || {
            tauri::async_runtime::block_on(handle.state::<Desk>().run_apart(move |s| {
                started.send(()).unwrap();
                wait_for_go.recv().unwrap();
                s.daily_backup()
            }))
        });
        is_started.recv().unwrap();

        // The backup is under way: the desk's one store is not held by it.
        assert!(desk.shared().unwrap().try_lock().is_ok());
        let counters = call(&w, "counters", json!({})).unwrap();
        assert_eq!(counters["received"], 1);
        let second = register(&w);
        assert_ne!(second, first);

        go.send(()).unwrap();
        let report = backup.join().unwrap().unwrap();
        assert!(report.made, "{report:?}");
        assert_eq!(
            report.copy.file_name, "每日-20261120.db",
            "named by the desk's clock"
        );
        assert!(report.copy.checked_ok);
        let log = call(&w, "audit_log", json!({ "filter": {} })).unwrap();
        assert!(
            log.as_array()
                .unwrap()
                .iter()
                .any(|e| e["subject"] == "每日-20261120.db" && e["account"] == "（自动）"),
            "{log}"
        );
    }

    /// 立即备份 runs on a connection of its own but for the account signed in: a 客服
    /// is refused (no copy made), the administrator's copy is listed and audited under
    /// the administrator's name.
    #[test]
    fn backup_now_acts_for_the_signed_in_account() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, w) = window(Desk::open_in(dir.path()));
        let admin = json!({"name": "李经理", "password": "admin-pass-1"});
        call(&w, "create_admin", admin.clone()).unwrap();
        call(
            &w,
            "account_add",
            json!({"name": "小周", "role": "desk", "password": "desk-pass-1"}),
        )
        .unwrap();
        register(&w);
        call(
            &w,
            "login",
            json!({"name": "小周", "password": "desk-pass-1"}),
        )
        .unwrap();
        let err = call(&w, "backup_now", json!({})).unwrap_err();
        assert_eq!(err["code"], "forbidden", "{err}");
        call(&w, "login", admin).unwrap();
        assert!(call(&w, "backups", json!({})).unwrap()["copies"]
            .as_array()
            .unwrap()
            .is_empty());

        let copy = call(&w, "backup_now", json!({})).unwrap();
        let name = copy["file_name"].as_str().unwrap();
        assert!(name.starts_with("手动-"), "{copy}");
        assert_eq!(copy["checked_ok"], true);
        let view = call(&w, "backups", json!({})).unwrap();
        assert_eq!(view["copies"][0]["file_name"], name);
        let log = call(&w, "audit_log", json!({ "filter": {} })).unwrap();
        assert!(
            log.as_array()
                .unwrap()
                .iter()
                .any(|e| e["subject"].as_str().unwrap().ends_with(name)
                    && e["account"] == "李经理"),
            "{log}"
        );
    }

    /// The start-up path itself: the copy is made and listed, and a second start the
    /// same day makes none.
    #[test]
    fn the_daily_backup_at_start_makes_todays_copy_once() {
        let dir = tempfile::tempdir().unwrap();
        let (app, w) = window(Desk::open(&dir.path().join("baoxiu.db")));
        register(&w);
        let desk = app.state::<Desk>();
        tauri::async_runtime::block_on(desk.run(|s| {
            s.set_now(Some(at("2026-11-20 08:30")));
            Ok(())
        }))
        .unwrap();
        let made = tauri::async_runtime::block_on(daily(&desk)).unwrap();
        assert!(made.made);
        let again = tauri::async_runtime::block_on(daily(&desk)).unwrap();
        assert!(!again.made);
        let view = call(&w, "backups", json!({})).unwrap();
        assert_eq!(view["stale"], false);
        assert_eq!(view["copies"][0]["file_name"], "每日-20261120.db");
    }
}
