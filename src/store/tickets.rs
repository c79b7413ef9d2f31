//! tickets 工单 and ticket_materials: create (numbered in the insert's transaction),
//! load, list/search, move through the workflow, escalations and duplicate warnings.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::categories::Category;
use super::db::{Db, DbError, Engine, Param, Row, Value};
use super::events::insert_event;
use super::places::{known_site_id, normalize_building, normalize_room, normalize_unit, unit_id};
use super::rounds::{insert_attempt, insert_round, record_visit};
use super::search::{self, search_text};
use super::{time_opt, Store};
use crate::account::Permission;
use crate::clock::{check_happened, OfficeZone, Time};
use crate::error::{Error, Result, SqlContext};
use crate::input::{self, CompletionDraft, NewTicket, TicketDraft, TicketPatch};
use crate::sla::{self, EscalationReason};
use crate::ticket::{
    similar_locations, Channel, Deadlines, Event, EventAction, Kind, Material, Quote, Satisfaction,
    Scope, Status, Ticket, Urgency, VisitFailure, VisitMethod,
};
use crate::workflow::{self, Action, VisitOutcome};

const TICKET_SELECT: &str =
    "SELECT t.id, t.number, t.kind, t.status, t.channel, t.reporter, t.phone,
    t.site_id, s.name, t.unit_id, u.building, u.unit, u.room, t.location, t.scope,
    t.category_id, c.name, t.urgency, t.appointment_at, t.description, t.received_at,
    t.assignee_id, tech.name, t.dispatched_at, t.assigned_at, t.arrived_at, t.completed_at,
    t.visited_at, t.closed_at, t.cancelled_at, t.hold_reason, t.hold_started_at, t.held_minutes,
    t.cause, t.measures, t.labour_minutes, t.paid, t.fee_fen, t.payment_method, t.owner_signed,
    t.satisfaction, t.visit_note, t.rework_count, t.duplicate_of_id, d.number, t.cancel_reason,
    t.print_count, t.remind_count, t.dispatch_due, t.arrival_due, t.completion_due, t.visit_due,
    t.status_changed_at, t.resolution, t.dept, t.resolved_at,
    (SELECT count(*) FROM ticket_events re WHERE re.ticket_id = t.id AND re.action = 'reschedule'),
    t.occurred_at, t.requested_technician
  FROM tickets t
  JOIN categories c ON c.id = t.category_id
  LEFT JOIN sites s ON s.id = t.site_id
  LEFT JOIN units u ON u.id = t.unit_id
  LEFT JOIN technicians tech ON tech.id = t.assignee_id
  LEFT JOIN tickets d ON d.id = t.duplicate_of_id";

/// The SQL twin of [`sla::overdue_stage`], for filtering; `now` is the placeholder
/// (`?N`) bound to epoch seconds.
fn overdue_sql(now: &str) -> String {
    format!(
        "((t.status = 'received' AND t.dispatch_due < {now})
    OR (t.status = 'assigned' AND (t.arrival_due < {now} OR t.completion_due < {now}))
    OR (t.status = 'in_progress' AND t.completion_due < {now})
    OR (t.status = 'on_hold' AND t.completion_due < t.hold_started_at)
    OR (t.status = 'completed' AND t.visit_due < {now}))"
    )
}

/// A stored code (status, kind …) read back; one the program does not know is a
/// database error naming the column, not a user's typo.
fn code<T>(r: &Row, idx: usize, parse: fn(&str) -> Result<T>) -> Result<T> {
    let s: String = r.get(idx)?;
    parse(&s).map_err(|_| {
        DbError::Column {
            index: idx,
            found: "unknown code",
        }
        .into()
    })
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty())
}

fn ticket_row(r: &Row, zone: &OfficeZone, now: &Time) -> Result<Ticket> {
    let t = |i: usize| -> Result<Option<Time>> { Ok(time_opt(zone, r.get(i)?)) };
    let mut ticket = Ticket {
        id: r.get(0)?,
        number: r.get(1)?,
        kind: code(r, 2, Kind::parse)?,
        status: code(r, 3, Status::parse)?,
        channel: code(r, 4, Channel::parse)?,
        reporter: r.get(5)?,
        phone: r.get(6)?,
        site_id: r.get(7)?,
        site: r.get(8)?,
        unit_id: r.get(9)?,
        building: non_empty(r.get(10)?),
        unit: non_empty(r.get(11)?),
        room: non_empty(r.get(12)?),
        location: r.get(13)?,
        scope: code(r, 14, Scope::parse)?,
        category_id: r.get(15)?,
        category: r.get(16)?,
        urgency: code(r, 17, Urgency::parse)?,
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
        satisfaction: match r.get::<Option<String>>(40)? {
            Some(_) => Some(code(r, 40, Satisfaction::parse)?),
            None => None,
        },
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
        resolution: r.get(53)?,
        dept: r.get(54)?,
        resolved_at: t(55)?,
        reschedule_count: r.get(56)?,
        occurred_at: t(57)?,
        requested_technician: r.get(58)?,
        overdue: false,
        overdue_stage: None,
    };
    ticket.overdue_stage = sla::overdue_stage(&ticket, now);
    ticket.overdue = ticket.overdue_stage.is_some();
    Ok(ticket)
}

fn load_materials(db: &Db, ticket_id: i64) -> Result<Vec<Material>> {
    db.query(
        "SELECT name, spec, quantity, unit_price_fen, amount_fen FROM ticket_materials
         WHERE ticket_id = ?1 ORDER BY position",
        &[&ticket_id],
    )
    .sql("ticket materials")?
    .iter()
    .map(|r| {
        Ok(Material {
            name: r.get(0)?,
            spec: r.get(1)?,
            quantity: r.get(2)?,
            unit_price_fen: r.get(3)?,
            amount_fen: r.get(4)?,
        })
    })
    .collect()
}

/// Append `materials[from..]` to a ticket's materials (positions count from 1).
fn insert_materials(db: &Db, ticket_id: i64, materials: &[Material], from: usize) -> Result<()> {
    for (i, m) in materials.iter().enumerate().skip(from) {
        db.execute(
            "INSERT INTO ticket_materials (ticket_id, position, name, spec, quantity, unit_price_fen, amount_fen)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            &[
                &ticket_id,
                &(i + 1),
                &m.name,
                &m.spec,
                &m.quantity,
                &m.unit_price_fen,
                &m.amount_fen,
            ],
        )
        .sql("insert material")?;
    }
    Ok(())
}

fn not_found(number: &str) -> Error {
    Error::NotFound(format!("工单“{}”不存在，请检查工单号", number.trim()))
}

/// The next ticket number for this prefix and local month (`BX-202611-0001`). The
/// counter row is bumped by one atomic upsert inside the ticket's transaction: the
/// update locks the row until commit on both engines, so two desks never get the same
/// number, and a rolled-back ticket rolls its number back too (no gaps).
/// The next number of `prefix` in a local month, inside the ticket's transaction.
pub(crate) fn next_number(tx: &Db, prefix: &str, month: &str) -> Result<String> {
    let seq: i64 = tx
        .query_one(
            "INSERT INTO number_sequences (key, last) VALUES (?1, 1)
             ON CONFLICT (key) DO UPDATE SET last = number_sequences.last + 1
             RETURNING last",
            &[&format!("{prefix}-{month}")],
        )
        .sql("next ticket number")?
        .get(0)?;
    Ok(format!("{prefix}-{month}-{seq:04}"))
}

