//! Snooze: an agent parks an open conversation until a time (an absolute
//! one, or a preset in their time zone) or until the customer replies, and
//! takes it back by hand. The account's inbox object holds the alarm that
//! wakes it (`live::InboxHub`); the rules are `shared::snooze`'s.

use shared::api::{self, InboxPush};
use shared::Invalid;
use worker::Response;

use super::conversations::conversation_of;
use super::Cx;
use crate::auth::Agent;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::store::Snoozed;

/// Only an open conversation can be snoozed.
const NOT_OPEN: Invalid = Invalid::new(
    "conversation_not_open",
    "Only an open conversation (not closed, not spam) can be snoozed.",
);

/// `PUT /api/conversations/{id}/snooze`: `{until}`, `{preset, utc_offset_minutes}`
/// or `{until_reply: true}` ([`api::SnoozeInput`]); answers the conversation.
pub async fn snooze(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let input: api::SnoozeInput = read_json(&mut cx.req).await?;
    let now = now_ms();
    let wake_at = input.wake_time(now).map_err(ApiError::Invalid)?;
    let app = cx.app;
    match app
        .store
        .snooze((&agent.account_id, &agent.id), id, wake_at, now)
        .await?
    {
        Snoozed::Done => {}
        Snoozed::NotOpen => return Err(ApiError::Conflict(NOT_OPEN)),
        Snoozed::Missing => return Err(ApiError::NotFound("Conversation")),
    }
    if let Some(at) = wake_at {
        app.live.arm_wake(&agent.account_id, at).await;
    }
    answer(cx, &agent, id).await
}

/// `DELETE /api/conversations/{id}/snooze`: back in the open list now.
pub async fn unsnooze(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let by = (agent.account_id.as_str(), agent.id.as_str());
    match cx.app.store.unsnooze(by, id, now_ms()).await? {
        Snoozed::Missing => return Err(ApiError::NotFound("Conversation")),
        Snoozed::Done | Snoozed::NotOpen => {}
    }
    answer(cx, &agent, id).await
}

/// Tells the team's tabs and answers the conversation as it is now.
async fn answer(cx: &mut Cx<'_>, agent: &Agent, id: &str) -> ApiResult<Response> {
    cx.app
        .live
        .to_team(&agent.account_id, &InboxPush::changed(id))
        .await;
    let conversation = conversation_of(cx.app.store, &agent.account_id, id).await?;
    json(200, &api::ConversationAnswer { conversation })
}
