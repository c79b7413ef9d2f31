//! 导入: the sample ledgers in tests/fixtures (copied from the shared fixtures) (a GBK CSV with other header names, an
//! XLSX with a merged title row, a numbered blank line and messy phones), an XLSX with
//! bad rows made here, re-import idempotence, and failed imports leaving the database
//! exactly as it was.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers: a failure is the test failing

use std::path::PathBuf;

use baoxiu::import::{self, Field};
use rust_xlsxwriter::{Format, Workbook};

use crate::common::{db, dump_data};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

const GBK_CSV: &str = "住户名单-枫林湾-GBK.csv";
const LEDGER_XLSX: &str = "房屋台账-翠湖苑.xlsx";

#[test]
fn gbk_csv_with_other_header_names() {
    let mut t = db();
    let before = t.store.dump().unwrap();
    let p = import::preview(&t.store, fixture(GBK_CSV)).unwrap();
    assert_eq!(t.store.dump().unwrap(), before, "a preview writes nothing");
    assert_eq!(p.encoding.as_deref(), Some("GBK"));
    assert_eq!(p.header_row, 1);
    let headers: Vec<(Field, &str)> = p
        .columns
        .iter()
        .map(|c| (c.field, c.header.as_str()))
        .collect();
    assert_eq!(
        headers,
        vec![
            (Field::Site, "小区"),
            (Field::Building, "楼号"),
            (Field::Unit, "单元"),
            (Field::Room, "室号"),
            (Field::Name, "姓名"),
            (Field::Phone, "手机"),
        ]
    );
    assert_eq!((p.rows_total, p.rows_ok, p.problems.len()), (30, 30, 0));
    assert_eq!((p.units_new, p.contacts_new, p.phones_new), (30, 30, 31));
    // Preview writes nothing.
    assert!(t.store.lookup_caller("18117749129").unwrap().is_empty());

    let r = import::commit(&mut t.store, fixture(GBK_CSV)).unwrap();
    assert_eq!(
        (
            r.rows_imported,
            r.units_added,
            r.contacts_added,
            r.phones_added
        ),
        (30, 30, 30, 31)
    );

    // Two numbers joined by '/', a name with a GBK-only character, 1栋 and 1 the same.
    let m = t.store.lookup_caller("18117749129").unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].contact, "姚翀娟");
    assert_eq!(m[0].phones, vec!["13612960209", "18117749129"]);
    assert_eq!(
        (
            m[0].site.as_str(),
            m[0].building.as_str(),
            m[0].unit.as_str(),
            m[0].room.as_str()
        ),
        ("枫林湾", "1", "1", "502")
    );
    assert_eq!(
        t.store.lookup_caller("18614116961").unwrap()[0].contact,
        "柏犇雨"
    );
    assert_eq!(
        t.store.lookup_caller("17534064646").unwrap()[0].contact,
        "邵芳",
        "+86 prefix"
    );
    assert_eq!(
        t.store.lookup_caller("19852872913").unwrap()[0].contact,
        "吴娟",
        "198-5287-2913"
    );
    let sites: Vec<_> = t
        .store
        .sites()
        .unwrap()
        .into_iter()
        .filter(|s| s.units > 0)
        .collect();
    assert_eq!(sites.len(), 1);
    assert_eq!(sites[0].units, 30, "1栋/1 and 1单元/1 are the same units");
}

