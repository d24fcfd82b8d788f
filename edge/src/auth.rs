//! Who is calling: a visitor (widget token) or an agent (API key).

use shared::visitor::{hash_secret, is_expired, VisitorToken, TOKEN_INVALID};
use shared::Invalid;
use worker::Request;

use crate::error::{ApiError, ApiResult};
use crate::http::bearer;
use crate::ids::now_ms;
use crate::store::{AgentRow, Store, VisitorRow};

/// The caller is not a signed-in agent.
pub const AGENT_UNAUTHORIZED: Invalid = Invalid::new(
    "unauthorized",
    "Sign in as an agent, or send an API key as 'Authorization: Bearer <key>'.",
);

/// The visitor whose token the request carries; refused if unknown, wrong or
/// unseen for more than 30 days.
pub async fn visitor(store: &Store, req: &Request) -> ApiResult<VisitorRow> {
    let credential = bearer(req)?.ok_or(ApiError::Unauthorized(TOKEN_INVALID))?;
    let token = VisitorToken::parse(&credential).map_err(ApiError::Unauthorized)?;
    let row = store.visitor(token.visitor_id).await?.ok_or(ApiError::Unauthorized(TOKEN_INVALID))?;
    if !token.matches(&row.token_hash) || is_expired(row.last_seen_at, now_ms()) {
        return Err(ApiError::Unauthorized(TOKEN_INVALID));
    }
    Ok(row)
}

/// The agent whose API key the request carries.
pub async fn agent(store: &Store, req: &Request) -> ApiResult<AgentRow> {
    let key = bearer(req)?.ok_or(ApiError::Unauthorized(AGENT_UNAUTHORIZED))?;
    if !key.starts_with("pk_") {
        return Err(ApiError::Unauthorized(AGENT_UNAUTHORIZED));
    }
    store.agent_by_api_key(&hash_secret(&key)).await?.ok_or(ApiError::Unauthorized(AGENT_UNAUTHORIZED))
}
