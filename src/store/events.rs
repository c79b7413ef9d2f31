//! ticket_events: the append-only history of each ticket. Written only inside the
//! transaction that changes the ticket.

use super::db::{Db, Row};
use super::notify;
use super::Store;
use crate::clock::OfficeZone;
use crate::error::{Result, SqlContext};
use crate::ticket::{Event, EventAction, Reschedule, Satisfaction, Status};

/// The one place a history row is written. Pass the write's transaction (`&tx`).
/// On PostgreSQL the same transaction announces the change to the other desks
/// ([`notify::announce`]): delivered when it commits, never when it rolls back.
pub(crate) fn insert_event(db: &Db, ticket_id: i64, e: &Event) -> Result<()> {
    db.execute(
        "INSERT INTO ticket_events (ticket_id, at, operator, action, from_status, to_status, note,
            satisfaction)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        &[
            &ticket_id,
            &e.at.timestamp(),
            &e.operator,
            &e.action.code(),
            &e.from_status.map(|s| s.code()),
            &e.to_status.map(|s| s.code()),
            &e.note,
            &e.satisfaction.map(|s| s.code()),
        ],
    )
    .sql("insert event")?;
    notify::announce(db, ticket_id, e)
}

fn event_row(r: &Row, zone: &OfficeZone) -> Result<Event> {
    let action: String = r.get(2)?;
    let status = |v: Option<String>| v.and_then(|s| Status::parse(&s).ok());
    let operator: String = r.get(1)?;
    let mut e = Event::new(
        zone.from_epoch(r.get(0)?),
        &operator,
        EventAction::parse(&action)?,
        status(r.get(3)?),
        status(r.get(4)?),
        r.get(5)?,
    );
    e.satisfaction = r
        .get::<Option<String>>(6)?
        .and_then(|s| Satisfaction::parse(&s).ok());
    Ok(e)
}

impl Store {
    /// A ticket's history, oldest first.
    pub fn history(&self, number: &str) -> Result<Vec<Event>> {
        let id = self.ticket(number)?.id;
        self.db
            .query(
                "SELECT at, operator, action, from_status, to_status, note, satisfaction
                 FROM ticket_events WHERE ticket_id = ?1 ORDER BY id",
                &[&id],
            )
            .sql("ticket history")?
            .iter()
            .map(|r| event_row(r, &self.zone))
            .collect()
    }

    /// 改约 of a ticket, oldest first, read from its history (each `reschedule` event's
    /// note, as the workflow writes it).
    pub fn reschedules(&self, number: &str) -> Result<Vec<Reschedule>> {
        Ok(self
            .history(number)?
            .into_iter()
            .filter(|e| e.action == EventAction::Reschedule)
            .filter_map(|e| {
                let note = e.note.as_deref()?;
                let (from, to, reason) = crate::workflow::parse_reschedule_note(note)?;
                let time = |s: &str| self.zone.parse_input("预约时间", s).ok();
                Some(Reschedule {
                    at: e.at,
                    from: from.and_then(time),
                    to: time(to)?,
                    reason: reason.to_string(),
                    operator: e.operator.clone(),
                })
            })
            .collect())
    }
}
