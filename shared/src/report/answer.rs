//! The report's answer ([`Report`]) built from what the store reads:
//! rollup rows (slot, [`Tally`]) and durations that ended ([`Ended`]), for a
//! [`Cut`]. Pure, so the arithmetic is host-tested; the worker only reads
//! rows and hands them here.

use super::hours::{Day, Zone, DAY_MS, HOUR_MS};
use super::period::{Cut, Period, Unit};
use super::stats::{summarize, Summary, Tally};
use crate::api::{
    Report, ReportAgent, ReportBucket, ReportScope, ReportSeries, ReportTotals, Spread,
    SpreadSeries,
};

/// A duration that ended (a first response, a resolve), as the conversation's facts keep it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ended {
    /// When it ended, ms since the epoch.
    pub at: u64,
    /// How long it took, ms.
    pub ms: u64,
    /// Within the site's business hours, ms (`None` for a site without hours).
    pub business_ms: Option<u64>,
    /// The agent it is counted for (who responded; the assignee), if any.
    pub agent: Option<String>,
    /// Agent replies up to a resolve (`None` for a first response).
    pub replies: Option<u32>,
}

/// Everything a report is made of, as the store read it for a cut.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// Rollup rows (slot start, counts) of both periods.
    pub slots: Vec<(u64, Tally)>,
    /// First responses of both periods.
    pub first_responses: Vec<Ended>,
    /// Resolutions of both periods.
    pub resolutions: Vec<Ended>,
    /// The current period's counts per agent id.
    pub agent_tallies: Vec<(String, Tally)>,
    /// The agents of the account (id, name), in the table's order.
    pub agents: Vec<(String, String)>,
}

/// What the report is of: the account's zone, its name, the unit and the scope.
pub struct Frame<'a> {
    /// The cut (current and previous periods).
    pub cut: &'a Cut,
    /// The account's zone.
    pub zone: &'a dyn Zone,
    /// Its IANA name.
    pub time_zone: &'a str,
    /// How the buckets cut the period.
    pub unit: Unit,
    /// What part of the account the rows cover.
    pub scope: ReportScope,
}

/// The report of `rows` in `frame`.
pub fn answer(frame: &Frame<'_>, rows: &Rows) -> Report {
    let (current, previous) = (&frame.cut.current, &frame.cut.previous);
    let tallies = current.tallies(rows.slots.iter().copied());
    let ms = |e: &Ended| (e.at, e.ms);
    let business = |e: &Ended| e.business_ms.map(|b| (e.at, b));
    let series = ReportSeries {
        opened: tallies.iter().map(|t| t.opened).collect(),
        resolved: tallies.iter().map(|t| t.resolved).collect(),
        reopened: tallies.iter().map(|t| t.reopened).collect(),
        messages_in: tallies.iter().map(|t| t.messages_in).collect(),
        messages_out: tallies.iter().map(|t| t.messages_out).collect(),
        first_response_ms: columns(current.summaries(rows.first_responses.iter().map(ms)).0),
        first_response_business_ms: columns(
            current
                .summaries(rows.first_responses.iter().filter_map(business))
                .0,
        ),
        resolution_ms: columns(current.summaries(rows.resolutions.iter().map(ms)).0),
        resolution_business_ms: columns(
            current
                .summaries(rows.resolutions.iter().filter_map(business))
                .0,
        ),
    };
    Report {
        time_zone: frame.time_zone.to_string(),
        unit: frame.unit,
        scope: frame.scope,
        buckets: current
            .buckets
            .iter()
            .map(|b| ReportBucket {
                start: b.start_ms,
                label: label(b.day, b.minute, frame.unit),
            })
            .collect(),
        series,
        current: totals(current, rows),
        previous: totals(previous, rows),
        heat_map: heat_map(current, frame.zone, &rows.slots),
        agents: agents(current, rows),
    }
}

