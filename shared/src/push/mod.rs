//! Web Push to agents' devices, the pure part: a browser's subscription
//! ([`subscription`]), what a notification says ([`notification`]), its
//! payload encrypted for that browser alone ([`encrypt`], RFC 8291 with the
//! `aes128gcm` content coding of RFC 8188), the deployment's signature that
//! push services check ([`vapid`], RFC 8292), and the request that carries
//! them ([`request`], RFC 8030).
//!
//! No I/O and no entropy source: the caller passes random bytes (the worker's
//! `getrandom`) and the time, so every step is reproducible in tests, down to
//! RFC 8291's published example.

pub mod encrypt;
pub mod notification;
pub mod request;
pub mod subscription;
pub mod vapid;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use p256::SecretKey;

use crate::Invalid;

/// The posted subscription was not a browser's `PushSubscription` as JSON.
pub const SUBSCRIPTION_INVALID: Invalid = Invalid::new(
    "push_subscription_invalid",
    "The push subscription must be the browser's PushSubscription as JSON: an endpoint, keys.p256dh and keys.auth.",
);
/// The subscription's endpoint was not an https URL of a public host.
pub const ENDPOINT_INVALID: Invalid = Invalid::new(
    "push_endpoint_invalid",
    "The push endpoint must be an https:// address of a public host name (no IP address or local name; at most 2048 characters).",
);
/// The subscription's `p256dh` was not a P-256 public key.
pub const P256DH_INVALID: Invalid = Invalid::new(
    "push_p256dh_invalid",
    "keys.p256dh must be the browser's P-256 public key: an uncompressed point of 65 bytes, in base64url.",
);
/// The subscription's `auth` was not a 16-byte secret.
pub const AUTH_INVALID: Invalid = Invalid::new(
    "push_auth_invalid",
    "keys.auth must be the browser's authentication secret: 16 bytes, in base64url.",
);
/// The payload does not fit in one push message.
pub const PAYLOAD_TOO_LARGE: Invalid = Invalid::new(
    "push_payload_too_large",
    "A push message carries at most 3993 bytes of payload (4096 bytes once encrypted).",
);
/// Bytes that are not a P-256 private key (zero, or not below the group order).
pub const KEY_INVALID: Invalid = Invalid::new(
    "push_key_invalid",
    "A P-256 private key must be 32 bytes (in base64url when stored) between 1 and the group order; draw new random bytes.",
);
/// The VAPID contact was neither a `mailto:` address nor an `https:` URL.
pub const SUBJECT_INVALID: Invalid = Invalid::new(
    "push_subject_invalid",
    "The VAPID contact must be a mailto: address or an https:// URL (at most 255 characters).",
);

/// Length of a P-256 private key (a scalar), in bytes.
pub const PRIVATE_KEY_LEN: usize = 32;
/// Length of a P-256 public key as an uncompressed SEC1 point (`0x04 ‖ x ‖ y`).
pub const PUBLIC_KEY_LEN: usize = 65;

/// Base64url without padding, as Web Push writes keys, secrets and tokens.
pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Reads base64url, with or without `=` padding (browsers write none; some libraries do).
pub fn from_b64url(text: &str) -> Option<Vec<u8>> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    LENIENT.decode(text.trim()).ok()
}

/// A private key from 32 bytes: refused for zero or a value not below the
/// group order (with random bytes, a chance of about 2^-32: draw again).
fn secret_key(scalar: &[u8; PRIVATE_KEY_LEN]) -> Result<SecretKey, Invalid> {
    SecretKey::from_bytes(scalar.into()).map_err(|_| KEY_INVALID)
}

/// The public half of `secret`, as an uncompressed point.
fn public_bytes(secret: &SecretKey) -> [u8; PUBLIC_KEY_LEN] {
    use p256::elliptic_curve::sec1::ToEncodedPoint as _;
    let point = secret.public_key().to_encoded_point(false);
    let mut out = [0u8; PUBLIC_KEY_LEN];
    out.copy_from_slice(point.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_is_written_without_padding_and_read_with_or_without() {
        assert_eq!(b64url(&[0xfb, 0xff]), "-_8");
        assert_eq!(from_b64url("-_8").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(from_b64url("-_8=").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(
            from_b64url("+/8="),
            None,
            "standard base64's alphabet is not base64url"
        );
    }

    #[test]
    fn a_private_key_is_refused_at_zero_and_at_the_group_order() {
        assert_eq!(secret_key(&[0; 32]).unwrap_err(), KEY_INVALID);
        let order: [u8; 32] =
            crate::hex::decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
                .unwrap()
                .try_into()
                .unwrap();
        assert_eq!(secret_key(&order).unwrap_err(), KEY_INVALID);
        let mut below = order;
        below[31] -= 1;
        assert!(secret_key(&below).is_ok());
    }

    #[test]
    fn the_payload_limit_in_its_message_is_the_constant() {
        let limit = encrypt::MAX_PLAINTEXT_LEN.to_string();
        assert!(PAYLOAD_TOO_LARGE.message.contains(&limit));
        assert!(PAYLOAD_TOO_LARGE
            .message
            .contains(&encrypt::MAX_BODY_LEN.to_string()));
    }
}
