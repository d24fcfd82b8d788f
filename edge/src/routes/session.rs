//! Signing agents in and out, the one-time set-up of a deployment, and
//! accepting an invitation.

use serde_json::json;
use shared::agent::device;
use shared::api;
use shared::contact::normalize_email;
use shared::digest::same;
use shared::form::normalize_line;
use shared::visitor::hash_secret;
use shared::Invalid;
use worker::{Request, Response};

use super::Cx;
use crate::auth::Agent;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{cookie, device_cookie, json, read_json, session_cookie};
use crate::ids::{new_id, new_secret};
use crate::limits::{client_ip, Limit};
use crate::live::Drop;
use crate::password::{self, Stored, MIN_LENGTH};
use crate::store::{Setup, SetupIds, Store};

/// Sessions last a week.
const SESSION_SECONDS: u64 = 7 * 24 * 60 * 60;

const SIGN_IN_FAILED: Invalid =
    Invalid::new("sign_in_failed", "The email or the password is wrong.");
const PASSWORD_WEAK: Invalid = Invalid::new(
    "password_too_short",
    "Choose a password of at least 10 characters.",
);
const SETUP_CLOSED: Invalid = Invalid::new(
    "setup_closed",
    "This deployment is already set up; sign in, or ask the primary admin for an invitation.",
);
const SETUP_TOKEN_UNSET: Invalid = Invalid::new(
    "setup_token_unset",
    "Set-up stays closed until the deployment has a SETUP_TOKEN secret (see the README, Deploying).",
);
const SETUP_TOKEN_INVALID: Invalid = Invalid::new(
    "setup_token_invalid",
    "The setup_token does not match the deployment's SETUP_TOKEN secret.",
);
const INVITATION_INVALID: Invalid = Invalid::new(
    "invitation_invalid",
    "This invitation is unknown, already used or expired; ask the primary admin for a new one.",
);

fn check_password(password: &str) -> ApiResult<()> {
    if password.chars().count() < MIN_LENGTH {
        return Err(ApiError::Invalid(PASSWORD_WEAK));
    }
    Ok(())
}

/// Starts a session for `agent_id` and answers with its cookie and CSRF token.
async fn start_session(
    store: &Store,
    req: &Request,
    agent_id: &str,
    status: u16,
) -> ApiResult<Response> {
    let token = new_secret();
    let csrf = new_secret();
    let now = now_ms();
    store
        .create_session(
            &hash_secret(&token),
            agent_id,
            &csrf,
            now,
            now + SESSION_SECONDS * 1000,
        )
        .await?;
    let (agent, _, _) = store
        .agent_by_session(&hash_secret(&token), now)
        .await?
        .ok_or_else(|| ApiError::Internal("a new session did not resolve to its agent".into()))?;
    let mut response = json(
        status,
        &api::Session {
            agent: agent.to_api(),
            csrf_token: Some(csrf),
        },
    )?;
    response
        .headers_mut()
        .set("set-cookie", &session_cookie(req, &token, SESSION_SECONDS))?;
    Ok(response)
}

/// A stored password nobody has: unknown emails cost the same time as wrong passwords.
fn decoy() -> Stored {
    Stored {
        hash: "00".repeat(32),
        salt: "00".repeat(16),
        iterations: password::ITERATIONS,
    }
}

/// `POST /api/session`: `{email, password}` → session cookie and CSRF token.
/// Limited per client IP, then before any password work per email, or, from
/// a browser holding a device cookie for that email, per device instead
/// (strangers' guesses never lock the agent out of their own browser). A
/// successful sign-in (re)sets the device cookie.
pub async fn sign_in(cx: &mut Cx<'_>) -> ApiResult<Response> {
    let app = cx.app;
    let req = &mut cx.req;
    let store = app.store;
    app.limits
        .check(Limit::SignInPerIp, &client_ip(req))
        .await?;
    let input: api::SignIn = read_json(req).await?;
    let email = normalize_email(&input.email).unwrap_or_default();
    let held = cookie(req, device::COOKIE)?;
    let trusted = held
        .as_deref()
        .and_then(|value| device::nonce_for(app.reply_secret.as_bytes(), &email, value))
        .map(str::to_string);
    match &trusted {
        Some(nonce) => app.limits.check(Limit::SignInPerDevice, nonce).await?,
        None => app.limits.check(Limit::SignInPerEmail, &email).await?,
    }
    let found = store.credentials(&email).await?;
    let (agent_id, stored) = match found {
        Some((id, stored)) => (Some(id), stored),
        None => (None, decoy()),
    };
    let matches = password::verify(&input.password, &stored).await?;
    let Some(id) = agent_id.filter(|_| matches) else {
        return Err(ApiError::Unauthorized(SIGN_IN_FAILED));
    };
    let mut response = start_session(store, req, &id, 200).await?;
    if !app.reply_secret.is_empty() {
        let nonce = trusted.unwrap_or_else(|| new_secret()[..device::NONCE_HEX].to_string());
        let value = device::issue(app.reply_secret.as_bytes(), &email, &nonce);
        response
            .headers_mut()
            .append("set-cookie", &device_cookie(req, &value))?;
    }
    Ok(response)
}

