//! The month report's reads (`report.rs` does the statistics): each ticket's facts for
//! a month replayed from `ticket_events`, the tickets open at month end, the hot spots
//! and the daily volume. Times are epoch seconds; the SQL runs on SQLite and PostgreSQL.

use std::collections::HashMap;

use super::db::{DbError, Engine, Row};
use super::Store;
use crate::account::Permission;
use crate::error::{Error, Result, SqlContext};
use crate::report::Split;
use crate::ticket::{Channel, EventAction, Kind, Satisfaction, Scope, Status, Urgency};

/// Each ticket's status at month end (`?1`), for tickets received before it: replayed
/// from the history for tickets whose status changed after `?1`, the current status for
/// the rest (nothing has changed since; of those only open and 待回访 ones are listed).
/// `status_changed_at` is the time of the ticket's last status change, so "changed
/// after `?1`" is one range of `tickets_by_status_changed_received`, not every event
/// written since the month (an old month would replay most of the database).
const AT_END_CTE: &str = "
late(id) AS (
    SELECT id FROM tickets WHERE status_changed_at >= ?1 AND received_at < ?1
),
at_end(id, st) AS (
    SELECT * FROM (
        SELECT l.id,
            (SELECT ev.to_status FROM ticket_events ev
              WHERE ev.ticket_id = l.id AND ev.at < ?1 AND ev.to_status IS NOT NULL
                AND (ev.action = 'created' OR ev.from_status IS DISTINCT FROM ev.to_status)
              ORDER BY ev.at DESC, ev.id DESC LIMIT 1) AS st
          FROM late l) AS replayed
    UNION ALL
    SELECT id, status FROM tickets
     WHERE status IN ('received', 'assigned', 'in_progress', 'on_hold', 'completed')
       AND received_at < ?1 AND status_changed_at < ?1
)";

/// The tickets received in the month (`[?1, ?2)`); with [`MILESTONES_SQL`] and the
/// ones still being worked on at month end past the completion deadline (from
/// [`AT_END_SQL`]), the tickets the month touches, merged in Rust and read once: the
/// reads below take them as a JSON array of ids (`pop_cte`).
const RECEIVED_SQL: &str = "SELECT id FROM tickets WHERE received_at >= ?1 AND received_at < ?2";

/// The tickets completed, visited, resolved or cancelled in the month (`[?1, ?2)`),
/// once per event (the merge removes repeats).
const MILESTONES_SQL: &str = "
SELECT ticket_id FROM ticket_events
 WHERE action IN ('complete', 'visit', 'cancel', 'resolve') AND at >= ?1 AND at < ?2";

/// `pop(id)` from the JSON array of ids bound to `param` (`?N`).
fn pop_cte(engine: Engine, param: &str) -> String {
    match engine {
        Engine::Sqlite => format!("pop(id) AS (SELECT value FROM json_each({param}))"),
        Engine::Postgres => format!(
            "pop(id) AS (SELECT CAST(value AS BIGINT)
                           FROM json_array_elements_text(CAST(CAST({param} AS TEXT) AS json)))"
        ),
    }
}

/// Each `pop` ticket's ledger columns, in no order (the rows are wide: sorting them in
/// SQL copied every one; [`Store::report_month_facts`] orders them, oldest first). `pop CROSS JOIN tickets … WHERE
/// t.id = pop.id` makes SQLite walk the month's tickets by primary key (PostgreSQL plans
/// it as a join). Names of categories, 小区 and technicians come from their small tables
/// ([`Names`]), the status at month end from [`AT_END_SQL`], the materials from
/// [`MATERIALS_SQL`]: each a lookup per row the read no longer makes. The month's facts
/// are replayed from [`EVENTS_SQL`] in Rust.
///
/// Each column with, for the statistics alone ([`FactsColumns::Summary`]), the empty
/// value read in its place: the texts only the 明细 prints (at a million tickets this
/// read of a ~32k-ticket month took 155 ms whole, 115 ms without them).
const TICKET_COLUMNS: [(&str, Option<&str>); 36] = [
    ("t.id", None),
    ("t.number", Some("''")),
    ("t.kind", None),
    ("t.status", None),
    ("t.channel", None),
    ("t.reporter", Some("''")),
    ("t.phone", Some("''")),
    ("t.site_id", None),
    ("u.building", None),
    ("u.unit", Some("NULL")),
    ("u.room", Some("NULL")),
    ("t.location", Some("NULL")),
    ("t.scope", None),
    ("t.category_id", None),
    ("t.urgency", None),
    ("t.description", Some("''")),
    ("t.assignee_id", None),
    ("t.received_at", None),
    ("t.dispatched_at", None),
    ("t.arrived_at", None),
    ("t.completed_at", None),
    ("t.visited_at", None),
    ("t.cancelled_at", None),
    ("t.completion_due", None),
    ("t.held_minutes", None),
    ("t.cause", Some("NULL")),
    ("t.measures", Some("NULL")),
    ("t.labour_minutes", None),
    ("t.paid", None),
    ("t.fee_fen", None),
    ("t.satisfaction", None),
    ("t.rework_count", None),
    ("t.cancel_reason", Some("NULL")),
    ("t.owner_signed", None),
    ("t.payment_method", Some("NULL")),
    ("t.appointment_at", None),
];

