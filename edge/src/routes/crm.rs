//! Settings › Integrations › ActiveCampaign (the primary admin's): the
//! account's connection, checked live before it is stored, the automations
//! and fields to pick from, the call log, and a site's part.

use serde_json::Value;
use shared::api::{self, CrmAutomation, CrmField, CrmFieldMapping, CrmSiteSettings};
use shared::crm::{self, CallKind, CallState};
use shared::Invalid;
use worker::{Method, Response};

use super::sites::owned_site;
use super::Cx;
use crate::auth::Admin;
use crate::clock::now_ms;
use crate::crm::client::{self, AcAccount, AcAnswer};
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::secrets::Context;
use crate::store::{CallRecord, NewConnection, Token};

/// ActiveCampaign could not be reached, or failed (5xx, 429).
pub const UNREACHABLE: Invalid = Invalid::new(
    "crm_unreachable",
    "ActiveCampaign could not be reached or did not answer properly; nothing was saved. Check the API URL, or try again in a minute.",
);

/// ActiveCampaign asked for a pause (429 with Retry-After) that is still running.
pub const RATE_LIMITED: Invalid = Invalid::new(
    "crm_rate_limited",
    "ActiveCampaign asked Parley to slow down (its limit of 5 requests a second); nothing was saved. Try again in a minute.",
);

/// `GET /api/integrations/activecampaign`: the connection (never its key).
pub async fn show(cx: &mut Cx<'_>, admin: Admin) -> ApiResult<Response> {
    let row = cx.app.store.crm_connection(&admin.account_id).await?;
    json(
        200,
        &row.map(|r| r.answer())
            .unwrap_or_else(crate::store::crm_not_connected),
    )
}

/// `PUT /api/integrations/activecampaign`: checks the URL, the key (live,
/// `GET /api/3/users/me`) and the field map (`GET /api/3/fields`) before
/// anything is stored; a new key resumes a paused connection and queues its
/// waiting jobs again.
pub async fn connect(cx: &mut Cx<'_>, admin: Admin) -> ApiResult<Response> {
    let input: api::CrmConnect = read_json(&mut cx.req).await?;
    let account_id = admin.account_id.as_str();
    let api_url = crm::validate_api_url(&input.api_url, cx.app.outbox.allow_loopback)
        .map_err(ApiError::Invalid)?;
    let new_key = match input.api_key.as_deref() {
        Some(raw) => Some(crm::validate_key(raw).map_err(ApiError::Invalid)?),
        None => None,
    };
    let map_input = checked_map(cx, account_id, &input.field_map).await?;
    let stored = cx.app.store.crm_connection(account_id).await?;
    let key = match (&new_key, &stored) {
        (Some(key), _) => key.clone(),
        (None, Some(row)) => {
            cx.app
                .secrets
                .open(Context::ActiveCampaign(account_id), &row.api_key)
                .await?
        }
        (None, None) => return Err(ApiError::Invalid(crm::KEY_MISSING)),
    };
    let account = AcAccount {
        api_url: api_url.clone(),
        key,
    };
    // https://developers.activecampaign.com/reference/users (GET /api/3/users/me)
    let check = live(cx, account_id, &account, CallKind::Check, "/api/3/users/me").await?;
    if matches!(check.status, 401 | 403) {
        return Err(ApiError::Unprocessable(crm::KEY_REFUSED));
    }
    if !check.ok() {
        return Err(ApiError::BadGateway(UNREACHABLE));
    }
    let field_map = if map_input.is_empty() {
        Vec::new()
    } else {
        let fields = list_fields(cx, account_id, &account).await?;
        titled(&map_input, &fields)?
    };
    let sealed = match &new_key {
        Some(key) => Some(
            cx.app
                .secrets
                .seal(Context::ActiveCampaign(account_id), key)
                .await?,
        ),
        None => None,
    };
    let new = NewConnection {
        api_url: &api_url,
        sealed_key: sealed.as_deref(),
        push_unverified: input.push_unverified,
        field_map: &field_map,
    };
    let (row, resumed) = cx
        .app
        .store
        .save_crm_connection(account_id, &new, now_ms())
        .await?;
    cx.app.outbox.enqueue_crm(resumed, 0).await;
    json(200, &row.answer())
}

/// `DELETE /api/integrations/activecampaign`: the key is erased, unsent jobs dropped.
pub async fn disconnect(cx: &mut Cx<'_>, admin: Admin) -> ApiResult<Response> {
    cx.app
        .store
        .delete_crm_connection(&admin.account_id)
        .await?;
    Ok(Response::empty()?.with_status(204))
}

/// `GET /api/integrations/activecampaign/automations`: the account's automations, live.
pub async fn automations(cx: &mut Cx<'_>, admin: Admin) -> ApiResult<Response> {
    let account = connected(cx, &admin.account_id).await?;
    // https://developers.activecampaign.com/reference/list-all-automations
    let answer = live(
        cx,
        &admin.account_id,
        &account,
        CallKind::List,
        "/api/3/automations?limit=100",
    )
    .await?;
    if !answer.ok() {
        return Err(ApiError::BadGateway(UNREACHABLE));
    }
    let list: Vec<CrmAutomation> = items(&answer.json, "automations")
        .filter_map(|a| {
            Some(CrmAutomation {
                id: crm::id_of(&a["id"])?,
                name: a["name"].as_str().unwrap_or_default().to_string(),
                active: crm::id_of(&a["status"]).as_deref() == Some("1"),
            })
        })
        .collect();
    json(200, &list)
}

/// `GET /api/integrations/activecampaign/fields`: the account's custom contact fields, live.
pub async fn fields(cx: &mut Cx<'_>, admin: Admin) -> ApiResult<Response> {
    let account = connected(cx, &admin.account_id).await?;
    json(200, &list_fields(cx, &admin.account_id, &account).await?)
}

