//! Random identifiers and secrets, and the named ids a write is given.

use shared::hex;

/// Fills `N` bytes from the platform's cryptographic random source.
fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("crypto.getRandomValues is available in workerd");
    bytes
}

/// A new id: `prefix`, `_`, and 128 random bits in hex (e.g. `c_9f…`).
pub fn new_id(prefix: &str) -> String {
    let mut id = String::with_capacity(prefix.len() + 33);
    id.push_str(prefix);
    id.push('_');
    id.push_str(&hex::encode(random::<16>()));
    id
}

/// A new 256-bit secret in hex, for tokens whose hash is stored.
pub fn new_secret() -> String {
    hex::encode(random::<32>())
}

/// Fresh ids for the rows one write may create and the automation events it
/// may record, each named for what it identifies (a write uses those it needs).
#[derive(Debug)]
pub struct NewIds {
    /// For a contact, if one is created.
    pub contact: String,
    /// For a visitor, if one is created.
    pub visitor: String,
    /// For a conversation, if one is started.
    pub conversation: String,
    /// For the message.
    pub message: String,
    /// For the `contact.created` event.
    pub contact_created: String,
    /// For the `conversation.created` event.
    pub conversation_created: String,
    /// For the `message.created` event.
    pub message_created: String,
    /// For the `contact.entered_automation` event.
    pub entered_automation: String,
}

impl NewIds {
    /// A fresh id for every row and event.
    pub fn fresh() -> Self {
        Self {
            contact: new_id("ct"),
            visitor: new_id("v"),
            conversation: new_id("c"),
            message: new_id("m"),
            contact_created: new_id("ev"),
            conversation_created: new_id("ev"),
            message_created: new_id("ev"),
            entered_automation: new_id("ev"),
        }
    }
}
