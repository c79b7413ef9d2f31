//! sites 小区, units 房屋 (楼栋/单元/房号) and contacts 业主/住户 with their phones —
//! what the desk needs to recognise a caller by phone or by room.

use serde::Serialize;

use super::audit::record;
use super::db::{Db, Param, Row, Value};
use super::Store;
use crate::account::Permission;
use crate::audit::AuditKind;
use crate::error::{Error, Result, SqlContext};
use crate::input;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Site {
    pub name: String,
    pub units: i64,
    /// 公区位置 the intake form offers for this 小区.
    pub locations: Vec<String>,
}

/// A caller (or a room) the desk can fill the intake form from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct CallerMatch {
    /// 业主/住户 name; empty when the room is known but has no contact on file.
    pub contact: String,
    pub phones: Vec<String>,
    pub site: String,
    pub building: String,
    pub unit: String,
    pub room: String,
}

/// `3栋`, `3号楼`, `3幢` → `3`; other spellings (`A座`) stay as written.
pub fn normalize_building(s: &str) -> String {
    strip_number_suffix(s, &["号楼", "栋", "幢", "楼"])
}

/// `2单元` → `2`.
pub fn normalize_unit(s: &str) -> String {
    strip_number_suffix(s, &["单元"])
}

/// `501室` → `501`.
pub fn normalize_room(s: &str) -> String {
    strip_number_suffix(s, &["室", "号"])
}

fn strip_number_suffix(s: &str, suffixes: &[&str]) -> String {
    let folded = input::fold_width(s);
    let t = folded.trim();
    for suf in suffixes {
        if let Some(n) = t.strip_suffix(suf) {
            if !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric()) {
                return n.to_string();
            }
        }
    }
    t.to_string()
}

/// The id of a 小区 the office has declared. A name not on file is refused with the
/// list of known ones: a typo must not start a new 小区 and split the month's figures.
/// New 小区 come only from 基础资料 ([`Store::add_site`]), the ledger import or the demo.
pub(crate) fn known_site_id(db: &Db, name: &str) -> Result<i64> {
    let name = name.trim();
    if let Some(r) = db
        .query_opt("SELECT id FROM sites WHERE name = ?1", &[&name])
        .sql("find site")?
    {
        return Ok(r.get(0)?);
    }
    let known = db
        .query("SELECT name FROM sites ORDER BY name", &[])
        .sql("list sites")?
        .iter()
        .map(|r| r.get(0))
        .collect::<std::result::Result<Vec<String>, _>>()?;
    Err(Error::NotFound(if known.is_empty() {
        format!("小区“{name}”不存在：还没有登记任何小区，请先在「基础资料」中添加小区")
    } else {
        format!(
            "小区“{name}”不存在，已有小区：{}。请选择已有小区；新小区请先在「基础资料」中添加",
            known.join("、")
        )
    }))
}

/// The id of the site with this name, created if new (the demo, the ledger import and
/// 基础资料 only). Call inside the write's transaction (`&tx`).
pub(crate) fn site_id(db: &Db, name: &str) -> Result<i64> {
    Ok(db
        .query_one(
            "INSERT INTO sites (name) VALUES (?1)
             ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id",
            &[&name.trim()],
        )
        .sql("site id")?
        .get(0)?)
}

/// The id of the unit (building, unit, room normalised), created if new.
pub(crate) fn unit_id(
    db: &Db,
    site_id: i64,
    building: &str,
    unit: &str,
    room: &str,
) -> Result<i64> {
    Ok(db
        .query_one(
            "INSERT INTO units (site_id, building, unit, room) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (site_id, building, unit, room) DO UPDATE SET room = excluded.room
             RETURNING id",
            &[
                &site_id,
                &normalize_building(building),
                &normalize_unit(unit),
                &normalize_room(room),
            ],
        )
        .sql("unit id")?
        .get(0)?)
}

/// Record a contact with phones at a unit; the same name at the same unit is updated
/// (new phones added), so importing a ledger twice creates no duplicates.
pub(crate) fn upsert_contact(db: &Db, unit_id: i64, name: &str, phones: &[String]) -> Result<i64> {
    let id: i64 = db
        .query_one(
            "INSERT INTO contacts (unit_id, name) VALUES (?1, ?2)
             ON CONFLICT (unit_id, name) DO UPDATE SET name = excluded.name RETURNING id",
            &[&unit_id, &name],
        )
        .sql("upsert contact")?
        .get(0)?;
    for p in phones {
        db.execute(
            "INSERT INTO contact_phones (contact_id, phone) VALUES (?1, ?2)
             ON CONFLICT (contact_id, phone) DO NOTHING",
            &[&id, p],
        )
        .sql("upsert contact phone")?;
    }
    Ok(id)
}

