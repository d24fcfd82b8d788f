//! Satisfaction ratings (CSAT): when a site has them on, a resolved chat
//! asks its visitor, and a resolved email conversation's mail links its
//! contact to a rating page. The vocabulary (a [`Score`] of 1 to 5, where it
//! came from), the one window rule (given or changed until
//! [`WINDOW_MS`] after it was asked), the comment's rule, the signed link's
//! token and the report's summary live here once.
//!
//! A rating is asked when the conversation is resolved (the first close on a
//! site with ratings on); it can then be given, and changed, for 7 days from
//! that moment; after that it is refused with [`WINDOW_CLOSED`].

use crate::conversation::string_enum;
use crate::digest::hmac_sha256;
use crate::i18n::Locale;
use crate::Invalid;
use hmac::Mac;

/// How long after it was asked a rating can be given or changed: 7 days.
pub const WINDOW_MS: u64 = 7 * 24 * 60 * 60 * 1000;
/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 1000;
/// How many hex digits of the HMAC a rating link carries (96 bits).
const TOKEN_SIGNATURE_LEN: usize = 24;

/// The score is not a whole number from 1 to 5.
pub const SCORE_INVALID: Invalid = Invalid::new(
    "score_invalid",
    "A rating's score is a whole number from 1 (very dissatisfied) to 5 (very satisfied).",
);
/// The comment is too long.
pub const COMMENT_INVALID: Invalid = Invalid::new(
    "comment_invalid",
    "A rating's comment is at most 1,000 characters.",
);
/// The 7 days are over.
pub const WINDOW_CLOSED: Invalid = Invalid::new(
    "rating_closed",
    "This conversation can no longer be rated: a rating can be given or changed for 7 days after the conversation was resolved.",
);
/// Nothing asks for a rating of this conversation.
pub const NOT_ASKED: Invalid = Invalid::new(
    "rating_not_asked",
    "This conversation has not been resolved on a site that asks for ratings.",
);
/// The rating link is not one Parley signed.
pub const LINK_INVALID: Invalid = Invalid::new(
    "rating_link_invalid",
    "This rating link is not valid: use the link from the email as it was sent.",
);

/// How satisfied the visitor or contact was, 1 to 5; the three faces of a
/// short form are 1, 3 and 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(type = "1 | 2 | 3 | 4 | 5"))]
pub enum Score {
    /// 1: very dissatisfied.
    VeryDissatisfied = 1,
    /// 2: dissatisfied.
    Dissatisfied = 2,
    /// 3: neutral.
    Neutral = 3,
    /// 4: satisfied.
    Satisfied = 4,
    /// 5: very satisfied.
    VerySatisfied = 5,
}

impl Score {
    /// Every score, lowest first.
    pub const ALL: [Score; 5] = [
        Score::VeryDissatisfied,
        Score::Dissatisfied,
        Score::Neutral,
        Score::Satisfied,
        Score::VerySatisfied,
    ];

    /// The score of a number given by a client or read from a row.
    pub fn of(n: i64) -> Result<Score, Invalid> {
        n.checked_sub(1)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| Score::ALL.get(i).copied())
            .ok_or(SCORE_INVALID)
    }

    /// Its number, 1 to 5.
    pub const fn value(self) -> u8 {
        self as u8
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Score {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.value())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Score {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = <f64 as serde::Deserialize>::deserialize(d)?;
        if n.fract() != 0.0 {
            return Err(serde::de::Error::custom(SCORE_INVALID.message));
        }
        Score::of(n as i64).map_err(|e| serde::de::Error::custom(e.message))
    }
}

string_enum! {
    /// Where a rating was given.
    RatingSource { /// In the chat widget, after the chat was resolved.
        Widget = "widget", /// On the rating page an email conversation's resolution mail links to.
        Email = "email" }
}

/// Checks a comment: trimmed, at most [`MAX_COMMENT_CHARS`] characters,
/// line breaks kept; empty is none.
pub fn validate_comment(comment: Option<&str>) -> Result<Option<String>, Invalid> {
    let kept: String = comment
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect();
    let text = kept.trim();
    if text.chars().count() > MAX_COMMENT_CHARS {
        return Err(COMMENT_INVALID);
    }
    Ok(Some(text.to_string()).filter(|t| !t.is_empty()))
}

/// Whether a rating asked at `asked_at` may still be given or changed at `now` (ms).
pub const fn open(asked_at: u64, now: u64) -> bool {
    now < asked_at.saturating_add(WINDOW_MS)
}

/// The earliest `asked_at` still open at `now`: what the store's
/// compare-and-set compares with (`asked_at > cutoff(now)`).
pub const fn cutoff(now: u64) -> u64 {
    now.saturating_sub(WINDOW_MS)
}

/// The bytes a rating link's signature covers: the purpose, the
/// conversation and when the rating was asked.
fn signed(conversation: &str, asked_at: u64) -> [Vec<u8>; 1] {
    [format!("csat:{conversation}.{asked_at}").into_bytes()]
}

