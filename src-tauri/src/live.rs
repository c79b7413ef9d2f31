//! 实时同步: while the open database is the shared PostgreSQL one, a background thread
//! listens for what the other PCs commit and forwards each change to the window as the
//! event [`CHANGED`]; the window reloads what it shows. When the server goes away the
//! thread says so once ([`STATUS`], and one line on stderr), reconnects with backoff,
//! and says once more when it is back (the window then reloads: changes made meanwhile
//! were not heard). On a SQLite file there is nothing to listen to: the window keeps
//! its 刷新 button.

use std::time::Duration;

use baoxiu::store::notify::{Change, Listener};
use baoxiu::Error;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};

use crate::desk::Desk;

/// The window event carrying one [`Change`].
pub const CHANGED: &str = "desk-changed";
/// The window event carrying a [`LiveStatus`]: the live connection was lost or is back.
pub const STATUS: &str = "desk-live";

/// How long one wait for a change lasts before the thread looks again at which database
/// is open (it may have been switched in the settings).
const TICK: Duration = Duration::from_secs(1);
/// How often to look again when the open database is not a shared one.
const IDLE: Duration = Duration::from_secs(5);

/// Whether the window is hearing the other PCs right now, and what to tell the office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct LiveStatus {
    pub online: bool,
    pub message: String,
}

/// What the thread sends to the window.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    Changed(Change),
    Status(LiveStatus),
}

/// One live connection: a [`Listener`], or a scripted one in the tests.
pub trait Feed {
    fn next(&mut self, timeout: Duration) -> Result<Option<Change>, Error>;
}

impl Feed for Listener {
    fn next(&mut self, timeout: Duration) -> Result<Option<Change>, Error> {
        Listener::next(self, timeout)
    }
}

/// The wait before reconnect attempt `failures + 1`: 1, 2, 4, 8, 16, then every 30 s.
pub fn backoff(failures: u32) -> Duration {
    Duration::from_secs(1u64.checked_shl(failures).unwrap_or(u64::MAX).min(30))
}

/// Start the thread for the app's [`Desk`] (one line in `main.rs`'s setup).
pub fn follow(app: AppHandle) {
    std::thread::spawn(move || {
        let source = || app.try_state::<Desk>().and_then(|d| d.shared_url());
        run(
            source,
            |url: &str| Listener::connect(url),
            |out| {
                // A window that is gone (closing) has nobody to tell.
                let _ = match out {
                    Out::Changed(c) => app.emit(CHANGED, c),
                    Out::Status(s) => {
                        eprintln!("报修台：{}", s.message);
                        app.emit(STATUS, s)
                    }
                };
            },
            std::thread::sleep,
            || true,
        );
    });
}

/// The thread's loop, apart from Tauri so it can be tested: `source` says which shared
/// database is open (if any), `connect` opens a feed on it, `emit` tells the window,
/// `sleep` waits, `keep_going` ends the loop (always true in the app).
pub fn run<F: Feed>(
    source: impl Fn() -> Option<String>,
    connect: impl Fn(&str) -> Result<F, Error>,
    mut emit: impl FnMut(Out),
    mut sleep: impl FnMut(Duration),
    mut keep_going: impl FnMut() -> bool,
) {
    let mut failures: u32 = 0;
    // Said "lost" and not yet "back": say nothing more until it is back.
    let mut offline = false;
    while keep_going() {
        let Some(url) = source() else {
            // A SQLite file (or nothing open): nothing to hear. A connection problem
            // reported earlier no longer matters.
            offline = false;
            failures = 0;
            sleep(IDLE);
            continue;
        };
        let mut feed = match connect(&url) {
            Ok(feed) => feed,
            Err(e) => {
                lost(&mut emit, &mut offline, &e);
                sleep(backoff(failures));
                failures = failures.saturating_add(1);
                continue;
            }
        };
        failures = 0;
        if offline {
            offline = false;
            emit(Out::Status(LiveStatus {
                online: true,
                message: "已重新连上共享数据库，其他电脑的改动会再自动出现".into(),
            }));
        }
        while keep_going() {
            if source().as_deref() != Some(url.as_str()) {
                break; // another database was opened: follow it
            }
            match feed.next(TICK) {
                Ok(Some(change)) => emit(Out::Changed(change)),
                Ok(None) => {}
                Err(e) => {
                    lost(&mut emit, &mut offline, &e);
                    break;
                }
            }
        }
    }
}

