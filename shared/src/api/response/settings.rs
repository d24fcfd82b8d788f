//! What Settings receives: sites, the widget, the chatbot, the email channel,
//! automations, tracking and API keys.

use crate::agent::KeyRole;
use serde::{Deserialize, Serialize};

use crate::automation::{DeliveryState, Event};
use crate::identity::IdentityMode;
use crate::site::{Language, WidgetPosition};

/// A site, as listed to its agents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Site {
    /// Site id (the snippet's `data-site`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Whether its widget runs.
    #[serde(deserialize_with = "crate::api::flag")]
    pub enabled: bool,
}

/// `GET`/`PATCH /api/sites/{site}/widget`: how the widget looks on a site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct WidgetSettings {
    /// The site.
    pub site_id: String,
    /// The widget's display name (the site's name).
    pub name: String,
    /// Accent colour, `#rrggbb`, readable under white text (WCAG AA).
    pub color: String,
    /// The launcher's corner.
    pub position: WidgetPosition,
    /// The language the widget speaks.
    pub language: Language,
    /// Whether visitors may send files from the widget.
    #[serde(deserialize_with = "crate::api::flag")]
    pub files: bool,
}

/// `GET`/`PUT /api/sites/{site}/chatbot`: the site's chatbot, block by block.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ChatbotSettings {
    /// The site.
    pub site_id: String,
    /// Its blocks, in order.
    pub chatbot: crate::chatbot::Chatbot,
}

/// A site's email channel settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct EmailChannel {
    /// The site.
    pub site_id: String,
    /// Whether mail is accepted.
    pub enabled: bool,
    /// Forwarding username, once set.
    pub username: Option<String>,
    /// Forwarding subdomain, once set.
    pub subdomain: Option<String>,
    /// Largest raw message accepted, bytes.
    pub max_message_bytes: u64,
    /// Default subject template of emails from the inbox.
    pub default_subject: String,
    /// From name template of emails from the inbox.
    pub from_name: String,
    /// The site's default signature of outgoing mail (an agent's own wins).
    pub signature: Option<String>,
}

/// `GET /api/sites`: the account's sites.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Sites {
    /// By name.
    pub sites: Vec<Site>,
}

/// The tokens the email templates understand.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TemplateTokens {
    /// Replaced by the conversation's start date in the default subject.
    pub start_date: String,
    /// Replaced by the sending agent's name in the From name.
    pub agent_name: String,
}

/// `GET`/`PATCH /api/sites/{site}/email-channel`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ChannelSettings {
    /// The settings.
    pub channel: EmailChannel,
    /// The forwarding address, once set.
    pub forwarding_address: Option<String>,
    /// The tokens its templates understand.
    pub tokens: TemplateTokens,
}

/// `POST /api/sites/{site}/email-channel/preview`: the From line and subject a contact would see.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct EmailPreview {
    /// `Name <address>`.
    pub from: String,
    /// The subject.
    pub subject: String,
}

/// `GET`/`PUT /api/signature`: the signed-in agent's own signature of outgoing mail.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AgentSignature {
    /// The signature; null: the site's default is used.
    pub signature: Option<String>,
}

/// `GET`/`PUT /api/account/time-zone`: the account's time zone, which report days and hours are local to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AccountTimeZone {
    /// An IANA name such as `Europe/Paris`; `UTC` until set.
    pub time_zone: String,
}

/// `POST /api/signature/preview`: an email reply signed with a signature, as sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SignaturePreview {
    /// The text part.
    pub text: String,
    /// The HTML part (everything typed escaped): shown only in a sandboxed frame.
    pub html: String,
}

/// An automation (signed outbound webhook) of a site, without its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Automation {
    /// Automation id (what a chatbot's "enter automation" block names).
    pub id: String,
    /// The site whose events it receives.
    pub site_id: String,
    /// The admin's name for it.
    pub name: String,
    /// Where events are POSTed.
    pub url: String,
    /// Whether events are sent.
    #[serde(deserialize_with = "crate::api::flag")]
    pub enabled: bool,
    /// Creation time, ms.
    pub created_at: u64,
}

/// `GET /api/sites/{site}/automations`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Automations {
    /// Oldest first.
    pub automations: Vec<Automation>,
}

