//! Cuts: a range of local days in the account's time zone, its buckets (by
//! local day, or by hour: a DST day has 23 or 25), and the previous period
//! of as many days beside it; and the rollup's slot, which every bucket of
//! every zone is made of.

use super::hours::{Day, Zone, HOUR_MS};
use super::stats::{summarize, Summary, Tally};
use crate::conversation::string_enum;
use crate::Invalid;

/// Most days a custom range may span (a year, a leap day included).
pub const MAX_DAYS: i64 = 366;
/// Most days an hourly cut may span.
pub const MAX_HOURLY_DAYS: i64 = 31;
/// The rollup's slot: a quarter of an hour. Every zone's offset is a whole
/// number of quarter hours, so every local hour and day starts on a slot.
pub const SLOT_MS: u64 = 15 * 60_000;

/// The range was malformed: dates out of order, unreadable, or too long.
pub const RANGE_INVALID: Invalid = Invalid::new(
    "range_invalid",
    "A custom range is two dates, YYYY-MM-DD, the first not after the second, at most 366 days apart (31 by the hour).",
);

string_enum! {
    /// Which days a report covers, ending today in the account's time zone.
    RangeKind { /// Today.
        Today = "today", /// The last 7 days, today included.
        Last7Days = "7d", /// The last 30 days, today included.
        Last30Days = "30d", /// From one date to another, both included.
        Custom = "custom" }
}

string_enum! {
    /// How a period is cut into buckets.
    Unit { /// By local day.
        Day = "day", /// By hour (real hours from local midnight).
        Hour = "hour" }
}

/// The days a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    /// One of the ranges ending today.
    Last(RangeKind),
    /// From one local date to another, both included.
    Custom {
        /// The first day.
        from: Day,
        /// The last day.
        to: Day,
    },
}

impl Range {
    /// A range from a kind and, for a custom one, its two dates (`YYYY-MM-DD`).
    pub fn parse(kind: RangeKind, from: Option<&str>, to: Option<&str>) -> Result<Range, Invalid> {
        if kind != RangeKind::Custom {
            return Ok(Range::Last(kind));
        }
        let day = |text: Option<&str>| text.and_then(Day::parse).ok_or(RANGE_INVALID);
        Ok(Range::Custom {
            from: day(from)?,
            to: day(to)?,
        })
    }

    /// Its first and last local day, given today's.
    fn days(self, today: Day) -> (Day, Day) {
        match self {
            Range::Last(RangeKind::Last7Days) => (today.plus(-6), today),
            Range::Last(RangeKind::Last30Days) => (today.plus(-29), today),
            Range::Last(_) => (today, today),
            Range::Custom { from, to } => (from, to),
        }
    }
}

/// One bucket: where it starts, and its local date and minute for labels and the heat map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    /// The instant it starts, ms since the epoch.
    pub start_ms: u64,
    /// Its local date (its weekday for the heat map).
    pub day: Day,
    /// Its local minute of the day (0 for a day bucket; 180 for 03:00).
    pub minute: u16,
}

/// A span of local days cut into buckets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// The first local day.
    pub from: Day,
    /// The last local day (included).
    pub to: Day,
    /// The buckets, in order; each ends where the next starts.
    pub buckets: Vec<Bucket>,
    /// The instant the period ends (the next local midnight after `to`).
    pub end_ms: u64,
}

impl Period {
    /// The days `from..=to` in `zone`, cut by `unit`.
    pub fn new(from: Day, to: Day, unit: Unit, zone: &dyn Zone) -> Period {
        let mut buckets = Vec::new();
        for n in from.0..=to.0 {
            let day = Day(n);
            let (start, next) = (day.start_ms(zone), day.plus(1).start_ms(zone));
            let step = match unit {
                Unit::Day => next - start,
                Unit::Hour => HOUR_MS,
            };
            for at in (start..next).step_by(step.max(1) as usize) {
                let minute = zone.local_ms(at).rem_euclid(super::hours::DAY_MS) / 60_000;
                buckets.push(Bucket {
                    start_ms: at as u64,
                    day,
                    minute: if unit == Unit::Day { 0 } else { minute as u16 },
                });
            }
        }
        Period {
            from,
            to,
            buckets,
            end_ms: to.plus(1).start_ms(zone) as u64,
        }
    }

    /// The instant the period starts.
    pub fn start_ms(&self) -> u64 {
        self.buckets.first().map_or(self.end_ms, |b| b.start_ms)
    }

    /// The index of the bucket `at_ms` (an event, or a rollup slot's start) falls in.
    pub fn bucket_of(&self, at_ms: u64) -> Option<usize> {
        if at_ms < self.start_ms() || at_ms >= self.end_ms {
            return None;
        }
        Some(self.buckets.partition_point(|b| b.start_ms <= at_ms) - 1)
    }

    /// Rollup rows (slot start, counts) summed into this period's buckets; rows outside it are left out.
    pub fn tallies(&self, rows: impl IntoIterator<Item = (u64, Tally)>) -> Vec<Tally> {
        let mut out = vec![Tally::default(); self.buckets.len()];
        for (at, tally) in rows {
            if let Some(i) = self.bucket_of(at) {
                out[i] += tally;
            }
        }
        out
    }

    /// Durations (when each ended, its ms) summarised per bucket and over the whole period.
    pub fn summaries(
        &self,
        values: impl IntoIterator<Item = (u64, u64)>,
    ) -> (Vec<Summary>, Summary) {
        let mut per = vec![Vec::new(); self.buckets.len()];
        let mut all = Vec::new();
        for (at, ms) in values {
            if let Some(i) = self.bucket_of(at) {
                per[i].push(ms);
                all.push(ms);
            }
        }
        (per.into_iter().map(summarize).collect(), summarize(all))
    }

    /// The busiest-hours grid of an hourly period: `values` (one per bucket) summed by local weekday (Monday first) and hour.
    pub fn heat_map(&self, values: &[u32]) -> [[u32; 24]; 7] {
        let mut grid = [[0; 24]; 7];
        for (bucket, value) in self.buckets.iter().zip(values) {
            grid[bucket.day.weekday()][usize::from(bucket.minute / 60).min(23)] += value;
        }
        grid
    }
}

/// A report's cut: the period asked for, and the one of as many days just before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// The period asked for.
    pub current: Period,
    /// The same number of days, ending the day before `current` starts.
    pub previous: Period,
}

impl Cut {
    /// The cut of `range` by `unit` at `now_ms` in `zone`.
    pub fn new(range: Range, unit: Unit, now_ms: u64, zone: &dyn Zone) -> Result<Cut, Invalid> {
        let (from, to) = range.days(Day::of(now_ms as i64, zone));
        let days = to.0 - from.0 + 1;
        let most = if unit == Unit::Hour {
            MAX_HOURLY_DAYS
        } else {
            MAX_DAYS
        };
        if days < 1 || days > most {
            return Err(RANGE_INVALID);
        }
        Ok(Cut {
            current: Period::new(from, to, unit, zone),
            previous: Period::new(from.plus(-days), from.plus(-1), unit, zone),
        })
    }
}

/// The rollup slot `at_ms` is counted in: the start of its quarter hour.
pub const fn slot(at_ms: u64) -> u64 {
    at_ms - at_ms % SLOT_MS
}
