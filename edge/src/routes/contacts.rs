//! The agent API over contacts.

use serde_json::json;
use worker::{Request, Response};

use crate::auth;
use crate::error::{ApiError, ApiResult};
use crate::http::json;
use crate::store::Store;

/// `GET /api/contacts/{id}`: a contact's profile, its channels, all its conversations,
/// and its recent activity (which leaves email conversations out).
pub async fn show(store: &Store, req: &Request, id: &str) -> ApiResult<Response> {
    let agent = auth::agent(store, req).await?;
    let contact = store.contact(&agent.account_id, id).await?.ok_or(ApiError::NotFound("Contact"))?;
    let conversations = store.contact_conversations(&agent.account_id, &contact.id).await?;
    let activity = store.contact_activity(&agent.account_id, &contact.id).await?;
    let channels: std::collections::BTreeSet<&str> = conversations.iter().map(|c| c.channel.as_str()).collect();
    json(200, &json!({ "contact": contact, "channels": channels, "conversations": conversations, "activity": activity }))
}
