//! The month's tickets and their facts: what the store reads for a month, judged
//! against the month (received / completed in it, overdue, status at its end).

use super::aggregate::aggregate;
use super::hot_spots::hot_spots;
use super::model::{HotSpot, MonthDetail, MonthReport, MonthRows, MonthTicket};
use crate::clock::OfficeZone;
use crate::error::Result;
use crate::store::{FactsColumns, FactsRow};
use crate::ticket::Status;
use crate::Store;

/// The month summary for `YYYY-MM` in the office's time zone.
pub fn month(store: &Store, month: &str) -> Result<MonthReport> {
    Ok(month_counted(store, month)?.0)
}

/// The month summary, and how many tickets its 明细 holds (the PDF prints the summary
/// alone and says how many tickets it covers): kept once a month has ended (`kept`).
pub(crate) fn month_counted(store: &Store, month: &str) -> Result<(MonthReport, usize)> {
    super::kept::or_computed(store, month, || computed(store, month))
}

/// [`month_counted`] computed from the tickets.
fn computed(store: &Store, month: &str) -> Result<(MonthReport, usize)> {
    let (read, spots) = read_with_hot_spots(store, month, FactsColumns::Summary)?;
    let report = summary(store, &read, spots)?;
    let in_ledger = read.facts.iter().filter(|t| in_ledger(t)).count();
    Ok((report, in_ledger))
}

/// The month summary with its ticket rows (明细, 超时工单).
pub fn month_detail(store: &Store, month: &str) -> Result<MonthDetail> {
    let (read, spots) = read_with_hot_spots(store, month, FactsColumns::Ledger)?;
    let report = summary(store, &read, spots)?;
    // Overdue tickets are few and may be in the 明细 too: those are copied, the 明细 moved.
    let overdue = read.facts.iter().filter(|t| t.overdue).cloned().collect();
    Ok(MonthDetail {
        report,
        tickets: ledger(read.facts),
        overdue,
    })
}

/// The month's 明细 alone (the CSV export): no statistics, no hot spots.
pub fn month_rows(store: &Store, month: &str) -> Result<MonthRows> {
    let read = read(store, month, FactsColumns::Ledger)?;
    Ok(MonthRows {
        month: read.month,
        tickets: ledger(read.facts),
    })
}

/// What every view of a month starts from: its bounds and its tickets' facts.
struct Read {
    month: String,
    start: i64,
    end: i64,
    facts: Vec<MonthTicket>,
    /// Tickets open (or 待回访) at month end.
    open_at_end: i64,
}

fn read(store: &Store, month: &str, columns: FactsColumns) -> Result<Read> {
    let zone = store.zone();
    let (start, end) = zone.month_range(month)?;
    let month = normalize_month(month)?;
    // A month still running is judged overdue up to now, not up to its end.
    let cut = end.min(store.now().timestamp());
    let read = store.report_month_facts(start, end, cut, columns)?;
    let facts = read
        .rows
        .into_iter()
        .map(|r| month_ticket(&zone, start, end, cut, r))
        .collect();
    Ok(Read {
        month,
        start,
        end,
        facts,
        open_at_end: read.open_at_end,
    })
}

/// The month's facts and its hot spots (the 90 days' tickets, about a third of the
/// summary's time at a million tickets). On SQLite the hot spots are read meanwhile on
/// a second connection, on a thread of their own; on PostgreSQL one after the other
/// (a second session would need the password the store does not keep). Either way each
/// read is a statement of its own, as before.
fn read_with_hot_spots(
    store: &Store,
    month: &str,
    columns: FactsColumns,
) -> Result<(Read, Vec<HotSpot>)> {
    let zone = store.zone();
    let (_, end) = zone.month_range(month)?;
    let Some(beside) = store.reader_beside()? else {
        let read = read(store, month, columns)?;
        return Ok((read, hot_spots(store, &zone, month, end)?));
    };
    std::thread::scope(|scope| {
        let spots = scope.spawn(move || hot_spots(&beside, &zone, month, end));
        let read = read(store, month, columns);
        let spots = spots
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Ok((read?, spots?))
    })
}

/// The figures of the month: the statistics of its facts, the hot spots of the 90 days
/// to its end, and the counts read on their own.
fn summary(store: &Store, read: &Read, hot_spots: Vec<HotSpot>) -> Result<MonthReport> {
    let Read {
        month, start, end, ..
    } = read;
    let reschedules = store.report_reschedules(*start, *end)?;
    let mut report = aggregate(month, &read.facts, read.open_at_end, reschedules, hot_spots)?;
    report.visit_attempts = store.report_visit_attempts(*start, *end)?;
    Ok(report)
}

/// The 明细: every ticket received or completed in the month, oldest first.
fn ledger(facts: Vec<MonthTicket>) -> Vec<MonthTicket> {
    facts.into_iter().filter(in_ledger).collect()
}

/// Whether a ticket is one of the month's 明细: received or completed in it.
fn in_ledger(t: &MonthTicket) -> bool {
    t.received_in_month || t.completed_in_month
}

/// `2026-11` (also accepts `2026-1`) → `2026-11` / `2026-01`.
pub(super) fn normalize_month(month: &str) -> Result<String> {
    Ok(crate::clock::Month::parse(month)?.to_string())
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty())
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
        resolved_in_month: r.resolved_in_month,
        materials_text: r.materials_text,
        owner_signed: r.owner_signed,
        payment_method: r.payment_method,
        month_costs: r.month_costs,
    }
}
