//! SQL of the Email Routing handler: mailboxes, threading lookups, storing
//! inbound mail, and refusals.

use serde::{Deserialize, Serialize};

use super::{ms, opt, Store, Written};
use crate::error::{ApiError, ApiResult};

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

impl Store {
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
