//! The window's commands: each one deserializes its arguments, calls one core function
//! in the blocking pool and returns the result or the core's `{code, message}` error.
//! No SQL and no business rule lives here.

use std::path::PathBuf;

use baoxiu::account::Role;
use baoxiu::attachment::{Attachment, AttachmentKind};
use baoxiu::audit::AuditKind;
use baoxiu::connection::Backend;
use baoxiu::input::{TechnicianDraft, TicketDraft, TicketPatch};
use baoxiu::outfile::Existing;
use baoxiu::sla::{EscalationReason, EscalationRule, SlaRule};
use baoxiu::slip::{self, Layout};
use baoxiu::store::{
    CallerMatch, Category, Counters, EscalationPage, PriceItem, Settings, Site, Step, Suggestion,
    Technician, TicketFilter, TicketPage,
};
use baoxiu::ticket::{
    CategoryKind, Channel, Event, EventAction, Kind, Quote, Round, Satisfaction, Scope, Stage,
    Status, Ticket, Urgency, VisitAttempt, VisitFailure, VisitMethod,
};
use baoxiu::{Error, Store};
use serde::Serialize;
use tauri::State;
use tauri_plugin_opener::OpenerExt;
use ts_rs::TS;

use crate::desk::Desk;
use crate::picker::Ask;

type Reply<T> = Result<T, Error>;

/// What the window needs to know about itself at start.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    pub version: String,
    /// The open database: its file path, or its URL with the password hidden.
    pub db_path: String,
    /// 本机数据库 (a file on this PC) or 共享数据库 (the office's PostgreSQL server).
    pub backend: Backend,
    pub backend_label: String,
    /// Why the database could not be opened; the window shows it instead of the desk.
    pub open_error: Option<String>,
}

/// One code and the Chinese word the office sees for it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Choice {
    pub code: String,
    pub label: String,
}

/// Every closed set of codes with its Chinese labels, from the core's enums — the
/// window never spells a label itself.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Labels {
    pub kind: Vec<Choice>,
    pub status: Vec<Choice>,
    pub channel: Vec<Choice>,
    pub scope: Vec<Choice>,
    pub urgency: Vec<Choice>,
    pub satisfaction: Vec<Choice>,
    /// 回访方式 电话/上门/微信.
    pub visit_method: Vec<Choice>,
    /// 回访未果 未接通/拒访/号码错误.
    pub visit_failure: Vec<Choice>,
    pub stage: Vec<Choice>,
    pub attachment_kind: Vec<Choice>,
    /// Workflow steps (`workflow::available` codes) and history actions.
    pub action: Vec<Choice>,
    /// 角色 of accounts.
    pub role: Vec<Choice>,
    /// 操作日志 categories.
    pub audit_kind: Vec<Choice>,
    /// 催办原因.
    pub escalation_reason: Vec<Choice>,
    /// 类别用途: repair / complaint / general categories.
    pub category_kind: Vec<Choice>,
}

/// 工单详情: the ticket, its history, the steps allowed now and its attachments.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TicketDetail {
    pub ticket: Ticket,
    pub history: Vec<Event>,
    /// The workflow steps the core allows now; the window enables exactly these.
    pub available: Vec<EventAction>,
    pub place: String,
    pub materials_total_fen: i64,
    pub attachments: Vec<Attachment>,
    /// 维修轮次: one per 完工, oldest first.
    pub rounds: Vec<Round>,
    /// 回访未果 attempts, oldest first.
    pub visit_attempts: Vec<VisitAttempt>,
    /// 报价, oldest first.
    pub quotes: Vec<Quote>,
}

fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|&v| Choice {
            code: code(v).into(),
            label: label(v).into(),
        })
        .collect()
}

