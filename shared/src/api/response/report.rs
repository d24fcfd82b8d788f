//! Reports (issue 23): the query every report route reads, the JSON report
//! (`GET /api/reports`), and the CSV exports' names. What each number means
//! is `shared::report`'s; the answer is built by `shared::report::answer`.

use serde::{Deserialize, Serialize};

use crate::conversation::Channel;
use crate::report::{RangeKind, Unit};

/// `GET /api/reports…?range=&from=&to=&unit=&channel=&site=&agent=&team=&label=`:
/// which days, cut how, and which conversations.
#[derive(Debug, Default, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// `today`, `7d`, `30d` (the default) or `custom` (then `from` and `to`).
    pub range: Option<RangeKind>,
    /// A custom range's first local day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// A custom range's last local day (included), `YYYY-MM-DD`.
    pub to: Option<String>,
    /// `day` (the default) or `hour` (at most 31 days).
    pub unit: Option<Unit>,
    /// Only this channel.
    pub channel: Option<Channel>,
    /// Only this site's.
    pub site: Option<String>,
    /// Only this agent's: counts where they were the assignee (messages out: the author), durations of conversations assigned to them.
    pub agent: Option<String>,
    /// Only this team's.
    pub team: Option<String>,
    /// Only conversations carrying this label (counted from the conversations' facts, see the README).
    pub label: Option<String>,
}

/// Count, median and 90th percentile (nearest rank) of one duration or number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Spread {
    /// How many values.
    pub count: u32,
    /// The median (the lower middle of an even count); `null` without values.
    pub median: Option<u64>,
    /// The 90th percentile; `null` without values.
    pub p90: Option<u64>,
}

/// A [`Spread`] per bucket, as columns (one entry per bucket), for charts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SpreadSeries {
    /// How many values per bucket.
    pub count: Vec<u32>,
    /// The median per bucket.
    pub median: Vec<Option<u64>>,
    /// The 90th percentile per bucket.
    pub p90: Vec<Option<u64>>,
}

/// One bucket of the current period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReportBucket {
    /// When it starts, ms since the epoch.
    pub start: u64,
    /// Its local date (`2026-12-07`) or date and hour (`2026-12-07 14:00`), in the account's zone.
    pub label: String,
}

/// The current period's metrics per bucket, as columns in bucket order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReportSeries {
    /// Conversations opened.
    pub opened: Vec<u32>,
    /// Resolves.
    pub resolved: Vec<u32>,
    /// Reopens.
    pub reopened: Vec<u32>,
    /// Customer messages.
    pub messages_in: Vec<u32>,
    /// Agent messages.
    pub messages_out: Vec<u32>,
    /// First response time, ms, by the bucket of the reply.
    pub first_response_ms: SpreadSeries,
    /// First response time within business hours, ms (sites with hours only).
    pub first_response_business_ms: SpreadSeries,
    /// Resolution time, ms, by the bucket of the resolve.
    pub resolution_ms: SpreadSeries,
    /// Resolution time within business hours, ms (sites with hours only).
    pub resolution_business_ms: SpreadSeries,
}

/// A period's totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReportTotals {
    /// Its first local day, `YYYY-MM-DD`.
    pub from: String,
    /// Its last local day (included), `YYYY-MM-DD`.
    pub to: String,
    /// Conversations opened.
    pub opened: u32,
    /// Resolves.
    pub resolved: u32,
    /// Reopens.
    pub reopened: u32,
    /// Customer messages.
    pub messages_in: u32,
    /// Agent messages.
    pub messages_out: u32,
    /// First response time, ms.
    pub first_response_ms: Spread,
    /// First response time within business hours, ms.
    pub first_response_business_ms: Spread,
    /// Resolution time, ms.
    pub resolution_ms: Spread,
    /// Resolution time within business hours, ms.
    pub resolution_business_ms: Spread,
    /// Agent replies from the start to the resolve, per resolved conversation.
    pub replies_to_resolve: Spread,
}

/// One line of the agent table (the current period).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReportAgent {
    /// Agent id.
    pub id: String,
    /// Their name.
    pub name: String,
    /// Conversations opened while assigned to them.
    pub conversations: u32,
    /// Resolves while assigned to them.
    pub resolved: u32,
    /// Their messages.
    pub messages_out: u32,
    /// First responses they gave, ms.
    pub first_response_ms: Spread,
    /// Resolution time of the conversations assigned to them, ms.
    pub resolution_ms: Spread,
}

/// `GET /api/reports`: a report of the account (as far as the caller may see it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Report {
    /// The account's IANA time zone: days and hours are local to it.
    pub time_zone: String,
    /// How the buckets cut the period.
    pub unit: Unit,
    /// `all` for the primary admin; `mine` for an agent: their teams' conversations and those assigned to them.
    pub scope: ReportScope,
    /// The current period's buckets, in order.
    pub buckets: Vec<ReportBucket>,
    /// The current period per bucket.
    pub series: ReportSeries,
    /// The current period's totals.
    pub current: ReportTotals,
    /// The previous period's (as many days, just before).
    pub previous: ReportTotals,
    /// Busiest hours: customer messages of the current period by local weekday (Monday first) and hour, 7 × 24.
    pub heat_map: Vec<Vec<u32>>,
    /// The agent table, by name.
    pub agents: Vec<ReportAgent>,
}

/// What part of the account a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ReportScope {
    /// Every conversation of the account (the primary admin).
    All,
    /// An agent's: conversations of their teams or assigned to them.
    Mine,
}
