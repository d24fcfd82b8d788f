//! Who is calling, proved before a handler runs. The router asks [`prove`]
//! for the caller its route table names (`shared::api::routes::Who`) and
//! hands the handler what was proved: a [`VisitorKey`], an [`Agent`] or an
//! [`Admin`]. Agents sign in by API key (Bearer) or session cookie; cookie
//! calls that change state must carry the session's CSRF token in
//! `X-CSRF-Token`, and a cookie socket must come from the inbox's origin.

use std::ops::Deref;

use shared::api::routes::{Route, Who};
use shared::digest::same;
use shared::visitor::{hash_secret, is_expired, VisitorToken, TOKEN_INVALID};
use shared::Invalid;
use worker::{Method, Request};

use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{bearer, cookie, session_cookie_name};
use crate::store::{AgentRow, Store, VisitorRow, LAST_USED_GRANULARITY_MS};

/// The caller is not a signed-in agent.
pub const AGENT_UNAUTHORIZED: Invalid = Invalid::new(
    "unauthorized",
    "Sign in as an agent, or send an API key as 'Authorization: Bearer <key>'.",
);
/// A cookie-authenticated change came without the session's CSRF token.
pub const CSRF_INVALID: Invalid = Invalid::new(
    "csrf_invalid",
    "This change needs the X-CSRF-Token header of your session; reload the inbox and try again.",
);
/// Only the primary admin may do this.
pub const ADMIN_ONLY: Invalid = Invalid::new(
    "admin_only",
    "Only the account's primary admin can view or change these settings.",
);
/// A browser page of another origin tried to open an agent's socket.
const FOREIGN_ORIGIN: Invalid = Invalid::new(
    "origin_refused",
    "The inbox's live socket opens only from the inbox's own origin.",
);

/// A widget visitor's token, well formed but not yet checked against D1:
/// [`VisitorKey::verify`] checks it, and the one-trip paths check
/// [`VisitorKey::token`] inside their batch.
pub struct VisitorKey {
    /// The visitor id the token names.
    visitor_id: String,
    /// The token's secret half.
    secret: String,
}

impl VisitorKey {
    /// The key in a credential; 401 if it is not a well-formed visitor token.
    fn parse(credential: &str) -> ApiResult<Self> {
        let token = VisitorToken::parse(credential).map_err(ApiError::Unauthorized)?;
        Ok(Self {
            visitor_id: token.visitor_id.to_string(),
            secret: token.secret.to_string(),
        })
    }

    /// The token, for a batch that checks it as it writes.
    pub fn token(&self) -> VisitorToken<'_> {
        VisitorToken {
            visitor_id: &self.visitor_id,
            secret: &self.secret,
        }
    }

    /// The visitor id the token names (not yet proved: a limit's key).
    pub fn visitor_id(&self) -> &str {
        &self.visitor_id
    }

    /// The visitor whose token this is; refused if unknown, wrong or unseen
    /// for more than 30 days.
    pub async fn verify(&self, store: &Store) -> ApiResult<VisitorRow> {
        let row = store
            .visitor(&self.visitor_id)
            .await?
            .ok_or(ApiError::Unauthorized(TOKEN_INVALID))?;
        if !self.token().matches(&row.token_hash) || is_expired(row.last_seen_at, now_ms()) {
            return Err(ApiError::Unauthorized(TOKEN_INVALID));
        }
        Ok(row)
    }
}

/// An authenticated agent and how they proved it; reads as its [`AgentRow`].
pub struct Agent {
    /// The agent.
    pub row: AgentRow,
    /// The session's CSRF token, when signed in by cookie.
    pub csrf_token: Option<String>,
    /// The session token's hash, when signed in by cookie.
    pub session_hash: Option<String>,
    /// The hash of the credential used (session token or API key): what a live socket is closed by.
    pub credential: String,
    /// When the session expires (ms); never for an API key.
    pub expires_at: Option<u64>,
}

impl Deref for Agent {
    type Target = AgentRow;
    fn deref(&self) -> &AgentRow {
        &self.row
    }
}

/// An agent proved to be the account's primary admin (an admin-role key
/// acts as one); reads as its [`AgentRow`].
pub struct Admin(Agent);

impl Deref for Admin {
    type Target = AgentRow;
    fn deref(&self) -> &AgentRow {
        &self.0.row
    }
}

/// What the router proved about a caller, as its route's [`Who`] asked.
pub enum Caller {
    /// Nothing: anyone may call.
    Anyone,
    /// The widget's socket: a visitor's key, or none before a visitor exists.
    Widget(Option<VisitorKey>),
    /// A visitor's key.
    Visitor(VisitorKey),
    /// An agent.
    Agent(Agent),
    /// The primary admin.
    Admin(Admin),
}

/// A handler took another caller than its route's table line proves: a bug
/// the authorization matrix test finds.
fn mismatch(wanted: &str) -> ApiError {
    ApiError::Internal(format!(
        "the handler takes {wanted}, which its route's table line does not prove"
    ))
}

