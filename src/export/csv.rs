//! The 明细 rows as CSV: UTF-8 with a BOM (so Excel opens the Chinese correctly), CRLF
//! line ends, times as `YYYY-MM-DD HH:MM` local time, money in 元 with two decimals.

use chrono::{Datelike, Timelike};

use super::{ledger_row, Cell, ExportOptions, LEDGER};
use crate::report::MonthTicket;

/// The 明细 `tickets` as CSV.
pub(crate) fn render(tickets: &[MonthTicket], options: &ExportOptions) -> Vec<u8> {
    // Written straight into one buffer: at company scale the 明细 is 30,000+ rows of 39
    // cells, and a String per cell plus a chrono format string per time was most of the
    // export's time.
    let mut out = String::with_capacity(64 + tickets.len() * 400);
    out.push('\u{feff}');
    for (i, c) in LEDGER.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(&mut out, c.header);
    }
    out.push_str("\r\n");
    for t in tickets {
        for (i, c) in ledger_row(t, options).iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_cell(&mut out, c);
        }
        out.push_str("\r\n");
    }
    out.into_bytes()
}

fn push_cell(out: &mut String, c: &Cell) {
    use std::fmt::Write;
    // Writing into a String cannot fail.
    let _ = match c {
        Cell::Text(s) => {
            push_field(out, s);
            Ok(())
        }
        Cell::Int(i) | Cell::OptInt(Some(i)) => write!(out, "{i}"),
        Cell::OptInt(None) | Cell::Time(None) => Ok(()),
        Cell::Time(Some(t)) => write!(
            out,
            "{:04}-{:02}-{:02} {:02}:{:02}",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute()
        ),
        Cell::Money(fen) => {
            out.push_str(&crate::report::yuan(*fen));
            Ok(())
        }
    };
}

/// Quote when needed, and keep Excel from running text as a formula (`=`, `+`, `-`, `@`,
/// tab or CR at the start get a leading apostrophe, the OWASP way).
pub(crate) fn push_field(out: &mut String, s: &str) {
    let defuse = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = s.contains([',', '"', '\n', '\r']);
    if quote {
        out.push('"');
    }
    if defuse {
        out.push('\'');
    }
    if quote {
        for ch in s.chars() {
            if ch == '"' {
                out.push('"');
            }
            out.push(ch);
        }
        out.push('"');
    } else {
        out.push_str(s);
    }
}
