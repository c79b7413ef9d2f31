//! 账号 accounts and 角色 roles: who may do what at the desk. The rule table below is
//! the one place that says it — the store checks it before every change, and the
//! window receives each account's permissions from it to hide what the role may not do.
//! Passwords are kept only as argon2id hashes with a per-account salt.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::Serialize;

use crate::clock::Time;
use crate::error::{Error, Result};
use crate::ticket::{code_enum, EventAction, Status};

code_enum!(
    /// 角色 — what an account is for at the desk.
    Role, "角色" {
        Desk = "desk" / "客服",
        Engineer = "engineer" / "工程",
        Supervisor = "supervisor" / "主管",
        Admin = "admin" / "管理员",
    }
);

code_enum!(
    /// 权限 — one thing that changes data (or exposes the office's figures). The label
    /// reads after 「角色」不能…, e.g. 「客服」不能取消工单.
    Permission, "权限" {
        Register = "register" / "登记工单",
        Remind = "remind" / "跟催工单",
        Visit = "visit" / "回访",
        Print = "print" / "打印维修单",
        Attach = "attach" / "添加附件",
        Assign = "assign" / "派单或改派",
        Start = "start" / "登记到场",
        Hold = "hold" / "挂起工单",
        Resume = "resume" / "恢复工单",
        Complete = "complete" / "登记完工",
        Cancel = "cancel" / "取消工单",
        Rework = "rework" / "返修",
        Edit = "edit" / "更正工单",
        EditClosed = "edit_closed" / "更正已完工工单的类别和紧急程度",
        Reschedule = "reschedule" / "改约",
        Resolve = "resolve" / "办结或转交报事",
        Quote = "quote" / "登记报价",
        Contacts = "contacts" / "维护业主资料",
        Reports = "reports" / "查看和导出月度汇总",
        AuditLog = "audit_log" / "查看操作日志",
        Accounts = "accounts" / "管理账号",
        Settings = "settings" / "修改系统设置",
        Sla = "sla" / "修改时限",
        MasterData = "master_data" / "维护基础资料",
        Import = "import" / "导入房屋住户",
        Backup = "backup" / "备份数据",
        Restore = "restore" / "恢复数据",
        Seed = "seed" / "生成演示数据",
        Migrate = "migrate" / "迁移数据库",
    }
);

impl Role {
    /// The rule table: what each role may do. 主管 may every ticket step and the
    /// office's figures; 管理员 also everything about the system itself.
    pub fn may(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Desk => matches!(
                p,
                Register
                    | Remind
                    | Visit
                    | Print
                    | Attach
                    | Contacts
                    | Resolve
                    | Edit
                    | Reschedule
                    | Quote
            ),
            Role::Engineer => matches!(
                p,
                Assign | Start | Hold | Resume | Complete | Print | Attach | Reschedule | Quote
            ),
            Role::Supervisor => matches!(
                p,
                Register
                    | Remind
                    | Visit
                    | Print
                    | Attach
                    | Contacts
                    | Assign
                    | Start
                    | Hold
                    | Resume
                    | Complete
                    | Cancel
                    | Rework
                    | Edit
                    | EditClosed
                    | Reschedule
                    | Resolve
                    | Quote
                    | Reports
                    | AuditLog
            ),
            Role::Admin => true,
        }
    }

    /// Every permission of the role, in the table's order (for the window).
    pub fn permissions(self) -> Vec<Permission> {
        Permission::ALL
            .iter()
            .copied()
            .filter(|p| self.may(*p))
            .collect()
    }
}

/// The permission a workflow step (a `workflow::available` step) needs; `None` for
/// history rows that are not steps (登记, 添加附件).
pub fn step_permission(step: EventAction) -> Option<Permission> {
    use EventAction as A;
    use Permission::*;
    Some(match step {
        A::Assign | A::Reassign => Assign,
        A::Start => Start,
        A::Hold => Hold,
        A::Resume => Resume,
        A::Complete => Complete,
        A::Visit | A::VisitAttempt => Visit,
        A::Cancel => Cancel,
        A::Rework => Rework,
        A::Remind => Remind,
        A::Print => Print,
        A::Edit => Edit,
        A::Reschedule => Reschedule,
        A::Resolve | A::Handover => Resolve,
        A::Quote => Quote,
        A::Created | A::Attach => return None,
    })
}

