//! 月度汇总 month report: the figures the manager hands upwards for one local calendar
//! month, replayed from `tickets` and their `ticket_events` history (the queries are in
//! `store/reports.rs`; this module does the statistics).
//!
//! Decisions where the issue is silent (an office manager's reading):
//! - A month is the office's local calendar month (`OfficeZone::month_range`).
//! - Milestones come from the history, so a month's volumes do not change when a ticket
//!   is reworked later: `completed` counts tickets with a 完工 event in the month (a ticket
//!   completed twice in the month counts once), `closed` tickets with a 回访 event in the
//!   month, `cancelled` tickets with a 取消 event in the month.
//! - `open_at_month_end`: received before the month ended and, replaying the history up
//!   to that instant, neither 已完结 nor 已取消 — so 待回访 (completed, not yet visited)
//!   tickets are carried over too, as the issue defines it.
//! - Timeliness is for tickets received in the month whose milestone happened before the
//!   month ended (so re-running a past month gives the same numbers): dispatch = first
//!   派单, arrival = first 到场, completion = first 完工 minus the minutes on hold before
//!   it. Minutes are whole minutes rounded down, as the workflow counts them. `mean` has
//!   one decimal; `median` is the middle value (mean of the two middle values for an even
//!   count, as Excel's MEDIAN); `p90` is the nearest-rank 90th percentile (the value at
//!   rank ⌈0.9·n⌉), so "90% of tickets took at most p90 minutes" is literally true.
//!   All three are `null` when `count` is 0.
//! - Rates are fractions rounded to 4 decimals, `null` when the denominator is 0.
//!   `on_time_rate` judges the ticket's last completion in the month against the
//!   completion deadline in force at that moment (the stored deadline, which includes
//!   hold extensions; if the ticket was reworked afterwards, the deadline is rebuilt
//!   from the SLA rule, the (re)start time and the hold minutes in between).
//!   `visit_rate`: a 回访 recorded after that completion, up to the time the report runs.
//!   `satisfaction_rate`: 回访 events in the month rated 非常满意 or 满意.
//!   "Later reworked" (`rework_rate`, technicians' `rework_count`): a 返修 event after
//!   the ticket's first completion in the month, up to the time the report runs — so a
//!   recent month's rework rate can still rise as reworks come in.
//! - Breakdown rows: `received` = received in the month, `completed` = completed in the
//!   month, `overdue` = tickets 超时 for the month (completed in the month after their
//!   completion deadline, or still being worked on at month end — 待派单/已派单/维修中,
//!   not 挂起 — with the completion deadline already passed; for the month still
//!   running, passed by now), and
//!   `mean_completion_minutes` over the same population as `completion_minutes`.
//!   超时 judges the completion deadline only (late dispatch or arrival shows in the
//!   timeliness figures instead), the same deadline `on_time_rate` uses.
//!   Technicians are the ticket's current assignee; tickets never dispatched are the
//!   `（未派单）` row. Channels, urgencies and kinds list every value (zeros included);
//!   categories, sites, buildings and technicians only those with activity.
//! - Cost: tickets completed in the month, with the ticket's totals (materials, fee and
//!   labour accumulate across reworks); 有偿 = the ticket is marked paid.
//! - Hot spots: not-cancelled tickets received in the 90 local days ending at month
//!   end, grouped by unit (入户) or by site + location text (公区) and category.
//! - A month still running is reported as of now (its "month end" figures are today's).
//! - The JSON has exactly the keys; the month itself is not repeated in it.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use crate::clock::{OfficeZone, Time};
use crate::error::{Error, Result};
use crate::store::FactsRow;
use crate::ticket::{with_suffix, Channel, Kind, Satisfaction, Scope, Status, Urgency};
use crate::Store;

/// Label of the technician row for tickets nobody was dispatched to.
pub const UNASSIGNED: &str = "（未派单）";

/// `{count, mean, median, p90}` of a set of durations in minutes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct Timing {
    pub count: i64,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

/// 有偿 / 无偿 split of a cost.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Split {
    pub total: i64,
    /// 有偿 — tickets marked paid.
    pub paid: i64,
    /// 无偿
    pub unpaid: i64,
}

