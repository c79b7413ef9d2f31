//! 续页 continuation pages: what did not fit on the form (a long description, notes,
//! address, earlier rounds, materials) goes on, page after page, under a small header.

use super::layout::{A4_H, A4_W};
use super::{fmt_time, Context};
use crate::canvas::{pt_mm, Canvas, THICK};
use crate::ticket::Ticket;

/// What did not fit on the form and continues on a continuation page.
pub(super) struct Block {
    pub(super) title: String,
    pub(super) lines: Vec<String>,
    pub(super) size: f32,
    pub(super) line: f32,
}

impl Context<'_> {
    /// Continuation pages (续页) for what did not fit on the form.
    pub(super) fn continuation(&self, t: &Ticket, blocks: &[Block]) -> Vec<Canvas> {
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
