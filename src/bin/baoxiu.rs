//! `baoxiu` — the command-line front end over the same core as the window: for scripts,
//! scheduled exports, backups and seeding. Data out as JSON on stdout; a refusal exits 1
//! with one line `error[<code>]: <中文说明>` on stderr; usage errors exit 2.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use baoxiu::input::{from_json, CompletionDraft, TechnicianDraft, TicketDraft, TicketPatch};
use baoxiu::outfile::Existing;
use baoxiu::store::{Step, TicketFilter};
use baoxiu::{Error, Result, Store};
use clap::{Args, Parser, Subcommand};
use serde::Serialize;

#[derive(Parser)]
#[command(name = "baoxiu", version, about = "报修台 — 物业报修工单（命令行）")]
struct Cli {
    /// Database file (default: BAOXIU_DB, else the app's data directory).
    #[arg(long, global = true)]
    db: Option<PathBuf>,
    /// The account doing this (once the office has accounts it must name an active
    /// one; before that, the operator name recorded). Default: BAOXIU_OPERATOR.
    #[arg(long, global = true)]
    by: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 维修人员 technicians.
    #[command(subcommand)]
    Tech(TechCommand),
    /// 报修类别 categories.
    #[command(subcommand)]
    Category(CategoryCommand),
    /// 小区 sites: the office declares them before tickets name them.
    #[command(subcommand)]
    Site(SiteCommand),
    /// 收费标准: the price list of paid work.
    #[command(subcommand)]
    Price(PriceCommand),
    /// 工单 tickets.
    #[command(subcommand)]
    Ticket(TicketCommand),
    /// The escalation list (催办清单), each with whom to chase.
    Escalations,
    /// 催办规则: how long a ticket may wait at a stage, and whom the desk chases then.
    #[command(subcommand)]
    EscalationRule(EscalationRuleCommand),
    /// 工作台 counters.
    Counters,
    /// 来电识别: find a caller by phone, last 4 digits, or room (3-2-501).
    Lookup { query: String },
    /// Add or update an owner/resident (业主/住户) at a room.
    Contact(ContactArgs),
    /// Office settings (name, hotline, number prefix, time zone, slip layout).
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Fill a database with demo data (--demo) or N synthetic tickets (--tickets N).
    Seed(SeedArgs),
    /// 打印维修单: render tickets' slips into one PDF and record the print.
    Print {
        #[arg(required = true)]
        numbers: Vec<String>,
        #[arg(long)]
        out: PathBuf,
        /// a4 (one slip per A4 page) or a5x2 (two parts on one A4 sheet). Default: settings.
        #[arg(long)]
        layout: Option<String>,
        /// Replace --out if it already exists.
        #[arg(long)]
        force: bool,
    },
    /// 月度汇总: print the month's summary as JSON, or export it (.xlsx, .pdf, .csv by extension).
    Report {
        #[arg(long)]
        month: String,
        #[arg(long)]
        json: bool,
        #[arg(long)]
        out: Option<PathBuf>,
        /// Show phone numbers as 138****5678.
        #[arg(long)]
        mask_phones: bool,
        /// Replace --out if it already exists.
        #[arg(long)]
        force: bool,
    },
    /// 导入房屋和住户 from an .xlsx or .csv ledger (--dry-run: preview only).
    Import {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// 备份: write a consistent copy of the database to a new file (--out), make
    /// today's daily copy in backups/ (--daily: what the window does at start; for cron
    /// too), or list the copies in backups/ newest first (`backup list`).
    #[command(args_conflicts_with_subcommands = true)]
    Backup {
        #[arg(long, conflicts_with = "daily")]
        out: Option<PathBuf>,
        #[arg(long)]
        daily: bool,
        #[command(subcommand)]
        action: Option<BackupCommand>,
    },
    /// 恢复: replace the database's content with a backup's.
    Restore { from: PathBuf },
    /// 迁移: copy this office into an empty database — a postgres://… URL (the shared
    /// office database) or a new SQLite file — then check both sides agree.
    Migrate {
        #[arg(long)]
        to: String,
    },
    /// 账号: operator accounts and roles (passwords are read from stdin).
    #[command(subcommand)]
    User(UserCommand),
    /// 操作日志: every change, newest first, as JSON (主管, 管理员).
    Log {
        /// Only what this account (or operator name) did.
        #[arg(long)]
        account: Option<String>,
        /// From this day (YYYY-MM-DD, office time).
        #[arg(long)]
        from: Option<String>,
        /// To this day, included.
        #[arg(long)]
        to: Option<String>,
        /// ticket, login, login_failed, account, settings, sla, master_data, import,
        /// export, backup, restore, seed (or the Chinese name).
        #[arg(long)]
        kind: Option<String>,
        /// At most this many entries (default 500).
        #[arg(long)]
        limit: Option<u32>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// 新建账号 (password on stdin). The first account must be an admin.
    Add {
        name: String,
        /// desk|engineer|supervisor|admin (or 客服|工程|主管|管理员).
        #[arg(long)]
        role: String,
    },
    List,
    /// 停用 a leaver's account (history keeps the name).
    Disable {
        name: String,
    },
    /// 启用 a disabled account again.
    Enable {
        name: String,
    },
    /// 重置密码 (管理员; new password on stdin). Also lifts a lock-out.
    Passwd {
        name: String,
    },
    /// Check a password (on stdin): exit 0, or error[auth]; counts toward the lock-out.
    Login {
        name: String,
    },
}

#[derive(Subcommand)]
enum BackupCommand {
    /// The copies in backups/ (每日/手动/恢复前/迁移前), newest first, with the last good
    /// one and whether it is older than 2 days.
    List,
}

#[derive(Subcommand)]
enum TechCommand {
    /// Add (or update by name) a technician.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        phone: Option<String>,
        /// Category names, comma separated: 水路,电路
        #[arg(long)]
        skills: String,
        /// Tickets a day.
        #[arg(long)]
        capacity: Option<i64>,
        #[arg(long)]
        team: Option<String>,
        /// Mark as not active (离职/停用).
        #[arg(long)]
        inactive: bool,
        /// 班组长 of the team (--team-lead true|false; left out: unchanged).
        #[arg(long)]
        team_lead: Option<bool>,
    },
    List,
    /// 派单建议 for a category, or for a ticket's category.
    Suggest {
        #[arg(long, conflicts_with = "ticket")]
        category: Option<String>,
        #[arg(long)]
        ticket: Option<String>,
    },
}

#[derive(Subcommand)]
enum EscalationRuleCommand {
    /// The three rules (超时未派单, 派单后无进展, 完工后未回访).
    List,
    /// Change one rule: `--reason not_dispatched --minutes 5 --chase 工程主管`
    /// (`班组长` means the lead of the assigned technician's team).
    Set {
        #[arg(long)]
        reason: String,
        #[arg(long)]
        minutes: i64,
        #[arg(long)]
        chase: String,
    },
}

#[derive(Subcommand)]
enum PriceCommand {
    /// Add an item, or change the one with the same name.
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        unit: String,
        /// 单价 in 分 (3500 = 35.00 元).
        #[arg(long, allow_negative_numbers = true)]
        price_fen: i64,
        /// No longer offered (kept for the history).
        #[arg(long)]
        inactive: bool,
    },
    /// The price list, offered items first.
    List,
}