/// Which of a month's ticket columns a read needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FactsColumns {
    /// What the statistics count: the 明细's texts (number, caller, description, 原因,
    /// 处理措施 …) come back empty.
    Summary,
    /// Every column (the 明细 and 超时工单 rows).
    Ledger,
}

/// The month's ticket rows (see [`TICKET_COLUMNS`]), `pop` bound as a CTE before it.
fn tickets_sql(columns: FactsColumns) -> String {
    let list: Vec<&str> = TICKET_COLUMNS
        .iter()
        .map(|(column, empty)| match (columns, empty) {
            (FactsColumns::Summary, Some(empty)) => *empty,
            _ => *column,
        })
        .collect();
    format!(
        "SELECT {}
  FROM pop
  CROSS JOIN tickets t
  LEFT JOIN units u ON u.id = t.unit_id
 WHERE t.id = pop.id",
        list.join(", ")
    )
}

/// The status at month end (`?1`) of the tickets whose status then differs from what a
/// ticket's own row would say or that were still open (see [`AT_END_CTE`]), with their
/// completion deadline: read once for the month's open count, the tickets late at its
/// end and the status each month ticket had.
const AT_END_SQL: &str = "
SELECT a.id, a.st, t.completion_due FROM at_end a JOIN tickets t ON t.id = a.id";

/// The `pop` tickets' milestone events in one pass, in no order (each ticket's are put
/// in the order they were recorded in Rust): what the month's facts are replayed from. The last column says whether a
/// 回访 was rated 非常满意 or 满意.
const EVENTS_SQL: &str = "
SELECT e.ticket_id, e.id, e.at, e.action,
    CASE WHEN e.satisfaction IN ('very_satisfied', 'satisfied') THEN 1 ELSE 0 END
  FROM pop
  CROSS JOIN ticket_events e
 WHERE e.ticket_id = pop.id
   AND e.action IN ('complete', 'visit', 'cancel', 'resolve', 'rework', 'hold', 'resume')";

/// The rounds completed in the month (`[?2, ?1)`), each with its own 有偿, fee, labour
/// and the positions of its own materials: the month's costs count every round once, in
/// the month it was completed. One range of `completion_rounds_by_completed`: a round
/// completed in the month is a 完工 in the month, so its ticket is one of `pop`.
const ROUNDS_SQL: &str = "
SELECT r.ticket_id, r.paid, r.fee_fen, r.labour_minutes, r.materials_from, r.materials_count
  FROM completion_rounds r
 WHERE r.completed_at >= ?2 AND r.completed_at < ?1";

/// The SLA completion minutes by (urgency, category), the category-less rule as fallback.
const SLA_SQL: &str = "SELECT urgency, category_id, completion_minutes FROM sla_rules";

/// The materials of the `pop` tickets, in the order they were entered; `CROSS JOIN`
/// keeps SQLite from scanning every material in the database and probing `pop`.
const MATERIALS_SQL: &str = "
SELECT m.ticket_id, m.name, m.spec, m.quantity, m.position, m.amount_fen
  FROM pop CROSS JOIN ticket_materials m
 WHERE m.ticket_id = pop.id
 ORDER BY m.ticket_id, m.position";

/// Not-cancelled tickets received in `[?1, ?2)` grouped by place (the unit, else the 小区
/// and public location) and category, groups of two or more, in no order (the report
/// orders them: [`crate::report`]'s hot spots).
const HOT_SPOTS_SQL: &str =
    "SELECT s.name, u.building, u.unit, u.room, g.location, g.scope, c.name, g.n,
        g.last_at, g.numbers
   FROM (
     SELECT min(t.site_id) AS site_id, min(t.unit_id) AS unit_id,
         min(t.location) AS location, min(t.scope) AS scope,
         t.category_id, count(*) AS n, max(t.received_at) AS last_at,
         string_agg(t.number, ',') AS numbers
       FROM tickets t
      WHERE t.received_at >= ?1 AND t.received_at < ?2
        AND t.status <> 'cancelled'
      GROUP BY t.unit_id,
               CASE WHEN t.unit_id IS NULL THEN coalesce(t.site_id, 0) END,
               CASE WHEN t.unit_id IS NULL THEN coalesce(t.location, '') END,
               t.category_id
     HAVING count(*) >= 2) g
   JOIN categories c ON c.id = g.category_id
   LEFT JOIN sites s ON s.id = g.site_id
   LEFT JOIN units u ON u.id = g.unit_id";

/// The daily volume: when each ticket received in `[?1, ?2)` was received, and when each
/// ticket completed in it was last completed in it.
const DAILY_RECEIVED_SQL: &str =
    "SELECT received_at FROM tickets WHERE received_at >= ?1 AND received_at < ?2";
