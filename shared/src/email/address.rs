//! Addresses of the email channel.
//!
//! A site's forwarding address is `{username}@{subdomain}.{inbound_domain}`,
//! where `inbound_domain` is the deployment's Email Routing domain. Replies
//! from the team carry a signed reply address on the same subdomain,
//! `reply+{conversation}.{signature}@…`, so answers thread back even when a
//! mail client drops In-Reply-To.

use hmac::Mac;

use crate::contact::is_dns_label;
use crate::digest::hmac_sha256;
use crate::Invalid;

/// Hex digits of the reply-address signature (80 bits of HMAC-SHA256): the
/// whole local part stays within 64 characters.
const REPLY_SIGNATURE_LEN: usize = 20;

/// The username broke the local-part rules.
pub const USERNAME_INVALID: Invalid = Invalid::new(
    "username_invalid",
    "The username must be 1 to 64 lower-case letters, digits, '.', '-' or '_', starting and ending with a letter or digit.",
);
/// The subdomain broke the DNS-label rules.
pub const SUBDOMAIN_INVALID: Invalid = Invalid::new(
    "subdomain_invalid",
    "The subdomain must be 1 to 63 lower-case letters, digits or inner hyphens.",
);

/// Another channel already uses this forwarding subdomain.
pub const ADDRESS_TAKEN: Invalid = Invalid::new(
    "forwarding_address_taken",
    "Another mailbox already uses this subdomain; choose another.",
);
/// The forwarding address was set before and cannot change.
pub const ADDRESS_IMMUTABLE: Invalid = Invalid::new(
    "forwarding_address_immutable",
    "The forwarding address is already set and cannot be changed: mail already sent to it must keep arriving.",
);

/// Checks a forwarding username (local part) as an admin types it.
pub fn validate_username(name: &str) -> Result<String, Invalid> {
    let name = name.trim();
    if is_username(name) && name != "reply" {
        Ok(name.to_string())
    } else {
        Err(USERNAME_INVALID)
    }
}

/// Checks a forwarding subdomain (one DNS label) as an admin types it.
pub fn validate_subdomain(label: &str) -> Result<String, Invalid> {
    let label = label.trim();
    if is_dns_label(label) && !label.bytes().any(|c| c.is_ascii_uppercase()) {
        Ok(label.to_string())
    } else {
        Err(SUBDOMAIN_INVALID)
    }
}

/// Who an inbound address is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// A site's forwarding address.
    Mailbox(ForwardingAddress),
    /// A reply address of one conversation (signature not yet checked).
    Reply {
        /// The channel's subdomain.
        subdomain: String,
        /// The conversation the address names.
        conversation: String,
        /// The signature it carries.
        signature: String,
    },
}

impl Recipient {
    /// Classifies an address under `inbound_domain`; `None` if it is neither a
    /// forwarding address nor a well-formed reply address there.
    pub fn parse(address: &str, inbound_domain: &str) -> Option<Self> {
        let (local, subdomain) = split_under(address, inbound_domain)?;
        if let Some(rest) = local.strip_prefix("reply+") {
            let (conversation, signature) = rest.rsplit_once('.')?;
            let well_formed = conversation.starts_with("c_")
                && conversation.len() <= 40
                && conversation
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'_')
                && signature.len() == REPLY_SIGNATURE_LEN
                && hex::decode(signature).is_ok();
            return well_formed.then(|| Recipient::Reply {
                subdomain,
                conversation: conversation.to_string(),
                signature: signature.to_string(),
            });
        }
        is_username(&local).then_some(Recipient::Mailbox(ForwardingAddress {
            username: local,
            subdomain,
        }))
    }

    /// The channel subdomain the address belongs to.
    pub fn subdomain(&self) -> &str {
        match self {
            Recipient::Mailbox(address) => &address.subdomain,
            Recipient::Reply { subdomain, .. } => subdomain,
        }
    }
}

/// `(local part, subdomain)` of an address exactly one label below `inbound_domain`, lower-cased.
fn split_under(address: &str, inbound_domain: &str) -> Option<(String, String)> {
    let address = address
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_ascii_lowercase();
    let inbound_domain = inbound_domain
        .trim()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let (local, domain) = address.rsplit_once('@')?;
    let subdomain = domain
        .strip_suffix(inbound_domain.as_str())?
        .strip_suffix('.')?;
    (is_dns_label(subdomain) && !local.is_empty())
        .then(|| (local.to_string(), subdomain.to_string()))
}

