//! 数据库连接 the saved choice of database: this PC's own SQLite file (本机数据库) or the
//! office's shared PostgreSQL server (共享数据库), kept in `connection.json` in the app
//! data directory. `BAOXIU_DB` still wins over the file. The password stays in that file
//! (owner-only on unix) and never leaves this module toward a window: [`ConnectionView`]
//! says only whether one is stored.

use std::io::Write;
use std::path::{Path, PathBuf};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::{postgres, TicketFilter};
use crate::Store;

/// The config file's name inside the app data directory.
pub const FILE_NAME: &str = "connection.json";
/// The local database's file name inside the app data directory.
pub const LOCAL_FILE: &str = "baoxiu.db";
/// PostgreSQL's usual port, the form's default.
pub const DEFAULT_PORT: u16 = 5432;

/// Everything but the URL's unreserved characters is escaped in user, password and
/// database name, so `@`, `:`, `/`, `#`, `%` or Chinese in a password cannot change
/// where the URL points. tokio-postgres percent-decodes these parts when parsing.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The saved choice, and the candidate the window sends to test or save. As a file:
/// `{"kind":"local"}` or `{"kind":"shared","host":…,"port":…,"database":…,"user":…,
/// "password":…}`. From the window an empty `password` means "keep the stored one".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Connection {
    /// 本机数据库: `baoxiu.db` in the app data directory.
    Local,
    /// 共享数据库: the office's PostgreSQL server.
    Shared {
        host: String,
        port: u16,
        database: String,
        user: String,
        #[serde(default)]
        password: String,
    },
}

/// Which kind of database, with the word the office sees for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    Local,
    Shared,
}

impl Backend {
    pub fn label(self) -> &'static str {
        match self {
            Backend::Local => "本机数据库",
            Backend::Shared => "共享数据库",
        }
    }

    /// The kind of database at `location` (a file path or a `postgres://` URL).
    pub fn of(location: &str) -> Backend {
        if postgres::is_url(location) {
            Backend::Shared
        } else {
            Backend::Local
        }
    }
}

/// The saved choice as the window may see it: never the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ConnectionView {
    pub backend: Backend,
    /// 本机数据库 / 共享数据库.
    pub backend_label: String,
    /// Empty for a local choice; the form then offers the defaults.
    pub host: String,
    pub port: u16,
    pub database: String,
    pub user: String,
    /// A password is stored; the form shows "已保存，留空不变" and never the password.
    pub has_password: bool,
    /// The file path, or the URL with the password hidden.
    pub location: String,
    /// `BAOXIU_DB` (password hidden) when it is set: it decides the database at start,
    /// and the window's choice cannot be saved while it does.
    pub env_override: Option<String>,
}

