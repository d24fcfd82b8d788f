//! Merging: a conversation into another of the same contact, a contact into
//! a duplicate, and the duplicates the contact panel suggests. The decision
//! and every move are one D1 batch (`store::merge`); a retry answers what the
//! first call answered and changes nothing more. A merged-away id answers for
//! its survivor everywhere else in the API (the router follows it).

use shared::api::{self, InboxPush};
use shared::Invalid;
use worker::Response;

use super::conversations::conversation_of;
use super::Cx;
use crate::auth::Agent;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::store::Merged;

const ITSELF: Invalid = Invalid::new("merge_into_itself", "A merge needs two different ones.");
const INTO_MERGED: Invalid = Invalid::new(
    "merge_into_merged",
    "That one was itself merged into another: merge into the survivor instead.",
);
const MERGED_ELSEWHERE: Invalid = Invalid::new(
    "already_merged",
    "This was already merged into another one (or changed meanwhile): reload and try again.",
);
const OTHER_CONTACT: Invalid = Invalid::new(
    "merge_other_contact",
    "Only conversations of the same contact merge: merge the contacts first.",
);

/// The answer for a refused merge (`what` names the kind for a 404).
fn refused(outcome: Merged, what: &'static str, into: &'static str) -> ApiError {
    match outcome {
        Merged::Missing => ApiError::NotFound(what),
        Merged::IntoMissing => ApiError::NotFound(into),
        Merged::Itself => ApiError::Invalid(ITSELF),
        Merged::IntoMergedAway => ApiError::Conflict(INTO_MERGED),
        Merged::OtherContact => ApiError::Invalid(OTHER_CONTACT),
        Merged::Elsewhere | Merged::Done | Merged::Already => ApiError::Conflict(MERGED_ELSEWHERE),
    }
}

/// `POST /api/conversations/{id}/merge` `{into}`: merges this conversation
/// into `into` (same contact); answers the survivor, 200 (a retry too).
pub async fn conversation(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let input: api::MergeInput = read_json(&mut cx.req).await?;
    let app = cx.app;
    let outcome = app
        .store
        .merge_conversation(&agent.account_id, id, &input.into, &agent.id, now_ms())
        .await?;
    match outcome {
        Merged::Done => {
            let push = InboxPush::Merged {
                conversation_id: id.to_string(),
                into: input.into.clone(),
            };
            app.live.to_team(&agent.account_id, &push).await;
            app.live
                .to_team(&agent.account_id, &InboxPush::changed(&input.into))
                .await;
        }
        Merged::Already => {}
        refusal => {
            return Err(refused(
                refusal,
                "Conversation",
                "Conversation to merge into",
            ))
        }
    }
    let conversation = conversation_of(app.store, &agent.account_id, &input.into).await?;
    json(200, &api::ConversationAnswer { conversation })
}

/// `POST /api/contacts/{id}/merge` `{into}`: merges this contact into `into`;
/// answers the survivor's profile, 200 (a retry too).
pub async fn contact(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let input: api::MergeInput = read_json(&mut cx.req).await?;
    let app = cx.app;
    let outcome = app
        .store
        .merge_contact(&agent.account_id, id, &input.into, now_ms())
        .await?;
    match outcome {
        Merged::Done => {
            // One notice: a tab reloads its list and open thread on any.
            let moved = app
                .store
                .contact_conversations(&agent.account_id, &input.into)
                .await?;
            if let Some(c) = moved.first() {
                app.live
                    .to_team(&agent.account_id, &InboxPush::changed(&c.id))
                    .await;
            }
        }
        Merged::Already => {}
        refusal => return Err(refused(refusal, "Contact", "Contact to merge into")),
    }
    json(
        200,
        &super::contacts::profile(app.store, &agent.account_id, &input.into).await?,
    )
}

/// `GET /api/contacts/{id}/duplicates`: other contacts with the same phone.
pub async fn duplicates(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    store
        .contact(&agent.account_id, id)
        .await?
        .ok_or(ApiError::NotFound("Contact"))?;
    let contacts = store.duplicates(&agent.account_id, id).await?;
    json(200, &api::Duplicates { contacts })
}
