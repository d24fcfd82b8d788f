//! The agent API over one conversation (the list and search: `routes::list`;
//! replies: `routes::messages`): the thread, closing, assigning, marking as
//! spam or read, and adding contact details to an anonymous visitor (a widget
//! visitor or a Messenger person).

use serde_json::{json, Map, Value};
use shared::api::{self, InboxPush, WidgetPush};
use shared::contact::ContactSource;
use shared::conversation::{Channel, Status};
use shared::form::{FormConfig, FormInput};
use shared::identity::Tie;
use shared::Invalid;
use worker::{Request, Response};

use super::Cx;
use crate::auth::Agent;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::NewIds;
use crate::store::{ContactLink, ConversationChange, Store, Updated};

/// A change the PATCH cannot make, or none at all.
const BAD_UPDATE: Invalid = Invalid::new(
    "invalid_update",
    "Send {\"status\": \"open\" | \"closed\"}, {\"assignee_id\": an agent id or null}, {\"team_id\": a team id or null} and/or {\"spam\": true | false}.",
);
const NOT_AN_AGENT: Invalid = Invalid::new(
    "assignee_invalid",
    "The assignee must be an agent of this team.",
);
pub(super) const NO_VISITOR: Invalid = Invalid::new(
    "reply_channel_unavailable",
    "This conversation has no chat visitor to answer; reply by email.",
);
const HAS_CONTACT: Invalid =
    Invalid::new("contact_exists", "This conversation already has a contact.");

/// A conversation of the account (another account's is not found).
pub(super) async fn conversation_of(
    store: &Store,
    account_id: &str,
    id: &str,
) -> ApiResult<api::Conversation> {
    store
        .conversation(account_id, id)
        .await?
        .ok_or(ApiError::NotFound("Conversation"))
}

/// `GET /api/conversations/{id}`: one conversation with all its messages and
/// attachments, and what its visitor stated without proving it (`claim`).
pub async fn show(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let conversation = conversation_of(store, &agent.account_id, id).await?;
    let messages = store.messages(&conversation.id).await?;
    let claim = match &conversation.visitor_id {
        Some(visitor) => store.visitor_claim(visitor).await?,
        None => None,
    };
    let messenger = match conversation.channel {
        Channel::Messenger => super::messenger::thread(cx.app, &conversation.id).await?,
        _ => None,
    };
    let cc = store.conversation_cc(&conversation.id).await?;
    let trail = store.trail(&conversation.id).await?;
    let rating = store.rating(&conversation.id).await?;
    json(
        200,
        &api::Thread {
            conversation,
            messages,
            claim,
            messenger,
            cc,
            trail,
            rating,
        },
    )
}

/// `PATCH /api/conversations/{id}`: `{status?, assignee_id?, team_id?, spam?}`
/// (null unassigns; spam hides the conversation and blocks its visitor).
pub async fn update(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let input = read_changes(&mut cx.req).await?;
    let assignee = input.assignee_id.as_ref().map(Option::as_deref);
    // The assignee is checked inside the write, so an agent removed meanwhile is never assigned.
    let change = ConversationChange {
        status: input.status,
        assignee,
        spam: input.spam,
        team: input.team_id.as_ref().map(Option::as_deref),
        by: &agent.id,
    };
    let visitor = match store
        .update_conversation(&agent.account_id, id, &change, now_ms())
        .await?
    {
        Updated::Done { visitor } => visitor,
        Updated::Refused => return Err(refused(store, &agent, &change).await?),
    };
    if let Some((site_id, visitor_id, blocked)) = &visitor {
        // A blocked visitor's open widgets are closed: its typing reaches nobody.
        cx.app.live.set_blocked(site_id, visitor_id, *blocked).await;
    }
    let conversation = conversation_of(store, &agent.account_id, id).await?;
    cx.app
        .live
        .to_team(&agent.account_id, &InboxPush::changed(id))
        .await;
    if input.status == Some(Status::Closed) && conversation.status == Status::Closed {
        super::csat::ask(cx, &agent, &conversation).await;
    }
    json(200, &api::ConversationAnswer { conversation })
}