#[test]
fn xlsx_ledger_with_title_row_blank_line_and_bad_rows() {
    let mut t = db();
    let p = import::preview(&t.store, fixture(LEDGER_XLSX)).unwrap();
    assert_eq!(p.sheet.as_deref(), Some("房屋台账"));
    assert_eq!(p.header_row, 2, "the merged title row is skipped");
    assert_eq!(p.columns.len(), 6);
    assert_eq!(p.rows_blank, 1, "row 43 has only its 序号");
    assert_eq!(p.rows_total, 73);
    let problems: Vec<(usize, &str)> = p
        .problems
        .iter()
        .map(|x| (x.row, x.reason.as_str()))
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(problems[0].0, 23);
    assert!(problems[0].1.contains("房号为空"), "{}", problems[0].1);
    assert_eq!(problems[1].0, 33);
    assert!(
        problems[1].1.contains("1381234") && problems[1].1.contains("格式不对"),
        "{}",
        problems[1].1
    );
    assert_eq!(p.rows_ok, 71);
    // Row 76 repeats row 8 (邱涵子, 1-1-302): one unit, one contact.
    assert_eq!((p.units_new, p.contacts_new, p.phones_new), (70, 70, 73));
    let row3 = &p.rows[0];
    assert_eq!(
        (row3.row, row3.building.as_str(), row3.unit.as_str()),
        (3, "1栋", "1单元")
    );
    assert_eq!(row3.phones, vec!["19083016613"], "190 8301 6613");
    let no_phone = p.rows.iter().find(|r| r.row == 13).unwrap();
    assert_eq!((no_phone.name.as_str(), no_phone.phones.len()), ("潘然", 0));

    let r = import::commit(&mut t.store, fixture(LEDGER_XLSX)).unwrap();
    assert_eq!(
        (
            r.rows_imported,
            r.units_added,
            r.contacts_added,
            r.phones_added
        ),
        (71, 70, 70, 73)
    );
    assert_eq!(r.problems.len(), 2);
    let m = t.store.lookup_caller("13650201462").unwrap();
    assert_eq!(
        (
            m[0].contact.as_str(),
            m[0].building.as_str(),
            m[0].room.as_str()
        ),
        ("庄德怡", "2", "102")
    );
    assert_eq!(
        t.store.lookup_caller("18846563212").unwrap()[0].contact,
        "鲁丹秀",
        "+86 18846563212"
    );

    // Importing the same file again adds nothing and changes nothing.
    let before = dump_data(&t.store);
    let again = import::commit(&mut t.store, fixture(LEDGER_XLSX)).unwrap();
    assert_eq!(
        (again.units_added, again.contacts_added, again.phones_added),
        (0, 0, 0)
    );
    assert_eq!(
        dump_data(&t.store),
        before,
        "only the 操作日志 has a new line"
    );
    let p2 = import::preview(&t.store, fixture(LEDGER_XLSX)).unwrap();
    assert_eq!((p2.units_new, p2.contacts_new, p2.phones_new), (0, 0, 0));
}

/// A small ledger the way offices make them: title merged across, 楼栋 merged down.
fn made_xlsx(dir: &std::path::Path, rows: &[[&str; 6]]) -> PathBuf {
    let path = dir.join("台账.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Sheet1").unwrap();
    ws.merge_range(0, 0, 0, 5, "阳光花园业主名单", &Format::new().set_bold())
        .unwrap();
    for (c, h) in ["项目", "栋", "单元", "门牌", "业主", "手机"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (i, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(2 + i as u32, c as u16, *v).unwrap();
            }
        }
    }
    // 楼栋 "5栋" merged over the first two data rows (rows 3–4).
    ws.merge_range(2, 1, 3, 1, "5栋", &Format::new()).unwrap();
    wb.save(&path).unwrap();
    path
}

#[test]
fn xlsx_with_a_bad_row_imports_the_good_ones_only() {
    let mut t = db();
    let path = made_xlsx(
        t.dir.path(),
        &[
            ["阳光花园", "", "1", "101", "周一", "138-0013-8000"],
            ["阳光花园", "", "1", "102", "吴二", "138 0013 8001"],
            ["阳光花园", "6", "2", "201", "郑三", "12345"],
            ["阳光花园", "6", "2", "", "王四", "13800138003"],
            ["阳光花园", "6", "2", "203", "", "13800138004"],
            ["阳光花园", "6", "2", "204", "冯五", ""],
        ],
    );
    let p = import::preview(&t.store, &path).unwrap();
    let problems: Vec<usize> = p.problems.iter().map(|x| x.row).collect();
    assert_eq!(problems, vec![5, 6, 7]);
    assert!(
        p.problems[0].reason.contains("“12345”格式不对"),
        "{}",
        p.problems[0].reason
    );
    assert!(p.problems[1].reason.contains("房号为空"));
    assert!(p.problems[2].reason.contains("没有姓名"));
    assert_eq!(p.rows_ok, 3);
    assert_eq!(p.rows[1].building, "5栋", "filled from the merged cell");

    let r = import::commit(&mut t.store, &path).unwrap();
    assert_eq!(
        (r.rows_imported, r.units_added, r.contacts_added),
        (3, 3, 3)
    );
    let m = t.store.lookup_caller("13800138001").unwrap();
    assert_eq!(
        (m[0].contact.as_str(), m[0].building.as_str()),
        ("吴二", "5")
    );
}

