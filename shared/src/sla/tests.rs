//! Targets, due-soon and deadlines on hand-made calendars: nights, weekends
//! and both DST changes of Europe/Paris in 2026.

use super::*;
use crate::chatbot::Span;
use crate::report::{Zone, HOUR_MS};

const H: i64 = HOUR_MS;
const MIN: u64 = MINUTE_MS as u64;

/// Europe/Paris in 2026: +1 h, then +2 h from 29 March 01:00 UTC to 25 October 01:00 UTC.
fn paris(at: i64) -> i64 {
    let summer = Day::from_ymd(2026, 3, 29).unwrap().0 * DAY_MS + H;
    let winter = Day::from_ymd(2026, 10, 25).unwrap().0 * DAY_MS + H;
    if (summer..winter).contains(&at) {
        2 * H
    } else {
        H
    }
}

/// The instant of a local date and time in Paris.
fn local(y: i32, m: u8, d: u8, hour: i64, minute: i64) -> u64 {
    let day = Day::from_ymd(y, m, d).unwrap();
    paris.instant_ms(day.0 * DAY_MS + hour * H + minute * MINUTE_MS) as u64
}

/// Monday to Friday, `open` to `close` (minutes of the day); closed at weekends.
fn weekdays(open: u16, close: u16) -> [Option<Span>; 7] {
    let mut week = [Some(Span { open, close }); 7];
    week[5] = None;
    week[6] = None;
    week
}

fn paris_hours(week: [Option<Span>; 7]) -> Calendar<'static> {
    Calendar { week, zone: &paris }
}

#[test]
fn targets_are_whole_minutes_up_to_thirty_days() {
    let ok = Targets {
        first_response_minutes: Some(1),
        resolution_minutes: Some(MAX_TARGET_MINUTES),
        business_hours: false,
    };
    assert_eq!(ok.check(false), Ok(()));
    assert!(!ok.is_empty());
    assert!(Targets::default().is_empty());
    assert_eq!(Targets::default().check(false), Ok(()));
    for bad in [0, MAX_TARGET_MINUTES + 1] {
        let first = Targets {
            first_response_minutes: Some(bad),
            ..ok
        };
        assert_eq!(first.check(true), Err(TARGET_INVALID), "{bad}");
        let resolve = Targets {
            resolution_minutes: Some(bad),
            ..ok
        };
        assert_eq!(resolve.check(true), Err(TARGET_INVALID), "{bad}");
    }
    let within = Targets {
        business_hours: true,
        ..ok
    };
    assert_eq!(within.check(false), Err(NO_BUSINESS_HOURS));
    assert_eq!(within.check(true), Ok(()));
}

#[test]
fn due_soon_is_the_last_quarter_or_fifteen_minutes_whichever_is_less() {
    assert_eq!(
        soon_window_ms(60),
        15 * MIN,
        "a quarter of an hour is 15 minutes"
    );
    assert_eq!(
        soon_window_ms(24 * 60),
        15 * MIN,
        "15 minutes, less than a quarter"
    );
    assert_eq!(
        soon_window_ms(20),
        5 * MIN,
        "a quarter, less than 15 minutes"
    );
    assert_eq!(soon_window_ms(1), 15_000);
    let (soon, due) = (1_000, 2_000);
    assert_eq!(state(999, soon, due), SlaState::Ok);
    assert_eq!(state(1_000, soon, due), SlaState::DueSoon);
    assert_eq!(
        state(2_000, soon, due),
        SlaState::DueSoon,
        "on time at the deadline"
    );
    assert_eq!(state(2_001, soon, due), SlaState::Breached);
    assert!(!breached(2_000, Some(2_000), 9_999), "met at the deadline");
    assert!(breached(2_000, Some(2_001), 0), "a late reply is a breach");
    assert!(breached(2_000, None, 2_001), "still waiting past it");
    assert!(!breached(2_000, None, 1_500), "still waiting, in time");
}

#[test]
fn on_the_clock_a_target_is_its_minutes() {
    let start = local(2026, 12, 4, 16, 30);
    assert_eq!(due_ms(start, 90, None), Some(start + 90 * MIN));
}

