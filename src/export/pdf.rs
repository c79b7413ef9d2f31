//! The month summary as a printable PDF: one or two A4 pages with the office name, the
//! month, the KPI table, a bar chart of tickets by category drawn as vectors, and the
//! category and technician tables — drawn on `crate::canvas` pages in the bundled CJK
//! font (`crate::font`), subset-embedded, text extractable.
//!
//! Characters the font cannot draw (rare in names) are printed as `?` rather than
//! refusing the whole month's report; the XLSX keeps the exact text.

use super::{ExportOptions, Office};
use crate::canvas::{Canvas, Color, Document};
use crate::error::Result;
use crate::report::{kpi_lines, percent, yuan, Kpi, MonthReport};

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 15.0;
/// Most rows a table prints; the rest are in the XLSX.
const MAX_ROWS: usize = 24;

/// Table rules and chart gridlines.
const GRID: Color = Color(0.45, 0.45, 0.45);
const GRID_W: f32 = 0.4;
/// The generated-at note and the footer.
const NOTE: Color = Color(0.35, 0.35, 0.35);
const HEADER_FILL: Color = Color(0.87, 0.92, 0.97);
const RECEIVED: Color = Color(0.27, 0.45, 0.77);
const COMPLETED: Color = Color(0.93, 0.49, 0.19);

/// A blank A4 page: grey rules, characters the font lacks printed as `?`.
fn new_page(doc: &Document) -> Canvas {
    let mut p = doc.page(PAGE_W, PAGE_H).replacing_missing('?');
    p.stroke_color(GRID);
    p
}

/// A simple ruled table: header row shaded, numbers right-aligned.
struct Table<'a> {
    headers: &'a [&'a str],
    /// Column widths in mm.
    widths: &'a [f32],
    /// Columns drawn left-aligned (the others are numbers, right-aligned).
    left: &'a [usize],
    rows: Vec<Vec<String>>,
}

const ROW_H: f32 = 6.2;
const TABLE_FONT: f32 = 8.5;

impl Table<'_> {
    fn height(&self) -> f32 {
        ROW_H * (self.rows.len() as f32 + 1.0)
    }

    fn draw(&self, p: &mut Canvas, x: f32, top: f32) -> f32 {
        let total_w: f32 = self.widths.iter().sum();
        p.fill_rect(x, top, total_w, ROW_H, HEADER_FILL);
        let mut y = top;
        let base = |y: f32| Canvas::baseline(y, ROW_H, TABLE_FONT);
        let mut cx = x;
        for (h, w) in self.headers.iter().zip(self.widths) {
            p.text_center(cx, *w, base(y), TABLE_FONT, h);
            cx += w;
        }
        y += ROW_H;
        for row in &self.rows {
            let mut cx = x;
            for (i, (v, w)) in row.iter().zip(self.widths).enumerate() {
                // A value wider than its column is set smaller rather than run over the rule.
                let room = w - 3.0;
                let natural = p.width(v, TABLE_FONT);
                let size = if natural > room {
                    (TABLE_FONT * room / natural).max(5.0)
                } else {
                    TABLE_FONT
                };
                let baseline = Canvas::baseline(y, ROW_H, size);
                if self.left.contains(&i) {
                    p.text(cx + 1.5, baseline, size, v);
                } else {
                    p.text_right(cx + w - 1.5, baseline, size, v);
                }
                cx += w;
            }
            y += ROW_H;
        }
        // rules
        for i in 0..=self.rows.len() + 1 {
            let ry = top + ROW_H * i as f32;
            p.hline(x, x + total_w, ry, GRID_W);
        }
        let mut cx = x;
        p.vline(cx, top, y, GRID_W);
        for w in self.widths {
            cx += w;
            p.vline(cx, top, y, GRID_W);
        }
        y
    }
}

fn opt1(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into())
}

fn opt0(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.0}")).unwrap_or_else(|| "—".into())
}

/// The KPI block: (label, value) pairs, laid out two pairs per row.
fn kpi_pairs(d: &MonthReport) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, label, kpi) in kpi_lines(d) {
        match kpi {
            Kpi::Count(n) => out.push((label, format!("{n} 件"))),
            Kpi::Rate(r) => out.push((label, percent(r))),
            Kpi::Timing(t) => {
                let base = label
                    .trim_end_matches("（分钟）")
                    .trim_end_matches("（分钟，不含挂起）")
                    .to_string();
                out.push((
                    format!("{base}（分钟）"),
                    format!(
                        "平均 {} / 中位 {} / P90 {}",
                        opt1(t.mean),
                        opt1(t.median),
                        opt0(t.p90)
                    ),
                ));
            }
            // Fees are only ever charged for 有偿 work: no split to show.
            Kpi::Money(s) if key == "fees_fen" => out.push((label, format!("¥{}", yuan(s.total)))),
            Kpi::Money(s) => out.push((
                label,
                format!(
                    "¥{}（有偿 ¥{} / 无偿 ¥{}）",
                    yuan(s.total),
                    yuan(s.paid),
                    yuan(s.unpaid)
                ),
            )),
            Kpi::Minutes(s) => out.push((
                label,
                format!("{}（有偿 {} / 无偿 {}）", s.total, s.paid, s.unpaid),
            )),
        }
    }
    out.push(("重复报修点位".into(), format!("{} 处", d.hot_spots.len())));
    out
}

