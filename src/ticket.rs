//! 工单 ticket: the nouns of a repair request — its kinds, statuses and codes, the
//! ticket record as the desk sees it, its 材料 materials and its history events.

use serde::{Deserialize, Serialize};

use crate::clock::Time;

/// Declares a closed set of codes, each with its Chinese label, parsed from either.
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal {
        $($(#[$vmeta:meta])* $variant:ident = $code:literal / $label:literal),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[derive(ts_rs::TS)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The English code used in SQL, JSON and the CLI.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Chinese word the office sees.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Accepts the code (in any ASCII case) or the Chinese label.
            pub fn parse(s: &str) -> $crate::error::Result<Self> {
                let t = s.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code().eq_ignore_ascii_case(t) || v.label() == t)
                    .ok_or_else(|| {
                        let choices: Vec<String> = Self::ALL
                            .iter()
                            .map(|v| format!("{}（{}）", v.code(), v.label()))
                            .collect();
                        $crate::error::Error::invalid(format!(
                            "{}“{}”无法识别，可选：{}",
                            $what,
                            s,
                            choices.join("、")
                        ))
                    })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}

pub(crate) use code_enum;

code_enum!(
    /// 工单类型 — what the caller wants.
    Kind, "工单类型" {
        Repair = "repair" / "报修",
        Complaint = "complaint" / "投诉",
        Inquiry = "inquiry" / "咨询",
    }
);

code_enum!(
    /// 工单状态 — where the ticket stands in the workflow.
    Status, "工单状态" {
        Received = "received" / "待派单",
        Assigned = "assigned" / "已派单",
        InProgress = "in_progress" / "维修中",
        OnHold = "on_hold" / "挂起",
        Completed = "completed" / "待回访",
        Closed = "closed" / "已完结",
        Cancelled = "cancelled" / "已取消",
    }
);

code_enum!(
    /// 报修渠道 — how the request reached the office.
    Channel, "报修渠道" {
        Phone = "phone" / "电话",
        WalkIn = "walk_in" / "来访",
        Wechat = "wechat" / "微信",
        App = "app" / "APP",
        Sms = "sms" / "短信",
        Inspection = "inspection" / "巡检",
    }
);

code_enum!(
    /// 入户 / 公区 — inside an owner's home, or a public area of the estate.
    Scope, "报修范围" {
        InHome = "in_home" / "入户",
        PublicArea = "public_area" / "公区",
    }
);

code_enum!(
    /// 紧急程度 — decides the SLA clock.
    Urgency, "紧急程度" {
        Emergency = "emergency" / "紧急",
        Normal = "normal" / "一般",
        Scheduled = "scheduled" / "预约",
    }
);

code_enum!(
    /// 满意度 — the owner's answer at the return visit.
    Satisfaction, "满意度" {
        VerySatisfied = "very_satisfied" / "非常满意",
        Satisfied = "satisfied" / "满意",
        Neutral = "neutral" / "一般",
        Dissatisfied = "dissatisfied" / "不满意",
    }
);

code_enum!(
    /// 回访方式 — how the return visit reached the owner.
    VisitMethod, "回访方式" {
        Phone = "phone" / "电话",
        Visit = "visit" / "上门",
        Wechat = "wechat" / "微信",
    }
);

code_enum!(
    /// 回访未果 — why a visit attempt got no answer; the ticket stays 待回访.
    VisitFailure, "回访未果原因" {
        NoAnswer = "no_answer" / "未接通",
        Refused = "refused" / "拒访",
        WrongNumber = "wrong_number" / "号码错误",
    }
);

code_enum!(
    /// SLA stages a ticket can be late for (超时).
    Stage, "时限环节" {
        Dispatch = "dispatch" / "派单",
        Arrival = "arrival" / "到场",
        Completion = "completion" / "完工",
        Visit = "visit" / "回访",
    }
);

code_enum!(
    /// 类别用途 — which tickets a 类别 is for: repair categories (水路, 电路 …) for 报修,
    /// complaint categories (服务态度, 保洁 …) for 投诉, and 通用 (其他) for any ticket.
    CategoryKind, "类别用途" {
        Repair = "repair" / "报修类别",
        Complaint = "complaint" / "投诉类别",
        General = "general" / "通用类别",
    }
);

impl CategoryKind {
    /// Whether a ticket of `kind` may be filed under a category of this use. A 报修 is
    /// a fault, so never under a complaint category; a 投诉 may also be about a fault
    /// (电梯总坏), and a 咨询 about anything.
    pub fn fits(self, kind: Kind) -> bool {
        !(kind == Kind::Repair && self == CategoryKind::Complaint)
    }
}

impl Status {
    /// Open work: counts towards a technician's load and can still change.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Received | Status::Assigned | Status::InProgress | Status::OnHold
        )
    }
}

