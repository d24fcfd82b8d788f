//! SQL of automations (signed outbound webhooks): the admin's list, the
//! events recorded inside other batches, and the queue consumer's attempts.
//!
//! An event is recorded by [`Store::event`], a statement that joins into the
//! batch that causes it: it inserts one delivery per enabled automation of the
//! site (none, at no extra round trip, when the site has none), with the JSON
//! body built from the rows as the batch left them, and returns the delivery
//! ids to enqueue.

use serde::Deserialize;
use shared::api;
use shared::automation::{DeliveryState, Event};
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use super::batch::{Ran, Rows};
use super::{ms, opt, Store};
use crate::error::ApiResult;

/// How many deliveries the log shows.
const LOG_LENGTH: u32 = 50;

/// One event, as the batch that causes it describes it by ids. Absent ids are
/// found from the others: the conversation from the message, the contact from
/// the visitor or the conversation.
#[derive(Debug, Default)]
pub struct EventOf<'a> {
    /// The event's id (the receiver's idempotency key).
    pub event_id: &'a str,
    /// The site whose automations receive it; `None`: the site of the event's conversation.
    pub site_id: Option<&'a str>,
    /// The contact, when known by id.
    pub contact_id: Option<&'a str>,
    /// The visitor whose contact is meant, when the contact id is not known yet.
    pub visitor_id: Option<&'a str>,
    /// The conversation, when known by id.
    pub conversation_id: Option<&'a str>,
    /// The message.
    pub message_id: Option<&'a str>,
    /// Only this automation (the one a chatbot block names), else all of the site's.
    pub automation_id: Option<&'a str>,
    /// A flow's turn that enters the automation: the event happens only where
    /// the conversation carries this turn's mark (and the visitor has a contact).
    pub flow_turn: Option<&'a str>,
}

/// The conversation of an event: ?6, else the message's (?7).
const CONVERSATION: &str = "COALESCE(?6, (SELECT conversation_id FROM messages WHERE id = ?7))";

const AUTOMATION_SELECT: &str =
    "SELECT a.id, a.site_id, a.name, a.url, a.enabled, a.created_at FROM automations a JOIN sites s ON s.id = a.site_id";

/// What the queue consumer needs to make one attempt.
#[derive(Debug, Deserialize)]
pub struct PendingDelivery {
    /// The automation it goes to.
    pub automation_id: String,
    /// The event id (idempotency key).
    pub event_id: String,
    /// The receiver.
    pub url: String,
    /// Signs the body, sealed under SECRETS_KEY (see `crate::secrets`).
    pub secret: String,
    /// The exact body to send.
    pub payload: String,
    /// Attempts made before this one.
    pub attempts: u32,
}

/// The outcome of one attempt, as recorded.
#[derive(Debug)]
pub struct Attempt<'a> {
    /// The receiver's HTTP status, if it answered.
    pub status: Option<u16>,
    /// Why it did not answer.
    pub error: Option<&'a str>,
    /// Where the delivery stands afterwards.
    pub state: DeliveryState,
}

