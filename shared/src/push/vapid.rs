//! VAPID (RFC 8292): the deployment proves to push services that it is the
//! sender the browser subscribed for, with a short-lived JWT signed ES256 by
//! its key pair, in `Authorization: vapid t=<JWT>, k=<public key>`.

use core::fmt;

use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use p256::SecretKey;
use serde::Serialize;

use super::{
    b64url, from_b64url, public_bytes, secret_key, KEY_INVALID, PRIVATE_KEY_LEN, PUBLIC_KEY_LEN,
    SUBJECT_INVALID,
};
use crate::Invalid;

/// How long a token is valid: 12 hours, half the longest RFC 8292 allows.
pub const TOKEN_LIFETIME_SECONDS: u64 = 12 * 60 * 60;
/// The longest a token may live (RFC 8292 §2: `exp` no more than 24 hours ahead).
pub const MAX_TOKEN_LIFETIME_SECONDS: u64 = 24 * 60 * 60;
/// The JWS header of every token: a JWT signed ES256 (RFC 8292 §2, in the RFC example's order).
const JWT_HEADER: &str = r#"{"typ":"JWT","alg":"ES256"}"#;
/// The longest contact accepted.
const MAX_SUBJECT_LEN: usize = 255;

/// The deployment's VAPID key pair (ES256 over P-256): generated once, its
/// private half sealed like the other secrets, its public half given to
/// browsers as `applicationServerKey`.
#[derive(Clone)]
pub struct VapidKeys {
    signing: SigningKey,
    public: [u8; PUBLIC_KEY_LEN],
}

/// The sender's contact in every token (`sub`): a `mailto:` address or an `https:` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject(String);

/// A token's claims (RFC 8292 §2), serialized in this order.
#[derive(Serialize)]
struct Claims<'a> {
    /// The push service's origin.
    aud: &'a str,
    /// Expiry, seconds since the epoch.
    exp: u64,
    /// The contact.
    sub: &'a str,
}

impl VapidKeys {
    /// A new key pair from 32 fresh random bytes (the caller's `getrandom`);
    /// [`KEY_INVALID`] in the 2^-32 case they are not a valid key: draw again.
    pub fn generate(random: &[u8; PRIVATE_KEY_LEN]) -> Result<Self, Invalid> {
        Ok(Self::from_secret(secret_key(random)?))
    }

    /// Reads the private key back from [`VapidKeys::private_key`]'s form.
    pub fn from_private(private_key: &str) -> Result<Self, Invalid> {
        let scalar = from_b64url(private_key)
            .and_then(|bytes| <[u8; PRIVATE_KEY_LEN]>::try_from(bytes).ok())
            .ok_or(KEY_INVALID)?;
        Self::generate(&scalar)
    }

    /// The pair around a private key.
    fn from_secret(secret: SecretKey) -> Self {
        let public = public_bytes(&secret);
        Self {
            signing: SigningKey::from(secret),
            public,
        }
    }

    /// The private key, 32 bytes in base64url: what is sealed and stored.
    pub fn private_key(&self) -> String {
        b64url(&self.signing.to_bytes())
    }

    /// The public key, an uncompressed point in base64url: the browser's
    /// `applicationServerKey` and the header's `k`.
    pub fn public_key(&self) -> String {
        b64url(&self.public)
    }

    /// The `Authorization` header's value for a push service at `audience`
    /// (the endpoint's origin, `Subscription::audience`), valid from `now`
    /// (seconds since the epoch) for [`TOKEN_LIFETIME_SECONDS`].
    pub fn authorization(&self, audience: &str, subject: &Subject, now: u64) -> String {
        let token = self.token(audience, subject, now + TOKEN_LIFETIME_SECONDS);
        let mut header = String::with_capacity(token.len() + 100);
        header.push_str("vapid t=");
        header.push_str(&token);
        header.push_str(", k=");
        header.push_str(&self.public_key());
        header
    }

