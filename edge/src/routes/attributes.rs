//! Contact attributes: the primary admin defines them (key, name, kind, a
//! list's options: `shared::attribute` checks each); any agent of the account
//! lists them and sets its contacts' values, checked by the same rule a signed
//! identify's are. Other accounts' attributes and contacts are 404.

use serde_json::{json, Map, Value};
use shared::api;
use shared::attribute::{
    self, AttributeKind, Definition, CHANGE_INVALID, KEY_TAKEN, NOTHING_TO_CHANGE, OPTIONS_INVALID,
    TOO_MANY,
};
use worker::Response;

use super::Cx;
use crate::auth::{Admin, Agent};
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::new_id;
use crate::store::{AttributeRefused, Store};

/// The error for a refused write; `what` names the missing thing.
fn refused(why: AttributeRefused, what: &'static str) -> ApiError {
    match why {
        AttributeRefused::KeyTaken => ApiError::Conflict(KEY_TAKEN),
        AttributeRefused::Full => ApiError::Conflict(TOO_MANY),
        AttributeRefused::NotFound => ApiError::NotFound(what),
    }
}

/// JSON text of a list of options.
fn options_text(options: &[String]) -> ApiResult<String> {
    serde_json::to_string(options).map_err(|e| ApiError::Internal(e.to_string()))
}

/// `GET /api/attributes`: the account's attributes, by name.
pub async fn list(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let attributes = cx.app.store.attributes(&agent.account_id).await?;
    json(200, &api::Attributes { attributes })
}

/// `POST /api/attributes`: `{key, name, kind, options?}`; 409 if the key is
/// taken or the account defines the most it may.
pub async fn create(cx: &mut Cx<'_>, admin: Admin) -> ApiResult<Response> {
    let input: api::NewAttribute = read_json(&mut cx.req).await?;
    let key = attribute::validate_key(&input.key)?;
    let name = attribute::validate_name(&input.name)?;
    let options = attribute::validate_options(input.kind, &input.options)?;
    let options = options_text(&options)?;
    let fields = (
        key.as_str(),
        name.as_str(),
        input.kind.as_str(),
        options.as_str(),
    );
    let created = cx
        .app
        .store
        .create_attribute(&admin.account_id, &new_id("at"), fields, now_ms())
        .await?
        .map_err(|why| refused(why, "Attribute"))?;
    json(201, &created)
}

/// `PATCH /api/attributes/{id}`: `{name?, options?}` (options for a list
/// only; values no longer among them are cleared), checked before anything is written.
pub async fn update(cx: &mut Cx<'_>, admin: Admin, id: &str) -> ApiResult<Response> {
    let input: api::AttributeChanges = read_json(&mut cx.req).await?;
    if input.name.is_none() && input.options.is_none() {
        return Err(ApiError::Invalid(NOTHING_TO_CHANGE));
    }
    let store = cx.app.store;
    let current = store
        .attributes(&admin.account_id)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(ApiError::NotFound("Attribute"))?;
    let name = input
        .name
        .as_deref()
        .map(attribute::validate_name)
        .transpose()?;
    let options = match &input.options {
        Some(_) if current.kind != AttributeKind::List => {
            return Err(ApiError::Invalid(OPTIONS_INVALID))
        }
        Some(options) => Some(options_text(&attribute::validate_options(
            current.kind,
            options,
        )?)?),
        None => None,
    };
    let updated = store
        .update_attribute(
            &admin.account_id,
            id,
            (name.as_deref(), options.as_deref()),
            now_ms(),
        )
        .await?
        .map_err(|why| refused(why, "Attribute"))?;
    json(200, &updated)
}

/// `DELETE /api/attributes/{id}`: the attribute goes, and every value of it.
pub async fn remove(cx: &mut Cx<'_>, admin: Admin, id: &str) -> ApiResult<Response> {
    if !cx.app.store.delete_attribute(&admin.account_id, id).await? {
        return Err(ApiError::NotFound("Attribute"));
    }
    json(200, &json!({ "deleted": id }))
}

/// The account's attributes as the rules need them.
pub(super) async fn definitions(store: &Store, account_id: &str) -> ApiResult<Vec<Definition>> {
    Ok(store
        .attributes(account_id)
        .await?
        .into_iter()
        .map(|a| Definition {
            key: a.key,
            kind: a.kind,
            options: a.options,
        })
        .collect())
}

/// Checks values given by key against the account's attributes: each value
/// as stored, or `None` to clear it; the first bad one refuses them all.
pub(super) async fn checked_values(
    store: &Store,
    account_id: &str,
    given: &Map<String, Value>,
) -> ApiResult<Vec<(String, Option<Value>)>> {
    let defs = definitions(store, account_id).await?;
    Ok(attribute::validate_values(&defs, given)?)
}

/// A chatbot question's answers (`key`, the visitor's text) as checked values
/// of the account's attributes (`shared::attribute::typed_answer`), or the
/// refusal naming the attribute.
pub(super) async fn checked_answers(
    store: &Store,
    account_id: &str,
    answers: &[(String, String)],
) -> ApiResult<Vec<(String, Option<Value>)>> {
    let defs = definitions(store, account_id).await?;
    Ok(attribute::validate_answers(&defs, answers)?)
}

/// `PATCH /api/contacts/{id}/attributes`: `{key: value, ...}` (`null` clears
/// one); every value is checked before any is written. Answers the values
/// the contact has now.
pub async fn apply(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let given: Map<String, Value> = read_json(&mut cx.req).await?;
    if given.is_empty() || given.len() > attribute::MAX_PER_ACCOUNT as usize {
        return Err(ApiError::Invalid(CHANGE_INVALID));
    }
    let store = cx.app.store;
    let values = checked_values(store, &agent.account_id, &given).await?;
    let attributes = store
        .set_contact_attributes(&agent.account_id, id, &values, now_ms())
        .await?
        .map_err(|why| refused(why, "Contact"))?;
    json(
        200,
        &api::ContactAttributes {
            id: id.to_string(),
            attributes,
        },
    )
}
