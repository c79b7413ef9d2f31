//! accounts: operator accounts, sign-in with lock-out, and the check every change makes
//! against the role table ([`crate::account::Role::may`]).
//!
//! A store acts for at most one account at a time (the window's signed-in user, or the
//! CLI's `--by`). An office with no accounts yet keeps working as before — the operator
//! is the name typed in — so upgrading never locks anyone out; from the first account
//! on, every change needs an account whose role allows it.

use super::audit::record;
use super::db::{Db, Row};
use super::Store;
use crate::account::{self, forbidden, Account, Permission, Role, LOCK_MINUTES, MAX_FAILED_LOGINS};
use crate::audit::AuditKind;
use crate::error::{Error, Result, SqlContext};
use crate::input;

const COLUMNS: &str = "id, name, role, active, locked_until, created_at";

fn account_row(store: &Store, r: &Row) -> Result<Account> {
    let role = Role::parse(&r.get::<String>(2)?)?;
    let now = store.now().timestamp();
    Ok(Account {
        id: r.get(0)?,
        name: r.get(1)?,
        role,
        role_label: role.label().to_string(),
        active: r.get::<i64>(3)? == 1,
        locked_until: r
            .get::<Option<i64>>(4)?
            .filter(|t| *t > now)
            .map(|t| store.zone.from_epoch(t)),
        created_at: store.zone.from_epoch(r.get(5)?),
        permissions: role.permissions(),
    })
}

fn has_accounts(db: &Db) -> Result<bool> {
    Ok(db
        .query_one("SELECT count(*) FROM accounts", &[])
        .sql("count accounts")?
        .get::<i64>(0)?
        > 0)
}

fn no_such_account(name: &str) -> Error {
    Error::NotFound(format!(
        "没有名为“{name}”的账号，请检查账号名（账号列表：baoxiu user list）"
    ))
}