    /// The signed JWT: header and claims in base64url, then the ES256
    /// signature as JWS writes it (`r ‖ s`, 64 bytes), all without padding.
    fn token(&self, audience: &str, subject: &Subject, expires: u64) -> String {
        let claims = Claims {
            aud: audience,
            exp: expires,
            sub: &subject.0,
        };
        let claims = serde_json::to_vec(&claims).expect("claims serialize");
        let mut token = b64url(JWT_HEADER.as_bytes());
        token.push('.');
        token.push_str(&b64url(&claims));
        let signature: Signature = self.signing.sign(token.as_bytes());
        token.push('.');
        token.push_str(&b64url(&signature.to_bytes()));
        token
    }
}

impl fmt::Debug for VapidKeys {
    /// Shows the public key only: the private one never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VapidKeys")
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

impl Subject {
    /// Checks a contact: `mailto:` and an email address (lower-cased), or an
    /// `https://` URL of a public host; at most 255 characters.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let raw = raw.trim();
        if raw.len() > MAX_SUBJECT_LEN {
            return Err(SUBJECT_INVALID);
        }
        let scheme = raw.get(..7).unwrap_or_default();
        if scheme.eq_ignore_ascii_case("mailto:") {
            let address =
                crate::contact::normalize_email(&raw[7..]).map_err(|_| SUBJECT_INVALID)?;
            return Ok(Self(format!("mailto:{address}")));
        }
        crate::automation::validate_url(raw, false)
            .map(Self)
            .map_err(|_| SUBJECT_INVALID)
    }