fn ts(v: &Option<Time>) -> Option<i64> {
    v.map(|t| t.timestamp())
}

/// The columns a workflow step can change, assignee_id … resolved_at, in the
/// order both the INSERT and the UPDATE below list them — said once.
fn progress(t: &Ticket) -> Vec<Value> {
    let cols: [&dyn Param; 33] = [
        &t.assignee_id,
        &ts(&t.dispatched_at),
        &ts(&t.assigned_at),
        &ts(&t.arrived_at),
        &ts(&t.completed_at),
        &ts(&t.visited_at),
        &ts(&t.closed_at),
        &ts(&t.cancelled_at),
        &t.hold_reason,
        &ts(&t.hold_started_at),
        &t.held_minutes,
        &t.cause,
        &t.measures,
        &t.labour_minutes,
        &t.paid,
        &t.fee_fen,
        &t.payment_method,
        &t.owner_signed,
        &t.satisfaction.map(|s| s.code()),
        &t.visit_note,
        &t.rework_count,
        &t.duplicate_of_id,
        &t.cancel_reason,
        &t.print_count,
        &t.remind_count,
        &ts(&t.deadlines.dispatch),
        &ts(&t.deadlines.arrival),
        &ts(&t.deadlines.completion),
        &ts(&t.deadlines.visit),
        &t.status_changed_at.timestamp(),
        &t.resolution,
        &t.dept,
        &ts(&t.resolved_at),
    ];
    cols.iter().map(|p| p.value()).collect()
}

fn refs(values: &[Value]) -> Vec<&dyn Param> {
    values.iter().map(|v| v as &dyn Param).collect()
}

/// `before`, then [`progress`] of `t`, then `after`, as one parameter list.
fn params(before: &[&dyn Param], t: &Ticket, after: &[&dyn Param]) -> Vec<Value> {
    let mut all: Vec<Value> = before.iter().map(|p| p.value()).collect();
    all.extend(progress(t));
    all.extend(after.iter().map(|p| p.value()));
    all
}

/// The one place a ticket row is written new: every stored column of `t` (ids, not the
/// display names) with its materials, and `search_text` for the keyword search. Pass
/// the write's transaction (`&tx`); the caller writes the `created` event beside it.
/// Returns the new id.
pub(crate) fn insert_ticket(db: &Db, t: &Ticket, search_text: &str) -> Result<i64> {
    let id: i64 = db
        .query_one(
            "INSERT INTO tickets (number, kind, status, channel, reporter, phone, site_id, unit_id,
                location, scope, category_id, urgency, appointment_at, description, received_at,
                assignee_id, dispatched_at, assigned_at, arrived_at, completed_at, visited_at,
                closed_at, cancelled_at, hold_reason, hold_started_at, held_minutes, cause, measures,
                labour_minutes, paid, fee_fen, payment_method, owner_signed, satisfaction, visit_note,
                rework_count, duplicate_of_id, cancel_reason, print_count, remind_count, dispatch_due,
                arrival_due, completion_due, visit_due, status_changed_at, resolution, dept,
                resolved_at, search_text)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34,
                ?35, ?36, ?37, ?38, ?39, ?40, ?41, ?42, ?43, ?44, ?45, ?46, ?47, ?48, ?49)
             RETURNING id",
            &refs(&params(
                &[
                    &t.number,
                    &t.kind.code(),
                    &t.status.code(),
                    &t.channel.code(),
                    &t.reporter,
                    &t.phone,
                    &t.site_id,
                    &t.unit_id,
                    &t.location,
                    &t.scope.code(),
                    &t.category_id,
                    &t.urgency.code(),
                    &ts(&t.appointment_at),
                    &t.description,
                    &t.received_at.timestamp(),
                ],
                t,
                &[&search_text],
            )),
        )
        .sql("insert ticket")?
        .get(0)?;
    // PostgreSQL's index follows search_text by itself; SQLite's is a row of its own.
    search::index_ticket(db, id, search_text)?;
    insert_materials(db, id, &t.materials, 0)?;
    Ok(id)
}

/// Write every field the workflow can change (改约 moves the appointment too), and the
/// materials added since load.
fn write_ticket(db: &Db, t: &Ticket, materials_before: usize) -> Result<()> {
    db.execute(
        "UPDATE tickets SET status = ?2, assignee_id = ?3, dispatched_at = ?4, assigned_at = ?5,
            arrived_at = ?6, completed_at = ?7, visited_at = ?8, closed_at = ?9, cancelled_at = ?10,
            hold_reason = ?11, hold_started_at = ?12, held_minutes = ?13, cause = ?14, measures = ?15,
            labour_minutes = ?16, paid = ?17, fee_fen = ?18, payment_method = ?19, owner_signed = ?20,
            satisfaction = ?21, visit_note = ?22, rework_count = ?23, duplicate_of_id = ?24,
            cancel_reason = ?25, print_count = ?26, remind_count = ?27, dispatch_due = ?28,
            arrival_due = ?29, completion_due = ?30, visit_due = ?31, status_changed_at = ?32,
            resolution = ?33, dept = ?34, resolved_at = ?35, appointment_at = ?36
         WHERE id = ?1",
        &refs(&params(
            &[&t.id, &t.status.code()],
            t,
            &[&ts(&t.appointment_at)],
        )),
    )
    .sql("update ticket")?;
    insert_materials(db, t.id, &t.materials, materials_before)
}

/// The urgency a checked ticket gets (typed, else the category's default); a 预约 needs
/// its appointment.
fn urgency_of(nt: &NewTicket, default: Urgency) -> Result<Urgency> {
    let urgency = nt.urgency.unwrap_or(default);
    if urgency == Urgency::Scheduled && nt.appointment_at.is_none() {
        return Err(Error::invalid(
            "预约报修需填写预约时间，请与业主约定上门时间",
        ));
    }
    Ok(urgency)
}

/// A 报修 may not use a complaint category (服务态度, 保洁 …); 投诉 and 咨询 may use any.
fn category_fits(category: &Category, kind: Kind) -> Result<()> {
    if category.kind.fits(kind) {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "“{}”是{}，{}不能选用；请选择报修类别或“其他”",
        category.name,
        category.kind.label(),
        kind.label()
    )))
}

/// The site and unit ids of a checked ticket's place (in `tx`): the 小区 must be a known
/// one (refused with the list otherwise), the unit is created if new.
fn place_ids(tx: &Db, nt: &NewTicket) -> Result<(Option<i64>, Option<i64>)> {
    let sid = nt
        .site
        .as_deref()
        .map(|s| known_site_id(tx, s))
        .transpose()?;
    let uid = match (nt.scope, sid, nt.room.as_deref()) {
        (Scope::InHome, Some(sid), Some(room)) => Some(unit_id(
            tx,
            sid,
            nt.building.as_deref().unwrap_or(""),
            nt.unit.as_deref().unwrap_or(""),
            room,
        )?),
        _ => None,
    };
    Ok((sid, uid))
}

/// The building, unit and room a checked ticket keeps, as they read back from `units`
/// (normalised; none for a public area).
fn kept_home(nt: &NewTicket) -> [Option<String>; 3] {
    let kept = |v: &Option<String>, norm: fn(&str) -> String| match nt.scope {
        Scope::InHome => v.as_deref().map(norm).filter(|s| !s.is_empty()),
        Scope::PublicArea => None,
    };
    [
        kept(&nt.building, normalize_building),
        kept(&nt.unit, normalize_unit),
        kept(&nt.room, normalize_room),
    ]
}

