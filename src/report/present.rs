//! How the report is printed: places as one line, the KPI lines of the 汇总 sheet and
//! the PDF, money in 元 and rates in percent.

use super::model::{MonthReport, Split, Timing};
use crate::ticket::with_suffix;

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
pub(super) fn home(building: Option<&str>, unit: Option<&str>, room: Option<&str>) -> String {
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

/// The KPIs as the 汇总 sheet and the PDF print them, in order: (JSON key, Chinese
/// label, value).
pub fn kpi_lines(r: &MonthReport) -> Vec<(&'static str, String, Kpi)> {
    let t = Timing::clone;
    vec![
        ("received", "本月受理".into(), Kpi::Count(r.received)),
        ("completed", "本月完工".into(), Kpi::Count(r.completed)),
        ("closed", "本月回访完结".into(), Kpi::Count(r.closed)),
        (
            "resolved",
            "本月办结（投诉/咨询）".into(),
            Kpi::Count(r.resolved),
        ),
        ("cancelled", "本月取消".into(), Kpi::Count(r.cancelled)),
        (
            "open_at_month_end",
            "月末未完结（结转）".into(),
            Kpi::Count(r.open_at_month_end),
        ),
        (
            "reschedules",
            "本月改约（次）".into(),
            Kpi::Count(r.reschedules),
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
            "visit_attempts",
            "回访未果（次）".into(),
            Kpi::Count(r.visit_attempts),
        ),
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
