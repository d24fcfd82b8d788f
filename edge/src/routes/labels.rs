//! Labels: the primary admin defines them (name, colour: `shared::label`
//! checks both, and picks the text colour that reaches WCAG AA on it); any
//! agent of the account lists them and puts them on, or takes them off, its
//! conversations and contacts. Other accounts' labels, conversations and
//! contacts are 404.

use serde_json::json;
use shared::api::{self, InboxPush};
use shared::label::{self, CHANGE_INVALID, NAME_TAKEN, TOO_MANY, UNKNOWN_LABEL};
use shared::Invalid;
use worker::Response;

use super::Cx;
use crate::auth::{Admin, Agent};
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::new_id;
use crate::store::{LabelRefused, Labelled};

const NOTHING_TO_CHANGE: Invalid = Invalid::new("nothing_to_change", "Send name and/or colour.");

/// The error for a refused write; `what` names the missing thing.
fn refused(why: LabelRefused, what: &'static str) -> ApiError {
    match why {
        LabelRefused::NameTaken => ApiError::Conflict(NAME_TAKEN),
        LabelRefused::Full => ApiError::Conflict(TOO_MANY),
        LabelRefused::NotFound => ApiError::NotFound(what),
        LabelRefused::UnknownLabel => ApiError::Invalid(UNKNOWN_LABEL),
    }
}

/// `GET /api/labels`: the account's labels, by name.
pub async fn list(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let labels = cx.app.store.labels(&agent.account_id).await?;
    json(200, &api::Labels { labels })
}

/// `POST /api/labels`: `{name, colour}`; 409 if the name is taken.
pub async fn create(cx: &mut Cx<'_>, admin: Admin) -> ApiResult<Response> {
    let input: api::NewLabel = read_json(&mut cx.req).await?;
    let name = label::validate_name(&input.name)?;
    let colour = label::validate_colour(&input.colour)?;
    let created = cx
        .app
        .store
        .create_label(&admin.account_id, &new_id("lb"), (&name, &colour), now_ms())
        .await?
        .map_err(|why| refused(why, "Label"))?;
    json(201, &created)
}

/// `PATCH /api/labels/{id}`: `{name?, colour?}`, both checked before anything is written.
pub async fn update(cx: &mut Cx<'_>, admin: Admin, id: &str) -> ApiResult<Response> {
    let input: api::LabelChanges = read_json(&mut cx.req).await?;
    if input.name.is_none() && input.colour.is_none() {
        return Err(ApiError::Invalid(NOTHING_TO_CHANGE));
    }
    let name = input
        .name
        .as_deref()
        .map(label::validate_name)
        .transpose()?;
    let colour = input
        .colour
        .as_deref()
        .map(label::validate_colour)
        .transpose()?;
    let updated = cx
        .app
        .store
        .update_label(
            &admin.account_id,
            id,
            (name.as_deref(), colour.as_deref()),
            now_ms(),
        )
        .await?
        .map_err(|why| refused(why, "Label"))?;
    json(200, &updated)
}

/// `DELETE /api/labels/{id}`: the label goes, and so do its links.
pub async fn remove(cx: &mut Cx<'_>, admin: Admin, id: &str) -> ApiResult<Response> {
    if !cx.app.store.delete_label(&admin.account_id, id).await? {
        return Err(ApiError::NotFound("Label"));
    }
    json(200, &json!({ "deleted": id }))
}

/// `PATCH /api/conversations/{id}/labels` and `PATCH /api/contacts/{id}/labels`:
/// `{add?, remove?}` (label ids); a label already on, or already off, is
/// left so, so a retry changes nothing more. Answers the labels it carries;
/// a conversation's change is pushed to the team's inbox tabs.
pub async fn apply(
    cx: &mut Cx<'_>,
    agent: Agent,
    target: Labelled,
    id: &str,
) -> ApiResult<Response> {
    let input: api::LabelChange = read_json(&mut cx.req).await?;
    let dedup = |ids: Vec<String>| {
        let mut out: Vec<String> = Vec::with_capacity(ids.len());
        for i in ids {
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    };
    let (add, remove) = (dedup(input.add), dedup(input.remove));
    label::validate_change(&add, &remove).map_err(|_| ApiError::Invalid(CHANGE_INVALID))?;
    let what = match target {
        Labelled::Conversation => "Conversation",
        Labelled::Contact => "Contact",
    };
    let label_ids = cx
        .app
        .store
        .change_labels(
            (&agent.account_id, &agent.id),
            (target, id),
            (&add, &remove),
            now_ms(),
        )
        .await?
        .map_err(|why| refused(why, what))?;
    if target == Labelled::Conversation {
        // The team's other tabs redraw its chips (the list, the thread and its trail).
        cx.app
            .live
            .to_team(&agent.account_id, &InboxPush::changed(id))
            .await;
    }
    json(
        200,
        &api::AppliedLabels {
            id: id.to_string(),
            label_ids,
        },
    )
}
