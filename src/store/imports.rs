//! The places an import (`import.rs`, which reads and cleans the ledger) matches and
//! adds: sites, units, contacts and their phones. Matching reads one snapshot without
//! the write lock; the write transaction then only inserts what is new.

use super::db::{Db, Engine};
use super::Store;
use crate::error::{Error, Result, SqlContext};

/// A ledger part as the places tables key them, each once: site names; units (index
/// into `sites`, building, unit, room — normalised); contacts (index into `units`,
/// name); phones (index into `contacts`, phone).
pub(crate) struct PlacePlan {
    pub sites: Vec<String>,
    pub units: Vec<(usize, String, String, String)>,
    pub contacts: Vec<(usize, String)>,
    pub phones: Vec<(usize, String)>,
}

/// Which of a plan's sites, units and contacts are on file (their ids) and which
/// phones are.
struct Resolved {
    sites: Vec<Option<i64>>,
    units: Vec<Option<i64>>,
    contacts: Vec<Option<i64>>,
    phones: Vec<bool>,
}

impl Resolved {
    /// Units, contacts and phones committing would add.
    fn new_counts(&self) -> (i64, i64, i64) {
        let missing = |v: &[Option<i64>]| v.iter().filter(|id| id.is_none()).count() as i64;
        (
            missing(&self.units),
            missing(&self.contacts),
            self.phones.iter().filter(|on_file| !**on_file).count() as i64,
        )
    }
}

impl Store {
    /// Units, contacts and phones importing `plan` would add. Reads only, in one
    /// snapshot, so previews never take the write lock.
    pub(crate) fn import_new_counts(&self, plan: &PlacePlan) -> Result<(i64, i64, i64)> {
        let (resolved, _) = read_snapshot(&self.db, |db| resolve(db, plan))?;
        Ok(resolved.new_counts())
    }

    /// Match `plan` against a read snapshot (no lock), then insert what is new in one
    /// write transaction; the units, contacts and phones added.
    pub(crate) fn import_places(&self, plan: &PlacePlan) -> Result<(i64, i64, i64)> {
        let (seen, snapshot) = read_snapshot(&self.db, |db| resolve(db, plan))?;
        let tx = self.begin()?;
        // The desk may have written since the snapshot. Places are only ever added, so the
        // ids seen stay right, and `write_plan` tolerates a place added meanwhile; only if
        // rows seen are gone (a restore) is the part matched again under the lock.
        let resolved = if snapshot.still_holds(&tx)? {
            seen
        } else {
            resolve(&tx, plan)?
        };
        let added = write_plan(&tx, plan, &resolved)?;
        tx.commit().sql("commit import")?;
        Ok(added)
    }
}

/// What a read snapshot saw of the places tables: per table, how many rows and the
/// highest id.
struct Snapshot {
    tables: [(i64, i64); 3],
}

impl Snapshot {
    fn take(db: &Db) -> Result<Snapshot> {
        let mut tables = [(0, 0); 3];
        for (t, sql) in tables.iter_mut().zip([
            "SELECT count(*), coalesce(max(id), 0) FROM sites",
            "SELECT count(*), coalesce(max(id), 0) FROM units",
            "SELECT count(*), coalesce(max(id), 0) FROM contacts",
        ]) {
            let r = db.query_one(sql, &[]).sql("import snapshot")?;
            *t = (r.get(0)?, r.get(1)?);
        }
        Ok(Snapshot { tables })
    }

    /// Whether every place row the snapshot saw is still there under the same id. Sites,
    /// units and contacts are never deleted or renumbered (only a restore replaces
    /// them), so the same count up to the same highest id means the same rows.
    fn still_holds(&self, db: &Db) -> Result<bool> {
        for ((count, max), sql) in self.tables.iter().zip([
            "SELECT count(*) FROM sites WHERE id <= ?1",
            "SELECT count(*) FROM units WHERE id <= ?1",
            "SELECT count(*) FROM contacts WHERE id <= ?1",
        ]) {
            let now: i64 = db
                .query_one(sql, &[max])
                .sql("import snapshot check")?
                .get(0)?;
            if now != *count {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// An open read transaction; dropped without [`ReadTx::end`] it rolls back.
struct ReadTx<'a> {
    db: &'a Db,
    open: bool,
}

impl ReadTx<'_> {
    fn end(mut self) -> Result<()> {
        self.open = false;
        self.db.batch("COMMIT").sql("end import read")
    }
}

impl Drop for ReadTx<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.db.batch("ROLLBACK");
        }
    }
}

/// Run `f` in one read transaction (a consistent snapshot that takes no write lock).
/// `Db::begin` is a write transaction, so the engines differ here: SQLite's deferred
/// BEGIN reads one snapshot without locking; PostgreSQL needs REPEATABLE READ for
/// every statement to see the same snapshot.
fn read_snapshot<T>(db: &Db, f: impl FnOnce(&Db) -> Result<T>) -> Result<(T, Snapshot)> {
    db.batch(match db.engine() {
        Engine::Sqlite => "BEGIN DEFERRED",
        Engine::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    })
    .sql("begin import read")?;
    let tx = ReadTx { db, open: true };
    let snapshot = Snapshot::take(db)?;
    let out = f(db)?;
    tx.end()?;
    Ok((out, snapshot))
}

const FIND_SITE: &str = "SELECT id FROM sites WHERE name = ?1";
const FIND_UNIT: &str =
    "SELECT id FROM units WHERE site_id = ?1 AND building = ?2 AND unit = ?3 AND room = ?4";
