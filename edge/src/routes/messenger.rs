//! Facebook Messenger: the webhook Meta calls (`messenger::webhook`), the
//! primary admin's Page connection in Settings, and the agents' replies
//! through the Send API.

use shared::api::{self, InboxPush};
use shared::messenger::{send_body, window, MessagingWindow, WINDOW_CLOSED};
use shared::Invalid;
use worker::Response;

mod webhook;

pub use webhook::{receive, verify};

use super::{App, Cx};
use crate::auth::Admin;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::graph;
use crate::http::{json, read_json};
use crate::ids::{new_id, new_secret};
use crate::secrets::Context;
use crate::store::{AgentRow, PageRow, SentMessenger};

const BAD_PAGE_ID: Invalid = Invalid::new(
    "page_id_invalid",
    "The Page id is the Page's number, e.g. 104857600123456.",
);
const BAD_SECRET: Invalid = Invalid::new(
    "messenger_secret_invalid",
    "The Page access token and the App secret must be the values from the Meta app, up to 1024 characters.",
);
const SECRETS_REQUIRED: Invalid = Invalid::new(
    "messenger_secrets_required",
    "Connecting a Page needs both its Page access token and the App secret.",
);
const PAGE_TAKEN: Invalid = Invalid::new(
    "page_connected_elsewhere",
    "This Page is already connected to another site.",
);
const NO_PERSON: Invalid = Invalid::new(
    "reply_channel_unavailable",
    "This conversation has no Messenger person to answer.",
);
const NOT_CONNECTED: Invalid = Invalid::new(
    "messenger_not_connected",
    "The site has no Facebook Page connected; the primary admin can connect one in Settings › Messenger.",
);
const SEND_FAILED: Invalid = Invalid::new(
    "messenger_send_failed",
    "Messenger refused the reply; it is kept in the thread marked as failed, with the Graph API's error.",
);

/// A site of the admin's account (another account's site is not found).
async fn own_site(app: &App<'_>, admin: &AgentRow, site_id: &str) -> ApiResult<()> {
    let site = app
        .store
        .site(site_id)
        .await?
        .filter(|s| s.account_id == admin.account_id);
    site.map(|_| ()).ok_or(ApiError::NotFound("Site"))
}

fn settings(
    cx: &Cx<'_>,
    site_id: &str,
    page: Option<&PageRow>,
) -> ApiResult<api::MessengerSettings> {
    let origin = cx.app.public_origin(&cx.req)?;
    Ok(api::MessengerSettings {
        site_id: site_id.to_string(),
        page_id: page.map(|p| p.page_id.clone()),
        page_access_token_set: page.is_some_and(|p| !p.page_token_enc.is_empty()),
        app_secret_set: page.is_some_and(|p| !p.app_secret_enc.is_empty()),
        verify_token: page.map(|p| p.verify_token.clone()),
        webhook_url: format!("{origin}/api/messenger/webhook"),
        verified_at: page.and_then(|p| p.verified_at),
    })
}

/// `GET /api/sites/{site}/messenger`: the Page connection, without its secrets.
pub async fn show(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let app = cx.app;
    own_site(app, &admin, site_id).await?;
    let page = app.store.messenger_page(site_id).await?;
    json(200, &settings(cx, site_id, page.as_ref())?)
}

/// A secret as given: trimmed, present, at most 1024 characters.
fn secret_input(value: Option<&str>) -> ApiResult<Option<&str>> {
    match value.map(str::trim) {
        None => Ok(None),
        Some(v) if v.is_empty() || v.len() > 1024 || v.chars().any(char::is_whitespace) => {
            Err(ApiError::Invalid(BAD_SECRET))
        }
        Some(v) => Ok(Some(v)),
    }
}

/// The new value sealed, else the stored sealed one; a first connection needs a value.
async fn sealed_or_kept(
    app: &App<'_>,
    site_id: &str,
    what: &str,
    value: Option<&str>,
    kept: Option<&String>,
) -> ApiResult<String> {
    match (value, kept) {
        (Some(value), _) => {
            app.secrets
                .seal(Context::Messenger(site_id, what), value)
                .await
        }
        (None, Some(kept)) => Ok(kept.clone()),
        (None, None) => Err(ApiError::Invalid(SECRETS_REQUIRED)),
    }
}