/// One row of a breakdown (by category, site, building, channel, urgency, kind).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
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
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
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
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
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
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct MonthReport {
    /// `YYYY-MM`; not serialized (the caller asked for it).
    #[serde(skip)]
    #[ts(skip)]
    pub month: String,
    pub received: i64,
    pub completed: i64,
    pub closed: i64,
    pub cancelled: i64,
    pub open_at_month_end: i64,
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
    sort_order: i64,
    #[serde(skip)]
    dispatch_mins: Option<i64>,
    #[serde(skip)]
    arrival_mins: Option<i64>,
    #[serde(skip)]
    completed_on_time: Option<bool>,
    #[serde(skip)]
    visited_after: bool,
    #[serde(skip)]
    reworked_after: bool,
    #[serde(skip)]
    visits_in_month: i64,
    #[serde(skip)]
    satisfied_in_month: i64,
    #[serde(skip)]
    closed_in_month: bool,
    #[serde(skip)]
    cancelled_in_month: bool,
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

/// The month summary for `YYYY-MM` in the office's time zone.
pub fn month(store: &Store, month: &str) -> Result<MonthReport> {
    Ok(month_detail(store, month)?.report)
}

/// The month summary with its ticket rows (明细, 超时工单).
pub fn month_detail(store: &Store, month: &str) -> Result<MonthDetail> {
    let zone = store.zone();
    let (start, end) = zone.month_range(month)?;
    let month = normalize_month(month)?;
    // A month still running is judged overdue up to now, not up to its end.
    let cut = end.min(store.now().timestamp());
    let facts = month_facts(store, &zone, start, end, cut)?;
    let hot_spots = hot_spots(store, &zone, &month, end)?;
    let open = open_at_month_end(store, end)?;
    let report = aggregate(&month, &facts, open, hot_spots)?;
    let tickets = facts
        .iter()
        .filter(|t| t.received_in_month || t.completed_in_month)
        .cloned()
        .collect();
    let overdue = facts.iter().filter(|t| t.overdue).cloned().collect();
    Ok(MonthDetail {
        report,
        tickets,
        overdue,
    })
}

/// `2026-11` (also accepts `2026-1`) → `2026-11` / `2026-01`, by the one strict month
/// parser in `clock`.
fn normalize_month(month: &str) -> Result<String> {
    Ok(crate::clock::parse_month(month)?
        .format("%Y-%m")
        .to_string())
}

/// Tickets open (or 待回访) at month end.
fn open_at_month_end(store: &Store, end: i64) -> Result<i64> {
    store.report_open_at(end)
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty())
}

/// Every ticket the month touches, with its facts replayed from the history: received,
/// completed, visited or cancelled in the month, or still being worked on at month end
/// past the completion deadline.
fn month_facts(
    store: &Store,
    zone: &OfficeZone,
    start: i64,
    end: i64,
    cut: i64,
) -> Result<Vec<MonthTicket>> {
    Ok(store
        .report_month_facts(start, end, cut)?
        .into_iter()
        .map(|r| month_ticket(zone, start, end, cut, r))
        .collect())
}

