//! Local days, DST changes, business hours and cuts, with zones made by hand.

use std::cell::Cell;

use super::*;
use crate::chatbot::Span;

const H: i64 = HOUR_MS;

/// Europe/Paris in 2026, as its rules give it: +1 h, then +2 h from
/// 29 March 01:00 UTC to 25 October 01:00 UTC.
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

fn every_day(open: u16, close: u16) -> [Option<Span>; 7] {
    [Some(Span { open, close }); 7]
}

#[test]
fn dates_round_trip_and_know_their_weekday() {
    assert_eq!(Day::from_ymd(1970, 1, 1), Some(Day(0)));
    assert_eq!(Day(0).weekday(), 3, "a Thursday");
    assert_eq!(
        Day::parse("2026-12-07").map(Day::weekday),
        Some(0),
        "a Monday"
    );
    assert_eq!(Day::parse("2000-02-29").map(Day::ymd), Some((2000, 2, 29)));
    for bad in [
        "2026-02-29",
        "2026-13-01",
        "2026-00-10",
        "2026-1-01",
        "26-01-01x",
        "2026-01-+1",
        "",
    ] {
        assert_eq!(Day::parse(bad), None, "{bad}");
    }
    for n in -800_000..800_000 {
        let (y, m, d) = Day(n).ymd();
        assert_eq!(Day::from_ymd(y, m, d), Some(Day(n)));
    }
}

#[test]
fn local_times_across_the_dst_changes() {
    // 02:30 does not exist on 29 March: it is read as 03:30 (just after the jump).
    assert_eq!(
        local(2026, 3, 29, 2, 30) as i64,
        local(2026, 3, 29, 1, 0) as i64 + 90 * MINUTE_MS
    );
    assert_eq!(
        paris
            .local_ms(local(2026, 3, 29, 2, 30) as i64)
            .rem_euclid(DAY_MS),
        3 * H + 30 * MINUTE_MS
    );
    // 02:30 is shown twice on 25 October: the earlier one.
    let twice = local(2026, 10, 25, 2, 30) as i64;
    assert_eq!(paris(twice), 2 * H);
    assert_eq!(
        paris(twice + H),
        H,
        "an hour later the clock shows 02:30 again"
    );
    assert_eq!(paris.local_ms(twice + H), paris.local_ms(twice));
    let days = |d: u8| {
        Day::from_ymd(2026, 3, d).unwrap().plus(1).start_ms(&paris)
            - Day::from_ymd(2026, 3, d).unwrap().start_ms(&paris)
    };
    assert_eq!((days(28), days(29), days(30)), (24 * H, 23 * H, 24 * H));
}

#[test]
fn business_hours_count_local_time_through_a_dst_change() {
    let sundays = [
        None,
        None,
        None,
        None,
        None,
        None,
        Some(Span {
            open: 0,
            close: 1440,
        }),
    ];
    let hours = Calendar {
        week: sundays,
        zone: &paris,
    };
    let span = |from: u64, to: u64| hours.business_ms(from, to) as i64;
    assert_eq!(
        span(local(2026, 3, 28, 12, 0), local(2026, 3, 30, 12, 0)),
        23 * H
    );
    assert_eq!(
        span(local(2026, 10, 24, 12, 0), local(2026, 10, 26, 12, 0)),
        25 * H
    );
    assert_eq!(
        span(local(2026, 12, 5, 12, 0), local(2026, 12, 7, 12, 0)),
        24 * H
    );
    let nine_to_five = Calendar {
        week: every_day(9 * 60, 17 * 60),
        zone: &paris,
    };
    let (from, to) = (local(2026, 3, 27, 0, 0), local(2026, 3, 31, 0, 0));
    assert_eq!(
        nine_to_five.business_ms(from, to) as i64,
        4 * 8 * H,
        "opening hours are local"
    );
    assert_eq!(
        nine_to_five.business_ms(local(2026, 3, 29, 16, 0), local(2026, 3, 30, 10, 0)) as i64,
        2 * H
    );
    assert_eq!(nine_to_five.business_ms(to, from), 0);
    let utc = Calendar {
        week: every_day(0, 1440),
        zone: &Fixed(0),
    };
    assert_eq!(
        utc.business_ms(1_000, 5_000),
        4_000,
        "always open counts every ms"
    );
}

