//! The widget's hot paths, one D1 round trip each: a chat send and a thread
//! read. The visitor's token is checked inside the batch: every statement is
//! gated on the token's hash (and the visitor being neither expired nor, for
//! writes, blocked), and the batch reads the visitor row back so the worker
//! can say why it refused. A refused call has written nothing.

use serde::Deserialize;
use shared::api;
use shared::automation::Event;
use shared::visitor::{is_expired, VisitorToken, TOKEN_INVALID, VISITOR_TTL_MS};
use worker::D1PreparedStatement;

use super::flows::SavedFlow;
use super::ties::{KnownFields, KNOWN_FIELDS};
use super::{
    visible_chat, visitor_sees, VisitorMessageRow, VISITOR_MESSAGE_SELECT, VISITOR_SELECT,
};
use crate::error::{ApiError, ApiResult};
use crate::ids::NewIds;
use crate::store::automations::{queued, EventOf, Queued};
use crate::store::batch::{Args, Batch, Param};
use crate::store::files::NewFile;
use crate::store::report::Report;
use crate::store::{ms, Store, VisitorRow, Written};

/// The visitor's token bound in one statement, and the checks written with
/// its placeholders: every statement of a widget batch is gated on them.
pub(super) struct Gate {
    pub(super) visitor: Param,
    hash: Param,
    since: Param,
}

impl Gate {
    /// Binds the token (visitor id, secret hash, oldest valid visit) in `args`.
    pub(super) fn bind(args: &mut Args, token: &VisitorToken<'_>, now: u64) -> Self {
        Gate {
            visitor: args.bind(token.visitor_id),
            hash: args.bind(token.secret_hash()),
            since: args.bind(ms(now.saturating_sub(VISITOR_TTL_MS))),
        }
    }

    /// The token's visitor, unexpired.
    fn valid(&self) -> String {
        let Gate {
            visitor,
            hash,
            since,
        } = self;
        format!("EXISTS (SELECT 1 FROM visitors WHERE id = {visitor} AND token_hash = {hash} AND last_seen_at >= {since})")
    }

    /// The same, and not blocked: what a write needs.
    pub(super) fn may_write(&self) -> String {
        let Gate {
            visitor,
            hash,
            since,
        } = self;
        format!(
            "EXISTS (SELECT 1 FROM visitors WHERE id = {visitor} AND token_hash = {hash} AND last_seen_at >= {since} \
             AND blocked_at IS NULL)"
        )
    }

    /// The contact this visitor is verified for, if any.
    fn verified_contact(&self) -> String {
        format!(
            "(SELECT contact_id FROM visitors WHERE id = {} AND contact_verified = 1)",
            self.visitor
        )
    }

    /// The conversation this visitor sees (see [`visible_chat`]).
    pub(super) fn visible_chat(&self) -> String {
        visible_chat(self.visitor, &self.verified_contact())
    }
}

/// Why a visitor call was refused, or what it found.
pub enum Visit<T> {
    /// The token is unknown, wrong or expired.
    Unauthorized,
    /// An agent blocked this visitor (writes only).
    Blocked,
    /// The visitor, and the answer.
    Done(VisitorRow, T),
}

impl<T> Visit<T> {
    /// The visitor and the answer, or the error to answer with.
    pub fn or_refuse(self, blocked: shared::Invalid) -> ApiResult<(VisitorRow, T)> {
        match self {
            Visit::Unauthorized => Err(ApiError::Unauthorized(TOKEN_INVALID)),
            Visit::Blocked => Err(ApiError::Forbidden(blocked)),
            Visit::Done(visitor, answer) => Ok((visitor, answer)),
        }
    }
}

/// A stored chat message, whether this call wrote it, the automation
/// deliveries it queued, and the site's saved flow when this send made the
/// conversation (the flow then starts).
pub type Sent = (api::VisitorMessage, Written, Vec<String>, Option<SavedFlow>);

