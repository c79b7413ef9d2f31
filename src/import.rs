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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use crate::account::Permission;
use crate::audit::AuditKind;
use crate::error::{Error, Result};
use crate::input;
use crate::store::{normalize_building, normalize_room, normalize_unit, PlacePlan};
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

/// Rows with content one import reads at most (a big office's whole ledger fits).
pub const MAX_ROWS: usize = 500_000;
/// Columns one import reads at most; a ledger needs six, a wide one a few dozen.
pub const MAX_COLUMNS: usize = 200;
/// Cells with content one import reads at most (memory stays in the hundreds of MB).
pub const MAX_CELLS: usize = 8_000_000;
/// Largest file an import opens, .xlsx or .csv.
pub const MAX_FILE_BYTES: u64 = 100 * 1024 * 1024;
/// Cells merged regions may fill in one sheet (a 楼栋 merged down every row is 500,000).
const MAX_MERGE_FILL: usize = 10_000_000;

/// Read and check the file, and count what committing would add. Writes nothing: the
/// counts come from reads in one snapshot, so previews never take the write lock.
pub fn preview(store: &Store, path: impl AsRef<Path>) -> Result<ImportPreview> {
    let path = path.as_ref();
    let mut p = parse(path)?;
    (p.units_new, p.contacts_new, p.phones_new) = store.import_new_counts(&plan(&p.rows))?;
    Ok(p)
}

/// Valid rows written per transaction. A ledger up to this size is imported all or
/// nothing; a bigger one in parts, each a short transaction, so the desk's own writes
/// get in between. Re-importing a file adds only what is missing, so an import stopped
/// part-way is finished by importing the same file again.
pub const ROWS_PER_TRANSACTION: usize = 20_000;

/// Import every valid row (rows with problems are left out and reported). Nothing is
/// written if there is no valid row; a failure writes nothing of its part (and, for a
/// ledger within `ROWS_PER_TRANSACTION` rows, nothing at all).
///
/// Each part is matched against what is on file from a read snapshot before the write
/// lock is taken; the write transaction only inserts what is new.
pub fn commit(store: &mut Store, path: impl AsRef<Path>) -> Result<ImportReport> {
    let path = path.as_ref();
    store.operator(Permission::Import, None)?;
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
    let (mut units, mut contacts, mut phones) = (0, 0, 0);
    for (k, part) in p.rows.chunks(ROWS_PER_TRANSACTION).enumerate() {
        match commit_part(store, part) {
            Ok((u, c, ph)) => {
                units += u;
                contacts += c;
                phones += ph;
            }
            Err(e) if k == 0 => return Err(e),
            Err(e) => {
                return Err(Error::Database(format!(
                    "导入“{}”到第 {} 行附近时中断（{e}）。前面 {} 行已经导入，其余没有导入。\
                     请处理后重新导入同一个文件：已导入的不会重复",
                    p.file,
                    part.first().map_or(0, |r| r.row),
                    k * ROWS_PER_TRANSACTION
                )))
            }
        }
    }
    store.note_change(
        Permission::Import,
        AuditKind::Import,
        &p.file,
        &format!(
            "导入 {} 行：新增房屋 {units} 户、住户 {contacts} 人、电话 {phones} 个；有问题未导入 {} 行",
            p.rows.len(),
            p.problems.len()
        ),
    )?;
    Ok(ImportReport {
        file: p.file,
        rows_imported: p.rows.len(),
        units_added: units,
        contacts_added: contacts,
        phones_added: phones,
        problems: p.problems,
    })
}

/// Insert what is new of `rows` (matched outside the lock) in one write transaction.
fn commit_part(store: &Store, rows: &[ImportRow]) -> Result<(i64, i64, i64)> {
    store.import_places(&plan(rows))
}

