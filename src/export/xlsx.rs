//! The month as an XLSX workbook (rust_xlsxwriter): 汇总, the breakdown sheets with a
//! native chart, 明细 with real Excel dates and ¥ money, 超时工单 and 重复报修. Header
//! rows are frozen and column widths fit Chinese text (a CJK character is two units).

use rust_xlsxwriter::{
    Chart, ChartType, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use super::{display_width, ledger_row, Cell, ExportOptions, Office, LEDGER};
use crate::clock::Time;
use crate::error::{Error, Result};
use crate::report::{kpi_lines, GroupRow, Kpi, MonthDetail, Timing};

fn xe(e: XlsxError) -> Error {
    Error::invalid(format!("生成 Excel 文件失败：{e}"))
}

/// Excel's own formats.
struct Formats {
    title: Format,
    note: Format,
    header: Format,
    text: Format,
    int: Format,
    decimal: Format,
    percent: Format,
    money: Format,
    time: Format,
    /// 明细 cells: no borders (see [`Sheet::cell`]).
    plain_time: Format,
    plain_money: Format,
    dash: Format,
    total: Format,
    total_int: Format,
    total_decimal: Format,
}

impl Formats {
    fn new() -> Formats {
        let border = |f: Format| f.set_border(FormatBorder::Thin).set_border_color("#BFBFBF");
        let header = border(Format::new())
            .set_bold()
            .set_background_color("#DDEBF7")
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap();
        let total = border(Format::new())
            .set_bold()
            .set_background_color("#F2F2F2");
        Formats {
            title: Format::new().set_bold().set_font_size(16),
            note: Format::new().set_font_color("#595959"),
            header,
            text: border(Format::new()),
            int: border(Format::new()).set_num_format("0"),
            decimal: border(Format::new()).set_num_format("0.0"),
            percent: border(Format::new()).set_num_format("0.00%"),
            money: border(Format::new()).set_num_format("\"¥\"#,##0.00"),
            time: border(Format::new()).set_num_format("yyyy-mm-dd hh:mm"),
            plain_time: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            plain_money: Format::new().set_num_format("\"¥\"#,##0.00"),
            dash: border(Format::new()).set_align(FormatAlign::Right),
            total_int: total.clone().set_num_format("0"),
            total_decimal: total.clone().set_num_format("0.0"),
            total,
        }
    }
}

/// An office instant as an Excel date-time in local time.
fn excel_time(t: &Time) -> Result<ExcelDateTime> {
    let local = t.timestamp() + i64::from(t.offset().local_minus_utc());
    ExcelDateTime::from_timestamp(local).map_err(xe)
}

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    widths: Vec<f64>,
}

