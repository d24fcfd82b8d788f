//! Small helpers shared by the handlers: bounded JSON bodies, JSON answers, CORS.

use serde::{de::DeserializeOwned, Serialize};
use worker::{Headers, Request, Response};

use crate::error::{ApiError, ApiResult};

/// Largest request body any JSON endpoint accepts.
pub const MAX_JSON_BODY: usize = 64 * 1024;

/// Reads a JSON body of at most [`MAX_JSON_BODY`] bytes into `T`.
pub async fn read_json<T: DeserializeOwned>(req: &mut Request) -> ApiResult<T> {
    let headers = req.headers();
    let content_type = headers.get("content-type")?.unwrap_or_default();
    if !content_type.trim_start().to_ascii_lowercase().starts_with("application/json") {
        return Err(ApiError::UnsupportedMediaType);
    }
    if declared_length(req)? > MAX_JSON_BODY {
        return Err(ApiError::PayloadTooLarge(MAX_JSON_BODY));
    }
    let bytes = req.bytes().await?;
    if bytes.len() > MAX_JSON_BODY {
        return Err(ApiError::PayloadTooLarge(MAX_JSON_BODY));
    }
    serde_json::from_slice(&bytes).map_err(|e| ApiError::MalformedJson(e.to_string()))
}

/// The length a request declares for its body. A body without one (streamed)
/// is refused with 411 rather than read whole before its size is known: the
/// caller compares this with its limit first.
pub fn declared_length(req: &Request) -> ApiResult<usize> {
    req.headers().get("content-length")?.and_then(|v| v.trim().parse::<usize>().ok()).ok_or(ApiError::LengthRequired)
}

/// A JSON response with the given status.
pub fn json<T: Serialize>(status: u16, value: &T) -> ApiResult<Response> {
    Ok(Response::from_json(value)?.with_status(status))
}

/// The bearer credential of a request, if it carries one.
pub fn bearer(req: &Request) -> ApiResult<Option<String>> {
    let value = req.headers().get("authorization")?;
    Ok(value.and_then(|v| v.strip_prefix("Bearer ").map(|t| t.trim().to_string())))
}

/// The value of a request cookie.
pub fn cookie(req: &Request, name: &str) -> ApiResult<Option<String>> {
    let header = req.headers().get("cookie")?.unwrap_or_default();
    Ok(header.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name && !v.is_empty()).then(|| v.to_string())
    }))
}

/// A `Set-Cookie` value for an HttpOnly, SameSite=Strict cookie (Secure on https).
pub fn session_cookie(req: &Request, name: &str, value: &str, max_age_seconds: u64) -> String {
    let secure = req.url().map(|u| u.scheme() == "https").unwrap_or(true);
    format!(
        "{name}={value}; Max-Age={max_age_seconds}; Path=/; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Adds the CORS headers that let the widget call the visitor API from any site.
///
/// Visitor calls authenticate with a bearer token, never cookies, so allowing
/// every origin exposes nothing a caller does not already hold.
pub fn with_widget_cors(mut response: Response) -> Response {
    let headers: &mut Headers = response.headers_mut();
    let _ = headers.set("access-control-allow-origin", "*");
    let _ = headers.set("access-control-allow-methods", "GET, POST, OPTIONS");
    let _ = headers.set("access-control-allow-headers", "authorization, content-type");
    let _ = headers.set("access-control-max-age", "86400");
    response
}
