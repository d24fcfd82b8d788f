//! Proactive messages: the primary admin lists, adds, replaces and deletes a
//! site's messages (`shared::proactive` checks each field; 20 per site); the
//! widget's bubble module says when a visitor opened the chat from one, so
//! their reply carries it (`store::widget::proactive`). Other accounts'
//! sites and messages are 404.

use serde_json::json;
use shared::api::{self, ProactiveInput};
use shared::proactive::{self as rules, TOO_MANY, UNKNOWN_MESSAGE};
use worker::Response;

use super::widget::VISITOR_BLOCKED;
use super::Cx;
use crate::auth::{Admin, VisitorKey};
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::new_id;
use crate::limits::Limit;
use crate::store::ProactiveRefused;

/// The checked text and URL pattern of a message, before anything is written.
fn checked(input: &ProactiveInput) -> ApiResult<(String, String)> {
    let text = rules::validate_text(&input.text)?;
    let url = rules::validate_pattern(&input.url)?;
    rules::validate_delay(input.delay_seconds)?;
    Ok((text, url))
}

/// `GET /api/sites/{site}/proactive`: the site's messages with their counts.
pub async fn list(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let messages = cx
        .app
        .store
        .proactive_messages(&admin.account_id, site_id)
        .await?
        .ok_or(ApiError::NotFound("Site"))?;
    json(
        200,
        &api::ProactiveMessages {
            messages,
            max: rules::MAX_PER_SITE,
        },
    )
}

/// `POST /api/sites/{site}/proactive`: a new message; 409 when the site keeps 20.
pub async fn create(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let input: ProactiveInput = read_json(&mut cx.req).await?;
    let (text, url) = checked(&input)?;
    let created = cx
        .app
        .store
        .create_proactive(
            (&admin.account_id, site_id, &new_id("pm")),
            (&input, &text, &url),
            now_ms(),
        )
        .await?
        .map_err(|why| match why {
            ProactiveRefused::Full => ApiError::Conflict(TOO_MANY),
            ProactiveRefused::NotFound => ApiError::NotFound("Site"),
        })?;
    json(201, &created)
}

/// `PUT /api/sites/{site}/proactive/{id}`: replaces a message (its counts stay).
pub async fn update(cx: &mut Cx<'_>, admin: Admin, site_id: &str, id: &str) -> ApiResult<Response> {
    let input: ProactiveInput = read_json(&mut cx.req).await?;
    let (text, url) = checked(&input)?;
    let updated = cx
        .app
        .store
        .update_proactive(
            (&admin.account_id, site_id, id),
            (&input, &text, &url),
            now_ms(),
        )
        .await?
        .ok_or(ApiError::NotFound("Proactive message"))?;
    json(200, &updated)
}

/// `DELETE /api/sites/{site}/proactive/{id}`.
pub async fn remove(cx: &mut Cx<'_>, admin: Admin, site_id: &str, id: &str) -> ApiResult<Response> {
    if !cx
        .app
        .store
        .delete_proactive(&admin.account_id, site_id, id)
        .await?
    {
        return Err(ApiError::NotFound("Proactive message"));
    }
    json(200, &json!({ "deleted": id }))
}

/// `POST /api/widget/proactive`: the visitor opened the chat from a bubble;
/// their reply (on its way when `replied`, else the next) carries the
/// message. Limited per visitor like a send; 204.
pub async fn opened(cx: &mut Cx<'_>, key: VisitorKey) -> ApiResult<Response> {
    let app = cx.app;
    let token = key.token();
    app.limits
        .check(Limit::MessagesPerVisitor, token.visitor_id)
        .await?;
    let input: api::ProactiveOpen = read_json(&mut cx.req).await?;
    let (_, known) = app
        .store
        .proactive_opened(
            &token,
            (&input.message_id, input.replied),
            &new_id("m"),
            now_ms(),
        )
        .await?
        .or_refuse(VISITOR_BLOCKED)?;
    if !known {
        return Err(ApiError::Invalid(UNKNOWN_MESSAGE));
    }
    Ok(Response::empty()?.with_status(204))
}