/// A thread read: the visible conversation and when an agent read it, its
/// messages after the asked number, and the verified contact's known profile fields.
pub struct ThreadRead {
    /// The conversation the visitor sees, and `agent_read_at` (0: never).
    pub conversation: Option<(String, u64)>,
    /// Its flow's version, the step it waits at, and that version's JSON, while a saved flow runs.
    pub flow: Option<(u32, String, String)>,
    /// Its messages the visitor may see, in order.
    pub messages: Vec<api::VisitorMessage>,
    /// Profile fields the verified contact has.
    pub contact_fields: Vec<&'static str>,
}

/// The conversation a thread read finds, and when an agent read it.
#[derive(Deserialize)]
struct Visible {
    id: String,
    agent_read_at: u64,
    flow_version: Option<u32>,
    flow_step: Option<String>,
    flow: Option<String>,
}

/// The visitor row the batch read back, checked as the gates checked it.
pub(super) fn checked(
    row: Option<VisitorRow>,
    token: &VisitorToken<'_>,
    now: u64,
) -> Option<VisitorRow> {
    row.filter(|v| token.matches(&v.token_hash) && !is_expired(v.last_seen_at, now))
}

/// A file sent with a chat message, its bytes already in R2.
#[derive(Debug)]
pub struct SentFile<'a> {
    /// Id for its attachment row.
    pub attachment_id: &'a str,
    /// The visitor's site.
    pub site_id: &'a str,
    /// The file.
    pub file: &'a NewFile<'a>,
}

impl Store {
    /// Stores a visitor's chat message in one batch, if the token is the
    /// visitor's: into the conversation the visitor sees, or a new one
    /// (`ids.conversation`); reopens it if closed; does nothing if this
    /// `client_message_id` was already stored. An upload's message also lists
    /// its file, only if this call wrote the message.
    pub async fn send_visitor_message(
        &self,
        token: &VisitorToken<'_>,
        ids: &NewIds,
        client_message_id: &str,
        body: &str,
        now: u64,
        file: Option<SentFile<'_>>,
    ) -> ApiResult<Visit<Sent>> {
        let mut batch = self.batch();
        batch.push(self.open_chat(token, ids, client_message_id, now)?);
        // A new conversation is assigned by its site's rule, in the same round trip (store::teams).
        batch.extend(self.assign_by_rule(&ids.conversation, now)?);
        // A reply to a proactive message: its bot line first, then the reply, then its counts (widget::proactive).
        let bot = crate::ids::new_id("m");
        let proactive = (ids.message.as_str(), bot.as_str());
        let new_chat = (proactive.0, proactive.1, ids.conversation.as_str());
        batch.extend(self.proactive_before_reply(token, new_chat, client_message_id, now)?);
        batch.push(self.add_chat_message(token, ids, client_message_id, body, now)?);
        batch.extend(self.proactive_after_reply(proactive, token.visitor_id)?);
        if let Some(sent) = file {
            // After the message's insert, before the reads: the answer lists the file.
            batch.push(self.attachment_insert(
                sent.attachment_id,
                &ids.message,
                sent.site_id,
                sent.file,
            )?);
        }
        // The reports: a message in, its conversation opened if this send made it (store::report).
        let message = shared::report::Event::Message {
            at: now,
            author: shared::conversation::Author::Visitor,
            automated: false,
        };
        let fresh = Some(ids.conversation.as_str());
        batch.extend(self.report_message(&ids.message, &Report::unread(message, fresh))?);
        batch.extend(self.reopen_for(&ids.message, now)?);
        batch.push(self.touch_writer(token, now)?);
        let events = self.chat_events(&mut batch, ids, now)?;
        let saved = batch.rows::<SavedFlow>(self.saved_flow_of_new(&ids.conversation)?);
        let visitor =
            batch.rows::<VisitorRow>(self.prepare(VISITOR_SELECT, &[token.visitor_id.into()])?);
        let stored = batch.rows::<VisitorMessageRow>(self.prepare(
            &format!(
                "{VISITOR_MESSAGE_SELECT} WHERE m.visitor_id = ?1 AND m.client_message_id = ?2"
            ),
            &[token.visitor_id.into(), client_message_id.into()],
        )?);
        let ran = batch.run().await?;
        let Some(visitor) = checked(ran.first(&visitor)?, token, now) else {
            return Ok(Visit::Unauthorized);
        };
        if visitor.blocked_at.is_some() {
            return Ok(Visit::Blocked);
        }
        let stored: api::VisitorMessage = ran
            .first(&stored)?
            .map(Into::into)
            .ok_or_else(|| ApiError::Internal("visitor message not found after insert".into()))?;
        let written = if stored.id == ids.message {
            Written::Created
        } else {
            Written::AlreadyThere
        };
        let queued = queued(&ran, &events)?;
        let saved = ran.first(&saved)?.filter(|_| written == Written::Created);
        Ok(Visit::Done(visitor, (stored, written, queued, saved)))
    }

