//! Schema steps, in order. The database's `user_version` says how many have run; all
//! pending steps run in one transaction at open. A shipped step is never edited: a
//! change is a new step at the end.

/// Step 12, the same text on both engines: the month's milestone events by action and
/// time carry their ticket, so finding the tickets a month touches reads the index alone
/// (issue 12: 51 → 20 ms at a million tickets).
pub(crate) const STEP_12: &str = r#"
CREATE INDEX ticket_events_by_action_at_ticket ON ticket_events (action, at, ticket_id);
DROP INDEX ticket_events_by_action_at;
"#;

/// Step 13, the same text on both engines: a 回访's rating is data on its event (the
/// month report counted earlier visits by their note's first words, so renaming a label
/// would have changed past months). Backfilled from those words, and for each ticket's
/// latest visit from its own rating.
pub(crate) const STEP_13: &str = r#"
ALTER TABLE ticket_events ADD COLUMN satisfaction TEXT
    CHECK (satisfaction IN ('very_satisfied', 'satisfied', 'neutral', 'dissatisfied'));
UPDATE ticket_events SET satisfaction = CASE
        WHEN note LIKE '非常满意%' THEN 'very_satisfied'
        WHEN note LIKE '满意%' THEN 'satisfied'
        WHEN note LIKE '一般%' THEN 'neutral'
        WHEN note LIKE '不满意%' THEN 'dissatisfied' END
 WHERE action = 'visit';
UPDATE ticket_events SET satisfaction =
        (SELECT t.satisfaction FROM tickets t WHERE t.id = ticket_events.ticket_id)
 WHERE action = 'visit' AND EXISTS (
        SELECT 1 FROM tickets t WHERE t.id = ticket_events.ticket_id
           AND t.visited_at = ticket_events.at AND t.satisfaction IS NOT NULL);
"#;

/// Step 14, the same text on both engines: the 工单 list's everyday filters and the
/// number sort read one page from an index instead of every ticket (issue 12, at a
/// million tickets: 小区 0.39 s, 维修人员 0.57 s, 类型 0.76 s, sort by number 2.8 s); the
/// sort by 紧急程度 reads the urgency index instead of every ticket's row.
pub(crate) const STEP_14: &str = r#"
CREATE INDEX tickets_by_site_received ON tickets (site_id, received_at);
CREATE INDEX tickets_by_assignee_received ON tickets (assignee_id, received_at);
CREATE INDEX tickets_by_kind_received ON tickets (kind, received_at);
CREATE INDEX tickets_by_urgency_received ON tickets (urgency, received_at);
CREATE INDEX tickets_by_number_length ON tickets (length(number), number);
"#;

/// Step 15: 月度汇总 kept for months that have ended (issue 12: the summary of a month at a
/// million tickets reads ~100k rows; a kept one is one row). `made_by` is the build whose
/// figures it holds, `claim` the reader computing it (`summary` is NULL until it is
/// kept; see `store/month_summaries.rs`). Every change to a ticket or to a row of its
/// (events, rounds, materials, 回访未果) drops the kept months that end after the ticket
/// was received: those are the months whose figures can involve it (its own month, the
/// months it was still open at, the months whose 90 days of 重复报修 reach back to it,
/// and the later rework or visit a past month's rates count). A change to what the
/// report reads of a category (name, order), a 小区 or technician (name) or a unit (its
/// place), or to an SLA rule, drops them all; re-saving a row unchanged (the upserts of
/// registering a ticket) drops nothing. The triggers are in the database, so no write path
/// (imports, migrations, another PC's older build) can leave a stale month behind.
pub(crate) const STEP_15: &str = r#"
CREATE TABLE month_summaries (
    start_at  INTEGER NOT NULL,
    end_at    INTEGER NOT NULL,
    made_by   TEXT NOT NULL,
    claim     INTEGER NOT NULL,
    summary   TEXT,
    in_ledger INTEGER,
    PRIMARY KEY (start_at, end_at)
) STRICT;

CREATE TRIGGER tickets_insert_stales_months AFTER INSERT ON tickets BEGIN
    DELETE FROM month_summaries WHERE end_at > NEW.received_at;
END;
CREATE TRIGGER tickets_update_stales_months AFTER UPDATE ON tickets BEGIN
    DELETE FROM month_summaries WHERE end_at > min(OLD.received_at, NEW.received_at);
