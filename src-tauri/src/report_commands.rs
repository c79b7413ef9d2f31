//! The 月度报表 and 导入 pages' commands: one line each over `baoxiu::report`,
//! `baoxiu::export` and `baoxiu::import`, run in the blocking pool like every command.
//! The files are chosen in dialogs opened from Rust (see `picker`): the page never
//! sends a path.
//! The window computes no figure: totals, rates and the import's checks are the core's.

use std::path::{Path, PathBuf};

use baoxiu::export::{ExportOptions, ExportOutcome};
use baoxiu::import::{ImportPreview, ImportReport};
use baoxiu::report::{DayRow, MonthReport};
use baoxiu::Error;
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use crate::desk::Desk;
use crate::picker::{Ask, Purpose};

type Reply<T> = Result<T, Error>;

/// The office's current month `YYYY-MM` (its time zone, not the computer's): the page's
/// default.
#[tauri::command]
pub async fn report_current_month(desk: State<'_, Desk>) -> Reply<String> {
    desk.run(|s| Ok(s.zone().local_date(&s.now()).format("%Y-%m").to_string()))
        .await
}

/// 月度汇总 of one local month.
#[tauri::command]
pub async fn report_month(desk: State<'_, Desk>, month: String) -> Reply<MonthReport> {
    desk.run(move |s| baoxiu::report::month(s, &month)).await
}

/// How long after signing in last month's summary is computed: the screens the desk
/// opens first come before it.
const KEEP_LAST_MONTH_AFTER: std::time::Duration = if cfg!(test) {
    std::time::Duration::ZERO
} else {
    std::time::Duration::from_secs(5)
};

/// Keep last month's 月度汇总 in the background on a connection of its own, for the
/// account just signed in (`baoxiu::report::keep_last_month`): at a million tickets a
/// month takes about half a second to compute and a kept one 40 ms to read, so the
/// report the manager opens at month end is there at once. An account that may not read
/// reports is refused by the core, and nothing is kept.
pub fn keep_last_month_soon<R: tauri::Runtime>(app: tauri::AppHandle<R>) {
    use tauri::Manager;
    tauri::async_runtime::spawn(async move {
        let desk = app.state::<Desk>();
        let kept = desk
            .run_apart(|s| {
                std::thread::sleep(KEEP_LAST_MONTH_AFTER);
                baoxiu::report::keep_last_month(s)
            })
            .await;
        match kept {
            Ok(month) => tracing::info!(month, "last month's summary kept"),
            Err(e) => tracing::info!(code = e.code(), "last month's summary not kept"),
        }
    });
}

/// Received and completed per day of the month, for the daily volume chart.
#[tauri::command]
pub async fn report_daily(desk: State<'_, Desk>, month: String) -> Reply<Vec<DayRow>> {
    desk.run(move |s| baoxiu::report::daily(s, &month)).await
}

/// The formats the month can be exported to (the core's `Format`, as the page sends it).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportAs {
    Xlsx,
    Pdf,
    Csv,
}

impl ExportAs {
    fn extension(self) -> &'static str {
        match self {
            ExportAs::Xlsx => "xlsx",
            ExportAs::Pdf => "pdf",
            ExportAs::Csv => "csv",
        }
    }

    fn what(self) -> &'static str {
        match self {
            ExportAs::Xlsx => "Excel 工作簿",
            ExportAs::Pdf => "PDF 文件",
            ExportAs::Csv => "CSV 文件",
        }
    }
}

/// 导出, first half: the save dialog opens here. The chosen file is kept on this side
/// under the returned token; `None` when the user cancelled.
#[tauri::command]
pub async fn export_pick<R: tauri::Runtime>(
    window: tauri::WebviewWindow<R>,
    desk: State<'_, Desk>,
    month: String,
    format: ExportAs,
) -> Reply<Option<PickedFile>> {
    let ext = format.extension();
    let ask = Ask {
        title: format!("导出月报（{}）— {}", format.what(), month.trim()),
        filter: format.what(),
        extensions: &[ext],
        save_as: Some(format!("报修月报-{}.{ext}", month.trim())),
    };
    let Some(chosen) = desk.picker().ask(&window, ask).await? else {
        return Ok(None);
    };
    let path = with_extension(chosen, ext)?;
    let file_name = file_name(&path);
    let token = desk.picks().keep(Purpose::Export, path);
    Ok(Some(PickedFile { token, file_name }))
}