impl Store {
    /// Every account, active ones first, by name.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        self.db
            .query(
                &format!("SELECT {COLUMNS} FROM accounts ORDER BY active DESC, name"),
                &[],
            )
            .sql("list accounts")?
            .iter()
            .map(|r| account_row(self, r))
            .collect()
    }

    /// Whether the office has started using accounts.
    pub fn has_accounts(&self) -> Result<bool> {
        has_accounts(&self.db)
    }

    /// The signed-in account, if any.
    pub fn actor(&self) -> Option<&Account> {
        self.actor.as_ref()
    }

    fn account_by_name(&self, db: &Db, name: &str) -> Result<Option<(Account, String, i64)>> {
        db.query_opt(
            &format!(
                "SELECT {COLUMNS}, password_hash, failed_logins FROM accounts WHERE name = ?1 {}",
                db.for_update()
            ),
            &[&name.trim()],
        )
        .sql("find account")?
        .map(|r| Ok((account_row(self, &r)?, r.get(6)?, r.get(7)?)))
        .transpose()
    }

    /// The check every change makes first: the name to record as its operator. With an
    /// account signed in, that account — still active, its role (as it is now in the
    /// database, another PC's administrator may have changed it) allowing `p`. With no
    /// account signed in: refused once the office has accounts; before that, `typed`
    /// (the operator name typed in, as before accounts existed).
    pub(crate) fn operator(&self, p: Permission, typed: Option<&str>) -> Result<String> {
        match &self.actor {
            Some(actor) => {
                let row = self
                    .db
                    .query_opt(
                        &format!("SELECT {COLUMNS} FROM accounts WHERE id = ?1"),
                        &[&actor.id],
                    )
                    .sql("check account")?
                    .ok_or_else(|| no_such_account(&actor.name))?;
                let now = account_row(self, &row)?;
                if !now.active {
                    return Err(Error::Auth(format!(
                        "账号“{}”已停用，请换用其他账号登录",
                        now.name
                    )));
                }
                if !now.role.may(p) {
                    return Err(forbidden(now.role, p));
                }
                Ok(now.name)
            }
            None if has_accounts(&self.db)? => Err(Error::Forbidden(
                "本服务中心已启用账号，请先登录（命令行用 --by 账号名）".into(),
            )),
            None => input::name(
                "操作员",
                Some(typed.or(self.typed_operator.as_deref()).unwrap_or("操作员")),
            ),
        }
    }

    /// Whether the signed-in account may do `p` (everyone may, before the office has
    /// accounts) — for the window to hide what the role may not do. The store still
    /// checks every change itself.
    pub fn may(&self, p: Permission) -> Result<bool> {
        match self.operator(p, Some("操作员")) {
            Ok(_) => Ok(true),
            Err(Error::Forbidden(_) | Error::Auth(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// 登录: check the password; 5 wrong ones in a row lock the account for 15
    /// minutes. Every attempt is in the 操作日志. On success this store acts for the
    /// account (换班: signing in again switches the user).
    pub fn login(&mut self, name: &str, password: &str) -> Result<Account> {
        let now = self.now();
        let tx = self.begin()?;
        let Some((acc, hash, failed)) = self.account_by_name(&tx, name)? else {
            record(
                &tx,
                &now,
                name.trim(),
                AuditKind::LoginFailed,
                name.trim(),
                "账号不存在",
            )?;
            tx.commit().sql("commit login")?;
            return Err(Error::Auth(format!(
                "没有名为“{}”的账号，请检查账号名",
                name.trim()
            )));
        };
        let refuse = |detail: &str, message: String| -> Result<Account> {
            record(
                &tx,
                &now,
                &acc.name,
                AuditKind::LoginFailed,
                &acc.name,
                detail,
            )?;
            Err(Error::Auth(message))
        };
        let outcome = if !acc.active {
            refuse(
                "账号已停用",
                format!("账号“{}”已停用，请联系管理员", acc.name),
            )
        } else if let Some(until) = acc.locked_until {
            let minutes = ((until.timestamp() - now.timestamp()) + 59) / 60;
            refuse(
                "账号锁定中",
                format!(
                    "账号“{}”因连续 {MAX_FAILED_LOGINS} 次密码错误已锁定，请 {minutes} 分钟后再试，或请管理员重置密码",
                    acc.name
                ),
            )
        } else if !account::verify_password(password, &hash) {
            let failed = failed + 1;
            if failed >= MAX_FAILED_LOGINS {
                tx.execute(
                    "UPDATE accounts SET failed_logins = 0, locked_until = ?1 WHERE id = ?2",
                    &[&(now.timestamp() + LOCK_MINUTES * 60), &acc.id],
                )
                .sql("lock account")?;
                refuse(
                    &format!("密码错误，第 {failed} 次，账号锁定 {LOCK_MINUTES} 分钟"),
                    format!(
                        "密码不正确；已连续 {failed} 次，账号“{}”锁定 {LOCK_MINUTES} 分钟",
                        acc.name
                    ),
                )
            } else {
                tx.execute(
                    "UPDATE accounts SET failed_logins = ?1 WHERE id = ?2",
                    &[&failed, &acc.id],
                )
                .sql("count failed login")?;
                refuse(
                    &format!("密码错误，第 {failed} 次"),
                    format!(
                        "密码不正确，请重新输入（再错 {} 次账号将锁定 {LOCK_MINUTES} 分钟）",
                        MAX_FAILED_LOGINS - failed
                    ),
                )
            }
        } else {
            tx.execute(
                "UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = ?1",
                &[&acc.id],
            )
            .sql("reset failed logins")?;
            record(
                &tx,
                &now,
                &acc.name,
                AuditKind::Login,
                &acc.name,
                "登录成功",
            )?;
            Ok(acc)
        };
        tx.commit().sql("commit login")?;
        let acc = outcome?;
        self.actor = Some(acc.clone());
        Ok(acc)
    }

    /// The CLI's `--by NAME`: act as that account without a password (the CLI is the
    /// machine administrator's tool). Before the office has accounts, `name` is just
    /// the operator name written into the history, as it always was.
    pub fn act_as(&mut self, name: &str) -> Result<Option<Account>> {
        if !self.has_accounts()? {
            self.typed_operator = Some(input::name("操作员", Some(name))?);
            return Ok(None);
        }
        let (acc, _, _) = self
            .account_by_name(&self.db, name)?
            .ok_or_else(|| no_such_account(name.trim()))?;
        if !acc.active {
            return Err(Error::Auth(format!(
                "账号“{}”已停用，请用其他账号（--by）",
                acc.name
            )));
        }
        self.actor = Some(acc.clone());
        Ok(Some(acc))
    }

    /// 退出登录 / 换班: nobody is signed in on this store until the next [`Store::login`].
    pub fn sign_out(&mut self) {
        self.actor = None;
    }

    /// 新建账号. The office's first account must be a 管理员 (anyone may create it:
    /// that is how an office starts using accounts); after that only a 管理员 may.
    pub fn add_account(&mut self, name: &str, role: Role, password: &str) -> Result<Account> {
        let name = input::printed_name("账号名", Some(name))?;
        let hash = account::hash_password(password)?;
        let now = self.now();
        let tx = self.begin()?;
        let by = if has_accounts(&tx)? {
            self.operator(Permission::Accounts, None)?
        } else if role != Role::Admin {
            return Err(Error::Precondition(
                "第一个账号必须是管理员，请先创建管理员账号".into(),
            ));
        } else {
            name.clone()
        };
        if self.account_by_name(&tx, &name)?.is_some() {
            return Err(Error::invalid(format!(
                "账号“{name}”已存在，请换一个账号名（停用的账号也保留名字）"
            )));
        }
        tx.execute(
            "INSERT INTO accounts (name, role, password_hash, active, failed_logins, created_at)
             VALUES (?1, ?2, ?3, 1, 0, ?4)",
            &[&name, &role.code(), &hash, &now.timestamp()],
        )
        .sql("insert account")?;
        record(
            &tx,
            &now,
            &by,
            AuditKind::Account,
            &name,
            &format!("新建账号，角色：{}", role.label()),
        )?;
        tx.commit().sql("commit account")?;
        self.account(&name)
    }

    /// One account by name.
    pub fn account(&self, name: &str) -> Result<Account> {
        self.account_by_name(&self.db, name)?
            .map(|(a, _, _)| a)
            .ok_or_else(|| no_such_account(name.trim()))
    }

    /// 修改密码: the signed-in account changes its own, knowing the old one.
    pub fn change_own_password(&mut self, old: &str, new: &str) -> Result<()> {
        let me = self
            .actor
            .clone()
            .ok_or_else(|| Error::Forbidden("请先登录，再修改自己的密码".into()))?;
        let hash = account::hash_password(new)?;
        let now = self.now();
        let tx = self.begin()?;
        let (_, stored, _) = self
            .account_by_name(&tx, &me.name)?
            .ok_or_else(|| no_such_account(&me.name))?;
        if !account::verify_password(old, &stored) {
            return Err(Error::Auth("原密码不正确，请重新输入".into()));
        }
        tx.execute(
            "UPDATE accounts SET password_hash = ?1 WHERE id = ?2",
            &[&hash, &me.id],
        )
        .sql("change password")?;
        record(
            &tx,
            &now,
            &me.name,
            AuditKind::Account,
            &me.name,
            "修改了自己的密码",
        )?;
        tx.commit().sql("commit password")
    }

    /// 重置密码 (管理员): also lifts a lock-out.
    pub fn reset_password(&mut self, name: &str, new: &str) -> Result<()> {
        let hash = account::hash_password(new)?;
        let now = self.now();
        let tx = self.begin()?;
        let by = self.operator(Permission::Accounts, None)?;
        let (acc, _, _) = self
            .account_by_name(&tx, name)?
            .ok_or_else(|| no_such_account(name.trim()))?;
        tx.execute(
            "UPDATE accounts SET password_hash = ?1, failed_logins = 0, locked_until = NULL
             WHERE id = ?2",
            &[&hash, &acc.id],
        )
        .sql("reset password")?;
        record(&tx, &now, &by, AuditKind::Account, &acc.name, "重置了密码")?;
        tx.commit().sql("commit password")
    }

    /// 停用 / 启用 (管理员). A leaver's account is disabled, never deleted, so the
    /// history keeps the name. The last active 管理员 cannot be disabled.
    pub fn set_account_active(&mut self, name: &str, active: bool) -> Result<Account> {
        let now = self.now();
        let tx = self.begin()?;
        let by = self.operator(Permission::Accounts, None)?;
        let (acc, _, _) = self
            .account_by_name(&tx, name)?
            .ok_or_else(|| no_such_account(name.trim()))?;
        if acc.active == active {
            return Ok(acc);
        }
        if !active && acc.role == Role::Admin {
            let admins: i64 = tx
                .query_one(
                    "SELECT count(*) FROM accounts WHERE role = 'admin' AND active = 1",
                    &[],
                )
                .sql("count admins")?
                .get(0)?;
            if admins <= 1 {
                return Err(Error::Precondition(format!(
                    "“{}”是唯一可用的管理员，不能停用；请先新建另一个管理员账号",
                    acc.name
                )));
            }
        }
        tx.execute(
            "UPDATE accounts SET active = ?1 WHERE id = ?2",
            &[&i64::from(active), &acc.id],
        )
        .sql("set account active")?;
        record(
            &tx,
            &now,
            &by,
            AuditKind::Account,
            &acc.name,
            if active {
                "启用账号"
            } else {
                "停用账号"
            },
        )?;
        tx.commit().sql("commit account")?;
        self.account(&acc.name)
    }
}
