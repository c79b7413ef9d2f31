//! The one seam between the store's SQL and the two engines it runs on: an embedded
//! SQLite file (rusqlite) or a shared PostgreSQL database (the `postgres` crate).
//! Queries are written once, with SQLite's `?1, ?2 …` placeholders; for PostgreSQL they
//! become `$1, $2 …` here and nowhere else. Values cross the seam as [`Value`] and rows
//! come back as [`Row`]s of them, so no module above this one names either driver.
//! Transactions are plain `BEGIN … COMMIT` on the one connection, rolled back when a
//! [`Tx`] is dropped uncommitted — the same shape on both engines.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use crate::error::Error;

/// Which engine a [`Db`] talks to; where SQL differs, callers ask this once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// One SQL value, the same on both engines. Times are epoch seconds (`Int`), money
/// integer 分 (`Int`), flags 0/1 (`Int`).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    /// File contents (attachments kept in a shared database).
    Blob(Vec<u8>),
}

/// Something that can be bound as a query parameter.
pub trait Param {
    fn value(&self) -> Value;
}

impl Param for Value {
    fn value(&self) -> Value {
        self.clone()
    }
}
impl Param for i64 {
    fn value(&self) -> Value {
        Value::Int(*self)
    }
}
impl Param for i32 {
    fn value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl Param for u32 {
    fn value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl Param for usize {
    fn value(&self) -> Value {
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}
impl Param for bool {
    fn value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl Param for f64 {
    fn value(&self) -> Value {
        Value::Real(*self)
    }
}
impl Param for str {
    fn value(&self) -> Value {
        Value::Text(self.to_string())
    }
}
impl Param for String {
    fn value(&self) -> Value {
        Value::Text(self.clone())
    }
}
impl Param for [u8] {
    fn value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}
impl Param for Vec<u8> {
    fn value(&self) -> Value {
        Value::Blob(self.clone())
    }
}
impl<T: Param + ?Sized> Param for &T {
    fn value(&self) -> Value {
        (**self).value()
    }
}
impl<T: Param> Param for Option<T> {
    fn value(&self) -> Value {
        self.as_ref().map_or(Value::Null, Param::value)
    }
}

/// Read a [`Value`] back as a Rust type.
pub trait FromValue: Sized {
    fn from_value(v: &Value) -> Option<Self>;
}

impl FromValue for i64 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Int(i) => Some(*i),
            // PostgreSQL's numeric sums arrive as text (see `pg_value`).
            Value::Text(s) => s.parse().ok(),
            Value::Real(f) if f.fract() == 0.0 => Some(*f as i64),
            _ => None,
        }
    }
}
impl FromValue for bool {
    fn from_value(v: &Value) -> Option<Self> {
        i64::from_value(v).map(|i| i != 0)
    }
}
impl FromValue for f64 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Real(f) => Some(*f),
            Value::Int(i) => Some(*i as f64),
            Value::Text(s) => s.parse().ok(),
            Value::Null | Value::Blob(_) => None,
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Blob(b) => Some(b.clone()),
            _ => None,
        }
    }
}
impl FromValue for String {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Null => Some(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// One result row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(Vec<Value>);

impl Row {
    /// Column `i` as `T`; a NULL or a value of another type is an error naming the column.
    pub fn get<T: FromValue>(&self, i: usize) -> std::result::Result<T, DbError> {
        let v = self.0.get(i).ok_or(DbError::Column {
            index: i,
            found: "no such column",
        })?;
        T::from_value(v).ok_or(DbError::Column {
            index: i,
            found: match v {
                Value::Null => "NULL",
                Value::Int(_) => "integer",
                Value::Real(_) => "real",
                Value::Text(_) => "text",
                Value::Blob(_) => "blob",
            },
        })
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn values(&self) -> &[Value] {
        &self.0
    }
}

/// A failure inside an engine, or a column that was not what the code expected.
#[derive(Debug)]
pub enum DbError {
    Sqlite(rusqlite::Error),
    Postgres(postgres::Error),
    Column {
        index: usize,
        found: &'static str,
    },
    /// A PostgreSQL-only call on a SQLite database (a bug in the store, not user input).
    NotPostgres,
    /// The server took the connection but did not finish signing in within this many
    /// seconds (something else listens on the port, or the server is stuck).
    Unanswered {
        seconds: u64,
    },
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbError::Sqlite(e) => write!(f, "{e}"),
            DbError::Postgres(e) => match e.as_db_error() {
                Some(db) => write!(f, "{}: {}", db.code().code(), db.message()),
                None => write!(f, "{e}"),
            },
            DbError::Column { index, found } => {
                write!(f, "第 {index} 列的值类型不符（{found}）")
            }
            DbError::NotPostgres => write!(f, "这项操作只适用于共享数据库（PostgreSQL）"),
            DbError::Unanswered { seconds } => write!(f, "服务器 {seconds} 秒内没有应答"),
        }
    }
}

impl std::error::Error for DbError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DbError::Sqlite(e) => Some(e),
            DbError::Postgres(e) => Some(e),
            DbError::Column { .. } | DbError::NotPostgres | DbError::Unanswered { .. } => None,
        }
    }
}