#[derive(Subcommand)]
enum SiteCommand {
    /// Add a 小区.
    Add { name: String },
    /// Every 小区 with its number of units and its public locations.
    List,
    /// Add a 公区位置 (6栋一楼大堂, 地下车库B2入口 …) the intake form offers for a 小区.
    Location { site: String, name: String },
}

#[derive(Subcommand)]
enum CategoryCommand {
    List,
    /// Which tickets a category is for: repair (报修), complaint (投诉) or general (通用).
    Kind {
        name: String,
        #[arg(long)]
        kind: String,
    },
    /// SLA minutes per urgency.
    Sla,
    /// Change SLA minutes for an urgency (for one category with --category).
    SlaSet {
        #[arg(long)]
        urgency: String,
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        dispatch: i64,
        #[arg(long)]
        arrival: i64,
        #[arg(long)]
        completion: i64,
        #[arg(long)]
        visit: i64,
    },
}

// When it happened (who did it is the global --by).
#[derive(Args)]
struct Who {
    /// When it happened: RFC 3339 or "YYYY-MM-DD HH:MM" (office time). Default: now.
    #[arg(long)]
    at: Option<String>,
}

// Parsed once per process: the size of the list filter's variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum TicketCommand {
    /// Register a ticket from a JSON object on stdin.
    New {
        /// 报修时间 (overrides the JSON's received_at). Default: now.
        #[arg(long)]
        at: Option<String>,
    },
    /// Open tickets that may be duplicates of the JSON draft on stdin.
    Duplicates,
    /// One ticket with its materials and history.
    Show { number: String },
    /// A ticket's history, oldest first.
    History { number: String },
    /// Tickets matching filters, newest first (JSON array; --limit default 50, max 1000).
    List {
        #[arg(long = "status")]
        statuses: Vec<String>,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        month: Option<String>,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        q: Option<String>,
        #[arg(long)]
        tech: Option<String>,
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        site: Option<String>,
        #[arg(long)]
        urgency: Option<String>,
        #[arg(long)]
        overdue: bool,
        /// received_at, number, status, urgency, category, assignee; prefix - for descending.
        #[arg(long, allow_hyphen_values = true)]
        sort: Option<String>,
        #[arg(long)]
        limit: Option<i64>,
        #[arg(long)]
        offset: Option<i64>,
    },
    /// 派单 (or 改派 when already assigned).
    Assign {
        number: String,
        #[arg(long)]
        tech: String,
        #[command(flatten)]
        who: Who,
    },
    /// 到场 / 开始维修.
    Start {
        number: String,
        #[command(flatten)]
        who: Who,
    },
    /// 挂起 (with the reason).
    Hold {
        number: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        who: Who,
    },
    /// 恢复 after a hold.
    Resume {
        number: String,
        #[command(flatten)]
        who: Who,
    },
    /// 完工: JSON on stdin (cause, measures, materials, labour_minutes, paid, fee_fen, …).
    Complete {
        number: String,
        #[command(flatten)]
        who: Who,
    },
    /// 回访: --satisfaction, or --quality and --attitude (overall = the lower of the two);
    /// --unreached 未接通|拒访|号码错误 records an attempt and leaves it 待回访.
    Visit {
        number: String,
        #[arg(long, required_unless_present_any = ["unreached", "quality", "attitude"])]
        satisfaction: Option<String>,
        /// 维修质量 (a satisfaction).
        #[arg(long, conflicts_with = "unreached")]
        quality: Option<String>,
        /// 服务态度 (a satisfaction).
        #[arg(long, conflicts_with = "unreached")]
        attitude: Option<String>,
        /// 回访方式: phone (default), visit, wechat.
        #[arg(long, conflicts_with = "unreached")]
        method: Option<String>,
        /// 回访未果: 未接通 (no_answer), 拒访 (refused), 号码错误 (wrong_number).
        #[arg(long, conflicts_with = "satisfaction")]
        unreached: Option<String>,
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        who: Who,
    },
    /// 取消, optionally as a duplicate of another ticket.
    Cancel {
        number: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        duplicate_of: Option<String>,
        #[command(flatten)]
        who: Who,
    },
    /// 返修.
    Rework {
        number: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        who: Who,
    },
    /// 跟催.
    Remind {
        number: String,
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        who: Who,
    },
    /// 更正: a JSON object on stdin with only the fields to change (names as in `new`).
    Edit { number: String },
    /// 改约: move the appointment, with the reason (业主不在家, 业主改时间, 材料未到 …).
    Reschedule {
        number: String,
        /// The new appointment, "YYYY-MM-DD HH:MM" (office time).
        #[arg(long)]
        appointment: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        who: Who,
    },
    /// 办结 of a 投诉/咨询 from 待派单: a 咨询 is then closed, a 投诉 waits for its 回访.
    Resolve {
        number: String,
        /// 处理结果: how it was answered or handled.
        #[arg(long)]
        result: String,
        /// 责任部门 that handled it (kept from a 转交 when left out).
        #[arg(long)]
        dept: Option<String>,
        #[command(flatten)]
        who: Who,
    },
    /// 转交 of a 投诉 to a 主管 or 责任部门 (stays 待派单, off the dispatch clock).
    Handover {
        number: String,
        #[arg(long)]
        dept: String,
        #[command(flatten)]
        who: Who,
    },
    /// 报价 before paid work: `--items "更换三角阀1个、人工1次" --amount-fen 5500 --consent yes`.
    /// A refused quote (`--consent no`) blocks a paid 完工 until a new one is accepted.
    Quote {
        number: String,
        #[arg(long)]
        items: String,
        #[arg(long, allow_negative_numbers = true)]
        amount_fen: i64,
        /// 业主同意: yes or no.
        #[arg(long)]
        consent: YesNo,
        #[command(flatten)]
        who: Who,
    },
}