END;
CREATE TRIGGER tickets_delete_stales_months AFTER DELETE ON tickets BEGIN
    DELETE FROM month_summaries WHERE end_at > OLD.received_at;
END;

CREATE TRIGGER ticket_events_insert_stales_months AFTER INSERT ON ticket_events BEGIN
    DELETE FROM month_summaries WHERE end_at > coalesce((SELECT received_at FROM tickets WHERE id = NEW.ticket_id), -9223372036854775807);
END;
CREATE TRIGGER ticket_events_update_stales_months AFTER UPDATE ON ticket_events BEGIN
    DELETE FROM month_summaries WHERE end_at > min(coalesce((SELECT received_at FROM tickets WHERE id = OLD.ticket_id), -9223372036854775807), coalesce((SELECT received_at FROM tickets WHERE id = NEW.ticket_id), -9223372036854775807));
END;
CREATE TRIGGER ticket_events_delete_stales_months AFTER DELETE ON ticket_events BEGIN
    DELETE FROM month_summaries WHERE end_at > coalesce((SELECT received_at FROM tickets WHERE id = OLD.ticket_id), -9223372036854775807);
END;

CREATE TRIGGER completion_rounds_insert_stales_months AFTER INSERT ON completion_rounds BEGIN
    DELETE FROM month_summaries WHERE end_at > coalesce((SELECT received_at FROM tickets WHERE id = NEW.ticket_id), -9223372036854775807);
END;
CREATE TRIGGER completion_rounds_update_stales_months AFTER UPDATE ON completion_rounds BEGIN
    DELETE FROM month_summaries WHERE end_at > min(coalesce((SELECT received_at FROM tickets WHERE id = OLD.ticket_id), -9223372036854775807), coalesce((SELECT received_at FROM tickets WHERE id = NEW.ticket_id), -9223372036854775807));
END;
CREATE TRIGGER completion_rounds_delete_stales_months AFTER DELETE ON completion_rounds BEGIN
    DELETE FROM month_summaries WHERE end_at > coalesce((SELECT received_at FROM tickets WHERE id = OLD.ticket_id), -9223372036854775807);
END;

CREATE TRIGGER ticket_materials_insert_stales_months AFTER INSERT ON ticket_materials BEGIN
    DELETE FROM month_summaries WHERE end_at > coalesce((SELECT received_at FROM tickets WHERE id = NEW.ticket_id), -9223372036854775807);
END;
CREATE TRIGGER ticket_materials_update_stales_months AFTER UPDATE ON ticket_materials BEGIN
    DELETE FROM month_summaries WHERE end_at > min(coalesce((SELECT received_at FROM tickets WHERE id = OLD.ticket_id), -9223372036854775807), coalesce((SELECT received_at FROM tickets WHERE id = NEW.ticket_id), -9223372036854775807));
END;
CREATE TRIGGER ticket_materials_delete_stales_months AFTER DELETE ON ticket_materials BEGIN
    DELETE FROM month_summaries WHERE end_at > coalesce((SELECT received_at FROM tickets WHERE id = OLD.ticket_id), -9223372036854775807);
END;

CREATE TRIGGER visit_attempts_insert_stales_months AFTER INSERT ON visit_attempts BEGIN
    DELETE FROM month_summaries WHERE end_at > coalesce((SELECT received_at FROM tickets WHERE id = NEW.ticket_id), -9223372036854775807);
END;
CREATE TRIGGER visit_attempts_update_stales_months AFTER UPDATE ON visit_attempts BEGIN
    DELETE FROM month_summaries WHERE end_at > min(coalesce((SELECT received_at FROM tickets WHERE id = OLD.ticket_id), -9223372036854775807), coalesce((SELECT received_at FROM tickets WHERE id = NEW.ticket_id), -9223372036854775807));
END;
CREATE TRIGGER visit_attempts_delete_stales_months AFTER DELETE ON visit_attempts BEGIN
    DELETE FROM month_summaries WHERE end_at > coalesce((SELECT received_at FROM tickets WHERE id = OLD.ticket_id), -9223372036854775807);
END;

CREATE TRIGGER sla_rules_insert_stales_months AFTER INSERT ON sla_rules BEGIN
    DELETE FROM month_summaries;
END;

