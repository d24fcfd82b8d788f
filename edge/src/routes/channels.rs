//! The email channel's settings (primary admin only): enable or disable it,
//! set the forwarding address once, and the size limit.

use serde_json::{json, Value};
use shared::email::{validate_subdomain, validate_username, ADDRESS_IMMUTABLE};
use shared::Invalid;
use worker::{Request, Response};

use crate::auth;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::store::{AgentRow, ChannelChanges, EmailChannelRow, Store};

/// Smallest and largest size limits an admin may set (25 MiB is Email Routing's own).
const SIZE_LIMITS: std::ops::RangeInclusive<u64> = 1024..=25 * 1024 * 1024;

const ADMIN_ONLY: Invalid = Invalid::new("admin_only", "Only the account's primary admin can view or change these settings.");
const SIZE_INVALID: Invalid = Invalid::new(
    "max_message_bytes_invalid",
    "max_message_bytes must be between 1024 and 26214400 (25 MiB).",
);

fn settings(channel: &EmailChannelRow, inbound_domain: &str) -> Value {
    let address = match (&channel.username, &channel.subdomain) {
        (Some(u), Some(s)) => Some(format!("{u}@{s}.{inbound_domain}")),
        _ => None,
    };
    json!({ "channel": channel, "forwarding_address": address })
}

async fn admin(store: &Store, req: &Request) -> ApiResult<AgentRow> {
    let agent = auth::agent(store, req).await?;
    if !agent.is_primary_admin() {
        return Err(ApiError::Forbidden(ADMIN_ONLY));
    }
    Ok(agent)
}

async fn channel_of(store: &Store, agent: &AgentRow, site_id: &str) -> ApiResult<EmailChannelRow> {
    store.site_email_channel(&agent.account_id, site_id).await?.ok_or(ApiError::NotFound("Email channel"))
}

/// `GET /api/sites/{site}/email-channel`.
pub async fn show(store: &Store, req: &Request, site_id: &str, inbound_domain: &str) -> ApiResult<Response> {
    let agent = admin(store, req).await?;
    json(200, &settings(&channel_of(store, &agent, site_id).await?, inbound_domain))
}

/// `PATCH /api/sites/{site}/email-channel`: `{enabled?, username?, subdomain?, max_message_bytes?}`.
/// The forwarding address is set once; changing it later is refused with 409.
pub async fn update(store: &Store, req: &mut Request, site_id: &str, inbound_domain: &str) -> ApiResult<Response> {
    let agent = admin(store, req).await?;
    let mut changes: ChannelChanges = read_json(req).await?;
    let current = channel_of(store, &agent, site_id).await?;
    if let Some(name) = &changes.username {
        changes.username = Some(validate_username(name)?);
    }
    if let Some(label) = &changes.subdomain {
        changes.subdomain = Some(validate_subdomain(label)?);
    }
    if changes.max_message_bytes.is_some_and(|m| !SIZE_LIMITS.contains(&m)) {
        return Err(ApiError::Invalid(SIZE_INVALID));
    }
    let differs = |now: &Option<String>, wanted: &Option<String>| matches!((now, wanted), (Some(a), Some(b)) if a != b);
    if differs(&current.username, &changes.username) || differs(&current.subdomain, &changes.subdomain) {
        return Err(ApiError::Conflict(ADDRESS_IMMUTABLE));
    }
    if !store.update_email_channel(site_id, &changes).await? {
        return Err(ApiError::Conflict(ADDRESS_IMMUTABLE));
    }
    json(200, &settings(&channel_of(store, &agent, site_id).await?, inbound_domain))
}
