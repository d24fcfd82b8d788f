//! Proactive messages: a site's messages that the widget shows, unasked, as a
//! bubble over the launcher on pages they target; the visitor's reply starts
//! (or continues) a conversation.
//!
//! A message targets pages by a URL pattern ([`url_matches`]), a time on the
//! page, an audience (new or returning visitors: whether the browser has the
//! visitor cookie), and a language (the widget's, as [`Locale::resolve`]
//! decides it). Its frequency cap ([`Frequency`]) needs no record for a
//! visitor without the cookie: a bubble is shown at most once per page view
//! (dismissed, it stays so for that page). For a visitor with the cookie (who
//! consented by writing) the widget keeps a small record of what it showed in
//! the first-party cookie [`SEEN_COOKIE`] ([`Seen`]). Showing a bubble writes
//! nothing else, anywhere: shown counts are not collected.
//!
//! The widget's bubble (`widget/bubble.js`, part of the bot module `/widget/bot.js`) carries a JavaScript copy
//! of [`url_matches`] and [`pick`]; `tests/proactive-cases.json`, written from
//! [`cases()`] here, is run through both, so the two cannot drift.

use crate::chatbot::MAX_MESSAGE_CHARS;
use crate::conversation::string_enum;
use crate::i18n::Locale;
use crate::Invalid;

/// Most proactive messages a site keeps.
pub const MAX_PER_SITE: u32 = 20;
/// Longest URL pattern, in characters.
pub const MAX_PATTERN_CHARS: usize = 300;
/// Longest time on page a message waits for, in seconds (an hour).
pub const MAX_DELAY_SECONDS: u32 = 3600;
/// A bubble opened for a visitor with the cookie (recorded before the reply)
/// attaches to a reply sent within this long, in ms; later replies are plain.
pub const OPEN_TTL_MS: u64 = 30 * 60 * 1000;
/// The first-party cookie in which the widget records, for a visitor who
/// already has the visitor cookie, which messages it showed and on which day.
pub const SEEN_COOKIE: &str = "parley_proactive";
/// A day, in ms (the unit of [`Frequency::Daily`]).
pub const DAY_MS: u64 = 24 * 60 * 60 * 1000;
/// The bubble's dismiss button, `[English, French]`.
pub const DISMISS: [&str; 2] = ["Dismiss message", "Fermer le message"];

/// The text is not 1 to 500 characters.
pub const TEXT_INVALID: Invalid = Invalid::new(
    "proactive_text_invalid",
    "A proactive message is 1 to 500 characters of text.",
);
/// The URL pattern broke its rule.
pub const PATTERN_INVALID: Invalid = Invalid::new(
    "proactive_url_invalid",
    "The URL pattern starts with / (matched against the page's path) or with http:// or https:// (matched against the \
     whole address, query included); * stands for any characters; at most 300 characters, no spaces.",
);
/// The time on page is out of range.
pub const DELAY_INVALID: Invalid = Invalid::new(
    "proactive_delay_invalid",
    "The time on page is a whole number of seconds from 0 to 3600.",
);
/// The site already keeps [`MAX_PER_SITE`] messages.
pub const TOO_MANY: Invalid = Invalid::new(
    "proactive_full",
    "A site keeps 20 proactive messages at most; delete one before adding another.",
);
/// The widget named a message that is not one of the site's enabled messages.
pub const UNKNOWN_MESSAGE: Invalid = Invalid::new(
    "proactive_unknown",
    "This proactive message is not one of the site's enabled messages.",
);

string_enum! {
    /// Which visitors a message is for.
    Audience { /// Everyone.
        All = "all", /// Visitors whose browser has no visitor cookie yet.
        New = "new", /// Visitors whose browser has the visitor cookie (they wrote before).
        Returning = "returning" }
}

string_enum! {
    /// The widget language a message is shown in.
    MessageLanguage { /// Whatever the widget speaks.
        Any = "any", /// Only where the widget speaks English.
        En = "en", /// Only where the widget speaks French.
        Fr = "fr" }
}

string_enum! {
    /// How often one visitor sees a message. A visitor without the visitor
    /// cookie has no record: every cap is then once per page view.
    Frequency { /// Once per page view.
        EveryPage = "page", /// Once a day (UTC) for a visitor with the cookie.
        Daily = "day", /// Once, ever, for a visitor with the cookie.
        Once = "once" }
}

/// What a message targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target<'a> {
    /// The URL pattern ([`url_matches`]).
    pub url: &'a str,
    /// Seconds on the page before it shows.
    pub delay_seconds: u32,
    /// Whom it is for.
    pub audience: Audience,
    /// The widget language it is for.
    pub language: MessageLanguage,
    /// Its frequency cap.
    pub frequency: Frequency,
}