/// The valid rows as the places tables key them (site name; site, building, unit and
/// room normalised; unit and name; contact and phone), each once.
fn plan(rows: &[ImportRow]) -> PlacePlan {
    let mut plan = PlacePlan {
        sites: Vec::new(),
        units: Vec::new(),
        contacts: Vec::new(),
        phones: Vec::new(),
    };
    let mut sites: HashMap<String, usize> = HashMap::new();
    let mut units: HashMap<(usize, String, String, String), usize> = HashMap::new();
    let mut contacts: HashMap<(usize, String), usize> = HashMap::new();
    let mut phones: HashSet<(usize, String)> = HashSet::new();
    for r in rows {
        let name = r.site.trim();
        let s = match sites.get(name) {
            Some(&s) => s,
            None => {
                plan.sites.push(name.to_string());
                sites.insert(name.to_string(), plan.sites.len() - 1);
                plan.sites.len() - 1
            }
        };
        let key = (
            s,
            normalize_building(&r.building),
            normalize_unit(&r.unit),
            normalize_room(&r.room),
        );
        let u = match units.get(&key) {
            Some(&u) => u,
            None => {
                plan.units.push(key.clone());
                units.insert(key, plan.units.len() - 1);
                plan.units.len() - 1
            }
        };
        if r.name.is_empty() {
            continue;
        }
        let key = (u, r.name.clone());
        let c = match contacts.get(&key) {
            Some(&c) => c,
            None => {
                plan.contacts.push(key.clone());
                contacts.insert(key, plan.contacts.len() - 1);
                plan.contacts.len() - 1
            }
        };
        for phone in &r.phones {
            if phones.insert((c, phone.clone())) {
                plan.phones.push((c, phone.clone()));
            }
        }
    }
    plan
}

/// One row of a sheet: its spreadsheet row number and its non-blank cells, sorted by
/// column (0 = A). Sparse, so memory follows the cells that hold something, never the
/// rectangle a sheet declares.
struct Row {
    n: usize,
    /// Blank lines (CSV) before this row, for counting the blank ones after the header.
    blank_before: usize,
    cells: Vec<(usize, String)>,
}

impl Row {
    fn get(&self, col: usize) -> Option<&str> {
        self.cells
            .binary_search_by_key(&col, |(c, _)| *c)
            .ok()
            .and_then(|i| self.cells.get(i))
            .map(|(_, s)| s.as_str())
    }

    /// Put `value` in an empty cell; returns whether it did.
    fn fill(&mut self, col: usize, value: &str) -> bool {
        match self.cells.binary_search_by_key(&col, |(c, _)| *c) {
            Ok(_) => false,
            Err(i) => {
                self.cells.insert(i, (col, value.to_string()));
                true
            }
        }
    }

    /// The row as consecutive cells up to its last one (at most `MAX_COLUMNS`).
    fn dense(&self) -> Vec<String> {
        let width = self.cells.last().map_or(0, |(c, _)| c + 1);
        let mut out = vec![String::new(); width];
        for (c, s) in &self.cells {
            if let Some(slot) = out.get_mut(*c) {
                slot.clone_from(s);
            }
        }
        out
    }
}

/// A sheet (or CSV file) as rows with content.
struct Grid {
    sheet: Option<String>,
    encoding: Option<String>,
    rows: Vec<Row>,
    /// Blank lines not kept in `rows` (CSV).
    blank_total: usize,
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// `“台账.xlsx”的工作表“Sheet1”` or `“住户.csv”`, for messages.
fn place(file: &str, sheet: Option<&str>) -> String {
    match sheet {
        Some(s) => format!("“{file}”的工作表“{s}”"),
        None => format!("“{file}”"),
    }
}

fn too_wide(place: &str, row: usize, col: usize) -> Error {
    Error::invalid(format!(
        "{place}第 {row} 行第 {} 列有内容，超出了导入最多读 {MAX_COLUMNS} 列的上限。\
         台账只需要小区、楼栋、单元、房号、姓名、电话等几列：请删除右侧多余的内容，\
         或把这几列复制到一个新表格后再导入",
        column_letter(col)
    ))
}

fn too_many_rows(place: &str) -> Error {
    Error::invalid(format!(
        "{place}有内容的行超过 {MAX_ROWS} 行，超出了一次导入的上限。请按小区拆成几个文件，分别导入"
    ))
}

fn too_many_cells(place: &str) -> Error {
    Error::invalid(format!(
        "{place}有内容的单元格超过 {MAX_CELLS} 个，超出了一次导入的上限。\
         请只保留小区、楼栋、单元、房号、姓名、电话等列，或按小区拆成几个文件分别导入"
    ))
}

/// The file's size, refused above `MAX_FILE_BYTES`; `not_found` if it is missing.
fn check_size(path: &Path) -> Result<u64> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::NotFound(format!("文件“{}”不存在", path.display())),
        _ => Error::io(path, e),
    })?;
    if meta.is_dir() {
        return Err(Error::invalid(format!(
            "“{}”是一个文件夹，请选择台账文件（.xlsx 或 .csv）",
            path.display()
        )));
    }
    size_ok(path, meta.len())?;
    Ok(meta.len())
}