fn labels() -> Labels {
    Labels {
        kind: choices(Kind::ALL, Kind::code, Kind::label),
        status: choices(Status::ALL, Status::code, Status::label),
        channel: choices(Channel::ALL, Channel::code, Channel::label),
        scope: choices(Scope::ALL, Scope::code, Scope::label),
        urgency: choices(Urgency::ALL, Urgency::code, Urgency::label),
        satisfaction: choices(Satisfaction::ALL, Satisfaction::code, Satisfaction::label),
        visit_method: choices(VisitMethod::ALL, VisitMethod::code, VisitMethod::label),
        visit_failure: choices(VisitFailure::ALL, VisitFailure::code, VisitFailure::label),
        stage: choices(Stage::ALL, Stage::code, Stage::label),
        attachment_kind: choices(
            AttachmentKind::ALL,
            AttachmentKind::code,
            AttachmentKind::label,
        ),
        action: choices(EventAction::ALL, EventAction::code, EventAction::label),
        role: choices(Role::ALL, Role::code, Role::label),
        audit_kind: choices(AuditKind::ALL, AuditKind::code, AuditKind::label),
        escalation_reason: choices(
            EscalationReason::ALL,
            EscalationReason::code,
            EscalationReason::label,
        ),
        category_kind: choices(CategoryKind::ALL, CategoryKind::code, CategoryKind::label),
    }
}

fn detail(s: &Store, number: &str) -> Reply<TicketDetail> {
    let ticket = s.ticket(number)?;
    Ok(TicketDetail {
        history: s.history(&ticket.number)?,
        rounds: s.rounds(&ticket.number)?,
        visit_attempts: s.visit_attempts(&ticket.number)?,
        quotes: s.quotes(&ticket.number)?,
        available: s.available_steps(&ticket)?,
        place: ticket.place(),
        materials_total_fen: ticket.materials_total_fen(),
        attachments: s.attachments(&ticket.number)?,
        ticket,
    })
}

#[tauri::command]
pub fn app_info(desk: State<'_, Desk>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        db_path: desk.location(),
        backend: desk.backend(),
        backend_label: desk.backend().label().into(),
        open_error: desk.open_error(),
    }
}

#[tauri::command]
pub fn enum_labels() -> Labels {
    labels()
}

#[tauri::command]
pub async fn counters(desk: State<'_, Desk>) -> Reply<Counters> {
    desk.run(|s| s.counters()).await
}

/// One page of the 催办清单 (the whole list can run to thousands of rows).
#[tauri::command]
pub async fn escalations(
    desk: State<'_, Desk>,
    limit: Option<i64>,
    offset: Option<i64>,
) -> Reply<EscalationPage> {
    desk.run(move |s| s.escalations_page(limit, offset)).await
}

/// 今日工单: received today in the office's time zone.
#[tauri::command]
pub async fn today_tickets(desk: State<'_, Desk>) -> Reply<TicketPage> {
    desk.run(|s| {
        let today = s.zone().local_date(&s.now()).format("%Y-%m-%d").to_string();
        s.list_tickets(&TicketFilter {
            from: Some(today.clone()),
            to: Some(today),
            limit: Some(200),
            ..Default::default()
        })
    })
    .await
}

#[tauri::command]
pub async fn list_tickets(desk: State<'_, Desk>, filter: TicketFilter) -> Reply<TicketPage> {
    desk.run(move |s| s.list_tickets(&filter)).await
}

#[tauri::command]
pub async fn ticket_detail(desk: State<'_, Desk>, number: String) -> Reply<TicketDetail> {
    desk.run(move |s| detail(s, &number)).await
}

#[tauri::command]
pub async fn create_ticket(
    desk: State<'_, Desk>,
    draft: TicketDraft,
    operator: String,
) -> Reply<Ticket> {
    desk.run(move |s| s.create_ticket(&draft, &operator)).await
}

#[tauri::command]
pub async fn possible_duplicates(desk: State<'_, Desk>, draft: TicketDraft) -> Reply<Vec<Ticket>> {
    desk.run(move |s| s.possible_duplicates(&draft)).await
}

#[tauri::command]
pub async fn apply_step(
    desk: State<'_, Desk>,
    number: String,
    step: Step,
    at: Option<String>,
    operator: String,
    // The status the screen showed: another PC's change meanwhile is a `conflict`.
    seen: Option<Status>,
) -> Reply<TicketDetail> {
    desk.run(move |s| {
        let t = s.apply_step_seen(&number, step, at.as_deref(), &operator, seen)?;
        detail(s, &t.number)
    })
    .await
}

