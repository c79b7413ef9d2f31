//! categories 报修类别 and their SLA minutes (sla_rules).

use serde::{Deserialize, Serialize};

use super::audit::record;
use super::db::Row;
use super::Store;
use crate::account::Permission;
use crate::audit::{self, AuditKind};
use crate::error::{Error, Result, SqlContext};
use crate::sla::SlaRule;
use crate::ticket::{CategoryKind, Urgency};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Category {
    pub id: i64,
    pub name: String,
    pub default_urgency: Urgency,
    pub active: bool,
    /// 报修 / 投诉 / 通用 — which tickets may use it (see [`CategoryKind::fits`]).
    pub kind: CategoryKind,
}

fn urgency_col(s: String) -> Urgency {
    Urgency::parse(&s).unwrap_or(Urgency::Normal)
}

/// `dispatch_minutes, arrival_minutes, completion_minutes, visit_minutes` of one rule.
fn sla_row(r: &Row, urgency: Urgency) -> Result<SlaRule> {
    Ok(SlaRule {
        urgency,
        dispatch_minutes: r.get(0)?,
        arrival_minutes: r.get(1)?,
        completion_minutes: r.get(2)?,
        visit_minutes: r.get(3)?,
    })
}

impl Store {
    pub fn categories(&self) -> Result<Vec<Category>> {
        let rows = self
            .db
            .query(
                "SELECT id, name, default_urgency, active, kind FROM categories
                 ORDER BY sort_order, id",
                &[],
            )
            .sql("list categories")?;
        rows.iter()
            .map(|r| {
                Ok(Category {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    default_urgency: urgency_col(r.get(2)?),
                    active: r.get(3)?,
                    kind: CategoryKind::parse(&r.get::<String>(4)?).unwrap_or(CategoryKind::Repair),
                })
            })
            .collect()
    }

