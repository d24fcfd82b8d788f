//! The agent API over the email channel: mail the worker refused, and why.

use serde_json::json;
use worker::{Request, Response};

use crate::auth;
use crate::error::ApiResult;
use crate::http::json;
use crate::store::Store;

/// `GET /api/email/rejections`: mail refused for the agent's sites, newest first.
pub async fn rejections(store: &Store, req: &Request) -> ApiResult<Response> {
    let agent = auth::agent(store, req).await?;
    let rejections = store.rejections(&agent.account_id).await?;
    json(200, &json!({ "rejections": rejections }))
}