impl Satisfaction {
    /// 非常满意 and 满意 count as satisfied in the monthly rate.
    pub fn is_satisfied(self) -> bool {
        matches!(self, Satisfaction::VerySatisfied | Satisfaction::Satisfied)
    }

    /// The overall 满意度 of a visit rated 维修质量 `quality` and 服务态度 `attitude`:
    /// the lower of the two (an owner unhappy with either is not satisfied overall).
    pub fn overall(quality: Satisfaction, attitude: Satisfaction) -> Satisfaction {
        // ALL lists the ratings best first, so the lower rating is the later one.
        let rank = |s: Satisfaction| Satisfaction::ALL.iter().position(|v| *v == s);
        if rank(quality) >= rank(attitude) {
            quality
        } else {
            attitude
        }
    }
}

/// 材料 — one line of the materials table on the slip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Material {
    pub name: String,
    #[serde(default)]
    pub spec: String,
    pub quantity: f64,
    pub unit_price_fen: i64,
    /// quantity × unit price, rounded to the 分.
    #[serde(default)]
    pub amount_fen: i64,
}

impl Material {
    pub fn amount(quantity: f64, unit_price_fen: i64) -> i64 {
        (quantity * unit_price_fen as f64).round() as i64
    }
}

/// 时限 — when each stage is due. `None` where the stage does not apply yet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Deadlines {
    pub dispatch: Option<Time>,
    pub arrival: Option<Time>,
    pub completion: Option<Time>,
    pub visit: Option<Time>,
}

/// 工单 — a ticket as the desk, the slip and the CLI see it. Field order and names are
/// the CLI's JSON contract.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Ticket {
    pub number: String,
    pub kind: Kind,
    pub status: Status,
    pub channel: Channel,
    pub reporter: String,
    pub phone: String,
    pub site: Option<String>,
    pub building: Option<String>,
    pub unit: Option<String>,
    pub room: Option<String>,
    pub location: Option<String>,
    pub scope: Scope,
    pub category: String,
    pub urgency: Urgency,
    pub appointment_at: Option<Time>,
    pub description: String,
    pub received_at: Time,
    pub assignee: Option<String>,
    pub dispatched_at: Option<Time>,
    pub arrived_at: Option<Time>,
    pub completed_at: Option<Time>,
    pub visited_at: Option<Time>,
    pub closed_at: Option<Time>,
    pub cancelled_at: Option<Time>,
    pub hold_reason: Option<String>,
    pub cause: Option<String>,
    pub measures: Option<String>,
    pub materials: Vec<Material>,
    pub labour_minutes: i64,
    pub paid: bool,
    pub fee_fen: i64,
    pub payment_method: Option<String>,
    pub owner_signed: bool,
    pub satisfaction: Option<Satisfaction>,
    pub visit_note: Option<String>,
    pub rework_count: i64,
    pub duplicate_of: Option<String>,
    pub deadlines: Deadlines,
    /// Late right now for the stage the ticket is in (computed at load time).
    pub overdue: bool,
    // ---- beyond the contract's keys: what the desk also needs to see ----
    /// Which stage is late, when `overdue`.
    pub overdue_stage: Option<Stage>,
    pub cancel_reason: Option<String>,
    /// Minutes spent on hold so far (not counted against the completion deadline).
    pub held_minutes: i64,
    /// How many times the 维修单 was printed.
    pub print_count: i64,
    /// How many times the ticket was chased (跟催).
    pub remind_count: i64,
    /// How many times the appointment was moved (改约), counted from the history.
    pub reschedule_count: i64,
    /// 发生时间: when the fault started, as the caller said.
    pub occurred_at: Option<Time>,
    /// 指定师傅: the technician the owner asked for.
    pub requested_technician: Option<String>,
    /// 处理结果 of a 投诉/咨询 closed by 办结 (no technician, no 故障原因).
    pub resolution: Option<String>,
    /// 责任部门 (or 主管) a 投诉 was handed to (转交), or named at 办结.
    pub dept: Option<String>,
    /// When the 投诉/咨询 was 办结.
    pub resolved_at: Option<Time>,

    // ---- internal keys, not part of the JSON ----
    #[serde(skip)]
    pub id: i64,
    #[serde(skip)]
    pub category_id: i64,
    #[serde(skip)]
    pub site_id: Option<i64>,
    #[serde(skip)]
    pub unit_id: Option<i64>,
    #[serde(skip)]
    pub assignee_id: Option<i64>,
    #[serde(skip)]
    pub duplicate_of_id: Option<i64>,
    /// Latest (re)assignment: "no progress within 2 hours of dispatch" counts from here.
    #[serde(skip)]
    pub assigned_at: Option<Time>,
    /// When the current hold began.
    #[serde(skip)]
    pub hold_started_at: Option<Time>,
    /// The time of the last status change; a step may not be dated before it.
    #[serde(skip)]
    pub status_changed_at: Time,
}

