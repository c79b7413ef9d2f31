//! PDF drawing shared by the 维修单 slip and the month summary: [`Canvas`] pages in mm, [`Document`] with deterministic bytes.

use printpdf::{
    Color as PdfColor, FontId, Line, LineDashPattern, LinePoint, Mm, Op, PaintMode, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem, TextMatrix,
    TextRenderingMode,
};

use crate::clock::Time;
use crate::error::Result;
use crate::font::{font, Font};

const PT_PER_MM: f32 = 72.0 / 25.4;

/// Points → millimetres (font sizes are in points).
pub fn pt_mm(pt: f32) -> f32 {
    pt / PT_PER_MM
}

/// Millimetres → points, for widths handed to [`Font::wrap`].
pub fn mm_pt(mm: f32) -> f32 {
    mm * 72.0 / 25.4
}

fn pt(mm: f32) -> Pt {
    Pt(mm * PT_PER_MM)
}

/// Thin inner grid lines and the heavier outer border, in points.
pub const THIN: f32 = 0.5;
pub const THICK: f32 = 1.1;

/// An RGB colour, each component from 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Color(pub f32, pub f32, pub f32);

impl Color {
    pub const BLACK: Color = Color(0.0, 0.0, 0.0);

    fn pdf(self) -> PdfColor {
        PdfColor::Rgb(printpdf::Rgb::new(self.0, self.1, self.2, None))
    }
}

/// One page being drawn, measured as a form is on paper: millimetres from the top-left
/// corner (printpdf's operations are in points from the bottom-left).
pub struct Canvas {
    /// Lines, boxes, fills and the QR code.
    ops: Vec<Op>,
    /// All text of the page, emitted after the graphics as one text object: one
    /// `BT … ET` with absolute positions and the font set only when the size changes
    /// keeps the content stream (and the time to write it) small.
    text_ops: Vec<Op>,
    font: &'static Font,
    font_id: FontId,
    page_w: f32,
    page_h: f32,
    line_width: f32,
    /// The stroke and fill colours in `ops`.
    stroke: Color,
    fill: Color,
    text_size: f32,
    /// The fill (and stroke, for bold) colour in `text_ops`.
    text_color: Color,
    /// Print characters the font lacks as this one instead of recording them.
    replace_missing: Option<char>,
    /// The first character drawn that the font lacks (template text is checked here;
    /// ticket text is checked field by field before drawing).
    pub missing: Option<char>,
}

impl Canvas {
    fn new(font: &'static Font, font_id: FontId, page_w: f32, page_h: f32) -> Canvas {
        Canvas {
            ops: vec![
                Op::SetOutlineColor {
                    col: Color::BLACK.pdf(),
                },
                Op::SetFillColor {
                    col: Color::BLACK.pdf(),
                },
            ],
            text_ops: Vec::with_capacity(256),
            font,
            font_id,
            page_w,
            page_h,
            line_width: -1.0,
            stroke: Color::BLACK,
            fill: Color::BLACK,
            text_size: -1.0,
            text_color: Color::BLACK,
            replace_missing: None,
            missing: None,
        }
    }

    /// Print characters the font lacks as `with` (instead of recording the first in
    /// [`Canvas::missing`] for the caller to refuse). Widths are measured on the text
    /// as given.
    pub fn replacing_missing(mut self, with: char) -> Canvas {
        self.replace_missing = Some(with);
        self
    }

    /// The finished page: graphics, then the text object.
    pub fn finish(self) -> PdfPage {
        let mut ops = self.ops;
        if !self.text_ops.is_empty() {
            // The text object starts from black, whatever the graphics left set.
            if self.stroke != Color::BLACK {
                ops.push(Op::SetOutlineColor {
                    col: Color::BLACK.pdf(),
                });
            }
            if self.fill != Color::BLACK {
                ops.push(Op::SetFillColor {
                    col: Color::BLACK.pdf(),
                });
            }
            ops.reserve(self.text_ops.len() + 2);
            ops.push(Op::StartTextSection);
            ops.extend(self.text_ops);
            ops.push(Op::EndTextSection);
        }
        PdfPage::new(Mm(self.page_w), Mm(self.page_h), ops)
    }

    fn point(&self, x: f32, y: f32) -> Point {
        Point {
            x: pt(x),
            y: pt(self.page_h - y),
        }
    }

    fn set_width(&mut self, w: f32) {
        if (self.line_width - w).abs() > f32::EPSILON {
            self.line_width = w;
            self.ops.push(Op::SetOutlineThickness { pt: Pt(w) });
        }
    }

    /// The colour of the lines and outlines drawn from here on (black to start).
    pub fn stroke_color(&mut self, c: Color) {
        if self.stroke != c {
            self.stroke = c;
            self.ops.push(Op::SetOutlineColor { col: c.pdf() });
        }
    }