/// A room without 楼栋 in a 小区 whose other rows have one is a problem row (which 301?),
/// not an ambiguous unit; a 小区 that has no 楼栋 at all (villas) imports as is.
#[test]
fn a_room_without_building_beside_rows_with_one_is_a_problem_row() {
    let mut t = db();
    let path = made_xlsx(
        t.dir.path(),
        &[
            ["阳光花园", "", "1", "101", "周一", "13800138000"],
            ["阳光花园", "", "1", "102", "吴二", "13800138001"],
            ["阳光花园", "", "1", "301", "郑三", "13800138002"],
            ["别墅区", "", "", "8号", "王四", "13800138003"],
        ],
    );
    let before = t.store.dump().unwrap();
    let p = import::preview(&t.store, &path).unwrap();
    assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
    assert_eq!(p.problems[0].row, 5);
    assert_eq!(
        p.problems[0].reason,
        "楼栋为空：阳光花园的其他行都填了楼栋，请补上这一户的楼栋"
    );
    assert_eq!(p.rows_ok, 3, "the merged 5栋 rows and the villa");
    assert_eq!(t.store.dump().unwrap(), before, "a preview writes nothing");
    let r = import::commit(&mut t.store, &path).unwrap();
    assert_eq!(r.rows_imported, 3);
    assert!(t.store.lookup_caller("13800138002").unwrap().is_empty());
}

#[test]
fn a_failed_import_leaves_the_database_unchanged() {
    let mut t = db();
    import::commit(&mut t.store, fixture(GBK_CSV)).unwrap();

    // Nothing valid: refused, nothing written.
    let path = made_xlsx(
        t.dir.path(),
        &[["阳光花园", "6", "2", "", "王四", "13800138003"]],
    );
    let before = t.store.dump().unwrap();
    let e = import::commit(&mut t.store, &path).unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert!(e.to_string().contains("第 3 行"), "{e}");
    assert_eq!(t.store.dump().unwrap(), before);

    // A failure half-way through the rows: none of them stay.
    crate::common::plant_fault(&t.path(), "contacts", "name", "陶诗娟");
    let before = t.store.dump().unwrap();
    assert!(import::commit(&mut t.store, fixture(LEDGER_XLSX)).is_err());
    assert_eq!(
        t.store.dump().unwrap(),
        before,
        "rows before row 11 were rolled back too"
    );

    // Not a ledger at all.
    let txt = t.dir.path().join("notes.csv");
    std::fs::write(&txt, "今天天气不错\n明天也是\n").unwrap();
    let e = import::preview(&t.store, &txt).unwrap_err();
    assert!(e.to_string().contains("找不到表头"), "{e}");
    let e = import::preview(&t.store, t.dir.path().join("x.pdf")).unwrap_err();
    assert!(e.to_string().contains(".xlsx 或 .csv"), "{e}");
    let e = import::preview(&t.store, t.dir.path().join("missing.xlsx")).unwrap_err();
    assert_eq!(e.code(), "not_found");
    assert_eq!(t.store.dump().unwrap(), before);
}

