//! The shared office database on PostgreSQL: connecting (with a Chinese reason when the
//! server cannot be used), the schema steps in PostgreSQL's dialect, and the version
//! marker. Everything else goes through the same queries as SQLite (see `db.rs`).

use std::time::Duration;

use percent_encoding::percent_decode_str;
use postgres_native_tls::MakeTlsConnector;

use super::db::{Db, DbError};
use crate::error::{Error, Result, SqlContext};

/// Whether `--db` / `BAOXIU_DB` names a PostgreSQL database rather than a file.
pub fn is_url(location: &str) -> bool {
    let l = location.trim_start().to_ascii_lowercase();
    l.starts_with("postgres://") || l.starts_with("postgresql://")
}

/// `postgres://user:secret@host:5432/db` → `postgres://user:***@host:5432/db`, for messages.
pub fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme + 3],
                    &creds[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Connect, with a short connect timeout and a statement timeout fit for a desk.
/// Reconnects the same way when the server dropped the session between two commands.
pub fn connect(url: &str) -> Result<Db> {
    let target = config(url)?;
    let shown = redacted(url);
    Db::postgres(Box::new(move || {
        let mut client = target.open()?;
        client.batch_execute("SET statement_timeout = '60s'; SET lock_timeout = '15s'")?;
        Ok(client)
    }))
    .map_err(|e| match e {
        DbError::Postgres(_) | DbError::Unanswered { .. } => {
            Error::Database(format!("无法连接共享数据库“{shown}”：{}", reason(&e)))
        }
        other => Error::Sql {
            query: "connect",
            source: other,
        },
    })
}

/// Where to connect and how: the connection settings and the TLS they ask for. Made only
/// by [`config`], so the store and the live-desk listener always use the same TLS.
pub(crate) struct Target {
    pub(crate) config: postgres::Config,
    tls: MakeTlsConnector,
}

impl Target {
    /// One new session on the server, given up after the connect timeout plus 5 s for
    /// signing in: `connect_timeout` covers only the TCP connect, and a server that
    /// takes the connection but never answers (another program on the port, a stuck
    /// server) would otherwise keep the desk waiting for ever. The abandoned attempt's
    /// thread ends when the operating system gives up on the socket.
    pub(crate) fn open(&self) -> std::result::Result<postgres::Client, DbError> {
        let (config, tls) = (self.config.clone(), self.tls.clone());
        let limit = config
            .get_connect_timeout()
            .copied()
            .unwrap_or(Duration::from_secs(5))
            + Duration::from_secs(5);
        let (done, answer) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = done.send(config.connect(tls));
        });
        match answer.recv_timeout(limit) {
            Ok(r) => r.map_err(DbError::Postgres),
            Err(_) => Err(DbError::Unanswered {
                seconds: limit.as_secs(),
            }),
        }
    }
}

/// How much of the server's certificate is checked (libpq's `sslmode` meanings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// `prefer` / `require`: encrypted, but any certificate is accepted.
    Nothing,
    /// `verify-ca`, or `require` with `sslrootcert`: signed by a trusted authority.
    Authority,
    /// `verify-full`: signed by a trusted authority and issued for the host in the address.
    Full,
}