/// `GET /api/integrations/activecampaign/calls`: the call log, newest first.
pub async fn calls(cx: &mut Cx<'_>, admin: Admin) -> ApiResult<Response> {
    json(200, &cx.app.store.crm_calls(&admin.account_id).await?)
}

/// `GET /api/sites/{site}/activecampaign`: the site's part.
pub async fn site(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    owned_site(cx, &admin, site_id).await?;
    json(200, &cx.app.store.crm_site(site_id).await?)
}

/// `PUT /api/sites/{site}/activecampaign`: replaces the site's part (tags checked first).
pub async fn set_site(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let input: CrmSiteSettings = read_json(&mut cx.req).await?;
    owned_site(cx, &admin, site_id).await?;
    let tags = api::CrmTags {
        chat: crm::validate_tags(&input.tags.chat).map_err(ApiError::Invalid)?,
        email: crm::validate_tags(&input.tags.email).map_err(ApiError::Invalid)?,
        messenger: crm::validate_tags(&input.tags.messenger).map_err(ApiError::Invalid)?,
    };
    let settings = CrmSiteSettings { tags, ..input };
    cx.app
        .store
        .set_crm_site(site_id, &settings, now_ms())
        .await?;
    json(200, &settings)
}

/// The account's connection, opened, for a live look-up; 409 when not connected.
async fn connected(cx: &Cx<'_>, account_id: &str) -> ApiResult<AcAccount> {
    crate::crm::open_account(cx.app.store, cx.app.secrets, account_id)
        .await?
        .ok_or(ApiError::Conflict(crm::NOT_CONNECTED))
}

/// Makes one live GET for Settings and records it in the call log; unreachable is 502.
async fn live(
    cx: &Cx<'_>,
    account_id: &str,
    account: &AcAccount,
    kind: CallKind,
    path: &str,
) -> ApiResult<AcAnswer> {
    // A connected account's calls share its bucket (a paused one's live
    // check of a new key goes through; a Retry-After still running does not).
    if let Token::Wait(_) = crate::crm::jobs::wait_for_token(cx.app.store, account_id).await? {
        return Err(ApiError::BadGateway(RATE_LIMITED));
    }
    let result = client::call(account, Method::Get, path, None).await;
    let (status, error) = match &result {
        Ok(a) if a.ok() => (Some(a.status), None),
        Ok(a) => (Some(a.status), Some(crm::error_message(a.status, &a.text))),
        Err(e) => (None, Some(e.clone())),
    };
    let state = if error.is_none() {
        CallState::Done
    } else {
        CallState::Failed
    };
    let record = CallRecord {
        job_id: None,
        kind,
        contact_id: None,
        email: None,
        site_id: None,
        method: "GET",
        path,
        status,
        error: error.as_deref(),
        state,
        attempt: 1,
    };
    cx.app
        .store
        .record_crm_call(account_id, &record, now_ms())
        .await?;
    result.map_err(|_| ApiError::BadGateway(UNREACHABLE))
}

/// The account's custom fields (`GET /api/3/fields`,
/// <https://developers.activecampaign.com/reference/retrieve-fields>).
async fn list_fields(
    cx: &Cx<'_>,
    account_id: &str,
    account: &AcAccount,
) -> ApiResult<Vec<CrmField>> {
    let answer = live(
        cx,
        account_id,
        account,
        CallKind::List,
        "/api/3/fields?limit=100",
    )
    .await?;
    if !answer.ok() {
        return Err(ApiError::BadGateway(UNREACHABLE));
    }
    Ok(items(&answer.json, "fields")
        .filter_map(|f| {
            Some(CrmField {
                id: crm::id_of(&f["id"])?,
                title: f["title"].as_str().unwrap_or_default().to_string(),
            })
        })
        .collect())
}

/// The items of a list answer's array.
fn items<'v>(json: &'v Value, name: &str) -> impl Iterator<Item = &'v Value> {
    json[name].as_array().into_iter().flatten()
}

/// The field map's rules: `company` or one of the account's attribute keys,
/// each once, to a numeric field id; at most [`crm::MAX_FIELD_MAP`].
async fn checked_map(
    cx: &Cx<'_>,
    account_id: &str,
    map: &[api::CrmFieldMapInput],
) -> ApiResult<Vec<api::CrmFieldMapInput>> {
    let bad = || ApiError::Invalid(crm::FIELD_MAP_INVALID);
    if map.len() > crm::MAX_FIELD_MAP {
        return Err(bad());
    }
    let keys: Vec<String> = if map.iter().any(|m| m.attribute != "company") {
        cx.app
            .store
            .attributes(account_id)
            .await?
            .into_iter()
            .map(|a| a.key)
            .collect()
    } else {
        Vec::new()
    };
    for (i, m) in map.iter().enumerate() {
        let known = m.attribute == "company" || keys.contains(&m.attribute);
        let twice = map[..i].iter().any(|o| o.attribute == m.attribute);
        if !known || twice || !crm::is_activecampaign_id(&m.field_id) {
            return Err(bad());
        }
    }
    Ok(map.to_vec())
}

/// The map with each field's title from ActiveCampaign; a field it does not have is refused.
fn titled(map: &[api::CrmFieldMapInput], fields: &[CrmField]) -> ApiResult<Vec<CrmFieldMapping>> {
    map.iter()
        .map(|m| {
            let field = fields
                .iter()
                .find(|f| f.id == m.field_id)
                .ok_or(ApiError::Invalid(crm::FIELD_UNKNOWN))?;
            Ok(CrmFieldMapping {
                attribute: m.attribute.clone(),
                field_id: m.field_id.clone(),
                field_title: field.title.clone(),
            })
        })
        .collect()
}