/// One facts row as the month judges it.
fn month_ticket(zone: &OfficeZone, start: i64, end: i64, cut: i64, r: FactsRow) -> MonthTicket {
    let time = |t: Option<i64>| t.map(|s| zone.from_epoch(s));
    let received = r.received_at;
    let received_in_month = received >= start && received < end;
    let before_end = |t: Option<i64>| t.filter(|t| *t < end);
    let mins = |t: Option<i64>| before_end(t).map(|t| (t - received).div_euclid(60));
    let on_time = match (r.last_complete_in_month, r.deadline) {
        (Some(c), Some(d)) => Some(c <= d),
        (Some(_), None) => Some(true),
        _ => None,
    };
    // Still being worked on at month end with the deadline passed (a ticket on
    // hold has its clock paused, a 待回访 one is done).
    let late_open = matches!(
        r.status_at_end,
        Some(Status::Received | Status::Assigned | Status::InProgress)
    ) && r.completion_due.is_some_and(|d| d < cut);
    let overdue = on_time == Some(false) || late_open;
    MonthTicket {
        number: r.number,
        kind: r.kind,
        status: r.status,
        channel: r.channel,
        reporter: r.reporter,
        phone: r.phone,
        site: r.site,
        building: non_empty(r.building),
        unit: non_empty(r.unit),
        room: non_empty(r.room),
        location: non_empty(r.location),
        scope: r.scope,
        category: r.category,
        sort_order: r.category_sort_order,
        urgency: r.urgency,
        description: r.description,
        assignee: r.assignee,
        received_at: zone.from_epoch(received),
        dispatched_at: time(r.dispatched_at),
        arrived_at: time(r.arrived_at),
        completed_at: time(r.completed_at),
        visited_at: time(r.visited_at),
        cancelled_at: time(r.cancelled_at),
        completion_due: time(r.completion_due),
        held_minutes: r.held_minutes,
        cause: r.cause,
        measures: r.measures,
        labour_minutes: r.labour_minutes,
        paid: r.paid,
        fee_fen: r.fee_fen,
        materials_fen: r.materials_fen,
        satisfaction: r.satisfaction,
        rework_count: r.rework_count,
        cancel_reason: r.cancel_reason,
        received_in_month,
        completed_in_month: r.completed_in_month,
        completion_minutes: mins(r.first_complete_at).map(|m| (m - r.held_before_first).max(0)),
        overdue,
        deadline: if on_time.is_some() {
            time(r.deadline)
        } else if late_open {
            time(r.completion_due)
        } else {
            None
        },
        status_at_month_end: r.status_at_end,
        dispatch_mins: mins(r.dispatched_at),
        arrival_mins: mins(r.arrived_at),
        completed_on_time: on_time,
        visited_after: r.visited_after,
        reworked_after: r.reworked_after,
        visits_in_month: r.visits_in_month,
        satisfied_in_month: r.satisfied_in_month,
        closed_in_month: r.visits_in_month > 0,
        cancelled_in_month: r.cancelled_in_month,
        materials_text: r.materials_text,
        owner_signed: r.owner_signed,
        payment_method: r.payment_method,
    }
}

/// A fraction rounded to 4 decimals; `None` when nothing to divide by.
pub fn rate(numerator: i64, denominator: i64) -> Option<f64> {
    (denominator > 0).then(|| round_to(numerator as f64 / denominator as f64, 4))
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

/// `{count, mean, median, p90}` of whole minutes (see the module notes).
pub fn timing(values: &[i64]) -> Timing {
    let mut v = values.to_vec();
    v.sort_unstable();
    let n = v.len();
    if n == 0 {
        return Timing::default();
    }
    let sum: i64 = v.iter().sum();
    let median = if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    };
    // nearest rank: ⌈0.9·n⌉, 1-based
    let rank = (n * 9).div_ceil(10).max(1);
    Timing {
        count: n as i64,
        mean: Some(round_to(sum as f64 / n as f64, 1)),
        median: Some(median),
        p90: Some(v[rank - 1] as f64),
    }
}

fn mean(values: &[i64]) -> Option<f64> {
    (!values.is_empty())
        .then(|| round_to(values.iter().sum::<i64>() as f64 / values.len() as f64, 1))
}

/// Running totals of one breakdown row.
#[derive(Default)]
struct Acc {
    label: String,
    order: (i64, String),
    received: i64,
    completed: i64,
    overdue: i64,
    completion: Vec<i64>,
    visits: i64,
    satisfied: i64,
    reworked: i64,
    labour: i64,
}

impl Acc {
    fn add(&mut self, t: &MonthTicket) {
        self.received += i64::from(t.received_in_month);
        self.completed += i64::from(t.completed_in_month);
        self.overdue += i64::from(t.overdue);
        if t.received_in_month {
            if let Some(m) = t.completion_minutes {
                self.completion.push(m);
            }
        }
        self.visits += t.visits_in_month;
        self.satisfied += t.satisfied_in_month;
        if t.completed_in_month {
            self.reworked += i64::from(t.reworked_after);
            self.labour += t.labour_minutes;
        }
    }

    fn row(self, key: String) -> GroupRow {
        GroupRow {
            key,
            label: self.label,
            received: self.received,
            completed: self.completed,
            overdue: self.overdue,
            mean_completion_minutes: mean(&self.completion),
        }
    }
}