impl DbError {
    /// Another writer holds the lock or changed the row first (SQLITE_BUSY, PostgreSQL
    /// serialization failure / deadlock / lock timeout): the step may simply be retried.
    pub fn is_contention(&self) -> bool {
        match self {
            DbError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            ),
            DbError::Postgres(e) => e
                .code()
                .is_some_and(|c| matches!(c.code(), "40001" | "40P01" | "55P03")),
            _ => false,
        }
    }

    /// A UNIQUE constraint refused the write.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            DbError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            }
            DbError::Postgres(e) => e.code().is_some_and(|c| c.code() == "23505"),
            _ => false,
        }
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        DbError::Sqlite(e)
    }
}

impl From<postgres::Error> for DbError {
    fn from(e: postgres::Error) -> Self {
        DbError::Postgres(e)
    }
}

/// A row read failing inside a mapper closure.
impl From<DbError> for Error {
    fn from(source: DbError) -> Self {
        Error::Sql {
            query: "read row",
            source,
        }
    }
}

type DbResult<T> = std::result::Result<T, DbError>;

/// One open database on either engine.
pub struct Db {
    inner: Inner,
}

enum Inner {
    Sqlite(rusqlite::Connection),
    Postgres {
        client: Box<RefCell<postgres::Client>>,
        /// Prepared statements by their SQLite-form text.
        statements: RefCell<HashMap<String, postgres::Statement>>,
        /// Opens a new session (with its settings) when the server dropped the old one.
        reconnect: Reconnect,
        /// Inside BEGIN … COMMIT a lost session cannot be resumed: the write fails whole.
        in_tx: std::cell::Cell<bool>,
    },
}

impl Db {
    pub fn sqlite(conn: rusqlite::Connection) -> Db {
        Db {
            inner: Inner::Sqlite(conn),
        }
    }

    /// A PostgreSQL database; `reconnect` opens a fresh session the same way, used
    /// when the server restarted or the network dropped between two commands.
    pub fn postgres(reconnect: Reconnect) -> DbResult<Db> {
        let client = reconnect()?;
        Ok(Db {
            inner: Inner::Postgres {
                client: Box::new(RefCell::new(client)),
                statements: RefCell::new(HashMap::new()),
                reconnect,
                in_tx: std::cell::Cell::new(false),
            },
        })
    }

    fn set_in_tx(&self, open: bool) {
        if let Inner::Postgres { in_tx, .. } = &self.inner {
            in_tx.set(open);
        }
    }

    /// Between commands, a session the server closed is replaced by a new one (the
    /// desk keeps working after a server restart); inside a transaction it is not.
    fn pg_client(&self) -> DbResult<Option<(&RefCell<postgres::Client>, &PgStatements)>> {
        let Inner::Postgres {
            client,
            statements,
            reconnect,
            in_tx,
        } = &self.inner
        else {
            return Ok(None);
        };
        if client.borrow().is_closed() && !in_tx.get() {
            *client.borrow_mut() = reconnect()?;
            statements.borrow_mut().clear();
        }
        Ok(Some((client, statements)))
    }

    pub fn engine(&self) -> Engine {
        match self.inner {
            Inner::Sqlite(_) => Engine::Sqlite,
            Inner::Postgres { .. } => Engine::Postgres,
        }
    }

