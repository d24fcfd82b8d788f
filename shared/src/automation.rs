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
        MessageCreated = "message.created", /// The visitor or contact rated the conversation, or changed its rating (the payload's `rating`).
        ConversationRated = "conversation.rated", /// The admin pressed "Send test event".
        Test = "test" }
}

string_enum! {
    /// Where one event's delivery to one automation stands.
    DeliveryState { /// Queued, or waiting for its next attempt.
        Pending = "pending", /// The receiver answered 2xx.
        Delivered = "delivered", /// Every attempt failed; Parley gave up.
        Failed = "failed" }
}

string_enum! {
    /// What "Enter an automation" enters: a Parley automation (its signed
    /// webhook) or one of the account's ActiveCampaign automations.
    Target { /// A Parley automation of the site (the `automation_id` is its `au_` id).
        Webhook = "webhook", /// An ActiveCampaign automation (the `automation_id` is ActiveCampaign's numeric id).
        ActiveCampaign = "activecampaign" }
}

impl Default for Target {
    /// Stored blocks and steps from before the connector name none: a webhook.
    fn default() -> Self {
        Target::Webhook
    }
}

/// Whether `id` can be an ActiveCampaign id (a positive decimal number, as its API writes ids).
pub fn is_activecampaign_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 20
        && id.bytes().all(|b| b.is_ascii_digit())
        && id.bytes().any(|b| b != b'0')
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
pub const NAME_INVALID: Invalid = Invalid::new(
    "automation_name_invalid",
    "Give the automation a name of 1 to 80 characters.",
);
/// The URL was not an https URL of a public host.
pub const URL_INVALID: Invalid = Invalid::new(
    "automation_url_invalid",
    "The automation URL must be an https:// address of a public host name (no IP address, localhost, .local or .internal name; at most 2048 characters, no spaces).",
);

/// Host names that never name a public receiver (RFC 6761, RFC 6762, ICANN's `.internal`).
#[cfg(feature = "url")]
const PRIVATE_SUFFIXES: &[&str] = &[
    "localhost",
    "local",
    "internal",
    "localdomain",
    "home.arpa",
    "invalid",
    "test",
    "example",
    "onion",
];

/// Trims and checks an automation's name.
pub fn validate_name(raw: &str) -> Result<String, Invalid> {
    crate::name::one_line(raw, MAX_NAME_CHARS, NAME_INVALID)
}

/// Checks a receiver URL: `https://` and a public host *name*, parsed as
/// fetch parses it (WHATWG URL), so `https://2130706433/` and
/// `https://0x7f.1/` are the IP literals they are. Refused: any IP literal
/// (v4 in every spelling, v6), `localhost`, single-label names, and names
/// under `.local`, `.internal` and the other special-use suffixes; with
/// `allow_loopback` (test deployments only) also accepted:
/// `http://127.0.0.1…` and `http://localhost…`.
#[cfg(feature = "url")]
pub fn validate_url(raw: &str, allow_loopback: bool) -> Result<String, Invalid> {
    let text = raw.trim();
    if text.len() > MAX_URL_LEN || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(URL_INVALID);
    }
    let url = url::Url::parse(text).map_err(|_| URL_INVALID)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(URL_INVALID);
    }
    let host = url.host().ok_or(URL_INVALID)?;
    if allow_loopback && url.scheme() == "http" && is_test_loopback(text, &host) {
        return Ok(text.to_string());
    }
    match (url.scheme(), host) {
        ("https", url::Host::Domain(name)) if is_public_name(name) => Ok(text.to_string()),
        _ => Err(URL_INVALID),
    }
}

/// The test escape hatch: exactly `http://127.0.0.1` or `http://localhost`, as written.
#[cfg(feature = "url")]
fn is_test_loopback(text: &str, host: &url::Host<&str>) -> bool {
    let written = text["http://".len()..]
        .split(['/', '?', '#', ':'])
        .next()
        .unwrap_or_default();
    match host {
        url::Host::Ipv4(ip) => *ip == std::net::Ipv4Addr::LOCALHOST && written == "127.0.0.1",
        url::Host::Domain(name) => {
            *name == "localhost" && written.eq_ignore_ascii_case("localhost")
        }
        url::Host::Ipv6(_) => false,
    }
}

/// A host name a public receiver can have: at least two labels, the last not
/// numeric, and under none of the special-use suffixes.
#[cfg(feature = "url")]
fn is_public_name(name: &str) -> bool {
    let name = name.trim_end_matches('.');
    let Some((_, tld)) = name.rsplit_once('.') else {
        return false;
    };
    if tld.is_empty() || tld.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    !PRIVATE_SUFFIXES
        .iter()
        .any(|suffix| name == *suffix || name.ends_with(&format!(".{suffix}")))
}