CREATE TRIGGER sla_rules_update_stales_months AFTER UPDATE ON sla_rules BEGIN
    DELETE FROM month_summaries;
END;

CREATE TRIGGER sla_rules_delete_stales_months AFTER DELETE ON sla_rules BEGIN
    DELETE FROM month_summaries;
END;

CREATE TRIGGER categories_update_stales_months AFTER UPDATE ON categories
    WHEN OLD.name IS NOT NEW.name OR OLD.sort_order IS NOT NEW.sort_order BEGIN
    DELETE FROM month_summaries;
END;

CREATE TRIGGER categories_delete_stales_months AFTER DELETE ON categories BEGIN
    DELETE FROM month_summaries;
END;

CREATE TRIGGER sites_update_stales_months AFTER UPDATE ON sites
    WHEN OLD.name IS NOT NEW.name BEGIN
    DELETE FROM month_summaries;
END;

CREATE TRIGGER sites_delete_stales_months AFTER DELETE ON sites BEGIN
    DELETE FROM month_summaries;
END;

CREATE TRIGGER units_update_stales_months AFTER UPDATE ON units
    WHEN OLD.site_id IS NOT NEW.site_id OR OLD.building IS NOT NEW.building
      OR OLD.unit IS NOT NEW.unit OR OLD.room IS NOT NEW.room BEGIN
    DELETE FROM month_summaries;
END;

CREATE TRIGGER units_delete_stales_months AFTER DELETE ON units BEGIN
    DELETE FROM month_summaries;
END;

CREATE TRIGGER technicians_update_stales_months AFTER UPDATE ON technicians
    WHEN OLD.name IS NOT NEW.name BEGIN
    DELETE FROM month_summaries;
END;

CREATE TRIGGER technicians_delete_stales_months AFTER DELETE ON technicians BEGIN
    DELETE FROM month_summaries;
END;
"#;

/// Step 15 on PostgreSQL: the same table and rules, as trigger functions; every change
/// takes a shared advisory lock until its commit, so a reader that starts computing a
/// month (an exclusive moment on that lock) has seen every change committed before it,
/// and every later change drops its claim.
pub(crate) const PG_STEP_15: &str = r#"
CREATE TABLE month_summaries (
    start_at  BIGINT NOT NULL,
    end_at    BIGINT NOT NULL,
    made_by   TEXT NOT NULL,
    claim     BIGINT NOT NULL,
    summary   TEXT,
    in_ledger BIGINT,
    PRIMARY KEY (start_at, end_at)
);
CREATE FUNCTION month_summaries_stale_after(since BIGINT) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(4779346226);
    DELETE FROM month_summaries WHERE since IS NULL OR end_at > since;
END $$;
CREATE FUNCTION tickets_stale_months() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM month_summaries_stale_after(NEW.received_at);
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM month_summaries_stale_after(least(OLD.received_at, NEW.received_at));
    ELSE
        PERFORM month_summaries_stale_after(OLD.received_at);
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION ticket_rows_stale_months() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM month_summaries_stale_after(
            (SELECT received_at FROM tickets WHERE id = NEW.ticket_id));
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM month_summaries_stale_after(
            (SELECT received_at FROM tickets WHERE id = OLD.ticket_id));
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION office_stales_months() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM month_summaries_stale_after(NULL);
    RETURN NULL;
END $$;
CREATE TRIGGER tickets_stale_months AFTER INSERT OR UPDATE OR DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_stale_months();
CREATE TRIGGER ticket_events_stale_months AFTER INSERT OR UPDATE OR DELETE ON ticket_events
    FOR EACH ROW EXECUTE FUNCTION ticket_rows_stale_months();
CREATE TRIGGER completion_rounds_stale_months AFTER INSERT OR UPDATE OR DELETE ON completion_rounds
    FOR EACH ROW EXECUTE FUNCTION ticket_rows_stale_months();
CREATE TRIGGER ticket_materials_stale_months AFTER INSERT OR UPDATE OR DELETE ON ticket_materials
    FOR EACH ROW EXECUTE FUNCTION ticket_rows_stale_months();
CREATE TRIGGER visit_attempts_stale_months AFTER INSERT OR UPDATE OR DELETE ON visit_attempts
    FOR EACH ROW EXECUTE FUNCTION ticket_rows_stale_months();