/// The token of a rating link: `{asked_at}.{hmac}` with the deployment's
/// signing secret (the one reply addresses use).
pub fn token(secret: &str, conversation: &str, asked_at: u64) -> String {
    let [payload] = signed(conversation, asked_at);
    let tag = hmac_sha256(secret.as_bytes(), &[&payload])
        .finalize()
        .into_bytes();
    format!("{asked_at}.{}", &hex::encode(tag)[..TOKEN_SIGNATURE_LEN])
}

/// When the rating `token` was asked, if it was signed for `conversation`
/// with `secret` (compared in constant time); else [`LINK_INVALID`].
pub fn verify(secret: &str, conversation: &str, token: &str) -> Result<u64, Invalid> {
    let (at, signature) = token.split_once('.').ok_or(LINK_INVALID)?;
    let asked_at: u64 = at.parse().map_err(|_| LINK_INVALID)?;
    let given = hex::decode(signature).map_err(|_| LINK_INVALID)?;
    let [payload] = signed(conversation, asked_at);
    let good = !secret.is_empty()
        && given.len() == TOKEN_SIGNATURE_LEN / 2
        && hmac_sha256(secret.as_bytes(), &[&payload])
            .verify_truncated_left(&given)
            .is_ok();
    if good {
        Ok(asked_at)
    } else {
        Err(LINK_INVALID)
    }
}

/// The path of a conversation's rating page, with its signed token
/// (`/rate/{conversation}?t={token}`); the deployment's origin goes before it.
pub fn page_path(secret: &str, conversation: &str, asked_at: u64) -> String {
    format!(
        "/rate/{conversation}?t={}",
        token(secret, conversation, asked_at)
    )
}

/// Ratings summed over a period: how many of each score, and how many were asked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// How many ratings of each score, 1 first.
    pub scores: [u32; 5],
    /// How many conversations were asked for one.
    pub asked: u32,
}

impl Tally {
    /// Counts one rating.
    pub fn add(&mut self, score: Score) {
        self.scores[usize::from(score.value() - 1)] += 1;
    }

    /// How many were rated.
    pub fn rated(&self) -> u32 {
        self.scores.iter().sum()
    }

    /// The average score, `None` without a rating.
    pub fn average(&self) -> Option<f64> {
        let rated = self.rated();
        let total: u32 = (1..).zip(self.scores).map(|(s, n)| s * n).sum();
        (rated > 0).then(|| f64::from(total) / f64::from(rated))
    }

    /// Rated over asked, 0 to 1; `None` when none was asked.
    pub fn response_rate(&self) -> Option<f64> {
        (self.asked > 0).then(|| f64::from(self.rated().min(self.asked)) / f64::from(self.asked))
    }

    /// The share of 4s and 5s among the ratings (the usual CSAT %), 0 to 1.
    pub fn satisfied(&self) -> Option<f64> {
        let rated = self.rated();
        (rated > 0).then(|| f64::from(self.scores[3] + self.scores[4]) / f64::from(rated))
    }
}

/// What a rating page or the widget says, in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words {
    /// The page's title and heading.
    pub title: &'static str,
    /// The question above the scores.
    pub question: &'static str,
    /// Each score's label, 1 first.
    pub scores: [&'static str; 5],
    /// The comment field's label.
    pub comment: &'static str,
    /// The submit button.
    pub send: &'static str,
    /// After a rating was recorded.
    pub thanks: &'static str,
    /// When the window is over.
    pub closed: &'static str,
    /// When the link is not valid.
    pub invalid: &'static str,
    /// The line a resolution email puts before its rating link.
    pub invite: &'static str,
}

/// The rating's words in `locale`.
pub fn words(locale: Locale) -> Words {
    if locale == Locale::Fr {
        Words {
            title: "Votre avis",
            question: "Êtes-vous satisfait de notre réponse ?",
            scores: [
                "1 : très insatisfait",
                "2 : insatisfait",
                "3 : neutre",
                "4 : satisfait",
                "5 : très satisfait",
            ],
            comment: "Un commentaire (facultatif)",
            send: "Envoyer ma note",
            thanks: "Merci ! Votre note est enregistrée. Vous pouvez la changer pendant 7 jours.",
            closed: "Cette conversation ne peut plus être notée : une note se donne ou se change dans les 7 jours qui suivent sa résolution.",
            invalid: "Ce lien de notation n'est pas valide.",
            invite: "Comment avons-nous répondu ? Notez cette conversation :",
        }
    } else {
        Words {
            title: "Rate our answer",
            question: "How satisfied are you with our answer?",
            scores: [
                "1: very dissatisfied",
                "2: dissatisfied",
                "3: neutral",
                "4: satisfied",
                "5: very satisfied",
            ],
            comment: "A comment (optional)",
            send: "Send my rating",
            thanks: "Thank you! Your rating is recorded. You can change it for 7 days.",
            closed: "This conversation can no longer be rated: a rating can be given or changed for 7 days after it was resolved.",
            invalid: "This rating link is not valid.",
            invite: "How did we do? Rate this conversation:",
        }
    }
}

pub mod page;

#[cfg(test)]
mod tests;
