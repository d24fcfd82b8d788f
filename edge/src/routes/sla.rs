//! Response targets: a site's targets per channel (Settings, the primary
//! admin's), and the breach counts of a report (every agent: the primary
//! admin sees the account's, an agent their teams' and their own). The rules
//! are `shared::sla`'s; the deadlines are kept by migration 0030's triggers.

use js_sys::{Array, Date, Function, Intl, Object, Reflect};
use shared::api;
use shared::conversation::Channel;
use shared::flow::Offline;
use shared::report::{
    Calendar, Cut, Day, Range, RangeKind, Unit, Zone, DAY_MS, HOUR_MS, MINUTE_MS,
};
use shared::sla::{open_spans, OpenSpan, Targets};
use shared::Invalid;
use wasm_bindgen::{JsCast, JsValue};
use worker::Response;

use super::Cx;
use crate::auth::{Admin, Agent};
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::store::{ReportScope, SiteRow, SlaReportFilter};

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

/// The site, if it is the admin's account's.
async fn owned_site(cx: &Cx<'_>, admin: &Admin, site_id: &str) -> ApiResult<SiteRow> {
    cx.app
        .store
        .site(site_id)
        .await?
        .filter(|s| s.account_id == admin.account_id)
        .ok_or(ApiError::NotFound("Site"))
}

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
    let spans = spans_for(flow.offline.as_ref(), &input.targets);
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
    let targets = cx.app.store.sla_targets(site_id).await?;
    if targets.iter().any(|t| t.business_hours) {
        let spans = spans_for(offline, &targets);
        cx.app.store.save_sla(site_id, None, &spans).await?;
    }
    Ok(())
}

/// The open spans the targets need: the hours' when any target counts within them.
fn spans_for(offline: Option<&Offline>, targets: &[api::SlaTarget]) -> Vec<OpenSpan> {
    match offline {
        Some(offline) if targets.iter().any(|t| t.business_hours) => {
            let zone = site_zone(&offline.time_zone);
            let now = now_ms();
            open_spans(
                &Calendar::of_offline(offline, &zone),
                now - SPANS_BEFORE_MS,
                now + SPANS_AFTER_MS,
            )
        }
        _ => Vec::new(),
    }
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
    let zone = account_zone(&agent.account_id);
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

/// The account's time zone for reports: UTC until the account's setting and
/// the edge's `Intl` zone (the `rwrite` part of issue 23) land; this one
/// function then reads `accounts.time_zone`.
fn account_zone(_account_id: &str) -> impl Zone {
    shared::report::Fixed(0)
}

/// A site's hours zone (the flow's IANA `time_zone`) through the runtime's
/// `Intl`: the offset is the wall clock `Intl` shows, read as UTC, less the
/// instant. An unknown zone (refused when the flow is saved) reads as UTC.
/// (To give way to the edge's `Zone` of the `rwrite` part once merged.)
fn site_zone(time_zone: &str) -> impl Zone {
    let format = wall_clock(time_zone);
    move |at: i64| format.as_ref().and_then(|f| offset_ms(f, at)).unwrap_or(0)
}

/// `Intl.DateTimeFormat` showing every field of the wall clock in `time_zone`.
fn wall_clock(time_zone: &str) -> Option<Intl::DateTimeFormat> {
    let options = Object::new();
    for (key, value) in [
        ("timeZone", time_zone),
        ("year", "numeric"),
        ("month", "numeric"),
        ("day", "numeric"),
        ("hour", "numeric"),
        ("minute", "numeric"),
        ("second", "numeric"),
        ("hourCycle", "h23"),
    ] {
        Reflect::set(&options, &key.into(), &value.into()).ok()?;
    }
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor: Function = Reflect::get(&intl, &"DateTimeFormat".into())
        .ok()?
        .dyn_into()
        .ok()?;
    Some(
        Reflect::construct(&constructor, &Array::of2(&"en-US".into(), &options))
            .ok()?
            .unchecked_into(),
    )
}

/// The offset (ms) `format`'s zone has at `at`.
fn offset_ms(format: &Intl::DateTimeFormat, at: i64) -> Option<i64> {
    let whole = at - at.rem_euclid(1000);
    let parts = format.format_to_parts(&Date::new(&JsValue::from_f64(whole as f64)));
    let mut f = [0i64; 6];
    for part in parts.iter() {
        let kind = Reflect::get(&part, &"type".into()).ok()?.as_string()?;
        let value = Reflect::get(&part, &"value".into()).ok()?.as_string()?;
        let slot = ["year", "month", "day", "hour", "minute", "second"]
            .iter()
            .position(|k| *k == kind);
        if let Some(i) = slot {
            f[i] = value.parse().ok()?;
        }
    }
    let day = Day::from_ymd(i32::try_from(f[0]).ok()?, f[1] as u8, f[2] as u8)?;
    let local = day.0 * DAY_MS + f[3] * HOUR_MS + f[4] * MINUTE_MS + f[5] * 1000;
    Some(local - whole)
}
