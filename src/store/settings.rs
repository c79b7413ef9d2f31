//! settings: the office's name and hotline printed on the slip, the ticket number
//! prefix, the time zone, the default slip layout and how many daily backups to keep.

use serde::{Deserialize, Serialize};

use super::audit::record;
use super::Store;
use crate::account::Permission;
use crate::audit::{self, AuditKind};
use crate::clock::OfficeZone;
use crate::error::{Error, Result, SqlContext};
use crate::input;
use crate::sla::{self, EscalationReason, EscalationRule};
use crate::slip::Layout;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Settings {
    /// 物业服务中心名称, printed at the top of every slip.
    pub office_name: String,
    /// 服务热线, printed in the slip's footer.
    pub hotline: String,
    /// Ticket number prefix (`BX` → BX-202611-0001).
    pub number_prefix: String,
    /// IANA time zone the office works in.
    pub time_zone: String,
    /// Default slip layout.
    pub slip_layout: Layout,
    /// 自动锁屏: the window locks after this many idle minutes (0: never).
    #[serde(default = "default_idle_lock")]
    pub idle_lock_minutes: u32,
    /// 每日备份保留份数: how many daily copies `backups/` keeps (1–365, default 30).
    /// 0 (what a screen that does not know the field sends) keeps the stored value.
    #[serde(default)]
    pub daily_backups_kept: u32,
}

const IDLE_LOCK_DEFAULT: u32 = 15;
const IDLE_LOCK_MAX: u32 = 480;

fn default_idle_lock() -> u32 {
    IDLE_LOCK_DEFAULT
}

/// The 每日备份保留份数 range an office may choose.
pub const DAILY_BACKUPS_KEPT_RANGE: std::ops::RangeInclusive<u32> = 1..=365;

/// Refuse a 每日备份保留份数 outside [`DAILY_BACKUPS_KEPT_RANGE`].
pub fn check_daily_backups_kept(n: u32) -> Result<u32> {
    if DAILY_BACKUPS_KEPT_RANGE.contains(&n) {
        return Ok(n);
    }
    Err(Error::invalid(format!(
        "每日备份保留份数“{n}”超出范围，请填写 {}–{} 之间的整数",
        DAILY_BACKUPS_KEPT_RANGE.start(),
        DAILY_BACKUPS_KEPT_RANGE.end()
    )))
}

impl Store {
    pub fn settings(&self) -> Result<Settings> {
        let mut s = Settings {
            office_name: String::new(),
            hotline: String::new(),
            number_prefix: "BX".into(),
            time_zone: crate::clock::DEFAULT_TIME_ZONE.into(),
            slip_layout: Layout::A4,
            idle_lock_minutes: IDLE_LOCK_DEFAULT,
            daily_backups_kept: super::DEFAULT_DAILY_BACKUPS_KEPT,
        };
        let rows = self
            .db
            .query("SELECT key, value FROM settings", &[])
            .sql("settings")?;
        for row in rows {
            let k: String = row.get(0)?;
            let v: String = row.get(1)?;
            match k.as_str() {
                "office_name" => s.office_name = v,
                "hotline" => s.hotline = v,
                "number_prefix" => s.number_prefix = v,
                "time_zone" => s.time_zone = v,
                "slip_layout" => s.slip_layout = Layout::parse(&v).unwrap_or(Layout::A4),
                "idle_lock_minutes" => s.idle_lock_minutes = v.parse().unwrap_or(IDLE_LOCK_DEFAULT),
                "daily_backups_kept" => {
                    if let Ok(n) = v.parse::<u32>() {
                        s.daily_backups_kept = n.clamp(
                            *DAILY_BACKUPS_KEPT_RANGE.start(),
                            *DAILY_BACKUPS_KEPT_RANGE.end(),
                        );
                    }
                }
                _ => {}
            }
        }
        Ok(s)
    }

