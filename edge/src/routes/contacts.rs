//! The agent API over contacts.

use serde_json::json;
use shared::api;
use shared::conversation::Channel;
use worker::Response;

use super::Cx;
use crate::auth::{Admin, Agent};
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::store::Store;
use shared::form::FormField;
use shared::Invalid;

/// The edit has no field to change.
const EMPTY_EDIT: Invalid = Invalid::new(
    "invalid_update",
    "Send phone, company and/or full_name (a value, or null to clear it).",
);

/// `GET /api/contacts/{id}`: a contact's profile, its channels, all its conversations,
/// and its recent activity (which leaves email conversations out).
pub async fn show(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    json(200, &profile(store, &agent.account_id, id).await?)
}

/// A contact's profile as `GET /api/contacts/{id}` answers it.
pub(super) async fn profile(
    store: &Store,
    account_id: &str,
    id: &str,
) -> ApiResult<api::ContactProfile> {
    let contact = store
        .contact(account_id, id)
        .await?
        .ok_or(ApiError::NotFound("Contact"))?;
    let conversations = store.contact_conversations(account_id, &contact.id).await?;
    let activity = store.contact_activity(account_id, &contact.id).await?;
    let channels: std::collections::BTreeSet<&str> =
        conversations.iter().map(|c| c.channel.as_str()).collect();
    let channels = channels.into_iter().filter_map(Channel::parse).collect();
    let crm_contact_id = store.crm_contact_id(&contact.id).await?;
    Ok(api::ContactProfile {
        contact,
        channels,
        conversations,
        activity,
        crm_contact_id,
    })
}

/// `PATCH /api/contacts/{id}` `{phone?, company?, full_name?}`: an agent
/// edits the profile (checked like the Form's fields); what the agent sets is
/// no longer marked as stated by a visitor. Answers the profile.
pub async fn update(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let edit: api::ContactEdit = read_json(&mut cx.req).await?;
    let given = [
        (FormField::Phone, edit.phone),
        (FormField::Company, edit.company),
        (FormField::FullName, edit.full_name),
    ];
    if given.iter().all(|(_, v)| v.is_none()) {
        return Err(ApiError::Invalid(EMPTY_EDIT));
    }
    let mut errors = Vec::new();
    let checked = given.map(|(field, value)| {
        let value = value?; // left out: unchanged
        let value = value.filter(|v| !v.trim().is_empty()); // null or blank: cleared
        Some(value.and_then(|v| {
            field
                .normalize(&v)
                .map_err(|rule| errors.push((field, rule)))
                .ok()
        }))
    });
    if !errors.is_empty() {
        return Err(ApiError::InvalidFields(errors));
    }
    if !store
        .edit_contact(&agent.account_id, id, &checked, now_ms())
        .await?
    {
        return Err(ApiError::NotFound("Contact"));
    }
    json(200, &profile(store, &agent.account_id, id).await?)
}

/// `GET /api/contacts/{id}/export` (primary admin): everything stored about a
/// contact, as one JSON document (GDPR article 15).
pub async fn export(cx: &mut Cx<'_>, admin: Admin, id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let export = store
        .contact_export(&admin.account_id, id)
        .await?
        .ok_or(ApiError::NotFound("Contact"))?;
    let mut response = json(200, &export)?;
    response.headers_mut().set(
        "content-disposition",
        &format!("attachment; filename=\"contact-{id}.json\""),
    )?;
    Ok(response)
}

/// `DELETE /api/contacts/{id}` (primary admin): erases a contact and everything
/// stored about it, originals and files in R2 first so that no row is left pointing at
/// a deleted one (GDPR article 17). Running it again after a failure finishes it.
pub async fn erase(cx: &mut Cx<'_>, admin: Admin, id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let raw_mail = cx.app.raw_mail;
    store
        .contact(&admin.account_id, id)
        .await?
        .ok_or(ApiError::NotFound("Contact"))?;
    let keys = store.contact_raw_keys(id).await?;
    for key in &keys {
        raw_mail.delete(key).await?;
    }
    // Its files too, unless another message of the site has the same bytes.
    for key in store.contact_file_keys(id).await? {
        cx.app.files.delete(key).await?;
    }
    let mut erased = store
        .erase_contact(&admin.account_id, id)
        .await?
        .ok_or(ApiError::NotFound("Contact"))?;
    erased.originals = keys.len() as u32;
    json(200, &json!({ "erased": erased }))
}
