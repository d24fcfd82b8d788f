//! SQL of inbound mail: threading lookups, storing inbound mail and tickets
//! with their attachments, originals, and refusals.

use serde::Deserialize;
use shared::api;
use wasm_bindgen::JsValue;

use super::automations::EventOf;
use super::channels::CHANNEL_SELECT;
use super::files::NewFile;
use super::{last_rows, ms, opt, EmailChannelRow, Store, Written};
use crate::error::{ApiError, ApiResult};
use shared::automation::Event;
use shared::email::parse::Mail;

/// The columns of mail refused with `setReject`.
#[derive(Debug, Deserialize)]
struct RejectionRow {
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

/// A parsed inbound email and where it goes.
#[derive(Debug)]
pub struct InboundEmail<'a> {
    /// The mailbox that received it, as read when the handler admitted it:
    /// the batch stores nothing if the row has changed since.
    pub channel: &'a EmailChannelRow,
    /// What was parsed.
    pub mail: &'a Mail,
    /// Conversations its signed reply addresses name (verified), in order of preference.
    pub replies: &'a [String],
    /// R2 key of the raw message.
    pub raw_key: &'a str,
    /// The Cc its conversation keeps (`recipients::kept_cc`; none from an unverified sender).
    pub cc: &'a [shared::email::recipients::Participant],
}

/// What the batch storing an inbound email found.
#[derive(Debug)]
pub struct InboundStored {
    /// Whether it was stored or already there, and its conversation; `None`
    /// when the mailbox had changed since it was read, and nothing was written.
    pub stored: Option<(Written, String)>,
    /// The mailbox as the batch read it (`None`: it no longer exists).
    pub channel: Option<EmailChannelRow>,
    /// Whether any inbox tab of the account hears live pushes.
    pub team_listens: bool,
}

/// SQL true while the channel row of the site bound at `?{site}` is still as
/// the handler read it (bound from `?{first}`: enabled, username, size limit).
fn unchanged_channel(site: usize, first: usize) -> String {
    format!(
        "EXISTS (SELECT 1 FROM email_channels WHERE site_id = ?{site} AND enabled = ?{first} \
           AND username IS ?{} AND max_message_bytes = ?{})",
        first + 1,
        first + 2
    )
}

/// The values `unchanged_channel` compares, in its order.
fn channel_as_read(channel: &EmailChannelRow) -> [JsValue; 3] {
    [
        JsValue::from_f64(channel.enabled as f64),
        opt(channel.username.as_deref()),
        ms(channel.max_message_bytes),
    ]
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

/// A site form submission that opens an email conversation.
#[derive(Debug)]
pub struct Ticket<'a> {
    /// The site it was submitted on.
    pub site_id: &'a str,
    /// That site's account.
    pub account_id: &'a str,
    /// Submitter's normalized email.
    pub email: &'a str,
    /// Submitter's name, if given.
    pub full_name: Option<&'a str>,
    /// Subject of the conversation.
    pub subject: Option<&'a str>,
    /// The submitted text.
    pub body: &'a str,
    /// The poster's id for the submission (retries reuse it).
    pub submission_id: Option<&'a str>,
}

/// Most refusals recorded per site (and for unroutable mail) in 24 hours:
/// a flood of unroutable mail must not grow D1 without bound.
pub const REJECTIONS_PER_DAY: u64 = 500;