CREATE TRIGGER sla_rules_stale_months AFTER INSERT OR UPDATE OR DELETE ON sla_rules
    FOR EACH STATEMENT EXECUTE FUNCTION office_stales_months();
CREATE TRIGGER categories_update_stales_months AFTER UPDATE ON categories
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name
        OR OLD.sort_order IS DISTINCT FROM NEW.sort_order)
    EXECUTE FUNCTION office_stales_months();
CREATE TRIGGER categories_delete_stales_months AFTER DELETE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION office_stales_months();
CREATE TRIGGER sites_update_stales_months AFTER UPDATE ON sites
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION office_stales_months();
CREATE TRIGGER sites_delete_stales_months AFTER DELETE ON sites
    FOR EACH STATEMENT EXECUTE FUNCTION office_stales_months();
CREATE TRIGGER units_update_stales_months AFTER UPDATE ON units
    FOR EACH ROW WHEN (OLD.site_id IS DISTINCT FROM NEW.site_id
        OR OLD.building IS DISTINCT FROM NEW.building
        OR OLD.unit IS DISTINCT FROM NEW.unit OR OLD.room IS DISTINCT FROM NEW.room)
    EXECUTE FUNCTION office_stales_months();
CREATE TRIGGER units_delete_stales_months AFTER DELETE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION office_stales_months();
CREATE TRIGGER technicians_update_stales_months AFTER UPDATE ON technicians
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION office_stales_months();
CREATE TRIGGER technicians_delete_stales_months AFTER DELETE ON technicians
    FOR EACH STATEMENT EXECUTE FUNCTION office_stales_months();
"#;