/// 更正: only the changed fields travel (a [`TicketPatch`]).
#[tauri::command]
pub async fn edit_ticket(
    desk: State<'_, Desk>,
    number: String,
    patch: TicketPatch,
    operator: String,
) -> Reply<TicketDetail> {
    desk.run(move |s| {
        let t = s.edit_ticket(&number, &patch, &operator)?;
        detail(s, &t.number)
    })
    .await
}

#[tauri::command]
pub async fn lookup_caller(desk: State<'_, Desk>, query: String) -> Reply<Vec<CallerMatch>> {
    desk.run(move |s| s.lookup_caller(&query)).await
}

#[tauri::command]
pub async fn suggest_technicians(
    desk: State<'_, Desk>,
    category: String,
) -> Reply<Vec<Suggestion>> {
    desk.run(move |s| s.suggest_technicians(&category)).await
}

#[tauri::command]
pub async fn technicians(desk: State<'_, Desk>) -> Reply<Vec<Technician>> {
    desk.run(|s| s.technicians()).await
}

#[tauri::command]
pub async fn save_technician(desk: State<'_, Desk>, draft: TechnicianDraft) -> Reply<Technician> {
    desk.run(move |s| s.save_technician(&draft)).await
}

#[tauri::command]
pub async fn categories(desk: State<'_, Desk>) -> Reply<Vec<Category>> {
    desk.run(|s| s.categories()).await
}

#[tauri::command]
pub async fn save_category(
    desk: State<'_, Desk>,
    name: String,
    default_urgency: Urgency,
    active: bool,
) -> Reply<Category> {
    desk.run(move |s| s.save_category(&name, default_urgency, active))
        .await
}

#[tauri::command]
pub async fn sla_rules(desk: State<'_, Desk>) -> Reply<Vec<SlaRule>> {
    desk.run(|s| s.sla_rules()).await
}

#[tauri::command]
pub async fn set_sla_rule(
    desk: State<'_, Desk>,
    category: Option<String>,
    rule: SlaRule,
) -> Reply<SlaRule> {
    desk.run(move |s| s.set_sla_rule(category.as_deref(), &rule))
        .await
}

/// 催办规则: how long a ticket may wait at a stage, and whom the desk chases then.
#[tauri::command]
pub async fn escalation_rules(desk: State<'_, Desk>) -> Reply<Vec<EscalationRule>> {
    desk.run(|s| s.escalation_rules()).await
}

#[tauri::command]
pub async fn set_escalation_rule(
    desk: State<'_, Desk>,
    rule: EscalationRule,
) -> Reply<EscalationRule> {
    desk.run(move |s| s.set_escalation_rule(&rule)).await
}

#[tauri::command]
pub async fn settings(desk: State<'_, Desk>) -> Reply<Settings> {
    desk.run(|s| s.settings()).await
}

#[tauri::command]
pub async fn update_settings(desk: State<'_, Desk>, settings: Settings) -> Reply<Settings> {
    desk.run(move |s| s.update_settings(&settings)).await
}

#[tauri::command]
pub async fn sites(desk: State<'_, Desk>) -> Reply<Vec<Site>> {
    desk.run(|s| s.sites()).await
}

/// 收费标准.
#[tauri::command]
pub async fn prices(desk: State<'_, Desk>) -> Reply<Vec<PriceItem>> {
    desk.run(|s| s.prices()).await
}

/// 基础资料 › 收费标准: add or change an item.
#[tauri::command]
pub async fn save_price(desk: State<'_, Desk>, item: PriceItem) -> Reply<PriceItem> {
    desk.run(move |s| s.save_price(&item)).await
}

/// 基础资料 › 添加小区.
#[tauri::command]
pub async fn site_add(desk: State<'_, Desk>, name: String) -> Reply<Site> {
    desk.run(move |s| s.add_site(&name)).await
}

