//! 时限 SLA: how many minutes each stage may take, per urgency (and optionally per
//! category), the deadlines that follow from them, and when a ticket is 超时 overdue.
//! Pure functions: the caller supplies "now".

use serde::{Deserialize, Serialize};

use crate::clock::Time;
use crate::error::{Error, Result};
use crate::ticket::{Deadlines, Stage, Status, Ticket, Urgency};

/// Minutes allowed per stage. Dispatch, arrival and completion count from the time the
/// ticket was received (or from the appointment for 预约, or from the rework); the visit
/// counts from completion. Time on hold does not count against completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SlaRule {
    pub urgency: Urgency,
    pub dispatch_minutes: i64,
    pub arrival_minutes: i64,
    pub completion_minutes: i64,
    pub visit_minutes: i64,
}

/// The defaults a new office starts with (editable in 基础资料).
pub fn default_rules() -> [SlaRule; 3] {
    [
        SlaRule {
            urgency: Urgency::Emergency,
            dispatch_minutes: 5,
            arrival_minutes: 30,
            completion_minutes: 240,
            visit_minutes: 2880,
        },
        SlaRule {
            urgency: Urgency::Normal,
            dispatch_minutes: 30,
            arrival_minutes: 1440,
            completion_minutes: 4320,
            visit_minutes: 2880,
        },
        SlaRule {
            urgency: Urgency::Scheduled,
            dispatch_minutes: 60,
            arrival_minutes: 30,
            completion_minutes: 1440,
            visit_minutes: 2880,
        },
    ]
}

/// `t` plus `minutes`, or `None` when the result would leave chrono's range (an
/// absurd year typed somewhere). Never panics.
fn plus_opt(t: &Time, minutes: i64) -> Option<Time> {
    let delta = chrono::TimeDelta::try_minutes(minutes)?;
    t.checked_add_signed(delta)
}

/// Like [`plus_opt`], as a refusal that says which deadline could not be worked out.
fn plus(t: &Time, minutes: i64, what: &str) -> Result<Time> {
    plus_opt(t, minutes).ok_or_else(|| {
        Error::invalid(format!(
            "{what}无法计算（{} 加 {minutes} 分钟超出范围），请检查填写的时间",
            t.format("%Y-%m-%d %H:%M")
        ))
    })
}

/// Deadlines of a new ticket. For 预约 the arrival and completion clocks start at the
/// appointment, not at the call.
pub fn initial(
    received_at: &Time,
    appointment_at: Option<&Time>,
    rule: &SlaRule,
) -> Result<Deadlines> {
    let base = appointment_at.unwrap_or(received_at);
    Ok(Deadlines {
        dispatch: Some(plus(received_at, rule.dispatch_minutes, "派单时限")?),
        arrival: Some(plus(base, rule.arrival_minutes, "到场时限")?),
        completion: Some(plus(base, rule.completion_minutes, "完工时限")?),
        visit: None,
    })
}

/// After 返修 rework the arrival and completion clocks start again at the rework.
pub fn restart(d: &Deadlines, at: &Time, rule: &SlaRule) -> Result<Deadlines> {
    Ok(Deadlines {
        dispatch: d.dispatch,
        arrival: Some(plus(at, rule.arrival_minutes, "到场时限")?),
        completion: Some(plus(at, rule.completion_minutes, "完工时限")?),
        visit: None,
    })
}

/// 改约: the arrival and completion clocks start at the new appointment, as they do at
/// intake for a 预约 (the owner is not at home before it, whatever the urgency).
pub fn reschedule(d: &Deadlines, appointment: &Time, rule: &SlaRule) -> Result<Deadlines> {
    Ok(Deadlines {
        arrival: Some(plus(appointment, rule.arrival_minutes, "到场时限")?),
        completion: Some(plus(appointment, rule.completion_minutes, "完工时限")?),
        ..d.clone()
    })
}

/// 更正: the deadlines as if the ticket had been received with the new rule and clock
/// base. Each deadline moves by the change of its rule's minutes (and arrival and
/// completion by the move of their base, `new_base - old_base`), so what already moved
/// it — hold time, a 返修 restart, the completion that set the visit clock — is kept.
pub fn recompute(
    d: &Deadlines,
    old_base: &Time,
    new_base: &Time,
    old: &SlaRule,
    new: &SlaRule,
) -> Result<Deadlines> {
    let shift = (*new_base - *old_base).num_minutes();
    let moved = |due: Option<Time>, extra: i64, what: &str| -> Result<Option<Time>> {
        due.map(|t| plus(&t, extra, what)).transpose()
    };
    Ok(Deadlines {
        dispatch: moved(
            d.dispatch,
            new.dispatch_minutes.saturating_sub(old.dispatch_minutes),
            "派单时限",
        )?,
        arrival: moved(
            d.arrival,
            shift.saturating_add(new.arrival_minutes.saturating_sub(old.arrival_minutes)),
            "到场时限",
        )?,
        completion: moved(
            d.completion,
            shift.saturating_add(
                new.completion_minutes
                    .saturating_sub(old.completion_minutes),
            ),
            "完工时限",
        )?,
        visit: moved(
            d.visit,
            new.visit_minutes.saturating_sub(old.visit_minutes),
            "回访时限",
        )?,
    })
}

