//! The store: every SQL statement of the worker lives here, over one D1 binding.
//!
//! Writes that belong together go into one `batch` (a D1 transaction), and are
//! written so that running them twice changes nothing: retried chat sends and
//! redelivered mail never duplicate.

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result};

use crate::error::{ApiError, ApiResult};

/// Handle on the D1 database, constructed once per request from `Env`.
pub struct Store {
    db: D1Database,
}

/// Milliseconds as a JS number (D1 has no BigInt; 2^53 ms is far away).
fn ms(t: u64) -> JsValue {
    JsValue::from_f64(t as f64)
}

/// Optional text as SQL NULL when absent (D1 refuses `undefined`).
fn opt(v: Option<&str>) -> JsValue {
    v.map(JsValue::from_str).unwrap_or(JsValue::NULL)
}

/// The widget-facing configuration of a site.
#[derive(Debug, Deserialize)]
pub struct SiteRow {
    /// Site id.
    pub id: String,
    /// Display name of the site (shown in the widget header).
    pub name: String,
    /// First bot line of a new conversation.
    pub greeting: String,
    /// Accent colour, `#rrggbb`.
    pub color: String,
    /// `left` or `right`.
    pub position: String,
    /// Form mode of the phone field.
    pub form_phone: String,
    /// Form mode of the company field.
    pub form_company: String,
    /// Form mode of the full-name field.
    pub form_full_name: String,
}

/// A visitor as needed to authenticate a widget call.
#[derive(Debug, Deserialize)]
pub struct VisitorRow {
    /// Visitor id.
    pub id: String,
    /// SHA-256 hex of the visitor's secret.
    pub token_hash: String,
    /// Last visit, ms.
    pub last_seen_at: u64,
}

/// A signed-in agent (through an API key for now).
#[derive(Debug, Deserialize)]
pub struct AgentRow {
    /// The account the agent works for.
    pub account_id: String,
}

/// One message as every reader of a thread sees it.
#[derive(Debug, Serialize, Deserialize)]
pub struct MessageRow {
    /// Message id.
    pub id: String,
    /// The conversation it belongs to.
    pub conversation_id: String,
    /// `inbound` or `outbound`.
    pub direction: String,
    /// `visitor`, `contact`, `agent` or `bot`.
    pub author: String,
    /// Plain-text body (never HTML).
    pub body: String,
    /// The widget's id for the send, when it came from the widget.
    pub client_message_id: Option<String>,
    /// Subject line, for email.
    pub email_subject: Option<String>,
    /// `Name <address>` of the sender, for email.
    pub email_from: Option<String>,
    /// Creation time, ms.
    pub created_at: u64,
}

/// A conversation's header, as listed in the inbox.
#[derive(Debug, Serialize, Deserialize)]
pub struct ConversationRow {
    /// Conversation id.
    pub id: String,
    /// Site it belongs to.
    pub site_id: String,
    /// `chat`, `email` or `messenger`.
    pub channel: String,
    /// `open` or `closed`.
    pub status: String,
    /// Email subject, if any.
    pub subject: Option<String>,
    /// The contact, once known.
    pub contact_id: Option<String>,
    /// Contact's email, once known.
    pub contact_email: Option<String>,
    /// Contact's best known name.
    pub contact_name: Option<String>,
    /// The visitor, for chat.
    pub visitor_id: Option<String>,
    /// Start time, ms.
    pub started_at: u64,
    /// Time of the newest message, ms.
    pub last_message_at: u64,
    /// Body of the newest message.
    pub preview: Option<String>,
}

/// An email channel found by its forwarding address.
#[derive(Debug, Deserialize)]
pub struct EmailChannelRow {
    /// The site the channel belongs to.
    pub site_id: String,
    /// The site's account (contacts are per account).
    pub account_id: String,
    /// 1 when mail is accepted.
    pub enabled: u8,
    /// Largest raw message accepted, bytes.
    pub max_message_bytes: u64,
}