#[test]
fn business_hours_skip_nights_and_weekends() {
    let hours = paris_hours(weekdays(9 * 60, 17 * 60));
    // Friday 16:30, an hour: half an hour on Friday, the rest on Monday.
    assert_eq!(
        due_ms(local(2026, 12, 4, 16, 30), 60, Some(&hours)),
        Some(local(2026, 12, 7, 9, 30))
    );
    // A Tuesday evening: 10 minutes before closing, then Wednesday.
    assert_eq!(
        due_ms(local(2026, 12, 8, 16, 50), 20, Some(&hours)),
        Some(local(2026, 12, 9, 9, 10))
    );
    // A message on Saturday starts the clock at Monday's opening.
    assert_eq!(
        due_ms(local(2026, 12, 5, 10, 0), 30, Some(&hours)),
        Some(local(2026, 12, 7, 9, 30))
    );
    // Before opening on a weekday, and exactly at closing.
    assert_eq!(
        due_ms(local(2026, 12, 8, 7, 0), 8 * 60, Some(&hours)),
        Some(local(2026, 12, 8, 17, 0))
    );
    // Two days of open time from Monday 9:00 end on Tuesday at closing.
    assert_eq!(
        due_ms(local(2026, 12, 7, 9, 0), 16 * 60, Some(&hours)),
        Some(local(2026, 12, 8, 17, 0))
    );
    let never = paris_hours([None; 7]);
    assert_eq!(due_ms(local(2026, 12, 7, 9, 0), 1, Some(&never)), None);
}

#[test]
fn business_hours_count_real_time_across_both_dst_changes() {
    // Open 01:00 to 04:00 every day: on 29 March the clocks skip 02:00 to
    // 03:00, so that day opens two real hours; on 25 October they repeat
    // 02:00 to 03:00, so it opens four.
    let hours = paris_hours(
        [Some(Span {
            open: 60,
            close: 240,
        }); 7],
    );
    // Saturday 05:00, four hours: two on Sunday (the short day), two on Monday.
    assert_eq!(
        due_ms(local(2026, 3, 28, 5, 0), 240, Some(&hours)),
        Some(local(2026, 3, 30, 3, 0))
    );
    // In October the long Sunday holds all four.
    assert_eq!(
        due_ms(local(2026, 10, 24, 5, 0), 240, Some(&hours)),
        Some(local(2026, 10, 25, 4, 0))
    );
    // Open all day every day: within hours is the clock, 23 or 25 hours a day included.
    let always = paris_hours(
        [Some(Span {
            open: 0,
            close: 1440,
        }); 7],
    );
    for start in [local(2026, 3, 28, 12, 0), local(2026, 10, 24, 12, 0)] {
        assert_eq!(
            due_ms(start, 48 * 60, Some(&always)),
            Some(start + 48 * 60 * MIN)
        );
    }
}

#[test]
fn the_table_of_open_spans_gives_the_deadlines_the_walk_gives() {
    let hours = paris_hours(weekdays(9 * 60 + 30, 18 * 60));
    let from = local(2026, 3, 1, 0, 0);
    let spans = open_spans(&hours, from, local(2027, 2, 28, 0, 0));
    assert_eq!(
        spans[0].start_ms,
        local(2026, 3, 2, 9, 30),
        "Monday 2 March"
    );
    assert!(spans
        .windows(2)
        .all(|w| w[1].total_ms == w[0].total_ms + (w[1].end_ms - w[1].start_ms)));
    // Starts every 7 hours 13 minutes from March to October (both changes
    // inside), targets from a minute to ten days of open time.
    let mut start = from;
    let mut checked = 0;
    while start < local(2026, 11, 1, 0, 0) {
        for minutes in [1, 29, 60, 8 * 60 + 30, 3 * 24 * 60, 10 * 24 * 60] {
            assert_eq!(
                due_from_spans(&spans, start, u64::from(minutes) * MIN),
                due_ms(start, minutes, Some(&hours)),
                "start {start}, {minutes} min"
            );
            checked += 1;
        }
        start += 7 * 60 * MIN + 13 * MIN;
    }
    assert!(checked > 4_000);
    // Past the table's end there is no deadline to read.
    let last = spans.last().unwrap();
    assert_eq!(due_from_spans(&spans, last.end_ms, MIN), None);
}
