//! Reports (issue 23): the JSON report and its CSV exports. Every route reads
//! the same query (`api::ReportQuery`), cuts the range in the account's zone
//! (`shared::report::Cut`) and reads the aggregates through `store::reports`
//! (never the messages). The primary admin sees the whole account; an agent
//! sees the conversations of their teams and those assigned to them, and a
//! cut by another agent or team is narrowed to that, never refused.

use futures_util::stream;
use shared::api::{self, ReportScope};
use shared::report::answer::{answer, date, Frame};
use shared::report::export::{agents_csv, conversation_lines, conversations_header, series_csv};
use shared::report::{Cut, Fixed, Range, RangeKind, Unit, Zone};
use shared::Invalid;
use worker::Response;

use super::Cx;
use crate::auth::Agent;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::json;
use crate::store::{ReportFilter, Span, Store};

/// The query string named an unknown parameter or value.
const BAD_QUERY: Invalid = Invalid::new(
    "invalid_report_query",
    "Reports take range (today, 7d, 30d or custom), from and to (YYYY-MM-DD, for custom), unit (day or hour), \
     channel (chat, email or messenger), site, agent, team and label (ids).",
);
/// Conversations per page of the streamed CSV export (one D1 call each).
const PAGE: u32 = 500;

/// The account's zone by its IANA name. Until the worker's `Intl` zone
/// lands (issue 23's write path), every account reads as UTC.
fn account_zone(_time_zone: &str) -> Box<dyn Zone> {
    Box::new(Fixed(0))
}

/// What one report request asks for, read and checked.
struct Asked {
    cut: Cut,
    unit: Unit,
    filter: ReportFilter,
    scope: ReportScope,
    time_zone: String,
    zone: Box<dyn Zone>,
}

impl Asked {
    /// Both periods, from the previous one's start to the current one's end.
    fn whole(&self) -> Span {
        Span {
            from: self.cut.previous.start_ms(),
            to: self.cut.current.end_ms,
        }
    }

    /// The current period.
    fn current(&self) -> Span {
        Span {
            from: self.cut.current.start_ms(),
            to: self.cut.current.end_ms,
        }
    }
}

/// Reads the query and the account's zone: 400 for a bad parameter or range.
async fn asked(cx: &Cx<'_>, agent: &Agent) -> ApiResult<Asked> {
    let query: api::ReportQuery = cx.req.query().map_err(|_| ApiError::Invalid(BAD_QUERY))?;
    let range = Range::parse(
        query.range.unwrap_or(RangeKind::Last30Days),
        query.from.as_deref(),
        query.to.as_deref(),
    )?;
    let unit = query.unit.unwrap_or(Unit::Day);
    let time_zone = cx.app.store.time_zone(&agent.account_id).await?;
    let zone = account_zone(&time_zone);
    let cut = Cut::new(range, unit, now_ms(), zone.as_ref())?;
    let admin = agent.is_primary_admin();
    let nonempty = |v: Option<String>| v.filter(|s| !s.is_empty());
    let filter = ReportFilter {
        channel: query.channel,
        site: nonempty(query.site),
        agent: nonempty(query.agent),
        team: nonempty(query.team),
        label: nonempty(query.label),
        viewer: (!admin).then(|| agent.id.clone()),
    };
    Ok(Asked {
        cut,
        unit,
        filter,
        scope: if admin {
            ReportScope::All
        } else {
            ReportScope::Mine
        },
        time_zone,
        zone,
    })
}

/// The report the request asks for.
async fn build(cx: &Cx<'_>, agent: &Agent) -> ApiResult<(Asked, api::Report)> {
    let asked = asked(cx, agent).await?;
    let rows = cx
        .app
        .store
        .report_rows(
            &agent.account_id,
            (asked.whole(), asked.current()),
            &asked.filter,
        )
        .await?;
    let frame = Frame {
        cut: &asked.cut,
        zone: asked.zone.as_ref(),
        time_zone: &asked.time_zone,
        unit: asked.unit,
        scope: asked.scope,
    };
    let report = answer(&frame, &rows);
    Ok((asked, report))
}

/// `GET /api/reports?range=&from=&to=&unit=&channel=&site=&agent=&team=&label=`:
/// the report: buckets, series, both periods' totals, the heat map, the agent table.
pub async fn report(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let (_, report) = build(cx, &agent).await?;
    json(200, &report)
}

/// A CSV answer, downloaded as `name`.
fn csv(body: Response, name: &str) -> ApiResult<Response> {
    let mut response = body;
    let headers = response.headers_mut();
    headers.set("content-type", "text/csv; charset=utf-8")?;
    headers.set(
        "content-disposition",
        &format!("attachment; filename=\"{name}\""),
    )?;
    headers.set("cache-control", "no-store")?;
    Ok(response)
}

/// The file name of an export of the current period.
fn file_name(what: &str, asked: &Asked) -> String {
    format!(
        "{what}-{}-{}.csv",
        date(asked.cut.current.from),
        date(asked.cut.current.to)
    )
}

/// `GET /api/reports/series.csv?…`: the series, one line per bucket.
pub async fn series_csv_route(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let (asked, report) = build(cx, &agent).await?;
    csv(
        Response::ok(series_csv(&report))?,
        &file_name("series", &asked),
    )
}

/// `GET /api/reports/agents.csv?…`: the agent table.
pub async fn agents_csv_route(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let (asked, report) = build(cx, &agent).await?;
    csv(
        Response::ok(agents_csv(&report))?,
        &file_name("agents", &asked),
    )
}

/// Where the streamed export is: what to read, and after which conversation.
struct Pages {
    store: Store,
    account_id: String,
    span: Span,
    filter: ReportFilter,
    zone: Box<dyn Zone>,
    /// The header line, until the first page goes out.
    header: Option<String>,
    /// The last conversation written (start, id); `None` before the first page.
    after: Option<(u64, String)>,
    done: bool,
}

/// The next chunk of the export: a page of lines (the header before the first).
async fn next_page(mut p: Pages) -> Option<(Result<Vec<u8>, worker::Error>, Pages)> {
    if p.done {
        return None;
    }
    let after = p.after.as_ref().map(|(at, id)| (*at, id.as_str()));
    let page = p
        .store
        .conversation_lines(&p.account_id, p.span, &p.filter, after, PAGE)
        .await;
    let rows = match page {
        Ok(rows) => rows,
        Err(err) => {
            p.done = true;
            return Some((Err(worker::Error::RustError(format!("{err:?}"))), p));
        }
    };
    let mut chunk = p.header.take().unwrap_or_default();
    conversation_lines(&mut chunk, &rows, p.zone.as_ref());
    p.done = rows.len() < PAGE as usize;
    p.after = rows.last().map(|r| (r.started_at, r.id.clone()));
    Some((Ok(chunk.into_bytes()), p))
}

/// `GET /api/reports/conversations.csv?…`: a line per conversation that
/// started in the current period, streamed a page (one D1 call) at a time,
/// so a year of conversations never sits in the worker's memory.
pub async fn conversations_csv(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let asked = asked(cx, &agent).await?;
    let name = file_name("conversations", &asked);
    let span = asked.current();
    let pages = Pages {
        store: cx.app.store.handle(),
        account_id: agent.account_id.clone(),
        span,
        header: Some(conversations_header(&asked.time_zone)),
        filter: asked.filter,
        zone: asked.zone,
        after: None,
        done: false,
    };
    csv(
        Response::from_stream(stream::unfold(pages, next_page))?,
        &name,
    )
}
