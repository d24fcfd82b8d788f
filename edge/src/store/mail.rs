//! SQL of inbound mail: threading lookups, storing inbound mail and tickets
//! with their attachments, originals, and refusals.

use serde::Deserialize;
use shared::api;
use shared::conversation::Channel;
use shared::crm::{idempotency_key, JobCause};
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use super::batch::{Args, Param};
use super::channels::CHANNEL_SELECT;
use super::crm_jobs::{recorded, JobOf};
use super::files::NewFile;
use super::report::Report;
use super::{ms, opt, EmailChannelRow, Store, Written};
use crate::error::{ApiError, ApiResult};
use crate::ids::NewIds;
use shared::email::parse::Mail;

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
    /// The ActiveCampaign job it recorded (a new conversation from a verified sender).
    pub crm_jobs: Vec<String>,
}

/// SQL true while the channel row of the site bound at `site` is still as the
/// handler read it (enabled, username, size limit: bound here in `args`).
fn unchanged_channel(args: &mut Args, site: Param, channel: &EmailChannelRow) -> String {
    let enabled = args.bind(JsValue::from_f64(channel.enabled as f64));
    let username = args.bind(opt(channel.username.as_deref()));
    let max = args.bind(ms(channel.max_message_bytes));
    format!(
        "EXISTS (SELECT 1 FROM email_channels WHERE site_id = {site} AND enabled = {enabled} \
           AND username IS {username} AND max_message_bytes = {max})"
    )
}

/// The contact of the account bound at `account` with the address at `email`
/// (its survivor, if it was merged away).
fn contact_by_email(account: Param, email: Param) -> String {
    format!("(SELECT COALESCE(merged_into, id) FROM contacts WHERE account_id = {account} AND email = {email})")
}

/// The conversation of the site an inbound email continues, if any: the first
/// of the JSON array `replies` that is the site's (its survivor, if it was
/// merged away), else the site's conversation holding the earliest
/// Message-ID of the JSON array `references` (merged messages moved with it).
fn thread(site: Param, replies: Param, references: Param) -> String {
    format!(
        "COALESCE(\
         (SELECT COALESCE(c.merged_into, c.id) FROM json_each({replies}) j JOIN conversations c ON c.id = j.value AND c.site_id = {site} \
          ORDER BY j.key LIMIT 1), \
         (SELECT m.conversation_id FROM json_each({references}) j JOIN messages m ON m.site_id = {site} \
          AND m.email_message_id = j.value ORDER BY j.key LIMIT 1))"
    )
}