impl Connection {
    /// The saved choice in `dir`; a missing file is the local database.
    pub fn load(dir: &Path) -> Result<Connection> {
        let path = dir.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Connection::Local),
            Err(e) => return Err(Error::io(&path, e)),
        };
        serde_json::from_str(&text).map_err(|e| {
            Error::Database(format!(
                "数据库连接设置文件“{}”无法读取（{e}），请在「基础资料 → 数据库连接」中重新保存",
                path.display()
            ))
        })
    }

    /// Write the choice to `dir` whole or not at all: a temporary file (owner-only on
    /// unix from its creation, since it holds the password), synced, renamed into place.
    pub fn save(&self, dir: &Path) -> Result<()> {
        self.check()?;
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join(FILE_NAME);
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::Database(format!("无法保存数据库连接设置：{e}")))?;
        let tmp = dir.join(format!(".{FILE_NAME}.{}.part", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let written = options.open(&tmp).and_then(|mut f| {
            f.write_all(text.as_bytes())?;
            f.sync_all()
        });
        let placed = written.and_then(|()| std::fs::rename(&tmp, &path));
        if let Err(e) = placed {
            let _ = std::fs::remove_file(&tmp);
            return Err(Error::io(&path, e));
        }
        // The rename itself survives a power cut only once the folder is synced.
        #[cfg(unix)]
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Connection::Local => Backend::Local,
            Connection::Shared { .. } => Backend::Shared,
        }
    }

    /// The candidate with the stored password filled in where the form left it empty
    /// (the window never sees the stored password, so it cannot send it back).
    pub fn keeping_password(self, saved: &Connection) -> Connection {
        match (self, saved) {
            (
                Connection::Shared {
                    host,
                    port,
                    database,
                    user,
                    password,
                },
                Connection::Shared {
                    password: stored, ..
                },
            ) if password.is_empty() => Connection::Shared {
                host,
                port,
                database,
                user,
                password: stored.clone(),
            },
            (other, _) => other,
        }
    }

    /// Refuse a shared choice the URL could not carry, naming the field to fix.
    pub fn check(&self) -> Result<()> {
        let Connection::Shared {
            host,
            port,
            database,
            user,
            ..
        } = self
        else {
            return Ok(());
        };
        let host = host.trim();
        if host.is_empty() {
            return Err(Error::invalid(
                "请填写数据库服务器的地址（如 192.168.1.10）",
            ));
        }
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        if !bare
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'))
        {
            return Err(Error::invalid(format!(
                "服务器地址“{host}”不对：只能是 IP 地址（如 192.168.1.10）或主机名（字母、数字、点和横线）"
            )));
        }
        if *port == 0 {
            return Err(Error::invalid("端口不能为 0，PostgreSQL 通常是 5432"));
        }
        if database.trim().is_empty() {
            return Err(Error::invalid("请填写数据库名（如 baoxiu）"));
        }
        if user.trim().is_empty() {
            return Err(Error::invalid("请填写用户名（如 baoxiu）"));
        }
        Ok(())
    }

    /// `postgres://user:password@host:port/database` with user, password and database
    /// percent-encoded; `None` for the local database.
    pub fn url(&self) -> Option<String> {
        let Connection::Shared {
            host,
            port,
            database,
            user,
            password,
        } = self
        else {
            return None;
        };
        let host = host.trim();
        // An IPv6 address needs brackets so its colons are not read as the port.
        let host = if host.contains(':') && !host.starts_with('[') {
            format!("[{host}]")
        } else {
            host.to_string()
        };
        let enc = |s: &str| utf8_percent_encode(s, COMPONENT).to_string();
        let creds = if password.is_empty() {
            enc(user.trim())
        } else {
            format!("{}:{}", enc(user.trim()), enc(password))
        };
        Some(format!(
            "postgres://{creds}@{host}:{port}/{}",
            enc(database.trim())
        ))
    }

    /// Where this choice's data is: the local file in `dir`, or the server's URL.
    pub fn location(&self, dir: &Path) -> PathBuf {
        match self.url() {
            Some(url) => PathBuf::from(url),
            None => dir.join(LOCAL_FILE),
        }
    }

    /// The choice as the window may see it (`dir` names the local file).
    pub fn view(&self, dir: &Path) -> ConnectionView {
        let (host, port, database, user, has_password) = match self {
            Connection::Local => (
                String::new(),
                DEFAULT_PORT,
                String::new(),
                String::new(),
                false,
            ),
            Connection::Shared {
                host,
                port,
                database,
                user,
                password,
            } => (
                host.clone(),
                *port,
                database.clone(),
                user.clone(),
                !password.is_empty(),
            ),
        };
        ConnectionView {
            backend: self.backend(),
            backend_label: self.backend().label().into(),
            host,
            port,
            database,
            user,
            has_password,
            location: shown(&self.location(dir).to_string_lossy()),
            env_override: env_override(),
        }
    }

    /// Open (and, for a new database, set up) the store this choice names. `dir` holds
    /// the local file, and for a shared database this PC's attachments and backups
    /// (unless `BAOXIU_FILES_DIR` names another folder, as for [`Store::open`]).
    pub fn open(&self, dir: &Path) -> Result<Store> {
        self.check()?;
        match self.url() {
            Some(url) => {
                let files = std::env::var_os("BAOXIU_FILES_DIR")
                    .filter(|d| !d.is_empty())
                    .map(PathBuf::from)
                    .unwrap_or_else(|| dir.to_path_buf());
                Store::open_postgres(&url, &files)
            }
            None => Store::open(dir.join(LOCAL_FILE)),
        }
    }
}