const MATCH_SELECT: &str = "SELECT coalesce(c.name, ''),
        coalesce((SELECT string_agg(p.phone, ',' ORDER BY p.phone) FROM contact_phones p WHERE p.contact_id = c.id), ''),
        s.name, u.building, u.unit, u.room
    FROM units u JOIN sites s ON s.id = u.site_id
    LEFT JOIN contacts c ON c.unit_id = u.id";

fn match_row(r: &Row) -> Result<CallerMatch> {
    let phones: String = r.get(1)?;
    Ok(CallerMatch {
        contact: r.get(0)?,
        phones: phones
            .split(',')
            .filter(|p| !p.is_empty())
            .map(String::from)
            .collect(),
        site: r.get(2)?,
        building: r.get(3)?,
        unit: r.get(4)?,
        room: r.get(5)?,
    })
}

impl Store {
    pub fn sites(&self) -> Result<Vec<Site>> {
        let mut sites = self
            .db
            .query(
                "SELECT s.id, s.name, (SELECT count(*) FROM units u WHERE u.site_id = s.id)
                 FROM sites s ORDER BY s.name",
                &[],
            )
            .sql("list sites")?
            .iter()
            .map(|r| {
                Ok((
                    r.get::<i64>(0)?,
                    Site {
                        name: r.get(1)?,
                        units: r.get(2)?,
                        locations: Vec::new(),
                    },
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        for row in self
            .db
            .query(
                "SELECT site_id, name FROM site_locations ORDER BY site_id, name",
                &[],
            )
            .sql("list site locations")?
        {
            let sid: i64 = row.get(0)?;
            if let Some((_, site)) = sites.iter_mut().find(|(id, _)| *id == sid) {
                site.locations.push(row.get(1)?);
            }
        }
        Ok(sites.into_iter().map(|(_, s)| s).collect())
    }

    fn site(&self, name: &str) -> Result<Site> {
        self.sites()?
            .into_iter()
            .find(|s| s.name == name)
            .ok_or_else(|| Error::NotFound(format!("小区“{name}”不存在")))
    }

    /// 基础资料 › 添加小区: the office declares a 小区 before tickets name it.
    pub fn add_site(&mut self, name: &str) -> Result<Site> {
        let by = self.operator(Permission::MasterData, None)?;
        let name = input::printed_name("小区", Some(name))?;
        let now = self.now();
        let tx = self.begin()?;
        if tx
            .query_opt("SELECT 1 FROM sites WHERE name = ?1", &[&name])
            .sql("find site")?
            .is_some()
        {
            return Err(Error::invalid(format!("小区“{name}”已存在，无需重复添加")));
        }
        tx.execute("INSERT INTO sites (name) VALUES (?1)", &[&name])
            .sql("add site")?;
        record(
            &tx,
            &now,
            &by,
            AuditKind::MasterData,
            &format!("小区 {name}"),
            "新增小区",
        )?;
        tx.commit().sql("add site")?;
        self.site(&name)
    }

    /// 基础资料 › 公区位置: a public location of a 小区 the intake form offers
    /// (6栋一楼大堂, 地下车库B2入口 …). Free text stays possible on a ticket.
    pub fn add_site_location(&mut self, site: &str, location: &str) -> Result<Site> {
        let by = self.operator(Permission::MasterData, None)?;
        let location = input::printed_name("公区位置", Some(location))?;
        let now = self.now();
        let tx = self.begin()?;
        let sid = known_site_id(&tx, site)?;
        if tx
            .query_opt(
                "SELECT 1 FROM site_locations WHERE site_id = ?1 AND name = ?2",
                &[&sid, &location],
            )
            .sql("find site location")?
            .is_some()
        {
            return Err(Error::invalid(format!(
                "小区“{}”已有公区位置“{location}”",
                site.trim()
            )));
        }
        tx.execute(
            "INSERT INTO site_locations (site_id, name) VALUES (?1, ?2)",
            &[&sid, &location],
        )
        .sql("add site location")?;
        record(
            &tx,
            &now,
            &by,
            AuditKind::MasterData,
            &format!("小区 {}", site.trim()),
            &format!("新增公区位置 {location}"),
        )?;
        tx.commit().sql("add site location")?;
        self.site(site.trim())
    }

    /// Add (or update) a contact at a room, creating the site and unit if new.
    pub fn save_contact(
        &mut self,
        site: &str,
        building: &str,
        unit: &str,
        room: &str,
        name: &str,
        phones: &[String],
    ) -> Result<CallerMatch> {
        let by = self.operator(Permission::Contacts, None)?;
        // All of these fill the intake form (and so the slip) when the caller rings.
        let site = input::printed_name("小区", Some(site))?;
        let room_clean = input::printed_name("房号", Some(room))?;
        let name = input::printed_name("姓名", Some(name))?;
        let building = input::printed_text("楼栋", Some(building), 50, false)?.unwrap_or_default();
        let unit = input::printed_text("单元", Some(unit), 50, false)?.unwrap_or_default();
        let phones = phones
            .iter()
            .map(|p| input::phone("电话", p))
            .collect::<Result<Vec<_>>>()?;
        let tx = self.begin()?;
        let sid = known_site_id(&tx, &site)?;
        let uid = unit_id(&tx, sid, &building, &unit, &room_clean)?;
        upsert_contact(&tx, uid, &name, &phones)?;
        let now = self.now();
        record(
            &tx,
            &now,
            &by,
            AuditKind::MasterData,
            &format!("住户 {site} {building}{unit}{room_clean}"),
            &format!("保存住户 {name}，电话 {} 个", phones.len()),
        )?;
        tx.commit().sql("save contact")?;
        self.lookup_caller(phones.first().map_or(room_clean.as_str(), |p| p.as_str()))?
            .into_iter()
            .find(|m| m.contact == name)
            .ok_or_else(|| Error::NotFound("保存后找不到该住户".into()))
    }

    /// 来电识别: find callers by full phone, by its last 4 digits, or by room
    /// (`501`, `3-2-501`, `3栋2单元501`).
    pub fn lookup_caller(&self, query: &str) -> Result<Vec<CallerMatch>> {
        let folded = input::fold_width(query);
        let mut q = folded.trim();
        // "翠湖苑 3-2-501": a known site name in front narrows the search to that site.
        let mut site: Option<i64> = None;
        if let Some((first, rest)) = q.split_once(' ') {
            if let Some(id) = self.find_site(first)? {
                site = Some(id);
                q = rest.trim();
            }
        }
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let digits: String = q.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let all_digits = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit());
        let phone = input::phone("电话", q).ok();
        let (filter, mut args): (&str, Vec<Value>) = if all_digits && digits.len() == 4 {
            (
                "(c.id IN (SELECT contact_id FROM contact_phones WHERE last4 = ?1) OR u.room = ?1)",
                vec![Value::Text(digits)],
            )
        } else if let Some(p) = phone.filter(|p| p.len() >= 7) {
            if p.len() <= 8 {
                // A 7–8 digit local number also finds the same line stored with its area
                // code (`0` + area code + this number). The phone is digits only, so it
                // is safe inside a LIKE pattern.
                let with_area_code = format!("0%{p}");
                (
                    "c.id IN (SELECT contact_id FROM contact_phones WHERE phone = ?1 OR phone LIKE ?2)",
                    vec![Value::Text(p), Value::Text(with_area_code)],
                )
            } else {
                (
                    "c.id IN (SELECT contact_id FROM contact_phones WHERE phone = ?1)",
                    vec![Value::Text(p)],
                )
            }
        } else if let Some((b, u, r)) = split_room(q) {
            (
                "u.building = ?1 AND u.unit = ?2 AND u.room = ?3",
                vec![Value::Text(b), Value::Text(u), Value::Text(r)],
            )
        } else {
            (
                "(u.room = ?1 OR c.name = ?2)",
                vec![Value::Text(normalize_room(q)), Value::Text(q.to_string())],
            )
        };
        let site_filter = match site {
            Some(id) => {
                args.push(Value::Int(id));
                format!(" AND u.site_id = ?{}", args.len())
            }
            None => String::new(),
        };
        let params: Vec<&dyn Param> = args.iter().map(|a| a as &dyn Param).collect();
        self.db
            .query(
                &format!(
                    "{MATCH_SELECT} WHERE {filter}{site_filter} ORDER BY s.name, u.building, u.unit, u.room LIMIT 50"
                ),
                &params,
            )
            .sql("lookup caller")?
            .iter()
            .map(match_row)
            .collect()
    }

    /// The site id of a name, if it exists (never creates).
    pub(crate) fn find_site(&self, name: &str) -> Result<Option<i64>> {
        match self
            .db
            .query_opt("SELECT id FROM sites WHERE name = ?1", &[&name.trim()])
            .sql("find site")?
        {
            Some(r) => Ok(Some(r.get(0)?)),
            None => Ok(None),
        }
    }
}

/// `3-2-501` or `3栋2单元501` → (building, unit, room).
fn split_room(q: &str) -> Option<(String, String, String)> {
    let parts: Vec<&str> = q.split('-').map(str::trim).collect();
    if parts.len() == 3 && parts.iter().all(|p| !p.is_empty()) {
        return Some((
            normalize_building(parts[0]),
            normalize_unit(parts[1]),
            normalize_room(parts[2]),
        ));
    }
    let (b, rest) = q.split_once('栋').or_else(|| q.split_once("号楼"))?;
    let (u, r) = rest.split_once("单元").unwrap_or(("", rest));
    Some((
        b.trim().to_string(),
        u.trim().to_string(),
        normalize_room(r),
    ))
}