/// 是/否 on the command line.
#[derive(Clone, Copy, clap::ValueEnum)]
enum YesNo {
    Yes,
    No,
}

#[derive(Args)]
struct ContactArgs {
    #[arg(long)]
    site: String,
    #[arg(long, default_value = "")]
    building: String,
    #[arg(long, default_value = "")]
    unit: String,
    #[arg(long)]
    room: String,
    #[arg(long)]
    name: String,
    /// Repeat for several numbers.
    #[arg(long = "phone")]
    phones: Vec<String>,
}

#[derive(Subcommand)]
enum SettingsCommand {
    Show,
    Set {
        #[arg(long)]
        office_name: Option<String>,
        #[arg(long)]
        hotline: Option<String>,
        #[arg(long)]
        number_prefix: Option<String>,
        #[arg(long)]
        time_zone: Option<String>,
        #[arg(long)]
        slip_layout: Option<String>,
        /// 自动锁屏: minutes idle before the window locks (0: never).
        #[arg(long)]
        idle_lock_minutes: Option<u32>,
        /// 每日备份保留份数 (1–365, default 30).
        #[arg(long)]
        daily_backups_kept: Option<u32>,
    },
}

#[derive(Args)]
struct SeedArgs {
    /// A believable demo office (empty database only).
    #[arg(long, conflicts_with = "tickets", required_unless_present = "tickets")]
    demo: bool,
    /// N synthetic tickets for benchmarks.
    #[arg(long)]
    tickets: Option<usize>,
    /// Random seed, for reproducible data.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
}

