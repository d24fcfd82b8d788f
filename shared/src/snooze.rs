//! Snooze: when a conversation an agent parks comes back by itself. The
//! inbox offers presets, computed here from the time now and the agent's
//! offset from UTC (which the inbox knows and sends); the API takes an
//! absolute time too, checked here to be in the future and not absurdly far.

use crate::conversation::string_enum;
use crate::Invalid;

/// One minute, in milliseconds.
const MINUTE_MS: i64 = 60_000;
/// One hour, in milliseconds.
const HOUR_MS: i64 = 60 * MINUTE_MS;
/// One day, in milliseconds.
const DAY_MS: i64 = 24 * HOUR_MS;

/// The farthest a conversation may be snoozed: a year ahead.
pub const MAX_SNOOZE_MS: u64 = 366 * DAY_MS as u64;
/// The largest offset from UTC a time zone has (UTC+14 and UTC−12 are the ends), in minutes.
pub const MAX_UTC_OFFSET_MINUTES: i32 = 14 * 60;
/// How long "later today" lasts, in hours (rounded up to the next whole local hour).
pub const LATER_TODAY_HOURS: i64 = 3;
/// The local hour "tomorrow" and "next week" wake at.
pub const MORNING_HOUR: i64 = 9;

string_enum! {
    /// The inbox's snooze presets.
    Preset { /// Three hours from now, rounded up to the next whole hour.
        LaterToday = "later_today", /// Tomorrow at 09:00, the agent's time.
        Tomorrow = "tomorrow", /// Next Monday at 09:00, the agent's time.
        NextWeek = "next_week" }
}

/// The wake time is not in the future.
pub const NOT_IN_FUTURE: Invalid = Invalid::new(
    "snooze_in_past",
    "The snooze time must be in the future (milliseconds since the epoch).",
);
/// The wake time is more than a year ahead.
pub const TOO_FAR: Invalid = Invalid::new(
    "snooze_too_far",
    "A conversation can be snoozed for at most a year.",
);
/// The offset from UTC is no time zone's.
pub const BAD_OFFSET: Invalid = Invalid::new(
    "utc_offset_invalid",
    "utc_offset_minutes must be the agent's offset from UTC, from -840 to 840 minutes.",
);

/// The time (ms) a preset wakes at, for an agent `utc_offset_minutes` ahead
/// of UTC (Paris in winter: 60; New York: -300) at `now` (ms).
pub fn preset_time(preset: Preset, now: u64, utc_offset_minutes: i32) -> Result<u64, Invalid> {
    if utc_offset_minutes.abs() > MAX_UTC_OFFSET_MINUTES {
        return Err(BAD_OFFSET);
    }
    let offset = i64::from(utc_offset_minutes) * MINUTE_MS;
    let local = now as i64 + offset;
    let midnight = local.div_euclid(DAY_MS) * DAY_MS;
    let wake_local = match preset {
        Preset::LaterToday => {
            let later = local + LATER_TODAY_HOURS * HOUR_MS;
            // Up to the next whole hour (an exact hour stays).
            later + (HOUR_MS - later.rem_euclid(HOUR_MS)) % HOUR_MS
        }
        Preset::Tomorrow => midnight + DAY_MS + MORNING_HOUR * HOUR_MS,
        Preset::NextWeek => {
            // 1970-01-01 was a Thursday: Monday is 0 here.
            let weekday = (local.div_euclid(DAY_MS) + 3).rem_euclid(7);
            midnight + (7 - weekday) * DAY_MS + MORNING_HOUR * HOUR_MS
        }
    };
    Ok((wake_local - offset) as u64)
}