fn size_ok(path: &Path, len: u64) -> Result<()> {
    if len > MAX_FILE_BYTES {
        return Err(Error::invalid(format!(
            "“{}”有 {} MB，超出了导入文件最大 {} MB 的上限。请按小区拆成几个文件，\
             或删掉不需要的列和工作表后再导入",
            file_name(path),
            len.div_ceil(1024 * 1024),
            MAX_FILE_BYTES / 1024 / 1024
        )));
    }
    Ok(())
}

fn parse(path: &Path) -> Result<ImportPreview> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "xlsx" | "xlsm" => parse_xlsx(path),
        // calamine reads these whole, into the rectangle their cells span: a crafted
        // 1 KB file can ask for more memory than the PC has. Excel and WPS save .xlsx.
        "xls" | "xlsb" | "ods" | "et" => Err(Error::invalid(format!(
            "暂不能直接导入“{}”这种格式。请用 Excel 或 WPS 打开它，\
             “另存为” Excel 工作簿（.xlsx）后再导入",
            file_name(path)
        ))),
        "csv" | "txt" => {
            let grid = read_csv(path)?;
            parse_grid(path, grid)
        }
        _ => Err(Error::invalid(format!(
            "不支持的文件类型“{}”，请导入 .xlsx 或 .csv 文件",
            file_name(path)
        ))),
    }
}

/// The first sheet that holds a ledger. A sheet too big to read is reported before a
/// sheet without a header, since that is what the user has to fix.
fn parse_xlsx(path: &Path) -> Result<ImportPreview> {
    let file = file_name(path);
    check_size(path)?;
    let unreadable = |e: String| {
        Error::invalid(format!(
            "无法读取表格“{file}”（{e}），请确认是 Excel 文件且没有被加密"
        ))
    };
    let mut wb: calamine::Xlsx<_> = guarded(&file, || {
        calamine::open_workbook(path).map_err(|e: calamine::XlsxError| unreadable(e.to_string()))
    })?;
    let mut read_err = None;
    let mut parse_err = None;
    for name in calamine::Reader::sheet_names(&wb) {
        match guarded(&file, || read_sheet(&mut wb, &file, &name)) {
            Ok(grid) => match parse_grid(path, grid) {
                Ok(p) => return Ok(p),
                Err(e) => {
                    parse_err.get_or_insert(e);
                }
            },
            Err(e) => {
                read_err.get_or_insert(e);
            }
        }
    }
    Err(read_err
        .or(parse_err)
        .unwrap_or_else(|| Error::invalid(format!("“{file}”里没有工作表"))))
}

/// calamine parses a file the user picked; a panic in it comes back as a refusal
/// instead of taking the window down.
fn guarded<T>(file: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(Error::invalid(format!(
            "无法读取表格“{file}”（文件已损坏），请用 Excel 或 WPS 打开后另存为 .xlsx 再导入"
        )))
    })
}

/// Stream a worksheet's cells (never the rectangle its `<dimension>` declares: one cell
/// at XFD1048576 would make that 17 billion cells), keeping those with content, then
/// fill merged regions.
fn read_sheet<RS: std::io::Read + std::io::Seek>(
    wb: &mut calamine::Xlsx<RS>,
    file: &str,
    sheet: &str,
) -> Result<Grid> {
    let at = place(file, Some(sheet));
    let unreadable = |e: calamine::XlsxError| {
        Error::invalid(format!(
            "无法读取{at}（{e}），请用 Excel 或 WPS 打开后另存为 .xlsx 再导入"
        ))
    };
    let merges = wb.merge_cells_by_sheet_name(sheet).unwrap_or_default();
    let mut by_row: BTreeMap<u32, Vec<(usize, String)>> = BTreeMap::new();
    let mut cells = 0usize;
    let mut reader = wb.worksheet_cells_reader(sheet).map_err(unreadable)?;
    while let Some(cell) = reader.next_cell().map_err(unreadable)? {
        let text = cell_text(cell.get_value());
        if text.trim().is_empty() {
            continue;
        }
        let (r, c) = cell.get_position();
        let col = c as usize;
        if col >= MAX_COLUMNS {
            return Err(too_wide(&at, r as usize + 1, col));
        }
        cells += 1;
        if cells > MAX_CELLS {
            return Err(too_many_cells(&at));
        }
        if !by_row.contains_key(&r) && by_row.len() >= MAX_ROWS {
            return Err(too_many_rows(&at));
        }
        by_row.entry(r).or_default().push((col, text));
    }
    drop(reader);
    let mut rows: Vec<Row> = by_row
        .into_iter()
        .map(|(r, mut cells)| {
            // XML order is usually column order, but nothing makes it so.
            cells.sort_by_key(|(c, _)| *c);
            cells.dedup_by_key(|(c, _)| *c);
            Row {
                n: r as usize + 1,
                blank_before: 0,
                cells,
            }
        })
        .collect();
    fill_merged(&mut rows, &merges, &at)?;
    Ok(Grid {
        sheet: Some(sheet.to_string()),
        encoding: None,
        rows,
        blank_total: 0,
    })
}

