//! What an agent's device is told: the payload a push message carries, read
//! by the inbox's service worker to show a notification that opens the
//! conversation. Lock screens are public, so the message's text travels only
//! when the agent has opted in for that device.

use serde::{Deserialize, Serialize};

use crate::conversation::string_enum;
use crate::live::notice_preview;

/// The longest name a title shows, in characters.
pub const TITLE_NAME_CHARS: usize = 80;

string_enum! {
    /// Why an agent is notified.
    NotificationKind { /// A new conversation assigned to them or to nobody.
        NewConversation = "new_conversation", /// A customer replied in one of their conversations.
        CustomerReply = "customer_reply", /// A teammate mentioned them in a note.
        Mention = "mention" }
}

/// A push message's payload (JSON), as the service worker reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Notification {
    /// Why the agent is told.
    pub kind: NotificationKind,
    /// The conversation a click opens.
    pub conversation_id: String,
    /// Who and what happened, never what was written, e.g. "Ana Lima replied".
    pub title: String,
    /// The start of the message ([`notice_preview`]); null unless the agent opted in.
    pub body: Option<String>,
}

impl Notification {
    /// The payload for `kind` in `conversation_id`, by `from` (the customer's
    /// or teammate's display name, may be empty); `text` (the message or
    /// note) is carried only when `show_text` (the device's opt-in).
    pub fn new(
        kind: NotificationKind,
        conversation_id: &str,
        from: &str,
        text: &str,
        show_text: bool,
    ) -> Self {
        let body = notice_preview(text.trim());
        Self {
            kind,
            conversation_id: conversation_id.to_string(),
            title: title(kind, from),
            body: (show_text && !body.is_empty()).then(|| body.to_string()),
        }
    }

    /// The payload's bytes, to encrypt (`encrypt::encrypt`).
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a notification serializes")
    }
}

/// The notification's title: who (clipped to [`TITLE_NAME_CHARS`]) and what happened.
pub fn title(kind: NotificationKind, from: &str) -> String {
    let from = from.trim();
    let from = match from.char_indices().nth(TITLE_NAME_CHARS) {
        Some((end, _)) => &from[..end],
        None => from,
    };
    match (kind, from.is_empty()) {
        (NotificationKind::NewConversation, true) => "New conversation".to_string(),
        (NotificationKind::NewConversation, false) => format!("New conversation from {from}"),
        (NotificationKind::CustomerReply, true) => "New reply".to_string(),
        (NotificationKind::CustomerReply, false) => format!("{from} replied"),
        (NotificationKind::Mention, true) => "You were mentioned".to_string(),
        (NotificationKind::Mention, false) => format!("{from} mentioned you"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::push::encrypt::MAX_PLAINTEXT_LEN;

    const TEXT: &str = "Hi, my card ending 4242 was charged twice for order 1187";

    #[test]
    fn no_message_text_travels_without_the_opt_in() {
        for &kind in NotificationKind::ALL {
            let payload = Notification::new(kind, "c_9f2a", "Ana Lima", TEXT, false);
            assert_eq!(payload.body, None);
            let json = String::from_utf8(payload.to_json()).unwrap();
            for word in TEXT.split(' ').filter(|w| w.len() > 3) {
                assert!(!json.contains(word), "{kind:?}: {word} is in {json}");
            }
            let value: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(value["body"], serde_json::Value::Null);
            assert_eq!(value["conversation_id"], "c_9f2a");
            assert_eq!(value["kind"], kind.as_str());
        }
    }

    #[test]
    fn with_the_opt_in_the_body_is_the_messages_start() {
        let payload = Notification::new(
            NotificationKind::CustomerReply,
            "c_9f2a",
            "Ana Lima",
            TEXT,
            true,
        );
        assert_eq!(payload.body.as_deref(), Some(TEXT));
        assert_eq!(payload.title, "Ana Lima replied");
        let long = "é".repeat(1000);
        let clipped = Notification::new(NotificationKind::Mention, "c_1", "Sam", &long, true);
        assert_eq!(
            clipped.body.unwrap().chars().count(),
            crate::live::NOTICE_PREVIEW_CHARS
        );
        let empty = Notification::new(NotificationKind::Mention, "c_1", "Sam", "  ", true);
        assert_eq!(empty.body, None, "an attachment alone has no text to show");
        let back: Notification = serde_json::from_slice(&payload.to_json()).unwrap();
        assert_eq!(back, payload);
    }

    #[test]
    fn titles_say_who_and_what_happened() {
        use NotificationKind::*;
        assert_eq!(
            title(NewConversation, "Ana Lima"),
            "New conversation from Ana Lima"
        );
        assert_eq!(title(NewConversation, " "), "New conversation");
        assert_eq!(title(CustomerReply, ""), "New reply");
        assert_eq!(title(Mention, "Sam"), "Sam mentioned you");
        assert_eq!(title(Mention, ""), "You were mentioned");
        let name = "x".repeat(500);
        assert_eq!(
            title(CustomerReply, &name),
            format!("{} replied", &name[..TITLE_NAME_CHARS])
        );
    }

    #[test]
    fn the_largest_payload_fits_one_push_message() {
        // Control characters take 6 bytes each in JSON: the worst case for the clipped fields.
        let worst = "\u{1}".repeat(10_000);
        let payload = Notification::new(
            NotificationKind::NewConversation,
            "c_0123456789abcdef",
            &worst,
            &worst,
            true,
        );
        assert!(
            payload.to_json().len() <= MAX_PLAINTEXT_LEN,
            "{}",
            payload.to_json().len()
        );
    }
}
