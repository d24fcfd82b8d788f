//! What a visitor's reply to a proactive message records (migration 0026):
//! the message stored before the reply as the bot's line, and its counts.
//!
//! The widget tells the worker the visitor opened the chat from a bubble
//! (`POST /api/widget/proactive`) only once the visitor has a token: a
//! returning visitor when they click (an "open", attached to their next
//! reply by the send's batch), a new one when they write (the reply may then
//! be stored already, and is attached at once; else the open waits for it).
//! Either way one reply gets one record (`proactive_replies`, claimed with a
//! fresh bot line id that later statements check: a compare-and-set), so a
//! retried, raced or repeated call counts once.

use serde::Deserialize;
use shared::proactive::OPEN_TTL_MS;
use shared::visitor::VisitorToken;
use worker::D1PreparedStatement;

use super::visits::{checked, Gate, Visit};
use super::VISITOR_SELECT;
use crate::error::ApiResult;
use crate::store::batch::{Args, Param};
use crate::store::{ms, Store, VisitorRow};

/// Whether the named message is one of the visitor's site's enabled messages.
#[derive(Debug, Deserialize)]
struct Known {
    n: u32,
}

/// The bot line of a claimed reply: `reply` an SQL expression for its id,
/// `bot` bound, `at` an SQL expression over `m`, the reply (its creation
/// time, or a bound time).
fn bot_line(reply: &str, bot: Param, at: &str) -> String {
    format!(
        "INSERT INTO messages (id, conversation_id, site_id, direction, author, body, created_at) \
         SELECT r.bot_message_id, r.conversation_id, c.site_id, 'outbound', 'bot', pm.body, {at} \
         FROM proactive_replies r JOIN proactive_messages pm ON pm.id = r.message_id \
           JOIN conversations c ON c.id = r.conversation_id LEFT JOIN messages m ON m.id = r.reply_id \
         WHERE r.reply_id = {reply} AND r.bot_message_id = {bot}"
    )
}

/// Whether `message` is one of the enabled messages of `visitor`'s site.
fn enabled(visitor: Param, message: Param) -> String {
    format!(
        "EXISTS (SELECT 1 FROM proactive_messages WHERE id = {message} AND enabled = 1 \
           AND site_id = (SELECT site_id FROM visitors WHERE id = {visitor}))"
    )
}

/// The id of `visitor`'s first message.
fn first_message(visitor: Param) -> String {
    format!(
        "(SELECT id FROM messages WHERE visitor_id = {visitor} ORDER BY created_at, rowid LIMIT 1)"
    )
}

/// The counts of a claimed reply's message: replied, and started when the reply started its conversation.
fn count(reply: &str, bot: Param) -> String {
    let claimed =
        format!("FROM proactive_replies WHERE reply_id = {reply} AND bot_message_id = {bot}");
    format!(
        "UPDATE proactive_messages SET replied = replied + 1, started = started + (SELECT started {claimed}) \
         WHERE id = (SELECT message_id {claimed})"
    )
}

impl Store {
    /// A statement over the visitor's gate: `sql` builds it from the bound token and its own values.
    fn proactive_gated(
        &self,
        token: &VisitorToken<'_>,
        now: u64,
        sql: impl FnOnce(&mut Args, &Gate) -> String,
    ) -> ApiResult<D1PreparedStatement> {
        let mut args = Args::new();
        let gate = Gate::bind(&mut args, token, now);
        let sql = sql(&mut args, &gate);
        self.prepare(&sql, args.values())
    }

    /// In a chat send's batch, after the conversation is opened and before
    /// the reply `reply` is written: claims the visitor's fresh open (if
    /// this send writes the message) and stores the message's bot line.
    pub(super) fn proactive_before_reply(
        &self,
        token: &VisitorToken<'_>,
        (reply, bot, started_conversation): (&str, &str, &str),
        client_message_id: &str,
        now: u64,
    ) -> ApiResult<[D1PreparedStatement; 2]> {
        let claim = self.proactive_gated(token, now, |args, gate| {
            let (reply, bot, new) = (args.bind(reply), args.bind(bot), args.bind(started_conversation));
            let (client, at, fresh) = (
                args.bind(client_message_id),
                args.bind(ms(now)),
                args.bind(ms(now.saturating_sub(OPEN_TTL_MS))),
            );
            let (visitor, may_write, visible) = (gate.visitor, gate.may_write(), gate.visible_chat());
            format!(
                "INSERT OR IGNORE INTO proactive_replies (reply_id, message_id, bot_message_id, conversation_id, started, created_at) \
                 SELECT {reply}, o.message_id, {bot}, {visible}, {visible} = {new}, {at} FROM proactive_opens o \
                 WHERE o.visitor_id = {visitor} AND o.opened_at >= {fresh} AND {may_write} AND {visible} IS NOT NULL \
                   AND NOT EXISTS (SELECT 1 FROM messages WHERE visitor_id = {visitor} AND client_message_id = {client})"
            )
        })?;
        let mut args = Args::new();
        let (r, b, at) = (args.bind(reply), args.bind(bot), args.bind(ms(now)));
        let line = self.prepare(&bot_line(&r.to_string(), b, &at.to_string()), args.values())?;
        Ok([claim, line])
    }