/// Resuming after a hold pushes the completion deadline back by the time held.
pub fn extend_completion(d: &Deadlines, held_minutes: i64) -> Result<Deadlines> {
    Ok(Deadlines {
        completion: d
            .completion
            .map(|c| plus(&c, held_minutes, "完工时限"))
            .transpose()?,
        ..d.clone()
    })
}

/// The visit is due this long after completion.
pub fn visit_due(completed_at: &Time, rule: &SlaRule) -> Result<Time> {
    plus(completed_at, rule.visit_minutes, "回访时限")
}

/// The stage a ticket is late for right now, if any. A ticket on hold does not grow
/// later (its clock is paused), but one that was already late when held stays late;
/// finished and cancelled tickets are never late.
pub fn overdue_stage(t: &Ticket, now: &Time) -> Option<Stage> {
    let late = |due: Option<Time>| due.is_some_and(|d| d < *now);
    match t.status {
        Status::Received if late(t.deadlines.dispatch) => Some(Stage::Dispatch),
        Status::Assigned if late(t.deadlines.arrival) => Some(Stage::Arrival),
        Status::Assigned | Status::InProgress if late(t.deadlines.completion) => {
            Some(Stage::Completion)
        }
        Status::OnHold
            if t.deadlines
                .completion
                .zip(t.hold_started_at)
                .is_some_and(|(due, held)| due < held) =>
        {
            Some(Stage::Completion)
        }
        Status::Completed if late(t.deadlines.visit) => Some(Stage::Visit),
        _ => None,
    }
}

crate::ticket::code_enum!(
    /// Why a ticket is on the escalation list (催办清单).
    EscalationReason, "催办原因" {
        NotDispatched = "not_dispatched" / "超时未派单",
        NoProgress = "no_progress" / "派单后无进展",
        NotVisited = "not_visited" / "完工后未回访",
    }
);

/// 催办规则: how long a ticket may wait at a stage before the desk chases someone, and
/// whom. The minutes count from when the stage began: received (未派单), the latest
/// (re)dispatch (无进展) or completion (未回访).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct EscalationRule {
    pub reason: EscalationReason,
    pub minutes: i64,
    /// Whom the desk chases: a role or a person (工程主管, 客服主管, 张经理).
    /// [`TEAM_LEAD`] means the lead of the assigned technician's team.
    pub chase: String,
}

/// The chase target that stands for "the lead of the assigned technician's team".
pub const TEAM_LEAD: &str = "班组长";

/// The office's process (报事报修流程 3.1.3, 3.1.8, 3.1.9): no dispatch within 5
/// minutes goes to the 工程主管 whatever the urgency; no progress within 2 hours of
/// dispatch goes to the dispatching team's 班组长; a visit not made within 2 days of
/// completion goes to the 客服主管.
pub fn default_escalation_rules() -> [EscalationRule; 3] {
    [
        EscalationRule {
            reason: EscalationReason::NotDispatched,
            minutes: 5,
            chase: "工程主管".into(),
        },
        EscalationRule {
            reason: EscalationReason::NoProgress,
            minutes: 120,
            chase: TEAM_LEAD.into(),
        },
        EscalationRule {
            reason: EscalationReason::NotVisited,
            minutes: 2880,
            chase: "客服主管".into(),
        },
    ]
}

/// The minutes a rule allows: 1 minute to 30 days.
pub const ESCALATION_MINUTES: std::ops::RangeInclusive<i64> = 1..=43_200;

/// Whether a ticket belongs on the escalation list now under `rules`, and since when it
/// is late (a reason without a rule uses the default).
pub fn escalation(
    t: &Ticket,
    now: &Time,
    rules: &[EscalationRule],
) -> Option<(EscalationReason, Time)> {
    let (reason, since) = match t.status {
        // A complaint handed to a department (转交) is theirs now, not waiting for 派单.
        Status::Received if t.dept.is_some() => return None,
        Status::Received => (EscalationReason::NotDispatched, Some(t.received_at)),
        // Nobody expects progress before the appointment (预约, 改约): the minutes count
        // from the later of the (re)dispatch and the appointment.
        Status::Assigned => (
            EscalationReason::NoProgress,
            t.assigned_at
                .map(|a| t.appointment_at.filter(|ap| *ap > a).unwrap_or(a)),
        ),
        Status::Completed => (EscalationReason::NotVisited, t.completed_at),
        _ => return None,
    };
    let minutes = rules
        .iter()
        .chain(default_escalation_rules().iter())
        .find(|r| r.reason == reason)
        .map_or(0, |r| r.minutes);
    since
        .and_then(|s| plus_opt(&s, minutes))
        .filter(|d| d < now)
        .map(|d| (reason, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Before issue 8 `DateTime + TimeDelta` panicked here (`overflowed`).
    #[test]
    fn deadlines_beyond_the_calendar_are_refused_not_a_panic() {
        let last = chrono::DateTime::<chrono::Utc>::MAX_UTC.fixed_offset();
        let rule = default_rules()[0];
        let e = initial(&last, None, &rule).unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert!(e.to_string().contains("派单时限无法计算"), "{e}");
        assert!(restart(&Deadlines::default(), &last, &rule).is_err());
        assert!(visit_due(&last, &rule).is_err());
        let held = Deadlines {
            completion: Some(last),
            ..Default::default()
        };
        assert!(extend_completion(&held, 1).is_err());
        assert!(extend_completion(&held, i64::MAX).is_err());
    }
}
