//! SQL of the flow's runtime (`routes/flows.rs`): where a visitor's
//! conversation stands in its flow, and one turn of it (an answer, the Form,
//! or the start) written as one batch. The turn's first write is the
//! compare-and-set on the step it answers; it marks the conversation with the
//! turn's fresh id, and every later statement runs only where that mark is,
//! so a lost race or a retry writes nothing at all.

use serde::Deserialize;
use shared::api;
use shared::automation::Event;
use shared::flow::{Effect, Run, SaveTo};
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use super::flow_effects::sql_id;
use super::{visible_chat, VisitorMessageRow, VisitorRow, VISITOR_MESSAGE_SELECT, VISITOR_SELECT};
use crate::error::{ApiError, ApiResult};
use crate::ids::new_id;
use crate::store::automations::{queued, EventOf, Queued};
use crate::store::batch::{Args, Batch};
use crate::store::crm_jobs::CRM_JOB_PREFIX;
use crate::store::report::{Report, Target};
use crate::store::{ms, opt, Store};

/// The visitor's conversation as its flow sees it.
#[derive(Debug, Deserialize)]
pub struct FlowState {
    /// The conversation's id.
    pub id: String,
    /// The flow version it runs (`None`: never started one).
    pub flow_version: Option<u32>,
    /// The step it waits at (`None`: no flow runs).
    pub flow_step: Option<String>,
    /// That version's flow, as saved (JSON; `None` for version 0 or none).
    pub flow: Option<String>,
}

/// Where the visitor stands, read before an answer.
#[derive(Debug, Deserialize)]
struct FlowRead {
    /// Whether someone of the account can answer now (an agent online and not away).
    online: u8,
    /// Whether the visitor already stored a message with the answer's client id (a retry).
    stored: u8,
}

/// The visitor's conversation as its flow sees it, whether the team is
/// online, and whether this answer's client id is stored already.
pub type FlowSeen = (Option<FlowState>, bool, bool);

/// The site's saved flow, read back by a chat send that started a conversation.
#[derive(Debug, Deserialize)]
pub struct SavedFlow {
    /// Its version.
    pub version: u32,
    /// The flow, as saved (JSON).
    pub flow: String,
    /// The site's language (the flow's texts in it).
    pub language: shared::site::Language,
    /// Whether an agent of the account is online and not away.
    pub online: u8,
}

/// How the turn's compare-and-set finds the flow where the caller read it.
#[derive(Debug, Clone, Copy)]
pub enum Guard<'a> {
    /// Waiting at this step (of the turn's version).
    At(&'a str),
    /// Never started (the conversation a chat send just made).
    Start,
}

/// A new conversation an answer makes (a flow the opening starts): its id,
/// and the opening's run, written before the answer's turn.
#[derive(Debug)]
pub struct Opening<'a> {
    /// The new conversation's id.
    pub conversation: &'a str,
    /// What the opening said and did, up to the step answered.
    pub run: &'a Run,
    /// The `conversation.created` event's id.
    pub event_id: &'a str,
}

/// One turn of a conversation's flow.
#[derive(Debug)]
pub struct Turn<'a> {
    /// The visitor answering.
    pub visitor: &'a VisitorRow,
    /// The conversation's id, when it exists before the turn.
    pub conversation: Option<&'a str>,
    /// The flow version it runs.
    pub version: u32,
    /// Where the flow must be for the turn to apply.
    pub guard: Guard<'a>,
    /// What the turn says and does (its `wait` is the next step).
    pub run: &'a Run,
    /// The answer's client id (a retry with it applies nothing), for an answer with an echo.
    pub client_message_id: Option<&'a str>,
    /// Checked attribute values a question saves on the contact.
    pub attributes: &'a [(String, Option<serde_json::Value>)],
}

/// What a turn did.
#[derive(Debug)]
pub struct Turned {
    /// Whether the compare-and-set applied (else nothing was written).
    pub applied: bool,
    /// Whether this client id was stored by an earlier call (a retry).
    pub retried: bool,
    /// The step the flow waits at after the batch.
    pub flow_step: Option<String>,
    /// The messages the turn stored, in order.
    pub messages: Vec<api::VisitorMessage>,
    /// The visitor afterwards (whether it and its team listen).
    pub visitor: VisitorRow,
    /// Automation deliveries to enqueue.
    pub queued: Vec<String>,
    /// ActiveCampaign jobs to enqueue (a flow's step entering an ActiveCampaign automation).
    pub crm_jobs: Vec<String>,
}