impl Ticket {
    /// Where the work is, as one line: 翠湖苑 3栋2单元501 or the public location.
    pub fn place(&self) -> String {
        let mut parts = Vec::new();
        if let Some(site) = &self.site {
            parts.push(site.clone());
        }
        let mut home = String::new();
        if let Some(b) = self.building.as_deref().filter(|s| !s.is_empty()) {
            home.push_str(&with_suffix(b, "栋"));
        }
        if let Some(u) = self.unit.as_deref().filter(|s| !s.is_empty()) {
            home.push_str(&with_suffix(u, "单元"));
        }
        if let Some(r) = self.room.as_deref().filter(|s| !s.is_empty()) {
            home.push_str(r);
        }
        if !home.is_empty() {
            parts.push(home);
        }
        if let Some(loc) = self.location.as_deref().filter(|s| !s.is_empty()) {
            parts.push(loc.to_string());
        }
        parts.join(" ")
    }

    pub fn materials_total_fen(&self) -> i64 {
        self.materials.iter().map(|m| m.amount_fen).sum()
    }
}

/// Whether two public-area location texts likely name the same spot, for the 重复报修
/// warning: 6栋大堂 and 6栋一楼大堂, 地下车库B2入口 and B2车库入口. Compared without
/// spaces and punctuation, in any width and case: one contains the other, or they share
/// at least half of their two-character pieces (Dice coefficient of bigrams ≥ 0.5).
pub fn similar_locations(a: &str, b: &str) -> bool {
    let clean = |s: &str| -> Vec<char> {
        crate::input::fold_width(s)
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect()
    };
    let (a, b) = (clean(a), clean(b));
    if a.is_empty() || b.is_empty() {
        return a == b;
    }
    let text = |v: &[char]| v.iter().collect::<String>();
    let (sa, sb) = (text(&a), text(&b));
    if sa.contains(&sb) || sb.contains(&sa) {
        return true;
    }
    let pairs = |v: &[char]| -> Vec<(char, char)> { v.windows(2).map(|w| (w[0], w[1])).collect() };
    let (pa, mut pb) = (pairs(&a), pairs(&b));
    let total = pa.len() + pb.len();
    if total == 0 {
        return false;
    }
    let mut shared = 0;
    for p in &pa {
        if let Some(i) = pb.iter().position(|q| q == p) {
            pb.swap_remove(i);
            shared += 1;
        }
    }
    2 * shared * 2 >= total
}

/// `3` → `3栋`, while `3栋` or `A座` stay as written.
pub fn with_suffix(value: &str, suffix: &str) -> String {
    if value.chars().all(|c| c.is_ascii_alphanumeric()) {
        format!("{value}{suffix}")
    } else {
        value.to_string()
    }
}