#[test]
fn utf8_csv_with_bom_quotes_and_reimport() {
    let mut t = db();
    let path = t.dir.path().join("住户.csv");
    let text = "\u{feff}项目名称,楼栋,单元,房间号,业主姓名,联系电话\r\n\
                \"碧水苑\",\"3栋\",2单元,501,\"王建国\",\"+86 139 0000 1111 / 13900002222\"\r\n\
                ,,,,,\r\n\
                碧水苑,3,2,502室,\"李\"\"小\"\"红\",0571-88886666\r\n";
    std::fs::write(&path, text).unwrap();
    let p = import::preview(&t.store, &path).unwrap();
    assert_eq!(p.encoding.as_deref(), Some("UTF-8"));
    assert_eq!((p.rows_ok, p.rows_blank), (2, 1));
    assert_eq!(p.rows[0].phones, vec!["13900001111", "13900002222"]);
    assert_eq!(p.rows[1].row, 4);
    assert_eq!(p.rows[1].name, "李\"小\"红");
    let r = import::commit(&mut t.store, &path).unwrap();
    assert_eq!((r.units_added, r.contacts_added, r.phones_added), (2, 2, 3));
    let m = t.store.lookup_caller("3-2-502").unwrap();
    assert_eq!(m[0].phones, vec!["057188886666"]);
    let again = import::commit(&mut t.store, &path).unwrap();
    assert_eq!(
        (again.units_added, again.contacts_added, again.phones_added),
        (0, 0, 0)
    );
}

/// A name the slip cannot print is a problem row naming the character, not an
/// occupant whose tickets could never be printed (issue 8, item 7's class).
#[test]
fn an_unprintable_name_is_a_problem_row_that_names_the_character() {
    let t = db();
    let path = t.dir.path().join("住户.csv");
    let text = "小区,楼栋,单元,房号,姓名,电话\n\
                碧水苑,3,2,501,𠮷野家,13900001111\n\
                碧水苑,3,2,502,王建国,13900002222\n";
    std::fs::write(&path, text).unwrap();
    let p = import::preview(&t.store, &path).unwrap();
    assert_eq!(p.rows_ok, 1);
    assert_eq!(p.problems.len(), 1, "{:?}", p.problems);
    assert!(
        p.problems[0].reason.contains("𠮷") && p.problems[0].reason.contains("U+20BB7"),
        "{:?}",
        p.problems[0]
    );
}

// ---- Issue 8 item 3: a file can never crash the reader -------------------------------

