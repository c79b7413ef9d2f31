//! audit_log: the 操作日志 rows, written only by [`record`] inside the transaction of
//! the change they describe. Read together with ticket_events (the ticket steps) as one
//! log, newest first. There is no update or delete.

use super::db::{Db, Param, Value};
use super::Store;
use crate::account::Permission;
use crate::audit::{AuditEntry, AuditFilter, AuditKind};
use crate::clock::{parse_date, Time};
use crate::error::{Error, Result, SqlContext};
use crate::ticket::EventAction;

/// The one place an audit row is written. Pass the change's transaction (`&tx`).
pub(crate) fn record(
    db: &Db,
    at: &Time,
    account: &str,
    kind: AuditKind,
    subject: &str,
    detail: &str,
) -> Result<()> {
    db.execute(
        "INSERT INTO audit_log (at, account, kind, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        &[&at.timestamp(), &account, &kind.code(), &subject, &detail],
    )
    .sql("insert audit entry")?;
    Ok(())
}

impl Store {
    /// Record a change made outside one store transaction (an import in parts, an
    /// export, a backup): checked against `p`, written in its own transaction.
    pub(crate) fn note_change(
        &self,
        p: Permission,
        kind: AuditKind,
        subject: &str,
        detail: &str,
    ) -> Result<()> {
        let by = self.operator(p, None)?;
        let tx = self.begin()?;
        record(&tx, &self.now(), &by, kind, subject, detail)?;
        tx.commit().sql("commit audit entry")
    }
}

impl Store {
    /// The 操作日志 was exported: that is in the log too.
    pub(crate) fn note_audit_export(&self, path: &std::path::Path, lines: usize) -> Result<()> {
        self.note_change(
            Permission::AuditLog,
            AuditKind::Export,
            &path.display().to_string(),
            &format!("导出操作日志 {lines} 条"),
        )
    }
}

const DEFAULT_LIMIT: u32 = 500;
const MAX_LIMIT: u32 = 10_000;

impl Store {
    /// 操作日志 (主管, 管理员): audit entries and ticket steps, newest first.
    pub fn audit_log(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
        self.operator(Permission::AuditLog, None)?;
        let from = f
            .from
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| self.zone.day_start(parse_date("开始日期", s)?))
            .transpose()?;
        let to =
            f.to.as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(|s| {
                    let d = parse_date("结束日期", s)?;
                    let next = d
                        .succ_opt()
                        .ok_or_else(|| Error::invalid("结束日期超出范围，请检查"))?;
                    self.zone.day_start(next)
                })
                .transpose()?;
        if let (Some(a), Some(b)) = (from, to) {
            if a >= b {
                return Err(Error::invalid("开始日期不能晚于结束日期，请检查"));
            }
        }
        let limit = f.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
        let account = f
            .account
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        // Two arms — audit rows, and ticket steps as kind 'ticket' — each filtered on
        // its own columns and merged newest first by the engine: both are read
        // backwards along their `at` index and stop at the limit, however long the
        // history.
        let mut params: Vec<Value> = Vec::new();
        let mut arm = |at: &str, who: &str, kind_matches: Option<bool>, kind_col: Option<&str>| {
            let mut conds: Vec<String> = Vec::new();
            let mut bind = |sql: String, v: Value| {
                params.push(v);
                conds.push(sql.replace('#', &format!("?{}", params.len())));
            };
            if let Some(a) = account {
                bind(format!("{who} = #"), Value::Text(a.to_string()));
            }
            if let Some(a) = from {
                bind(format!("{at} >= #"), Value::Int(a));
            }
            if let Some(b) = to {
                bind(format!("{at} < #"), Value::Int(b));
            }
            match (f.kind, kind_col) {
                (Some(k), Some(col)) => bind(format!("{col} = #"), Value::Text(k.code().into())),
                _ if kind_matches == Some(false) => conds.push("1 = 0".into()),
                _ => {}
            }
            if conds.is_empty() {
                String::new()
            } else {
                format!("WHERE {}", conds.join(" AND "))
            }
        };
        let audit_where = arm("a.at", "a.account", None, Some("a.kind"));
        let ticket_where = arm(
            "e.at",
            "e.operator",
            f.kind.map(|k| k == AuditKind::Ticket),
            None,
        );
        params.push(Value::Int(i64::from(limit)));
        let sql = format!(
            "SELECT a.at, a.account, a.kind, a.subject, a.detail, 1 AS src, a.id AS seq
               FROM audit_log a {audit_where}
             UNION ALL
             SELECT e.at, e.operator, 'ticket', t.number,
                    e.action || CASE WHEN e.note IS NULL THEN '' ELSE '|' || e.note END,
                    0, e.id
               FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id {ticket_where}
             ORDER BY 1 DESC, 6 DESC, 7 DESC LIMIT ?{}",
            params.len()
        );
        let refs: Vec<&dyn Param> = params.iter().map(|v| v as &dyn Param).collect();
        self.db
            .query(&sql, &refs)
            .sql("audit log")?
            .iter()
            .map(|r| {
                let kind = AuditKind::parse(&r.get::<String>(2)?)?;
                let mut detail: String = r.get(4)?;
                if kind == AuditKind::Ticket {
                    // action code | note → 派单：张师傅
                    let (action, note) = match detail.split_once('|') {
                        Some((a, n)) => (a.to_string(), Some(n.to_string())),
                        None => (detail.clone(), None),
                    };
                    let label = EventAction::parse(&action)?.label();
                    detail = match note {
                        Some(n) => format!("{label}：{n}"),
                        None => label.to_string(),
                    };
                }
                Ok(AuditEntry {
                    at: self.zone.from_epoch(r.get(0)?),
                    account: r.get(1)?,
                    kind,
                    kind_label: kind.label().to_string(),
                    subject: r.get(3)?,
                    detail,
                })
            })
            .collect()
    }
}