/// `GET /api/session`: the signed-in agent and the session's CSRF token.
pub async fn current(_cx: &mut Cx<'_>, signed_in: Agent) -> ApiResult<Response> {
    json(
        200,
        &api::Session {
            agent: signed_in.to_api(),
            csrf_token: signed_in.csrf_token,
        },
    )
}

/// `DELETE /api/session`: signs out (CSRF-checked).
pub async fn sign_out(cx: &mut Cx<'_>, signed_in: Agent) -> ApiResult<Response> {
    let store = cx.app.store;
    let req = &mut cx.req;
    if let Some(hash) = &signed_in.session_hash {
        store.delete_session(hash).await?;
        let drop = Drop {
            agent_id: None,
            credential: Some(hash.clone()),
        };
        cx.app.live.drop_sockets(&signed_in.account_id, &drop).await;
    }
    let mut response = json(200, &json!({ "signed_out": true }))?;
    response
        .headers_mut()
        .set("set-cookie", &session_cookie(req, "", 0))?;
    Ok(response)
}

/// `POST /api/setup`: creates the first account, site and primary admin;
/// needs the deployment's one-time SETUP_TOKEN, and closes for good once any
/// agent exists. Limited per client IP; every cheap check runs before PBKDF2.
pub async fn setup(cx: &mut Cx<'_>) -> ApiResult<Response> {
    let app = cx.app;
    let req = &mut cx.req;
    let store = app.store;
    app.limits.check(Limit::SetupPerIp, &client_ip(req)).await?;
    let input: api::Setup = read_json(req).await?;
    if app.setup_token.is_empty() {
        return Err(ApiError::Forbidden(SETUP_TOKEN_UNSET));
    }
    if !same(
        input.setup_token.trim().as_bytes(),
        app.setup_token.as_bytes(),
    ) {
        return Err(ApiError::Forbidden(SETUP_TOKEN_INVALID));
    }
    if store.has_agents().await? {
        return Err(ApiError::Conflict(SETUP_CLOSED));
    }
    let email = normalize_email(&input.email)?;
    let line = |s: &str| {
        normalize_line(s)
            .ok()
            .filter(|s| !s.is_empty())
            .ok_or(ApiError::Invalid(shared::form::NAME_MISSING))
    };
    let (account_name, site_name, full_name) = (
        line(&input.account_name)?,
        line(&input.site_name)?,
        line(&input.full_name)?,
    );
    check_password(&input.password)?;
    let stored = password::hash(&input.password).await?;
    let (account, site, agent) = (new_id("a"), new_id("s"), new_id("ag"));
    let done = store
        .setup(
            &Setup {
                ids: SetupIds {
                    account: &account,
                    site: &site,
                    agent: &agent,
                },
                account_name: &account_name,
                site_name: &site_name,
                full_name: &full_name,
                email: &email,
                password: &stored,
            },
            now_ms(),
        )
        .await?;
    if !done {
        return Err(ApiError::Conflict(SETUP_CLOSED));
    }
    start_session(store, req, &agent, 201).await
}

/// `POST /api/invitations/accept`: `{token, password}` → the invited agent is
/// signed in. Limited per client IP; the invitation is checked before PBKDF2.
pub async fn accept_invitation(cx: &mut Cx<'_>) -> ApiResult<Response> {
    let app = cx.app;
    let req = &mut cx.req;
    let store = app.store;
    app.limits.check(Limit::SetupPerIp, &client_ip(req)).await?;
    let input: api::AcceptInvitation = read_json(req).await?;
    check_password(&input.password)?;
    let token_hash = hash_secret(input.token.trim());
    if !store.invitation_open(&token_hash, now_ms()).await? {
        return Err(ApiError::Invalid(INVITATION_INVALID));
    }
    let stored = password::hash(&input.password).await?;
    let agent_id = store
        .accept_invitation(&token_hash, &stored, now_ms())
        .await?
        .ok_or(ApiError::Invalid(INVITATION_INVALID))?;
    start_session(store, req, &agent_id, 200).await
}
