//! 维修单 slip: the paper work order the technician carries and the owner signs, as a
//! PDF — one A4 slip per page, or an A4 sheet with two A5 parts (存根联 / 客户联) —
//! with the ticket number as text and QR code, and the bundled CJK font subset-embedded.

pub mod money;

use std::path::Path;

use printpdf::PdfPage;
use serde::Serialize;

use crate::canvas::{mm_pt, pt_mm, Canvas, Color, Document, THICK, THIN};
use crate::clock::Time;
use crate::error::{Error, Result};
use crate::font::{font, Font};
use crate::outfile::{self, Existing};
use crate::store::{Settings, Store};
use crate::ticket::{
    code_enum, Kind, Material, Round, Satisfaction, Scope, Status, Ticket, Urgency,
};

const A4_W: f32 = 210.0;
const A4_H: f32 = 297.0;

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

/// Sizes of one form: the A4 slip, or one A5 part of the two-part sheet.
struct Metrics {
    /// Body text, points.
    body: f32,
    /// Header and footer small print, points.
    small: f32,
    /// Title, points (shrunk to fit a long office name).
    title: f32,
    /// A standard row, mm.
    row: f32,
    /// A line of wrapped text, mm.
    line: f32,
    /// The label column, mm.
    label_w: f32,
    /// Cell padding, mm.
    pad: f32,
    /// QR code side, mm.
    qr: f32,
    /// Rows of the blank materials table.
    material_rows: usize,
    /// Lines for 故障描述 when the description is short.
    desc_min_lines: usize,
    /// Lines each for 故障原因 / 处理措施.
    note_lines: usize,
    /// 故障原因 and 处理措施 share one row (two half-width cells).
    notes_side_by_side: bool,
}

const A4_METRICS: Metrics = Metrics {
    body: 10.5,
    small: 9.0,
    title: 17.0,
    row: 9.2,
    line: 5.0,
    label_w: 25.0,
    pad: 2.0,
    qr: 22.0,
    material_rows: 5,
    desc_min_lines: 3,
    note_lines: 2,
    notes_side_by_side: false,
};

const A5_METRICS: Metrics = Metrics {
    body: 8.5,
    small: 7.5,
    title: 13.0,
    row: 5.7,
    line: 3.7,
    label_w: 19.0,
    pad: 1.2,
    qr: 15.5,
    material_rows: 3,
    desc_min_lines: 2,
    note_lines: 2,
    notes_side_by_side: true,
};

/// Where one form goes on the page, mm from the top-left.
struct Frame {
    left: f32,
    top: f32,
    width: f32,
    bottom: f32,
}

/// One part of a sheet: the form plus which copy it is.
struct Part<'a> {
    frame: Frame,
    metrics: &'a Metrics,
    /// 【第一联 存根联】 etc., for the two-part sheet.
    copy: Option<&'a str>,
    /// The slip's own footer line.
    footer_note: &'a str,
}

/// What did not fit on the form and continues on a continuation page.
struct Block {
    title: String,
    lines: Vec<String>,
    size: f32,
    line: f32,
}

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