/// Why a PATCH wrote nothing: an assignee who is no agent of the account
/// (removed meanwhile included), a team not of the account, else no such
/// conversation.
async fn refused(
    store: &Store,
    agent: &Agent,
    change: &ConversationChange<'_>,
) -> ApiResult<ApiError> {
    if let Some(a) = change.assignee.flatten() {
        if !store.is_agent_of(&agent.account_id, a).await? {
            return Ok(ApiError::Invalid(NOT_AN_AGENT));
        }
    }
    if let Some(team) = change.team.flatten() {
        if !store.is_team_of(&agent.account_id, team).await? {
            return Ok(ApiError::Invalid(shared::team::UNKNOWN_TEAM));
        }
    }
    Ok(ApiError::NotFound("Conversation"))
}

/// A PATCH's body: a JSON object (anything else is malformed, as for every
/// body) of [`api::ConversationChanges`], which must change something; a
/// field it does not know, or of the wrong type, is `invalid_update`.
async fn read_changes(req: &mut Request) -> ApiResult<api::ConversationChanges> {
    let object: Map<String, Value> = read_json(req).await?;
    let changes: api::ConversationChanges =
        serde_json::from_value(Value::Object(object)).map_err(|_| ApiError::Invalid(BAD_UPDATE))?;
    if changes.is_empty() {
        return Err(ApiError::Invalid(BAD_UPDATE));
    }
    Ok(changes)
}

/// `POST /api/conversations/{id}/read`: clears the unread marker, and the
/// visitor's widget shows its lines as seen.
pub async fn read(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let app = cx.app;
    let now = now_ms();
    let route = app
        .store
        .mark_read(&agent.account_id, id, now)
        .await?
        .ok_or(ApiError::NotFound("Conversation"))?;
    if let Some(visitor_id) = &route.visitor_id {
        app.live
            .to_visitor(&route.site_id, visitor_id, &WidgetPush::Seen { at: now })
            .await;
    }
    app.live
        .to_team(&agent.account_id, &InboxPush::changed(id))
        .await;
    json(200, &json!({ "read": id }))
}

/// `POST /api/conversations/{id}/contact`: "click to add" for an anonymous
/// visitor. Creates the contact, or attaches the visitor (with all its
/// conversations) to the existing contact with that email.
pub async fn add_contact(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let req = &mut cx.req;
    let input: api::AddContact = read_json(req).await?;
    let conversation = conversation_of(store, &agent.account_id, id).await?;
    if conversation.contact_id.is_some() {
        return Err(ApiError::Conflict(HAS_CONTACT));
    }
    let visitor_id = conversation
        .visitor_id
        .as_deref()
        .ok_or(ApiError::Invalid(NO_VISITOR))?;
    let visitor = store
        .visitor(visitor_id)
        .await?
        .ok_or(ApiError::NotFound("Visitor"))?;
    let given = FormInput {
        email: Some(&input.email),
        phone: input.phone.as_deref(),
        company: input.company.as_deref(),
        full_name: input.full_name.as_deref(),
    };
    let details = FormConfig::ALL_OPTIONAL
        .validate(&given, false)
        .map_err(ApiError::InvalidFields)?;
    let link = ContactLink {
        visitor: &visitor,
        details: &details,
        tie: Tie::Agent,
        verified_for: None,
        form_submitted: false,
        ids: &NewIds::fresh(),
        source: ContactSource::Agent,
        automation: None,
        crm_automation: None,
        attributes: &[],
    };
    // Decided again inside the batch: a contact tied meanwhile (the visitor
    // answered the Form, say) is not replaced.
    let linked = store.link_contact(&link, now_ms()).await?;
    cx.app.outbox.enqueue(linked.queued).await;
    cx.app.outbox.enqueue_crm(linked.crm_jobs, 0).await;
    if !linked.written {
        return Err(ApiError::Conflict(HAS_CONTACT));
    }
    cx.app
        .live
        .to_team(&agent.account_id, &InboxPush::changed(id))
        .await;
    let conversation = conversation_of(store, &agent.account_id, id).await?;
    json(200, &api::ConversationAnswer { conversation })
}
