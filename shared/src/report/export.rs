//! The reports' CSV exports: the series and the agent table of a
//! [`Report`], and the conversation-level rows (one [`ConversationLine`]
//! each, written page by page as the worker streams them). Times are local
//! to the account's zone; durations in ms; cells made safe by [`crate::csv`].

use serde::Deserialize;

use super::answer::date;
use super::hours::{Day, Zone, DAY_MS};
use crate::api::{Report, Spread};
use crate::csv::line;

/// A number cell; empty for none.
fn num(value: Option<u64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// A spread's three cells: count, median, 90th percentile.
fn spread(s: &Spread) -> [String; 3] {
    [s.count.to_string(), num(s.median), num(s.p90)]
}

/// The header cells of a spread named `name`.
fn spread_header(name: &str) -> [String; 3] {
    [
        format!("{name} count"),
        format!("{name} median"),
        format!("{name} p90"),
    ]
}

/// `GET /api/reports/series.csv`: one line per bucket of the current period.
pub fn series_csv(report: &Report) -> String {
    let mut out = String::new();
    let mut header: Vec<String> = [
        "bucket",
        "opened",
        "resolved",
        "reopened",
        "messages in",
        "messages out",
    ]
    .map(String::from)
    .to_vec();
    for name in [
        "first response ms",
        "first response business ms",
        "resolution ms",
        "resolution business ms",
    ] {
        header.extend(spread_header(name));
    }
    line(&mut out, header);
    let s = &report.series;
    for (i, bucket) in report.buckets.iter().enumerate() {
        let mut cells = vec![bucket.label.clone()];
        for column in [
            &s.opened,
            &s.resolved,
            &s.reopened,
            &s.messages_in,
            &s.messages_out,
        ] {
            cells.push(column[i].to_string());
        }
        for series in [
            &s.first_response_ms,
            &s.first_response_business_ms,
            &s.resolution_ms,
            &s.resolution_business_ms,
        ] {
            cells.extend([
                series.count[i].to_string(),
                num(series.median[i]),
                num(series.p90[i]),
            ]);
        }
        line(&mut out, cells);
    }
    out
}

/// `GET /api/reports/agents.csv`: the agent table.
pub fn agents_csv(report: &Report) -> String {
    let mut out = String::new();
    let mut header: Vec<String> = [
        "agent id",
        "agent",
        "conversations",
        "resolved",
        "messages out",
    ]
    .map(String::from)
    .to_vec();
    header.extend(spread_header("first response ms"));
    header.extend(spread_header("resolution ms"));
    line(&mut out, header);
    for a in &report.agents {
        let mut cells = vec![
            a.id.clone(),
            a.name.clone(),
            a.conversations.to_string(),
            a.resolved.to_string(),
            a.messages_out.to_string(),
        ];
        cells.extend(spread(&a.first_response_ms));
        cells.extend(spread(&a.resolution_ms));
        line(&mut out, cells);
    }
    out
}

/// One conversation of `GET /api/reports/conversations.csv`, as the store reads it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ConversationLine {
    /// Conversation id.
    pub id: String,
    /// Its site's name.
    pub site: String,
    /// `chat`, `email` or `messenger`.
    pub channel: String,
    /// `open` or `closed`.
    pub status: String,
    /// When it started, ms.
    pub started_at: u64,
    /// First response time, ms.
    pub first_response_ms: Option<u64>,
    /// First response time within business hours, ms.
    pub first_response_business_ms: Option<u64>,
    /// Who gave the first response (name).
    pub first_response_by: Option<String>,
    /// When it was last resolved, ms.
    pub resolved_at: Option<u64>,
    /// Resolution time, ms.
    pub resolution_ms: Option<u64>,
    /// Resolution time within business hours, ms.
    pub resolution_business_ms: Option<u64>,
    /// Agent replies up to the resolve.
    pub replies_to_resolve: Option<u64>,
    /// Customer messages.
    pub messages_in: u64,
    /// Agent messages.
    pub messages_out: u64,
    /// Reopens.
    pub reopens: u64,
    /// The assignee's name.
    pub assignee: Option<String>,
    /// The team's name.
    pub team: Option<String>,
    /// Its labels' names, `; `-separated.
    pub labels: Option<String>,
}

/// The conversation export's header line, naming the zone its times are in.
pub fn conversations_header(time_zone: &str) -> String {
    let mut out = String::new();
    line(
        &mut out,
        [
            "id".to_string(),
            "site".into(),
            "channel".into(),
            "status".into(),
            format!("started ({time_zone})"),
            "first response ms".into(),
            "first response business ms".into(),
            "first response by".into(),
            format!("resolved ({time_zone})"),
            "resolution ms".into(),
            "resolution business ms".into(),
            "replies to resolve".into(),
            "messages in".into(),
            "messages out".into(),
            "reopens".into(),
            "assignee".into(),
            "team".into(),
            "labels".into(),
        ],
    );
    out
}

/// Local date and time of `at_ms` in `zone`: `2026-12-07 14:03:09`.
pub fn local_time(at_ms: u64, zone: &dyn Zone) -> String {
    let local = zone.local_ms(at_ms as i64);
    let seconds = local.rem_euclid(DAY_MS) / 1000;
    format!(
        "{} {:02}:{:02}:{:02}",
        date(Day(local.div_euclid(DAY_MS))),
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// Appends conversation lines to `out`.
pub fn conversation_lines(out: &mut String, rows: &[ConversationLine], zone: &dyn Zone) {
    for r in rows {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        line(
            out,
            [
                r.id.clone(),
                r.site.clone(),
                r.channel.clone(),
                r.status.clone(),
                local_time(r.started_at, zone),
                num(r.first_response_ms),
                num(r.first_response_business_ms),
                text(&r.first_response_by),
                r.resolved_at
                    .map(|at| local_time(at, zone))
                    .unwrap_or_default(),
                num(r.resolution_ms),
                num(r.resolution_business_ms),
                num(r.replies_to_resolve),
                r.messages_in.to_string(),
                r.messages_out.to_string(),
                r.reopens.to_string(),
                text(&r.assignee),
                text(&r.team),
                text(&r.labels),
            ],
        );
    }
}
