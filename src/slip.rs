//! 维修单 slip: the paper work order the technician carries and the owner signs, as a
//! PDF — one A4 slip per page, or an A4 sheet with two A5 parts (存根联 / 客户联) —
//! with the ticket number as text and QR code, and the bundled CJK font subset-embedded.

pub mod money;

mod continuation;
mod form;
mod layout;
mod materials;

use std::path::Path;

use serde::Serialize;

use crate::canvas::Document;
use crate::clock::Time;
use crate::error::{Error, Result};
use crate::font::{font, Font};
use crate::outfile::{self, Existing};
use crate::store::{Settings, Store};
use crate::ticket::{code_enum, Round, Status, Ticket};

/// Printed where a long field stops on the slip and goes on in a continuation page.
pub const CONTINUED: &str = "（未完，续见附页）";

code_enum!(
    /// 版式 — how slips are laid out on paper: one slip per A4 page, or one A4 sheet
    /// holding two A5 parts (第一联 存根联 / 第二联 客户联) and a cut line.
    Layout, "维修单版式" {
        A4 = "a4" / "整张A4",
        A5x2 = "a5x2" / "A4两联（A5×2）",
    }
);

/// What [`print_to_file`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PrintOutcome {
    /// The PDF written.
    pub path: String,
    /// Pages in the PDF (a ticket takes more than one when a field is continued).
    pub pages: usize,
    /// Size of the PDF in bytes.
    pub bytes: usize,
    /// The ticket numbers printed, in order (each got a `printed` event).
    pub tickets: Vec<String>,
}

/// Render `tickets` as one PDF: one slip (or two-part sheet) per ticket, each followed
/// by its continuation page when a field is too long for the form. Pure and
/// deterministic: the same tickets, settings and `printed_at` give the same bytes.
/// Refuses (`missing_glyph`) text the bundled font cannot print.
pub fn render(
    tickets: &[Ticket],
    layout: Layout,
    settings: &Settings,
    printed_at: &Time,
) -> Result<Vec<u8>> {
    render_counted(tickets, &[], layout, settings, printed_at).map(|(bytes, _)| bytes)
}

/// 打印维修单: load `numbers`, render them in `layout` (default: the office's setting),
/// write `out`, then record a `printed` event on each ticket. A missing or cancelled
/// ticket, or a character the font lacks, refuses before anything is written.
pub fn print_to_file(
    store: &mut Store,
    numbers: &[String],
    layout: Option<Layout>,
    out: &Path,
    operator: &str,
    existing: Existing,
) -> Result<PrintOutcome> {
    crate::input::name("操作员", Some(operator))?;
    let out = outfile::check(out, &["pdf"], store.path(), existing)?;
    let mut tickets: Vec<Ticket> = Vec::with_capacity(numbers.len());
    let mut earlier: Vec<Vec<Round>> = Vec::with_capacity(numbers.len());
    for n in numbers {
        let t = store.ticket(n)?;
        if t.status == Status::Cancelled {
            return Err(Error::WrongStatus(format!(
                "工单“{}”已取消，不能打印维修单",
                t.number
            )));
        }
        // The same number twice in one request prints once.
        if !tickets.iter().any(|x| x.number == t.number) {
            earlier.push(earlier_rounds(store.rounds(&t.number)?, &t));
            tickets.push(t);
        }
    }
    let settings = store.settings()?;
    let layout = match layout {
        Some(l) => l,
        None => settings.slip_layout,
    };
    let (bytes, pages) = render_counted(&tickets, &earlier, layout, &settings, &store.now())?;
    let staged = outfile::stage(&out, &bytes)?;
    let printed: Vec<String> = tickets.into_iter().map(|t| t.number).collect();
    // The prints are recorded only if the PDF lands in place, in the same transaction.
    store.record_prints(&printed, operator, || staged.place())?;
    Ok(PrintOutcome {
        path: out.display().to_string(),
        pages,
        bytes: bytes.len(),
        tickets: printed,
    })
}

/// The rounds before the one the slip shows: all of them while a 返修 is under way,
/// all but the latest once it is completed again.
fn earlier_rounds(mut rounds: Vec<Round>, t: &Ticket) -> Vec<Round> {
    if is_done(t) {
        rounds.pop();
    }
    rounds
}

