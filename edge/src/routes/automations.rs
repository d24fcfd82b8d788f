//! A site's automations (signed outbound webhooks), primary admin only: list,
//! create (the secret is answered this once), change, delete, the delivery
//! log, and "Send test event".

use shared::api;
use shared::automation::{validate_name, validate_url};
use worker::Response;

use super::Cx;
use crate::auth::Admin;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::{new_id, new_secret};
use crate::secrets::Context;
use crate::store::{AgentRow, EventOf};

/// Where an automation's signing secret starts, so people recognise it.
const SECRET_PREFIX: &str = "whsec_";

async fn automation_of(
    cx: &Cx<'_>,
    agent: &AgentRow,
    site_id: &str,
    id: &str,
) -> ApiResult<api::Automation> {
    cx.app
        .store
        .automation(&agent.account_id, site_id, id)
        .await?
        .ok_or(ApiError::NotFound("Automation"))
}

/// `GET /api/sites/{site}/automations`.
pub async fn list(cx: &mut Cx<'_>, agent: Admin, site_id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let automations = store
        .automations(&agent.account_id, site_id)
        .await?
        .ok_or(ApiError::NotFound("Site"))?;
    json(200, &api::Automations { automations })
}

/// `POST /api/sites/{site}/automations`: `{name, url}` → the automation and
/// its signing secret, which no later answer contains.
pub async fn create(cx: &mut Cx<'_>, agent: Admin, site_id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let input: api::NewAutomationInput = read_json(&mut cx.req).await?;
    if !store.site_of_account(&agent.account_id, site_id).await? {
        return Err(ApiError::NotFound("Site"));
    }
    let name = validate_name(&input.name)?;
    let url = validate_url(&input.url, cx.app.outbox.allow_loopback)?;
    let (id, secret) = (new_id("au"), format!("{SECRET_PREFIX}{}", new_secret()));
    let sealed = cx
        .app
        .secrets
        .seal(Context::Automation(&id), &secret)
        .await?;
    store
        .create_automation(&id, site_id, &name, &url, &sealed, now_ms())
        .await?;
    let automation = automation_of(cx, &agent, site_id, &id).await?;
    json(201, &api::NewAutomation { automation, secret })
}

/// `PATCH /api/sites/{site}/automations/{id}`: `{name?, url?, enabled?}`.
pub async fn update(cx: &mut Cx<'_>, agent: Admin, site_id: &str, id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let changes: api::AutomationChanges = read_json(&mut cx.req).await?;
    automation_of(cx, &agent, site_id, id).await?;
    let name = changes.name.as_deref().map(validate_name).transpose()?;
    let url = changes
        .url
        .as_deref()
        .map(|u| validate_url(u, cx.app.outbox.allow_loopback))
        .transpose()?;
    store
        .update_automation(id, name.as_deref(), url.as_deref(), changes.enabled)
        .await?;
    json(200, &automation_of(cx, &agent, site_id, id).await?)
}

/// `DELETE /api/sites/{site}/automations/{id}`: the automation and its log.
pub async fn remove(cx: &mut Cx<'_>, agent: Admin, site_id: &str, id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    automation_of(cx, &agent, site_id, id).await?;
    store.delete_automation(id).await?;
    json(200, &serde_json::json!({ "deleted": id }))
}

/// `GET /api/sites/{site}/automations/{id}/deliveries`: the last 50, newest first.
pub async fn deliveries(
    cx: &mut Cx<'_>,
    agent: Admin,
    site_id: &str,
    id: &str,
) -> ApiResult<Response> {
    let store = cx.app.store;
    automation_of(cx, &agent, site_id, id).await?;
    json(
        200,
        &api::Deliveries {
            deliveries: store.deliveries(id).await?,
        },
    )
}

/// `POST /api/sites/{site}/automations/{id}/test`: queues a `test` event to
/// this automation (even a paused one is not: only enabled ones send).
pub async fn test(cx: &mut Cx<'_>, agent: Admin, site_id: &str, id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    automation_of(cx, &agent, site_id, id).await?;
    let event_id = new_id("ev");
    let of = EventOf {
        event_id: &event_id,
        site_id: Some(site_id),
        automation_id: Some(id),
        ..EventOf::default()
    };
    let queued = store.test_event(&of, now_ms()).await?;
    let queued_count = queued.len();
    cx.app.outbox.enqueue(queued).await;
    json(
        202,
        &serde_json::json!({ "event_id": event_id, "queued": queued_count }),
    )
}