fn reply_signature(secret: &str, conversation: &str) -> String {
    let digest = hmac_sha256(
        secret.as_bytes(),
        &[b"reply-address:", conversation.as_bytes()],
    )
    .finalize()
    .into_bytes();
    hex::encode(&digest[..REPLY_SIGNATURE_LEN / 2])
}

/// The signed reply address of a conversation on a channel's subdomain.
pub fn reply_address(
    secret: &str,
    conversation: &str,
    subdomain: &str,
    inbound_domain: &str,
) -> String {
    format!(
        "reply+{conversation}.{}@{subdomain}.{inbound_domain}",
        reply_signature(secret, conversation)
    )
}

/// Whether `signature` was made for `conversation` with `secret` (constant time).
pub fn verify_reply(secret: &str, conversation: &str, signature: &str) -> bool {
    let Ok(given) = hex::decode(signature) else {
        return false;
    };
    !secret.is_empty()
        && given.len() == REPLY_SIGNATURE_LEN / 2
        && hmac_sha256(
            secret.as_bytes(),
            &[b"reply-address:", conversation.as_bytes()],
        )
        .verify_truncated_left(&given)
        .is_ok()
}

/// A forwarding address split into the parts that identify an email channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardingAddress {
    /// Local part, lower-case (e.g. `support`).
    pub username: String,
    /// The label before the inbound domain, lower-case (e.g. `acme`).
    pub subdomain: String,
}

/// A site's forwarding address, `{username}@{subdomain}.{inbound_domain}`:
/// the one place this form is written (the parse above reads it back).
pub fn forwarding_address(username: &str, subdomain: &str, inbound_domain: &str) -> String {
    format!("{username}@{subdomain}.{inbound_domain}")
}

/// Whether `name` may be a forwarding username: 1–64 lower-case letters,
/// digits, and inner `.`, `-` or `_` (no `+`, which reply addresses use).
pub fn is_username(name: &str) -> bool {
    let bytes = name.as_bytes();
    let inner_ok =
        |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'_');
    !bytes.is_empty()
        && bytes.len() <= 64
        && bytes.iter().all(inner_ok)
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && !name.contains("..")
}

/// A Message-ID without its angle brackets and surrounding space; `None` if empty.
pub fn normalize_message_id(raw: &str) -> Option<&str> {
    let id = raw
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    (!id.is_empty()).then_some(id)
}

