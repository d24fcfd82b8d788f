//! The widget's hot paths, one D1 round trip each: a chat send and a thread
//! read. The visitor's token is checked inside the batch: every statement is
//! gated on the token's hash (and the visitor being neither expired nor, for
//! writes, blocked), and the batch reads the visitor row back so the worker
//! can say why it refused. A refused call has written nothing.

use serde::Deserialize;
use shared::api;
use shared::visitor::{is_expired, VisitorToken, TOKEN_INVALID, VISITOR_TTL_MS};
use wasm_bindgen::JsValue;

use super::automations::{delivery_ids, EventOf};
use super::chat::{visible_chat, VisitorMessageRow, VISITOR_MESSAGE_SELECT, VISITOR_SELECT};
use super::files::NewFile;
use super::ties::{KnownFields, KNOWN_FIELDS};
use super::{last_rows, ms, Store, VisitorRow, Written};
use crate::error::{ApiError, ApiResult};
use shared::automation::Event;

/// The token's visitor, unexpired: binds `?1` = visitor id, `?2` = token hash, `?3` = oldest valid visit.
const VALID: &str =
    "EXISTS (SELECT 1 FROM visitors WHERE id = ?1 AND token_hash = ?2 AND last_seen_at >= ?3)";
/// The same, and not blocked: what a write needs.
const MAY_WRITE: &str =
    "EXISTS (SELECT 1 FROM visitors WHERE id = ?1 AND token_hash = ?2 AND last_seen_at >= ?3 AND blocked_at IS NULL)";
/// The contact this visitor is verified for, if any (binds `?1`).
const VERIFIED_CONTACT: &str =
    "(SELECT contact_id FROM visitors WHERE id = ?1 AND contact_verified = 1)";

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

/// A stored chat message, whether this call wrote it, and the automation deliveries it queued.
pub type Sent = (api::VisitorMessage, Written, Vec<String>);

/// A thread read: the visible conversation and when an agent read it, its
/// messages after the asked number, and the verified contact's known profile fields.
pub struct ThreadRead {
    /// The conversation the visitor sees, and `agent_read_at` (0: never).
    pub conversation: Option<(String, u64)>,
    /// Its messages the visitor may see, in order.
    pub messages: Vec<api::VisitorMessage>,
    /// Profile fields the verified contact has.
    pub contact_fields: Vec<&'static str>,
}

/// The visitor row the batch read back, checked as the gates checked it.
fn checked(row: Option<VisitorRow>, token: &VisitorToken<'_>, now: u64) -> Option<VisitorRow> {
    row.filter(|v| token.matches(&v.token_hash) && !is_expired(v.last_seen_at, now))
}

impl Store {
    fn gate_args(token: &VisitorToken<'_>, now: u64) -> [JsValue; 3] {
        [
            token.visitor_id.into(),
            token.secret_hash().into(),
            ms(now.saturating_sub(VISITOR_TTL_MS)),
        ]
    }

