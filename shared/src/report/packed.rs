//! How report rows cross from D1 to the worker: packed as text, one row of
//! text per day of rows (`;` between rows, `,` between fields, empty for
//! none), because D1 makes each row a JavaScript object and a 30-day report
//! reads tens of thousands of them. Ids never hold `,` or `;` (they are a
//! prefix, `_` and hex), and a day of rows stays far under D1's 2 MB per value.

use super::answer::Ended;
use super::stats::Tally;

/// A field: empty is `None`; a REAL SQLite wrote as `12.0` reads as 12; anything else is `None`.
fn number(field: Option<&str>) -> Option<u64> {
    let field = field.filter(|f| !f.is_empty())?;
    field.parse().ok().or_else(|| {
        let real: f64 = field.parse().ok()?;
        (real.is_finite() && real >= 0.0).then_some(real as u64)
    })
}

/// Text or `None` for empty.
fn text(field: Option<&str>) -> Option<String> {
    field.filter(|f| !f.is_empty()).map(str::to_string)
}

/// Appends the durations packed as `at,ms,business_ms,agent,replies;…`.
pub fn unpack_ended(packed: &str, into: &mut Vec<Ended>) {
    for row in packed.split(';').filter(|r| !r.is_empty()) {
        let mut f = row.split(',');
        let (Some(at), Some(ms)) = (number(f.next()), number(f.next())) else {
            continue;
        };
        into.push(Ended {
            at,
            ms,
            business_ms: number(f.next()),
            agent: text(f.next()),
            replies: number(f.next()).and_then(|r| u32::try_from(r).ok()),
        });
    }
}

/// Appends the counts packed as `at,opened,resolved,reopened,messages_in,messages_out,agent;…`.
pub fn unpack_tallies(packed: &str, into: &mut Vec<(u64, Tally, Option<String>)>) {
    for row in packed.split(';').filter(|r| !r.is_empty()) {
        let mut f = row.split(',');
        let Some(at) = number(f.next()) else {
            continue;
        };
        let mut count = || number(f.next()).map_or(0, |n| n as u32);
        let tally = Tally {
            opened: count(),
            resolved: count(),
            reopened: count(),
            messages_in: count(),
            messages_out: count(),
        };
        into.push((at, tally, text(f.next())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_unpack_with_their_empty_fields_as_none() {
        let mut out = Vec::new();
        unpack_ended("100,5000,,ag_1f,;200.0,7000,3000,,2;", &mut out);
        unpack_ended("", &mut out);
        unpack_ended("300,x,1,ag,1;400,1", &mut out);
        assert_eq!(
            out,
            vec![
                Ended {
                    at: 100,
                    ms: 5000,
                    business_ms: None,
                    agent: Some("ag_1f".into()),
                    replies: None
                },
                Ended {
                    at: 200,
                    ms: 7000,
                    business_ms: Some(3000),
                    agent: None,
                    replies: Some(2)
                },
                Ended {
                    at: 400,
                    ms: 1,
                    business_ms: None,
                    agent: None,
                    replies: None
                },
            ],
            "a row whose instant or duration does not read is left out"
        );
    }

    #[test]
    fn counts_unpack_in_the_tally_order_with_an_optional_agent() {
        let mut out = Vec::new();
        unpack_tallies("900000,1,2,3,4,5,;1800000,1,0,0,7,0,ag_2", &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(
            out[0],
            (
                900_000,
                Tally {
                    opened: 1,
                    resolved: 2,
                    reopened: 3,
                    messages_in: 4,
                    messages_out: 5
                },
                None
            )
        );
        assert_eq!(out[1].1.messages_in, 7);
        assert_eq!(out[1].2.as_deref(), Some("ag_2"));
    }
}
