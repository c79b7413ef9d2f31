//! What people type: raw drafts as they arrive from the CLI's JSON or the window's
//! form, and the checks that turn them into clean values — or a Chinese message that
//! names the field and says what to fix.

use serde::Deserialize;

use crate::clock::{check_happened, OfficeZone, Time};
use crate::error::{Error, Result};
use crate::ticket::{Channel, Kind, Material, Scope, Urgency};
use crate::workflow::Completion;

pub const MAX_DESCRIPTION: usize = 4000;
const MAX_NAME: usize = 50;
const MAX_LINE: usize = 200;
const MAX_NOTE: usize = 1000;
const MAX_MATERIALS: usize = 100;

/// Trimmed text with no control characters (line breaks allowed where `multiline`),
/// at most `max` characters. `None`/blank gives `None`.
pub fn text(
    field: &str,
    value: Option<&str>,
    max: usize,
    multiline: bool,
) -> Result<Option<String>> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if let Some(c) = v
        .chars()
        .find(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
    {
        return Err(Error::invalid(format!(
            "{field}含有不可见的控制字符（U+{:04X}），请删除后重新输入",
            c as u32
        )));
    }
    let n = v.chars().count();
    if n > max {
        return Err(Error::invalid(format!(
            "{field}太长（{n} 字），最多 {max} 字，请精简"
        )));
    }
    Ok(Some(v.to_string()))
}

/// Like [`text`], but the field must be filled in.
pub fn required(field: &str, value: Option<&str>, max: usize, multiline: bool) -> Result<String> {
    text(field, value, max, multiline)?
        .ok_or_else(|| Error::invalid(format!("{field}不能为空，请填写")))
}

/// A short single-line name (people, places, reasons).
pub fn name(field: &str, value: Option<&str>) -> Result<String> {
    required(field, value, MAX_NAME, false)
}

/// A reason or note: required, up to 1000 characters, line breaks allowed.
pub fn reason(field: &str, value: Option<&str>) -> Result<String> {
    required(field, value, MAX_NOTE, true)
}

/// An optional note.
pub fn note(field: &str, value: Option<&str>) -> Result<Option<String>> {
    text(field, value, MAX_NOTE, true)
}

/// Chinese input methods type full-width digits and letters (`５０１`, `ＡＢＣ`, `－`):
/// fold them, and the ideographic space, to ASCII. Punctuation such as `（` and `，` is
/// left alone, so descriptions keep their Chinese punctuation.
pub fn fold_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '－' | '＋' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// Normalise a Chinese phone number as offices write it (`138-0013-8000`,
/// `138 0013 8000`, `+86 138…`, `0571-8888 6666`) to digits, or refuse it.
/// Accepts 11-digit mobiles, landlines with area code (10–12 digits starting 0),
/// 7–8 digit local numbers and 400/800 service numbers.
pub fn phone(field: &str, raw: &str) -> Result<String> {
    let folded = fold_width(raw);
    let s = folded.trim();
    let mut digits: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '（' | '）' | '\u{3000}'))
        .collect();
    if let Some(rest) = digits
        .strip_prefix("+86")
        .or_else(|| digits.strip_prefix("0086"))
    {
        digits = rest.to_string();
    }
    let bad = || {
        Error::invalid(format!(
            "{field}“{raw}”格式不对，请填写 11 位手机号（如 13800138000）或带区号的固定电话（如 0571-88886666）"
        ))
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let b = digits.as_bytes();
    let ok = match b.len() {
        11 if b[0] == b'1' => (b'3'..=b'9').contains(&b[1]),
        10..=12 if b[0] == b'0' => true,
        10 if digits.starts_with("400") || digits.starts_with("800") => true,
        7 | 8 => b[0] != b'0' && b[0] != b'1',
        _ => false,
    };
    if ok {
        Ok(digits)
    } else {
        Err(bad())
    }
}

fn choice<T>(value: Option<&str>, parse: fn(&str) -> Result<T>) -> Result<Option<T>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => parse(v).map(Some),
        None => Ok(None),
    }
}

/// 报修登记 — a new ticket as typed at the desk (all text, checked by [`TicketDraft::check`]).
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
#[serde(deny_unknown_fields)]
pub struct TicketDraft {
    pub kind: Option<String>,
    pub channel: Option<String>,
    pub reporter: Option<String>,
    pub phone: Option<String>,
    pub site: Option<String>,
    pub building: Option<String>,
    pub unit: Option<String>,
    pub room: Option<String>,
    pub location: Option<String>,
    pub scope: Option<String>,
    pub category: Option<String>,
    pub urgency: Option<String>,
    pub appointment_at: Option<String>,
    pub description: Option<String>,
    pub received_at: Option<String>,
}

