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
        let source = || app.try_state::<Desk>().and_then(|d| shared_url(d.inner()));
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

/// The real address of the open database when it is the shared PostgreSQL one (the
/// same test `Store::open` uses to choose the engine); `None` for a SQLite file or when
/// no database could be opened.
pub fn shared_url(desk: &Desk) -> Option<String> {
    desk.shared()?;
    let url = desk.db_path();
    baoxiu::store::postgres::is_url(url).then(|| url.to_string())
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

    use super::*;

    fn change(number: &str) -> Change {
        Change {
            number: number.into(),
            action: "complete".into(),
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

    #[test]
    fn the_shared_url_is_only_for_an_open_postgres_desk() {
        let dir = tempfile::tempdir().unwrap();
        let desk = Desk::open(&dir.path().join("baoxiu.db"));
        assert_eq!(shared_url(&desk), None);
    }
}
