//! tickets 工单 and ticket_materials: create (numbered in the insert's transaction),
//! load, list/search, move through the workflow, escalations and duplicate warnings.

use chrono::NaiveDate;
use rusqlite::{params, params_from_iter, types::Value, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::events::insert_event;
use super::places::{normalize_building, normalize_room, normalize_unit, site_id, unit_id};
use super::{time_opt, Store};
use crate::clock::{check_happened, OfficeZone, Time};
use crate::error::{Error, Result, SqlContext};
use crate::input::{self, CompletionDraft, TicketDraft};
use crate::sla::{self, EscalationReason};
use crate::ticket::{
    Channel, Deadlines, Event, Kind, Material, Satisfaction, Scope, Status, Ticket, Urgency,
};
use crate::workflow::{self, Action};

const TICKET_SELECT: &str =
    "SELECT t.id, t.number, t.kind, t.status, t.channel, t.reporter, t.phone,
    t.site_id, s.name, t.unit_id, u.building, u.unit, u.room, t.location, t.scope,
    t.category_id, c.name, t.urgency, t.appointment_at, t.description, t.received_at,
    t.assignee_id, tech.name, t.dispatched_at, t.assigned_at, t.arrived_at, t.completed_at,
    t.visited_at, t.closed_at, t.cancelled_at, t.hold_reason, t.hold_started_at, t.held_minutes,
    t.cause, t.measures, t.labour_minutes, t.paid, t.fee_fen, t.payment_method, t.owner_signed,
    t.satisfaction, t.visit_note, t.rework_count, t.duplicate_of_id, d.number, t.cancel_reason,
    t.print_count, t.remind_count, t.dispatch_due, t.arrival_due, t.completion_due, t.visit_due,
    t.status_changed_at
  FROM tickets t
  JOIN categories c ON c.id = t.category_id
  LEFT JOIN sites s ON s.id = t.site_id
  LEFT JOIN units u ON u.id = t.unit_id
  LEFT JOIN technicians tech ON tech.id = t.assignee_id
  LEFT JOIN tickets d ON d.id = t.duplicate_of_id";

/// The SQL twin of [`sla::overdue_stage`], for filtering; `?now` is epoch seconds.
const OVERDUE_SQL: &str = "((t.status = 'received' AND t.dispatch_due < :now)
    OR (t.status = 'assigned' AND (t.arrival_due < :now OR t.completion_due < :now))
    OR (t.status = 'in_progress' AND t.completion_due < :now)
    OR (t.status = 'on_hold' AND t.completion_due < t.hold_started_at)
    OR (t.status = 'completed' AND t.visit_due < :now))";

fn code<T>(idx: usize, s: String, parse: fn(&str) -> Result<T>) -> rusqlite::Result<T> {
    parse(&s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty())
}

fn ticket_row(r: &rusqlite::Row, zone: &OfficeZone, now: &Time) -> rusqlite::Result<Ticket> {
    let t = |i: usize| -> rusqlite::Result<Option<Time>> { Ok(time_opt(zone, r.get(i)?)) };
    let mut ticket = Ticket {
        id: r.get(0)?,
        number: r.get(1)?,
        kind: code(2, r.get(2)?, Kind::parse)?,
        status: code(3, r.get(3)?, Status::parse)?,
        channel: code(4, r.get(4)?, Channel::parse)?,
        reporter: r.get(5)?,
        phone: r.get(6)?,
        site_id: r.get(7)?,
        site: r.get(8)?,
        unit_id: r.get(9)?,
        building: non_empty(r.get(10)?),
        unit: non_empty(r.get(11)?),
        room: non_empty(r.get(12)?),
        location: r.get(13)?,
        scope: code(14, r.get(14)?, Scope::parse)?,
        category_id: r.get(15)?,
        category: r.get(16)?,
        urgency: code(17, r.get(17)?, Urgency::parse)?,
        appointment_at: t(18)?,
        description: r.get(19)?,
        received_at: zone.from_epoch(r.get(20)?),
        assignee_id: r.get(21)?,
        assignee: r.get(22)?,
        dispatched_at: t(23)?,
        assigned_at: t(24)?,
        arrived_at: t(25)?,
        completed_at: t(26)?,
        visited_at: t(27)?,
        closed_at: t(28)?,
        cancelled_at: t(29)?,
        hold_reason: r.get(30)?,
        hold_started_at: t(31)?,
        held_minutes: r.get(32)?,
        cause: r.get(33)?,
        measures: r.get(34)?,
        materials: Vec::new(),
        labour_minutes: r.get(35)?,
        paid: r.get(36)?,
        fee_fen: r.get(37)?,
        payment_method: r.get(38)?,
        owner_signed: r.get(39)?,
        satisfaction: r
            .get::<_, Option<String>>(40)?
            .map(|s| code(40, s, Satisfaction::parse))
            .transpose()?,
        visit_note: r.get(41)?,
        rework_count: r.get(42)?,
        duplicate_of_id: r.get(43)?,
        duplicate_of: r.get(44)?,
        cancel_reason: r.get(45)?,
        print_count: r.get(46)?,
        remind_count: r.get(47)?,
        deadlines: Deadlines {
            dispatch: t(48)?,
            arrival: t(49)?,
            completion: t(50)?,
            visit: t(51)?,
        },
        status_changed_at: zone.from_epoch(r.get(52)?),
        overdue: false,
        overdue_stage: None,
    };
    ticket.overdue_stage = sla::overdue_stage(&ticket, now);
    ticket.overdue = ticket.overdue_stage.is_some();
    Ok(ticket)
}