impl Store {
    /// Stores an inbound email in one batch: the sender's contact if new, the
    /// message and its attachments in the conversation it continues (the
    /// first of `replies` that is the site's, else the site's conversation
    /// holding the earliest Message-ID its References name, else a new one),
    /// unless a message with this Message-ID is already stored for the site.
    /// Writes nothing if the channel row is no longer as `inbound.channel`
    /// (the handler decides again with the row this returns). One round trip.
    pub async fn add_inbound_email(
        &self,
        inbound: &InboundEmail<'_>,
        ids: &NewIds,
        now: u64,
    ) -> ApiResult<InboundStored> {
        let mail = inbound.mail;
        let contact_id = "(SELECT id FROM contacts WHERE account_id = ?1 AND email = ?2)";
        let from_display =
            shared::email::display_sender(mail.from_name.as_deref(), &mail.from_email);
        let flags = mail
            .flags
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(",");
        let json = |list: &[String]| {
            serde_json::to_string(list).map_err(|e| ApiError::Internal(e.to_string()))
        };
        let (replies, references) = (json(inbound.replies)?, json(&mail.referenced)?);
        // The conversation it continues, if any: binds ?20 = site, ?21 = replies, ?22 = references.
        let thread = "COALESCE(\
             (SELECT c.id FROM json_each(?21) j JOIN conversations c ON c.id = j.value AND c.site_id = ?20 ORDER BY j.key LIMIT 1), \
             (SELECT m.conversation_id FROM json_each(?22) j JOIN messages m ON m.site_id = ?20 AND m.email_message_id = j.value \
              ORDER BY j.key LIMIT 1))";
        let (site_id, account_id) = (
            inbound.channel.site_id.as_str(),
            inbound.channel.account_id.as_str(),
        );
        // Binds ?23..?25: the channel row as read.
        let threading = |args: &[JsValue]| -> Vec<JsValue> {
            let mut all = args.to_vec();
            all.resize(19, JsValue::NULL);
            all.extend([
                site_id.into(),
                replies.as_str().into(),
                references.as_str().into(),
            ]);
            all.extend(channel_as_read(inbound.channel));
            all
        };
        let unchanged = unchanged_channel(20, 23);
        let mut contact_args = vec![
            account_id.into(),
            mail.from_email.as_str().into(),
            ids.contact.as_str().into(),
            // An unverified sender never names a contact: anyone can write any From.
            opt(mail.from_name.as_deref().filter(|_| mail.sender_verified())),
            ms(now),
            site_id.into(),
        ];
        contact_args.extend(channel_as_read(inbound.channel));
        let mut statements = vec![self.prepare(
            &format!(
                "INSERT OR IGNORE INTO contacts \
                   (id, account_id, email, name_from_email, source, marketing_opt_in, created_at, updated_at) \
                 SELECT ?3, ?1, ?2, ?4, 'email', 0, ?5, ?5 WHERE {}",
                unchanged_channel(6, 7)
            ),
            &contact_args,
        )?];
        // A verified sender's name replaces a name a visitor only stated (unproven values never outrank proven ones).
        statements.push(self.prepare(
            &format!(
                "UPDATE contacts SET full_name = ?4, full_name_stated = 0, updated_at = ?5 \
                 WHERE account_id = ?1 AND email = ?2 AND full_name_stated = 1 AND ?4 IS NOT NULL AND {}",
                unchanged_channel(6, 7)
            ),
            &contact_args,
        )?);
        statements.push(self.prepare(
            &format!(
                "INSERT INTO conversations \
                   (id, site_id, channel, status, contact_id, subject, started_at, last_message_at) \
                 SELECT ?3, ?4, 'email', 'open', {contact_id}, ?5, ?6, ?6 \
                 WHERE {thread} IS NULL AND NOT EXISTS (SELECT 1 FROM messages WHERE site_id = ?4 AND email_message_id = ?7) \
                   AND {unchanged}"
            ),
            &threading(&[
                account_id.into(),
                mail.from_email.as_str().into(),
                ids.conversation.as_str().into(),
                site_id.into(),
                opt(mail.subject.as_deref()),
                ms(now),
                mail.message_id.as_str().into(),
            ]),
        )?);
        let message_insert = statements.len();
        statements.push(self.prepare(
            &format!(
                "INSERT OR IGNORE INTO messages (id, conversation_id, site_id, direction, author, contact_id, body, body_full, \
                   body_html, email_message_id, email_subject, email_from, email_headers, raw_key, flags, created_at) \
                 SELECT ?3, COALESCE({thread}, ?4), ?5, 'inbound', 'contact', {contact_id}, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15 \
                 WHERE NOT EXISTS (SELECT 1 FROM messages WHERE site_id = ?5 AND email_message_id = ?9) AND {unchanged}"
            ),
            &threading(&[
                account_id.into(),
                mail.from_email.as_str().into(),
                ids.message.as_str().into(),
                ids.conversation.as_str().into(),
                site_id.into(),
                mail.body.as_str().into(),
                opt(mail.body_full.as_deref()),
                opt(mail.body_html.as_deref()),
                mail.message_id.as_str().into(),
                opt(mail.subject.as_deref()),
                from_display.as_str().into(),
                mail.headers_json.as_str().into(),
                inbound.raw_key.into(),
                opt(Some(flags.as_str()).filter(|f| !f.is_empty())),
                ms(now),
            ]),
        )?);
        for a in &mail.attachments {
            let file = NewFile {
                filename: a.filename.as_deref(),
                declared_type: &a.content_type,
                kind: a.kind,
                size: a.size as u64,
                sha256: &a.sha256,
            };
            statements.push(self.attachment_insert(
                &crate::ids::new_id("at"),
                &ids.message,
                site_id,
                &file,
            )?);
        }
        statements.extend(self.cc_inserts(&ids.message, inbound.cc, now)?);
        statements.push(self.reopen_for(&ids.message, now)?);
        let channel_read = statements.len();
        statements.push(self.prepare(
            &format!("{CHANNEL_SELECT} WHERE e.site_id = ?1"),
            &[site_id.into()],
        )?);
        statements.push(self.prepare(
            "SELECT conversation_id, (SELECT live_tabs FROM accounts WHERE id = ?3) AS team_tabs \
             FROM messages WHERE site_id = ?1 AND email_message_id = ?2",
            &[
                site_id.into(),
                mail.message_id.as_str().into(),
                account_id.into(),
            ],
        )?);
        let results = self.batch(statements).await?;
        let channel = results[channel_read]
            .results::<EmailChannelRow>()?
            .into_iter()
            .next();
        let inserted = results
            .get(message_insert)
            .and_then(|r| r.meta().ok().flatten())
            .and_then(|m| m.changes)
            .unwrap_or(0);
        #[derive(Deserialize)]
        struct Stored {
            conversation_id: String,
            team_tabs: u32,
        }
        // D1 counts the numbering trigger's update too: any change means the insert happened.
        let written = if inserted > 0 {
            Written::Created
        } else {
            Written::AlreadyThere
        };
        let row = last_rows::<Stored>(&results)?.into_iter().next();
        let team_listens = row.as_ref().is_some_and(|r| r.team_tabs > 0);
        Ok(InboundStored {
            stored: row.map(|r| (written, r.conversation_id)),
            channel,
            team_listens,
        })
    }

