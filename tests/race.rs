//! Several PCs on one office database at the same moment (threads with their own
//! connections, or separate `baoxiu` processes): numbers stay unique and gapless, and a
//! step raced from two screens is applied once — the loser gets `conflict` and nothing.
//! Runs on SQLite and, in the PostgreSQL pass, on the shared server.

use std::sync::{Arc, Barrier};

use baoxiu::store::Step;
use baoxiu::ticket::Status;

use crate::common::{add_tech, at, db, new_ticket, open_at, step};

/// What one PC got: the new status, or the refusal's code and message.
type Outcome = Result<String, (String, String)>;

/// Two screens that both showed the ticket as `seen` send their step at once.
fn race(steps: [Step; 2], seen: Status) -> (Vec<Outcome>, String, crate::common::TestDb) {
    let mut d = db();
    add_tech(&mut d.store, "张师傅", &["水路"]);
    add_tech(&mut d.store, "李师傅", &["水路"]);
    let t = new_ticket(&mut d.store, "2026-11-20 09:00");
    if seen == Status::Assigned {
        step(
            &mut d.store,
            &t.number,
            Step::Assign {
                technician: "张师傅".into(),
            },
            "2026-11-20 09:05",
        );
    }
    let barrier = Arc::new(Barrier::new(2));
    let handles: Vec<_> = steps
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let (location, dir) = (d.path(), d.dir.path().to_path_buf());
            let (number, barrier) = (t.number.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut pc = open_at(&location, &dir);
                pc.set_now(Some(at("2026-11-20 10:00")));
                barrier.wait();
                pc.apply_step_seen(&number, s, None, &format!("电脑{}", i + 1), Some(seen))
                    .map(|t| t.status.code().to_string())
                    .map_err(|e| (e.code().to_string(), e.to_string()))
            })
        })
        .collect();
    let results = handles.into_iter().map(|h| h.join().unwrap()).collect();
    (results, t.number, d)
}

#[test]
fn two_dispatches_at_once_are_applied_once_and_the_other_pc_is_told() {
    let (results, number, d) = race(
        [
            Step::Assign {
                technician: "张师傅".into(),
            },
            Step::Assign {
                technician: "李师傅".into(),
            },
        ],
        Status::Received,
    );
    let won: Vec<_> = results.iter().filter(|r| r.is_ok()).collect();
    let lost: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!((won.len(), lost.len()), (1, 1), "{results:?}");
    let (code, msg) = lost[0];
    assert_eq!(code, "conflict");
    assert!(
        msg.contains(&number)
            && msg.contains("已派单")
            && msg.contains("电脑")
            && msg.contains("刷新"),
        "{msg}"
    );
    let history = d.store.history(&number).unwrap();
    let assigns = history
        .iter()
        .filter(|e| e.action.code() == "assign" || e.action.code() == "reassign")
        .count();
    assert_eq!(assigns, 1, "one 派单 in the history");
}

#[test]
fn completing_while_another_pc_cancels_applies_exactly_one() {
    let (results, number, d) = race(
        [
            Step::Start,
            Step::Cancel {
                reason: "业主已自行修好".into(),
                duplicate_of: None,
            },
        ],
        Status::Assigned,
    );
    let won = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(won, 1, "{results:?}");
    let lost = results.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert_eq!(lost.0, "conflict", "{lost:?}");
    let status = d.store.ticket(&number).unwrap().status;
    assert!(matches!(status, Status::InProgress | Status::Cancelled));
    let changes = d
        .store
        .history(&number)
        .unwrap()
        .iter()
        .filter(|e| e.action.code() == "start" || e.action.code() == "cancel")
        .count();
    assert_eq!(changes, 1);
}

#[test]
fn a_screen_that_saw_an_old_status_changes_nothing() {
    let mut d = db();
    add_tech(&mut d.store, "张师傅", &["水路"]);
    let t = new_ticket(&mut d.store, "2026-11-20 09:00");
    step(
        &mut d.store,
        &t.number,
        Step::Assign {
            technician: "张师傅".into(),
        },
        "2026-11-20 09:05",
    );
    let before = d.store.dump().unwrap();
    let e = d
        .store
        .apply_step_seen(
            &t.number,
            Step::Assign {
                technician: "张师傅".into(),
            },
            None,
            "前台小李",
            Some(Status::Received),
        )
        .unwrap_err();
    assert_eq!(e.code(), "conflict");
    assert!(e.to_string().contains("「已派单」"), "{e}");
    assert_eq!(d.store.dump().unwrap(), before);
}

/// Eight `baoxiu` processes registering at the same moment: every number once, no gaps.
#[test]
fn eight_processes_creating_at_once_get_gapless_numbers() {
    let c = crate::cli::Cli::new();
    c.ok(&["counters"], ""); // create and migrate once, like an office that exists
    let drafts: Vec<String> = (0..8)
        .map(|i| crate::cli::NEW.replace("王建国", &format!("住户{i}")))
        .collect();
    let c = &c;
    let mut numbers: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = drafts
            .iter()
            .map(|draft| {
                scope.spawn(move || {
                    c.ok(&["ticket", "new"], draft)["number"]
                        .as_str()
                        .unwrap()
                        .to_string()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    numbers.sort();
    let expected: Vec<String> = (1..=8).map(|i| format!("BX-202611-{i:04}")).collect();
    assert_eq!(numbers, expected);
}
