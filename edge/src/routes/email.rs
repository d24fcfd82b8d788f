//! The agent API over the email channel: mail the worker refused, and why.

use worker::Response;

use super::Cx;
use crate::auth::Agent;
use crate::error::ApiResult;
use crate::http::json;

/// `GET /api/email/rejections`: mail refused for the agent's sites, newest first.
pub async fn rejections(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let store = cx.app.store;
    let rejections = store.rejections(&agent.account_id).await?;
    json(200, &shared::api::Rejections { rejections })
}