fn stdin_json<T: serde::de::DeserializeOwned>(what: &str) -> Result<T> {
    from_json(what, &stdin_text(what)?)
}

fn stdin_text(what: &str) -> Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("stdin", e))?;
    let s = String::from_utf8(bytes).map_err(|_| {
        Error::invalid(format!(
            "{what}：标准输入不是 UTF-8 编码，请把 JSON 以 UTF-8 保存后再传入"
        ))
    })?;
    // Windows tools often write a byte-order mark first.
    let s = s.trim_start_matches('\u{feff}').to_string();
    if s.trim().is_empty() {
        return Err(Error::invalid(format!(
            "{what}：标准输入没有 JSON，请通过管道传入"
        )));
    }
    Ok(s)
}

fn print<T: Serialize>(value: &T) -> Result<()> {
    let s = serde_json::to_string_pretty(value)
        .map_err(|e| Error::invalid(format!("输出 JSON 失败：{e}")))?;
    // A closed pipe (`| head`) is not an error worth a panic.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{s}");
    Ok(())
}

/// `--force` says an existing output file may be replaced.
fn existing(force: bool) -> Existing {
    if force {
        Existing::Replace
    } else {
        Existing::Keep
    }
}

/// The operator name given (`--by`, else BAOXIU_OPERATOR); the store checks it
/// against the office's accounts once there are any.
fn given_operator(by: Option<String>) -> Option<String> {
    by.or_else(|| std::env::var("BAOXIU_OPERATOR").ok())
        .filter(|s| !s.trim().is_empty())
}

/// What the history records as the operator before an office has accounts.
const DEFAULT_OPERATOR: &str = "操作员";

