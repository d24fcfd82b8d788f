//! The request that delivers a push message (RFC 8030 §5): POST to the
//! subscription's endpoint with the encrypted body and the headers push
//! services require, and what their answer means for the subscription.

use super::encrypt::{encrypt, MessageSecrets, CONTENT_ENCODING};
use super::subscription::Subscription;
use super::vapid::{Subject, VapidKeys};
use crate::conversation::string_enum;
use crate::Invalid;

/// How long a push service keeps an undelivered message: a day (the device
/// may be off overnight; the inbox shows the conversation anyway).
pub const DEFAULT_TTL_SECONDS: u32 = 24 * 60 * 60;

string_enum! {
    /// How soon the device should be woken (RFC 8030 §5.3), for its battery.
    Urgency { /// Only when on power and Wi-Fi.
        VeryLow = "very-low", /// On power or Wi-Fi.
        Low = "low", /// On neither (the default: a chat message).
        Normal = "normal", /// Even on a low battery.
        High = "high" }
}

/// A message's delivery options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushOptions {
    /// Seconds the push service keeps it for an offline device (`TTL`, RFC 8030 §5.2).
    pub ttl_seconds: u32,
    /// How soon to wake the device (`Urgency`).
    pub urgency: Urgency,
    /// What a newer message replaces while this one waits undelivered (`Topic`).
    pub topic: Option<Topic>,
}

impl Default for PushOptions {
    /// A day, normal urgency, no topic.
    fn default() -> Self {
        Self {
            ttl_seconds: DEFAULT_TTL_SECONDS,
            urgency: Urgency::Normal,
            topic: None,
        }
    }
}

/// A `Topic` (RFC 8030 §5.4): a message waiting at the push service is
/// replaced by a newer one with the same topic (at most 32 base64url characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic(String);

impl Topic {
    /// The topic of a conversation's notifications: the first 24 bytes of the
    /// id's SHA-256 in base64url (32 characters), so the push service never sees the id.
    pub fn for_conversation(conversation_id: &str) -> Self {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(conversation_id.as_bytes());
        Self(super::b64url(&digest[..24]))
    }

    /// The header's value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The application server: its VAPID keys and contact, the same for every message.
#[derive(Debug, Clone)]
pub struct Sender {
    /// The deployment's key pair.
    pub keys: VapidKeys,
    /// The contact push services may write to.
    pub subject: Subject,
}

/// One HTTP request to make: POST `body` to `endpoint` with `headers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushRequest {
    /// The subscription's endpoint.
    pub endpoint: String,
    /// `Authorization`, `TTL`, `Urgency`, `Content-Encoding`, `Content-Type`, and `Topic` if any.
    pub headers: Vec<(&'static str, String)>,
    /// The encrypted payload (`aes128gcm`).
    pub body: Vec<u8>,
}

/// What a push service's answer means (RFC 8030 §5, §6.2, §8.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted (201): it will be delivered.
    Delivered,
    /// 404 or 410: the subscription no longer exists; delete it.
    Gone,
    /// 408, 429 or 5xx: try again later (429 with its `Retry-After`).
    Retry,
    /// Any other answer (400, 401, 403, 413…): this message will never be accepted.
    Failed,
}

impl Sender {
    /// The request that delivers `payload` to `subscription`, sealed with
    /// this message's `secrets`, its VAPID token valid from `now` (seconds).
    pub fn request(
        &self,
        subscription: &Subscription,
        payload: &[u8],
        options: PushOptions,
        secrets: &MessageSecrets,
        now: u64,
    ) -> Result<PushRequest, Invalid> {
        let body = encrypt(payload, subscription.keys(), secrets)?;
        let authorization = self
            .keys
            .authorization(&subscription.audience(), &self.subject, now);
        let mut headers = vec![
            ("Authorization", authorization),
            ("TTL", options.ttl_seconds.to_string()),
            ("Urgency", options.urgency.as_str().to_string()),
            ("Content-Encoding", CONTENT_ENCODING.to_string()),
            ("Content-Type", "application/octet-stream".to_string()),
        ];
        if let Some(topic) = options.topic {
            headers.push(("Topic", topic.0));
        }
        Ok(PushRequest {
            endpoint: subscription.endpoint().to_string(),
            headers,
            body,
        })
    }
}