/// The `Parley-Signature` value for `body` sent at `timestamp` (Unix seconds).
pub fn signature(secret: &str, timestamp: u64, body: &[u8]) -> String {
    let t = timestamp.to_string();
    let tag = hmac_sha256(secret.as_bytes(), &[t.as_bytes(), b".", body])
        .finalize()
        .into_bytes();
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

    /// Every receiver URL case: the URL, whether it is accepted in production,
    /// and with the test escape hatch.
    #[cfg(feature = "url")]
    #[test]
    fn urls_must_be_https_public_host_names() {
        let cases: &[(&str, bool, bool)] = &[
            ("https://hooks.example.com/parley", true, true),
            (" https://hooks.example.com/parley ", true, true),
            ("https://hooks.example.com:8443/p?q=1#f", true, true),
            ("https://HOOKS.Example.COM./x", true, true),
            ("https://xn--bcher-kva.example.com/", true, true),
            ("http://hooks.example.com/", false, false),
            ("ftp://x.example.com", false, false),
            ("javascript:alert(1)", false, false),
            ("hooks.example.com", false, false),
            ("https://", false, false),
            ("https:///path", false, false),
            ("https://a b.example.com", false, false),
            ("https://user@hooks.example.com/", false, false),
            ("https://user:pw@hooks.example.com/", false, false),
            // IPv4 literals in every spelling fetch accepts.
            ("https://93.184.215.14/", false, false),
            ("https://127.0.0.1/", false, false),
            ("https://10.0.0.1/", false, false),
            ("https://192.168.1.1/", false, false),
            ("https://172.16.0.1/", false, false),
            ("https://169.254.169.254/latest/meta-data", false, false),
            ("https://100.64.0.1/", false, false),
            ("https://0.0.0.0/", false, false),
            ("https://255.255.255.255/", false, false),
            ("https://2130706433/", false, false),
            ("https://0x7f000001/", false, false),
            ("https://0x7f.0.0.1/", false, false),
            ("https://0177.0.0.1/", false, false),
            ("https://127.1/", false, false),
            ("https://017700000001/", false, false),
            // IPv6 literals.
            ("https://[::1]/", false, false),
            ("https://[::ffff:127.0.0.1]/", false, false),
            ("https://[fe80::1]/", false, false),
            ("https://[fc00::1]/", false, false),
            ("https://[2606:4700::1111]/", false, false),
            // Names that never reach a public receiver.
            ("https://localhost/", false, false),
            ("https://LOCALHOST./", false, false),
            ("https://api.localhost/", false, false),
            ("https://printer.local/", false, false),
            ("https://db.internal/", false, false),
            ("https://router.home.arpa/", false, false),
            ("https://intranet/", false, false),
            ("https://1.2.3.4.5/", false, false),
            // The test escape hatch: plain http to 127.0.0.1 or localhost only.
            ("http://127.0.0.1:9000/hook", false, true),
            ("http://localhost/hook", false, true),
            ("http://localhost:8080", false, true),
            ("http://2130706433:9000/", false, false),
            ("http://127.1:9000/", false, false),
            ("http://[::1]:9000/", false, false),
            ("http://10.0.0.1/hook", false, false),
            ("http://127.0.0.1.evil.example/", false, false),
            ("http://localhost.evil.example/", false, false),
            ("http://user@127.0.0.1/", false, false),
        ];
        for (url, public, testing) in cases {
            assert_eq!(
                validate_url(url, false).is_ok(),
                *public,
                "{url} in production"
            );
            assert_eq!(
                validate_url(url, true).is_ok(),
                *testing,
                "{url} with the test escape hatch"
            );
        }
        assert_eq!(
            validate_url(" https://hooks.example.com/parley ", false).unwrap(),
            "https://hooks.example.com/parley"
        );
        assert_eq!(
            validate_url(
                &format!("https://a.example.com/{}", "x".repeat(MAX_URL_LEN)),
                false
            ),
            Err(URL_INVALID)
        );
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(validate_name("  CRM sync ").unwrap(), "CRM sync");
        assert_eq!(validate_name("   "), Err(NAME_INVALID));
        assert_eq!(validate_name(&"x".repeat(81)), Err(NAME_INVALID));
    }

    #[test]
    fn the_signature_is_hmac_of_timestamp_dot_body() {
        let expected = hex::encode(
            hmac_sha256(b"whsec", &[b"1700000000.{\"a\":1}"])
                .finalize()
                .into_bytes(),
        );
        assert_eq!(
            signature("whsec", 1_700_000_000, b"{\"a\":1}"),
            format!("t=1700000000,v1={expected}")
        );
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
        assert_eq!(
            Event::parse("contact.entered_automation"),
            Some(Event::ContactEnteredAutomation)
        );
        assert!(is_success(204) && !is_success(500) && !is_success(302));
    }
}