impl<'a> Sheet<'a> {
    fn new(ws: &'a mut Worksheet, min_widths: &[f64]) -> Sheet<'a> {
        Sheet {
            ws,
            widths: min_widths.to_vec(),
        }
    }

    fn fit(&mut self, col: u16, w: f64) {
        let c = col as usize;
        if self.widths.len() <= c {
            self.widths.resize(c + 1, 8.0);
        }
        let w = (w + 2.0).min(60.0);
        if w > self.widths[c] {
            self.widths[c] = w;
        }
    }

    fn text(&mut self, row: u32, col: u16, s: &str, f: &Format) -> Result<()> {
        self.fit(col, display_width(s));
        self.ws
            .write_string_with_format(row, col, s, f)
            .map_err(xe)?;
        Ok(())
    }

    fn num(&mut self, row: u32, col: u16, v: f64, f: &Format) -> Result<()> {
        // Digits before the point, plus room for a sign and two decimals.
        let digits = if v.abs() >= 1.0 {
            v.abs().log10().floor() + 1.0
        } else {
            1.0
        };
        self.fit(col, (digits + 3.0).max(6.0));
        self.ws
            .write_number_with_format(row, col, v, f)
            .map_err(xe)?;
        Ok(())
    }

    fn opt_num(
        &mut self,
        row: u32,
        col: u16,
        v: Option<f64>,
        f: &Format,
        fx: &Formats,
    ) -> Result<()> {
        match v {
            Some(v) => self.num(row, col, v, f),
            None => self.text(row, col, "—", &fx.dash),
        }
    }

    fn cell(&mut self, row: u32, col: u16, c: &Cell, fx: &Formats) -> Result<()> {
        match c {
            // Plain cells carry no format: on a 30,000-row 明细 the per-cell format
            // lookup is most of the writing time.
            Cell::Text(s) => {
                self.fit(col, display_width(s));
                self.ws.write_string(row, col, s).map_err(xe)?;
                Ok(())
            }
            Cell::Int(i) | Cell::OptInt(Some(i)) => {
                self.ws.write_number(row, col, *i as f64).map_err(xe)?;
                Ok(())
            }
            Cell::OptInt(None) | Cell::Time(None) => Ok(()),
            Cell::Time(Some(t)) => {
                self.ws
                    .write_datetime_with_format(row, col, excel_time(t)?, &fx.plain_time)
                    .map_err(xe)?;
                self.fit(col, 16.0);
                Ok(())
            }
            Cell::Money(fen) => {
                self.fit(col, 10.0);
                self.ws
                    .write_number_with_format(row, col, *fen as f64 / 100.0, &fx.plain_money)
                    .map_err(xe)?;
                Ok(())
            }
        }
    }

    fn header(&mut self, row: u32, headers: &[&str], fx: &Formats) -> Result<()> {
        for (c, h) in headers.iter().enumerate() {
            self.text(row, c as u16, h, &fx.header)?;
        }
        self.ws.set_row_height(row, 22).map_err(xe)?;
        Ok(())
    }

    /// Column widths, and printing: A4, one page wide, landscape when wide, the
    /// header row repeated on every page.
    fn finish(self, header_row: u32) -> Result<()> {
        self.finish_with(header_row, true)
    }

    /// `fit`: print one page wide (the 明细 sheets are too wide for that to be legible).
    fn finish_with(self, header_row: u32, fit: bool) -> Result<()> {
        for (c, w) in self.widths.iter().enumerate() {
            self.ws.set_column_width(c as u16, *w).map_err(xe)?;
        }
        let total: f64 = self.widths.iter().sum();
        self.ws.set_paper_size(9);
        if total > 100.0 {
            self.ws.set_landscape();
        }
        if fit {
            self.ws.set_print_fit_to_pages(1, 0);
        }
        self.ws
            .set_repeat_rows(header_row, header_row)
            .map_err(xe)?;
        Ok(())
    }
}

pub(crate) fn render(office: &Office, d: &MonthDetail, options: &ExportOptions) -> Result<Vec<u8>> {
    let zone = office.zone;
    let office = &office.name;
    let (start, end) = zone.month_range(&d.report.month)?;
    let fx = Formats::new();
    let mut wb = Workbook::new();
    // Deflate level 3: most of the saving time is compressing the 明细 XML; the file is
    // about 6% larger than at the default level 6, in about 70% of the time.
    wb.set_zip_compression_level(3);
    let props = rust_xlsxwriter::DocProperties::new()
        .set_title(super::title(office, &d.report))
        .set_author("报修台 Baoxiu Desk");
    wb.set_properties(&props);

    summary(
        &mut wb,
        &fx,
        d,
        office,
        &format!(
            "统计月份 {}（{} 本地时间 {} 至 {}）",
            d.report.month,
            zone.name(),
            zone.from_epoch(start).format("%Y-%m-%d %H:%M"),
            zone.from_epoch(end).format("%Y-%m-%d %H:%M"),
        ),
    )?;
    let overdue_total = d.overdue.len() as i64;
    let totals = (
        d.report.received,
        d.report.completed,
        overdue_total,
        &d.report.completion_minutes,
    );
    breakdown(
        &mut wb,
        &fx,
        "分类统计",
        "类别",
        &d.report.by_category,
        Some(totals),
        true,
    )?;
    technicians(&mut wb, &fx, d)?;
    breakdown(
        &mut wb,
        &fx,
        "小区统计",
        "小区",
        &d.report.by_site,
        Some(totals),
        false,
    )?;
    breakdown(
        &mut wb,
        &fx,
        "楼栋统计",
        "小区 / 楼栋",
        &d.report.by_building,
        Some(totals),
        false,
    )?;
    breakdown(
        &mut wb,
        &fx,
        "渠道统计",
        "报修渠道",
        &d.report.by_channel,
        Some(totals),
        false,
    )?;
    breakdown(
        &mut wb,
        &fx,
        "紧急程度统计",
        "紧急程度",
        &d.report.by_urgency,
        Some(totals),
        false,
    )?;
    breakdown(
        &mut wb,
        &fx,
        "类型统计",
        "工单类型",
        &d.report.by_kind,
        Some(totals),
        false,
    )?;
    ledger(&mut wb, &fx, "明细", &d.tickets, options)?;
    ledger(&mut wb, &fx, "超时工单", &d.overdue, options)?;
    hot_spots(&mut wb, &fx, d)?;
    wb.save_to_buffer().map_err(xe)
}

fn summary(
    wb: &mut Workbook,
    fx: &Formats,
    d: &MonthDetail,
    office: &str,
    note: &str,
) -> Result<()> {
    let ws = wb.add_worksheet();
    ws.set_name("汇总").map_err(xe)?;
    let mut s = Sheet::new(ws, &[30.0, 16.0, 16.0, 16.0, 60.0]);
    s.ws.merge_range(0, 0, 0, 4, &super::title(office, &d.report), &fx.title)
        .map_err(xe)?;
    s.ws.set_row_height(0, 28).map_err(xe)?;
    s.ws.merge_range(1, 0, 1, 4, note, &fx.note).map_err(xe)?;
    s.header(3, &["指标", "合计", "有偿", "无偿", "口径"], fx)?;
    let mut row = 4u32;
    let r = &d.report;
    let explain = |key: &str| -> &'static str {
        match key {
            "received" => "本月内登记的工单（按本地时间）",
            "completed" => "本月内有完工记录的工单（同一工单多次完工计一次）",
            "closed" => "本月内回访完结的工单",
            "resolved" => "本月内办结的投诉和咨询（不派维修人员，不计完工）",
            "cancelled" => "本月内取消的工单",
            "open_at_month_end" => "月末时既未完结也未取消的工单（含待回访）",
            "dispatch_minutes" => "本月受理、月末前已派单：受理→首次派单",
            "arrival_minutes" => "本月受理、月末前已到场：受理→首次到场",
            "completion_minutes" => "本月受理、月末前已完工：受理→首次完工，扣除挂起时间",
            "on_time_rate" => "本月完工中，在完工时限内完成的比例",
            "visit_rate" => "本月完工中，完工后已回访的比例",
            "satisfaction_rate" => "本月回访中，非常满意或满意的比例",
            "rework_rate" => "本月完工中，之后又返修的比例",
            "materials_fen" => "本月完工工单的材料费",
            "fees_fen" => "本月完工工单收取的维修费",
            "labour_minutes" => "本月完工工单的工时",
            _ => "",
        }
    };
    for (key, label, kpi) in kpi_lines(r) {
        match kpi {
            Kpi::Count(n) => {
                s.text(row, 0, &label, &fx.text)?;
                s.num(row, 1, n as f64, &fx.int)?;
                s.text(row, 4, explain(key), &fx.note)?;
                row += 1;
            }
            Kpi::Rate(v) => {
                s.text(row, 0, &label, &fx.text)?;
                s.opt_num(row, 1, v, &fx.percent, fx)?;
                s.text(row, 4, explain(key), &fx.note)?;
                row += 1;
            }
            Kpi::Timing(t) => {
                row = timing_rows(&mut s, fx, row, &label, &t, explain(key))?;
            }
            Kpi::Money(sp) | Kpi::Minutes(sp) => {
                let f = if matches!(key, "labour_minutes") {
                    &fx.int
                } else {
                    &fx.money
                };
                let conv = |v: i64| {
                    if matches!(key, "labour_minutes") {
                        v as f64
                    } else {
                        v as f64 / 100.0
                    }
                };
                s.text(row, 0, &label, &fx.text)?;
                s.num(row, 1, conv(sp.total), f)?;
                s.num(row, 2, conv(sp.paid), f)?;
                s.num(row, 3, conv(sp.unpaid), f)?;
                s.text(row, 4, explain(key), &fx.note)?;
                row += 1;
            }
        }
    }
    s.text(row, 0, "重复报修点位", &fx.text)?;
    s.num(row, 1, r.hot_spots.len() as f64, &fx.int)?;
    s.text(
        row,
        4,
        "近90天同一房屋或公区位置、同一类别报修2次及以上（见“重复报修”表）",
        &fx.note,
    )?;
    s.ws.set_freeze_panes(4, 0).map_err(xe)?;
    s.finish(3)
}

