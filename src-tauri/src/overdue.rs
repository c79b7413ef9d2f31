//! 超时提醒: a desktop notification when a ticket becomes overdue, once per ticket and
//! stage. The core decides what is overdue; this only remembers what it already told.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use baoxiu::store::TicketFilter;
use baoxiu::Store;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

use crate::desk::Desk;

const EVERY: Duration = Duration::from_secs(60);

/// The overdue (ticket, stage) pairs right now, a page at a time so the window's own
/// requests are never kept waiting for long.
fn overdue_now(store: &Arc<Mutex<Store>>) -> Option<Vec<(String, String)>> {
    const PAGE: i64 = 1000;
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        // A poisoned lock or a panic in the core must not stop the alerts for good.
        let page = crate::desk::with_store(store, |s| {
            s.list_tickets(&TicketFilter {
                overdue: true,
                limit: Some(PAGE),
                offset: Some(offset),
                ..Default::default()
            })
        })
        .ok()?;
        let n = page.tickets.len() as i64;
        out.extend(
            page.tickets
                .into_iter()
                .filter_map(|t| t.overdue_stage.map(|s| (t.number, s.label().to_string()))),
        );
        offset += n;
        if n < PAGE || offset >= page.total {
            return Some(out);
        }
    }
}

/// Start the watcher thread. At start-up the tickets already late are summed up in one
/// notification instead of one each (an office opening on Monday morning would
/// otherwise get dozens); after that each newly late ticket and stage notifies once.
/// Each round looks at the desk's store of the moment: after 数据库连接 switches to
/// another database (or the first one opens at last), that one is watched, starting
/// again with a summary.
pub fn watch(app: AppHandle) {
    std::thread::spawn(move || {
        // Let the first screen load before the first (larger) look.
        std::thread::sleep(Duration::from_secs(10));
        let mut watched: Option<Arc<Mutex<Store>>> = None;
        let mut told: HashSet<(String, String)> = HashSet::new();
        loop {
            if let Some(store) = app.state::<Desk>().shared() {
                let first = !watched.as_ref().is_some_and(|w| Arc::ptr_eq(w, &store));
                if let Some(now) = overdue_now(&store) {
                    if first {
                        told.clear();
                        if !now.is_empty() {
                            show(
                                &app,
                                "报修台：有超时工单",
                                &format!(
                                    "当前共有 {} 张工单超时，请在工作台查看并跟催。",
                                    now.len()
                                ),
                            );
                        }
                        told.extend(now);
                        watched = Some(store);
                    } else {
                        for (number, stage) in now {
                            if told.insert((number.clone(), stage.clone())) {
                                show(
                                    &app,
                                    &format!("工单 {number} {stage}超时"),
                                    "请在工作台查看并跟催。",
                                );
                            }
                        }
                    }
                }
            }
            std::thread::sleep(EVERY);
        }
    });
}

fn show(app: &AppHandle, title: &str, body: &str) {
    // No notification service (a bare Linux session, CI): the counters still show it.
    let _ = app.notification().builder().title(title).body(body).show();
}
