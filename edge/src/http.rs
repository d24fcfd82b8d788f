//! Small helpers shared by the handlers: bounded JSON bodies, JSON answers, CORS.

use serde::{de::DeserializeOwned, Serialize};
use worker::{Headers, Request, Response};

use crate::error::{ApiError, ApiResult};

/// Largest request body any JSON endpoint accepts.
pub const MAX_JSON_BODY: usize = 64 * 1024;

/// Reads a JSON body of at most [`MAX_JSON_BODY`] bytes into `T`.
pub async fn read_json<T: DeserializeOwned>(req: &mut Request) -> ApiResult<T> {
    read_json_up_to(req, MAX_JSON_BODY).await
}

/// Reads a JSON body of at most `max` bytes into `T` (for the few larger bodies).
pub async fn read_json_up_to<T: DeserializeOwned>(req: &mut Request, max: usize) -> ApiResult<T> {
    let headers = req.headers();
    let content_type = headers.get("content-type")?.unwrap_or_default();
    if !content_type
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        return Err(ApiError::UnsupportedMediaType);
    }
    let bytes = read_bounded(req, max).await?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::MalformedJson(e.to_string()))
}

/// Reads a body of at most `max` bytes: 411 when it declares no length, 413
/// when the declared (or, should it lie, the actual) length is over `max`,
/// both answered before a byte is read.
pub async fn read_bounded(req: &mut Request, max: usize) -> ApiResult<Vec<u8>> {
    if declared_length(req)? > max {
        return Err(ApiError::PayloadTooLarge(max));
    }
    let bytes = req.bytes().await?;
    if bytes.len() > max {
        return Err(ApiError::PayloadTooLarge(max));
    }
    Ok(bytes)
}

/// The length a request declares for its body. A body without one (streamed)
/// is refused with 411 rather than read whole before its size is known: the
/// caller compares this with its limit first.
pub fn declared_length(req: &Request) -> ApiResult<usize> {
    req.headers()
        .get("content-length")?
        .and_then(|v| v.trim().parse::<usize>().ok())
        .ok_or(ApiError::LengthRequired)
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

/// Whether cookies set for this request can be `Secure`: on https, and on a
/// loopback host, which browsers treat as secure even over http (local dev).
pub fn secure_cookies(req: &Request) -> bool {
    req.url()
        .map(|u| {
            u.scheme() == "https"
                || matches!(u.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
        })
        .unwrap_or(true)
}

/// The name of the agent session cookie for this request: `__Host-` prefixed
/// (Secure, Path=/, no Domain: no subdomain or http page can set or shadow
/// it) wherever cookies can be Secure; plain only over http to another host.
pub fn session_cookie_name(req: &Request) -> &'static str {
    if secure_cookies(req) {
        SESSION_COOKIE_SECURE
    } else {
        SESSION_COOKIE
    }
}

/// The session cookie's name where it cannot be Secure (plain http to a non-loopback host).
pub const SESSION_COOKIE: &str = "parley_session";
/// The session cookie's name wherever it can be Secure.
pub const SESSION_COOKIE_SECURE: &str = "__Host-parley_session";

/// A `Set-Cookie` value for the agent session cookie (HttpOnly,
/// SameSite=Strict, Path=/, Secure wherever it can be).
pub fn session_cookie(req: &Request, value: &str, max_age_seconds: u64) -> String {
    let secure = secure_cookies(req);
    format!(
        "{}={value}; Max-Age={max_age_seconds}; Path=/; HttpOnly; SameSite=Strict{}",
        session_cookie_name(req),
        if secure { "; Secure" } else { "" }
    )
}

/// A `Set-Cookie` value for a browser's device cookie: sent only to sign-in.
pub fn device_cookie(req: &Request, value: &str) -> String {
    use shared::agent::device::{COOKIE, MAX_AGE_SECONDS};
    format!(
        "{COOKIE}={value}; Max-Age={MAX_AGE_SECONDS}; Path=/api/session; HttpOnly; SameSite=Strict{}",
        if secure_cookies(req) { "; Secure" } else { "" }
    )
}

/// The headers every API answer carries, set in this one place: the browser
/// never guesses a type (`nosniff`), and nothing is kept in any cache
/// (`no-store`) unless the handler chose otherwise (the public widget config;
/// downloads, `private, no-store`). Socket upgrades pass untouched.
pub fn finish(mut response: Response) -> Response {
    if response.status_code() == 101 {
        return response;
    }
    let headers = response.headers_mut();
    let _ = headers.set("x-content-type-options", "nosniff");
    if !headers.has("cache-control").unwrap_or(false) {
        let _ = headers.set("cache-control", "no-store");
    }
    response
}

/// Adds the CORS headers that let the widget call the visitor API from any site.
///
/// Visitor calls authenticate with a bearer token, never cookies, so allowing
/// every origin exposes nothing a caller does not already hold.
pub fn with_widget_cors(mut response: Response) -> Response {
    let headers: &mut Headers = response.headers_mut();
    let _ = headers.set("access-control-allow-origin", "*");
    let _ = headers.set("access-control-allow-methods", "GET, POST, OPTIONS");
    let _ = headers.set(
        "access-control-allow-headers",
        "authorization, content-type",
    );
    let _ = headers.set("access-control-max-age", "86400");
    response
}
