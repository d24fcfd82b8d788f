//! Secrets the worker must read back (a site's identity secret, its Messenger
//! app secret and Page token, an automation's signing secret, an account's
//! ActiveCampaign API key), sealed with
//! AES-256-GCM through WebCrypto under the deployment's `SECRETS_KEY` (a
//! Worker secret: 32 random bytes in hex).
//!
//! A sealed value is `v1.{hex iv}.{hex ciphertext and tag}`. Each is bound to
//! a [`Context`] (e.g. `identity:{site id}`) as GCM's additional data, so a
//! sealed value copied to another row or purpose does not open there.

use js_sys::{Array, Object, Reflect, Uint8Array};
use shared::hex;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::CryptoKey;

use crate::error::{ApiError, ApiResult};
use crate::webcrypto::{js_err, subtle};

/// Version tag of the sealed format.
const VERSION: &str = "v1";
/// AES-GCM's recommended nonce length.
const IV_BYTES: usize = 12;

/// What a sealed secret is for. Its text is GCM's additional data, so a value
/// sealed for one site or purpose opens for no other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context<'a> {
    /// A site's identity secret (`identity:{site id}`).
    Identity(&'a str),
    /// A site's Messenger secret, `app_secret` or `page_token` (`messenger:{site id}:{what}`).
    Messenger(&'a str, &'a str),
    /// An automation's signing secret (`automation:{automation id}`).
    Automation(&'a str),
    /// An account's ActiveCampaign API key (`activecampaign:{account id}`).
    ActiveCampaign(&'a str),
}

impl std::fmt::Display for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Context::Identity(site_id) => write!(f, "identity:{site_id}"),
            Context::Messenger(site_id, what) => write!(f, "messenger:{site_id}:{what}"),
            Context::Automation(automation_id) => write!(f, "automation:{automation_id}"),
            Context::ActiveCampaign(account_id) => write!(f, "activecampaign:{account_id}"),
        }
    }
}

/// The deployment's key for sealed secrets, checked once when read from `Env`.
pub struct SecretsKey(Option<[u8; 32]>);

impl SecretsKey {
    /// The key from its hex form; an empty, short or non-hex value leaves the
    /// deployment without one (sealing and opening then fail with a logged reason).
    pub fn from_hex(text: &str) -> Self {
        let bytes = hex::decode(text.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok());
        SecretsKey(bytes)
    }

    async fn crypto_key(&self) -> ApiResult<CryptoKey> {
        let raw = self.0.ok_or_else(|| {
            ApiError::Internal(
                "SECRETS_KEY is not set (or not 64 hex digits): secrets cannot be sealed or opened"
                    .into(),
            )
        })?;
        let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
        let key_data: Object = Uint8Array::from(raw.as_slice()).into();
        let key = JsFuture::from(
            subtle()?
                .import_key_with_str("raw", &key_data, "AES-GCM", false, &usages)
                .map_err(js_err("importKey"))?,
        )
        .await
        .map_err(js_err("importKey"))?;
        Ok(key.unchecked_into())
    }

    /// Seals `plaintext` for `context` under a fresh random nonce.
    pub async fn seal(&self, context: Context<'_>, plaintext: &str) -> ApiResult<String> {
        let context = context.to_string();
        let key = self.crypto_key().await?;
        let mut iv = [0u8; IV_BYTES];
        getrandom::fill(&mut iv).map_err(|e| ApiError::Internal(e.to_string()))?;
        let sealed = JsFuture::from(
            subtle()?
                .encrypt_with_object_and_js_u8_array(
                    &params(&iv, &context)?,
                    &key,
                    &Uint8Array::from(plaintext.as_bytes()),
                )
                .map_err(js_err("encrypt"))?,
        )
        .await
        .map_err(js_err("encrypt"))?;
        Ok(format!(
            "{VERSION}.{}.{}",
            hex::encode(iv),
            hex::encode(Uint8Array::new(&sealed).to_vec())
        ))
    }

    /// Opens what [`seal`](Self::seal) made for the same `context`; fails if the
    /// value was altered, sealed for another context, or under another key.
    pub async fn open(&self, context: Context<'_>, sealed: &str) -> ApiResult<String> {
        let context = context.to_string();
        let malformed = || ApiError::Internal(format!("sealed secret for {context} is malformed"));
        let mut parts = sealed.split('.');
        let (Some(VERSION), Some(iv), Some(data), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed());
        };
        let iv = hex::decode(iv).map_err(|_| malformed())?;
        let data = hex::decode(data).map_err(|_| malformed())?;
        let key = self.crypto_key().await?;
        let plain = JsFuture::from(
            subtle()?
                .decrypt_with_object_and_js_u8_array(
                    &params(&iv, &context)?,
                    &key,
                    &Uint8Array::from(data.as_slice()),
                )
                .map_err(js_err("decrypt"))?,
        )
        .await
        .map_err(js_err(
            "decrypt (wrong SECRETS_KEY, or the value was altered)",
        ))?;
        String::from_utf8(Uint8Array::new(&plain).to_vec()).map_err(|_| malformed())
    }
}

/// `AesGcmParams` with this nonce and the context as additional data.
fn params(iv: &[u8], context: &str) -> ApiResult<Object> {
    let params = Object::new();
    for (k, v) in [
        ("name", JsValue::from_str("AES-GCM")),
        ("iv", Uint8Array::from(iv).into()),
        (
            "additionalData",
            Uint8Array::from(context.as_bytes()).into(),
        ),
    ] {
        Reflect::set(&params, &k.into(), &v).map_err(js_err("params"))?;
    }
    Ok(params)
}