/// Say the connection is lost, unless already said.
fn lost(emit: &mut impl FnMut(Out), offline: &mut bool, e: &Error) {
    if !*offline {
        *offline = true;
        emit(Out::Status(LiveStatus {
            online: false,
            message: e.to_string(),
        }));
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::VecDeque;

    use baoxiu::ticket::Status;
    use baoxiu::Store;

    use super::*;

    fn change(number: &str) -> Change {
        Change {
            number: number.into(),
            action: baoxiu::ticket::EventAction::Complete,
            action_label: "完工".into(),
            operator: "张师傅".into(),
            status: Status::Completed,
        }
    }

    fn gone() -> Error {
        Error::Database("与共享数据库“postgres://desk@srv/baoxiu”的实时连接断开了".into())
    }

    /// A scripted connection: each `next` answers the next line; then it is closed.
    struct Script(VecDeque<Result<Option<Change>, Error>>);

    impl Feed for Script {
        fn next(&mut self, _: Duration) -> Result<Option<Change>, Error> {
            self.0.pop_front().unwrap_or_else(|| Err(gone()))
        }
    }

    /// Run the loop for `turns` turns with `connects` answering the connection attempts
    /// in order; what was emitted and slept.
    fn drive(
        source: impl Fn() -> Option<String>,
        connects: Vec<Attempt>,
        turns: usize,
    ) -> (Vec<Out>, Vec<Duration>, Vec<String>) {
        let connects = RefCell::new(VecDeque::from(connects));
        let urls = RefCell::new(Vec::new());
        let mut out = Vec::new();
        let mut slept = Vec::new();
        let mut left = turns;
        run(
            source,
            |url: &str| {
                urls.borrow_mut().push(url.to_string());
                connects
                    .borrow_mut()
                    .pop_front()
                    .unwrap_or_else(|| Err(gone()))
                    .map(|lines| Script(lines.into()))
            },
            |o| out.push(o),
            |d| slept.push(d),
            || {
                left = left.saturating_sub(1);
                left > 0
            },
        );
        (out, slept, urls.into_inner())
    }

    /// One connection attempt's answer: refused, or a feed answering these lines.
    type Attempt = Result<Vec<Result<Option<Change>, Error>>, Error>;

    const URL: &str = "postgres://desk:secret@srv/baoxiu";

    #[test]
    fn each_change_is_forwarded_in_order() {
        let (out, slept, _) = drive(
            || Some(URL.into()),
            vec![Ok(vec![
                Ok(Some(change("BX-202611-0001"))),
                Ok(None),
                Ok(Some(change("BX-202611-0002"))),
            ])],
            5,
        );
        assert_eq!(
            out,
            vec![
                Out::Changed(change("BX-202611-0001")),
                Out::Changed(change("BX-202611-0002")),
            ]
        );
        assert!(slept.is_empty());
    }

    #[test]
    fn a_lost_server_is_said_once_retried_with_backoff_and_said_back_once() {
        let (out, slept, urls) = drive(
            || Some(URL.into()),
            vec![
                Ok(vec![Err(gone())]),
                Err(gone()),
                Err(gone()),
                Err(gone()),
                Ok(vec![Ok(Some(change("BX-202611-0003")))]),
            ],
            8,
        );
        assert_eq!(out.len(), 3, "{out:?}");
        assert!(matches!(&out[0], Out::Status(s) if !s.online && s.message.contains("断开")));
        assert!(matches!(&out[1], Out::Status(s) if s.online && s.message.contains("重新连上")));
        assert_eq!(out[2], Out::Changed(change("BX-202611-0003")));
        // Reconnected at once after the drop, then waited 1, 2, 4 s between refusals.
        assert_eq!(
            slept,
            vec![
                Duration::from_secs(1),
                Duration::from_secs(2),
                Duration::from_secs(4)
            ]
        );
        // Always the real address (with its password), never the one shown to people.
        assert!(urls.iter().all(|u| u == URL));
    }

    #[test]
    fn backoff_grows_and_stays_at_thirty_seconds() {
        let waits: Vec<u64> = (0..8).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(waits, vec![1, 2, 4, 8, 16, 30, 30, 30]);
        assert_eq!(backoff(u32::MAX), Duration::from_secs(30));
    }

    #[test]
    fn a_sqlite_desk_never_connects_and_says_nothing() {
        let (out, slept, urls) = drive(|| None, vec![], 4);
        assert!(out.is_empty());
        assert!(urls.is_empty());
        assert!(slept.iter().all(|d| *d == IDLE));
    }

    #[test]
    fn another_database_opened_is_followed() {
        let other = "postgres://desk@srv2/baoxiu";
        let turn = RefCell::new(0);
        let (_, _, urls) = drive(
            || {
                *turn.borrow_mut() += 1;
                Some(if *turn.borrow() <= 2 { URL } else { other }.into())
            },
            vec![Ok(vec![Ok(None), Ok(None)]), Ok(vec![Ok(None)])],
            6,
        );
        assert_eq!(urls, vec![URL.to_string(), other.to_string()]);
    }

    /// On a real server (BAOXIU_TEST_PG): the listener, fed by the desk as in the app,
    /// hears the database 数据库连接 switched to, and nothing of the desk stays
    /// connected to the one it left.
    #[test]
    fn after_a_switch_the_new_database_is_heard_and_the_old_one_let_go() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::mpsc;
        use std::time::Instant;

        let Some(server) = std::env::var("BAOXIU_TEST_PG")
            .ok()
            .filter(|s| !s.is_empty())
        else {
            eprintln!("BAOXIU_TEST_PG is not set: following a switch on a real server did not run");
            return;
        };
        let admin: postgres::Config = format!("{server}/postgres").parse().unwrap();
        let port = admin.get_ports().first().copied().unwrap_or(5432);
        let mut client = admin.connect(postgres::NoTls).unwrap();
        let names: Vec<String> = ["a", "b"]
            .iter()
            .map(|x| format!("live_switch_{x}_{}", std::process::id()))
            .collect();
        for n in &names {
            client
                .batch_execute(&format!("CREATE DATABASE {n} TEMPLATE template0"))
                .unwrap();
        }
        let candidate = |name: &str| baoxiu::connection::Connection::Shared {
            host: "127.0.0.1".into(),
            port,
            database: name.into(),
            user: "postgres".into(),
            password: String::new(),
        };
        let connected = |client: &mut postgres::Client, name: &str| -> i64 {
            client
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = $1",
                    &[&name],
                )
                .unwrap()
                .get(0)
        };
        let register = |name: &str| -> String {
            let mut s = Store::open(format!("{server}/{name}")).unwrap();
            let draft: baoxiu::input::TicketDraft = serde_json::from_value(serde_json::json!({
                "reporter": "王秀英", "phone": "13812348000", "site": "翠湖苑",
                "building": "3", "unit": "2", "room": "501", "category": "水路",
                "description": "厨房水管漏水"
            }))
            .unwrap();
            if s.sites().unwrap().is_empty() {
                s.add_site("翠湖苑").unwrap();
            }
            s.create_ticket(&draft, "张师傅").unwrap().number
        };

        let dir = tempfile::tempdir().unwrap();
        let desk = Desk::open_in(dir.path());
        tauri::async_runtime::block_on(desk.save_connection(candidate(&names[0]))).unwrap();
        let (tx, rx) = mpsc::channel();
        let stop = AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                run(
                    || desk.shared_url(),
                    |url: &str| Listener::connect(url),
                    |out| {
                        let _ = tx.send(out);
                    },
                    std::thread::sleep,
                    || !stop.load(Ordering::SeqCst),
                )
            });
            // Stop the listener however this ends, a failed assertion included (the
            // scope would otherwise wait for it for ever).
            struct Stop<'a>(&'a AtomicBool);
            impl Drop for Stop<'_> {
                fn drop(&mut self) {
                    self.0.store(true, Ordering::SeqCst);
                }
            }
            let _stop = Stop(&stop);
            let heard = |number: &str| {
                let until = Instant::now() + Duration::from_secs(5);
                while let Some(left) = until.checked_duration_since(Instant::now()) {
                    match rx.recv_timeout(left) {
                        Ok(Out::Changed(c)) if c.number == number => return true,
                        Ok(_) => {}
                        Err(_) => return false,
                    }
                }
                false
            };
            // Listening on the first database: a ticket there is heard.
            let until = Instant::now() + Duration::from_secs(5);
            while connected(&mut client, &names[0]) < 2 && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(50));
            }
            assert!(heard(&register(&names[0])), "first database not heard");

            tauri::async_runtime::block_on(desk.save_connection(candidate(&names[1]))).unwrap();
            // The listener follows within a tick; the old database has nobody of ours.
            let until = Instant::now() + Duration::from_secs(5);
            while (connected(&mut client, &names[0]) > 0 || connected(&mut client, &names[1]) < 2)
                && Instant::now() < until
            {
                std::thread::sleep(Duration::from_millis(50));
            }
            assert_eq!(
                connected(&mut client, &names[0]),
                0,
                "the old database is still held"
            );
            assert!(heard(&register(&names[1])), "the new database is not heard");
            // Nothing from the old database reaches the window any more.
            let old = register(&names[0]);
            assert!(!heard(&old), "the old database is still heard");
        });
        drop(desk);
        for n in &names {
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {n} WITH (FORCE)"));
        }
    }

    #[test]
    fn the_shared_url_is_only_for_an_open_postgres_desk() {
        let dir = tempfile::tempdir().unwrap();
        let desk = Desk::open(&dir.path().join("baoxiu.db"));
        assert_eq!(desk.shared_url(), None);
    }
}
