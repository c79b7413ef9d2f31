//! The month report's types: the JSON contract (`MonthReport` and its rows) and the
//! ticket rows behind it (`MonthTicket`, `MonthDetail`) that the exports print.

use serde::{Deserialize, Serialize};

use super::present::place;
use crate::clock::Time;
use crate::ticket::{Channel, Kind, Satisfaction, Scope, Status, Urgency};

/// Label of the technician row for tickets nobody was dispatched to.
pub const UNASSIGNED: &str = "（未派单）";

/// `{count, mean, median, p90}` of a set of durations in minutes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Timing {
    pub count: i64,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

/// 有偿 / 无偿 split of a cost.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Split {
    pub total: i64,
    /// 有偿 — tickets marked paid.
    pub paid: i64,
    /// 无偿
    pub unpaid: i64,
}

/// One row of a breakdown (by category, site, building, channel, urgency, kind).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct GroupRow {
    /// Stable key: the English code for channel/urgency/kind, the name otherwise
    /// (`site/building` for buildings).
    pub key: String,
    /// What the office reads: 电话, 水路, 翠湖苑 3栋 …
    pub label: String,
    pub received: i64,
    pub completed: i64,
    pub overdue: i64,
    pub mean_completion_minutes: Option<f64>,
}

/// One technician's month, for 考核.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct TechnicianRow {
    /// The technician's name; empty for tickets never dispatched.
    pub key: String,
    pub label: String,
    pub received: i64,
    pub completed: i64,
    pub overdue: i64,
    pub mean_completion_minutes: Option<f64>,
    /// 回访 in the month on this technician's tickets.
    pub visits: i64,
    pub satisfaction_rate: Option<f64>,
    /// Tickets completed in the month and later reworked.
    pub rework_count: i64,
    /// 工时 of tickets completed in the month.
    pub labour_minutes: i64,
}

/// 重复报修 — a unit (or public location) reported again and again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct HotSpot {
    pub site: Option<String>,
    /// `3栋2单元501`, or the public location as written.
    pub place: String,
    pub scope: Scope,
    pub category: String,
    pub tickets: i64,
    pub last_received_at: Time,
    /// The tickets, oldest first.
    pub numbers: Vec<String>,
}

/// 月度汇总. Field names are the CLI's JSON contract (`baoxiu report --json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct MonthReport {
    /// `YYYY-MM`; not serialized (the caller asked for it).
    #[serde(skip)]
    #[ts(skip)]
    pub month: String,
    pub received: i64,
    pub completed: i64,
    pub closed: i64,
    /// 办结: 投诉/咨询 closed in the month without a technician — counted apart from
    /// 取消 and never as a technician's 完工.
    pub resolved: i64,
    pub cancelled: i64,
    pub open_at_month_end: i64,
    /// 改约 recorded in the month (every move of an appointment counts).
    pub reschedules: i64,
    pub by_category: Vec<GroupRow>,
    pub by_site: Vec<GroupRow>,
    pub by_building: Vec<GroupRow>,
    pub by_technician: Vec<TechnicianRow>,
    pub by_channel: Vec<GroupRow>,
    pub by_urgency: Vec<GroupRow>,
    pub by_kind: Vec<GroupRow>,
    pub dispatch_minutes: Timing,
    pub arrival_minutes: Timing,
    pub completion_minutes: Timing,
    pub on_time_rate: Option<f64>,
    pub visit_rate: Option<f64>,
    pub satisfaction_rate: Option<f64>,
    pub rework_rate: Option<f64>,
    /// 回访未果: visit attempts that reached nobody, recorded in the month.
    pub visit_attempts: i64,
    pub materials_fen: Split,
    pub fees_fen: Split,
    pub labour_minutes: Split,
    pub hot_spots: Vec<HotSpot>,
}

/// One ticket as the month sees it: the ledger columns plus the month's facts.
/// The rows of the 明细 and 超时工单 sheets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthTicket {
    pub number: String,
    pub kind: Kind,
    /// Status now (when the export runs).
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
    pub description: String,
    pub assignee: Option<String>,
    pub received_at: Time,
    pub dispatched_at: Option<Time>,
    pub arrived_at: Option<Time>,
    pub completed_at: Option<Time>,
    pub visited_at: Option<Time>,
    pub cancelled_at: Option<Time>,
    pub completion_due: Option<Time>,
    pub held_minutes: i64,
    pub cause: Option<String>,
    pub measures: Option<String>,
    pub labour_minutes: i64,
    pub paid: bool,
    pub fee_fen: i64,
    pub materials_fen: i64,
    pub satisfaction: Option<Satisfaction>,
    pub rework_count: i64,
    pub cancel_reason: Option<String>,
    /// 材料明细: `三角阀×1；PPR管(20mm)×2`.
    pub materials_text: Option<String>,
    pub owner_signed: bool,
    pub payment_method: Option<String>,
    // ---- the month's facts ----
    pub received_in_month: bool,
    pub completed_in_month: bool,
    /// Received → first completion minus hold, when completed before month end.
    pub completion_minutes: Option<i64>,
    /// 超时 for the month (see the module notes).
    pub overdue: bool,
    /// The deadline the month judged it by.
    pub deadline: Option<Time>,
    /// Status when the month ended (None if received after it).
    pub status_at_month_end: Option<Status>,

    // internal, for the aggregation
    #[serde(skip)]
    pub(super) sort_order: i64,
    #[serde(skip)]
    pub(super) dispatch_mins: Option<i64>,
    #[serde(skip)]
    pub(super) arrival_mins: Option<i64>,
    #[serde(skip)]
    pub(super) completed_on_time: Option<bool>,
    #[serde(skip)]
    pub(super) visited_after: bool,
    #[serde(skip)]
    pub(super) reworked_after: bool,
    #[serde(skip)]
    pub(super) visits_in_month: i64,
    #[serde(skip)]
    pub(super) satisfied_in_month: i64,
    #[serde(skip)]
    pub(super) closed_in_month: bool,
    #[serde(skip)]
    pub(super) cancelled_in_month: bool,
    #[serde(skip)]
    pub(super) resolved_in_month: bool,
    /// The costs of the rounds completed in the month (a 返修 round counts in its own
    /// month, each round once).
    #[serde(skip)]
    pub(super) month_costs: crate::store::RoundCosts,
}

impl MonthTicket {
    /// Where the work is, as one line: `翠湖苑 3栋2单元501` or the public location.
    pub fn place(&self) -> String {
        place(
            self.site.as_deref(),
            self.building.as_deref(),
            self.unit.as_deref(),
            self.room.as_deref(),
            self.location.as_deref(),
        )
    }
}

/// The report and the tickets behind it, for the exports.
#[derive(Debug, Clone)]
pub struct MonthDetail {
    pub report: MonthReport,
    /// Every ticket received or completed in the month, oldest first (明细).
    pub tickets: Vec<MonthTicket>,
    /// Tickets 超时 for the month, including ones carried over (超时工单).
    pub overdue: Vec<MonthTicket>,
}

/// The month's 明细 rows alone, for the CSV export.
#[derive(Debug, Clone)]
pub struct MonthRows {
    /// `YYYY-MM`.
    pub month: String,
    /// Every ticket received or completed in the month, oldest first.
    pub tickets: Vec<MonthTicket>,
}
