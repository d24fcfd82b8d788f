//! SQL of a site's ticket form: a submission opens an email conversation.

use serde::Deserialize;
use shared::automation::Event;
use worker::D1PreparedStatement;

use super::automations::{queued, EventOf};
use super::batch::{Args, Param};
use super::report::Report;
use super::{ms, opt, Store, Written};
use crate::error::{ApiError, ApiResult};
use crate::ids::NewIds;

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

/// The conversation a submission opened.
#[derive(Deserialize)]
struct Opened {
    conversation_id: String,
}

/// The conversation an earlier submission with this id opened, if any
/// (the site and submission id bound at `site` and `submission`).
fn earlier(site: Param, submission: Param) -> String {
    format!(
        "(SELECT conversation_id FROM messages WHERE site_id = {site} AND visitor_id IS NULL \
         AND client_message_id = {submission})"
    )
}

/// The contact of the account bound at `account` with the address at `email`
/// (its survivor, if it was merged away).
fn contact_by_email(account: Param, email: Param) -> String {
    format!("(SELECT COALESCE(merged_into, id) FROM contacts WHERE account_id = {account} AND email = {email})")
}

impl Store {
    /// Opens a conversation for a form submission in one batch: the contact
    /// found by email or created (never opted in), the conversation and its
    /// first message; nothing if this `submission_id` was already stored.
    /// Answers the conversation, whether this call opened it, and the
    /// automation deliveries it queued.
    pub async fn add_ticket(
        &self,
        ticket: &Ticket<'_>,
        ids: &NewIds,
        now: u64,
    ) -> ApiResult<(String, Written, Vec<String>)> {
        let mut batch = self.batch();
        batch.extend(self.ticket_contact(ticket, ids, now)?);
        batch.extend(self.ticket_conversation(ticket, ids, now)?);
        // A new conversation is assigned by its site's rule (store::teams).
        batch.extend(self.assign_by_rule(&ids.conversation, now)?);
        // The reports: the contact's message in, its conversation opened (store::report).
        let message = shared::report::Event::Message {
            at: now,
            author: shared::conversation::Author::Contact,
            automated: false,
        };
        let fresh = Some(ids.conversation.as_str());
        batch.extend(self.report_message(&ids.message, &Report::unread(message, fresh))?);
        let site_id = Some(ticket.site_id);
        let events = [
            (
                Event::ContactCreated,
                EventOf {
                    event_id: &ids.contact_created,
                    site_id,
                    contact_id: Some(ids.contact.as_str()),
                    ..EventOf::default()
                },
            ),
            (
                Event::ConversationCreated,
                EventOf {
                    event_id: &ids.conversation_created,
                    site_id,
                    conversation_id: Some(ids.conversation.as_str()),
                    ..EventOf::default()
                },
            ),
            (
                Event::MessageCreated,
                EventOf {
                    event_id: &ids.message_created,
                    site_id,
                    message_id: Some(ids.message.as_str()),
                    ..EventOf::default()
                },
            ),
        ]
        .iter()
        .map(|(event, of)| Ok(batch.rows(self.event(*event, of, now)?)))
        .collect::<ApiResult<Vec<_>>>()?;
        let opened = batch.rows::<Opened>(self.ticket_opened(ticket, ids)?);
        let ran = batch.run().await?;
        let opened = ran
            .first(&opened)?
            .ok_or_else(|| ApiError::Internal("ticket not found after insert".into()))?;
        let written = if opened.conversation_id == ids.conversation {
            Written::Created
        } else {
            Written::AlreadyThere
        };
        Ok((opened.conversation_id, written, queued(&ran, &events)?))
    }

    /// The statement that reads the conversation the submission opened (or an earlier one had).
    fn ticket_opened(&self, ticket: &Ticket<'_>, ids: &NewIds) -> ApiResult<D1PreparedStatement> {
        let mut args = Args::new();
        let earlier = earlier(
            args.bind(ticket.site_id),
            args.bind(opt(ticket.submission_id)),
        );
        let sql = format!(
            "SELECT COALESCE({earlier}, {}) AS conversation_id",
            args.bind(ids.conversation.as_str())
        );
        self.prepare(&sql, args.values())
    }

    /// The statements that create the submitter's contact, or give an
    /// existing one the name submitted if it has none.
    fn ticket_contact(
        &self,
        ticket: &Ticket<'_>,
        ids: &NewIds,
        now: u64,
    ) -> ApiResult<[D1PreparedStatement; 2]> {
        let mut args = Args::new();
        let (account, email) = (args.bind(ticket.account_id), args.bind(ticket.email));
        let (id, name, at) = (
            args.bind(ids.contact.as_str()),
            args.bind(opt(ticket.full_name)),
            args.bind(ms(now)),
        );
        let create = self.prepare(
            &format!(
                "INSERT OR IGNORE INTO contacts (id, account_id, email, full_name, source, marketing_opt_in, created_at, updated_at) \
                 VALUES ({id}, {account}, {email}, {name}, 'form', 0, {at}, {at})"
            ),
            args.values(),
        )?;
        let mut args = Args::new();
        let contact = contact_by_email(args.bind(ticket.account_id), args.bind(ticket.email));
        let name = args.bind(opt(ticket.full_name));
        let name_it = self.prepare(
            &format!(
                "UPDATE contacts SET full_name = COALESCE(full_name, {name}) WHERE id = {contact}"
            ),
            args.values(),
        )?;
        Ok([create, name_it])
    }

    /// The statements that open the conversation and write its first message,
    /// unless an earlier submission with this id opened one.
    fn ticket_conversation(
        &self,
        ticket: &Ticket<'_>,
        ids: &NewIds,
        now: u64,
    ) -> ApiResult<[D1PreparedStatement; 2]> {
        let mut args = Args::new();
        let contact = contact_by_email(args.bind(ticket.account_id), args.bind(ticket.email));
        let (site, submission) = (
            args.bind(ticket.site_id),
            args.bind(opt(ticket.submission_id)),
        );
        let earlier = earlier(site, submission);
        let (id, subject, at) = (
            args.bind(ids.conversation.as_str()),
            args.bind(opt(ticket.subject)),
            args.bind(ms(now)),
        );
        let open = self.prepare(
            &format!(
                "INSERT INTO conversations (id, site_id, channel, status, contact_id, subject, started_at, last_message_at) \
                 SELECT {id}, {site}, 'email', 'open', {contact}, {subject}, {at}, {at} WHERE {earlier} IS NULL"
            ),
            args.values(),
        )?;
        let mut args = Args::new();
        let contact = contact_by_email(args.bind(ticket.account_id), args.bind(ticket.email));
        let (site, submission) = (
            args.bind(ticket.site_id),
            args.bind(opt(ticket.submission_id)),
        );
        let (id, body) = (args.bind(ids.message.as_str()), args.bind(ticket.body));
        let (subject, at) = (args.bind(opt(ticket.subject)), args.bind(ms(now)));
        let conversation = args.bind(ids.conversation.as_str());
        let first = self.prepare(
            &format!(
                "INSERT INTO messages (id, conversation_id, site_id, direction, author, contact_id, body, \
                   client_message_id, email_subject, created_at) \
                 SELECT {id}, id, {site}, 'inbound', 'contact', {contact}, {body}, {submission}, {subject}, {at} \
                 FROM conversations WHERE id = {conversation}"
            ),
            args.values(),
        )?;
        Ok([open, first])
    }
}
