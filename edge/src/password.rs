//! Agent passwords: PBKDF2-HMAC-SHA256 through WebCrypto, salted, at the
//! highest iteration count workerd accepts. Never stored or logged in clear.

use js_sys::{Array, Object, Reflect, Uint8Array};
use shared::digest::same;
use shared::hex;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::CryptoKey;

use crate::error::{ApiError, ApiResult};
use crate::webcrypto::{js_err, subtle};

/// workerd caps PBKDF2 at 100,000 iterations.
pub const ITERATIONS: u32 = 100_000;
/// Shortest password accepted.
pub const MIN_LENGTH: usize = 10;

/// A stored password: salt and derived key in hex, and the iteration count.
#[derive(Debug, Clone)]
pub struct Stored {
    /// PBKDF2 output, hex.
    pub hash: String,
    /// Random salt, hex.
    pub salt: String,
    /// Iterations used.
    pub iterations: u32,
}

async fn derive(password: &str, salt: &[u8], iterations: u32) -> ApiResult<Vec<u8>> {
    let subtle = subtle()?;
    let usages = Array::of1(&"deriveBits".into());
    let key_data: Object = Uint8Array::from(password.as_bytes()).into();
    let key: CryptoKey = JsFuture::from(
        subtle
            .import_key_with_str("raw", &key_data, "PBKDF2", false, &usages)
            .map_err(js_err("importKey"))?,
    )
    .await
    .map_err(js_err("importKey"))?
    .unchecked_into();
    let params = Object::new();
    for (k, v) in [
        ("name", JsValue::from_str("PBKDF2")),
        ("hash", JsValue::from_str("SHA-256")),
        ("salt", Uint8Array::from(salt).into()),
        ("iterations", JsValue::from_f64(f64::from(iterations))),
    ] {
        Reflect::set(&params, &k.into(), &v).map_err(js_err("params"))?;
    }
    let bits = JsFuture::from(
        subtle
            .derive_bits_with_object(&params, &key, 256)
            .map_err(js_err("deriveBits"))?,
    )
    .await
    .map_err(js_err("deriveBits"))?;
    Ok(Uint8Array::new(&bits).to_vec())
}

/// Hashes a new password with a fresh random salt.
pub async fn hash(password: &str) -> ApiResult<Stored> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| ApiError::Internal(e.to_string()))?;
    let derived = derive(password, &salt, ITERATIONS).await?;
    Ok(Stored {
        hash: hex::encode(&derived),
        salt: hex::encode(salt),
        iterations: ITERATIONS,
    })
}

/// Whether `password` matches what is stored (constant-time comparison).
pub async fn verify(password: &str, stored: &Stored) -> ApiResult<bool> {
    let salt = hex::decode(&stored.salt)
        .map_err(|_| ApiError::Internal("stored salt is not hex".into()))?;
    let derived = derive(password, &salt, stored.iterations.min(ITERATIONS)).await?;
    Ok(same(
        hex::encode(&derived).as_bytes(),
        stored.hash.as_bytes(),
    ))
}
