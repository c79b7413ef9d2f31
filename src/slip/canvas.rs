//! Drawing on one PDF page in millimetres from the top-left corner (how a form is
//! measured on paper), turned into printpdf operations (points from the bottom-left).

use printpdf::{
    Color, FontId, Line, LineDashPattern, LinePoint, Op, PaintMode, PdfFontHandle, Point, Pt, Rect,
    Rgb, TextItem, TextMatrix, TextRenderingMode,
};

use crate::font::Font;

const PT_PER_MM: f32 = 72.0 / 25.4;

/// Points → millimetres (font sizes are in points).
pub fn pt_mm(pt: f32) -> f32 {
    pt / PT_PER_MM
}

fn pt(mm: f32) -> Pt {
    Pt(mm * PT_PER_MM)
}

/// Thin inner grid lines and the heavier outer border, in points.
pub const THIN: f32 = 0.5;
pub const THICK: f32 = 1.1;

pub struct Canvas {
    /// Lines, boxes and the QR code.
    ops: Vec<Op>,
    /// All text of the page, emitted after the graphics as one text object: one
    /// `BT … ET` with absolute positions and the font set only when the size changes
    /// keeps the content stream (and the time to write it) small.
    text_ops: Vec<Op>,
    font: &'static Font,
    font_id: FontId,
    page_h: f32,
    line_width: f32,
    text_size: f32,
    /// The first character drawn that the font lacks (template text is checked here;
    /// ticket text is checked field by field before drawing).
    pub missing: Option<char>,
}

impl Canvas {
    pub fn new(font: &'static Font, font_id: FontId, page_h: f32) -> Canvas {
        let black = || Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None));
        Canvas {
            ops: vec![
                Op::SetOutlineColor { col: black() },
                Op::SetFillColor { col: black() },
            ],
            text_ops: Vec::with_capacity(256),
            font,
            font_id,
            page_h,
            line_width: -1.0,
            text_size: -1.0,
            missing: None,
        }
    }

    /// The page's operations: graphics, then the text object.
    pub fn finish(self) -> Vec<Op> {
        let mut ops = self.ops;
        if !self.text_ops.is_empty() {
            ops.reserve(self.text_ops.len() + 2);
            ops.push(Op::StartTextSection);
            ops.extend(self.text_ops);
            ops.push(Op::EndTextSection);
        }
        ops
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
        if self.missing.is_none() {
            self.missing = s.chars().find(|&c| !self.font.has_char(c));
        }
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
            items: vec![TextItem::Text(s.to_string())],
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

    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
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
