//! Facebook Messenger, the rules written once: the webhook's signature, what
//! its payload means for the inbox (messages, receipts; echoes ignored), the
//! messaging window of a reply, and the Send API's body.

use crate::conversation::string_enum;
use crate::digest::{hmac_sha256, same};
use crate::Invalid;
use hmac::Mac;

/// The header Meta signs webhook deliveries in: `sha256=` and the hex HMAC.
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";
/// Replies within this long after the person's last message are answers (`RESPONSE`).
pub const STANDARD_WINDOW_MS: u64 = 24 * 60 * 60 * 1000;
/// Replies within this long may still go out with the `HUMAN_AGENT` tag; later, none may.
pub const HUMAN_AGENT_WINDOW_MS: u64 = 7 * STANDARD_WINDOW_MS;

/// A reply after the human agent window.
pub const WINDOW_CLOSED: Invalid = Invalid::new(
    "messenger_window_closed",
    "Messenger only lets a Page answer within 7 days of the person's last message, and this person last wrote \
     more than 7 days ago; the reply was not sent. They can write to the Page again to reopen the window.",
);

string_enum! {
    /// Whether, and how, a Page may answer a person now.
    MessagingWindow { /// Within 24 hours of their last message: `messaging_type: RESPONSE`.
        Standard = "standard", /// 24 hours to 7 days: `MESSAGE_TAG` with `tag: HUMAN_AGENT`.
        HumanAgent = "human_agent", /// More than 7 days (or no message from them): no reply can be sent.
        Closed = "closed" }
}

string_enum! {
    /// What Messenger reported about a message the team sent.
    Receipt { /// Delivered to the person's device.
        Delivered = "delivered", /// Seen by the person.
        Read = "read" }
}

/// The window a reply sent at `now` falls in, given when the person last wrote (ms).
pub fn window(last_inbound_at: Option<u64>, now: u64) -> MessagingWindow {
    match last_inbound_at.map(|at| now.saturating_sub(at)) {
        Some(age) if age <= STANDARD_WINDOW_MS => MessagingWindow::Standard,
        Some(age) if age <= HUMAN_AGENT_WINDOW_MS => MessagingWindow::HumanAgent,
        _ => MessagingWindow::Closed,
    }
}

/// Whether `header` (`sha256=<hex>`) is the HMAC-SHA256 of `body` under the
/// App secret, compared in constant time; a missing or malformed header is not.
pub fn signature_valid(app_secret: &str, body: &[u8], header: Option<&str>) -> bool {
    let Some(given) = header.and_then(|h| h.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(given) = hex::decode(given) else {
        return false;
    };
    let expected = hmac_sha256(app_secret.as_bytes(), &[body])
        .finalize()
        .into_bytes();
    same(&expected, &given)
}

/// The signature header Meta would send for `body` (tests and tools).
pub fn sign(app_secret: &str, body: &[u8]) -> String {
    format!(
        "sha256={}",
        hex::encode(
            hmac_sha256(app_secret.as_bytes(), &[body])
                .finalize()
                .into_bytes()
        )
    )
}

/// One thing a webhook delivery tells the inbox, for one Page and one person (PSID).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The person wrote (text, attachments, a postback or a quick reply), as readable text.
    Message {
        /// The Page.
        page_id: String,
        /// The person.
        psid: String,
        /// Messenger's id of the message: it is stored once per id.
        mid: String,
        /// What the inbox shows.
        body: String,
    },
    /// Messages the Page sent were delivered: these ids, and all sent up to `watermark` (ms).
    Delivered {
        /// The Page.
        page_id: String,
        /// The person.
        psid: String,
        /// The ids Messenger named.
        mids: Vec<String>,
        /// Everything sent up to this time is delivered.
        watermark: u64,
    },
    /// The person read everything the Page sent up to `watermark` (ms).
    Read {
        /// The Page.
        page_id: String,
        /// The person.
        psid: String,
        /// Everything sent up to this time is read.
        watermark: u64,
    },
}

#[cfg(feature = "serde")]
pub use payload::*;

#[cfg(feature = "serde")]
mod payload;

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: u64 = 60 * 60 * 1000;

    #[test]
    fn the_window_is_24_hours_then_7_days() {
        let now = 100 * 24 * HOUR;
        assert_eq!(window(Some(now), now), MessagingWindow::Standard);
        assert_eq!(
            window(Some(now - 24 * HOUR), now),
            MessagingWindow::Standard
        );
        assert_eq!(
            window(Some(now - 24 * HOUR - 1), now),
            MessagingWindow::HumanAgent
        );
        assert_eq!(
            window(Some(now - 7 * 24 * HOUR), now),
            MessagingWindow::HumanAgent
        );
        assert_eq!(
            window(Some(now - 7 * 24 * HOUR - 1), now),
            MessagingWindow::Closed
        );
        assert_eq!(window(None, now), MessagingWindow::Closed);
    }

    #[test]
    fn signatures_are_checked_over_the_raw_body() {
        let body = br#"{"object":"page"}"#;
        let header = sign("app-secret", body);
        assert!(signature_valid("app-secret", body, Some(&header)));
        assert!(!signature_valid("other-secret", body, Some(&header)));
        assert!(!signature_valid(
            "app-secret",
            br#"{"object":"page" }"#,
            Some(&header)
        ));
        assert!(!signature_valid("app-secret", body, None));
        assert!(!signature_valid("app-secret", body, Some("sha1=abc")));
        assert!(!signature_valid("app-secret", body, Some("sha256=zz")));
        // The published example: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
        assert_eq!(
            sign("key", b"The quick brown fox jumps over the lazy dog"),
            "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        );
    }
}
