//! Settings › Tracking: the snippet a site owner pastes (any agent may read
//! it). The site's identity verification, on the same page, is `routes::identity`.

use shared::api;
use shared::site::{csp, snippet, Look};
use worker::Response;

use super::Cx;
use crate::auth::Agent;
use crate::error::{ApiError, ApiResult};
use crate::http::json;
use crate::store::{AgentRow, SiteRow, Store};

/// A site of the caller's account (another account's site is not found).
async fn site_of(store: &Store, agent: &AgentRow, site_id: &str) -> ApiResult<SiteRow> {
    store
        .site(site_id)
        .await?
        .filter(|s| s.account_id == agent.account_id)
        .ok_or(ApiError::NotFound("Site"))
}

/// `GET /api/sites/{site}/snippet`: the snippet for this site and this
/// deployment's origin, exactly as it must be pasted.
pub async fn show_snippet(cx: &mut Cx<'_>, agent: Agent, site_id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let site = site_of(store, &agent, site_id).await?;
    let origin = cx.app.public_origin(&cx.req)?;
    let look = Look {
        color: &site.color,
        position: site.position,
        language: site.language,
    };
    json(
        200,
        &api::Snippet {
            snippet: snippet(&origin, &site.id, look),
            csp: csp(&origin, &site.id, look),
            site_id: site.id,
        },
    )
}
