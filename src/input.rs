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
/// 100 万元: the most one fee, unit price or material line may be, in 分.
const MAX_FEN: i64 = 100_000_000;
/// A 预约 appointment may be set at most this many months after the call.
const APPOINTMENT_MONTHS_AHEAD: u32 = 12;

/// Characters that draw nothing and only steer how the text around them is shown:
/// bidi embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069,
/// U+200E/F, U+061C), zero-width spaces and joiners, word joiners, the BOM, the soft
/// hyphen, fillers, variation selectors and tags. They arrive pasted from chat apps or
/// crafted to make one name look like another; nobody can see them to delete them, so
/// they are removed wherever text is entered. (A short fixed list rather than a Unicode
/// table crate: these are the format characters text input meets.)
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Trimmed text without invisible format characters ([`is_invisible`]), at most `max`
/// characters. Single-line text has control characters removed (a pasted tab or line
/// break becomes a space); multi-line text keeps line breaks and tabs and refuses any
/// other control character. `None`/blank gives `None`.
pub fn text(
    field: &str,
    value: Option<&str>,
    max: usize,
    multiline: bool,
) -> Result<Option<String>> {
    let Some(value) = value else {
        return Ok(None);
    };
    let visible: String = value.chars().filter(|&c| !is_invisible(c)).collect();
    let v = visible.trim();
    let cleaned = if multiline {
        if let Some(c) = v
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(Error::invalid(format!(
                "{field}含有不可见的控制字符（U+{:04X}），请删除后重新输入",
                c as u32
            )));
        }
        v.to_string()
    } else {
        v.chars()
            .filter_map(|c| match c {
                c if c.is_control() && c.is_whitespace() => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect::<String>()
            .trim()
            .to_string()
    };
    if cleaned.is_empty() {
        return Ok(None);
    }
    let n = cleaned.chars().count();
    if n > max {
        return Err(Error::invalid(format!(
            "{field}太长（{n} 字），最多 {max} 字，请精简"
        )));
    }
    Ok(Some(cleaned))
}

/// Text that goes on the 维修单 must be drawable by the bundled font: refuse it where it
/// is typed, naming the field, the character and its code, instead of accepting a
/// ticket that can never be printed.
pub fn printable(field: &str, text: &str) -> Result<()> {
    match crate::font::first_missing(text)? {
        None => Ok(()),
        Some(c) => Err(Error::MissingGlyph(format!(
            "{field}中的字符“{c}”（U+{:04X}）无法打印在维修单上（内置字体没有这个字），\
             请删除它，或改用常用字、同音字或拼音代替后再保存",
            c as u32
        ))),
    }
}

/// [`text`] for a field printed on the slip: also [`printable`].
pub fn printed_text(
    field: &str,
    value: Option<&str>,
    max: usize,
    multiline: bool,
) -> Result<Option<String>> {
    let v = text(field, value, max, multiline)?;
    if let Some(v) = &v {
        printable(field, v)?;
    }
    Ok(v)
}

/// [`name`] for a name printed on the slip (报修人, 维修人员, 材料): also [`printable`].
pub fn printed_name(field: &str, value: Option<&str>) -> Result<String> {
    let v = name(field, value)?;
    printable(field, &v)?;
    Ok(v)
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

/// A phone number checked like [`phone`] but kept the way it was written
/// (`0571-88886666` stays so on the ticket and the slip); only full-width characters are
/// folded and the ends trimmed. Where numbers are matched (contacts, 来电识别) the
/// digits from [`phone`] are the key.
pub fn phone_as_written(field: &str, raw: &str) -> Result<String> {
    phone(field, raw)?;
    Ok(fold_width(raw).trim().to_string())
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
    /// 发生时间: when the fault started, as the caller says (not after the call).
    #[serde(default)]
    pub occurred_at: Option<String>,
    /// 指定师傅: a technician the owner asks for by name.
    #[serde(default)]
    pub requested_technician: Option<String>,
}

/// A JSON object whose fields are all text, numbers taken as their text (see
/// [`TicketDraft::from_json`]).
fn text_fields_from_json<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> Result<T> {
    let mut value: serde_json::Value = from_json(what, json)?;
    if let Some(map) = value.as_object_mut() {
        for (key, v) in map.iter_mut() {
            if let serde_json::Value::Number(n) = v {
                match n.as_u64().filter(|&n| n <= MAX_JSON_NUMBER) {
                    Some(n) => *v = serde_json::Value::String(n.to_string()),
                    None => {
                        return Err(Error::invalid(format!(
                            "{what}：字段“{key}”的数字 {n} 不是 12 位以内的非负整数，\
                             请写成文本（加引号，如 \"{key}\": \"501\"）"
                        )))
                    }
                }
            }
        }
    }
    serde_json::from_value(value).map_err(|e| json_error(what, &e))
}

/// 更正 — the fields of a registered ticket to change, named as in [`TicketDraft`]; a
/// field left out (or `null`) stays as it is, an empty text clears it. The corrected
/// ticket is checked by [`TicketDraft::check`] like a new one.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ts_rs::TS)]
#[ts(optional_fields = nullable)]
#[serde(deny_unknown_fields)]
pub struct TicketPatch {
    pub kind: Option<String>,
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
}

impl TicketPatch {
    /// Parse a patch from JSON (numbers taken as text, as for a new ticket).
    pub fn from_json(json: &str) -> Result<TicketPatch> {
        text_fields_from_json("更正工单", json)
    }

    /// `draft` with this patch's fields written over it.
    pub fn over(&self, draft: &TicketDraft) -> TicketDraft {
        let pick = |p: &Option<String>, d: &Option<String>| p.clone().or_else(|| d.clone());
        TicketDraft {
            kind: pick(&self.kind, &draft.kind),
            reporter: pick(&self.reporter, &draft.reporter),
            phone: pick(&self.phone, &draft.phone),
            site: pick(&self.site, &draft.site),
            building: pick(&self.building, &draft.building),
            unit: pick(&self.unit, &draft.unit),
            room: pick(&self.room, &draft.room),
            location: pick(&self.location, &draft.location),
            scope: pick(&self.scope, &draft.scope),
            category: pick(&self.category, &draft.category),
            urgency: pick(&self.urgency, &draft.urgency),
            appointment_at: pick(&self.appointment_at, &draft.appointment_at),
            description: pick(&self.description, &draft.description),
            channel: draft.channel.clone(),
            received_at: draft.received_at.clone(),
            occurred_at: draft.occurred_at.clone(),
            requested_technician: draft.requested_technician.clone(),
        }
    }
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
    pub occurred_at: Option<Time>,
    pub requested_technician: Option<String>,
}

impl TicketDraft {
    /// Parse a draft from JSON. Scripts and spreadsheets write rooms and phones as
    /// numbers (`"room": 501`): every field of a draft is text, so numbers are taken as
    /// their text.
    /// Only whole non-negative numbers of at most 12 digits are taken (a room, a phone):
    /// `5.01`, `-3` or `18446744073709551616` would be stored as something nobody typed.
    pub fn from_json(json: &str) -> Result<TicketDraft> {
        text_fields_from_json("报修登记", json)
    }

    pub fn check(&self, zone: &OfficeZone, now: &Time) -> Result<NewTicket> {
        let kind = choice(self.kind.as_deref(), Kind::parse)?.unwrap_or(Kind::Repair);
        let channel = choice(self.channel.as_deref(), Channel::parse)?.unwrap_or(Channel::Phone);
        let reporter = printed_name("报修人", self.reporter.as_deref())?;
        let phone_text = text("联系电话", self.phone.as_deref(), MAX_NAME, false)?;
        let phone = match phone_text {
            Some(p) => phone_as_written("联系电话", &p)?,
            None if channel == Channel::Inspection => String::new(),
            None => return Err(Error::invalid("联系电话不能为空，请填写报修人的电话")),
        };
        let site = printed_text("小区", self.site.as_deref(), MAX_NAME, false)?;
        let building = printed_text("楼栋", self.building.as_deref(), MAX_NAME, false)?;
        let unit = printed_text("单元", self.unit.as_deref(), MAX_NAME, false)?;
        let room = printed_text("房号", self.room.as_deref(), MAX_NAME, false)?;
        let location = printed_text("报修位置", self.location.as_deref(), MAX_LINE, false)?;
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
        printable("故障描述", &description)?;
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
            check_appointment(a, &received_at, "报修时间")?;
        }
        let occurred_at = match text("发生时间", self.occurred_at.as_deref(), MAX_NAME, false)?
        {
            Some(s) => Some(zone.parse_input("发生时间", &s)?),
            None => None,
        };
        if let Some(o) = &occurred_at {
            check_happened("发生时间", o, now)?;
            if o.timestamp().div_euclid(60) > received_at.timestamp().div_euclid(60) {
                return Err(Error::invalid(format!(
                    "发生时间 {} 晚于报修时间 {}，请检查：故障应在报修之前发生",
                    o.format("%Y-%m-%d %H:%M"),
                    received_at.format("%Y-%m-%d %H:%M")
                )));
            }
        }
        let requested_technician = match self.requested_technician.as_deref() {
            Some(n) if !n.trim().is_empty() => Some(printed_name("指定师傅", Some(n))?),
            _ => None,
        };
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
            occurred_at,
            requested_technician,
        })
    }
}

