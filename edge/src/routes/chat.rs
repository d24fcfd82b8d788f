//! `GET /chat/{site}`: the hosted chat page (`shared::chat_page`), where the
//! launcher sends visitors whose page cannot start the widget.

use shared::chat_page;
use shared::i18n::Locale;
use worker::Response;

use super::Cx;
use crate::error::{ApiError, ApiResult};

/// The page for an existing site with chat on, in the site's language (for
/// `auto`, the browser's first `Accept-Language`), under the page's own CSP
/// and cut off from its opener.
pub async fn page(cx: &mut Cx<'_>, site_id: &str) -> ApiResult<Response> {
    let site = cx
        .app
        .store
        .site(site_id)
        .await?
        .filter(|s| s.enabled == 1)
        .ok_or(ApiError::NotFound("Site"))?;
    let browser = cx.req.headers().get("accept-language")?.unwrap_or_default();
    let locale = Locale::resolve(site.language, browser.trim_start());
    let mut response = Response::from_html(chat_page::render(&site.id, &site.name, locale))?;
    let headers = response.headers_mut();
    headers.set("content-security-policy", chat_page::POLICY)?;
    headers.set("cross-origin-opener-policy", "same-origin")?;
    headers.set("referrer-policy", "no-referrer")?;
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("cache-control", "no-cache")?;
    Ok(response)
}
