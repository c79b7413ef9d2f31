//! The workflow's rules: which step is allowed in which status, what it needs, and
//! what it changes. Pure — no SQL, no clock, no I/O — so every path and refusal is
//! tested directly; the store loads, applies and writes in one transaction.

use crate::clock::{minutes_between, Time};
use crate::error::{Error, Result};
use crate::sla::{self, SlaRule};
use crate::ticket::{
    Event, EventAction, Kind, Material, Satisfaction, Status, Ticket, VisitFailure, VisitMethod,
};

/// The technician a ticket is (re)assigned to, as the store found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignee {
    pub id: i64,
    pub name: String,
    pub active: bool,
}

/// 完工 — what the desk types in from the signed paper slip.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Completion {
    pub cause: String,
    pub measures: String,
    pub materials: Vec<Material>,
    pub labour_minutes: i64,
    pub paid: bool,
    pub fee_fen: i64,
    pub payment_method: Option<String>,
    pub owner_signed: bool,
}

/// 回访 — what the owner said, as the desk records it.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitOutcome {
    /// 总体满意度: given, or [`Satisfaction::overall`] of quality and attitude.
    pub satisfaction: Satisfaction,
    pub method: VisitMethod,
    /// 维修质量
    pub quality: Option<Satisfaction>,
    /// 服务态度
    pub attitude: Option<Satisfaction>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// 派单, or 改派 when already assigned.
    Assign(Assignee),
    /// 到场 / 开始维修
    Start,
    /// 挂起
    Hold { reason: String },
    /// 恢复
    Resume,
    /// 完工
    Complete(Completion),
    /// 回访 that reached the owner.
    Visit(VisitOutcome),
    /// 回访未果: nobody answered; the ticket stays 待回访.
    VisitAttempt {
        result: VisitFailure,
        note: Option<String>,
    },
    /// 取消, optionally as 重复 of another ticket (id, number).
    Cancel {
        reason: String,
        duplicate_of: Option<(i64, String)>,
    },
    /// 返修
    Rework { reason: String },
    /// 跟催
    Remind { note: Option<String> },
    /// 打印维修单
    Print,
    /// 改约: the appointment moves (业主不在家, 业主改时间, 材料未到 …).
    Reschedule { appointment: Time, reason: String },
    /// 办结 of a 投诉/咨询 with its 处理结果, optionally naming the 责任部门 that handled it.
    Resolve {
        result: String,
        dept: Option<String>,
    },
    /// 转交 of a 投诉 to a 主管 or 责任部门: it stays 待派单, off the dispatch clock.
    Handover { dept: String },
    /// 报价 before paid work: what it covers, the amount, and whether the owner agreed.
    Quote {
        items: String,
        amount_fen: i64,
        consent: bool,
    },
}

impl Action {
    /// The step as `available` names it (派单 stands for 改派 too).
    pub fn step(&self) -> EventAction {
        match self {
            Action::Assign(_) => EventAction::Assign,
            Action::Start => EventAction::Start,
            Action::Hold { .. } => EventAction::Hold,
            Action::Resume => EventAction::Resume,
            Action::Complete(_) => EventAction::Complete,
            Action::Visit(_) => EventAction::Visit,
            Action::VisitAttempt { .. } => EventAction::VisitAttempt,
            Action::Cancel { .. } => EventAction::Cancel,
            Action::Rework { .. } => EventAction::Rework,
            Action::Remind { .. } => EventAction::Remind,
            Action::Print => EventAction::Print,
            Action::Reschedule { .. } => EventAction::Reschedule,
            Action::Resolve { .. } => EventAction::Resolve,
            Action::Handover { .. } => EventAction::Handover,
            Action::Quote { .. } => EventAction::Quote,
        }
    }