impl Store {
    /// The statement that records `event` for the site's automations, within a
    /// caller's batch; it inserts nothing unless the event's subject exists
    /// (the contact, conversation or message the batch just created, or a
    /// Form submitted at `now`). The contact's `stated` lists the fields a
    /// visitor only stated (receivers tell them from vouched ones). Add it with
    /// [`super::batch::Batch::rows`] and read its ids back with [`queued`].
    pub(super) fn event(
        &self,
        event: Event,
        of: &EventOf<'_>,
        now: u64,
    ) -> ApiResult<D1PreparedStatement> {
        let contact = format!(
            "COALESCE(?5, (SELECT contact_id FROM visitors WHERE id = ?9), (SELECT contact_id FROM conversations WHERE id = {CONVERSATION}))"
        );
        let happened = match event {
            Event::ContactCreated => "EXISTS (SELECT 1 FROM contacts WHERE id = ?5)",
            Event::ConversationCreated => "EXISTS (SELECT 1 FROM conversations WHERE id = ?6)",
            Event::MessageCreated => "EXISTS (SELECT 1 FROM messages WHERE id = ?7)",
            Event::ContactEnteredAutomation if of.flow_turn.is_some() => {
                "EXISTS (SELECT 1 FROM conversations WHERE id = ?6 AND flow_turn = ?10) \
                 AND EXISTS (SELECT 1 FROM visitors WHERE id = ?9 AND contact_id IS NOT NULL)"
            }
            Event::ContactEnteredAutomation => {
                "EXISTS (SELECT 1 FROM visitors WHERE id = ?9 AND form_submitted_at = ?3 AND contact_id IS NOT NULL)"
            }
            Event::ConversationRated => {
                "EXISTS (SELECT 1 FROM conversation_ratings WHERE conversation_id = ?6 AND rated_at = ?3)"
            }
            Event::Test => "1",
        };
        // A rating's event carries it (the conversation's, as the batch left it).
        let rating = match event {
            Event::ConversationRated => {
                ", 'rating', json((SELECT json_object('score', r.score, 'comment', r.comment, \
                 'source', r.source, 'asked_at', r.asked_at, 'rated_at', r.rated_at) \
                 FROM conversation_ratings r WHERE r.conversation_id = ?6))"
            }
            _ => "",
        };
        let sql = format!(
            "INSERT INTO automation_deliveries (id, automation_id, event_id, event, payload, created_at) \
             SELECT 'dl_' || lower(hex(randomblob(16))), a.id, ?1, ?2, json_object( \
               'id', ?1, 'event', ?2, 'occurred_at', ?3, \
               'site', json_object('id', s.id, 'name', s.name), \
               'contact', json((SELECT json_object('id', ct.id, 'email', ct.email, 'full_name', ct.full_name, \
                   'phone', ct.phone, 'company', ct.company, 'source', ct.source, 'created_at', ct.created_at, \
                   'stated', json((SELECT json_group_array(f) FROM (SELECT 'full_name' AS f WHERE ct.full_name_stated = 1 \
                     UNION ALL SELECT 'phone' WHERE ct.phone_stated = 1 UNION ALL SELECT 'company' WHERE ct.company_stated = 1))), \
                   'attributes', json({attributes})) \
                 FROM contacts ct WHERE ct.id = {contact})), \
               'conversation', json((SELECT json_object('id', cv.id, 'channel', cv.channel, 'status', cv.status, \
                   'subject', cv.subject, 'started_at', cv.started_at) FROM conversations cv WHERE cv.id = {CONVERSATION})), \
               'message', json((SELECT json_object('id', m.id, 'author', m.author, 'direction', m.direction, \
                   'body', m.body, 'created_at', m.created_at) FROM messages m WHERE m.id = ?7)), \
               'answers', json(COALESCE((SELECT flow_answers FROM conversations WHERE id = {CONVERSATION}), \
                   (SELECT flow_answers FROM conversations WHERE visitor_id = ?9 AND flow_answers IS NOT NULL \
                     ORDER BY last_message_at DESC LIMIT 1), '{{}}')){rating}), ?3 \
             FROM automations a JOIN sites s ON s.id = a.site_id \
             WHERE a.site_id = COALESCE(?4, (SELECT site_id FROM conversations WHERE id = {CONVERSATION})) AND a.enabled = 1 AND (?8 IS NULL OR a.id = ?8) AND ({happened}) AND (?10 IS NULL OR ?10 IS NOT NULL) \
             RETURNING id",
            attributes = super::attributes::values_object("ct.id"),
        );
        self.prepare(
            &sql,
            &[
                of.event_id.into(),
                event.as_str().into(),
                ms(now),
                opt(of.site_id),
                opt(of.contact_id),
                opt(of.conversation_id),
                opt(of.message_id),
                opt(of.automation_id),
                opt(of.visitor_id),
                opt(of.flow_turn),
            ],
        )
    }

    /// The account's automations of a site, oldest first; `None` if the site is not the account's.
    pub async fn automations(
        &self,
        account_id: &str,
        site_id: &str,
    ) -> ApiResult<Option<Vec<api::Automation>>> {
        if !self.site_of_account(account_id, site_id).await? {
            return Ok(None);
        }
        let sql = format!("{AUTOMATION_SELECT} WHERE a.site_id = ?1 AND s.account_id = ?2 ORDER BY a.created_at, a.id");
        let rows: Vec<api::Automation> =
            self.all(&sql, &[site_id.into(), account_id.into()]).await?;
        Ok(Some(rows))
    }

    /// Whether the site belongs to the account.
    pub async fn site_of_account(&self, account_id: &str, site_id: &str) -> ApiResult<bool> {
        Ok(self
            .count(
                "SELECT COUNT(*) AS n FROM sites WHERE id = ?1 AND account_id = ?2",
                &[site_id.into(), account_id.into()],
            )
            .await?
            == 1)
    }

    /// One automation of the account's site.
    pub async fn automation(
        &self,
        account_id: &str,
        site_id: &str,
        id: &str,
    ) -> ApiResult<Option<api::Automation>> {
        let sql =
            format!("{AUTOMATION_SELECT} WHERE a.id = ?1 AND a.site_id = ?2 AND s.account_id = ?3");
        let row: Option<api::Automation> = self
            .first(&sql, &[id.into(), site_id.into(), account_id.into()])
            .await?;
        Ok(row)
    }