/// How a sender is displayed: `Name <address>`, or the bare address.
pub fn display_sender(name: Option<&str>, address: &str) -> String {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => format!("{name} <{address}>"),
        None => address.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOMAIN: &str = "inbound.example.com";

    #[test]
    fn parses_forwarding_addresses_case_insensitively() {
        let parsed = Recipient::parse("Support@Acme.Inbound.Example.com", DOMAIN);
        assert_eq!(
            parsed,
            Some(Recipient::Mailbox(ForwardingAddress {
                username: "support".into(),
                subdomain: "acme".into()
            }))
        );
        let written = forwarding_address("support", "acme", "inbound.example.com");
        assert_eq!(
            Recipient::parse(&written, "inbound.example.com"),
            parsed,
            "what is written parses back"
        );
        assert!(matches!(
            Recipient::parse("<help.desk@shop-1.inbound.example.com>", DOMAIN),
            Some(Recipient::Mailbox(_))
        ));
    }

    #[test]
    fn refuses_addresses_outside_one_label_below_the_domain() {
        for bad in [
            "support@inbound.example.com",
            "support@a.b.inbound.example.com",
            "support@acme.example.com",
            "support@acmeinbound.example.com",
            "reply+c_1.sig@acme.inbound.example.com",
            "@acme.inbound.example.com",
            "support@-acme.inbound.example.com",
        ] {
            assert_eq!(Recipient::parse(bad, DOMAIN), None, "{bad}");
        }
    }

    #[test]
    fn usernames_are_plain_local_parts() {
        assert!(is_username("support"));
        assert!(is_username("help.desk_2"));
        assert!(!is_username(".support"));
        assert!(!is_username("support-"));
        assert!(!is_username("a..b"));
        assert!(!is_username("Support"));
        assert!(!is_username(&"a".repeat(65)));
    }

    const SECRET: &str = "deployment reply secret";
    const CONVERSATION: &str = "c_0123456789abcdef0123456789abcdef";

    #[test]
    fn reply_addresses_round_trip_and_fit_a_local_part() {
        let address = reply_address(SECRET, CONVERSATION, "acme", DOMAIN);
        let local = address.split('@').next().unwrap();
        assert!(local.len() <= 64, "{local}");
        let Some(Recipient::Reply {
            subdomain,
            conversation,
            signature,
        }) = Recipient::parse(&address.to_uppercase(), DOMAIN)
        else {
            panic!("not parsed as a reply address: {address}");
        };
        assert_eq!(
            (subdomain.as_str(), conversation.as_str()),
            ("acme", CONVERSATION)
        );
        assert!(verify_reply(SECRET, &conversation, &signature));
    }

    #[test]
    fn forged_or_altered_reply_addresses_do_not_verify() {
        let address = reply_address(SECRET, CONVERSATION, "acme", DOMAIN);
        let Some(Recipient::Reply { signature, .. }) = Recipient::parse(&address, DOMAIN) else {
            panic!()
        };
        let other = "c_ffffffffffffffffffffffffffffffff";
        assert!(
            !verify_reply(SECRET, other, &signature),
            "a signature is bound to its conversation"
        );
        assert!(!verify_reply("another secret", CONVERSATION, &signature));
        assert!(
            !verify_reply("", CONVERSATION, &signature),
            "no secret, no trust"
        );
        let flipped: String = signature.chars().rev().collect();
        assert!(!verify_reply(SECRET, CONVERSATION, &flipped));
        for malformed in [
            format!("reply+{CONVERSATION}@acme.{DOMAIN}"),
            format!("reply+{CONVERSATION}.{}@acme.{DOMAIN}", &signature[..10]),
            format!("reply+x_1.{signature}@acme.{DOMAIN}"),
        ] {
            assert_eq!(Recipient::parse(&malformed, DOMAIN), None, "{malformed}");
        }
    }

    #[test]
    fn recipients_are_mailboxes_or_replies_under_the_domain() {
        assert_eq!(
            Recipient::parse("support@acme.inbound.example.com", DOMAIN),
            Some(Recipient::Mailbox(ForwardingAddress {
                username: "support".into(),
                subdomain: "acme".into()
            }))
        );
        assert_eq!(Recipient::parse("support@acme.example.net", DOMAIN), None);
    }

    #[test]
    fn admins_choose_valid_usernames_and_subdomains() {
        assert_eq!(validate_username(" help.desk "), Ok("help.desk".into()));
        assert_eq!(
            validate_username("reply"),
            Err(USERNAME_INVALID),
            "reserved for reply addresses"
        );
        assert_eq!(validate_username("Help"), Err(USERNAME_INVALID));
        assert_eq!(validate_username("a+b"), Err(USERNAME_INVALID));
        assert_eq!(
            validate_subdomain("juniper-pine"),
            Ok("juniper-pine".into())
        );
        for bad in ["Juniper", "-x", "a.b", "", "x_y"] {
            assert_eq!(validate_subdomain(bad), Err(SUBDOMAIN_INVALID), "{bad}");
        }
    }

    #[test]
    fn message_ids_lose_brackets() {
        assert_eq!(normalize_message_id(" <abc@host> "), Some("abc@host"));
        assert_eq!(normalize_message_id("abc@host"), Some("abc@host"));
        assert_eq!(normalize_message_id("<>"), None);
    }

    #[test]
    fn senders_display_with_name_when_present() {
        assert_eq!(
            display_sender(Some("Ada L."), "ada@example.com"),
            "Ada L. <ada@example.com>"
        );
        assert_eq!(
            display_sender(Some("  "), "ada@example.com"),
            "ada@example.com"
        );
        assert_eq!(display_sender(None, "ada@example.com"), "ada@example.com");
    }
}