fn timing_rows(
    s: &mut Sheet,
    fx: &Formats,
    mut row: u32,
    label: &str,
    t: &Timing,
    note: &str,
) -> Result<u32> {
    let base = label
        .trim_end_matches("（分钟）")
        .trim_end_matches("（分钟，不含挂起）");
    let lines: [(&str, Option<f64>, &Format); 4] = [
        ("平均", t.mean, &fx.decimal),
        ("中位数", t.median, &fx.decimal),
        ("P90", t.p90, &fx.int),
        ("统计件数", Some(t.count as f64), &fx.int),
    ];
    for (i, (what, v, f)) in lines.into_iter().enumerate() {
        let unit = if what == "统计件数" {
            ""
        } else {
            "（分钟）"
        };
        s.text(row, 0, &format!("{base}·{what}{unit}"), &fx.text)?;
        s.opt_num(row, 1, v, f, fx)?;
        if i == 0 {
            s.text(row, 4, note, &fx.note)?;
        }
        row += 1;
    }
    Ok(row)
}

type Totals<'a> = (i64, i64, i64, &'a Timing);

fn breakdown(
    wb: &mut Workbook,
    fx: &Formats,
    name: &str,
    what: &str,
    rows: &[GroupRow],
    totals: Option<Totals>,
    chart: bool,
) -> Result<()> {
    let ws = wb.add_worksheet();
    ws.set_name(name).map_err(xe)?;
    let mut s = Sheet::new(ws, &[14.0, 8.0, 8.0, 8.0, 14.0]);
    s.header(0, &[what, "受理", "完工", "超时", "平均完工用时(分钟)"], fx)?;
    for (i, g) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        s.text(r, 0, &g.label, &fx.text)?;
        s.num(r, 1, g.received as f64, &fx.int)?;
        s.num(r, 2, g.completed as f64, &fx.int)?;
        s.num(r, 3, g.overdue as f64, &fx.int)?;
        s.opt_num(r, 4, g.mean_completion_minutes, &fx.decimal, fx)?;
    }
    let last = rows.len() as u32;
    if let Some((received, completed, overdue, t)) = totals {
        let r = last + 1;
        s.text(r, 0, "合计", &fx.total)?;
        s.num(r, 1, received as f64, &fx.total_int)?;
        s.num(r, 2, completed as f64, &fx.total_int)?;
        s.num(r, 3, overdue as f64, &fx.total_int)?;
        match t.mean {
            Some(m) => s.num(r, 4, m, &fx.total_decimal)?,
            None => s.text(r, 4, "—", &fx.total)?,
        }
    }
    s.ws.set_freeze_panes(1, 1).map_err(xe)?;
    if chart && !rows.is_empty() {
        let mut c = Chart::new(ChartType::Column);
        c.title().set_name(&format!("本月各{what}受理与完工"));
        for (col, series) in [(1u16, "受理"), (2u16, "完工")] {
            c.add_series()
                .set_name(series)
                .set_categories((name, 1, 0, last, 0))
                .set_values((name, 1, col, last, col));
        }
        c.x_axis().set_name(what);
        let max = rows
            .iter()
            .map(|g| g.received.max(g.completed))
            .max()
            .unwrap_or(0);
        c.y_axis()
            .set_name("件数")
            .set_min(0)
            .set_major_unit(super::pdf::nice_step(max.max(1)) as f64);
        s.ws.insert_chart(last + 3, 0, &c).map_err(xe)?;
    }
    s.finish(0)
}