/// The made ledger plus one extra cell at `(row, col)`: a blank formatted one (Excel
/// keeps those after a whole column was formatted) or one holding `text`.
fn ledger_with_corner(dir: &std::path::Path, row: u32, col: u16, text: Option<&str>) -> PathBuf {
    let path = dir.join("角落.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    // A title merged across the whole width: the fill stops at the columns we read.
    ws.merge_range(0, 0, 0, 16_383, "阳光花园业主名单", &Format::new())
        .unwrap();
    for (c, h) in ["项目", "栋", "单元", "门牌", "业主", "手机"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (c, v) in ["阳光花园", "5栋", "1", "101", "周一", "13800138000"]
        .iter()
        .enumerate()
    {
        ws.write_string(2, c as u16, *v).unwrap();
    }
    match text {
        Some(t) => ws.write_string(row, col, t).unwrap(),
        None => ws.write_blank(row, col, &Format::new().set_bold()).unwrap(),
    };
    wb.save(&path).unwrap();
    path
}

#[test]
fn a_blank_cell_at_xfd1048576_does_not_make_the_reader_allocate_the_sheet() {
    let mut t = db();
    let path = ledger_with_corner(t.dir.path(), 1_048_575, 16_383, None);
    assert!(
        std::fs::metadata(&path).unwrap().len() < 20_000,
        "a small file"
    );
    let before = t.store.dump().unwrap();
    let p = import::preview(&t.store, &path).unwrap();
    assert_eq!(t.store.dump().unwrap(), before);
    assert_eq!((p.header_row, p.rows_ok, p.rows_total), (2, 1, 1));
    assert_eq!(p.rows[0].building, "5栋");
    let r = import::commit(&mut t.store, &path).unwrap();
    assert_eq!((r.units_added, r.contacts_added), (1, 1));
}

#[test]
fn a_value_beyond_column_200_is_refused_naming_the_cell() {
    let mut t = db();
    let path = ledger_with_corner(t.dir.path(), 1_048_575, 16_383, Some("备注"));
    let before = t.store.dump().unwrap();
    let e = import::preview(&t.store, &path).unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    let msg = e.to_string();
    assert!(
        msg.contains("第 1048576 行第 XFD 列") && msg.contains("200 列"),
        "{msg}"
    );
    let e = import::commit(&mut t.store, &path).unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert_eq!(t.store.dump().unwrap(), before);

    // Far down in a column we read is just one more (sparse) row.
    let path = ledger_with_corner(t.dir.path(), 1_048_575, 0, Some("阳光花园"));
    let p = import::preview(&t.store, &path).unwrap();
    assert_eq!(p.problems.len(), 1);
    assert_eq!(p.problems[0].row, 1_048_576);
    assert!(p.problems[0].reason.contains("房号为空"));
}

#[test]
fn csv_files_too_big_or_too_wide_are_refused_and_wide_blank_lines_are_not() {
    let t = db();
    let before = t.store.dump().unwrap();

    // Over the size limit (sparse: no 101 MB is written): refused before it is read.
    let big = t.dir.path().join("大.csv");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(import::MAX_FILE_BYTES + 1)
        .unwrap();
    let e = import::preview(&t.store, &big).unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert!(e.to_string().contains("100 MB"), "{e}");

    // A line of a million delimiters holds nothing: it is a blank line.
    let wide = t.dir.path().join("宽.csv");
    let mut text = String::from("小区,楼栋,单元,房号,姓名,电话\n");
    text.push_str(&",".repeat(1_000_000));
    text.push_str("\n枫林湾,1,1,101,王一,13800138000\n");
    std::fs::write(&wide, &text).unwrap();
    let p = import::preview(&t.store, &wide).unwrap();
    assert_eq!((p.rows_ok, p.rows_blank), (1, 1));
    assert_eq!(p.rows[0].row, 3);

    // Something in column 201: refused, naming the line and the column.
    let far = t.dir.path().join("远.csv");
    let mut text = String::from("小区,楼栋,单元,房号,姓名,电话\n枫林湾,1,1,101,王一,13800138000");
    text.push_str(&",".repeat(195));
    text.push_str("备注\n");
    std::fs::write(&far, &text).unwrap();
    let e = import::preview(&t.store, &far).unwrap_err();
    assert!(e.to_string().contains("第 2 行第 GS 列"), "{e}");

    // More rows than one import takes.
    let long = t.dir.path().join("长.csv");
    let mut text = String::from("小区,房号,姓名\n");
    for i in 0..=import::MAX_ROWS {
        text.push_str(&format!("枫林湾,{i},王\n"));
    }
    std::fs::write(&long, &text).unwrap();
    let e = import::preview(&t.store, &long).unwrap_err();
    assert!(e.to_string().contains("500000 行"), "{e}");

    // Formats read whole into the rectangle their cells span: save as .xlsx first.
    for name in ["旧台账.xls", "台账.ods"] {
        let p = t.dir.path().join(name);
        std::fs::write(&p, b"\xD0\xCF\x11\xE0 not really").unwrap();
        let e = import::preview(&t.store, &p).unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert!(e.to_string().contains("另存为"), "{e}");
    }
    assert_eq!(t.store.dump().unwrap(), before);
}

mod generated {
    //! Generated workbooks: cells anywhere (the extreme corners too) holding anything
    //! (control characters, emoji, long text, formulas, numbers). Reading never panics
    //! or aborts; the answer is a preview or a Chinese refusal; a refusal writes
    //! nothing and a commit adds what its preview said. `PROPTEST_CASES` sets the count.

    use proptest::prelude::*;
    use rust_xlsxwriter::{Formula, Workbook};

    use baoxiu::import;

    #[derive(Debug, Clone)]
    enum Value {
        Text(String),
        Number(f64),
        Formula(String),
    }

    fn row() -> impl Strategy<Value = u32> {
        prop_oneof![
            0u32..12,
            Just(1_048_575),
            1_048_570u32..1_048_576,
            0u32..1_048_576
        ]
    }

    fn col() -> impl Strategy<Value = u16> {
        prop_oneof![0u16..8, Just(16_383), 195u16..205, 0u16..16_384]
    }

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            4 => prop::sample::select(vec![
                "小区", "楼栋", "单元", "房号", "姓名", "电话", "翠湖苑", "3栋", "501",
                "王建国", "13800138000", "138-0013-8000 / 139 0000 1111",
            ])
            .prop_map(|s| Value::Text(s.to_string())),
            2 => "\\PC{0,12}".prop_map(Value::Text),
            1 => "[\\x00-\\x1f\u{202e}\u{200b}]{1,4}".prop_map(Value::Text),
            1 => "[😀-🙏𠮷]{1,6}".prop_map(Value::Text),
            1 => (1usize..=32_767).prop_map(|n| Value::Text("长".repeat(n))),
            1 => any::<f64>().prop_map(Value::Number),
            1 => prop::sample::select(vec![
                "=SUM(A1:XFD1048576)", "=A1&B1", "=1/0", "=INDIRECT(\"XFD1048576\")", "=\"楼\"",
            ])
            .prop_map(|s| Value::Formula(s.to_string())),
        ]
    }

    fn cases() -> u32 {
        std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(24)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

        #[test]
        fn any_workbook_is_a_preview_or_a_chinese_refusal(
            header in any::<bool>(),
            cells in prop::collection::vec((row(), col(), value()), 0..24),
        ) {
            let mut t = crate::common::db();
            let path = t.dir.path().join("生成.xlsx");
            let mut wb = Workbook::new();
            let ws = wb.add_worksheet();
            if header {
                for (c, h) in ["小区", "楼栋", "单元", "房号", "姓名", "电话"].iter().enumerate() {
                    ws.write_string(0, c as u16, *h).unwrap();
                }
            }
            for (r, c, v) in &cells {
                // The writer refuses some of these itself (too long, NaN): skip those.
                let _ = match v {
                    Value::Text(s) => ws.write_string(*r, *c, s).map(|_| ()),
                    Value::Number(n) => ws.write_number(*r, *c, *n).map(|_| ()),
                    Value::Formula(f) => ws.write_formula(*r, *c, Formula::new(f)).map(|_| ()),
                };
            }
            wb.save(&path).unwrap();

            let before = t.store.dump().unwrap();
            let preview = import::preview(&t.store, &path);
            prop_assert_eq!(&t.store.dump().unwrap(), &before, "a preview writes nothing");
            match preview {
                Ok(p) => {
                    prop_assert!(p.rows_ok + p.problems.len() == p.rows_total);
                    prop_assert!(p.rows.iter().all(|r| r.row <= 1_048_576));
                    match import::commit(&mut t.store, &path) {
                        Ok(r) => {
                            prop_assert_eq!(r.rows_imported, p.rows_ok);
                            prop_assert_eq!(
                                (r.units_added, r.contacts_added, r.phones_added),
                                (p.units_new, p.contacts_new, p.phones_new)
                            );
                        }
                        Err(e) => {
                            prop_assert_eq!(p.rows_ok, 0, "{}", e);
                            prop_assert_eq!(&t.store.dump().unwrap(), &before);
                        }
                    }
                }
                Err(e) => {
                    prop_assert_eq!(e.code(), "invalid_input", "{}", e);
                    let msg = e.to_string();
                    prop_assert!(msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{}", msg);
                    prop_assert!(import::commit(&mut t.store, &path).is_err());
                    prop_assert_eq!(&t.store.dump().unwrap(), &before);
                }
            }
        }
    }
}

// ---- Issue 8 item 5: previews never write, a commit never starves the desk ------------

/// A generated UTF-8 ledger of `n` households in 10 sites.
fn ledger_csv(dir: &std::path::Path, n: usize) -> PathBuf {
    use std::fmt::Write;
    let path = dir.join(format!("台账-{n}.csv"));
    let mut text = String::from("小区,楼栋,单元,房号,姓名,电话\n");
    for i in 0..n {
        writeln!(
            text,
            "小区{},{}栋,{},{},住户{i},139{:08}",
            i % 10,
            i / 10 % 40 + 1,
            i / 400 % 4 + 1,
            i / 1600 * 100 + 101,
            i
        )
        .unwrap();
    }
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn twenty_concurrent_previews_all_succeed() {
    let t = db();
    let path = ledger_csv(t.dir.path(), 3_000);
    let db_path = t.path();
    let before = t.store.dump().unwrap();
    let start = std::sync::Arc::new(std::sync::Barrier::new(20));
    let handles: Vec<_> = (0..20)
        .map(|_| {
            let (db_path, path, start) = (db_path.clone(), path.clone(), start.clone());
            std::thread::spawn(move || {
                let store = baoxiu::Store::open(&db_path).unwrap();
                start.wait();
                import::preview(&store, &path).map(|p| p.units_new)
            })
        })
        .collect();
    for h in handles {
        let units = h.join().unwrap().unwrap();
        assert_eq!(units, 3_000);
    }
    assert_eq!(t.store.dump().unwrap(), before);
}

#[test]
fn a_commit_and_a_concurrent_ticket_and_preview_all_succeed() {
    let t = db();
    let path = ledger_csv(t.dir.path(), 6_000);
    let db_path = t.path();
    let start = std::sync::Arc::new(std::sync::Barrier::new(3));
    let importer = {
        let (db_path, path, start) = (db_path.clone(), path.clone(), start.clone());
        std::thread::spawn(move || {
            let mut store = baoxiu::Store::open(&db_path).unwrap();
            start.wait();
            import::commit(&mut store, &path)
        })
    };
    let desk = {
        let (db_path, start) = (db_path.clone(), start.clone());
        std::thread::spawn(move || {
            let mut store = baoxiu::Store::open(&db_path).unwrap();
            store.set_now(Some(crate::common::at("2026-11-20 10:00")));
            start.wait();
            (0..5)
                .map(|_| {
                    store
                        .create_ticket(&crate::common::draft("2026-11-20 09:30"), "前台小李")
                        .map(|t| t.number)
                })
                .collect::<Vec<_>>()
        })
    };
    let previewer = {
        let (db_path, path, start) = (db_path.clone(), path.clone(), start.clone());
        std::thread::spawn(move || {
            let store = baoxiu::Store::open(&db_path).unwrap();
            start.wait();
            (0..3)
                .map(|_| import::preview(&store, &path).map(|_| ()))
                .collect::<Vec<_>>()
        })
    };
    let report = importer.join().unwrap().unwrap();
    assert_eq!(report.rows_imported, 6_000);
    let tickets = desk.join().unwrap();
    assert!(tickets.iter().all(|t| t.is_ok()), "{tickets:?}");
    let previews = previewer.join().unwrap();
    assert!(previews.iter().all(|p| p.is_ok()), "{previews:?}");

    // Everything is on file: the ledger (the ticket's 翠湖苑 room is not in it).
    assert_eq!(
        t.store.lookup_caller("13900005999").unwrap()[0].contact,
        "住户5999"
    );
    let p = import::preview(&t.store, &path).unwrap();
    assert_eq!((p.units_new, p.contacts_new, p.phones_new), (0, 0, 0));
}

#[test]
fn a_big_import_stopped_part_way_says_how_far_it_got_and_finishes_on_reimport() {
    let mut t = db();
    let n = import::ROWS_PER_TRANSACTION + 2_000;
    let path = ledger_csv(t.dir.path(), n);
    // A failure in the second part (household 21000).
    crate::common::plant_fault(&t.path(), "contacts", "name", "住户21000");
    let e = import::commit(&mut t.store, &path).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("前面 20000 行已经导入") && msg.contains("重新导入同一个文件"),
        "{msg}"
    );
    assert_eq!(
        t.store
            .sites()
            .unwrap()
            .iter()
            .map(|s| s.units)
            .sum::<i64>(),
        20_000
    );

    crate::common::remove_fault(&t.path(), "contacts");
    let r = import::commit(&mut t.store, &path).unwrap();
    assert_eq!(
        (r.units_added, r.contacts_added, r.phones_added),
        (2_000, 2_000, 2_000)
    );
    assert_eq!(
        t.store
            .sites()
            .unwrap()
            .iter()
            .map(|s| s.units)
            .sum::<i64>(),
        n as i64
    );
}