    /// Creates an automation of a site (the caller checked the site is the account's).
    pub async fn create_automation(
        &self,
        id: &str,
        site_id: &str,
        name: &str,
        url: &str,
        secret: &str,
        now: u64,
    ) -> ApiResult<()> {
        self.run(
            "INSERT INTO automations (id, site_id, name, url, secret, enabled, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)",
            &[id.into(), site_id.into(), name.into(), url.into(), secret.into(), ms(now)],
        )
        .await?;
        Ok(())
    }

    /// Changes an automation's name, URL or whether it runs.
    pub async fn update_automation(
        &self,
        id: &str,
        name: Option<&str>,
        url: Option<&str>,
        enabled: Option<bool>,
    ) -> ApiResult<()> {
        let enabled = enabled
            .map(|e| JsValue::from_f64(if e { 1.0 } else { 0.0 }))
            .unwrap_or(JsValue::NULL);
        self.run(
            "UPDATE automations SET name = COALESCE(?2, name), url = COALESCE(?3, url), enabled = COALESCE(?4, enabled) WHERE id = ?1",
            &[id.into(), opt(name), opt(url), enabled],
        )
        .await?;
        Ok(())
    }

    /// Deletes an automation and its delivery log (pending deliveries are dropped when they come up).
    pub async fn delete_automation(&self, id: &str) -> ApiResult<()> {
        let mut batch = self.batch();
        batch.push(self.prepare(
            "DELETE FROM automation_deliveries WHERE automation_id = ?1",
            &[id.into()],
        )?);
        batch.push(self.prepare("DELETE FROM automations WHERE id = ?1", &[id.into()])?);
        batch.run().await?;
        Ok(())
    }

    /// Records a test event for one automation; returns its delivery ids.
    pub async fn test_event(&self, event: &EventOf<'_>, now: u64) -> ApiResult<Vec<String>> {
        let mut batch = self.batch();
        let test = batch.rows(self.event(Event::Test, event, now)?);
        queued(&batch.run().await?, &[test])
    }

    /// The automation's last deliveries, newest first.
    pub async fn deliveries(&self, automation_id: &str) -> ApiResult<Vec<api::Delivery>> {
        let rows: Vec<api::Delivery> = self
            .all(
                "SELECT id, event_id, event, status, attempts, last_status, last_error, last_attempt_at, created_at \
                 FROM automation_deliveries WHERE automation_id = ?1 ORDER BY created_at DESC, rowid DESC LIMIT ?2",
                &[automation_id.into(), JsValue::from_f64(LOG_LENGTH.into())],
            )
            .await?;
        Ok(rows)
    }

    /// A delivery still to attempt, with its automation's URL and secret;
    /// `None` once delivered, given up, or its automation deleted or paused.
    pub async fn pending_delivery(&self, id: &str) -> ApiResult<Option<PendingDelivery>> {
        self.first(
            "SELECT a.id AS automation_id, d.event_id, a.url, a.secret, d.payload, d.attempts FROM automation_deliveries d \
             JOIN automations a ON a.id = d.automation_id WHERE d.id = ?1 AND d.status = 'pending' AND a.enabled = 1",
            &[id.into()],
        )
        .await
    }

    /// Records one attempt of a delivery.
    pub async fn record_attempt(&self, id: &str, attempt: &Attempt<'_>, now: u64) -> ApiResult<()> {
        self.run(
            "UPDATE automation_deliveries SET attempts = attempts + 1, last_status = ?2, last_error = ?3, \
               last_attempt_at = ?4, status = ?5 WHERE id = ?1",
            &[
                id.into(),
                attempt.status.map(|s| JsValue::from_f64(s.into())).unwrap_or(JsValue::NULL),
                opt(attempt.error),
                ms(now),
                attempt.state.as_str().into(),
            ],
        )
        .await?;
        Ok(())
    }
}

/// A delivery an event statement inserted.
#[derive(Deserialize)]
pub(super) struct Delivery {
    id: String,
}

/// An event statement within a batch: the deliveries it queued.
pub(super) type Queued = Rows<Delivery>;

/// The delivery ids the batch's event statements inserted, in their order.
pub(super) fn queued(ran: &Ran, events: &[Queued]) -> ApiResult<Vec<String>> {
    let mut ids = Vec::new();
    for event in events {
        ids.extend(ran.rows(event)?.into_iter().map(|d| d.id));
    }
    Ok(ids)
}
