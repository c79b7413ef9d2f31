//! technicians 维修人员, their skills (the categories they can take) and the dispatch
//! suggestion (派单建议).

use serde::Serialize;

use super::audit::record;
use super::db::Row;
use super::Store;
use crate::account::Permission;
use crate::audit::{self, AuditKind};
use crate::error::{Error, Result, SqlContext};
use crate::input::{self, TechnicianDraft};
use crate::workflow::Assignee;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Technician {
    pub name: String,
    pub phone: String,
    pub team: String,
    /// Category names this technician takes.
    pub skills: Vec<String>,
    /// Tickets a day this technician can take on.
    pub daily_capacity: i64,
    pub active: bool,
    /// 班组长: the lead of `team`, whom the desk chases when the team's work stalls.
    pub team_lead: bool,
    /// Tickets assigned and not yet completed (已派单, 维修中, 挂起).
    pub open_tickets: i64,
    #[serde(skip)]
    pub id: i64,
}

/// One line of the dispatch suggestion, least loaded first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Suggestion {
    pub name: String,
    pub phone: String,
    pub team: String,
    /// The open queue: assigned and not yet completed (已派单, 维修中, 挂起), any day.
    pub open_tickets: i64,
    /// Today's work: tickets assigned to them for today (by appointment time, else by
    /// the day they were dispatched), not cancelled.
    pub today_load: i64,
    pub daily_capacity: i64,
    /// Today's work has reached the daily capacity: assigning more is allowed but warned.
    pub at_capacity: bool,
}

const TECH_COLUMNS: &str = "t.id, t.name, t.phone, t.team, t.daily_capacity, t.active,
    (SELECT count(*) FROM tickets k WHERE k.assignee_id = t.id
       AND k.status IN ('assigned', 'in_progress', 'on_hold')),
    coalesce((SELECT string_agg(c.name, ',' ORDER BY s.category_id) FROM technician_skills s
       JOIN categories c ON c.id = s.category_id WHERE s.technician_id = t.id), ''),
    t.team_lead";

fn tech_row(r: &Row) -> Result<Technician> {
    let skills: String = r.get(7)?;
    Ok(Technician {
        id: r.get(0)?,
        name: r.get(1)?,
        phone: r.get(2)?,
        team: r.get(3)?,
        daily_capacity: r.get(4)?,
        active: r.get(5)?,
        team_lead: r.get(8)?,
        open_tickets: r.get(6)?,
        skills: skills
            .split(',')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
    })
}

impl Store {
    pub fn technicians(&self) -> Result<Vec<Technician>> {
        self.db
            .query(
                &format!("SELECT {TECH_COLUMNS} FROM technicians t ORDER BY t.active DESC, t.name"),
                &[],
            )
            .sql("list technicians")?
            .iter()
            .map(tech_row)
            .collect()
    }