    /// Find a category by its Chinese name, or say which names exist.
    pub fn category_by_name(&self, name: &str) -> Result<Category> {
        let name = name.trim();
        self.categories()?
            .into_iter()
            .find(|c| c.name == name)
            .ok_or_else(|| {
                let names: Vec<String> = self
                    .categories()
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|c| c.active)
                    .map(|c| c.name)
                    .collect();
                Error::NotFound(format!(
                    "报修类别“{name}”不存在，可选：{}",
                    names.join("、")
                ))
            })
    }

    /// The SLA rule for a category and urgency: the category's own row if it has one,
    /// else the general row for the urgency.
    pub fn sla_rule(&self, category_id: i64, urgency: Urgency) -> Result<SlaRule> {
        let row = self
            .db
            .query_opt(
                "SELECT dispatch_minutes, arrival_minutes, completion_minutes, visit_minutes
                 FROM sla_rules
                 WHERE urgency = ?1 AND (category_id = ?2 OR category_id IS NULL)
                 ORDER BY category_id IS NULL LIMIT 1",
                &[&urgency.code(), &category_id],
            )
            .sql("sla rule")?;
        match row {
            Some(r) => sla_row(&r, urgency),
            None => crate::sla::default_rules()
                .into_iter()
                .find(|r| r.urgency == urgency)
                .ok_or_else(|| Error::NotFound("缺少时限设置".into())),
        }
    }

    /// The general SLA rows, one per urgency.
    pub fn sla_rules(&self) -> Result<Vec<SlaRule>> {
        Urgency::ALL
            .iter()
            .map(|u| {
                let r = self
                    .db
                    .query_one(
                        "SELECT dispatch_minutes, arrival_minutes, completion_minutes, visit_minutes
                         FROM sla_rules WHERE urgency = ?1 AND category_id IS NULL",
                        &[&u.code()],
                    )
                    .sql("sla rules")?;
                sla_row(&r, *u)
            })
            .collect()
    }

    /// Change the general SLA minutes of one urgency (or a category's own, when given).
    /// Existing tickets keep the deadlines they were promised.
    pub fn set_sla_rule(&mut self, category: Option<&str>, rule: &SlaRule) -> Result<SlaRule> {
        let by = self.operator(Permission::Sla, None)?;
        for (label, m) in [
            ("派单时限", rule.dispatch_minutes),
            ("到场时限", rule.arrival_minutes),
            ("完工时限", rule.completion_minutes),
            ("回访时限", rule.visit_minutes),
        ] {
            if !(1..=525_600).contains(&m) {
                return Err(Error::invalid(format!(
                    "{label}必须是 1 到 525600 之间的分钟数"
                )));
            }
        }
        if rule.arrival_minutes > rule.completion_minutes {
            return Err(Error::invalid(
                "到场时限不能长于完工时限（两者都从报修或预约时间算起）",
            ));
        }
        let category = category.map(|c| self.category_by_name(c)).transpose()?;
        let category_id = category.as_ref().map(|c| c.id);
        let before = match &category {
            Some(c) => self.sla_rule(c.id, rule.urgency)?,
            None => self
                .sla_rules()?
                .into_iter()
                .find(|r| r.urgency == rule.urgency)
                .unwrap_or(*rule),
        };
        let now = self.now();
        let tx = self.begin()?;
        tx.execute(
            "DELETE FROM sla_rules
             WHERE coalesce(category_id, 0) = coalesce(CAST(?1 AS BIGINT), 0) AND urgency = ?2",
            &[&category_id, &rule.urgency.code()],
        )
        .sql("set sla rule")?;
        tx.execute(
            "INSERT INTO sla_rules (category_id, urgency, dispatch_minutes, arrival_minutes, completion_minutes, visit_minutes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            &[
                &category_id,
                &rule.urgency.code(),
                &rule.dispatch_minutes,
                &rule.arrival_minutes,
                &rule.completion_minutes,
                &rule.visit_minutes,
            ],
        )
        .sql("set sla rule")?;
        let minutes = |r: &SlaRule| {
            [
                r.dispatch_minutes,
                r.arrival_minutes,
                r.completion_minutes,
                r.visit_minutes,
            ]
            .map(|m| format!("{m} 分钟"))
        };
        let (old, new) = (minutes(&before), minutes(rule));
        let detail = audit::changes(
            &["派单时限", "到场时限", "完工时限", "回访时限"]
                .iter()
                .zip(old.into_iter().zip(new))
                .map(|(name, (o, n))| (*name, o, n))
                .collect::<Vec<_>>(),
        );
        let subject = format!(
            "{}·{}",
            category.as_ref().map_or("通用", |c| c.name.as_str()),
            rule.urgency.label()
        );
        record(&tx, &now, &by, AuditKind::Sla, &subject, &detail)?;
        tx.commit().sql("set sla rule")?;
        Ok(*rule)
    }

    /// Add a category, or change an existing one's default urgency / active flag.
    pub fn save_category(
        &mut self,
        name: &str,
        default_urgency: Urgency,
        active: bool,
    ) -> Result<Category> {
        let by = self.operator(Permission::MasterData, None)?;
        let name = crate::input::printed_name("类别名称", Some(name))?;
        let before = self.category_by_name(&name).ok();
        let now = self.now();
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO categories (name, default_urgency, sort_order, active)
             VALUES (?1, ?2, (SELECT coalesce(max(sort_order), 0) + 1 FROM categories), ?3)
             ON CONFLICT (name) DO UPDATE SET default_urgency = excluded.default_urgency, active = excluded.active",
            &[&name, &default_urgency.code(), &active],
        )
        .sql("save category")?;
        let shown = |c: Option<(Urgency, bool)>| match c {
            Some((u, a)) => (
                u.label().to_string(),
                if a { "启用" } else { "停用" }.to_string(),
            ),
            None => (String::new(), String::new()),
        };
        let (ou, oa) = shown(before.map(|c| (c.default_urgency, c.active)));
        let (nu, na) = shown(Some((default_urgency, active)));
        record(
            &tx,
            &now,
            &by,
            AuditKind::MasterData,
            &format!("报修类别 {name}"),
            &audit::changes(&[("默认紧急程度", ou, nu), ("状态", oa, na)]),
        )?;
        tx.commit().sql("save category")?;
        self.category_by_name(&name)
    }

    /// Say which tickets a category is for (报修 / 投诉 / 通用): an office's own complaint
    /// category is added with [`Store::save_category`], then marked here.
    pub fn set_category_kind(&mut self, name: &str, kind: CategoryKind) -> Result<Category> {
        let by = self.operator(Permission::MasterData, None)?;
        let before = self.category_by_name(name)?;
        let now = self.now();
        let tx = self.begin()?;
        tx.execute(
            "UPDATE categories SET kind = ?2 WHERE id = ?1",
            &[&before.id, &kind.code()],
        )
        .sql("set category kind")?;
        record(
            &tx,
            &now,
            &by,
            AuditKind::MasterData,
            &format!("报修类别 {}", before.name),
            &audit::changes(&[(
                "类别用途",
                before.kind.label().to_string(),
                kind.label().to_string(),
            )]),
        )?;
        tx.commit().sql("set category kind")?;
        self.category_by_name(&before.name)
    }
}
