//! Who an email conversation involves besides its contact, as mail has it:
//! the people it copies (Cc), kept from inbound mail and offered again on
//! each reply, and the blind copies (Bcc) an agent may add, delivered but
//! never named in a header. Every address is checked like a contact's; at
//! most [`MAX_RECIPIENTS`] in all.

use crate::contact::normalize_email;
use crate::Invalid;

/// Most recipients of one email from the inbox: To, Cc and Bcc together.
pub const MAX_RECIPIENTS: usize = 10;
/// Most Cc addresses kept on a conversation (its contact is the tenth).
pub const MAX_KEPT_CC: usize = MAX_RECIPIENTS - 1;

/// A Cc address was not an email address.
pub const CC_INVALID: Invalid = Invalid::new(
    "cc_invalid",
    "Each Cc must be an email address like name@example.com; separate addresses with commas.",
);
/// A Bcc address was not an email address.
pub const BCC_INVALID: Invalid = Invalid::new(
    "bcc_invalid",
    "Each Bcc must be an email address like name@example.com; separate addresses with commas.",
);
/// More than [`MAX_RECIPIENTS`] addresses.
pub const TOO_MANY_RECIPIENTS: Invalid = Invalid::new(
    "too_many_recipients",
    "An email goes to at most 10 addresses in all (To, Cc and Bcc together).",
);
/// A Cc or Bcc named one of Parley's own addresses.
pub const OWN_ADDRESS: Invalid = Invalid::new(
    "recipient_is_a_mailbox",
    "Cc and Bcc cannot name a Parley mailbox or reply address: the email would come back into the inbox.",
);

/// A person copied on a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    /// Normalized address (lower-case).
    pub address: String,
    /// The name the mail gave them, if any.
    pub name: Option<String>,
}

/// The checked recipients of one email: each address once, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipients {
    /// The contact.
    pub to: String,
    /// Copied, named in the Cc header.
    pub cc: Vec<String>,
    /// Copied blind: delivered, never in a header.
    pub bcc: Vec<String>,
}

impl Recipients {
    /// Every address the message is delivered to (the envelope), each once: To, Cc, then Bcc.
    pub fn envelope(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.to.as_str())
            .chain(self.cc.iter().map(String::as_str))
            .chain(self.bcc.iter().map(String::as_str))
    }
}

/// Whether `address` is one of Parley's own: a mailbox or reply address under
/// `inbound_domain` (any site's), or that domain itself.
pub fn is_own_address(address: &str, inbound_domain: &str) -> bool {
    let domain = address
        .rsplit_once('@')
        .map_or("", |(_, d)| d)
        .trim_end_matches('>')
        .to_ascii_lowercase();
    let inbound = inbound_domain
        .trim()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    !inbound.is_empty()
        && (domain == inbound
            || domain
                .strip_suffix(inbound.as_str())
                .is_some_and(|rest| rest.ends_with('.')))
}

/// The addresses of a list as typed: entries may hold several, separated by
/// commas or semicolons; blanks are skipped.
fn split(list: &[String]) -> impl Iterator<Item = &str> {
    list.iter()
        .flat_map(|entry| entry.split([',', ';']))
        .map(str::trim)
        .filter(|a| !a.is_empty())
}

/// Checks the recipients of an email from the inbox: the contact's address
/// `to`, then the Cc and Bcc an agent typed. Each must be an email address and
/// none one of Parley's own; an address already named earlier (To, then Cc,
/// then Bcc) is dropped; at most [`MAX_RECIPIENTS`] in all. The number of
/// entries is checked before any is parsed, so a long list costs nothing.
pub fn validate(
    to: &str,
    cc: &[String],
    bcc: &[String],
    inbound_domain: &str,
) -> Result<Recipients, Invalid> {
    let mut all = Recipients {
        to: to.to_ascii_lowercase(),
        cc: Vec::new(),
        bcc: Vec::new(),
    };
    for (list, invalid, bcc_list) in [(cc, CC_INVALID, false), (bcc, BCC_INVALID, true)] {
        for typed in split(list) {
            if 1 + all.cc.len() + all.bcc.len() >= MAX_RECIPIENTS && !already(&all, typed) {
                return Err(TOO_MANY_RECIPIENTS);
            }
            let address = normalize_email(typed).map_err(|_| invalid)?;
            if is_own_address(&address, inbound_domain) {
                return Err(OWN_ADDRESS);
            }
            if !already(&all, &address) {
                if bcc_list { &mut all.bcc } else { &mut all.cc }.push(address);
            }
        }
    }
    Ok(all)
}