pub const MIGRATIONS: &[&str] = &[
    // 1: the whole first schema and the zh-CN defaults a new office starts with.
    r#"
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

INSERT INTO settings (key, value) VALUES
    ('office_name', '物业服务中心'),
    ('hotline', ''),
    ('number_prefix', 'BX'),
    ('time_zone', 'Asia/Shanghai'),
    ('slip_layout', 'a4');

CREATE TABLE categories (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    default_urgency TEXT NOT NULL CHECK (default_urgency IN ('emergency', 'normal', 'scheduled')),
    sort_order      INTEGER NOT NULL DEFAULT 0,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

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

-- Minutes per stage; a row with a category overrides the general row for that urgency.
CREATE TABLE sla_rules (
    id                 INTEGER PRIMARY KEY,
    category_id        INTEGER REFERENCES categories(id),
    urgency            TEXT NOT NULL CHECK (urgency IN ('emergency', 'normal', 'scheduled')),
    dispatch_minutes   INTEGER NOT NULL CHECK (dispatch_minutes > 0),
    arrival_minutes    INTEGER NOT NULL CHECK (arrival_minutes > 0),
    completion_minutes INTEGER NOT NULL CHECK (completion_minutes > 0),
    visit_minutes      INTEGER NOT NULL CHECK (visit_minutes > 0)
) STRICT;
CREATE UNIQUE INDEX sla_rules_by_category_urgency ON sla_rules (ifnull(category_id, 0), urgency);

INSERT INTO sla_rules (category_id, urgency, dispatch_minutes, arrival_minutes, completion_minutes, visit_minutes) VALUES
    (NULL, 'emergency', 5, 30, 240, 2880),
    (NULL, 'normal', 30, 1440, 4320, 2880),
    (NULL, 'scheduled', 60, 30, 1440, 2880);

CREATE TABLE sites (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE units (
    id       INTEGER PRIMARY KEY,
    site_id  INTEGER NOT NULL REFERENCES sites(id),
    building TEXT NOT NULL DEFAULT '',
    unit     TEXT NOT NULL DEFAULT '',
    room     TEXT NOT NULL,
    UNIQUE (site_id, building, unit, room)
) STRICT;
CREATE INDEX units_by_room ON units (room);

CREATE TABLE contacts (
    id      INTEGER PRIMARY KEY,
    unit_id INTEGER REFERENCES units(id),
    name    TEXT NOT NULL,
    UNIQUE (unit_id, name)
) STRICT;

CREATE TABLE contact_phones (
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    phone      TEXT NOT NULL,
    last4      TEXT NOT NULL GENERATED ALWAYS AS (substr(phone, -4)) VIRTUAL,
    PRIMARY KEY (contact_id, phone)
) STRICT;
CREATE INDEX contact_phones_by_phone ON contact_phones (phone);
CREATE INDEX contact_phones_by_last4 ON contact_phones (last4);

CREATE TABLE technicians (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    phone          TEXT NOT NULL DEFAULT '',
    team           TEXT NOT NULL DEFAULT '',
    daily_capacity INTEGER NOT NULL DEFAULT 8 CHECK (daily_capacity > 0),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;

CREATE TABLE technician_skills (
    technician_id INTEGER NOT NULL REFERENCES technicians(id) ON DELETE CASCADE,
    category_id   INTEGER NOT NULL REFERENCES categories(id),
    PRIMARY KEY (technician_id, category_id)
) STRICT;

-- Per prefix and local month, the last number handed out; never decremented.
CREATE TABLE number_sequences (
    key  TEXT PRIMARY KEY,
    last INTEGER NOT NULL
) STRICT;

CREATE TABLE tickets (
    id                INTEGER PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL CHECK (kind IN ('repair', 'complaint', 'inquiry')),
    status            TEXT NOT NULL CHECK (status IN ('received', 'assigned', 'in_progress', 'on_hold', 'completed', 'closed', 'cancelled')),
    channel           TEXT NOT NULL CHECK (channel IN ('phone', 'walk_in', 'wechat', 'app', 'sms', 'inspection')),
    reporter          TEXT NOT NULL,
    phone             TEXT NOT NULL,
    site_id           INTEGER REFERENCES sites(id),
    unit_id           INTEGER REFERENCES units(id),
    location          TEXT,
    scope             TEXT NOT NULL CHECK (scope IN ('in_home', 'public_area')),
    category_id       INTEGER NOT NULL REFERENCES categories(id),
    urgency           TEXT NOT NULL CHECK (urgency IN ('emergency', 'normal', 'scheduled')),
    appointment_at    INTEGER,
    description       TEXT NOT NULL,
    received_at       INTEGER NOT NULL,
    assignee_id       INTEGER REFERENCES technicians(id),
    dispatched_at     INTEGER,
    assigned_at       INTEGER,
    arrived_at        INTEGER,
    completed_at      INTEGER,
    visited_at        INTEGER,
    closed_at         INTEGER,
    cancelled_at      INTEGER,
    hold_reason       TEXT,
    hold_started_at   INTEGER,
    held_minutes      INTEGER NOT NULL DEFAULT 0 CHECK (held_minutes >= 0),
    cause             TEXT,
    measures          TEXT,
    labour_minutes    INTEGER NOT NULL DEFAULT 0 CHECK (labour_minutes >= 0),
    paid              INTEGER NOT NULL DEFAULT 0 CHECK (paid IN (0, 1)),
    fee_fen           INTEGER NOT NULL DEFAULT 0 CHECK (fee_fen >= 0),
    payment_method    TEXT,
    owner_signed      INTEGER NOT NULL DEFAULT 0 CHECK (owner_signed IN (0, 1)),
    satisfaction      TEXT CHECK (satisfaction IN ('very_satisfied', 'satisfied', 'neutral', 'dissatisfied')),
    visit_note        TEXT,
    rework_count      INTEGER NOT NULL DEFAULT 0 CHECK (rework_count >= 0),
    duplicate_of_id   INTEGER REFERENCES tickets(id),
    cancel_reason     TEXT,
    print_count       INTEGER NOT NULL DEFAULT 0,
    remind_count      INTEGER NOT NULL DEFAULT 0,
    dispatch_due      INTEGER,
    arrival_due       INTEGER,
    completion_due    INTEGER,
    visit_due         INTEGER,
    status_changed_at INTEGER NOT NULL,
    -- lower-cased number, reporter, phone, place and description: keyword search of any length
    search_text       TEXT NOT NULL
) STRICT;
CREATE INDEX tickets_by_received ON tickets (received_at);
CREATE INDEX tickets_by_status_received ON tickets (status, received_at);
CREATE INDEX tickets_by_assignee_status ON tickets (assignee_id, status);
CREATE INDEX tickets_by_unit_category ON tickets (unit_id, category_id, received_at);
CREATE INDEX tickets_by_category_received ON tickets (category_id, received_at);
CREATE INDEX tickets_by_completed ON tickets (completed_at);

CREATE TABLE ticket_materials (
    id             INTEGER PRIMARY KEY,
    ticket_id      INTEGER NOT NULL REFERENCES tickets(id),
    position       INTEGER NOT NULL,
    name           TEXT NOT NULL,
    spec           TEXT NOT NULL DEFAULT '',
    quantity       REAL NOT NULL CHECK (quantity > 0),
    unit_price_fen INTEGER NOT NULL CHECK (unit_price_fen >= 0),
    amount_fen     INTEGER NOT NULL CHECK (amount_fen >= 0),
    UNIQUE (ticket_id, position)
) STRICT;

-- Append-only history: every change to a ticket writes one row in the same transaction.
CREATE TABLE ticket_events (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
    at          INTEGER NOT NULL,
    operator    TEXT NOT NULL,
    action      TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT,
    note        TEXT
) STRICT;
CREATE INDEX ticket_events_by_ticket ON ticket_events (ticket_id, id);
CREATE INDEX ticket_events_by_action_at ON ticket_events (action, at);

CREATE TABLE attachments (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
    kind       TEXT NOT NULL CHECK (kind IN ('fault_photo', 'signed_slip', 'other')),
    sha256     TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    byte_size  INTEGER NOT NULL,
    added_at   INTEGER NOT NULL,
    operator   TEXT NOT NULL,
    UNIQUE (ticket_id, sha256)
) STRICT;
"#,
    // 2: the keyword search index. The search text goes in one token per character
    // (characters spaced out), so a word of any length is a phrase of its characters.
    // Contentless: the rowid is the ticket id; insert_ticket writes the row beside the
    // ticket. The LIKE on tickets.search_text still decides; this only narrows.
    r#"
CREATE VIRTUAL TABLE ticket_search USING fts5(
    chars, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);
WITH RECURSIVE spaced(id, rest, chars) AS (
    SELECT id, search_text, '' FROM tickets
    UNION ALL
    SELECT id, substr(rest, 2), chars || substr(rest, 1, 1) || ' ' FROM spaced WHERE rest <> ''
)
INSERT INTO ticket_search (rowid, chars) SELECT id, chars FROM spaced WHERE rest = '';
"#,
    // 3: operator accounts (argon2id hashes, lock-out counters) and the 操作日志 of
    // every change that is not a ticket step (those are ticket_events).
    r#"
CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('desk', 'engineer', 'supervisor', 'admin')),
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  INTEGER,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    account TEXT NOT NULL,
    kind    TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL
) STRICT;
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
    bytes  BLOB NOT NULL
) STRICT;
"#,
    // 6: 公区位置 — each 小区's list of public locations (6栋一楼大堂, 地下车库B2入口 …)
    // the intake form offers, so the same place is written the same way.
    r#"
CREATE TABLE site_locations (
    id      INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites (id),
    name    TEXT NOT NULL,
    UNIQUE (site_id, name)
) STRICT;

-- 班组长: the desk chases a team's lead when its work stalls (催办规则).
ALTER TABLE technicians ADD COLUMN team_lead INTEGER NOT NULL DEFAULT 0 CHECK (team_lead IN (0, 1));
"#,
    // 7: 报事 (投诉/咨询) closed by 办结 without a technician — its 处理结果, the 责任部门
    // it was handed to, when it was done — and complaint categories beside the repair
    // ones (其他 serves every kind). An office's own category of the same name is kept.
    r#"
ALTER TABLE tickets ADD COLUMN resolution TEXT;
ALTER TABLE tickets ADD COLUMN dept TEXT;
ALTER TABLE tickets ADD COLUMN resolved_at INTEGER;
ALTER TABLE categories ADD COLUMN kind TEXT NOT NULL DEFAULT 'repair'
    CHECK (kind IN ('repair', 'complaint', 'general'));
UPDATE categories SET kind = 'general' WHERE name = '其他';
INSERT INTO categories (name, default_urgency, sort_order, kind)
SELECT v.column1, 'normal', (SELECT coalesce(max(sort_order), 0) FROM categories) + v.column2,
       'complaint'
  FROM (VALUES ('服务态度', 1), ('保洁', 2), ('秩序', 3), ('绿化', 4), ('收费', 5), ('噪音', 6)) AS v
 WHERE true
ON CONFLICT (name) DO NOTHING;
"#,
    // 8: 收费标准 — the office's price list of paid work (materials and labour items).
    r#"
CREATE TABLE price_items (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,
    unit      TEXT NOT NULL,
    price_fen INTEGER NOT NULL CHECK (price_fen >= 0),
    active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;
"#,
    // 9: 返修 keeps history — one row per 完工 round with its own cause, measures,
    // labour, fee and 有偿, the round's materials (a position range of ticket_materials)
    // and the 回访 that followed it (回访方式, 维修质量, 服务态度); and 回访未果 attempts.
    // Every ticket completed before this step gets round 1 from its own columns (the
    // totals of any earlier reworks included: their split was not kept).
    r#"
CREATE TABLE completion_rounds (
    id              INTEGER PRIMARY KEY,
    ticket_id       INTEGER NOT NULL REFERENCES tickets(id),
    round           INTEGER NOT NULL CHECK (round >= 1),
    completed_at    INTEGER NOT NULL,
    operator        TEXT NOT NULL,
    cause           TEXT NOT NULL,
    measures        TEXT NOT NULL,
    materials_from  INTEGER NOT NULL CHECK (materials_from >= 1),
    materials_count INTEGER NOT NULL CHECK (materials_count >= 0),
    labour_minutes  INTEGER NOT NULL CHECK (labour_minutes >= 0),
    paid            INTEGER NOT NULL CHECK (paid IN (0, 1)),
    fee_fen         INTEGER NOT NULL CHECK (fee_fen >= 0),
    payment_method  TEXT,
    owner_signed    INTEGER NOT NULL CHECK (owner_signed IN (0, 1)),
    visited_at      INTEGER,
    visit_method    TEXT CHECK (visit_method IN ('phone', 'visit', 'wechat')),
    quality         TEXT CHECK (quality IN ('very_satisfied', 'satisfied', 'neutral', 'dissatisfied')),
    attitude        TEXT CHECK (attitude IN ('very_satisfied', 'satisfied', 'neutral', 'dissatisfied')),
    satisfaction    TEXT CHECK (satisfaction IN ('very_satisfied', 'satisfied', 'neutral', 'dissatisfied')),
    visit_note      TEXT,
    UNIQUE (ticket_id, round)
) STRICT;
CREATE INDEX completion_rounds_by_completed ON completion_rounds (completed_at);

INSERT INTO completion_rounds (ticket_id, round, completed_at, operator, cause, measures,
    materials_from, materials_count, labour_minutes, paid, fee_fen, payment_method,
    owner_signed, visited_at, visit_method, satisfaction, visit_note)
SELECT t.id, 1, coalesce(t.completed_at, e.at, t.status_changed_at), coalesce(e.operator, ''),
    coalesce(t.cause, ''), coalesce(t.measures, ''), 1,
    (SELECT count(*) FROM ticket_materials m WHERE m.ticket_id = t.id),
    t.labour_minutes, t.paid, t.fee_fen, t.payment_method, t.owner_signed,
    t.visited_at, CASE WHEN t.visited_at IS NOT NULL THEN 'phone' END, t.satisfaction,
    t.visit_note
  FROM tickets t
  LEFT JOIN ticket_events e ON e.id = (
    SELECT max(x.id) FROM ticket_events x WHERE x.ticket_id = t.id AND x.action = 'complete')
 WHERE t.completed_at IS NOT NULL OR t.cause IS NOT NULL;

CREATE TABLE visit_attempts (
    id        INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    at        INTEGER NOT NULL,
    result    TEXT NOT NULL CHECK (result IN ('no_answer', 'refused', 'wrong_number')),
    note      TEXT,
    operator  TEXT NOT NULL
) STRICT;
CREATE INDEX visit_attempts_by_ticket ON visit_attempts (ticket_id, id);
CREATE INDEX visit_attempts_by_at ON visit_attempts (at);
"#,
    // 10: intake details — 发生时间 and 指定师傅 — and 报价: a quote recorded before paid
    // work, with whether the owner agreed (业主同意).
    r#"
ALTER TABLE tickets ADD COLUMN occurred_at INTEGER;
ALTER TABLE tickets ADD COLUMN requested_technician TEXT;
CREATE TABLE quotes (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
    at         INTEGER NOT NULL,
    items      TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    consent    INTEGER NOT NULL CHECK (consent IN (0, 1)),
    operator   TEXT NOT NULL
) STRICT;
CREATE INDEX quotes_by_ticket ON quotes (ticket_id);
"#,
    // 11: the keyword index holds grams — each distinct 1-, 2- and 3-character piece of
    // the search text's runs of letters, digits and ideographs — with no positions
    // (store/search.rs). A phrase of single characters read every position of tokens
    // as common as a digit; a gram's list of tickets is short. `baoxiu_grams` is a Rust
    // function registered on the connection.
    r#"
DROP TABLE ticket_search;
CREATE VIRTUAL TABLE ticket_grams USING fts5(
    grams, content = '', contentless_delete = 1, detail = none, tokenize = 'ascii'
);
INSERT INTO ticket_grams (rowid, grams) SELECT id, baoxiu_grams(search_text) FROM tickets;
"#,
    // 12: see STEP_12.
    STEP_12,
    // 13: see STEP_13.
    STEP_13,
    // 14: see STEP_14.
    STEP_14,
    // 15: see STEP_15.
    STEP_15,
];

#[cfg(test)]
mod tests {
    use super::MIGRATIONS;
    use rusqlite::Connection;

    /// Every step applies cleanly in order on a fresh database, every table is STRICT,
    /// and the foreign keys of the final schema hold.
    #[test]
    fn migrations_apply_in_order_and_tables_are_strict() {
        let conn = Connection::open_in_memory().unwrap();
        super::super::search::register(&conn).unwrap();
        for (i, step) in MIGRATIONS.iter().enumerate() {
            conn.execute_batch(step)
                .unwrap_or_else(|e| panic!("migration {} failed: {e}", i + 1));
        }
        let mut stmt = conn
            .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table'")
            .unwrap();
        let tables: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert!(tables.len() >= 12, "{tables:?}");
        // The FTS5 search index and its shadow tables are SQLite's own, not ours.
        for (name, sql) in tables
            .iter()
            .filter(|(n, _)| !n.starts_with("ticket_search") && !n.starts_with("ticket_grams"))
        {
            assert!(
                sql.trim_end().ends_with("STRICT"),
                "table {name} is not STRICT"
            );
        }
        let violations: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(violations, 0);
    }

    /// Shipped steps are never edited: every step's text is pinned by its length and a
    /// checksum, on both engines. Changing the schema means adding a step (and its pin,
    /// or this fails), not editing one.
    #[test]
    fn shipped_migrations_are_unchanged() {
        let pins = |steps: &[&str]| -> Vec<(usize, u64)> {
            steps
                .iter()
                .map(|s| {
                    let sum = s
                        .bytes()
                        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64));
                    (s.len(), sum)
                })
                .collect()
        };
        assert_eq!(
            pins(MIGRATIONS),
            SQLITE_PINS,
            "a shipped SQLite step changed"
        );
        assert_eq!(
            pins(crate::store::postgres::PG_MIGRATIONS),
            POSTGRES_PINS,
            "a shipped PostgreSQL step changed"
        );
    }

    const SQLITE_PINS: &[(usize, u64)] = &[
        (8060, 13188574805260431465),
        (430, 9626528251106437706),
        (869, 312061270818443970),
        (94, 6345394684596361225),
        (97, 9641995571303995331),
        (363, 10276363975785456055),
        (669, 13719049491218019865),
        (259, 5648749744752162775),
        (2609, 17342874891626247311),
        (497, 3753101648927085523),
        (250, 7522333003897315295),
        (129, 16988331077682162339),
        (743, 4806649213416954092),
        (376, 3738537611960615801),
        (5444, 13500350466144303213),
    ];
    const POSTGRES_PINS: &[(usize, u64)] = &[
        (7974, 8333856258583527978),
        (382, 6171234823427830051),
        (914, 6377652815179398249),
        (94, 6345394684596361225),
        (91, 11908515871598460330),
        (353, 12579702616034734665),
        (663, 10882186722898571123),
        (294, 13725797962693508421),
        (2663, 6515414674446249430),
        (517, 12984316226345377071),
        (343, 6868523195974992295),
        (129, 16988331077682162339),
        (743, 4806649213416954092),
        (376, 3738537611960615801),
        (3845, 16132107124701061173),
    ];
}