    /// Appended to a SELECT that reads rows the transaction will then change: PostgreSQL
    /// locks them (`FOR UPDATE`) so a step raced from two PCs is applied once; SQLite's
    /// `BEGIN IMMEDIATE` already holds the whole database's write lock.
    pub fn for_update(&self) -> &'static str {
        match self.engine() {
            Engine::Sqlite => "",
            Engine::Postgres => " FOR UPDATE",
        }
    }

    /// The SQLite connection, for what only SQLite has (pragmas, the backup API).
    pub fn sqlite_conn(&self) -> Option<&rusqlite::Connection> {
        match &self.inner {
            Inner::Sqlite(c) => Some(c),
            Inner::Postgres { .. } => None,
        }
    }

    /// The SQLite connection, mutably (the backup API writes into it).
    pub fn sqlite_conn_mut(&mut self) -> Option<&mut rusqlite::Connection> {
        match &mut self.inner {
            Inner::Sqlite(c) => Some(c),
            Inner::Postgres { .. } => None,
        }
    }

    /// Run one statement; the number of rows it changed.
    pub fn execute(&self, sql: &str, params: &[&dyn Param]) -> DbResult<u64> {
        let started = std::time::Instant::now();
        let done = self.execute_inner(sql, params);
        slow(started, sql);
        done
    }

    fn execute_inner(&self, sql: &str, params: &[&dyn Param]) -> DbResult<u64> {
        match &self.inner {
            Inner::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let n =
                    stmt.execute(rusqlite::params_from_iter(params.iter().map(|p| p.value())))?;
                Ok(n as u64)
            }
            Inner::Postgres { .. } => {
                let (client, statements) = self.pg_client()?.ok_or(DbError::NotPostgres)?;
                let stmt = pg_statement(client, statements, sql)?;
                let values: Vec<Value> = params.iter().map(|p| p.value()).collect();
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = values
                    .iter()
                    .map(|v| v as &(dyn postgres::types::ToSql + Sync))
                    .collect();
                Ok(client.borrow_mut().execute(&stmt, &refs)?)
            }
        }
    }

    /// Every row of a query.
    pub fn query(&self, sql: &str, params: &[&dyn Param]) -> DbResult<Vec<Row>> {
        let mut out = Vec::new();
        self.each(sql, params, |r| {
            out.push(r);
            Ok(())
        })?;
        Ok(out)
    }

    /// Call `f` for each row as it is read (large results without holding them all).
    pub fn each(
        &self,
        sql: &str,
        params: &[&dyn Param],
        f: impl FnMut(Row) -> DbResult<()>,
    ) -> DbResult<()> {
        let started = std::time::Instant::now();
        let done = self.each_inner(sql, params, f);
        slow(started, sql);
        done
    }

    fn each_inner(
        &self,
        sql: &str,
        params: &[&dyn Param],
        mut f: impl FnMut(Row) -> DbResult<()>,
    ) -> DbResult<()> {
        match &self.inner {
            Inner::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let cols = stmt.column_count();
                let mut rows =
                    stmt.query(rusqlite::params_from_iter(params.iter().map(|p| p.value())))?;
                while let Some(r) = rows.next()? {
                    let mut values = Vec::with_capacity(cols);
                    for i in 0..cols {
                        values.push(match r.get_ref(i)? {
                            rusqlite::types::ValueRef::Null => Value::Null,
                            rusqlite::types::ValueRef::Integer(i) => Value::Int(i),
                            rusqlite::types::ValueRef::Real(f) => Value::Real(f),
                            rusqlite::types::ValueRef::Text(t) => {
                                Value::Text(String::from_utf8_lossy(t).into_owned())
                            }
                            rusqlite::types::ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                        });
                    }
                    f(Row(values))?;
                }
                Ok(())
            }
            Inner::Postgres { .. } => {
                let (client, statements) = self.pg_client()?.ok_or(DbError::NotPostgres)?;
                let stmt = pg_statement(client, statements, sql)?;
                let values: Vec<Value> = params.iter().map(|p| p.value()).collect();
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> = values
                    .iter()
                    .map(|v| v as &(dyn postgres::types::ToSql + Sync))
                    .collect();
                let rows = client.borrow_mut().query(&stmt, &refs)?;
                for r in rows {
                    let mut values = Vec::with_capacity(r.len());
                    for i in 0..r.len() {
                        values.push(pg_value(&r, i)?);
                    }
                    f(Row(values))?;
                }
                Ok(())
            }
        }
    }

    /// Exactly one row (a missing row is an error: use [`Db::query_opt`] when it may be).
    pub fn query_one(&self, sql: &str, params: &[&dyn Param]) -> DbResult<Row> {
        match self.query_opt(sql, params)? {
            Some(r) => Ok(r),
            None => Err(DbError::Sqlite(rusqlite::Error::QueryReturnedNoRows)),
        }
    }

    /// The first row, if any.
    pub fn query_opt(&self, sql: &str, params: &[&dyn Param]) -> DbResult<Option<Row>> {
        let mut first = None;
        self.each(sql, params, |r| {
            if first.is_none() {
                first = Some(r);
            }
            Ok(())
        })?;
        Ok(first)
    }

    /// Several statements with no parameters (migrations, BEGIN/COMMIT).
    pub fn batch(&self, sql: &str) -> DbResult<()> {
        match &self.inner {
            Inner::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Inner::Postgres { .. } => {
                let (client, _) = self.pg_client()?.ok_or(DbError::NotPostgres)?;
                Ok(client.borrow_mut().batch_execute(sql)?)
            }
        }
    }

    /// Run `f` inside one read-only transaction: every statement it makes here sees the
    /// same snapshot, whatever other connections commit meanwhile, and takes no write
    /// lock (a backup copying table after table while the office goes on working).
    /// SQLite's deferred BEGIN reads one snapshot; PostgreSQL needs REPEATABLE READ. A
    /// session lost half-way fails `f` instead of going on in a new session.
    pub fn read_snapshot<T>(
        &self,
        f: impl FnOnce() -> crate::error::Result<T>,
    ) -> crate::error::Result<T> {
        let sql = |query: &'static str| move |source| Error::Sql { query, source };
        self.batch(match self.engine() {
            Engine::Sqlite => "BEGIN DEFERRED",
            Engine::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        })
        .map_err(sql("begin read snapshot"))?;
        self.set_in_tx(true);
        let out = f();
        self.set_in_tx(false);
        // Nothing was written: COMMIT and ROLLBACK end it alike.
        let ended = self.batch(if out.is_ok() { "COMMIT" } else { "ROLLBACK" });
        let out = out?;
        ended.map_err(sql("end read snapshot"))?;
        Ok(out)
    }

    /// A write transaction. SQLite takes the write lock up front (`BEGIN IMMEDIATE`:
    /// writers queue on busy_timeout instead of failing half-way); PostgreSQL runs
    /// READ COMMITTED and the store locks the rows it changes (`FOR UPDATE`).
    pub fn begin(&self) -> DbResult<Tx<'_>> {
        self.batch(match self.engine() {
            Engine::Sqlite => "BEGIN IMMEDIATE",
            Engine::Postgres => "BEGIN ISOLATION LEVEL READ COMMITTED",
        })?;
        self.set_in_tx(true);
        Ok(Tx {
            db: self,
            open: true,
        })
    }
}

