//! Saved replies: the team's canned answers, each under a shortcut (`refund`),
//! with `{contact.first_name|there}` placeholders filled in for the
//! conversation they are used in (grammar and rendering: `crate::template`).
//! Every agent of the account may add, edit and delete them.

use crate::conversation::string_enum;
use crate::template::{self, Value};
use crate::Invalid;

/// Longest shortcut.
pub const MAX_SHORTCUT_CHARS: usize = 32;
/// Longest title.
pub const MAX_TITLE_CHARS: usize = 100;
/// Longest body.
pub const MAX_BODY_CHARS: usize = 4_000;
/// Most saved replies an account keeps.
pub const MAX_PER_ACCOUNT: u32 = 200;

/// The shortcut broke its rule.
pub const SHORTCUT_INVALID: Invalid = Invalid::new(
    "shortcut_invalid",
    "A shortcut is 1 to 32 lower-case letters, digits, '-' or '_' (e.g. refund or late-order), typed after / in the composer.",
);
/// Another saved reply of the account has this shortcut.
pub const SHORTCUT_TAKEN: Invalid = Invalid::new(
    "shortcut_taken",
    "Another saved reply of your team already uses this shortcut; choose another.",
);
/// The title broke its rule.
pub const TITLE_INVALID: Invalid = Invalid::new(
    "title_invalid",
    "A title is one line of 1 to 100 characters.",
);
/// The body broke its rule.
pub const BODY_INVALID: Invalid = Invalid::new(
    "body_invalid",
    "A saved reply's text is 1 to 4,000 characters (line breaks and tabs allowed, no other control characters).",
);
/// The body names a placeholder no conversation can fill.
pub const PLACEHOLDER_UNKNOWN: Invalid = Invalid::new(
    "placeholder_unknown",
    "Unknown placeholder. Use {contact.first_name}, {contact.last_name}, {contact.name}, {contact.email}, \
     {contact.phone}, {contact.company}, {agent.first_name}, {agent.name} or {site.name}, \
     optionally with a fallback: {contact.first_name|there}.",
);
/// The account already keeps [`MAX_PER_ACCOUNT`] saved replies.
pub const TOO_MANY: Invalid = Invalid::new(
    "saved_replies_full",
    "Your team keeps 200 saved replies at most; delete one before adding another.",
);

/// A shortcut as stored: trimmed, one leading `/` dropped, lower-cased; or why not.
pub fn validate_shortcut(raw: &str) -> Result<String, Invalid> {
    let text = raw.trim();
    let text = text.strip_prefix('/').unwrap_or(text).to_ascii_lowercase();
    let ok = (1..=MAX_SHORTCUT_CHARS).contains(&text.len())
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(text)
    } else {
        Err(SHORTCUT_INVALID)
    }
}

/// A title as stored: one trimmed line of 1 to [`MAX_TITLE_CHARS`] characters.
pub fn validate_title(raw: &str) -> Result<String, Invalid> {
    let text = raw.trim();
    let ok = !text.is_empty()
        && text.chars().count() <= MAX_TITLE_CHARS
        && !text.chars().any(char::is_control);
    if ok {
        Ok(text.to_string())
    } else {
        Err(TITLE_INVALID)
    }
}

/// A body as stored: trimmed, 1 to [`MAX_BODY_CHARS`] characters, line
/// breaks normalised to `\n`, and every placeholder one that [`Field`] names.
pub fn validate_body(raw: &str) -> Result<String, Invalid> {
    let text = raw.replace("\r\n", "\n");
    let text = text.trim();
    let ok = !text.is_empty()
        && text.chars().count() <= MAX_BODY_CHARS
        && !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t');
    if !ok {
        return Err(BODY_INVALID);
    }
    if template::names(text).any(|name| Field::parse(name).is_none()) {
        return Err(PLACEHOLDER_UNKNOWN);
    }
    Ok(text.to_string())
}

string_enum! {
    /// A value a saved reply's placeholder can name.
    Field { /// The contact's first name (the first word of the full name).
        ContactFirstName = "contact.first_name", /// The rest of the contact's full name.
        ContactLastName = "contact.last_name", /// The contact's full name.
        ContactName = "contact.name", /// The contact's email.
        ContactEmail = "contact.email", /// The contact's phone.
        ContactPhone = "contact.phone", /// The contact's company.
        ContactCompany = "contact.company", /// The agent's first name.
        AgentFirstName = "agent.first_name", /// The agent's full name.
        AgentName = "agent.name", /// The site's name.
        SiteName = "site.name" }
}

/// What a saved reply is filled in with: the conversation's contact (or what
/// its visitor told us), the agent using it, the site.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Context<'a> {
    /// The contact's full name.
    pub contact_name: Option<&'a str>,
    /// The contact's email.
    pub contact_email: Option<&'a str>,
    /// The contact's phone.
    pub contact_phone: Option<&'a str>,
    /// The contact's company.
    pub contact_company: Option<&'a str>,
    /// The agent's full name.
    pub agent_name: Option<&'a str>,
    /// The site's name.
    pub site_name: Option<&'a str>,
}