const FIND_CONTACT: &str = "SELECT id FROM contacts WHERE unit_id = ?1 AND name = ?2";

/// Look every planned site, unit, contact and phone up. Reads only.
fn resolve(db: &Db, plan: &PlacePlan) -> Result<Resolved> {
    let id = |sql: &str, params: &[&dyn super::db::Param], what: &'static str| match db
        .query_opt(sql, params)
        .sql(what)?
    {
        Some(r) => Ok::<_, Error>(Some(r.get::<i64>(0)?)),
        None => Ok(None),
    };
    let mut out = Resolved {
        sites: Vec::with_capacity(plan.sites.len()),
        units: Vec::with_capacity(plan.units.len()),
        contacts: Vec::with_capacity(plan.contacts.len()),
        phones: Vec::with_capacity(plan.phones.len()),
    };
    for name in &plan.sites {
        out.sites.push(id(FIND_SITE, &[name], "import find site")?);
    }
    for (s, building, unit, room) in &plan.units {
        let found = match out.sites.get(*s).copied().flatten() {
            Some(site) => id(
                FIND_UNIT,
                &[&site, building, unit, room],
                "import find unit",
            )?,
            None => None,
        };
        out.units.push(found);
    }
    for (u, name) in &plan.contacts {
        let found = match out.units.get(*u).copied().flatten() {
            Some(unit) => id(FIND_CONTACT, &[&unit, name], "import find contact")?,
            None => None,
        };
        out.contacts.push(found);
    }
    for (c, phone) in &plan.phones {
        let on_file = match out.contacts.get(*c).copied().flatten() {
            Some(contact) => db
                .query_opt(
                    "SELECT 1 FROM contact_phones WHERE contact_id = ?1 AND phone = ?2",
                    &[&contact, phone],
                )
                .sql("import find phone")?
                .is_some(),
            None => false,
        };
        out.phones.push(on_file);
    }
    Ok(out)
}

/// Insert what `resolved` says is missing; returns the units, contacts and phones added.
/// Runs inside the write transaction, so it does nothing but inserts. A place someone
/// added since `resolved` was read is taken as found, not added twice or counted.
fn write_plan(db: &Db, plan: &PlacePlan, resolved: &Resolved) -> Result<(i64, i64, i64)> {
    // Plan indices always point inside these lists; a miss is a bug, refused not panicked.
    let id_at = |ids: &[i64], i: usize| {
        ids.get(i)
            .copied()
            .ok_or_else(|| Error::invalid("导入数据整理出错，请重新导入"))
    };
    // `INSERT … ON CONFLICT DO NOTHING RETURNING id` gives the new id, or no row when
    // the place is there already (then it is looked up).
    let add = |insert: &str,
               find: &str,
               params: &[&dyn super::db::Param],
               added: &'static str,
               found: &'static str|
     -> Result<(i64, bool)> {
        match db.query_opt(insert, params).sql(added)? {
            Some(r) => Ok((r.get(0)?, true)),
            None => Ok((db.query_one(find, params).sql(found)?.get(0)?, false)),
        }
    };
    let mut added = (0, 0, 0);
    let mut sites = Vec::with_capacity(plan.sites.len());
    for (i, name) in plan.sites.iter().enumerate() {
        let id = match resolved.sites.get(i).copied().flatten() {
            Some(id) => id,
            None => {
                add(
                    "INSERT INTO sites (name) VALUES (?1) ON CONFLICT DO NOTHING RETURNING id",
                    FIND_SITE,
                    &[name],
                    "import add site",
                    "import find site",
                )?
                .0
            }
        };
        sites.push(id);
    }
    let mut units = Vec::with_capacity(plan.units.len());
    for (i, (s, building, unit, room)) in plan.units.iter().enumerate() {
        let id = match resolved.units.get(i).copied().flatten() {
            Some(id) => id,
            None => {
                let (id, new) = add(
                    "INSERT INTO units (site_id, building, unit, room) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT DO NOTHING RETURNING id",
                    FIND_UNIT,
                    &[&id_at(&sites, *s)?, building, unit, room],
                    "import add unit",
                    "import find unit",
                )?;
                added.0 += i64::from(new);
                id
            }
        };
        units.push(id);
    }
    let mut contacts = Vec::with_capacity(plan.contacts.len());
    for (i, (u, name)) in plan.contacts.iter().enumerate() {
        let id = match resolved.contacts.get(i).copied().flatten() {
            Some(id) => id,
            None => {
                let (id, new) = add(
                    "INSERT INTO contacts (unit_id, name) VALUES (?1, ?2)
                     ON CONFLICT DO NOTHING RETURNING id",
                    FIND_CONTACT,
                    &[&id_at(&units, *u)?, name],
                    "import add contact",
                    "import find contact",
                )?;
                added.1 += i64::from(new);
                id
            }
        };
        contacts.push(id);
    }
    for (i, (c, phone)) in plan.phones.iter().enumerate() {
        if !resolved.phones.get(i).copied().unwrap_or(false) {
            added.2 += db
                .execute(
                    "INSERT INTO contact_phones (contact_id, phone) VALUES (?1, ?2)
                     ON CONFLICT DO NOTHING",
                    &[&id_at(&contacts, *c)?, phone],
                )
                .sql("import add phone")? as i64;
        }
    }
    Ok(added)
}
