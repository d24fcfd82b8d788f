//! Response targets (SLA): per site and channel, a first-response and a
//! resolution target in minutes, each optional, counted on the clock or
//! within the site's business hours (the flow's offline hours, through
//! [`Calendar`]).
//!
//! **Definitions** (each once, here):
//! - The *first-response* deadline runs from the customer's first message
//!   (`first_inbound_at`) for the target's minutes; it is met by the first
//!   agent reply (`first_response_at`) at or before it.
//! - The *resolution* deadline runs from the conversation's start
//!   (`started_at`, as the resolution time metric counts) for its minutes;
//!   it is met by a resolve (`resolved_at`) at or before it.
//! - Within business hours, only open time counts: a clock started outside
//!   the hours starts at the next opening, and stops over nights, closed
//!   days and weekends; local days follow the hours' zone, DST included.
//! - A conversation's *next deadline* (what the inbox shows and sorts by) is
//!   the first-response one while unanswered (and it has one), else the
//!   resolution one while open; none once closed.
//! - *Due soon*: the last quarter of the target or 15 minutes, whichever is
//!   less, before the deadline, on the clock ([`soon_window_ms`]).
//! - *Breached*: the deadline has passed without the reply or resolve
//!   (a reply or resolve after it still counts as a breach in reports).
//!
//! The worker keeps the deadlines on the conversation in SQL (migration
//! 0030), reading business time from a table of the site's open spans with
//! their running totals ([`OpenSpan`], made by [`open_spans`]);
//! [`due_from_spans`] is that lookup in Rust, held equal to [`due_ms`] by the
//! tests.

use crate::conversation::string_enum;
use crate::report::{Calendar, Day, DAY_MS, MINUTE_MS};
use crate::Invalid;

/// The longest target: 30 days, in minutes.
pub const MAX_TARGET_MINUTES: u32 = 30 * 24 * 60;
/// "Due soon" lasts at most this long before the deadline.
pub const SOON_MAX_MS: u64 = 15 * MINUTE_MS as u64;
/// The most local days a business-hours deadline is looked for ahead (about
/// five years): hours open a few minutes a week still reach any target.
pub const MAX_WALK_DAYS: i64 = 5 * 366;

/// A target was zero, negative or too long.
pub const TARGET_INVALID: Invalid = Invalid::new(
    "sla_target_invalid",
    "A target is a whole number of minutes from 1 to 43200 (30 days), or null for none.",
);
/// Business hours were asked of a site that keeps none.
pub const NO_BUSINESS_HOURS: Invalid = Invalid::new(
    "sla_no_business_hours",
    "This site keeps no business hours: set them in Settings › Chatbot (the offline hours) before counting targets within them.",
);

string_enum! {
    /// Which deadline a conversation waits on.
    SlaKind { /// The first agent reply after the customer's first message.
        FirstResponse = "first_response", /// The resolve.
        Resolution = "resolution" }
}

string_enum! {
    /// Where a conversation stands against its next deadline.
    SlaState { /// More time left than the due-soon window.
        Ok = "ok", /// Within the due-soon window.
        DueSoon = "due_soon", /// Past the deadline.
        Breached = "breached" }
}

string_enum! {
    /// The order of the inbox list.
    ListSort { /// Newest activity first.
        Activity = "activity", /// By time left on the next deadline, soonest (or most overdue) first.
        Due = "due" }
}

/// One channel's targets on a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Targets {
    /// Minutes to the first response; `None`: no target.
    pub first_response_minutes: Option<u32>,
    /// Minutes to the resolve; `None`: no target.
    pub resolution_minutes: Option<u32>,
    /// Whether the minutes count only within the site's business hours.
    pub business_hours: bool,
}

impl Targets {
    /// Checks each target is 1 to [`MAX_TARGET_MINUTES`]; and that business
    /// hours are asked only of a site that keeps them.
    pub fn check(&self, site_has_hours: bool) -> Result<(), Invalid> {
        for minutes in [self.first_response_minutes, self.resolution_minutes]
            .into_iter()
            .flatten()
        {
            if minutes == 0 || minutes > MAX_TARGET_MINUTES {
                return Err(TARGET_INVALID);
            }
        }
        if self.business_hours && !site_has_hours {
            return Err(NO_BUSINESS_HOURS);
        }
        Ok(())
    }

