//! 每日 daily volume: received and completed per local day of a month.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use crate::error::Result;
use crate::Store;

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