/// The keyword search's text of a ticket: only what the ticket keeps is searchable (a
/// public-area ticket has no room).
fn ticket_search_text(number: &str, nt: &NewTicket) -> String {
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
    // The phone as written (0571-88886666) and as digits, so 88886666 finds it too.
    let digits: String = nt.phone.chars().filter(char::is_ascii_digit).collect();
    search_text(&[
        number,
        &nt.reporter,
        &nt.phone,
        &digits,
        &place,
        &nt.description,
    ])
}

/// A stored ticket as the draft it would be registered from (for 更正).
fn draft_of(t: &Ticket) -> TicketDraft {
    TicketDraft {
        kind: Some(t.kind.code().into()),
        channel: Some(t.channel.code().into()),
        reporter: Some(t.reporter.clone()),
        phone: Some(t.phone.clone()),
        site: t.site.clone(),
        building: t.building.clone(),
        unit: t.unit.clone(),
        room: t.room.clone(),
        location: t.location.clone(),
        scope: Some(t.scope.code().into()),
        category: Some(t.category.clone()),
        urgency: Some(t.urgency.code().into()),
        appointment_at: t.appointment_at.map(|a| a.to_rfc3339()),
        description: Some(t.description.clone()),
        received_at: Some(t.received_at.to_rfc3339()),
        occurred_at: t.occurred_at.map(|o| o.to_rfc3339()),
        requested_technician: t.requested_technician.clone(),
    }
}

/// One field a 更正 changes: its Chinese name, before and after as the desk reads them.
struct Change {
    field: &'static str,
    before: String,
    after: String,
}

/// 更正 after completion (待回访, 已完结) may only touch these, and only by a 主管.
const CLOSED_EDITABLE: &[&str] = &["类别", "紧急程度"];