code_enum!(
    /// 操作 — what one row of a ticket's history records (`ticket_events.action`), and
    /// the steps `workflow::available` offers (派单 stands for 改派 too).
    EventAction, "操作" {
        Created = "created" / "登记",
        Assign = "assign" / "派单",
        Reassign = "reassign" / "改派",
        Start = "start" / "到场",
        Hold = "hold" / "挂起",
        Resume = "resume" / "恢复",
        Complete = "complete" / "完工",
        Visit = "visit" / "回访",
        VisitAttempt = "visit_attempt" / "回访未果",
        Cancel = "cancel" / "取消",
        Rework = "rework" / "返修",
        Remind = "remind" / "跟催",
        Print = "printed" / "打印维修单",
        Attach = "attach" / "添加附件",
        Edit = "edit" / "更正",
        Reschedule = "reschedule" / "改约",
        Resolve = "resolve" / "办结",
        Handover = "handover" / "转交",
        Quote = "quote" / "报价",
    }
);

/// 第N次维修 — one completion round: what the 完工 of round `round` recorded, and the
/// 回访 that followed it. A 返修 starts the next round; earlier rounds are kept as they
/// were (the ticket's own columns hold the latest round and the totals).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Round {
    /// 1 for the first 完工, 2 after the first 返修 …
    pub round: i64,
    pub completed_at: Time,
    pub operator: String,
    pub cause: String,
    pub measures: String,
    /// The materials used in this round only.
    pub materials: Vec<Material>,
    pub labour_minutes: i64,
    /// 有偿 for this round.
    pub paid: bool,
    pub fee_fen: i64,
    pub payment_method: Option<String>,
    pub owner_signed: bool,
    /// The 回访 of this round, once made.
    pub visited_at: Option<Time>,
    pub visit_method: Option<VisitMethod>,
    /// 维修质量
    pub quality: Option<Satisfaction>,
    /// 服务态度
    pub attitude: Option<Satisfaction>,
    /// 总体满意度 (given, or the lower of quality and attitude).
    pub satisfaction: Option<Satisfaction>,
    pub visit_note: Option<String>,
}

impl Round {
    pub fn materials_total_fen(&self) -> i64 {
        self.materials.iter().map(|m| m.amount_fen).sum()
    }
}

/// 回访未果 — one visit attempt that reached nobody.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct VisitAttempt {
    pub at: Time,
    pub result: VisitFailure,
    /// The Chinese name of `result`.
    pub result_label: String,
    pub note: Option<String>,
    pub operator: String,
}

/// 改约 — one move of a ticket's appointment, as `ticket show` lists it (`reschedules`).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Reschedule {
    pub at: Time,
    /// The appointment before; `None` when the ticket had none.
    pub from: Option<Time>,
    pub to: Time,
    pub reason: String,
    pub operator: String,
}

/// 报价 — one quote before paid work, as `ticket show` and the detail page list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Quote {
    pub at: Time,
    pub items: String,
    pub amount_fen: i64,
    /// 业主同意
    pub consent: bool,
    pub operator: String,
}

/// One row of a ticket's append-only history (ticket_events).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Event {
    pub at: Time,
    pub operator: String,
    /// What happened.
    pub action: EventAction,
    /// The Chinese name of `action`.
    pub action_label: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub note: Option<String>,
    /// A 回访's overall rating (满意度), kept as data beside the note so the month report
    /// never reads it from the wording. The window shows the note, which starts with it.
    #[serde(skip)]
    #[ts(skip)]
    pub satisfaction: Option<Satisfaction>,
}

impl Event {
    /// A history row, labelled from its action.
    pub fn new(
        at: Time,
        operator: &str,
        action: EventAction,
        from_status: Option<Status>,
        to_status: Option<Status>,
        note: Option<String>,
    ) -> Event {
        Event {
            at,
            operator: operator.to_string(),
            action,
            action_label: action.label().to_string(),
            from_status,
            to_status,
            note,
            satisfaction: None,
        }
    }
}