    /// Adds the `conversation.created` and `message.created` events of a chat
    /// send to its batch (each records nothing unless the send wrote its subject).
    fn chat_events(&self, batch: &mut Batch<'_>, ids: &NewIds, now: u64) -> ApiResult<[Queued; 2]> {
        let conversation = EventOf {
            event_id: &ids.conversation_created,
            conversation_id: Some(ids.conversation.as_str()),
            ..EventOf::default()
        };
        let message = EventOf {
            event_id: &ids.message_created,
            message_id: Some(ids.message.as_str()),
            ..EventOf::default()
        };
        Ok([
            batch.rows(self.event(Event::ConversationCreated, &conversation, now)?),
            batch.rows(self.event(Event::MessageCreated, &message, now)?),
        ])
    }

    /// The statement that records the visit of a visitor who may write.
    fn touch_writer(&self, token: &VisitorToken<'_>, now: u64) -> ApiResult<D1PreparedStatement> {
        let mut args = Args::new();
        let gate = Gate::bind(&mut args, token, now);
        let at = args.bind(ms(now));
        let sql = format!(
            "UPDATE visitors SET last_seen_at = {at} WHERE id = {} AND {}",
            gate.visitor,
            gate.may_write()
        );
        self.prepare(&sql, args.values())
    }

    /// The statement that starts the visitor's chat conversation, unless it
    /// already sees one or this `client_message_id` was stored.
    fn open_chat(
        &self,
        token: &VisitorToken<'_>,
        ids: &NewIds,
        client_message_id: &str,
        now: u64,
    ) -> ApiResult<D1PreparedStatement> {
        let mut args = Args::new();
        let gate = Gate::bind(&mut args, token, now);
        let (id, at, client) = (
            args.bind(ids.conversation.as_str()),
            args.bind(ms(now)),
            args.bind(client_message_id),
        );
        let (visitor, may_write, visible) = (gate.visitor, gate.may_write(), gate.visible_chat());
        let sql = format!(
            "INSERT OR IGNORE INTO conversations \
               (id, site_id, channel, status, contact_id, visitor_id, started_at, last_message_at) \
             SELECT {id}, v.site_id, 'chat', 'open', v.contact_id, v.id, {at}, {at} FROM visitors v \
             WHERE v.id = {visitor} AND {may_write} AND {visible} IS NULL \
               AND NOT EXISTS (SELECT 1 FROM messages WHERE visitor_id = {visitor} AND client_message_id = {client})"
        );
        self.prepare(&sql, args.values())
    }

