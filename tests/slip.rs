//! 维修单 slips: what the technician and the owner see on paper, checked the way a
//! person would — the text a PDF viewer finds, the embedded font, the QR code a
//! scanner reads — with poppler-utils and zbar-tools.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use baoxiu::input::{CompletionDraft, MaterialDraft, TicketDraft};
use baoxiu::outfile::Existing;
use baoxiu::slip::{self, Layout};
use baoxiu::store::Step;
use baoxiu::ticket::Ticket;
use baoxiu::Store;

use crate::common::{self, add_tech, at, db, db_at, draft, new_ticket, step};

fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| {
        panic!("{cmd} not runnable ({e}); apt-get install -y poppler-utils zbar-tools")
    });
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn text_of(pdf: &Path) -> String {
    tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
}

fn pages_of(pdf: &Path) -> usize {
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// The QR codes zbar finds on page `page` rendered at 150 dpi.
fn qr_codes(pdf: &Path, page: usize) -> Vec<String> {
    let prefix = pdf.with_extension(format!("p{page}"));
    let p = page.to_string();
    tool(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-f",
            &p,
            "-l",
            &p,
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let png = prefix.with_extension(format!("p{page}.png"));
    let png = if png.exists() {
        png
    } else {
        PathBuf::from(format!("{}.png", prefix.display()))
    };
    let out = Command::new("zbarimg")
        .args(["-q", png.to_str().unwrap()])
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("QR-Code:").map(str::to_string))
        .collect()
}

fn no_space(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Render and write `tickets` to `name` in the test's temp dir.
fn render_to(d: &common::TestDb, name: &str, tickets: &[Ticket], layout: Layout) -> PathBuf {
    let settings = d.store.settings().unwrap();
    let bytes = slip::render(tickets, layout, &settings, &at("2026-11-20 10:05")).unwrap();
    let path = d.dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    // SLIP_LOOK=/tmp/dir keeps a copy to look at.
    if let Ok(dir) = std::env::var("SLIP_LOOK") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(&path, Path::new(&dir).join(name)).unwrap();
    }
    path
}

fn office(store: &mut Store) {
    let mut s = store.settings().unwrap();
    s.office_name = "翠湖苑物业服务中心".into();
    s.hotline = "0571-88886666".into();
    store.update_settings(&s).unwrap();
}

/// Assigned, started, completed with two materials and a fee, and visited.
fn completed(store: &mut Store) -> Ticket {
    add_tech(store, "李师傅", &["水路"]);
    let t = new_ticket(store, "2026-11-20 08:00");
    step(
        store,
        &t.number,
        Step::Assign {
            technician: "李师傅".into(),
        },
        "2026-11-20 08:10",
    );
    step(store, &t.number, Step::Start, "2026-11-20 08:40");
    let done = CompletionDraft {
        cause: Some("下水管接头老化开裂".into()),
        measures: Some("更换下水管及接头，试水无渗漏".into()),
        materials: vec![
            MaterialDraft {
                name: Some("PVC下水管".into()),
                spec: Some("DN50".into()),
                quantity: Some(2.0),
                unit_price_fen: Some(3550),
            },
            MaterialDraft {
                name: Some("管接头".into()),
                spec: Some("DN50 直接".into()),
                quantity: Some(3.0),
                unit_price_fen: Some(1215),
            },
        ],
        labour_minutes: Some(90),
        paid: Some(true),
        fee_fen: Some(5000),
        ..Default::default()
    };
    step(store, &t.number, Step::Complete(done), "2026-11-20 09:30");
    step(
        store,
        &t.number,
        Step::Visit {
            satisfaction: "满意".into(),
            note: None,
            method: None,
            quality: None,
            attitude: None,
        },
        "2026-11-20 09:50",
    )
}

#[test]
fn a4_slip_has_the_fields_an_embedded_subset_font_and_a_scannable_qr() {
    let mut d = db();
    office(&mut d.store);
    let t = new_ticket(&mut d.store, "2026-11-20 09:00");
    let pdf = render_to(&d, "a4.pdf", std::slice::from_ref(&t), Layout::A4);

    let text = text_of(&pdf);
    for want in [
        "翠湖苑物业服务中心",
        "维修单（派工单）",
        t.number.as_str(),
        "王建国",
        "13800138000",
        "翠湖苑 3栋2单元501",
        "厨房水槽下水管漏水，地面有积水",
        "2026-11-20 09:00",
        "打印时间：2026-11-20 10:05",
        "水路",
        "到场时间",
        "完工时间",
        "故障原因",
        "处理措施",
        "材料名称",
        "规格型号",
        "合计金额（大写）",
        "维修结果",
        "非常满意",
        "不满意",
        "业主签字",
        "维修人签字",
        "服务热线：0571-88886666",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    assert!(!text.contains("补打"), "a first print is not a reprint");
    assert_eq!(pages_of(&pdf), 1);

    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let row = fonts
        .lines()
        .find(|l| l.contains("NotoSansSC"))
        .unwrap_or_else(|| panic!("{fonts}"));
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert!(
        cols[0].len() > 7 && cols[0].as_bytes()[6] == b'+',
        "subset tag: {row}"
    );
    assert!(
        row.contains("CID TrueType") && row.contains("Identity-H"),
        "{row}"
    );
    assert_eq!(
        &cols[cols.len() - 5..cols.len() - 2],
        ["yes", "yes", "yes"],
        "emb sub uni: {row}"
    );

    assert_eq!(qr_codes(&pdf, 1), vec![t.number.clone()]);
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(size < 150_000, "one slip is {size} bytes");
}

#[test]
fn a5x2_sheet_has_both_copies_and_a_cut_line() {
    let mut d = db();
    office(&mut d.store);
    let t = new_ticket(&mut d.store, "2026-11-20 09:00");
    let pdf = render_to(&d, "a5x2.pdf", std::slice::from_ref(&t), Layout::A5x2);
    let text = text_of(&pdf);
    assert_eq!(pages_of(&pdf), 1);
    for want in [
        "第一联 存根联",
        "第二联 客户联",
        "沿此线裁开",
        "本单一式两联",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    assert_eq!(text.matches(t.number.as_str()).count(), 2, "{text}");
    assert_eq!(text.matches("王建国").count(), 2);
    assert_eq!(text.matches("厨房水槽下水管漏水").count(), 2);
    assert_eq!(qr_codes(&pdf, 1), vec![t.number.clone(), t.number.clone()]);
}

#[test]
fn a_batch_prints_one_sheet_per_ticket_in_both_layouts() {
    let mut d = db();
    let tickets: Vec<Ticket> = (0..3)
        .map(|_| new_ticket(&mut d.store, "2026-11-20 09:00"))
        .collect();
    for layout in [Layout::A4, Layout::A5x2] {
        let pdf = render_to(
            &d,
            &format!("batch-{}.pdf", layout.code()),
            &tickets,
            layout,
        );
        assert_eq!(pages_of(&pdf), 3, "{layout:?}");
        let text = text_of(&pdf);
        for t in &tickets {
            assert!(text.contains(&t.number));
        }
        assert_eq!(qr_codes(&pdf, 3).first(), Some(&tickets[2].number));
    }
}

#[test]
fn a_3000_character_description_continues_whole_on_a_continuation_page() {
    let mut d = db();
    // Numbered sentences, so a lost or repeated line shows.
    let mut desc = String::new();
    let mut i = 0;
    while desc.chars().count() < 3000 {
        i += 1;
        desc.push_str(&format!(
            "第{i}处：墙面渗水发霉，需铲除重做防水，业主要求周末上门。"
        ));
    }
    let desc: String = desc.chars().take(3000).collect();
    let t = d
        .store
        .create_ticket(
            &TicketDraft {
                description: Some(desc.clone()),
                ..draft("2026-11-20 09:00")
            },
            "前台小李",
        )
        .unwrap();
    for layout in [Layout::A4, Layout::A5x2] {
        let pdf = render_to(
            &d,
            &format!("long-{}.pdf", layout.code()),
            std::slice::from_ref(&t),
            layout,
        );
        let pages = pages_of(&pdf);
        assert!(pages >= 2, "{layout:?}: {pages} pages");
        let text = text_of(&pdf);
        assert!(text.contains(slip::CONTINUED), "{layout:?}");
        // The description as read back: from 故障描述 to the continued mark on the slip
        // (the first copy, for a5x2), then every 故障描述（续） block, without the
        // continuation pages' headers and footers.
        let flat = no_space(&text);
        let first = flat.split("故障描述").nth(1).unwrap();
        let mut got = first.split(slip::CONTINUED).next().unwrap().to_string();
        for block in flat.split("故障描述（续）：").skip(1) {
            let mut body = block.to_string();
            // Page breaks inside the block: drop each footer and the next page's header.
            let footer = format!("工单{}续页", t.number);
            let header_end = "打印时间：2026-11-2010:05";
            while let Some(foot) = body.find(&footer) {
                match body[foot..].find(header_end) {
                    Some(h) => {
                        body = format!("{}{}", &body[..foot], &body[foot + h + header_end.len()..])
                    }
                    None => body.truncate(foot),
                }
            }
            let end = body.len();
            got.push_str(&body[..end]);
        }
        assert_eq!(got, no_space(&desc), "{layout:?}");
    }
}

#[test]
fn rare_name_characters_print_and_extract() {
    let mut d = db();
    let font = baoxiu::font::font().unwrap();
    let mut names = vec![
        "王玥".to_string(),
        "李喆".into(),
        "张堃".into(),
        "陈昇".into(),
        "刘珺".into(),
        "赵赟".into(),
        "周燚".into(),
    ];
    // CJK Extension B characters the bundled font has (Noto Sans SC carries a few
    // dozen, mostly those used in simplified-Chinese names and places).
    let ext_b: Vec<char> = (0x20000..0x2A6E0)
        .filter_map(char::from_u32)
        .filter(|c| font.has_char(*c))
        .collect();
    eprintln!("Extension B characters in the font: {}", ext_b.len());
    for c in ext_b.iter().take(3) {
        names.push(format!("王{c}"));
    }
    let tickets: Vec<Ticket> = names
        .iter()
        .map(|n| {
            d.store
                .create_ticket(
                    &TicketDraft {
                        reporter: Some(n.clone()),
                        description: Some(format!("{n}家卫生间漏水")),
                        ..draft("2026-11-20 09:00")
                    },
                    "前台小李",
                )
                .unwrap()
        })
        .collect();
    let pdf = render_to(&d, "rare.pdf", &tickets, Layout::A4);
    let text = text_of(&pdf);
    for n in &names {
        assert!(text.contains(n.as_str()), "{n} not extracted:\n{text}");
        assert!(text.contains(&format!("{n}家卫生间漏水")));
    }
}

#[test]
fn a_character_the_font_lacks_is_refused_and_nothing_is_written() {
    let mut d = db();
    let font = baoxiu::font::font().unwrap();
    // A private-use character, and an Extension B character the font does not have.
    let ext_b = (0x20000..0x2A6E0)
        .filter_map(char::from_u32)
        .find(|c| !font.has_char(*c))
        .expect("some Extension B character is outside the font");
    for (field, bad) in [
        ("报修人", "张\u{E000}".to_string()),
        ("故障描述", format!("门锁坏了{ext_b}")),
    ] {
        // Intake refuses such text since issue 8; a ticket stored before that (or by
        // another program) can still hold it, and printing must still refuse.
        let t = d
            .store
            .create_ticket(&draft("2026-11-20 09:00"), "前台小李")
            .unwrap();
        let column = if field == "报修人" {
            "reporter"
        } else {
            "description"
        };
        let sql = format!(
            "UPDATE tickets SET {column} = '{bad}' WHERE number = '{}'",
            t.number
        );
        common::raw_sql(&d.path(), &sql, &sql);
        let out = d.dir.path().join("bad.pdf");
        let e = slip::print_to_file(
            &mut d.store,
            std::slice::from_ref(&t.number),
            None,
            &out,
            "前台小李",
            Existing::Keep,
        )
        .unwrap_err();
        assert_eq!(e.code(), "missing_glyph");
        let bad_char = bad.chars().last().unwrap();
        let msg = e.to_string();
        assert!(
            msg.contains(&format!("“{bad_char}”"))
                && msg.contains(&format!("U+{:04X}", bad_char as u32)),
            "{msg}"
        );
        assert!(msg.contains(&format!("「{field}」")), "{msg}");
        assert!(!out.exists(), "no file for a refused print");
        assert!(!d.dir.path().join("bad.pdf.part").exists());
        assert_eq!(d.store.ticket(&t.number).unwrap().print_count, 0);
    }
}

#[test]
fn reprinting_a_completed_ticket_fills_in_the_result_and_says_reprint() {
    let mut d = db();
    let t = completed(&mut d.store);
    let pdf = render_to(&d, "reprint.pdf", std::slice::from_ref(&t), Layout::A4);
    let text = text_of(&pdf);
    for want in [
        "补打",
        "李师傅",
        "下水管接头老化开裂",
        "更换下水管及接头，试水无渗漏",
        "PVC下水管",
        "DN50",
        "35.50",
        "71.00",
        "管接头",
        "12.15",
        "36.45",
        // 71.00 + 36.45 = 107.45
        "￥107.45",
        "人民币壹佰零柒元肆角伍分",
        "金额：50.00 元",
        "90 分钟",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    let flat = no_space(&text);
    assert!(
        flat.contains("2026年11月20日08时40分"),
        "arrival time filled in:\n{text}"
    );
    assert!(
        flat.contains("2026年11月20日09时30分"),
        "completion time filled in"
    );

    let pdf = render_to(&d, "reprint-a5.pdf", std::slice::from_ref(&t), Layout::A5x2);
    let text = text_of(&pdf);
    assert_eq!(text.matches("补打").count(), 2);
    assert_eq!(text.matches("人民币壹佰零柒元肆角伍分").count(), 2);
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let mut d = db();
    office(&mut d.store);
    let tickets = vec![
        new_ticket(&mut d.store, "2026-11-20 09:00"),
        completed(&mut d.store),
    ];
    let settings = d.store.settings().unwrap();
    let when = at("2026-11-20 10:05");
    for layout in [Layout::A4, Layout::A5x2] {
        let a = slip::render(&tickets, layout, &settings, &when).unwrap();
        let b = slip::render(&tickets, layout, &settings, &when).unwrap();
        assert!(a == b, "{layout:?}: two renders differ");
        let later = slip::render(&tickets, layout, &settings, &at("2026-11-20 10:06")).unwrap();
        assert_ne!(a, later, "the print time is on the slip");
    }
}

#[test]
fn print_to_file_writes_the_pdf_and_records_a_printed_event() {
    let mut d = db();
    let a = new_ticket(&mut d.store, "2026-11-20 09:00");
    let b = new_ticket(&mut d.store, "2026-11-20 09:05");
    let out = d.dir.path().join("print.pdf");
    let numbers = vec![a.number.to_lowercase(), b.number.clone()];
    let done = slip::print_to_file(
        &mut d.store,
        &numbers,
        None,
        &out,
        "前台小李",
        Existing::Keep,
    )
    .unwrap();
    assert_eq!(done.path, out.display().to_string());
    assert_eq!(done.pages, 2);
    assert_eq!(done.tickets, vec![a.number.clone(), b.number.clone()]);
    assert_eq!(done.bytes as u64, std::fs::metadata(&out).unwrap().len());
    assert_eq!(pages_of(&out), 2);
    for n in [&a.number, &b.number] {
        assert_eq!(d.store.ticket(n).unwrap().print_count, 1);
        let history = d.store.history(n).unwrap();
        let last = history.last().unwrap();
        assert_eq!(last.action.code(), "printed");
        assert_eq!(last.operator, "前台小李");
    }
    let json = serde_json::to_value(&done).unwrap();
    assert_eq!(json["pages"], 2);

    // The second print is a 补打 and counts again.
    let again = slip::print_to_file(
        &mut d.store,
        std::slice::from_ref(&a.number),
        Some(Layout::A5x2),
        &out,
        "前台小李",
        Existing::Replace,
    )
    .unwrap();
    assert_eq!(again.pages, 1);
    assert_eq!(d.store.ticket(&a.number).unwrap().print_count, 2);
    let text = text_of(&out);
    assert!(
        text.contains("补打") && text.contains("第一联 存根联"),
        "{text}"
    );
    assert!(text.contains("第 2 次打印"), "{text}");
}

#[test]
fn print_to_file_refuses_a_missing_or_cancelled_ticket_before_writing() {
    let mut d = db();
    let a = new_ticket(&mut d.store, "2026-11-20 09:00");
    let out = d.dir.path().join("none.pdf");
    let before = d.store.dump().unwrap();
    let e = slip::print_to_file(
        &mut d.store,
        &[a.number.clone(), "BX-202611-9999".into()],
        None,
        &out,
        "前台小李",
        Existing::Keep,
    )
    .unwrap_err();
    assert_eq!(e.code(), "not_found");
    assert!(!out.exists());
    assert_eq!(d.store.dump().unwrap(), before);

    let c = new_ticket(&mut d.store, "2026-11-20 09:10");
    step(
        &mut d.store,
        &c.number,
        Step::Cancel {
            reason: "业主已自行修好".into(),
            duplicate_of: None,
        },
        "2026-11-20 09:20",
    );
    let e = slip::print_to_file(
        &mut d.store,
        std::slice::from_ref(&c.number),
        None,
        &out,
        "前台小李",
        Existing::Keep,
    )
    .unwrap_err();
    assert_eq!(e.code(), "wrong_status");
    assert!(!out.exists());

    let e =
        slip::print_to_file(&mut d.store, &[], None, &out, "前台小李", Existing::Keep).unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert!(!out.exists());
}

#[test]
fn the_default_layout_is_the_office_setting() {
    let mut d = db();
    let mut s = d.store.settings().unwrap();
    s.slip_layout = baoxiu::slip::Layout::A5x2;
    d.store.update_settings(&s).unwrap();
    let a = new_ticket(&mut d.store, "2026-11-20 09:00");
    let out = d.dir.path().join("default.pdf");
    slip::print_to_file(
        &mut d.store,
        std::slice::from_ref(&a.number),
        None,
        &out,
        "前台小李",
        Existing::Keep,
    )
    .unwrap();
    assert!(text_of(&out).contains("第二联 客户联"));
}

#[test]
fn more_materials_than_rows_and_long_measures_continue_on_a_continuation_page() {
    let mut d = db();
    add_tech(&mut d.store, "李师傅", &["水路"]);
    let t = new_ticket(&mut d.store, "2026-11-20 08:00");
    step(
        &mut d.store,
        &t.number,
        Step::Assign {
            technician: "李师傅".into(),
        },
        "2026-11-20 08:10",
    );
    step(&mut d.store, &t.number, Step::Start, "2026-11-20 08:40");
    let measures = "拆除旧管道，".repeat(60) + "试水无渗漏。";
    let done = CompletionDraft {
        cause: Some("管道老化".into()),
        measures: Some(measures.clone()),
        materials: (1..=8)
            .map(|i| MaterialDraft {
                name: Some(format!("配件{i}号")),
                spec: Some("DN20".into()),
                quantity: Some(1.0),
                unit_price_fen: Some(1000 * i),
            })
            .collect(),
        ..Default::default()
    };
    let t = step(
        &mut d.store,
        &t.number,
        Step::Complete(done),
        "2026-11-20 09:30",
    );
    let pdf = render_to(&d, "overflow.pdf", std::slice::from_ref(&t), Layout::A4);
    assert_eq!(pages_of(&pdf), 2);
    let text = text_of(&pdf);
    assert!(text.contains("另有 4 项，明细见附页"), "{text}");
    assert!(
        text.contains("使用材料（全部明细）") && text.contains("处理措施（续）"),
        "{text}"
    );
    for i in 1..=8 {
        assert!(text.contains(&format!("配件{i}号")), "material {i}");
    }
    // 10+20+…+80 元 = 360 元, all eight counted in the total on the slip.
    assert!(
        text.contains("￥360.00") && text.contains("人民币叁佰陆拾元整"),
        "{text}"
    );
    assert!(no_space(&text).contains("试水无渗漏。"));
}

#[test]
fn a_public_area_complaint_shows_its_location_and_kind() {
    let mut d = db();
    let mut s = d.store.settings().unwrap();
    s.office_name = "杭州市西湖区翠湖苑小区物业服务中心第二客服站".into();
    d.store.update_settings(&s).unwrap();
    let t = d
        .store
        .create_ticket(
            &TicketDraft {
                kind: Some("投诉".into()),
                scope: Some("公区".into()),
                building: None,
                unit: None,
                room: None,
                location: Some("3栋电梯厅".into()),
                urgency: Some("紧急".into()),
                ..draft("2026-11-20 09:00")
            },
            "前台小李",
        )
        .unwrap();
    let pdf = render_to(&d, "public.pdf", std::slice::from_ref(&t), Layout::A5x2);
    let text = text_of(&pdf);
    for want in [
        "报修位置",
        "3栋电梯厅",
        "工单类型：投诉",
        "杭州市西湖区翠湖苑小区物业服务中心第二客服站",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    assert_eq!(qr_codes(&pdf, 1).len(), 2);
}

#[test]
fn a_rescheduled_ticket_prints_the_new_appointment() {
    let mut d = db();
    let mut draft = draft("2026-11-20 08:00");
    draft.urgency = Some("scheduled".into());
    draft.appointment_at = Some("2026-11-21 10:00".into());
    let n = d.store.create_ticket(&draft, "前台").unwrap().number;
    let t = step(
        &mut d.store,
        &n,
        Step::Reschedule {
            appointment: "2026-11-22 15:30".into(),
            reason: "业主不在家".into(),
        },
        "2026-11-20 09:00",
    );
    let text = text_of(&render_to(&d, "rescheduled.pdf", &[t], Layout::A4));
    assert!(text.contains("2026-11-22 15:30"), "{text}");
    assert!(!text.contains("2026-11-21 10:00"), "{text}");
}

/// Dark pixels in the tick box just left of the first `label` on page 1 at 150 dpi: a
/// ticked box (☑) holds clearly more ink than an empty one (□).
fn tick_ink(pdf: &Path, label: &str) -> usize {
    let bbox = tool(
        "pdftotext",
        &["-bbox", "-f", "1", "-l", "1", pdf.to_str().unwrap(), "-"],
    );
    let word = bbox
        .lines()
        .find(|l| l.contains(&format!(">{label}</word>")))
        .unwrap_or_else(|| panic!("no {label:?} on the slip:\n{bbox}"));
    let attr = |name: &str| -> f64 {
        let start = word.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let len = word[start..].find('"').unwrap();
        word[start..start + len].parse().unwrap()
    };
    let (x_min, y_min, y_max) = (attr("xMin"), attr("yMin"), attr("yMax"));
    // pdftotext's word box is about 1.45 em high; the box sits 0.2–1.0 em left of the word.
    let em = (y_max - y_min) / 1.45;
    let prefix = pdf.with_extension("ink");
    tool(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-gray",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let pgm = std::fs::read(format!("{}.pgm", prefix.display())).unwrap();
    // P5 header: magic, width, height, maxval, then one whitespace byte.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..i]).to_string());
    }
    let pixels = &pgm[i + 1..];
    let width: usize = fields[1].parse().unwrap();
    let px = |pt: f64| (pt * 150.0 / 72.0).round() as usize;
    let (x0, x1) = (px(x_min - 1.05 * em), px(x_min - 0.1 * em));
    let (y0, y1) = (px(y_min), px(y_max));
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| y * width + x))
        .filter(|&k| pixels[k] < 128)
        .count()
}

/// The line of the slip's text that holds `label`.
fn line_with<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no {label:?} in:\n{text}"))
}

#[test]
fn the_slip_gives_the_technicians_phone_beside_the_name() {
    for layout in [Layout::A4, Layout::A5x2] {
        let mut d = db();
        add_tech(&mut d.store, "李师傅", &["水路"]);
        let t = new_ticket(&mut d.store, "2026-11-20 08:00");
        let waiting = new_ticket(&mut d.store, "2026-11-20 08:05");
        step(
            &mut d.store,
            &t.number,
            Step::Assign {
                technician: "李师傅".into(),
            },
            "2026-11-20 08:10",
        );
        let out = d.dir.path().join("phone.pdf");
        let numbers = vec![t.number.clone(), waiting.number.clone()];
        slip::print_to_file(
            &mut d.store,
            &numbers,
            Some(layout),
            &out,
            "前台小李",
            Existing::Keep,
        )
        .unwrap();
        let text = text_of(&out);
        let pages: Vec<&str> = text.split('\u{c}').collect();
        // The dispatched ticket: the name and, beside it, the phone the owner can call.
        let row = line_with(pages[0], "维修人员");
        assert!(
            row.contains("李师傅") && row.contains("维修人电话") && row.contains("13900001111"),
            "{layout:?}: {row}"
        );
        let copies = if layout == Layout::A5x2 { 2 } else { 1 };
        assert_eq!(
            pages[0].matches("13900001111").count(),
            copies,
            "{layout:?}"
        );
        // Not yet dispatched: both cells are left blank for the hand.
        let row = line_with(pages[1], "维修人员");
        assert!(row.contains("维修人电话"), "{layout:?}: {row}");
        assert!(!pages[1].contains("13900001111"), "{layout:?}");
    }
}

#[test]
fn the_slip_ticks_the_scope_in_home_or_public_area() {
    let mut d = db();
    office(&mut d.store);
    let home = new_ticket(&mut d.store, "2026-11-20 08:00");
    let mut public = draft("2026-11-20 08:05");
    public.scope = Some("public_area".into());
    public.building = None;
    public.unit = None;
    public.room = None;
    public.location = Some("6栋一楼大堂".into());
    let public = d.store.create_ticket(&public, "前台小李").unwrap();
    for layout in [Layout::A4, Layout::A5x2] {
        let pdf = render_to(
            &d,
            &format!("home-{layout:?}.pdf"),
            std::slice::from_ref(&home),
            layout,
        );
        let text = text_of(&pdf);
        let row = line_with(&text, "报修范围");
        assert!(row.contains("入户") && row.contains("公区"), "{row}");
        let (ticked, empty) = (tick_ink(&pdf, "入户"), tick_ink(&pdf, "公区"));
        assert!(
            ticked > empty + empty / 3,
            "{layout:?}: 入户 {ticked} vs 公区 {empty}"
        );

        let pdf = render_to(
            &d,
            &format!("public-{layout:?}.pdf"),
            std::slice::from_ref(&public),
            layout,
        );
        assert!(text_of(&pdf).contains("6栋一楼大堂"));
        let (ticked, empty) = (tick_ink(&pdf, "公区"), tick_ink(&pdf, "入户"));
        assert!(
            ticked > empty + empty / 3,
            "{layout:?}: 公区 {ticked} vs 入户 {empty}"
        );
    }
}

/// The top (`yMin`) and bottom (`yMax`) in points of the `nth` word `word` on page 1.
fn word_box(pdf: &Path, word: &str, nth: usize) -> (f64, f64) {
    let bbox = tool(
        "pdftotext",
        &["-bbox", "-f", "1", "-l", "1", pdf.to_str().unwrap(), "-"],
    );
    let line = bbox
        .lines()
        .filter(|l| l.contains(&format!(">{word}</word>")))
        .nth(nth)
        .unwrap_or_else(|| panic!("no {word:?} #{nth}:\n{bbox}"));
    let attr = |name: &str| -> f64 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let len = line[start..].find('"').unwrap();
        line[start..start + len].parse().unwrap()
    };
    (attr("yMin"), attr("yMax"))
}

#[test]
fn a_crowded_reworked_slip_stays_inside_its_part() {
    let mut d = db_at("2026-11-30 12:00");
    office(&mut d.store);
    add_tech(&mut d.store, "李师傅", &["水路"]);
    let mut long = draft("2026-11-20 08:00");
    long.scope = Some("public_area".into());
    long.building = None;
    long.unit = None;
    long.room = None;
    long.location = Some("6栋一楼大堂东侧消防通道旁的公共卫生间男厕第三个隔间".repeat(7));
    long.description = Some("地漏反水，地面积水严重，".repeat(40));
    let n = d.store.create_ticket(&long, "前台小李").unwrap().number;
    let completion = |round: usize| CompletionDraft {
        cause: Some(format!("第{round}次：地漏存水弯堵塞，").repeat(30)),
        measures: Some(format!("第{round}次：疏通并更换地漏芯，").repeat(30)),
        materials: (1..=8)
            .map(|i| MaterialDraft {
                name: Some(format!("配件{i}号")),
                spec: Some("DN50".into()),
                quantity: Some(1.0),
                unit_price_fen: Some(1000),
            })
            .collect(),
        labour_minutes: Some(60),
        paid: Some(true),
        fee_fen: Some(5000),
        ..Default::default()
    };
    let assign = || Step::Assign {
        technician: "李师傅".into(),
    };
    step(&mut d.store, &n, assign(), "2026-11-20 08:10");
    step(&mut d.store, &n, Step::Start, "2026-11-20 08:40");
    for round in 1..=3 {
        let day = 19 + round;
        step(
            &mut d.store,
            &n,
            Step::Complete(completion(round)),
            &format!("2026-11-{day} 09:30"),
        );
        if round < 3 {
            step(
                &mut d.store,
                &n,
                Step::Rework {
                    reason: "又反水".into(),
                },
                &format!("2026-11-{day} 10:00"),
            );
            step(
                &mut d.store,
                &n,
                Step::Start,
                &format!("2026-11-{} 08:00", day + 1),
            );
        }
    }
    let out = d.dir.path().join("crowded.pdf");
    slip::print_to_file(
        &mut d.store,
        std::slice::from_ref(&n),
        Some(Layout::A5x2),
        &out,
        "前台小李",
        Existing::Keep,
    )
    .unwrap();
    let text = text_of(&out);
    assert!(
        text.contains("往次维修（续）") && text.contains("故障描述（续）"),
        "{text}"
    );
    // The first copy's footer is above the cut line, the second's above the sheet's edge.
    let (cut_top, cut_bottom) = word_box(&out, "沿此线裁开", 0);
    let (_, first_foot) = word_box(&out, "本单一式两联：第一联存根，第二联交业主。", 0);
    let (second_top, _) = word_box(&out, "【第二联", 0);
    let (_, second_foot) = word_box(&out, "本单一式两联：第一联存根，第二联交业主。", 1);
    assert!(
        first_foot < cut_top,
        "first copy {first_foot} runs into the cut line {cut_top}"
    );
    assert!(cut_bottom < second_top, "{cut_bottom} {second_top}");
    let a4_height = 297.0 / 25.4 * 72.0;
    assert!(
        second_foot < a4_height - 8.0,
        "second copy ends at {second_foot}"
    );
}

/// The slip carries the owner's choices (issue 11): the 指定师傅 in the 维修人员 cell, and
/// until the work is done the latest 报价 with the owner's answer in the 收费 cell.
#[test]
fn the_slip_shows_the_technician_asked_for_and_the_quote() {
    for layout in [Layout::A4, Layout::A5x2] {
        let mut d = db();
        add_tech(&mut d.store, "李师傅", &["水路"]);
        let mut asked = draft("2026-11-20 08:00");
        asked.requested_technician = Some("李师傅".into());
        let t = d.store.create_ticket(&asked, "前台小李").unwrap();
        let print = |d: &mut common::TestDb, name: &str| {
            let out = d.dir.path().join(name);
            slip::print_to_file(
                &mut d.store,
                std::slice::from_ref(&t.number),
                Some(layout),
                &out,
                "前台小李",
                Existing::Keep,
            )
            .unwrap();
            text_of(&out)
        };
        let before = print(&mut d, "asked.pdf");
        assert!(
            line_with(&before, "维修人员").contains("（业主指定 李师傅）"),
            "{before}"
        );
        step(
            &mut d.store,
            &t.number,
            Step::Assign {
                technician: "李师傅".into(),
            },
            "2026-11-20 08:10",
        );
        step(
            &mut d.store,
            &t.number,
            Step::Quote {
                items: "更换三角阀1个、人工1次".into(),
                amount_fen: 5500,
                consent: true,
            },
            "2026-11-20 08:20",
        );
        let quoted = print(&mut d, "quoted.pdf");
        assert!(
            line_with(&quoted, "维修人员").contains("李师傅（业主指定）"),
            "{quoted}"
        );
        assert!(
            line_with(&quoted, "报价 ").contains("报价 55.00 元（业主同意）"),
            "{quoted}"
        );
    }
}