/// The first word of a name, and the rest.
fn split_name(name: Option<&str>) -> (Option<&str>, Option<&str>) {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        None => (None, None),
        Some(name) => match name.split_once(char::is_whitespace) {
            Some((first, rest)) => (Some(first), Some(rest.trim())),
            None => (Some(name), None),
        },
    }
}

impl Context<'_> {
    /// The value of one field here (`None` when unknown for this conversation).
    pub fn value(&self, field: Field) -> Option<&str> {
        match field {
            Field::ContactFirstName => split_name(self.contact_name).0,
            Field::ContactLastName => split_name(self.contact_name).1,
            Field::ContactName => self.contact_name,
            Field::ContactEmail => self.contact_email,
            Field::ContactPhone => self.contact_phone,
            Field::ContactCompany => self.contact_company,
            Field::AgentFirstName => split_name(self.agent_name).0,
            Field::AgentName => self.agent_name,
            Field::SiteName => self.site_name,
        }
    }
}

/// A saved reply's text for this context: each placeholder filled in, its
/// fallback (or nothing) where the value is missing; unknown names stay as written.
pub fn render(body: &str, context: &Context) -> String {
    template::render(body, |name| match Field::parse(name) {
        Some(field) => Value::of(context.value(field)),
        None => Value::Unknown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIA: Context = Context {
        contact_name: Some("Mia van Chen"),
        contact_email: Some("mia@example.org"),
        contact_phone: None,
        contact_company: Some(" "),
        agent_name: Some("Robin Ash"),
        site_name: Some("Juniper & Pine"),
    };

    #[test]
    fn shortcuts_are_short_lower_case_words() {
        assert_eq!(validate_shortcut(" /Refund "), Ok("refund".into()));
        assert_eq!(validate_shortcut("late-order_2"), Ok("late-order_2".into()));
        for bad in [
            "",
            "/",
            "two words",
            "café",
            "a/b",
            "semi;colon",
            &"x".repeat(33),
        ] {
            assert_eq!(validate_shortcut(bad), Err(SHORTCUT_INVALID), "{bad:?}");
        }
        assert_eq!(validate_shortcut(&"x".repeat(32)).map(|s| s.len()), Ok(32));
    }

    #[test]
    fn titles_are_one_line_and_bodies_bounded() {
        assert_eq!(
            validate_title("  Refund policy "),
            Ok("Refund policy".into())
        );
        assert_eq!(validate_title("a\nb"), Err(TITLE_INVALID));
        assert_eq!(validate_title(" "), Err(TITLE_INVALID));
        assert_eq!(validate_title(&"é".repeat(101)), Err(TITLE_INVALID));
        assert_eq!(
            validate_body(" Hi {contact.first_name|there},\r\n\r\n\tThanks! "),
            Ok("Hi {contact.first_name|there},\n\n\tThanks!".into())
        );
        assert_eq!(validate_body("  "), Err(BODY_INVALID));
        assert_eq!(validate_body("bell \u{7}"), Err(BODY_INVALID));
        assert_eq!(validate_body(&"x".repeat(4_001)), Err(BODY_INVALID));
        assert!(
            validate_body(&"é".repeat(4_000)).is_ok(),
            "counted in characters"
        );
    }

    #[test]
    fn bodies_name_only_known_placeholders() {
        assert_eq!(
            validate_body("Hi {contact.frist_name}"),
            Err(PLACEHOLDER_UNKNOWN)
        );
        assert_eq!(
            validate_body("Hi {Agent_Name}"),
            Err(PLACEHOLDER_UNKNOWN),
            "the email templates' tokens are not these"
        );
        assert!(
            validate_body("{ not a placeholder } and } {").is_ok(),
            "text that is not a placeholder is fine"
        );
        for field in Field::ALL {
            assert!(
                validate_body(&format!("{{{}}}", field.as_str())).is_ok(),
                "{field:?}"
            );
        }
    }

    #[test]
    fn placeholders_are_filled_in_with_fallbacks() {
        let body = "Hi {contact.first_name|there} ({contact.last_name}), {agent.first_name} of {site.name} here. \
                    Company: {contact.company|none given}. Phone: {contact.phone}.";
        assert_eq!(
            render(body, &MIA),
            "Hi Mia (van Chen), Robin of Juniper & Pine here. Company: none given. Phone: ."
        );
        let nobody = Context::default();
        assert_eq!(
            render(
                "Hi {contact.first_name|there}, I'm {agent.name|the team}.",
                &nobody
            ),
            "Hi there, I'm the team."
        );
        assert_eq!(
            render(
                "Hi {contact.first_name|there}",
                &Context {
                    contact_name: Some("Cher"),
                    ..nobody
                }
            ),
            "Hi Cher"
        );
        assert_eq!(
            render(
                "{contact.last_name|-}",
                &Context {
                    contact_name: Some("Cher"),
                    ..nobody
                }
            ),
            "-"
        );
        assert_eq!(
            render("{oops} {contact.email}", &MIA),
            "{oops} mia@example.org",
            "an unknown name (saved before) stays visible"
        );
    }
}