type PgStatements = RefCell<HashMap<String, postgres::Statement>>;

/// A statement slower than [`crate::logfile::SLOW_QUERY_MS`] goes to the office's log
/// (its text only: values are bound parameters).
fn slow(started: std::time::Instant, sql: &str) {
    let ms = started.elapsed().as_millis();
    if ms >= crate::logfile::SLOW_QUERY_MS {
        tracing::warn!(ms, sql = %crate::logfile::statement_head(sql), "slow query");
    }
}

/// What opens a PostgreSQL session (connect + session settings).
pub type Reconnect = Box<dyn Fn() -> DbResult<postgres::Client> + Send>;

/// The prepared statement for `sql` (SQLite form), prepared once per session.
fn pg_statement(
    client: &RefCell<postgres::Client>,
    statements: &PgStatements,
    sql: &str,
) -> DbResult<postgres::Statement> {
    if let Some(s) = statements.borrow().get(sql) {
        return Ok(s.clone());
    }
    let stmt = client.borrow_mut().prepare(&pg_placeholders(sql))?;
    statements
        .borrow_mut()
        .insert(sql.to_string(), stmt.clone());
    Ok(stmt)
}

/// An open write transaction; dropped without [`Tx::commit`] it rolls back.
pub struct Tx<'a> {
    db: &'a Db,
    open: bool,
}

impl Tx<'_> {
    pub fn commit(mut self) -> DbResult<()> {
        self.open = false;
        let done = self.db.batch("COMMIT");
        self.db.set_in_tx(false);
        done
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Db;
    fn deref(&self) -> &Db {
        self.db
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.db.batch("ROLLBACK");
            self.db.set_in_tx(false);
        }
    }
}

/// `?1` → `$1`, outside string literals and quoted names. SQLite's `?NNN` numbering and
/// PostgreSQL's `$NNN` mean the same thing, so the rest of the statement stays as written.
pub fn pg_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                out.push(c);
            }
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    out.push(c);
                }
                '?' => out.push('$'),
                _ => out.push(c),
            },
        }
    }
    out
}