/// 基础资料 › 添加公区位置 of a 小区.
#[tauri::command]
pub async fn site_location_add(desk: State<'_, Desk>, site: String, name: String) -> Reply<Site> {
    desk.run(move |s| s.add_site_location(&site, &name)).await
}

#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub async fn save_contact(
    desk: State<'_, Desk>,
    site: String,
    building: String,
    unit: String,
    room: String,
    name: String,
    phones: Vec<String>,
) -> Reply<CallerMatch> {
    desk.run(move |s| s.save_contact(&site, &building, &unit, &room, &name, &phones))
        .await
}

/// File types offered when attaching a photo or a scanned slip.
const ATTACHMENT_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "webp", "bmp", "gif", "pdf", "tif", "tiff",
];

/// 添加故障照片 / 添加签字维修单: the open dialog opens here (the page never names a
/// file) and the chosen file is copied into the ticket's attachments; `None` when the
/// user cancelled.
#[tauri::command]
pub async fn attach_pick<R: tauri::Runtime>(
    window: tauri::WebviewWindow<R>,
    desk: State<'_, Desk>,
    number: String,
    kind: AttachmentKind,
    operator: String,
) -> Reply<Option<Attachment>> {
    let ask = Ask {
        title: format!("添加{} — {}", kind.label(), number.trim()),
        filter: "照片或扫描件",
        extensions: ATTACHMENT_EXTENSIONS,
        save_as: None,
    };
    let Some(path) = desk.picker().ask(&window, ask).await? else {
        return Ok(None);
    };
    desk.run(move |s| s.attach(&number, kind, &path, &operator))
        .await
        .map(Some)
}

/// The stored file's bytes, for a thumbnail (sent raw, not as JSON numbers).
#[tauri::command]
pub async fn attachment_bytes(desk: State<'_, Desk>, id: i64) -> Reply<tauri::ipc::Response> {
    desk.run(move |s| {
        let (_, path) = s.attachment(id)?;
        std::fs::read(&path)
            .map(tauri::ipc::Response::new)
            .map_err(|e| Error::io(&path, e))
    })
    .await
}

/// What 打印维修单 did: the PDF written, and whether the OS viewer could open it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PrintReply {
    pub path: String,
    pub pages: usize,
    pub tickets: Vec<String>,
    /// Why the PDF viewer could not be opened (the file is written all the same).
    pub open_error: Option<String>,
}

/// 打印维修单 / 保存并打印 / 批量打印: the core renders the PDF and records the print; the
/// PDF goes to the temp folder under a fresh name (an open viewer may lock the last one)
/// and is opened in the OS's PDF viewer, from which the office prints.
#[tauri::command]
pub async fn print_slips<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    desk: State<'_, Desk>,
    numbers: Vec<String>,
    layout: Option<String>,
    operator: String,
) -> Reply<PrintReply> {
    let out = slip_path(&numbers)?;
    let done = desk
        .run(move |s| {
            let layout = layout.as_deref().map(Layout::parse).transpose()?;
            // Our own unique temporary file: nothing of the office's to protect there.
            slip::print_to_file(s, &numbers, layout, &out, &operator, Existing::Replace)
        })
        .await?;
    Ok(PrintReply {
        open_error: open_path(&app, std::path::Path::new(&done.path))
            .err()
            .map(|e| e.to_string()),
        path: done.path.clone(),
        pages: done.pages,
        tickets: done.tickets,
    })
}

fn slip_path(numbers: &[String]) -> Reply<PathBuf> {
    let dir = std::env::temp_dir().join("baoxiu-slips");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let first = numbers
        .first()
        .map(|n| {
            n.trim()
                .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "")
        })
        .unwrap_or_default();
    let more = if numbers.len() > 1 {
        format!("等{}张", numbers.len())
    } else {
        String::new()
    };
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    Ok(dir.join(format!("维修单-{first}{more}-{stamp}.pdf")))
}

