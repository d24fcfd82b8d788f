//! Site-owner settings: the account's sites, each site's widget and its
//! chatbot. Any agent lists the sites; changes are the primary admin's.

use shared::api;
use shared::chatbot::Chatbot;
use shared::site::{validate_accent, validate_site_name};
use worker::Response;

use super::Cx;
use crate::auth::{Admin, Agent};
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::new_id;
use crate::store::{SiteRow, Store, WidgetUpdate};

/// The offline block's time zone is not one the runtime knows.
const UNKNOWN_TIME_ZONE: shared::Invalid = shared::Invalid::new(
    "time_zone_invalid",
    "The offline block's time_zone must be an IANA time zone such as Europe/Paris.",
);

/// The "Enter an automation" block names no automation of this site.
const UNKNOWN_AUTOMATION: shared::Invalid = shared::Invalid::new(
    "automation_unknown",
    "The chatbot's \"Enter an automation\" block must name one of this site's automations.",
);

/// `GET /api/sites`: the agent's sites.
pub async fn list(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let store = cx.app.store;
    json(
        200,
        &api::Sites {
            sites: store.sites(&agent.account_id).await?,
        },
    )
}

/// `POST /api/sites`: `{name}` → a new site (with its email channel, address not yet set).
pub async fn create(cx: &mut Cx<'_>, admin: Admin) -> ApiResult<Response> {
    let store = cx.app.store;
    let input: api::NewSite = read_json(&mut cx.req).await?;
    let name = validate_site_name(&input.name)?;
    json(
        201,
        &store
            .create_site(&admin.account_id, &new_id("s"), &name, now_ms())
            .await?,
    )
}

/// `PATCH /api/sites/{site}`: `{name?, enabled?}`; a disabled site's widget stops, nothing is deleted.
pub async fn update(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let input: api::SiteChanges = read_json(&mut cx.req).await?;
    let name = input.name.as_deref().map(validate_site_name).transpose()?;
    if !store
        .update_site(&admin.account_id, site_id, name.as_deref(), input.enabled)
        .await?
    {
        return Err(ApiError::NotFound("Site"));
    }
    let site = store
        .sites(&admin.account_id)
        .await?
        .into_iter()
        .find(|s| s.id == site_id)
        .ok_or(ApiError::NotFound("Site"))?;
    json(200, &site)
}

async fn widget_of(
    store: &Store,
    account_id: &str,
    site_id: &str,
) -> ApiResult<api::WidgetSettings> {
    store
        .widget_settings(account_id, site_id)
        .await?
        .ok_or(ApiError::NotFound("Site"))
}

/// `GET /api/sites/{site}/widget`: display name, accent colour, launcher position, language.
pub async fn widget(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    json(200, &widget_of(store, &admin.account_id, site_id).await?)
}

/// `PATCH /api/sites/{site}/widget`: `{name?, color?, position?, language?, files?, csat?}`; a colour
/// under which white text fails WCAG AA is refused.
pub async fn update_widget(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let input: api::WidgetChanges = read_json(&mut cx.req).await?;
    let name = input.name.as_deref().map(validate_site_name).transpose()?;
    let color = input.color.as_deref().map(validate_accent).transpose()?;
    let changes = WidgetUpdate {
        name: name.as_deref(),
        color: color.as_deref(),
        position: input.position,
        language: input.language,
        files: input.files,
        csat: input.csat,
    };
    if !store
        .update_widget(&admin.account_id, site_id, &changes)
        .await?
    {
        return Err(ApiError::NotFound("Site"));
    }
    json(200, &widget_of(store, &admin.account_id, site_id).await?)
}

/// `GET /api/sites/{site}/chatbot`: the site's chatbot, block by block (the default one until saved).
pub async fn chatbot(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let site = owned_site(cx, &admin, site_id).await?;
    json(
        200,
        &api::ChatbotSettings {
            site_id: site.id.clone(),
            chatbot: site.chatbot(),
        },
    )
}

/// `PUT /api/sites/{site}/chatbot`: `{blocks: [...]}` replaces the chatbot; the
/// widget's config (cached a minute) carries it to every visitor.
pub async fn update_chatbot(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let chatbot: Chatbot = read_json(&mut cx.req).await?;
    chatbot.validate()?;
    if let Some((_, time_zone)) = chatbot.offline() {
        if crate::clock::weekday_and_minute(now_ms(), time_zone).is_none() {
            return Err(ApiError::Invalid(UNKNOWN_TIME_ZONE));
        }
    }
    if let Some(automation) = chatbot.automation() {
        if store
            .automation(&admin.account_id, site_id, automation)
            .await?
            .is_none()
        {
            return Err(ApiError::Invalid(UNKNOWN_AUTOMATION));
        }
    }
    let saved = serde_json::to_string(&chatbot).map_err(|e| ApiError::Internal(e.to_string()))?;
    if !store
        .set_chatbot(&admin.account_id, site_id, &saved)
        .await?
    {
        return Err(ApiError::NotFound("Site"));
    }
    json(
        200,
        &api::ChatbotSettings {
            site_id: site_id.to_string(),
            chatbot,
        },
    )
}

/// The site `site_id`, if it is the admin's account's (404 otherwise: another account's site is not said to exist).
pub(super) async fn owned_site(cx: &Cx<'_>, admin: &Admin, site_id: &str) -> ApiResult<SiteRow> {
    cx.app
        .store
        .site(site_id)
        .await?
        .filter(|s| s.account_id == admin.account_id)
        .ok_or(ApiError::NotFound("Site"))
}
