//! The original of an email, byte for byte, from R2.

use worker::Response;

use super::Cx;
use crate::auth::Agent;
use crate::error::{ApiError, ApiResult};

/// `GET /api/messages/{id}/original`: the raw RFC 5322 message as received.
pub async fn show(cx: &mut Cx<'_>, agent: Agent, message_id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let raw_mail = cx.app.raw_mail;
    let key = store
        .raw_key(&agent.account_id, message_id)
        .await?
        .ok_or(ApiError::NotFound("Original message"))?;
    let object = raw_mail
        .get(key)
        .execute()
        .await?
        .ok_or(ApiError::NotFound("Original message"))?;
    let bytes = object
        .body()
        .ok_or(ApiError::NotFound("Original message"))?
        .bytes()
        .await?;
    let mut response = Response::from_bytes(bytes)?;
    let headers = response.headers_mut();
    headers.set("content-type", "message/rfc822")?;
    headers.set(
        "content-disposition",
        &format!("attachment; filename=\"{message_id}.eml\""),
    )?;
    headers.set("cache-control", "private, no-store")?;
    Ok(response)
}
