//! The account's own settings: its time zone (report days and hours are
//! local to it). Any agent reads it; the primary admin changes it.

use shared::api;
use worker::Response;

use super::Cx;
use crate::auth::{Admin, Agent};
use crate::clock::zone;
use crate::error::ApiResult;
use crate::http::{json, read_json};

/// `GET /api/account/time-zone`: the account's time zone.
pub async fn time_zone(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let time_zone = cx.app.store.time_zone(&agent.account_id).await?;
    json(200, &api::AccountTimeZone { time_zone })
}

/// `PUT /api/account/time-zone`: `{time_zone}` sets it; a name the runtime's `Intl` does not know is 400.
pub async fn set_time_zone(cx: &mut Cx<'_>, admin: Admin) -> ApiResult<Response> {
    let input: api::TimeZoneChange = read_json(&mut cx.req).await?;
    zone(&input.time_zone)?;
    cx.app
        .store
        .set_time_zone(&admin.account_id, &input.time_zone)
        .await?;
    json(
        200,
        &api::AccountTimeZone {
            time_zone: input.time_zone,
        },
    )
}