/// The connection settings in `url`, with a 5 s connect timeout unless it sets one, and
/// TLS as its `sslmode` asks: `prefer` (the default: encrypted when the server offers it),
/// `require` (encrypted or refused), `verify-ca` / `verify-full` (the certificate must be
/// trusted — the system's trusted authorities, or only the file named by `sslrootcert`),
/// `disable`. A Chinese reason when the address is malformed or the file unusable.
pub(crate) fn config(url: &str) -> Result<Target> {
    let shown = redacted(url);
    let (rest, check, root) = tls_options(url);
    let mut config: postgres::Config = rest.parse().map_err(|e| {
        Error::Database(format!(
            "数据库地址“{shown}”写法不对（{e}），应为 postgres://用户名:密码@主机:端口/数据库名，\
             加密连接在末尾加 ?sslmode=require（或 verify-full）"
        ))
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(5));
    }
    config.application_name("baoxiu");
    let check = match check {
        Some(check) => {
            config.ssl_mode(postgres::config::SslMode::Require);
            check
        }
        None if root.is_some() && config.get_ssl_mode() == postgres::config::SslMode::Require => {
            // libpq: `require` with a root certificate checks the authority.
            Check::Authority
        }
        None => Check::Nothing,
    };
    let mut builder = native_tls::TlsConnector::builder();
    builder
        .danger_accept_invalid_certs(check == Check::Nothing)
        .danger_accept_invalid_hostnames(check != Check::Full);
    if let Some(path) = &root {
        let pem = std::fs::read(path).map_err(|e| {
            Error::Database(format!(
                "读不到数据库地址里 sslrootcert 指定的证书文件“{path}”（{e}），请检查路径"
            ))
        })?;
        let certs = native_tls::Certificate::stack_from_pem(&pem)
            .ok()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| {
                Error::Database(format!(
                    "sslrootcert 指定的文件“{path}”不是 PEM 格式的证书（应以 -----BEGIN CERTIFICATE----- 开头），请向管理员要服务器的 CA 证书"
                ))
            })?;
        // Like libpq: the named file is the only authority trusted.
        builder.disable_built_in_roots(true);
        for cert in certs {
            builder.add_root_certificate(cert);
        }
    }
    let connector = builder.build().map_err(|e| {
        Error::Database(format!(
            "无法准备加密连接（{e}），请检查本机的 TLS/证书设置"
        ))
    })?;
    Ok(Target {
        config,
        tls: MakeTlsConnector::new(connector),
    })
}

/// `url` without the TLS keys the driver does not know (`sslmode=verify-ca|verify-full`,
/// `sslrootcert=`), the check they ask for, and the decoded root certificate path.
fn tls_options(url: &str) -> (String, Option<Check>, Option<String>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_string(), None, None);
    };
    let (mut check, mut root, mut kept) = (None, None, Vec::new());
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match (key, value) {
            ("sslmode", "verify-ca") => check = Some(Check::Authority),
            ("sslmode", "verify-full") => check = Some(Check::Full),
            ("sslrootcert", path) => {
                root = Some(percent_decode_str(path).decode_utf8_lossy().into_owned())
            }
            _ => kept.push(pair),
        }
    }
    let rest = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (rest, check, root)
}

/// Open one connection to `target` (`url` only names it in the message).
pub(crate) fn client(target: &Target, url: &str) -> Result<postgres::Client> {
    target.open().map_err(|e| {
        Error::Database(format!(
            "无法连接共享数据库“{}”：{}",
            redacted(url),
            reason(&e)
        ))
    })
}

/// Why a connection failed, in the words an office can act on.
pub(crate) fn reason(e: &DbError) -> String {
    match e {
        DbError::Postgres(e) => pg_reason(e),
        DbError::Unanswered { seconds } => format!(
            "服务器 {seconds} 秒内没有应答：这个端口上可能不是 PostgreSQL，或服务器卡住了；请检查端口并请管理员查看服务器"
        ),
        other => other.to_string(),
    }
}

/// [`reason`] for the driver's own errors.
pub(crate) fn pg_reason(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return match db.code().code() {
            "28P01" | "28000" => "用户名或密码不对，请检查后重试".into(),
            "3D000" => "数据库不存在，请先在服务器上创建它（见 README「多台电脑共用」）".into(),
            "53300" => "服务器连接数已满，请稍后再试或请管理员调大 max_connections".into(),
            _ => format!("服务器拒绝了连接（{}）", db.message()),
        };
    }
    let text = e.to_string();
    // The whole chain: a TLS failure's detail sits two sources down.
    let mut sources = Vec::new();
    let mut next = std::error::Error::source(e);
    while let Some(s) = next {
        let line = s.to_string();
        // OpenSSL repeats its message one level down; say it once.
        if !sources.iter().any(|seen: &String| seen.contains(&line)) {
            sources.push(line);
        }
        next = s.source();
    }
    let detail = sources.join(": ");
    let all = format!("{text} {detail}").to_lowercase();
    if all.contains("does not support tls") {
        "服务器没有开启加密连接：请管理员在服务器上开启 SSL（postgresql.conf 里 ssl = on），或在办公室内网去掉 sslmode".into()
    } else if all.contains("certificate") || all.contains("verify failed") {
        format!(
            "证书无法验证（{detail}）：服务器的证书不是受信任的机构签发的，或不是为地址里的主机名签发的；\
             请向管理员要服务器的 CA 证书，在地址末尾用 sslrootcert=证书文件路径 指定（或装进本机受信任的证书），\
             并用证书上的主机名连接"
        )
    } else if all.contains("tls") || all.contains("ssl") {
        format!("加密连接失败（{detail}）：请检查服务器的 SSL 设置和地址里的 sslmode")
    } else if all.contains("refused") {
        "连接被拒绝：服务器没有运行，或端口不对".into()
    } else if all.contains("timed out") || all.contains("timeout") {
        "连接超时：请检查服务器地址、网络和防火墙".into()
    } else if all.contains("lookup") || all.contains("resolve") || all.contains("name or service") {
        "找不到服务器：请检查主机名".into()
    } else {
        format!("{text}（请检查地址、网络和服务器）")
    }
}

