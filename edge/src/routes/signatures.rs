//! Signatures of outgoing mail: each agent sets their own (the site's
//! default is in its email channel's settings), and sees a preview of an
//! email reply signed with what they typed, text and HTML as sent.

use shared::api;
use shared::email::compose::html_of;
use shared::email::signature::{signed, validate};
use worker::Response;

use super::Cx;
use crate::auth::Agent;
use crate::error::ApiResult;
use crate::http::{json, read_json};

/// The reply the preview signs.
const SAMPLE_REPLY: &str =
    "Hello,\n\nThank you for your message. Your order left our workshop this morning.";

/// `GET /api/signature`: the signed-in agent's own signature.
pub async fn show(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let store = cx.app.store;
    json(
        200,
        &api::AgentSignature {
            signature: store.agent_signature(&agent.id).await?,
        },
    )
}

/// `PUT /api/signature`: `{signature}` sets the agent's own (empty removes it, and the site's applies).
pub async fn update(cx: &mut Cx<'_>, agent: Agent) -> ApiResult<Response> {
    let store = cx.app.store;
    let input: api::SignatureChange = read_json(&mut cx.req).await?;
    let signature = validate(&input.signature)?;
    store
        .set_agent_signature(&agent.id, signature.as_deref())
        .await?;
    json(200, &api::AgentSignature { signature })
}

/// `POST /api/signature/preview`: `{signature}` → an email reply signed with it, its text and HTML parts as sent.
pub async fn preview(cx: &mut Cx<'_>, _agent: Agent) -> ApiResult<Response> {
    let input: api::SignatureChange = read_json(&mut cx.req).await?;
    let signature = validate(&input.signature)?;
    let text = signed(SAMPLE_REPLY, signature.as_deref());
    json(
        200,
        &api::SignaturePreview {
            html: html_of(&text),
            text,
        },
    )
}
