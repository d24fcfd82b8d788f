//! Response targets: a site's targets per channel (Settings, the primary
//! admin's), and the breach counts of a report (every agent: the primary
//! admin sees the account's, an agent their teams' and their own). The rules
//! are `shared::sla`'s; the deadlines are kept in SQL by migration 0030.

use shared::api;
use shared::conversation::Channel;
use shared::flow::Offline;
use shared::report::{Calendar, Cut, Day, Range, RangeKind, Unit, DAY_MS};
use shared::sla::{open_spans, OpenSpan, Targets};
use shared::Invalid;
use worker::Response;

use super::sites::owned_site;
use super::Cx;
use crate::auth::{Admin, Agent};
use crate::clock::{now_ms, zone, IntlZone};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::store::{ReportScope, SiteRow, SlaReportFilter, Store};

/// A channel was given twice.
const DUPLICATE_CHANNEL: Invalid = Invalid::new(
    "sla_channel_twice",
    "Give each channel (chat, email, messenger) at most once.",
);
/// The report's query string was not understood.
const BAD_QUERY: Invalid = Invalid::new(
    "invalid_report_query",
    "Parameters: range (today, 7d, 30d or custom), from and to (YYYY-MM-DD, for custom), site, channel (chat, email, messenger).",
);
/// Open spans are written from this long before now…
const SPANS_BEFORE_MS: u64 = 35 * DAY_MS as u64;
/// …to this long after it (a conversation's deadline further away is none).
const SPANS_AFTER_MS: u64 = 400 * DAY_MS as u64;
/// The cron writes a site's spans again once they end within this long.
const RENEW_WITHIN_MS: u64 = 300 * DAY_MS as u64;

/// `GET /api/sites/{site}/sla`: the site's targets, every channel listed.
pub async fn show(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let site = owned_site(cx, &admin, site_id).await?;
    let stored = cx.app.store.sla_targets(site_id).await?;
    json(200, &settings(&site, stored))
}

/// `PUT /api/sites/{site}/sla`: replaces the site's targets (checked: 400
/// with nothing written), rewrites its open spans and recomputes its open
/// conversations' deadlines.
pub async fn update(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let input: api::SlaInput = read_json(&mut cx.req).await?;
    let site = owned_site(cx, &admin, site_id).await?;
    let (_, flow) = site.flow();
    for (i, t) in input.targets.iter().enumerate() {
        if input.targets[..i].iter().any(|o| o.channel == t.channel) {
            return Err(ApiError::Invalid(DUPLICATE_CHANNEL));
        }
        Targets {
            first_response_minutes: t.first_response_minutes,
            resolution_minutes: t.resolution_minutes,
            business_hours: t.business_hours,
        }
        .check(flow.offline.is_some())?;
    }
    let spans = spans_for(flow.offline.as_ref(), &input.targets)?;
    cx.app
        .store
        .save_sla(site_id, Some(&input.targets), &spans)
        .await?;
    let stored = cx.app.store.sla_targets(site_id).await?;
    json(200, &settings(&site, stored))
}

/// After the site's business hours changed (a flow saved): rewrites its open
/// spans and recomputes its open conversations' deadlines.
pub async fn hours_changed(cx: &Cx<'_>, site_id: &str, offline: Option<&Offline>) -> ApiResult<()> {
    rewrite_hours(cx.app.store, site_id, offline).await
}

/// Rewrites a site's open spans from `offline` when a target counts within
/// business hours, and recomputes its open conversations' deadlines.
async fn rewrite_hours(store: &Store, site_id: &str, offline: Option<&Offline>) -> ApiResult<()> {
    let targets = store.sla_targets(site_id).await?;
    if targets.iter().any(|t| t.business_hours) {
        let spans = spans_for(offline, &targets)?;
        store.save_sla(site_id, None, &spans).await?;
    }
    Ok(())
}

/// The cron's part: every site whose open spans end within
/// [`RENEW_WITHIN_MS`] gets them written again from its hours, so business
/// hours deadlines never run past the table (a site's spans are renewed
/// about every 100 days).
pub async fn renew_hours(store: &Store, now: u64) -> ApiResult<()> {
    for site_id in store.sla_hours_ending_before(now + RENEW_WITHIN_MS).await? {
        let offline = store.site(&site_id).await?.and_then(|s| s.flow().1.offline);
        rewrite_hours(store, &site_id, offline.as_ref()).await?;
    }
    Ok(())
}

/// The open spans the targets need: the hours' when any target counts within them.
/// (The flow's zone was checked through `Intl` when the flow was saved.)
fn spans_for(offline: Option<&Offline>, targets: &[api::SlaTarget]) -> ApiResult<Vec<OpenSpan>> {
    Ok(match offline {
        Some(offline) if targets.iter().any(|t| t.business_hours) => {
            let zone = zone(&offline.time_zone)?;
            let now = now_ms();
            open_spans(
                &Calendar::of_offline(offline, &zone),
                now - SPANS_BEFORE_MS,
                now + SPANS_AFTER_MS,
            )
        }
        _ => Vec::new(),
    })
}

/// The settings answer: every channel, unset ones empty.
fn settings(site: &SiteRow, stored: Vec<api::SlaTarget>) -> api::SlaSettings {
    let targets = Channel::ALL
        .iter()
        .map(|&channel| {
            stored
                .iter()
                .find(|t| t.channel == channel)
                .cloned()
                .unwrap_or(api::SlaTarget {
                    channel,
                    first_response_minutes: None,
                    resolution_minutes: None,
                    business_hours: false,
                })
        })
        .collect();
    api::SlaSettings {
        site_id: site.id.clone(),
        has_business_hours: site.flow().1.offline.is_some(),
        targets,
    }
}

/// `GET /api/reports/sla?range=&from=&to=&site=&channel=`: per channel,
/// conversations with a target started in the range (in the account's time
/// zone), first-response and resolution deadlines met and breached, and the
/// share met; the period before beside it.
pub async fn report(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let query: api::SlaReportQuery = cx.req.query().map_err(|_| ApiError::Invalid(BAD_QUERY))?;
    let range = Range::parse(
        query.range.unwrap_or(RangeKind::Last7Days),
        query.from.as_deref(),
        query.to.as_deref(),
    )?;
    let now = now_ms();
    let zone = account_zone(cx, &agent.account_id).await?;
    let cut = Cut::new(range, Unit::Day, now, &zone)?;
    let filter = SlaReportFilter {
        scope: if agent.is_primary_admin() {
            ReportScope::Account
        } else {
            ReportScope::Agent(&agent.id)
        },
        site: query.site.as_deref(),
        channel: query.channel,
    };
    let mut periods = Vec::with_capacity(2);
    for period in [&cut.current, &cut.previous] {
        let channels = cx
            .app
            .store
            .sla_report(
                &agent.account_id,
                &filter,
                (period.start_ms(), period.end_ms),
                now,
            )
            .await?;
        periods.push(api::SlaPeriod {
            from: date(period.from),
            to: date(period.to),
            channels,
        });
    }
    let previous = periods.pop().expect("two periods");
    let current = periods.pop().expect("two periods");
    json(200, &api::SlaReport { current, previous })
}

/// A local date as `YYYY-MM-DD`.
fn date(day: Day) -> String {
    let (y, m, d) = day.ymd();
    format!("{y:04}-{m:02}-{d:02}")
}

/// The account's time zone for reports (`accounts.time_zone`, through `Intl`).
async fn account_zone(cx: &Cx<'_>, account_id: &str) -> ApiResult<IntlZone> {
    zone(&cx.app.store.time_zone(account_id).await?)
}
