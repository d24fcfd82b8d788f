//! The ActiveCampaign connector's rules (API v3): the connection's states,
//! the sync pipeline's vocabulary, the per-account bucket, what each answer
//! of ActiveCampaign makes of a job, and the bodies Parley sends.
//!
//! The worker's side (`edge/src/crm`) makes the calls; everything that can be
//! decided without I/O is decided here, once.

mod decide;
mod sync;
#[cfg(test)]
mod tests;

pub use decide::*;
pub use sync::*;

use crate::conversation::string_enum;
use crate::Invalid;

string_enum! {
    /// Where an account's connection stands (`off`: none stored).
    ConnectionState { /// Calls are made.
        Active = "active", /// ActiveCampaign refused the key (401/403): jobs wait for a new key.
        Paused = "paused", /// Not connected.
        Off = "off" }
}

string_enum! {
    /// Where one sync job stands.
    JobState { /// Queued, or waiting for its next attempt, the bucket or `Retry-After`.
        Pending = "pending", /// The connection is paused: it waits for a new key.
        Waiting = "waiting", /// Every step was made.
        Done = "done", /// ActiveCampaign refused it (422 and other 4xx) or every retry failed.
        Failed = "failed" }
}

string_enum! {
    /// What made a job: its verified (or opted-in) source.
    JobCause { /// A visitor's Form answer.
        Form = "form", /// A signed identify.
        Identify = "identify", /// An agent's "click to add".
        Agent = "agent", /// Inbound mail that passed the sender check.
        Email = "email" }
}

string_enum! {
    /// What one call to ActiveCampaign does (a job's step, or an admin's look-up).
    CallKind { /// `GET /api/3/users/me`: the live check of a key.
        Check = "check", /// `POST /api/3/contact/sync`.
        Sync = "sync", /// `GET /api/3/tags?search=`.
        FindTag = "find_tag", /// `POST /api/3/tags`.
        CreateTag = "create_tag", /// `POST /api/3/contactTags`.
        Tag = "tag", /// `POST /api/3/notes`.
        Note = "note", /// `POST /api/3/contactAutomations`.
        Automation = "automation", /// `GET /api/3/automations` or `/api/3/fields` (Settings).
        List = "list" }
}

string_enum! {
    /// What came of one call, as the call log shows it.
    CallState { /// 2xx: the step is done.
        Done = "done", /// 5xx or unreachable: retried with backoff.
        Retrying = "retrying", /// 429: the account's calls wait for `Retry-After`.
        RateLimited = "rate_limited", /// 401/403: the connection is paused until a new key.
        Paused = "paused", /// Refused (422 and other 4xx), or the last retry failed: the job failed.
        Failed = "failed" }
}

/// The tag every contact pushed from an unverified claim carries.
pub const UNVERIFIED_TAG: &str = "parley-unverified";

/// Most tags per channel on a site.
pub const MAX_TAGS: usize = 10;
/// Longest tag name (ActiveCampaign's own limit is 255).
pub const MAX_TAG_CHARS: usize = 80;
/// Most field mappings.
pub const MAX_FIELD_MAP: usize = 30;
/// How many calls the call log shows.
pub const LOG_LENGTH: u32 = 50;
/// How long the contact card's answer is kept, in milliseconds.
pub const CARD_CACHE_MS: u64 = 60_000;

