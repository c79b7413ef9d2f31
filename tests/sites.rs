//! 基础资料 without typos (issue 11): a 小区 is declared before tickets name it, a
//! misspelt one is refused with the list of known ones, public locations come from a
//! per-小区 list, phones keep the way they were written, and the duplicate warning
//! finds the same public spot written a little differently.

use baoxiu::account::Role;
use baoxiu::store::{Settings, TicketFilter};
use baoxiu::ticket::similar_locations;

use crate::cli::Cli;
use crate::common::*;

#[test]
fn a_ticket_naming_an_unknown_site_is_refused_with_the_known_ones_and_changes_nothing() {
    let mut t = db();
    let before = t.store.dump().unwrap();
    let mut d = draft("2026-11-20 09:00");
    d.site = Some("翠湖园".into());
    let e = t.store.create_ticket(&d, "前台小李").unwrap_err();
    assert_eq!(e.code(), "not_found");
    assert_eq!(
        e.to_string(),
        "小区“翠湖园”不存在，已有小区：枫林湾、翠湖苑。请选择已有小区；新小区请先在「基础资料」中添加"
    );
    assert_eq!(t.store.dump().unwrap(), before);
    assert_eq!(
        t.store.sites().unwrap().len(),
        2,
        "no third 小区 from a typo"
    );

    // A resident saved in 基础资料 must name a known 小区 too.
    let e = t
        .store
        .save_contact("翠湖园", "3", "2", "501", "王建国", &["13800138000".into()])
        .unwrap_err();
    assert_eq!(e.code(), "not_found");
    assert_eq!(t.store.dump().unwrap(), before);
}

