//! Saved replies: the team's canned answers. Any agent of the account may
//! list, add, edit and delete them (as in Chatwoot and Intercom, they belong to
//! the team, not to the admin); other accounts never see them (404). The
//! composer asks for them filled in for one conversation, so the placeholder
//! rule (`shared::saved_reply`) runs here, never in the inbox's JavaScript.

use serde_json::json;
use shared::api;
use shared::form::FormField;
use shared::saved_reply::{self, Context, SHORTCUT_TAKEN, TOO_MANY};
use shared::Invalid;
use worker::Response;

use super::Cx;
use crate::auth::Agent;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::new_id;
use crate::store::{ReplyFields, ReplyRefused};

const NOTHING_TO_CHANGE: Invalid = Invalid::new(
    "nothing_to_change",
    "Send at least one of shortcut, title and body.",
);

/// The error for a refused write.
fn refused(why: ReplyRefused) -> ApiError {
    match why {
        ReplyRefused::ShortcutTaken => ApiError::Conflict(SHORTCUT_TAKEN),
        ReplyRefused::Full => ApiError::Conflict(TOO_MANY),
        ReplyRefused::NotFound => ApiError::NotFound("Saved reply"),
    }
}

/// `GET /api/saved-replies`: the team's saved replies, by shortcut.
pub async fn list(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let store = cx.app.store;
    json(
        200,
        &api::SavedReplies {
            saved_replies: store.saved_replies(&agent.account_id).await?,
        },
    )
}

/// `POST /api/saved-replies`: `{shortcut, title, body}`; 409 if the shortcut is taken.
pub async fn create(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let store = cx.app.store;
    let input: api::NewSavedReply = read_json(&mut cx.req).await?;
    let shortcut = saved_reply::validate_shortcut(&input.shortcut)?;
    let title = saved_reply::validate_title(&input.title)?;
    let body = saved_reply::validate_body(&input.body)?;
    let created = store
        .create_saved_reply(
            &agent.account_id,
            &new_id("sr"),
            &agent.id,
            (&shortcut, &title, &body),
            now_ms(),
        )
        .await?
        .map_err(refused)?;
    json(201, &created)
}

/// `PATCH /api/saved-replies/{id}`: `{shortcut?, title?, body?}`, all checked before anything is written.
pub async fn update(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let input: api::SavedReplyChanges = read_json(&mut cx.req).await?;
    if input.shortcut.is_none() && input.title.is_none() && input.body.is_none() {
        return Err(ApiError::Invalid(NOTHING_TO_CHANGE));
    }
    let shortcut = input
        .shortcut
        .as_deref()
        .map(saved_reply::validate_shortcut)
        .transpose()?;
    let title = input
        .title
        .as_deref()
        .map(saved_reply::validate_title)
        .transpose()?;
    let body = input
        .body
        .as_deref()
        .map(saved_reply::validate_body)
        .transpose()?;
    let fields = ReplyFields {
        shortcut: shortcut.as_deref(),
        title: title.as_deref(),
        body: body.as_deref(),
    };
    let updated = store
        .update_saved_reply(&agent.account_id, id, &agent.id, &fields, now_ms())
        .await?
        .map_err(refused)?;
    json(200, &updated)
}

/// `DELETE /api/saved-replies/{id}`.
pub async fn remove(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    if !store.delete_saved_reply(&agent.account_id, id).await? {
        return Err(ApiError::NotFound("Saved reply"));
    }
    json(200, &json!({ "deleted": id }))
}

/// `GET /api/conversations/{id}/saved-replies`: every saved reply filled in for
/// this conversation: its contact (never a value a visitor only stated), the agent asking, its site.
pub async fn rendered(cx: &mut Cx<'_>, agent: Agent, conversation_id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let conversation = store
        .conversation(&agent.account_id, conversation_id)
        .await?
        .ok_or(ApiError::NotFound("Conversation"))?;
    let contact = match &conversation.contact_id {
        Some(contact) => store.contact(&agent.account_id, contact).await?,
        None => None,
    };
    let site = store.site(&conversation.site_id).await?;
    // Only what someone vouched for fills a placeholder: a value a visitor
    // only stated (and a visitor's claim, all stated) leaves the fallback.
    let context = match &contact {
        Some(c) => {
            let vouched = |field: FormField| !c.stated.contains(&field);
            Context {
                contact_name: conversation
                    .contact_name
                    .as_deref()
                    .filter(|_| !conversation.name_stated),
                contact_email: c
                    .email
                    .as_deref()
                    .filter(|_| conversation.unverified_email.is_none()),
                contact_phone: c.phone.as_deref().filter(|_| vouched(FormField::Phone)),
                contact_company: c.company.as_deref().filter(|_| vouched(FormField::Company)),
                ..Context::default()
            }
        }
        None => Context::default(),
    };
    let context = Context {
        agent_name: Some(&agent.full_name),
        site_name: site.as_ref().map(|s| s.name.as_str()),
        ..context
    };
    let saved_replies = store
        .saved_replies(&agent.account_id)
        .await?
        .into_iter()
        .map(|r| api::RenderedReply {
            text: saved_reply::render(&r.body, &context),
            id: r.id,
            shortcut: r.shortcut,
            title: r.title,
        })
        .collect();
    json(
        200,
        &api::RenderedReplies {
            conversation_id: conversation.id,
            saved_replies,
        },
    )
}
