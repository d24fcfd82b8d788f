//! Opening live sockets, authorized like the API: a widget's by its visitor
//! token (scoped to that visitor), or with no token as anonymous (scoped to
//! the site, the team's presence only); an inbox tab's by the agent's session
//! or API key (scoped to the account); and the agent's online/away toggle.

use shared::api;
use shared::visitor::TOKEN_INVALID;
use shared::Invalid;
use worker::{Request, Response};

use super::widget::VISITOR_BLOCKED;
use super::Cx;
use crate::auth;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::new_id;
use crate::limits::{client_ip, Limit};
use crate::live::{AgentSocket, VisitorSocket};

/// A browser page of another origin tried to open an agent's socket.
const FOREIGN_ORIGIN: Invalid = Invalid::new(
    "origin_refused",
    "The inbox's live socket opens only from the inbox's own origin.",
);

fn require_upgrade(req: &Request) -> ApiResult<()> {
    let upgrade = req.headers().get("upgrade")?.unwrap_or_default();
    if upgrade.eq_ignore_ascii_case("websocket") {
        Ok(())
    } else {
        Err(ApiError::UpgradeRequired)
    }
}

/// The visitor token a widget offers as its second WebSocket subprotocol
/// (`parley, <token>`): browsers cannot set headers on a socket, and a token
/// in the URL would end up in logs. `parley` alone offers none.
fn offered_token(req: &Request) -> ApiResult<Option<String>> {
    let offered = req
        .headers()
        .get("sec-websocket-protocol")?
        .unwrap_or_default();
    let mut protocols = offered.split(',').map(str::trim);
    match (protocols.next(), protocols.next()) {
        (Some("parley"), None) => Ok(None),
        (Some("parley"), Some(token)) if !token.is_empty() => Ok(Some(token.to_string())),
        _ => Err(ApiError::Unauthorized(TOKEN_INVALID)),
    }
}

/// `GET /api/widget/live?site=` (WebSocket): the visitor's pushes, for the
/// token's visitor only; without a token (a panel open before its visitor
/// wrote), the site's presence pushes and nothing else.
pub async fn widget(cx: &mut Cx<'_>) -> ApiResult<Response> {
    let app = cx.app;
    require_upgrade(&cx.req)?;
    let Some(token) = offered_token(&cx.req)? else {
        return anonymous(cx).await;
    };
    let visitor = auth::visitor_by_token(app.store, &token).await?;
    if visitor.blocked_at.is_some() {
        return Err(ApiError::Forbidden(VISITOR_BLOCKED));
    }
    let socket = VisitorSocket {
        socket_id: new_id("ws"),
        visitor_id: visitor.id,
        account_id: visitor.account_id,
    };
    let response = app.live.connect_visitor(&visitor.site_id, &socket).await?;
    // The visitor's object refuses a visitor it heard blocked after the read above.
    if response.status_code() == 403 {
        return Err(ApiError::Forbidden(VISITOR_BLOCKED));
    }
    Ok(response)
}

/// A widget's socket without a visitor: no row, no cookie, nothing personal.
/// It hears whether the team is online, on a site that takes chats; opening
/// one is limited per client IP like making a visitor (its own count).
async fn anonymous(cx: &mut Cx<'_>) -> ApiResult<Response> {
    let app = cx.app;
    let site_id = cx
        .req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == "site")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    app.limits
        .check(
            Limit::VisitorsPerIp,
            &["watch:", &client_ip(&cx.req)].concat(),
        )
        .await?;
    let site = app
        .store
        .site(&site_id)
        .await?
        .filter(|s| s.enabled == 1)
        .ok_or(ApiError::NotFound("Site"))?;
    app.live.watch_site(&site.id, &site.account_id).await
}

/// `GET /api/live` (WebSocket): the account's pushes, for a signed-in agent,
/// from the inbox's own origin (no other site can open it with the cookie).
pub async fn inbox(cx: &mut Cx<'_>) -> ApiResult<Response> {
    let app = cx.app;
    require_upgrade(&cx.req)?;
    if let Some(origin) = cx.req.headers().get("origin")? {
        let own = cx.req.url()?.origin().ascii_serialization();
        if origin != own {
            return Err(ApiError::Forbidden(FOREIGN_ORIGIN));
        }
    }
    let signed_in = auth::signed_in(app.store, &cx.req).await?;
    let agent = signed_in.agent;
    let socket = AgentSocket {
        socket_id: new_id("ws"),
        account_id: agent.account_id,
        agent_id: agent.id,
        name: agent.full_name,
        away: agent.away == 1,
        viewing: None,
        replying: false,
        credential: signed_in.credential,
        expires_at: signed_in.expires_at,
    };
    app.live.connect_agent(&socket).await
}

/// `PUT /api/presence` `{"away": bool}`: the agent's online/away toggle, kept
/// across sessions; widgets hear when the team's presence flips.
pub async fn presence(cx: &mut Cx<'_>) -> ApiResult<Response> {
    let app = cx.app;
    let agent = auth::agent(app.store, &cx.req).await?;
    let change: api::PresenceChange = read_json(&mut cx.req).await?;
    app.store.set_away(&agent.id, change.away).await?;
    app.live
        .set_away(&agent.account_id, &agent.id, change.away)
        .await;
    json(200, &change)
}
