//! Visitors: anonymous browsers that chat, identified by an id and a secret token.
//!
//! The widget keeps `"{visitor_id}.{secret}"` in a first-party cookie; the worker
//! stores only the SHA-256 of the secret and forgets visitors unseen for
//! [`VISITOR_TTL_MS`].

use crate::digest::{same, sha256_hex};
use crate::Invalid;

/// How long a visitor is remembered after their last visit: 30 days.
pub const VISITOR_TTL_MS: u64 = 30 * 24 * 60 * 60 * 1000;
/// Name of the first-party cookie the widget keeps the visitor token in.
pub const COOKIE_NAME: &str = "parley_visitor";
/// The cookie's `Max-Age`, in seconds: [`VISITOR_TTL_MS`].
pub const COOKIE_MAX_AGE_SECONDS: u64 = VISITOR_TTL_MS / 1000;
/// The widget's marker cookie (replies unread when the last page closed) is
/// named this followed by the site id; the facade writes it for the widget.
pub const MARKER_COOKIE_PREFIX: &str = "parley_unread_";

/// The visitor credential was missing, malformed, unknown or expired.
pub const TOKEN_INVALID: Invalid = Invalid::new(
    "visitor_token_invalid",
    "This chat session is unknown or has expired; start a new one.",
);

/// A visitor credential as carried by the widget: `"{visitor_id}.{secret}"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitorToken<'a> {
    /// The visitor's public id (`v_` + 32 hex digits).
    pub visitor_id: &'a str,
    /// The secret half (64 hex digits); never stored by the worker.
    pub secret: &'a str,
}

impl<'a> VisitorToken<'a> {
    /// Splits and checks a credential; `TOKEN_INVALID` if it is not well-formed.
    pub fn parse(text: &'a str) -> Result<Self, Invalid> {
        let (visitor_id, secret) = text.split_once('.').ok_or(TOKEN_INVALID)?;
        let id_ok = visitor_id
            .strip_prefix("v_")
            .is_some_and(|h| h.len() == 32 && hex::decode(h).is_ok());
        let secret_ok = secret.len() == 64 && hex::decode(secret).is_ok();
        if id_ok && secret_ok {
            Ok(Self { visitor_id, secret })
        } else {
            Err(TOKEN_INVALID)
        }
    }

    /// The hash the worker stores and compares instead of the secret.
    pub fn secret_hash(&self) -> String {
        hash_secret(self.secret)
    }

    /// Whether this token's secret matches a stored hash (constant time).
    pub fn matches(&self, stored_hash: &str) -> bool {
        same(self.secret_hash().as_bytes(), stored_hash.as_bytes())
    }
}

/// SHA-256 of a secret, in hex: what is stored for visitor tokens and API keys.
pub fn hash_secret(secret: &str) -> String {
    sha256_hex(secret.as_bytes())
}

/// Whether a visitor last seen at `last_seen_ms` is forgotten at `now_ms`.
pub fn is_expired(last_seen_ms: u64, now_ms: u64) -> bool {
    now_ms.saturating_sub(last_seen_ms) > VISITOR_TTL_MS
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "v_0123456789abcdef0123456789abcdef";
    const SECRET: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    #[test]
    fn the_cookie_lives_as_long_as_the_visitor() {
        // The widget (cookie.rs) and the facade's marker write this Max-Age.
        assert_eq!(COOKIE_MAX_AGE_SECONDS, 2_592_000, "30 days");
        assert_eq!(COOKIE_MAX_AGE_SECONDS * 1000, VISITOR_TTL_MS);
    }

    #[test]
    fn parses_well_formed_tokens() {
        let text = format!("{ID}.{SECRET}");
        let token = VisitorToken::parse(&text).unwrap();
        assert_eq!(token.visitor_id, ID);
        assert_eq!(token.secret, SECRET);
    }

    #[test]
    fn rejects_malformed_tokens() {
        for bad in [
            String::new(),
            ID.to_string(),
            format!("{ID}.{}", &SECRET[1..]),
            format!("x_0123456789abcdef0123456789abcdef.{SECRET}"),
            format!("v_0123.{SECRET}"),
            format!("{ID}.{}zz", &SECRET[2..]),
        ] {
            assert_eq!(VisitorToken::parse(&bad), Err(TOKEN_INVALID), "{bad}");
        }
    }

    #[test]
    fn hash_is_sha256_hex_and_matching_is_exact() {
        assert_eq!(
            hash_secret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let text = format!("{ID}.{SECRET}");
        let token = VisitorToken::parse(&text).unwrap();
        assert!(token.matches(&hash_secret(SECRET)));
        assert!(!token.matches(&hash_secret("other")));
    }

    #[test]
    fn expires_after_thirty_days_without_a_visit() {
        let seen = 1_000_000;
        assert!(!is_expired(seen, seen + VISITOR_TTL_MS));
        assert!(is_expired(seen, seen + VISITOR_TTL_MS + 1));
        assert!(
            !is_expired(seen, seen - 5),
            "clock skew backwards is not expiry"
        );
    }
}