/// Checks an absolute wake time (ms) asked at `now`: in the future, at most
/// [`MAX_SNOOZE_MS`] ahead.
pub fn check_wake_time(until: u64, now: u64) -> Result<u64, Invalid> {
    if until <= now {
        Err(NOT_IN_FUTURE)
    } else if until - now > MAX_SNOOZE_MS {
        Err(TOO_FAR)
    } else {
        Ok(until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Monday 2026-12-07 13:20:00 UTC.
    const MONDAY_1320_UTC: u64 = 1_796_601_600_000 + 13 * 3_600_000 + 20 * 60_000;

    fn utc(day: u64, hour: u64, minute: u64) -> u64 {
        // 2026-12-07 00:00 UTC plus `day` days.
        1_796_601_600_000 + day * 86_400_000 + hour * 3_600_000 + minute * 60_000
    }

    #[test]
    fn the_reference_day_is_a_monday() {
        // 2026-12-07 is a Monday; its midnight is a whole number of days.
        assert_eq!(1_796_601_600_000_u64 % 86_400_000, 0);
        assert_eq!((1_796_601_600_000_u64 / 86_400_000 + 3) % 7, 0);
    }

    #[test]
    fn later_today_is_three_hours_on_rounded_up_to_the_hour() {
        let at = preset_time(Preset::LaterToday, MONDAY_1320_UTC, 0).unwrap();
        assert_eq!(at, utc(0, 17, 0));
        // India (UTC+5:30): 18:50 local + 3 h = 21:50, up to 22:00 local = 16:30 UTC.
        let at = preset_time(Preset::LaterToday, MONDAY_1320_UTC, 330).unwrap();
        assert_eq!(at, utc(0, 16, 30));
        // An exact hour stays.
        let at = preset_time(Preset::LaterToday, utc(0, 10, 0), 0).unwrap();
        assert_eq!(at, utc(0, 13, 0));
    }

    #[test]
    fn tomorrow_is_nine_in_the_agents_morning() {
        assert_eq!(
            preset_time(Preset::Tomorrow, MONDAY_1320_UTC, 0).unwrap(),
            utc(1, 9, 0)
        );
        // Paris (UTC+1): 09:00 local is 08:00 UTC.
        assert_eq!(
            preset_time(Preset::Tomorrow, MONDAY_1320_UTC, 60).unwrap(),
            utc(1, 8, 0)
        );
        // Tokyo (UTC+9) at 23:30 UTC Monday is already Tuesday 08:30: tomorrow is Wednesday 09:00 JST.
        assert_eq!(
            preset_time(Preset::Tomorrow, utc(0, 23, 30), 540).unwrap(),
            utc(2, 0, 0)
        );
        // New York (UTC−5) at 02:00 UTC Monday is Sunday 21:00: tomorrow is Monday 09:00 EST.
        assert_eq!(
            preset_time(Preset::Tomorrow, utc(0, 2, 0), -300).unwrap(),
            utc(0, 14, 0)
        );
    }

    #[test]
    fn next_week_is_the_next_monday_morning() {
        // On a Monday: the Monday after.
        assert_eq!(
            preset_time(Preset::NextWeek, MONDAY_1320_UTC, 0).unwrap(),
            utc(7, 9, 0)
        );
        // On Sunday (New York, Sunday 21:00): the next day.
        assert_eq!(
            preset_time(Preset::NextWeek, utc(0, 2, 0), -300).unwrap(),
            utc(0, 14, 0)
        );
        // Saturday noon UTC: two days on.
        assert_eq!(
            preset_time(Preset::NextWeek, utc(5, 12, 0), 0).unwrap(),
            utc(7, 9, 0)
        );
    }

    #[test]
    fn every_preset_is_in_the_future_and_allowed() {
        for offset in [-720, -300, 0, 60, 330, 545, 840] {
            for hour in 0..24 {
                let now = utc(3, hour, 17);
                for preset in Preset::ALL {
                    let at = preset_time(*preset, now, offset).unwrap();
                    assert_eq!(
                        check_wake_time(at, now),
                        Ok(at),
                        "{preset:?} {offset} {hour}"
                    );
                }
            }
        }
    }

    #[test]
    fn offsets_beyond_any_time_zone_are_refused() {
        assert_eq!(
            preset_time(Preset::Tomorrow, MONDAY_1320_UTC, 841),
            Err(BAD_OFFSET)
        );
        assert_eq!(
            preset_time(Preset::Tomorrow, MONDAY_1320_UTC, -841),
            Err(BAD_OFFSET)
        );
    }

    #[test]
    fn wake_times_must_be_ahead_and_within_a_year() {
        let now = MONDAY_1320_UTC;
        assert_eq!(check_wake_time(now, now), Err(NOT_IN_FUTURE));
        assert_eq!(check_wake_time(now - 1, now), Err(NOT_IN_FUTURE));
        assert_eq!(check_wake_time(now + 1, now), Ok(now + 1));
        assert_eq!(
            check_wake_time(now + MAX_SNOOZE_MS, now),
            Ok(now + MAX_SNOOZE_MS)
        );
        assert_eq!(check_wake_time(now + MAX_SNOOZE_MS + 1, now), Err(TOO_FAR));
    }
}
