//! SQL of the agents' side: who the agent is, the conversation list, threads,
//! replies and contacts.

use serde::{Deserialize, Serialize};

use super::{last_rows, ms, opt, MessageRow, Store, MESSAGE_SELECT};
use crate::error::{ApiError, ApiResult};

/// A signed-in agent (through an API key for now).
#[derive(Debug, Deserialize)]
pub struct AgentRow {
    /// Agent id.
    pub id: String,
    /// The account the agent works for.
    pub account_id: String,
    /// `primary_admin` or `agent`.
    pub role: String,
}

impl AgentRow {
    /// Whether this agent may change account-wide settings.
    pub fn is_primary_admin(&self) -> bool {
        self.role == "primary_admin"
    }
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

/// Filters of the inbox conversation list.
#[derive(Debug, Default, Deserialize)]
pub struct ConversationFilter {
    /// Only this channel.
    pub channel: Option<String>,
    /// Only this status.
    pub status: Option<String>,
}

/// A contact's profile as agents see it.
#[derive(Debug, Serialize, Deserialize)]
pub struct ContactRow {
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
    pub marketing_opt_in: u8,
    /// How the contact first arrived: `chat`, `email`, `form` or `agent`.
    pub source: String,
    /// First seen, ms.
    pub created_at: u64,
}

const CONVERSATION_SELECT: &str = "SELECT c.id, c.site_id, c.channel, c.status, c.subject, c.contact_id, \
       ct.email AS contact_email, COALESCE(ct.full_name, ct.name_from_email) AS contact_name, \
       c.visitor_id, c.started_at, c.last_message_at, \
       (SELECT body FROM messages m WHERE m.conversation_id = c.id ORDER BY m.created_at DESC, m.rowid DESC LIMIT 1) AS preview \
     FROM conversations c JOIN sites s ON s.id = c.site_id LEFT JOIN contacts ct ON ct.id = c.contact_id";

impl Store {
    /// The agent an API key belongs to, if the key is valid and the agent not removed.
    pub async fn agent_by_api_key(&self, token_hash: &str) -> ApiResult<Option<AgentRow>> {
        self.first(
            "SELECT a.id, a.account_id, a.role FROM api_keys k JOIN agents a ON a.id = k.agent_id \
             WHERE k.token_hash = ?1 AND k.revoked_at IS NULL AND a.removed_at IS NULL",
            &[token_hash.into()],
        )
        .await
    }

    /// The account's conversations, newest activity first.
    pub async fn conversations(&self, account_id: &str, filter: &ConversationFilter) -> ApiResult<Vec<ConversationRow>> {
        let sql = format!(
            "{CONVERSATION_SELECT} WHERE s.account_id = ?1 \
             AND (?2 IS NULL OR c.channel = ?2) AND (?3 IS NULL OR c.status = ?3) \
             ORDER BY c.last_message_at DESC LIMIT 100"
        );
        self.all(&sql, &[account_id.into(), opt(filter.channel.as_deref()), opt(filter.status.as_deref())]).await
    }

    /// One conversation of the account, if it exists there.
    pub async fn conversation(&self, account_id: &str, conversation_id: &str) -> ApiResult<Option<ConversationRow>> {
        let sql = format!("{CONVERSATION_SELECT} WHERE s.account_id = ?1 AND c.id = ?2");
        self.first(&sql, &[account_id.into(), conversation_id.into()]).await
    }

    /// Stores an agent's chat reply and returns it.
    pub async fn add_agent_message(
        &self,
        conversation_id: &str,
        agent_id: &str,
        message_id: &str,
        body: &str,
        now: u64,
    ) -> ApiResult<MessageRow> {
        let statements = vec![
            self.prepare(
                "INSERT INTO messages (id, conversation_id, site_id, direction, author, agent_id, body, created_at) \
                 SELECT ?1, c.id, c.site_id, 'outbound', 'agent', ?2, ?3, ?4 FROM conversations c WHERE c.id = ?5",
                &[message_id.into(), agent_id.into(), body.into(), ms(now), conversation_id.into()],
            )?,
            self.prepare("UPDATE conversations SET last_message_at = ?2 WHERE id = ?1", &[conversation_id.into(), ms(now)])?,
            self.prepare(&format!("{MESSAGE_SELECT} WHERE m.id = ?1"), &[message_id.into()])?,
        ];
        let results = self.batch(statements).await?;
        last_rows::<MessageRow>(&results)?
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::Internal("agent message not found after insert".into()))
    }

    /// A contact of the account.
    pub async fn contact(&self, account_id: &str, contact_id: &str) -> ApiResult<Option<ContactRow>> {
        self.first(
            "SELECT id, email, phone, company, full_name, name_from_email, marketing_opt_in, source, created_at \
             FROM contacts WHERE account_id = ?1 AND id = ?2",
            &[account_id.into(), contact_id.into()],
        )
        .await
    }

    /// All conversations of a contact, newest activity first.
    pub async fn contact_conversations(&self, account_id: &str, contact_id: &str) -> ApiResult<Vec<ConversationRow>> {
        let sql = format!(
            "{CONVERSATION_SELECT} WHERE s.account_id = ?1 AND c.contact_id = ?2 ORDER BY c.last_message_at DESC"
        );
        self.all(&sql, &[account_id.into(), contact_id.into()]).await
    }
}
