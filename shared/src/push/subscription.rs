//! A browser's push subscription (`PushSubscription.toJSON()`, Push API):
//! where to send (the endpoint, a push service's URL) and the keys to
//! encrypt for (RFC 8291 §2: `p256dh` and `auth`), checked once on the way in.

use p256::PublicKey;
use serde::Deserialize;

use super::{
    b64url, from_b64url, AUTH_INVALID, ENDPOINT_INVALID, P256DH_INVALID, PUBLIC_KEY_LEN,
    SUBSCRIPTION_INVALID,
};
use crate::Invalid;

/// Length of a subscription's authentication secret (RFC 8291 §3.2).
pub const AUTH_SECRET_LEN: usize = 16;

/// `PushSubscription.toJSON()` as the inbox posts it (unchecked).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionInput {
    /// The push service's URL for this browser.
    pub endpoint: String,
    /// When the browser says the subscription ends, ms (usually null); not relied on.
    #[serde(default)]
    pub expiration_time: Option<f64>,
    /// The keys to encrypt for.
    pub keys: KeysInput,
}

/// The `keys` member of [`SubscriptionInput`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct KeysInput {
    /// The browser's P-256 public key, base64url.
    pub p256dh: String,
    /// The browser's 16-byte authentication secret, base64url.
    pub auth: String,
}

/// A checked subscription: an https endpoint of a public host and keys that are what they claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    endpoint: String,
    keys: SubscriptionKeys,
}

/// The receiver's keys: a point on P-256 and the authentication secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionKeys {
    p256dh: PublicKey,
    auth: [u8; AUTH_SECRET_LEN],
}

impl SubscriptionInput {
    /// Checks every part; see [`Subscription::new`].
    pub fn validate(&self, allow_loopback: bool) -> Result<Subscription, Invalid> {
        Subscription::new(
            &self.endpoint,
            &self.keys.p256dh,
            &self.keys.auth,
            allow_loopback,
        )
    }
}

impl Subscription {
    /// Reads and checks a posted `PushSubscription` JSON.
    pub fn from_json(json: &str, allow_loopback: bool) -> Result<Self, Invalid> {
        let input: SubscriptionInput =
            serde_json::from_str(json).map_err(|_| SUBSCRIPTION_INVALID)?;
        input.validate(allow_loopback)
    }

    /// Checks a subscription's parts (as posted, or as stored): the endpoint
    /// as `automation::validate_url` checks a receiver (https and a public
    /// host name; `allow_loopback` lets test deployments use
    /// `http://127.0.0.1`), `p256dh` an uncompressed point on the curve,
    /// `auth` 16 bytes.
    pub fn new(
        endpoint: &str,
        p256dh: &str,
        auth: &str,
        allow_loopback: bool,
    ) -> Result<Self, Invalid> {
        let endpoint = crate::automation::validate_url(endpoint, allow_loopback)
            .map_err(|_| ENDPOINT_INVALID)?;
        let keys = SubscriptionKeys::new(p256dh, auth)?;
        Ok(Self { endpoint, keys })
    }

    /// Where to POST the message.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The endpoint's origin, the VAPID token's `aud` (RFC 8292 §2):
    /// scheme, host and a port only when not the scheme's default.
    pub fn audience(&self) -> String {
        url::Url::parse(&self.endpoint)
            .expect("a checked endpoint parses")
            .origin()
            .ascii_serialization()
    }

    /// The keys to encrypt for.
    pub fn keys(&self) -> &SubscriptionKeys {
        &self.keys
    }
}

impl SubscriptionKeys {
    /// Checks `p256dh` (65 bytes, `0x04 ‖ x ‖ y`, on the curve) and `auth` (16 bytes), both base64url.
    pub fn new(p256dh: &str, auth: &str) -> Result<Self, Invalid> {
        let point = from_b64url(p256dh)
            .filter(|bytes| bytes.len() == PUBLIC_KEY_LEN && bytes[0] == 0x04)
            .ok_or(P256DH_INVALID)?;
        let p256dh = PublicKey::from_sec1_bytes(&point).map_err(|_| P256DH_INVALID)?;
        let auth = from_b64url(auth)
            .and_then(|bytes| <[u8; AUTH_SECRET_LEN]>::try_from(bytes).ok())
            .ok_or(AUTH_INVALID)?;
        Ok(Self { p256dh, auth })
    }

    /// The public key, base64url (to store).
    pub fn p256dh(&self) -> String {
        b64url(&self.public_bytes())
    }

    /// The authentication secret, base64url (to store).
    pub fn auth(&self) -> String {
        b64url(&self.auth)
    }

    /// The public key as a point on the curve.
    pub(super) fn public_key(&self) -> &PublicKey {
        &self.p256dh
    }

    /// The public key, uncompressed (`ua_public` in RFC 8291).
    pub(super) fn public_bytes(&self) -> [u8; PUBLIC_KEY_LEN] {
        use p256::elliptic_curve::sec1::ToEncodedPoint as _;
        let mut out = [0u8; PUBLIC_KEY_LEN];
        out.copy_from_slice(self.p256dh.to_encoded_point(false).as_bytes());
        out
    }