    /// Why the step does not fit this ticket's kind (or its path so far), whatever its
    /// status: 办结 and 转交 are for 报事, not repairs; a 办结 报事 has no repair to redo.
    fn unfit(&self, t: &Ticket) -> Option<&'static str> {
        match self {
            Action::Resolve { .. } if t.kind == Kind::Repair => {
                Some("报修工单由维修人员登记完工，不能办结；办结只用于投诉和咨询")
            }
            Action::Handover { .. } if t.kind != Kind::Complaint => {
                Some("只有投诉可以转交责任部门；咨询请直接办结（可填写转交部门）")
            }
            Action::Rework { .. } if t.resolution.is_some() => {
                Some("办结的投诉或咨询没有维修可返修；如需再处理，请重新登记工单")
            }
            _ => None,
        }
    }

    /// The history event's action and the Chinese verb used in refusals.
    fn names(&self, t: &Ticket) -> (EventAction, &'static str) {
        match self {
            Action::Assign(_) if t.status == Status::Assigned => (EventAction::Reassign, "改派"),
            Action::Assign(_) => (EventAction::Assign, "派单"),
            Action::Start => (EventAction::Start, "登记到场"),
            Action::Print => (EventAction::Print, "打印"),
            other => (other.step(), other.step().label()),
        }
    }

    /// Statuses the step may start from, and a hint shown when refused.
    fn allowed_from(&self) -> (&'static [Status], &'static str) {
        use Status::*;
        match self {
            Action::Assign(_) => (
                &[Received, Assigned],
                "只有待派单或已派单（改派）的工单可以派单",
            ),
            Action::Start => (&[Assigned], "只有已派单的工单可以登记到场"),
            Action::Hold { .. } => (&[InProgress], "只有维修中的工单可以挂起"),
            Action::Resume => (&[OnHold], "只有挂起的工单可以恢复"),
            Action::Complete(_) => (
                &[InProgress],
                "只有维修中的工单可以完工，请先登记到场或恢复",
            ),
            Action::Visit(_) => (&[Completed], "只有待回访的工单可以回访"),
            Action::VisitAttempt { .. } => (&[Completed], "只有待回访的工单可以登记回访未果"),
            Action::Cancel { .. } => (
                &[Received, Assigned, OnHold],
                "只有待派单、已派单或挂起的工单可以取消",
            ),
            Action::Rework { .. } => (&[Completed, Closed], "只有待回访或已完结的工单可以返修"),
            Action::Remind { .. } => (
                &[Received, Assigned, InProgress, OnHold],
                "只有未完工的工单可以跟催",
            ),
            Action::Print => (
                &[Received, Assigned, InProgress, OnHold, Completed, Closed],
                "已取消的工单不能打印维修单",
            ),
            // Once the technician is there (维修中, 挂起) the arrival is behind; a hold
            // pauses the clock and 恢复 brings the technician back.
            Action::Reschedule { .. } => (
                &[Received, Assigned],
                "只有待派单或已派单（尚未到场）的工单可以改约",
            ),
            Action::Resolve { .. } => (&[Received], "只有待派单的投诉或咨询可以办结"),
            Action::Handover { .. } => (&[Received], "只有待派单的投诉可以转交"),
            Action::Quote { .. } => (
                &[Assigned, InProgress, OnHold],
                "报价在派单后、完工前登记（已派单、维修中或挂起）",
            ),
        }
    }
}

