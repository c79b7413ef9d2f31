//! 导入 — units 房屋 and contacts 业主/住户 from the office's own ledger: .xlsx (calamine)
//! or .csv (UTF-8 or GBK, which Chinese Excel writes by default). Preview first; commit
//! writes every valid row in one transaction, or nothing.
//!
//! Real ledgers are messy, so: the header row is found (a merged title row above it is
//! skipped), header names are matched tolerantly (小区/项目, 楼栋/楼号/栋, 房号/房间号/门牌/室号,
//! 姓名/业主/业主姓名, 电话/手机/联系电话 …), merged cells are filled from their top-left
//! value, numbered blank lines are skipped, phones are normalised (`138-0013-8000`,
//! `138 0013 8000`, `+86 138…`, several joined by `/`), and `3` and `3栋` are the same
//! building. A row with a problem is listed with its spreadsheet row number and a reason
//! and is left out; commit imports the other rows. Re-importing a file adds nothing new:
//! units, contacts and phones are matched, not duplicated.

use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result, SqlContext};
use crate::input;
use crate::store::{places_site_id, places_unit_id, places_upsert_contact};
use crate::Store;

/// The columns an import understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Site,
    Building,
    Unit,
    Room,
    Name,
    Phone,
}

impl Field {
    const ALL: [Field; 6] = [
        Field::Site,
        Field::Building,
        Field::Unit,
        Field::Room,
        Field::Name,
        Field::Phone,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::Site => "小区",
            Field::Building => "楼栋",
            Field::Unit => "单元",
            Field::Room => "房号",
            Field::Name => "姓名",
            Field::Phone => "电话",
        }
    }

    /// Header names taken as this column when they match exactly (after cleaning).
    fn exact(self) -> &'static [&'static str] {
        match self {
            Field::Site => &[
                "小区",
                "小区名称",
                "项目",
                "项目名称",
                "小区/项目",
                "楼盘",
                "所属小区",
                "所属项目",
            ],
            Field::Building => &[
                "楼栋",
                "楼号",
                "栋",
                "栋号",
                "楼栋号",
                "幢",
                "幢号",
                "楼宇",
                "楼栋名称",
            ],
            Field::Unit => &["单元", "单元号"],
            Field::Room => &[
                "房号",
                "房间号",
                "门牌",
                "门牌号",
                "室号",
                "房间",
                "户号",
                "房屋编号",
            ],
            Field::Name => &[
                "姓名",
                "业主",
                "业主姓名",
                "住户",
                "住户姓名",
                "联系人",
                "客户姓名",
                "户主",
                "业主名称",
            ],
            Field::Phone => &[
                "电话",
                "手机",
                "联系电话",
                "手机号",
                "手机号码",
                "电话号码",
                "联系方式",
                "联系手机",
                "业主电话",
            ],
        }
    }

    /// Words that make a longer header this column (`业主联系电话` → 电话).
    fn contains(self) -> &'static [&'static str] {
        match self {
            Field::Site => &["小区", "项目"],
            Field::Building => &["楼栋", "楼号", "栋", "幢"],
            Field::Unit => &["单元"],
            Field::Room => &["房号", "房间", "门牌", "室号", "户号"],
            Field::Name => &["姓名", "业主", "住户", "联系人", "户主"],
            Field::Phone => &["电话", "手机", "联系方式"],
        }
    }
}

/// Which column of the file became which field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ImportColumn {
    pub field: Field,
    /// 小区, 楼栋 … as the desk calls it.
    pub label: String,
    /// The header as written in the file.
    pub header: String,
    /// Spreadsheet column letter (A, B, …).
    pub column: String,
}

/// A row that will not be imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ImportProblem {
    /// Spreadsheet row number (1-based, as Excel shows it; the CSV line number).
    pub row: usize,
    pub reason: String,
}

/// A row that will be imported, cleaned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ImportRow {
    pub row: usize,
    pub site: String,
    pub building: String,
    pub unit: String,
    pub room: String,
    /// Empty for a unit listed without an owner (空置房).
    pub name: String,
    pub phones: Vec<String>,
}

