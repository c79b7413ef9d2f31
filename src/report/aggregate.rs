//! The month's figures from its tickets in one pass per breakdown: volumes, timings,
//! rates, costs, and the rows by category, site, building, technician, channel, urgency
//! and kind.

use std::collections::HashMap;
use std::hash::Hash;

use super::model::{
    GroupRow, HotSpot, MonthReport, MonthTicket, Split, TechnicianRow, Timing, UNASSIGNED,
};
use crate::error::Result;
use crate::ticket::{with_suffix, Channel, Kind, Scope, Urgency};

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
        }
        self.labour += t.month_costs.labour.total;
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

/// Group tickets by `key_of` (text borrowed from the ticket, cheap per ticket); each
/// group's key, label and sort order come from `describe` on its first ticket, once per
/// group (at a million tickets a month has ~32k tickets and a few dozen groups). Rows in
/// sort order.
fn group<'a, K: Hash + Eq>(
    facts: &'a [MonthTicket],
    key_of: impl Fn(&'a MonthTicket) -> K,
    describe: impl Fn(&'a MonthTicket) -> (String, String, (i64, String)),
) -> Vec<(String, Acc)> {
    let mut map: HashMap<K, (String, Acc)> = HashMap::new();
    for t in facts {
        let (_, acc) = map.entry(key_of(t)).or_insert_with(|| {
            let (key, label, order) = describe(t);
            let acc = Acc {
                label,
                order,
                ..Default::default()
            };
            (key, acc)
        });
        acc.add(t);
    }
    let mut rows: Vec<(String, Acc)> = map
        .into_values()
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

pub(super) fn aggregate<'a>(
    month: &str,
    facts: &'a [MonthTicket],
    open_at_month_end: i64,
    reschedules: i64,
    hot_spots: Vec<HotSpot>,
) -> Result<MonthReport> {
    let received: Vec<&MonthTicket> = facts.iter().filter(|t| t.received_in_month).collect();
    let completed: Vec<&MonthTicket> = facts.iter().filter(|t| t.completed_in_month).collect();
    let collect = |f: fn(&MonthTicket) -> Option<i64>| -> Vec<i64> {
        received.iter().filter_map(|t| f(t)).collect()
    };
    // Every round completed in the month, once, split by its own 有偿.
    let sum_split = |f: fn(&MonthTicket) -> &Split| Split {
        total: facts.iter().map(|t| f(t).total).sum(),
        paid: facts.iter().map(|t| f(t).paid).sum(),
        unpaid: facts.iter().map(|t| f(t).unpaid).sum(),
    };
    let count = |f: fn(&MonthTicket) -> bool| facts.iter().filter(|t| f(t)).count() as i64;
    let n_completed = completed.len() as i64;

    let by_category = group(
        facts,
        |t| t.category.as_str(),
        |t| {
            (
                t.category.clone(),
                t.category.clone(),
                (t.sort_order, t.category.clone()),
            )
        },
    )
    .into_iter()
    .map(|(k, a)| a.row(k))
    .collect();
    let site_name = |t: &'a MonthTicket| t.site.as_deref().unwrap_or("（未填小区）");
    let by_site = group(facts, site_name, |t| {
        let s = site_name(t).to_string();
        (s.clone(), s.clone(), (0, s))
    })
    .into_iter()
    .map(|(k, a)| a.row(k))
    .collect();
    // The building part of the key: 公区 for public areas, empty when not filled in.
    let building = |t: &'a MonthTicket| match (t.scope, t.building.as_deref()) {
        (Scope::PublicArea, _) => "公区",
        (_, b) => b.unwrap_or(""),
    };
    let by_building = group(
        facts,
        |t| (site_name(t), building(t)),
        |t| {
            let s = site_name(t);
            let b = building(t);
            let (label, order) = match (t.scope, t.building.as_deref()) {
                (Scope::PublicArea, _) => (format!("{s} 公区"), i64::MAX),
                (_, Some(b)) => (format!("{s} {}", with_suffix(b, "栋")), natural(b).0),
                (_, None) => (format!("{s} 未填楼栋"), i64::MAX - 1),
            };
            (format!("{s}/{b}"), label, (order, format!("{s}/{b}")))
        },
    );
    // Sites in name order, buildings in natural order within each site.
    let mut by_building: Vec<(String, Acc)> = by_building;
    by_building.sort_by(|a, b| {
        let site = |k: &str| k.split('/').next().unwrap_or("").to_string();
        site(&a.0).cmp(&site(&b.0)).then(a.1.order.cmp(&b.1.order))
    });
    let by_building = by_building.into_iter().map(|(k, a)| a.row(k)).collect();

    let by_technician = group(
        facts,
        |t| t.assignee.as_deref().unwrap_or(""),
        |t| match &t.assignee {
            Some(n) => (n.clone(), n.clone(), (0, String::new())),
            None => (String::new(), UNASSIGNED.to_string(), (1, String::new())),
        },
    )
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
        resolved: count(|t| t.resolved_in_month),
        cancelled: count(|t| t.cancelled_in_month),
        open_at_month_end,
        reschedules,
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
        materials_fen: sum_split(|t| &t.month_costs.materials),
        fees_fen: sum_split(|t| &t.month_costs.fees),
        labour_minutes: sum_split(|t| &t.month_costs.labour),
        visit_attempts: 0,
        hot_spots,
    })
}