/// `POST /api/sites/{site}/automations`: the new automation and its signing
/// secret, shown this once and never again.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NewAutomation {
    /// The automation.
    pub automation: Automation,
    /// Signs every delivery: `Parley-Signature: t=…,v1=hex(HMAC-SHA256(secret, "t.body"))`.
    pub secret: String,
}

/// One event's delivery to one automation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Delivery {
    /// Delivery id.
    pub id: String,
    /// The event's id (the `Parley-Idempotency-Key`).
    pub event_id: String,
    /// What happened.
    pub event: Event,
    /// Pending, delivered or failed.
    pub status: DeliveryState,
    /// Attempts so far.
    pub attempts: u32,
    /// The receiver's HTTP status at the last attempt, if it answered.
    pub last_status: Option<u16>,
    /// Why the last attempt failed, when the receiver did not answer.
    pub last_error: Option<String>,
    /// Last attempt, ms.
    pub last_attempt_at: Option<u64>,
    /// When the event happened, ms.
    pub created_at: u64,
}

/// `GET /api/sites/{site}/automations/{id}/deliveries`: the last 50, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Deliveries {
    /// Newest first.
    pub deliveries: Vec<Delivery>,
}

/// `GET /api/sites/{site}/snippet`: what the site owner pastes before `</body>`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Snippet {
    /// The site it loads the widget for.
    pub site_id: String,
    /// The HTML to paste, naming this deployment's origin and the site.
    pub snippet: String,
    /// What a page with a Content-Security-Policy must allow for it (`shared::site::csp`).
    pub csp: Vec<crate::site::CspDirective>,
}

/// `GET`/`PATCH /api/sites/{site}/identity`: a site's identity verification.
/// The secret itself is never here; it is shown once, when generated.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct IdentitySettings {
    /// The site.
    pub site_id: String,
    /// How the site treats identify calls.
    pub mode: IdentityMode,
    /// Whether the site has a secret to verify signatures with.
    pub has_secret: bool,
}

/// `POST /api/sites/{site}/identity/secret`: a new secret, shown this once;
/// signatures made with the previous one no longer verify.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct IdentitySecret {
    /// The site.
    pub site_id: String,
    /// The secret the site's server signs emails with: `hex(HMAC-SHA256(secret, email))`.
    pub secret: String,
}

/// An API key as listed: never the key itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ApiKey {
    /// Key id (to revoke it by).
    pub id: String,
    /// The key's first characters (`pk_1a2b3c4d`); unknown for keys made before they were kept.
    pub prefix: Option<String>,
    /// What the key is for.
    pub label: String,
    /// The agent the key acts as.
    pub agent_id: String,
    /// That agent's full name.
    pub agent_name: String,
    /// What the key may do (keys made before roles existed are `admin`).
    pub role: KeyRole,
    /// Creation time, ms.
    pub created_at: u64,
    /// When the key was last used, ms, to within an hour; `None` if never.
    pub last_used_at: Option<u64>,
}

/// `GET /api/api-keys`: the account's keys in use, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ApiKeys {
    /// Keys not revoked.
    pub keys: Vec<ApiKey>,
}

/// `POST /api/api-keys`: the new key, shown this once (only its hash is stored).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NewApiKey {
    /// Send it as `Authorization: Bearer <key>`.
    pub key: String,
    /// The key as it will be listed.
    pub api_key: ApiKey,
}

/// `GET /api/sites/{site}/messenger`: the site's Facebook Page connection.
/// The Page access token and the App secret are never returned, only whether they are set.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct MessengerSettings {
    /// The site.
    pub site_id: String,
    /// The connected Page's id, if any.
    pub page_id: Option<String>,
    /// Whether a Page access token is stored (sealed).
    pub page_access_token_set: bool,
    /// Whether an App secret is stored (sealed).
    pub app_secret_set: bool,
    /// The token to paste as the webhook's Verify Token, once a Page is connected.
    pub verify_token: Option<String>,
    /// The Callback URL to paste into the Meta app.
    pub webhook_url: String,
    /// When Meta last verified the webhook with this token, ms.
    pub verified_at: Option<u64>,
}
