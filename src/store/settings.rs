//! settings: the office's name and hotline printed on the slip, the ticket number
//! prefix, the time zone and the default slip layout.

use serde::{Deserialize, Serialize};

use super::audit::record;
use super::Store;
use crate::account::Permission;
use crate::audit::{self, AuditKind};
use crate::clock::OfficeZone;
use crate::error::{Error, Result, SqlContext};
use crate::input;

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
    /// Default slip layout: `a4` or `a5x2`.
    pub slip_layout: String,
    /// 自动锁屏: the window locks after this many idle minutes (0: never).
    #[serde(default = "default_idle_lock")]
    pub idle_lock_minutes: u32,
}

const IDLE_LOCK_DEFAULT: u32 = 15;
const IDLE_LOCK_MAX: u32 = 480;

fn default_idle_lock() -> u32 {
    IDLE_LOCK_DEFAULT
}

impl Store {
    pub fn settings(&self) -> Result<Settings> {
        let mut s = Settings {
            office_name: String::new(),
            hotline: String::new(),
            number_prefix: "BX".into(),
            time_zone: crate::clock::DEFAULT_TIME_ZONE.into(),
            slip_layout: "a4".into(),
            idle_lock_minutes: IDLE_LOCK_DEFAULT,
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
                "slip_layout" => s.slip_layout = v,
                "idle_lock_minutes" => s.idle_lock_minutes = v.parse().unwrap_or(IDLE_LOCK_DEFAULT),
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
            Some(h) => input::phone("服务热线", &h)?,
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
        if !matches!(s.slip_layout.as_str(), "a4" | "a5x2") {
            return Err(Error::invalid(
                "维修单版式只能是 a4（整张A4）或 a5x2（A4两联）",
            ));
        }
        if s.idle_lock_minutes > IDLE_LOCK_MAX {
            return Err(Error::invalid(format!(
                "自动锁屏时间必须是 0（不锁屏）到 {IDLE_LOCK_MAX} 之间的分钟数"
            )));
        }
        let idle = s.idle_lock_minutes.to_string();
        let now = self.now();
        let tx = self.begin()?;
        let detail = audit::changes(&[
            ("服务中心名称", before.office_name, office_name.clone()),
            ("服务热线", before.hotline, hotline.clone()),
            ("工单号前缀", before.number_prefix, prefix.clone()),
            ("时区", before.time_zone, zone.name().to_string()),
            ("维修单版式", before.slip_layout, s.slip_layout.clone()),
            (
                "自动锁屏分钟",
                before.idle_lock_minutes.to_string(),
                idle.clone(),
            ),
        ]);
        record(&tx, &now, &by, AuditKind::Settings, "系统设置", &detail)?;
        for (k, v) in [
            ("office_name", office_name.as_str()),
            ("hotline", hotline.as_str()),
            ("number_prefix", prefix.as_str()),
            ("time_zone", zone.name()),
            ("slip_layout", s.slip_layout.as_str()),
            ("idle_lock_minutes", idle.as_str()),
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
}
