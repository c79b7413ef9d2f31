//! The 使用材料 table: 序号 材料名称 规格型号 数量 单价 金额, then 合计 in figures and
//! in 大写; more materials than rows continue on the continuation page.

use super::continuation::Block;
use super::layout::Metrics;
use super::{money, Context};
use crate::canvas::{Canvas, THIN};
use crate::ticket::{Material, Ticket};

impl Context<'_> {
    /// The materials table: 序号 材料名称 规格型号 数量 单价 金额, then 合计 in figures
    /// and in 大写. Returns the y below it.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn materials(
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
}

/// `2` → `2`, `1.5` → `1.5`, `0.333…` → `0.33`.
pub(super) fn quantity(q: f64) -> String {
    let s = format!("{q:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(quantity(2.0), "2");
        assert_eq!(quantity(1.5), "1.5");
        assert_eq!(quantity(1.0 / 3.0), "0.33");
    }
}