/// Bars of received and completed per category, with a value axis and a legend.
fn bar_chart(p: &mut Canvas, d: &MonthReport, x: f32, top: f32, w: f32, h: f32) {
    let rows = &d.by_category;
    p.text_center_bold(x, w, top + 4.0, 10.0, "本月各类别受理与完工件数");
    let legend_y = top + 8.5;
    let lx = x + w - 38.0;
    p.fill_rect(lx, legend_y - 2.6, 3.0, 3.0, RECEIVED);
    p.text(lx + 4.0, legend_y, 8.0, "受理");
    p.fill_rect(lx + 16.0, legend_y - 2.6, 3.0, 3.0, COMPLETED);
    p.text(lx + 20.0, legend_y, 8.0, "完工");

    let plot_left = x + 12.0;
    let plot_top = top + 12.0;
    let plot_bottom = top + h - 10.0;
    let plot_w = w - 14.0;
    let plot_h = plot_bottom - plot_top;
    let max = rows
        .iter()
        .map(|r| r.received.max(r.completed))
        .max()
        .unwrap_or(0)
        .max(1);
    // A round axis maximum with 4–5 gridlines.
    let step = nice_step(max);
    let axis_max = (max + step - 1) / step * step;
    let mut v = 0;
    while v <= axis_max {
        let y = plot_bottom - plot_h * v as f32 / axis_max as f32;
        p.hline(plot_left, plot_left + plot_w, y, GRID_W);
        p.text_right(plot_left - 1.5, y + 1.2, 7.0, &v.to_string());
        v += step;
    }
    p.vline(plot_left, plot_top, plot_bottom, GRID_W);
    if rows.is_empty() {
        p.text_center(
            plot_left,
            plot_w,
            plot_top + plot_h / 2.0,
            9.0,
            "本月没有工单",
        );
        return;
    }
    let slot = plot_w / rows.len() as f32;
    let bar = (slot * 0.32).min(9.0);
    for (i, r) in rows.iter().enumerate() {
        let sx = plot_left + slot * i as f32;
        let cx = sx + slot / 2.0;
        for (j, (value, color)) in [(r.received, RECEIVED), (r.completed, COMPLETED)]
            .into_iter()
            .enumerate()
        {
            let bh = plot_h * value as f32 / axis_max as f32;
            let bx = cx - bar + bar * j as f32;
            if value > 0 {
                p.fill_rect(bx, plot_bottom - bh, bar, bh, color);
            }
            p.text_center(bx, bar, plot_bottom - bh - 1.0, 6.5, &value.to_string());
        }
        let label_size = if slot < 14.0 { 6.5 } else { 8.0 };
        p.text_center(sx, slot, plot_bottom + 4.0, label_size, &r.label);
    }
}

/// A round gridline step giving 4–5 gridlines up to `max`.
pub(super) fn nice_step(max: i64) -> i64 {
    let raw = (max as f64 / 5.0).max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    step.max(1.0) as i64
}

fn capped(mut rows: Vec<Vec<String>>, cols: usize) -> Vec<Vec<String>> {
    if rows.len() > MAX_ROWS {
        let rest = rows.len() - (MAX_ROWS - 1);
        rows.truncate(MAX_ROWS - 1);
        let mut more = vec![format!("其余 {rest} 行见 Excel")];
        more.resize(cols, String::new());
        rows.push(more);
    }
    rows
}