/// Apply one step to a ticket at time `at` by `operator`. Returns the changed ticket
/// and the history event to write with it, or a refusal that changes nothing.
pub fn apply(
    ticket: &Ticket,
    action: Action,
    at: Time,
    operator: &str,
    rule: &SlaRule,
) -> Result<(Ticket, Event)> {
    let (code, verb) = action.names(ticket);
    let (allowed, hint) = action.allowed_from();
    if !allowed.contains(&ticket.status) {
        return Err(Error::WrongStatus(format!(
            "工单 {} 当前状态为“{}”，不能{verb}：{hint}",
            ticket.number,
            ticket.status.label()
        )));
    }
    if let Some(why) = action.unfit(ticket) {
        return Err(Error::Precondition(format!(
            "工单 {}：{why}",
            ticket.number
        )));
    }
    // Compared by the minute: times typed as `HH:MM` mean the start of that minute, and
    // the desk records steps of the same minute in order. A 跟催 reminder is a step like
    // any other (it cannot be backdated before the ticket's last step); only printing is
    // exempt, as its time is the machine's own clock, never typed.
    if at.timestamp().div_euclid(60) < ticket.status_changed_at.timestamp().div_euclid(60)
        && !matches!(action, Action::Print)
    {
        return Err(Error::invalid(format!(
            "{verb}时间 {} 早于工单上一步的时间 {}，请检查时间",
            at.format("%Y-%m-%d %H:%M"),
            ticket.status_changed_at.format("%Y-%m-%d %H:%M")
        )));
    }

    let mut t = ticket.clone();
    let from = ticket.status;
    let mut note = None;
    match action {
        Action::Assign(who) => {
            if !who.active {
                return Err(Error::Precondition(format!(
                    "维修人员“{}”已停用，请选择在岗的维修人员",
                    who.name
                )));
            }
            if t.assignee_id == Some(who.id) {
                return Err(Error::Precondition(format!(
                    "工单 {} 已派给“{}”，改派请选择其他维修人员",
                    t.number, who.name
                )));
            }
            note = Some(match &t.assignee {
                Some(old) => format!("{old} → {}", who.name),
                None => who.name.clone(),
            });
            if t.dispatched_at.is_none() {
                t.dispatched_at = Some(at);
            }
            t.assigned_at = Some(at);
            t.assignee_id = Some(who.id);
            t.assignee = Some(who.name);
            t.status = Status::Assigned;
        }
        Action::Start => {
            if t.arrived_at.is_none() {
                t.arrived_at = Some(at);
            }
            t.status = Status::InProgress;
        }
        Action::Hold { reason } => {
            note = Some(reason.clone());
            t.hold_reason = Some(reason);
            t.hold_started_at = Some(at);
            t.status = Status::OnHold;
        }
        Action::Resume => {
            let held = t
                .hold_started_at
                .map(|s| minutes_between(&s, &at))
                .unwrap_or(0)
                .max(0);
            t.held_minutes = t
                .held_minutes
                .checked_add(held)
                .ok_or_else(|| Error::invalid("挂起时长累计超出范围，请检查挂起和恢复的时间"))?;
            t.deadlines = sla::extend_completion(&t.deadlines, held)?;
            t.hold_started_at = None;
            note = t
                .hold_reason
                .take()
                .map(|r| format!("挂起 {held} 分钟（{r}）"));
            t.status = Status::InProgress;
        }
        Action::Complete(c) => {
            if c.cause.trim().is_empty() {
                return Err(Error::Precondition(
                    "完工需填写故障原因，请按维修单填写".into(),
                ));
            }
            if c.measures.trim().is_empty() {
                return Err(Error::Precondition(
                    "完工需填写处理措施，请按维修单填写".into(),
                ));
            }
            if !c.paid && c.fee_fen != 0 {
                return Err(Error::Precondition(
                    "无偿维修不能填写费用；如收费请选择“有偿”".into(),
                ));
            }
            t.cause = Some(c.cause);
            t.measures = Some(c.measures);
            // A rework's visit adds to the earlier materials, labour and fee — checked, so
            // a sum that cannot be held is refused rather than wrapped or panicking.
            let number = t.number.clone();
            let too_big = |what: &str| {
                Error::invalid(format!(
                    "工单 {number} 累计的{what}超出范围，请检查本次填写的数字"
                ))
            };
            t.labour_minutes = t
                .labour_minutes
                .checked_add(c.labour_minutes)
                .ok_or_else(|| too_big("工时"))?;
            t.fee_fen = t
                .fee_fen
                .checked_add(c.fee_fen)
                .ok_or_else(|| too_big("费用"))?;
            t.materials.extend(c.materials);
            t.materials
                .iter()
                .try_fold(0i64, |sum, m| sum.checked_add(m.amount_fen))
                .ok_or_else(|| too_big("材料金额"))?;
            // 有偿 belongs to its round: the ticket shows the latest round's (the
            // earlier rounds keep theirs in completion_rounds).
            t.paid = c.paid;
            t.payment_method = c.payment_method;
            t.owner_signed = c.owner_signed;
            t.completed_at = Some(at);
            t.deadlines.visit = Some(sla::visit_due(&at, rule)?);
            t.status = Status::Completed;
        }
        Action::Visit(v) => {
            let satisfaction = v.satisfaction;
            // The note starts with the overall rating: the month report reads earlier
            // visits' ratings from it.
            let mut text = satisfaction.label().to_string();
            let parts: Vec<String> = [
                v.quality.map(|q| format!("维修质量{}", q.label())),
                v.attitude.map(|a| format!("服务态度{}", a.label())),
            ]
            .into_iter()
            .flatten()
            .collect();
            if !parts.is_empty() {
                text.push_str(&format!("（{}）", parts.join("，")));
            }
            if v.method != VisitMethod::Phone {
                text.push_str(&format!("，{}回访", v.method.label()));
            }
            if let Some(n) = &v.note {
                text.push_str(&format!("：{n}"));
            }
            note = Some(text);
            t.satisfaction = Some(satisfaction);
            t.visit_note = v.note;
            t.visited_at = Some(at);
            t.closed_at = Some(at);
            t.status = Status::Closed;
        }
        Action::VisitAttempt { result, note: n } => {
            note = Some(match n {
                Some(n) => format!("{}：{n}", result.label()),
                None => result.label().to_string(),
            });
        }
        Action::Cancel {
            reason,
            duplicate_of,
        } => {
            if let Some((id, number)) = &duplicate_of {
                if *id == t.id {
                    return Err(Error::invalid(
                        "工单不能标记为自身的重复单，请填写另一张工单号",
                    ));
                }
                note = Some(format!("与 {number} 重复：{reason}"));
                t.duplicate_of_id = Some(*id);
                t.duplicate_of = Some(number.clone());
            } else {
                note = Some(reason.clone());
            }
            if t.status == Status::OnHold {
                t.hold_started_at = None;
            }
            t.cancel_reason = Some(reason);
            t.cancelled_at = Some(at);
            t.status = Status::Cancelled;
        }
        Action::Rework { reason } => {
            note = Some(reason);
            t.rework_count = t.rework_count.saturating_add(1);
            t.completed_at = None;
            t.visited_at = None;
            t.closed_at = None;
            t.satisfaction = None;
            t.visit_note = None;
            t.assigned_at = Some(at);
            t.deadlines = sla::restart(&t.deadlines, &at, rule)?;
            t.status = Status::Assigned;
        }
        Action::Remind { note: n } => {
            note = n;
            t.remind_count = t.remind_count.saturating_add(1);
        }
        Action::Print => {
            t.print_count = t.print_count.saturating_add(1);
        }
        Action::Reschedule {
            appointment,
            reason,
        } => {
            if t.appointment_at == Some(appointment) {
                return Err(Error::Precondition(format!(
                    "新的预约时间与原预约时间相同（{}），请填写改约后的时间",
                    appointment.format(TIME_FORMAT)
                )));
            }
            crate::input::check_appointment(&appointment, &at, "改约时间")?;
            note = Some(reschedule_note(
                t.appointment_at.as_ref(),
                &appointment,
                &reason,
            ));
            t.appointment_at = Some(appointment);
            t.deadlines = sla::reschedule(&t.deadlines, &appointment, rule)?;
            t.reschedule_count = t.reschedule_count.saturating_add(1);
        }
        Action::Resolve { result, dept } => {
            if result.trim().is_empty() {
                return Err(Error::Precondition(
                    "办结需填写处理结果（如何答复或处理的），请填写后再办结".into(),
                ));
            }
            if let Some(d) = dept {
                t.dept = Some(d);
            }
            note = Some(match &t.dept {
                Some(d) => format!("{d}：{result}"),
                None => result.clone(),
            });
            t.resolution = Some(result);
            t.resolved_at = Some(at);
            // A 咨询 answered is done; a 投诉 still gets its 回访, which closes it.
            if t.kind == Kind::Inquiry {
                t.closed_at = Some(at);
                t.status = Status::Closed;
            } else {
                t.deadlines.visit = Some(sla::visit_due(&at, rule)?);
                t.status = Status::Completed;
            }
        }
        Action::Quote {
            items,
            amount_fen,
            consent,
        } => {
            if items.trim().is_empty() {
                return Err(Error::Precondition(
                    "报价需写明项目（如 更换三角阀1个、人工1次），请填写后再登记".into(),
                ));
            }
            note = Some(format!(
                "¥{}.{:02}：{items}；{}",
                amount_fen / 100,
                amount_fen % 100,
                if consent {
                    "业主同意"
                } else {
                    "业主不同意"
                }
            ));
        }
        Action::Handover { dept } => {
            if dept.trim().is_empty() {
                return Err(Error::Precondition(
                    "转交需填写责任部门或主管，请填写后再转交".into(),
                ));
            }
            if t.dept.as_deref() == Some(dept.as_str()) {
                return Err(Error::Precondition(format!(
                    "工单 {} 已转交“{dept}”，如需改交请填写其他部门",
                    t.number
                )));
            }
            note = Some(match &t.dept {
                Some(old) => format!("{old} → {dept}"),
                None => dept.clone(),
            });
            t.dept = Some(dept);
            // Handed over is handled: no longer 超时未派单 (nor on the 催办清单 for it).
            t.deadlines.dispatch = None;
        }
    }
    if t.status != from {
        t.status_changed_at = at;
    }
    let mut event = Event::new(at, operator, code, Some(from), Some(t.status), note);
    if code == EventAction::Visit {
        event.satisfaction = t.satisfaction;
    }
    Ok((t, event))
}

