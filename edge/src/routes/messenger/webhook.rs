//! Meta's side of Messenger: the webhook's GET handshake and its signed POST
//! deliveries, stored once per message with the receipts applied.

use shared::api::InboxPush;
use shared::conversation::Author;
use shared::messenger::{signature_valid, Event, Receipt, Webhook, SIGNATURE_HEADER};
use shared::Invalid;
use worker::Response;

use super::super::{App, Cx};
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::graph;
use crate::ids::NewIds;
use crate::secrets::Context;
use crate::store::{InboundMessenger, PageRow, Profile};

/// Largest webhook delivery accepted (Meta batches are far smaller).
const MAX_WEBHOOK_BODY: usize = 1024 * 1024;

const NOT_VERIFIED: Invalid = Invalid::new(
    "webhook_verification_failed",
    "hub.mode must be subscribe and hub.verify_token the verify token Settings › Messenger shows.",
);
const BAD_SIGNATURE: Invalid = Invalid::new(
    "signature_invalid",
    "The delivery must name connected Pages and carry X-Hub-Signature-256 made with their App secret; nothing was stored.",
);

/// `GET /api/messenger/webhook?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`:
/// the challenge as text when a site has this token (recorded as verified), else 403.
pub async fn verify(cx: &mut Cx<'_>) -> ApiResult<Response> {
    let url = cx.req.url()?;
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let (mode, token, challenge) = (
        param("hub.mode"),
        param("hub.verify_token"),
        param("hub.challenge"),
    );
    match (mode.as_deref(), token.as_deref().filter(|t| !t.is_empty())) {
        (Some("subscribe"), Some(token))
            if cx.app.store.verify_messenger(token, now_ms()).await? =>
        {
            let mut response = Response::ok(challenge.unwrap_or_default())?;
            response
                .headers_mut()
                .set("content-type", "text/plain; charset=utf-8")?;
            Ok(response)
        }
        _ => Err(ApiError::Forbidden(NOT_VERIFIED)),
    }
}

/// `POST /api/messenger/webhook`: checks the signature over the raw body with
/// the App secret of every Page it names before anything else (403, nothing
/// stored), then stores each message once per `mid` and applies receipts.
pub async fn receive(cx: &mut Cx<'_>) -> ApiResult<Response> {
    let app = cx.app;
    let signature = cx.req.headers().get(SIGNATURE_HEADER)?;
    let raw = crate::http::read_bounded(&mut cx.req, MAX_WEBHOOK_BODY).await?;
    let hook: Webhook =
        serde_json::from_slice(&raw).map_err(|_| ApiError::Forbidden(BAD_SIGNATURE))?;
    let named = hook.page_ids();
    let pages = app.store.messenger_pages(&named).await?;
    if named.is_empty() || pages.len() != named.len() {
        return Err(ApiError::Forbidden(BAD_SIGNATURE));
    }
    for page in &pages {
        let secret = app
            .secrets
            .open(
                Context::Messenger(&page.site_id, "app_secret"),
                &page.app_secret_enc,
            )
            .await?;
        if !signature_valid(&secret, &raw, signature.as_deref()) {
            return Err(ApiError::Forbidden(BAD_SIGNATURE));
        }
    }
    let events = hook.events();
    for page in &pages {
        store_events(app, page, &events).await?;
    }
    Ok(Response::ok("EVENT_RECEIVED")?)
}

/// Stores one Page's events: profiles of new people fetched first (one query
/// to know them), then one batch per message, one update per receipt.
async fn store_events(app: &App<'_>, page: &PageRow, events: &[Event]) -> ApiResult<()> {
    let profiles = new_profiles(app, page, events).await?;
    for event in events {
        match event {
            Event::Message {
                page_id,
                psid,
                mid,
                body,
            } if *page_id == page.page_id => {
                let profile = profiles.iter().find(|(p, _)| p == psid).map(|(_, p)| p);
                store_message(app, page, psid, mid, body, profile).await?;
            }
            Event::Delivered {
                page_id,
                psid,
                mids,
                watermark,
            } if *page_id == page.page_id => {
                receipt(app, page, psid, Receipt::Delivered, mids, *watermark).await?;
            }
            Event::Read {
                page_id,
                psid,
                watermark,
            } if *page_id == page.page_id => {
                receipt(app, page, psid, Receipt::Read, &[], *watermark).await?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// The Graph API profiles of the people who write to this Page in `events`
/// and are not known yet (one query to know them; the Page token opened only
/// when someone is new). A profile the Graph API does not give is left out.
async fn new_profiles(
    app: &App<'_>,
    page: &PageRow,
    events: &[Event],
) -> ApiResult<Vec<(String, Profile)>> {
    let mut psids: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            Event::Message { page_id, psid, .. } if *page_id == page.page_id => Some(psid.as_str()),
            _ => None,
        })
        .collect();
    psids.sort_unstable();
    psids.dedup();
    let mut profiles = Vec::new();
    if psids.is_empty() {
        return Ok(profiles);
    }
    let known = app
        .store
        .messenger_profiles_known(&page.site_id, &psids)
        .await?;
    let unknown: Vec<&str> = psids
        .into_iter()
        .filter(|p| !known.iter().any(|k| k == p))
        .collect();
    if unknown.is_empty() {
        return Ok(profiles);
    }
    let token = app
        .secrets
        .open(
            Context::Messenger(&page.site_id, "page_token"),
            &page.page_token_enc,
        )
        .await?;
    for psid in unknown {
        if let Some(profile) = graph::profile(app.graph_api_base, &token, psid).await {
            profiles.push((psid.to_string(), profile));
        }
    }
    Ok(profiles)
}

/// Stores one message (once per `mid`) and tells the team when it was new.
async fn store_message(
    app: &App<'_>,
    page: &PageRow,
    psid: &str,
    mid: &str,
    body: &str,
    profile: Option<&Profile>,
) -> ApiResult<()> {
    let ids = NewIds::fresh();
    let inbound = InboundMessenger {
        site_id: &page.site_id,
        psid,
        mid,
        body,
        profile,
        ids: &ids,
    };
    if let Some(conversation) = app.store.add_messenger_message(&inbound, now_ms()).await? {
        let push = InboxPush::stored(&conversation, &ids.message, Author::Visitor, body);
        app.live.to_team(&page.account_id, &push).await;
    }
    Ok(())
}

async fn receipt(
    app: &App<'_>,
    page: &PageRow,
    psid: &str,
    receipt: Receipt,
    mids: &[String],
    watermark: u64,
) -> ApiResult<()> {
    for conversation in app
        .store
        .messenger_receipt(&page.site_id, psid, receipt, mids, watermark)
        .await?
    {
        app.live
            .to_team(&page.account_id, &InboxPush::changed(&conversation))
            .await;
    }
    Ok(())
}
