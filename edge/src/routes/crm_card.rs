//! The contact panel's ActiveCampaign card (`GET /api/contacts/{id}/activecampaign`).
//! Built by the `crmui` part of issue 25: until then it answers `off` for an
//! account without a connection and a typed "not yet" otherwise.

use shared::api::{CrmCardState, CrmContactCard};
use shared::Invalid;
use worker::Response;

use super::Cx;
use crate::auth::Agent;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::json;

/// The card is not built yet.
const NOT_YET: Invalid = Invalid::new(
    "crm_card_not_yet",
    "The ActiveCampaign contact card is not available yet.",
);

/// `GET /api/contacts/{id}/activecampaign`.
pub async fn show(cx: &mut Cx<'_>, agent: Agent, contact_id: &str) -> ApiResult<Response> {
    let _ = contact_id;
    if cx
        .app
        .store
        .crm_connection(&agent.account_id)
        .await?
        .is_some()
    {
        return Err(ApiError::Conflict(NOT_YET));
    }
    json(
        200,
        &CrmContactCard {
            state: CrmCardState::Off,
            contact_id: None,
            url: None,
            tags: Vec::new(),
            lists: Vec::new(),
            deals: Vec::new(),
            fetched_at: now_ms(),
        },
    )
}
