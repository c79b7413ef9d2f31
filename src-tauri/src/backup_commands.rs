//! The window's 数据备份 commands: the copies in `backups/`, 立即备份 with progress,
//! 恢复 from a listed copy (the core backs the current data up first), the folder.
//! The daily copy is made at start ([`daily_at_start`]).

use baoxiu::store::{BackupCopy, BackupProgress, RestoreReport};
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

/// 立即备份: progress goes out as [`PROGRESS_EVENT`] events while the copy is made.
#[tauri::command]
pub async fn backup_now<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    desk: State<'_, Desk>,
) -> Reply<BackupCopy> {
    desk.run(move |s| {
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
        match desk.run(|s| s.daily_backup()).await {
            Ok(r) => tracing::info!(made = r.made, copies = r.daily_copies, "daily backup"),
            Err(e) => tracing::warn!(code = e.code(), "daily backup failed"),
        }
    });
}
