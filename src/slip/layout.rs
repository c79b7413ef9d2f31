//! Where forms go on paper: the sizes of the A4 slip and of an A5 part, and how one
//! ticket's sheet is put together (one A4 form, or two A5 parts and a cut line).

use printpdf::PdfPage;

use super::{Context, Layout, Slip};
use crate::canvas::{pt_mm, Canvas};
use crate::error::{Error, Result};

pub(super) const A4_W: f32 = 210.0;
pub(super) const A4_H: f32 = 297.0;

/// Sizes of one form: the A4 slip, or one A5 part of the two-part sheet. A crowded
/// slip prints with fewer lines and rows than these (see `Context::fitted`).
#[derive(Clone, Copy)]
pub(super) struct Metrics {
    /// Body text, points.
    pub(super) body: f32,
    /// Header and footer small print, points.
    pub(super) small: f32,
    /// Title, points (shrunk to fit a long office name).
    pub(super) title: f32,
    /// A standard row, mm.
    pub(super) row: f32,
    /// A line of wrapped text, mm.
    pub(super) line: f32,
    /// The label column, mm.
    pub(super) label_w: f32,
    /// Cell padding, mm.
    pub(super) pad: f32,
    /// QR code side, mm.
    pub(super) qr: f32,
    /// Rows of the blank materials table.
    pub(super) material_rows: usize,
    /// Lines for 故障描述 when the description is short.
    pub(super) desc_min_lines: usize,
    /// Lines each for 故障原因 / 处理措施.
    pub(super) note_lines: usize,
    /// Most lines of 房号/地址 (a long public location) before it continues.
    pub(super) place_lines: usize,
    /// Most lines of 往次维修 before they continue.
    pub(super) history_lines: usize,
    /// 故障原因 and 处理措施 share one row (two half-width cells).
    pub(super) notes_side_by_side: bool,
}

pub(super) const A4_METRICS: Metrics = Metrics {
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
    place_lines: 3,
    history_lines: 2,
    notes_side_by_side: false,
};

pub(super) const A5_METRICS: Metrics = Metrics {
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
    place_lines: 3,
    history_lines: 2,
    notes_side_by_side: true,
};

/// Where one form goes on the page, mm from the top-left.
pub(super) struct Frame {
    pub(super) left: f32,
    pub(super) top: f32,
    pub(super) width: f32,
    pub(super) bottom: f32,
}

/// One part of a sheet: the form plus which copy it is.
pub(super) struct Part<'a> {
    pub(super) frame: Frame,
    pub(super) metrics: &'a Metrics,
    /// 【第一联 存根联】 etc., for the two-part sheet.
    pub(super) copy: Option<&'a str>,
    /// The slip's own footer line.
    pub(super) footer_note: &'a str,
}

impl Context<'_> {
    pub(super) fn canvas(&self) -> Canvas {
        self.doc.page(A4_W, A4_H)
    }

    pub(super) fn ticket_pages(&self, slip: &Slip, layout: Layout) -> Result<Vec<PdfPage>> {
        let t = &slip.ticket;
        let mut c = self.canvas();
        let blocks = match layout {
            Layout::A4 => self.form(
                &mut c,
                slip,
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
                let blocks = self.form(&mut c, slip, &part);
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
                self.form(&mut c, slip, &part);
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
}