#[test]
fn sites_and_their_public_locations_are_declared_once_by_the_administrator() {
    let mut t = db();
    let site = t.store.add_site(" 桂花园 ").unwrap();
    assert_eq!(site.name, "桂花园");
    assert_eq!(site.units, 0);
    let before = t.store.dump().unwrap();
    let e = t.store.add_site("桂花园").unwrap_err();
    assert_eq!(e.to_string(), "小区“桂花园”已存在，无需重复添加");
    assert_eq!(t.store.dump().unwrap(), before);

    t.store
        .add_site_location("桂花园", "地下车库B2入口")
        .unwrap();
    let site = t.store.add_site_location("桂花园", "6栋一楼大堂").unwrap();
    assert_eq!(site.locations, ["6栋一楼大堂", "地下车库B2入口"]);
    let before = t.store.dump().unwrap();
    assert!(t
        .store
        .add_site_location("桂花园", "6栋一楼大堂")
        .unwrap_err()
        .to_string()
        .contains("已有公区位置"));
    assert_eq!(
        t.store
            .add_site_location("不存在小区", "大门")
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(t.store.dump().unwrap(), before);

    // Only the administrator declares them; the desk may not.
    t.store
        .add_account("王管理", Role::Admin, "pass-admin")
        .unwrap();
    t.store.login("王管理", "pass-admin").unwrap();
    t.store
        .add_account("小陈", Role::Desk, "pass-desk")
        .unwrap();
    t.store.sign_out();
    t.store.login("小陈", "pass-desk").unwrap();
    let before = t.store.dump().unwrap();
    let e = t.store.add_site("新小区").unwrap_err();
    assert_eq!(e.code(), "forbidden");
    assert_eq!(t.store.dump().unwrap(), before);
}

#[test]
fn phones_keep_the_way_they_were_written_and_are_still_found_by_their_digits() {
    let mut t = db();
    let mut s: Settings = t.store.settings().unwrap();
    s.hotline = "0571-88886666".into();
    assert_eq!(
        t.store.update_settings(&s).unwrap().hotline,
        "0571-88886666"
    );

    let mut d = draft("2026-11-20 09:00");
    d.phone = Some("0571-8888 1234".into());
    let ticket = t.store.create_ticket(&d, "前台小李").unwrap();
    assert_eq!(ticket.phone, "0571-8888 1234");
    for q in ["88881234", "1234", "0571-8888"] {
        let page = t
            .store
            .list_tickets(&TicketFilter {
                q: Some(q.into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(page.total, 1, "search {q}");
    }
    // Still checked: a number that is not one is refused.
    let before = t.store.dump().unwrap();
    d.phone = Some("0571-888".into());
    assert_eq!(
        t.store.create_ticket(&d, "前台小李").unwrap_err().code(),
        "invalid_input"
    );
    assert_eq!(t.store.dump().unwrap(), before);
}

#[test]
fn similar_public_locations_are_the_same_spot() {
    for (a, b) in [
        ("6栋一楼大堂", "6栋大堂"),
        ("地下车库B2入口", "B2车库入口"),
        ("6栋 一楼大堂", "６栋一楼大堂"),
        ("东门岗亭", "东门 岗亭旁"),
    ] {
        assert!(similar_locations(a, b), "{a} ~ {b}");
    }
    for (a, b) in [
        ("6栋一楼大堂", "9栋电梯厅"),
        ("地下车库B2入口", "南门"),
        ("", "南门"),
    ] {
        assert!(!similar_locations(a, b), "{a} !~ {b}");
    }
}

#[test]
fn the_duplicate_warning_finds_the_same_public_spot_written_differently() {
    let mut t = db();
    let public = |location: &str| {
        let mut d = draft("2026-11-20 09:00");
        d.scope = Some("public_area".into());
        d.building = None;
        d.unit = None;
        d.room = None;
        d.location = Some(location.into());
        d.category = Some("电路".into());
        d
    };
    let first = t
        .store
        .create_ticket(&public("6栋一楼大堂"), "前台小李")
        .unwrap();
    let found = t.store.possible_duplicates(&public("6栋大堂")).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].number, first.number);
    assert!(t
        .store
        .possible_duplicates(&public("地下车库B2入口"))
        .unwrap()
        .is_empty());
    let mut other_site = public("6栋大堂");
    other_site.site = Some("枫林湾".into());
    assert!(t.store.possible_duplicates(&other_site).unwrap().is_empty());
}

#[test]
fn the_cli_declares_sites_and_ticket_new_warns_of_duplicates() {
    let c = Cli::empty();
    let ticket = r#"{"reporter":"王建国","phone":"0571-88886666","site":"翠湖苑","building":"3","unit":"2","room":"501","category":"水路","description":"厨房漏水"}"#;
    let (code, msg) = c.refused(&["ticket", "new"], ticket);
    assert_eq!(code, "not_found");
    assert!(msg.contains("还没有登记任何小区"), "{msg}");

    let site = c.ok(&["site", "add", "翠湖苑"], "");
    assert_eq!(site["name"], "翠湖苑");
    c.ok(&["site", "location", "翠湖苑", "6栋一楼大堂"], "");
    let list = c.ok(&["site", "list"], "");
    assert_eq!(list[0]["locations"][0], "6栋一楼大堂");

    let first = c.ok(&["ticket", "new"], ticket);
    assert_eq!(first["phone"], "0571-88886666");
    assert!(first.get("duplicates").is_none(), "{first}");
    let again = c.ok(&["ticket", "new"], ticket);
    assert_eq!(again["duplicates"], serde_json::json!([first["number"]]));

    let (code, msg) = c.refused(&["ticket", "new"], &ticket.replace("翠湖苑", "不存在小区"));
    assert_eq!(code, "not_found");
    assert!(msg.contains("已有小区：翠湖苑"), "{msg}");
}

/// 收费标准: the 管理员 keeps the price list; a price that is not one is refused and
/// nothing changes; changes are logged before → after.
#[test]
fn the_price_list_is_kept_in_master_data_and_from_the_cli() {
    let c = Cli::new();
    let item = c.ok(
        &[
            "price",
            "add",
            "--name",
            "更换三角阀",
            "--unit",
            "个",
            "--price-fen",
            "3500",
        ],
        "",
    );
    assert_eq!(item["price_fen"], 3500);
    c.ok(
        &[
            "price",
            "add",
            "--name",
            "上门服务费",
            "--unit",
            "次",
            "--price-fen",
            "2000",
        ],
        "",
    );
    let (code, msg) = c.refused(
        &[
            "price",
            "add",
            "--name",
            "疏通",
            "--unit",
            "次",
            "--price-fen",
            "-1",
        ],
        "",
    );
    assert_eq!(code, "invalid_input");
    assert!(msg.contains("单价必须在 0 到"), "{msg}");
    c.ok(
        &[
            "price",
            "add",
            "--name",
            "更换三角阀",
            "--unit",
            "个",
            "--price-fen",
            "4000",
        ],
        "",
    );
    let list = c.ok(&["price", "list"], "");
    let names: Vec<(&str, i64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap(),
                p["price_fen"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(names, [("上门服务费", 2000), ("更换三角阀", 4000)]);
    let log = c.ok(&["log", "--kind", "master_data"], "");
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["subject"] == "收费标准 更换三角阀"
                && e["detail"]
                    .as_str()
                    .unwrap()
                    .contains("单价：35.00 元 → 40.00 元")),
        "{log}"
    );
}