    pub fn technician(&self, name: &str) -> Result<Technician> {
        self.db
            .query_opt(
                &format!("SELECT {TECH_COLUMNS} FROM technicians t WHERE t.name = ?1"),
                &[&name.trim()],
            )
            .sql("technician by name")?
            .as_ref()
            .map(tech_row)
            .transpose()?
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "维修人员“{}”不存在，请先在“维修人员”中添加，或检查姓名",
                    name.trim()
                ))
            })
    }

    pub(crate) fn assignee(&self, name: &str) -> Result<Assignee> {
        let t = self.technician(name)?;
        Ok(Assignee {
            id: t.id,
            name: t.name,
            active: t.active,
        })
    }

    /// Add a technician, or update the one with the same name; fields left out of the
    /// draft keep their current values (a new technician: no team, 8 a day, active).
    pub fn save_technician(&mut self, draft: &TechnicianDraft) -> Result<Technician> {
        let by = self.operator(Permission::MasterData, None)?;
        let name = input::printed_name("维修人员姓名", draft.name.as_deref())?;
        // Fields left out keep the stored values: read them under the row lock, so an
        // edit from another PC in between is not overwritten with what we saw before.
        let tx = self.begin()?;
        tx.query_opt(
            &format!(
                "SELECT id FROM technicians WHERE name = ?1{}",
                tx.for_update()
            ),
            &[&name],
        )
        .sql("lock technician")?;
        let existing = match self.technician(&name) {
            Ok(t) => Some(t),
            Err(Error::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        let phone = match input::text("维修人员电话", draft.phone.as_deref(), 30, false)? {
            Some(p) => input::phone_as_written("维修人员电话", &p)?,
            None => existing
                .as_ref()
                .map(|t| t.phone.clone())
                .unwrap_or_default(),
        };
        let team = match input::text("班组", draft.team.as_deref(), 30, false)? {
            Some(t) => t,
            None => existing
                .as_ref()
                .map(|t| t.team.clone())
                .unwrap_or_default(),
        };
        let active = draft
            .active
            .or(existing.as_ref().map(|t| t.active))
            .unwrap_or(true);
        let team_lead = draft
            .team_lead
            .or(existing.as_ref().map(|t| t.team_lead))
            .unwrap_or(false);
        if team_lead && team.trim().is_empty() {
            return Err(Error::invalid(
                "班组长需要先填写班组（如 水电班），请填写班组",
            ));
        }
        let capacity = draft
            .daily_capacity
            .or(existing.as_ref().map(|t| t.daily_capacity))
            .unwrap_or(8);
        if !(1..=200).contains(&capacity) {
            return Err(Error::invalid("每日接单上限必须是 1 到 200 之间的整数"));
        }
        let mut skill_ids = Vec::new();
        let mut skill_names = Vec::new();
        let kept: Vec<String> = match &existing {
            Some(t) if draft.skills.iter().all(|s| s.trim().is_empty()) => t.skills.clone(),
            _ => draft.skills.clone(),
        };
        for s in kept
            .iter()
            .flat_map(|s| s.split([',', '，', '、']))
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let c = self.category_by_name(s)?;
            skill_ids.push(c.id);
            skill_names.push(c.name);
        }
        if skill_ids.is_empty() {
            return Err(Error::invalid(
                "请至少填写一项技能（报修类别，如 水路,电路）",
            ));
        }
        let id: i64 = tx
            .query_one(
                "INSERT INTO technicians (name, phone, team, daily_capacity, active, team_lead)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (name) DO UPDATE SET phone = excluded.phone, team = excluded.team,
                   daily_capacity = excluded.daily_capacity, active = excluded.active,
                   team_lead = excluded.team_lead
                 RETURNING id",
                &[&name, &phone, &team, &capacity, &active, &team_lead],
            )
            .sql("save technician")?
            .get(0)?;
        tx.execute(
            "DELETE FROM technician_skills WHERE technician_id = ?1",
            &[&id],
        )
        .sql("save technician skills")?;
        for c in skill_ids {
            tx.execute(
                "INSERT INTO technician_skills (technician_id, category_id) VALUES (?1, ?2)
                 ON CONFLICT (technician_id, category_id) DO NOTHING",
                &[&id, &c],
            )
            .sql("save technician skills")?;
        }
        let fields = |t: Option<&Technician>| match t {
            Some(t) => [
                t.phone.clone(),
                t.team.clone(),
                t.skills.join("、"),
                t.daily_capacity.to_string(),
                if t.active { "在岗" } else { "停用" }.to_string(),
                if t.team_lead { "是" } else { "否" }.to_string(),
            ],
            None => Default::default(),
        };
        let after = Technician {
            name: name.clone(),
            phone,
            team,
            skills: skill_names,
            daily_capacity: capacity,
            active,
            team_lead,
            open_tickets: 0,
            id,
        };
        let changed: Vec<(&str, String, String)> =
            ["电话", "班组", "技能", "每日上限", "状态", "班组长"]
                .into_iter()
                .zip(
                    fields(existing.as_ref())
                        .into_iter()
                        .zip(fields(Some(&after))),
                )
                .map(|(n, (o, a))| (n, o, a))
                .collect();
        let detail = match existing {
            Some(_) => audit::changes(&changed),
            None => format!("新增维修人员；{}", audit::changes(&changed)),
        };
        let now = self.now();
        record(
            &tx,
            &now,
            &by,
            AuditKind::MasterData,
            &format!("维修人员 {name}"),
            &detail,
        )?;
        tx.commit().sql("save technician")?;
        self.technician(&name)
    }

    /// 派单建议: active technicians whose skills cover the category, least open work
    /// first, flagged when their open work has reached their daily capacity.
    pub fn suggest_technicians(&self, category: &str) -> Result<Vec<Suggestion>> {
        let category = self.category_by_name(category)?;
        let today = self.zone.local_date(&self.now());
        let start = self.zone.day_start(today)?;
        let end = today
            .succ_opt()
            .map(|d| self.zone.day_start(d))
            .transpose()?
            .unwrap_or(start + 86_400);
        let rows = self
            .db
            .query(
                &format!(
                    "SELECT {TECH_COLUMNS},
                        (SELECT count(*) FROM tickets k WHERE k.assignee_id = t.id
                           AND k.status <> 'cancelled'
                           AND coalesce(k.appointment_at, k.dispatched_at) >= ?2
                           AND coalesce(k.appointment_at, k.dispatched_at) < ?3)
                     FROM technicians t
                     JOIN technician_skills s ON s.technician_id = t.id AND s.category_id = ?1
                     WHERE t.active = 1"
                ),
                &[&category.id, &start, &end],
            )
            .sql("suggest technicians")?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let t = tech_row(r)?;
            let today_load: i64 = r.get(r.len() - 1)?;
            out.push(Suggestion {
                at_capacity: today_load >= t.daily_capacity,
                name: t.name,
                phone: t.phone,
                team: t.team,
                open_tickets: t.open_tickets,
                today_load,
                daily_capacity: t.daily_capacity,
            });
        }
        // Who has room today first, then the lighter day, then the shorter queue.
        out.sort_by(|a, b| {
            (a.at_capacity, a.today_load, a.open_tickets, &a.name).cmp(&(
                b.at_capacity,
                b.today_load,
                b.open_tickets,
                &b.name,
            ))
        });
        Ok(out)
    }
}
