//! 日志 — the file an office sends when something goes wrong: start-up, migrations, every
//! refused or failed command by its code, and queries slower than 200 ms. One file a
//! day in `logs/` beside the database's data directory, the last 14 kept. Never ticket
//! contents or phone numbers: events carry codes, counts, durations and SQL text (whose
//! values are bound parameters, never in the text).

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};

/// Queries at least this slow are logged.
pub const SLOW_QUERY_MS: u128 = 200;

/// `logs/` in the app data directory (or beside `BAOXIU_LOG_DIR`'s choice).
pub fn dir() -> Option<PathBuf> {
    std::env::var_os("BAOXIU_LOG_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| crate::store::default_dir().map(|d| d.join("logs")))
}

/// Start writing the log into `dir` as `<program>.YYYY-MM-DD.log`. Keep the guard for
/// the life of the program (it flushes on drop). A log that cannot be opened is not a
/// reason to stop the desk: `None`, and the program runs without one.
pub fn start(dir: &Path, program: &str) -> Option<WorkerGuard> {
    std::fs::create_dir_all(dir).ok()?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(program)
        .filename_suffix("log")
        .max_log_files(14)
        .build(dir)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let subscriber = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    tracing::subscriber::set_global_default(subscriber).ok()?;
    tracing::info!(program, version = env!("CARGO_PKG_VERSION"), "start");
    Some(guard)
}

/// The first words of a statement, for the slow-query line (no values: they are bound).
pub fn statement_head(sql: &str) -> String {
    sql.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(120)
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_statement_head_is_one_line_and_short() {
        let h = statement_head("SELECT a,\n   b FROM tickets\n WHERE x = ?1");
        assert_eq!(h, "SELECT a, b FROM tickets WHERE x = ?1");
        assert!(statement_head(&"x ".repeat(500)).chars().count() <= 120);
    }
}