    /// Stores a visitor's chat message in one batch, if the token is the
    /// visitor's: into the conversation the visitor sees, or a new one; reopens
    /// it if closed; does nothing if this `client_message_id` was already stored.
    /// An upload's message also lists its file (`(attachment id, site, file)`,
    /// the bytes already in R2), only if this call wrote the message.
    #[allow(clippy::too_many_arguments)]
    pub async fn send_visitor_message(
        &self,
        token: &VisitorToken<'_>,
        ids: [&str; 2],
        client_message_id: &str,
        body: &str,
        now: u64,
        event_ids: [&str; 2],
        file: Option<(&str, &str, &NewFile<'_>)>,
    ) -> ApiResult<Visit<Sent>> {
        let [conversation_id, message_id] = ids;
        let gate = Self::gate_args(token, now);
        let with = |extra: &[JsValue]| {
            gate.iter()
                .cloned()
                .chain(extra.iter().cloned())
                .collect::<Vec<JsValue>>()
        };
        let visible = visible_chat(VERIFIED_CONTACT);
        let mut statements = vec![
            self.prepare(
                &format!(
                    "INSERT OR IGNORE INTO conversations \
                       (id, site_id, channel, status, contact_id, visitor_id, started_at, last_message_at) \
                     SELECT ?4, v.site_id, 'chat', 'open', v.contact_id, v.id, ?5, ?5 FROM visitors v \
                     WHERE v.id = ?1 AND {MAY_WRITE} AND {visible} IS NULL \
                       AND NOT EXISTS (SELECT 1 FROM messages WHERE visitor_id = ?1 AND client_message_id = ?6)"
                ),
                &with(&[conversation_id.into(), ms(now), client_message_id.into()]),
            )?,
            self.prepare(
                &format!(
                    "INSERT OR IGNORE INTO messages \
                       (id, conversation_id, site_id, direction, author, visitor_id, body, client_message_id, created_at) \
                     SELECT ?4, c.id, c.site_id, 'inbound', 'visitor', ?1, ?5, ?6, ?7 FROM conversations c \
                     WHERE c.id = {visible} AND {MAY_WRITE}"
                ),
                &with(&[message_id.into(), body.into(), client_message_id.into(), ms(now)]),
            )?,
            self.reopen_for(message_id, now)?,
            self.prepare(&format!("UPDATE visitors SET last_seen_at = ?4 WHERE id = ?1 AND {MAY_WRITE}"), &with(&[ms(now)]))?,
            self.event(
                Event::ConversationCreated,
                &EventOf { event_id: event_ids[0], conversation_id: Some(conversation_id), ..EventOf::default() },
                now,
            )?,
            self.event(
                Event::MessageCreated,
                &EventOf { event_id: event_ids[1], message_id: Some(message_id), ..EventOf::default() },
                now,
            )?,
            self.prepare(VISITOR_SELECT, &[token.visitor_id.into()])?,
            self.prepare(
                &format!("{VISITOR_MESSAGE_SELECT} WHERE m.visitor_id = ?1 AND m.client_message_id = ?2"),
                &[token.visitor_id.into(), client_message_id.into()],
            )?,
        ];
        if let Some((attachment_id, site_id, file)) = file {
            // After the message's insert, before the reads: the answer lists the file.
            statements.insert(
                2,
                self.attachment_insert(attachment_id, message_id, site_id, file)?,
            );
        }
        let shift = usize::from(file.is_some());
        let results = self.batch(statements).await?;
        let visitor = results[6 + shift]
            .results::<VisitorRow>()?
            .into_iter()
            .next();
        let Some(visitor) = checked(visitor, token, now) else {
            return Ok(Visit::Unauthorized);
        };
        if visitor.blocked_at.is_some() {
            return Ok(Visit::Blocked);
        }
        let stored: api::VisitorMessage = last_rows::<VisitorMessageRow>(&results)?
            .into_iter()
            .next()
            .map(Into::into)
            .ok_or_else(|| ApiError::Internal("visitor message not found after insert".into()))?;
        let written = if stored.id == message_id {
            Written::Created
        } else {
            Written::AlreadyThere
        };
        let queued = delivery_ids(&results, 4 + shift..6 + shift)?;
        Ok(Visit::Done(visitor, (stored, written, queued)))
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
        let gate = Self::gate_args(token, now);
        let with = |extra: &[JsValue]| {
            gate.iter()
                .cloned()
                .chain(extra.iter().cloned())
                .collect::<Vec<JsValue>>()
        };
        let visible = visible_chat(VERIFIED_CONTACT);
        let statements = vec![
            self.prepare(
                &format!("UPDATE visitors SET last_seen_at = ?4 WHERE id = ?1 AND {VALID} AND last_seen_at < ?5"),
                &with(&[ms(now), ms(now.saturating_sub(touch_every))]),
            )?,
            self.prepare(VISITOR_SELECT, &[token.visitor_id.into()])?,
            self.prepare(&format!("SELECT id, agent_read_at FROM conversations WHERE id = {visible} AND {VALID}"), &gate)?,
            self.prepare(
                &format!(
                    "{VISITOR_MESSAGE_SELECT} WHERE m.conversation_id = {visible} AND {VALID} AND m.seq > ?4 \
                     AND ({VERIFIED_CONTACT} IS NOT NULL OR m.email_message_id IS NULL) ORDER BY m.seq"
                ),
                &with(&[ms(after)]),
            )?,
            self.prepare(&format!("{KNOWN_FIELDS} WHERE id = {VERIFIED_CONTACT} AND {VALID}"), &gate)?,
        ];
        let results = self.batch(statements).await?;
        let visitor = results[1].results::<VisitorRow>()?.into_iter().next();
        let Some(visitor) = checked(visitor, token, now) else {
            return Ok(Visit::Unauthorized);
        };
        #[derive(Deserialize)]
        struct Visible {
            id: String,
            agent_read_at: u64,
        }
        let conversation = results[2]
            .results::<Visible>()?
            .into_iter()
            .next()
            .map(|c| (c.id, c.agent_read_at));
        let messages = results[3]
            .results::<VisitorMessageRow>()?
            .into_iter()
            .map(Into::into)
            .collect();
        let contact_fields = results[4]
            .results::<KnownFields>()?
            .first()
            .map(KnownFields::names)
            .unwrap_or_default();
        Ok(Visit::Done(
            visitor,
            ThreadRead {
                conversation,
                messages,
                contact_fields,
            },
        ))
    }
}
