//! Opening live sockets, authorized like the API (the router proves the
//! caller first, `crate::auth`): a widget's by its visitor token (scoped to
//! that visitor), or with no token as anonymous (scoped to the site, the
//! team's presence only); an inbox tab's by the agent's session or API key
//! (scoped to the account); and the agent's online/away toggle.

use shared::api;
use worker::Response;

use super::widget::VISITOR_BLOCKED;
use super::Cx;
use crate::auth::{Agent, VisitorKey};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::new_id;
use crate::limits::{client_ip, Limit};
use crate::live::{AgentSocket, VisitorSocket};

/// `GET /api/widget/live?site=` (WebSocket): the visitor's pushes, for the
/// token's visitor only; without a token (a panel open before its visitor
/// wrote), the site's presence pushes and nothing else.
pub async fn widget(cx: &mut Cx<'_>, key: Option<VisitorKey>) -> ApiResult<Response> {
    let app = cx.app;
    let Some(key) = key else {
        return anonymous(cx).await;
    };
    let visitor = key.verify(app.store).await?;
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
pub async fn inbox(cx: &mut Cx<'_>, signed_in: Agent) -> ApiResult<Response> {
    let app = cx.app;
    let agent = signed_in.row;
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
pub async fn presence(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let app = cx.app;
    let change: api::PresenceChange = read_json(&mut cx.req).await?;
    app.store.set_away(&agent.id, change.away).await?;
    app.live
        .set_away(&agent.account_id, &agent.id, change.away)
        .await;
    json(200, &change)
}
