//! SQL of the widget's side (`routes/widget.rs`): sites, visitors, their
//! conversation and messages; the hot paths (a chat send, a thread read) are
//! in `visits`, tying visitors to contacts in `ties`.

mod flow_effects;
mod flows;
mod proactive;
mod tie_jobs;
mod ties;
mod visits;

pub use flows::{FlowState, Guard, Opening, SavedFlow, Turn, Turned};

pub use visits::SentFile;

pub use ties::ContactLink;

use serde::Deserialize;
use shared::api;
use shared::chatbot::Chatbot;
use shared::conversation::{Author, DeliveryStatus};
use shared::flow::Flow;
use shared::form::{FieldMode, FormConfig};
use shared::identity::IdentityMode;
use shared::site::{Language, WidgetPosition};

use super::batch::Param;
use super::{ms, Store};
use crate::error::ApiResult;

/// A site's widget, Form and identity configuration.
#[derive(Debug, Deserialize)]
pub struct SiteRow {
    /// Site id.
    pub id: String,
    /// The account that owns the site.
    pub account_id: String,
    /// Display name of the site (shown in the widget header).
    pub name: String,
    /// First bot line of a new conversation.
    pub greeting: String,
    /// Accent colour, `#rrggbb`.
    pub color: String,
    /// The corner of the launcher.
    pub position: WidgetPosition,
    /// Form mode of the phone field.
    pub form_phone: FieldMode,
    /// Form mode of the company field.
    pub form_company: FieldMode,
    /// Form mode of the full-name field.
    pub form_full_name: FieldMode,
    /// How the site treats identify calls.
    pub identity_mode: IdentityMode,
    /// A secret from before migration 0009, in plaintext; the worker seals it
    /// into `identity_secret_enc` and clears this the first time it is needed.
    pub identity_secret: Option<String>,
    /// The secret the site's server signs emails with, sealed (`secrets`); never sent to browsers.
    pub identity_secret_enc: Option<String>,
    /// 1 while the site's widget runs; 0 stops it (nothing is deleted).
    pub enabled: u8,
    /// The language the widget speaks.
    pub language: Language,
    /// The chatbot as saved (JSON), or NULL for the default one.
    pub chatbot: Option<String>,
    /// 1 while visitors may send files.
    pub files_enabled: u8,
    /// The version of the flow new conversations start on; `None` for the chatbot blocks' flow.
    pub flow_version: Option<u32>,
    /// That version's flow, as saved (JSON).
    pub flow: Option<String>,
}

impl SiteRow {
    /// The site's chatbot: as saved, or greeting-then-Form from the older columns.
    pub fn chatbot(&self) -> Chatbot {
        let saved = self
            .chatbot
            .as_deref()
            .and_then(|json| serde_json::from_str::<Chatbot>(json).ok());
        saved.unwrap_or_else(|| {
            let form = FormConfig {
                phone: self.form_phone,
                company: self.form_company,
                full_name: self.form_full_name,
            };
            Chatbot::default_for(&self.greeting, form)
        })
    }

    /// The flow new conversations start on, with its version: as saved, else
    /// (version 0) the one the chatbot blocks make.
    pub fn flow(&self) -> (u32, Flow) {
        let saved = self
            .flow
            .as_deref()
            .and_then(|json| serde_json::from_str::<Flow>(json).ok());
        match (self.flow_version, saved) {
            (Some(version), Some(flow)) => (version, flow),
            _ => (0, Flow::from_chatbot(&self.chatbot())),
        }
    }
}