/// The JSON text of a list of strings.
fn json_list(list: &[String]) -> ApiResult<String> {
    serde_json::to_string(list).map_err(|e| ApiError::Internal(e.to_string()))
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
        let (mail, site_id) = (inbound.mail, inbound.channel.site_id.as_str());
        let mut batch = self.batch();
        batch.extend(self.inbound_contact(inbound, ids, now)?);
        batch.push(self.inbound_conversation(inbound, ids, now)?);
        // A new conversation is assigned by its site's rule (store::teams).
        batch.extend(self.assign_by_rule(&ids.conversation, now)?);
        let message = batch.write(self.inbound_message(inbound, ids, now)?);
        for a in &mail.attachments {
            let file = NewFile {
                filename: a.filename.as_deref(),
                declared_type: &a.content_type,
                kind: a.kind,
                size: a.size as u64,
                sha256: &a.sha256,
            };
            batch.push(self.attachment_insert(
                &crate::ids::new_id("at"),
                &ids.message,
                site_id,
                &file,
            )?);
        }
        batch.extend(self.cc_inserts(&ids.message, inbound.cc, now)?);
        // The reports: a message in unless a machine sent it (auto-reply, bulk, bounce), and a new conversation opened.
        let event = shared::report::Event::Message {
            at: now,
            author: shared::conversation::Author::Contact,
            automated: shared::report::automated(&mail.flags),
        };
        let fresh = Some(ids.conversation.as_str());
        batch.extend(self.report_message(&ids.message, &Report::unread(event, fresh))?);
        batch.extend(self.reopen_for(&ids.message, now)?);
        // ActiveCampaign: the sender of a new conversation, if the sender check passed.
        let key = idempotency_key(JobCause::Email, &ids.conversation, &[]);
        let job = JobOf {
            cause: JobCause::Email,
            key: &key,
            site_id: Some(site_id),
            contact_id: None,
            visitor_id: None,
            conversation_id: Some(&ids.conversation),
            channel: Some(Channel::Email),
            automation_id: None,
            flow_turn: None,
            happened: "EXISTS (SELECT 1 FROM conversations WHERE id = ?6 AND started_at = ?9)",
        };
        let jobs: Vec<_> = mail
            .sender_verified()
            .then(|| self.crm_job(&job, now))
            .transpose()?
            .map(|statement| batch.rows(statement))
            .into_iter()
            .collect();
        let channel = batch.rows::<EmailChannelRow>(self.prepare(
            &format!("{CHANNEL_SELECT} WHERE e.site_id = ?1"),
            &[site_id.into()],
        )?);
        #[derive(Deserialize)]
        struct Stored {
            conversation_id: String,
            team_tabs: u32,
        }
        let stored = batch.rows::<Stored>(self.prepare(
            "SELECT conversation_id, (SELECT live_tabs FROM accounts WHERE id = ?3) AS team_tabs \
             FROM messages WHERE site_id = ?1 AND email_message_id = ?2",
            &[
                site_id.into(),
                mail.message_id.as_str().into(),
                inbound.channel.account_id.as_str().into(),
            ],
        )?);
        let ran = batch.run().await?;
        // D1 counts the numbering trigger's update too: any change means the insert happened.
        let written = if ran.changes(message)? > 0 {
            Written::Created
        } else {
            Written::AlreadyThere
        };
        let row = ran.first(&stored)?;
        Ok(InboundStored {
            crm_jobs: recorded(&ran, &jobs)?,
            team_listens: row.as_ref().is_some_and(|r| r.team_tabs > 0),
            stored: row.map(|r| (written, r.conversation_id)),
            channel: ran.first(&channel)?,
        })
    }

    /// The statements that create the sender's contact if new and let a
    /// verified sender's name replace a name a visitor only stated (unproven
    /// values never outrank proven ones); nothing if the channel changed.
    fn inbound_contact(
        &self,
        inbound: &InboundEmail<'_>,
        ids: &NewIds,
        now: u64,
    ) -> ApiResult<[D1PreparedStatement; 2]> {
        let (mail, channel) = (inbound.mail, inbound.channel);
        let mut args = Args::new();
        let account = args.bind(channel.account_id.as_str());
        let email = args.bind(mail.from_email.as_str());
        let id = args.bind(ids.contact.as_str());
        // An unverified sender never names a contact: anyone can write any From.
        let name = args.bind(opt(mail
            .from_name
            .as_deref()
            .filter(|_| mail.sender_verified())));
        let at = args.bind(ms(now));
        let site = args.bind(channel.site_id.as_str());
        let unchanged = unchanged_channel(&mut args, site, channel);
        Ok([
            self.prepare(
                &format!(
                    "INSERT OR IGNORE INTO contacts \
                       (id, account_id, email, name_from_email, source, marketing_opt_in, created_at, updated_at) \
                     SELECT {id}, {account}, {email}, {name}, 'email', 0, {at}, {at} WHERE {unchanged}"
                ),
                args.values(),
            )?,
            self.prepare(
                &format!(
                    "UPDATE contacts SET full_name = {name}, full_name_stated = 0, updated_at = {at} \
                     WHERE account_id = {account} AND email = {email} AND full_name_stated = 1 AND {name} IS NOT NULL \
                       AND {unchanged}"
                ),
                args.values(),
            )?,
        ])
    }

    /// The statement that starts a conversation for the email, unless it
    /// continues one or is already stored; nothing if the channel changed.
    fn inbound_conversation(
        &self,
        inbound: &InboundEmail<'_>,
        ids: &NewIds,
        now: u64,
    ) -> ApiResult<D1PreparedStatement> {
        let (mail, channel) = (inbound.mail, inbound.channel);
        let mut args = Args::new();
        let contact = contact_by_email(
            args.bind(channel.account_id.as_str()),
            args.bind(mail.from_email.as_str()),
        );
        let id = args.bind(ids.conversation.as_str());
        let site = args.bind(channel.site_id.as_str());
        let subject = args.bind(opt(mail.subject.as_deref()));
        let at = args.bind(ms(now));
        let message_id = args.bind(mail.message_id.as_str());
        let thread = thread(
            site,
            args.bind(json_list(inbound.replies)?),
            args.bind(json_list(&mail.referenced)?),
        );
        let unchanged = unchanged_channel(&mut args, site, channel);
        let sql = format!(
            "INSERT INTO conversations \
               (id, site_id, channel, status, contact_id, subject, started_at, last_message_at) \
             SELECT {id}, {site}, 'email', 'open', {contact}, {subject}, {at}, {at} \
             WHERE {thread} IS NULL AND NOT EXISTS (SELECT 1 FROM messages WHERE site_id = {site} AND email_message_id = {message_id}) \
               AND {unchanged}"
        );
        self.prepare(&sql, args.values())
    }

    /// The statement that stores the email as a message of the conversation
    /// it continues (or the one just started), unless already stored;
    /// nothing if the channel changed.
    fn inbound_message(
        &self,
        inbound: &InboundEmail<'_>,
        ids: &NewIds,
        now: u64,
    ) -> ApiResult<D1PreparedStatement> {
        let (mail, channel) = (inbound.mail, inbound.channel);
        let flags = mail
            .flags
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(",");
        let from = shared::email::display_sender(mail.from_name.as_deref(), &mail.from_email);
        let mut args = Args::new();
        let contact = contact_by_email(
            args.bind(channel.account_id.as_str()),
            args.bind(mail.from_email.as_str()),
        );
        let (id, started) = (
            args.bind(ids.message.as_str()),
            args.bind(ids.conversation.as_str()),
        );
        let site = args.bind(channel.site_id.as_str());
        let message_id = args.bind(mail.message_id.as_str());
        let values = [
            args.bind(mail.body.as_str()),
            args.bind(opt(mail.body_full.as_deref())),
            args.bind(opt(mail.body_html.as_deref())),
            message_id,
            args.bind(opt(mail.subject.as_deref())),
            args.bind(from.as_str()),
            args.bind(mail.headers_json.as_str()),
            args.bind(inbound.raw_key),
            args.bind(opt(Some(flags.as_str()).filter(|f| !f.is_empty()))),
            args.bind(ms(now)),
        ]
        .map(|p| p.to_string())
        .join(", ");
        let thread = thread(
            site,
            args.bind(json_list(inbound.replies)?),
            args.bind(json_list(&mail.referenced)?),
        );
        let unchanged = unchanged_channel(&mut args, site, channel);
        let sql = format!(
            "INSERT OR IGNORE INTO messages (id, conversation_id, site_id, direction, author, contact_id, body, body_full, \
               body_html, email_message_id, email_subject, email_from, email_headers, raw_key, flags, created_at) \
             SELECT {id}, COALESCE({thread}, {started}), {site}, 'inbound', 'contact', {contact}, {values} \
             WHERE NOT EXISTS (SELECT 1 FROM messages WHERE site_id = {site} AND email_message_id = {message_id}) AND {unchanged}"
        );
        self.prepare(&sql, args.values())
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
        self.all(
            "SELECT r.id, r.site_id, r.envelope_from, r.envelope_to, r.size, r.reason, r.created_at \
             FROM email_rejections r JOIN sites s ON s.id = r.site_id WHERE s.account_id = ?1 \
             ORDER BY r.created_at DESC LIMIT 100",
            &[account_id.into()],
        )
        .await
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