impl Outcome {
    /// The meaning of a push service's HTTP status.
    pub fn of(status: u16) -> Self {
        match status {
            200..=299 => Self::Delivered,
            404 | 410 => Self::Gone,
            408 | 429 | 500..=599 => Self::Retry,
            _ => Self::Failed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::push::notification::{Notification, NotificationKind};
    use crate::push::{encrypt, from_b64url, vapid};

    /// RFC 8291 Appendix A's receiver, subscribed at a local fake push service.
    fn subscription() -> Subscription {
        Subscription::new(
            "http://127.0.0.1:9400/push/agent-7",
            "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
            "BTBZMqHH6r4Tts7J_aSIgg",
            true,
        )
        .unwrap()
    }

    fn sender() -> Sender {
        Sender {
            keys: VapidKeys::generate(&[0x42; 32]).unwrap(),
            subject: Subject::parse("mailto:ops@juniperandpine.com").unwrap(),
        }
    }

    fn header<'a>(request: &'a PushRequest, name: &str) -> &'a str {
        let found = request.headers.iter().find(|(n, _)| *n == name);
        &found.unwrap_or_else(|| panic!("{name} is sent")).1
    }

    #[test]
    fn a_request_carries_what_push_services_check_and_the_browser_reads() {
        let payload = Notification::new(
            NotificationKind::NewConversation,
            "c_42",
            "Ana",
            "hi",
            false,
        );
        let secrets = encrypt::MessageSecrets::from_random(&[0x5a; 48]).unwrap();
        let options = PushOptions {
            ttl_seconds: 3600,
            urgency: Urgency::High,
            topic: Some(Topic::for_conversation("c_42")),
        };
        let request = sender()
            .request(
                &subscription(),
                &payload.to_json(),
                options,
                &secrets,
                1_796_688_000,
            )
            .unwrap();
        assert_eq!(request.endpoint, "http://127.0.0.1:9400/push/agent-7");
        assert_eq!(header(&request, "TTL"), "3600");
        assert_eq!(header(&request, "Urgency"), "high");
        assert_eq!(header(&request, "Content-Encoding"), "aes128gcm");
        assert_eq!(header(&request, "Content-Type"), "application/octet-stream");
        assert_eq!(
            header(&request, "Topic"),
            Topic::for_conversation("c_42").as_str()
        );
        let claims = vapid::verify(header(&request, "Authorization")).unwrap();
        assert_eq!(claims["aud"], "http://127.0.0.1:9400");
        assert_eq!(claims["sub"], "mailto:ops@juniperandpine.com");
        let ua = from_b64url("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94").unwrap();
        let auth = from_b64url("BTBZMqHH6r4Tts7J_aSIgg").unwrap();
        let plain = encrypt::decrypt(
            &request.body,
            &ua.try_into().unwrap(),
            &auth.try_into().unwrap(),
        );
        let read: Notification = serde_json::from_slice(&plain.unwrap()).unwrap();
        assert_eq!(read, payload);
    }

    #[test]
    fn the_defaults_are_a_day_and_normal_urgency_as_rfc_8030_names_it() {
        assert_eq!(PushOptions::default().ttl_seconds, 86_400);
        let names: Vec<&str> = Urgency::ALL.iter().map(|u| u.as_str()).collect();
        assert_eq!(names, ["very-low", "low", "normal", "high"]);
        assert_eq!(PushOptions::default().urgency, Urgency::Normal);
    }

    #[test]
    fn a_conversations_topic_is_32_base64url_characters_that_do_not_show_its_id() {
        let topic = Topic::for_conversation("c_0a1b2c3d4e5f");
        assert_eq!(topic.as_str().len(), 32);
        let base64url = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
        assert!(topic.as_str().bytes().all(base64url), "{topic:?}");
        assert!(!topic.as_str().contains("0a1b2c"));
        assert_eq!(topic, Topic::for_conversation("c_0a1b2c3d4e5f"));
        assert_ne!(topic, Topic::for_conversation("c_0a1b2c3d4e5e"));
        let secrets = encrypt::MessageSecrets::from_random(&[0x5a; 48]).unwrap();
        let plain = sender().request(&subscription(), b"{}", PushOptions::default(), &secrets, 0);
        assert!(plain
            .unwrap()
            .headers
            .iter()
            .all(|(name, _)| *name != "Topic"));
    }

    #[test]
    fn a_too_large_payload_makes_no_request() {
        let secrets = encrypt::MessageSecrets::from_random(&[0x5a; 48]).unwrap();
        let big = vec![b'x'; encrypt::MAX_PLAINTEXT_LEN + 1];
        let got = sender().request(&subscription(), &big, PushOptions::default(), &secrets, 0);
        assert_eq!(got.unwrap_err(), crate::push::PAYLOAD_TOO_LARGE);
    }

    #[test]
    fn only_404_and_410_remove_the_subscription() {
        assert_eq!(Outcome::of(201), Outcome::Delivered);
        assert_eq!(Outcome::of(202), Outcome::Delivered);
        assert_eq!(Outcome::of(404), Outcome::Gone);
        assert_eq!(Outcome::of(410), Outcome::Gone);
        for status in [408, 429, 500, 502, 503] {
            assert_eq!(Outcome::of(status), Outcome::Retry, "{status}");
        }
        for status in [400, 401, 403, 413, 301] {
            assert_eq!(Outcome::of(status), Outcome::Failed, "{status}");
        }
    }
}
