//! 操作日志 the audit log: who changed what and when. Ticket steps are their tickets'
//! history events; everything else that changes the office's data (settings, SLA,
//! master data, accounts, imports, exports, backups, restores) and every sign-in is an
//! audit entry written in the same transaction as the change. Nothing edits or deletes
//! either: the store has no such operation.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::clock::Time;
use crate::error::Result;
use crate::export::{ExportOutcome, Format};
use crate::outfile::{self, Existing};
use crate::store::Store;
use crate::ticket::code_enum;

code_enum!(
    /// 日志类别 — what kind of change an entry records.
    AuditKind, "日志类别" {
        Ticket = "ticket" / "工单",
        Login = "login" / "登录",
        LoginFailed = "login_failed" / "登录失败",
        Account = "account" / "账号",
        Settings = "settings" / "系统设置",
        Sla = "sla" / "时限",
        MasterData = "master_data" / "基础资料",
        Import = "import" / "导入",
        Export = "export" / "导出",
        Backup = "backup" / "备份",
        Restore = "restore" / "恢复",
        Seed = "seed" / "演示数据",
    }
);

/// One line of the 操作日志.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct AuditEntry {
    pub at: Time,
    /// The account (or, before the office had accounts, the typed operator name).
    pub account: String,
    pub kind: AuditKind,
    pub kind_label: String,
    /// What was changed: a ticket number, an account, a file, a setting group.
    pub subject: String,
    /// What happened, with before → after where something was changed.
    pub detail: String,
}

/// Filters for the 操作日志 screen and `baoxiu log`; dates are office-local days,
/// both ends included.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ts_rs::TS)]
pub struct AuditFilter {
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub kind: Option<AuditKind>,
    /// At most this many entries, newest first (default 500, at most 10,000).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// "字段：旧 → 新" for each changed field, joined by "；" — the detail of a settings
/// or master-data change. Unchanged fields are left out.
pub fn changes(fields: &[(&str, String, String)]) -> String {
    fields
        .iter()
        .filter(|(_, before, after)| before != after)
        .map(|(name, before, after)| {
            let shown = |v: &str| {
                if v.is_empty() {
                    "（空）".to_string()
                } else {
                    v.to_string()
                }
            };
            format!("{name}：{} → {}", shown(before), shown(after))
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// The 操作日志 as CSV (UTF-8 with a byte-order mark, so Excel opens it in Chinese):
/// 时间, 账号, 类别, 对象, 内容. Text that a spreadsheet would run as a formula is
/// written as text.
pub fn csv(entries: &[AuditEntry]) -> Vec<u8> {
    let mut out = String::from("\u{feff}时间,账号,类别,对象,内容\r\n");
    for e in entries {
        let cells = [
            e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            e.account.clone(),
            e.kind_label.clone(),
            e.subject.clone(),
            e.detail.clone(),
        ];
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            crate::export::csv::push_field(&mut out, c);
        }
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// Write the log `f` selects to `path` (.csv), checked like every export
/// ([`outfile::check`]), and note the export in the log itself.
pub fn to_file(
    store: &Store,
    f: &AuditFilter,
    path: &Path,
    existing: Existing,
) -> Result<ExportOutcome> {
    let entries = store.audit_log(f)?;
    let path = outfile::check(path, &["csv"], store.path(), existing)?;
    let bytes = csv(&entries);
    outfile::write(&path, &bytes)?;
    store.note_audit_export(&path, entries.len())?;
    Ok(ExportOutcome {
        path: path.display().to_string(),
        format: Format::Csv,
        bytes: bytes.len(),
        tickets: entries.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_name_only_what_changed() {
        let d = changes(&[
            ("服务热线", "".into(), "0571-88886666".into()),
            ("工单号前缀", "BX".into(), "BX".into()),
            ("服务中心名称", "A".into(), "B".into()),
        ]);
        assert_eq!(d, "服务热线：（空） → 0571-88886666；服务中心名称：A → B");
    }
}