fn technicians(wb: &mut Workbook, fx: &Formats, d: &MonthDetail) -> Result<()> {
    let ws = wb.add_worksheet();
    ws.set_name("人员统计").map_err(xe)?;
    let mut s = Sheet::new(ws, &[12.0, 8.0, 8.0, 8.0, 14.0, 8.0, 9.0, 8.0, 10.0]);
    s.header(
        0,
        &[
            "维修人员",
            "受理",
            "完工",
            "超时",
            "平均完工用时(分钟)",
            "回访",
            "满意率",
            "返修",
            "工时(分钟)",
        ],
        fx,
    )?;
    let rows = &d.report.by_technician;
    for (i, t) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        s.text(r, 0, &t.label, &fx.text)?;
        s.num(r, 1, t.received as f64, &fx.int)?;
        s.num(r, 2, t.completed as f64, &fx.int)?;
        s.num(r, 3, t.overdue as f64, &fx.int)?;
        s.opt_num(r, 4, t.mean_completion_minutes, &fx.decimal, fx)?;
        s.num(r, 5, t.visits as f64, &fx.int)?;
        s.opt_num(r, 6, t.satisfaction_rate, &fx.percent, fx)?;
        s.num(r, 7, t.rework_count as f64, &fx.int)?;
        s.num(r, 8, t.labour_minutes as f64, &fx.int)?;
    }
    let last = rows.len() as u32;
    let r = last + 1;
    let rep = &d.report;
    s.text(r, 0, "合计", &fx.total)?;
    s.num(r, 1, rep.received as f64, &fx.total_int)?;
    s.num(r, 2, rep.completed as f64, &fx.total_int)?;
    s.num(r, 3, d.overdue.len() as f64, &fx.total_int)?;
    match rep.completion_minutes.mean {
        Some(m) => s.num(r, 4, m, &fx.total_decimal)?,
        None => s.text(r, 4, "—", &fx.total)?,
    }
    s.num(
        r,
        5,
        rows.iter().map(|t| t.visits).sum::<i64>() as f64,
        &fx.total_int,
    )?;
    match rep.satisfaction_rate {
        Some(v) => s.num(r, 6, v, &fx.percent)?,
        None => s.text(r, 6, "—", &fx.total)?,
    }
    s.num(
        r,
        7,
        rows.iter().map(|t| t.rework_count).sum::<i64>() as f64,
        &fx.total_int,
    )?;
    s.num(r, 8, rep.labour_minutes.total as f64, &fx.total_int)?;
    s.ws.set_freeze_panes(1, 1).map_err(xe)?;
    if !rows.is_empty() {
        let mut c = Chart::new(ChartType::Bar);
        c.title().set_name("本月各维修人员完工件数");
        c.add_series()
            .set_name("完工")
            .set_categories(("人员统计", 1, 0, last, 0))
            .set_values(("人员统计", 1, 2, last, 2));
        c.legend().set_hidden();
        let max = rows.iter().map(|t| t.completed).max().unwrap_or(0);
        c.x_axis()
            .set_min(0)
            .set_major_unit(super::pdf::nice_step(max.max(1)) as f64);
        s.ws.insert_chart(last + 3, 0, &c).map_err(xe)?;
    }
    s.finish(0)
}

