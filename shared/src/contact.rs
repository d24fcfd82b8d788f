//! Contacts: the people behind visitors and senders, keyed by email address.

use crate::conversation::string_enum;
use crate::Invalid;

string_enum! {
    /// How a contact first reached the team.
    ContactSource { /// The website widget (the Form step or identify).
        Chat = "chat", /// Inbound email.
        Email = "email", /// A site form submission (tickets).
        Form = "form", /// Added by an agent ("click to add").
        Agent = "agent" }
}

/// The name to show for a person: the first of `candidates` that is not
/// blank (e.g. full name, name seen on their email, address), else `fallback`.
pub fn display_name(candidates: &[Option<&str>], fallback: &str) -> String {
    candidates
        .iter()
        .flatten()
        .map(|c| c.trim())
        .find(|c| !c.is_empty())
        .unwrap_or(fallback)
        .to_string()
}

/// Longest email address accepted (RFC 5321 path limit).
pub const MAX_EMAIL_LEN: usize = 254;

/// The email was empty.
pub const EMAIL_MISSING: Invalid =
    Invalid::new("email_missing", "Please enter your email address.");
/// The email was not of the form name@domain.tld.
pub const EMAIL_INVALID: Invalid = Invalid::new(
    "email_invalid",
    "Please enter a valid email address, like name@example.com.",
);

/// An email would go to an address the person chatting never proved is
/// theirs, and the agent did not confirm that very address (the inbox asks, then sends again).
pub const CONFIRM_UNVERIFIED: Invalid = Invalid::new(
    "confirm_unverified_email",
    "This visitor's email is not verified: the email may reach someone other than the person chatting. \
     Send again with \"confirm_unverified\" set to the address you were shown if you are sure.",
);

/// Trims and lower-cases an email address and checks its syntax; the result is
/// the key contacts are matched on (one contact per address and account).
pub fn normalize_email(raw: &str) -> Result<String, Invalid> {
    let email = raw.trim();
    if email.is_empty() {
        return Err(EMAIL_MISSING);
    }
    if !is_valid_email(email) {
        return Err(EMAIL_INVALID);
    }
    Ok(email.to_ascii_lowercase())
}

/// Whether `email` is a plausible mailbox address: a dot-atom local part, `@`,
/// and a domain of at least two DNS labels. Stricter than RFC 5322 on purpose
/// (no quoted local parts, no IP literals): these are addresses people type.
pub fn is_valid_email(email: &str) -> bool {
    if email.len() > MAX_EMAIL_LEN {
        return false;
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    is_dot_atom(local) && is_domain(domain)
}

fn is_dot_atom(local: &str) -> bool {
    const SPECIALS: &[u8] = b"!#$%&'*+-/=?^_`{|}~";
    !local.is_empty()
        && local.len() <= 64
        && local.split('.').all(|atom| {
            !atom.is_empty()
                && atom
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || SPECIALS.contains(&c))
        })
}

fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|label| is_dns_label(label))
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && !tld.bytes().all(|c| c.is_ascii_digit()))
}

/// Whether `label` is a DNS label: 1–63 letters, digits or inner hyphens.
pub fn is_dns_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_takes_the_first_non_blank_candidate() {
        assert_eq!(
            display_name(
                &[None, Some("  "), Some("Mia Chen"), Some("mia@x.org")],
                "Visitor"
            ),
            "Mia Chen"
        );
        assert_eq!(
            display_name(&[None, None], "Visitor 1a2b3c"),
            "Visitor 1a2b3c"
        );
    }

    #[test]
    fn normalizes_by_trimming_and_lowercasing() {
        assert_eq!(
            normalize_email("  Ada.Lovelace@Example.COM \n").unwrap(),
            "ada.lovelace@example.com"
        );
    }

    #[test]
    fn accepts_common_addresses() {
        for ok in [
            "a@b.co",
            "first.last+tag@sub.example.org",
            "o'brien@example.ie",
            "x_y-z@a-b.example",
        ] {
            assert!(is_valid_email(ok), "{ok}");
        }
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in [
            "plainaddress",
            "@example.com",
            "a@",
            "a@localhost",
            "a..b@example.com",
            ".a@example.com",
            "a@-example.com",
            "a@example.123",
            "a b@example.com",
            "a@exam ple.com",
            "<a@example.com>",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
        let long_local = "a".repeat(65) + "@example.com";
        assert!(!is_valid_email(&long_local));
    }

    #[test]
    fn reports_missing_before_invalid() {
        assert_eq!(normalize_email("   "), Err(EMAIL_MISSING));
        assert_eq!(normalize_email("nope"), Err(EMAIL_INVALID));
    }
}