#[test]
fn business_hours_cost_grows_with_days_not_minutes() {
    let calls = Cell::new(0u64);
    let counted = |at: i64| {
        calls.set(calls.get() + 1);
        paris(at)
    };
    let hours = Calendar {
        week: every_day(9 * 60, 17 * 60),
        zone: &counted,
    };
    let from = local(2026, 1, 1, 8, 0);
    for days in [1u64, 10, 100, 365] {
        calls.set(0);
        let ms = hours.business_ms(from, from + days * DAY_MS as u64);
        assert!(
            ms >= (days - 1) * 8 * H as u64 && ms <= days * 8 * H as u64,
            "{days}: {ms}"
        );
        assert!(
            calls.get() <= 8 * days + 16,
            "{days} days took {} zone calls",
            calls.get()
        );
    }
}

#[test]
fn a_dst_day_has_23_or_25_hourly_buckets() {
    let spring = local(2026, 3, 29, 12, 0);
    let cut = Cut::new(Range::Last(RangeKind::Today), Unit::Hour, spring, &paris).unwrap();
    let minutes: Vec<u16> = cut.current.buckets.iter().map(|b| b.minute).collect();
    assert_eq!(minutes.len(), 23);
    assert_eq!(
        minutes[..4],
        [0, 60, 180, 240],
        "01:00 is followed by 03:00"
    );
    assert_eq!(cut.previous.buckets.len(), 24, "the day before");
    assert_eq!(cut.previous.end_ms, cut.current.start_ms());
    let autumn = Cut::new(
        Range::Last(RangeKind::Today),
        Unit::Hour,
        local(2026, 10, 25, 20, 0),
        &paris,
    )
    .unwrap();
    let minutes: Vec<u16> = autumn.current.buckets.iter().map(|b| b.minute).collect();
    assert_eq!(
        (minutes.len(), &minutes[..4]),
        (25, &[0, 60, 120, 120][..]),
        "02:00 twice"
    );
    assert_eq!(
        autumn.current.end_ms as i64 - autumn.current.start_ms() as i64,
        25 * H
    );
}

#[test]
fn ranges_end_today_and_sit_beside_the_days_before() {
    let now = local(2026, 12, 7, 9, 30);
    let week = Cut::new(Range::Last(RangeKind::Last7Days), Unit::Day, now, &paris).unwrap();
    let day = |d: u8| Day::from_ymd(2026, 12, d).unwrap();
    assert_eq!((week.current.from, week.current.to), (day(1), day(7)));
    let november = |d: u8| Day::from_ymd(2026, 11, d).unwrap();
    assert_eq!(
        (week.previous.from, week.previous.to),
        (november(24), november(30))
    );
    assert_eq!(week.current.buckets.len(), 7);
    assert_eq!(week.current.start_ms(), local(2026, 12, 1, 0, 0));
    assert_eq!(week.current.bucket_of(now), Some(6));
    assert_eq!(week.current.bucket_of(local(2026, 12, 1, 0, 0) - 1), None);
    assert_eq!(
        week.previous.bucket_of(local(2026, 12, 1, 0, 0) - 1),
        Some(6)
    );
    assert_eq!(week.current.bucket_of(week.current.end_ms), None);
    let month = Cut::new(Range::Last(RangeKind::Last30Days), Unit::Day, now, &paris).unwrap();
    assert_eq!(
        (month.current.buckets.len(), month.previous.buckets.len()),
        (30, 30)
    );
    let custom = Range::parse(RangeKind::Custom, Some("2026-03-01"), Some("2026-03-31")).unwrap();
    let march = Cut::new(custom, Unit::Hour, now, &paris).unwrap();
    assert_eq!(
        march.current.buckets.len(),
        31 * 24 - 1,
        "March loses an hour"
    );
    assert_eq!(
        march.previous.from,
        Day::from_ymd(2026, 1, 29).unwrap(),
        "31 days before"
    );
}