fn ledger(
    wb: &mut Workbook,
    fx: &Formats,
    name: &str,
    tickets: &[crate::report::MonthTicket],
    options: &ExportOptions,
) -> Result<()> {
    // Rows are written strictly in order (header, tickets, totals), which is what lets
    // the sheet stream to disk instead of holding a month's cells in memory.
    let ws = wb.add_worksheet_with_constant_memory().map_err(xe)?;
    ws.set_name(name).map_err(xe)?;
    let widths: Vec<f64> = LEDGER.iter().map(|c| c.width).collect();
    let mut s = Sheet::new(ws, &widths);
    let headers: Vec<&str> = LEDGER.iter().map(|c| c.header).collect();
    s.header(0, &headers, fx)?;
    for (i, t) in tickets.iter().enumerate() {
        let row = i as u32 + 1;
        for (c, cell) in ledger_row(t, options).iter().enumerate() {
            s.cell(row, c as u16, cell, fx)?;
        }
    }
    s.ws.set_freeze_panes(1, 1).map_err(xe)?;
    s.ws.autofilter(0, 0, tickets.len() as u32, LEDGER.len() as u16 - 1)
        .map_err(xe)?;
    // Money totals under the columns, for the reader who checks the sum.
    let total_row = tickets.len() as u32 + 1;
    if !tickets.is_empty() {
        s.text(total_row, 0, "合计", &fx.total)?;
        let money_cols = LEDGER
            .iter()
            .enumerate()
            .filter(|(_, c)| c.header == "材料费" || c.header == "维修费");
        for (c, col) in money_cols {
            let sum: i64 = tickets
                .iter()
                .map(|t| {
                    if col.header == "材料费" {
                        t.materials_fen
                    } else {
                        t.fee_fen
                    }
                })
                .sum();
            s.ws.write_number_with_format(total_row, c as u16, sum as f64 / 100.0, &fx.money)
                .map_err(xe)?;
        }
    }
    s.finish_with(0, false)
}

fn hot_spots(wb: &mut Workbook, fx: &Formats, d: &MonthDetail) -> Result<()> {
    let ws = wb.add_worksheet();
    ws.set_name("重复报修").map_err(xe)?;
    let mut s = Sheet::new(ws, &[10.0, 16.0, 6.0, 10.0, 6.0, 17.0, 40.0]);
    s.header(
        0,
        &[
            "小区",
            "房屋 / 位置",
            "范围",
            "类别",
            "次数",
            "最近报修",
            "工单号",
        ],
        fx,
    )?;
    for (i, h) in d.report.hot_spots.iter().enumerate() {
        let r = i as u32 + 1;
        s.text(r, 0, h.site.as_deref().unwrap_or(""), &fx.text)?;
        s.text(r, 1, &h.place, &fx.text)?;
        s.text(r, 2, h.scope.label(), &fx.text)?;
        s.text(r, 3, &h.category, &fx.text)?;
        s.num(r, 4, h.tickets as f64, &fx.int)?;
        s.ws.write_datetime_with_format(r, 5, excel_time(&h.last_received_at)?, &fx.time)
            .map_err(xe)?;
        s.text(r, 6, &h.numbers.join("、"), &fx.text)?;
    }
    s.ws.set_freeze_panes(1, 0).map_err(xe)?;
    s.finish(0)
}