/// What a 更正 of a ticket in `status` needs beyond [`Permission::Edit`]: after
/// completion (待回访, 已完结) only a 主管 corrects, and only the category and urgency.
pub fn edit_closed_permission(status: Status) -> Option<Permission> {
    matches!(status, Status::Completed | Status::Closed).then_some(Permission::EditClosed)
}

/// 5 wrong passwords in a row lock an account for 15 minutes.
pub const MAX_FAILED_LOGINS: i64 = 5;
pub const LOCK_MINUTES: i64 = 15;

/// An account as the desk sees it (never its password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Account {
    pub name: String,
    pub role: Role,
    pub role_label: String,
    /// false: 已停用 (a leaver) — history keeps the name, sign-in is refused.
    pub active: bool,
    /// Set while locked after too many wrong passwords.
    pub locked_until: Option<Time>,
    pub created_at: Time,
    /// What this role may do, from [`Role::may`].
    pub permissions: Vec<Permission>,
    #[serde(skip)]
    #[ts(skip)]
    pub id: i64,
}

/// The refusal for a role that may not do `p`.
pub fn forbidden(role: Role, p: Permission) -> Error {
    Error::Forbidden(format!(
        "「{}」不能{}，请让有权限的同事（{}）操作",
        role.label(),
        p.label(),
        Role::ALL
            .iter()
            .filter(|r| r.may(p))
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join("、")
    ))
}

/// A password an office can live with: 6–64 characters, not only spaces.
pub fn check_password(password: &str) -> Result<()> {
    let n = password.chars().count();
    if password.trim().is_empty() || n < 6 {
        return Err(Error::invalid("密码至少需要 6 个字符，请重新设置"));
    }
    if n > 64 {
        return Err(Error::invalid("密码最多 64 个字符，请缩短"));
    }
    if password.chars().any(char::is_control) {
        return Err(Error::invalid("密码不能包含换行等控制字符，请重新设置"));
    }
    Ok(())
}

/// The argon2id hash (PHC string, salt inside) of a checked password.
pub fn hash_password(password: &str) -> Result<String> {
    check_password(password)?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Database(format!("无法保存密码（{e}），请重试")))
}

/// Whether `password` matches a stored hash; a damaged hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_table_matches_the_office_process() {
        use Permission::*;
        assert!(Role::Desk.may(Register) && Role::Desk.may(Visit) && Role::Desk.may(Print));
        assert!(!Role::Desk.may(Cancel) && !Role::Desk.may(Assign) && !Role::Desk.may(Reports));
        assert!(Role::Engineer.may(Assign) && Role::Engineer.may(Complete));
        assert!(!Role::Engineer.may(Register) && !Role::Engineer.may(Cancel));
        assert!(Role::Supervisor.may(Cancel) && Role::Supervisor.may(Rework));
        assert!(Role::Supervisor.may(Reports) && !Role::Supervisor.may(Settings));
        assert!(Role::Desk.may(Edit) && !Role::Desk.may(EditClosed));
        assert!(Role::Supervisor.may(EditClosed) && !Role::Engineer.may(Edit));
        assert!(Role::Desk.may(Reschedule) && Role::Engineer.may(Reschedule));
        assert!(!Role::Supervisor.may(Accounts) && !Role::Supervisor.may(Restore));
        assert!(Permission::ALL.iter().all(|p| Role::Admin.may(*p)));
    }

    #[test]
    fn a_refusal_names_the_role_the_step_and_who_may() {
        let e = forbidden(Role::Desk, Permission::Cancel);
        assert_eq!(e.code(), "forbidden");
        assert_eq!(
            e.to_string(),
            "「客服」不能取消工单，请让有权限的同事（主管、管理员）操作"
        );
    }

    #[test]
    fn passwords_are_salted_hashes_that_verify() {
        let a = hash_password("secret1").unwrap();
        let b = hash_password("secret1").unwrap();
        assert_ne!(a, b, "per-account salt");
        assert!(a.starts_with("$argon2id$"));
        assert!(verify_password("secret1", &a));
        assert!(!verify_password("secret2", &a));
        assert!(!verify_password("secret1", "not a hash"));
        assert_eq!(check_password("12345").unwrap_err().code(), "invalid_input");
        assert!(check_password("      ").is_err());
    }
}
