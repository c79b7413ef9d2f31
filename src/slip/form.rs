//! One 维修单 form, top to bottom: the header, then the table a row group at a time —
//! each function draws its rows from `y` and returns the `y` below them — and the
//! footer. The heights are budgeted first ([`Context::plan`]) so the form always
//! fills its frame and what does not fit goes to the continuation page.

use super::continuation::Block;
use super::layout::{Metrics, Part};
use super::{fmt_time, is_done, is_reprint, money, round_line, Context, Slip, CONTINUED};
use crate::canvas::{mm_pt, pt_mm, Canvas, Color, THICK, THIN};
use crate::clock::Time;
use crate::ticket::{Kind, Quote, Round, Satisfaction, Scope, Ticket, Urgency};

/// The table's columns: label | value | label | value, and the full-width value.
struct Grid<'a> {
    m: &'a Metrics,
    left: f32,
    right: f32,
    /// x of each column edge: label, value, label, value, right border.
    cols: [f32; 5],
    /// The label column's width.
    l: f32,
    /// A half-row value cell's width.
    v: f32,
    /// The text width of a full-row value cell.
    value_w: f32,
}

/// The heights of the rows that vary, and the lines they show.
struct Plan {
    place_lines: Vec<String>,
    place_h: f32,
    history_lines: Vec<String>,
    history_h: f32,
    desc_lines: Vec<String>,
    desc_h: f32,
    /// 故障原因 / 处理措施 rows, and how many lines each shows.
    note_h: f32,
    note_cap: usize,
    sign_h: f32,
}

