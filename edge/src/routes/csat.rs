//! Satisfaction ratings (`shared::csat`): the ask when an agent resolves a
//! conversation (the widget's `rate` push), the visitor's rating, and the
//! satisfaction report. The email rating page is `routes::rating_page`.

use shared::api::{self, InboxPush, WidgetPush};
use shared::conversation::Channel;
use shared::csat::{validate_comment, RatingSource, WINDOW_CLOSED};
use shared::report::{Cut, Period, Range, RangeKind, Unit};
use worker::Response;

use super::{App, Cx};
use crate::auth::{Agent, VisitorKey};
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::limits::Limit;
use crate::store::{Asked, NewRating, Rated, Rater, RatingScope};

/// The channel filter names no channel.
const CHANNEL_INVALID: shared::Invalid = shared::Invalid::new(
    "channel_invalid",
    "channel= is one of chat, email or messenger.",
);

/// After an agent resolved a conversation: asks for its rating where its
/// site asks (the first resolve), and tells the visitor's widget, which
/// loads its rating module; an email conversation's contact gets the
/// resolution mail with the rating page's link (`routes::rating_page`).
/// Best effort: the close is already stored, so a failure is logged.
pub async fn ask(cx: &Cx<'_>, agent: &Agent, conversation: &api::Conversation) {
    let app = cx.app;
    let Some(asked) = ask_chat(app, &agent.account_id, &conversation.id).await else {
        return;
    };
    if asked.fresh && conversation.channel == Channel::Email {
        match app.public_origin(&cx.req) {
            Ok(origin) => {
                let at = asked.rating.asked_at;
                super::rating_page::send_invite(app, agent, conversation, &origin, at).await
            }
            Err(e) => worker::console_error!("no origin for a rating link: {e:?}"),
        }
    }
}

/// Asks for a resolved conversation's rating where its site asks (an
/// agent's close, or the flow's Close step) and pushes the ask to its
/// visitor's widget; what was asked, if anything (failures are logged).
pub async fn ask_chat(app: &App<'_>, account_id: &str, conversation_id: &str) -> Option<Asked> {
    let asked = match app
        .store
        .ask_rating(account_id, conversation_id, now_ms())
        .await
    {
        Ok(asked) => asked?,
        Err(e) => {
            worker::console_error!("asking to rate {conversation_id}: {e:?}");
            return None;
        }
    };
    if let Some(visitor) = &asked.visitor_id {
        let push = WidgetPush::Rate {
            rating: asked.rating.clone(),
        };
        app.live.to_visitor(&asked.site_id, visitor, &push).await;
    }
    Some(asked)
}

/// `POST /api/widget/rating`: `{conversation_id, score, comment?}`: the
/// visitor rates their resolved conversation (201), or changes the rating
/// (200), until 7 days after it was resolved (then 409 `rating_closed`).
/// Another visitor's conversation, or one not asked, is 404.
pub async fn rate(cx: &mut Cx<'_>, key: VisitorKey) -> ApiResult<Response> {
    let app = cx.app;
    let token = key.token();
    app.limits
        .check(Limit::MessagesPerVisitor, token.visitor_id)
        .await?;
    let input: api::RateInput = read_json(&mut cx.req).await?;
    let comment = validate_comment(input.comment.as_deref())?;
    let rating = NewRating {
        conversation_id: &input.conversation_id,
        rater: Rater::Visitor(&token),
        score: input.score,
        comment: comment.as_deref(),
        source: RatingSource::Widget,
    };
    let (rating, created) = record(app, &rating).await?;
    json(
        if created { 201 } else { 200 },
        &api::RatingAnswer { rating, created },
    )
}

/// Records a rating: its automation deliveries are queued and the team's
/// tabs reload the conversation; `Closed` is 409, `NotAsked` 404.
pub(super) async fn record(
    app: &App<'_>,
    rating: &NewRating<'_>,
) -> ApiResult<(api::Rating, bool)> {
    match app.store.rate(rating, now_ms()).await? {
        Rated::Done(rating, created, queued, account_id) => {
            app.outbox.enqueue(queued).await;
            app.live
                .to_team(&account_id, &InboxPush::changed(&rating.conversation_id))
                .await;
            Ok((rating, created))
        }
        Rated::Closed => Err(ApiError::Conflict(WINDOW_CLOSED)),
        Rated::NotAsked => Err(ApiError::NotFound("Rating")),
    }
}

/// `GET /api/reports/satisfaction?range=&from=&to=&site=&channel=`: score
/// (average, share satisfied, distribution), response rate (rated / asked)
/// and the latest comments, with the previous period beside it; ratings
/// count in the period their conversation was asked in. The primary admin
/// sees the account's; an agent, their own and their teams' conversations'.
pub async fn report(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let store = cx.app.store;
    let url = cx.req.url()?;
    let query = |key: &str| {
        url.query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
            .filter(|v| !v.is_empty())
    };
    let kind = match query("range") {
        Some(r) => RangeKind::parse(&r).ok_or(ApiError::Invalid(shared::report::RANGE_INVALID))?,
        None => RangeKind::Last30Days,
    };
    let range = Range::parse(kind, query("from").as_deref(), query("to").as_deref())?;
    let channel = query("channel")
        .map(|c| Channel::parse(&c).ok_or(ApiError::Invalid(CHANNEL_INVALID)))
        .transpose()?;
    let site = query("site");
    let time_zone = store.time_zone(&agent.account_id).await?;
    let cut = Cut::new(range, Unit::Day, now_ms(), &crate::clock::zone(&time_zone)?)?;
    let scope = RatingScope {
        account_id: &agent.account_id,
        agent: (!agent.is_primary_admin()).then_some(agent.id.as_str()),
        site: site.as_deref(),
        channel,
    };
    let current = period(store, &scope, &cut.current).await?;
    let previous = period(store, &scope, &cut.previous).await?;
    let comments = store
        .rating_comments(&scope, (cut.current.start_ms(), cut.current.end_ms))
        .await?;
    json(
        200,
        &api::SatisfactionReport {
            time_zone,
            current,
            previous,
            comments,
        },
    )
}

/// One period's figures.
async fn period(
    store: &crate::store::Store,
    scope: &RatingScope<'_>,
    p: &Period,
) -> ApiResult<api::SatisfactionPeriod> {
    let tally = store.rating_tally(scope, (p.start_ms(), p.end_ms)).await?;
    Ok(api::SatisfactionPeriod {
        from: iso(p.from),
        to: iso(p.to),
        asked: tally.asked,
        rated: tally.rated(),
        response_rate: tally.response_rate(),
        average: tally.average(),
        satisfied: tally.satisfied(),
        distribution: tally.scores,
    })
}

/// A day as `YYYY-MM-DD`.
fn iso(day: shared::report::Day) -> String {
    let (y, m, d) = day.ymd();
    format!("{y:04}-{m:02}-{d:02}")
}