#[derive(Deserialize)]
struct After {
    flow_step: Option<String>,
    flow_turn: Option<String>,
    retried: u8,
}

/// SQL true while an agent of the account bound at `account` is online and not away.
fn online(account: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM agents WHERE account_id = {account} AND removed_at IS NULL AND away = 0 AND live_tabs > 0)"
    )
}

impl Store {
    /// The conversation the visitor sees, with its flow's version, step and
    /// that version's JSON, whether the team is online, and whether the
    /// visitor stored `client_message_id` already: one round trip.
    pub async fn flow_state(
        &self,
        visitor: &VisitorRow,
        client_message_id: Option<&str>,
    ) -> ApiResult<FlowSeen> {
        let mut batch = self.batch();
        let mut args = Args::new();
        let v = args.bind(visitor.id.as_str());
        let contact = match visitor.verified_contact() {
            Some(c) => args.bind(c).to_string(),
            None => "NULL".into(),
        };
        let visible = visible_chat(v, &contact);
        let state = batch.rows::<FlowState>(self.prepare(
            &format!(
                "SELECT c.id, c.flow_version, c.flow_step, f.flow FROM conversations c \
                 LEFT JOIN flow_versions f ON f.site_id = c.site_id AND f.version = c.flow_version WHERE c.id = {visible}"
            ),
            args.values(),
        )?);
        let read = batch.rows::<FlowRead>(self.prepare(
            &format!(
                "SELECT {} AS online, EXISTS (SELECT 1 FROM messages WHERE visitor_id = ?2 AND client_message_id = ?3) AS stored",
                online("?1")
            ),
            &[visitor.account_id.as_str().into(), visitor.id.as_str().into(), opt(client_message_id)],
        )?);
        let ran = batch.run().await?;
        let read = ran.first(&read)?;
        let online = read.as_ref().is_some_and(|r| r.online == 1);
        let stored = read.is_some_and(|r| r.stored == 1);
        Ok((ran.first(&state)?, online, stored))
    }

    /// The statement a chat send adds to its batch: the site's saved flow
    /// (with whether the team is online), only when the send made the
    /// conversation `new_conversation` on a site that saved a flow.
    pub(super) fn saved_flow_of_new(
        &self,
        new_conversation: &str,
    ) -> ApiResult<D1PreparedStatement> {
        self.prepare(
            &format!(
                "SELECT f.version, f.flow, s.language, {} AS online FROM conversations c JOIN sites s ON s.id = c.site_id \
                 JOIN flow_versions f ON f.site_id = s.id AND f.version = s.flow_version WHERE c.id = ?1",
                online("s.account_id")
            ),
            &[new_conversation.into()],
        )
    }