fn step(store: &mut Store, number: &str, s: Step, who: &Who, op: &str) -> Result<()> {
    let t = store.apply_step(number, s, who.at.as_deref(), op)?;
    print(&t)
}

/// A password from stdin: the first line, without its line break.
fn stdin_password(what: &str) -> Result<String> {
    let text = stdin_text(what)?;
    Ok(text.lines().next().unwrap_or_default().to_string())
}

fn run(cli: Cli) -> Result<()> {
    let path = match cli.db {
        Some(p) => p,
        None => baoxiu::store::default_path()?,
    };
    let mut store = Store::open(&path)?;
    // A fixed "now" for tests (office time, like --at), so the suite never depends on
    // the hour it runs at. Offices never set it.
    if let Some(now) = std::env::var("BAOXIU_NOW")
        .ok()
        .filter(|s| !s.trim().is_empty())
    {
        let now = store.zone().parse_input("BAOXIU_NOW", &now)?;
        store.set_now(Some(now));
    }
    let by = given_operator(cli.by);
    if let Some(name) = &by {
        store.act_as(name)?;
    }
    let op = by.clone().unwrap_or_else(|| DEFAULT_OPERATOR.into());
    match cli.command {
        Command::Tech(TechCommand::Add {
            name,
            phone,
            skills,
            capacity,
            team,
            inactive,
            team_lead,
        }) => print(&store.save_technician(&TechnicianDraft {
            name: Some(name),
            phone,
            skills: vec![skills],
            team,
            daily_capacity: capacity,
            active: Some(!inactive),
            team_lead,
        })?),
        Command::Tech(TechCommand::List) => print(&store.technicians()?),
        Command::Tech(TechCommand::Suggest { category, ticket }) => {
            let category = match (category, ticket) {
                (Some(c), _) => c,
                (None, Some(n)) => store.ticket(&n)?.category,
                (None, None) => return Err(Error::invalid("请用 --category 或 --ticket 指定类别")),
            };
            print(&store.suggest_technicians(&category)?)
        }
        Command::Site(SiteCommand::Add { name }) => print(&store.add_site(&name)?),
        Command::Site(SiteCommand::List) => print(&store.sites()?),
        Command::Price(PriceCommand::Add {
            name,
            unit,
            price_fen,
            inactive,
        }) => print(&store.save_price(&baoxiu::store::PriceItem {
            name,
            unit,
            price_fen,
            active: !inactive,
        })?),
        Command::Price(PriceCommand::List) => print(&store.prices()?),
        Command::Site(SiteCommand::Location { site, name }) => {
            print(&store.add_site_location(&site, &name)?)
        }
        Command::Category(CategoryCommand::List) => print(&store.categories()?),
        Command::Category(CategoryCommand::Kind { name, kind }) => {
            let kind = baoxiu::ticket::CategoryKind::parse(&kind)?;
            print(&store.set_category_kind(&name, kind)?)
        }
        Command::Category(CategoryCommand::Sla) => print(&store.sla_rules()?),
        Command::Category(CategoryCommand::SlaSet {
            urgency,
            category,
            dispatch,
            arrival,
            completion,
            visit,
        }) => print(&store.set_sla_rule(
            category.as_deref(),
            &baoxiu::sla::SlaRule {
                urgency: baoxiu::ticket::Urgency::parse(&urgency)?,
                dispatch_minutes: dispatch,
                arrival_minutes: arrival,
                completion_minutes: completion,
                visit_minutes: visit,
            },
        )?),
        Command::Print {
            numbers,
            out,
            layout,
            force,
        } => {
            let layout = layout
                .as_deref()
                .map(baoxiu::slip::Layout::parse)
                .transpose()?;
            print(&baoxiu::slip::print_to_file(
                &mut store,
                &numbers,
                layout,
                &out,
                &op,
                existing(force),
            )?)
        }
        Command::Report {
            month,
            json,
            out,
            mask_phones,
            force,
        } => match out {
            Some(path) if !json => print(&baoxiu::export::to_file(
                &store,
                &month,
                &path,
                &baoxiu::export::ExportOptions { mask_phones },
                existing(force),
            )?),
            _ => print(&baoxiu::report::month(&store, &month)?),
        },
        Command::Import { file, dry_run } => {
            if dry_run {
                print(&baoxiu::import::preview(&store, &file)?)
            } else {
                print(&baoxiu::import::commit(&mut store, &file)?)
            }
        }
        Command::Backup {
            action: Some(BackupCommand::List),
            ..
        } => {
            let copies = store.list_backups()?;
            let last_good = copies.iter().find(|c| c.checked_ok).map(|c| c.taken_at);
            print(&serde_json::json!({
                "backups": copies,
                "last_good_backup": last_good,
                "stale": baoxiu::store::backup_is_stale(last_good.as_ref(), &store.now()),
            }))
        }
        Command::Backup { daily: true, .. } => print(&store.daily_backup()?),
        Command::Backup { out: Some(out), .. } => print(&store.backup(&out)?),
        Command::Backup { .. } => Err(Error::invalid(
            "请说明要做哪种备份：--out 备份文件.db、--daily（今天的每日备份）或 list（列出备份）",
        )),
        Command::Restore { from } => {
            let restored = store.restore(&from)?;
            print(&serde_json::json!({ "restore": restored, "counters": store.counters()? }))
        }
        Command::Migrate { to } => {
            let mut target = Store::open(&to)?;
            target.set_now(Some(store.now()));
            let copied = store.copy_into(&target)?;
            // The copied office has the same accounts: read its reports as the same one.
            if let Some(name) = &by {
                target.act_as(name)?;
            }
            // The running month and the one before must read the same on both sides.
            let this = store.zone().local_date(&store.now());
            let months = [
                this.format("%Y-%m").to_string(),
                (this - chrono::Months::new(1)).format("%Y-%m").to_string(),
            ];
            for m in &months {
                let a = serde_json::to_value(baoxiu::report::month(&store, m)?);
                let b = serde_json::to_value(baoxiu::report::month(&target, m)?);
                if a.map_err(|e| e.to_string()) != b.map_err(|e| e.to_string()) {
                    return Err(Error::Database(format!(
                        "已复制，但 {m} 的月报两边不一致，请保留原数据库并联系维护人员"
                    )));
                }
            }
            print(&serde_json::json!({
                "to": target.location(),
                "tables": copied.tables,
                "reports_equal": months,
            }))
        }
        Command::Ticket(cmd) => ticket(&mut store, cmd, &op),
        Command::User(cmd) => user(&mut store, cmd),
        Command::Log {
            account,
            from,
            to,
            kind,
            limit,
        } => print(
            &store.audit_log(&baoxiu::audit::AuditFilter {
                account,
                from,
                to,
                kind: kind
                    .as_deref()
                    .map(baoxiu::audit::AuditKind::parse)
                    .transpose()?,
                limit,
            })?,
        ),
        Command::Escalations => print(&store.escalations()?),
        Command::EscalationRule(EscalationRuleCommand::List) => print(&store.escalation_rules()?),
        Command::EscalationRule(EscalationRuleCommand::Set {
            reason,
            minutes,
            chase,
        }) => print(&store.set_escalation_rule(&baoxiu::sla::EscalationRule {
            reason: baoxiu::sla::EscalationReason::parse(&reason)?,
            minutes,
            chase,
        })?),
        Command::Counters => print(&store.counters()?),
        Command::Lookup { query } => print(&store.lookup_caller(&query)?),
        Command::Contact(c) => print(&store.save_contact(
            &c.site,
            &c.building,
            &c.unit,
            &c.room,
            &c.name,
            &c.phones,
        )?),
        Command::Settings(SettingsCommand::Show) => print(&store.settings()?),
        Command::Settings(SettingsCommand::Set {
            office_name,
            hotline,
            number_prefix,
            time_zone,
            slip_layout,
            idle_lock_minutes,
            daily_backups_kept,
        }) => {
            let mut s = store.settings()?;
            s.office_name = office_name.unwrap_or(s.office_name);
            s.hotline = hotline.unwrap_or(s.hotline);
            s.number_prefix = number_prefix.unwrap_or(s.number_prefix);
            s.time_zone = time_zone.unwrap_or(s.time_zone);
            if let Some(l) = slip_layout {
                s.slip_layout = baoxiu::slip::Layout::parse(&l)?;
            }
            s.idle_lock_minutes = idle_lock_minutes.unwrap_or(s.idle_lock_minutes);
            if let Some(n) = daily_backups_kept {
                s.daily_backups_kept = baoxiu::store::check_daily_backups_kept(n)?;
            }
            print(&store.update_settings(&s)?)
        }
        Command::Seed(a) => match a.tickets {
            Some(n) => print(&baoxiu::seed::synthetic(&mut store, n, a.seed)?),
            None => print(&baoxiu::seed::demo(&mut store, 600, a.seed)?),
        },
    }
}

