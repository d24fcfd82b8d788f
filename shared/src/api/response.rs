//! What the worker answers.

use serde::Serialize;

use crate::agent::Role;
use crate::automation::{DeliveryState, Event};
use crate::contact::ContactSource;
use crate::conversation::{Author, Channel, DeliveryStatus, Direction, Status};
use crate::form::FieldMode;
use crate::identity::IdentityMode;
use crate::site::{Language, WidgetPosition};

/// An agent of the team.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Agent {
    /// Agent id.
    pub id: String,
    /// The agent's place in the team.
    pub role: Role,
    /// Full name, shown to contacts.
    pub full_name: String,
    /// Sign-in email.
    pub email: String,
    /// Whether the agent has a password (accepted the invitation).
    pub active: bool,
}

/// A site, as listed to its agents.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Site {
    /// Site id (the snippet's `data-site`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Whether its widget runs.
    pub enabled: bool,
}

/// `GET`/`PATCH /api/sites/{site}/widget`: how the widget looks on a site.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// The Form step's configurable fields, as the widget renders them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FormModes {
    /// How the phone field is treated.
    pub phone: FieldMode,
    /// How the company field is treated.
    pub company: FieldMode,
    /// How the full-name field is treated.
    pub full_name: FieldMode,
}

/// What the widget needs to render for a site.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SiteConfig {
    /// Site id.
    pub site_id: String,
    /// Display name (the widget's header).
    pub name: String,
    /// First bot line of a new conversation.
    pub greeting: String,
    /// Accent colour, `#rrggbb`.
    pub color: String,
    /// The launcher's corner.
    pub position: WidgetPosition,
    /// The Form step.
    pub form: FormModes,
    /// The greeting in other languages, by tag (`fr`): the widget shows the
    /// one of its language, else `greeting`.
    pub greetings: std::collections::BTreeMap<String, String>,
    /// The offline message while the site is outside its business hours
    /// (decided by the worker in the site's time zone), else null.
    pub offline: Option<String>,
    /// The offline message in other languages, by tag.
    pub offlines: std::collections::BTreeMap<String, String>,
    /// Whether the widget runs on this site (a disabled site shows nothing).
    pub enabled: bool,
    /// The language the widget speaks.
    pub language: Language,
}

/// A message as the visitor's widget sees it: never email headers,
/// addresses, quoted history, HTML or flags.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VisitorMessage {
    /// Message id.
    pub id: String,
    /// The visitor's conversation.
    pub conversation_id: String,
    /// The widget's id for the send, when this browser wrote it.
    pub client_message_id: Option<String>,
    /// Who wrote it.
    pub author: Author,
    /// The agent's full name, for agent messages.
    pub author_name: Option<String>,
    /// Plain text, without quoted history.
    pub body: String,
    /// Creation time, ms.
    pub created_at: u64,
    /// Sent, or failed for a reply that could not be delivered.
    pub state: DeliveryStatus,
}

/// What the worker knows of a visitor, for the Form step.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VisitorState {
    /// Form fields already known (never asked again).
    pub known: Vec<String>,
    /// Whether this browser answered the Form step.
    pub form_done: bool,
    /// Whether the site's signature vouched for the visitor's email.
    pub verified: bool,
}

/// A conversation as the inbox lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Conversation {
    /// Conversation id.
    pub id: String,
    /// Site it belongs to.
    pub site_id: String,
    /// Where it takes place.
    pub channel: Channel,
    /// Whether it still needs attention.
    pub status: Status,
    /// Email subject, if any.
    pub subject: Option<String>,
    /// The contact, once known.
    pub contact_id: Option<String>,
    /// The contact's email, once known.
    pub contact_email: Option<String>,
    /// The contact's best known name.
    pub contact_name: Option<String>,
    /// The visitor, for chat.
    pub visitor_id: Option<String>,
    /// Start time, ms.
    pub started_at: u64,
    /// Time of the newest message, ms.
    pub last_message_at: u64,
    /// Body of the newest message.
    pub preview: Option<String>,
    /// The agent it is assigned to.
    pub assignee_id: Option<String>,
    /// That agent's name.
    pub assignee_name: Option<String>,
    /// Whether the newest message is from the contact and unopened since.
    pub unread: bool,
    /// The name to show: contact, address, claimed address, else the visitor.
    pub display_name: String,
    /// The email a chat's visitor stated without proving it ("email not verified").
    pub unverified_email: Option<String>,
    /// When an agent marked it as spam.
    pub spam_at: Option<u64>,
}

