//! The email channel's settings (primary admin only): enable or disable it,
//! set the forwarding address once, and the size limit.

use shared::api;
use shared::email::outbound::{
    render_from_name, render_subject, validate_template, AGENT_NAME_TOKEN, START_DATE_TOKEN,
};
use shared::email::{
    forwarding_address, validate_subdomain, validate_username, ADDRESS_IMMUTABLE, ADDRESS_TAKEN,
};
use shared::Invalid;
use worker::Response;

use super::Cx;
use crate::auth::Admin;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::store::{AgentRow, ChannelUpdate, EmailChannelRow, Store};

/// Smallest and largest size limits an admin may set (25 MiB is Email Routing's own).
const SIZE_LIMITS: std::ops::RangeInclusive<u64> = 1024..=25 * 1024 * 1024;

const SIZE_INVALID: Invalid = Invalid::new(
    "max_message_bytes_invalid",
    "max_message_bytes must be between 1024 and 26214400 (25 MiB).",
);

fn settings(channel: &EmailChannelRow, inbound_domain: &str) -> api::ChannelSettings {
    let forwarding_address = match (&channel.username, &channel.subdomain) {
        (Some(u), Some(s)) => Some(forwarding_address(u, s, inbound_domain)),
        _ => None,
    };
    let tokens = api::TemplateTokens {
        start_date: START_DATE_TOKEN.into(),
        agent_name: AGENT_NAME_TOKEN.into(),
    };
    api::ChannelSettings {
        channel: channel.to_api(),
        forwarding_address,
        tokens,
    }
}

async fn channel_of(store: &Store, agent: &AgentRow, site_id: &str) -> ApiResult<EmailChannelRow> {
    store
        .site_email_channel(&agent.account_id, site_id)
        .await?
        .ok_or(ApiError::NotFound("Email channel"))
}

/// `GET /api/sites/{site}/email-channel`.
pub async fn show(cx: &mut Cx<'_>, agent: Admin, site_id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let inbound_domain = cx.app.inbound_domain;
    json(
        200,
        &settings(&channel_of(store, &agent, site_id).await?, inbound_domain),
    )
}

/// `PATCH /api/sites/{site}/email-channel`: `{enabled?, username?, subdomain?, max_message_bytes?,
/// default_subject?, from_name?, signature?}` (an empty signature removes it).
/// The forwarding address is set once; changing it later is refused with 409.
pub async fn update(cx: &mut Cx<'_>, agent: Admin, site_id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let req = &mut cx.req;
    let inbound_domain = cx.app.inbound_domain;
    let mut changes: api::ChannelChanges = read_json(req).await?;
    let current = channel_of(store, &agent, site_id).await?;
    if let Some(name) = &changes.username {
        changes.username = Some(validate_username(name)?);
    }
    if let Some(label) = &changes.subdomain {
        changes.subdomain = Some(validate_subdomain(label)?);
    }
    if let Some(template) = &changes.default_subject {
        changes.default_subject = Some(validate_template(template)?);
    }
    if let Some(template) = &changes.from_name {
        changes.from_name = Some(validate_template(template)?);
    }
    if let Some(typed) = &changes.signature {
        changes.signature = Some(shared::email::signature::validate(typed)?.unwrap_or_default());
    }
    if changes
        .max_message_bytes
        .is_some_and(|m| !SIZE_LIMITS.contains(&m))
    {
        return Err(ApiError::Invalid(SIZE_INVALID));
    }
    let differs = |now: &Option<String>, wanted: &Option<String>| matches!((now, wanted), (Some(a), Some(b)) if a != b);
    if differs(&current.username, &changes.username)
        || differs(&current.subdomain, &changes.subdomain)
    {
        return Err(ApiError::Conflict(ADDRESS_IMMUTABLE));
    }
    match store.update_email_channel(site_id, &changes).await? {
        ChannelUpdate::Saved => {}
        ChannelUpdate::AddressImmutable => return Err(ApiError::Conflict(ADDRESS_IMMUTABLE)),
        ChannelUpdate::AddressTaken => return Err(ApiError::Conflict(ADDRESS_TAKEN)),
    }
    json(
        200,
        &settings(&channel_of(store, &agent, site_id).await?, inbound_domain),
    )
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PreviewInput {
    default_subject: Option<String>,
    from_name: Option<String>,
}

/// `POST /api/sites/{site}/email-channel/preview`: `{default_subject?, from_name?}`
/// → the From line and subject a contact would see today, from these
/// templates (or the saved ones), as sent by the calling admin.
pub async fn preview(cx: &mut Cx<'_>, agent: Admin, site_id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let req = &mut cx.req;
    let inbound_domain = cx.app.inbound_domain;
    let input: PreviewInput = read_json(req).await?;
    let channel = channel_of(store, &agent, site_id).await?;
    let site = store
        .site(site_id)
        .await?
        .ok_or(ApiError::NotFound("Site"))?;
    let subject_template = match &input.default_subject {
        Some(t) => validate_template(t)?,
        None => channel.default_subject.clone(),
    };
    let from_template = match &input.from_name {
        Some(t) => validate_template(t)?,
        None => channel.from_name.clone(),
    };
    let from_name = render_from_name(&from_template, &agent.full_name, &site.name);
    let address = match (&channel.username, &channel.subdomain) {
        (Some(u), Some(s)) => forwarding_address(u, s, inbound_domain),
        _ => "(forwarding address not set)".to_string(),
    };
    json(
        200,
        &api::EmailPreview {
            from: shared::email::display_sender(Some(&from_name), &address),
            subject: render_subject(&subject_template, now_ms()),
        },
    )
}
