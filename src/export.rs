//! 导出 — the month report as a file: XLSX workbook (several sheets, native chart), PDF
//! summary (one or two A4 pages), CSV of the 明细 rows (UTF-8 with BOM). One entry point,
//! [`to_file`], picks the format from the file extension. Every export can mask phone
//! numbers (138****5678) for 个人信息保护.

pub(crate) mod csv;
mod pdf;
mod xlsx;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::account::Permission;
use crate::audit::AuditKind;
use crate::clock::{OfficeZone, Time};
use crate::error::{Error, Result};
use crate::outfile::{self, Existing};
use crate::report::{self, MonthDetail, MonthReport, MonthTicket};
use crate::Store;

/// How to export.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
pub struct ExportOptions {
    /// Show phones as 138****5678 (and mask mobile numbers written in free text).
    pub mask_phones: bool,
}

/// The file formats a month can be exported to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Xlsx,
    Pdf,
    Csv,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
            Format::Csv => "csv",
        }
    }

    /// By file extension: `.xlsx`, `.pdf`, `.csv`.
    pub fn from_path(path: &Path) -> Result<Format> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "xlsx" => Ok(Format::Xlsx),
            "pdf" => Ok(Format::Pdf),
            "csv" => Ok(Format::Csv),
            _ => Err(Error::invalid(format!(
                "不支持导出为“{}”，请用 .xlsx、.pdf 或 .csv 作为文件扩展名",
                path.display()
            ))),
        }
    }
}

/// What [`to_file`] wrote.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ExportOutcome {
    pub path: String,
    pub format: Format,
    pub bytes: usize,
    /// Ticket rows in the 明细 (received or completed in the month).
    pub tickets: usize,
}

/// Who the export is for and when it was made: what the renderers print besides the
/// month's data (they know nothing of the store).
#[derive(Debug, Clone)]
pub struct Office {
    pub name: String,
    pub zone: OfficeZone,
    pub generated_at: Time,
}

impl Office {
    pub fn of(store: &Store) -> Result<Office> {
        Ok(Office {
            name: store.settings()?.office_name,
            zone: store.zone(),
            generated_at: store.now(),
        })
    }
}

/// The month's export in `format`, as bytes.
pub fn render(
    office: &Office,
    detail: &MonthDetail,
    format: Format,
    options: &ExportOptions,
) -> Result<Vec<u8>> {
    match format {
        Format::Xlsx => xlsx::render(office, detail, options),
        Format::Pdf => pdf::render(office, &detail.report, options),
        Format::Csv => Ok(csv::render(&detail.tickets, options)),
    }
}

/// The month as an XLSX workbook.
pub fn xlsx(store: &Store, month: &str, options: &ExportOptions) -> Result<Vec<u8>> {
    of_store(store, month, Format::Xlsx, options)
}

/// The 明细 rows as CSV, UTF-8 with BOM.
pub fn csv(store: &Store, month: &str, options: &ExportOptions) -> Result<Vec<u8>> {
    of_store(store, month, Format::Csv, options)
}

/// The one- or two-page A4 PDF summary.
pub fn pdf(store: &Store, month: &str, options: &ExportOptions) -> Result<Vec<u8>> {
    of_store(store, month, Format::Pdf, options)
}

fn of_store(
    store: &Store,
    month: &str,
    format: Format,
    options: &ExportOptions,
) -> Result<Vec<u8>> {
    Ok(rendered(store, month, format, options)?.bytes)
}

/// A month read for `format` and rendered.
struct Rendered {
    month: String,
    /// Ticket rows in the 明细.
    tickets: usize,
    bytes: Vec<u8>,
}

/// Read what `format` prints of `month` and render it: the CSV is the 明细 alone, so it
/// skips the statistics and the hot spots; the PDF is the summary alone, so it reads
/// none of the 明细's texts.
fn rendered(
    store: &Store,
    month: &str,
    format: Format,
    options: &ExportOptions,
) -> Result<Rendered> {
    match format {
        Format::Csv => {
            let rows = report::month_rows(store, month)?;
            Ok(Rendered {
                bytes: csv::render(&rows.tickets, options),
                tickets: rows.tickets.len(),
                month: rows.month,
            })
        }
        Format::Pdf => {
            let (summary, tickets) = report::month_counted(store, month)?;
            Ok(Rendered {
                bytes: pdf::render(&Office::of(store)?, &summary, options)?,
                tickets,
                month: summary.month,
            })
        }
        Format::Xlsx => {
            let detail = report::month_detail(store, month)?;
            Ok(Rendered {
                bytes: render(&Office::of(store)?, &detail, format, options)?,
                tickets: detail.tickets.len(),
                month: detail.report.month,
            })
        }
    }
}

/// Export `month` to `path`, the format chosen by its extension. The path is checked
/// first ([`outfile::check`]: never the office's own data; an existing file only with
/// [`Existing::Replace`]); the file is written whole or not at all.
pub fn to_file(
    store: &Store,
    month: &str,
    path: impl AsRef<Path>,
    options: &ExportOptions,
    existing: Existing,
) -> Result<ExportOutcome> {
    let path = path.as_ref();
    let format = Format::from_path(path)?;
    let path = outfile::check(path, &[format.extension()], store.path(), existing)?;
    let Rendered {
        month,
        tickets,
        bytes,
    } = rendered(store, month, format, options)?;
    outfile::write(&path, &bytes)?;
    store.note_change(
        Permission::Reports,
        AuditKind::Export,
        &path.display().to_string(),
        &format!(
            "导出 {month} 月度汇总（{}，{tickets} 张工单）",
            format.extension(),
        ),
    )?;
    Ok(ExportOutcome {
        path: path.display().to_string(),
        format,
        bytes: bytes.len(),
        tickets,
    })
}