fn user(store: &mut Store, cmd: UserCommand) -> Result<()> {
    match cmd {
        UserCommand::Add { name, role } => {
            let role = baoxiu::account::Role::parse(&role)?;
            let password = stdin_password("新账号的密码")?;
            print(&store.add_account(&name, role, &password)?)
        }
        UserCommand::List => print(&store.accounts()?),
        UserCommand::Disable { name } => print(&store.set_account_active(&name, false)?),
        UserCommand::Enable { name } => print(&store.set_account_active(&name, true)?),
        UserCommand::Passwd { name } => {
            let password = stdin_password("新密码")?;
            store.reset_password(&name, &password)?;
            print(&store.account(&name)?)
        }
        UserCommand::Login { name } => {
            let password = stdin_password("密码")?;
            print(&store.login(&name, &password)?)
        }
    }
}

fn ticket(store: &mut Store, cmd: TicketCommand, op: &str) -> Result<()> {
    match cmd {
        TicketCommand::New { at } => {
            let mut draft = TicketDraft::from_json(&stdin_text("报修登记")?)?;
            if at.is_some() {
                draft.received_at = at;
            }
            /// A new ticket, and the open tickets it may repeat (重复报修提醒): the
            /// desk registers it anyway and decides (取消为重复单 is a later step).
            #[derive(Serialize)]
            struct Created {
                #[serde(flatten)]
                ticket: baoxiu::ticket::Ticket,
                #[serde(skip_serializing_if = "Vec::is_empty")]
                duplicates: Vec<String>,
            }
            let duplicates = store
                .possible_duplicates(&draft)?
                .into_iter()
                .map(|t| t.number)
                .collect();
            print(&Created {
                ticket: store.create_ticket(&draft, op)?,
                duplicates,
            })
        }
        TicketCommand::Duplicates => {
            let draft = TicketDraft::from_json(&stdin_text("报修登记")?)?;
            print(&store.possible_duplicates(&draft)?)
        }
        TicketCommand::Show { number } => {
            /// A ticket with its history, for `ticket show`.
            #[derive(Serialize)]
            struct Shown {
                #[serde(flatten)]
                ticket: baoxiu::ticket::Ticket,
                reschedules: Vec<baoxiu::ticket::Reschedule>,
                history: Vec<baoxiu::ticket::Event>,
                /// One per 完工, oldest first.
                rounds: Vec<baoxiu::ticket::Round>,
                visit_attempts: Vec<baoxiu::ticket::VisitAttempt>,
                /// 报价, oldest first.
                quotes: Vec<baoxiu::ticket::Quote>,
            }
            print(&Shown {
                ticket: store.ticket(&number)?,
                reschedules: store.reschedules(&number)?,
                history: store.history(&number)?,
                rounds: store.rounds(&number)?,
                visit_attempts: store.visit_attempts(&number)?,
                quotes: store.quotes(&number)?,
            })
        }
        TicketCommand::History { number } => print(&store.history(&number)?),
        TicketCommand::List {
            statuses,
            kind,
            month,
            from,
            to,
            q,
            tech,
            category,
            site,
            urgency,
            overdue,
            sort,
            limit,
            offset,
        } => {
            let page = store.list_tickets(&TicketFilter {
                statuses,
                kind,
                category,
                technician: tech,
                site,
                urgency,
                month,
                from,
                to,
                overdue,
                q,
                sort,
                limit,
                offset,
            })?;
            print(&page.tickets)
        }
        TicketCommand::Assign { number, tech, who } => {
            step(store, &number, Step::Assign { technician: tech }, &who, op)
        }
        TicketCommand::Start { number, who } => step(store, &number, Step::Start, &who, op),
        TicketCommand::Hold {
            number,
            reason,
            who,
        } => step(store, &number, Step::Hold { reason }, &who, op),
        TicketCommand::Resume { number, who } => step(store, &number, Step::Resume, &who, op),
        TicketCommand::Complete { number, who } => {
            let draft: CompletionDraft = stdin_json("完工登记")?;
            step(store, &number, Step::Complete(draft), &who, op)
        }
        TicketCommand::Visit {
            number,
            satisfaction,
            quality,
            attitude,
            method,
            unreached,
            note,
            who,
        } => {
            let s = match unreached {
                Some(result) => Step::VisitAttempt { result, note },
                None => Step::Visit {
                    satisfaction: satisfaction.unwrap_or_default(),
                    note,
                    method,
                    quality,
                    attitude,
                },
            };
            step(store, &number, s, &who, op)
        }
        TicketCommand::Cancel {
            number,
            reason,
            duplicate_of,
            who,
        } => step(
            store,
            &number,
            Step::Cancel {
                reason,
                duplicate_of,
            },
            &who,
            op,
        ),
        TicketCommand::Rework {
            number,
            reason,
            who,
        } => step(store, &number, Step::Rework { reason }, &who, op),
        TicketCommand::Remind { number, note, who } => {
            step(store, &number, Step::Remind { note }, &who, op)
        }
        TicketCommand::Edit { number } => {
            let patch = TicketPatch::from_json(&stdin_text("更正工单")?)?;
            print(&store.edit_ticket(&number, &patch, op)?)
        }
        TicketCommand::Reschedule {
            number,
            appointment,
            reason,
            who,
        } => step(
            store,
            &number,
            Step::Reschedule {
                appointment,
                reason,
            },
            &who,
            op,
        ),
        TicketCommand::Resolve {
            number,
            result,
            dept,
            who,
        } => step(store, &number, Step::Resolve { result, dept }, &who, op),
        TicketCommand::Handover { number, dept, who } => {
            step(store, &number, Step::Handover { dept }, &who, op)
        }
        TicketCommand::Quote {
            number,
            items,
            amount_fen,
            consent,
            who,
        } => step(
            store,
            &number,
            Step::Quote {
                items,
                amount_fen,
                consent: matches!(consent, YesNo::Yes),
            },
            &who,
            op,
        ),
    }
}