/// Mail refused with `setReject`, as shown to the site's agents.
#[derive(Debug, Serialize, Deserialize)]
pub struct RejectionRow {
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
    /// When it was refused, ms.
    pub created_at: u64,
}

/// Filters of the inbox conversation list.
#[derive(Debug, Default, Deserialize)]
pub struct ConversationFilter {
    /// Only this channel.
    pub channel: Option<String>,
    /// Only this status.
    pub status: Option<String>,
}

/// A parsed inbound email, ready to be stored.
#[derive(Debug)]
pub struct InboundEmail<'a> {
    /// Site whose forwarding address received it.
    pub site_id: &'a str,
    /// That site's account.
    pub account_id: &'a str,
    /// Message-ID without angle brackets.
    pub message_id: &'a str,
    /// Sender address, normalized.
    pub from_email: &'a str,
    /// Sender display name, if any.
    pub from_name: Option<&'a str>,
    /// `Name <address>` as displayed.
    pub from_display: &'a str,
    /// Decoded subject.
    pub subject: Option<&'a str>,
    /// Plain-text body.
    pub body: &'a str,
    /// JSON of the other headers kept.
    pub headers_json: &'a str,
    /// Existing conversation this mail threads into, if found.
    pub thread: Option<&'a str>,
}

/// Ids freshly generated for rows an inbound email may create.
#[derive(Debug)]
pub struct NewIds {
    /// For the contact, if the sender is unknown.
    pub contact: String,
    /// For the conversation, if the mail starts one.
    pub conversation: String,
    /// For the message.
    pub message: String,
}

/// Whether a write created something or found it already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// This call created the row.
    Created,
    /// An earlier call (a retry, a redelivery) had already created it.
    AlreadyThere,
}

const MESSAGE_COLUMNS: &str = "id, conversation_id, direction, author, body, client_message_id, \
     email_subject, email_from, created_at";

impl Store {
    /// The store over the given D1 database.
    pub fn new(db: D1Database) -> Self {
        Self { db }
    }

    fn prepare(&self, sql: &str, args: &[JsValue]) -> ApiResult<D1PreparedStatement> {
        Ok(self.db.prepare(sql).bind(args)?)
    }

    async fn first<T: for<'de> Deserialize<'de>>(&self, sql: &str, args: &[JsValue]) -> ApiResult<Option<T>> {
        Ok(self.prepare(sql, args)?.first::<T>(None).await?)
    }

    async fn all<T: for<'de> Deserialize<'de>>(&self, sql: &str, args: &[JsValue]) -> ApiResult<Vec<T>> {
        Ok(self.prepare(sql, args)?.all().await?.results::<T>()?)
    }

    async fn batch(&self, statements: Vec<D1PreparedStatement>) -> ApiResult<Vec<D1Result>> {
        let results = self.db.batch(statements).await?;
        if let Some(err) = results.iter().find_map(|r| r.error()) {
            return Err(ApiError::Internal(err));
        }
        Ok(results)
    }

    /// Answers whether the database is reachable.
    pub async fn ping(&self) -> ApiResult<bool> {
        #[derive(Deserialize)]
        struct One {
            ok: u8,
        }
        Ok(self.first::<One>("SELECT 1 AS ok", &[]).await?.is_some_and(|r| r.ok == 1))
    }

    /// The widget configuration of a site.
    pub async fn site(&self, site_id: &str) -> ApiResult<Option<SiteRow>> {
        self.first(
            "SELECT id, name, greeting, color, position, form_phone, form_company, form_full_name \
             FROM sites WHERE id = ?1",
            &[site_id.into()],
        )
        .await
    }

