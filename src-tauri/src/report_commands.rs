//! The 月度报表 and 导入 pages' commands: one line each over `baoxiu::report`,
//! `baoxiu::export` and `baoxiu::import`, run in the blocking pool like every command.
//! The window computes no figure: totals, rates and the import's checks are the core's.

use std::path::PathBuf;

use baoxiu::export::{ExportOptions, ExportOutcome};
use baoxiu::import::{ImportPreview, ImportReport};
use baoxiu::report::{DayRow, MonthReport};
use baoxiu::Error;
use tauri::State;

use crate::desk::Desk;

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

/// Received and completed per day of the month, for the daily volume chart.
#[tauri::command]
pub async fn report_daily(desk: State<'_, Desk>, month: String) -> Reply<Vec<DayRow>> {
    desk.run(move |s| baoxiu::report::daily(s, &month)).await
}

/// 导出 the month to the file the save dialog chose (format by its extension).
#[tauri::command]
pub async fn export_report(
    desk: State<'_, Desk>,
    month: String,
    path: PathBuf,
    options: ExportOptions,
) -> Reply<ExportOutcome> {
    desk.run(move |s| baoxiu::export::to_file(s, &month, &path, &options))
        .await
}

/// What importing the file would do; writes nothing.
#[tauri::command]
pub async fn import_preview(desk: State<'_, Desk>, path: PathBuf) -> Reply<ImportPreview> {
    desk.run(move |s| baoxiu::import::preview(s, &path)).await
}

/// 确认导入: every valid row in one transaction, or nothing.
#[tauri::command]
pub async fn import_commit(desk: State<'_, Desk>, path: PathBuf) -> Reply<ImportReport> {
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
    ImportReport::export_all(cfg)
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
    use tauri::WebviewWindow;

    use crate::commands::tests::call;
    use crate::desk::Desk;

    fn window(desk: Desk) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
        // These commands (and create_ticket, to have a month to report) on the mock runtime.
        let app = mock_builder()
            .manage(desk)
            .invoke_handler(tauri::generate_handler![
                super::report_current_month,
                super::report_month,
                super::report_daily,
                super::export_report,
                super::import_preview,
                super::import_commit,
                crate::commands::create_ticket,
            ])
            .build(mock_context(noop_assets()))
            .unwrap();
        let w = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        (app, w)
    }

    #[test]
    fn the_month_export_and_import_reach_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, w) = window(Desk::open(&dir.path().join("baoxiu.db")));
        let month = call(&w, "report_current_month", json!({})).unwrap();
        let month = month.as_str().unwrap().to_string();
        assert_eq!(month.len(), 7);
        let draft = json!({
            "reporter": "王秀英", "phone": "13812348000", "site": "翠湖苑", "building": "3",
            "unit": "2", "room": "501", "category": "水路", "description": "厨房水管漏水"
        });
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

        let out = dir.path().join("月报.csv");
        let done = call(
            &w,
            "export_report",
            json!({ "month": month, "path": out, "options": { "mask_phones": true } }),
        )
        .unwrap();
        assert_eq!(done["format"], "csv");
        assert_eq!(done["tickets"], 1);
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains("138****8000") && !text.contains("13812348000"));

        let ledger = dir.path().join("台账.csv");
        std::fs::write(
            &ledger,
            "小区,楼栋,单元,房号,姓名,电话\n翠湖苑,5栋,1,302,李建国,139-5678-1234\n翠湖苑,5,1,,,\n",
        )
        .unwrap();
        let p = call(&w, "import_preview", json!({ "path": ledger })).unwrap();
        assert_eq!(p["rows_ok"], 1);
        assert_eq!(p["problems"][0]["row"], 3);
        let done = call(&w, "import_commit", json!({ "path": ledger })).unwrap();
        assert_eq!(done["rows_imported"], 1);
        let again = call(&w, "import_preview", json!({ "path": ledger })).unwrap();
        assert_eq!(again["units_new"], 0);
    }
}
