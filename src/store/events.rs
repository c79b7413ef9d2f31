//! ticket_events: the append-only history of each ticket. Written only inside the
//! transaction that changes the ticket.

use rusqlite::{params, Connection};

use super::Store;
use crate::error::{Result, SqlContext};
use crate::ticket::{action_label, Event, Status};

pub(crate) fn insert_event(conn: &Connection, ticket_id: i64, e: &Event) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO ticket_events (ticket_id, at, operator, action, from_status, to_status, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .sql("insert event")?
    .execute(params![
        ticket_id,
        e.at.timestamp(),
        e.operator,
        e.action,
        e.from_status.map(|s| s.code()),
        e.to_status.map(|s| s.code()),
        e.note
    ])
    .sql("insert event")?;
    Ok(())
}

impl Store {
    /// A ticket's history, oldest first.
    pub fn history(&self, number: &str) -> Result<Vec<Event>> {
        let id = self.ticket(number)?.id;
        let zone = self.zone;
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT at, operator, action, from_status, to_status, note
                 FROM ticket_events WHERE ticket_id = ?1 ORDER BY id",
            )
            .sql("ticket history")?;
        let rows = stmt
            .query_map(params![id], |r| {
                let action: String = r.get(2)?;
                let status = |v: Option<String>| v.and_then(|s| Status::parse(&s).ok());
                Ok(Event {
                    at: zone.from_epoch(r.get(0)?),
                    operator: r.get(1)?,
                    action_label: action_label(&action).to_string(),
                    action,
                    from_status: status(r.get(3)?),
                    to_status: status(r.get(4)?),
                    note: r.get(5)?,
                })
            })
            .sql("ticket history")?;
        rows.collect::<std::result::Result<_, _>>()
            .sql("ticket history")
    }
}
