//! Email channel rules: forwarding addresses and Message-IDs.
//!
//! A site's forwarding address is `{username}@{subdomain}.{inbound_domain}`,
//! where `inbound_domain` is the deployment's Email Routing domain.

use crate::contact::is_dns_label;

/// A forwarding address split into the parts that identify an email channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardingAddress {
    /// Local part, lower-case (e.g. `support`).
    pub username: String,
    /// The label before the inbound domain, lower-case (e.g. `acme`).
    pub subdomain: String,
}

impl ForwardingAddress {
    /// Splits a recipient address under `inbound_domain`; `None` if it is not
    /// exactly one DNS label below that domain with a plain local part.
    pub fn parse(address: &str, inbound_domain: &str) -> Option<Self> {
        let address = address.trim().trim_start_matches('<').trim_end_matches('>').to_ascii_lowercase();
        let inbound_domain = inbound_domain.trim().trim_end_matches('.').to_ascii_lowercase();
        let (username, domain) = address.rsplit_once('@')?;
        let subdomain = domain.strip_suffix(inbound_domain.as_str())?.strip_suffix('.')?;
        if !is_dns_label(subdomain) || !is_username(username) {
            return None;
        }
        Some(Self { username: username.to_string(), subdomain: subdomain.to_string() })
    }

    /// The full address under `inbound_domain`.
    pub fn to_address(&self, inbound_domain: &str) -> String {
        format!("{}@{}.{}", self.username, self.subdomain, inbound_domain)
    }
}

/// Whether `name` may be a forwarding username: 1–64 lower-case letters,
/// digits, and inner `.`, `-` or `_` (no `+`, which reply addresses use).
pub fn is_username(name: &str) -> bool {
    let bytes = name.as_bytes();
    let inner_ok = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'_');
    !bytes.is_empty()
        && bytes.len() <= 64
        && bytes.iter().all(inner_ok)
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && !name.contains("..")
}

/// A Message-ID without its angle brackets and surrounding space; `None` if empty.
pub fn normalize_message_id(raw: &str) -> Option<&str> {
    let id = raw.trim().trim_start_matches('<').trim_end_matches('>').trim();
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
        let parsed = ForwardingAddress::parse("Support@Acme.Inbound.Example.com", DOMAIN).unwrap();
        assert_eq!(parsed, ForwardingAddress { username: "support".into(), subdomain: "acme".into() });
        assert_eq!(parsed.to_address(DOMAIN), "support@acme.inbound.example.com");
        assert!(ForwardingAddress::parse("<help.desk@shop-1.inbound.example.com>", DOMAIN).is_some());
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
            assert_eq!(ForwardingAddress::parse(bad, DOMAIN), None, "{bad}");
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

    #[test]
    fn message_ids_lose_brackets() {
        assert_eq!(normalize_message_id(" <abc@host> "), Some("abc@host"));
        assert_eq!(normalize_message_id("abc@host"), Some("abc@host"));
        assert_eq!(normalize_message_id("<>"), None);
    }

    #[test]
    fn senders_display_with_name_when_present() {
        assert_eq!(display_sender(Some("Ada L."), "ada@example.com"), "Ada L. <ada@example.com>");
        assert_eq!(display_sender(Some("  "), "ada@example.com"), "ada@example.com");
        assert_eq!(display_sender(None, "ada@example.com"), "ada@example.com");
    }
}
