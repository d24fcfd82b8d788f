//! A site's identity verification (primary admin): its mode, and a secret
//! generated here, shown once, and stored sealed (`crate::secrets`), which
//! `identify` checks the host page's signatures with.

use shared::api;
use worker::Response;

use super::{App, Cx};
use crate::auth::Admin;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::new_secret;
use crate::secrets::Context;
use crate::store::{AgentRow, SiteRow, Store};

async fn identity_settings(
    store: &Store,
    agent: &AgentRow,
    site_id: &str,
) -> ApiResult<api::IdentitySettings> {
    store
        .identity_settings(&agent.account_id, site_id)
        .await?
        .ok_or(ApiError::NotFound("Site"))
}

/// `GET /api/sites/{site}/identity`: the mode, and whether a secret is set.
pub async fn show(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    json(200, &identity_settings(store, &admin, site_id).await?)
}

/// `PATCH /api/sites/{site}/identity`: `{mode}`.
pub async fn update(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let changes: api::IdentityChanges = read_json(&mut cx.req).await?;
    identity_settings(store, &admin, site_id).await?;
    store.set_identity_mode(site_id, changes.mode).await?;
    json(200, &identity_settings(store, &admin, site_id).await?)
}

/// `POST /api/sites/{site}/identity/secret`: generates the site's secret (or
/// replaces it: signatures made with the old one stop verifying at once), and
/// answers it this once; only its sealed form is stored.
pub async fn rotate_secret(cx: &mut Cx<'_>, admin: Admin, site_id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    identity_settings(store, &admin, site_id).await?;
    let secret = new_secret();
    let sealed = cx
        .app
        .secrets
        .seal(Context::Identity(site_id), &secret)
        .await?;
    store.set_identity_secret(site_id, &sealed).await?;
    json(
        201,
        &api::IdentitySecret {
            site_id: site_id.to_string(),
            secret,
        },
    )
}

/// The secret a site's signatures are checked with, if it has one. A
/// plaintext secret from before migration 0009 is sealed and its plaintext
/// cleared here, the first time it is needed.
pub async fn identity_secret(app: &App<'_>, site: &SiteRow) -> ApiResult<Option<String>> {
    let context = Context::Identity(&site.id);
    if let Some(sealed) = &site.identity_secret_enc {
        return app.secrets.open(context, sealed).await.map(Some);
    }
    let Some(plain) = &site.identity_secret else {
        return Ok(None);
    };
    match app.secrets.seal(context, plain).await {
        Ok(sealed) => {
            app.store
                .upgrade_identity_secret(&site.id, plain, &sealed)
                .await?
        }
        Err(err) => worker::console_warn!(
            "site {} keeps a plaintext identity secret: {err:?}",
            site.id
        ),
    }
    Ok(Some(plain.clone()))
}
