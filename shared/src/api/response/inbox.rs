//! What the inbox receives: the team, conversations, messages, contacts and refusals.

use serde::{Deserialize, Serialize};

use crate::agent::Role;
use crate::contact::ContactSource;
use crate::conversation::{Author, Channel, DeliveryStatus, Direction, Status};
use crate::form::FormField;
use crate::messenger::{MessagingWindow, Receipt};
use crate::search::SnippetPart;

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
    /// Set away by the online/away toggle.
    pub away: bool,
    /// The most open conversations a rule assigns them (`null`: no limit).
    pub capacity: Option<u32>,
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
    /// Whether `contact_name` (and so `display_name`) is a name a visitor
    /// stated without proof, shown as such until a verified source replaces it.
    pub name_stated: bool,
    /// The email a chat's visitor stated without proving it ("email not verified").
    pub unverified_email: Option<String>,
    /// When an agent marked it as spam.
    pub spam_at: Option<u64>,
    /// In a search: the message whose words matched best, with its snippet.
    pub snippet: Option<MatchSnippet>,
    /// Its labels' ids (`GET /api/labels` names them).
    pub label_ids: Vec<String>,
    /// Whether an agent snoozed it (it is out of the open list until it wakes).
    pub snoozed: bool,
    /// When it wakes by itself, if snoozed until a time (ms); `null` while
    /// snoozed until the customer replies.
    pub snoozed_until: Option<u64>,
    /// When it last woke (its time came, or the customer wrote), until it is snoozed again or closed.
    pub woken_at: Option<u64>,
    /// Since when the customer has waited (ms): the first of their messages
    /// after the team's latest reply; `null` when the team wrote last.
    pub waiting_since: Option<u64>,
    /// The team it is assigned to.
    pub team_id: Option<String>,
    /// That team's name.
    pub team_name: Option<String>,
    /// Its next response-target deadline and where it stands; `null` without one.
    pub sla: Option<crate::api::SlaMark>,
}

/// Where a search found its words in a conversation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct MatchSnippet {
    /// The message.
    pub message_id: String,
    /// A few words around the match, the matched words marked.
    pub parts: Vec<SnippetPart>,
}

/// A file of a message: with an email, uploaded by a visitor, or attached to an agent's reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Attachment {
    /// Attachment id.
    pub id: String,
    /// The message it came with.
    pub message_id: String,
    /// File name, if given.
    pub filename: Option<String>,
    /// The type it is served as: sniffed from its bytes (unknown: `application/octet-stream`);
    /// for files listed before Parley kept them, as declared.
    pub content_type: String,
    /// The type the sender declared (never trusted).
    pub declared_type: String,
    /// Size in bytes.
    pub size: u64,
    /// Where agents download it (`/api/attachments/{id}`); null when only the original email has its bytes.
    pub url: Option<String>,
    /// Whether the inbox shows it as a thumbnail (PNG, JPEG, GIF or WebP by its bytes).
    pub preview: bool,
}

/// A message as agents read it, on any channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    #[serde(deserialize_with = "crate::api::json_text")]
    pub email_headers: Option<serde_json::Value>,
    /// Why it must never be answered automatically, or why it is suspect.
    #[serde(deserialize_with = "crate::api::comma_list")]
    pub flags: Vec<String>,
    /// Whether the original is kept (email).
    #[serde(deserialize_with = "crate::api::flag")]
    pub has_original: bool,
    /// For email sent from the inbox: whether it left.
    pub delivery_status: Option<DeliveryStatus>,
    /// Why sending failed.
    pub delivery_error: Option<String>,
    /// For Messenger replies: delivered or read, as Messenger reported.
    pub receipt: Option<Receipt>,
    /// Creation time, ms.
    pub created_at: u64,
    /// Its files (listed with a thread; empty elsewhere).
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// Its number in the conversation (1, 2, …).
    pub seq: u64,
}

/// What a chat's visitor said about themselves without proving it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The fields (phone, company, full name) a visitor stated without proof,
    /// shown as such until a verified source replaces them.
    pub stated: Vec<FormField>,
    /// Its labels' ids (`GET /api/labels` names them).
    pub label_ids: Vec<String>,
    /// Its attribute values, by key (`GET /api/attributes` defines them).
    #[cfg_attr(test, ts(type = "Record<string, string | number | boolean>"))]
    pub attributes: serde_json::Map<String, serde_json::Value>,
}

/// One line of a contact's recent activity (never email).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    #[serde(deserialize_with = "crate::api::flag")]
    pub unverified: bool,
}

/// Mail refused with a reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The contact's id in ActiveCampaign if it was synced there: erasing in
    /// Parley does not delete it there.
    pub crm_contact_id: Option<String>,
}

/// `GET /api/conversations`: a page of the inbox.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ConversationPage {
    /// Newest activity first; with `q`, best match first.
    pub conversations: Vec<Conversation>,
    /// The opaque cursor of the next page (`before=`), or null on the last one.
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
    /// For Messenger conversations: the person, and whether a reply may go out now.
    pub messenger: Option<MessengerThread>,
    /// For email: the people the conversation copies besides its contact (Cc).
    pub cc: Vec<CcAddress>,
    /// Its activity trail (events and private notes), oldest first.
    pub trail: Vec<super::TrailEvent>,
    /// Its satisfaction rating, once given.
    pub rating: Option<super::Rating>,
}

/// A person an email conversation copies.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CcAddress {
    /// Their address.
    pub address: String,
    /// Their name, as their mail gave it.
    pub name: Option<String>,
}

/// The Messenger side of a thread: the person's profile and the messaging window.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct MessengerThread {
    /// The person's name on Facebook, if the Graph API gave it.
    pub name: Option<String>,
    /// Their profile picture's URL, if given.
    pub picture_url: Option<String>,
    /// Whether a reply may go out now, and how.
    pub window: MessagingWindow,
    /// Why Messenger replies are disabled, when the window is closed.
    pub closed_reason: Option<String>,
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
    /// The addresses copied by default: the conversation's Cc.
    pub cc: Vec<String>,
    /// The signature the email will carry (the agent's, else the site's), if any.
    pub signature: Option<String>,
    /// Most addresses in all (To, Cc and Bcc).
    pub max_recipients: u64,
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
    /// Its id in ActiveCampaign, once synced there.
    pub crm_contact_id: Option<String>,
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

/// `GET /api/email/rejections`: mail refused for the account's sites.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Rejections {
    /// Newest first.
    pub rejections: Vec<Rejection>,
}

/// `GET /api/contacts/{id}/duplicates`: the account's other contacts that
/// look like the same person (the same phone number), to merge.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Duplicates {
    /// At most [`DUPLICATES_LISTED`], newest first.
    pub contacts: Vec<Contact>,
}

/// Most contacts `GET /api/contacts/{id}/duplicates` suggests.
pub const DUPLICATES_LISTED: u32 = 10;