    /// Whether neither target is set (the row can go).
    pub fn is_empty(&self) -> bool {
        self.first_response_minutes.is_none() && self.resolution_minutes.is_none()
    }
}

/// How long before the deadline a target of `minutes` is due soon: a quarter
/// of it, or 15 minutes, whichever is less.
pub fn soon_window_ms(minutes: u32) -> u64 {
    (u64::from(minutes) * MINUTE_MS as u64 / 4).min(SOON_MAX_MS)
}

/// The state at `now_ms` of a deadline `due_ms` that is due soon from `soon_ms`.
pub fn state(now_ms: u64, soon_ms: u64, due_ms: u64) -> SlaState {
    if now_ms > due_ms {
        SlaState::Breached
    } else if now_ms >= soon_ms {
        SlaState::DueSoon
    } else {
        SlaState::Ok
    }
}

/// Whether a deadline was breached: `done_ms` (the reply or resolve), or
/// `now_ms` while it has not happened, is after it.
pub fn breached(due_ms: u64, done_ms: Option<u64>, now_ms: u64) -> bool {
    done_ms.unwrap_or(now_ms) > due_ms
}

/// The deadline of a target of `minutes` from `start_ms`: on the clock, or
/// within `hours`' open time. `None` when the hours never open within
/// [`MAX_WALK_DAYS`]. One pass over the local days it spans.
pub fn due_ms(start_ms: u64, minutes: u32, hours: Option<&Calendar<'_>>) -> Option<u64> {
    let mut left = u64::from(minutes) * MINUTE_MS as u64;
    let Some(calendar) = hours else {
        return Some(start_ms + left);
    };
    let first = Day::of(start_ms as i64, calendar.zone);
    for n in first.0..first.0 + MAX_WALK_DAYS {
        let Some((open, close)) = day_span(calendar, Day(n)) else {
            continue;
        };
        let open = open.max(start_ms);
        if close <= open {
            continue;
        }
        if left <= close - open {
            return Some(open + left);
        }
        left -= close - open;
    }
    None
}

/// A day's open span as instants, if it opens that day.
fn day_span(calendar: &Calendar<'_>, day: Day) -> Option<(u64, u64)> {
    let span = calendar.week[day.weekday()]?;
    let at = |minute: u16| {
        calendar
            .zone
            .instant_ms(day.0 * DAY_MS + i64::from(minute) * MINUTE_MS) as u64
    };
    let (open, close) = (at(span.open), at(span.close));
    (close > open).then_some((open, close))
}

/// One open span of a site's business hours, with the open time counted
/// from the first span of its table to its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenSpan {
    /// When it opens.
    pub start_ms: u64,
    /// When it closes.
    pub end_ms: u64,
    /// Open milliseconds from the table's first span to this one's end.
    pub total_ms: u64,
}

/// The open spans of `hours` over the local days from `from_ms` to `to_ms`,
/// with their running totals: the table the worker's SQL reads.
pub fn open_spans(hours: &Calendar<'_>, from_ms: u64, to_ms: u64) -> Vec<OpenSpan> {
    let (first, last) = (
        Day::of(from_ms as i64, hours.zone),
        Day::of(to_ms as i64, hours.zone),
    );
    let mut total = 0;
    let mut out = Vec::new();
    for n in first.0..=last.0 {
        if let Some((start_ms, end_ms)) = day_span(hours, Day(n)) {
            total += end_ms - start_ms;
            out.push(OpenSpan {
                start_ms,
                end_ms,
                total_ms: total,
            });
        }
    }
    out
}

/// The deadline of `target_ms` of open time from `start_ms`, read from a
/// table of open spans as migration 0030's SQL reads it: the open time
/// before the start (the last span opening at or before it, less what of it
/// is still to come), plus the target, found in the first span whose total
/// reaches it. `None` past the table's end.
pub fn due_from_spans(spans: &[OpenSpan], start_ms: u64, target_ms: u64) -> Option<u64> {
    let before = spans
        .iter()
        .rev()
        .find(|s| s.start_ms <= start_ms)
        .map_or(0, |s| s.total_ms - s.end_ms.saturating_sub(start_ms));
    let goal = before + target_ms;
    spans
        .iter()
        .find(|s| s.total_ms >= goal)
        .map(|s| s.end_ms - (s.total_ms - goal))
}

#[cfg(test)]
mod tests;