    /// The statement that writes the visitor's message into the conversation it sees.
    fn add_chat_message(
        &self,
        token: &VisitorToken<'_>,
        ids: &NewIds,
        client_message_id: &str,
        body: &str,
        now: u64,
    ) -> ApiResult<D1PreparedStatement> {
        let mut args = Args::new();
        let gate = Gate::bind(&mut args, token, now);
        let (id, body, client, at) = (
            args.bind(ids.message.as_str()),
            args.bind(body),
            args.bind(client_message_id),
            args.bind(ms(now)),
        );
        let (visitor, may_write, visible) = (gate.visitor, gate.may_write(), gate.visible_chat());
        let sql = format!(
            "INSERT OR IGNORE INTO messages \
               (id, conversation_id, site_id, direction, author, visitor_id, body, client_message_id, created_at) \
             SELECT {id}, c.id, c.site_id, 'inbound', 'visitor', {visitor}, {body}, {client}, {at} FROM conversations c \
             WHERE c.id = {visible} AND {may_write}"
        );
        self.prepare(&sql, args.values())
    }

    /// Reads what the visitor's widget shows in one batch, if the token is the
    /// visitor's: its conversation, the messages numbered after `after` (email
    /// ones only for a verified visitor), and the verified contact's known
    /// fields. Records the visit at most every `touch_every` ms.
    pub async fn read_visitor_thread(
        &self,
        token: &VisitorToken<'_>,
        after: u64,
        now: u64,
        touch_every: u64,
    ) -> ApiResult<Visit<ThreadRead>> {
        let mut batch = self.batch();
        let gated = |sql: &dyn Fn(&mut Args, &Gate) -> String| {
            let mut args = Args::new();
            let gate = Gate::bind(&mut args, token, now);
            let sql = sql(&mut args, &gate);
            self.prepare(&sql, args.values())
        };
        batch.push(gated(&|args, gate| {
            let (at, before) = (args.bind(ms(now)), args.bind(ms(now.saturating_sub(touch_every))));
            format!(
                "UPDATE visitors SET last_seen_at = {at} WHERE id = {} AND {} AND last_seen_at < {before}",
                gate.visitor,
                gate.valid()
            )
        })?);
        let visitor =
            batch.rows::<VisitorRow>(self.prepare(VISITOR_SELECT, &[token.visitor_id.into()])?);
        let conversation = batch.rows::<Visible>(gated(&|_, gate| {
            let (visible, valid) = (gate.visible_chat(), gate.valid());
            // The flow's JSON only while a saved version (1, 2, …) waits at a step.
            format!(
                "SELECT c.id, c.agent_read_at, c.flow_version, c.flow_step, \
                   CASE WHEN c.flow_step IS NOT NULL THEN f.flow END AS flow FROM conversations c \
                 LEFT JOIN flow_versions f ON f.site_id = c.site_id AND f.version = c.flow_version \
                 WHERE c.id = {visible} AND {valid}"
            )
        })?);
        let messages = batch.rows::<VisitorMessageRow>(gated(&|args, gate| {
            let (visible, valid) = (gate.visible_chat(), gate.valid());
            let sees = visitor_sees(gate.visitor, &gate.verified_contact());
            let after = args.bind(ms(after));
            format!(
                "{VISITOR_MESSAGE_SELECT} WHERE m.conversation_id = {visible} AND {valid} AND m.seq > {after} \
                 AND {sees} ORDER BY m.seq"
            )
        })?);
        let known = batch.rows::<KnownFields>(gated(&|_, gate| {
            format!(
                "{KNOWN_FIELDS} WHERE id = {} AND {}",
                gate.verified_contact(),
                gate.valid()
            )
        })?);
        let ran = batch.run().await?;
        let Some(visitor) = checked(ran.first(&visitor)?, token, now) else {
            return Ok(Visit::Unauthorized);
        };
        let conversation = ran.first(&conversation)?;
        let flow = conversation
            .as_ref()
            .and_then(|c| Some((c.flow_version?, c.flow_step.clone()?, c.flow.clone()?)));
        let read = ThreadRead {
            flow,
            conversation: conversation.map(|c| (c.id, c.agent_read_at)),
            messages: ran.rows(&messages)?.into_iter().map(Into::into).collect(),
            contact_fields: ran
                .first(&known)?
                .as_ref()
                .map(KnownFields::names)
                .unwrap_or_default(),
        };
        Ok(Visit::Done(visitor, read))
    }
}