/// The subcommand's name for the log (never its arguments).
fn command_name(c: &Command) -> &'static str {
    match c {
        Command::Tech(_) => "tech",
        Command::Category(_) => "category",
        Command::Site(_) => "site",
        Command::Price(_) => "price",
        Command::Ticket(_) => "ticket",
        Command::Escalations => "escalations",
        Command::EscalationRule(_) => "escalation-rule",
        Command::Counters => "counters",
        Command::Lookup { .. } => "lookup",
        Command::Contact(_) => "contact",
        Command::Settings(_) => "settings",
        Command::Seed(_) => "seed",
        Command::Print { .. } => "print",
        Command::Report { .. } => "report",
        Command::Import { .. } => "import",
        Command::Backup { .. } => "backup",
        Command::Restore { .. } => "restore",
        Command::Migrate { .. } => "migrate",
        Command::User(_) => "user",
        Command::Log { .. } => "log",
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _log = baoxiu::logfile::dir().and_then(|d| baoxiu::logfile::start(&d, "baoxiu-cli"));
    let command = command_name(&cli.command);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The code only: the message may quote what the user typed.
            tracing::warn!(command, code = e.code(), "refused");
            let msg = e.to_string().replace('\n', " ");
            eprintln!("error[{}]: {msg}", e.code());
            ExitCode::from(1)
        }
    }
}
