//! 超时提醒: a desktop notification when a ticket becomes overdue, once per ticket and
//! stage. The core decides what is overdue; this only remembers what it already told.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, Weak};
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

/// What the watcher remembers between rounds: which store it looked at last (not kept
/// open: after 数据库连接 switches away, the old database's connection must close) and
/// which (ticket, stage) it already told about.
#[derive(Default)]
pub struct Watcher {
    watched: Option<Weak<Mutex<Store>>>,
    told: HashSet<(String, String)>,
}

impl Watcher {
    /// One look at `store` (the desk's store of the moment): the notifications to show,
    /// as (title, body). The first look at a store sums up what is already late in one
    /// notification instead of one each (an office opening on Monday morning would
    /// otherwise get dozens); after that each newly late ticket and stage notifies once.
    pub fn round(&mut self, store: &Arc<Mutex<Store>>) -> Vec<(String, String)> {
        let first = !self
            .watched
            .as_ref()
            .is_some_and(|w| std::ptr::eq(w.as_ptr(), Arc::as_ptr(store)));
        let Some(now) = overdue_now(store) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if first {
            self.told.clear();
            if !now.is_empty() {
                out.push((
                    "报修台：有超时工单".to_string(),
                    format!("当前共有 {} 张工单超时，请在工作台查看并跟催。", now.len()),
                ));
            }
            self.told.extend(now);
            self.watched = Some(Arc::downgrade(store));
        } else {
            for (number, stage) in now {
                if self.told.insert((number.clone(), stage.clone())) {
                    out.push((
                        format!("工单 {number} {stage}超时"),
                        "请在工作台查看并跟催。".to_string(),
                    ));
                }
            }
        }
        out
    }
}

/// Start the watcher thread. Each round looks at the desk's store of the moment: after
/// 数据库连接 switches to another database (or the first one opens at last), that one
/// is watched, starting again with a summary.
pub fn watch(app: AppHandle) {
    std::thread::spawn(move || {
        // Let the first screen load before the first (larger) look.
        std::thread::sleep(Duration::from_secs(10));
        let mut watcher = Watcher::default();
        loop {
            if let Some(store) = app.state::<Desk>().shared() {
                for (title, body) in watcher.round(&store) {
                    show(&app, &title, &body);
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

#[cfg(test)]
mod tests {
    use super::*;
    use baoxiu::clock::Time;

    fn at(s: &str) -> Time {
        baoxiu::clock::OfficeZone::default()
            .parse_input("test", s)
            .unwrap()
    }

    /// A store with one ticket registered long ago, so it is overdue now.
    fn late_store(dir: &std::path::Path, name: &str) -> Arc<Mutex<Store>> {
        let mut s = Store::open(dir.join(name)).unwrap();
        s.set_now(Some(at("2026-11-02 09:00")));
        let draft: baoxiu::input::TicketDraft = serde_json::from_value(serde_json::json!({
            "reporter": "王秀英", "phone": "13812348000", "site": "翠湖苑", "building": "3",
            "unit": "2", "room": "501", "category": "水路", "description": "厨房水管漏水"
        }))
        .unwrap();
        s.add_site("翠湖苑").unwrap();
        s.create_ticket(&draft, "前台").unwrap();
        s.set_now(Some(at("2026-11-09 09:00")));
        Arc::new(Mutex::new(s))
    }

    #[test]
    fn a_switched_store_is_summed_up_afresh_and_the_old_one_is_let_go() {
        let dir = tempfile::tempdir().unwrap();
        let old = late_store(dir.path(), "old.db");
        let new = late_store(dir.path(), "new.db");
        let mut w = Watcher::default();

        let said = w.round(&old);
        assert_eq!(said.len(), 1, "{said:?}");
        assert_eq!(said[0].0, "报修台：有超时工单");
        assert!(w.round(&old).is_empty(), "told once");
        // Between rounds the watcher keeps nothing open: when 数据库连接 switches away,
        // the old database's connection closes at once, not a minute later.
        assert_eq!(Arc::strong_count(&old), 1);

        // 数据库连接 switched: the new database gets its own summary, and the watcher
        // holds nothing that keeps the old database (its connection) open.
        let said = w.round(&new);
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].1.contains("当前共有 1 张工单超时"), "{said:?}");
        let gone = Arc::downgrade(&old);
        drop(old);
        assert!(gone.upgrade().is_none());
    }
}