const DAILY_COMPLETED_SQL: &str = "SELECT max(at) FROM ticket_events
  WHERE action = 'complete' AND at >= ?1 AND at < ?2 GROUP BY ticket_id";

/// What the store reads for a month: its tickets' facts and how many tickets were open
/// (or 待回访) at its end.
pub(crate) struct MonthFacts {
    pub rows: Vec<FactsRow>,
    pub open_at_end: i64,
}

/// One ticket as the month's SQL sees it. Times are epoch seconds.
pub(crate) struct FactsRow {
    pub number: String,
    pub kind: Kind,
    /// Status now.
    pub status: Status,
    pub channel: Channel,
    pub reporter: String,
    pub phone: String,
    pub site: Option<String>,
    pub building: Option<String>,
    pub unit: Option<String>,
    pub room: Option<String>,
    pub location: Option<String>,
    pub scope: Scope,
    pub category: String,
    pub category_sort_order: i64,
    pub urgency: Urgency,
    pub description: String,
    pub assignee: Option<String>,
    pub received_at: i64,
    pub dispatched_at: Option<i64>,
    pub arrived_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub visited_at: Option<i64>,
    pub cancelled_at: Option<i64>,
    pub completion_due: Option<i64>,
    pub held_minutes: i64,
    pub cause: Option<String>,
    pub measures: Option<String>,
    pub labour_minutes: i64,
    pub paid: bool,
    pub fee_fen: i64,
    pub materials_fen: i64,
    pub satisfaction: Option<Satisfaction>,
    pub rework_count: i64,
    pub cancel_reason: Option<String>,
    /// The ticket's first 完工 ever.
    pub first_complete_at: Option<i64>,
    /// Hold minutes before that first 完工.
    pub held_before_first: i64,
    /// A 完工 event in the month.
    pub completed_in_month: bool,
    /// The last 完工 in the month.
    pub last_complete_in_month: Option<i64>,
    /// The completion deadline in force at the last 完工 in the month.
    pub deadline: Option<i64>,
    /// A 回访 after the last 完工 in the month (up to now).
    pub visited_after: bool,
    /// A 返修 after the first 完工 in the month (up to now).
    pub reworked_after: bool,
    pub visits_in_month: i64,
    pub satisfied_in_month: i64,
    pub cancelled_in_month: bool,
    /// 办结 (a 投诉/咨询 closed without a technician) in the month.
    pub resolved_in_month: bool,
    /// Status when the month ended (None if received after it).
    pub status_at_end: Option<Status>,
    /// 材料明细: `三角阀×1；PPR管(20mm)×2`, None without materials.
    pub materials_text: Option<String>,
    pub owner_signed: bool,
    pub payment_method: Option<String>,
    /// The costs of the rounds completed in the month.
    pub month_costs: RoundCosts,
}

/// 材料费, 收费 and 工时 of a ticket's rounds completed in a month, split by each
/// round's own 有偿.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RoundCosts {
    pub materials: Split,
    pub fees: Split,
    pub labour: Split,
}

impl RoundCosts {
    fn add(&mut self, paid: bool, materials: i64, fee: i64, labour: i64) {
        for (split, v) in [
            (&mut self.materials, materials),
            (&mut self.fees, fee),
            (&mut self.labour, labour),
        ] {
            split.total += v;
            if paid {
                split.paid += v;
            } else {
                split.unpaid += v;
            }
        }
    }
}

/// One hot-spot group as the SQL sees it.
pub(crate) struct HotSpotRow {
    pub site: Option<String>,
    pub building: Option<String>,
    pub unit: Option<String>,
    pub room: Option<String>,
    pub location: Option<String>,
    pub scope: Scope,
    pub category: String,
    pub tickets: i64,
    pub last_received_at: i64,
    /// The tickets' numbers, in no particular order.
    pub numbers: Vec<String>,
}

/// A code column (`kind`, `status` …) as its enum; an unknown code is a column error.
fn code<T>(r: &Row, i: usize, query: &'static str, parse: fn(&str) -> Result<T>) -> Result<T> {
    parse(&r.get::<String>(i)?).map_err(|_| Error::Sql {
        query,
        source: DbError::Column {
            index: i,
            found: "unknown code",
        },
    })
}

fn code_opt<T>(
    r: &Row,
    i: usize,
    query: &'static str,
    parse: fn(&str) -> Result<T>,
) -> Result<Option<T>> {
    match r.get::<Option<String>>(i)? {
        None => Ok(None),
        Some(_) => code(r, i, query, parse).map(Some),
    }
}

impl Store {
    /// 改约 events recorded in `[start, end)`.
    pub(crate) fn report_reschedules(&self, start: i64, end: i64) -> Result<i64> {
        const Q: &str = "month reschedules";
        self.db
            .query_one(
                "SELECT count(*) FROM ticket_events
                  WHERE action = 'reschedule' AND at >= ?1 AND at < ?2",
                &[&start, &end],
            )
            .sql(Q)?
            .get::<i64>(0)
            .sql(Q)
    }

