//! The visitor API the widget calls: site config, visitor creation, the
//! visitor's own conversation, and sending messages.

use serde::Deserialize;
use serde_json::json;
use shared::conversation::{validate_body, validate_client_id};
use shared::visitor::VISITOR_TTL_MS;
use worker::{Request, Response};

use crate::auth;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::{new_id, new_secret, now_ms};
use crate::store::{Store, Written};

/// A visit refreshes `last_seen_at` at most this often, so polling costs no writes.
const TOUCH_INTERVAL_MS: u64 = 60 * 60 * 1000;

/// `GET /api/widget/sites/{site}/config`: what the widget needs to render for a site.
pub async fn config(store: &Store, site_id: &str) -> ApiResult<Response> {
    let site = store.site(site_id).await?.ok_or(ApiError::NotFound("Site"))?;
    let mut response = json(
        200,
        &json!({
            "site_id": site.id,
            "name": site.name,
            "greeting": site.greeting,
            "color": site.color,
            "position": site.position,
            "form": {
                "phone": site.form_phone,
                "company": site.form_company,
                "full_name": site.form_full_name,
            },
        }),
    )?;
    response.headers_mut().set("cache-control", "public, max-age=60")?;
    Ok(response)
}

/// `POST /api/widget/sites/{site}/visitors`: a new visitor and its secret token.
pub async fn create_visitor(store: &Store, site_id: &str) -> ApiResult<Response> {
    let visitor_id = new_id("v");
    let secret = new_secret();
    let hash = shared::visitor::hash_secret(&secret);
    if !store.create_visitor(site_id, &visitor_id, &hash, now_ms()).await? {
        return Err(ApiError::NotFound("Site"));
    }
    json(
        201,
        &json!({
            "visitor_id": visitor_id,
            "token": format!("{visitor_id}.{secret}"),
            "max_age_seconds": VISITOR_TTL_MS / 1000,
        }),
    )
}

/// `GET /api/widget/conversation`: the calling visitor's conversation, and only theirs.
pub async fn conversation(store: &Store, req: &Request) -> ApiResult<Response> {
    let visitor = auth::visitor(store, req).await?;
    let now = now_ms();
    if now.saturating_sub(visitor.last_seen_at) > TOUCH_INTERVAL_MS {
        store.touch_visitor(&visitor.id, now).await?;
    }
    let conversation_id = store.visitor_conversation(&visitor.id).await?;
    let messages = match &conversation_id {
        Some(id) => store.messages(id).await?,
        None => Vec::new(),
    };
    json(200, &json!({ "conversation_id": conversation_id, "messages": messages }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SendMessage {
    client_message_id: String,
    body: String,
}

/// `POST /api/widget/messages`: stores a visitor message; a retry with the
/// same `client_message_id` answers 200 with the message already stored.
pub async fn send(store: &Store, req: &mut Request) -> ApiResult<Response> {
    let visitor = auth::visitor(store, req).await?;
    let input: SendMessage = read_json(req).await?;
    let client_id = validate_client_id(&input.client_message_id)?;
    let body = validate_body(&input.body)?;
    let (message, written) = store
        .add_visitor_message(&visitor.id, &new_id("c"), &new_id("m"), client_id, body, now_ms())
        .await?;
    let status = if written == Written::Created { 201 } else { 200 };
    json(status, &json!({ "message": message }))
}
