//! The core's one error type. Every refusal a user can meet carries a stable `code`
//! (for scripts and the UI to branch on) and a Chinese message that says what to fix.

use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input: the message names the field and what is wrong with it.
    #[error("{0}")]
    Invalid(String),
    /// A referenced thing (ticket number, technician, category, site) does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The workflow refuses this step in the ticket's current status.
    #[error("{0}")]
    WrongStatus(String),
    /// The step is allowed in this status but a precondition is missing
    /// (inactive technician, no cause/measures, no satisfaction answer …).
    #[error("{0}")]
    Precondition(String),
    /// Another PC changed the ticket after this screen showed it: refresh and retry.
    #[error("{0}")]
    Conflict(String),
    /// The acting account's role may not do this (or nobody is signed in once the office
    /// has accounts).
    #[error("{0}")]
    Forbidden(String),
    /// Sign-in refused: unknown account, wrong password, locked or disabled.
    #[error("{0}")]
    Auth(String),
    /// A character the slip font cannot draw (never printed as an invisible blank).
    #[error("{0}")]
    MissingGlyph(String),
    /// The database file cannot be used (a directory, not SQLite, from a newer version).
    #[error("{0}")]
    Database(String),
    /// An unexpected database failure; `query` says which statement failed.
    #[error("数据库操作失败（{query}）：{source}")]
    Sql {
        query: &'static str,
        #[source]
        source: crate::store::db::DbError,
    },
    /// A file could not be read or written.
    #[error("文件读写失败（{path}）：{source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Stable machine-readable code: `error[<code>]` on the CLI, `{code}` over IPC.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid(_) => "invalid_input",
            Error::NotFound(_) => "not_found",
            Error::WrongStatus(_) => "wrong_status",
            Error::Precondition(_) => "precondition",
            Error::Conflict(_) => "conflict",
            Error::Forbidden(_) => "forbidden",
            Error::Auth(_) => "auth",
            Error::MissingGlyph(_) => "missing_glyph",
            Error::Database(_) => "database",
            Error::Sql { .. } => "sql",
            Error::Io { .. } => "io",
        }
    }

    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid(msg.into())
    }

    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }
}

/// Attach the failing query's name to a database error.
pub trait SqlContext<T> {
    fn sql(self, query: &'static str) -> Result<T>;
}

impl<T> SqlContext<T> for std::result::Result<T, rusqlite::Error> {
    fn sql(self, query: &'static str) -> Result<T> {
        self.map_err(|e| Error::Sql {
            query,
            source: e.into(),
        })
    }
}

impl<T> SqlContext<T> for std::result::Result<T, crate::store::db::DbError> {
    fn sql(self, query: &'static str) -> Result<T> {
        self.map_err(|source| Error::Sql { query, source })
    }
}

/// The shape errors take over IPC and in JSON: `{code, message}`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

impl From<&Error> for ErrorBody {
    fn from(e: &Error) -> Self {
        ErrorBody {
            code: e.code().to_string(),
            message: e.to_string(),
        }
    }
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        ErrorBody::from(self).serialize(s)
    }
}
