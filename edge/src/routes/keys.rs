//! API keys (primary admin): create one (shown once; only its SHA-256 is
//! stored), list them, revoke one (refused at once from then on).

use serde_json::json;
use shared::agent::KeyRole;
use shared::api;
use shared::form::normalize_line;
use shared::visitor::hash_secret;
use shared::Invalid;
use worker::Response;

use super::Cx;
use crate::auth::Admin;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::{new_id, new_secret};
use crate::live::Drop;
use crate::store::NewKey;

/// What keys start with (the bearer check tells them from visitor tokens by it).
const KEY_PREFIX: &str = "pk_";
/// How much of a key is kept in clear to tell keys apart: `pk_` and 8 hex digits.
const SHOWN_CHARS: usize = KEY_PREFIX.len() + 8;

const LABEL_MISSING: Invalid = Invalid::new(
    "label_missing",
    "Give the key a label that says what it is for.",
);

/// `GET /api/api-keys`: the account's keys in use (never the keys themselves).
pub async fn list(cx: &mut Cx<'_>, admin: Admin) -> ApiResult<Response> {
    let store = cx.app.store;
    json(
        200,
        &api::ApiKeys {
            keys: store.api_keys(&admin.account_id).await?,
        },
    )
}

/// `POST /api/api-keys`: `{label, role}` → a new key acting as the admin in
/// that role (`agent` when left out), shown this once.
pub async fn create(cx: &mut Cx<'_>, admin: Admin) -> ApiResult<Response> {
    let store = cx.app.store;
    let input: api::CreateApiKey = read_json(&mut cx.req).await?;
    let label = normalize_line(&input.label)?;
    if label.is_empty() {
        return Err(ApiError::Invalid(LABEL_MISSING));
    }
    let key = format!("{KEY_PREFIX}{}", new_secret());
    let (id, token_hash) = (new_id("key"), hash_secret(&key));
    let role = input.role.unwrap_or(KeyRole::Agent);
    let new_key = NewKey {
        id: &id,
        token_hash: &token_hash,
        prefix: &key[..SHOWN_CHARS],
        agent_id: &admin.id,
        label: &label,
        role,
    };
    let api_key = store.create_api_key(&new_key, now_ms()).await?;
    json(201, &api::NewApiKey { key, api_key })
}

/// `DELETE /api/api-keys/{id}`: revokes a key; its next call is refused.
pub async fn revoke(cx: &mut Cx<'_>, admin: Admin, key_id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let key_hash = store
        .revoke_api_key(&admin.account_id, key_id, now_ms())
        .await?
        .ok_or(ApiError::NotFound("API key"))?;
    cx.app
        .live
        .drop_sockets(
            &admin.account_id,
            &Drop {
                agent_id: None,
                credential: Some(key_hash),
            },
        )
        .await;
    json(200, &json!({ "revoked": key_id }))
}
