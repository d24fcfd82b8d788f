//! Automations: signed outbound webhooks. A site's primary admin registers a
//! receiver URL; Parley POSTs each event to it as JSON, signed with the
//! automation's secret, and retries with backoff until it answers 2xx or
//! [`MAX_ATTEMPTS`] have failed.

use crate::conversation::string_enum;
use crate::digest::hmac_sha256;
use crate::Invalid;
use hmac::Mac;

string_enum! {
    /// What happened, as the receiver reads it in `event`.
    Event { /// A contact was created (by chat, a form or an agent; never by inbound email).
        ContactCreated = "contact.created", /// A visitor submitted the Form on a site whose chatbot enters this automation.
        ContactEnteredAutomation = "contact.entered_automation", /// A conversation was opened.
        ConversationCreated = "conversation.created", /// A visitor or contact wrote a message.
        MessageCreated = "message.created", /// The admin pressed "Send test event".
        Test = "test" }
}

string_enum! {
    /// Where one event's delivery to one automation stands.
    DeliveryState { /// Queued, or waiting for its next attempt.
        Pending = "pending", /// The receiver answered 2xx.
        Delivered = "delivered", /// Every attempt failed; Parley gave up.
        Failed = "failed" }
}

/// Attempts before a delivery is recorded as failed (the first and five retries).
pub const MAX_ATTEMPTS: u32 = 6;

/// Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
pub const SIGNATURE_HEADER: &str = "Parley-Signature";
/// Header carrying the event id: the same on every attempt, so receivers can drop repeats.
pub const IDEMPOTENCY_HEADER: &str = "Parley-Idempotency-Key";

/// Longest automation name.
pub const MAX_NAME_CHARS: usize = 80;
/// Longest receiver URL.
pub const MAX_URL_LEN: usize = 2048;

/// The name was empty or too long.
pub const NAME_INVALID: Invalid = Invalid::new("automation_name_invalid", "Give the automation a name of 1 to 80 characters.");
/// The URL was not an https URL.
pub const URL_INVALID: Invalid = Invalid::new(
    "automation_url_invalid",
    "The automation URL must be an https:// address (at most 2048 characters, no spaces).",
);

/// Trims and checks an automation's name.
pub fn validate_name(raw: &str) -> Result<String, Invalid> {
    let name = raw.trim();
    let n = name.chars().count();
    if n == 0 || n > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(NAME_INVALID);
    }
    Ok(name.to_string())
}

/// Checks a receiver URL: `https://host…`; with `allow_loopback` (test
/// deployments only) also `http://127.0.0.1…` and `http://localhost…`.
pub fn validate_url(raw: &str, allow_loopback: bool) -> Result<String, Invalid> {
    let url = raw.trim();
    if url.len() > MAX_URL_LEN || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(URL_INVALID);
    }
    let rest = if let Some(rest) = url.strip_prefix("https://") {
        rest
    } else if let (true, Some(rest)) = (allow_loopback, url.strip_prefix("http://")) {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let name = host.rsplit_once(':').map_or(host, |(h, _)| h);
        if name != "127.0.0.1" && name != "localhost" {
            return Err(URL_INVALID);
        }
        rest
    } else {
        return Err(URL_INVALID);
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || host.contains('@') || host.starts_with(':') {
        return Err(URL_INVALID);
    }
    Ok(url.to_string())
}

/// The `Parley-Signature` value for `body` sent at `timestamp` (Unix seconds).
pub fn signature(secret: &str, timestamp: u64, body: &[u8]) -> String {
    let t = timestamp.to_string();
    let tag = hmac_sha256(secret.as_bytes(), &[t.as_bytes(), b".", body]).finalize().into_bytes();
    format!("t={t},v1={}", hex::encode(tag))
}

/// Seconds to wait before the next attempt, after `attempts` failed ones:
/// `base`, then ×4 each time (base 30: 30 s, 2 min, 8 min, 32 min, 2 h 8 min).
pub fn retry_delay(base_seconds: u32, attempts: u32) -> u32 {
    let factor = 4u32.saturating_pow(attempts.saturating_sub(1));
    base_seconds.saturating_mul(factor).min(12 * 60 * 60)
}

/// Whether a receiver's HTTP status counts as delivered.
pub fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_https_unless_loopback_is_allowed() {
        assert_eq!(validate_url(" https://hooks.example.com/parley ", false).unwrap(), "https://hooks.example.com/parley");
        for bad in ["http://hooks.example.com/", "ftp://x.example", "https://", "https:///path", "https://a b.example",
            "https://user@evil.example", "hooks.example.com", "javascript:alert(1)"] {
            assert_eq!(validate_url(bad, false), Err(URL_INVALID), "{bad}");
        }
        assert_eq!(validate_url("http://127.0.0.1:9000/hook", false), Err(URL_INVALID));
        assert!(validate_url("http://127.0.0.1:9000/hook", true).is_ok());
        assert!(validate_url("http://localhost/hook", true).is_ok());
        assert_eq!(validate_url("http://10.0.0.1/hook", true), Err(URL_INVALID));
        assert_eq!(validate_url("http://127.0.0.1.evil.example/", true), Err(URL_INVALID));
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(validate_name("  CRM sync ").unwrap(), "CRM sync");
        assert_eq!(validate_name("   "), Err(NAME_INVALID));
        assert_eq!(validate_name(&"x".repeat(81)), Err(NAME_INVALID));
    }

    #[test]
    fn the_signature_is_hmac_of_timestamp_dot_body() {
        let expected = hex::encode(hmac_sha256(b"whsec", &[b"1700000000.{\"a\":1}"]).finalize().into_bytes());
        assert_eq!(signature("whsec", 1_700_000_000, b"{\"a\":1}"), format!("t=1700000000,v1={expected}"));
    }

    #[test]
    fn backoff_grows_fourfold_and_is_capped() {
        let delays: Vec<u32> = (1..MAX_ATTEMPTS).map(|n| retry_delay(30, n)).collect();
        assert_eq!(delays, [30, 120, 480, 1920, 7680]);
        assert_eq!(retry_delay(0, 3), 0);
        assert_eq!(retry_delay(30, 40), 12 * 60 * 60);
    }

    #[test]
    fn event_names_are_dotted() {
        assert_eq!(Event::parse("contact.entered_automation"), Some(Event::ContactEnteredAutomation));
        assert!(is_success(204) && !is_success(500) && !is_success(302));
    }
}