/// A checked new ticket. `category` is still a name: the store resolves it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTicket {
    pub kind: Kind,
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
    /// `None`: take the category's default urgency.
    pub urgency: Option<Urgency>,
    pub appointment_at: Option<Time>,
    pub description: String,
    pub received_at: Time,
}

impl TicketDraft {
    /// Parse a draft from JSON. Scripts and spreadsheets write rooms and phones as
    /// numbers (`"room": 501`): every field of a draft is text, so numbers are taken as
    /// their text.
    pub fn from_json(json: &str) -> Result<TicketDraft> {
        let mut value: serde_json::Value = from_json("报修登记", json)?;
        if let Some(map) = value.as_object_mut() {
            for v in map.values_mut() {
                if let serde_json::Value::Number(n) = v {
                    *v = serde_json::Value::String(n.to_string());
                }
            }
        }
        serde_json::from_value(value).map_err(|e| json_error("报修登记", &e))
    }

    pub fn check(&self, zone: &OfficeZone, now: &Time) -> Result<NewTicket> {
        let kind = choice(self.kind.as_deref(), Kind::parse)?.unwrap_or(Kind::Repair);
        let channel = choice(self.channel.as_deref(), Channel::parse)?.unwrap_or(Channel::Phone);
        let reporter = name("报修人", self.reporter.as_deref())?;
        let phone_text = text("联系电话", self.phone.as_deref(), MAX_NAME, false)?;
        let phone = match phone_text {
            Some(p) => phone("联系电话", &p)?,
            None if channel == Channel::Inspection => String::new(),
            None => return Err(Error::invalid("联系电话不能为空，请填写报修人的电话")),
        };
        let site = text("小区", self.site.as_deref(), MAX_NAME, false)?;
        let building = text("楼栋", self.building.as_deref(), MAX_NAME, false)?;
        let unit = text("单元", self.unit.as_deref(), MAX_NAME, false)?;
        let room = text("房号", self.room.as_deref(), MAX_NAME, false)?;
        let location = text("报修位置", self.location.as_deref(), MAX_LINE, false)?;
        let scope = match choice(self.scope.as_deref(), Scope::parse)? {
            Some(s) => s,
            None if room.is_none() && location.is_some() => Scope::PublicArea,
            None => Scope::InHome,
        };
        match scope {
            Scope::InHome => {
                if site.is_none() {
                    return Err(Error::invalid("入户报修需填写小区，请选择或填写小区名"));
                }
                if room.is_none() {
                    return Err(Error::invalid("入户报修需填写房号，请填写（如 501）"));
                }
            }
            Scope::PublicArea => {
                if location.is_none() {
                    return Err(Error::invalid(
                        "公区报修需填写报修位置，请描述位置（如 3栋电梯厅、地下车库B区）",
                    ));
                }
            }
        }
        let category = name("报修类别", self.category.as_deref())?;
        let urgency = choice(self.urgency.as_deref(), Urgency::parse)?;
        let description = required(
            "故障描述",
            self.description.as_deref(),
            MAX_DESCRIPTION,
            true,
        )?;
        let received_at = match text("报修时间", self.received_at.as_deref(), MAX_NAME, false)?
        {
            Some(s) => zone.parse_input("报修时间", &s)?,
            None => *now,
        };
        check_happened("报修时间", &received_at, now)?;
        let appointment_at =
            match text("预约时间", self.appointment_at.as_deref(), MAX_NAME, false)? {
                Some(s) => Some(zone.parse_input("预约时间", &s)?),
                None => None,
            };
        if urgency == Some(Urgency::Scheduled) && appointment_at.is_none() {
            return Err(Error::invalid(
                "预约报修需填写预约时间，请与业主约定上门时间",
            ));
        }
        if let Some(a) = &appointment_at {
            if a.timestamp() < received_at.timestamp() - 60 {
                return Err(Error::invalid(format!(
                    "预约时间 {} 已经过去，请填写报修时间之后的时间",
                    a.format("%Y-%m-%d %H:%M")
                )));
            }
        }
        Ok(NewTicket {
            kind,
            channel,
            reporter,
            phone,
            site,
            building,
            unit,
            room,
            location,
            scope,
            category,
            urgency,
            appointment_at,
            description,
            received_at,
        })
    }
}

/// One material line as typed.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
#[serde(deny_unknown_fields)]
pub struct MaterialDraft {
    pub name: Option<String>,
    pub spec: Option<String>,
    pub quantity: Option<f64>,
    pub unit_price_fen: Option<i64>,
}

