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
use crate::ticket::{code_enum, Quote, Round, Status, Ticket};

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

/// One ticket as its slip prints it: the ticket, and what the slip shows from elsewhere
/// in the office's records, looked up by the caller ([`load`] does it from the store).
#[derive(Debug, Clone, PartialEq)]
pub struct Slip {
    pub ticket: Ticket,
    /// 往次维修: the rounds before the one the slip shows.
    pub earlier_rounds: Vec<Round>,
    /// The 维修人员's phone, printed beside the name so the owner can reach them.
    pub technician_phone: Option<String>,
    /// The latest 报价, shown in the 收费 cell until the work is done.
    pub quote: Option<Quote>,
}

impl From<Ticket> for Slip {
    fn from(ticket: Ticket) -> Slip {
        Slip {
            ticket,
            earlier_rounds: Vec::new(),
            quote: None,
            technician_phone: None,
        }
    }
}

/// Render `tickets` as one PDF: one slip (or two-part sheet) per ticket, each followed
/// by its continuation page when a field is too long for the form. Pure and
/// deterministic: the same tickets, settings and `printed_at` give the same bytes.
/// Refuses (`missing_glyph`) text the bundled font cannot print. Prints only what the
/// tickets hold; [`render_slips`] also prints what [`load`] looks up.
pub fn render(
    tickets: &[Ticket],
    layout: Layout,
    settings: &Settings,
    printed_at: &Time,
) -> Result<Vec<u8>> {
    let slips: Vec<Slip> = tickets.iter().cloned().map(Slip::from).collect();
    render_slips(&slips, layout, settings, printed_at)
}

/// [`render`] for slips with their earlier rounds and the technician's phone.
pub fn render_slips(
    slips: &[Slip],
    layout: Layout,
    settings: &Settings,
    printed_at: &Time,
) -> Result<Vec<u8>> {
    render_counted(slips, layout, settings, printed_at).map(|(bytes, _)| bytes)
}

/// The slips of `numbers`, in order, each once: the ticket, its earlier rounds and its
/// technician's phone. A missing or cancelled ticket refuses.
pub fn load(store: &Store, numbers: &[String]) -> Result<Vec<Slip>> {
    let mut slips: Vec<Slip> = Vec::with_capacity(numbers.len());
    for n in numbers {
        let t = store.ticket(n)?;
        if t.status == Status::Cancelled {
            return Err(Error::WrongStatus(format!(
                "工单“{}”已取消，不能打印维修单",
                t.number
            )));
        }
        // The same number twice in one request prints once.
        if slips.iter().any(|s| s.ticket.number == t.number) {
            continue;
        }
        let technician_phone = match &t.assignee {
            Some(name) => match store.technician(name) {
                Ok(tech) => Some(tech.phone).filter(|p| !p.trim().is_empty()),
                // A technician no longer on the list: the slip leaves the phone blank.
                Err(Error::NotFound(_)) => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        slips.push(Slip {
            earlier_rounds: earlier_rounds(store.rounds(&t.number)?, &t),
            technician_phone,
            quote: store.quotes(&t.number)?.pop(),
            ticket: t,
        });
    }
    Ok(slips)
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
    let slips = load(store, numbers)?;
    let settings = store.settings()?;
    let layout = match layout {
        Some(l) => l,
        None => settings.slip_layout,
    };
    let (bytes, pages) = render_counted(&slips, layout, &settings, &store.now())?;
    let staged = outfile::stage(&out, &bytes)?;
    let printed: Vec<String> = slips.into_iter().map(|s| s.ticket.number).collect();
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

/// The PDF and its page count.
fn render_counted(
    slips: &[Slip],
    layout: Layout,
    settings: &Settings,
    printed_at: &Time,
) -> Result<(Vec<u8>, usize)> {
    if slips.is_empty() {
        return Err(Error::invalid("没有要打印的工单，请至少选择一张"));
    }
    let font = font()?;
    check_settings(font, settings)?;
    for s in slips {
        check_slip(font, s)?;
    }
    let tickets: Vec<&Ticket> = slips.iter().map(|s| &s.ticket).collect();
    let title = match tickets.as_slice() {
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
    let mut pages = Vec::with_capacity(slips.len());
    for s in slips {
        pages.extend(ctx.ticket_pages(s, layout)?);
    }
    let count = pages.len();
    Ok((doc.save(pages, printed_at, &settings.office_name), count))
}

fn check_settings(font: &Font, s: &Settings) -> Result<()> {
    font.check("服务中心名称", &s.office_name)?;
    font.check("服务热线", &s.hotline)
}

/// Every text of the slip, checked before anything is drawn.
fn check_slip(font: &Font, s: &Slip) -> Result<()> {
    let t = &s.ticket;
    let fields: [(&str, &str); 10] = [
        ("工单号", &t.number),
        ("报修人", &t.reporter),
        ("联系电话", &t.phone),
        ("房号/地址", &t.place()),
        ("报修类别", &t.category),
        ("故障描述", &t.description),
        ("维修人员", t.assignee.as_deref().unwrap_or("")),
        ("维修人电话", s.technician_phone.as_deref().unwrap_or("")),
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
    for r in &s.earlier_rounds {
        font.check(&format!("工单 {} 的往次维修", t.number), &round_line(r))?;
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