/// A file that came with an email.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Attachment {
    /// The message it came with.
    pub message_id: String,
    /// File name, if given.
    pub filename: Option<String>,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub size: u64,
}

/// A message as agents read it, on any channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Message {
    /// Message id.
    pub id: String,
    /// Its conversation.
    pub conversation_id: String,
    /// Which way it travelled.
    pub direction: Direction,
    /// Who wrote it.
    pub author: Author,
    /// The agent's full name, for agent messages.
    pub author_name: Option<String>,
    /// Plain text (never HTML): the new part of an email.
    pub body: String,
    /// The widget's id for the send, when it came from the widget.
    pub client_message_id: Option<String>,
    /// The contact who wrote it, for email.
    pub contact_id: Option<String>,
    /// Subject line, for email.
    pub email_subject: Option<String>,
    /// `Name <address>` of the sender, for email.
    pub email_from: Option<String>,
    /// The whole text with quoted history, when `body` left it out.
    pub body_full: Option<String>,
    /// Sanitised HTML of an email.
    pub body_html: Option<String>,
    /// To, Cc, Reply-To, In-Reply-To, References, Date and the sender check of an email.
    #[cfg_attr(test, ts(type = "Record<string, unknown> | null"))]
    pub email_headers: Option<serde_json::Value>,
    /// Why it must never be answered automatically, or why it is suspect.
    pub flags: Vec<String>,
    /// Whether the original is kept (email).
    pub has_original: bool,
    /// For email sent from the inbox: whether it left.
    pub delivery_status: Option<DeliveryStatus>,
    /// Why sending failed.
    pub delivery_error: Option<String>,
    /// Creation time, ms.
    pub created_at: u64,
    /// Its files (listed with a thread; empty elsewhere).
    pub attachments: Vec<Attachment>,
}

/// What a chat's visitor said about themselves without proving it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Claim {
    /// The email stated.
    pub email: Option<String>,
    /// The phone stated.
    pub phone: Option<String>,
    /// The company stated.
    pub company: Option<String>,
    /// The full name stated.
    pub full_name: Option<String>,
}

/// A contact's profile as agents see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Contact {
    /// Contact id.
    pub id: String,
    /// Normalized email.
    pub email: Option<String>,
    /// Phone, `+digits`.
    pub phone: Option<String>,
    /// Company (the Form's "account").
    pub company: Option<String>,
    /// Full name as given.
    pub full_name: Option<String>,
    /// Display name seen on their email.
    pub name_from_email: Option<String>,
    /// Marketing consent: never set by chat or email.
    pub marketing_opt_in: bool,
    /// The name to show: full name, the name on their email, else the address.
    pub display_name: String,
    /// How the contact first arrived.
    pub source: ContactSource,
    /// First seen, ms.
    pub created_at: u64,
}

/// One line of a contact's recent activity (never email).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Activity {
    /// The conversation it happened in.
    pub conversation_id: String,
    /// Its channel.
    pub channel: Channel,
    /// Who wrote it.
    pub author: Author,
    /// What was written.
    pub body: String,
    /// When, ms.
    pub created_at: u64,
    /// Whether the chat rests on an unverified claim of the contact's email.
    pub unverified: bool,
}

