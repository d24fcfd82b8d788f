//! A chat's transcript, emailed to its contact on an agent's request: text
//! only, each message with its author and time. It is sent once per request
//! key (a retried request finds the first one's record and sends nothing).

use crate::conversation::{string_enum, Author};
use crate::email::outbound::date_label;
use crate::Invalid;

/// Longest request key accepted (a UUID is 36).
pub const MAX_KEY_LEN: usize = 64;
/// Most characters a transcript's text may reach (about a thousand long messages).
pub const MAX_TEXT_CHARS: usize = 1_000_000;

/// The request key was missing or malformed.
pub const KEY_INVALID: Invalid = Invalid::new(
    "idempotency_key_invalid",
    "idempotency_key must be 8 to 64 letters, digits, '-' or '_' (a new one per transcript; the same one when retrying).",
);
/// Only chat conversations have transcripts.
pub const CHAT_ONLY: Invalid = Invalid::new(
    "transcript_chat_only",
    "Transcripts are for chat conversations; email and Messenger threads are already with the contact.",
);
/// The contact has no email address to send it to.
pub const NO_EMAIL: Invalid = Invalid::new(
    "transcript_no_email",
    "This contact has no email address, so there is nowhere to send the transcript; add their email first.",
);
/// The conversation is too long to email.
pub const TOO_LONG: Invalid = Invalid::new(
    "transcript_too_long",
    "This conversation is too long to email as a transcript (over 1,000,000 characters).",
);
/// The platform refused the email; the request may be retried with the same key.
pub const SEND_FAILED: Invalid = Invalid::new(
    "transcript_send_failed",
    "The transcript could not be sent; nothing went out. Try again: the same request sends it at most once.",
);

string_enum! {
    /// Where a transcript request stands.
    TranscriptStatus { /// A request took it and is sending it.
        Sending = "sending", /// The platform accepted the email.
        Sent = "sent", /// The platform refused it; retrying the same request tries again.
        Failed = "failed" }
}

/// Checks a transcript request's key.
pub fn validate_key(key: &str) -> Result<&str, Invalid> {
    let ok = (8..=MAX_KEY_LEN).contains(&key.len())
        && key
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
    if ok {
        Ok(key)
    } else {
        Err(KEY_INVALID)
    }
}

/// One message as the transcript shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    /// Who wrote it.
    pub author: Author,
    /// The agent's name, for agent messages.
    pub author_name: Option<&'a str>,
    /// Its text.
    pub body: &'a str,
    /// When, ms since the epoch.
    pub at: u64,
}

/// `21 Nov 2026, 14:03 UTC` for a time in ms since the epoch.
pub fn time_label(ms: u64) -> String {
    let minutes = (ms / 60_000) % (24 * 60);
    format!(
        "{}, {:02}:{:02} UTC",
        date_label(ms),
        minutes / 60,
        minutes % 60
    )
}

/// The transcript email's subject.
pub fn subject(site_name: &str, started_at: u64) -> String {
    format!(
        "Transcript of your chat with {} · {}",
        site_name.trim(),
        date_label(started_at)
    )
}

/// The transcript's text: a heading line, then each message as a paragraph
/// headed by its author (the contact reads "You") and time; `TOO_LONG` past
/// [`MAX_TEXT_CHARS`]. Linear in the messages' length.
pub fn text<'a>(
    site_name: &str,
    started_at: u64,
    lines: impl IntoIterator<Item = Line<'a>>,
) -> Result<String, Invalid> {
    let site = site_name.trim();
    let mut out = format!(
        "Your chat with {site}, started {}.\n",
        time_label(started_at)
    );
    let mut chars = out.chars().count();
    for line in lines {
        let who = match line.author {
            Author::Visitor | Author::Contact => "You",
            Author::Agent => line
                .author_name
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .unwrap_or("Agent"),
            Author::Bot => site,
        };
        // Blank lines inside a message would split it into paragraphs of its own.
        let body = line
            .body
            .replace("\r\n", "\n")
            .split('\n')
            .filter(|l| !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        let entry = format!("\n{who} · {}\n{body}\n", time_label(line.at));
        chars += entry.chars().count();
        if chars > MAX_TEXT_CHARS {
            return Err(TOO_LONG);
        }
        out.push_str(&entry);
    }
    out.push_str("\nReply to this email to continue the conversation.\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOV_21_2026: u64 = 1_795_219_200_000; // 2026-11-21T00:00:00Z

    #[test]
    fn times_are_utc_to_the_minute() {
        assert_eq!(time_label(NOV_21_2026), "21 Nov 2026, 00:00 UTC");
        assert_eq!(
            time_label(NOV_21_2026 + (14 * 60 + 3) * 60_000 + 59_999),
            "21 Nov 2026, 14:03 UTC"
        );
    }

    #[test]
    fn keys_are_bounded_tokens() {
        assert_eq!(
            validate_key("0b7e1c2a-8d4f-4f5e-9a3b-1c2d3e4f5a6b"),
            Ok("0b7e1c2a-8d4f-4f5e-9a3b-1c2d3e4f5a6b")
        );
        for bad in [
            "",
            "short",
            "has space in it",
            &"x".repeat(65),
            "semi;colon-key",
        ] {
            assert_eq!(validate_key(bad), Err(KEY_INVALID), "{bad:?}");
        }
    }

    #[test]
    fn lists_each_message_with_author_and_time() {
        let at = NOV_21_2026 + 14 * 3_600_000;
        let lines = [
            Line {
                author: Author::Bot,
                author_name: None,
                body: "Hi! How can we help?",
                at,
            },
            Line {
                author: Author::Visitor,
                author_name: None,
                body: "Is the <b>sencha</b> organic?\r\n\r\nThanks",
                at: at + 60_000,
            },
            Line {
                author: Author::Agent,
                author_name: Some("Robin Ash"),
                body: "Yes & it ships Monday.",
                at: at + 120_000,
            },
            Line {
                author: Author::Agent,
                author_name: None,
                body: "…",
                at: at + 180_000,
            },
        ];
        let text = text("Juniper & Pine ", NOV_21_2026, lines).unwrap();
        assert_eq!(
            text,
            "Your chat with Juniper & Pine, started 21 Nov 2026, 00:00 UTC.\n\
             \nJuniper & Pine · 21 Nov 2026, 14:00 UTC\nHi! How can we help?\n\
             \nYou · 21 Nov 2026, 14:01 UTC\nIs the <b>sencha</b> organic?\nThanks\n\
             \nRobin Ash · 21 Nov 2026, 14:02 UTC\nYes & it ships Monday.\n\
             \nAgent · 21 Nov 2026, 14:03 UTC\n…\n\
             \nReply to this email to continue the conversation.\n"
        );
        assert_eq!(
            subject("Juniper & Pine", NOV_21_2026),
            "Transcript of your chat with Juniper & Pine · 21 Nov 2026"
        );
    }

    #[test]
    fn refuses_what_is_too_long_to_email() {
        let body = "x".repeat(10_000);
        let line = Line {
            author: Author::Visitor,
            author_name: None,
            body: &body,
            at: NOV_21_2026,
        };
        assert!(text("S", 0, std::iter::repeat_n(line, 99)).is_ok());
        assert_eq!(text("S", 0, std::iter::repeat_n(line, 101)), Err(TOO_LONG));
    }
}