/// A location for messages and the window: a URL loses its password, a path stays.
pub fn shown(location: &str) -> String {
    if postgres::is_url(location) {
        postgres::redacted(location)
    } else {
        location.to_string()
    }
}

/// `BAOXIU_DB` when set, password hidden.
pub fn env_override() -> Option<String> {
    std::env::var("BAOXIU_DB")
        .ok()
        .filter(|v| !v.is_empty())
        .map(|v| shown(&v))
}

/// The database to open at start: `BAOXIU_DB` when set, else the choice saved in
/// `dir` (the local file when nothing is saved).
pub fn location_to_open(dir: &Path) -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("BAOXIU_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    Ok(Connection::load(dir)?.location(dir))
}

/// The app data directory, or why there is none.
pub fn default_dir() -> Result<PathBuf> {
    crate::store::default_dir().ok_or_else(|| {
        Error::Database("找不到系统的应用数据目录，请用环境变量 BAOXIU_DB 指定数据库".into())
    })
}

/// Open the candidate's database and say so in one Chinese line, or return the store's
/// own Chinese reason unchanged. A new, empty database gets its tables here, as it
/// would on the first real start.
pub fn test(candidate: &Connection, dir: &Path) -> Result<String> {
    let store = candidate.open(dir)?;
    summary(&store)
}

