//! A zone that asks its source (the worker's `Intl`, dear per call) about a
//! UTC day at most twice: a day whose offset is the same at its start and at
//! the next day's start has it all day (zones change at most once a day), so
//! only a day with a change asks about its instants one by one.

use std::cell::RefCell;
use std::collections::HashMap;

use super::hours::{Zone, DAY_MS};

/// `zone`, remembering each UTC day's offsets at its two ends.
pub struct DayMemo<Z> {
    zone: Z,
    days: RefCell<HashMap<i64, (i64, i64)>>,
}

impl<Z: Zone> DayMemo<Z> {
    /// Remembers what `zone` answers.
    pub fn new(zone: Z) -> Self {
        Self {
            zone,
            days: RefCell::new(HashMap::new()),
        }
    }
}

impl<Z: Zone> Zone for DayMemo<Z> {
    fn offset_ms(&self, at_ms: i64) -> i64 {
        let day = at_ms.div_euclid(DAY_MS);
        let ends = *self.days.borrow_mut().entry(day).or_insert_with(|| {
            (
                self.zone.offset_ms(day * DAY_MS),
                self.zone.offset_ms((day + 1) * DAY_MS),
            )
        });
        if ends.0 == ends.1 {
            ends.0
        } else {
            self.zone.offset_ms(at_ms)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::HOUR_MS;
    use std::cell::Cell;

    #[test]
    fn it_answers_as_its_zone_and_asks_twice_a_day_without_a_change() {
        // Paris in 2025: +1 h, +2 h from 2025-03-30T01:00Z.
        let change = 1_743_296_400_000_i64;
        let asked = Cell::new(0);
        let paris = |at: i64| {
            asked.set(asked.get() + 1);
            if at < change {
                HOUR_MS
            } else {
                2 * HOUR_MS
            }
        };
        let memo = DayMemo::new(&paris);
        let quiet_day = (change - 10 * DAY_MS).div_euclid(DAY_MS) * DAY_MS;
        for quarter in 0..96 {
            assert_eq!(memo.offset_ms(quiet_day + quarter * 900_000), HOUR_MS);
        }
        assert_eq!(asked.get(), 2, "a quiet day: its two ends only");
        for at in (change - 3 * HOUR_MS..change + 3 * HOUR_MS).step_by(900_000) {
            assert_eq!(
                memo.offset_ms(at),
                paris(at),
                "the day of the change, instant by instant"
            );
        }
    }
}
