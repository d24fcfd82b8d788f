//! Conversations and their messages: channels, authors, and what a message may hold.

use crate::Invalid;

/// Most characters a single message body may hold.
pub const MAX_BODY_CHARS: usize = 10_000;
/// Longest client-generated message id accepted (a UUID is 36).
pub const MAX_CLIENT_ID_LEN: usize = 64;

/// The message body was empty or only whitespace.
pub const BODY_EMPTY: Invalid = Invalid::new("body_empty", "A message cannot be empty.");
/// The message body was longer than [`MAX_BODY_CHARS`].
pub const BODY_TOO_LONG: Invalid = Invalid::new(
    "body_too_long",
    "A message can be at most 10,000 characters long.",
);
/// The client message id was missing or malformed.
pub const CLIENT_ID_INVALID: Invalid = Invalid::new(
    "client_message_id_invalid",
    "client_message_id must be 8 to 64 letters, digits, '-' or '_'.",
);

/// Defines a string-backed enum with `as_str` and `parse` kept in one table.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(test, derive(ts_rs::TS))]
        pub enum $name { $($(#[$vmeta])* #[cfg_attr(test, ts(rename = $text))] $variant),+ }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and serialized name of this value.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the stored name back; `None` for anything else.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                $name::parse(&text).ok_or_else(|| {
                    let names: &[&str] = &[$($text),+];
                    serde::de::Error::unknown_variant(&text, names)
                })
            }
        }
    };
}
pub(crate) use string_enum;

string_enum! {
    /// Where a conversation takes place.
    Channel { /// The website widget.
        Chat = "chat", /// Mail through the site's forwarding address.
        Email = "email", /// Facebook Messenger.
        Messenger = "messenger" }
}

string_enum! {
    /// Whether a conversation still needs attention.
    Status { /// Awaiting an answer or in progress.
        Open = "open", /// Done; a new inbound message reopens it.
        Closed = "closed" }
}

string_enum! {
    /// Who wrote a message.
    Author { /// An anonymous or identified website visitor, through the widget.
        Visitor = "visitor", /// A known contact, e.g. by email.
        Contact = "contact", /// A member of the support team.
        Agent = "agent", /// The chatbot (greetings, the Form step).
        Bot = "bot" }
}

string_enum! {
    /// Whether an email sent from the inbox left.
    DeliveryStatus { /// The platform accepted it.
        Sent = "sent", /// The platform refused it; the reason is kept.
        Failed = "failed" }
}

string_enum! {
    /// Which way a message travelled, seen from the team.
    Direction { /// From the visitor or contact to the team.
        Inbound = "inbound", /// From the team (or its bot) to the visitor or contact.
        Outbound = "outbound" }
}

impl Author {
    /// The direction a message by this author travels.
    pub const fn direction(self) -> Direction {
        match self {
            Author::Visitor | Author::Contact => Direction::Inbound,
            Author::Agent | Author::Bot => Direction::Outbound,
        }
    }
}

/// Checks a message body and returns it without surrounding whitespace.
pub fn validate_body(body: &str) -> Result<&str, Invalid> {
    let body = body.trim();
    if body.is_empty() {
        Err(BODY_EMPTY)
    } else if body.chars().count() > MAX_BODY_CHARS {
        Err(BODY_TOO_LONG)
    } else {
        Ok(body)
    }
}

/// Plain text as stored: line endings normalized to `\n`, surrounding blank space removed.
pub fn normalize_text(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_string()
}

/// Checks a client-generated message id, the key that makes retried sends idempotent.
pub fn validate_client_id(id: &str) -> Result<&str, Invalid> {
    let ok = (8..=MAX_CLIENT_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
    if ok {
        Ok(id)
    } else {
        Err(CLIENT_ID_INVALID)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_through_their_stored_names() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(*c));
        }
        for a in Author::ALL {
            assert_eq!(Author::parse(a.as_str()), Some(*a));
        }
        assert_eq!(Channel::parse("sms"), None);
        assert_eq!(Status::parse("Open"), None, "names are case-sensitive");
    }

    #[cfg(feature = "serde")]
    #[test]
    fn vocabularies_travel_as_their_stored_names() {
        use crate::{
            agent::Role, contact::ContactSource, form::FieldMode, identity::IdentityMode,
            site::WidgetPosition,
        };
        assert_eq!(
            serde_json::to_string(&Role::PrimaryAdmin).unwrap(),
            "\"primary_admin\""
        );
        assert_eq!(
            serde_json::from_str::<Channel>("\"email\"").unwrap(),
            Channel::Email
        );
        assert_eq!(
            serde_json::from_str::<ContactSource>("\"agent\"").unwrap(),
            ContactSource::Agent
        );
        assert_eq!(
            serde_json::from_str::<Option<DeliveryStatus>>("null").unwrap(),
            None
        );
        assert_eq!(
            serde_json::to_string(&[FieldMode::Required]).unwrap(),
            "[\"required\"]"
        );
        assert_eq!(
            serde_json::from_str::<WidgetPosition>("\"left\"").unwrap(),
            WidgetPosition::Left
        );
        let err = serde_json::from_str::<IdentityMode>("\"sometimes\"")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unknown variant `sometimes`") && err.contains("required"),
            "{err}"
        );
    }

    #[test]
    fn author_decides_direction() {
        assert_eq!(Author::Visitor.direction(), Direction::Inbound);
        assert_eq!(Author::Contact.direction(), Direction::Inbound);
        assert_eq!(Author::Agent.direction(), Direction::Outbound);
        assert_eq!(Author::Bot.direction(), Direction::Outbound);
    }

    #[test]
    fn body_is_trimmed_and_bounded() {
        assert_eq!(validate_body("  hi there \n"), Ok("hi there"));
        assert_eq!(validate_body(" \n\t "), Err(BODY_EMPTY));
        let max = "é".repeat(MAX_BODY_CHARS);
        assert_eq!(
            validate_body(&max),
            Ok(max.as_str()),
            "limit counts characters, not bytes"
        );
        assert_eq!(validate_body(&(max.clone() + "x")), Err(BODY_TOO_LONG));
    }

    #[test]
    fn text_gets_unix_line_endings_and_no_surrounding_space() {
        assert_eq!(
            normalize_text("\r\n Hello,\r\n\r\nbye\rnow \r\n"),
            "Hello,\n\nbye\nnow"
        );
    }

    #[test]
    fn client_ids_are_short_safe_tokens() {
        assert!(validate_client_id("3f2b8c1e-9d4a-4b6e-8f00-123456789abc").is_ok());
        assert!(validate_client_id("abc_DEF-12").is_ok());
        assert_eq!(validate_client_id("short"), Err(CLIENT_ID_INVALID));
        assert_eq!(validate_client_id("has space here"), Err(CLIENT_ID_INVALID));
        assert_eq!(validate_client_id(&"a".repeat(65)), Err(CLIENT_ID_INVALID));
    }
}