/// A visitor, as needed to authenticate and serve a widget call.
#[derive(Debug, Deserialize)]
pub struct VisitorRow {
    /// Visitor id.
    pub id: String,
    /// The site the visitor chats on.
    pub site_id: String,
    /// That site's account (contacts are per account).
    pub account_id: String,
    /// SHA-256 hex of the visitor's secret.
    pub token_hash: String,
    /// Last visit, ms.
    pub last_seen_at: u64,
    /// The contact this browser is tied to, once known.
    pub contact_id: Option<String>,
    /// 1 when the tie was verified by the site's identity signature.
    pub contact_verified: u8,
    /// Comma-separated Form fields this browser has given.
    pub provided_fields: String,
    /// When this browser answered the Form step.
    pub form_submitted_at: Option<u64>,
    /// The email this browser stated without proving it, if any.
    pub claimed_email: Option<String>,
    /// When an agent marked one of its conversations as spam (it may not write).
    pub blocked_at: Option<u64>,
    /// 1 while the site lets visitors send files.
    pub files_enabled: u8,
    /// The visitor's widget tabs holding a live socket.
    pub live_tabs: u32,
    /// The account's inbox tabs holding a live socket.
    pub team_tabs: u32,
}

impl VisitorRow {
    /// Whether any of the visitor's tabs hears live pushes.
    pub fn listens(&self) -> bool {
        self.live_tabs > 0
    }

    /// Whether any inbox tab of the visitor's account hears live pushes.
    pub fn team_listens(&self) -> bool {
        self.team_tabs > 0
    }

    /// The contact whose other verified browsers' chats this visitor may see.
    pub fn verified_contact(&self) -> Option<&str> {
        self.contact_id
            .as_deref()
            .filter(|_| self.contact_verified == 1)
    }
}

/// The columns of a message the visitor's widget may see.
#[derive(Debug, Deserialize)]
pub(super) struct VisitorMessageRow {
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
    /// `sent`, or `failed` for a reply that could not be delivered.
    pub state: DeliveryStatus,
    /// Its number in the conversation.
    pub seq: u64,
    /// Its kept files, as a JSON array of [`api::VisitorFile`].
    pub files: Option<String>,
}

/// The columns of a visitor's file, read from [`VisitorMessageRow::files`].
#[derive(Debug, Deserialize)]
struct FileColumns {
    id: String,
    filename: Option<String>,
    content_type: Option<String>,
    size: u64,
}

impl From<VisitorMessageRow> for api::VisitorMessage {
    fn from(r: VisitorMessageRow) -> Self {
        let files = r
            .files
            .and_then(|json| serde_json::from_str::<Vec<FileColumns>>(&json).ok())
            .unwrap_or_default()
            .into_iter()
            .map(|f| {
                let content_type = f
                    .content_type
                    .unwrap_or_else(|| shared::files::FileType::Other.mime().into());
                api::VisitorFile::named(f.id, f.filename, content_type, f.size)
            })
            .collect();
        let message = api::VisitorMessage {
            id: r.id,
            conversation_id: r.conversation_id,
            client_message_id: r.client_message_id,
            author: r.author,
            author_name: r.author_name,
            body: r.body,
            created_at: r.created_at,
            state: r.state,
            seq: r.seq,
            attachments: Vec::new(),
        };
        api::VisitorMessage::with_files(message, files)
    }
}

/// Selects [`VisitorMessageRow`]s; append a `WHERE` on `m`. Only a visitor
/// verified for the contact may see messages that travelled by email.
pub(super) const VISITOR_MESSAGE_SELECT: &str = "SELECT m.id, m.conversation_id, m.client_message_id, m.author, a.full_name AS author_name, m.body, \
     m.created_at, CASE WHEN m.delivery_status = 'failed' THEN 'failed' ELSE 'sent' END AS state, m.seq, \
     (SELECT json_group_array(json_object('id', f.id, 'filename', f.filename, 'content_type', f.sniffed_type, 'size', f.size)) \
      FROM attachments f WHERE f.message_id = m.id AND f.r2_key IS NOT NULL) AS files \
     FROM messages m LEFT JOIN agents a ON a.id = m.agent_id";