    /// Every ticket the month `[start, end)` touches, oldest first, with its facts;
    /// "deadline passed" is judged at `cut`. The month-end statuses read once, the
    /// month's tickets found through indexes and merged in Rust, then their rows, events
    /// and materials each read in one pass. With [`FactsColumns::Summary`] the 明细's
    /// texts are left empty.
    pub(crate) fn report_month_facts(
        &self,
        start: i64,
        end: i64,
        cut: i64,
        columns: FactsColumns,
    ) -> Result<MonthFacts> {
        self.operator(Permission::Reports, None)?;
        const Q: &str = "month facts";
        let mut at_end: HashMap<i64, Option<String>> = HashMap::new();
        let mut open_at_end = 0;
        let mut ids: Vec<i64> = Vec::new();
        self.db
            .each(&format!("WITH {AT_END_CTE}{AT_END_SQL}"), &[&end], |r| {
                let (id, st, due): (i64, Option<String>, Option<i64>) =
                    (r.get(0)?, r.get(1)?, r.get(2)?);
                match st.as_deref() {
                    Some("received" | "assigned" | "in_progress") => {
                        open_at_end += 1;
                        // Still being worked on at month end, past the deadline.
                        if due.is_some_and(|d| d < cut) {
                            ids.push(id);
                        }
                    }
                    Some("on_hold" | "completed") => open_at_end += 1,
                    _ => {}
                }
                at_end.insert(id, st);
                Ok(())
            })
            .sql("month end status")?;
        for (sql, what) in [
            (RECEIVED_SQL, "month received"),
            (MILESTONES_SQL, "month milestones"),
        ] {
            self.db
                .each(sql, &[&start, &end], |r| {
                    ids.push(r.get(0)?);
                    Ok(())
                })
                .sql(what)?;
        }
        ids.sort_unstable();
        ids.dedup();
        let count = ids.len();
        let ids = serde_json::to_string(&ids).map_err(|e| Error::Database(e.to_string()))?;
        let engine = self.db.engine();
        let names = self.report_names()?;
        let mut materials = self.report_materials(&ids)?;
        let mut costs: HashMap<i64, RoundCosts> = HashMap::new();
        self.db
            .each(ROUNDS_SQL, &[&end, &start], |r| {
                let ticket: i64 = r.get(0)?;
                let (from, count): (i64, i64) = (r.get(4)?, r.get(5)?);
                let own = materials.get(&ticket).map_or(0, |m| m.amount(from, count));
                costs
                    .entry(ticket)
                    .or_default()
                    .add(r.get(1)?, own, r.get(2)?, r.get(3)?);
                Ok(())
            })
            .sql("month rounds")?;
        let mut events: HashMap<i64, Vec<EventRow>> = HashMap::new();
        self.db
            .each(
                &format!("WITH {} {EVENTS_SQL}", pop_cte(engine, "?1")),
                &[&ids],
                |r| {
                    events.entry(r.get(0)?).or_default().push(EventRow {
                        id: r.get(1)?,
                        at: r.get(2)?,
                        action: EventAction::parse(&r.get::<String>(3)?).map_err(|_| {
                            DbError::Column {
                                index: 3,
                                found: "unknown code",
                            }
                        })?,
                        satisfied: r.get(4)?,
                    });
                    Ok(())
                },
            )
            .sql("month events")?;
        let mut sla: HashMap<(String, Option<i64>), i64> = HashMap::new();
        self.db
            .each(SLA_SQL, &[], |r| {
                sla.insert((r.get(0)?, r.get(1)?), r.get(2)?);
                Ok(())
            })
            .sql("month SLA rules")?;
        let mut out = Vec::with_capacity(count);
        let mut failed = None;
        self.db
            .each(
                &format!("WITH {} {}", pop_cte(engine, "?1"), tickets_sql(columns)),
                &[&ids],
                |r| {
                    let read = TicketRead {
                        names: &names,
                        at_end: &at_end,
                        end,
                    };
                    let row = ticket_row(&r, &read, &mut materials).and_then(|(id, mut t)| {
                        let mut evs = events.remove(&id).unwrap_or_default();
                        evs.sort_by_key(|e| e.id);
                        t.row.month_costs = costs.remove(&id).unwrap_or_default();
                        Ok((id, facts_row(t, &evs, &sla, start, end)?))
                    });
                    match row {
                        Ok(row) => out.push(row),
                        Err(e) => {
                            failed.get_or_insert(e);
                        }
                    }
                    Ok(())
                },
            )
            .sql(Q)?;
        if let Some(e) = failed {
            return Err(e);
        }
        out.sort_unstable_by_key(|(id, row)| (row.received_at, *id));
        Ok(MonthFacts {
            rows: out.into_iter().map(|(_, row)| row).collect(),
            open_at_end,
        })
    }