/// `PUT /api/sites/{site}/messenger`: `{page_id, page_access_token?, app_secret?}`;
/// secrets are sealed before they are stored, and a new verify token is made once.
pub async fn update(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let app = cx.app;
    let input: api::MessengerChanges = read_json(&mut cx.req).await?;
    own_site(app, &admin, site_id).await?;
    let page_id = input.page_id.trim();
    if page_id.is_empty() || page_id.len() > 32 || !page_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::Invalid(BAD_PAGE_ID));
    }
    let (token, secret) = (
        secret_input(input.page_access_token.as_deref())?,
        secret_input(input.app_secret.as_deref())?,
    );
    let existing = app.store.messenger_page(site_id).await?;
    let page = PageRow {
        site_id: site_id.to_string(),
        account_id: admin.account_id.clone(),
        page_id: page_id.to_string(),
        page_token_enc: sealed_or_kept(
            app,
            site_id,
            "page_token",
            token,
            existing.as_ref().map(|p| &p.page_token_enc),
        )
        .await?,
        app_secret_enc: sealed_or_kept(
            app,
            site_id,
            "app_secret",
            secret,
            existing.as_ref().map(|p| &p.app_secret_enc),
        )
        .await?,
        verify_token: existing
            .as_ref()
            .map(|p| p.verify_token.clone())
            .unwrap_or_else(new_secret),
        verified_at: None,
    };
    if !app.store.save_messenger_page(&page, now_ms()).await? {
        return Err(ApiError::Conflict(PAGE_TAKEN));
    }
    let saved = app.store.messenger_page(site_id).await?;
    json(200, &settings(cx, site_id, saved.as_ref())?)
}

/// The Messenger side of a thread: the person and whether a reply may go out now.
pub async fn thread(
    app: &App<'_>,
    conversation_id: &str,
) -> ApiResult<Option<api::MessengerThread>> {
    let Some(route) = app.store.messenger_route(conversation_id).await? else {
        return Ok(None);
    };
    let window = window(route.last_inbound_at, now_ms());
    Ok(Some(api::MessengerThread {
        name: route.name,
        picture_url: route.picture_url,
        window,
        closed_reason: (window == MessagingWindow::Closed)
            .then(|| WINDOW_CLOSED.message.to_string()),
    }))
}

/// An agent's reply through the Send API, in the window's terms: refused (409,
/// nothing sent) after 7 days; a refused send is kept marked failed (502).
pub async fn reply(
    app: &App<'_>,
    agent: &AgentRow,
    conversation: &api::Conversation,
    body: &str,
) -> ApiResult<Response> {
    let route = app
        .store
        .messenger_route(&conversation.id)
        .await?
        .ok_or(ApiError::Invalid(NO_PERSON))?;
    let now = now_ms();
    let payload = send_body(&route.psid, body, window(route.last_inbound_at, now))
        .ok_or(ApiError::Conflict(WINDOW_CLOSED))?;
    let (Some(page_id), Some(token)) = (&route.page_id, &route.page_token_enc) else {
        return Err(ApiError::Conflict(NOT_CONNECTED));
    };
    let token = app
        .secrets
        .open(
            Context::Messenger(&conversation.site_id, "page_token"),
            token,
        )
        .await?;
    let result = graph::send(app.graph_api_base, &token, page_id, &payload).await;
    if let Err(e) = &result {
        worker::console_error!("Messenger reply in {} failed: {e}", conversation.id);
    }
    let message_id = new_id("m");
    let sent = SentMessenger {
        conversation_id: &conversation.id,
        agent_id: &agent.id,
        message_id: &message_id,
        body,
        mid: result.as_ref().ok().and_then(|m| m.as_deref()),
        error: result.as_ref().err().map(String::as_str),
    };
    let message = app.store.add_messenger_reply(&sent, now).await?;
    let push = InboxPush::stored(
        &message.conversation_id,
        &message.id,
        message.author,
        &message.body,
    );
    app.live.to_team(&agent.account_id, &push).await;
    if result.is_err() {
        return Err(ApiError::BadGateway(SEND_FAILED));
    }
    json(201, &api::MessageAnswer { message })
}
