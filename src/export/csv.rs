//! The 明细 rows as CSV: UTF-8 with a BOM (so Excel opens the Chinese correctly), CRLF
//! line ends, times as `YYYY-MM-DD HH:MM` local time, money in 元 with two decimals.

use super::{ledger_row, Cell, ExportOptions, LEDGER};
use crate::report::MonthDetail;

pub(crate) fn render(d: &MonthDetail, options: &ExportOptions) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let headers: Vec<String> = LEDGER.iter().map(|c| field(c.header)).collect();
    out.push_str(&headers.join(","));
    out.push_str("\r\n");
    for t in &d.tickets {
        let cells: Vec<String> = ledger_row(t, options).iter().map(cell).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn cell(c: &Cell) -> String {
    match c {
        Cell::Text(s) => field(s),
        Cell::Int(i) => i.to_string(),
        Cell::OptInt(v) => v.map(|i| i.to_string()).unwrap_or_default(),
        Cell::Time(t) => t
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        Cell::Money(fen) => crate::report::yuan(*fen),
    }
}

/// Quote when needed, and keep Excel from running text as a formula (`=`, `+`, `-`, `@`
/// at the start get a leading apostrophe).
pub(crate) fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}
