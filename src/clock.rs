//! Office time: every instant is stored as UTC seconds and shown, grouped and summed in
//! the office's time zone (办公时区, default Asia/Shanghai).

use chrono::{
    DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc,
};
use chrono_tz::Tz;

use crate::error::{Error, Result};

/// An instant carried with the office's UTC offset, so it serializes as
/// RFC 3339 with `+08:00`.
pub type Time = DateTime<FixedOffset>;

pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfficeZone(Tz);

impl Default for OfficeZone {
    fn default() -> Self {
        OfficeZone(chrono_tz::Asia::Shanghai)
    }
}

impl OfficeZone {
    pub fn parse(name: &str) -> Result<Self> {
        name.trim().parse::<Tz>().map(OfficeZone).map_err(|_| {
            Error::invalid(format!(
                "时区“{name}”无法识别，请填写如 Asia/Shanghai 的时区名"
            ))
        })
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    pub fn now(&self) -> Time {
        self.at(Utc::now())
    }

    pub fn at(&self, utc: DateTime<Utc>) -> Time {
        utc.with_timezone(&self.0).fixed_offset()
    }

    pub fn from_epoch(&self, secs: i64) -> Time {
        self.at(DateTime::<Utc>::from_timestamp(secs, 0).unwrap_or_default())
    }

    /// Read a time a user typed: RFC 3339, or `YYYY-MM-DD HH:MM[:SS]` as office local time.
    /// The year must be written with exactly four digits: chrono also reads `+262142-…`
    /// and `-5000-…`, which no office means.
    pub fn parse_input(&self, field: &str, input: &str) -> Result<Time> {
        let s = input.trim();
        let bad = || {
            Error::invalid(format!(
                "{field}“{input}”格式不对，请写成 2026-11-27 14:30 或 RFC 3339 格式"
            ))
        };
        if !four_digit_year(s) {
            return Err(bad());
        }
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Ok(self.at(t.with_timezone(&Utc)));
        }
        let naive = [
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .ok_or_else(bad)?;
        self.local_naive(naive).ok_or_else(|| {
            Error::invalid(format!("{field}“{input}”在本地时区不存在，请换一个时间"))
        })
    }

    fn local_naive(&self, naive: NaiveDateTime) -> Option<Time> {
        match self.0.from_local_datetime(&naive) {
            LocalResult::Single(t) => Some(t.fixed_offset()),
            LocalResult::Ambiguous(t, _) => Some(t.fixed_offset()),
            LocalResult::None => None,
        }
    }

    /// The local calendar month a time falls in, as `YYYYMM` (ticket numbers) .
    pub fn month_key(&self, t: &Time) -> String {
        let local = t.with_timezone(&self.0);
        format!("{:04}{:02}", local.year(), local.month())
    }

    /// `[start, end)` of a local month `YYYY-MM`, as UTC epoch seconds.
    pub fn month_range(&self, month: &str) -> Result<(i64, i64)> {
        let month = Month::parse(month)?;
        Ok((
            self.day_start(month.first_day())?,
            self.day_start(month.next()?.first_day())?,
        ))
    }

    /// `[start, end)` of local dates `from..=to`, as UTC epoch seconds.
    pub fn date_range(&self, from: NaiveDate, to: NaiveDate) -> Result<(i64, i64)> {
        let end = to
            .succ_opt()
            .ok_or_else(|| Error::invalid("结束日期超出范围"))?;
        Ok((self.day_start(from)?, self.day_start(end)?))
    }

    /// Local midnight of a date, as UTC epoch seconds.
    pub fn day_start(&self, d: NaiveDate) -> Result<i64> {
        let naive = d.and_hms_opt(0, 0, 0).unwrap_or_default();
        self.local_naive(naive)
            .map(|t| t.timestamp())
            .ok_or_else(|| Error::invalid(format!("日期 {d} 在本地时区不存在")))
    }

    /// The local date of an instant.
    pub fn local_date(&self, t: &Time) -> NaiveDate {
        t.with_timezone(&self.0).date_naive()
    }
}

/// `YYYY-` at the start: four ASCII digits and a dash, no sign.
fn four_digit_year(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

/// A calendar month (`2026-11`) as the office reports it: parsed once, by the one strict
/// month reader ([`parse_month`]), so the report, the exports and the list filter agree on
/// what `2026-1` or `2026-13` mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    first: NaiveDate,
}

impl Month {
    /// `2026-11` (also `2026-1`); anything else is refused with a message saying how to
    /// write it.
    pub fn parse(month: &str) -> Result<Month> {
        Ok(Month {
            first: parse_month(month)?,
        })
    }

    /// The month's first day.
    pub fn first_day(self) -> NaiveDate {
        self.first
    }

    /// The month after this one.
    pub fn next(self) -> Result<Month> {
        next_month(self.first)
            .map(|first| Month { first })
            .ok_or_else(|| month_error(&self.to_string()))
    }
}

/// `2026-11`.
impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.first.year(), self.first.month())
    }
}

fn month_error(month: &str) -> Error {
    Error::invalid(format!(
        "月份“{month}”格式不对，请写成 2026-11（年份 {EARLIEST_YEAR}–9999）"
    ))
}

/// The one strict reading of a month a user typed: `YYYY-MM` (or `YYYY-M`), four-digit
/// year from 2000, month 1–12, no sign, nothing else. Returns the month's first day.
pub fn parse_month(month: &str) -> Result<NaiveDate> {
    let bad = || month_error(month);
    let s = month.trim();
    let (y, m) = s.split_once('-').ok_or_else(bad)?;
    if y.len() != 4
        || !(1..=2).contains(&m.len())
        || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let y: i32 = y.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if y < EARLIEST_YEAR {
        return Err(bad());
    }
    NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)
}

/// The first day of the month after the one `first` is in.
pub fn next_month(first: NaiveDate) -> Option<NaiveDate> {
    if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year().checked_add(1)?, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
}

/// The one strict reading of a date a user typed: `YYYY-MM-DD` with a four-digit year.
pub fn parse_date(field: &str, s: &str) -> Result<NaiveDate> {
    let bad = || Error::invalid(format!("{field}“{s}”格式不对，请写成 2026-11-27"));
    let t = s.trim();
    if !four_digit_year(t) {
        return Err(bad());
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| bad())
}

/// Earliest time anything may be recorded at.
const EARLIEST_YEAR: i32 = 2000;

/// A time when something happened must be neither in the future (a minute of clock
/// skew is tolerated) nor before 2000.
pub fn check_happened(field: &str, t: &Time, now: &Time) -> Result<()> {
    if t.timestamp() > now.timestamp() + 60 {
        return Err(Error::invalid(format!(
            "{field}不能晚于现在（{}），请检查日期",
            now.format("%Y-%m-%d %H:%M")
        )));
    }
    if t.year() < EARLIEST_YEAR {
        return Err(Error::invalid(format!(
            "{field}不能早于 2000 年，请检查日期"
        )));
    }
    Ok(())
}

/// Minutes between two instants, rounded down.
pub fn minutes_between(from: &Time, to: &Time) -> i64 {
    (to.timestamp() - from.timestamp()).div_euclid(60)
}