/// 完工登记 — the signed paper slip typed back in.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
#[serde(deny_unknown_fields)]
pub struct CompletionDraft {
    pub cause: Option<String>,
    pub measures: Option<String>,
    #[serde(default)]
    pub materials: Vec<MaterialDraft>,
    pub labour_minutes: Option<i64>,
    pub paid: Option<bool>,
    pub fee_fen: Option<i64>,
    pub payment_method: Option<String>,
    pub owner_signed: Option<bool>,
    /// 到场时间 from the slip: lets the desk complete an assigned ticket whose arrival
    /// was never recorded (the arrival is recorded first, in the same transaction).
    pub arrived_at: Option<String>,
}

impl CompletionDraft {
    /// Checks the numbers and texts; cause and measures being present is the
    /// workflow's precondition, checked there.
    pub fn check(&self) -> Result<Completion> {
        let cause = text("故障原因", self.cause.as_deref(), MAX_NOTE, true)?.unwrap_or_default();
        let measures =
            text("处理措施", self.measures.as_deref(), MAX_NOTE, true)?.unwrap_or_default();
        if self.materials.len() > MAX_MATERIALS {
            return Err(Error::invalid(format!("材料最多 {MAX_MATERIALS} 行")));
        }
        let mut materials = Vec::new();
        for (i, m) in self.materials.iter().enumerate() {
            let row = i + 1;
            let name = name(&format!("第 {row} 行材料名称"), m.name.as_deref())?;
            let spec = text(
                &format!("第 {row} 行规格型号"),
                m.spec.as_deref(),
                MAX_NAME,
                false,
            )?
            .unwrap_or_default();
            let quantity = m
                .quantity
                .ok_or_else(|| Error::invalid(format!("第 {row} 行材料“{name}”缺少数量")))?;
            if !quantity.is_finite() || quantity <= 0.0 {
                return Err(Error::invalid(format!(
                    "第 {row} 行材料“{name}”的数量 {quantity} 不对，应大于 0"
                )));
            }
            if quantity > 100_000.0 {
                return Err(Error::invalid(format!(
                    "第 {row} 行材料“{name}”的数量 {quantity} 过大，请检查（最多 100000）"
                )));
            }
            let unit_price_fen = m.unit_price_fen.unwrap_or(0);
            if !(0..=100_000_000).contains(&unit_price_fen) {
                return Err(Error::invalid(format!(
                    "第 {row} 行材料“{name}”的单价不能为负数或过大"
                )));
            }
            materials.push(Material {
                amount_fen: Material::amount(quantity, unit_price_fen),
                name,
                spec,
                quantity,
                unit_price_fen,
            });
        }
        let labour_minutes = self.labour_minutes.unwrap_or(0);
        if labour_minutes < 0 {
            return Err(Error::invalid("工时（分钟）不能为负数，请按维修单填写"));
        }
        if labour_minutes > 100_000 {
            return Err(Error::invalid(
                "工时（分钟）过大（最多 100000 分钟），请按维修单填写",
            ));
        }
        let fee_fen = self.fee_fen.unwrap_or(0);
        if fee_fen < 0 {
            return Err(Error::invalid("费用不能为负数，请按维修单填写"));
        }
        if fee_fen > 100_000_000 {
            return Err(Error::invalid("费用过大（最多 100 万元），请按维修单填写"));
        }
        let paid = self.paid.unwrap_or(fee_fen > 0);
        Ok(Completion {
            cause,
            measures,
            materials,
            labour_minutes,
            paid,
            fee_fen,
            payment_method: text("收费方式", self.payment_method.as_deref(), MAX_NAME, false)?,
            owner_signed: self.owner_signed.unwrap_or(false),
        })
    }
}

/// 维修人员 as typed.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
#[serde(deny_unknown_fields)]
pub struct TechnicianDraft {
    pub name: Option<String>,
    pub phone: Option<String>,
    #[serde(default)]
    pub skills: Vec<String>,
    pub team: Option<String>,
    pub daily_capacity: Option<i64>,
    pub active: Option<bool>,
}

/// Parse a JSON draft, turning serde's English into a Chinese message.
pub fn from_json<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> Result<T> {
    serde_json::from_str(json).map_err(|e| json_error(what, &e))
}

fn json_error(what: &str, e: &serde_json::Error) -> Error {
    {
        let detail = e.to_string();
        let hint = if let Some(field) = detail
            .strip_prefix("unknown field `")
            .and_then(|r| r.split('`').next())
        {
            format!("不认识的字段“{field}”")
        } else if detail.contains("invalid type") {
            format!("字段类型不对（{detail}）")
        } else {
            format!("JSON 格式错误（{detail}）")
        };
        Error::invalid(format!("{what}：{hint}，请检查输入"))
    }
}