/// The fields that differ between `old` and the corrected ticket, in form order.
fn changes(old: &Ticket, nt: &NewTicket, category: &str, urgency: Urgency) -> Vec<Change> {
    let shown = |v: Option<&str>| v.filter(|s| !s.is_empty()).unwrap_or("（空）").to_string();
    let time = |v: Option<&Time>| {
        v.map_or("（空）".to_string(), |t| {
            t.format("%Y-%m-%d %H:%M").to_string()
        })
    };
    let [building, unit, room] = kept_home(nt);
    let pairs: [(&'static str, String, String); 13] = [
        ("工单类型", old.kind.label().into(), nt.kind.label().into()),
        ("报修人", old.reporter.clone(), nt.reporter.clone()),
        ("电话", shown(Some(&old.phone)), shown(Some(&nt.phone))),
        (
            "小区",
            shown(old.site.as_deref()),
            shown(nt.site.as_deref()),
        ),
        (
            "报修范围",
            old.scope.label().into(),
            nt.scope.label().into(),
        ),
        (
            "楼栋",
            shown(old.building.as_deref()),
            shown(building.as_deref()),
        ),
        ("单元", shown(old.unit.as_deref()), shown(unit.as_deref())),
        ("房号", shown(old.room.as_deref()), shown(room.as_deref())),
        (
            "报修位置",
            shown(old.location.as_deref()),
            shown(nt.location.as_deref()),
        ),
        ("类别", old.category.clone(), category.to_string()),
        (
            "紧急程度",
            old.urgency.label().into(),
            urgency.label().into(),
        ),
        (
            "预约时间",
            time(old.appointment_at.as_ref()),
            time(nt.appointment_at.as_ref()),
        ),
        ("故障描述", old.description.clone(), nt.description.clone()),
    ];
    pairs
        .into_iter()
        .filter(|(_, a, b)| a != b)
        .map(|(field, before, after)| Change {
            field,
            before,
            after,
        })
        .collect()
}

/// WHERE clauses with positional parameters: [`Filter::param`] binds the next value and
/// names its `?N`, so the numbering lives here alone.
#[derive(Default)]
struct Filter {
    clauses: Vec<String>,
    args: Vec<Value>,
}

impl Filter {
    fn param(&mut self, v: Value) -> String {
        self.args.push(v);
        format!("?{}", self.args.len())
    }

    /// A clause with no parameter, or whose `?N` came from [`Filter::param`].
    fn clause(&mut self, sql: String) {
        self.clauses.push(sql);
    }

    /// A clause with one `?`, bound to `v`.
    fn push(&mut self, clause: &str, v: Value) {
        let p = self.param(v);
        self.clauses.push(clause.replace('?', &p));
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
}

/// The words of a keyword search, lower-cased and width-folded (none without one).
fn keyword_words(f: &TicketFilter) -> Result<Vec<String>> {
    let Some(q) = f.q.as_deref() else {
        return Ok(Vec::new());
    };
    let q = input::text("搜索关键词", Some(q), 100, false)?.unwrap_or_default();
    Ok(input::fold_width(&q.to_lowercase())
        .split_whitespace()
        .map(str::to_lowercase)
        .collect())
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
    /// 回访 that reached the owner. `satisfaction` (总体满意度) may be left empty when
    /// `quality` and `attitude` are given: it is then the lower of the two.
    Visit {
        #[serde(default)]
        satisfaction: String,
        note: Option<String>,
        /// 回访方式 phone (default) / visit / wechat.
        #[serde(default)]
        method: Option<String>,
        /// 维修质量
        #[serde(default)]
        quality: Option<String>,
        /// 服务态度
        #[serde(default)]
        attitude: Option<String>,
    },
    /// 回访未果: 未接通 / 拒访 / 号码错误; the ticket stays 待回访.
    VisitAttempt {
        result: String,
        #[serde(default)]
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
    /// 改约: the new appointment (`YYYY-MM-DD HH:MM`) and why.
    Reschedule {
        appointment: String,
        reason: String,
    },
    /// 办结 of a 投诉/咨询: the 处理结果 and, if it went there, the 责任部门.
    Resolve {
        result: String,
        dept: Option<String>,
    },
    /// 转交 of a 投诉 to a 主管 or 责任部门.
    Handover {
        dept: String,
    },
    /// 报价 before paid work, with whether the owner agreed (业主同意).
    Quote {
        items: String,
        amount_fen: i64,
        consent: bool,
    },
}

impl Step {
    /// What the acting account's role must allow for this step.
    pub fn permission(&self) -> Permission {
        match self {
            Step::Assign { .. } => Permission::Assign,
            Step::Start => Permission::Start,
            Step::Hold { .. } => Permission::Hold,
            Step::Resume => Permission::Resume,
            Step::Complete(_) => Permission::Complete,
            Step::Visit { .. } | Step::VisitAttempt { .. } => Permission::Visit,
            Step::Cancel { .. } => Permission::Cancel,
            Step::Rework { .. } => Permission::Rework,
            Step::Remind { .. } => Permission::Remind,
            Step::Print => Permission::Print,
            Step::Reschedule { .. } => Permission::Reschedule,
            Step::Resolve { .. } | Step::Handover { .. } => Permission::Resolve,
            Step::Quote { .. } => Permission::Quote,
        }
    }
}

/// A 回访 as typed: the overall rating given, or computed from 维修质量 and 服务态度.
fn visit_outcome(
    satisfaction: &str,
    note: Option<&str>,
    method: Option<&str>,
    quality: Option<&str>,
    attitude: Option<&str>,
) -> Result<VisitOutcome> {
    let rating = |what: &str, v: Option<&str>| -> Result<Option<Satisfaction>> {
        match v.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Satisfaction::parse(s)
                .map(Some)
                .map_err(|e| Error::invalid(format!("{what}：{e}"))),
            None => Ok(None),
        }
    };
    let quality = rating("维修质量", quality)?;
    let attitude = rating("服务态度", attitude)?;
    let satisfaction = match (rating("满意度", Some(satisfaction))?, quality, attitude) {
        (Some(s), _, _) => s,
        (None, Some(q), Some(a)) => Satisfaction::overall(q, a),
        (None, Some(one), None) | (None, None, Some(one)) => one,
        (None, None, None) => {
            return Err(Error::invalid(
                "回访需填写满意度（或维修质量和服务态度）；未接通请登记为回访未果",
            ))
        }
    };
    let method = match method.map(str::trim).filter(|s| !s.is_empty()) {
        Some(m) => VisitMethod::parse(m)?,
        None => VisitMethod::Phone,
    };
    Ok(VisitOutcome {
        satisfaction,
        method,
        quality,
        attitude,
        note: input::note("回访记录", note)?,
    })
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
    /// All tickets matching the filter (for the pager); for a keyword search at most
    /// [`COUNT_CAP`], see `total_capped`.
    pub total: i64,
    /// More than `total` tickets match (a keyword search stops counting at the cap).
    pub total_capped: bool,
    pub limit: i64,
    pub offset: i64,
    pub tickets: Vec<Ticket>,
}

/// A keyword search counts this many matching tickets at most.
pub const COUNT_CAP: i64 = 1000;

/// A list's page size and start as asked (absent: the first 50), checked the same way
/// for every paged list.
fn page_bounds(limit: Option<i64>, offset: Option<i64>) -> Result<(i64, i64)> {
    let limit = limit.unwrap_or(50);
    if !(1..=1000).contains(&limit) {
        return Err(Error::invalid("每页条数必须在 1 到 1000 之间"));
    }
    let offset = offset.unwrap_or(0);
    if offset < 0 {
        return Err(Error::invalid("偏移量不能为负数"));
    }
    Ok((limit, offset))
}

/// The page query of the ticket list.
/// The joins a sort by 类别 or 维修人员 needs in [`ListSql::select`]'s page of ids.
const CATEGORY_JOIN: &str = " JOIN categories c ON c.id = t.category_id";
const TECHNICIAN_JOIN: &str = " LEFT JOIN technicians tech ON tech.id = t.assignee_id";

struct ListSql {
    where_sql: String,
    args: Vec<Value>,
    order: &'static str,
    /// The join the sort reads a column of (categories `c`, technicians `tech`), if any.
    order_join: &'static str,
    limit: i64,
    offset: i64,
    keyword: bool,
}

impl ListSql {
    /// The page's ids first, sorted over narrow rows, then those rows whole: the joins
    /// and per-row subqueries of [`TICKET_SELECT`] run for the page, not for every
    /// ticket a sort looks at (at a million tickets, sorting by 维修人员 took 2.2 s).
    fn select(&self) -> String {
        let ListSql {
            where_sql,
            order,
            order_join,
            limit,
            offset,
            ..
        } = self;
        format!(
            "{TICKET_SELECT} WHERE t.id IN (
                SELECT t.id FROM tickets t{order_join}{where_sql}
                 ORDER BY {order} LIMIT {limit} OFFSET {offset})
             ORDER BY {order}"
        )
    }
}

/// Whom to chase for a ticket late for `reason`: the rule's role or person, or for
/// [`sla::TEAM_LEAD`] the lead of the assigned technician's team by name.
fn chase(
    rules: &[sla::EscalationRule],
    reason: EscalationReason,
    assignee: Option<&str>,
    technicians: &[super::technicians::Technician],
) -> String {
    let target = rules
        .iter()
        .find(|r| r.reason == reason)
        .map_or("", |r| r.chase.as_str());
    if target != sla::TEAM_LEAD {
        return target.to_string();
    }
    let team = assignee
        .and_then(|a| technicians.iter().find(|t| t.name == a))
        .map_or("", |t| t.team.as_str());
    if team.is_empty() {
        return "班组长（维修人员未分班组）".into();
    }
    match technicians
        .iter()
        .find(|t| t.team == team && t.team_lead && t.active)
    {
        Some(lead) => format!("{team}班组长 {}", lead.name),
        None => format!("{team}班组长（未指定，请在维修人员中设置）"),
    }
}

/// The most a 报价 may be: 100,000 元.
const MAX_QUOTE_FEN: i64 = 10_000_000;

/// Whether the ticket's latest 报价 was refused by the owner.
fn quote_refused(db: &Db, ticket_id: i64) -> Result<bool> {
    Ok(db
        .query_opt(
            "SELECT consent FROM quotes WHERE ticket_id = ?1 ORDER BY id DESC LIMIT 1",
            &[&ticket_id],
        )
        .sql("latest quote")?
        .map(|r| r.get::<bool>(0))
        .transpose()?
        .is_some_and(|consent| !consent))
}

impl Store {
    /// A ticket's 报价, oldest first.
    pub fn quotes(&self, number: &str) -> Result<Vec<Quote>> {
        let id = self.ticket(number)?.id;
        self.db
            .query(
                "SELECT at, items, amount_fen, consent, operator FROM quotes
                  WHERE ticket_id = ?1 ORDER BY id",
                &[&id],
            )
            .sql("ticket quotes")?
            .iter()
            .map(|r| {
                Ok(Quote {
                    at: self.zone.from_epoch(r.get(0)?),
                    items: r.get(1)?,
                    amount_fen: r.get(2)?,
                    consent: r.get(3)?,
                    operator: r.get(4)?,
                })
            })
            .collect()
    }
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
    /// 催办对象: whom the desk chases, from the 催办规则 (the 班组长 named when the
    /// assigned technician's team has one).
    pub chase: String,
}

/// One page of the 催办清单, in the list's order, and how long the whole list is (the
/// 工作台 shows a page at a time: a company-scale office can have well over a thousand).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct EscalationPage {
    /// Every ticket on the list now (for the pager).
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
    pub escalations: Vec<Escalation>,
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

/// A 责任部门 or 主管's name, as typed at 转交 / 办结.
const MAX_DEPT: usize = 40;

/// 重复报修提醒 looks this far either side of the draft's time.
const DUPLICATE_WINDOW_HOURS: i64 = 72;

fn parse_date(field: &str, s: &str) -> Result<NaiveDate> {
    crate::clock::parse_date(field, s)
}

impl Store {
    /// A ticket by number through `db` (the store's connection, or a write's `&tx`).
    fn load_in(&self, db: &Db, number: &str) -> Result<Option<Ticket>> {
        let now = self.now();
        let row = db
            .query_opt(
                &format!("{TICKET_SELECT} WHERE t.number = ?1"),
                &[&clean_number(number)],
            )
            .sql("ticket by number")?;
        row.map(|r| {
            let mut t = ticket_row(&r, &self.zone, &now)?;
            t.materials = load_materials(db, t.id)?;
            Ok(t)
        })
        .transpose()
    }

    fn load(&self, number: &str) -> Result<Option<Ticket>> {
        self.load_in(&self.db, number)
    }

    /// Who made the ticket's last status change (for a conflict message).
    fn last_operator(&self, db: &Db, ticket_id: i64) -> Result<String> {
        Ok(db
            .query_opt(
                "SELECT operator FROM ticket_events
                  WHERE ticket_id = ?1 AND to_status IS NOT NULL
                  ORDER BY id DESC LIMIT 1",
                &[&ticket_id],
            )
            .sql("last operator")?
            .map(|r| r.get::<String>(0))
            .transpose()?
            .unwrap_or_else(|| "其他电脑".into()))
    }

    /// A ticket a write is about to change, its row locked until the transaction ends
    /// (see [`Db::for_update`]). PostgreSQL refuses FOR UPDATE on the nullable side of
    /// the full select's outer joins, so the ticket row alone is locked first.
    fn ticket_for_update(&self, tx: &Db, number: &str) -> Result<Ticket> {
        tx.query_opt(
            &format!(
                "SELECT id FROM tickets WHERE number = ?1{}",
                tx.for_update()
            ),
            &[&clean_number(number)],
        )
        .sql("lock ticket")?;
        self.load_in(tx, number)?.ok_or_else(|| not_found(number))
    }

    /// One ticket with its materials.
    pub fn ticket(&self, number: &str) -> Result<Ticket> {
        self.load(number)?.ok_or_else(|| not_found(number))
    }

    /// 报修登记: check the draft, number the ticket by the local month it was received
    /// in, and insert it with its `created` event — all in one transaction.
    pub fn create_ticket(&mut self, draft: &TicketDraft, operator: &str) -> Result<Ticket> {
        let operator = self.operator(Permission::Register, Some(operator))?;
        let now = self.now();
        let nt = draft.check(&self.zone, &now)?;
        let category = self.category_by_name(&nt.category)?;
        category_fits(&category, nt.kind)?;
        let urgency = urgency_of(&nt, category.default_urgency)?;
        let rule = self.sla_rule(category.id, urgency)?;
        let appointment = nt.appointment_at.filter(|_| urgency == Urgency::Scheduled);
        let deadlines = sla::initial(&nt.received_at, appointment.as_ref(), &rule)?;
        let prefix = self.settings()?.number_prefix;
        let month = self.zone.month_key(&nt.received_at);

        // 指定师傅 must be someone on the team, still working here.
        if let Some(name) = &nt.requested_technician {
            let t = self.technician(name)?;
            if !t.active {
                return Err(Error::Precondition(format!(
                    "指定师傅“{name}”已停用，请与业主另约在岗的维修人员"
                )));
            }
        }
        let tx = self.begin()?;
        let (sid, uid) = place_ids(&tx, &nt)?;
        let number = next_number(&tx, &prefix, &month)?;
        let search = ticket_search_text(&number, &nt);
        let ticket = Ticket {
            number: number.clone(),
            kind: nt.kind,
            status: Status::Received,
            channel: nt.channel,
            reporter: nt.reporter.clone(),
            phone: nt.phone.clone(),
            site: nt.site.clone(),
            building: nt.building.clone(),
            unit: nt.unit.clone(),
            room: nt.room.clone(),
            location: nt.location.clone(),
            scope: nt.scope,
            category: category.name.clone(),
            urgency,
            appointment_at: nt.appointment_at,
            description: nt.description.clone(),
            received_at: nt.received_at,
            assignee: None,
            dispatched_at: None,
            arrived_at: None,
            completed_at: None,
            visited_at: None,
            closed_at: None,
            cancelled_at: None,
            hold_reason: None,
            cause: None,
            measures: None,
            materials: Vec::new(),
            labour_minutes: 0,
            paid: false,
            fee_fen: 0,
            payment_method: None,
            owner_signed: false,
            satisfaction: None,
            visit_note: None,
            rework_count: 0,
            duplicate_of: None,
            deadlines,
            overdue: false,
            overdue_stage: None,
            cancel_reason: None,
            held_minutes: 0,
            print_count: 0,
            remind_count: 0,
            reschedule_count: 0,
            occurred_at: nt.occurred_at,
            requested_technician: nt.requested_technician.clone(),
            resolution: None,
            dept: None,
            resolved_at: None,
            id: 0,
            category_id: category.id,
            site_id: sid,
            unit_id: uid,
            assignee_id: None,
            duplicate_of_id: None,
            assigned_at: None,
            hold_started_at: None,
            status_changed_at: nt.received_at,
        };
        let id = insert_ticket(&tx, &ticket, &search)?;
        if ticket.occurred_at.is_some() || ticket.requested_technician.is_some() {
            tx.execute(
                "UPDATE tickets SET occurred_at = ?1, requested_technician = ?2 WHERE id = ?3",
                &[&ts(&ticket.occurred_at), &ticket.requested_technician, &id],
            )
            .sql("intake details")?;
        }
        insert_event(
            &tx,
            id,
            &Event::new(
                nt.received_at,
                &operator,
                EventAction::Created,
                None,
                Some(Status::Received),
                Some(format!("{}{}", nt.channel.label(), nt.kind.label())),
            ),
        )?;
        tx.commit().sql("commit new ticket")?;
        self.ticket(&number)
    }

    /// The steps the desk may take on `t` now: what the workflow allows
    /// ([`workflow::available`]) less what the signed-in role may not do — the window
    /// enables exactly these.
    pub fn available_steps(&self, t: &Ticket) -> Result<Vec<EventAction>> {
        let mut out = Vec::new();
        for step in workflow::available(t) {
            let mut needs: Vec<Permission> =
                crate::account::step_permission(step).into_iter().collect();
            if step == EventAction::Edit {
                needs.extend(crate::account::edit_closed_permission(t.status));
            }
            let mut allowed = true;
            for p in needs {
                allowed &= self.may(p)?;
            }
            if allowed {
                out.push(step);
            }
        }
        Ok(out)
    }

    /// 更正: change what was registered — the patch's fields, checked as `ticket new`
    /// checks them — with one `edit` event listing each field before → after, and the
    /// deadlines recomputed for the new category/urgency (and appointment) as if the
    /// ticket had been received with them. Refused for a cancelled ticket, for a patch
    /// that changes nothing, and after completion (待回访, 已完结) for anything but the
    /// category and urgency, which then need [`Permission::EditClosed`] (主管).
    pub fn edit_ticket(
        &mut self,
        number: &str,
        patch: &TicketPatch,
        operator: &str,
    ) -> Result<Ticket> {
        let operator = self.operator(Permission::Edit, Some(operator))?;
        let now = self.now();
        let tx = self.begin()?;
        let old = self.ticket_for_update(&tx, number)?;
        if old.status == Status::Cancelled {
            return Err(Error::WrongStatus(format!(
                "工单 {} 已取消，不能更正；如需处理请重新登记",
                old.number
            )));
        }
        let nt = patch.over(&draft_of(&old)).check(&self.zone, &now)?;
        let category = self.category_by_name(&nt.category)?;
        category_fits(&category, nt.kind)?;
        let urgency = urgency_of(&nt, category.default_urgency)?;
        let changed = changes(&old, &nt, &category.name, urgency);
        if changed.is_empty() {
            return Err(Error::invalid(format!(
                "更正的内容与工单 {} 现有内容相同，没有需要保存的修改",
                old.number
            )));
        }
        if let Some(closed) = crate::account::edit_closed_permission(old.status) {
            if let Some(c) = changed.iter().find(|c| !CLOSED_EDITABLE.contains(&c.field)) {
                return Err(Error::WrongStatus(format!(
                    "工单 {} 已完工（{}），不能再更正{}；完工后只能由主管更正类别和紧急程度",
                    old.number,
                    old.status.label(),
                    c.field
                )));
            }
            self.operator(closed, Some(&operator))?;
        }

        // The clock's base: the appointment for a 预约 (or once 改约 set one), else the
        // call — unchanged after a 返修, whose restart time the deadlines already hold.
        let base = |appointment: Option<Time>, urgency: Urgency| match appointment {
            Some(a)
                if old.rework_count == 0
                    && (urgency == Urgency::Scheduled || old.reschedule_count > 0) =>
            {
                a
            }
            _ => old.received_at,
        };
        let old_rule = self.sla_rule(old.category_id, old.urgency)?;
        let new_rule = self.sla_rule(category.id, urgency)?;
        let deadlines = sla::recompute(
            &old.deadlines,
            &base(old.appointment_at, old.urgency),
            &base(nt.appointment_at, urgency),
            &old_rule,
            &new_rule,
        )?;
        let (sid, uid) = place_ids(&tx, &nt)?;
        let search = ticket_search_text(&old.number, &nt);
        tx.execute(
            "UPDATE tickets SET kind = ?2, reporter = ?3, phone = ?4, site_id = ?5, unit_id = ?6,
                location = ?7, scope = ?8, category_id = ?9, urgency = ?10, appointment_at = ?11,
                description = ?12, dispatch_due = ?13, arrival_due = ?14, completion_due = ?15,
                visit_due = ?16, search_text = ?17
             WHERE id = ?1",
            &[
                &old.id,
                &nt.kind.code(),
                &nt.reporter,
                &nt.phone,
                &sid,
                &uid,
                &nt.location,
                &nt.scope.code(),
                &category.id,
                &urgency.code(),
                &ts(&nt.appointment_at),
                &nt.description,
                &ts(&deadlines.dispatch),
                &ts(&deadlines.arrival),
                &ts(&deadlines.completion),
                &ts(&deadlines.visit),
                &search,
            ],
        )
        .sql("edit ticket")?;
        search::reindex_ticket(&tx, old.id, &search)?;
        let note = changed
            .iter()
            .map(|c| format!("{}：{} → {}", c.field, c.before, c.after))
            .collect::<Vec<_>>()
            .join("；");
        insert_event(
            &tx,
            old.id,
            &Event::new(
                now,
                &operator,
                EventAction::Edit,
                Some(old.status),
                Some(old.status),
                Some(note),
            ),
        )?;
        tx.commit().sql("commit edit")?;
        self.ticket(&old.number)
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
        self.apply_step_seen(number, step, at, operator, None)
    }

    /// [`Store::apply_step`] from a screen that showed the ticket in status `seen`:
    /// if another PC moved it on meanwhile (two 派单 at once, 完工 while it is being
    /// cancelled), the step is refused as a `conflict` naming who changed it, and
    /// nothing is written. The ticket row is locked first, so of two racing steps
    /// exactly one sees the status it expected.
    pub fn apply_step_seen(
        &mut self,
        number: &str,
        step: Step,
        at: Option<&str>,
        operator: &str,
        seen: Option<Status>,
    ) -> Result<Ticket> {
        let operator = self.operator(step.permission(), Some(operator))?;
        let now = self.now();
        let at = match at.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => self.zone.parse_input("操作时间", s)?,
            None => now,
        };
        check_happened("操作时间", &at, &now)?;

        let tx = self.begin()?;
        let ticket = self.ticket_for_update(&tx, number)?;
        if let Some(seen) = seen.filter(|s| *s != ticket.status) {
            let by = self.last_operator(&tx, ticket.id)?;
            return Err(Error::Conflict(format!(
                "工单 {} 刚被（{by}）更新为「{}」（您看到的是「{}」），请刷新后重试",
                ticket.number,
                ticket.status.label(),
                seen.label()
            )));
        }
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
            Step::Visit {
                satisfaction,
                note,
                method,
                quality,
                attitude,
            } => steps.push((
                Action::Visit(visit_outcome(
                    &satisfaction,
                    note.as_deref(),
                    method.as_deref(),
                    quality.as_deref(),
                    attitude.as_deref(),
                )?),
                at,
            )),
            Step::VisitAttempt { result, note } => steps.push((
                Action::VisitAttempt {
                    result: VisitFailure::parse(&result)?,
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
            Step::Reschedule {
                appointment,
                reason,
            } => steps.push((
                Action::Reschedule {
                    appointment: self.zone.parse_input("预约时间", &appointment)?,
                    reason: input::reason("改约原因", Some(&reason))?,
                },
                at,
            )),
            Step::Resolve { result, dept } => steps.push((
                Action::Resolve {
                    result: input::reason("处理结果", Some(&result))?,
                    dept: input::text("责任部门", dept.as_deref(), MAX_DEPT, false)?,
                },
                at,
            )),
            Step::Handover { dept } => steps.push((
                Action::Handover {
                    dept: input::required("责任部门", Some(&dept), MAX_DEPT, false)?,
                },
                at,
            )),
            Step::Quote {
                items,
                amount_fen,
                consent,
            } => {
                if !(0..=MAX_QUOTE_FEN).contains(&amount_fen) {
                    return Err(Error::invalid(format!(
                        "报价金额必须在 0 到 {} 元之间",
                        MAX_QUOTE_FEN / 100
                    )));
                }
                steps.push((
                    Action::Quote {
                        items: input::required("报价项目", Some(&items), 200, false)?,
                        amount_fen,
                        consent,
                    },
                    at,
                ));
            }
        }
        // 有偿 work needs the owner's consent: after a quote the owner refused, the
        // completion may not charge (a new quote the owner accepts comes first).
        if let Some((Action::Complete(c), _)) = steps.last() {
            if c.paid && quote_refused(&tx, ticket.id)? {
                return Err(Error::Precondition(format!(
                    "工单 {} 的报价业主不同意，不能按有偿完工；请重新报价并征得业主同意，或按无偿完工",
                    ticket.number
                )));
            }
        }

        let rule = self.sla_rule(ticket.category_id, ticket.urgency)?;
        let mut current = ticket;
        for (action, when) in steps {
            let before = current.materials.len();
            let (next, event) = workflow::apply(&current, action.clone(), when, &operator, &rule)?;
            write_ticket(&tx, &next, before)?;
            insert_event(&tx, next.id, &event)?;
            match &action {
                Action::Complete(c) => insert_round(&tx, next.id, c, before, &when, &operator)?,
                Action::Visit(v) => record_visit(&tx, next.id, &when, v)?,
                Action::VisitAttempt { result, note } => {
                    insert_attempt(&tx, next.id, &when, *result, note, &operator)?
                }
                Action::Quote {
                    items,
                    amount_fen,
                    consent,
                } => tx
                    .execute(
                        "INSERT INTO quotes (ticket_id, at, items, amount_fen, consent, operator)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        &[
                            &next.id,
                            &when.timestamp(),
                            items,
                            amount_fen,
                            consent,
                            &operator,
                        ],
                    )
                    .map(|_| ())
                    .sql("insert quote")?,
                _ => {}
            }
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
        let operator = self.operator(Permission::Print, Some(operator))?;
        let now = self.now();
        let tx = self.begin()?;
        for number in numbers {
            let ticket = self.ticket_for_update(&tx, number)?;
            let rule = self.sla_rule(ticket.category_id, ticket.urgency)?;
            let before = ticket.materials.len();
            let (next, event) = workflow::apply(&ticket, Action::Print, now, &operator, &rule)?;
            write_ticket(&tx, &next, before)?;
            insert_event(&tx, next.id, &event)?;
        }
        deliver()?;
        tx.commit().sql("commit prints")
    }

    /// 工单列表: filters, keyword search, sorting and paging. A keyword search counts
    /// at most [`COUNT_CAP`] tickets (`total_capped` then says there are more).
    pub fn list_tickets(&self, f: &TicketFilter) -> Result<TicketPage> {
        let now = self.now();
        let l = self.list_sql(f)?;
        let args: Vec<&dyn Param> = l.args.iter().map(|v| v as &dyn Param).collect();
        let where_sql = &l.where_sql;
        let counted: i64 = if l.keyword {
            // A common character matches most tickets: count no further than the cap.
            self.db.query_one(
                &format!(
                    "SELECT count(*) FROM (SELECT 1 FROM tickets t{where_sql} LIMIT {}) AS m",
                    COUNT_CAP + 1
                ),
                &args,
            )
        } else {
            self.db
                .query_one(&format!("SELECT count(*) FROM tickets t{where_sql}"), &args)
        }
        .sql("count tickets")?
        .get(0)?;
        let tickets = self
            .db
            .query(&l.select(), &args)
            .sql("list tickets")?
            .iter()
            .map(|r| {
                let mut t = ticket_row(r, &self.zone, &now)?;
                t.materials = load_materials(&self.db, t.id)?;
                Ok(t)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(TicketPage {
            total: counted.min(COUNT_CAP),
            total_capped: counted > COUNT_CAP,
            limit: l.limit,
            offset: l.offset,
            tickets,
        })
    }

    /// The query plan of [`Store::list_tickets`]'s page query, one line per step (for
    /// tests that check the keyword search uses its index). On PostgreSQL sequential
    /// scans are switched off for it, as a test database is too small to prefer an index.
    #[doc(hidden)]
    pub fn list_plan(&self, f: &TicketFilter) -> Result<String> {
        let l = self.list_sql(f)?;
        let args: Vec<&dyn Param> = l.args.iter().map(|v| v as &dyn Param).collect();
        let tx = self.begin()?;
        let (sql, col) = match tx.engine() {
            Engine::Sqlite => (format!("EXPLAIN QUERY PLAN {}", l.select()), 3),
            Engine::Postgres => {
                tx.batch("SET LOCAL enable_seqscan = off").sql("plan")?;
                (format!("EXPLAIN {}", l.select()), 0)
            }
        };
        let lines = tx
            .query(&sql, &args)
            .sql("plan")?
            .iter()
            .map(|r| r.get::<String>(col))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(lines.join("\n"))
    }

    /// The page query of [`Store::list_tickets`]: filters checked, SQL and arguments.
    fn list_sql(&self, f: &TicketFilter) -> Result<ListSql> {
        let now = self.now();
        let mut w = Filter::default();
        if !f.statuses.is_empty() {
            let codes = f
                .statuses
                .iter()
                .flat_map(|s| s.split(','))
                .map(|s| Status::parse(s).map(|s| format!("'{}'", s.code())))
                .collect::<Result<Vec<_>>>()?;
            w.clause(format!("t.status IN ({})", codes.join(", ")));
        }
        if let Some(k) = f.kind.as_deref().filter(|s| !s.trim().is_empty()) {
            w.push("t.kind = ?", Value::Text(Kind::parse(k)?.code().into()));
        }
        if let Some(u) = f.urgency.as_deref().filter(|s| !s.trim().is_empty()) {
            w.push(
                "t.urgency = ?",
                Value::Text(Urgency::parse(u)?.code().into()),
            );
        }
        if let Some(c) = f.category.as_deref().filter(|s| !s.trim().is_empty()) {
            w.push(
                "t.category_id = ?",
                Value::Int(self.category_by_name(c)?.id),
            );
        }
        if let Some(name) = f.technician.as_deref().filter(|s| !s.trim().is_empty()) {
            w.push("t.assignee_id = ?", Value::Int(self.technician(name)?.id));
        }
        if let Some(site) = f.site.as_deref().filter(|s| !s.trim().is_empty()) {
            let id = self
                .find_site(site)?
                .ok_or_else(|| Error::NotFound(format!("小区“{}”不存在", site.trim())))?;
            w.push("t.site_id = ?", Value::Int(id));
        }
        if let Some(m) = f.month.as_deref().filter(|s| !s.trim().is_empty()) {
            let (a, b) = self.zone.month_range(m)?;
            w.push("t.received_at >= ?", Value::Int(a));
            w.push("t.received_at < ?", Value::Int(b));
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
            w.push("t.received_at >= ?", Value::Int(self.zone.day_start(d)?));
        }
        if let Some(d) = f.to.as_deref().filter(|s| !s.trim().is_empty()) {
            let d = parse_date("结束日期", d)?;
            let (_, end) = self.zone.date_range(d, d)?;
            w.push("t.received_at < ?", Value::Int(end));
        }
        if f.overdue {
            let p = w.param(Value::Int(now.timestamp()));
            w.clause(overdue_sql(&p));
        }
        let words = keyword_words(f)?;
        if let Some((clause, arg)) = search::index_clause(self.db.engine(), &words) {
            // A keyword held by too many tickets is left to the LIKE (search.rs).
            if self.keyword_narrows(clause, &arg)? {
                w.push(clause, arg);
            }
        }
        let keyword = !words.is_empty();
        for word in &words {
            let escaped = word
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            w.push(
                "t.search_text LIKE ? ESCAPE '\\'",
                Value::Text(format!("%{escaped}%")),
            );
        }
        let (order, order_join) = match f.sort.as_deref().map(str::trim).unwrap_or("") {
            "" | "-received_at" => ("t.received_at DESC, t.id DESC", ""),
            "received_at" => ("t.received_at ASC, t.id ASC", ""),
            // Numbers grow past 4 digits in busy months: order by length first.
            "number" => ("length(t.number) ASC, t.number ASC", ""),
            "-number" => ("length(t.number) DESC, t.number DESC", ""),
            "status" => ("CASE t.status WHEN 'received' THEN 0 WHEN 'assigned' THEN 1 WHEN 'in_progress' THEN 2 WHEN 'on_hold' THEN 3 WHEN 'completed' THEN 4 WHEN 'closed' THEN 5 ELSE 6 END ASC, t.received_at DESC, t.id DESC", ""),
            "-status" => ("CASE t.status WHEN 'received' THEN 0 WHEN 'assigned' THEN 1 WHEN 'in_progress' THEN 2 WHEN 'on_hold' THEN 3 WHEN 'completed' THEN 4 WHEN 'closed' THEN 5 ELSE 6 END DESC, t.received_at DESC, t.id DESC", ""),
            "urgency" => ("t.urgency ASC, t.received_at DESC, t.id DESC", ""),
            "-urgency" => ("t.urgency DESC, t.received_at DESC, t.id DESC", ""),
            "category" => ("c.sort_order ASC, t.received_at DESC, t.id DESC", CATEGORY_JOIN),
            "-category" => ("c.sort_order DESC, t.received_at DESC, t.id DESC", CATEGORY_JOIN),
            // Unassigned first ascending, last descending (SQLite's NULL order; PG's differs).
            "assignee" => ("tech.name ASC NULLS FIRST, t.received_at DESC, t.id DESC", TECHNICIAN_JOIN),
            "-assignee" => ("tech.name DESC NULLS LAST, t.received_at DESC, t.id DESC", TECHNICIAN_JOIN),
            other => {
                return Err(Error::invalid(format!(
                    "排序字段“{other}”无法识别，可选：received_at、number、status、urgency、category、assignee（前加 - 为倒序）"
                )))
            }
        };
        let (limit, offset) = page_bounds(f.limit, f.offset)?;
        Ok(ListSql {
            where_sql: w.sql(),
            args: w.args,
            order,
            order_join,
            limit,
            offset,
            keyword,
        })
    }

    /// 催办清单: received but not dispatched past the dispatch deadline, dispatched with no
    /// progress for 2 hours, completed but not visited past the visit deadline. Longest
    /// late first: by when each became late (ties by ticket, so pages never overlap).
    pub fn escalations(&self) -> Result<Vec<Escalation>> {
        let (now, rules) = (self.now(), self.escalation_rules()?);
        let all = self.escalation_candidates(&now, &rules)?;
        self.escalation_rows(all.into_iter(), &now, &rules)
    }

    /// One page of [`Store::escalations`] (`limit` rows from `offset`, absent: the
    /// first 50) and the whole list's length. Every candidate is still read and judged
    /// here (the rules are Rust, not SQL), but only the page is built and sent on.
    pub fn escalations_page(
        &self,
        limit: Option<i64>,
        offset: Option<i64>,
    ) -> Result<EscalationPage> {
        let (limit, offset) = page_bounds(limit, offset)?;
        let (now, rules) = (self.now(), self.escalation_rules()?);
        let all = self.escalation_candidates(&now, &rules)?;
        let total = i64::try_from(all.len()).unwrap_or(i64::MAX);
        let page = all
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(0));
        Ok(EscalationPage {
            total,
            limit,
            offset,
            escalations: self.escalation_rows(page, &now, &rules)?,
        })
    }

    /// Every ticket on the 催办清单 now, with its reason and since when, in list order.
    fn escalation_candidates(
        &self,
        now: &Time,
        rules: &[sla::EscalationRule],
    ) -> Result<Vec<(Ticket, EscalationReason, Time)>> {
        // Tickets whose stage began before now minus the rule's minutes.
        let cut = |reason: EscalationReason| -> i64 {
            let minutes = rules
                .iter()
                .find(|r| r.reason == reason)
                .map_or(0, |r| r.minutes);
            now.timestamp().saturating_sub(minutes.saturating_mul(60))
        };
        let tickets = self
            .db
            .query(
                &format!(
                    "{TICKET_SELECT} WHERE (t.status = 'received' AND t.received_at < ?1)
                       OR (t.status = 'assigned' AND t.assigned_at < ?2)
                       OR (t.status = 'completed' AND t.completed_at < ?3)"
                ),
                &[
                    &cut(EscalationReason::NotDispatched),
                    &cut(EscalationReason::NoProgress),
                    &cut(EscalationReason::NotVisited),
                ],
            )
            .sql("escalations")?
            .iter()
            .map(|r| ticket_row(r, &self.zone, now))
            .collect::<Result<Vec<_>>>()?;
        let mut late: Vec<(Ticket, EscalationReason, Time)> = tickets
            .into_iter()
            .filter_map(|t| {
                sla::escalation(&t, now, rules).map(|(reason, due_at)| (t, reason, due_at))
            })
            .collect();
        late.sort_by_key(|(t, _, due_at)| (*due_at, t.id));
        Ok(late)
    }

    /// The 催办清单's rows for `late` tickets, each with whom to chase.
    fn escalation_rows(
        &self,
        late: impl Iterator<Item = (Ticket, EscalationReason, Time)>,
        now: &Time,
        rules: &[sla::EscalationRule],
    ) -> Result<Vec<Escalation>> {
        let technicians = self.technicians()?;
        Ok(late
            .map(|(t, reason, due_at)| Escalation {
                chase: chase(rules, reason, t.assignee.as_deref(), &technicians),
                reason_label: reason.label().to_string(),
                overdue_minutes: crate::clock::minutes_between(&due_at, now),
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
            .collect())
    }

    /// 重复报修提醒: open tickets of the same category at the same unit (or a similar
    /// public location of the same 小区 — see [`similar_locations`]) received within 72
    /// hours of the draft's time. An incomplete
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
        let (place_sql, place_args): (&str, Vec<Value>) = match nt.scope {
            Scope::InHome => {
                let Some(sid) = site else {
                    return Ok(Vec::new());
                };
                (
                    "t.unit_id = (SELECT id FROM units WHERE site_id = ?4 AND building = ?5 AND unit = ?6 AND room = ?7)",
                    vec![
                        Value::Int(sid),
                        Value::Text(normalize_building(nt.building.as_deref().unwrap_or(""))),
                        Value::Text(normalize_unit(nt.unit.as_deref().unwrap_or(""))),
                        Value::Text(normalize_room(nt.room.as_deref().unwrap_or(""))),
                    ],
                )
            }
            // The same 小区's public area; the location text is compared below.
            Scope::PublicArea => (
                "t.unit_id IS NULL AND coalesce(t.site_id, 0) = coalesce(CAST(?4 AS BIGINT), 0)",
                vec![site.map_or(Value::Null, Value::Int)],
            ),
        };
        let mut all: Vec<Value> = vec![Value::Int(category.id), Value::Int(from), Value::Int(to)];
        all.extend(place_args);
        let args: Vec<&dyn Param> = all.iter().map(|v| v as &dyn Param).collect();
        self.db
            .query(
                &format!(
                    "{TICKET_SELECT} WHERE t.category_id = ?1 AND t.received_at BETWEEN ?2 AND ?3
                       AND t.status IN ('received', 'assigned', 'in_progress', 'on_hold')
                       AND {place_sql} ORDER BY t.received_at DESC"
                ),
                &args,
            )
            .sql("possible duplicates")?
            .iter()
            .map(|r| ticket_row(r, &self.zone, &now))
            .filter(|t| match (nt.scope, t) {
                (Scope::PublicArea, Ok(t)) => similar_locations(
                    t.location.as_deref().unwrap_or(""),
                    nt.location.as_deref().unwrap_or(""),
                ),
                _ => true,
            })
            .collect()
    }

    /// 工作台 counters, with `today` counted in the office's local day.
    pub fn counters(&self) -> Result<Counters> {
        let now = self.now();
        let today = self.zone.day_start(self.zone.local_date(&now))?;
        let r = self
            .db
            .query_one(
                // One count per figure, each an index range (by status, or by received
                // time): one pass with FILTERs read every ticket, 0.75 s at a million,
                // and the window asks every 30 s (issue 12).
                &format!(
                    "SELECT
                        (SELECT count(*) FROM tickets t WHERE t.status = 'received'),
                        (SELECT count(*) FROM tickets t
                          WHERE t.status IN ('assigned', 'in_progress')),
                        (SELECT count(*) FROM tickets t WHERE t.status = 'on_hold'),
                        (SELECT count(*) FROM tickets t
                          WHERE t.status IN ('received', 'assigned', 'in_progress', 'on_hold',
                                             'completed')
                            AND {}),
                        (SELECT count(*) FROM tickets t WHERE t.status = 'completed'),
                        (SELECT count(*) FROM tickets t WHERE t.received_at >= ?2)",
                    overdue_sql("?1")
                ),
                &[&now.timestamp(), &today],
            )
            .sql("counters")?;
        Ok(Counters {
            received: r.get(0)?,
            in_progress: r.get(1)?,
            on_hold: r.get(2)?,
            overdue: r.get(3)?,
            to_visit: r.get(4)?,
            today: r.get(5)?,
        })
    }
}
