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
//! - `reschedules`: 改约 events recorded in the month (each move of an appointment counts,
//!   so a ticket moved twice counts twice).
//! - A month still running is reported as of now (its "month end" figures are today's).
//! - The JSON has exactly the keys; the month itself is not repeated in it.
//!
//! Layout: `model` (the types), `facts` (the month's tickets, judged against the month),
//! `aggregate` (the figures), `hot_spots`, `daily`, `present` (labels and formatting),
//! `kept` (the summaries of ended months, kept in the database).

mod aggregate;
mod daily;
mod facts;
mod hot_spots;
mod kept;
mod model;
mod present;

pub use aggregate::{rate, timing};
pub use daily::{daily, DayRow};
pub(crate) use facts::month_counted;
pub use facts::{month, month_detail, month_rows};
pub use hot_spots::HOT_SPOT_DAYS;
pub use kept::keep_last_month;
pub use model::{
    GroupRow, HotSpot, MonthDetail, MonthReport, MonthRows, MonthTicket, Split, TechnicianRow,
    Timing, UNASSIGNED,
};
pub use present::{kpi_lines, percent, place, yuan, Kpi};