/// Group tickets by `key_of` (key, label, sort order); rows in sort order.
fn group(
    facts: &[MonthTicket],
    key_of: impl Fn(&MonthTicket) -> (String, String, (i64, String)),
) -> Vec<(String, Acc)> {
    let mut map: HashMap<String, Acc> = HashMap::new();
    for t in facts {
        let (key, label, order) = key_of(t);
        let acc = map.entry(key).or_insert_with(|| Acc {
            label,
            order,
            ..Default::default()
        });
        acc.add(t);
    }
    let mut rows: Vec<(String, Acc)> = map
        .into_iter()
        .filter(|(_, a)| a.received + a.completed + a.overdue + a.visits > 0)
        .collect();
    rows.sort_by(|a, b| a.1.order.cmp(&b.1.order).then_with(|| a.0.cmp(&b.0)));
    rows
}

/// Every value of a code enum as a row, in the enum's order (zeros included).
fn group_all<T: Copy + Eq>(
    facts: &[MonthTicket],
    all: &[T],
    of: impl Fn(&MonthTicket) -> T,
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<GroupRow> {
    all.iter()
        .map(|v| {
            let mut acc = Acc {
                label: label(*v).to_string(),
                ..Default::default()
            };
            for t in facts.iter().filter(|t| of(t) == *v) {
                acc.add(t);
            }
            acc.row(code(*v).to_string())
        })
        .collect()
}

/// Sort key that puts `2` before `10` and numbers before names.
fn natural(s: &str) -> (i64, String) {
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    (digits.parse().unwrap_or(i64::MAX), s.to_string())
}

fn aggregate(
    month: &str,
    facts: &[MonthTicket],
    open_at_month_end: i64,
    hot_spots: Vec<HotSpot>,
) -> Result<MonthReport> {
    let received: Vec<&MonthTicket> = facts.iter().filter(|t| t.received_in_month).collect();
    let completed: Vec<&MonthTicket> = facts.iter().filter(|t| t.completed_in_month).collect();
    let collect = |f: fn(&MonthTicket) -> Option<i64>| -> Vec<i64> {
        received.iter().filter_map(|t| f(t)).collect()
    };
    let sum_split = |f: fn(&MonthTicket) -> i64| Split {
        total: completed.iter().map(|t| f(t)).sum(),
        paid: completed.iter().filter(|t| t.paid).map(|t| f(t)).sum(),
        unpaid: completed.iter().filter(|t| !t.paid).map(|t| f(t)).sum(),
    };
    let count = |f: fn(&MonthTicket) -> bool| facts.iter().filter(|t| f(t)).count() as i64;
    let n_completed = completed.len() as i64;

    let by_category = group(facts, |t| {
        (
            t.category.clone(),
            t.category.clone(),
            (t.sort_order, t.category.clone()),
        )
    })
    .into_iter()
    .map(|(k, a)| a.row(k))
    .collect();
    let site_name = |t: &MonthTicket| t.site.clone().unwrap_or_else(|| "（未填小区）".into());
    let by_site = group(facts, |t| {
        let s = site_name(t);
        (s.clone(), s.clone(), (0, s))
    })
    .into_iter()
    .map(|(k, a)| a.row(k))
    .collect();
    let by_building = group(facts, |t| {
        let s = site_name(t);
        let (b, label, order) = match (t.scope, t.building.as_deref()) {
            (Scope::PublicArea, _) => ("公区".to_string(), format!("{s} 公区"), i64::MAX),
            (_, Some(b)) => (
                b.to_string(),
                format!("{s} {}", with_suffix(b, "栋")),
                natural(b).0,
            ),
            (_, None) => (String::new(), format!("{s} 未填楼栋"), i64::MAX - 1),
        };
        (format!("{s}/{b}"), label, (order, format!("{s}/{b}")))
    });
    // Sites in name order, buildings in natural order within each site.
    let mut by_building: Vec<(String, Acc)> = by_building;
    by_building.sort_by(|a, b| {
        let site = |k: &str| k.split('/').next().unwrap_or("").to_string();
        site(&a.0).cmp(&site(&b.0)).then(a.1.order.cmp(&b.1.order))
    });
    let by_building = by_building.into_iter().map(|(k, a)| a.row(k)).collect();

    let by_technician = group(facts, |t| match &t.assignee {
        Some(n) => (n.clone(), n.clone(), (0, String::new())),
        None => (String::new(), UNASSIGNED.to_string(), (1, String::new())),
    })
    .into_iter()
    .map(|(key, a)| TechnicianRow {
        key,
        label: a.label,
        received: a.received,
        completed: a.completed,
        overdue: a.overdue,
        mean_completion_minutes: mean(&a.completion),
        visits: a.visits,
        satisfaction_rate: rate(a.satisfied, a.visits),
        rework_count: a.reworked,
        labour_minutes: a.labour,
    })
    .collect::<Vec<_>>();
    let mut by_technician = by_technician;
    by_technician.sort_by(|a, b| {
        (a.key.is_empty(), -a.completed, &a.key).cmp(&(b.key.is_empty(), -b.completed, &b.key))
    });

    let visits: i64 = facts.iter().map(|t| t.visits_in_month).sum();
    let satisfied: i64 = facts.iter().map(|t| t.satisfied_in_month).sum();
    Ok(MonthReport {
        month: month.to_string(),
        received: received.len() as i64,
        completed: n_completed,
        closed: count(|t| t.closed_in_month),
        cancelled: count(|t| t.cancelled_in_month),
        open_at_month_end,
        by_category,
        by_site,
        by_building,
        by_technician,
        by_channel: group_all(
            facts,
            Channel::ALL,
            |t| t.channel,
            Channel::code,
            Channel::label,
        ),
        by_urgency: group_all(
            facts,
            Urgency::ALL,
            |t| t.urgency,
            Urgency::code,
            Urgency::label,
        ),
        by_kind: group_all(facts, Kind::ALL, |t| t.kind, Kind::code, Kind::label),
        dispatch_minutes: timing(&collect(|t| t.dispatch_mins)),
        arrival_minutes: timing(&collect(|t| t.arrival_mins)),
        completion_minutes: timing(&collect(|t| t.completion_minutes)),
        on_time_rate: rate(
            completed
                .iter()
                .filter(|t| t.completed_on_time == Some(true))
                .count() as i64,
            n_completed,
        ),
        visit_rate: rate(
            completed.iter().filter(|t| t.visited_after).count() as i64,
            n_completed,
        ),
        satisfaction_rate: rate(satisfied, visits),
        rework_rate: rate(
            completed.iter().filter(|t| t.reworked_after).count() as i64,
            n_completed,
        ),
        materials_fen: sum_split(|t| t.materials_fen),
        fees_fen: sum_split(|t| t.fee_fen),
        labour_minutes: sum_split(|t| t.labour_minutes),
        hot_spots,
    })
}

/// `翠湖苑 3栋2单元501`, or the site and the public location.
pub fn place(
    site: Option<&str>,
    building: Option<&str>,
    unit: Option<&str>,
    room: Option<&str>,
    location: Option<&str>,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(s) = site.filter(|s| !s.is_empty()) {
        parts.push(s.to_string());
    }
    let home = home(building, unit, room);
    if !home.is_empty() {
        parts.push(home);
    }
    if let Some(l) = location.filter(|s| !s.is_empty()) {
        parts.push(l.to_string());
    }
    parts.join(" ")
}

/// `3栋2单元501`.
fn home(building: Option<&str>, unit: Option<&str>, room: Option<&str>) -> String {
    let mut s = String::new();
    if let Some(b) = building.filter(|s| !s.is_empty()) {
        s.push_str(&with_suffix(b, "栋"));
    }
    if let Some(u) = unit.filter(|s| !s.is_empty()) {
        s.push_str(&with_suffix(u, "单元"));
    }
    if let Some(r) = room.filter(|s| !s.is_empty()) {
        s.push_str(r);
    }
    s
}

/// Days the hot-spot window looks back from month end.
pub const HOT_SPOT_DAYS: i64 = 90;

fn hot_spots(store: &Store, zone: &OfficeZone, month: &str, end: i64) -> Result<Vec<HotSpot>> {
    let first = crate::clock::parse_month(month)?;
    // The 90 local days ending with the month's last day.
    let next = crate::clock::next_month(first)
        .ok_or_else(|| Error::invalid(format!("月份“{month}”超出范围，请检查")))?;
    let from = zone.day_start(next - Duration::days(HOT_SPOT_DAYS))?;
    Ok(store
        .report_hot_spots(from, end)?
        .into_iter()
        .map(|g| {
            let place = match g.room {
                Some(_) => home(g.building.as_deref(), g.unit.as_deref(), g.room.as_deref()),
                None => g.location.unwrap_or_default(),
            };
            let mut numbers = g.numbers;
            numbers.sort();
            HotSpot {
                site: g.site,
                place,
                scope: g.scope,
                category: g.category,
                tickets: g.tickets,
                last_received_at: zone.from_epoch(g.last_received_at),
                numbers,
            }
        })
        .collect())
}

/// The KPIs as the 汇总 sheet and the PDF print them, in order: (JSON key, Chinese
/// label, value).
pub fn kpi_lines(r: &MonthReport) -> Vec<(&'static str, String, Kpi)> {
    let t = Timing::clone;
    vec![
        ("received", "本月受理".into(), Kpi::Count(r.received)),
        ("completed", "本月完工".into(), Kpi::Count(r.completed)),
        ("closed", "本月回访完结".into(), Kpi::Count(r.closed)),
        ("cancelled", "本月取消".into(), Kpi::Count(r.cancelled)),
        (
            "open_at_month_end",
            "月末未完结（结转）".into(),
            Kpi::Count(r.open_at_month_end),
        ),
        (
            "dispatch_minutes",
            "派单用时（分钟）".into(),
            Kpi::Timing(t(&r.dispatch_minutes)),
        ),
        (
            "arrival_minutes",
            "到场用时（分钟）".into(),
            Kpi::Timing(t(&r.arrival_minutes)),
        ),
        (
            "completion_minutes",
            "完工用时（分钟，不含挂起）".into(),
            Kpi::Timing(t(&r.completion_minutes)),
        ),
        (
            "on_time_rate",
            "按时完工率".into(),
            Kpi::Rate(r.on_time_rate),
        ),
        ("visit_rate", "回访率".into(), Kpi::Rate(r.visit_rate)),
        (
            "satisfaction_rate",
            "满意率".into(),
            Kpi::Rate(r.satisfaction_rate),
        ),
        ("rework_rate", "返修率".into(), Kpi::Rate(r.rework_rate)),
        (
            "materials_fen",
            "材料费".into(),
            Kpi::Money(r.materials_fen.clone()),
        ),
        (
            "fees_fen",
            "维修收费（有偿）".into(),
            Kpi::Money(r.fees_fen.clone()),
        ),
        (
            "labour_minutes",
            "工时（分钟）".into(),
            Kpi::Minutes(r.labour_minutes.clone()),
        ),
    ]
}

/// A KPI value as the exports print it.
#[derive(Debug, Clone, PartialEq)]
pub enum Kpi {
    Count(i64),
    Timing(Timing),
    Rate(Option<f64>),
    Money(Split),
    Minutes(Split),
}

/// `12345` fen → `123.45`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let f = fen.abs();
    format!("{sign}{}.{:02}", f / 100, f % 100)
}