/// The page a bubble may show on, as the widget sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<'a> {
    /// `location.pathname`.
    pub path: &'a str,
    /// `location.href` without its `#fragment`.
    pub href: &'a str,
    /// Whether the browser has the visitor cookie.
    pub returning: bool,
    /// The language the widget speaks.
    pub locale: Locale,
    /// Today, in days since the epoch (UTC).
    pub today: u64,
    /// What this browser's record says was shown ([`Seen::parse`]).
    pub seen: &'a Seen,
}

/// The record of shown messages kept in [`SEEN_COOKIE`]: `id.day` pairs
/// joined by `|` (cookie-safe characters only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen(pub Vec<(String, u64)>);

impl Seen {
    /// The record a cookie's value holds; malformed pairs are skipped.
    pub fn parse(value: &str) -> Self {
        Seen(
            value
                .split('|')
                .filter_map(|pair| {
                    let (id, day) = pair.rsplit_once('.')?;
                    Some((id.to_string(), day.parse().ok()?))
                })
                .filter(|(id, _)| !id.is_empty())
                .collect(),
        )
    }

    /// The day `id` was last shown, if ever.
    pub fn day_of(&self, id: &str) -> Option<u64> {
        self.0.iter().find(|(i, _)| i == id).map(|(_, d)| *d)
    }
}

/// Checks a message's text: trimmed, 1 to [`MAX_MESSAGE_CHARS`] characters (as the chatbot's).
pub fn validate_text(text: &str) -> Result<String, Invalid> {
    let text = text.trim();
    if (1..=MAX_MESSAGE_CHARS).contains(&text.chars().count()) {
        Ok(text.to_string())
    } else {
        Err(TEXT_INVALID)
    }
}

/// Checks a URL pattern: trimmed, starting with `/`, `http://` or `https://`,
/// at most [`MAX_PATTERN_CHARS`] characters, without whitespace or control characters.
pub fn validate_pattern(pattern: &str) -> Result<String, Invalid> {
    let pattern = pattern.trim();
    let lower = pattern.to_ascii_lowercase();
    let rooted =
        pattern.starts_with('/') || lower.starts_with("http://") || lower.starts_with("https://");
    let clean = !pattern.chars().any(|c| c.is_whitespace() || c.is_control());
    if rooted && clean && pattern.chars().count() <= MAX_PATTERN_CHARS {
        Ok(pattern.to_string())
    } else {
        Err(PATTERN_INVALID)
    }
}

/// Checks a time on page.
pub fn validate_delay(seconds: u32) -> Result<u32, Invalid> {
    if seconds <= MAX_DELAY_SECONDS {
        Ok(seconds)
    } else {
        Err(DELAY_INVALID)
    }
}

/// Whether `text` matches `pattern` as a whole, where `*` stands for any run
/// of characters (none included) and every other character for itself.
/// Linear backtracking over the last `*` only, so no pattern is slow.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if i < p.len() && p[i] == t[j] {
            i += 1;
            j += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

/// Whether a page matches a URL pattern: one starting with `/` is matched
/// against the page's path (`location.pathname`, no query), any other (an
/// `http://` or `https://` address) against the whole address without its
/// fragment (`location.href`, query included). Case counts, as in URLs.
pub fn url_matches(pattern: &str, page: &Page<'_>) -> bool {
    glob(
        pattern,
        if pattern.starts_with('/') {
            page.path
        } else {
            page.href
        },
    )
}

/// Whether a message's frequency cap lets `id` show on `page` again.
pub fn uncapped(id: &str, frequency: Frequency, page: &Page<'_>) -> bool {
    match (frequency, page.seen.day_of(id)) {
        (Frequency::EveryPage, _) | (_, None) => true,
        (Frequency::Daily, Some(day)) => day < page.today,
        (Frequency::Once, Some(_)) => false,
    }
}

/// Whether a message with `target` applies to `page` (its time on page aside).
pub fn applies(id: &str, target: &Target<'_>, page: &Page<'_>) -> bool {
    let audience = match target.audience {
        Audience::All => true,
        Audience::New => !page.returning,
        Audience::Returning => page.returning,
    };
    let language = match target.language {
        MessageLanguage::Any => true,
        MessageLanguage::En => page.locale == Locale::En,
        MessageLanguage::Fr => page.locale == Locale::Fr,
    };
    audience && language && url_matches(target.url, page) && uncapped(id, target.frequency, page)
}

/// The message a page shows: the first of `messages` (in the site's order,
/// which Settings shows) that applies; its time on page then runs. One bubble per page.
pub fn pick(messages: &[(&str, Target<'_>)], page: &Page<'_>) -> Option<usize> {
    messages
        .iter()
        .position(|(id, target)| applies(id, target, page))
}

#[cfg(feature = "serde")]
mod cases;
#[cfg(feature = "serde")]
pub use cases::{cases, Case};

#[cfg(test)]
mod tests;
