//! The agent API over conversations: the inbox list and one thread.

use serde_json::json;
use shared::conversation::{Channel, Status};
use shared::Invalid;
use worker::{Request, Response};

use crate::auth;
use crate::error::{ApiError, ApiResult};
use crate::http::json;
use crate::store::{ConversationFilter, Store};

/// The list's query string named an unknown channel or status.
const BAD_FILTER: Invalid = Invalid::new(
    "invalid_filter",
    "channel must be chat, email or messenger, and status open or closed.",
);

/// `GET /api/conversations?channel=&status=`: the account's inbox, newest activity first.
pub async fn list(store: &Store, req: &Request) -> ApiResult<Response> {
    let agent = auth::agent(store, req).await?;
    let filter: ConversationFilter = req.query().map_err(|_| ApiError::Invalid(BAD_FILTER))?;
    let channel_ok = filter.channel.as_deref().is_none_or(|c| Channel::parse(c).is_some());
    let status_ok = filter.status.as_deref().is_none_or(|s| Status::parse(s).is_some());
    if !channel_ok || !status_ok {
        return Err(ApiError::Invalid(BAD_FILTER));
    }
    let conversations = store.conversations(&agent.account_id, &filter).await?;
    json(200, &json!({ "conversations": conversations }))
}

/// `GET /api/conversations/{id}`: one conversation of the agent's account with all its messages.
pub async fn show(store: &Store, req: &Request, id: &str) -> ApiResult<Response> {
    let agent = auth::agent(store, req).await?;
    let conversation = store.conversation(&agent.account_id, id).await?.ok_or(ApiError::NotFound("Conversation"))?;
    let messages = store.messages(&conversation.id).await?;
    let attachments = store.attachments(&conversation.id).await?;
    let messages: Vec<_> = messages
        .into_iter()
        .map(|message| {
            let files: Vec<_> = attachments.iter().filter(|a| a.message_id == message.id).collect();
            let mut value = json!(message);
            value["attachments"] = json!(files);
            value
        })
        .collect();
    json(200, &json!({ "conversation": conversation, "messages": messages }))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Reply {
    body: String,
}

/// Replying by email arrives with outbound mail; until then chat is the only reply channel.
const CHAT_ONLY: Invalid = Invalid::new(
    "reply_channel_unavailable",
    "Only chat conversations can be answered here for now; email replies are not available yet.",
);

/// `POST /api/conversations/{id}/messages`: an agent's chat reply; the visitor's widget shows it.
pub async fn reply(store: &Store, req: &mut Request, id: &str) -> ApiResult<Response> {
    let agent = auth::agent(store, req).await?;
    let input: Reply = crate::http::read_json(req).await?;
    let body = shared::conversation::validate_body(&input.body)?;
    let conversation = store.conversation(&agent.account_id, id).await?.ok_or(ApiError::NotFound("Conversation"))?;
    if conversation.channel != Channel::Chat.as_str() {
        return Err(ApiError::Invalid(CHAT_ONLY));
    }
    let message = store.add_agent_message(&conversation.id, &agent.id, &crate::ids::new_id("m"), body, crate::ids::now_ms()).await?;
    json(201, &json!({ "message": message }))
}