    /// The names of categories (with their sort order), 小区 and technicians by id.
    fn report_names(&self) -> Result<Names> {
        let mut names = Names::default();
        self.db
            .each("SELECT id, name, sort_order FROM categories", &[], |r| {
                names.categories.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
                Ok(())
            })
            .sql("month categories")?;
        self.db
            .each("SELECT id, name FROM sites", &[], |r| {
                names.sites.insert(r.get(0)?, r.get(1)?);
                Ok(())
            })
            .sql("month sites")?;
        self.db
            .each("SELECT id, name FROM technicians", &[], |r| {
                names.technicians.insert(r.get(0)?, r.get(1)?);
                Ok(())
            })
            .sql("month technicians")?;
        Ok(names)
    }

    /// 回访未果 attempts recorded in `[start, end)`.
    pub(crate) fn report_visit_attempts(&self, start: i64, end: i64) -> Result<i64> {
        self.operator(Permission::Reports, None)?;
        Ok(self
            .db
            .query_one(
                "SELECT count(*) FROM visit_attempts WHERE at >= ?1 AND at < ?2",
                &[&start, &end],
            )
            .sql("month visit attempts")?
            .get(0)?)
    }

    /// The materials of the month's tickets (the JSON array `ids`) by ticket id.
    fn report_materials(&self, ids: &str) -> Result<HashMap<i64, Materials>> {
        let mut out: HashMap<i64, Materials> = HashMap::new();
        self.db
            .each(
                &format!("WITH {} {MATERIALS_SQL}", pop_cte(self.db.engine(), "?1")),
                &[&ids],
                |r| {
                    let name: String = r.get(1)?;
                    let spec: String = r.get(2)?;
                    let quantity: f64 = r.get(3)?;
                    let m = out.entry(r.get(0)?).or_default();
                    m.amounts.push((r.get(4)?, r.get(5)?));
                    let text = &mut m.text;
                    if !text.is_empty() {
                        text.push('；');
                    }
                    text.push_str(&name);
                    if !spec.is_empty() {
                        text.push('(');
                        text.push_str(&spec);
                        text.push(')');
                    }
                    text.push('×');
                    text.push_str(&format_g(quantity));
                    Ok(())
                },
            )
            .sql("month materials")?;
        Ok(out)
    }

    /// Not-cancelled tickets received in `[from, end)`, grouped by unit (or site and
    /// public location) and category, groups of two or more, most tickets first.
    pub(crate) fn report_hot_spots(&self, from: i64, end: i64) -> Result<Vec<HotSpotRow>> {
        const Q: &str = "hot spots";
        let rows = self.db.query(HOT_SPOTS_SQL, &[&from, &end]).sql(Q)?;
        rows.iter()
            .map(|r| {
                Ok(HotSpotRow {
                    site: r.get(0)?,
                    building: r.get(1)?,
                    unit: r.get(2)?,
                    room: r.get(3)?,
                    location: r.get(4)?,
                    scope: code(r, 5, Q, Scope::parse)?,
                    category: r.get(6)?,
                    tickets: r.get(7)?,
                    last_received_at: r.get(8)?,
                    numbers: r.get::<String>(9)?.split(',').map(String::from).collect(),
                })
            })
            .collect()
    }

    /// When each ticket received in `[start, end)` was received, and when each ticket
    /// completed in it was last completed in it.
    pub(crate) fn report_daily(&self, start: i64, end: i64) -> Result<(Vec<i64>, Vec<i64>)> {
        self.operator(Permission::Reports, None)?;
        let column = |sql: &str| -> Result<Vec<i64>> {
            let mut out = Vec::new();
            self.db
                .each(sql, &[&start, &end], |r| {
                    out.push(r.get(0)?);
                    Ok(())
                })
                .sql("daily volume")?;
            Ok(out)
        };
        let received = column(DAILY_RECEIVED_SQL)?;
        let completed = column(DAILY_COMPLETED_SQL)?;
        Ok((received, completed))
    }
}

/// One milestone event of a month's ticket (see [`EVENTS_SQL`]).
struct EventRow {
    id: i64,
    at: i64,
    action: EventAction,
    /// A 回访 rated 非常满意 or 满意.
    satisfied: bool,
}

/// One ticket's materials in the month's read: 材料明细 (`三角阀×1；PPR管(20mm)×2`) and
/// each line's (position, amount in fen).
#[derive(Default)]
struct Materials {
    text: String,
    amounts: Vec<(i64, i64)>,
}

impl Materials {
    /// The amount of every line.
    fn total(&self) -> i64 {
        self.amounts.iter().map(|(_, a)| a).sum()
    }

    /// The amount of the `count` lines from position `from` (one round's own).
    fn amount(&self, from: i64, count: i64) -> i64 {
        self.amounts
            .iter()
            .filter(|(p, _)| *p >= from && *p < from + count)
            .map(|(_, a)| a)
            .sum()
    }
}

/// Names by id of the small tables a ticket row points into.
#[derive(Default)]
struct Names {
    /// Name and sort order.
    categories: HashMap<i64, (String, i64)>,
    sites: HashMap<i64, String>,
    technicians: HashMap<i64, String>,
}