    /// Check and save all settings at once.
    pub fn update_settings(&mut self, s: &Settings) -> Result<Settings> {
        let by = self.operator(Permission::Settings, None)?;
        let before = self.settings()?;
        let office_name = input::required("服务中心名称", Some(&s.office_name), 40, false)?;
        input::printable("服务中心名称", &office_name)?;
        let hotline = match input::text("服务热线", Some(&s.hotline), 30, false)? {
            Some(h) => input::phone_as_written("服务热线", &h)?,
            None => String::new(),
        };
        let prefix = s.number_prefix.trim().to_string();
        if prefix.is_empty() || prefix.len() > 6 || !prefix.chars().all(|c| c.is_ascii_uppercase())
        {
            return Err(Error::invalid(
                "工单号前缀只能是 1–6 个大写英文字母（如 BX）",
            ));
        }
        let zone = OfficeZone::parse(&s.time_zone)?;
        if s.idle_lock_minutes > IDLE_LOCK_MAX {
            return Err(Error::invalid(format!(
                "自动锁屏时间必须是 0（不锁屏）到 {IDLE_LOCK_MAX} 之间的分钟数"
            )));
        }
        let idle = s.idle_lock_minutes.to_string();
        let now = self.now();
        // 0 is what a screen that does not know the field sends: keep the stored value.
        let kept = match s.daily_backups_kept {
            0 => self.settings()?.daily_backups_kept,
            n => check_daily_backups_kept(n)?,
        }
        .to_string();
        let tx = self.begin()?;
        let detail = audit::changes(&[
            ("服务中心名称", before.office_name, office_name.clone()),
            ("服务热线", before.hotline, hotline.clone()),
            ("工单号前缀", before.number_prefix, prefix.clone()),
            ("时区", before.time_zone, zone.name().to_string()),
            (
                "维修单版式",
                before.slip_layout.label().to_string(),
                s.slip_layout.label().to_string(),
            ),
            (
                "自动锁屏分钟",
                before.idle_lock_minutes.to_string(),
                idle.clone(),
            ),
            (
                "每日备份保留份数",
                before.daily_backups_kept.to_string(),
                kept.clone(),
            ),
        ]);
        record(&tx, &now, &by, AuditKind::Settings, "系统设置", &detail)?;
        for (k, v) in [
            ("office_name", office_name.as_str()),
            ("hotline", hotline.as_str()),
            ("number_prefix", prefix.as_str()),
            ("time_zone", zone.name()),
            ("slip_layout", s.slip_layout.code()),
            ("idle_lock_minutes", idle.as_str()),
            ("daily_backups_kept", kept.as_str()),
        ] {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&k, &v],
            )
            .sql("update settings")?;
        }
        tx.commit().sql("update settings")?;
        self.zone = zone;
        self.settings()
    }

    /// 催办规则, one per reason; a reason the office never changed has its default.
    pub fn escalation_rules(&self) -> Result<Vec<EscalationRule>> {
        let stored: Vec<(String, String)> = self
            .db
            .query(
                "SELECT key, value FROM settings WHERE key LIKE 'escalation.%'",
                &[],
            )
            .sql("escalation rules")?
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?)))
            .collect::<Result<_>>()?;
        let get = |reason: EscalationReason, field: &str| {
            let key = format!("escalation.{}.{field}", reason.code());
            stored
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
        };
        Ok(sla::default_escalation_rules()
            .into_iter()
            .map(|d| EscalationRule {
                minutes: get(d.reason, "minutes")
                    .and_then(|v| v.parse().ok())
                    .filter(|m| sla::ESCALATION_MINUTES.contains(m))
                    .unwrap_or(d.minutes),
                chase: get(d.reason, "chase").unwrap_or(d.chase),
                reason: d.reason,
            })
            .collect())
    }

    /// Change one 催办规则 (管理员, like the 时限): its minutes and whom to chase.
    pub fn set_escalation_rule(&mut self, rule: &EscalationRule) -> Result<EscalationRule> {
        let by = self.operator(Permission::Sla, None)?;
        if !sla::ESCALATION_MINUTES.contains(&rule.minutes) {
            return Err(Error::invalid(format!(
                "催办时限“{}”分钟超出范围，请填写 {}–{} 之间的分钟数",
                rule.minutes,
                sla::ESCALATION_MINUTES.start(),
                sla::ESCALATION_MINUTES.end()
            )));
        }
        let chase = input::printed_name("催办对象", Some(&rule.chase))?;
        if chase.chars().count() > 20 {
            return Err(Error::invalid(
                "催办对象最多 20 个字，请填写角色或姓名（如 工程主管、班组长、张经理）",
            ));
        }
        let before = self
            .escalation_rules()?
            .into_iter()
            .find(|r| r.reason == rule.reason)
            .ok_or_else(|| Error::NotFound("找不到这条催办规则".into()))?;
        let now = self.now();
        let tx = self.begin()?;
        let detail = audit::changes(&[
            (
                "时限（分钟）",
                before.minutes.to_string(),
                rule.minutes.to_string(),
            ),
            ("催办对象", before.chase, chase.clone()),
        ]);
        record(
            &tx,
            &now,
            &by,
            AuditKind::Sla,
            &format!("催办规则 {}", rule.reason.label()),
            &detail,
        )?;
        let code = rule.reason.code();
        let minutes = rule.minutes.to_string();
        for (field, value) in [("minutes", minutes.as_str()), ("chase", chase.as_str())] {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&format!("escalation.{code}.{field}"), &value],
            )
            .sql("set escalation rule")?;
        }
        tx.commit().sql("set escalation rule")?;
        Ok(EscalationRule {
            reason: rule.reason,
            minutes: rule.minutes,
            chase,
        })
    }
}