/// Open an attachment full size in the OS's viewer (through the opener plugin).
#[tauri::command]
pub async fn open_attachment<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    desk: State<'_, Desk>,
    id: i64,
) -> Reply<()> {
    let path = desk.run(move |s| s.attachment(id).map(|(_, p)| p)).await?;
    open_path(&app, &path)
}

/// 帮助 → 打开日志文件夹: the folder an office sends to support when something went
/// wrong (no ticket contents or phone numbers are written there).
#[tauri::command]
pub fn open_log_folder<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> Reply<String> {
    let dir = baoxiu::logfile::dir()
        .ok_or_else(|| Error::NotFound("找不到系统的应用数据目录，没有日志文件夹".into()))?;
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    open_path(&app, &dir)?;
    Ok(dir.display().to_string())
}

fn open_path<R: tauri::Runtime>(app: &tauri::AppHandle<R>, path: &std::path::Path) -> Reply<()> {
    app.opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(|e| {
            Error::invalid(format!(
                "无法打开“{}”：{e}。文件已保存，可在文件夹中手动打开",
                path.display()
            ))
        })
}

pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    tauri::generate_handler![
        app_info,
        enum_labels,
        counters,
        escalations,
        today_tickets,
        list_tickets,
        ticket_detail,
        create_ticket,
        possible_duplicates,
        apply_step,
        edit_ticket,
        lookup_caller,
        suggest_technicians,
        technicians,
        save_technician,
        categories,
        save_category,
        sla_rules,
        set_sla_rule,
        escalation_rules,
        set_escalation_rule,
        settings,
        update_settings,
        sites,
        site_add,
        prices,
        save_price,
        site_location_add,
        save_contact,
        attach_pick,
        attachment_bytes,
        open_attachment,
        print_slips,
        open_log_folder,
        crate::report_commands::report_current_month,
        crate::report_commands::report_month,
        crate::report_commands::report_daily,
        crate::report_commands::export_pick,
        crate::report_commands::export_write,
        crate::report_commands::import_pick,
        crate::report_commands::import_preview,
        crate::report_commands::import_commit,
        crate::backup_commands::backups,
        crate::backup_commands::backup_now,
        crate::backup_commands::backup_restore,
        crate::backup_commands::backup_open_folder,
        crate::connection_commands::connection_get,
        crate::connection_commands::connection_test,
        crate::connection_commands::connection_save,
        crate::account_commands::session_get,
        crate::account_commands::login,
        crate::account_commands::logout,
        crate::account_commands::create_admin,
        crate::account_commands::change_password,
        crate::account_commands::accounts,
        crate::account_commands::account_add,
        crate::account_commands::account_set_active,
        crate::account_commands::account_reset_password,
        crate::account_commands::audit_log,
        crate::account_commands::audit_export_pick,
        crate::account_commands::audit_export_write,
    ]
}

#[cfg(test)]
pub(crate) mod tests {
    use serde_json::{json, Value};
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{
        get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
    };
    use tauri::webview::InvokeRequest;
    use tauri::WebviewWindow;

    use crate::desk::Desk;

