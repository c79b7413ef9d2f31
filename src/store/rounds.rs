//! completion_rounds 维修轮次 and visit_attempts 回访未果: each 完工 is a round kept as
//! it was recorded (a 返修 starts the next one), the 回访 that followed it, and the
//! visit attempts that reached nobody.

use super::db::{Db, Row};
use super::{time_opt, Store};
use crate::clock::{OfficeZone, Time};
use crate::error::{Result, SqlContext};
use crate::ticket::{Material, Round, Satisfaction, VisitAttempt, VisitFailure, VisitMethod};
use crate::workflow::{Completion, VisitOutcome};

/// The round-1 row of ticket `?1` built from the ticket's own columns, if it was ever
/// completed and has no round yet — the SELECT of migration step 6, for one ticket
/// (a ticket written whole, as the demo's synthetic ones are).
const BACKFILL_SQL: &str = "
INSERT INTO completion_rounds (ticket_id, round, completed_at, operator, cause, measures,
    materials_from, materials_count, labour_minutes, paid, fee_fen, payment_method,
    owner_signed, visited_at, visit_method, satisfaction, visit_note)
SELECT t.id, 1, coalesce(t.completed_at, e.at, t.status_changed_at), coalesce(e.operator, ''),
    coalesce(t.cause, ''), coalesce(t.measures, ''), 1,
    (SELECT CAST(count(*) AS BIGINT) FROM ticket_materials m WHERE m.ticket_id = t.id),
    t.labour_minutes, t.paid, t.fee_fen, t.payment_method, t.owner_signed,
    t.visited_at, CASE WHEN t.visited_at IS NOT NULL THEN 'phone' END, t.satisfaction,
    t.visit_note
  FROM tickets t
  LEFT JOIN ticket_events e ON e.id = (
    SELECT max(x.id) FROM ticket_events x WHERE x.ticket_id = t.id AND x.action = 'complete')
 WHERE t.id = ?1 AND (t.completed_at IS NOT NULL OR t.cause IS NOT NULL)
   AND NOT EXISTS (SELECT 1 FROM completion_rounds r WHERE r.ticket_id = t.id)";

/// Give a ticket written whole (with its events) its round 1 from its columns.
pub(crate) fn backfill_round(db: &Db, ticket_id: i64) -> Result<()> {
    db.execute(BACKFILL_SQL, &[&ticket_id])
        .sql("backfill completion round")?;
    Ok(())
}

/// Record the 完工 `c` of a ticket as its next round; its materials were appended to
/// the ticket's after the first `materials_before`.
pub(crate) fn insert_round(
    db: &Db,
    ticket_id: i64,
    c: &Completion,
    materials_before: usize,
    at: &Time,
    operator: &str,
) -> Result<()> {
    let next: i64 = db
        .query_one(
            "SELECT CAST(coalesce(max(round), 0) + 1 AS BIGINT) FROM completion_rounds
              WHERE ticket_id = ?1",
            &[&ticket_id],
        )
        .sql("next round")?
        .get(0)?;
    db.execute(
        "INSERT INTO completion_rounds (ticket_id, round, completed_at, operator, cause,
            measures, materials_from, materials_count, labour_minutes, paid, fee_fen,
            payment_method, owner_signed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        &[
            &ticket_id,
            &next,
            &at.timestamp(),
            &operator,
            &c.cause.trim(),
            &c.measures.trim(),
            &(materials_before + 1),
            &c.materials.len(),
            &c.labour_minutes,
            &c.paid,
            &c.fee_fen,
            &c.payment_method,
            &c.owner_signed,
        ],
    )
    .sql("insert completion round")?;
    Ok(())
}

/// Record the 回访 `v` on the ticket's latest round.
pub(crate) fn record_visit(db: &Db, ticket_id: i64, at: &Time, v: &VisitOutcome) -> Result<()> {
    db.execute(
        "UPDATE completion_rounds SET visited_at = ?2, visit_method = ?3, quality = ?4,
            attitude = ?5, satisfaction = ?6, visit_note = ?7
          WHERE ticket_id = ?1
            AND round = (SELECT max(round) FROM completion_rounds WHERE ticket_id = ?1)",
        &[
            &ticket_id,
            &at.timestamp(),
            &v.method.code(),
            &v.quality.map(|s| s.code()),
            &v.attitude.map(|s| s.code()),
            &v.satisfaction.code(),
            &v.note,
        ],
    )
    .sql("record visit on round")?;
    Ok(())
}