/// `13800138000` → `138****8000`; landlines keep the area code's first digits and the
/// last four; short numbers keep only the last two.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    let n = chars.len();
    if n == 0 {
        return String::new();
    }
    if n >= 8 {
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[n - 4..].iter().collect();
        format!("{head}****{tail}")
    } else {
        let tail: String = chars[n.saturating_sub(2)..].iter().collect();
        format!("{}{tail}", "*".repeat(n.saturating_sub(2)))
    }
}

/// Mask 11-digit mobile numbers written inside free text (故障描述, 处理措施 …).
pub fn mask_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            if run.len() == 11 && run.starts_with('1') {
                out.push_str(&mask_phone(&run));
            } else {
                out.push_str(&run);
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// One cell of a ledger row, typed so XLSX can write real dates and money.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Int(i64),
    OptInt(Option<i64>),
    Time(Option<Time>),
    Money(i64),
}

/// A ledger column: header and (minimum) width in Excel character units.
pub(crate) struct Column {
    pub header: &'static str,
    pub width: f64,
}

const fn col(header: &'static str, width: f64) -> Column {
    Column { header, width }
}

/// The 明细 columns, shared by XLSX and CSV.
pub(crate) const LEDGER: &[Column] = &[
    col("工单号", 16.0),
    col("类型", 6.0),
    col("当前状态", 9.0),
    col("月末状态", 9.0),
    col("渠道", 6.0),
    col("报修时间", 17.0),
    col("报修人", 10.0),
    col("联系电话", 14.0),
    col("小区", 10.0),
    col("楼栋", 6.0),
    col("单元", 6.0),
    col("房号", 8.0),
    col("公区位置", 14.0),
    col("类别", 10.0),
    col("紧急程度", 9.0),
    col("故障描述", 36.0),
    col("维修人员", 10.0),
    col("派单时间", 17.0),
    col("到场时间", 17.0),
    col("完工时间", 17.0),
    col("回访时间", 17.0),
    col("完工时限", 17.0),
    col("挂起(分钟)", 11.0),
    col("完工用时(分钟)", 15.0),
    col("超时", 6.0),
    col("故障原因", 20.0),
    col("处理措施", 20.0),
    col("材料明细", 20.0),
    col("工时(分钟)", 11.0),
    col("收费", 6.0),
    col("收费方式", 9.0),
    col("材料费", 12.0),
    col("维修费", 12.0),
    col("业主签字", 9.0),
    col("满意度", 9.0),
    col("返修次数", 9.0),
    col("取消原因", 14.0),
    col("本月受理", 9.0),
    col("本月完工", 9.0),
];

fn yes(b: bool) -> Cell {
    Cell::Text(if b { "是" } else { "否" }.into())
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// One 明细 row, in [`LEDGER`] order.
pub(crate) fn ledger_row(t: &MonthTicket, options: &ExportOptions) -> Vec<Cell> {
    let text = |s: String| {
        Cell::Text(if options.mask_phones {
            mask_text(&s)
        } else {
            s
        })
    };
    let phone = if options.mask_phones {
        mask_phone(&t.phone)
    } else {
        t.phone.clone()
    };
    vec![
        Cell::Text(t.number.clone()),
        Cell::Text(t.kind.label().into()),
        Cell::Text(t.status.label().into()),
        Cell::Text(
            t.status_at_month_end
                .map(|s| s.label())
                .unwrap_or("")
                .into(),
        ),
        Cell::Text(t.channel.label().into()),
        Cell::Time(Some(t.received_at)),
        Cell::Text(t.reporter.clone()),
        Cell::Text(phone),
        Cell::Text(opt(&t.site)),
        Cell::Text(opt(&t.building)),
        Cell::Text(opt(&t.unit)),
        Cell::Text(opt(&t.room)),
        text(opt(&t.location)),
        Cell::Text(t.category.clone()),
        Cell::Text(t.urgency.label().into()),
        text(t.description.clone()),
        Cell::Text(opt(&t.assignee)),
        Cell::Time(t.dispatched_at),
        Cell::Time(t.arrived_at),
        Cell::Time(t.completed_at),
        Cell::Time(t.visited_at),
        Cell::Time(t.deadline.or(t.completion_due)),
        Cell::Int(t.held_minutes),
        Cell::OptInt(t.completion_minutes),
        yes(t.overdue),
        text(opt(&t.cause)),
        text(opt(&t.measures)),
        Cell::Text(opt(&t.materials_text)),
        Cell::Int(t.labour_minutes),
        Cell::Text(if t.paid { "有偿" } else { "无偿" }.into()),
        Cell::Text(opt(&t.payment_method)),
        Cell::Money(t.materials_fen),
        Cell::Money(t.fee_fen),
        yes(t.owner_signed),
        Cell::Text(t.satisfaction.map(|s| s.label()).unwrap_or("").into()),
        Cell::Int(t.rework_count),
        text(opt(&t.cancel_reason)),
        yes(t.received_in_month),
        yes(t.completed_in_month),
    ]
}

/// Display width in Excel character units: CJK and full-width characters count 2.
pub(crate) fn display_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if (c as u32) < 0x1100 { 1.0 } else { 2.0 })
        .sum()
}

/// The heading of a month's XLSX and PDF: `某某物业服务中心 2026年10月 维修工作月度汇总`.
pub(crate) fn title(office: &str, report: &MonthReport) -> String {
    let (y, m) = report.month.split_once('-').unwrap_or(("", ""));
    format!(
        "{office} {y}年{}月 维修工作月度汇总",
        m.trim_start_matches('0')
    )
}
