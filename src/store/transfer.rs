//! 迁移 — copy a whole office from one database into another, across engines: a SQLite
//! file into an empty PostgreSQL database (`baoxiu migrate --to postgres://…`), or a
//! PostgreSQL office into a new SQLite file (the one portable backup format). Every table,
//! every event, the same ids; the target's fresh defaults are replaced by the source's.

use serde::Serialize;

use super::db::{Db, Engine, Param, Value};
use super::Store;
use crate::account::Permission;
use crate::error::{Error, Result, SqlContext};

/// Tables in an order where every foreign key points at a table already copied.
/// (`tickets.duplicate_of_id` points into its own table: filled in a second pass.)
pub const TABLES: &[&str] = &[
    "settings",
    "categories",
    "sla_rules",
    "sites",
    "site_locations",
    "units",
    "contacts",
    "contact_phones",
    "technicians",
    "technician_skills",
    "price_items",
    "number_sequences",
    "tickets",
    "ticket_materials",
    "ticket_events",
    "completion_rounds",
    "visit_attempts",
    "attachments",
    "quotes",
    "attachment_files",
    "accounts",
    "audit_log",
];

/// Tables whose `id` the engine hands out (PostgreSQL's identity must move past the
/// copied ids).
const WITH_ID: &[&str] = &[
    "categories",
    "sla_rules",
    "sites",
    "site_locations",
    "units",
    "contacts",
    "technicians",
    "price_items",
    "tickets",
    "ticket_materials",
    "ticket_events",
    "completion_rounds",
    "visit_attempts",
    "attachments",
    "quotes",
    "accounts",
    "audit_log",
];

/// What was copied: rows per table, equal on both sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransferReport {
    pub tables: Vec<TableCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableCount {
    pub table: String,
    pub rows: i64,
}

impl Store {
    /// Copy every row of this office into `target`, which must hold no office data yet
    /// (a newly created database: its defaults are replaced). One transaction on the
    /// target: a failure leaves it as it was. Row counts are compared table by table.
    pub fn copy_into(&self, target: &Store) -> Result<TransferReport> {
        self.operator(Permission::Migrate, None)?;
        let report = self.copy_rows_into(target)?;
        // A shared office keeps attachment files in the database: every PC opens them.
        target.share_files(&crate::attachment::dir(self))?;
        Ok(report)
    }

    /// On a shared (PostgreSQL) office, put into the database the files of attachments
    /// it has rows but no contents for, from `folder` (where a SQLite office or a backup
    /// kept them). Files missing or damaged there are left out, as a backup leaves them.
    /// Returns how many were added.
    pub(crate) fn share_files(&self, folder: &std::path::Path) -> Result<usize> {
        if self.engine() != Engine::Postgres {
            return Ok(0);
        }
        let missing = self
            .db
            .query(
                "SELECT DISTINCT a.sha256, a.file_name FROM attachments a
                  WHERE NOT EXISTS (SELECT 1 FROM attachment_files f WHERE f.sha256 = a.sha256)",
                &[],
            )
            .sql("attachments without contents")?;
        let mut added = 0;
        let tx = self.begin()?;
        for r in missing {
            let (sha256, file_name): (String, String) = (r.get(0)?, r.get(1)?);
            let path = folder.join(crate::attachment::stored_name(&sha256, &file_name));
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            if crate::attachment::hex_sha256(&bytes) == sha256 {
                super::attachments::store_file(&tx, &sha256, &bytes)?;
                added += 1;
            }
        }
        tx.commit().sql("commit attachment files")?;
        Ok(added)
    }

    /// [`Store::copy_into`] for the store's own copies (backups of a PostgreSQL office),
    /// which their callers have already checked. The rows are read in one snapshot:
    /// other PCs (and this desk, while its daily copy runs on a connection of its own)
    /// go on writing, and table after table read apart could catch a ticket without
    /// its events, or counts that no longer match.
    pub(crate) fn copy_rows_into(&self, target: &Store) -> Result<TransferReport> {
        let busy = office_rows(&target.db)?;
        if busy > 0 {
            return Err(Error::Precondition(format!(
                "目标数据库“{}”不是空的（已有 {busy} 条工单、小区、住户或维修人员记录），请指定一个新建的空数据库",
                target.location()
            )));
        }
        self.db.read_snapshot(|| replace_all(&self.db, &target.db))
    }
}