    fn fill_color(&mut self, c: Color) {
        if self.fill != c {
            self.fill = c;
            self.ops.push(Op::SetFillColor { col: c.pdf() });
        }
    }

    /// The colour of the text drawn from here on (black to start).
    pub fn text_color(&mut self, c: Color) {
        if self.text_color != c {
            self.text_color = c;
            self.text_ops.push(Op::SetFillColor { col: c.pdf() });
            // Bold text is stroked too, in the same colour.
            self.text_ops.push(Op::SetOutlineColor { col: c.pdf() });
        }
    }

    /// Text with its baseline at `y`, starting at `x`. Returns the advance in mm.
    pub fn text(&mut self, x: f32, y: f32, size: f32, s: &str) -> f32 {
        self.text_styled(x, y, size, s, false)
    }

    /// Like [`Canvas::text`], drawn heavier (fill + stroke) for titles: the bundled
    /// font has one weight, and a second 10 MB font file for a title is not worth it.
    pub fn text_bold(&mut self, x: f32, y: f32, size: f32, s: &str) -> f32 {
        self.text_styled(x, y, size, s, true)
    }

    fn text_styled(&mut self, x: f32, y: f32, size: f32, s: &str, bold: bool) -> f32 {
        if s.is_empty() {
            return 0.0;
        }
        let shown = match self.replace_missing {
            Some(r) => s
                .chars()
                .map(|c| if self.font.has_char(c) { c } else { r })
                .collect(),
            None => {
                if self.missing.is_none() {
                    self.missing = s.chars().find(|&c| !self.font.has_char(c));
                }
                s.to_string()
            }
        };
        if (self.text_size - size).abs() > f32::EPSILON {
            self.text_size = size;
            self.text_ops.push(Op::SetFont {
                font: PdfFontHandle::External(self.font_id.clone()),
                size: Pt(size),
            });
        }
        if bold {
            self.text_ops.push(Op::SetOutlineThickness {
                pt: Pt(size / 30.0),
            });
            self.text_ops.push(Op::SetTextRenderingMode {
                mode: TextRenderingMode::FillStroke,
            });
        }
        let pos = self.point(x, y);
        self.text_ops.push(Op::SetTextMatrix {
            matrix: TextMatrix::Translate(pos.x, pos.y),
        });
        self.text_ops.push(Op::ShowText {
            items: vec![TextItem::Text(shown)],
        });
        if bold {
            self.text_ops.push(Op::SetTextRenderingMode {
                mode: TextRenderingMode::Fill,
            });
        }
        self.width(s, size)
    }

    /// Width of `s` at `size` points, in mm.
    pub fn width(&self, s: &str, size: f32) -> f32 {
        pt_mm(self.font.width(s, size))
    }

    /// Text centred horizontally in `[x, x + w]`.
    pub fn text_center(&mut self, x: f32, w: f32, y: f32, size: f32, s: &str) {
        let tw = self.width(s, size);
        self.text(x + (w - tw) / 2.0, y, size, s);
    }

    /// Bold text centred horizontally in `[x, x + w]`.
    pub fn text_center_bold(&mut self, x: f32, w: f32, y: f32, size: f32, s: &str) {
        let tw = self.width(s, size);
        self.text_bold(x + (w - tw) / 2.0, y, size, s);
    }

    /// Text ending at `right`.
    pub fn text_right(&mut self, right: f32, y: f32, size: f32, s: &str) {
        let tw = self.width(s, size);
        self.text(right - tw, y, size, s);
    }

    /// The baseline that centres one line of `size`-point CJK text vertically in a
    /// cell from `top` with height `h` (ideographs sit ~0.38 em above the baseline).
    pub fn baseline(top: f32, h: f32, size: f32) -> f32 {
        top + h / 2.0 + pt_mm(size) * 0.36
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        self.set_width(width);
        let points = vec![
            LinePoint {
                p: self.point(x1, y1),
                bezier: false,
            },
            LinePoint {
                p: self.point(x2, y2),
                bezier: false,
            },
        ];
        self.ops.push(Op::DrawLine {
            line: Line {
                points,
                is_closed: false,
            },
        });
    }

    pub fn hline(&mut self, x1: f32, x2: f32, y: f32, width: f32) {
        self.line(x1, y, x2, y, width);
    }

    pub fn vline(&mut self, x: f32, y1: f32, y2: f32, width: f32) {
        self.line(x, y1, x, y2, width);
    }

    /// A dashed horizontal line (the cut line between two parts of a sheet).
    pub fn dashed_hline(&mut self, x1: f32, x2: f32, y: f32) {
        self.ops.push(Op::SetLineDashPattern {
            dash: LineDashPattern::new(0.0, &[4.0, 3.0]),
        });
        self.hline(x1, x2, y, THIN);
        self.ops.push(Op::SetLineDashPattern {
            dash: LineDashPattern::solid(),
        });
    }