/// What an import would do, before anything is written.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ImportPreview {
    pub file: String,
    /// The worksheet read (XLSX), or `None` for CSV.
    pub sheet: Option<String>,
    /// `UTF-8` or `GBK` for CSV; `None` for XLSX.
    pub encoding: Option<String>,
    /// Spreadsheet row number of the header row.
    pub header_row: usize,
    pub columns: Vec<ImportColumn>,
    /// Data rows that are not blank.
    pub rows_total: usize,
    pub rows_ok: usize,
    /// Blank lines (numbered or not) that were skipped.
    pub rows_blank: usize,
    pub problems: Vec<ImportProblem>,
    pub rows: Vec<ImportRow>,
    /// What committing would add (the rest is already on file).
    pub units_new: i64,
    pub contacts_new: i64,
    pub phones_new: i64,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ImportReport {
    pub file: String,
    pub rows_imported: usize,
    pub units_added: i64,
    pub contacts_added: i64,
    pub phones_added: i64,
    /// Rows left out, with the reason.
    pub problems: Vec<ImportProblem>,
}

/// Read and check the file, and count what committing would add. Writes nothing.
pub fn preview(store: &Store, path: impl AsRef<Path>) -> Result<ImportPreview> {
    let path = path.as_ref();
    let mut p = parse(path)?;
    // The same writes as commit, rolled back: exact "new" counts with no second copy of
    // the matching rules.
    let tx =
        rusqlite::Transaction::new_unchecked(store.conn(), rusqlite::TransactionBehavior::Deferred)
            .sql("begin import preview")?;
    let (units, contacts, phones) = write_rows(&tx, &p.rows)?;
    tx.rollback().sql("rollback import preview")?;
    p.units_new = units;
    p.contacts_new = contacts;
    p.phones_new = phones;
    Ok(p)
}

/// Import every valid row in one transaction (rows with problems are left out and
/// reported). Nothing is written if there is no valid row or anything fails.
pub fn commit(store: &mut Store, path: impl AsRef<Path>) -> Result<ImportReport> {
    let path = path.as_ref();
    let p = parse(path)?;
    if p.rows.is_empty() {
        let detail = match p.problems.first() {
            Some(pr) => format!("，例如第 {} 行：{}", pr.row, pr.reason),
            None => String::new(),
        };
        return Err(Error::invalid(format!(
            "“{}”里没有可以导入的行{detail}。请修改后重新导入",
            p.file
        )));
    }
    let tx = store.write()?;
    let (units, contacts, phones) = write_rows(&tx, &p.rows)?;
    tx.commit().sql("commit import")?;
    Ok(ImportReport {
        file: p.file,
        rows_imported: p.rows.len(),
        units_added: units,
        contacts_added: contacts,
        phones_added: phones,
        problems: p.problems,
    })
}

fn count(conn: &rusqlite::Connection) -> Result<(i64, i64, i64)> {
    conn.query_row(
        "SELECT (SELECT count(*) FROM units), (SELECT count(*) FROM contacts),
                (SELECT count(*) FROM contact_phones)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .sql("import counts")
}

/// Upsert the rows; returns how many units, contacts and phones were added.
fn write_rows(conn: &rusqlite::Connection, rows: &[ImportRow]) -> Result<(i64, i64, i64)> {
    let before = count(conn)?;
    for r in rows {
        let site = places_site_id(conn, &r.site)?;
        let unit = places_unit_id(conn, site, &r.building, &r.unit, &r.room)?;
        if !r.name.is_empty() {
            places_upsert_contact(conn, unit, &r.name, &r.phones)?;
        }
    }
    let after = count(conn)?;
    Ok((after.0 - before.0, after.1 - before.1, after.2 - before.2))
}

/// A sheet as text cells, row-major, with absolute 0-based row numbers.
struct Grid {
    sheet: Option<String>,
    encoding: Option<String>,
    /// (spreadsheet row number, cells)
    rows: Vec<(usize, Vec<String>)>,
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn parse(path: &Path) -> Result<ImportPreview> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let grids = match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "ods" => read_workbook(path, &ext)?,
        "csv" | "txt" => vec![read_csv(path)?],
        _ => {
            return Err(Error::invalid(format!(
                "不支持的文件类型“{}”，请导入 .xlsx 或 .csv 文件",
                file_name(path)
            )))
        }
    };
    let mut last_err = None;
    for grid in grids {
        match parse_grid(path, grid) {
            Ok(p) => return Ok(p),
            Err(e) => last_err = Some(e),
        }
    }
    Err(last_err.unwrap_or_else(|| Error::invalid(format!("“{}”里没有工作表", file_name(path)))))
}

fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => dt.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

fn read_workbook(path: &Path, ext: &str) -> Result<Vec<Grid>> {
    use calamine::Reader;
    let unreadable = |e: String| {
        Error::invalid(format!(
            "无法读取表格“{}”（{e}），请确认是 Excel 文件且没有被加密",
            file_name(path)
        ))
    };
    if !path.exists() {
        return Err(Error::NotFound(format!("文件“{}”不存在", path.display())));
    }
    let mut out = Vec::new();
    if ext == "xlsx" || ext == "xlsm" {
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path)
            .map_err(|e: calamine::XlsxError| unreadable(e.to_string()))?;
        for name in wb.sheet_names() {
            let range = wb
                .worksheet_range(&name)
                .map_err(|e| unreadable(e.to_string()))?;
            let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
            let mut grid = range_grid(&range);
            fill_merged(&mut grid, &merges);
            out.push(Grid {
                sheet: Some(name),
                encoding: None,
                rows: grid,
            });
        }
    } else {
        let mut wb = calamine::open_workbook_auto(path).map_err(|e| unreadable(e.to_string()))?;
        for name in wb.sheet_names() {
            let range = wb
                .worksheet_range(&name)
                .map_err(|e| unreadable(e.to_string()))?;
            out.push(Grid {
                sheet: Some(name),
                encoding: None,
                rows: range_grid(&range),
            });
        }
    }
    Ok(out)
}

/// Cells with absolute positions: row i of the result is spreadsheet row i+1, column j is
/// column j (A = 0).
fn range_grid(range: &calamine::Range<calamine::Data>) -> Vec<(usize, Vec<String>)> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let mut cells = vec![String::new(); c0 as usize];
        cells.extend(row.iter().map(cell_text));
        rows.push((r0 as usize + i + 1, cells));
    }
    rows
}

/// Give every cell of a merged region its top-left value (a 楼栋 merged down many rows).
fn fill_merged(rows: &mut [(usize, Vec<String>)], merges: &[calamine::Dimensions]) {
    let first_row = rows.first().map(|(n, _)| *n).unwrap_or(1);
    // Merge rows are 0-based; ours are spreadsheet numbers starting at `first_row`.
    let index = |r: u32| (r as usize + 1).checked_sub(first_row);
    for m in merges {
        let value = index(m.start.0)
            .and_then(|i| rows.get(i))
            .and_then(|(_, cells)| cells.get(m.start.1 as usize))
            .cloned()
            .unwrap_or_default();
        if value.is_empty() {
            continue;
        }
        for r in m.start.0..=m.end.0 {
            let Some((_, cells)) = index(r).and_then(|i| rows.get_mut(i)) else {
                continue;
            };
            for c in m.start.1 as usize..=m.end.1 as usize {
                if cells.len() <= c {
                    cells.resize(c + 1, String::new());
                }
                if cells[c].is_empty() {
                    cells[c].clone_from(&value);
                }
            }
        }
    }
}

