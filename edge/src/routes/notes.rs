//! The team's private notes in a conversation, with the mentions they make,
//! and the Mentions view. A note is a trail event (`store::trail`), never a
//! message: nothing sends it, and no visitor-facing read can meet it.

use shared::api::{self, InboxPush};
use shared::conversation::{validate_body, validate_client_id};
use shared::search::Cursor;
use shared::trail::{mentioned, Mentionable};
use shared::Invalid;
use worker::Response;

use super::Cx;
use crate::auth::Agent;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::new_id;
use crate::store::{NewNote, Noted};

/// A `before` that is no `next` of a page of the Mentions view.
const BAD_CURSOR: Invalid = Invalid::new(
    "invalid_cursor",
    "before must be the next of the previous page of the Mentions view.",
);

/// `POST /api/conversations/{id}/notes`: `{body, client_note_id?}`, a private
/// note; an `@Full Name` mentions that agent, who is told live on the inbox
/// socket. A retry with the same `client_note_id` answers the note stored
/// (200) and writes and tells nothing more.
pub async fn add(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let app = cx.app;
    let input: api::NewNote = read_json(&mut cx.req).await?;
    let body = validate_body(&input.body).map_err(ApiError::Invalid)?;
    let client_id = match input.client_note_id.as_deref() {
        Some(id) => Some(validate_client_id(id).map_err(ApiError::Invalid)?),
        None => None,
    };
    let team = app.store.agents(&agent.account_id).await?;
    let names: Vec<Mentionable> = team
        .iter()
        .map(|a| Mentionable {
            id: &a.id,
            name: &a.full_name,
        })
        .collect();
    let mentions = mentioned(body, &names);
    let note_id = new_id("note");
    let note = NewNote {
        id: &note_id,
        account_id: &agent.account_id,
        conversation_id: id,
        agent_id: &agent.id,
        body,
        mentions: &mentions,
        client_id,
    };
    let noted = app
        .store
        .add_note(&note, now_ms())
        .await?
        .ok_or(ApiError::NotFound("Conversation"))?;
    let (status, note) = match noted {
        Noted::Written(note) => {
            app.live
                .to_team(&agent.account_id, &InboxPush::noted(&note))
                .await;
            (201, note)
        }
        Noted::Replayed(note) => (200, note),
    };
    json(status, &api::NoteAnswer { note })
}

/// `GET /api/mentions?before=`: a page of the conversations a note mentioned
/// me in, most recently first, and the cursor of the next page.
pub async fn mentions(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let query: api::MentionsQuery = cx.req.query().map_err(|_| ApiError::Invalid(BAD_CURSOR))?;
    let before = match query.before.as_deref().map(Cursor::decode) {
        None => None,
        Some(Some(Cursor::List {
            last_message_at,
            id,
        })) => Some((last_message_at, id)),
        Some(_) => return Err(ApiError::Invalid(BAD_CURSOR)),
    };
    let before = before.as_ref().map(|(at, id)| (*at, id.as_str()));
    let (conversations, next) = cx
        .app
        .store
        .mentions(&agent.account_id, &agent.id, before)
        .await?;
    // The cursor names the last one's time and conversation, as the list's does.
    let next = next.map(|(last_message_at, id)| {
        Cursor::List {
            last_message_at,
            id,
        }
        .encode()
    });
    json(
        200,
        &api::Mentions {
            conversations,
            next,
        },
    )
}