/// What a ticket row is read with besides its own columns.
struct TicketRead<'a> {
    names: &'a Names,
    /// Status at month end of the tickets that changed since or are open (`AT_END_SQL`).
    at_end: &'a HashMap<i64, Option<String>>,
    /// Month end.
    end: i64,
}

/// A ticket row before its facts are replayed: the ledger columns, and what the
/// deadline rebuild needs.
struct TicketRow {
    row: FactsRow,
    urgency_code: String,
    category_id: i64,
    appointment_at: Option<i64>,
}

fn ticket_row(
    r: &Row,
    read: &TicketRead,
    materials: &mut HashMap<i64, Materials>,
) -> Result<(i64, TicketRow)> {
    const Q: &str = "month facts";
    let id: i64 = r.get(0)?;
    let status = code(r, 3, Q, Status::parse)?;
    let category_id: i64 = r.get(13)?;
    let (category, category_sort_order) = read
        .names
        .categories
        .get(&category_id)
        .cloned()
        .ok_or_else(|| Error::Database(format!("工单引用的类别 {category_id} 不存在")))?;
    let name = |map: &HashMap<i64, String>, id: Option<i64>| id.and_then(|i| map.get(&i).cloned());
    let received_at: i64 = r.get(17)?;
    let status_at_end = if received_at >= read.end {
        None
    } else {
        Some(match read.at_end.get(&id) {
            Some(Some(st)) => Status::parse(st).map_err(|_| DbError::Column {
                index: 1,
                found: "unknown code",
            })?,
            _ => status,
        })
    };
    let materials = materials.remove(&id);
    let row = FactsRow {
        number: r.get(1)?,
        kind: code(r, 2, Q, Kind::parse)?,
        status,
        channel: code(r, 4, Q, Channel::parse)?,
        reporter: r.get(5)?,
        phone: r.get(6)?,
        site: name(&read.names.sites, r.get(7)?),
        building: r.get(8)?,
        unit: r.get(9)?,
        room: r.get(10)?,
        location: r.get(11)?,
        scope: code(r, 12, Q, Scope::parse)?,
        category,
        category_sort_order,
        urgency: code(r, 14, Q, Urgency::parse)?,
        description: r.get(15)?,
        assignee: name(&read.names.technicians, r.get(16)?),
        received_at,
        dispatched_at: r.get(18)?,
        arrived_at: r.get(19)?,
        completed_at: r.get(20)?,
        visited_at: r.get(21)?,
        cancelled_at: r.get(22)?,
        completion_due: r.get(23)?,
        held_minutes: r.get(24)?,
        cause: r.get(25)?,
        measures: r.get(26)?,
        labour_minutes: r.get(27)?,
        paid: r.get(28)?,
        fee_fen: r.get(29)?,
        materials_fen: materials.as_ref().map_or(0, Materials::total),
        satisfaction: code_opt(r, 30, Q, Satisfaction::parse)?,
        rework_count: r.get(31)?,
        cancel_reason: r.get(32)?,
        status_at_end,
        owner_signed: r.get(33)?,
        payment_method: r.get(34)?,
        materials_text: materials.map(|m| m.text),
        month_costs: RoundCosts::default(),
        // replayed from the events by `facts_row`
        first_complete_at: None,
        held_before_first: 0,
        completed_in_month: false,
        last_complete_in_month: None,
        deadline: None,
        visited_after: false,
        reworked_after: false,
        visits_in_month: 0,
        satisfied_in_month: 0,
        cancelled_in_month: false,
        resolved_in_month: false,
    };
    Ok((
        id,
        TicketRow {
            row,
            urgency_code: r.get(14)?,
            category_id,
            appointment_at: r.get(35)?,
        },
    ))
}