    /// Writes one turn of a flow in one batch (see the module's doc); with
    /// `opening`, first makes the visitor's conversation, at the step the
    /// opening waits at, with the opening's lines.
    pub async fn flow_turn(
        &self,
        turn: &Turn<'_>,
        opening: Option<&Opening<'_>>,
        now: u64,
    ) -> ApiResult<Turned> {
        let mut batch = self.batch();
        let mut ids = Vec::new();
        let visitor = turn.visitor.id.as_str();
        let conversation = match (turn.conversation, opening) {
            (Some(id), _) => id.to_string(),
            (None, Some(o)) => o.conversation.to_string(),
            (None, None) => return Err(ApiError::Internal("a turn without a conversation".into())),
        };
        let mut events = Vec::new();
        if let (None, Some(o)) = (turn.conversation, opening) {
            self.open_flow_chat(&mut batch, turn, o, (&mut ids, &mut events), now)?;
        }
        let mark = new_id("ft");
        batch.push(self.flow_compare_and_set(turn, &conversation, &mark, now)?);
        let marked = format!(
            "EXISTS (SELECT 1 FROM conversations WHERE id = '{}' AND flow_turn = '{}')",
            sql_id(&conversation)?,
            sql_id(&mark)?
        );
        self.flow_echo(
            &mut batch,
            turn,
            (&conversation, &marked),
            (&mut ids, &mut events),
            now,
        )?;
        let entered = opening.into_iter().flat_map(|o| &o.run.effects);
        let entered = entered.filter(|e| matches!(e, Effect::EnterAutomation(_)));
        for effect in entered.chain(&turn.run.effects) {
            self.flow_effect(
                &mut batch,
                turn,
                effect,
                (&conversation, &marked, &mark),
                (&mut ids, &mut events),
                now,
            )?;
        }
        let after = batch.rows::<After>(self.prepare(
            "SELECT flow_step, flow_turn, EXISTS (SELECT 1 FROM messages WHERE visitor_id = ?2 AND client_message_id = ?3) AS retried \
             FROM conversations WHERE id = ?1",
            &[conversation.as_str().into(), visitor.into(), opt(turn.client_message_id)],
        )?);
        let ids_json =
            serde_json::to_string(&ids).map_err(|e| ApiError::Internal(e.to_string()))?;
        let stored = batch.rows::<VisitorMessageRow>(self.prepare(
            &format!("{VISITOR_MESSAGE_SELECT} WHERE m.id IN (SELECT value FROM json_each(?1)) ORDER BY m.seq"),
            &[ids_json.into()],
        )?);
        let visitor_row =
            batch.rows::<VisitorRow>(self.prepare(VISITOR_SELECT, &[visitor.into()])?);
        let ran = batch.run().await?;
        let after = ran.first(&after)?;
        let applied = after
            .as_ref()
            .is_some_and(|a| a.flow_turn.as_deref() == Some(mark.as_str()));
        // The turn's statements return the rows they recorded: deliveries
        // (`dl_`) and ActiveCampaign jobs (`cj_`), told apart by their ids' prefix.
        let (crm_jobs, queued): (Vec<String>, Vec<String>) = queued(&ran, &events)?
            .into_iter()
            .partition(|id| id.starts_with(CRM_JOB_PREFIX));
        Ok(Turned {
            applied,
            retried: !applied && after.as_ref().is_some_and(|a| a.retried == 1),
            flow_step: after.and_then(|a| a.flow_step),
            messages: ran.rows(&stored)?.into_iter().map(Into::into).collect(),
            visitor: ran
                .first(&visitor_row)?
                .ok_or_else(|| ApiError::Internal("visitor vanished".into()))?,
            queued,
            crm_jobs,
        })
    }

    /// The statement of the visitor's answer as their message (the echo),
    /// with its `message.created` event, where the turn's mark is.
    fn flow_echo(
        &self,
        batch: &mut Batch<'_>,
        turn: &Turn<'_>,
        (conversation, marked): (&str, &str),
        (ids, events): (&mut Vec<String>, &mut Vec<Queued>),
        now: u64,
    ) -> ApiResult<()> {
        if let (Some(client), Some(echo)) = (turn.client_message_id, turn.run.echo.as_deref()) {
            let visitor = turn.visitor.id.as_str();
            let id = new_id("m");
            batch.push(self.prepare(
                &format!(
                    "INSERT INTO messages (id, conversation_id, site_id, direction, author, visitor_id, body, client_message_id, created_at) \
                     SELECT ?1, c.id, c.site_id, 'inbound', 'visitor', ?2, ?3, ?4, ?5 FROM conversations c WHERE c.id = ?6 AND {marked}"
                ),
                &[id.as_str().into(), visitor.into(), echo.into(), client.into(), ms(now), conversation.into()],
            )?);
            // The reports: the visitor's answer is a message in (store::report).
            let answer = shared::report::Event::Message {
                at: now,
                author: shared::conversation::Author::Visitor,
                automated: false,
            };
            batch.extend(self.report_message(&id, &Report::unread(answer, None))?);
            let event_id = new_id("ev");
            let of = EventOf {
                event_id: &event_id,
                message_id: Some(id.as_str()),
                ..EventOf::default()
            };
            events.push(batch.rows(self.event(Event::MessageCreated, &of, now)?));
            ids.push(id);
        }
        Ok(())
    }