    fn rect_mode(&mut self, x: f32, y: f32, w: f32, h: f32, mode: PaintMode) {
        // `re` takes the lower-left corner.
        let ll = self.point(x, y + h);
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: ll.x,
                y: ll.y,
                width: pt(w),
                height: pt(h),
                mode: Some(mode),
                winding_order: None,
            },
        });
    }

    pub fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        self.set_width(width);
        self.rect_mode(x, y, w, h, PaintMode::Stroke);
    }

    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Color) {
        self.fill_color(color);
        self.rect_mode(x, y, w, h, PaintMode::Fill);
    }

    /// A tick box □ (or ☑ when `checked`) drawn as vector lines on the text baseline
    /// `y`, followed by its label. Returns the x after the label.
    pub fn checkbox(&mut self, x: f32, y: f32, size: f32, checked: bool, label: &str) -> f32 {
        let em = pt_mm(size);
        let b = em * 0.78;
        let top = y - em * 0.80;
        self.stroke_rect(x, top, b, b, THIN);
        if checked {
            self.set_width(THICK);
            let p1 = self.point(x + b * 0.18, top + b * 0.50);
            let p2 = self.point(x + b * 0.42, top + b * 0.78);
            let p3 = self.point(x + b * 0.88, top + b * 0.12);
            self.ops.push(Op::DrawLine {
                line: Line {
                    points: [p1, p2, p3]
                        .into_iter()
                        .map(|p| LinePoint { p, bezier: false })
                        .collect(),
                    is_closed: false,
                },
            });
        }
        let lx = x + b + em * 0.2;
        lx + self.text(lx, y, size, label)
    }
}

/// A PDF in the bundled font (registered under its fixed id), its pages drawn on
/// [`Canvas`]es, saved with the metadata dated as given and a content-derived `/ID`,
/// so the same input gives the same bytes.
pub struct Document {
    doc: PdfDocument,
    font: &'static Font,
    font_id: FontId,
}

impl Document {
    /// A document titled `title`, with the font registered under its fixed id.
    pub fn new(title: &str) -> Result<Document> {
        let font = font()?;
        let mut doc = PdfDocument::new(title);
        let font_id = font.add_to(&mut doc);
        Ok(Document { doc, font, font_id })
    }

    /// A blank page `w` × `h` mm.
    pub fn page(&self, w: f32, h: f32) -> Canvas {
        Canvas::new(self.font, self.font_id.clone(), w, h)
    }

    /// The PDF's bytes: `pages` in order, the font subset-embedded, dated `stamp` and
    /// signed by `author`, with a content-derived `/ID` — equal input, equal bytes.
    pub fn save(mut self, pages: Vec<PdfPage>, stamp: &Time, author: &str) -> Vec<u8> {
        let stamp = printpdf::OffsetDateTime::from_unix_timestamp(stamp.timestamp())
            .unwrap_or_else(|_| printpdf::OffsetDateTime::epoch());
        let info = &mut self.doc.metadata.info;
        info.creation_date = stamp;
        info.modification_date = stamp;
        info.metadata_date = stamp;
        info.producer = "报修台 Baoxiu Desk".into();
        info.creator = "报修台 Baoxiu Desk".into();
        info.author = author.to_string();
        let mut warnings = Vec::new();
        let bytes = self.doc.with_pages(pages).save(
            &PdfSaveOptions {
                optimize: true,
                subset_fonts: true,
                secure: true,
                image_optimization: None,
            },
            &mut warnings,
        );
        fix_document_id(bytes)
    }
}

/// printpdf writes a random trailer `/ID`; replace it with one derived from the file's
/// content (as ISO 32000 suggests), same length, so equal input gives equal bytes.
fn fix_document_id(mut bytes: Vec<u8>) -> Vec<u8> {
    let Some(at) = find_last(&bytes, b"/ID[") else {
        return bytes;
    };
    let digest = fnv64(&bytes[..at]);
    let id = format!("{digest:016x}{:016x}", fnv64(&digest.to_le_bytes()));
    let mut i = at + 4;
    for _ in 0..2 {
        // Each entry is a literal string `(…)` of 32 characters.
        if bytes.get(i) != Some(&b'(') {
            return bytes;
        }
        let start = i + 1;
        let Some(len) = bytes[start..].iter().position(|&b| b == b')') else {
            return bytes;
        };
        if len == id.len() {
            bytes[start..start + len].copy_from_slice(id.as_bytes());
        }
        i = start + len + 1;
        while bytes.get(i) == Some(&b' ') {
            i += 1;
        }
    }
    bytes
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn fnv64(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_id_is_content_derived() {
        let a = b"%PDF x trailer<</ID[(abcdefghijklmnopqrstuvwxyz012345) (abcdefghijklmnopqrstuvwxyz012345)]>>".to_vec();
        let b = fix_document_id(a.clone());
        assert_eq!(a.len(), b.len());
        assert_ne!(a, b);
        assert_eq!(b, fix_document_id(a));
    }
}
