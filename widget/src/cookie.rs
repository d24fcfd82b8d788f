//! The visitor cookie: a first-party cookie on the host site holding the
//! visitor token for 30 days after the last visit.

use wasm_bindgen::JsCast;
use web_sys::HtmlDocument;

use shared::visitor::{COOKIE_MAX_AGE_SECONDS, COOKIE_NAME};

fn document() -> Option<HtmlDocument> {
    web_sys::window()?
        .document()?
        .dyn_into::<HtmlDocument>()
        .ok()
}

/// The stored visitor token, if any.
pub fn read() -> Option<String> {
    let cookies = document()?.cookie().ok()?;
    cookies.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == COOKIE_NAME && !value.is_empty()).then(|| value.to_string())
    })
}

/// Stores (or refreshes) the token for another 30 days ([`COOKIE_MAX_AGE_SECONDS`]).
pub fn write(token: &str) {
    set(token, shared::decimal!(COOKIE_MAX_AGE_SECONDS));
}

/// Forgets the visitor on this browser.
pub fn clear() {
    set("", "0");
}

fn set(value: &str, max_age: &str) {
    let Some(doc) = document() else { return };
    let secure = web_sys::window()
        .and_then(|w| w.location().protocol().ok())
        .is_some_and(|p| p == "https:");
    let mut cookie = [
        COOKIE_NAME,
        "=",
        value,
        "; Max-Age=",
        max_age,
        "; Path=/; SameSite=Lax",
    ]
    .concat();
    if secure {
        cookie.push_str("; Secure");
    }
    let _ = doc.set_cookie(&cookie);
}