/// How a 改约 event's note writes an appointment (office time, to the minute).
const TIME_FORMAT: &str = "%Y-%m-%d %H:%M";
/// The note's word for "no appointment before".
const NO_APPOINTMENT: &str = "未预约";

/// A 改约 event's note: `2026-11-21 10:00 → 2026-11-22 09:00（业主不在家）`, read back
/// by [`parse_reschedule_note`] — the history is the one record of each move.
fn reschedule_note(from: Option<&Time>, to: &Time, reason: &str) -> String {
    let from = from.map_or(NO_APPOINTMENT.to_string(), |f| {
        f.format(TIME_FORMAT).to_string()
    });
    format!("{from} → {}（{reason}）", to.format(TIME_FORMAT))
}

/// The (from, to, reason) of a 改约 note as [`reschedule_note`] wrote it, the times as
/// typed text; `None` for a note in any other shape.
pub fn parse_reschedule_note(note: &str) -> Option<(Option<&str>, &str, &str)> {
    let (from, rest) = note.split_once(" → ")?;
    let (to, rest) = rest.split_once('（')?;
    let reason = rest.strip_suffix('）')?;
    let from = (from != NO_APPOINTMENT).then_some(from);
    Some((from, to, reason))
}

/// The steps the desk may take on a ticket now — the UI enables exactly these.
pub fn available(t: &Ticket) -> Vec<EventAction> {
    let probes = [
        Action::Assign(Assignee {
            id: -1,
            name: String::new(),
            active: true,
        }),
        Action::Start,
        Action::Hold {
            reason: String::new(),
        },
        Action::Resume,
        Action::Complete(Completion::default()),
        Action::Visit(VisitOutcome {
            satisfaction: Satisfaction::Satisfied,
            method: VisitMethod::Phone,
            quality: None,
            attitude: None,
            note: None,
        }),
        Action::VisitAttempt {
            result: VisitFailure::NoAnswer,
            note: None,
        },
        Action::Cancel {
            reason: String::new(),
            duplicate_of: None,
        },
        Action::Rework {
            reason: String::new(),
        },
        Action::Remind { note: None },
        Action::Print,
        Action::Reschedule {
            appointment: t.received_at,
            reason: String::new(),
        },
        Action::Resolve {
            result: String::new(),
            dept: None,
        },
        Action::Handover {
            dept: String::new(),
        },
        Action::Quote {
            items: String::new(),
            amount_fen: 0,
            consent: true,
        },
    ];
    let mut steps: Vec<EventAction> = probes
        .iter()
        .filter(|a| a.allowed_from().0.contains(&t.status) && a.unfit(t).is_none())
        .map(Action::step)
        .collect();
    // 更正 is not a workflow step (it changes what was registered, not where the ticket
    // stands); after completion only a 主管 may correct (see `Store::edit_ticket`).
    if t.status != Status::Cancelled {
        steps.push(EventAction::Edit);
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::OfficeZone;
    use crate::ticket::{Channel, Deadlines, Kind, Scope, Urgency};

    fn t0() -> Time {
        OfficeZone::default()
            .parse_input("t", "2026-11-20 08:00")
            .unwrap()
    }

    fn rule() -> SlaRule {
        crate::sla::default_rules()[1]
    }

    fn ticket(status: Status) -> Ticket {
        Ticket {
            number: "BX-202611-0001".into(),
            kind: Kind::Repair,
            status,
            channel: Channel::Phone,
            reporter: "王".into(),
            phone: "13800138000".into(),
            site: None,
            building: None,
            unit: None,
            room: None,
            location: Some("大堂".into()),
            scope: Scope::PublicArea,
            category: "水路".into(),
            urgency: Urgency::Normal,
            appointment_at: None,
            description: "漏水".into(),
            received_at: t0(),
            assignee: Some("张".into()),
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
            deadlines: Deadlines::default(),
            overdue: false,
            overdue_stage: None,
            cancel_reason: None,
            held_minutes: 0,
            print_count: 0,
            remind_count: 0,
            reschedule_count: 0,
            occurred_at: None,
            requested_technician: None,
            resolution: None,
            dept: None,
            resolved_at: None,
            id: 1,
            category_id: 1,
            site_id: None,
            unit_id: None,
            assignee_id: Some(1),
            duplicate_of_id: None,
            assigned_at: None,
            hold_started_at: Some(t0()),
            status_changed_at: t0(),
        }
    }

    fn actions() -> Vec<Action> {
        vec![
            Action::Assign(Assignee {
                id: 2,
                name: "李".into(),
                active: true,
            }),
            Action::Start,
            Action::Hold {
                reason: "等料".into(),
            },
            Action::Resume,
            Action::Complete(Completion {
                cause: "老化".into(),
                measures: "更换".into(),
                ..Default::default()
            }),
            Action::Visit(VisitOutcome {
                satisfaction: Satisfaction::Satisfied,
                method: VisitMethod::Phone,
                quality: None,
                attitude: None,
                note: None,
            }),
            Action::VisitAttempt {
                result: VisitFailure::NoAnswer,
                note: None,
            },
            Action::Cancel {
                reason: "撤回".into(),
                duplicate_of: None,
            },
            Action::Rework {
                reason: "又坏".into(),
            },
            Action::Remind { note: None },
            Action::Print,
            Action::Reschedule {
                appointment: t0() + chrono::Duration::days(1),
                reason: "业主不在家".into(),
            },
            Action::Resolve {
                result: "已电话答复".into(),
                dept: None,
            },
            Action::Handover {
                dept: "秩序部".into(),
            },
            Action::Quote {
                items: "更换三角阀1个".into(),
                amount_fen: 3500,
                consent: true,
            },
        ]
    }

    /// The whole transition table: (status, action) → resulting status, or refused.
    #[test]
    fn every_status_and_action_follows_the_diagram() {
        use Status::*;
        let expected: &[(Status, &[(EventAction, Status)])] = &[
            (
                Received,
                &[
                    (EventAction::Assign, Assigned),
                    (EventAction::Cancel, Cancelled),
                    (EventAction::Remind, Received),
                    (EventAction::Print, Received),
                    (EventAction::Reschedule, Received),
                ],
            ),
            (
                Assigned,
                &[
                    (EventAction::Assign, Assigned),
                    (EventAction::Start, InProgress),
                    (EventAction::Cancel, Cancelled),
                    (EventAction::Remind, Assigned),
                    (EventAction::Print, Assigned),
                    (EventAction::Reschedule, Assigned),
                    (EventAction::Quote, Assigned),
                ],
            ),
            (
                InProgress,
                &[
                    (EventAction::Hold, OnHold),
                    (EventAction::Complete, Completed),
                    (EventAction::Remind, InProgress),
                    (EventAction::Print, InProgress),
                    (EventAction::Quote, InProgress),
                ],
            ),
            (
                OnHold,
                &[
                    (EventAction::Resume, InProgress),
                    (EventAction::Cancel, Cancelled),
                    (EventAction::Remind, OnHold),
                    (EventAction::Print, OnHold),
                    (EventAction::Quote, OnHold),
                ],
            ),
            (
                Completed,
                &[
                    (EventAction::Visit, Closed),
                    (EventAction::VisitAttempt, Completed),
                    (EventAction::Rework, Assigned),
                    (EventAction::Print, Completed),
                ],
            ),
            (
                Closed,
                &[
                    (EventAction::Rework, Assigned),
                    (EventAction::Print, Closed),
                ],
            ),
            (Cancelled, &[]),
        ];
        let later = t0() + chrono::Duration::minutes(90);
        for (status, allowed) in expected {
            let t = ticket(*status);
            let mut names: Vec<EventAction> = Vec::new();
            for action in actions() {
                let name = action.step();
                // 办结 / 转交 are not for repairs: refused as a precondition, not a status.
                let unfit = action.allowed_from().0.contains(status) && action.unfit(&t).is_some();
                match apply(&t, action, later, "前台", &rule()) {
                    Ok((next, event)) => {
                        let want = allowed.iter().find(|(a, _)| *a == name).map(|(_, s)| *s);
                        assert_eq!(Some(next.status), want, "{status:?} + {name}");
                        assert_eq!(event.from_status, Some(*status));
                        assert_eq!(event.to_status, Some(next.status));
                        assert_eq!(event.operator, "前台");
                        names.push(name);
                    }
                    Err(e) => {
                        assert!(
                            !allowed.iter().any(|(a, _)| *a == name),
                            "{status:?} + {name} refused: {e}"
                        );
                        let want = if unfit {
                            "precondition"
                        } else {
                            "wrong_status"
                        };
                        assert_eq!(e.code(), want, "{status:?} + {name}");
                    }
                }
            }
            if *status != Cancelled {
                names.push(EventAction::Edit);
            }
            let mut avail = available(&t);
            avail.sort_by_key(|a| a.code());
            names.sort_by_key(|a| a.code());
            assert_eq!(
                avail, names,
                "available() agrees with apply() for {status:?}"
            );
        }
    }

    /// 报事: a 咨询 is closed by 办结, a 投诉 waits for its 回访; 转交 keeps it 待派单 and
    /// off the dispatch clock; a 办结 报事 cannot be reworked.
    #[test]
    fn complaints_and_inquiries_take_their_own_path() {
        let later = t0() + chrono::Duration::minutes(90);
        let resolve = || Action::Resolve {
            result: "已电话答复".into(),
            dept: None,
        };
        let mut inquiry = ticket(Status::Received);
        inquiry.kind = Kind::Inquiry;
        assert!(available(&inquiry).contains(&EventAction::Resolve));
        assert!(!available(&inquiry).contains(&EventAction::Handover));
        let (closed, event) = apply(&inquiry, resolve(), later, "前台", &rule()).unwrap();
        assert_eq!(closed.status, Status::Closed);
        assert_eq!(closed.closed_at, Some(later));
        assert_eq!(closed.deadlines.visit, None);
        assert_eq!(event.action, EventAction::Resolve);
        assert_eq!(event.note.as_deref(), Some("已电话答复"));

        let mut complaint = ticket(Status::Received);
        complaint.kind = Kind::Complaint;
        complaint.deadlines.dispatch = Some(t0() + chrono::Duration::minutes(30));
        let handover = Action::Handover {
            dept: "秩序部".into(),
        };
        let (handed, event) = apply(&complaint, handover, later, "主管", &rule()).unwrap();
        assert_eq!(handed.status, Status::Received);
        assert_eq!(handed.dept.as_deref(), Some("秩序部"));
        assert_eq!(handed.deadlines.dispatch, None);
        assert_eq!(crate::sla::overdue_stage(&handed, &later), None);
        assert_eq!(
            crate::sla::escalation(&handed, &later, &crate::sla::default_escalation_rules()),
            None
        );
        assert_eq!(event.to_status, Some(Status::Received));
        let (done, event) = apply(&handed, resolve(), later, "主管", &rule()).unwrap();
        assert_eq!(done.status, Status::Completed);
        assert!(done.deadlines.visit.is_some());
        assert_eq!(done.completed_at, None, "no technician completed it");
        assert_eq!(event.note.as_deref(), Some("秩序部：已电话答复"));
        assert!(!available(&done).contains(&EventAction::Rework));
        let e = apply(
            &done,
            Action::Rework {
                reason: "又来投诉".into(),
            },
            later,
            "主管",
            &rule(),
        )
        .unwrap_err();
        assert_eq!(e.code(), "precondition");

        let blank = Action::Resolve {
            result: "  ".into(),
            dept: None,
        };
        let e = apply(&complaint, blank, later, "前台", &rule()).unwrap_err();
        assert_eq!(e.code(), "precondition");
    }

    #[test]
    fn a_reschedule_note_reads_back_as_written() {
        let to = t0() + chrono::Duration::days(1);
        let note = reschedule_note(None, &to, "业主不在家（出差）");
        assert_eq!(note, "未预约 → 2026-11-21 08:00（业主不在家（出差））");
        assert_eq!(
            parse_reschedule_note(&note),
            Some((None, "2026-11-21 08:00", "业主不在家（出差）"))
        );
        let again = reschedule_note(Some(&to), &t0(), "改时间");
        assert_eq!(
            parse_reschedule_note(&again),
            Some((Some("2026-11-21 08:00"), "2026-11-20 08:00", "改时间"))
        );
        assert_eq!(parse_reschedule_note("随便写的"), None);
    }

    #[test]
    fn refusals_return_the_ticket_unchanged_in_spirit() {
        // apply never mutates its input: a refused step has nothing to roll back.
        let t = ticket(Status::Received);
        let copy = t.clone();
        let _ = apply(&t, Action::Start, t0(), "前台", &rule());
        assert_eq!(t, copy);
    }

    #[test]
    fn resume_extends_the_completion_deadline_by_the_time_held() {
        let mut t = ticket(Status::OnHold);
        t.deadlines.completion = Some(t0() + chrono::Duration::hours(4));
        let (next, _) = apply(
            &t,
            Action::Resume,
            t0() + chrono::Duration::hours(30),
            "前台",
            &rule(),
        )
        .unwrap();
        assert_eq!(next.held_minutes, 30 * 60);
        assert_eq!(
            next.deadlines.completion,
            Some(t0() + chrono::Duration::hours(34))
        );
    }
}
