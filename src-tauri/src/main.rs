//! 报修台 desktop shell: opens the shared database, registers the commands and plugins,
//! and starts the overdue watcher. Everything the office does lives in the `baoxiu` core.

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod account_commands;
mod backup_commands;
mod bindings;
mod commands;
mod connection_commands;
mod desk;
mod live;
mod overdue;
mod picker;
mod report_commands;

use tauri::Manager;

fn main() {
    // The office's log (logs/ in the data directory); kept open for the app's life.
    let _log = baoxiu::logfile::dir().and_then(|d| baoxiu::logfile::start(&d, "baoxiu-desk"));
    let desk = desk::Desk::open_default();
    let result = tauri::Builder::default()
        // First: a second launch hands over to this one and exits before anything opens.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(desk)
        .setup(|app| {
            let handle = app.handle().clone();
            live::follow(handle.clone());
            backup_commands::daily_at_start(handle.clone());
            overdue::watch(handle);
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("报修台无法启动：{e}");
        std::process::exit(1);
    }
}