/// `0.8571` → `85.71%`; `None` → `—`.
pub fn percent(r: Option<f64>) -> String {
    match r {
        Some(r) => format!("{:.2}%", r * 100.0),
        None => "—".into(),
    }
}

/// One local day of the month (the page's daily volume chart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DayRow {
    /// `YYYY-MM-DD`, office local date.
    pub date: String,
    pub received: i64,
    /// Tickets whose last completion in the month fell on this day (so the days add
    /// up to the month's `completed`).
    pub completed: i64,
}

/// Received and completed per local day, every day of the month (zeros included).
pub fn daily(store: &Store, month: &str) -> Result<Vec<DayRow>> {
    let zone = store.zone();
    let (start, end) = zone.month_range(month)?;
    let mut days: BTreeMap<NaiveDate, (i64, i64)> = BTreeMap::new();
    let mut d = zone.local_date(&zone.from_epoch(start));
    let last = zone.local_date(&zone.from_epoch(end - 1));
    while d <= last {
        days.insert(d, (0, 0));
        d = d.succ_opt().unwrap_or(last + Duration::days(1));
    }
    let (received, completed) = store.report_daily(start, end)?;
    for (ats, which) in [(received, 0), (completed, 1)] {
        for at in ats {
            let day = zone.local_date(&zone.from_epoch(at));
            if let Some(v) = days.get_mut(&day) {
                if which == 0 {
                    v.0 += 1;
                } else {
                    v.1 += 1;
                }
            }
        }
    }
    Ok(days
        .into_iter()
        .map(|(d, (received, completed))| DayRow {
            date: d.format("%Y-%m-%d").to_string(),
            received,
            completed,
        })
        .collect())
}