/// Whether the address (as typed: compared case-insensitively) is already among the recipients.
fn already(all: &Recipients, typed: &str) -> bool {
    let typed = typed.trim();
    all.envelope().any(|a| a.eq_ignore_ascii_case(typed))
}

/// The Cc of an inbound message a conversation keeps: valid addresses only,
/// not the sender's, not Parley's own, each once, at most [`MAX_KEPT_CC`].
/// (The store also leaves out the conversation's contact.)
pub fn kept_cc(cc: &[Participant], from: &str, inbound_domain: &str) -> Vec<Participant> {
    let mut kept: Vec<Participant> = Vec::new();
    for person in cc {
        let Ok(address) = normalize_email(&person.address) else {
            continue;
        };
        if address == from
            || is_own_address(&address, inbound_domain)
            || kept.iter().any(|k| k.address == address)
        {
            continue;
        }
        let name = person
            .name
            .as_deref()
            .map(super::one_line)
            .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case(&address));
        kept.push(Participant { address, name });
        if kept.len() == MAX_KEPT_CC {
            break;
        }
    }
    kept
}

/// Every address of a message's Cc header (groups opened), with its name, as written.
#[cfg(feature = "mail")]
pub fn cc_of(message: &mail_parser::Message) -> Vec<Participant> {
    let Some(list) = message.cc() else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|a| {
            Some(Participant {
                address: a.address()?.to_string(),
                name: a.name().map(str::to_string),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOMAIN: &str = "inbound.example.com";

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn cc_and_bcc_are_checked_deduplicated_and_ordered() {
        let r = validate(
            "mia@example.org",
            &list(&["Ben@Example.org, cy@example.net", " "]),
            &list(&["dee@example.com;ben@example.org"]),
            DOMAIN,
        )
        .unwrap();
        assert_eq!(r.cc, ["ben@example.org", "cy@example.net"]);
        assert_eq!(
            r.bcc,
            ["dee@example.com"],
            "an address already copied is not copied blind too"
        );
        assert_eq!(
            r.envelope().collect::<Vec<_>>(),
            [
                "mia@example.org",
                "ben@example.org",
                "cy@example.net",
                "dee@example.com"
            ]
        );
        let to_again =
            validate("mia@example.org", &list(&["MIA@example.org"]), &[], DOMAIN).unwrap();
        assert!(
            to_again.cc.is_empty(),
            "the contact is not copied on their own email"
        );
    }

    #[test]
    fn bad_addresses_are_refused_with_the_field_named() {
        assert_eq!(
            validate("mia@example.org", &list(&["ben@"]), &[], DOMAIN),
            Err(CC_INVALID)
        );
        assert_eq!(
            validate(
                "mia@example.org",
                &list(&["Ben <ben@example.org>"]),
                &[],
                DOMAIN
            ),
            Err(CC_INVALID)
        );
        assert_eq!(
            validate("mia@example.org", &[], &list(&["not an address"]), DOMAIN),
            Err(BCC_INVALID)
        );
        assert_eq!(
            validate(
                "mia@example.org",
                &list(&["a@b.c\r\nBcc: x@y.z"]),
                &[],
                DOMAIN
            ),
            Err(CC_INVALID)
        );
    }

    #[test]
    fn parleys_own_addresses_cannot_be_copied() {
        for own in [
            "support@acme.inbound.example.com",
            "reply+c_1.abc@ACME.inbound.example.com",
            "x@inbound.example.com",
        ] {
            assert_eq!(
                validate("mia@example.org", &list(&[own]), &[], DOMAIN),
                Err(OWN_ADDRESS),
                "{own}"
            );
            assert_eq!(
                validate("mia@example.org", &[], &list(&[own]), DOMAIN),
                Err(OWN_ADDRESS),
                "{own}"
            );
        }
        assert!(!is_own_address("x@notinbound.example.com", DOMAIN));
        assert!(!is_own_address("x@example.com", DOMAIN));
    }

    #[test]
    fn ten_recipients_in_all() {
        let nine: Vec<String> = (0..9).map(|i| format!("p{i}@example.org")).collect();
        let ok = validate("mia@example.org", &nine[..5], &nine[5..], DOMAIN).unwrap();
        assert_eq!(ok.envelope().count(), 10);
        let ten: Vec<String> = (0..10).map(|i| format!("p{i}@example.org")).collect();
        assert_eq!(
            validate("mia@example.org", &ten[..5], &ten[5..], DOMAIN),
            Err(TOO_MANY_RECIPIENTS)
        );
        assert_eq!(
            validate("mia@example.org", &ten, &[], DOMAIN),
            Err(TOO_MANY_RECIPIENTS)
        );
        let mut repeated = nine.clone();
        repeated.extend(nine.iter().map(|a| a.to_uppercase()));
        assert_eq!(
            validate("mia@example.org", &repeated, &[], DOMAIN)
                .unwrap()
                .cc
                .len(),
            9,
            "repeats do not count twice"
        );
        let huge = vec!["x@example.org,".repeat(100_000)];
        assert_eq!(
            validate("mia@example.org", &huge, &[], DOMAIN).unwrap().cc,
            ["x@example.org"]
        );
        let many: Vec<String> = (0..100_000).map(|i| format!("p{i}@example.org")).collect();
        assert_eq!(
            validate("mia@example.org", &many, &[], DOMAIN),
            Err(TOO_MANY_RECIPIENTS),
            "stops at the eleventh"
        );
    }

    #[test]
    fn inbound_cc_keeps_people_not_mailboxes_nor_the_sender() {
        let p = |a: &str, n: Option<&str>| Participant {
            address: a.into(),
            name: n.map(String::from),
        };
        let cc = [
            p("Ben@Example.org", Some("Ben\r\nStone")),
            p("support@acme.inbound.example.com", None),
            p("mia@example.org", Some("Mia")),
            p("ben@example.org", Some("Ben again")),
            p("not-an-address", None),
            p("cy@example.net", Some("cy@example.net")),
        ];
        assert_eq!(
            kept_cc(&cc, "mia@example.org", DOMAIN),
            [
                p("ben@example.org", Some("Ben Stone")),
                p("cy@example.net", None)
            ]
        );
        let many: Vec<Participant> = (0..30)
            .map(|i| p(&format!("p{i}@example.org"), None))
            .collect();
        assert_eq!(kept_cc(&many, "mia@example.org", DOMAIN).len(), MAX_KEPT_CC);
    }

    #[cfg(feature = "mail")]
    #[test]
    fn a_messages_cc_is_read_with_names_groups_and_encoded_words() {
        let raw = "From: Mia <mia@example.org>\r\nTo: help@acme.inbound.example.com\r\n\
                   Cc: \"Stone, Ben\" <ben@example.org>, =?UTF-8?Q?Zo=C3=AB?= <zoe@example.net>,\r\n \
                   team: dee@example.com, eve@example.com;, bare@example.org\r\nSubject: x\r\n\r\nHi\r\n";
        let message = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .unwrap();
        let cc = cc_of(&message);
        let addresses: Vec<&str> = cc.iter().map(|p| p.address.as_str()).collect();
        assert_eq!(
            addresses,
            [
                "ben@example.org",
                "zoe@example.net",
                "dee@example.com",
                "eve@example.com",
                "bare@example.org"
            ]
        );
        assert_eq!(cc[0].name.as_deref(), Some("Stone, Ben"));
        assert_eq!(cc[1].name.as_deref(), Some("Zoë"));
        let none = mail_parser::MessageParser::default()
            .parse(b"From: a@b.c\r\nSubject: x\r\n\r\nHi".as_slice())
            .unwrap();
        assert!(cc_of(&none).is_empty());
    }
}
