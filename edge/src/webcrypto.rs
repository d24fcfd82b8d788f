//! The platform's WebCrypto, as `password` (PBKDF2) and `secrets` (AES-GCM) use it.

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Crypto, SubtleCrypto};

use crate::error::{ApiError, ApiResult};

/// The runtime's `crypto.subtle`.
pub fn subtle() -> ApiResult<SubtleCrypto> {
    let crypto: Crypto = Reflect::get(&js_sys::global(), &"crypto".into())
        .map_err(|_| ApiError::Internal("no crypto global".into()))?
        .unchecked_into();
    Ok(crypto.subtle())
}

/// Turns a rejected WebCrypto call into an internal error naming the step.
pub fn js_err(what: &str) -> impl Fn(JsValue) -> ApiError + '_ {
    move |e| ApiError::Internal(format!("{what}: {e:?}"))
}
