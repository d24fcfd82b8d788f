//! The team: any agent lists it; the primary admin invites and removes agents.

use serde_json::json;
use shared::api;
use shared::contact::normalize_email;
use shared::form::{normalize_line, NAME_MISSING};
use shared::visitor::hash_secret;
use shared::Invalid;
use worker::Response;

use super::Cx;
use crate::auth::{Admin, Agent};
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::{new_id, new_secret};
use crate::live::Drop;

/// Invitations are valid for a week.
const INVITATION_MS: u64 = 7 * 24 * 60 * 60 * 1000;

const ALREADY_AGENT: Invalid = Invalid::new(
    "agent_exists",
    "An agent with this email is already on the team.",
);
const NOT_REMOVABLE: Invalid = Invalid::new(
    "agent_not_removable",
    "No such agent on the team, or it is the primary admin, who cannot be removed.",
);

/// `GET /api/agents`: the team.
pub async fn list(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let store = cx.app.store;
    json(
        200,
        &api::Team {
            agents: store.agents(&agent.account_id).await?,
        },
    )
}

/// `POST /api/agents`: `{email, full_name}` → a new agent and a one-time
/// invitation link for them to choose a password.
pub async fn invite(cx: &mut Cx<'_>, admin: Admin) -> ApiResult<Response> {
    let store = cx.app.store;
    let req = &mut cx.req;
    let input: api::Invite = read_json(req).await?;
    let email = normalize_email(&input.email)?;
    let full_name = normalize_line(&input.full_name)?;
    if full_name.is_empty() {
        return Err(ApiError::Invalid(NAME_MISSING));
    }
    let token = new_secret();
    let agent_id = new_id("ag");
    let now = now_ms();
    let created = store
        .invite_agent(
            &admin.account_id,
            &agent_id,
            &email,
            &full_name,
            &hash_secret(&token),
            now,
            now + INVITATION_MS,
        )
        .await?;
    if !created {
        return Err(ApiError::Conflict(ALREADY_AGENT));
    }
    let origin = cx.app.public_origin(req)?;
    let invitation_url = format!("{origin}/inbox.html#invitation={token}");
    json(
        201,
        &api::Invitation {
            agent_id,
            invitation_token: token,
            invitation_url,
        },
    )
}

/// `DELETE /api/agents/{id}`: removes an agent; they are signed out everywhere.
pub async fn remove(cx: &mut Cx<'_>, admin: Admin, agent_id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    if !store
        .remove_agent(&admin.account_id, agent_id, now_ms())
        .await?
    {
        return Err(ApiError::Conflict(NOT_REMOVABLE));
    }
    let drop = Drop {
        agent_id: Some(agent_id.to_string()),
        credential: None,
    };
    cx.app.live.drop_sockets(&admin.account_id, &drop).await;
    json(200, &json!({ "removed": agent_id }))
}