/// A bucket's label: its local date, and its hour when cut by the hour.
fn label(day: Day, minute: u16, unit: Unit) -> String {
    match unit {
        Unit::Day => date(day),
        Unit::Hour => format!("{} {:02}:{:02}", date(day), minute / 60, minute % 60),
    }
}

/// `YYYY-MM-DD`.
pub fn date(day: Day) -> String {
    let (y, m, d) = day.ymd();
    format!("{y:04}-{m:02}-{d:02}")
}

/// A summary as the API shows it.
fn spread(s: Summary) -> Spread {
    Spread {
        count: s.count,
        median: s.median_ms,
        p90: s.p90_ms,
    }
}

/// Per-bucket summaries as columns.
fn columns(per: Vec<Summary>) -> SpreadSeries {
    SpreadSeries {
        count: per.iter().map(|s| s.count).collect(),
        median: per.iter().map(|s| s.median_ms).collect(),
        p90: per.iter().map(|s| s.p90_ms).collect(),
    }
}

/// One period's totals.
fn totals(period: &Period, rows: &Rows) -> ReportTotals {
    let sum: Tally = period.tallies(rows.slots.iter().copied()).into_iter().sum();
    let whole = |values: &mut dyn Iterator<Item = (u64, u64)>| spread(period.summaries(values).1);
    let replies = rows
        .resolutions
        .iter()
        .filter(|e| period.bucket_of(e.at).is_some())
        .filter_map(|e| e.replies.map(u64::from))
        .collect();
    ReportTotals {
        from: date(period.from),
        to: date(period.to),
        opened: sum.opened,
        resolved: sum.resolved,
        reopened: sum.reopened,
        messages_in: sum.messages_in,
        messages_out: sum.messages_out,
        first_response_ms: whole(&mut rows.first_responses.iter().map(|e| (e.at, e.ms))),
        first_response_business_ms: whole(
            &mut rows
                .first_responses
                .iter()
                .filter_map(|e| e.business_ms.map(|b| (e.at, b))),
        ),
        resolution_ms: whole(&mut rows.resolutions.iter().map(|e| (e.at, e.ms))),
        resolution_business_ms: whole(
            &mut rows
                .resolutions
                .iter()
                .filter_map(|e| e.business_ms.map(|b| (e.at, b))),
        ),
        replies_to_resolve: spread(summarize(replies)),
    }
}

/// Customer messages of the period by local weekday (Monday first) and hour:
/// each rollup slot lies within one local hour (zones are whole quarter hours off UTC).
fn heat_map(period: &Period, zone: &dyn Zone, slots: &[(u64, Tally)]) -> Vec<Vec<u32>> {
    let mut grid = vec![vec![0; 24]; 7];
    for (at, tally) in slots {
        if tally.messages_in == 0 || period.bucket_of(*at).is_none() {
            continue;
        }
        let local = zone.local_ms(*at as i64);
        let day = Day(local.div_euclid(DAY_MS));
        let hour = (local.rem_euclid(DAY_MS) / HOUR_MS) as usize;
        grid[day.weekday()][hour.min(23)] += tally.messages_in;
    }
    grid
}

/// The agent table: every agent of the account, their counts and their durations in the period.
fn agents(period: &Period, rows: &Rows) -> Vec<ReportAgent> {
    let of = |id: &str, list: &[Ended]| -> Spread {
        let values = list
            .iter()
            .filter(|e| e.agent.as_deref() == Some(id))
            .map(|e| (e.at, e.ms));
        spread(period.summaries(values).1)
    };
    rows.agents
        .iter()
        .map(|(id, name)| {
            let tally: Tally = rows
                .agent_tallies
                .iter()
                .filter(|(agent, _)| agent == id)
                .map(|(_, t)| *t)
                .sum();
            ReportAgent {
                id: id.clone(),
                name: name.clone(),
                conversations: tally.opened,
                resolved: tally.resolved,
                messages_out: tally.messages_out,
                first_response_ms: of(id, &rows.first_responses),
                resolution_ms: of(id, &rows.resolutions),
            }
        })
        .collect()
}