/// 导出, second half: the month written to the file chosen under `token` (used once).
#[tauri::command]
pub async fn export_write(
    desk: State<'_, Desk>,
    token: u32,
    month: String,
    options: ExportOptions,
) -> Reply<ExportOutcome> {
    let path = desk.picks().take(Purpose::Export, token)?;
    desk.run(move |s| {
        baoxiu::export::to_file(
            s,
            &month,
            &path,
            &options,
            // The save dialog already asked before replacing a file.
            baoxiu::outfile::Existing::Replace,
        )
    })
    .await
}

pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The dialog may hand back a name typed without the extension of the button pressed:
/// add it, but never over a file the dialog did not ask about.
pub(crate) fn with_extension(chosen: PathBuf, ext: &str) -> Reply<PathBuf> {
    let has = chosen
        .extension()
        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case(ext));
    if has {
        return Ok(chosen);
    }
    let mut name = chosen.into_os_string();
    name.push(format!(".{ext}"));
    let path = PathBuf::from(name);
    if path.exists() {
        return Err(Error::invalid(format!(
            "“{}”已存在，没有覆盖。请重新导出，在保存对话框中直接选中该文件或换一个名字",
            path.display()
        )));
    }
    Ok(path)
}

/// A file the user picked: its name to show, and the token that stands for it in
/// `import_preview` and `import_commit`, or in `export_write`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PickedFile {
    pub token: u32,
    pub file_name: String,
}

const LEDGER_EXTENSIONS: &[&str] = &["xlsx", "xls", "csv"];

/// 选择文件…: the open dialog opens here; `None` when the user cancelled.
#[tauri::command]
pub async fn import_pick<R: tauri::Runtime>(
    window: tauri::WebviewWindow<R>,
    desk: State<'_, Desk>,
) -> Reply<Option<PickedFile>> {
    let ask = Ask {
        title: "选择房屋 / 住户台账".into(),
        filter: "台账（Excel / CSV）",
        extensions: LEDGER_EXTENSIONS,
        save_as: None,
    };
    let Some(path) = desk.picker().ask(&window, ask).await? else {
        return Ok(None);
    };
    let file_name = file_name(&path);
    let token = desk.picks().keep(Purpose::Import, path);
    Ok(Some(PickedFile { token, file_name }))
}

/// What importing the file picked under `token` would do; writes nothing. Called again
/// by 重新读取 after the file was edited.
#[tauri::command]
pub async fn import_preview(desk: State<'_, Desk>, token: u32) -> Reply<ImportPreview> {
    let path = desk.picks().get(Purpose::Import, token)?;
    desk.run(move |s| baoxiu::import::preview(s, &path)).await
}

/// 确认导入: every valid row of the file picked under `token` in one transaction, or
/// nothing.
#[tauri::command]
pub async fn import_commit(desk: State<'_, Desk>, token: u32) -> Reply<ImportReport> {
    let path = desk.picks().get(Purpose::Import, token)?;
    desk.run(move |s| baoxiu::import::commit(s, &path)).await
}