impl Caller {
    /// The visitor's key of a visitor route.
    pub fn visitor(self) -> ApiResult<VisitorKey> {
        match self {
            Caller::Visitor(key) => Ok(key),
            _ => Err(mismatch("a visitor")),
        }
    }

    /// The visitor's key, if any, of the widget's socket.
    pub fn widget(self) -> ApiResult<Option<VisitorKey>> {
        match self {
            Caller::Widget(key) => Ok(key),
            _ => Err(mismatch("a widget")),
        }
    }

    /// The agent of an agent's route (or of an admin's: the admin is an agent).
    pub fn agent(self) -> ApiResult<Agent> {
        match self {
            Caller::Agent(agent) | Caller::Admin(Admin(agent)) => Ok(agent),
            _ => Err(mismatch("an agent")),
        }
    }

    /// The primary admin of an admin's route.
    pub fn admin(self) -> ApiResult<Admin> {
        match self {
            Caller::Admin(admin) => Ok(admin),
            _ => Err(mismatch("the primary admin")),
        }
    }
}

/// Proves the caller `route` names, before its handler runs: a socket route
/// first needs the upgrade (426), then the credential of its caller (401),
/// and an admin's route an admin (403).
pub async fn prove(store: &Store, req: &Request, route: &Route) -> ApiResult<Caller> {
    if route.socket {
        require_upgrade(req)?;
    }
    Ok(match route.who {
        Who::Anyone | Who::Meta => Caller::Anyone,
        Who::Visitor => {
            let credential = bearer(req)?.ok_or(ApiError::Unauthorized(TOKEN_INVALID))?;
            Caller::Visitor(VisitorKey::parse(&credential)?)
        }
        Who::VisitorOrAnyone => {
            let offered = offered_token(req)?;
            Caller::Widget(offered.as_deref().map(VisitorKey::parse).transpose()?)
        }
        Who::Agent => Caller::Agent(agent(store, req, route.socket).await?),
        Who::Admin => {
            let agent = agent(store, req, route.socket).await?;
            if !agent.is_primary_admin() {
                return Err(ApiError::Forbidden(ADMIN_ONLY));
            }
            Caller::Admin(Admin(agent))
        }
    })
}

/// A socket route asked without `Upgrade: websocket` is 426.
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

/// A browser page of another origin cannot open an agent's socket with the
/// cookie it would send along (what the CSRF token is to changes).
fn same_origin(req: &Request) -> ApiResult<()> {
    if let Some(origin) = req.headers().get("origin")? {
        let own = req.url()?.origin().ascii_serialization();
        if origin != own {
            return Err(ApiError::Forbidden(FOREIGN_ORIGIN));
        }
    }
    Ok(())
}

/// The calling agent, by API key or session cookie (CSRF checked for
/// changes); on a socket, from the inbox's own origin.
async fn agent(store: &Store, req: &Request, socket: bool) -> ApiResult<Agent> {
    if socket {
        same_origin(req)?;
    }
    match bearer(req)? {
        Some(key) => by_api_key(store, &key).await,
        None => by_session(store, req).await,
    }
}

/// The agent an API key acts as, in the key's role.
async fn by_api_key(store: &Store, key: &str) -> ApiResult<Agent> {
    if !key.starts_with("pk_") {
        return Err(ApiError::Unauthorized(AGENT_UNAUTHORIZED));
    }
    let key_hash = hash_secret(key);
    let (row, last_used_at) = store
        .agent_by_api_key(&key_hash)
        .await?
        .ok_or(ApiError::Unauthorized(AGENT_UNAUTHORIZED))?;
    let now = now_ms();
    if last_used_at.is_none_or(|t| now.saturating_sub(t) >= LAST_USED_GRANULARITY_MS) {
        store.touch_api_key(&key_hash, now).await?;
    }
    Ok(Agent {
        row,
        csrf_token: None,
        session_hash: None,
        credential: key_hash,
        expires_at: None,
    })
}

/// The agent of the session cookie; a change must carry its CSRF token.
async fn by_session(store: &Store, req: &Request) -> ApiResult<Agent> {
    let token =
        cookie(req, session_cookie_name(req))?.ok_or(ApiError::Unauthorized(AGENT_UNAUTHORIZED))?;
    let session_hash = hash_secret(&token);
    let (row, csrf, expires_at) = store
        .agent_by_session(&session_hash, now_ms())
        .await?
        .ok_or(ApiError::Unauthorized(AGENT_UNAUTHORIZED))?;
    if !matches!(req.method(), Method::Get | Method::Head | Method::Options) {
        let sent = req.headers().get("x-csrf-token")?.unwrap_or_default();
        if !same(sent.as_bytes(), csrf.as_bytes()) {
            return Err(ApiError::Forbidden(CSRF_INVALID));
        }
    }
    Ok(Agent {
        row,
        csrf_token: Some(csrf),
        credential: session_hash.clone(),
        session_hash: Some(session_hash),
        expires_at: Some(expires_at),
    })
}