/// "连接成功：…" for an open store: which database and how many tickets it holds, so
/// the office can tell its own data from an empty new database.
pub fn summary(store: &Store) -> Result<String> {
    let total = store
        .list_tickets(&TicketFilter {
            limit: Some(1),
            ..Default::default()
        })?
        .total;
    let location = store.location();
    let what = match Backend::of(location) {
        Backend::Shared => format!("共享数据库（PostgreSQL）{location}"),
        Backend::Local => format!("本机数据库 {location}"),
    };
    Ok(if total == 0 {
        format!("连接成功：{what}，还没有工单")
    } else {
        format!("连接成功：{what}，已有 {total} 张工单")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(password: &str) -> Connection {
        Connection::Shared {
            host: "192.168.1.10".into(),
            port: 5432,
            database: "baoxiu".into(),
            user: "baoxiu".into(),
            password: password.into(),
        }
    }

    #[test]
    fn a_missing_file_is_the_local_database() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Connection::load(dir.path()).unwrap(), Connection::Local);
        assert_eq!(
            Connection::Local.location(dir.path()),
            dir.path().join("baoxiu.db")
        );
    }

    #[test]
    fn save_then_load_gives_the_same_choice_in_the_documented_shape() {
        let dir = tempfile::tempdir().unwrap();
        let c = shared("s3cret");
        c.save(dir.path()).unwrap();
        assert_eq!(Connection::load(dir.path()).unwrap(), c);
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join(FILE_NAME)).unwrap())
                .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "shared", "host": "192.168.1.10", "port": 5432,
                "database": "baoxiu", "user": "baoxiu", "password": "s3cret"})
        );
        Connection::Local.save(dir.path()).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join(FILE_NAME))
                .unwrap()
                .replace(char::is_whitespace, ""),
            r#"{"kind":"local"}"#
        );
        // No temporary file is left beside it.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from(FILE_NAME)]);
    }

    #[cfg(unix)]
    #[test]
    fn the_saved_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        // Even replacing a file someone made world-readable.
        std::fs::write(&path, r#"{"kind":"local"}"#).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        shared("s3cret").save(dir.path()).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }

    #[test]
    fn a_broken_file_is_a_chinese_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "{\"kind\": \"sha").unwrap();
        let e = Connection::load(dir.path()).unwrap_err();
        assert_eq!(e.code(), "database");
        assert!(e.to_string().contains("connection.json"), "{e}");
        assert!(e.to_string().contains("重新保存"), "{e}");
        let e = location_to_open_in(dir.path(), None).unwrap_err();
        assert!(e.to_string().contains("connection.json"), "{e}");
    }

    /// `location_to_open` with the environment variable given explicitly (tests run in
    /// parallel and must not set process-wide variables).
    fn location_to_open_in(dir: &Path, env: Option<&str>) -> Result<PathBuf> {
        match env.filter(|e| !e.is_empty()) {
            Some(e) => Ok(PathBuf::from(e)),
            None => Ok(Connection::load(dir)?.location(dir)),
        }
    }

    #[test]
    fn the_location_to_open_follows_the_file_unless_the_environment_names_one() {
        let dir = tempfile::tempdir().unwrap();
        if std::env::var_os("BAOXIU_DB").is_none() {
            assert_eq!(
                location_to_open(dir.path()).unwrap(),
                dir.path().join("baoxiu.db")
            );
        }
        shared("pw").save(dir.path()).unwrap();
        assert_eq!(
            location_to_open_in(dir.path(), None).unwrap(),
            PathBuf::from("postgres://baoxiu:pw@192.168.1.10:5432/baoxiu")
        );
        assert_eq!(
            location_to_open_in(dir.path(), Some("/data/office.db")).unwrap(),
            PathBuf::from("/data/office.db")
        );
    }

    #[test]
    fn the_url_percent_encodes_user_password_and_database() {
        let c = Connection::Shared {
            host: " db.office.lan ".into(),
            port: 6543,
            database: "报修 台".into(),
            user: "wang@hq".into(),
            password: "p@ss:w/rd#%?密".into(),
        };
        let url = c.url().unwrap();
        assert_eq!(
            url,
            "postgres://wang%40hq:p%40ss%3Aw%2Frd%23%25%3F%E5%AF%86@db.office.lan:6543/%E6%8A%A5%E4%BF%AE%20%E5%8F%B0"
        );
        // The driver reads back exactly what was typed.
        let config: ::postgres::Config = url.parse().unwrap();
        assert_eq!(config.get_user(), Some("wang@hq"));
        assert_eq!(config.get_password(), Some("p@ss:w/rd#%?密".as_bytes()));
        assert_eq!(config.get_dbname(), Some("报修 台"));
        assert_eq!(config.get_ports(), &[6543]);
        // And messages never show the password.
        assert_eq!(
            shown(&url),
            "postgres://wang%40hq:***@db.office.lan:6543/%E6%8A%A5%E4%BF%AE%20%E5%8F%B0"
        );
        assert_eq!(Connection::Local.url(), None);
    }

    #[test]
    fn no_password_means_no_colon_and_ipv6_gets_brackets() {
        let c = Connection::Shared {
            host: "::1".into(),
            port: 5432,
            database: "baoxiu".into(),
            user: "postgres".into(),
            password: String::new(),
        };
        let url = c.url().unwrap();
        assert_eq!(url, "postgres://postgres@[::1]:5432/baoxiu");
        let config: ::postgres::Config = url.parse().unwrap();
        assert_eq!(config.get_password(), None);
        assert_eq!(config.get_ports(), &[5432]);
    }

    #[test]
    fn a_shared_choice_the_url_cannot_carry_is_refused_naming_the_field() {
        let with = |f: &dyn Fn(&mut Connection)| {
            let mut c = shared("pw");
            f(&mut c);
            c.check().unwrap_err().to_string()
        };
        let set = |field: &'static str, v: &'static str| {
            move |c: &mut Connection| {
                if let Connection::Shared {
                    host,
                    database,
                    user,
                    ..
                } = c
                {
                    match field {
                        "host" => *host = v.into(),
                        "database" => *database = v.into(),
                        _ => *user = v.into(),
                    }
                }
            }
        };
        assert!(with(&set("host", " ")).contains("服务器的地址"));
        assert!(with(&set("host", "evil.com/x?host=")).contains("服务器地址“evil.com/x?host=”不对"));
        assert!(with(&set("host", "a,b")).contains("不对"));
        assert!(with(&set("host", "a@b")).contains("不对"));
        assert!(with(&set("database", "")).contains("数据库名"));
        assert!(with(&set("user", " ")).contains("用户名"));
        assert!(with(&|c: &mut Connection| {
            if let Connection::Shared { port, .. } = c {
                *port = 0;
            }
        })
        .contains("端口"));
        assert!(shared("").check().is_ok());
        assert!(Connection::Local.check().is_ok());
        // A refused choice is not written.
        let dir = tempfile::tempdir().unwrap();
        let mut bad = shared("pw");
        set("host", "")(&mut bad);
        assert!(bad.save(dir.path()).is_err());
        assert!(!dir.path().join(FILE_NAME).exists());
    }

    #[test]
    fn an_empty_password_keeps_the_stored_one() {
        assert_eq!(shared("").keeping_password(&shared("old")), shared("old"));
        assert_eq!(
            shared("new").keeping_password(&shared("old")),
            shared("new")
        );
        assert_eq!(shared("").keeping_password(&Connection::Local), shared(""));
        assert_eq!(
            Connection::Local.keeping_password(&shared("old")),
            Connection::Local
        );
    }

    #[test]
    fn the_view_never_contains_the_password() {
        let dir = tempfile::tempdir().unwrap();
        let secret = "Zz9-very-secret";
        let v = shared(secret).view(dir.path());
        assert!(v.has_password);
        assert_eq!(v.backend, Backend::Shared);
        assert_eq!(v.backend_label, "共享数据库");
        assert_eq!(v.location, "postgres://baoxiu:***@192.168.1.10:5432/baoxiu");
        let json = serde_json::to_string(&v).unwrap();
        assert!(!json.contains(secret), "{json}");
        assert!(!json.contains("\"password\""), "{json}");

        let v = shared("").view(dir.path());
        assert!(!v.has_password);
        let v = Connection::Local.view(dir.path());
        assert_eq!(v.backend_label, "本机数据库");
        assert_eq!(v.port, 5432);
        assert_eq!(
            v.location,
            dir.path().join("baoxiu.db").display().to_string()
        );
    }

    #[test]
    fn testing_the_local_database_opens_it_and_counts_its_tickets() {
        let dir = tempfile::tempdir().unwrap();
        let line = test(&Connection::Local, dir.path()).unwrap();
        assert_eq!(
            line,
            format!(
                "连接成功：本机数据库 {}，还没有工单",
                dir.path().join("baoxiu.db").display()
            )
        );
    }

    #[test]
    fn testing_a_closed_port_returns_the_stores_chinese_refusal_with_the_address() {
        // A port nothing listens on: bind one, note it, close it.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let dir = tempfile::tempdir().unwrap();
        let c = Connection::Shared {
            host: "127.0.0.1".into(),
            port,
            database: "baoxiu".into(),
            user: "baoxiu".into(),
            password: "s3cret".into(),
        };
        let e = test(&c, dir.path()).unwrap_err();
        assert_eq!(e.code(), "database");
        let msg = e.to_string();
        assert_eq!(
            msg,
            format!(
                "无法连接共享数据库“postgres://baoxiu:***@127.0.0.1:{port}/baoxiu”：连接被拒绝：服务器没有运行，或端口不对"
            )
        );
        assert!(!msg.contains("s3cret"));
    }
}