fn read_csv(path: &Path) -> Result<Grid> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::NotFound(format!("文件“{}”不存在", path.display())),
        _ => Error::io(path, e),
    })?;
    let (text, encoding) = decode(&bytes);
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches('\t').count() > first_line.matches(',').count() {
        '\t'
    } else {
        ','
    };
    Ok(Grid {
        sheet: None,
        encoding: Some(encoding.to_string()),
        rows: split_csv(&text, delimiter),
    })
}

/// UTF-8 (with or without BOM), UTF-16 with BOM, else GBK (Chinese Excel's "CSV").
fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (String::from_utf8_lossy(rest).into_owned(), "UTF-8");
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (enc, _) = encoding_rs::Encoding::for_bom(bytes).unwrap_or((encoding_rs::UTF_16LE, 2));
        let (text, _, _) = enc.decode(bytes);
        return (text.into_owned(), "UTF-16");
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::GBK.decode(bytes);
            (text.into_owned(), "GBK")
        }
    }
}

/// RFC 4180 fields (quotes, doubled quotes, line breaks inside quotes); each record
/// carries the line number it starts on.
fn split_csv(text: &str, delimiter: char) -> Vec<(usize, Vec<String>)> {
    let mut records = Vec::new();
    let mut line = 1usize;
    let mut start_line = 1usize;
    let mut field = String::new();
    let mut fields: Vec<String> = Vec::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            c if c == delimiter => fields.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                records.push((start_line, std::mem::take(&mut fields)));
                line += 1;
                start_line = line;
                any = false;
            }
            _ => field.push(c),
        }
    }
    if any {
        fields.push(field);
        records.push((start_line, fields));
    }
    records
}

/// Header text without spaces, `*` marks and bracketed notes: `建筑面积(㎡)` → `建筑面积`.
fn clean_header(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = (depth - 1).max(0),
            _ if depth > 0 => {}
            c if c.is_whitespace() || c == '*' || c == '：' || c == ':' => {}
            c => out.push(c),
        }
    }
    out
}

/// Map header cells to fields: exact names first, then names containing a keyword.
fn map_header(cells: &[String]) -> Vec<(Field, usize)> {
    let cleaned: Vec<String> = cells.iter().map(|c| clean_header(c)).collect();
    let mut used = vec![false; cells.len()];
    let mut found: Vec<(Field, usize)> = Vec::new();
    for f in Field::ALL {
        if let Some(i) =
            (0..cleaned.len()).find(|&i| !used[i] && f.exact().contains(&cleaned[i].as_str()))
        {
            used[i] = true;
            found.push((f, i));
        }
    }
    // Longer headers: phone words first (联系人电话 is a phone), then the rest.
    for f in [
        Field::Phone,
        Field::Room,
        Field::Unit,
        Field::Building,
        Field::Name,
        Field::Site,
    ] {
        if found.iter().any(|(g, _)| *g == f) {
            continue;
        }
        if let Some(i) = (0..cleaned.len()).find(|&i| {
            !used[i]
                && cleaned[i].chars().count() <= 12
                && f.contains().iter().any(|w| cleaned[i].contains(w))
        }) {
            used[i] = true;
            found.push((f, i));
        }
    }
    found.sort_by_key(|(f, _)| Field::ALL.iter().position(|g| g == f));
    found
}

fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push((b'A' + (i % 26) as u8) as char);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.iter().rev().collect()
}

/// Rows looked at for the header.
const HEADER_SEARCH_ROWS: usize = 20;