/// Replace everything in `to` with the rows of `from`, in one transaction on `to`
/// (restore into PostgreSQL uses this directly, after validating the backup).
pub(crate) fn replace_all(from: &Db, to: &Db) -> Result<TransferReport> {
    let tx = to.begin().sql("begin copy")?;
    // Children first, so no foreign key is left pointing at a deleted row.
    for table in TABLES.iter().rev() {
        tx.execute(&format!("DELETE FROM {table}"), &[])
            .sql("clear target table")?;
    }
    for table in TABLES {
        copy_table(from, &tx, table)?;
    }
    // Self-references last, once every ticket exists.
    let dups = from
        .query(
            "SELECT id, duplicate_of_id FROM tickets WHERE duplicate_of_id IS NOT NULL",
            &[],
        )
        .sql("read duplicate links")?;
    for r in dups {
        let (id, dup): (i64, i64) = (r.get(0)?, r.get(1)?);
        tx.execute(
            "UPDATE tickets SET duplicate_of_id = ?1 WHERE id = ?2",
            &[&dup, &id],
        )
        .sql("write duplicate link")?;
    }
    if tx.engine() == Engine::Sqlite {
        // The FTS5 search index is no table of ours to copy: rebuild it from the tickets.
        tx.batch(super::search::REINDEX_SQLITE)
            .sql("rebuild search index")?;
    }
    if tx.engine() == Engine::Postgres {
        for table in WITH_ID {
            tx.query_one(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                                   coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                ),
                &[],
            )
            .sql("move identity past copied ids")?;
        }
    }
    let mut tables = Vec::new();
    for table in TABLES {
        let count = |db: &Db| -> Result<i64> {
            Ok(db
                .query_one(&format!("SELECT count(*) FROM {table}"), &[])
                .sql("count rows")?
                .get(0)?)
        };
        let (n_from, n_to) = (count(from)?, count(&tx)?);
        if n_from != n_to {
            return Err(Error::Database(format!(
                "复制表 {table} 时行数不一致（源 {n_from} 行，目标 {n_to} 行），目标数据库未改动"
            )));
        }
        tables.push(TableCount {
            table: table.to_string(),
            rows: n_to,
        });
    }
    tx.commit().sql("commit copy")?;
    if to.engine() == Engine::Postgres {
        // A freshly filled PostgreSQL database has no planner statistics until autovacuum
        // gets to it: the month report's plans were seq scans nested in loops (0.8 s for
        // the month-end status at 100k tickets instead of 7 ms). Gather them now.
        to.batch("ANALYZE").sql("analyze copied tables")?;
    }
    Ok(TransferReport { tables })
}

/// Rows that make a database an office already (defaults alone do not).
fn office_rows(db: &Db) -> Result<i64> {
    Ok(db
        .query_one(
            "SELECT (SELECT count(*) FROM tickets) + (SELECT count(*) FROM sites)
                  + (SELECT count(*) FROM contacts) + (SELECT count(*) FROM technicians)",
            &[],
        )
        .sql("count office rows")?
        .get(0)?)
}

/// The stored (not generated) columns of `table`, in order.
fn columns(db: &Db, table: &str) -> Result<Vec<String>> {
    let rows = match db.engine() {
        // table_xinfo's `hidden` is 2 or 3 for generated columns.
        Engine::Sqlite => db.query(
            "SELECT name FROM pragma_table_xinfo(?1) WHERE hidden = 0 ORDER BY cid",
            &[&table],
        ),
        Engine::Postgres => db.query(
            "SELECT column_name FROM information_schema.columns
              WHERE table_schema = current_schema() AND table_name = ?1
                AND is_generated = 'NEVER'
              ORDER BY ordinal_position",
            &[&table],
        ),
    }
    .sql("list columns")?;
    rows.iter()
        .map(|r| r.get::<String>(0).map_err(Error::from))
        .collect()
}

fn copy_table(from: &Db, to: &Db, table: &str) -> Result<()> {
    let cols = columns(from, table)?;
    let target_cols = columns(to, table)?;
    if cols != target_cols {
        return Err(Error::Database(format!(
            "表 {table} 的结构两边不同（源：{}；目标：{}），请先把两边升级到同一版本",
            cols.join(","),
            target_cols.join(",")
        )));
    }
    let list = cols.join(", ");
    let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
    let dup_col = cols.iter().position(|c| c == "duplicate_of_id");
    let insert = format!("INSERT INTO {table} ({list}) VALUES ({})", marks.join(", "));
    from.each(
        &format!("SELECT {list} FROM {table} ORDER BY 1"),
        &[],
        |r| {
            let mut values: Vec<Value> = r.values().to_vec();
            if let Some(i) = dup_col {
                values[i] = Value::Null;
            }
            let params: Vec<&dyn Param> = values.iter().map(|v| v as &dyn Param).collect();
            to.execute(&insert, &params)?;
            Ok(())
        },
    )
    .sql("copy rows")
}