/// A 预约 appointment is after the call, or the 改约 that sets it (`since`, named
/// `since_name`; a minute earlier is tolerated, as in [`check_happened`]; compared by
/// the minute, since typed times have no seconds) and at most a year after it.
pub(crate) fn check_appointment(a: &Time, since: &Time, since_name: &str) -> Result<()> {
    let shown = a.format("%Y-%m-%d %H:%M");
    if a.timestamp().div_euclid(60) < since.timestamp().div_euclid(60) - 1 {
        return Err(Error::invalid(format!(
            "预约时间 {shown} 已经过去，请填写{since_name}之后的时间"
        )));
    }
    let latest = since.checked_add_months(chrono::Months::new(APPOINTMENT_MONTHS_AHEAD));
    if latest.is_none_or(|latest| *a > latest) {
        return Err(Error::invalid(format!(
            "预约时间 {shown} 距{since_name}超过一年，请填写一年以内的上门时间"
        )));
    }
    Ok(())
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
        let cause =
            printed_text("故障原因", self.cause.as_deref(), MAX_NOTE, true)?.unwrap_or_default();
        let measures =
            printed_text("处理措施", self.measures.as_deref(), MAX_NOTE, true)?.unwrap_or_default();
        if self.materials.len() > MAX_MATERIALS {
            return Err(Error::invalid(format!("材料最多 {MAX_MATERIALS} 行")));
        }
        let mut materials = Vec::new();
        for (i, m) in self.materials.iter().enumerate() {
            let row = i + 1;
            let name = printed_name(&format!("第 {row} 行材料名称"), m.name.as_deref())?;
            let spec = printed_text(
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
            if !(0..=MAX_FEN).contains(&unit_price_fen) {
                return Err(Error::invalid(format!(
                    "第 {row} 行材料“{name}”的单价不能为负数或过大"
                )));
            }
            let amount_fen = Material::amount(quantity, unit_price_fen);
            if amount_fen > MAX_FEN {
                return Err(Error::invalid(format!(
                    "第 {row} 行材料“{name}”的金额（数量×单价）过大（最多 100 万元），请检查数量和单价"
                )));
            }
            materials.push(Material {
                amount_fen,
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
        if fee_fen > MAX_FEN {
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
    /// 班组长 of `team`.
    pub team_lead: Option<bool>,
}

/// The largest number a draft takes in place of text: 12 digits (a landline with area
/// code, a room).
const MAX_JSON_NUMBER: u64 = 999_999_999_999;

/// Parse a JSON draft, turning serde's English into a Chinese message. A key given
/// twice in one object is refused: serde_json would silently keep one of them.
pub fn from_json<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> Result<T> {
    serde_json::from_str::<NoDuplicateKeys>(json).map_err(|e| json_error(what, &e))?;
    serde_json::from_str(json).map_err(|e| json_error(what, &e))
}

/// Walks any JSON value and fails on the first object with a repeated key (serde's own
/// derive only catches repeats of known struct fields, and `serde_json::Value` keeps
/// the last one).
struct NoDuplicateKeys;

impl<'de> serde::Deserialize<'de> for NoDuplicateKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(NoDuplicateKeysVisitor)
    }
}

struct NoDuplicateKeysVisitor;

impl<'de> serde::de::Visitor<'de> for NoDuplicateKeysVisitor {
    type Value = NoDuplicateKeys;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> std::result::Result<NoDuplicateKeys, E> {
        Ok(NoDuplicateKeys)
    }

    fn visit_i64<E>(self, _: i64) -> std::result::Result<NoDuplicateKeys, E> {
        Ok(NoDuplicateKeys)
    }

    fn visit_u64<E>(self, _: u64) -> std::result::Result<NoDuplicateKeys, E> {
        Ok(NoDuplicateKeys)
    }

    fn visit_f64<E>(self, _: f64) -> std::result::Result<NoDuplicateKeys, E> {
        Ok(NoDuplicateKeys)
    }

    fn visit_str<E>(self, _: &str) -> std::result::Result<NoDuplicateKeys, E> {
        Ok(NoDuplicateKeys)
    }

    fn visit_unit<E>(self) -> std::result::Result<NoDuplicateKeys, E> {
        Ok(NoDuplicateKeys)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<NoDuplicateKeys, A::Error> {
        while seq.next_element::<NoDuplicateKeys>()?.is_some() {}
        Ok(NoDuplicateKeys)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<NoDuplicateKeys, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            map.next_value::<NoDuplicateKeys>()?;
            if !seen.insert(key.clone()) {
                return Err(serde::de::Error::custom(format_args!(
                    "duplicate field `{key}`"
                )));
            }
        }
        Ok(NoDuplicateKeys)
    }
}

fn json_error(what: &str, e: &serde_json::Error) -> Error {
    {
        let detail = e.to_string();
        let hint = if let Some(field) = detail
            .strip_prefix("unknown field `")
            .and_then(|r| r.split('`').next())
        {
            format!("不认识的字段“{field}”")
        } else if let Some(field) = detail
            .strip_prefix("duplicate field `")
            .and_then(|r| r.split('`').next())
        {
            format!("字段“{field}”出现了两次，请只保留一个")
        } else if detail.contains("invalid type") {
            format!("字段类型不对（{detail}）")
        } else {
            format!("JSON 格式错误（{detail}）")
        };
        Error::invalid(format!("{what}：{hint}，请检查输入"))
    }
}