    /// The contact as the token carries it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
/// What a push service does with the header: the token's signature checked
/// with `k`; the claims when it holds, else `None`.
pub(super) fn verify(header: &str) -> Option<serde_json::Value> {
    let (token, key) = header.strip_prefix("vapid t=")?.split_once(", k=")?;
    let (input, signature) = token.rsplit_once('.')?;
    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&from_b64url(key)?).ok()?;
    let signature = Signature::from_slice(&from_b64url(signature)?).ok()?;
    p256::ecdsa::signature::Verifier::verify(&key, input.as_bytes(), &signature).ok()?;
    let (head, claims) = input.split_once('.')?;
    assert_eq!(from_b64url(head)?, JWT_HEADER.as_bytes());
    serde_json::from_slice(&from_b64url(claims)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8292 §2.4: the example token and the key that signed it.
    const RFC_TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJodHRwczovL3B1c2guZXhhbXBsZS5uZXQiLCJleHAiOjE0NTM1MjM3NjgsInN1YiI6Im1haWx0bzpwdXNoQGV4YW1wbGUuY29tIn0.i3CYb7t4xfxCDquptFOepC9GAu_HLGkMlMuCGSK2rpiUfnK9ojFwDXb1JrErtmysazNjjvW2L9OkSSHzvoD1oA";
    const RFC_KEY: &str =
        "BA1Hxzyi1RUM1b5wjxsn7nGxAszw2u61m164i3MrAIxHF6YK5h4SDYic-dRuU_RCPCfA5aq9ojSwk5Y2EmClBPs";
    const NOW: u64 = 1_796_688_000; // 2026-12-07

    fn keys() -> VapidKeys {
        VapidKeys::generate(&[0x42; 32]).unwrap()
    }

    fn subject() -> Subject {
        Subject::parse("mailto:ops@juniperandpine.example.com").unwrap()
    }

    #[test]
    fn tokens_read_as_the_rfc_8292_example_and_its_signature_verifies_the_same_way() {
        let rfc_subject = Subject::parse("mailto:push@example.com").unwrap();
        let ours = keys().token("https://push.example.net", &rfc_subject, 1_453_523_768);
        let (rfc_input, _) = RFC_TOKEN.rsplit_once('.').unwrap();
        let (our_input, _) = ours.rsplit_once('.').unwrap();
        assert_eq!(our_input, rfc_input, "header and claims, byte for byte");
        let claims = verify(&format!("vapid t={RFC_TOKEN}, k={RFC_KEY}")).unwrap();
        assert_eq!(claims["exp"], 1_453_523_768);
        // The RFC's signature over our input, read as we read ours (r ‖ s, base64url).
        let ours_with_rfc_signature =
            format!("{our_input}.{}", RFC_TOKEN.rsplit_once('.').unwrap().1);
        assert!(verify(&format!("vapid t={ours_with_rfc_signature}, k={RFC_KEY}")).is_some());
    }

    #[test]
    fn the_header_verifies_with_its_key_for_the_endpoints_origin_within_24_hours() {
        let sub = super::super::subscription::Subscription::new(
            "https://fcm.googleapis.com/fcm/send/eW91IGZvdW5kIGl0",
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
            "BTBZMqHH6r4Tts7J_aSIgg",
            false,
        )
        .unwrap();
        let header = keys().authorization(&sub.audience(), &subject(), NOW);
        let claims = verify(&header).expect("the signature verifies with k");
        assert_eq!(claims["aud"], "https://fcm.googleapis.com");
        assert_eq!(claims["sub"], "mailto:ops@juniperandpine.example.com");
        let exp = claims["exp"].as_u64().unwrap();
        assert!(
            exp > NOW && exp <= NOW + MAX_TOKEN_LIFETIME_SECONDS,
            "{exp}"
        );
        assert_eq!(exp, NOW + TOKEN_LIFETIME_SECONDS);
        assert!(header.ends_with(&format!(", k={}", keys().public_key())));
        // base64url without padding, everywhere.
        let (token, key) = header["vapid t=".len()..].split_once(", k=").unwrap();
        assert_eq!(token.split('.').count(), 3);
        for part in token.split('.').chain([key]) {
            let base64url = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
            assert!(part.bytes().all(base64url), "{part}");
        }
        assert_eq!(
            from_b64url(token.rsplit('.').next().unwrap())
                .unwrap()
                .len(),
            64
        );
    }

    #[test]
    fn a_changed_claim_or_another_key_does_not_verify() {
        let header = keys().authorization("https://push.example.net", &subject(), NOW);
        let (token, key) = header.split_once(", k=").unwrap();
        let (input, signature) = token.rsplit_once('.').unwrap();
        let (head, _) = input.split_once('.').unwrap();
        let forged = b64url(br#"{"aud":"https://evil.example.net","exp":1,"sub":"mailto:x@y.zz"}"#);
        assert_eq!(
            verify(&format!("{head}.{forged}.{signature}, k={key}")),
            None
        );
        let other = VapidKeys::generate(&[0x43; 32]).unwrap();
        assert_eq!(verify(&format!("{token}, k={}", other.public_key())), None);
    }

    #[test]
    fn keys_round_trip_through_their_stored_form() {
        let keys = keys();
        let public = from_b64url(&keys.public_key()).unwrap();
        assert_eq!(
            (public.len(), public[0]),
            (65, 0x04),
            "an uncompressed point"
        );
        assert_eq!(
            keys.public_key().len(),
            87,
            "65 bytes, base64url without padding"
        );
        assert_eq!(from_b64url(&keys.private_key()).unwrap(), [0x42; 32]);
        let again = VapidKeys::from_private(&keys.private_key()).unwrap();
        assert_eq!(again.public_key(), keys.public_key());
        assert_ne!(
            VapidKeys::generate(&[0x43; 32]).unwrap().public_key(),
            keys.public_key()
        );
        for bad in [
            "",
            "AAAA",
            &b64url(&[0; 32]),
            &b64url(&[1; 33]),
            "not base64!",
        ] {
            assert_eq!(
                VapidKeys::from_private(bad).unwrap_err(),
                KEY_INVALID,
                "{bad}"
            );
        }
        let shown = format!("{keys:?}");
        assert!(shown.contains(&keys.public_key()) && !shown.contains(&keys.private_key()));
    }

    #[test]
    fn the_contact_is_a_mailto_address_or_an_https_url() {
        let ok = |raw: &str| Subject::parse(raw).unwrap().as_str().to_string();
        assert_eq!(ok(" MAILTO:Ops@Example.com "), "mailto:ops@example.com");
        assert_eq!(
            ok("https://juniperandpine.com/contact"),
            "https://juniperandpine.com/contact"
        );
        for bad in [
            "",
            "ops@example.com",
            "mailto:",
            "mailto:not an address",
            "http://juniperandpine.com/",
            "https://localhost/",
            "tel:+33123456789",
            &format!("https://example.com/{}", "a".repeat(255)),
        ] {
            assert_eq!(Subject::parse(bad).unwrap_err(), SUBJECT_INVALID, "{bad}");
        }
    }
}
