//! 重复报修 hot spots: the places reported again and again in the 90 days to month end.

use chrono::Duration;

use super::model::HotSpot;
use super::present::home;
use crate::clock::{Month, OfficeZone};
use crate::error::Result;
use crate::Store;

/// Days the hot-spot window looks back from month end.
pub const HOT_SPOT_DAYS: i64 = 90;

/// The hot spots of the 90 days to `end`, most tickets first.
pub(super) fn hot_spots(
    store: &Store,
    zone: &OfficeZone,
    month: &str,
    end: i64,
) -> Result<Vec<HotSpot>> {
    // The 90 local days ending with the month's last day.
    let next = Month::parse(month)?.next()?.first_day();
    let from = zone.day_start(next - Duration::days(HOT_SPOT_DAYS))?;
    let mut spots: Vec<HotSpot> = store
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
        .collect();
    // Most tickets first, then the latest; ties in a fixed order, the same on both engines.
    spots.sort_by(|a, b| {
        (b.tickets, b.last_received_at)
            .cmp(&(a.tickets, a.last_received_at))
            .then_with(|| {
                (&a.site, &a.place, &a.category, &a.numbers).cmp(&(
                    &b.site,
                    &b.place,
                    &b.category,
                    &b.numbers,
                ))
            })
    });
    Ok(spots)
}
