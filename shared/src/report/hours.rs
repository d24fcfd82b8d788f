//! Local time without a zone database, and time within business hours.
//!
//! `shared` stays pure: a time zone is anything that can say its offset from
//! UTC at an instant ([`Zone`]). The worker answers through the runtime's
//! `Intl` (workerd carries ICU's zone data); tests answer by hand. Local
//! calendar days are counted from 1970-01-01 ([`Day`]); every walk over a
//! span goes day by day, so its cost grows with the span's days, never with
//! its minutes.

use crate::chatbot::Span;

/// One minute, in milliseconds.
pub const MINUTE_MS: i64 = 60_000;
/// One hour, in milliseconds.
pub const HOUR_MS: i64 = 3_600_000;
/// One day of 24 hours, in milliseconds (a local day on a DST change has 23 or 25 hours).
pub const DAY_MS: i64 = 86_400_000;

/// A time zone as the reports need it: its offset from UTC at an instant.
pub trait Zone {
    /// Milliseconds to add to the UTC instant `at_ms` to read the local wall clock there.
    fn offset_ms(&self, at_ms: i64) -> i64;

    /// The local wall-clock time at `at_ms`, in ms as if it were UTC.
    fn local_ms(&self, at_ms: i64) -> i64 {
        at_ms + self.offset_ms(at_ms)
    }

    /// The instant the local wall clock shows `local_ms`, as JavaScript's
    /// `Temporal` does by default ("compatible"): a time the clocks skip
    /// (spring forward) is read with the offset before the change, so it
    /// lands just after the jump; a time shown twice (fall back) is the
    /// earlier. Assumes at most one change within a day either side.
    fn instant_ms(&self, local_ms: i64) -> i64 {
        let before = self.offset_ms(local_ms - DAY_MS);
        let after = self.offset_ms(local_ms + DAY_MS);
        if before == after {
            return local_ms - before;
        }
        let earlier = local_ms - before.max(after);
        if self.local_ms(earlier) == local_ms {
            return earlier;
        }
        let later = local_ms - before.min(after);
        if self.local_ms(later) == local_ms {
            return later;
        }
        local_ms - before
    }
}

/// A closure from an instant to its UTC offset (ms) is a zone: the worker wraps `Intl` so.
impl<F: Fn(i64) -> i64> Zone for F {
    fn offset_ms(&self, at_ms: i64) -> i64 {
        self(at_ms)
    }
}

/// A zone with one offset all year (UTC is `Fixed(0)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fixed(pub i64);

impl Zone for Fixed {
    fn offset_ms(&self, _at_ms: i64) -> i64 {
        self.0
    }
}

/// A local calendar date: days since 1970-01-01 on the local wall clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i64);

impl Day {
    /// The date of a year, month (1 to 12) and day (1 to 31); `None` for a date that does not exist.
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Day> {
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
            2 => 28,
            _ => return None,
        };
        if day == 0 || day > days_in_month {
            return None;
        }
        // Howard Hinnant's days_from_civil: years start in March, so February's length is last.
        let y = i64::from(year) - i64::from(month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (i64::from(month) + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Day(era * 146_097 + doe - 719_468))
    }

    /// A date written `YYYY-MM-DD`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Day> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = text.get(range)?;
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let year = i32::try_from(number(0..4)?).ok()?;
        Day::from_ymd(year, number(5..7)? as u8, number(8..10)? as u8)
    }

    /// Year, month (1 to 12) and day of the month (Hinnant's civil_from_days).
    pub fn ymd(self) -> (i32, u8, u8) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        ((yoe + era * 400 + i64::from(month <= 2)) as i32, month, day)
    }

    /// Weekday, 0 = Monday to 6 = Sunday, as the business hours count them.
    pub fn weekday(self) -> usize {
        // 1970-01-01 was a Thursday (3).
        (self.0 + 3).rem_euclid(7) as usize
    }

    /// The local date `at_ms` falls on in `zone`.
    pub fn of(at_ms: i64, zone: &dyn Zone) -> Day {
        Day(zone.local_ms(at_ms).div_euclid(DAY_MS))
    }

    /// The instant this date's local midnight begins in `zone`.
    pub fn start_ms(self, zone: &dyn Zone) -> i64 {
        zone.instant_ms(self.0 * DAY_MS)
    }

    /// The date `n` days later (earlier when `n` is negative).
    pub fn plus(self, n: i64) -> Day {
        Day(self.0 + n)
    }
}

/// A site's business hours: opening spans per weekday (Monday first) in its time zone.
#[derive(Clone, Copy)]
pub struct Calendar<'a> {
    /// Monday to Sunday; `None` is closed all day.
    pub week: [Option<Span>; 7],
    /// The zone the spans are read in.
    pub zone: &'a dyn Zone,
}

impl<'a> Calendar<'a> {
    /// The flow's offline hours, read in `zone` (the worker's `Intl` for `offline.time_zone`).
    #[cfg(feature = "serde")]
    pub fn of_offline(offline: &crate::flow::Offline, zone: &'a dyn Zone) -> Calendar<'a> {
        Calendar {
            week: offline.hours,
            zone,
        }
    }

    /// Milliseconds of `[from_ms, to_ms)` that fall within the hours, as
    /// Intercom's "within office hours" counts (time outside does not count).
    /// One pass over the local days the span touches.
    pub fn business_ms(&self, from_ms: u64, to_ms: u64) -> u64 {
        if to_ms <= from_ms {
            return 0;
        }
        let (from, to) = (from_ms as i64, to_ms as i64);
        let (first, last) = (Day::of(from, self.zone), Day::of(to, self.zone));
        let mut total = 0;
        for n in first.0..=last.0 {
            let day = Day(n);
            let Some(span) = self.week[day.weekday()] else {
                continue;
            };
            let at = |minute: u16| {
                self.zone
                    .instant_ms(n * DAY_MS + i64::from(minute) * MINUTE_MS)
            };
            let (open, close) = (at(span.open).max(from), at(span.close).min(to));
            total += (close - open).max(0);
        }
        total as u64
    }
}