/// Selects the [`VisitorRow`] with id `?1`.
pub(super) const VISITOR_SELECT: &str = "SELECT v.id, v.site_id, s.account_id, v.token_hash, v.last_seen_at, v.contact_id, \
     v.contact_verified, v.provided_fields, v.form_submitted_at, v.claimed_email, v.blocked_at, s.files_enabled, \
     v.live_tabs, a.live_tabs AS team_tabs \
     FROM visitors v JOIN sites s ON s.id = v.site_id JOIN accounts a ON a.id = s.account_id WHERE v.id = ?1";

/// The id of the chat conversation a visitor sees and continues: the most
/// recently active of its own (the visitor bound at `visitor`), or, when the
/// visitor is verified, of any of the contact's verified browsers (`contact`,
/// an SQL expression that is NULL otherwise), or the survivor it was merged
/// into (a conversation of the same contact). An unverified claim never
/// reaches another browser's thread: in a survivor it sees only its own
/// messages ([`visitor_sees`]).
pub(super) fn visible_chat(visitor: Param, contact: &str) -> String {
    format!(
        "(SELECT COALESCE(merged_into, id) FROM conversations WHERE channel = 'chat' AND (visitor_id = {visitor} OR visitor_id IN \
           (SELECT id FROM visitors WHERE {contact} IS NOT NULL AND contact_id = {contact} AND contact_verified = 1)) \
         ORDER BY last_message_at DESC LIMIT 1)"
    )
}

/// SQL true when the visitor bound at `visitor`, verified for the contact
/// `verified` (an SQL expression, NULL when not verified), may see the message
/// `m` of the conversation it sees: everything once verified. Otherwise no
/// email, and in a survivor of a merge only what its own conversations held
/// (moved there), its own new messages, and the team's replies written after
/// its conversation was merged in: a claim grants no one else's history.
pub(super) fn visitor_sees(visitor: Param, verified: &str) -> String {
    format!(
        "({verified} IS NOT NULL OR (m.email_message_id IS NULL AND (m.visitor_id = {visitor} \
           OR (SELECT visitor_id FROM conversations WHERE id = COALESCE(m.merged_from, m.conversation_id)) = {visitor} \
           OR (m.author IN ('agent', 'bot') AND EXISTS (SELECT 1 FROM conversations o WHERE o.visitor_id = {visitor} \
                 AND o.merged_into = m.conversation_id AND o.merged_at <= m.created_at)))))"
    )
}

impl Store {
    /// A site's configuration.
    pub async fn site(&self, site_id: &str) -> ApiResult<Option<SiteRow>> {
        self.first(
            "SELECT id, account_id, name, greeting, color, position, form_phone, form_company, form_full_name, \
             identity_mode, identity_secret, identity_secret_enc, enabled, language, chatbot, files_enabled, \
             s.flow_version, f.flow FROM sites s LEFT JOIN flow_versions f ON f.site_id = s.id AND f.version = s.flow_version \
             WHERE s.id = ?1",
            &[site_id.into()],
        )
        .await
    }

    /// Creates a visitor of `site_id`; `false` if the site does not exist or is disabled.
    pub async fn create_visitor(
        &self,
        site_id: &str,
        visitor_id: &str,
        token_hash: &str,
        now: u64,
    ) -> ApiResult<bool> {
        let changes = self
            .run(
                "INSERT INTO visitors (id, site_id, token_hash, created_at, last_seen_at) \
                 SELECT ?1, id, ?2, ?3, ?3 FROM sites WHERE id = ?4 AND enabled = 1",
                &[
                    visitor_id.into(),
                    token_hash.into(),
                    ms(now),
                    site_id.into(),
                ],
            )
            .await?;
        Ok(changes == 1)
    }

    /// The visitor with this id, to check its token against.
    pub async fn visitor(&self, visitor_id: &str) -> ApiResult<Option<VisitorRow>> {
        self.first(VISITOR_SELECT, &[visitor_id.into()]).await
    }
}
