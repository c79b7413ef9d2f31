//! 实时同步 — the live desk on the shared PostgreSQL database. Every ticket event is
//! announced on the channel [`CHANNEL`] by the transaction that writes it
//! (`NOTIFY` is transactional: PostgreSQL delivers it only when that transaction
//! commits, never for a refused or rolled-back step), and each desk holds a
//! [`Listener`] on its own connection to hear what the other PCs did. SQLite has no
//! such channel: one PC's desk refreshes as before.

use std::time::{Duration, Instant};

use postgres::fallible_iterator::FallibleIterator;
use serde::{Deserialize, Serialize};

use super::db::{Db, Engine};
use crate::error::{Error, Result, SqlContext};
use crate::ticket::{Event, EventAction, Status};

/// The PostgreSQL notification channel every desk listens on.
pub const CHANNEL: &str = "baoxiu_desk";

/// One change another desk (or the CLI) committed: which ticket, what was done, by whom,
/// and where the ticket stands now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Change {
    /// The ticket number, e.g. BX-202611-0001.
    pub number: String,
    /// What was done.
    pub action: EventAction,
    /// The Chinese name of `action` (登记, 派单, 完工 …).
    pub action_label: String,
    pub operator: String,
    /// The ticket's status after the change.
    pub status: Status,
}

/// Announce `e` (just written for ticket `ticket_id`) inside the same transaction `db`.
/// Called only by `events::insert_event`; nothing on SQLite.
pub(crate) fn announce(db: &Db, ticket_id: i64, e: &Event) -> Result<()> {
    if db.engine() != Engine::Postgres {
        return Ok(());
    }
    // The row as this transaction has just written it: its number, and its new status.
    let row = db
        .query_one(
            "SELECT number, status FROM tickets WHERE id = ?1",
            &[&ticket_id],
        )
        .sql("announce change")?;
    let status: String = row.get(1)?;
    let change = Change {
        number: row.get(0)?,
        action: e.action,
        action_label: e.action.label().to_string(),
        operator: e.operator.clone(),
        status: Status::parse(&status)?,
    };
    let payload = serde_json::to_string(&change)
        .map_err(|err| Error::Database(format!("无法通知其他电脑（{err}）")))?;
    db.execute("SELECT pg_notify(?1, ?2)", &[&CHANNEL, &payload])
        .sql("announce change")?;
    Ok(())
}

/// Hears the changes committed on a shared PostgreSQL database, on a connection of its
/// own. Reconnecting after an error is the caller's choice (see the desk's `live.rs`).
pub struct Listener {
    client: postgres::Client,
    shown: String,
}

impl Listener {
    /// Connect to the database at `url` and `LISTEN` on [`CHANNEL`]. TCP keepalives are
    /// on, so a server that vanishes without closing the connection (a pulled cable, a
    /// sleeping server) is noticed within about half a minute.
    pub fn connect(url: &str) -> Result<Listener> {
        let shown = super::postgres::redacted(url);
        let mut target = super::postgres::config(url)?;
        target
            .config
            .keepalives(true)
            .keepalives_idle(Duration::from_secs(10))
            .keepalives_interval(Duration::from_secs(5))
            .keepalives_retries(3);
        let mut client = super::postgres::client(&target, url)?;
        client
            .batch_execute(&format!("LISTEN {CHANNEL}"))
            .map_err(|e| lost(&shown, &e))?;
        Ok(Listener { client, shown })
    }

    /// The next change, waiting at most `timeout`; `Ok(None)` when none came. An error
    /// means the connection is gone: drop this listener and connect a new one (changes
    /// made in between were not heard — reload).
    pub fn next(&mut self, timeout: Duration) -> Result<Option<Change>> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let got = self
                .client
                .notifications()
                .timeout_iter(left)
                .next()
                .map_err(|e| lost(&self.shown, &e))?;
            match got {
                // Something else on the channel (another tool, an older desk): not ours
                // to show. Keep waiting for the rest of the time.
                Some(n) => match serde_json::from_str::<Change>(n.payload()) {
                    Ok(change) => return Ok(Some(change)),
                    Err(_) if Instant::now() < deadline => continue,
                    Err(_) => return Ok(None),
                },
                // `None` is also what a closed connection answers: tell the two apart.
                None if self.client.is_closed() => {
                    return Err(Error::Database(format!(
                        "与共享数据库“{}”的实时连接断开了（服务器关闭了连接），连接恢复前，其他电脑的改动要点「刷新」才能看到",
                        self.shown
                    )))
                }
                None => return Ok(None),
            }
        }
    }
}

fn lost(shown: &str, e: &postgres::Error) -> Error {
    Error::Database(format!(
        "与共享数据库“{shown}”的实时连接断开了（{}），连接恢复前，其他电脑的改动要点「刷新」才能看到",
        super::postgres::pg_reason(e)
    ))
}