    /// The authentication secret.
    pub(super) fn auth_secret(&self) -> &[u8; AUTH_SECRET_LEN] {
        &self.auth
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8291 Appendix A's receiver (the user agent).
    const UA_PUBLIC: &str =
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";

    fn json(endpoint: &str, p256dh: &str, auth: &str) -> String {
        serde_json::json!({
            "endpoint": endpoint,
            "expirationTime": null,
            "keys": { "p256dh": p256dh, "auth": auth },
        })
        .to_string()
    }

    #[test]
    fn a_browser_subscription_reads_and_keeps_its_keys() {
        let endpoint = "https://fcm.googleapis.com/fcm/send/dpH5lCsTSSM:APA91bHqj";
        let sub = Subscription::from_json(&json(endpoint, UA_PUBLIC, AUTH), false).unwrap();
        assert_eq!(sub.endpoint(), endpoint);
        assert_eq!(sub.keys().p256dh(), UA_PUBLIC);
        assert_eq!(sub.keys().auth(), AUTH);
        // As stored and read back, it is the same subscription.
        let again = Subscription::new(endpoint, &sub.keys().p256dh(), &sub.keys().auth(), false);
        assert_eq!(again.unwrap(), sub);
        // Padded base64url (some libraries write it) reads the same.
        let padded = Subscription::new(endpoint, UA_PUBLIC, "BTBZMqHH6r4Tts7J_aSIgg==", false);
        assert_eq!(padded.unwrap(), sub);
    }

    #[test]
    fn the_audience_is_the_endpoints_origin() {
        let aud = |endpoint: &str| {
            Subscription::new(endpoint, UA_PUBLIC, AUTH, true)
                .unwrap()
                .audience()
        };
        assert_eq!(
            aud("https://fcm.googleapis.com/fcm/send/abc?x=1#y"),
            "https://fcm.googleapis.com"
        );
        assert_eq!(
            aud("https://Push.Example.NET:443/p/1"),
            "https://push.example.net"
        );
        assert_eq!(
            aud("https://push.example.net:8443/p/1"),
            "https://push.example.net:8443"
        );
        assert_eq!(aud("http://127.0.0.1:9400/push/a"), "http://127.0.0.1:9400");
    }

    #[test]
    fn endpoints_must_be_https_on_a_public_host() {
        for endpoint in [
            "http://fcm.googleapis.com/fcm/send/abc",
            "https://127.0.0.1/push",
            "https://[::1]/push",
            "https://localhost/push",
            "https://push.internal/p",
            "https://user:pw@push.example.net/p",
            "ftp://push.example.net/p",
            "not a url",
            "",
            "http://127.0.0.1:9400/push",
        ] {
            let got = Subscription::from_json(&json(endpoint, UA_PUBLIC, AUTH), false);
            assert_eq!(got.unwrap_err(), ENDPOINT_INVALID, "{endpoint}");
        }
        let long = format!("https://push.example.net/{}", "a".repeat(2048));
        assert_eq!(
            Subscription::new(&long, UA_PUBLIC, AUTH, false).unwrap_err(),
            ENDPOINT_INVALID
        );
        // Test deployments reach the local fake push service, and only on loopback.
        assert!(Subscription::new("http://127.0.0.1:9400/push/a", UA_PUBLIC, AUTH, true).is_ok());
        let private = Subscription::new("http://10.0.0.1/push", UA_PUBLIC, AUTH, true);
        assert_eq!(private.unwrap_err(), ENDPOINT_INVALID);
    }

    #[test]
    fn keys_are_checked_for_length_encoding_and_curve() {
        let endpoint = "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABh";
        let p256dh = |key: &str| Subscription::new(endpoint, key, AUTH, false).unwrap_err();
        let bytes = from_b64url(UA_PUBLIC).unwrap();
        // The compressed form of the same point (33 bytes) is not what browsers send.
        let mut compressed = vec![0x02 | (bytes[64] & 1)];
        compressed.extend_from_slice(&bytes[1..33]);
        assert_eq!(p256dh(&b64url(&compressed)), P256DH_INVALID);
        assert_eq!(
            p256dh(&b64url(&bytes[..64])),
            P256DH_INVALID,
            "one byte short"
        );
        let mut off_curve = bytes.clone();
        off_curve[64] ^= 1;
        assert_eq!(
            p256dh(&b64url(&off_curve)),
            P256DH_INVALID,
            "not on the curve"
        );
        assert_eq!(
            p256dh(&UA_PUBLIC.replace('_', "/")),
            P256DH_INVALID,
            "not base64url"
        );
        assert_eq!(p256dh(""), P256DH_INVALID);

        let auth =
            |secret: &str| Subscription::new(endpoint, UA_PUBLIC, secret, false).unwrap_err();
        assert_eq!(auth(&b64url(&[7; 15])), AUTH_INVALID);
        assert_eq!(auth(&b64url(&[7; 17])), AUTH_INVALID);
        assert_eq!(auth("%%%"), AUTH_INVALID);
    }

    #[test]
    fn json_that_is_not_a_subscription_is_refused_readably() {
        for body in [
            "",
            "null",
            "{}",
            r#"{"endpoint":"https://push.example.net/p"}"#,
            r#"{"endpoint":1,"keys":{}}"#,
        ] {
            let err = Subscription::from_json(body, false).unwrap_err();
            assert_eq!(err, SUBSCRIPTION_INVALID, "{body}");
        }
        assert!(SUBSCRIPTION_INVALID.message.contains("keys.p256dh"));
    }
}