    pub(crate) fn window(desk: Desk) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
        let app = mock_builder()
            .manage(desk)
            .invoke_handler(super::handler())
            .build(mock_context(noop_assets()))
            .unwrap();
        let w = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        (app, w)
    }

    /// A 水路 repair at 翠湖苑 3栋2单元501, registered through the window (its 小区
    /// declared first); its number.
    pub(crate) fn register(w: &WebviewWindow<MockRuntime>) -> String {
        declare_site(w);
        let draft = serde_json::json!({
            "reporter": "王秀英", "phone": "13812348000", "site": "翠湖苑", "building": "3",
            "unit": "2", "room": "501", "category": "水路", "description": "厨房水管漏水"
        });
        let t = call(
            w,
            "create_ticket",
            serde_json::json!({ "draft": draft, "operator": "前台" }),
        )
        .unwrap();
        t["number"].as_str().unwrap().to_string()
    }

    /// Declare the 小区 the tests' tickets name (基础资料 › 添加小区), once per database.
    pub(crate) fn declare_site(w: &WebviewWindow<MockRuntime>) {
        if let Err(e) = call(w, "site_add", serde_json::json!({ "name": "翠湖苑" })) {
            assert!(
                e["message"].as_str().unwrap_or("").contains("已存在"),
                "{e}"
            );
        }
    }

    /// Invoke a command through the mock IPC exactly as the page would.
    pub(crate) fn call(
        w: &WebviewWindow<MockRuntime>,
        cmd: &str,
        args: Value,
    ) -> Result<Value, Value> {
        get_ipc_response(
            w,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|b| b.deserialize::<Value>().unwrap())
    }

    #[test]
    fn a_refused_step_reaches_the_window_as_code_and_chinese_message_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, w) = window(Desk::open(&dir.path().join("baoxiu.db")));
        let number = register(&w);
        let before = call(&w, "ticket_detail", json!({ "number": number })).unwrap();
        assert_eq!(
            before["available"],
            json!([
                "assign",
                "cancel",
                "remind",
                "printed",
                "reschedule",
                "edit"
            ])
        );

        let err = call(
            &w,
            "apply_step",
            json!({
                "number": number,
                "step": { "action": "visit", "args": { "satisfaction": "satisfied", "note": null } },
                "at": null,
                "operator": "前台"
            }),
        )
        .unwrap_err();
        assert_eq!(err["code"], "wrong_status");
        assert!(err["message"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
        assert_eq!(
            call(&w, "ticket_detail", json!({ "number": number })).unwrap(),
            before
        );
    }

    #[test]
    fn a_correction_sends_only_the_changed_fields_and_a_reschedule_is_a_step() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, w) = window(Desk::open(&dir.path().join("baoxiu.db")));
        let number = register(&w);
        let d = call(
            &w,
            "edit_ticket",
            json!({ "number": number, "patch": { "phone": "13812348001" }, "operator": "前台" }),
        )
        .unwrap();
        assert_eq!(d["ticket"]["phone"], "13812348001");
        assert_eq!(d["ticket"]["reporter"], "王秀英");
        let last = d["history"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["action"], "edit");
        assert_eq!(last["note"], "电话：13812348000 → 13812348001");

        let err = call(
            &w,
            "edit_ticket",
            json!({ "number": number, "patch": { "phone": "13812348001" }, "operator": "前台" }),
        )
        .unwrap_err();
        assert_eq!(err["code"], "invalid_input");

        let d = call(
            &w,
            "apply_step",
            json!({
                "number": number,
                "step": { "action": "reschedule",
                          "args": { "appointment": "2099-01-02 09:00", "reason": "业主改时间" } },
                "at": null,
                "operator": "前台"
            }),
        );
        // More than a year after now: refused with the reason, as the core says.
        assert_eq!(d.unwrap_err()["code"], "invalid_input");
    }

    /// The 工作台 asks for the 催办清单 one page at a time and gets the whole count.
    #[test]
    fn the_escalation_list_crosses_over_one_page_at_a_time() {
        use tauri::Manager;
        let dir = tempfile::tempdir().unwrap();
        let (app, w) = window(Desk::open(&dir.path().join("baoxiu.db")));
        let set_now = |when: &'static str| {
            tauri::async_runtime::block_on(app.state::<Desk>().run(move |s| {
                s.set_now(Some(s.zone().parse_input("test", when)?));
                Ok(())
            }))
            .unwrap()
        };
        set_now("2026-11-20 08:00");
        let numbers: Vec<String> = (0..3).map(|_| register(&w)).collect();
        // An hour later all three wait for 派单 past the 5 minutes of the 催办规则; late
        // since the same minute, they are listed in the order they were registered.
        set_now("2026-11-20 09:00");
        let page = call(&w, "escalations", json!({ "limit": 2, "offset": 2 })).unwrap();
        assert_eq!(
            (page["total"].clone(), page["offset"].clone()),
            (json!(3), json!(2))
        );
        assert_eq!(page["escalations"].as_array().unwrap().len(), 1);
        assert_eq!(page["escalations"][0]["number"], numbers[2]);
        let first = call(&w, "escalations", json!({})).unwrap();
        assert_eq!(
            (first["limit"].clone(), first["total"].clone()),
            (json!(50), json!(3))
        );
        let err = call(&w, "escalations", json!({ "limit": 0, "offset": 0 })).unwrap_err();
        assert_eq!(err["code"], "invalid_input");
    }

    #[test]
    fn labels_come_from_the_core_enums() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, w) = window(Desk::open(&dir.path().join("baoxiu.db")));
        let labels = call(&w, "enum_labels", json!({})).unwrap();
        let status: Vec<(&str, &str)> = labels["status"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["code"].as_str().unwrap(), c["label"].as_str().unwrap()))
            .collect();
        assert_eq!(status[0], ("received", "待派单"));
        assert_eq!(status.len(), baoxiu::ticket::Status::ALL.len());
        assert!(labels["action"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "printed" && c["label"] == "打印维修单"));
    }

    #[test]
    fn a_database_that_cannot_be_opened_is_explained_not_a_crash() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the database file should be.
        let (_app, w) = window(Desk::open(dir.path()));
        let info = call(&w, "app_info", json!({})).unwrap();
        assert!(info["open_error"].as_str().unwrap().contains("文件夹"));
        let err = call(&w, "counters", json!({})).unwrap_err();
        assert_eq!(err["code"], "database");
    }
    /// A command whose core call has a bug that panics (registered only here).
    #[tauri::command]
    async fn panics(desk: tauri::State<'_, Desk>) -> super::Reply<()> {
        desk.run(|s| {
            if s.path().exists() {
                panic!("a bug in the core");
            }
            Ok(())
        })
        .await
    }

    #[test]
    fn a_command_that_panics_is_a_chinese_error_and_the_next_command_works() {
        let dir = tempfile::tempdir().unwrap();
        let app = mock_builder()
            .manage(Desk::open(&dir.path().join("baoxiu.db")))
            .invoke_handler(tauri::generate_handler![panics, super::counters])
            .build(mock_context(noop_assets()))
            .unwrap();
        let w = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        for _ in 0..2 {
            let err = call(&w, "panics", json!({})).unwrap_err();
            assert_eq!(err["code"], "database");
            assert_eq!(err["message"], crate::desk::INTERNAL_ERROR);
            let counters = call(&w, "counters", json!({})).unwrap();
            assert!(counters.is_object(), "{counters}");
        }
    }

    #[test]
    fn a_photo_is_attached_from_the_dialog_never_from_a_path_the_page_sends() {
        let dir = tempfile::tempdir().unwrap();
        let answers = dir.path().join("next");
        let desk = Desk::open(&dir.path().join("baoxiu.db"))
            .with_picker(crate::picker::Picker::Scripted(answers.clone()));
        let (_app, w) = window(desk);
        let number = register(&w);
        let photo = dir.path().join("漏水.pdf");
        std::fs::write(&photo, b"%PDF-1.4 scan").unwrap();
        let args = json!({ "number": number, "kind": "signed_slip", "operator": "前台" });

        // Cancelled: nothing attached, no error.
        assert_eq!(call(&w, "attach_pick", args.clone()).unwrap(), Value::Null);
        // The page cannot hand over a path: the old command is gone.
        let old =
            json!({ "number": number, "kind": "signed_slip", "path": photo, "operator": "前台" });
        assert!(call(&w, "attach_file", old).is_err());
        let detail = call(&w, "ticket_detail", json!({ "number": number })).unwrap();
        assert_eq!(detail["attachments"], json!([]));

        std::fs::write(&answers, photo.display().to_string()).unwrap();
        let a = call(&w, "attach_pick", args).unwrap();
        assert_eq!(a["file_name"], "漏水.pdf");
        assert_eq!(a["kind_label"], "签字维修单");
        let detail = call(&w, "ticket_detail", json!({ "number": number })).unwrap();
        assert_eq!(detail["attachments"].as_array().unwrap().len(), 1);
    }
}