/// The month's facts of one ticket, replayed from its milestone events (ordered by id,
/// the order they were recorded) — see the module notes of `report.rs` for what each
/// means. Ids order the history; `at` is what is compared with the month.
fn facts_row(
    t: TicketRow,
    events: &[EventRow],
    sla: &HashMap<(String, Option<i64>), i64>,
    start: i64,
    end: i64,
) -> Result<FactsRow> {
    let in_month = |at: i64| at >= start && at < end;
    let mut row = t.row;
    let mut first_complete: Option<(i64, i64)> = None; // (min id, min at)
    let mut month_first_id: Option<i64> = None;
    let mut month_last: Option<(i64, i64)> = None; // (max id, max at)
    let mut rework_last_id: Option<i64> = None;
    let mut visit_last_id: Option<i64> = None;
    // Hold periods as (resume id, whole minutes): a 恢复 right after a 挂起.
    let mut holds: Vec<(i64, i64)> = Vec::new();
    let mut hold_at: Option<i64> = None;
    for e in events {
        match e.action {
            EventAction::Complete => {
                first_complete = Some(match first_complete {
                    None => (e.id, e.at),
                    Some((id, at)) => (id.min(e.id), at.min(e.at)),
                });
                if in_month(e.at) {
                    month_first_id = Some(month_first_id.map_or(e.id, |id| id.min(e.id)));
                    month_last = Some(match month_last {
                        None => (e.id, e.at),
                        Some((id, at)) => (id.max(e.id), at.max(e.at)),
                    });
                }
            }
            EventAction::Visit => {
                visit_last_id = Some(visit_last_id.map_or(e.id, |id| id.max(e.id)));
                if in_month(e.at) {
                    row.visits_in_month += 1;
                    row.satisfied_in_month += i64::from(e.satisfied);
                }
            }
            EventAction::Cancel => row.cancelled_in_month |= in_month(e.at),
            EventAction::Resolve => row.resolved_in_month |= in_month(e.at),
            EventAction::Rework => {
                rework_last_id = Some(rework_last_id.map_or(e.id, |id| id.max(e.id)))
            }
            EventAction::Hold => hold_at = Some(e.at),
            EventAction::Resume => {
                if let Some(h) = hold_at.take() {
                    holds.push((e.id, (e.at - h) / 60));
                }
            }
            _ => {}
        }
    }
    let held = |after: i64, before: i64| -> i64 {
        holds
            .iter()
            .filter(|(id, _)| *id > after && *id < before)
            .map(|(_, m)| m)
            .sum()
    };
    row.first_complete_at = first_complete.map(|(_, at)| at);
    row.held_before_first = first_complete.map_or(0, |(id, _)| held(i64::MIN, id));
    row.completed_in_month = month_first_id.is_some();
    row.last_complete_in_month = month_last.map(|(_, at)| at);
    row.deadline = match month_last {
        None => None,
        Some((last_id, _)) if rework_last_id.unwrap_or(0) < last_id => row.completion_due,
        Some((last_id, _)) => {
            // Reworked since: the deadline in force at that completion is rebuilt from
            // the SLA rule, the last (re)start before it and the holds in between.
            let rework = events
                .iter()
                .filter(|e| e.action == EventAction::Rework && e.id < last_id)
                .max_by_key(|e| e.id);
            let base = match rework {
                Some(r) => r.at,
                None => match (row.urgency, t.appointment_at) {
                    (Urgency::Scheduled, Some(a)) => a,
                    _ => row.received_at,
                },
            };
            let minutes = sla
                .get(&(t.urgency_code.clone(), Some(t.category_id)))
                .or_else(|| sla.get(&(t.urgency_code.clone(), None)))
                .copied()
                .unwrap_or(0);
            let since = rework.map_or(0, |r| r.id);
            Some(base + 60 * minutes + 60 * held(since, last_id))
        }
    };
    row.visited_after = matches!((visit_last_id, month_last), (Some(v), Some((c, _))) if v > c);
    row.reworked_after = matches!((rework_last_id, month_first_id), (Some(r), Some(c)) if r > c);
    Ok(row)
}