    /// Creates a visitor of `site_id`; `false` if the site does not exist.
    pub async fn create_visitor(&self, site_id: &str, visitor_id: &str, token_hash: &str, now: u64) -> ApiResult<bool> {
        let result = self
            .prepare(
                "INSERT INTO visitors (id, site_id, token_hash, created_at, last_seen_at) \
                 SELECT ?1, id, ?2, ?3, ?3 FROM sites WHERE id = ?4",
                &[visitor_id.into(), token_hash.into(), ms(now), site_id.into()],
            )?
            .run()
            .await?;
        Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0) == 1)
    }

    /// The visitor with this id, to check its token against.
    pub async fn visitor(&self, visitor_id: &str) -> ApiResult<Option<VisitorRow>> {
        self.first(
            "SELECT id, token_hash, last_seen_at FROM visitors WHERE id = ?1",
            &[visitor_id.into()],
        )
        .await
    }

    /// Records a visit, keeping the visitor remembered for another 30 days.
    pub async fn touch_visitor(&self, visitor_id: &str, now: u64) -> ApiResult<()> {
        self.prepare("UPDATE visitors SET last_seen_at = ?2 WHERE id = ?1", &[visitor_id.into(), ms(now)])?
            .run()
            .await?;
        Ok(())
    }

    /// The visitor's current chat conversation: its newest one, open or closed.
    pub async fn visitor_conversation(&self, visitor_id: &str) -> ApiResult<Option<String>> {
        #[derive(Deserialize)]
        struct Id {
            id: String,
        }
        let row: Option<Id> = self
            .first(
                "SELECT id FROM conversations WHERE visitor_id = ?1 AND channel = 'chat' \
                 ORDER BY started_at DESC LIMIT 1",
                &[visitor_id.into()],
            )
            .await?;
        Ok(row.map(|r| r.id))
    }

    /// Every message of a conversation, oldest first.
    pub async fn messages(&self, conversation_id: &str) -> ApiResult<Vec<MessageRow>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ?1 ORDER BY created_at, rowid"
        );
        self.all(&sql, &[conversation_id.into()]).await
    }

    /// Stores a visitor's chat message in one batch: starts the visitor's
    /// conversation if there is none, reopens it if closed, and does nothing
    /// at all if this `client_message_id` was already stored.
    pub async fn add_visitor_message(
        &self,
        visitor_id: &str,
        new_conversation_id: &str,
        new_message_id: &str,
        client_message_id: &str,
        body: &str,
        now: u64,
    ) -> ApiResult<(MessageRow, Written)> {
        let statements = vec![
            self.prepare(
                "INSERT OR IGNORE INTO conversations \
                   (id, site_id, channel, status, contact_id, visitor_id, started_at, last_message_at) \
                 SELECT ?1, v.site_id, 'chat', 'open', v.contact_id, v.id, ?3, ?3 FROM visitors v \
                 WHERE v.id = ?2 \
                   AND NOT EXISTS (SELECT 1 FROM conversations WHERE visitor_id = ?2 AND channel = 'chat')",
                &[new_conversation_id.into(), visitor_id.into(), ms(now)],
            )?,
            self.prepare(
                "INSERT OR IGNORE INTO messages \
                   (id, conversation_id, site_id, direction, author, visitor_id, body, client_message_id, created_at) \
                 SELECT ?1, c.id, c.site_id, 'inbound', 'visitor', ?2, ?3, ?4, ?5 FROM conversations c \
                 WHERE c.visitor_id = ?2 AND c.channel = 'chat' ORDER BY c.started_at DESC LIMIT 1",
                &[new_message_id.into(), visitor_id.into(), body.into(), client_message_id.into(), ms(now)],
            )?,
            self.prepare(
                "UPDATE conversations SET status = 'open', last_message_at = ?2 \
                 WHERE id = (SELECT conversation_id FROM messages WHERE id = ?1)",
                &[new_message_id.into(), ms(now)],
            )?,
            self.prepare("UPDATE visitors SET last_seen_at = ?2 WHERE id = ?1", &[visitor_id.into(), ms(now)])?,
            self.prepare(
                &format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE visitor_id = ?1 AND client_message_id = ?2"),
                &[visitor_id.into(), client_message_id.into()],
            )?,
        ];
        let results = self.batch(statements).await?;
        let stored = results
            .last()
            .map(|r| r.results::<MessageRow>())
            .transpose()?
            .and_then(|rows| rows.into_iter().next())
            .ok_or_else(|| ApiError::Internal("visitor message not found after insert".into()))?;
        let written = if stored.id == new_message_id { Written::Created } else { Written::AlreadyThere };
        Ok((stored, written))
    }

    /// The agent an API key belongs to, if the key is valid and the agent not removed.
    pub async fn agent_by_api_key(&self, token_hash: &str) -> ApiResult<Option<AgentRow>> {
        self.first(
            "SELECT a.account_id FROM api_keys k JOIN agents a ON a.id = k.agent_id \
             WHERE k.token_hash = ?1 AND k.revoked_at IS NULL AND a.removed_at IS NULL",
            &[token_hash.into()],
        )
        .await
    }

    /// The account's conversations, newest activity first.
    pub async fn conversations(&self, account_id: &str, filter: &ConversationFilter) -> ApiResult<Vec<ConversationRow>> {
        let sql = format!("{CONVERSATION_SELECT} WHERE s.account_id = ?1 \
             AND (?2 IS NULL OR c.channel = ?2) AND (?3 IS NULL OR c.status = ?3) \
             ORDER BY c.last_message_at DESC LIMIT 100");
        self.all(
            &sql,
            &[account_id.into(), opt(filter.channel.as_deref()), opt(filter.status.as_deref())],
        )
        .await
    }

    /// One conversation of the account, if it exists there.
    pub async fn conversation(&self, account_id: &str, conversation_id: &str) -> ApiResult<Option<ConversationRow>> {
        let sql = format!("{CONVERSATION_SELECT} WHERE s.account_id = ?1 AND c.id = ?2");
        self.first(&sql, &[account_id.into(), conversation_id.into()]).await
    }

    /// The email channel receiving mail at `{username}@{subdomain}.…`.
    pub async fn email_channel(&self, subdomain: &str, username: &str) -> ApiResult<Option<EmailChannelRow>> {
        self.first(
            "SELECT e.site_id, s.account_id, e.enabled, e.max_message_bytes \
             FROM email_channels e JOIN sites s ON s.id = e.site_id \
             WHERE e.subdomain = ?1 AND e.username = ?2",
            &[subdomain.into(), username.into()],
        )
        .await
    }

    /// The conversation of the site holding a message with one of these Message-IDs.
    pub async fn conversation_by_message_ids(&self, site_id: &str, message_ids: &[String]) -> ApiResult<Option<String>> {
        #[derive(Deserialize)]
        struct Id {
            conversation_id: String,
        }
        if message_ids.is_empty() {
            return Ok(None);
        }
        let list = serde_json::to_string(message_ids).map_err(|e| ApiError::Internal(e.to_string()))?;
        let row: Option<Id> = self
            .first(
                "SELECT conversation_id FROM messages WHERE site_id = ?1 \
                 AND email_message_id IN (SELECT value FROM json_each(?2)) \
                 ORDER BY created_at DESC LIMIT 1",
                &[site_id.into(), list.into()],
            )
            .await?;
        Ok(row.map(|r| r.conversation_id))
    }

    /// Stores an inbound email in one batch: the sender's contact if new, a new
    /// conversation unless it threads into one, and the message, unless a
    /// message with this Message-ID is already stored for the site.
    pub async fn add_inbound_email(&self, mail: &InboundEmail<'_>, ids: &NewIds, now: u64) -> ApiResult<Written> {
        let contact_id = "(SELECT id FROM contacts WHERE account_id = ?1 AND email = ?2)";
        let not_stored = "NOT EXISTS (SELECT 1 FROM messages WHERE site_id = ?1 AND email_message_id = ?2)";
        let conversation_id = mail.thread.unwrap_or(&ids.conversation);
        let mut statements = vec![self.prepare(
            "INSERT OR IGNORE INTO contacts \
               (id, account_id, email, name_from_email, source, created_at, updated_at) \
             VALUES (?3, ?1, ?2, ?4, 'email', ?5, ?5)",
            &[
                mail.account_id.into(),
                mail.from_email.into(),
                ids.contact.as_str().into(),
                opt(mail.from_name),
                ms(now),
            ],
        )?];
        if mail.thread.is_none() {
            statements.push(self.prepare(
                &format!(
                    "INSERT INTO conversations \
                       (id, site_id, channel, status, contact_id, subject, started_at, last_message_at) \
                     SELECT ?3, ?4, 'email', 'open', {contact_id}, ?5, ?6, ?6 \
                     WHERE NOT EXISTS (SELECT 1 FROM messages WHERE site_id = ?4 AND email_message_id = ?7)"
                ),
                &[
                    mail.account_id.into(),
                    mail.from_email.into(),
                    ids.conversation.as_str().into(),
                    mail.site_id.into(),
                    opt(mail.subject),
                    ms(now),
                    mail.message_id.into(),
                ],
            )?);
        }
        let message_insert = statements.len();
        statements.push(self.prepare(
            &format!(
                "INSERT INTO messages (id, conversation_id, site_id, direction, author, body, \
                   email_message_id, email_subject, email_from, email_headers, created_at) \
                 SELECT ?3, ?4, ?1, 'inbound', 'contact', ?5, ?2, ?6, ?7, ?8, ?9 WHERE {not_stored}"
            ),
            &[
                mail.site_id.into(),
                mail.message_id.into(),
                ids.message.as_str().into(),
                conversation_id.into(),
                mail.body.into(),
                opt(mail.subject),
                mail.from_display.into(),
                mail.headers_json.into(),
                ms(now),
            ],
        )?);
        statements.push(self.prepare(
            "UPDATE conversations SET status = 'open', last_message_at = ?2 \
             WHERE id = (SELECT conversation_id FROM messages WHERE id = ?1)",
            &[ids.message.as_str().into(), ms(now)],
        )?);
        let results = self.batch(statements).await?;
        let inserted = results
            .get(message_insert)
            .and_then(|r| r.meta().ok().flatten())
            .and_then(|m| m.changes)
            .unwrap_or(0);
        Ok(if inserted == 1 { Written::Created } else { Written::AlreadyThere })
    }

    /// Mail refused for the account's sites, newest first.
    pub async fn rejections(&self, account_id: &str) -> ApiResult<Vec<RejectionRow>> {
        self.all(
            "SELECT r.id, r.site_id, r.envelope_from, r.envelope_to, r.size, r.reason, r.created_at \
             FROM email_rejections r JOIN sites s ON s.id = r.site_id WHERE s.account_id = ?1 \
             ORDER BY r.created_at DESC LIMIT 100",
            &[account_id.into()],
        )
        .await
    }

    /// Records mail refused with `setReject`, so the refusal is visible later.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_rejection(
        &self,
        id: &str,
        site_id: Option<&str>,
        envelope_from: &str,
        envelope_to: &str,
        message_id: Option<&str>,
        size: u64,
        reason: &str,
        now: u64,
    ) -> ApiResult<()> {
        self.prepare(
            "INSERT INTO email_rejections \
               (id, site_id, envelope_from, envelope_to, email_message_id, size, reason, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            &[
                id.into(),
                opt(site_id),
                envelope_from.into(),
                envelope_to.into(),
                opt(message_id),
                ms(size),
                reason.into(),
                ms(now),
            ],
        )?
        .run()
        .await?;
        Ok(())
    }
}

const CONVERSATION_SELECT: &str = "SELECT c.id, c.site_id, c.channel, c.status, c.subject, c.contact_id, \
       ct.email AS contact_email, COALESCE(ct.full_name, ct.name_from_email) AS contact_name, \
       c.visitor_id, c.started_at, c.last_message_at, \
       (SELECT body FROM messages m WHERE m.conversation_id = c.id ORDER BY m.created_at DESC, m.rowid DESC LIMIT 1) AS preview \
     FROM conversations c JOIN sites s ON s.id = c.site_id LEFT JOIN contacts ct ON ct.id = c.contact_id";
