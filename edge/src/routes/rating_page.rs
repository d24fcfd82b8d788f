//! Ratings by email: when an email conversation is resolved on a site that
//! asks, a short resolution mail links its contact to the rating page
//! (`GET /rate/{id}?t=…`, signed like reply addresses). Opening the page
//! records nothing (mail scanners follow links); its button POSTs the score
//! to the same address, one rating per conversation, changeable for 7 days.

use shared::api;
use shared::csat::page::{render, View, POLICY};
use shared::csat::{self, validate_comment, RatingSource, Score};
use shared::email::outbound::{self, reply_subject};
use shared::email::reply_address;
use shared::i18n::Locale;
use shared::site::Language;
use worker::{Request, Response};

use super::messages::draft;
use super::{App, Cx};
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::read_bounded;
use crate::ids::new_secret;
use crate::mail::outbound::{build, send, Outgoing};
use crate::store::{AgentRow, NewRating, Rater};

/// The largest form the page posts (a score and a 1,000-character comment, encoded).
const MAX_FORM_BYTES: usize = 16 * 1024;

/// `GET /rate/{id}?t=`: the page's form (the rating so far checked), or why
/// it cannot rate (an invalid link: 404; the 7 days over: 410). Writes nothing.
pub async fn show(cx: &mut Cx<'_>, id: &str) -> ApiResult<Response> {
    let (token, asked_at) = match verified(cx, id)? {
        Ok(found) => found,
        Err(locale) => return page(404, &View::Invalid, locale),
    };
    let Some((rating, language)) = cx.app.store.rating_page(id, asked_at).await? else {
        return page(404, &View::Invalid, locale(&cx.req, None));
    };
    let locale = locale(&cx.req, Some(&language));
    if !csat::open(asked_at, now_ms()) {
        return page(410, &View::Closed, locale);
    }
    let action = format!("/rate/{id}?t={token}");
    let view = View::Form {
        action: &action,
        score: rating.score,
        comment: rating.comment.as_deref(),
    };
    page(200, &view, locale)
}

/// `POST /rate/{id}?t=` with the form's `score` and `comment`: records the
/// rating (or changes it) and thanks; 409 once the 7 days are over; 404 for a
/// link Parley did not sign; 400 for a score that is not 1 to 5.
pub async fn rate(cx: &mut Cx<'_>, id: &str) -> ApiResult<Response> {
    let (_, asked_at) = match verified(cx, id)? {
        Ok(found) => found,
        Err(locale) => return page(404, &View::Invalid, locale),
    };
    let language = cx
        .app
        .store
        .rating_page(id, asked_at)
        .await?
        .map(|(_, language)| language);
    let locale = locale(&cx.req, language.as_deref());
    let form = read_bounded(&mut cx.req, MAX_FORM_BYTES).await?;
    let field = |name: &str| {
        url::form_urlencoded::parse(&form)
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let score = field("score")
        .and_then(|s| s.trim().parse::<i64>().ok())
        .ok_or(csat::SCORE_INVALID)
        .and_then(Score::of)?;
    let comment = validate_comment(field("comment").as_deref())?;
    let rating = NewRating {
        conversation_id: id,
        rater: Rater::Link(asked_at),
        score,
        comment: comment.as_deref(),
        source: RatingSource::Email,
    };
    match super::csat::record(cx.app, &rating).await {
        Ok(_) => page(200, &View::Thanks, locale),
        Err(ApiError::Conflict(_)) => page(409, &View::Closed, locale),
        Err(ApiError::NotFound(_)) => page(404, &View::Invalid, locale),
        Err(e) => Err(e),
    }
}

/// The link's token and when it was asked, if signed for `id`; else the
/// locale to say it is not valid in.
fn verified(cx: &Cx<'_>, id: &str) -> ApiResult<Result<(String, u64), Locale>> {
    let url = cx.req.url()?;
    let token = url
        .query_pairs()
        .find(|(k, _)| k == "t")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    Ok(match csat::verify(cx.app.reply_secret, id, &token) {
        Ok(asked_at) => Ok((token, asked_at)),
        Err(_) => Err(locale(&cx.req, None)),
    })
}

/// The page's language: the site's widget language, or for `auto` (or an
/// unknown site) the browser's.
fn locale(req: &Request, site: Option<&str>) -> Locale {
    let browser = req
        .headers()
        .get("accept-language")
        .ok()
        .flatten()
        .unwrap_or_default();
    let setting = site.and_then(Language::parse).unwrap_or(Language::Auto);
    Locale::resolve(setting, browser.trim_start())
}

/// The page with `status`, under its own policy, never cached or framed.
fn page(status: u16, view: &View<'_>, locale: Locale) -> ApiResult<Response> {
    let mut response = Response::from_html(render(view, locale))?.with_status(status);
    let headers = response.headers_mut();
    headers.set("content-security-policy", POLICY)?;
    headers.set("referrer-policy", "no-referrer")?;
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("cache-control", "no-store")?;
    Ok(response)
}

/// Mails the contact of an email conversation just resolved (and asked)
/// a short resolution email with the rating page's link, from the site's
/// address, signed like a reply so an answer threads. Logged, not raised:
/// the close is stored, and a failed mail only means no rating by email.
pub async fn send_invite(
    app: &App<'_>,
    agent: &AgentRow,
    conversation: &api::Conversation,
    origin: &str,
    asked_at: u64,
) {
    if let Err(e) = try_invite(app, agent, conversation, origin, asked_at).await {
        worker::console_error!("rating invite for {} failed: {e:?}", conversation.id);
    }
}

async fn try_invite(
    app: &App<'_>,
    agent: &AgentRow,
    conversation: &api::Conversation,
    origin: &str,
    asked_at: u64,
) -> Result<(), String> {
    let d = draft(app, agent, conversation)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let language = app
        .store
        .site(&conversation.site_id)
        .await
        .map_err(|e| format!("{e:?}"))?
        .map(|s| s.language)
        .unwrap_or(Language::En);
    let words = csat::words(Locale::resolve(language, ""));
    let link = format!(
        "{origin}{}",
        csat::page_path(app.reply_secret, &conversation.id, asked_at)
    );
    let text = format!("{}\n{link}\n", words.invite);
    let id = crate::ids::new_id("rq");
    let message_id = outbound::message_id(app.reply_secret, &id, &d.subdomain, app.inbound_domain);
    let reply_to = reply_address(
        app.reply_secret,
        &conversation.id,
        &d.subdomain,
        app.inbound_domain,
    );
    let subject = reply_subject(Some(&d.subject)).unwrap_or_else(|| d.subject.clone());
    let mail = Outgoing {
        from_name: &d.from_name,
        from_address: &d.from_address,
        to: &d.to,
        to_name: None,
        cc: &[],
        reply_to: &reply_to,
        subject: &subject,
        message_id: &message_id,
        in_reply_to: None,
        references: &[],
        text: &text,
        signature: d.signature.as_deref(),
        date: now_ms() / 1000,
        boundary: &format!("parley-{}", &new_secret()[..24]),
        files: &[],
    };
    let raw = build(&mail)?;
    let binding = app
        .outbound
        .ok_or("the OUTBOUND send_email binding is not configured")?;
    send(binding, &d.from_address, &d.to, &raw).await
}