    /// In a chat send's batch, after the reply is written: counts a claimed
    /// reply, and the visitor's open is used up.
    pub(super) fn proactive_after_reply(
        &self,
        (reply, bot): (&str, &str),
        visitor_id: &str,
    ) -> ApiResult<[D1PreparedStatement; 2]> {
        let mut args = Args::new();
        let (r, b) = (args.bind(reply), args.bind(bot));
        let counted = self.prepare(&count(&r.to_string(), b), args.values())?;
        let v = args.bind(visitor_id);
        let used = self.prepare(
            &format!(
                "DELETE FROM proactive_opens WHERE visitor_id = {v} \
                 AND EXISTS (SELECT 1 FROM proactive_replies WHERE reply_id = {r} AND bot_message_id = {b})"
            ),
            args.values(),
        )?;
        Ok([counted, used])
    }

    /// A new visitor's first message, if stored within [`OPEN_TTL_MS`] and
    /// not claimed yet: its claim for `message_id` with the bot line `bot`,
    /// the bot line (just before the reply, by time), and the count.
    fn proactive_attach_first(
        &self,
        token: &VisitorToken<'_>,
        message_id: &str,
        bot: &str,
        now: u64,
    ) -> ApiResult<[D1PreparedStatement; 3]> {
        let claim = self.proactive_gated(token, now, |args, gate| {
            let (message, bot, fresh, at) = (
                args.bind(message_id),
                args.bind(bot),
                args.bind(ms(now.saturating_sub(OPEN_TTL_MS))),
                args.bind(ms(now)),
            );
            let (known, first, may_write) = (
                enabled(gate.visitor, message),
                first_message(gate.visitor),
                gate.may_write(),
            );
            format!(
                "INSERT OR IGNORE INTO proactive_replies (reply_id, message_id, bot_message_id, conversation_id, started, created_at) \
                 SELECT m.id, {message}, {bot}, m.conversation_id, \
                   NOT EXISTS (SELECT 1 FROM messages e WHERE e.conversation_id = m.conversation_id AND e.seq < m.seq), {at} \
                 FROM messages m WHERE m.id = {first} AND m.created_at >= {fresh} AND {known} AND {may_write}"
            )
        })?;
        // The reply is the record this call claimed: the visitor's first message.
        let mut args = Args::new();
        let (v, b) = (args.bind(token.visitor_id), args.bind(bot));
        let reply = first_message(v);
        Ok([
            claim,
            self.prepare(&bot_line(&reply, b, "m.created_at - 1"), args.values())?,
            self.prepare(&count(&reply, b), args.values())?,
        ])
    }

    /// Records that the visitor opened the chat from `message_id`'s bubble,
    /// in one batch: with `replied` (a new visitor, writing now) its first
    /// message, if stored within [`OPEN_TTL_MS`], gets the bot line and is
    /// counted; otherwise (or if not stored yet) the open waits for the next
    /// reply. Answers whether the message is one of the site's enabled ones.
    pub async fn proactive_opened(
        &self,
        token: &VisitorToken<'_>,
        (message_id, replied): (&str, bool),
        bot: &str,
        now: u64,
    ) -> ApiResult<Visit<bool>> {
        let mut batch = self.batch();
        if replied {
            batch.extend(self.proactive_attach_first(token, message_id, bot, now)?);
        }
        batch.push(self.proactive_gated(token, now, |args, gate| {
            let (message, at) = (args.bind(message_id), args.bind(ms(now)));
            let (known, may_write, visitor) = (enabled(gate.visitor, message), gate.may_write(), gate.visitor);
            // With `replied`, only while the reply is not stored yet (else it was attached above, or is too old).
            let waiting = if replied {
                format!(" AND NOT EXISTS (SELECT 1 FROM messages WHERE visitor_id = {visitor})")
            } else {
                String::new()
            };
            format!(
                "INSERT INTO proactive_opens (visitor_id, message_id, opened_at) SELECT {visitor}, {message}, {at} \
                 WHERE {known} AND {may_write}{waiting} \
                 ON CONFLICT (visitor_id) DO UPDATE SET message_id = excluded.message_id, opened_at = excluded.opened_at"
            )
        })?);
        let visitor =
            batch.rows::<VisitorRow>(self.prepare(VISITOR_SELECT, &[token.visitor_id.into()])?);
        let known = batch.rows::<Known>(self.prepare(
            "SELECT COUNT(*) AS n FROM proactive_messages WHERE id = ?1 AND enabled = 1 \
               AND site_id = (SELECT site_id FROM visitors WHERE id = ?2)",
            &[message_id.into(), token.visitor_id.into()],
        )?);
        let ran = batch.run().await?;
        let Some(visitor) = checked(ran.first(&visitor)?, token, now) else {
            return Ok(Visit::Unauthorized);
        };
        if visitor.blocked_at.is_some() {
            return Ok(Visit::Blocked);
        }
        let known = ran.first(&known)?.is_some_and(|k| k.n > 0);
        Ok(Visit::Done(visitor, known))
    }
}