fn load_materials(conn: &Connection, ticket_id: i64) -> Result<Vec<Material>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT name, spec, quantity, unit_price_fen, amount_fen FROM ticket_materials
             WHERE ticket_id = ?1 ORDER BY position",
        )
        .sql("ticket materials")?;
    let rows = stmt
        .query_map(params![ticket_id], |r| {
            Ok(Material {
                name: r.get(0)?,
                spec: r.get(1)?,
                quantity: r.get(2)?,
                unit_price_fen: r.get(3)?,
                amount_fen: r.get(4)?,
            })
        })
        .sql("ticket materials")?;
    rows.collect::<std::result::Result<_, _>>()
        .sql("ticket materials")
}

/// Write every field the workflow can change, and the materials added since load.
fn write_ticket(conn: &Connection, t: &Ticket, materials_before: usize) -> Result<()> {
    let ts = |v: &Option<Time>| v.map(|t| t.timestamp());
    conn.prepare_cached(
        "UPDATE tickets SET status = ?2, assignee_id = ?3, dispatched_at = ?4, assigned_at = ?5,
            arrived_at = ?6, completed_at = ?7, visited_at = ?8, closed_at = ?9, cancelled_at = ?10,
            hold_reason = ?11, hold_started_at = ?12, held_minutes = ?13, cause = ?14, measures = ?15,
            labour_minutes = ?16, paid = ?17, fee_fen = ?18, payment_method = ?19, owner_signed = ?20,
            satisfaction = ?21, visit_note = ?22, rework_count = ?23, duplicate_of_id = ?24,
            cancel_reason = ?25, print_count = ?26, remind_count = ?27, dispatch_due = ?28,
            arrival_due = ?29, completion_due = ?30, visit_due = ?31, status_changed_at = ?32
         WHERE id = ?1",
    )
    .sql("update ticket")?
    .execute(params![
        t.id,
        t.status.code(),
        t.assignee_id,
        ts(&t.dispatched_at),
        ts(&t.assigned_at),
        ts(&t.arrived_at),
        ts(&t.completed_at),
        ts(&t.visited_at),
        ts(&t.closed_at),
        ts(&t.cancelled_at),
        t.hold_reason,
        ts(&t.hold_started_at),
        t.held_minutes,
        t.cause,
        t.measures,
        t.labour_minutes,
        t.paid,
        t.fee_fen,
        t.payment_method,
        t.owner_signed,
        t.satisfaction.map(|s| s.code()),
        t.visit_note,
        t.rework_count,
        t.duplicate_of_id,
        t.cancel_reason,
        t.print_count,
        t.remind_count,
        ts(&t.deadlines.dispatch),
        ts(&t.deadlines.arrival),
        ts(&t.deadlines.completion),
        ts(&t.deadlines.visit),
        t.status_changed_at.timestamp(),
    ])
    .sql("update ticket")?;
    for (i, m) in t.materials.iter().enumerate().skip(materials_before) {
        conn.prepare_cached(
            "INSERT INTO ticket_materials (ticket_id, position, name, spec, quantity, unit_price_fen, amount_fen)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .sql("insert material")?
        .execute(params![t.id, i as i64 + 1, m.name, m.spec, m.quantity, m.unit_price_fen, m.amount_fen])
        .sql("insert material")?;
    }
    Ok(())
}

/// Lower-cased text the keyword search looks in.
pub(crate) fn search_text(parts: &[&str]) -> String {
    let joined = parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("\u{1f}");
    input::fold_width(&joined.to_lowercase())
}

/// Normalise a typed or scanned ticket number (`bx-202611-0001 ` → `BX-202611-0001`).
fn clean_number(number: &str) -> String {
    input::fold_width(number).trim().to_uppercase()
}

/// A workflow step as the CLI and the window request it: names, not ids.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(tag = "action", content = "args", rename_all = "snake_case")]
pub enum Step {
    Assign {
        technician: String,
    },
    Start,
    Hold {
        reason: String,
    },
    Resume,
    Complete(CompletionDraft),
    Visit {
        satisfaction: String,
        note: Option<String>,
    },
    Cancel {
        reason: String,
        duplicate_of: Option<String>,
    },
    Rework {
        reason: String,
    },
    Remind {
        note: Option<String>,
    },
    Print,
}

/// Filters for the ticket list; every field optional. Text values are checked here
/// so a typo gets a message, not an empty list.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
#[serde(default, deny_unknown_fields)]
pub struct TicketFilter {
    pub statuses: Vec<String>,
    pub kind: Option<String>,
    pub category: Option<String>,
    pub technician: Option<String>,
    pub site: Option<String>,
    pub urgency: Option<String>,
    /// Received in this local month, `YYYY-MM`.
    pub month: Option<String>,
    /// Received on or after this local date, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Received on or before this local date, `YYYY-MM-DD`.
    pub to: Option<String>,
    pub overdue: bool,
    /// Keywords (any length, Chinese or not) in number, description, reporter, phone, place.
    pub q: Option<String>,
    /// `received_at` (default, newest first), `number`, `status`, `urgency`, `category`,
    /// `assignee`; prefix `-` for descending (received_at is descending by default).
    pub sort: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct TicketPage {
    /// All tickets matching the filter (for the pager).
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
    pub tickets: Vec<Ticket>,
}

/// One row of the 催办清单 escalation list.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Escalation {
    pub number: String,
    pub reason: EscalationReason,
    pub reason_label: String,
    /// When it became late.
    pub due_at: Time,
    pub overdue_minutes: i64,
    pub status: Status,
    pub urgency: Urgency,
    pub category: String,
    pub place: String,
    pub reporter: String,
    pub phone: String,
    pub assignee: Option<String>,
}

/// 工作台 counters.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, ts_rs::TS)]
pub struct Counters {
    pub received: i64,
    pub in_progress: i64,
    pub on_hold: i64,
    pub overdue: i64,
    pub to_visit: i64,
    pub today: i64,
}

/// 重复报修提醒 looks this far either side of the draft's time.
const DUPLICATE_WINDOW_HOURS: i64 = 72;

fn parse_date(field: &str, s: &str) -> Result<NaiveDate> {
    crate::clock::parse_date(field, s)
}

impl Store {
    fn load(&self, number: &str) -> Result<Option<Ticket>> {
        let now = self.now();
        let zone = self.zone;
        let ticket = self
            .conn()
            .prepare_cached(&format!("{TICKET_SELECT} WHERE t.number = ?1"))
            .sql("ticket by number")?
            .query_row(params![clean_number(number)], |r| {
                ticket_row(r, &zone, &now)
            })
            .optional()
            .sql("ticket by number")?;
        ticket
            .map(|mut t| {
                t.materials = load_materials(self.conn(), t.id)?;
                Ok(t)
            })
            .transpose()
    }

    /// One ticket with its materials.
    pub fn ticket(&self, number: &str) -> Result<Ticket> {
        self.load(number)?
            .ok_or_else(|| Error::NotFound(format!("工单“{}”不存在，请检查工单号", number.trim())))
    }

    /// 报修登记: check the draft, number the ticket by the local month it was received
    /// in, and insert it with its `created` event — all in one transaction.
    pub fn create_ticket(&mut self, draft: &TicketDraft, operator: &str) -> Result<Ticket> {
        let operator = input::name("操作员", Some(operator))?;
        let now = self.now();
        let nt = draft.check(&self.zone, &now)?;
        let category = self.category_by_name(&nt.category)?;
        let urgency = nt.urgency.unwrap_or(category.default_urgency);
        if urgency == Urgency::Scheduled && nt.appointment_at.is_none() {
            return Err(Error::invalid(
                "预约报修需填写预约时间，请与业主约定上门时间",
            ));
        }
        let rule = self.sla_rule(category.id, urgency)?;
        let appointment = nt.appointment_at.filter(|_| urgency == Urgency::Scheduled);
        let deadlines = sla::initial(&nt.received_at, appointment.as_ref(), &rule)?;
        let prefix = self.settings()?.number_prefix;
        let month = self.zone.month_key(&nt.received_at);

        let tx = self.write()?;
        let sid = nt
            .site
            .as_deref()
            .map(|s| site_id(&self.db, s))
            .transpose()?;
        let uid = match (nt.scope, sid, nt.room.as_deref()) {
            (Scope::InHome, Some(sid), Some(room)) => Some(unit_id(
                &self.db,
                sid,
                nt.building.as_deref().unwrap_or(""),
                nt.unit.as_deref().unwrap_or(""),
                room,
            )?),
            _ => None,
        };
        let seq: i64 = tx
            .query_row(
                "INSERT INTO number_sequences (key, last) VALUES (?1, 1)
                 ON CONFLICT (key) DO UPDATE SET last = last + 1 RETURNING last",
                params![format!("{prefix}-{month}")],
                |r| r.get(0),
            )
            .sql("next ticket number")?;
        let number = format!("{prefix}-{month}-{seq:04}");
        // Only what the ticket keeps is searchable: a public-area ticket has no room.
        let home = |v: &Option<String>| match nt.scope {
            Scope::InHome => v.clone().unwrap_or_default(),
            Scope::PublicArea => String::new(),
        };
        let place = [
            nt.site.clone().unwrap_or_default(),
            home(&nt.building),
            home(&nt.unit),
            home(&nt.room),
            nt.location.clone().unwrap_or_default(),
        ]
        .join(" ");
        let search = search_text(&[&number, &nt.reporter, &nt.phone, &place, &nt.description]);
        let ts = |t: &Option<Time>| t.map(|t| t.timestamp());
        let id: i64 = tx
            .query_row(
                "INSERT INTO tickets (number, kind, status, channel, reporter, phone, site_id, unit_id,
                    location, scope, category_id, urgency, appointment_at, description, received_at,
                    dispatch_due, arrival_due, completion_due, status_changed_at, search_text)
                 VALUES (?1, ?2, 'received', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
                    ?15, ?16, ?17, ?14, ?18)
                 RETURNING id",
                params![
                    number,
                    nt.kind.code(),
                    nt.channel.code(),
                    nt.reporter,
                    nt.phone,
                    sid,
                    uid,
                    nt.location,
                    nt.scope.code(),
                    category.id,
                    urgency.code(),
                    ts(&nt.appointment_at),
                    nt.description,
                    nt.received_at.timestamp(),
                    ts(&deadlines.dispatch),
                    ts(&deadlines.arrival),
                    ts(&deadlines.completion),
                    search,
                ],
                |r| r.get(0),
            )
            .sql("insert ticket")?;
        insert_event(
            &tx,
            id,
            &Event {
                at: nt.received_at,
                operator,
                action: "created".into(),
                action_label: "登记".into(),
                from_status: None,
                to_status: Some(Status::Received),
                note: Some(format!("{}{}", nt.channel.label(), nt.kind.label())),
            },
        )?;
        tx.commit().sql("commit new ticket")?;
        self.ticket(&number)
    }

    /// Take one workflow step on a ticket at `at` (default now) by `operator`: load,
    /// apply the rule, write the ticket and its event in one transaction.
    pub fn apply_step(
        &mut self,
        number: &str,
        step: Step,
        at: Option<&str>,
        operator: &str,
    ) -> Result<Ticket> {
        let operator = input::name("操作员", Some(operator))?;
        let now = self.now();
        let at = match at.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => self.zone.parse_input("操作时间", s)?,
            None => now,
        };
        check_happened("操作时间", &at, &now)?;

        let tx = self.write()?;
        let ticket = self.ticket(number)?;
        let mut steps: Vec<(Action, Time)> = Vec::new();
        match step {
            Step::Assign { technician } => {
                let name = input::name("维修人员", Some(&technician))?;
                steps.push((Action::Assign(self.assignee(&name)?), at));
            }
            Step::Start => steps.push((Action::Start, at)),
            Step::Hold { reason } => steps.push((
                Action::Hold {
                    reason: input::reason("挂起原因", Some(&reason))?,
                },
                at,
            )),
            Step::Resume => steps.push((Action::Resume, at)),
            Step::Complete(draft) => {
                let completion = draft.check()?;
                if let Some(arrived) = draft.arrived_at.as_deref().filter(|s| !s.trim().is_empty())
                {
                    let arrived = self.zone.parse_input("到场时间", arrived)?;
                    check_happened("到场时间", &arrived, &now)?;
                    if arrived > at {
                        return Err(Error::invalid("到场时间不能晚于完工时间，请按维修单填写"));
                    }
                    if ticket.status == Status::Assigned {
                        steps.push((Action::Start, arrived));
                    }
                }
                steps.push((Action::Complete(completion), at));
            }
            Step::Visit { satisfaction, note } => steps.push((
                Action::Visit {
                    satisfaction: Satisfaction::parse(&satisfaction)?,
                    note: input::note("回访记录", note.as_deref())?,
                },
                at,
            )),
            Step::Cancel {
                reason,
                duplicate_of,
            } => {
                let reason = input::reason("取消原因", Some(&reason))?;
                let dup = match duplicate_of.as_deref().filter(|s| !s.trim().is_empty()) {
                    Some(n) => {
                        let d = self.load(n)?.ok_or_else(|| {
                            Error::NotFound(format!(
                                "重复的原工单“{}”不存在，请检查工单号",
                                n.trim()
                            ))
                        })?;
                        if d.status == Status::Cancelled {
                            return Err(Error::Precondition(match &d.duplicate_of {
                                Some(orig) => format!(
                                    "工单 {} 本身是 {orig} 的重复单，请填写原工单 {orig}",
                                    d.number
                                ),
                                None => format!(
                                    "原工单 {} 已取消，不能作为重复的原单；请填写仍在处理的工单号",
                                    d.number
                                ),
                            }));
                        }
                        Some((d.id, d.number))
                    }
                    None => None,
                };
                steps.push((
                    Action::Cancel {
                        reason,
                        duplicate_of: dup,
                    },
                    at,
                ));
            }
            Step::Rework { reason } => steps.push((
                Action::Rework {
                    reason: input::reason("返修原因", Some(&reason))?,
                },
                at,
            )),
            Step::Remind { note } => steps.push((
                Action::Remind {
                    note: input::note("跟催记录", note.as_deref())?,
                },
                at,
            )),
            Step::Print => steps.push((Action::Print, at)),
        }

        let rule = self.sla_rule(ticket.category_id, ticket.urgency)?;
        let mut current = ticket;
        for (action, when) in steps {
            let before = current.materials.len();
            let (next, event) = workflow::apply(&current, action, when, &operator, &rule)?;
            write_ticket(&tx, &next, before)?;
            insert_event(&tx, next.id, &event)?;
            current = next;
        }
        tx.commit().sql("commit step")?;
        self.ticket(&current.number)
    }

    /// 打印: one `printed` event per ticket, all in one transaction that commits only
    /// if `deliver` (putting the PDF in place) succeeds — a print that did not reach the
    /// office is never recorded, and a recorded print always has its file.
    pub fn record_prints(
        &mut self,
        numbers: &[String],
        operator: &str,
        deliver: impl FnOnce() -> Result<()>,
    ) -> Result<()> {
        let operator = input::name("操作员", Some(operator))?;
        let now = self.now();
        let tx = self.write()?;
        for number in numbers {
            let ticket = self.ticket(number)?;
            let rule = self.sla_rule(ticket.category_id, ticket.urgency)?;
            let before = ticket.materials.len();
            let (next, event) = workflow::apply(&ticket, Action::Print, now, &operator, &rule)?;
            write_ticket(&tx, &next, before)?;
            insert_event(&tx, next.id, &event)?;
        }
        deliver()?;
        tx.commit().sql("commit prints")
    }

    /// 工单列表: filters, keyword search, sorting and paging.
    pub fn list_tickets(&self, f: &TicketFilter) -> Result<TicketPage> {
        let now = self.now();
        let mut wheres: Vec<String> = Vec::new();
        let mut args: Vec<(String, Value)> = vec![(":now".into(), Value::Integer(now.timestamp()))];
        let mut arg = |wheres: &mut Vec<String>, clause: &str, v: Value| {
            let name = format!(":p{}", args.len());
            wheres.push(clause.replace("?", &name));
            args.push((name, v));
        };
        if !f.statuses.is_empty() {
            let codes = f
                .statuses
                .iter()
                .flat_map(|s| s.split(','))
                .map(|s| Status::parse(s).map(|s| format!("'{}'", s.code())))
                .collect::<Result<Vec<_>>>()?;
            wheres.push(format!("t.status IN ({})", codes.join(", ")));
        }
        if let Some(k) = f.kind.as_deref().filter(|s| !s.trim().is_empty()) {
            arg(
                &mut wheres,
                "t.kind = ?",
                Value::Text(Kind::parse(k)?.code().into()),
            );
        }
        if let Some(u) = f.urgency.as_deref().filter(|s| !s.trim().is_empty()) {
            arg(
                &mut wheres,
                "t.urgency = ?",
                Value::Text(Urgency::parse(u)?.code().into()),
            );
        }
        if let Some(c) = f.category.as_deref().filter(|s| !s.trim().is_empty()) {
            arg(
                &mut wheres,
                "t.category_id = ?",
                Value::Integer(self.category_by_name(c)?.id),
            );
        }
        if let Some(name) = f.technician.as_deref().filter(|s| !s.trim().is_empty()) {
            arg(
                &mut wheres,
                "t.assignee_id = ?",
                Value::Integer(self.technician(name)?.id),
            );
        }
        if let Some(site) = f.site.as_deref().filter(|s| !s.trim().is_empty()) {
            let id = self
                .find_site(site)?
                .ok_or_else(|| Error::NotFound(format!("小区“{}”不存在", site.trim())))?;
            arg(&mut wheres, "t.site_id = ?", Value::Integer(id));
        }
        if let Some(m) = f.month.as_deref().filter(|s| !s.trim().is_empty()) {
            let (a, b) = self.zone.month_range(m)?;
            arg(&mut wheres, "t.received_at >= ?", Value::Integer(a));
            arg(&mut wheres, "t.received_at < ?", Value::Integer(b));
        }
        let from_date = f.from.as_deref().filter(|s| !s.trim().is_empty());
        let to_date = f.to.as_deref().filter(|s| !s.trim().is_empty());
        if let (Some(a), Some(b)) = (from_date, to_date) {
            if parse_date("开始日期", a)? > parse_date("结束日期", b)? {
                return Err(Error::invalid(format!(
                    "开始日期 {a} 晚于结束日期 {b}，请检查日期范围"
                )));
            }
        }
        if let Some(d) = f.from.as_deref().filter(|s| !s.trim().is_empty()) {
            let d = parse_date("开始日期", d)?;
            arg(
                &mut wheres,
                "t.received_at >= ?",
                Value::Integer(self.zone.day_start(d)?),
            );
        }
        if let Some(d) = f.to.as_deref().filter(|s| !s.trim().is_empty()) {
            let d = parse_date("结束日期", d)?;
            let (_, end) = self.zone.date_range(d, d)?;
            arg(&mut wheres, "t.received_at < ?", Value::Integer(end));
        }
        if f.overdue {
            wheres.push(OVERDUE_SQL.to_string());
        }
        if let Some(q) = f.q.as_deref() {
            let q = input::text("搜索关键词", Some(q), 100, false)?.unwrap_or_default();
            for word in input::fold_width(&q.to_lowercase()).split_whitespace() {
                let escaped = word
                    .to_lowercase()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                arg(
                    &mut wheres,
                    "t.search_text LIKE ? ESCAPE '\\'",
                    Value::Text(format!("%{escaped}%")),
                );
            }
        }
        let order = match f.sort.as_deref().map(str::trim).unwrap_or("") {
            "" | "-received_at" => "t.received_at DESC, t.id DESC",
            "received_at" => "t.received_at ASC, t.id ASC",
            // Numbers grow past 4 digits in busy months: order by length first.
            "number" => "length(t.number) ASC, t.number ASC",
            "-number" => "length(t.number) DESC, t.number DESC",
            "status" => "CASE t.status WHEN 'received' THEN 0 WHEN 'assigned' THEN 1 WHEN 'in_progress' THEN 2 WHEN 'on_hold' THEN 3 WHEN 'completed' THEN 4 WHEN 'closed' THEN 5 ELSE 6 END ASC, t.received_at DESC",
            "-status" => "CASE t.status WHEN 'received' THEN 0 WHEN 'assigned' THEN 1 WHEN 'in_progress' THEN 2 WHEN 'on_hold' THEN 3 WHEN 'completed' THEN 4 WHEN 'closed' THEN 5 ELSE 6 END DESC, t.received_at DESC",
            "urgency" => "t.urgency ASC, t.received_at DESC",
            "-urgency" => "t.urgency DESC, t.received_at DESC",
            "category" => "c.sort_order ASC, t.received_at DESC",
            "-category" => "c.sort_order DESC, t.received_at DESC",
            "assignee" => "tech.name ASC, t.received_at DESC",
            "-assignee" => "tech.name DESC, t.received_at DESC",
            other => {
                return Err(Error::invalid(format!(
                    "排序字段“{other}”无法识别，可选：received_at、number、status、urgency、category、assignee（前加 - 为倒序）"
                )))
            }
        };
        let limit = f.limit.unwrap_or(50);
        if !(1..=1000).contains(&limit) {
            return Err(Error::invalid("每页条数必须在 1 到 1000 之间"));
        }
        let offset = f.offset.unwrap_or(0);
        if offset < 0 {
            return Err(Error::invalid("偏移量不能为负数"));
        }
        let where_sql = if wheres.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", wheres.join(" AND "))
        };
        let named: Vec<(&str, &dyn rusqlite::ToSql)> = args
            .iter()
            .filter(|(n, _)| n != ":now" || where_sql.contains(":now"))
            .map(|(n, v)| (n.as_str(), v as &dyn rusqlite::ToSql))
            .collect();
        let total: i64 = self
            .conn()
            .prepare(&format!("SELECT count(*) FROM tickets t{where_sql}"))
            .sql("count tickets")?
            .query_row(named.as_slice(), |r| r.get(0))
            .sql("count tickets")?;
        let zone = self.zone;
        let mut stmt = self
            .conn()
            .prepare(&format!(
                "{TICKET_SELECT}{where_sql} ORDER BY {order} LIMIT {limit} OFFSET {offset}"
            ))
            .sql("list tickets")?;
        let mut tickets: Vec<Ticket> = stmt
            .query_map(named.as_slice(), |r| ticket_row(r, &zone, &now))
            .sql("list tickets")?
            .collect::<std::result::Result<_, _>>()
            .sql("list tickets")?;
        for t in &mut tickets {
            t.materials = load_materials(self.conn(), t.id)?;
        }
        Ok(TicketPage {
            total,
            limit,
            offset,
            tickets,
        })
    }

    /// 催办清单: received but not dispatched past the dispatch deadline, dispatched with no
    /// progress for 2 hours, completed but not visited past the visit deadline.
    pub fn escalations(&self) -> Result<Vec<Escalation>> {
        let now = self.now();
        let zone = self.zone;
        let mut stmt = self
            .conn()
            .prepare_cached(&format!(
                "{TICKET_SELECT} WHERE (t.status = 'received' AND t.dispatch_due < ?1)
                   OR (t.status = 'assigned' AND t.assigned_at < ?2)
                   OR (t.status = 'completed' AND t.visit_due < ?1)"
            ))
            .sql("escalations")?;
        let tickets: Vec<Ticket> = stmt
            .query_map(
                params![
                    now.timestamp(),
                    now.timestamp() - sla::NO_PROGRESS_MINUTES * 60
                ],
                |r| ticket_row(r, &zone, &now),
            )
            .sql("escalations")?
            .collect::<std::result::Result<_, _>>()
            .sql("escalations")?;
        let mut out: Vec<Escalation> = tickets
            .into_iter()
            .filter_map(|t| {
                sla::escalation(&t, &now).map(|(reason, due_at)| Escalation {
                    reason_label: reason.label().to_string(),
                    overdue_minutes: crate::clock::minutes_between(&due_at, &now),
                    place: t.place(),
                    number: t.number,
                    reason,
                    due_at,
                    status: t.status,
                    urgency: t.urgency,
                    category: t.category,
                    reporter: t.reporter,
                    phone: t.phone,
                    assignee: t.assignee,
                })
            })
            .collect();
        out.sort_by_key(|a| a.due_at);
        Ok(out)
    }

    /// 重复报修提醒: open tickets of the same category at the same unit (or the same
    /// public location) received within 72 hours of the draft's time. An incomplete
    /// draft has no duplicates yet.
    pub fn possible_duplicates(&self, draft: &TicketDraft) -> Result<Vec<Ticket>> {
        let now = self.now();
        let Ok(nt) = draft.check(&self.zone, &now) else {
            return Ok(Vec::new());
        };
        let Ok(category) = self.category_by_name(&nt.category) else {
            return Ok(Vec::new());
        };
        let site = match nt.site.as_deref() {
            Some(s) => self.find_site(s)?,
            None => None,
        };
        // Epoch seconds: a checked draft's time is between 2000 and now, so no overflow.
        let window = DUPLICATE_WINDOW_HOURS * 3600;
        let from = nt.received_at.timestamp().saturating_sub(window);
        let to = nt.received_at.timestamp().saturating_add(window);
        let zone = self.zone;
        let (place_sql, place_args): (&str, Vec<Value>) = match nt.scope {
            Scope::InHome => {
                let Some(sid) = site else {
                    return Ok(Vec::new());
                };
                (
                    "t.unit_id = (SELECT id FROM units WHERE site_id = ?4 AND building = ?5 AND unit = ?6 AND room = ?7)",
                    vec![
                        Value::Integer(sid),
                        Value::Text(normalize_building(nt.building.as_deref().unwrap_or(""))),
                        Value::Text(normalize_unit(nt.unit.as_deref().unwrap_or(""))),
                        Value::Text(normalize_room(nt.room.as_deref().unwrap_or(""))),
                    ],
                )
            }
            Scope::PublicArea => (
                "t.unit_id IS NULL AND t.location = ?4 AND ifnull(t.site_id, 0) = ifnull(?5, 0)",
                vec![
                    Value::Text(nt.location.clone().unwrap_or_default()),
                    site.map_or(Value::Null, Value::Integer),
                ],
            ),
        };
        let mut all: Vec<Value> = vec![
            Value::Integer(category.id),
            Value::Integer(from),
            Value::Integer(to),
        ];
        all.extend(place_args);
        let mut stmt = self
            .conn()
            .prepare_cached(&format!(
                "{TICKET_SELECT} WHERE t.category_id = ?1 AND t.received_at BETWEEN ?2 AND ?3
                   AND t.status IN ('received', 'assigned', 'in_progress', 'on_hold')
                   AND {place_sql} ORDER BY t.received_at DESC"
            ))
            .sql("possible duplicates")?;
        let rows = stmt
            .query_map(params_from_iter(all.iter()), |r| ticket_row(r, &zone, &now))
            .sql("possible duplicates")?;
        rows.collect::<std::result::Result<_, _>>()
            .sql("possible duplicates")
    }

    /// 工作台 counters, with `today` counted in the office's local day.
    pub fn counters(&self) -> Result<Counters> {
        let now = self.now();
        let today = self.zone.day_start(self.zone.local_date(&now))?;
        self.conn()
            .query_row(
                &format!(
                    "SELECT
                        count(*) FILTER (WHERE t.status = 'received'),
                        count(*) FILTER (WHERE t.status IN ('assigned', 'in_progress')),
                        count(*) FILTER (WHERE t.status = 'on_hold'),
                        count(*) FILTER (WHERE {OVERDUE_SQL}),
                        count(*) FILTER (WHERE t.status = 'completed'),
                        count(*) FILTER (WHERE t.received_at >= :today)
                     FROM tickets t"
                ),
                rusqlite::named_params! {":now": now.timestamp(), ":today": today},
                |r| {
                    Ok(Counters {
                        received: r.get(0)?,
                        in_progress: r.get(1)?,
                        on_hold: r.get(2)?,
                        overdue: r.get(3)?,
                        to_visit: r.get(4)?,
                        today: r.get(5)?,
                    })
                },
            )
            .sql("counters")
    }
}