/// The API URL is not one ActiveCampaign gives.
pub const API_URL_INVALID: Invalid = Invalid::new(
    "crm_url_invalid",
    "The API URL must be your ActiveCampaign account's https:// address (Settings › Developer, e.g. https://youraccount.api-us1.com).",
);
/// No key was given for a first connection.
pub const KEY_MISSING: Invalid = Invalid::new(
    "crm_key_missing",
    "Paste the API key from ActiveCampaign's Settings › Developer to connect.",
);
/// The key is empty, too long or not one line.
pub const KEY_INVALID: Invalid = Invalid::new(
    "crm_key_invalid",
    "The API key is one line of at most 200 characters, as ActiveCampaign shows it.",
);
/// ActiveCampaign refused the key (401/403) at the live check.
pub const KEY_REFUSED: Invalid = Invalid::new(
    "crm_key_refused",
    "ActiveCampaign refused this API key (check it in Settings › Developer, and that the user may use the API). Nothing was saved.",
);
/// A tag name is empty, too long, or there are too many.
pub const TAGS_INVALID: Invalid = Invalid::new(
    "crm_tags_invalid",
    "Tags are 1 to 80 characters on one line, at most 10 per channel, none twice.",
);
/// A field mapping names an unknown attribute or a malformed field id, or repeats one.
pub const FIELD_MAP_INVALID: Invalid = Invalid::new(
    "crm_field_map_invalid",
    "Map `company` or one of the account's contact attributes, each once, to an ActiveCampaign custom field by its numeric id (at most 30).",
);
/// A field mapping names a field ActiveCampaign does not have.
pub const FIELD_UNKNOWN: Invalid = Invalid::new(
    "crm_field_unknown",
    "A mapped field is not among the account's ActiveCampaign custom fields: pick one from the list.",
);
/// The account is not connected (for a call that needs the connection).
pub const NOT_CONNECTED: Invalid = Invalid::new(
    "crm_not_connected",
    "Connect ActiveCampaign first (Settings › Integrations › ActiveCampaign).",
);
/// An automation id that is not ActiveCampaign's (a positive number).
pub const AUTOMATION_ID_INVALID: Invalid = Invalid::new(
    "crm_automation_invalid",
    "Pick one of the account's ActiveCampaign automations (its numeric id).",
);

/// Longest API key accepted.
pub const MAX_KEY_CHARS: usize = 200;

/// Checks the API URL as an admin typed it: an https address of a public host
/// (as automations' receivers; `http://127.0.0.1` too where `allow_loopback`),
/// kept as its origin (a path, query or fragment given is dropped: calls go to
/// `/api/3/...` under it).
#[cfg(feature = "url")]
pub fn validate_api_url(raw: &str, allow_loopback: bool) -> Result<String, Invalid> {
    let text = crate::automation::validate_url(raw, allow_loopback).map_err(|_| API_URL_INVALID)?;
    let url = url::Url::parse(&text).map_err(|_| API_URL_INVALID)?;
    Ok(url.origin().ascii_serialization())
}

/// Checks an API key: trimmed, one line, 1 to [`MAX_KEY_CHARS`] characters.
pub fn validate_key(raw: &str) -> Result<String, Invalid> {
    crate::name::one_line(raw, MAX_KEY_CHARS, KEY_INVALID)
}

/// Checks a channel's tags: trimmed, each one line of 1 to 80 characters,
/// at most [`MAX_TAGS`], none twice (case-insensitively, as ActiveCampaign
/// matches tags).
pub fn validate_tags(raw: &[String]) -> Result<Vec<String>, Invalid> {
    if raw.len() > MAX_TAGS {
        return Err(TAGS_INVALID);
    }
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for tag in raw {
        let tag = crate::name::one_line(tag, MAX_TAG_CHARS, TAGS_INVALID)?;
        if out.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
            return Err(TAGS_INVALID);
        }
        out.push(tag);
    }
    Ok(out)
}

pub use crate::automation::is_activecampaign_id;

/// Where the contact opens in ActiveCampaign's app: the API URL's
/// `<account>.api-us1.com` becomes `<account>.activehosted.com`; any other
/// host (a test's fake) keeps its origin.
pub fn contact_url(api_url: &str, contact_id: &str) -> String {
    let origin = api_url.trim_end_matches('/');
    let app = match origin.strip_prefix("https://") {
        Some(host) if host.contains(".api-") => match host.split_once('.') {
            Some((account, _)) => format!("https://{account}.activehosted.com"),
            None => origin.to_string(),
        },
        _ => origin.to_string(),
    };
    format!("{app}/app/contacts/{contact_id}")
}

/// The inbox link of a conversation, as the inbox routes it (`/inbox#conversation=<id>`, opened by www/inbox/panes.js).
pub fn conversation_link(public_url: &str, conversation_id: &str) -> String {
    format!(
        "{}/inbox#conversation={conversation_id}",
        public_url.trim_end_matches('/')
    )
}

/// A job's idempotency key: its cause and subject (a visitor, a
/// conversation), and for an identify a digest of what it said, so the same
/// statement twice makes one job and a changed one another.
pub fn idempotency_key(cause: JobCause, subject: &str, said: &[&str]) -> String {
    if said.is_empty() {
        return format!("{}:{subject}", cause.as_str());
    }
    let digest = crate::digest::sha256_hex(said.join("\u{1f}").as_bytes());
    format!("{}:{subject}:{}", cause.as_str(), &digest[..24])
}
