//! 月度汇总 kept for months that have ended: once computed, a month's summary is kept in
//! the database (`store/month_summaries.rs`) until a change drops it (the database's
//! triggers, migration 15). At a million tickets the computation reads ~100k rows; a
//! kept month is one row. The 明细 exports (XLSX, CSV) always read the tickets.

use chrono::{Datelike, Duration};

use super::facts::normalize_month;
use super::model::MonthReport;
use crate::error::Result;
use crate::Store;

/// The build whose figures a kept month holds (`store/month_summaries.rs`): a month kept
/// by another version is computed again. Bump the number with any change to how a
/// figure of the summary is computed, so months kept by the build before are not
/// shown as this build's figures.
const MADE_BY: &str = concat!(env!("CARGO_PKG_VERSION"), "/summary-1");

/// Who made a kept month: this build, in the office's time zone (the 重复报修 window
/// and the times printed are the zone's, and two zones can share a month's bounds).
fn made_by(store: &Store) -> String {
    format!("{MADE_BY} {}", store.zone().name())
}

/// The summary of `month` (and its 明细 count) as kept, else `compute`d, and kept if the
/// month has ended. A month still running is computed every time (its figures are "as
/// of now").
pub(super) fn or_computed(
    store: &Store,
    month: &str,
    compute: impl FnOnce() -> Result<(MonthReport, usize)>,
) -> Result<(MonthReport, usize)> {
    let (start, end) = store.zone().month_range(month)?;
    if end > store.now().timestamp() {
        return compute();
    }
    let made_by = made_by(store);
    if let Some((json, in_ledger)) = store.kept_month_summary(start, end, &made_by)? {
        match serde_json::from_str::<MonthReport>(&json) {
            Ok(mut report) => {
                report.month = normalize_month(month)?;
                return Ok((report, usize::try_from(in_ledger).unwrap_or_default()));
            }
            Err(e) => tracing::warn!(month, error = %e, "kept month summary unreadable"),
        }
    }
    // Keeping is a saving, not the figures: a database that refuses the write (read-only,
    // busy for too long) still gets its report, computed.
    let claim = store
        .claim_month_summary(start, end, &made_by)
        .inspect_err(|e| tracing::warn!(month, error = %e, "month summary not kept"))
        .ok();
    let (report, in_ledger) = compute()?;
    if let Some(claim) = claim {
        let kept = serde_json::to_string(&report)
            .map_err(|e| e.to_string())
            .and_then(|json| {
                store
                    .keep_month_summary(claim, &json, in_ledger as i64)
                    .map_err(|e| e.to_string())
            });
        match kept {
            Ok(true) => {}
            Ok(false) => tracing::info!(month, "month changed while computed: not kept"),
            Err(error) => tracing::warn!(month, error, "month summary not kept"),
        }
    }
    Ok((report, in_ledger))
}

/// Keep the summary of the month before the office's current one, unless it is kept
/// already: the window does this in the background after someone signs in, so the
/// report the manager opens at month end is there at once. Returns that month; refused
/// like the report itself for an account that may not read reports.
pub fn keep_last_month(store: &Store) -> Result<String> {
    let today = store.zone().local_date(&store.now());
    let last = today - Duration::days(i64::from(today.day()));
    let month = last.format("%Y-%m").to_string();
    super::month(store, &month)?;
    Ok(month)
}