    /// The statements that make the visitor's conversation for a flow the
    /// opening starts (unless it sees one already), at the step the opening
    /// waits at, assigned by the site's rule, with the opening's lines and
    /// actions and its `conversation.created` event.
    fn open_flow_chat(
        &self,
        batch: &mut Batch<'_>,
        turn: &Turn<'_>,
        opening: &Opening<'_>,
        (ids, events): (&mut Vec<String>, &mut Vec<Queued>),
        now: u64,
    ) -> ApiResult<()> {
        let mut args = Args::new();
        let (id, v, at, version, step) = (
            args.bind(opening.conversation),
            args.bind(turn.visitor.id.as_str()),
            args.bind(ms(now)),
            args.bind(turn.version),
            args.bind(match turn.guard {
                Guard::At(step) => JsValue::from(step),
                Guard::Start => JsValue::NULL,
            }),
        );
        let visible = visible_chat(v, "NULL");
        batch.push(self.prepare(
            &format!(
                "INSERT OR IGNORE INTO conversations \
                   (id, site_id, channel, status, contact_id, visitor_id, started_at, last_message_at, flow_version, flow_step, flow_answers) \
                 SELECT {id}, v.site_id, 'chat', 'open', v.contact_id, v.id, {at}, {at}, {version}, {step}, '{{}}' FROM visitors v \
                 WHERE v.id = {v} AND v.blocked_at IS NULL AND {visible} IS NULL"
            ),
            args.values(),
        )?);
        batch.extend(self.assign_by_rule(opening.conversation, now)?);
        // The reports: the conversation opened (its first event, the opening's bot lines, counts nothing more).
        let first = shared::report::Event::Message {
            at: now,
            author: shared::conversation::Author::Bot,
            automated: false,
        };
        let fresh = [JsValue::from_str(opening.conversation)];
        let target = Target {
            sql: "id = ?1",
            args: &fresh,
        };
        batch.extend(self.report(&target, &Report::unread(first, Some(opening.conversation)))?);
        let made = format!(
            "EXISTS (SELECT 1 FROM conversations WHERE id = '{}')",
            sql_id(opening.conversation)?
        );
        // Its automation, if it enters one, follows the turn's compare-and-set (see `flow_turn`).
        for effect in opening
            .run
            .effects
            .iter()
            .filter(|e| !matches!(e, Effect::EnterAutomation(_)))
        {
            let at = (opening.conversation, made.as_str(), "");
            self.flow_effect(batch, turn, effect, at, (&mut *ids, &mut *events), now)?;
        }
        let of = EventOf {
            event_id: opening.event_id,
            conversation_id: Some(opening.conversation),
            ..EventOf::default()
        };
        events.push(batch.rows(self.event(Event::ConversationCreated, &of, now)?));
        Ok(())
    }

    /// The turn's compare-and-set: moves the flow to its next step, keeps its
    /// saved answers and marks the conversation, only where the flow is where
    /// the caller read it and this answer's client id is not stored yet.
    fn flow_compare_and_set(
        &self,
        turn: &Turn<'_>,
        conversation: &str,
        mark: &str,
        now: u64,
    ) -> ApiResult<D1PreparedStatement> {
        let mut args = Args::new();
        let (id, mark, next, version, at, visitor, client) = (
            args.bind(conversation),
            args.bind(mark),
            args.bind(opt(turn.run.wait.as_ref().map(|w| w.step.as_str()))),
            args.bind(turn.version),
            args.bind(ms(now)),
            args.bind(turn.visitor.id.as_str()),
            args.bind(opt(turn.client_message_id)),
        );
        let mut answers = "COALESCE(flow_answers, '{}')".to_string();
        for effect in &turn.run.effects {
            if let Effect::Save {
                to: SaveTo::Conversation { key } | SaveTo::Attribute { key },
                value,
            } = effect
            {
                let (path, value) = (args.bind(format!("$.{key}")), args.bind(value.as_str()));
                answers = format!("json_set({answers}, {path}, {value})");
            }
        }
        let guard = match turn.guard {
            Guard::At(step) => format!(
                "flow_step = {} AND flow_version = {version}",
                args.bind(step)
            ),
            Guard::Start => "flow_step IS NULL AND flow_version IS NULL".into(),
        };
        self.prepare(
            &format!(
                "UPDATE conversations SET flow_step = {next}, flow_version = {version}, flow_turn = {mark}, \
                   flow_answers = {answers}, last_message_at = {at} \
                 WHERE id = {id} AND {guard} AND ({client} IS NULL OR NOT EXISTS \
                   (SELECT 1 FROM messages WHERE visitor_id = {visitor} AND client_message_id = {client})) \
                   AND EXISTS (SELECT 1 FROM visitors WHERE id = {visitor} AND blocked_at IS NULL)"
            ),
            args.values(),
        )
    }
}