/// The TypeScript bindings of these commands' types (called by `bindings.rs`).
#[cfg(test)]
pub fn export_bindings(cfg: &ts_rs::Config) -> Result<(), ts_rs::ExportError> {
    use ts_rs::TS;
    MonthReport::export_all(cfg)?;
    DayRow::export_all(cfg)?;
    ExportOptions::export_all(cfg)?;
    ExportOutcome::export_all(cfg)?;
    ImportPreview::export_all(cfg)?;
    PickedFile::export_all(cfg)?;
    ImportReport::export_all(cfg)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use serde_json::{json, Value};
    use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
    use tauri::WebviewWindow;

    use crate::commands::tests::{call, declare_site};
    use crate::desk::Desk;
    use crate::picker::Picker;

    /// Signing in keeps last month's 月度汇总 in the background, on a connection of its
    /// own and for the account signed in; the page then reads it.
    #[test]
    fn signing_in_keeps_last_month() {
        use tauri::Manager;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("baoxiu.db");
        let (app, w) = crate::commands::tests::window(Desk::open(&file));
        let desk = app.state::<Desk>();
        let set_now = |s: &str| {
            let now = baoxiu::clock::OfficeZone::default()
                .parse_input("test", s)
                .unwrap();
            tauri::async_runtime::block_on(desk.run(move |s| {
                s.set_now(Some(now));
                Ok(())
            }))
            .unwrap();
        };
        set_now("2026-11-20 09:00");
        crate::commands::tests::register(&w);
        set_now("2026-12-03 09:00");
        let admin = json!({"name": "李经理", "password": "admin-pass-1"});
        call(&w, "create_admin", admin.clone()).unwrap();
        let (start, end) = baoxiu::clock::OfficeZone::default()
            .month_range("2026-11")
            .unwrap();
        let kept = || -> i64 {
            let conn = rusqlite::Connection::open(&file).unwrap();
            conn.busy_timeout(std::time::Duration::from_secs(10))
                .unwrap();
            conn.query_row(
                "SELECT count(*) FROM month_summaries
                  WHERE start_at = ?1 AND end_at = ?2 AND summary IS NOT NULL",
                [start, end],
                |r| r.get(0),
            )
            .unwrap()
        };
        assert_eq!(kept(), 0);
        call(&w, "login", admin).unwrap();
        // The background work has no reply to wait for: look until it is there.
        let waited = std::time::Instant::now();
        while kept() == 0 {
            assert!(
                waited.elapsed() < std::time::Duration::from_secs(60),
                "last month was not kept"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let november = call(&w, "report_month", json!({ "month": "2026-11" })).unwrap();
        assert_eq!(november["received"], 1, "{november}");
    }

    fn window(desk: Desk) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
        // These commands (and create_ticket, to have a month to report) on the mock runtime.
        let app = mock_builder()
            .manage(desk)
            .invoke_handler(tauri::generate_handler![
                super::report_current_month,
                super::report_month,
                super::report_daily,
                super::export_pick,
                super::export_write,
                super::import_pick,
                super::import_preview,
                super::import_commit,
                crate::commands::create_ticket,
                crate::commands::site_add,
            ])
            .build(mock_context(noop_assets()))
            .unwrap();
        let w = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        (app, w)
    }

    /// A desk whose file dialogs answer from `dir/next` (what the e2e hook does).
    fn scripted(dir: &Path) -> (Desk, PathBuf) {
        let answers = dir.join("next");
        let desk =
            Desk::open(&dir.join("baoxiu.db")).with_picker(Picker::Scripted(answers.clone()));
        (desk, answers)
    }

    #[test]
    fn the_month_export_and_import_reach_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, answers) = scripted(dir.path());
        let (_app, w) = window(desk);
        let month = call(&w, "report_current_month", json!({})).unwrap();
        let month = month.as_str().unwrap().to_string();
        assert_eq!(month.len(), 7);
        let draft = json!({
            "reporter": "王秀英", "phone": "13812348000", "site": "翠湖苑", "building": "3",
            "unit": "2", "room": "501", "category": "水路", "description": "厨房水管漏水"
        });
        declare_site(&w);
        call(
            &w,
            "create_ticket",
            json!({ "draft": draft, "operator": "前台" }),
        )
        .unwrap();

        let r = call(&w, "report_month", json!({ "month": month })).unwrap();
        assert_eq!(r["received"], 1);
        assert!(r.get("month").is_none());
        let days = call(&w, "report_daily", json!({ "month": month })).unwrap();
        let received: i64 = days
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["received"].as_i64().unwrap())
            .sum();
        assert_eq!(received, 1);
        let err = call(&w, "report_month", json!({ "month": "2026-13" })).unwrap_err();
        assert_eq!(err["code"], "invalid_input");

        // The save dialog answers a name typed without the extension.
        std::fs::write(&answers, dir.path().join("月报").display().to_string()).unwrap();
        let pick = json!({ "month": month, "format": "csv" });
        let picked = call(&w, "export_pick", pick.clone()).unwrap();
        assert_eq!(picked["file_name"], "月报.csv");
        let out = dir.path().join("月报.csv");
        assert!(!out.exists(), "nothing written before the export itself");
        let write =
            json!({ "token": picked["token"], "month": month, "options": { "mask_phones": true } });
        let done = call(&w, "export_write", write.clone()).unwrap();
        assert_eq!(done["format"], "csv");
        assert_eq!(done["tickets"], 1);
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains("138****8000") && !text.contains("13812348000"));
        // A destination is used once.
        let err = call(&w, "export_write", write).unwrap_err();
        assert_eq!(err["code"], "invalid_input");
        // Adding the extension onto a file the dialog did not ask about: refused.
        std::fs::write(&answers, dir.path().join("月报").display().to_string()).unwrap();
        let err = call(&w, "export_pick", pick).unwrap_err();
        assert_eq!(err["code"], "invalid_input");
        assert!(err["message"].as_str().unwrap().contains("已存在"));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), text);

        let ledger = dir.path().join("台账.csv");
        std::fs::write(
            &ledger,
            "小区,楼栋,单元,房号,姓名,电话\n翠湖苑,5栋,1,302,李建国,139-5678-1234\n翠湖苑,5,1,,,\n",
        )
        .unwrap();
        std::fs::write(&answers, ledger.display().to_string()).unwrap();
        let picked = call(&w, "import_pick", json!({})).unwrap();
        assert_eq!(picked["file_name"], "台账.csv");
        let token = picked["token"].clone();
        let p = call(&w, "import_preview", json!({ "token": token })).unwrap();
        assert_eq!(p["rows_ok"], 1);
        assert_eq!(p["problems"][0]["row"], 3);
        let done = call(&w, "import_commit", json!({ "token": token })).unwrap();
        assert_eq!(done["rows_imported"], 1);
        let again = call(&w, "import_preview", json!({ "token": token })).unwrap();
        assert_eq!(again["units_new"], 0);
    }

    #[test]
    fn a_cancelled_dialog_is_no_answer_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, _answers) = scripted(dir.path());
        let (_app, w) = window(desk);
        let month = call(&w, "report_current_month", json!({})).unwrap();
        let export = json!({ "month": month, "format": "xlsx" });
        assert_eq!(call(&w, "export_pick", export).unwrap(), Value::Null);
        assert_eq!(call(&w, "import_pick", json!({})).unwrap(), Value::Null);
        let mut files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with("baoxiu.db"))
            .collect();
        files.sort();
        assert!(files.is_empty(), "{files:?}");
    }

    #[test]
    fn the_page_cannot_name_a_file_to_import_or_export() {
        let dir = tempfile::tempdir().unwrap();
        let (desk, answers) = scripted(dir.path());
        let store = desk.shared().unwrap();
        let (_app, w) = window(desk);
        let before = store.lock().unwrap().dump().unwrap();
        let ledger = dir.path().join("台账.csv");
        std::fs::write(
            &ledger,
            "小区,楼栋,单元,房号,姓名,电话\n翠湖苑,5,1,302,李建国,13956781234\n",
        )
        .unwrap();
        // The old path-taking shapes are refused outright...
        for (cmd, args) in [
            ("import_preview", json!({ "path": ledger })),
            ("import_commit", json!({ "path": ledger })),
            (
                "export_report",
                json!({ "month": "2026-11", "path": dir.path().join("x.csv"), "options": { "mask_phones": false } }),
            ),
            (
                "export_pick",
                json!({ "month": "2026-11", "path": dir.path().join("x.csv"), "options": { "mask_phones": false } }),
            ),
        ] {
            assert!(call(&w, cmd, args).is_err(), "{cmd}");
        }
        // ...and a token the user never picked names nothing, nor does one picked for
        // another purpose: the ledger picked to import is no place to export to.
        let err = call(&w, "import_commit", json!({ "token": 7 })).unwrap_err();
        assert_eq!(err["code"], "invalid_input");
        std::fs::write(&answers, ledger.display().to_string()).unwrap();
        let picked = call(&w, "import_pick", json!({})).unwrap();
        let write = json!({ "token": picked["token"], "month": "2026-11", "options": { "mask_phones": false } });
        let err = call(&w, "export_write", write).unwrap_err();
        assert_eq!(err["code"], "invalid_input");
        assert!(std::fs::read_to_string(&ledger)
            .unwrap()
            .starts_with("小区"));
        assert_eq!(store.lock().unwrap().dump().unwrap(), before);
        assert!(!dir.path().join("x.csv").exists());
    }
}