/// Mail refused with a reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Rejection {
    /// Rejection id.
    pub id: String,
    /// The site whose mailbox refused it.
    pub site_id: String,
    /// SMTP envelope sender.
    pub envelope_from: String,
    /// SMTP envelope recipient.
    pub envelope_to: String,
    /// Size of the raw message, bytes.
    pub size: u64,
    /// The reason given to the sender.
    pub reason: String,
    /// When, ms.
    pub created_at: u64,
}

/// What erasing a contact removed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Erased {
    /// Conversations deleted.
    pub conversations: u32,
    /// Messages deleted.
    pub messages: u32,
    /// Browsers (visitors) deleted.
    pub visitors: u32,
    /// Originals deleted from R2.
    pub originals: u32,
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
}

// ---- the answers, one per endpoint ------------------------------------------

/// `GET /api/conversations`: a page of the inbox.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ConversationPage {
    /// Newest activity first.
    pub conversations: Vec<Conversation>,
    /// The cursor of the next page (`before=`), or null on the last one.
    pub next: Option<String>,
}

/// `GET /api/conversations/{id}`: one thread.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Thread {
    /// The conversation.
    pub conversation: Conversation,
    /// Its messages, oldest first, with their attachments.
    pub messages: Vec<Message>,
    /// What its visitor stated without proving it.
    pub claim: Option<Claim>,
}

/// The conversation after a change (`PATCH`, click to add).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ConversationAnswer {
    /// The conversation as it is now.
    pub conversation: Conversation,
}

/// A message just written (an agent's reply).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct MessageAnswer {
    /// The message as stored.
    pub message: Message,
}

/// `GET /api/conversations/{id}/email-draft`: what an email reply would look like.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct EmailDraft {
    /// The contact's address.
    pub to: String,
    /// `Name <forwarding address>`.
    pub from: String,
    /// The default subject.
    pub subject: String,
    /// Whether the address is one the visitor typed and never proved.
    pub to_unverified: bool,
}

/// `GET /api/contacts/{id}`: a contact's profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ContactProfile {
    /// The contact.
    pub contact: Contact,
    /// The channels of its conversations.
    pub channels: Vec<Channel>,
    /// All its conversations, newest first.
    pub conversations: Vec<Conversation>,
    /// Its recent activity (never email).
    pub activity: Vec<Activity>,
}

/// `POST /api/session`, `GET /api/session`: the signed-in agent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Session {
    /// Who is signed in.
    pub agent: Agent,
    /// The token changes must carry in `X-CSRF-Token` (null with an API key).
    pub csrf_token: Option<String>,
}

/// `GET /api/agents`: the team.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Team {
    /// Admins first, then by name.
    pub agents: Vec<Agent>,
}

/// `POST /api/agents`: an invited agent and the one-time link for them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Invitation {
    /// The new agent.
    pub agent_id: String,
    /// The one-time token.
    pub invitation_token: String,
    /// The link that carries it.
    pub invitation_url: String,
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

/// `GET /api/email/rejections`: mail refused for the account's sites.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Rejections {
    /// Newest first.
    pub rejections: Vec<Rejection>,
}

/// `POST /api/widget/sites/{site}/visitors`: a new visitor.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NewVisitor {
    /// Visitor id.
    pub visitor_id: String,
    /// The bearer token (`{visitor_id}.{secret}`), kept in a first-party cookie.
    pub token: String,
    /// How long the cookie should live.
    pub max_age_seconds: u64,
}

/// `GET /api/widget/conversation`: the visitor's own thread.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VisitorThread {
    /// Its conversation, once there is one.
    pub conversation_id: Option<String>,
    /// What the visitor may see of it, oldest first.
    pub messages: Vec<VisitorMessage>,
    /// What the Form step still needs.
    pub visitor: VisitorState,
}

/// `POST /api/widget/messages`: the message as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VisitorMessageAnswer {
    /// The message.
    pub message: VisitorMessage,
}

/// `POST /api/widget/contact`, `POST /api/widget/identify`: the visitor afterwards.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VisitorAnswer {
    /// What the Form step still needs.
    pub visitor: VisitorState,
}

/// An automation (signed outbound webhook) of a site, without its secret.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