/// The schema in PostgreSQL's dialect, step for step the same as [`MIGRATIONS`]
/// (a test checks both lists have the same length). Integers are BIGINT so that every
/// value reads back as i64 on both engines; flags stay 0/1 integers; names the desk sorts
/// by are `COLLATE "C"`, so lists come out in the same (code point) order as on SQLite
/// whatever locale the server's database was created with.
pub const PG_MIGRATIONS: &[&str] = &[
    // 1: the whole first schema and the zh-CN defaults a new office starts with.
    r#"
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

INSERT INTO settings (key, value) VALUES
    ('office_name', '物业服务中心'),
    ('hotline', ''),
    ('number_prefix', 'BX'),
    ('time_zone', 'Asia/Shanghai'),
    ('slip_layout', 'a4');

CREATE TABLE categories (
    id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name            TEXT COLLATE "C" NOT NULL UNIQUE,
    default_urgency TEXT NOT NULL CHECK (default_urgency IN ('emergency', 'normal', 'scheduled')),
    sort_order      BIGINT NOT NULL DEFAULT 0,
    active          BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

INSERT INTO categories (name, default_urgency, sort_order) VALUES
    ('水路', 'normal', 1),
    ('电路', 'normal', 2),
    ('燃气', 'emergency', 3),
    ('门窗锁具', 'normal', 4),
    ('墙地面', 'normal', 5),
    ('空调暖通', 'normal', 6),
    ('电梯', 'emergency', 7),
    ('消防', 'emergency', 8),
    ('弱电门禁', 'normal', 9),
    ('公共设施', 'normal', 10),
    ('其他', 'normal', 11);

CREATE TABLE sla_rules (
    id                 BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    category_id        BIGINT REFERENCES categories(id),
    urgency            TEXT NOT NULL CHECK (urgency IN ('emergency', 'normal', 'scheduled')),
    dispatch_minutes   BIGINT NOT NULL CHECK (dispatch_minutes > 0),
    arrival_minutes    BIGINT NOT NULL CHECK (arrival_minutes > 0),
    completion_minutes BIGINT NOT NULL CHECK (completion_minutes > 0),
    visit_minutes      BIGINT NOT NULL CHECK (visit_minutes > 0)
);
CREATE UNIQUE INDEX sla_rules_by_category_urgency ON sla_rules (coalesce(category_id, 0), urgency);

INSERT INTO sla_rules (category_id, urgency, dispatch_minutes, arrival_minutes, completion_minutes, visit_minutes) VALUES
    (NULL, 'emergency', 5, 30, 240, 2880),
    (NULL, 'normal', 30, 1440, 4320, 2880),
    (NULL, 'scheduled', 60, 30, 1440, 2880);

CREATE TABLE sites (
    id   BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL UNIQUE
);

CREATE TABLE units (
    id       BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    site_id  BIGINT NOT NULL REFERENCES sites(id),
    building TEXT COLLATE "C" NOT NULL DEFAULT '',
    unit     TEXT COLLATE "C" NOT NULL DEFAULT '',
    room     TEXT COLLATE "C" NOT NULL,
    UNIQUE (site_id, building, unit, room)
);
CREATE INDEX units_by_room ON units (room);

CREATE TABLE contacts (
    id      BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    unit_id BIGINT REFERENCES units(id),
    name    TEXT COLLATE "C" NOT NULL,
    UNIQUE (unit_id, name)
);

CREATE TABLE contact_phones (
    contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    phone      TEXT NOT NULL,
    last4      TEXT NOT NULL GENERATED ALWAYS AS (right(phone, 4)) STORED,
    PRIMARY KEY (contact_id, phone)
);
CREATE INDEX contact_phones_by_phone ON contact_phones (phone);
CREATE INDEX contact_phones_by_last4 ON contact_phones (last4);

CREATE TABLE technicians (
    id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name           TEXT COLLATE "C" NOT NULL UNIQUE,
    phone          TEXT NOT NULL DEFAULT '',
    team           TEXT NOT NULL DEFAULT '',
    daily_capacity BIGINT NOT NULL DEFAULT 8 CHECK (daily_capacity > 0),
    active         BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE technician_skills (
    technician_id BIGINT NOT NULL REFERENCES technicians(id) ON DELETE CASCADE,
    category_id   BIGINT NOT NULL REFERENCES categories(id),
    PRIMARY KEY (technician_id, category_id)
);

CREATE TABLE number_sequences (
    key  TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE tickets (
    id                BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL CHECK (kind IN ('repair', 'complaint', 'inquiry')),
    status            TEXT NOT NULL CHECK (status IN ('received', 'assigned', 'in_progress', 'on_hold', 'completed', 'closed', 'cancelled')),
    channel           TEXT NOT NULL CHECK (channel IN ('phone', 'walk_in', 'wechat', 'app', 'sms', 'inspection')),
    reporter          TEXT NOT NULL,
    phone             TEXT NOT NULL,
    site_id           BIGINT REFERENCES sites(id),
    unit_id           BIGINT REFERENCES units(id),
    location          TEXT,
    scope             TEXT NOT NULL CHECK (scope IN ('in_home', 'public_area')),
    category_id       BIGINT NOT NULL REFERENCES categories(id),
    urgency           TEXT NOT NULL CHECK (urgency IN ('emergency', 'normal', 'scheduled')),
    appointment_at    BIGINT,
    description       TEXT NOT NULL,
    received_at       BIGINT NOT NULL,
    assignee_id       BIGINT REFERENCES technicians(id),
    dispatched_at     BIGINT,
    assigned_at       BIGINT,
    arrived_at        BIGINT,
    completed_at      BIGINT,
    visited_at        BIGINT,
    closed_at         BIGINT,
    cancelled_at      BIGINT,
    hold_reason       TEXT,
    hold_started_at   BIGINT,
    held_minutes      BIGINT NOT NULL DEFAULT 0 CHECK (held_minutes >= 0),
    cause             TEXT,
    measures          TEXT,
    labour_minutes    BIGINT NOT NULL DEFAULT 0 CHECK (labour_minutes >= 0),
    paid              BIGINT NOT NULL DEFAULT 0 CHECK (paid IN (0, 1)),
    fee_fen           BIGINT NOT NULL DEFAULT 0 CHECK (fee_fen >= 0),
    payment_method    TEXT,
    owner_signed      BIGINT NOT NULL DEFAULT 0 CHECK (owner_signed IN (0, 1)),
    satisfaction      TEXT CHECK (satisfaction IN ('very_satisfied', 'satisfied', 'neutral', 'dissatisfied')),
    visit_note        TEXT,
    rework_count      BIGINT NOT NULL DEFAULT 0 CHECK (rework_count >= 0),
    duplicate_of_id   BIGINT REFERENCES tickets(id),
    cancel_reason     TEXT,
    print_count       BIGINT NOT NULL DEFAULT 0,
    remind_count      BIGINT NOT NULL DEFAULT 0,
    dispatch_due      BIGINT,
    arrival_due       BIGINT,
    completion_due    BIGINT,
    visit_due         BIGINT,
    status_changed_at BIGINT NOT NULL,
    search_text       TEXT NOT NULL
);
CREATE INDEX tickets_by_received ON tickets (received_at);
CREATE INDEX tickets_by_status_received ON tickets (status, received_at);
CREATE INDEX tickets_by_assignee_status ON tickets (assignee_id, status);
CREATE INDEX tickets_by_unit_category ON tickets (unit_id, category_id, received_at);
CREATE INDEX tickets_by_category_received ON tickets (category_id, received_at);
CREATE INDEX tickets_by_completed ON tickets (completed_at);

CREATE TABLE ticket_materials (
    id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    ticket_id      BIGINT NOT NULL REFERENCES tickets(id),
    position       BIGINT NOT NULL,
    name           TEXT NOT NULL,
    spec           TEXT NOT NULL DEFAULT '',
    quantity       DOUBLE PRECISION NOT NULL CHECK (quantity > 0),
    unit_price_fen BIGINT NOT NULL CHECK (unit_price_fen >= 0),
    amount_fen     BIGINT NOT NULL CHECK (amount_fen >= 0),
    UNIQUE (ticket_id, position)
);

CREATE TABLE ticket_events (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    ticket_id   BIGINT NOT NULL REFERENCES tickets(id),
    at          BIGINT NOT NULL,
    operator    TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT,
    note        TEXT
);
CREATE INDEX ticket_events_by_ticket ON ticket_events (ticket_id, id);
CREATE INDEX ticket_events_by_action_at ON ticket_events (action, at);

CREATE TABLE attachments (
    id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    ticket_id  BIGINT NOT NULL REFERENCES tickets(id),
    kind       TEXT NOT NULL CHECK (kind IN ('fault_photo', 'signed_slip', 'other')),
    sha256     TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    byte_size  BIGINT NOT NULL,
    added_at   BIGINT NOT NULL,
    operator   TEXT NOT NULL,
    UNIQUE (ticket_id, sha256)
);
"#,
    // 2: the keyword search index: every character and every pair of neighbouring
    // characters of the search text (position-free, no text-search parser, so no locale
    // or punctuation rules), in a GIN index. A word's pairs all present narrows the
    // tickets; the LIKE on search_text still decides.
    r#"
CREATE FUNCTION baoxiu_search_grams(s TEXT) RETURNS TEXT[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(s, i, n)), '{}')
      FROM generate_series(1, length(s)) AS i, (VALUES (1), (2)) AS g(n)
     WHERE i + n - 1 <= length(s)
$$;
CREATE INDEX tickets_by_search_grams ON tickets USING gin (baoxiu_search_grams(search_text));
"#,
    // 3: operator accounts (argon2id hashes, lock-out counters) and the 操作日志 of
    // every change that is not a ticket step (those are ticket_events).
    r#"
CREATE TABLE accounts (
    id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('desk', 'engineer', 'supervisor', 'admin')),
    password_hash TEXT NOT NULL,
    active        BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until  BIGINT,
    created_at    BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id      BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at      BIGINT NOT NULL,
    account TEXT NOT NULL,
    kind    TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL
);
CREATE INDEX audit_log_by_at ON audit_log (at);
CREATE INDEX audit_log_by_account_at ON audit_log (account, at);
CREATE INDEX ticket_events_by_at ON ticket_events (at);
CREATE INDEX ticket_events_by_operator_at ON ticket_events (operator, at);
"#,
    // 4: the month report's "status at month end" (store/reports.rs): tickets received
    // before a month ended whose status changed since, found without walking every
    // event written after the month (which made old months take seconds).
    r#"
CREATE INDEX tickets_by_status_changed_received ON tickets (status_changed_at, received_at);
"#,
    // 5: attachment files kept in the database itself, for a shared (PostgreSQL) office:
    // a photo attached on one PC opens on every other. A SQLite office keeps its files in
    // the folder beside the database and leaves this table empty.
    r#"
CREATE TABLE attachment_files (
    sha256 TEXT PRIMARY KEY,
    bytes  BYTEA NOT NULL
);
"#,
    // 6: 公区位置 — each 小区's list of public locations (see the SQLite step).
    r#"
CREATE TABLE site_locations (
    id      BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites (id),
    name    TEXT COLLATE "C" NOT NULL,
    UNIQUE (site_id, name)
);

-- 班组长 (see the SQLite step).
ALTER TABLE technicians ADD COLUMN team_lead BIGINT NOT NULL DEFAULT 0 CHECK (team_lead IN (0, 1));
"#,
    // 7: 报事 (投诉/咨询) closed by 办结 without a technician — its 处理结果, the 责任部门
    // it was handed to, when it was done — and complaint categories beside the repair
    // ones (其他 serves every kind). An office's own category of the same name is kept.
    r#"
ALTER TABLE tickets ADD COLUMN resolution TEXT;
ALTER TABLE tickets ADD COLUMN dept TEXT;
ALTER TABLE tickets ADD COLUMN resolved_at BIGINT;
ALTER TABLE categories ADD COLUMN kind TEXT NOT NULL DEFAULT 'repair'
    CHECK (kind IN ('repair', 'complaint', 'general'));
UPDATE categories SET kind = 'general' WHERE name = '其他';
INSERT INTO categories (name, default_urgency, sort_order, kind)
SELECT v.name, 'normal', (SELECT coalesce(max(sort_order), 0) FROM categories) + v.n,
       'complaint'
  FROM (VALUES ('服务态度', 1), ('保洁', 2), ('秩序', 3), ('绿化', 4), ('收费', 5), ('噪音', 6))
       AS v(name, n)
ON CONFLICT (name) DO NOTHING;
"#,
    // 8: 收费标准 (see the SQLite step).
    r#"
CREATE TABLE price_items (
    id        BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name      TEXT COLLATE "C" NOT NULL UNIQUE,
    unit      TEXT NOT NULL,
    price_fen BIGINT NOT NULL CHECK (price_fen >= 0),
    active    BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
"#,
    // 9: 返修 keeps history — one row per 完工 round with its own cause, measures,
    // labour, fee and 有偿, the round's materials (a position range of ticket_materials)
    // and the 回访 that followed it (回访方式, 维修质量, 服务态度); and 回访未果 attempts.
    // Every ticket completed before this step gets round 1 from its own columns (the
    // totals of any earlier reworks included: their split was not kept).
    r#"
CREATE TABLE completion_rounds (
    id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    ticket_id       BIGINT NOT NULL REFERENCES tickets(id),
    round           BIGINT NOT NULL CHECK (round >= 1),
    completed_at    BIGINT NOT NULL,
    operator        TEXT NOT NULL,
    cause           TEXT NOT NULL,
    measures        TEXT NOT NULL,
    materials_from  BIGINT NOT NULL CHECK (materials_from >= 1),
    materials_count BIGINT NOT NULL CHECK (materials_count >= 0),
    labour_minutes  BIGINT NOT NULL CHECK (labour_minutes >= 0),
    paid            BIGINT NOT NULL CHECK (paid IN (0, 1)),
    fee_fen         BIGINT NOT NULL CHECK (fee_fen >= 0),
    payment_method  TEXT,
    owner_signed    BIGINT NOT NULL CHECK (owner_signed IN (0, 1)),
    visited_at      BIGINT,
    visit_method    TEXT CHECK (visit_method IN ('phone', 'visit', 'wechat')),
    quality         TEXT CHECK (quality IN ('very_satisfied', 'satisfied', 'neutral', 'dissatisfied')),
    attitude        TEXT CHECK (attitude IN ('very_satisfied', 'satisfied', 'neutral', 'dissatisfied')),
    satisfaction    TEXT CHECK (satisfaction IN ('very_satisfied', 'satisfied', 'neutral', 'dissatisfied')),
    visit_note      TEXT,
    UNIQUE (ticket_id, round)
);
CREATE INDEX completion_rounds_by_completed ON completion_rounds (completed_at);

INSERT INTO completion_rounds (ticket_id, round, completed_at, operator, cause, measures,
    materials_from, materials_count, labour_minutes, paid, fee_fen, payment_method,
    owner_signed, visited_at, visit_method, satisfaction, visit_note)
SELECT t.id, 1, coalesce(t.completed_at, e.at, t.status_changed_at), coalesce(e.operator, ''),
    coalesce(t.cause, ''), coalesce(t.measures, ''), 1,
    (SELECT CAST(count(*) AS BIGINT) FROM ticket_materials m WHERE m.ticket_id = t.id),
    t.labour_minutes, t.paid, t.fee_fen, t.payment_method, t.owner_signed,
    t.visited_at, CASE WHEN t.visited_at IS NOT NULL THEN 'phone' END, t.satisfaction,
    t.visit_note
  FROM tickets t
  LEFT JOIN ticket_events e ON e.id = (
    SELECT max(x.id) FROM ticket_events x WHERE x.ticket_id = t.id AND x.action = 'complete')
 WHERE t.completed_at IS NOT NULL OR t.cause IS NOT NULL;

CREATE TABLE visit_attempts (
    id        BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets(id),
    at        BIGINT NOT NULL,
    result    TEXT NOT NULL CHECK (result IN ('no_answer', 'refused', 'wrong_number')),
    note      TEXT,
    operator  TEXT NOT NULL
);
CREATE INDEX visit_attempts_by_ticket ON visit_attempts (ticket_id, id);
CREATE INDEX visit_attempts_by_at ON visit_attempts (at);
"#,
    // 10: 发生时间, 指定师傅 and 报价 (see the SQLite step).
    r#"
ALTER TABLE tickets ADD COLUMN occurred_at BIGINT;
ALTER TABLE tickets ADD COLUMN requested_technician TEXT;
CREATE TABLE quotes (
    id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    ticket_id  BIGINT NOT NULL REFERENCES tickets (id),
    at         BIGINT NOT NULL,
    items      TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    consent    BIGINT NOT NULL CHECK (consent IN (0, 1)),
    operator   TEXT NOT NULL
);
CREATE INDEX quotes_by_ticket ON quotes (ticket_id);
"#,
    // 11: the keyword index also holds every 3-character piece, so a longer word (a
    // phone suffix, a house number) asks for a few rare grams instead of many common
    // pairs (store/search.rs). Same function name, so the index expression is unchanged.
    r#"
CREATE OR REPLACE FUNCTION baoxiu_search_grams(s TEXT) RETURNS TEXT[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(s, i, n)), '{}')
      FROM generate_series(1, length(s)) AS i, (VALUES (1), (2), (3)) AS g(n)
     WHERE i + n - 1 <= length(s)
$$;
REINDEX INDEX tickets_by_search_grams;
"#,
    // 12, 13 and 14: the same text as SQLite's (see there).
    super::migrations::STEP_12,
    super::migrations::STEP_13,
    super::migrations::STEP_14,
    // 15: see PG_STEP_15.
    super::migrations::PG_STEP_15,
];

/// The marker and version table: `baoxiu_schema` says the database is ours and how many
/// steps have run (PostgreSQL has no `application_id`/`user_version`).
const MARKER: &str = "baoxiu_schema";

/// Apply pending steps in one transaction, under an advisory lock so two PCs opening a
/// new database at once do not both create it. Refuses a database that is not ours or
/// is from a newer version.
pub fn migrate(db: &Db, shown: &str) -> Result<()> {
    let tx = db.begin().sql("begin migration")?;
    tx.batch("SELECT pg_advisory_xact_lock(4779346225)")
        .sql("migration lock")?;
    let ours: bool = tx
        .query_one(
            "SELECT count(*) FROM information_schema.tables
              WHERE table_schema = current_schema() AND table_name = ?1",
            &[&MARKER],
        )
        .and_then(|r| r.get::<i64>(0))
        .sql("find schema marker")?
        > 0;
    let tables: i64 = tx
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()",
            &[],
        )
        .and_then(|r| r.get(0))
        .sql("count tables")?;
    let version: i64 = if ours {
        tx.query_one(&format!("SELECT version FROM {MARKER}"), &[])
            .and_then(|r| r.get(0))
            .sql("schema version")?
    } else if tables > 0 {
        return Err(Error::Database(format!(
            "数据库“{shown}”里已有其他程序的表，不是报修台数据库；请为报修台新建一个空数据库"
        )));
    } else {
        tx.batch(&format!(
            "CREATE TABLE {MARKER} (version BIGINT NOT NULL); INSERT INTO {MARKER} VALUES (0)"
        ))
        .sql("create schema marker")?;
        0
    };
    if version > PG_MIGRATIONS.len() as i64 {
        return Err(Error::Database(format!(
            "数据库“{shown}”来自更新版本的报修台（版本 {version}），请升级本程序后再打开"
        )));
    }
    for (i, step) in PG_MIGRATIONS
        .iter()
        .enumerate()
        .skip(version.max(0) as usize)
    {
        tracing::info!(engine = "postgres", step = i + 1, "migration");
        tx.batch(step).sql("migration")?;
    }
    if (version.max(0) as usize) < PG_MIGRATIONS.len() {
        // A new step can change what a month's figures read: kept months are computed
        // again.
        tx.batch("DELETE FROM month_summaries")
            .sql("forget kept months")?;
    }
    tx.execute(
        &format!("UPDATE {MARKER} SET version = ?1"),
        &[&(PG_MIGRATIONS.len() as i64)],
    )
    .sql("schema version")?;
    tx.commit().sql("commit migration")
}

