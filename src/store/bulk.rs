//! 批量 — what seeding demo and benchmark data needs from the database besides the
//! ordinary steps: how much office data there is, the ids to pick from, and many
//! finished tickets written in one transaction through the one `insert_ticket` and the
//! one `insert_event`.

use super::db::Row;
use super::events::insert_event;
use super::rounds::backfill_round;
use super::search::search_text;
use super::tickets::{insert_ticket, next_number};
use super::Store;
use crate::error::{Result, SqlContext};
use crate::ticket::{Event, Ticket};

/// Rows that make a database an office already: tickets, technicians, sites, units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfficeSize {
    pub tickets: i64,
    pub technicians: i64,
    pub sites: i64,
    pub units: i64,
}

/// What synthetic tickets are drawn from.
#[derive(Debug, Clone, Default)]
pub struct PickLists {
    /// (unit id, site id)
    pub units: Vec<(i64, i64)>,
    pub categories: Vec<i64>,
    /// (category id, technician id)
    pub skills: Vec<(i64, i64)>,
}

/// A finished synthetic ticket: its row (number left empty: assigned on insert) and
/// its history, oldest first.
pub struct BulkTicket {
    pub ticket: Ticket,
    /// What the keyword search finds it by, besides its number.
    pub search_parts: Vec<String>,
    pub events: Vec<Event>,
}

impl Store {
    pub fn office_size(&self) -> Result<OfficeSize> {
        let r = self
            .db
            .query_one(
                "SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM technicians),
                        (SELECT count(*) FROM sites), (SELECT count(*) FROM units)",
                &[],
            )
            .sql("count office data")?;
        Ok(OfficeSize {
            tickets: r.get(0)?,
            technicians: r.get(1)?,
            sites: r.get(2)?,
            units: r.get(3)?,
        })
    }

    pub(crate) fn pick_lists(&self) -> Result<PickLists> {
        let pairs = |sql: &str| -> Result<Vec<(i64, i64)>> {
            self.db
                .query(sql, &[])
                .sql("seed ids")?
                .iter()
                .map(|r: &Row| Ok((r.get(0)?, r.get(1)?)))
                .collect()
        };
        Ok(PickLists {
            units: pairs("SELECT id, site_id FROM units ORDER BY id")?,
            categories: pairs("SELECT id, id FROM categories ORDER BY id")?
                .into_iter()
                .map(|(id, _)| id)
                .collect(),
            skills: pairs(
                "SELECT category_id, technician_id FROM technician_skills
                  ORDER BY category_id, technician_id",
            )?,
        })
    }

    /// Insert `tickets` (received_at order) in one transaction, each numbered by its
    /// local month like any other ticket, with its events.
    pub(crate) fn insert_bulk(&mut self, prefix: &str, tickets: Vec<BulkTicket>) -> Result<()> {
        let tx = self.begin()?;
        for mut b in tickets {
            let month = self.zone().month_key(&b.ticket.received_at);
            b.ticket.number = next_number(&tx, prefix, &month)?;
            let mut parts: Vec<&str> = vec![&b.ticket.number];
            parts.extend(b.search_parts.iter().map(String::as_str));
            let search = search_text(&parts);
            let id = insert_ticket(&tx, &b.ticket, &search)?;
            for e in &b.events {
                insert_event(&tx, id, e)?;
            }
            // A ticket written completed gets its round 1 as an upgraded one does.
            backfill_round(&tx, id)?;
        }
        tx.commit().sql("commit bulk tickets")
    }
}
