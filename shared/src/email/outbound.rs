//! Rules of email sent from the inbox: the subject and From name rendered from
//! the channel's templates, and Message-IDs signed like reply addresses.

use hmac::Mac;

use crate::digest::hmac_sha256;
use crate::template::{render, Value};
use crate::Invalid;

/// Token in the default subject replaced by the conversation's start date.
pub const START_DATE_TOKEN: &str = "{Start_Date}";
/// Token in the From name replaced by the sending agent's full name.
pub const AGENT_NAME_TOKEN: &str = "{Agent_Name}";
/// The name inside [`START_DATE_TOKEN`] (placeholders follow `crate::template`).
const START_DATE: &str = "Start_Date";
/// The name inside [`AGENT_NAME_TOKEN`].
const AGENT_NAME: &str = "Agent_Name";
/// Longest subject or From name template accepted.
pub const MAX_TEMPLATE_CHARS: usize = 200;

/// A template was empty, too long or not one line.
pub const TEMPLATE_INVALID: Invalid = Invalid::new(
    "template_invalid",
    "Use one line of at most 200 characters; {Start_Date} and {Agent_Name} are the tokens.",
);

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `21 Nov 2026` for a time in ms since the epoch (UTC).
pub fn date_label(ms: u64) -> String {
    let (year, month, day) = civil_date((ms / 86_400_000) as i64);
    format!("{day} {} {year}", MONTHS[(month - 1) as usize])
}

/// Year, month (1–12) and day of a count of days since 1970-01-01
/// (Howard Hinnant's days-to-civil algorithm).
fn civil_date(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Checks a subject or From-name template as an admin types it.
pub fn validate_template(template: &str) -> Result<String, Invalid> {
    let t = template.trim();
    if t.is_empty() || t.chars().count() > MAX_TEMPLATE_CHARS || t.chars().any(char::is_control) {
        Err(TEMPLATE_INVALID)
    } else {
        Ok(t.to_string())
    }
}

/// The subject of a follow-up email: the template with `{Start_Date}` as the
/// conversation's start date; separators left dangling by a removed token go too.
pub fn render_subject(template: &str, started_at_ms: u64) -> String {
    let rendered = render(template, |name| match name {
        START_DATE => Value::Text(date_label(started_at_ms)),
        _ => Value::Unknown,
    });
    rendered
        .trim()
        .trim_end_matches(['·', '-', '|', ':', ','])
        .trim()
        .to_string()
}

/// The From name: the template with `{Agent_Name}` as the agent's full name;
/// the site's name when that leaves nothing.
pub fn render_from_name(template: &str, agent_name: &str, site_name: &str) -> String {
    let rendered = render(template, |name| match name {
        AGENT_NAME => Value::of(Some(agent_name)),
        _ => Value::Unknown,
    });
    let rendered = rendered.trim();
    if rendered.is_empty() {
        site_name.to_string()
    } else {
        rendered.to_string()
    }
}

/// `Re: subject`, without stacking prefixes.
pub fn reply_subject(subject: Option<&str>) -> Option<String> {
    let subject = subject?.trim();
    if subject.is_empty() {
        return None;
    }
    let lower = subject.to_ascii_lowercase();
    Some(if lower.starts_with("re:") {
        subject.to_string()
    } else {
        format!("Re: {subject}")
    })
}

fn signature(secret: &str, message_id: &str) -> String {
    let digest = hmac_sha256(secret.as_bytes(), &[b"message-id:", message_id.as_bytes()])
        .finalize()
        .into_bytes();
    hex::encode(&digest[..10])
}

/// The signed Message-ID (without brackets) of an outbound message.
pub fn message_id(secret: &str, message: &str, subdomain: &str, inbound_domain: &str) -> String {
    format!(
        "{message}.{}@{subdomain}.{inbound_domain}",
        signature(secret, message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOV_21_2026: u64 = 1_795_219_200_000; // 2026-11-21T00:00:00Z

    #[test]
    fn dates_render_in_utc() {
        assert_eq!(date_label(0), "1 Jan 1970");
        assert_eq!(date_label(NOV_21_2026), "21 Nov 2026");
        assert_eq!(date_label(NOV_21_2026 + 86_399_999), "21 Nov 2026");
        assert_eq!(date_label(951_782_400_000), "29 Feb 2000");
    }

    #[test]
    fn subject_token_is_the_start_date_and_removable() {
        assert_eq!(
            render_subject("Following up on our chat · {Start_Date}", NOV_21_2026),
            "Following up on our chat · 21 Nov 2026"
        );
        assert_eq!(
            render_subject("Following up on our chat · ", NOV_21_2026),
            "Following up on our chat"
        );
        assert_eq!(
            render_subject("{Start_Date}: your order", NOV_21_2026),
            "21 Nov 2026: your order"
        );
    }

    #[test]
    fn from_name_takes_the_agent_or_falls_back_to_the_site() {
        assert_eq!(
            render_from_name(
                "{Agent_Name} at Juniper & Pine",
                "Robin Ash",
                "Juniper & Pine"
            ),
            "Robin Ash at Juniper & Pine"
        );
        assert_eq!(
            render_from_name("{Agent_Name}", " ", "Juniper & Pine"),
            "Juniper & Pine"
        );
        assert_eq!(render_from_name("Support", "Robin Ash", "J&P"), "Support");
        assert_eq!(
            render_from_name("{Agent_Name|The team} at J&P", "", "J&P"),
            "The team at J&P",
            "the shared placeholder grammar's fallback"
        );
        assert_eq!(
            render_from_name("{Start_Date} {x}", "Robin", "J&P"),
            "{Start_Date} {x}",
            "other placeholders stay as written"
        );
    }

    #[test]
    fn replies_get_one_re_prefix() {
        assert_eq!(
            reply_subject(Some("Where is my order?")).as_deref(),
            Some("Re: Where is my order?")
        );
        assert_eq!(
            reply_subject(Some("RE: Where")).as_deref(),
            Some("RE: Where")
        );
        assert_eq!(reply_subject(Some("  ")), None);
    }

    #[test]
    fn templates_are_one_bounded_line() {
        assert_eq!(
            validate_template("  Hi {Agent_Name} "),
            Ok("Hi {Agent_Name}".into())
        );
        assert_eq!(validate_template(""), Err(TEMPLATE_INVALID));
        assert_eq!(validate_template("a\nb"), Err(TEMPLATE_INVALID));
        assert_eq!(validate_template(&"x".repeat(201)), Err(TEMPLATE_INVALID));
    }

    #[test]
    fn message_ids_are_signed() {
        let id = message_id("secret", "m_0123", "acme", "inbound.example.com");
        assert!(id.ends_with("@acme.inbound.example.com"));
        assert!(id.starts_with("m_0123."));
        assert_eq!(
            id,
            message_id("secret", "m_0123", "acme", "inbound.example.com"),
            "deterministic"
        );
        assert_ne!(
            id,
            message_id("other", "m_0123", "acme", "inbound.example.com"),
            "bound to the secret"
        );
        let other = message_id("secret", "m_0124", "acme", "inbound.example.com");
        assert_ne!(
            id.split('@').next().unwrap().rsplit_once('.').unwrap().1,
            other.split('@').next().unwrap().rsplit_once('.').unwrap().1,
            "bound to the message"
        );
    }
}