fn cell_text(d: &calamine::DataRef) -> String {
    use calamine::DataRef;
    match d {
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => dt.to_string(),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

/// Give every cell of a merged region its top-left value (a 楼栋 merged down many rows),
/// in the rows that hold something and the columns an import reads.
fn fill_merged(rows: &mut [Row], merges: &[calamine::Dimensions], at: &str) -> Result<()> {
    let mut work = 0usize;
    for m in merges {
        // Merge rows are 0-based; ours are spreadsheet numbers.
        let (top, left) = (m.start.0 as usize + 1, m.start.1 as usize);
        let (bottom, right) = (m.end.0 as usize + 1, m.end.1 as usize);
        if left >= MAX_COLUMNS || bottom < top || right < left {
            continue;
        }
        let right = right.min(MAX_COLUMNS - 1);
        let first = rows.partition_point(|r| r.n < top);
        let Some(value) = rows
            .get(first)
            .filter(|r| r.n == top)
            .and_then(|r| r.get(left))
            .map(str::to_string)
        else {
            continue;
        };
        let end = rows.partition_point(|r| r.n <= bottom);
        for row in rows.get_mut(first..end).unwrap_or_default() {
            for c in left..=right {
                work += 1;
                if work > MAX_MERGE_FILL {
                    return Err(Error::invalid(format!(
                        "{at}的合并单元格太多，超出了导入的上限。请全选表格，\
                         取消“合并单元格”后再导入"
                    )));
                }
                row.fill(c, &value);
            }
        }
    }
    Ok(())
}

fn read_csv(path: &Path) -> Result<Grid> {
    use std::io::Read;
    let file = file_name(path);
    check_size(path)?;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(|e| Error::io(path, e))?
        // The file may grow after its size was checked.
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    size_ok(path, bytes.len() as u64)?;
    let (text, encoding) = decode(&bytes);
    drop(bytes);
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches('\t').count() > first_line.matches(',').count() {
        '\t'
    } else {
        ','
    };
    let (rows, blank_total) = split_csv(&text, delimiter, &place(&file, None))?;
    Ok(Grid {
        sheet: None,
        encoding: Some(encoding.to_string()),
        rows,
        blank_total,
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
/// carries the line number it starts on. Blank records are only counted, and empty
/// fields are not kept, so a line of a million commas costs nothing.
fn split_csv(text: &str, delimiter: char, at: &str) -> Result<(Vec<Row>, usize)> {
    struct Split<'a> {
        at: &'a str,
        rows: Vec<Row>,
        blank: usize,
        cells_total: usize,
        record: Vec<(usize, String)>,
        col: usize,
        field: String,
        start_line: usize,
    }
    impl Split<'_> {
        fn end_field(&mut self) -> Result<()> {
            let f = std::mem::take(&mut self.field);
            if !f.trim().is_empty() {
                if self.col >= MAX_COLUMNS {
                    return Err(too_wide(self.at, self.start_line, self.col));
                }
                self.cells_total += 1;
                if self.cells_total > MAX_CELLS {
                    return Err(too_many_cells(self.at));
                }
                self.record.push((self.col, f));
            }
            self.col += 1;
            Ok(())
        }
        fn end_record(&mut self, next_line: usize) -> Result<()> {
            self.end_field()?;
            if self.record.is_empty() {
                self.blank += 1;
            } else {
                if self.rows.len() >= MAX_ROWS {
                    return Err(too_many_rows(self.at));
                }
                self.rows.push(Row {
                    n: self.start_line,
                    blank_before: self.blank,
                    cells: std::mem::take(&mut self.record),
                });
            }
            self.col = 0;
            self.start_line = next_line;
            Ok(())
        }
    }
    let mut s = Split {
        at,
        rows: Vec::new(),
        blank: 0,
        cells_total: 0,
        record: Vec::new(),
        col: 0,
        field: String::new(),
        start_line: 1,
    };
    let mut line = 1usize;
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    s.field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    s.field.push('\n');
                }
                _ => s.field.push(c),
            }
            continue;
        }
        match c {
            '"' if s.field.is_empty() => quoted = true,
            c if c == delimiter => s.end_field()?,
            '\r' => {}
            '\n' => {
                line += 1;
                s.end_record(line)?;
                any = false;
            }
            _ => s.field.push(c),
        }
    }
    if any {
        s.end_record(line)?;
    }
    Ok((s.rows, s.blank))
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
        .position(|row| {
            let m = map_header(&row.dense());
            m.len() >= 3 && m.iter().any(|(f, _)| *f == Field::Room)
        })
        .ok_or_else(|| {
            Error::invalid(format!(
                "“{file}”{}的前 {HEADER_SEARCH_ROWS} 行里找不到表头。表头应包含 小区、楼栋、单元、房号、姓名、电话 等列名（房号必需）",
                grid.sheet.as_deref().map(|s| format!("（工作表“{s}”）")).unwrap_or_default()
            ))
        })?;
    let header = &grid.rows[header_at];
    let header_row = header.n;
    let header_cells = header.dense();
    let mapping = map_header(&header_cells);
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
    for row in grid.rows.iter().skip(header_at + 1) {
        let get = |f: Field| -> String {
            col(f)
                .and_then(|i| row.get(i))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let values: Vec<String> = Field::ALL.iter().map(|f| get(*f)).collect();
        if values.iter().all(|v| v.is_empty()) {
            blank += 1;
            continue;
        }
        // The header repeated (a ledger printed in pages).
        if map_header(&row.dense()).len() >= 3
            && values
                .iter()
                .zip(Field::ALL)
                .all(|(v, f)| v.is_empty() || f.exact().contains(&clean_header(v).as_str()))
        {
            blank += 1;
            continue;
        }
        total += 1;
        match check_row(row.n, &values) {
            Ok(r) => rows.push(r),
            Err(reason) => problems.push(ImportProblem { row: row.n, reason }),
        }
    }
    // A room without 楼栋 where the same 小区's other rows have one would become a unit
    // nobody can tell apart (which 501?): listed as a problem, not imported.
    let with_building: std::collections::HashSet<String> = rows
        .iter()
        .filter(|r| !r.building.is_empty())
        .map(|r| r.site.clone())
        .collect();
    let (ambiguous, rows): (Vec<ImportRow>, Vec<ImportRow>) = rows
        .into_iter()
        .partition(|r| r.building.is_empty() && with_building.contains(&r.site));
    for r in ambiguous {
        problems.push(ImportProblem {
            row: r.row,
            reason: format!("楼栋为空：{}的其他行都填了楼栋，请补上这一户的楼栋", r.site),
        });
    }
    problems.sort_by_key(|p| p.row);
    Ok(ImportPreview {
        file,
        sheet: grid.sheet,
        encoding: grid.encoding,
        header_row,
        columns,
        rows_total: total,
        rows_ok: rows.len(),
        rows_blank: blank + grid.blank_total.saturating_sub(header.blank_before),
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
        keep(&mut reasons, input::printed_name("小区", Some(site)))
    };
    let building = keep(
        &mut reasons,
        input::printed_text("楼栋", Some(building), 50, false).map(Option::unwrap_or_default),
    );
    let unit = keep(
        &mut reasons,
        input::printed_text("单元", Some(unit), 50, false).map(Option::unwrap_or_default),
    );
    let room = if room.is_empty() {
        reasons.push("房号为空".into());
        String::new()
    } else {
        keep(&mut reasons, input::printed_name("房号", Some(room)))
    };
    let name = if name.is_empty() {
        String::new()
    } else {
        keep(&mut reasons, input::printed_name("姓名", Some(name)))
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
