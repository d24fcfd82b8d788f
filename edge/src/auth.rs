//! Who is calling: a visitor (widget token), or an agent by API key (Bearer)
//! or by session cookie. Cookie-authenticated calls that change state must
//! carry the session's CSRF token in `X-CSRF-Token`.

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

/// The visitor whose token the request carries; refused if unknown, wrong or
/// unseen for more than 30 days.
pub async fn visitor(store: &Store, req: &Request) -> ApiResult<VisitorRow> {
    visitor_by_token(store, &visitor_credential(req)?).await
}

/// The visitor token a widget call carries, not yet checked (the one-trip
/// paths check it inside their batch).
pub fn visitor_credential(req: &Request) -> ApiResult<String> {
    bearer(req)?.ok_or(ApiError::Unauthorized(TOKEN_INVALID))
}

/// The visitor whose token this is (see [`visitor`]).
pub async fn visitor_by_token(store: &Store, credential: &str) -> ApiResult<VisitorRow> {
    let token = VisitorToken::parse(credential).map_err(ApiError::Unauthorized)?;
    let row = store
        .visitor(token.visitor_id)
        .await?
        .ok_or(ApiError::Unauthorized(TOKEN_INVALID))?;
    if !token.matches(&row.token_hash) || is_expired(row.last_seen_at, now_ms()) {
        return Err(ApiError::Unauthorized(TOKEN_INVALID));
    }
    Ok(row)
}

/// An authenticated agent and how they proved it.
pub struct SignedIn {
    /// The agent.
    pub agent: AgentRow,
    /// The session's CSRF token, when signed in by cookie.
    pub csrf_token: Option<String>,
    /// The session token's hash, when signed in by cookie.
    pub session_hash: Option<String>,
    /// The hash of the credential used (session token or API key): what a live socket is closed by.
    pub credential: String,
    /// When the session expires (ms); never for an API key.
    pub expires_at: Option<u64>,
}

/// The calling agent, by API key or session cookie (CSRF checked for changes).
pub async fn signed_in(store: &Store, req: &Request) -> ApiResult<SignedIn> {
    if let Some(key) = bearer(req)? {
        if !key.starts_with("pk_") {
            return Err(ApiError::Unauthorized(AGENT_UNAUTHORIZED));
        }
        let key_hash = hash_secret(&key);
        let (agent, last_used_at) = store
            .agent_by_api_key(&key_hash)
            .await?
            .ok_or(ApiError::Unauthorized(AGENT_UNAUTHORIZED))?;
        let now = now_ms();
        if last_used_at.is_none_or(|t| now.saturating_sub(t) >= LAST_USED_GRANULARITY_MS) {
            store.touch_api_key(&key_hash, now).await?;
        }
        return Ok(SignedIn {
            agent,
            csrf_token: None,
            session_hash: None,
            credential: key_hash,
            expires_at: None,
        });
    }
    let token =
        cookie(req, session_cookie_name(req))?.ok_or(ApiError::Unauthorized(AGENT_UNAUTHORIZED))?;
    let session_hash = hash_secret(&token);
    let (agent, csrf, expires_at) = store
        .agent_by_session(&session_hash, now_ms())
        .await?
        .ok_or(ApiError::Unauthorized(AGENT_UNAUTHORIZED))?;
    if !matches!(req.method(), Method::Get | Method::Head | Method::Options) {
        let sent = req.headers().get("x-csrf-token")?.unwrap_or_default();
        if !same(sent.as_bytes(), csrf.as_bytes()) {
            return Err(ApiError::Forbidden(CSRF_INVALID));
        }
    }
    Ok(SignedIn {
        agent,
        csrf_token: Some(csrf),
        credential: session_hash.clone(),
        session_hash: Some(session_hash),
        expires_at: Some(expires_at),
    })
}

/// The calling agent.
pub async fn agent(store: &Store, req: &Request) -> ApiResult<AgentRow> {
    Ok(signed_in(store, req).await?.agent)
}

/// The calling agent, who must be the account's primary admin.
pub async fn admin(store: &Store, req: &Request) -> ApiResult<AgentRow> {
    let agent = agent(store, req).await?;
    if !agent.is_primary_admin() {
        return Err(ApiError::Forbidden(ADMIN_ONLY));
    }
    Ok(agent)
}