fn pg_value(r: &postgres::Row, i: usize) -> DbResult<Value> {
    use postgres::types::Type;
    let ty = r.columns()[i].type_().clone();
    Ok(if ty == Type::INT8 {
        r.try_get::<_, Option<i64>>(i)?
            .map_or(Value::Null, Value::Int)
    } else if ty == Type::INT4 {
        r.try_get::<_, Option<i32>>(i)?
            .map_or(Value::Null, |v| Value::Int(v.into()))
    } else if ty == Type::INT2 {
        r.try_get::<_, Option<i16>>(i)?
            .map_or(Value::Null, |v| Value::Int(v.into()))
    } else if ty == Type::BOOL {
        r.try_get::<_, Option<bool>>(i)?
            .map_or(Value::Null, |v| Value::Int(v.into()))
    } else if ty == Type::FLOAT8 {
        r.try_get::<_, Option<f64>>(i)?
            .map_or(Value::Null, Value::Real)
    } else if ty == Type::BYTEA {
        r.try_get::<_, Option<Vec<u8>>>(i)?
            .map_or(Value::Null, Value::Blob)
    } else if ty == Type::VOID {
        Value::Null
    } else if ty == Type::FLOAT4 {
        r.try_get::<_, Option<f32>>(i)?
            .map_or(Value::Null, |v| Value::Real(v.into()))
    } else {
        r.try_get::<_, Option<String>>(i)?
            .map_or(Value::Null, Value::Text)
    })
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(i) => ValueRef::Integer(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

impl postgres::types::ToSql for Value {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>>
    {
        use postgres::types::Type;
        match self {
            Value::Null => Ok(postgres::types::IsNull::Yes),
            Value::Int(i) if *ty == Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::BOOL => (*i != 0).to_sql(ty, out),
            Value::Int(i) if *ty == Type::FLOAT8 => (*i as f64).to_sql(ty, out),
            Value::Int(i) if *ty == Type::TEXT || *ty == Type::VARCHAR => {
                i.to_string().to_sql(ty, out)
            }
            Value::Int(i) => i.to_sql(ty, out),
            Value::Real(f) if *ty == Type::FLOAT4 => (*f as f32).to_sql(ty, out),
            Value::Real(f) => f.to_sql(ty, out),
            Value::Text(s) => s.to_sql(ty, out),
            Value::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_ty: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn placeholders_become_dollars_outside_quotes() {
        assert_eq!(
            pg_placeholders("SELECT '?1', \"a?\" FROM t WHERE a = ?1 AND b = ?12"),
            "SELECT '?1', \"a?\" FROM t WHERE a = $1 AND b = $12"
        );
    }

    #[test]
    fn sqlite_rows_come_back_as_values_and_a_dropped_tx_rolls_back() {
        let db = Db::sqlite(rusqlite::Connection::open_in_memory().unwrap());
        db.batch("CREATE TABLE t(a INTEGER, b TEXT, c REAL)")
            .unwrap();
        let tx = db.begin().unwrap();
        tx.execute(
            "INSERT INTO t VALUES (?1, ?2, ?3)",
            &[&7i64, &"漏水", &Option::<f64>::None],
        )
        .unwrap();
        drop(tx);
        assert!(db.query("SELECT * FROM t", &[]).unwrap().is_empty());
        let tx = db.begin().unwrap();
        tx.execute(
            "INSERT INTO t VALUES (?1, ?2, ?3)",
            &[&7i64, &"漏水", &1.5f64],
        )
        .unwrap();
        tx.commit().unwrap();
        let r = db.query_one("SELECT a, b, c FROM t", &[]).unwrap();
        assert_eq!(r.get::<i64>(0).unwrap(), 7);
        assert_eq!(r.get::<String>(1).unwrap(), "漏水");
        assert_eq!(r.get::<f64>(2).unwrap(), 1.5);
        assert!(r.get::<i64>(1).is_err());
        assert_eq!(r.get::<Option<String>>(1).unwrap().as_deref(), Some("漏水"));
    }
}

/// The desk keeps its store behind a mutex shared with worker threads.
#[cfg(test)]
mod send {
    #[test]
    fn a_store_can_move_to_another_thread() {
        fn send<T: Send>() {}
        send::<super::Db>();
        send::<crate::Store>();
    }
}
