//! The window's 登录 / 换班 / 账号 / 操作日志 commands. The window's store acts for the
//! signed-in account; every rule (who may do what, lock-out) is the core's.

use baoxiu::account::{Account, Role};
use baoxiu::audit::{AuditEntry, AuditFilter};
use baoxiu::export::ExportOutcome;
use baoxiu::Error;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::desk::Desk;
use crate::picker::{Ask, Purpose};
use crate::report_commands::PickedFile;

type Reply<T> = Result<T, Error>;

/// Who is at this window: the signed-in account, or which sign-in screen to show.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Session {
    pub account: Option<Account>,
    /// false: a new office — the window asks to create the administrator.
    pub has_accounts: bool,
    /// Lock the screen after this many idle minutes (0: never).
    pub idle_lock_minutes: u32,
}

fn session(s: &baoxiu::Store) -> Reply<Session> {
    Ok(Session {
        account: s.actor().cloned(),
        has_accounts: s.has_accounts()?,
        idle_lock_minutes: s.settings()?.idle_lock_minutes,
    })
}

#[tauri::command]
pub async fn session_get(desk: State<'_, Desk>) -> Reply<Session> {
    desk.run(|s| session(s)).await
}

/// 登录, and 换班 (signing in as someone else replaces the account). Then, in the
/// background, last month's summary is kept for an account that may read it.
#[tauri::command]
pub async fn login<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    desk: State<'_, Desk>,
    name: String,
    password: String,
) -> Reply<Session> {
    let signed_in = desk
        .run(move |s| {
            s.login(&name, &password)?;
            session(s)
        })
        .await?;
    crate::report_commands::keep_last_month_soon(app);
    Ok(signed_in)
}

/// 退出 / 锁屏: nobody is signed in until the next 登录.
#[tauri::command]
pub async fn logout(desk: State<'_, Desk>) -> Reply<Session> {
    desk.run(|s| {
        s.sign_out();
        session(s)
    })
    .await
}

/// A new office's first account: the administrator, signed in at once.
#[tauri::command]
pub async fn create_admin(desk: State<'_, Desk>, name: String, password: String) -> Reply<Session> {
    desk.run(move |s| {
        if s.has_accounts()? {
            return Err(Error::Precondition(
                "本服务中心已有账号，请登录；新账号由管理员在“账号管理”中添加".into(),
            ));
        }
        s.add_account(&name, Role::Admin, &password)?;
        s.login(&name, &password)?;
        session(s)
    })
    .await
}

#[tauri::command]
pub async fn change_password(desk: State<'_, Desk>, old: String, new: String) -> Reply<()> {
    desk.run(move |s| s.change_own_password(&old, &new)).await
}

#[tauri::command]
pub async fn accounts(desk: State<'_, Desk>) -> Reply<Vec<Account>> {
    desk.run(|s| s.accounts()).await
}

#[tauri::command]
pub async fn account_add(
    desk: State<'_, Desk>,
    name: String,
    role: Role,
    password: String,
) -> Reply<Account> {
    desk.run(move |s| s.add_account(&name, role, &password))
        .await
}

#[tauri::command]
pub async fn account_set_active(
    desk: State<'_, Desk>,
    name: String,
    active: bool,
) -> Reply<Account> {
    desk.run(move |s| s.set_account_active(&name, active)).await
}

#[tauri::command]
pub async fn account_reset_password(
    desk: State<'_, Desk>,
    name: String,
    password: String,
) -> Reply<()> {
    desk.run(move |s| s.reset_password(&name, &password)).await
}

#[tauri::command]
pub async fn audit_log(desk: State<'_, Desk>, filter: AuditFilter) -> Reply<Vec<AuditEntry>> {
    desk.run(move |s| s.audit_log(&filter)).await
}

/// 导出操作日志, first half: the save dialog; `None` when cancelled.
#[tauri::command]
pub async fn audit_export_pick<R: tauri::Runtime>(
    window: tauri::WebviewWindow<R>,
    desk: State<'_, Desk>,
) -> Reply<Option<PickedFile>> {
    let ask = Ask {
        title: "导出操作日志".into(),
        filter: "CSV 表格",
        extensions: &["csv"],
        save_as: Some("操作日志.csv".into()),
    };
    let Some(chosen) = desk.picker().ask(&window, ask).await? else {
        return Ok(None);
    };
    let path = crate::report_commands::with_extension(chosen, "csv")?;
    let file_name = crate::report_commands::file_name(&path);
    let token = desk.picks().keep(Purpose::Export, path);
    Ok(Some(PickedFile { token, file_name }))
}

/// 导出操作日志, second half: the filtered log written to the chosen file.
#[tauri::command]
pub async fn audit_export_write(
    desk: State<'_, Desk>,
    token: u32,
    filter: AuditFilter,
) -> Reply<ExportOutcome> {
    let path = desk.picks().take(Purpose::Export, token)?;
    desk.run(move |s| baoxiu::audit::to_file(s, &filter, &path, baoxiu::outfile::Existing::Replace))
        .await
}