/// A quantity as SQLite's `printf('%g', x)` prints it (which the ledger always used):
/// 6 significant digits rounded half away from zero, trailing zeros dropped, and
/// `1e-05` / `1.23457e+06` outside 1e-4 ≤ |x| < 1e6.
pub(crate) fn format_g(x: f64) -> String {
    const PRECISION: usize = 6;
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".into()
        } else if x > 0.0 {
            "Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if x == 0.0 {
        return "0".into();
    }
    // The exact decimal expansion (60 digits is far past where an f64 near a tie could
    // differ from it), rounded by hand: Rust rounds exact ties to even, SQLite up.
    let exact = format!("{:.60e}", x.abs());
    let (mantissa, exp) = exact.split_once('e').unwrap_or((exact.as_str(), "0"));
    let mut exp: i32 = exp.parse().unwrap_or(0);
    let all: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    let mut d: Vec<u8> = all.iter().copied().take(PRECISION).collect();
    if all.get(PRECISION).is_some_and(|&next| next >= 5) {
        let mut i = d.len();
        loop {
            if i == 0 {
                d.insert(0, 1);
                d.truncate(PRECISION);
                exp += 1;
                break;
            }
            i -= 1;
            if d[i] == 9 {
                d[i] = 0;
            } else {
                d[i] += 1;
                break;
            }
        }
    }
    let text = |ds: &[u8]| -> String { ds.iter().map(|&b| char::from(b'0' + b)).collect() };
    let with_fraction = |int: String, frac: String| -> String {
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            int
        } else {
            format!("{int}.{frac}")
        }
    };
    let sign = if x < 0.0 { "-" } else { "" };
    let body = if exp < -4 || exp >= PRECISION as i32 {
        let m = with_fraction(text(&d[..1]), text(&d[1..]));
        format!("{m}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    } else if exp >= 0 {
        let point = exp as usize + 1;
        with_fraction(text(&d[..point]), text(&d[point..]))
    } else {
        let zeros = "0".repeat((-exp - 1) as usize);
        with_fraction("0".into(), format!("{zeros}{}", text(&d)))
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The month report's heavy queries read the month's rows through indexes: no plan
    /// step scans `tickets` or `ticket_events` whole (issue 12: an old month used to
    /// replay every event written since it).
    #[test]
    fn month_queries_use_indexes_not_full_scans() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("office.db")).unwrap();
        let open = format!("WITH {AT_END_CTE}{AT_END_SQL}");
        let sqlite = Engine::Sqlite;
        let facts = format!(
            "WITH {} {}",
            pop_cte(sqlite, "?1"),
            tickets_sql(FactsColumns::Ledger)
        );
        let summary = format!(
            "WITH {} {}",
            pop_cte(sqlite, "?1"),
            tickets_sql(FactsColumns::Summary)
        );
        let events = format!("WITH {} {EVENTS_SQL}", pop_cte(sqlite, "?1"));
        let materials = format!("WITH {} {MATERIALS_SQL}", pop_cte(sqlite, "?1"));
        let ids = "[1, 2]";
        let queries: [(&str, &str, &[&dyn super::super::db::Param]); 10] = [
            ("month end status", &open, &[&1i64]),
            ("month received", RECEIVED_SQL, &[&0i64, &1i64]),
            ("month milestones", MILESTONES_SQL, &[&0i64, &1i64]),
            ("month facts", &facts, &[&ids]),
            ("month facts for the statistics", &summary, &[&ids]),
            ("month events", &events, &[&ids]),
            ("month rounds", ROUNDS_SQL, &[&1i64, &0i64]),
            ("month materials", &materials, &[&ids]),
            ("hot spots", HOT_SPOTS_SQL, &[&0i64, &1i64]),
            ("daily received", DAILY_RECEIVED_SQL, &[&0i64, &1i64]),
        ];
        let mut all = queries.to_vec();
        all.push(("daily completed", DAILY_COMPLETED_SQL, &[&0i64, &1i64]));
        for (name, sql, params) in all {
            let plan: Vec<String> = store
                .db
                .query(&format!("EXPLAIN QUERY PLAN {sql}"), params)
                .unwrap()
                .iter()
                .map(|r| r.get::<String>(3).unwrap())
                .collect();
            let text = plan.join("\n");
            // Every SCAN is of a small table or of a CTE already narrowed to the month.
            for step in plan.iter().filter(|s| s.starts_with("SCAN ")) {
                let what = step["SCAN ".len()..].split(' ').next().unwrap();
                assert!(
                    [
                        "pop",
                        // the month's ids, bound as one JSON array
                        "json_each",
                        "l",
                        "a",
                        "at_end",
                        "replayed",
                        "sla_rules",
                        "late",
                        "ev",
                        "hr",
                        "holds",
                        "h",
                        "g",
                    ]
                    .contains(&what)
                        || what.starts_with("(subquery"),
                    "{name}: full scan `{step}` in\n{text}"
                );
            }
            assert!(
                plan.iter().any(|s| s.contains(" USING ")),
                "{name}: no index used in\n{text}"
            );
        }
        // The month end replay finds the changed tickets by the new index.
        assert!(
            store
                .db
                .query(&format!("EXPLAIN QUERY PLAN {open}"), &[&1i64])
                .unwrap()
                .iter()
                .any(|r| r
                    .get::<String>(3)
                    .unwrap()
                    .contains("tickets_by_status_changed_received")),
            "the month-end replay does not use tickets_by_status_changed_received"
        );
    }

    #[test]
    fn quantities_print_as_sqlite_printf_g_did() {
        let db = super::super::db::Db::sqlite(rusqlite::Connection::open_in_memory().unwrap());
        let mut values = vec![
            1.0,
            2.0,
            2.5,
            0.25,
            0.5,
            1.5,
            0.1,
            0.3,
            10.0,
            12.5,
            99.99,
            100.0,
            0.01,
            0.001,
            0.0001,
            0.00001,
            0.000123456789,
            1.5e-7,
            1.0 / 3.0,
            2.0 / 3.0,
            12.3456789,
            99999.95,
            99999.5,
            100000.0,
            123456.7,
            999999.5,
            1234565.0,
            1e16,
            0.1 + 0.2,
            0.0009765625,
            1024.0625,
            5.4321,
        ];
        for i in 1..2000 {
            values.push(f64::from(i) * 0.01);
            values.push(f64::from(i) * 0.125);
            values.push(f64::from(i) * 7.77);
            // 7-digit decimals that end in 5: round-half cases.
            values.push(f64::from(i * 10 + 5) / 1e7);
            values.push(f64::from(i * 10 + 5) / 1e4);
            values.push(f64::from(i * 10 + 5) / 10.0 + 100_000.0);
            values.push(f64::from(i) / 1024.0 + 1000.0);
        }
        for x in values {
            let sqlite: String = db
                .query_one("SELECT printf('%g', ?1)", &[&x])
                .unwrap()
                .get(0)
                .unwrap();
            assert_eq!(format_g(x), sqlite, "{x:?}");
        }
    }
}