/// Record a 回访未果 attempt.
pub(crate) fn insert_attempt(
    db: &Db,
    ticket_id: i64,
    at: &Time,
    result: VisitFailure,
    note: &Option<String>,
    operator: &str,
) -> Result<()> {
    db.execute(
        "INSERT INTO visit_attempts (ticket_id, at, result, note, operator)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        &[&ticket_id, &at.timestamp(), &result.code(), note, &operator],
    )
    .sql("insert visit attempt")?;
    Ok(())
}

/// A stored code read back; one the program does not know reads as absent (the CHECK
/// constraints keep them out).
fn opt_code<T>(v: Option<String>, parse: fn(&str) -> Result<T>) -> Option<T> {
    v.and_then(|s| parse(&s).ok())
}

fn round_row(r: &Row, zone: &OfficeZone) -> Result<(Round, i64)> {
    let from: i64 = r.get(5)?;
    Ok((
        Round {
            round: r.get(0)?,
            completed_at: zone.from_epoch(r.get(1)?),
            operator: r.get(2)?,
            cause: r.get(3)?,
            measures: r.get(4)?,
            materials: Vec::new(),
            labour_minutes: r.get(7)?,
            paid: r.get(8)?,
            fee_fen: r.get(9)?,
            payment_method: r.get(10)?,
            owner_signed: r.get(11)?,
            visited_at: time_opt(zone, r.get(12)?),
            visit_method: opt_code(r.get(13)?, VisitMethod::parse),
            quality: opt_code(r.get(14)?, Satisfaction::parse),
            attitude: opt_code(r.get(15)?, Satisfaction::parse),
            satisfaction: opt_code(r.get(16)?, Satisfaction::parse),
            visit_note: r.get(17)?,
        },
        from + r.get::<i64>(6)?,
    ))
}

impl Store {
    /// 维修轮次: every 完工 of a ticket, oldest first, each with its own materials.
    pub fn rounds(&self, number: &str) -> Result<Vec<Round>> {
        let ticket = self.ticket(number)?;
        let rows = self
            .db
            .query(
                "SELECT round, completed_at, operator, cause, measures, materials_from,
                    materials_count, labour_minutes, paid, fee_fen, payment_method, owner_signed,
                    visited_at, visit_method, quality, attitude, satisfaction, visit_note
                   FROM completion_rounds WHERE ticket_id = ?1 ORDER BY round",
                &[&ticket.id],
            )
            .sql("completion rounds")?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows.iter() {
            let (mut round, to) = round_row(r, &self.zone)?;
            let from: i64 = r.get(5)?;
            // Positions count from 1 in the order the materials were entered.
            round.materials = ticket
                .materials
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    let pos = *i as i64 + 1;
                    pos >= from && pos < to
                })
                .map(|(_, m): (usize, &Material)| m.clone())
                .collect();
            out.push(round);
        }
        Ok(out)
    }

    /// 回访未果: a ticket's visit attempts that reached nobody, oldest first.
    pub fn visit_attempts(&self, number: &str) -> Result<Vec<VisitAttempt>> {
        let id = self.ticket(number)?.id;
        self.db
            .query(
                "SELECT at, result, note, operator FROM visit_attempts
                  WHERE ticket_id = ?1 ORDER BY id",
                &[&id],
            )
            .sql("visit attempts")?
            .iter()
            .map(|r| {
                let code: String = r.get(1)?;
                let result = VisitFailure::parse(&code).map_err(|_| {
                    crate::error::Error::from(super::db::DbError::Column {
                        index: 1,
                        found: "unknown code",
                    })
                })?;
                Ok(VisitAttempt {
                    at: self.zone.from_epoch(r.get(0)?),
                    result,
                    result_label: result.label().to_string(),
                    note: r.get(2)?,
                    operator: r.get(3)?,
                })
            })
            .collect()
    }
}
