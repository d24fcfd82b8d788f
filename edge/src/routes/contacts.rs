//! The agent API over contacts.

use serde_json::json;
use shared::api;
use shared::conversation::Channel;
use worker::Response;

use super::Cx;
use crate::auth;
use crate::error::{ApiError, ApiResult};
use crate::http::json;

/// `GET /api/contacts/{id}`: a contact's profile, its channels, all its conversations,
/// and its recent activity (which leaves email conversations out).
pub async fn show(cx: &mut Cx<'_>, id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let req = &mut cx.req;
    let agent = auth::agent(store, req).await?;
    let contact = store.contact(&agent.account_id, id).await?.ok_or(ApiError::NotFound("Contact"))?;
    let conversations = store.contact_conversations(&agent.account_id, &contact.id).await?;
    let activity = store.contact_activity(&agent.account_id, &contact.id).await?;
    let channels: std::collections::BTreeSet<&str> = conversations.iter().map(|c| c.channel.as_str()).collect();
    let channels = channels.into_iter().filter_map(Channel::parse).collect();
    json(200, &api::ContactProfile { contact, channels, conversations, activity })
}

/// `GET /api/contacts/{id}/export` (primary admin): everything stored about a
/// contact, as one JSON document (GDPR article 15).
pub async fn export(cx: &mut Cx<'_>, id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let req = &mut cx.req;
    let admin = auth::admin(store, req).await?;
    let export = store.contact_export(&admin.account_id, id).await?.ok_or(ApiError::NotFound("Contact"))?;
    let mut response = json(200, &export)?;
    response.headers_mut().set("content-disposition", &format!("attachment; filename=\"contact-{id}.json\""))?;
    Ok(response)
}

/// `DELETE /api/contacts/{id}` (primary admin): erases a contact and everything
/// stored about it, originals and files in R2 first so that no row is left pointing at
/// a deleted one (GDPR article 17). Running it again after a failure finishes it.
pub async fn erase(cx: &mut Cx<'_>, id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let raw_mail = cx.app.raw_mail;
    let req = &mut cx.req;
    let admin = auth::admin(store, req).await?;
    store.contact(&admin.account_id, id).await?.ok_or(ApiError::NotFound("Contact"))?;
    let keys = store.contact_raw_keys(id).await?;
    for key in &keys {
        raw_mail.delete(key).await?;
    }
    // Its files too, unless another message of the site has the same bytes.
    for key in store.contact_file_keys(id).await? {
        cx.app.files.delete(key).await?;
    }
    let mut erased = store.erase_contact(&admin.account_id, id).await?.ok_or(ApiError::NotFound("Contact"))?;
    erased.originals = keys.len() as u32;
    json(200, &json!({ "erased": erased }))
}