#[test]
fn bad_ranges_are_refused() {
    let now = local(2026, 12, 7, 9, 30);
    let custom = |from, to| Range::parse(RangeKind::Custom, from, to);
    assert_eq!(custom(Some("2026-12-07"), None), Err(RANGE_INVALID));
    assert_eq!(
        custom(Some("7/12/2026"), Some("2026-12-07")),
        Err(RANGE_INVALID)
    );
    let reversed = custom(Some("2026-12-07"), Some("2026-12-06")).unwrap();
    assert_eq!(
        Cut::new(reversed, Unit::Day, now, &paris),
        Err(RANGE_INVALID)
    );
    let year = custom(Some("2024-01-01"), Some("2024-12-31")).unwrap();
    assert!(
        Cut::new(year, Unit::Day, now, &paris).is_ok(),
        "366 days, a leap year"
    );
    let longer = custom(Some("2024-01-01"), Some("2025-01-01")).unwrap();
    assert_eq!(Cut::new(longer, Unit::Day, now, &paris), Err(RANGE_INVALID));
    let hourly = custom(Some("2026-01-01"), Some("2026-02-01")).unwrap();
    assert_eq!(
        Cut::new(hourly, Unit::Hour, now, &paris),
        Err(RANGE_INVALID),
        "32 days by the hour"
    );
    assert_eq!(
        Range::parse(RangeKind::Today, Some("junk"), None),
        Ok(Range::Last(RangeKind::Today))
    );
}

#[test]
fn rollup_slots_fall_in_the_bucket_of_their_events_in_any_zone() {
    let nepal = Fixed(5 * H + 45 * MINUTE_MS);
    let newfoundland = Fixed(-(3 * H + 30 * MINUTE_MS));
    let now = local(2026, 12, 7, 9, 30);
    for zone in [&nepal as &dyn Zone, &newfoundland, &paris] {
        let cut = Cut::new(Range::Last(RangeKind::Last7Days), Unit::Hour, now, zone).unwrap();
        let period = &cut.current;
        assert!(period.buckets.iter().all(|b| b.start_ms % SLOT_MS == 0));
        let mut at = period.start_ms();
        while at < period.end_ms {
            assert_eq!(period.bucket_of(slot(at)), period.bucket_of(at));
            at += 7 * 60_000 + 13;
        }
    }
}

#[test]
fn rows_and_durations_land_in_their_buckets() {
    let now = local(2026, 10, 25, 20, 0);
    let cut = Cut::new(Range::Last(RangeKind::Today), Unit::Hour, now, &paris).unwrap();
    let (first_two, second_two) = (
        local(2026, 10, 25, 2, 10),
        local(2026, 10, 25, 2, 10) + H as u64,
    );
    let one = |n| Tally {
        messages_in: n,
        ..Tally::default()
    };
    let rows = [
        (slot(first_two), one(1)),
        (slot(second_two), one(2)),
        (slot(now), one(4)),
        (cut.previous.start_ms(), one(8)),
    ];
    let tallies = cut.current.tallies(rows);
    assert_eq!(
        (tallies[2], tallies[3], tallies[21]),
        (one(1), one(2), one(4)),
        "02:00 twice, then 20:00"
    );
    assert_eq!(
        tallies.iter().copied().sum::<Tally>(),
        one(7),
        "the previous day's row is not today's"
    );
    let counts: Vec<u32> = tallies.iter().map(|t| t.messages_in).collect();
    let grid = cut.current.heat_map(&counts);
    assert_eq!(
        (grid[6][2], grid[6][20], grid[0][2]),
        (3, 4, 0),
        "both 02:00 hours of that Sunday"
    );
    let ended = [
        (first_two, 60_000),
        (first_two + 1, 1_000),
        (now, 30_000),
        (cut.current.end_ms, 5),
    ];
    let (per, all) = cut.current.summaries(ended);
    assert_eq!(
        (per[2].count, per[2].median_ms, per[2].p90_ms),
        (2, Some(1_000), Some(60_000))
    );
    assert_eq!(
        (all.count, all.median_ms),
        (3, Some(30_000)),
        "the end is the next period's"
    );
}
