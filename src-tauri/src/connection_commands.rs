//! 数据库连接 commands: the saved choice (never its password), trying a candidate, and
//! saving it, which switches the desk to that database. The rules live in
//! `baoxiu::connection`; the switch in [`Desk`].

use baoxiu::connection::{Connection, ConnectionView};
use baoxiu::Error;
use tauri::State;

use crate::desk::Desk;

#[tauri::command]
pub async fn connection_get(desk: State<'_, Desk>) -> Result<ConnectionView, Error> {
    desk.connection().await
}

/// "连接成功：…" or the Chinese reason; nothing is saved or switched.
#[tauri::command]
pub async fn connection_test(
    desk: State<'_, Desk>,
    candidate: Connection,
) -> Result<String, Error> {
    desk.test_connection(candidate).await
}

/// Test, save and switch over; the reply is the success line.
#[tauri::command]
pub async fn connection_save(
    desk: State<'_, Desk>,
    candidate: Connection,
) -> Result<String, Error> {
    desk.save_connection(candidate).await
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::commands::tests::{call, declare_site, window};
    use crate::desk::Desk;

    fn new_ticket() -> Value {
        json!({
            "draft": {"reporter": "王秀英", "phone": "13812348000", "site": "翠湖苑",
                "building": "3", "unit": "2", "room": "501", "category": "水路",
                "description": "厨房水管漏水"},
            "operator": "前台"
        })
    }

    fn closed_port() -> u16 {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    }

    #[test]
    fn a_broken_saved_choice_shows_the_reason_and_saving_local_opens_the_desk() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("connection.json");
        std::fs::write(&file, "{ not json").unwrap();
        let (_app, w) = window(Desk::open_in(dir.path()));
        let info = call(&w, "app_info", json!({})).unwrap();
        assert!(
            info["open_error"]
                .as_str()
                .unwrap()
                .contains("connection.json"),
            "{info}"
        );
        assert_eq!(
            call(&w, "counters", json!({})).unwrap_err()["code"],
            "database"
        );

        let line = call(
            &w,
            "connection_save",
            json!({"candidate": {"kind": "local"}}),
        )
        .unwrap();
        let local = dir.path().join("baoxiu.db").display().to_string();
        assert_eq!(
            line,
            json!(format!("连接成功：本机数据库 {local}，还没有工单"))
        );
        let info = call(&w, "app_info", json!({})).unwrap();
        assert_eq!(info["open_error"], Value::Null);
        assert_eq!(info["db_path"], json!(local));
        assert_eq!(info["backend"], "local");
        assert_eq!(info["backend_label"], "本机数据库");
        declare_site(&w);
        call(&w, "create_ticket", new_ticket()).unwrap();
        assert_eq!(
            std::fs::read_to_string(&file)
                .unwrap()
                .replace(char::is_whitespace, ""),
            r#"{"kind":"local"}"#
        );
    }

    #[test]
    fn a_refused_server_changes_neither_the_file_nor_the_desk() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, w) = window(Desk::open_in(dir.path()));
        declare_site(&w);
        call(&w, "create_ticket", new_ticket()).unwrap();
        let before = call(&w, "app_info", json!({})).unwrap();
        let port = closed_port();
        let candidate = json!({"candidate": {"kind": "shared", "host": "127.0.0.1", "port": port,
            "database": "baoxiu", "user": "baoxiu", "password": "s3cret"}});
        let want = format!(
            "无法连接共享数据库“postgres://baoxiu:***@127.0.0.1:{port}/baoxiu”：连接被拒绝：服务器没有运行，或端口不对"
        );
        for cmd in ["connection_test", "connection_save"] {
            let err = call(&w, cmd, candidate.clone()).unwrap_err();
            assert_eq!(err["code"], "database", "{cmd}");
            assert_eq!(err["message"], json!(want), "{cmd}");
        }
        assert!(!dir.path().join("connection.json").exists());
        assert_eq!(call(&w, "app_info", json!({})).unwrap(), before);
        assert_eq!(call(&w, "counters", json!({})).unwrap()["received"], 1);
        // A form that cannot make a URL is refused before any connection, naming the field.
        let err = call(
            &w,
            "connection_test",
            json!({"candidate": {"kind": "shared", "host": "", "port": 5432,
                "database": "baoxiu", "user": "baoxiu", "password": ""}}),
        )
        .unwrap_err();
        assert_eq!(err["code"], "invalid_input");
        assert!(err["message"].as_str().unwrap().contains("服务器的地址"));
    }

    #[test]
    fn only_an_administrator_may_switch_the_database_of_an_office_with_accounts() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, w) = window(Desk::open_in(dir.path()));
        call(
            &w,
            "create_admin",
            json!({"name": "李经理", "password": "admin-pass-1"}),
        )
        .unwrap();
        call(
            &w,
            "account_add",
            json!({"name": "小周", "role": "desk", "password": "desk-pass-1"}),
        )
        .unwrap();
        call(
            &w,
            "login",
            json!({"name": "小周", "password": "desk-pass-1"}),
        )
        .unwrap();
        let before = call(&w, "app_info", json!({})).unwrap();
        let dump = || {
            baoxiu::Store::open(dir.path().join("baoxiu.db"))
                .unwrap()
                .dump()
                .unwrap()
        };
        let db_before = dump();
        // A 客服 pointing the desk at the local file: refused, nothing saved or switched.
        let candidate = json!({"candidate": {"kind": "local"}});
        let err = call(&w, "connection_save", candidate.clone()).unwrap_err();
        assert_eq!(err["code"], "forbidden");
        assert_eq!(
            err["message"],
            "只有管理员可以修改数据库连接，请用管理员账号登录后再保存"
        );
        assert!(!dir.path().join("connection.json").exists());
        assert_eq!(call(&w, "app_info", json!({})).unwrap(), before);
        assert_eq!(dump(), db_before);
        // 测试连接 changes nothing and stays open to everyone.
        assert!(call(&w, "connection_test", candidate.clone()).is_ok());
        // The administrator may.
        call(
            &w,
            "login",
            json!({"name": "李经理", "password": "admin-pass-1"}),
        )
        .unwrap();
        call(&w, "connection_save", candidate).unwrap();
        assert!(dir.path().join("connection.json").exists());
    }

    #[test]
    fn the_view_of_a_stored_password_is_only_a_flag() {
        let dir = tempfile::tempdir().unwrap();
        baoxiu::connection::Connection::Shared {
            host: "192.168.1.10".into(),
            port: 5432,
            database: "baoxiu".into(),
            user: "baoxiu".into(),
            password: "Zz9-very-secret".into(),
        }
        .save(dir.path())
        .unwrap();
        // The server is not there: the window still starts, explains and offers the form.
        let (_app, w) = window(Desk::open_in(dir.path()));
        let view = call(&w, "connection_get", json!({})).unwrap();
        assert_eq!(view["has_password"], true);
        assert_eq!(view["host"], "192.168.1.10");
        assert!(!view.to_string().contains("Zz9-very-secret"), "{view}");
        let info = call(&w, "app_info", json!({})).unwrap();
        assert!(!info.to_string().contains("Zz9-very-secret"), "{info}");
        assert_eq!(info["backend_label"], "共享数据库");
        assert_eq!(
            info["db_path"],
            "postgres://baoxiu:***@192.168.1.10:5432/baoxiu"
        );
        assert!(info["open_error"]
            .as_str()
            .unwrap()
            .contains("postgres://baoxiu:***@"));
    }

    /// On a real server (BAOXIU_TEST_PG): save the shared choice, the desk switches to
    /// it, tickets land there; saving again with an empty password keeps the stored one.
    /// Without a server the refusal and local tests above cover the switch.
    #[test]
    fn saving_a_real_server_switches_the_desk_and_keeps_the_password() {
        let Some(server) = std::env::var("BAOXIU_TEST_PG")
            .ok()
            .filter(|s| !s.is_empty())
        else {
            eprintln!(
                "BAOXIU_TEST_PG is not set: the switch to a real PostgreSQL server did not run"
            );
            return;
        };
        let admin: postgres::Config = format!("{server}/postgres").parse().unwrap();
        let name = format!("desk_{}_{}", std::process::id(), closed_port());
        let mut client = admin.connect(postgres::NoTls).unwrap();
        client
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0"))
            .unwrap();
        let port = admin.get_ports().first().copied().unwrap_or(5432);
        let dir = tempfile::tempdir().unwrap();
        let (_app, w) = window(Desk::open_in(dir.path()));
        let candidate = |password: &str| {
            json!({"candidate": {"kind": "shared", "host": "127.0.0.1", "port": port,
                "database": name, "user": "postgres", "password": password}})
        };
        let line = call(&w, "connection_save", candidate("p@ss/w:rd")).unwrap();
        assert!(
            line.as_str()
                .unwrap()
                .starts_with("连接成功：共享数据库（PostgreSQL）"),
            "{line}"
        );
        let info = call(&w, "app_info", json!({})).unwrap();
        assert_eq!(info["backend"], "shared");
        assert_eq!(
            info["db_path"],
            json!(format!("postgres://postgres:***@127.0.0.1:{port}/{name}"))
        );
        declare_site(&w);
        let t = call(&w, "create_ticket", new_ticket()).unwrap();
        let mut there =
            postgres::Client::connect(&format!("{server}/{name}"), postgres::NoTls).unwrap();
        let n: i64 = there
            .query_one(
                "SELECT count(*) FROM tickets WHERE number = $1",
                &[&t["number"].as_str().unwrap()],
            )
            .unwrap()
            .get(0);
        assert_eq!(n, 1);

        call(&w, "connection_save", candidate("")).unwrap();
        let saved = baoxiu::connection::Connection::load(dir.path()).unwrap();
        assert!(
            matches!(saved, baoxiu::connection::Connection::Shared { ref password, .. } if password == "p@ss/w:rd")
        );
        drop(there);
        drop(w);
        drop(_app);
        let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    }
}
