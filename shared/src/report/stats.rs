//! Aggregates: counts that add up ([`Tally`]) and the spread of a duration
//! ([`Summary`]: count, median and 90th percentile by nearest rank).

use std::ops::{Add, AddAssign};

/// Counts a period adds up: what each event adds (see [`super::Facts::apply`]),
/// summed per rollup slot and then per bucket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Conversations that started.
    pub opened: u32,
    /// Resolves (each one: a conversation resolved twice counts twice).
    pub resolved: u32,
    /// Reopens of a resolved conversation.
    pub reopened: u32,
    /// Customer messages (visitor or contact), automated mail aside.
    pub messages_in: u32,
    /// Agent messages (people of the team), the bot's and automated ones aside.
    pub messages_out: u32,
}

impl AddAssign for Tally {
    fn add_assign(&mut self, other: Tally) {
        self.opened += other.opened;
        self.resolved += other.resolved;
        self.reopened += other.reopened;
        self.messages_in += other.messages_in;
        self.messages_out += other.messages_out;
    }
}

impl Add for Tally {
    type Output = Tally;
    fn add(mut self, other: Tally) -> Tally {
        self += other;
        self
    }
}

impl std::iter::Sum for Tally {
    fn sum<I: Iterator<Item = Tally>>(iter: I) -> Tally {
        iter.fold(Tally::default(), Add::add)
    }
}

/// The spread of one duration over a period's conversations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// How many conversations have the duration in the period.
    pub count: u32,
    /// The median (nearest-rank 50th percentile), `None` without values.
    pub median_ms: Option<u64>,
    /// The nearest-rank 90th percentile, `None` without values.
    pub p90_ms: Option<u64>,
}

/// The nearest-rank `p`th percentile (1 to 100) of values sorted ascending:
/// the smallest value with at least `p`% of the values at or below it, i.e.
/// the value of rank ⌈p·n/100⌉. Always one of the values (never averaged),
/// so the median of an even count is the lower middle one.
pub fn percentile(sorted: &[u64], p: u8) -> Option<u64> {
    debug_assert!((1..=100).contains(&p) && sorted.is_sorted());
    let rank = (usize::from(p) * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// Count, median and 90th percentile of `values` (sorted here; any order in).
pub fn summarize(mut values: Vec<u64>) -> Summary {
    values.sort_unstable();
    Summary {
        count: values.len() as u32,
        median_ms: percentile(&values, 50),
        p90_ms: percentile(&values, 90),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_is_a_real_value_of_rank_ceil_p_n() {
        // The textbook example of the nearest-rank method.
        let v = [15, 20, 35, 40, 50];
        assert_eq!(percentile(&v, 5), Some(15));
        assert_eq!(percentile(&v, 30), Some(20));
        assert_eq!(percentile(&v, 40), Some(20));
        assert_eq!(percentile(&v, 50), Some(35));
        assert_eq!(percentile(&v, 100), Some(50));
        let ten: Vec<u64> = (1..=10).collect();
        assert_eq!(percentile(&ten, 50), Some(5), "the lower middle, never 5.5");
        assert_eq!(percentile(&ten, 90), Some(9));
        assert_eq!(percentile(&ten, 91), Some(10));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn a_summary_sorts_then_counts() {
        let s = summarize(vec![9_000, 1_000, 60_000, 3_000, 2_000]);
        assert_eq!(
            s,
            Summary {
                count: 5,
                median_ms: Some(3_000),
                p90_ms: Some(60_000)
            }
        );
        assert_eq!(summarize(Vec::new()), Summary::default());
    }

    #[test]
    fn tallies_add_field_by_field() {
        let a = Tally {
            opened: 1,
            messages_in: 2,
            ..Tally::default()
        };
        let b = Tally {
            resolved: 1,
            reopened: 1,
            messages_in: 1,
            messages_out: 3,
            ..Tally::default()
        };
        let sum: Tally = [a, b, Tally::default()].into_iter().sum();
        assert_eq!(
            sum,
            Tally {
                opened: 1,
                resolved: 1,
                reopened: 1,
                messages_in: 3,
                messages_out: 3
            }
        );
    }
}