/// Every table of the schema with its rows, for tests that prove a refusal changed
/// nothing (the PostgreSQL twin of the SQLite dump).
pub fn dump(db: &Db) -> std::result::Result<String, DbError> {
    let mut out = String::new();
    let tables = db.query(
        "SELECT table_name FROM information_schema.tables
          WHERE table_schema = current_schema() ORDER BY table_name",
        &[],
    )?;
    for t in tables {
        let name: String = t.get(0)?;
        out.push_str(&name);
        out.push('\n');
        for r in db.query(&format!("SELECT * FROM \"{name}\" ORDER BY 1"), &[])? {
            let vals: Vec<String> = r.values().iter().map(|v| format!("{v:?}")).collect();
            out.push_str(&vals.join("|"));
            out.push('\n');
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::migrations::MIGRATIONS;
    use super::*;

    #[test]
    fn both_engines_have_the_same_number_of_steps() {
        assert_eq!(PG_MIGRATIONS.len(), MIGRATIONS.len());
    }

    #[test]
    fn urls_are_recognised_and_passwords_never_shown() {
        assert!(is_url("postgres://a@b/c") && is_url("PostgreSQL://a@b/c"));
        assert!(!is_url("/home/x/baoxiu.db") && !is_url("postgres.db"));
        assert_eq!(
            redacted("postgres://desk:s3cret@10.0.0.5:5432/office"),
            "postgres://desk:***@10.0.0.5:5432/office"
        );
        assert_eq!(redacted("postgres://desk@h/o"), "postgres://desk@h/o");
    }

    #[test]
    fn tls_keys_the_driver_does_not_know_are_taken_out_of_the_address() {
        assert_eq!(
            tls_options("postgres://a@h/o"),
            ("postgres://a@h/o".to_string(), None, None)
        );
        assert_eq!(
            tls_options("postgres://a@h/o?sslmode=verify-full&sslrootcert=C%3A%5Cca.crt"),
            (
                "postgres://a@h/o".to_string(),
                Some(Check::Full),
                Some("C:\\ca.crt".to_string())
            )
        );
        assert_eq!(
            tls_options("postgres://a@h/o?connect_timeout=3&sslmode=verify-ca"),
            (
                "postgres://a@h/o?connect_timeout=3".to_string(),
                Some(Check::Authority),
                None
            )
        );
        assert_eq!(
            tls_options("postgres://a@h/o?sslmode=require").0,
            "postgres://a@h/o?sslmode=require"
        );
    }

    #[test]
    fn every_sslmode_is_accepted_and_a_missing_root_certificate_is_named() {
        for mode in ["disable", "prefer", "require", "verify-ca", "verify-full"] {
            let url = format!("postgres://a@h/o?sslmode={mode}");
            assert!(config(&url).is_ok(), "{mode}");
        }
        let Err(e) = config("postgres://a@h/o?sslmode=verify-full&sslrootcert=/no/such/ca.crt")
        else {
            panic!("a missing sslrootcert file was accepted");
        };
        let text = e.to_string();
        assert!(
            text.contains("/no/such/ca.crt") && text.contains("sslrootcert"),
            "{text}"
        );
    }
}