fn parse_grid(path: &Path, grid: Grid) -> Result<ImportPreview> {
    let file = file_name(path);
    let header_at = grid
        .rows
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .position(|(_, cells)| {
            let m = map_header(cells);
            m.len() >= 3 && m.iter().any(|(f, _)| *f == Field::Room)
        })
        .ok_or_else(|| {
            Error::invalid(format!(
                "“{file}”{}的前 {HEADER_SEARCH_ROWS} 行里找不到表头。表头应包含 小区、楼栋、单元、房号、姓名、电话 等列名（房号必需）",
                grid.sheet.as_deref().map(|s| format!("（工作表“{s}”）")).unwrap_or_default()
            ))
        })?;
    let (header_row, header_cells) = &grid.rows[header_at];
    let mapping = map_header(header_cells);
    let col = |f: Field| mapping.iter().find(|(g, _)| *g == f).map(|(_, i)| *i);
    if col(Field::Site).is_none() {
        return Err(Error::invalid(format!(
            "“{file}”的表头（第 {header_row} 行）没有“小区”列，请加一列小区名称后重新导入"
        )));
    }
    let columns = mapping
        .iter()
        .map(|(f, i)| ImportColumn {
            field: *f,
            label: f.label().to_string(),
            header: header_cells[*i].trim().to_string(),
            column: column_letter(*i),
        })
        .collect();

    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut blank = 0;
    let mut total = 0;
    for (n, cells) in grid.rows.iter().skip(header_at + 1) {
        let get = |f: Field| -> String {
            col(f)
                .and_then(|i| cells.get(i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let values: Vec<String> = Field::ALL.iter().map(|f| get(*f)).collect();
        if values.iter().all(|v| v.is_empty()) {
            blank += 1;
            continue;
        }
        // The header repeated (a ledger printed in pages).
        if map_header(cells).len() >= 3
            && values
                .iter()
                .zip(Field::ALL)
                .all(|(v, f)| v.is_empty() || f.exact().contains(&clean_header(v).as_str()))
        {
            blank += 1;
            continue;
        }
        total += 1;
        match check_row(*n, &values) {
            Ok(r) => rows.push(r),
            Err(reason) => problems.push(ImportProblem { row: *n, reason }),
        }
    }
    Ok(ImportPreview {
        file,
        sheet: grid.sheet,
        encoding: grid.encoding,
        header_row: *header_row,
        columns,
        rows_total: total,
        rows_ok: rows.len(),
        rows_blank: blank,
        problems,
        rows,
        units_new: 0,
        contacts_new: 0,
        phones_new: 0,
    })
}

/// Characters that separate two phone numbers in one cell.
const PHONE_SEPARATORS: &[char] = &['/', '／', '、', ',', '，', ';', '；', '|', '\n'];

/// Check one data row; `Err` is the Chinese reason(s) it cannot be imported.
fn check_row(n: usize, v: &[String]) -> std::result::Result<ImportRow, String> {
    let [site, building, unit, room, name, phone] = v else {
        return Err("列数不对".into());
    };
    let mut reasons: Vec<String> = Vec::new();
    fn keep(reasons: &mut Vec<String>, r: Result<String>) -> String {
        r.unwrap_or_else(|e| {
            reasons.push(e.to_string());
            String::new()
        })
    }
    let site = if site.is_empty() {
        reasons.push("小区为空".into());
        String::new()
    } else {
        keep(&mut reasons, input::name("小区", Some(site)))
    };
    let building = keep(
        &mut reasons,
        input::text("楼栋", Some(building), 50, false).map(Option::unwrap_or_default),
    );
    let unit = keep(
        &mut reasons,
        input::text("单元", Some(unit), 50, false).map(Option::unwrap_or_default),
    );
    let room = if room.is_empty() {
        reasons.push("房号为空".into());
        String::new()
    } else {
        keep(&mut reasons, input::name("房号", Some(room)))
    };
    let name = if name.is_empty() {
        String::new()
    } else {
        keep(&mut reasons, input::name("姓名", Some(name)))
    };
    let mut phones = Vec::new();
    for p in phone
        .split(PHONE_SEPARATORS)
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match input::phone("电话", p) {
            Ok(p) if !phones.contains(&p) => phones.push(p),
            Ok(_) => {}
            Err(e) => reasons.push(e.to_string()),
        }
    }
    if name.is_empty() && !phone.is_empty() {
        reasons.push("有电话但没有姓名，请补上业主姓名".into());
    }
    if reasons.is_empty() {
        Ok(ImportRow {
            row: n,
            site,
            building,
            unit,
            room,
            name,
            phones,
        })
    } else {
        Err(reasons.join("；"))
    }
}