impl Context<'_> {
    /// Draw one form in `part.frame`; return what must continue on another page.
    pub(super) fn form(&self, c: &mut Canvas, slip: &Slip, part: &Part) -> Vec<Block> {
        let t = &slip.ticket;
        let m = part.metrics;
        let f = &part.frame;
        let (left, right) = (f.left, f.left + f.width);
        let mut blocks = Vec::new();

        self.header(c, t, part);

        let top = f.top + m.qr + 1.5;
        let l = m.label_w;
        let v = (f.width - 2.0 * l) / 2.0;
        let value_w = f.width - l - 2.0 * m.pad;
        let room = f.bottom - footer_height(m) - top;
        let fitted = self.fitted(slip, m, value_w, room);
        let m = &fitted;
        let g = Grid {
            m,
            left,
            right,
            cols: [left, left + l, left + l + v, left + 2.0 * l + v, right],
            l,
            v,
            value_w,
        };
        let plan = self.plan(&g, slip, part, top, &mut blocks);
        let done = is_done(t);

        let mut y = top;
        y = self.reporter_rows(c, &g, y, t);
        y = self.place_rows(c, &g, y, t, &plan);
        y = self.intake_rows(c, &g, y, t);
        y = self.dispatch_rows(c, &g, y, slip);
        y = self.description_rows(c, &g, y, &plan);
        y = self.rounds_rows(c, &g, y, &plan);
        y = self.time_rows(c, &g, y, t, done);
        y = self.fault_rows(c, &g, y, t, done, &plan, &mut blocks);
        y = self.materials(c, m, &g.cols, y, t, done, &mut blocks);
        y = self.work_rows(c, &g, y, t, slip.quote.as_ref(), done);
        y = self.result_rows(c, &g, y, done);
        y = self.visit_rows(c, &g, y, t, done);
        y = self.signatures(c, &g, y, &plan);
        // Outer border last, heavier.
        c.stroke_rect(left, top, f.width, y - top, THICK);
        self.footer(c, &g, y, part);
        blocks
    }

    /// Title, copy name, QR code, ticket number and print time.
    fn header(&self, c: &mut Canvas, t: &Ticket, part: &Part) {
        let m = part.metrics;
        let f = &part.frame;
        let (left, right) = (f.left, f.left + f.width);
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
    }

    /// Budget the rows: the fixed ones first, then 故障描述 takes what it needs of the
    /// rest (continued when longer), and what is still left goes to the hand.
    fn plan(&self, g: &Grid, slip: &Slip, part: &Part, top: f32, blocks: &mut Vec<Block>) -> Plan {
        let t = &slip.ticket;
        let m = g.m;
        let f = &part.frame;
        let footer_h = footer_height(m);
        let place = t.place();
        let mut place_lines = self.font.wrap(&place, m.body, mm_pt(g.value_w));
        // A long address (a long public location) continues too, so the form below it
        // keeps its shape.
        if place_lines.len() > m.place_lines {
            let rest = place_lines.split_off(m.place_lines - 1);
            place_lines.push(CONTINUED.to_string());
            blocks.push(Block {
                title: "房号/地址（续）".into(),
                lines: rest,
                size: m.body,
                line: m.line,
            });
        }
        let place_h = lines_height(m, place_lines.len());
        let (history_lines, history_h) =
            self.history_lines(m, g.value_w, &slip.earlier_rounds, blocks);
        let note_rows = note_rows(m);
        let note_h = lines_height(m, m.note_lines);
        let sign_h = m.row * 1.6;
        let fixed = fixed_height(m, place_h, history_h);
        let desc_avail = f.bottom - footer_h - top - fixed;
        let desc_lines = self.font.wrap(&t.description, m.body, mm_pt(g.value_w));
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
        Plan {
            place_lines,
            place_h,
            history_lines,
            history_h,
            desc_lines: shown,
            desc_h,
            note_h,
            note_cap,
            sign_h,
        }
    }

    /// 报修人 | 联系电话
    fn reporter_rows(&self, c: &mut Canvas, g: &Grid, y: f32, t: &Ticket) -> f32 {
        let m = g.m;
        self.pair(
            c,
            m,
            &g.cols,
            y,
            m.row,
            ("报修人", &t.reporter),
            ("联系电话", &t.phone),
        );
        y + m.row
    }

    /// 房号/地址 (报修位置 for a public area), wrapped.
    fn place_rows(&self, c: &mut Canvas, g: &Grid, y: f32, t: &Ticket, plan: &Plan) -> f32 {
        let (m, cols) = (g.m, &g.cols);
        let place_label = if t.scope == Scope::PublicArea {
            "报修位置"
        } else {
            "房号/地址"
        };
        self.label(c, m, cols[0], y, g.l, plan.place_h, place_label);
        self.lines(c, m, cols[1], y, plan.place_h, &plan.place_lines, true);
        c.vline(cols[1], y, y + plan.place_h, THIN);
        let y = y + plan.place_h;
        c.hline(g.left, g.right, y, THIN);
        y
    }

    /// 报修范围 (入户 / 公区 tick boxes) | 报修类别, then 紧急程度 (tick boxes) | 预约时间.
    fn intake_rows(&self, c: &mut Canvas, g: &Grid, y: f32, t: &Ticket) -> f32 {
        let (m, cols) = (g.m, &g.cols);
        self.label(c, m, cols[0], y, g.l, m.row, "报修范围");
        let base = Canvas::baseline(y, m.row, m.body);
        let mut bx = cols[1] + m.pad;
        for s in [Scope::InHome, Scope::PublicArea] {
            bx = c.checkbox(bx, base, m.body, t.scope == s, s.label()) + pt_mm(m.body);
        }
        self.label(c, m, cols[2], y, g.l, m.row, "报修类别");
        self.value(c, m, cols[3], y, cols[4] - cols[3], m.row, &t.category);
        self.row_lines(c, cols, y, m.row);
        let y = y + m.row;
        self.label(c, m, cols[0], y, g.l, m.row, "紧急程度");
        let base = Canvas::baseline(y, m.row, m.body);
        let mut bx = cols[1] + m.pad;
        for u in [Urgency::Emergency, Urgency::Normal, Urgency::Scheduled] {
            bx = c.checkbox(bx, base, m.body, t.urgency == u, u.label()) + pt_mm(m.body);
        }
        self.label(c, m, cols[2], y, g.l, m.row, "预约时间");
        let appointment = t.appointment_at.as_ref().map(fmt_time).unwrap_or_default();
        self.value(c, m, cols[3], y, cols[4] - cols[3], m.row, &appointment);
        self.row_lines(c, cols, y, m.row);
        y + m.row
    }

    /// 报修时间 | 派单时间, then 维修人员 | 维修人电话 (blank for the hand until dispatched).
    fn dispatch_rows(&self, c: &mut Canvas, g: &Grid, y: f32, slip: &Slip) -> f32 {
        let m = g.m;
        let t = &slip.ticket;
        let dispatched = t.dispatched_at.as_ref().map(fmt_time).unwrap_or_default();
        self.pair(
            c,
            m,
            &g.cols,
            y,
            m.row,
            ("报修时间", &fmt_time(&t.received_at)),
            ("派单时间", &dispatched),
        );
        let y = y + m.row;
        self.pair(
            c,
            m,
            &g.cols,
            y,
            m.row,
            ("维修人员", &assignee_text(t)),
            ("维修人电话", slip.technician_phone.as_deref().unwrap_or("")),
        );
        y + m.row
    }

    /// 故障描述: the label at the top, so the text reads on from it when extracted.
    fn description_rows(&self, c: &mut Canvas, g: &Grid, y: f32, plan: &Plan) -> f32 {
        let (m, cols) = (g.m, &g.cols);
        self.label_top(c, m, cols[0], y, g.l, "故障描述");
        self.lines(c, m, cols[1], y, plan.desc_h, &plan.desc_lines, false);
        c.vline(cols[1], y, y + plan.desc_h, THIN);
        let y = y + plan.desc_h;
        c.hline(g.left, g.right, y, THIN);
        y
    }

    /// 往次维修: the rounds before a 返修, one compact line each (no row without them).
    fn rounds_rows(&self, c: &mut Canvas, g: &Grid, y: f32, plan: &Plan) -> f32 {
        if plan.history_h <= 0.0 {
            return y;
        }
        let (m, cols) = (g.m, &g.cols);
        self.label(c, m, cols[0], y, g.l, plan.history_h, "往次维修");
        self.lines(c, m, cols[1], y, plan.history_h, &plan.history_lines, false);
        c.vline(cols[1], y, y + plan.history_h, THIN);
        let y = y + plan.history_h;
        c.hline(g.left, g.right, y, THIN);
        y
    }

    /// 到场时间 | 完工时间: 年 月 日 时 分 boxes, filled when known.
    fn time_rows(&self, c: &mut Canvas, g: &Grid, y: f32, t: &Ticket, done: bool) -> f32 {
        let (m, cols) = (g.m, &g.cols);
        self.label(c, m, cols[0], y, g.l, m.row, "到场时间");
        self.date_boxes(
            c,
            m,
            cols[1],
            y,
            g.v,
            t.arrived_at.as_ref().filter(|_| done),
        );
        self.label(c, m, cols[2], y, g.l, m.row, "完工时间");
        self.date_boxes(
            c,
            m,
            cols[3],
            y,
            g.v,
            t.completed_at.as_ref().filter(|_| done),
        );
        self.row_lines(c, cols, y, m.row);
        y + m.row
    }

    /// 故障原因, 处理措施: blank for the hand, or what was typed back in. On the A5
    /// part they sit side by side, to leave the hand two lines each.
    #[allow(clippy::too_many_arguments)]
    fn fault_rows(
        &self,
        c: &mut Canvas,
        g: &Grid,
        mut y: f32,
        t: &Ticket,
        done: bool,
        plan: &Plan,
        blocks: &mut Vec<Block>,
    ) -> f32 {
        let (m, cols) = (g.m, &g.cols);
        let note_h = plan.note_h;
        let notes = [("故障原因", &t.cause), ("处理措施", &t.measures)];
        for (i, (label, text)) in notes.into_iter().enumerate() {
            let (lx, vx, vw) = if m.notes_side_by_side {
                (cols[2 * i], cols[2 * i + 1], g.v - 2.0 * m.pad)
            } else {
                (cols[0], cols[1], g.value_w)
            };
            let text = text.as_deref().filter(|_| done).unwrap_or("");
            let lines = if text.is_empty() {
                Vec::new()
            } else {
                self.font.wrap(text, m.body, mm_pt(vw))
            };
            let cap = plan.note_cap;
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
            self.label(c, m, lx, y, g.l, note_h, label);
            self.lines(c, m, vx, y, note_h, &shown, false);
            c.vline(vx, y, y + note_h, THIN);
            if m.notes_side_by_side && i == 0 {
                c.vline(cols[2], y, y + note_h, THIN);
                continue;
            }
            y += note_h;
            c.hline(g.left, g.right, y, THIN);
        }
        y
    }

    /// 工时 | 收费 (有偿/无偿 and the amount).
    fn work_rows(
        &self,
        c: &mut Canvas,
        g: &Grid,
        y: f32,
        t: &Ticket,
        quote: Option<&Quote>,
        done: bool,
    ) -> f32 {
        let (m, cols) = (g.m, &g.cols);
        self.label(c, m, cols[0], y, g.l, m.row, "工    时");
        let base = Canvas::baseline(y, m.row, m.body);
        if done && t.labour_minutes > 0 {
            let h = t.labour_minutes as f64 / 60.0;
            let s = format!("{} 分钟（{:.1} 小时）", t.labour_minutes, h);
            c.text(cols[1] + m.pad, base, m.body, &s);
        } else {
            c.text_right(cols[2] - m.pad - g.v * 0.25, base, m.body, "小时");
        }
        self.label(c, m, cols[2], y, g.l, m.row, "收    费");
        let mut bx = cols[3] + m.pad;
        bx = c.checkbox(bx, base, m.body, done && t.paid, "有偿") + pt_mm(m.body) * 0.8;
        bx = c.checkbox(bx, base, m.body, done && !t.paid, "无偿") + pt_mm(m.body) * 0.8;
        let fee = match (quote, done && t.paid) {
            (_, true) => format!("金额：{} 元", money::yuan(t.fee_fen)),
            // Until the work is done, the latest 报价 and the owner's answer.
            (Some(q), false) if !done => format!(
                "报价 {} 元（{}）",
                money::yuan(q.amount_fen),
                if q.consent {
                    "业主同意"
                } else {
                    "业主不同意"
                }
            ),
            _ => "金额：".to_string(),
        };
        c.text(bx, base, m.body, &fee);
        if !(done && t.paid) && (done || quote.is_none()) {
            c.text_right(cols[4] - m.pad, base, m.body, "元");
        }
        self.row_lines(c, cols, y, m.row);
        y + m.row
    }

    /// 维修结果: 已修复 / 未修复，原因.
    fn result_rows(&self, c: &mut Canvas, g: &Grid, y: f32, done: bool) -> f32 {
        let (m, cols) = (g.m, &g.cols);
        self.label(c, m, cols[0], y, g.l, m.row, "维修结果");
        let base = Canvas::baseline(y, m.row, m.body);
        let mut bx = cols[1] + m.pad;
        bx = c.checkbox(bx, base, m.body, done, "已修复") + pt_mm(m.body) * 1.2;
        c.checkbox(bx, base, m.body, false, "未修复，原因：");
        c.vline(cols[1], y, y + m.row, THIN);
        let y = y + m.row;
        c.hline(g.left, g.right, y, THIN);
        y
    }

    /// 满意度: the owner's tick, or the 回访's when it is known.
    fn visit_rows(&self, c: &mut Canvas, g: &Grid, y: f32, t: &Ticket, done: bool) -> f32 {
        let (m, cols) = (g.m, &g.cols);
        self.label(c, m, cols[0], y, g.l, m.row, "满 意 度");
        let base = Canvas::baseline(y, m.row, m.body);
        let mut bx = cols[1] + m.pad;
        for s in Satisfaction::ALL {
            let ticked = done && t.satisfaction == Some(*s);
            bx = c.checkbox(bx, base, m.body, ticked, s.label()) + pt_mm(m.body) * 1.5;
        }
        c.vline(cols[1], y, y + m.row, THIN);
        let y = y + m.row;
        c.hline(g.left, g.right, y, THIN);
        y
    }

    /// 业主签字 | 维修人签字, each with its 日期 line.
    fn signatures(&self, c: &mut Canvas, g: &Grid, y: f32, plan: &Plan) -> f32 {
        let (m, cols) = (g.m, &g.cols);
        let sign_h = plan.sign_h;
        self.label(c, m, cols[0], y, g.l, sign_h, "业主签字");
        self.label(c, m, cols[2], y, g.l, sign_h, "维修人签字");
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
        y + sign_h
    }

    /// Under the border: the hotline and the slip's own note.
    fn footer(&self, c: &mut Canvas, g: &Grid, y: f32, part: &Part) {
        let m = g.m;
        let foot_base = y + pt_mm(m.small) + 1.8;
        let mut foot = String::new();
        if !self.settings.hotline.trim().is_empty() {
            foot.push_str(&format!("服务热线：{}    ", self.settings.hotline.trim()));
        }
        foot.push_str(part.footer_note);
        c.text(g.left, foot_base, m.small, &foot);
    }

    /// `m`, squeezed until the rows fit in `room` (mm): a crowded slip (a long address,
    /// earlier rounds, a long description) gives up blank lines and rows first, then
    /// detail, which goes on in the continuation page — the form never runs past its
    /// part into the cut line or off the sheet.
    fn fitted(&self, slip: &Slip, m: &Metrics, value_w: f32, room: f32) -> Metrics {
        let wrapped = |s: &str| self.font.wrap(s, m.body, mm_pt(value_w)).len();
        let place_n = wrapped(&slip.ticket.place());
        let history_n: usize = slip
            .earlier_rounds
            .iter()
            .map(|r| wrapped(&round_line(r)))
            .sum();
        let mut m = *m;
        loop {
            let place_h = lines_height(&m, place_n.min(m.place_lines));
            let history_h = if history_n == 0 {
                0.0
            } else {
                lines_height(&m, history_n.min(m.history_lines))
            };
            let need = fixed_height(&m, place_h, history_h) + lines_height(&m, m.desc_min_lines);
            if need <= room {
                return m;
            }
            if m.desc_min_lines > 1 {
                m.desc_min_lines = 1;
            } else if m.material_rows > 2 {
                m.material_rows -= 1;
            } else if m.history_lines > 1 && history_n > 1 {
                m.history_lines = 1;
            } else if m.place_lines > 2 && place_n > 2 {
                m.place_lines = 2;
            } else if m.material_rows > 1 {
                m.material_rows -= 1;
            } else {
                return m;
            }
        }
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
        let cap = m.history_lines;
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
        let h = lines_height(m, lines.len());
        (lines, h)
    }

    /// A row of two label/value pairs with its grid lines.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn pair(
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
    pub(super) fn label(
        &self,
        c: &mut Canvas,
        m: &Metrics,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        s: &str,
    ) {
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
    pub(super) fn fit(&self, c: &mut Canvas, x: f32, w: f32, y: f32, h: f32, size: f32, s: &str) {
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
}

/// A row holding `n` wrapped lines.
fn lines_height(m: &Metrics, n: usize) -> f32 {
    (n as f32 * m.line + 2.0 * m.pad).max(m.row)
}

/// 故障原因 and 处理措施 take one row on the A5 part, two on the A4 slip.
fn note_rows(m: &Metrics) -> f32 {
    if m.notes_side_by_side {
        1.0
    } else {
        2.0
    }
}

/// The hotline and note under the form.
fn footer_height(m: &Metrics) -> f32 {
    pt_mm(m.small) + 3.0
}

/// Every row but 故障描述, at its least height: what the description's budget is
/// taken from.
/// The 维修人员 cell: the technician, marked when the owner asked for them (指定师傅);
/// before dispatch, whom the owner asked for.
fn assignee_text(t: &Ticket) -> String {
    match (&t.assignee, &t.requested_technician) {
        (Some(a), Some(r)) if a == r => format!("{a}（业主指定）"),
        (Some(a), _) => a.clone(),
        (None, Some(r)) => format!("（业主指定 {r}）"),
        (None, None) => String::new(),
    }
}

fn fixed_height(m: &Metrics, place_h: f32, history_h: f32) -> f32 {
    let materials_h = m.row * 0.85 + (m.material_rows as f32 + 1.0) * m.row * 0.85;
    5.0 * m.row // 报修人, 报修范围, 紧急程度, 报修时间, 维修人员
        + place_h
        + history_h
        + m.row // 到场/完工
        + note_rows(m) * lines_height(m, m.note_lines) // 故障原因, 处理措施
        + materials_h
        + 3.0 * m.row // 工时/收费, 维修结果, 满意度
        + m.row * 1.6 // 签字
}