    /// Opens a conversation for a form submission in one batch: the contact
    /// found by email or created (never opted in), the conversation and its
    /// first message; nothing if this `submission_id` was already stored.
    pub async fn add_ticket(
        &self,
        ticket: &Ticket<'_>,
        contact_id: &str,
        conversation_id: &str,
        message_id: &str,
        event_ids: [&str; 3],
        now: u64,
    ) -> ApiResult<(String, Written, Vec<String>)> {
        let contact = "(SELECT id FROM contacts WHERE account_id = ?1 AND email = ?2)";
        let key = [ticket.account_id.into(), ticket.email.into()];
        let with_key = |rest: &[JsValue]| -> Vec<JsValue> {
            key.iter().cloned().chain(rest.iter().cloned()).collect()
        };
        let earlier = "(SELECT conversation_id FROM messages WHERE site_id = ?3 AND visitor_id IS NULL AND client_message_id = ?4)";
        let statements = vec![
            self.prepare(
                "INSERT OR IGNORE INTO contacts (id, account_id, email, full_name, source, marketing_opt_in, created_at, updated_at) \
                 VALUES (?3, ?1, ?2, ?4, 'form', 0, ?5, ?5)",
                &with_key(&[contact_id.into(), opt(ticket.full_name), ms(now)]),
            )?,
            self.prepare(
                &format!("UPDATE contacts SET full_name = COALESCE(full_name, ?3) WHERE id = {contact}"),
                &with_key(&[opt(ticket.full_name)]),
            )?,
            self.prepare(
                &format!(
                    "INSERT INTO conversations (id, site_id, channel, status, contact_id, subject, started_at, last_message_at) \
                     SELECT ?5, ?3, 'email', 'open', {contact}, ?6, ?7, ?7 WHERE {earlier} IS NULL"
                ),
                &with_key(&[ticket.site_id.into(), opt(ticket.submission_id), conversation_id.into(), opt(ticket.subject), ms(now)]),
            )?,
            self.prepare(
                &format!(
                    "INSERT INTO messages (id, conversation_id, site_id, direction, author, contact_id, body, \
                       client_message_id, email_subject, created_at) \
                     SELECT ?5, id, ?3, 'inbound', 'contact', {contact}, ?6, ?4, ?7, ?8 FROM conversations WHERE id = ?9"
                ),
                &with_key(&[
                    ticket.site_id.into(),
                    opt(ticket.submission_id),
                    message_id.into(),
                    ticket.body.into(),
                    opt(ticket.subject),
                    ms(now),
                    conversation_id.into(),
                ]),
            )?,
            self.event(
                Event::ContactCreated,
                &EventOf { event_id: event_ids[0], site_id: Some(ticket.site_id), contact_id: Some(contact_id), ..EventOf::default() },
                now,
            )?,
            self.event(
                Event::ConversationCreated,
                &EventOf { event_id: event_ids[1], site_id: Some(ticket.site_id), conversation_id: Some(conversation_id), ..EventOf::default() },
                now,
            )?,
            self.event(
                Event::MessageCreated,
                &EventOf { event_id: event_ids[2], site_id: Some(ticket.site_id), message_id: Some(message_id), ..EventOf::default() },
                now,
            )?,
            self.prepare(
                &format!("SELECT COALESCE({earlier}, ?5) AS conversation_id"),
                &with_key(&[ticket.site_id.into(), opt(ticket.submission_id), conversation_id.into()]),
            )?,
        ];
        #[derive(Deserialize)]
        struct Opened {
            conversation_id: String,
        }
        let results = self.batch(statements).await?;
        let opened = super::last_rows::<Opened>(&results)?
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::Internal("ticket not found after insert".into()))?;
        let written = if opened.conversation_id == conversation_id {
            Written::Created
        } else {
            Written::AlreadyThere
        };
        let deliveries = super::automations::delivery_ids(&results, 4..7)?;
        Ok((opened.conversation_id, written, deliveries))
    }

    /// The R2 key of a message's original, if the message belongs to the account.
    pub async fn raw_key(&self, account_id: &str, message_id: &str) -> ApiResult<Option<String>> {
        #[derive(Deserialize)]
        struct Key {
            raw_key: Option<String>,
        }
        let row: Option<Key> = self
            .first(
                "SELECT m.raw_key FROM messages m JOIN sites s ON s.id = m.site_id WHERE s.account_id = ?1 AND m.id = ?2",
                &[account_id.into(), message_id.into()],
            )
            .await?;
        Ok(row.and_then(|r| r.raw_key))
    }

    /// Mail refused for the account's sites, newest first.
    pub async fn rejections(&self, account_id: &str) -> ApiResult<Vec<api::Rejection>> {
        let rows: Vec<RejectionRow> = self.all(
            "SELECT r.id, r.site_id, r.envelope_from, r.envelope_to, r.size, r.reason, r.created_at \
             FROM email_rejections r JOIN sites s ON s.id = r.site_id WHERE s.account_id = ?1 \
             ORDER BY r.created_at DESC LIMIT 100",
            &[account_id.into()],
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| api::Rejection {
                id: r.id,
                site_id: r.site_id,
                envelope_from: r.envelope_from,
                envelope_to: r.envelope_to,
                size: r.size,
                reason: r.reason,
                created_at: r.created_at,
            })
            .collect())
    }

    /// Records mail refused with `setReject`, so the refusal is visible later;
    /// at most [`REJECTIONS_PER_DAY`] per site (unroutable mail, without a
    /// site, counts as one more) in any 24 hours. `false` when over the cap.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_rejection(
        &self,
        id: &str,
        site_id: Option<&str>,
        envelope_from: &str,
        envelope_to: &str,
        size: u64,
        reason: &str,
        now: u64,
    ) -> ApiResult<bool> {
        let recorded = self
            .run(
                "INSERT INTO email_rejections (id, site_id, envelope_from, envelope_to, size, reason, created_at) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 \
                 WHERE (SELECT COUNT(*) FROM (SELECT 1 FROM email_rejections \
                          WHERE site_id IS ?2 AND created_at > ?7 - 86400000 LIMIT ?8)) < ?8",
                &[
                    id.into(),
                    opt(site_id),
                    envelope_from.into(),
                    envelope_to.into(),
                    ms(size),
                    reason.into(),
                    ms(now),
                    ms(REJECTIONS_PER_DAY),
                ],
            )
            .await?;
        Ok(recorded == 1)
    }
}