/// `tickets` with, at the same index, each one's earlier rounds (none when `earlier`
/// is shorter).
fn render_counted(
    tickets: &[Ticket],
    earlier: &[Vec<Round>],
    layout: Layout,
    settings: &Settings,
    printed_at: &Time,
) -> Result<(Vec<u8>, usize)> {
    if tickets.is_empty() {
        return Err(Error::invalid("没有要打印的工单，请至少选择一张"));
    }
    let font = font()?;
    check_settings(font, settings)?;
    let earlier_of = |i: usize| earlier.get(i).map(Vec::as_slice).unwrap_or(&[]);
    for (i, t) in tickets.iter().enumerate() {
        check_ticket(font, t)?;
        for r in earlier_of(i) {
            font.check(&format!("工单 {} 的往次维修", t.number), &round_line(r))?;
        }
    }
    let title = match tickets {
        [one] => format!("维修单 {}", one.number),
        [first, .., last] => format!(
            "维修单 {} 至 {}（共 {} 张）",
            first.number,
            last.number,
            tickets.len()
        ),
        [] => "维修单".to_string(),
    };
    let doc = Document::new(&title)?;
    let ctx = Context {
        doc: &doc,
        font,
        settings,
        printed_at,
    };
    let mut pages = Vec::with_capacity(tickets.len());
    for (i, t) in tickets.iter().enumerate() {
        pages.extend(ctx.ticket_pages(t, earlier_of(i), layout)?);
    }
    let count = pages.len();
    Ok((doc.save(pages, printed_at, &settings.office_name), count))
}

fn check_settings(font: &Font, s: &Settings) -> Result<()> {
    font.check("服务中心名称", &s.office_name)?;
    font.check("服务热线", &s.hotline)
}

/// Every text of the ticket that goes on the slip, checked before anything is drawn.
fn check_ticket(font: &Font, t: &Ticket) -> Result<()> {
    let fields: [(&str, &str); 9] = [
        ("工单号", &t.number),
        ("报修人", &t.reporter),
        ("联系电话", &t.phone),
        ("房号/地址", &t.place()),
        ("报修类别", &t.category),
        ("故障描述", &t.description),
        ("维修人员", t.assignee.as_deref().unwrap_or("")),
        ("故障原因", t.cause.as_deref().unwrap_or("")),
        ("处理措施", t.measures.as_deref().unwrap_or("")),
    ];
    for (field, text) in fields {
        font.check(&format!("工单 {} 的{field}", t.number), text)
            .map_err(|e| with_number(e, field, &t.number))?;
    }
    for (i, m) in t.materials.iter().enumerate() {
        font.check(&format!("第 {} 行材料名称", i + 1), &m.name)
            .and_then(|_| font.check(&format!("第 {} 行规格型号", i + 1), &m.spec))
            .map_err(|e| Error::MissingGlyph(format!("工单 {}：{e}", t.number)))?;
    }
    Ok(())
}

/// `…在「工单 X 的报修人」中…` reads badly; say the field and the ticket apart.
fn with_number(e: Error, field: &str, number: &str) -> Error {
    match e {
        Error::MissingGlyph(m) => Error::MissingGlyph(
            m.replace(
                &format!("「工单 {number} 的{field}」"),
                &format!("「{field}」"),
            ) + &format!("（工单 {number}）"),
        ),
        other => other,
    }
}

/// What every part of the form needs while drawing: the document, the font, the
/// office's settings and the print time.
struct Context<'a> {
    doc: &'a Document,
    font: &'static Font,
    settings: &'a Settings,
    printed_at: &'a Time,
}

fn fmt_time(t: &Time) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// One earlier round, compact: `第1次维修（11-20）：原因 …；措施 …；费用 50.00 元（有偿）`.
fn round_line(r: &Round) -> String {
    let fee = if r.paid {
        format!("{} 元（有偿）", money::yuan(r.fee_fen))
    } else {
        "无偿".to_string()
    };
    format!(
        "第{}次维修（{}）：原因 {}；措施 {}；费用 {fee}",
        r.round,
        r.completed_at.format("%m-%d"),
        r.cause,
        r.measures
    )
}

/// A reprint (补打): printed before, or filled in after the work is done.
fn is_reprint(t: &Ticket) -> bool {
    t.print_count > 0 || matches!(t.status, Status::Completed | Status::Closed)
}

/// The completion details are known and printed (a 补打 after 完工).
fn is_done(t: &Ticket) -> bool {
    matches!(t.status, Status::Completed | Status::Closed) && t.completed_at.is_some()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn layout_codes() {
        assert_eq!(Layout::parse("a4").unwrap(), Layout::A4);
        assert_eq!(Layout::parse(" A5x2 ").unwrap(), Layout::A5x2);
        assert_eq!(Layout::A5x2.code(), "a5x2");
        assert_eq!(serde_json::to_string(&Layout::A5x2).unwrap(), "\"a5x2\"");
        assert_eq!(
            serde_json::from_str::<Layout>("\"a4\"").unwrap(),
            Layout::A4
        );
        let e = Layout::parse("letter").unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert!(e.to_string().contains("a5x2"));
    }
}
