//! 月度汇总 kept for months that have ended (table `month_summaries`, migration 15): the
//! report's JSON as the build `made_by` computed it. The database's triggers drop a kept
//! month whenever a change could alter it (see `STEP_15`), so what is kept is what a
//! fresh computation gives.
//!
//! A month is kept in two steps around its computation, so that a change committed
//! meanwhile is never hidden under the kept figures:
//! 1. [`Store::claim_month_summary`] writes an empty row with a random claim. On SQLite
//!    it holds the write lock; on PostgreSQL it takes the triggers' advisory lock
//!    exclusively for that moment, waiting for every change already under way to commit.
//!    Either way the computation that follows sees every change made before the claim.
//! 2. [`Store::keep_month_summary`] fills the row only if it still holds that claim:
//!    any change made after step 1 dropped the row (PostgreSQL's changes run READ
//!    COMMITTED, so their trigger sees the claimed row), and the figures are not kept.

use super::db::Engine;
use super::Store;
use crate::account::Permission;
use crate::error::{Result, SqlContext};

/// The advisory lock every change to a month's figures holds shared (PostgreSQL).
const CHANGES_LOCK: i64 = 4_779_346_226;

/// A month being computed, to be kept if nothing changed meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Claim {
    start: i64,
    end: i64,
    claim: i64,
}

impl Store {
    /// The kept summary of the month `[start, end)` (JSON) and its 明细 count, if the
    /// build `made_by` kept it and nothing changed since.
    pub(crate) fn kept_month_summary(
        &self,
        start: i64,
        end: i64,
        made_by: &str,
    ) -> Result<Option<(String, i64)>> {
        self.operator(Permission::Reports, None)?;
        const Q: &str = "kept month summary";
        let row = self
            .db
            .query_opt(
                "SELECT summary, in_ledger FROM month_summaries
                  WHERE start_at = ?1 AND end_at = ?2 AND made_by = ?3
                    AND summary IS NOT NULL",
                &[&start, &end, &made_by],
            )
            .sql(Q)?;
        Ok(match row {
            Some(r) => Some((r.get(0).sql(Q)?, r.get(1).sql(Q)?)),
            None => None,
        })
    }

    /// Step 1: claim the month `[start, end)` for the computation about to start.
    pub(crate) fn claim_month_summary(&self, start: i64, end: i64, made_by: &str) -> Result<Claim> {
        self.operator(Permission::Reports, None)?;
        self.briefly(|| self.claim(start, end, made_by))
    }

    fn claim(&self, start: i64, end: i64, made_by: &str) -> Result<Claim> {
        const Q: &str = "claim month summary";
        let tx = self.begin()?;
        let random = match self.engine() {
            Engine::Sqlite => "random()",
            Engine::Postgres => {
                // A long change under way (an import, a restore on another PC) is not
                // waited for: the month is then computed without being kept.
                tx.batch("SET LOCAL lock_timeout = '1s'").sql(Q)?;
                tx.query_one("SELECT pg_advisory_xact_lock(?1)", &[&CHANGES_LOCK])
                    .sql(Q)?;
                "CAST(floor((random() - 0.5) * 9.0e18) AS BIGINT)"
            }
        };
        let claim: i64 = tx
            .query_one(
                &format!(
                    "INSERT INTO month_summaries (start_at, end_at, made_by, claim)
                     VALUES (?1, ?2, ?3, {random})
                     ON CONFLICT (start_at, end_at) DO UPDATE
                        SET made_by = excluded.made_by, claim = excluded.claim,
                            summary = NULL, in_ledger = NULL
                     RETURNING claim"
                ),
                &[&start, &end, &made_by],
            )
            .sql(Q)?
            .get(0)
            .sql(Q)?;
        tx.commit().sql(Q)?;
        Ok(Claim { start, end, claim })
    }

    /// Step 2: keep the month's summary if nothing changed since it was claimed.
    /// Returns whether it was kept.
    pub(crate) fn keep_month_summary(
        &self,
        claim: Claim,
        summary: &str,
        in_ledger: i64,
    ) -> Result<bool> {
        self.briefly(|| self.keep(claim, summary, in_ledger))
    }

    fn keep(&self, claim: Claim, summary: &str, in_ledger: i64) -> Result<bool> {
        const Q: &str = "keep month summary";
        let tx = self.begin()?;
        if self.engine() == Engine::Postgres {
            // A change under way holds the claimed row until it commits (its trigger
            // deletes it): not waited for past a second, the month is then not kept.
            tx.batch("SET LOCAL lock_timeout = '1s'").sql(Q)?;
        }
        let kept = tx
            .execute(
                "UPDATE month_summaries SET summary = ?1, in_ledger = ?2
                  WHERE start_at = ?3 AND end_at = ?4 AND claim = ?5",
                &[&summary, &in_ledger, &claim.start, &claim.end, &claim.claim],
            )
            .sql(Q)?;
        tx.commit().sql(Q)?;
        Ok(kept == 1)
    }

    /// Run `f` waiting at most a second for SQLite's write lock (not the 10 s every
    /// other write waits): a report is read while an import or a restore writes, and
    /// keeping the month is not worth the wait. PostgreSQL bounds its waits itself.
    fn briefly<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        if self.engine() != Engine::Sqlite {
            return f();
        }
        const Q: &str = "busy timeout";
        self.db.batch("PRAGMA busy_timeout = 1000").sql(Q)?;
        let out = f();
        self.db
            .batch(&format!(
                "PRAGMA busy_timeout = {}",
                super::BUSY_TIMEOUT.as_millis()
            ))
            .sql(Q)?;
        out
    }
}