pub(crate) fn render(
    office: &Office,
    d: &MonthReport,
    _options: &ExportOptions,
) -> Result<Vec<u8>> {
    let zone = office.zone;
    let (start, end) = zone.month_range(&d.month)?;
    let now = office.generated_at;
    let title = super::title(&office.name, d);
    let doc = Document::new(&title)?;
    let mut pages = vec![new_page(&doc)];
    let content_w = PAGE_W - 2.0 * MARGIN;

    // ---- page 1: title, KPIs, chart ----
    let p = &mut pages[0];
    p.text_center_bold(MARGIN, content_w, MARGIN + 6.0, 16.0, &title);
    let note = format!(
        "统计口径：{} 本地时间 {} 至 {}　　生成时间：{}",
        zone.name(),
        zone.from_epoch(start).format("%Y-%m-%d %H:%M"),
        zone.from_epoch(end).format("%Y-%m-%d %H:%M"),
        now.format("%Y-%m-%d %H:%M")
    );
    p.text_color(NOTE);
    p.text_center(MARGIN, content_w, MARGIN + 12.5, 8.0, &note);
    p.text_color(Color::BLACK);

    let pairs = kpi_pairs(d);
    let mut y = MARGIN + 18.0;
    p.text_bold(MARGIN, y + 4.0, 11.0, "一、主要指标");
    y += 7.0;
    // Two indicators per line keeps page 1 for the KPIs, the chart and the categories.
    let half = pairs.len().div_ceil(2);
    let kpi_rows: Vec<Vec<String>> = (0..half)
        .map(|i| {
            let (k1, v1) = pairs[i].clone();
            let (k2, v2) = pairs.get(half + i).cloned().unwrap_or_default();
            vec![k1, v1, k2, v2]
        })
        .collect();
    let kpi = Table {
        headers: &["指标", "数值", "指标", "数值"],
        widths: &[32.0, 58.0, 32.0, content_w - 122.0],
        left: &[0, 2],
        rows: kpi_rows,
    };
    y = kpi.draw(p, MARGIN, y) + 6.0;

    p.text_bold(MARGIN, y + 4.0, 11.0, "二、分类统计");
    y += 7.0;
    let chart_h = 62.0;
    bar_chart(p, d, MARGIN, y, content_w, chart_h);
    y += chart_h + 3.0;

    let cat_rows = capped(
        d.by_category
            .iter()
            .map(|g| {
                vec![
                    g.label.clone(),
                    g.received.to_string(),
                    g.completed.to_string(),
                    g.overdue.to_string(),
                    opt1(g.mean_completion_minutes),
                ]
            })
            .collect(),
        5,
    );
    let cat = Table {
        headers: &["类别", "受理", "完工", "超时", "平均完工用时(分钟)"],
        widths: &[60.0, 25.0, 25.0, 25.0, content_w - 135.0],
        left: &[0],
        rows: cat_rows,
    };
    if y + cat.height() > PAGE_H - MARGIN {
        pages.push(new_page(&doc));
        y = MARGIN;
    }
    let last = pages.len() - 1;
    y = cat.draw(&mut pages[last], MARGIN, y) + 8.0;

    // ---- technicians (page 2 when page 1 is full) ----
    let tech_rows = capped(
        d.by_technician
            .iter()
            .map(|t| {
                vec![
                    t.label.clone(),
                    t.received.to_string(),
                    t.completed.to_string(),
                    t.overdue.to_string(),
                    opt1(t.mean_completion_minutes),
                    t.visits.to_string(),
                    percent(t.satisfaction_rate),
                    t.rework_count.to_string(),
                    t.labour_minutes.to_string(),
                ]
            })
            .collect(),
        9,
    );
    let tech = Table {
        headers: &[
            "维修人员",
            "受理",
            "完工",
            "超时",
            "平均用时(分)",
            "回访",
            "满意率",
            "返修",
            "工时(分)",
        ],
        widths: &[
            30.0,
            16.0,
            16.0,
            16.0,
            24.0,
            16.0,
            20.0,
            16.0,
            content_w - 154.0,
        ],
        left: &[0],
        rows: tech_rows,
    };
    if y + 7.0 + tech.height() > PAGE_H - MARGIN {
        pages.push(new_page(&doc));
        y = MARGIN;
    }
    let last = pages.len() - 1;
    let p = &mut pages[last];
    p.text_bold(MARGIN, y + 4.0, 11.0, "三、人员统计");
    y += 7.0;
    y = tech.draw(p, MARGIN, y) + 8.0;

    // ---- 重复报修, as many as fit on the last page ----
    let spots = &d.hot_spots;
    if !spots.is_empty() {
        if y + 7.0 + ROW_H * 3.0 > PAGE_H - MARGIN - 6.0 && pages.len() < 2 {
            pages.push(new_page(&doc));
            y = MARGIN;
        }
        let room = ((PAGE_H - MARGIN - 6.0 - y - 7.0) / ROW_H).floor() as usize;
        if room >= 2 {
            let shown = spots.len().min(room - 1);
            let mut rows: Vec<Vec<String>> = spots[..shown]
                .iter()
                .map(|h| {
                    vec![
                        format!("{} {}", h.site.as_deref().unwrap_or(""), h.place)
                            .trim()
                            .to_string(),
                        h.category.clone(),
                        h.tickets.to_string(),
                        h.last_received_at.format("%Y-%m-%d").to_string(),
                    ]
                })
                .collect();
            if shown < spots.len() {
                rows.push(vec![
                    format!("其余 {} 处见 Excel“重复报修”表", spots.len() - shown),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
            }
            let hot = Table {
                headers: &["房屋 / 位置", "类别", "近90天报修", "最近报修"],
                widths: &[80.0, 30.0, 30.0, content_w - 140.0],
                left: &[0, 1],
                rows,
            };
            let last = pages.len() - 1;
            let p = &mut pages[last];
            p.text_bold(
                MARGIN,
                y + 4.0,
                11.0,
                "四、重复报修（近90天同一位置同一类别2次及以上）",
            );
            hot.draw(p, MARGIN, y + 7.0);
        }
    }

    let count = pages.len();
    let pages = pages
        .into_iter()
        .enumerate()
        .map(|(i, mut p)| {
            let footer = format!("{} · 第 {} 页 / 共 {count} 页", office.name, i + 1);
            p.text_color(NOTE);
            p.text_center(MARGIN, content_w, PAGE_H - 8.0, 7.5, &footer);
            p.finish()
        })
        .collect();
    Ok(doc.save(pages, &now, &office.name))
}