impl Context<'_> {
    fn canvas(&self) -> Canvas {
        self.doc.page(A4_W, A4_H)
    }

    fn ticket_pages(&self, t: &Ticket, earlier: &[Round], layout: Layout) -> Result<Vec<PdfPage>> {
        let mut c = self.canvas();
        let blocks = match layout {
            Layout::A4 => self.form(
                &mut c,
                t,
                earlier,
                &Part {
                    frame: Frame {
                        left: 18.0,
                        top: 12.0,
                        width: A4_W - 36.0,
                        bottom: A4_H - 12.0,
                    },
                    metrics: &A4_METRICS,
                    copy: None,
                    footer_note: "请业主核对维修结果后签字确认；如有疑问请致电服务热线。",
                },
            ),
            Layout::A5x2 => {
                let half = A4_H / 2.0;
                let note = "本单一式两联：第一联存根，第二联交业主。";
                let mut part = Part {
                    frame: Frame {
                        left: 12.0,
                        top: 7.0,
                        width: A4_W - 24.0,
                        bottom: half - 4.0,
                    },
                    metrics: &A5_METRICS,
                    copy: Some("【第一联 存根联】"),
                    footer_note: note,
                };
                let blocks = self.form(&mut c, t, earlier, &part);
                // The cut line, with the words interrupting it.
                let cut = "✂ 沿此线裁开";
                let cut = if cut.chars().all(|ch| self.font.has_char(ch)) {
                    cut
                } else {
                    "沿此线裁开"
                };
                let tw = c.width(cut, 7.5);
                let mid = A4_W / 2.0;
                c.dashed_hline(6.0, mid - tw / 2.0 - 3.0, half);
                c.dashed_hline(mid + tw / 2.0 + 3.0, A4_W - 6.0, half);
                c.text_center(0.0, A4_W, half + pt_mm(7.5) * 0.36, 7.5, cut);
                part.frame.top = half + 7.0;
                part.frame.bottom = A4_H - 4.0;
                part.copy = Some("【第二联 客户联】");
                self.form(&mut c, t, earlier, &part);
                blocks
            }
        };
        let mut pages = vec![c];
        if !blocks.is_empty() {
            pages.extend(self.continuation(t, &blocks));
        }
        let mut out = Vec::with_capacity(pages.len());
        for c in pages {
            if let Some(ch) = c.missing {
                return Err(Error::MissingGlyph(format!(
                    "字符“{ch}”（U+{:04X}）在「维修单模板」中无法打印：内置字体没有这个字",
                    ch as u32
                )));
            }
            out.push(c.finish());
        }
        Ok(out)
    }

    /// Draw one form in `part.frame`; return what must continue on another page.
    fn form(&self, c: &mut Canvas, t: &Ticket, earlier: &[Round], part: &Part) -> Vec<Block> {
        let m = part.metrics;
        let f = &part.frame;
        let (left, right) = (f.left, f.left + f.width);
        let mut blocks = Vec::new();

        // ---- header: title, copy name, QR, number and print time ----
        let qr_left = right - m.qr;
        self.qr(c, &t.number, qr_left, f.top, m.qr);
        let copy_w = part.copy.map_or(0.0, |s| c.width(s, m.small + 1.0) + 3.0);
        let title = if self.settings.office_name.trim().is_empty() {
            "维修单（派工单）".to_string()
        } else {
            format!("{}  维修单（派工单）", self.settings.office_name.trim())
        };
        let avail = qr_left - 3.0 - (left + copy_w);
        let mut title_size = m.title;
        while c.width(&title, title_size) > avail && title_size > 7.0 {
            title_size -= 0.5;
        }
        let title_base = f.top + m.qr * 0.42;
        // Centre on the page when there is room, else in the space beside the QR.
        let tw = c.width(&title, title_size);
        let mut tx = left + (f.width - tw) / 2.0;
        if tx < left + copy_w || tx + tw > qr_left - 3.0 {
            tx = left + copy_w + (avail - tw) / 2.0;
        }
        c.text_bold(tx, title_base, title_size, &title);
        if let Some(copy) = part.copy {
            c.text_bold(left, title_base, m.small + 1.0, copy);
        }
        let info_base = f.top + m.qr - 1.2;
        let mut x = left + c.text(left, info_base, m.small, &format!("工单号：{}", t.number));
        if t.kind != Kind::Repair {
            x += c.text(
                x + 4.0,
                info_base,
                m.small,
                &format!("工单类型：{}", t.kind.label()),
            ) + 4.0;
        }
        if is_reprint(t) {
            // A stamp-like box: the desk sees at a glance this is not the first copy.
            let s = m.small + 1.5;
            let w = c.width("补打", s) + 2.4;
            let h = pt_mm(s) + 1.6;
            let bx = x + 5.0;
            c.stroke_rect(bx, info_base - h + 1.0, w, h, THICK);
            c.text_bold(bx + 1.2, info_base - 0.3, s, "补打");
        }
        let mut printed = format!("打印时间：{}", fmt_time(self.printed_at));
        if t.print_count > 0 {
            printed.push_str(&format!("（第 {} 次打印）", t.print_count + 1));
        }
        c.text_right(qr_left - 3.0, info_base, m.small, &printed);

        // ---- the table ----
        let top = f.top + m.qr + 1.5;
        let footer_h = pt_mm(m.small) + 3.0;
        let l = m.label_w;
        let v = (f.width - 2.0 * l) / 2.0;
        let cols = [left, left + l, left + l + v, left + 2.0 * l + v, right];
        let value_w = f.width - l - 2.0 * m.pad;

        let place = t.place();
        let mut place_lines = self.font.wrap(&place, m.body, mm_pt(value_w));
        // An address longer than three lines (a long public location) continues too,
        // so the form below it keeps its shape.
        const PLACE_CAP: usize = 3;
        if place_lines.len() > PLACE_CAP {
            let rest = place_lines.split_off(PLACE_CAP - 1);
            place_lines.push(CONTINUED.to_string());
            blocks.push(Block {
                title: "房号/地址（续）".into(),
                lines: rest,
                size: m.body,
                line: m.line,
            });
        }
        let place_h = (place_lines.len() as f32 * m.line + 2.0 * m.pad).max(m.row);
        let done = is_done(t);
        let note_h = m.note_lines as f32 * m.line + 2.0 * m.pad;
        let note_h = note_h.max(m.row);
        let note_rows = if m.notes_side_by_side { 1.0 } else { 2.0 };
        let mat_head_h = m.row * 0.85;
        let mat_row_h = m.row * 0.85;
        let materials_h = mat_head_h + (m.material_rows as f32 + 1.0) * mat_row_h;
        let sign_h = m.row * 1.6;
        let (history_lines, history_h) = self.history_lines(m, value_w, earlier, &mut blocks);
        // Rows other than 故障描述, in order, to budget the description's height.
        let fixed = 4.0 * m.row // 报修人, 报修时间, 紧急程度, 维修人员
            + place_h
            + history_h
            + m.row // 到场/完工
            + note_rows * note_h // 故障原因, 处理措施
            + materials_h
            + 3.0 * m.row // 工时/收费, 维修结果, 满意度
            + sign_h;
        let desc_avail = f.bottom - footer_h - top - fixed;
        let desc_lines = self.font.wrap(&t.description, m.body, mm_pt(value_w));
        let max_lines = (((desc_avail - 2.0 * m.pad) / m.line).floor() as usize).max(1);
        let (shown, rest): (Vec<String>, Vec<String>) = if desc_lines.len() <= max_lines {
            (desc_lines, Vec::new())
        } else {
            let cut = max_lines - 1;
            let mut shown = desc_lines[..cut].to_vec();
            shown.push(CONTINUED.to_string());
            (shown, desc_lines[cut..].to_vec())
        };
        if !rest.is_empty() {
            blocks.push(Block {
                title: "故障描述（续）".into(),
                lines: rest,
                size: m.body,
                line: m.line,
            });
        }
        let desc_h = (shown.len().max(m.desc_min_lines) as f32 * m.line + 2.0 * m.pad).max(m.row);
        // Room left on the sheet goes to the hand: up to two more lines each for
        // 故障原因 / 处理措施, then a taller signature row.
        let spare = (desc_avail - desc_h).max(0.0);
        let grow = (spare * 0.7 / note_rows).min(2.0 * m.line);
        let note_h = note_h + grow;
        let sign_h = sign_h + ((spare - grow * note_rows) * 0.5).clamp(0.0, m.row);
        let note_cap = (((note_h - 2.0 * m.pad) / m.line).floor() as usize).max(1);

        let mut y = top;
        // 报修人 | 联系电话
        self.pair(
            c,
            m,
            &cols,
            y,
            m.row,
            ("报修人", &t.reporter),
            ("联系电话", &t.phone),
        );
        y += m.row;
        // 房号/地址 (wraps)
        let place_label = if t.scope == Scope::PublicArea {
            "报修位置"
        } else {
            "房号/地址"
        };
        self.label(c, m, cols[0], y, l, place_h, place_label);
        self.lines(c, m, cols[1], y, place_h, &place_lines, true);
        c.vline(cols[1], y, y + place_h, THIN);
        y += place_h;
        c.hline(left, right, y, THIN);
        // 报修时间 | 报修类别
        self.pair(
            c,
            m,
            &cols,
            y,
            m.row,
            ("报修时间", &fmt_time(&t.received_at)),
            ("报修类别", &t.category),
        );
        y += m.row;
        // 紧急程度 (tick boxes) | 预约时间
        self.label(c, m, cols[0], y, l, m.row, "紧急程度");
        let base = Canvas::baseline(y, m.row, m.body);
        let mut bx = cols[1] + m.pad;
        for u in [Urgency::Emergency, Urgency::Normal, Urgency::Scheduled] {
            bx = c.checkbox(bx, base, m.body, t.urgency == u, u.label()) + pt_mm(m.body);
        }
        self.label(c, m, cols[2], y, l, m.row, "预约时间");
        let appointment = t.appointment_at.as_ref().map(fmt_time).unwrap_or_default();
        self.value(c, m, cols[3], y, cols[4] - cols[3], m.row, &appointment);
        self.row_lines(c, &cols, y, m.row);
        y += m.row;
        // 维修人员 | 派单时间
        let dispatched = t.dispatched_at.as_ref().map(fmt_time).unwrap_or_default();
        self.pair(
            c,
            m,
            &cols,
            y,
            m.row,
            ("维修人员", t.assignee.as_deref().unwrap_or("")),
            ("派单时间", &dispatched),
        );
        y += m.row;
        // 故障描述: the label at the top, so the text reads on from it when extracted.
        self.label_top(c, m, cols[0], y, l, "故障描述");
        self.lines(c, m, cols[1], y, desc_h, &shown, false);
        c.vline(cols[1], y, y + desc_h, THIN);
        y += desc_h;
        c.hline(left, right, y, THIN);
        // 往次维修: the rounds before a 返修, one compact line each.
        if history_h > 0.0 {
            self.label(c, m, cols[0], y, l, history_h, "往次维修");
            self.lines(c, m, cols[1], y, history_h, &history_lines, false);
            c.vline(cols[1], y, y + history_h, THIN);
            y += history_h;
            c.hline(left, right, y, THIN);
        }
        // 到场时间 | 完工时间: 年 月 日 时 分 boxes, filled when known.
        self.label(c, m, cols[0], y, l, m.row, "到场时间");
        self.date_boxes(c, m, cols[1], y, v, t.arrived_at.as_ref().filter(|_| done));
        self.label(c, m, cols[2], y, l, m.row, "完工时间");
        self.date_boxes(
            c,
            m,
            cols[3],
            y,
            v,
            t.completed_at.as_ref().filter(|_| done),
        );
        self.row_lines(c, &cols, y, m.row);
        y += m.row;
        // 故障原因, 处理措施: blank for the hand, or what was typed back in. On the A5
        // part they sit side by side, to leave the hand two lines each.
        let notes = [("故障原因", &t.cause), ("处理措施", &t.measures)];
        for (i, (label, text)) in notes.into_iter().enumerate() {
            let (lx, vx, vw) = if m.notes_side_by_side {
                (cols[2 * i], cols[2 * i + 1], v - 2.0 * m.pad)
            } else {
                (cols[0], cols[1], value_w)
            };
            let text = text.as_deref().filter(|_| done).unwrap_or("");
            let lines = if text.is_empty() {
                Vec::new()
            } else {
                self.font.wrap(text, m.body, mm_pt(vw))
            };
            let cap = note_cap;
            let shown = if lines.len() > cap {
                let mut s = lines[..cap - 1].to_vec();
                s.push(CONTINUED.to_string());
                blocks.push(Block {
                    title: format!("{label}（续）"),
                    lines: lines[cap - 1..].to_vec(),
                    size: m.body,
                    line: m.line,
                });
                s
            } else {
                lines
            };
            self.label(c, m, lx, y, l, note_h, label);
            self.lines(c, m, vx, y, note_h, &shown, false);
            c.vline(vx, y, y + note_h, THIN);
            if m.notes_side_by_side && i == 0 {
                c.vline(cols[2], y, y + note_h, THIN);
                continue;
            }
            y += note_h;
            c.hline(left, right, y, THIN);
        }
        // 使用材料
        y = self.materials(c, m, &cols, y, t, done, &mut blocks);
        // 工时 | 收费
        self.label(c, m, cols[0], y, l, m.row, "工    时");
        let base = Canvas::baseline(y, m.row, m.body);
        if done && t.labour_minutes > 0 {
            let h = t.labour_minutes as f64 / 60.0;
            let s = format!("{} 分钟（{:.1} 小时）", t.labour_minutes, h);
            c.text(cols[1] + m.pad, base, m.body, &s);
        } else {
            c.text_right(cols[2] - m.pad - v * 0.25, base, m.body, "小时");
        }
        self.label(c, m, cols[2], y, l, m.row, "收    费");
        let mut bx = cols[3] + m.pad;
        bx = c.checkbox(bx, base, m.body, done && t.paid, "有偿") + pt_mm(m.body) * 0.8;
        bx = c.checkbox(bx, base, m.body, done && !t.paid, "无偿") + pt_mm(m.body) * 0.8;
        let fee = if done && t.paid {
            format!("金额：{} 元", money::yuan(t.fee_fen))
        } else {
            "金额：".to_string()
        };
        c.text(bx, base, m.body, &fee);
        if !(done && t.paid) {
            c.text_right(cols[4] - m.pad, base, m.body, "元");
        }
        self.row_lines(c, &cols, y, m.row);
        y += m.row;
        // 维修结果
        self.label(c, m, cols[0], y, l, m.row, "维修结果");
        let base = Canvas::baseline(y, m.row, m.body);
        let mut bx = cols[1] + m.pad;
        bx = c.checkbox(bx, base, m.body, done, "已修复") + pt_mm(m.body) * 1.2;
        c.checkbox(bx, base, m.body, false, "未修复，原因：");
        c.vline(cols[1], y, y + m.row, THIN);
        y += m.row;
        c.hline(left, right, y, THIN);
        // 满意度
        self.label(c, m, cols[0], y, l, m.row, "满 意 度");
        let base = Canvas::baseline(y, m.row, m.body);
        let mut bx = cols[1] + m.pad;
        for s in Satisfaction::ALL {
            let ticked = done && t.satisfaction == Some(*s);
            bx = c.checkbox(bx, base, m.body, ticked, s.label()) + pt_mm(m.body) * 1.5;
        }
        c.vline(cols[1], y, y + m.row, THIN);
        y += m.row;
        c.hline(left, right, y, THIN);
        // 业主签字 | 维修人签字, each with its 日期 line.
        self.label(c, m, cols[0], y, l, sign_h, "业主签字");
        self.label(c, m, cols[2], y, l, sign_h, "维修人签字");
        let date_base = y + sign_h - m.pad - 0.3;
        for right_edge in [cols[2], cols[4]] {
            c.text_right(
                right_edge - m.pad,
                date_base,
                m.small,
                "日期：      年    月    日",
            );
        }
        for x in &cols[1..4] {
            c.vline(*x, y, y + sign_h, THIN);
        }
        y += sign_h;
        // Outer border last, heavier.
        c.stroke_rect(left, top, f.width, y - top, THICK);
        // Footer.
        let foot_base = y + pt_mm(m.small) + 1.8;
        let mut foot = String::new();
        if !self.settings.hotline.trim().is_empty() {
            foot.push_str(&format!("服务热线：{}    ", self.settings.hotline.trim()));
        }
        foot.push_str(part.footer_note);
        c.text(left, foot_base, m.small, &foot);
        blocks
    }

    /// The 往次维修 row's lines and height (0 without earlier rounds): at most
    /// [`Metrics::note_lines`] lines; the rest continues on the continuation page.
    fn history_lines(
        &self,
        m: &Metrics,
        width: f32,
        earlier: &[Round],
        blocks: &mut Vec<Block>,
    ) -> (Vec<String>, f32) {
        if earlier.is_empty() {
            return (Vec::new(), 0.0);
        }
        let mut lines: Vec<String> = earlier
            .iter()
            .flat_map(|r| self.font.wrap(&round_line(r), m.body, mm_pt(width)))
            .collect();
        let cap = m.note_lines.max(2);
        if lines.len() > cap {
            let rest = lines.split_off(cap - 1);
            lines.push(CONTINUED.to_string());
            blocks.push(Block {
                title: "往次维修（续）".into(),
                lines: rest,
                size: m.body,
                line: m.line,
            });
        }
        let h = (lines.len() as f32 * m.line + 2.0 * m.pad).max(m.row);
        (lines, h)
    }

    /// The materials table: 序号 材料名称 规格型号 数量 单价 金额, then 合计 in figures
    /// and in 大写. Returns the y below it.
    #[allow(clippy::too_many_arguments)]
    fn materials(
        &self,
        c: &mut Canvas,
        m: &Metrics,
        cols: &[f32; 5],
        top: f32,
        t: &Ticket,
        done: bool,
        blocks: &mut Vec<Block>,
    ) -> f32 {
        let (left, right) = (cols[0], cols[4]);
        let x0 = cols[1];
        let w = right - x0;
        let fr = [0.08, 0.32, 0.20, 0.10, 0.14, 0.16];
        let mut xs = [x0; 7];
        for i in 0..6 {
            xs[i + 1] = xs[i] + fr[i] * w;
        }
        xs[6] = right;
        let head_h = m.row * 0.85;
        let row_h = m.row * 0.85;
        let rows = m.material_rows;
        let total_h = head_h + (rows as f32 + 1.0) * row_h;
        self.label(c, m, left, top, m.label_w, total_h, "使用材料");
        c.vline(x0, top, top + total_h, THIN);
        let heads = [
            "序号",
            "材料名称",
            "规格型号",
            "数量",
            "单价(元)",
            "金额(元)",
        ];
        let size = m.body - 0.5;
        let base = Canvas::baseline(top, head_h, size);
        for (i, h) in heads.iter().enumerate() {
            c.text_center(xs[i], xs[i + 1] - xs[i], base, size, h);
        }
        let mats: &[Material] = if done { &t.materials } else { &[] };
        // More materials than rows: the last row says where the rest is.
        let overflow = mats.len() > rows;
        let listed = if overflow { rows - 1 } else { mats.len() };
        let mut y = top + head_h;
        c.hline(x0, right, y, THIN);
        for r in 0..rows {
            let base = Canvas::baseline(y, row_h, size);
            c.text_center(xs[0], xs[1] - xs[0], base, size, &(r + 1).to_string());
            if r < listed {
                let mt = &mats[r];
                self.fit(
                    c,
                    xs[1] + 1.0,
                    xs[2] - xs[1] - 2.0,
                    y,
                    row_h,
                    size,
                    &mt.name,
                );
                self.fit(
                    c,
                    xs[2] + 1.0,
                    xs[3] - xs[2] - 2.0,
                    y,
                    row_h,
                    size,
                    &mt.spec,
                );
                c.text_center(xs[3], xs[4] - xs[3], base, size, &quantity(mt.quantity));
                c.text_right(xs[5] - 1.5, base, size, &money::yuan(mt.unit_price_fen));
                c.text_right(xs[6] - 1.5, base, size, &money::yuan(mt.amount_fen));
            } else if r == listed && overflow {
                let more = format!("……另有 {} 项，明细见附页", mats.len() - listed);
                c.text(xs[1] + 1.0, base, size, &more);
            }
            for x in &xs[1..6] {
                c.vline(*x, y - if r == 0 { head_h } else { 0.0 }, y + row_h, THIN);
            }
            y += row_h;
            c.hline(x0, right, y, THIN);
        }
        if overflow {
            blocks.push(Block {
                title: "使用材料（全部明细）".into(),
                lines: mats
                    .iter()
                    .enumerate()
                    .map(|(i, mt)| {
                        format!(
                            "{}. {} {}  数量 {} × 单价 {} 元 = {} 元",
                            i + 1,
                            mt.name,
                            mt.spec,
                            quantity(mt.quantity),
                            money::yuan(mt.unit_price_fen),
                            money::yuan(mt.amount_fen)
                        )
                    })
                    .collect(),
                size: m.body,
                line: m.line,
            });
        }
        // 合计: 大写 across, figures in the 金额 column.
        let base = Canvas::baseline(y, row_h, size);
        let total = t.materials_total_fen();
        let x = xs[0] + 1.5;
        let lx = x + c.text(x, base, size, "合计金额（大写）：");
        if done && !mats.is_empty() {
            c.text(lx, base, size, &format!("人民币{}", money::upper(total)));
            c.text_right(
                xs[6] - 1.5,
                base,
                size,
                &format!("￥{}", money::yuan(total)),
            );
        } else {
            c.text(
                lx + 1.0,
                base,
                size,
                "    万    仟    佰    拾    元    角    分",
            );
            c.text(xs[5] + 1.5, base, size, "￥");
        }
        c.vline(xs[5], y, y + row_h, THIN);
        y += row_h;
        c.hline(left, right, y, THIN);
        y
    }

    /// A row of two label/value pairs with its grid lines.
    #[allow(clippy::too_many_arguments)]
    fn pair(
        &self,
        c: &mut Canvas,
        m: &Metrics,
        cols: &[f32; 5],
        y: f32,
        h: f32,
        a: (&str, &str),
        b: (&str, &str),
    ) {
        self.label(c, m, cols[0], y, cols[1] - cols[0], h, a.0);
        self.value(c, m, cols[1], y, cols[2] - cols[1], h, a.1);
        self.label(c, m, cols[2], y, cols[3] - cols[2], h, b.0);
        self.value(c, m, cols[3], y, cols[4] - cols[3], h, b.1);
        self.row_lines(c, cols, y, h);
    }

    /// The vertical lines of a two-pair row and the line under it.
    fn row_lines(&self, c: &mut Canvas, cols: &[f32; 5], y: f32, h: f32) {
        for x in &cols[1..4] {
            c.vline(*x, y, y + h, THIN);
        }
        c.hline(cols[0], cols[4], y + h, THIN);
    }

    #[allow(clippy::too_many_arguments)]
    fn label(&self, c: &mut Canvas, m: &Metrics, x: f32, y: f32, w: f32, h: f32, s: &str) {
        c.text_center(x, w, Canvas::baseline(y, h, m.body), m.body, s);
    }

    fn label_top(&self, c: &mut Canvas, m: &Metrics, x: f32, y: f32, w: f32, s: &str) {
        c.text_center(x, w, Canvas::baseline(y + m.pad, m.line, m.body), m.body, s);
    }

    #[allow(clippy::too_many_arguments)]
    fn value(&self, c: &mut Canvas, m: &Metrics, x: f32, y: f32, w: f32, h: f32, s: &str) {
        self.fit(c, x + m.pad, w - 2.0 * m.pad, y, h, m.body, s);
    }

    /// One value in a fixed cell: shrink until it fits, wrapping to as many lines as
    /// the cell holds — a long name gets smaller, never cut off.
    #[allow(clippy::too_many_arguments)]
    fn fit(&self, c: &mut Canvas, x: f32, w: f32, y: f32, h: f32, size: f32, s: &str) {
        if s.is_empty() {
            return;
        }
        let mut size = size;
        loop {
            let line_h = pt_mm(size) * 1.25;
            let lines = self.font.wrap(s, size, mm_pt(w));
            let fits = lines.len() as f32 * line_h <= h - 0.6;
            if fits || size <= 3.0 {
                let block = lines.len() as f32 * line_h;
                let first = y + (h - block) / 2.0;
                for (i, line) in lines.iter().enumerate() {
                    let b = Canvas::baseline(first + i as f32 * line_h, line_h, size);
                    c.text(x, b, size, line);
                }
                return;
            }
            size -= 0.5;
        }
    }

    /// Wrapped lines from the top of a cell (or centred when `center` and they fit).
    #[allow(clippy::too_many_arguments)]
    fn lines(
        &self,
        c: &mut Canvas,
        m: &Metrics,
        x: f32,
        y: f32,
        h: f32,
        lines: &[String],
        center: bool,
    ) {
        let block = lines.len() as f32 * m.line;
        let first = if center {
            y + (h - block) / 2.0
        } else {
            y + m.pad
        };
        for (i, line) in lines.iter().enumerate() {
            let b = Canvas::baseline(first + i as f32 * m.line, m.line, m.body);
            c.text(x + m.pad, b, m.body, line);
        }
    }

    /// `    年    月    日    时    分`, with the figures written in when known.
    fn date_boxes(&self, c: &mut Canvas, m: &Metrics, x: f32, y: f32, w: f32, t: Option<&Time>) {
        let base = Canvas::baseline(y, m.row, m.body);
        let units = ["年", "月", "日", "时", "分"];
        let fr = [0.30, 0.45, 0.60, 0.75, 0.90];
        let values: Option<[String; 5]> = t.map(|t| {
            [
                t.format("%Y").to_string(),
                t.format("%m").to_string(),
                t.format("%d").to_string(),
                t.format("%H").to_string(),
                t.format("%M").to_string(),
            ]
        });
        for (i, u) in units.iter().enumerate() {
            let ux = x + w * fr[i] - pt_mm(m.body);
            c.text(ux, base, m.body, u);
            if let Some(v) = &values {
                c.text_right(ux - 0.8, base, m.body, &v[i]);
            }
        }
    }

    /// The ticket number as a QR code: modules as filled squares, runs merged.
    fn qr(&self, c: &mut Canvas, number: &str, x: f32, y: f32, side: f32) {
        use qrcode::{Color as QrColor, EcLevel, QrCode};
        let Ok(code) = QrCode::with_error_correction_level(number.as_bytes(), EcLevel::M) else {
            return;
        };
        let n = code.width();
        // Two modules of quiet zone inside the square keep it scannable next to text.
        let module = side / (n as f32 + 4.0);
        let ox = x + 2.0 * module;
        let oy = y + 2.0 * module;
        for row in 0..n {
            let mut col = 0;
            while col < n {
                if code[(col, row)] == QrColor::Dark {
                    let start = col;
                    while col < n && code[(col, row)] == QrColor::Dark {
                        col += 1;
                    }
                    // A hair of overlap so adjacent rows print without white seams.
                    c.fill_rect(
                        ox + start as f32 * module,
                        oy + row as f32 * module,
                        (col - start) as f32 * module,
                        module + 0.02,
                        Color::BLACK,
                    );
                } else {
                    col += 1;
                }
            }
        }
    }

    /// Continuation pages (续页) for what did not fit on the form.
    fn continuation(&self, t: &Ticket, blocks: &[Block]) -> Vec<Canvas> {
        let (left, right, bottom) = (18.0, A4_W - 18.0, A4_H - 18.0);
        let mut pages = Vec::new();
        let mut c = self.canvas();
        let mut n = 1;
        let mut y = self.continuation_header(&mut c, t, n, left, right);
        for b in blocks {
            if y + 2.0 * b.line > bottom {
                pages.push(std::mem::replace(&mut c, self.canvas()));
                n += 1;
                y = self.continuation_header(&mut c, t, n, left, right);
            }
            c.text_bold(left, y + pt_mm(10.5), 10.5, &format!("{}：", b.title));
            y += pt_mm(10.5) + 3.0;
            for line in &b.lines {
                if y + b.line > bottom {
                    pages.push(std::mem::replace(&mut c, self.canvas()));
                    n += 1;
                    y = self.continuation_header(&mut c, t, n, left, right);
                }
                c.text(
                    left + 6.0,
                    Canvas::baseline(y, b.line, b.size),
                    b.size,
                    line,
                );
                y += b.line;
            }
            y += 4.0;
        }
        pages.push(c);
        pages
    }

    fn continuation_header(
        &self,
        c: &mut Canvas,
        t: &Ticket,
        n: usize,
        left: f32,
        right: f32,
    ) -> f32 {
        let title = format!("{}  维修单（续页 {n}）", self.settings.office_name.trim());
        c.text_bold(left, 20.0, 14.0, title.trim());
        let info = format!(
            "工单号：{}    报修人：{}    打印时间：{}",
            t.number,
            t.reporter,
            fmt_time(self.printed_at)
        );
        c.text(left, 28.0, 9.0, &info);
        c.hline(left, right, 31.0, THICK);
        c.text_right(
            right,
            A4_H - 10.0,
            8.0,
            &format!("工单 {} 续页 {n}", t.number),
        );
        36.0
    }
}

/// `2` → `2`, `1.5` → `1.5`, `0.333…` → `0.33`.
fn quantity(q: f64) -> String {
    let s = format!("{q:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
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

    #[test]
    fn quantities() {
        assert_eq!(quantity(2.0), "2");
        assert_eq!(quantity(1.5), "1.5");
        assert_eq!(quantity(1.0 / 3.0), "0.33");
    }
}
