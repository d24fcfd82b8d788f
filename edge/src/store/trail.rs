//! The activity trail's SQL: private notes and the mentions they make, the
//! events a conversation change records, and the Mentions view. Notes are
//! trail rows, never `messages`, so no read made for a visitor, an email, a
//! transcript or an automation can return one.

use serde::Deserialize;
use shared::api;
use shared::trail::TrailKind;
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use super::conversations::{ConversationRow, CONVERSATION_COLUMNS, CONVERSATION_JOINS};
use super::ConversationChange;
use super::{ms, opt, Store};
use crate::error::{ApiError, ApiResult};
use shared::conversation::Status;

/// A note to store.
#[derive(Debug)]
pub struct NewNote<'a> {
    /// Its id.
    pub id: &'a str,
    /// The account whose conversation it is written in.
    pub account_id: &'a str,
    /// The conversation.
    pub conversation_id: &'a str,
    /// Who writes it.
    pub agent_id: &'a str,
    /// Its text (validated).
    pub body: &'a str,
    /// The agents it mentions (of the account; others are dropped).
    pub mentions: &'a [&'a str],
    /// The client's id for it: a retry with the same one stores nothing more.
    pub client_id: Option<&'a str>,
}

/// What [`Store::add_note`] did.
#[derive(Debug)]
pub enum Noted {
    /// The note was stored now.
    Written(api::TrailEvent),
    /// A note with this client id was stored before: that one, unchanged.
    Replayed(api::TrailEvent),
}

/// The columns of a [`api::TrailEvent`] as stored.
#[derive(Debug, Deserialize)]
struct TrailRow {
    id: String,
    conversation_id: String,
    kind: TrailKind,
    agent_id: Option<String>,
    agent_name: Option<String>,
    assignee_name: Option<String>,
    label_name: Option<String>,
    team_name: Option<String>,
    detail: Option<String>,
    body: Option<String>,
    created_at: u64,
}

impl From<TrailRow> for api::TrailEvent {
    fn from(r: TrailRow) -> Self {
        // A note's detail is whom it mentions, read as such.
        let (detail, mentions) = match r.kind {
            TrailKind::Note => (
                None,
                r.detail
                    .and_then(|d| serde_json::from_str(&d).ok())
                    .unwrap_or_default(),
            ),
            _ => (r.detail, Vec::new()),
        };
        api::TrailEvent {
            id: r.id,
            conversation_id: r.conversation_id,
            kind: r.kind,
            agent_id: r.agent_id,
            agent_name: r.agent_name,
            detail,
            assignee_name: r.assignee_name,
            label_name: r.label_name,
            team_name: r.team_name,
            body: r.body,
            mentions,
            created_at: r.created_at,
        }
    }
}

/// Selects [`TrailRow`]s; append a `WHERE` on `t`.
const TRAIL_SELECT: &str = "SELECT t.id, t.conversation_id, t.kind, t.agent_id, a.full_name AS agent_name, \
     CASE WHEN t.kind = 'assigned' THEN (SELECT full_name FROM agents WHERE id = t.detail) END AS assignee_name, \
     CASE WHEN t.kind IN ('label_added', 'label_removed') THEN (SELECT name FROM labels WHERE id = t.detail) END AS label_name, \
     CASE WHEN t.kind = 'assigned_team' THEN (SELECT name FROM teams WHERE id = t.detail) END AS team_name, \
     t.detail, t.body, t.created_at FROM trail t LEFT JOIN agents a ON a.id = t.agent_id";

/// A mention of the Mentions view, in the order the view lists them.
#[derive(Debug, Deserialize)]
struct MentionRow {
    conversation_id: String,
    note_id: String,
    mentioned_at: u64,
}

impl Store {
    /// Stores a note in a conversation of the account, and moves each agent
    /// it mentions to the top of their Mentions view, in one batch; the note
    /// stored before under the same client id writes nothing and is answered
    /// instead (decided by the unique index inside the write); `None` if the
    /// account has no such conversation.
    pub async fn add_note(&self, note: &NewNote<'_>, now: u64) -> ApiResult<Option<Noted>> {
        let mentions =
            serde_json::to_string(note.mentions).map_err(|e| ApiError::Internal(e.to_string()))?;
        let mut batch = self.batch();
        let written = batch.write(self.prepare(
            "INSERT INTO trail (id, conversation_id, kind, agent_id, detail, body, created_at, client_id) \
             SELECT ?1, c.id, ?2, ?3, ?4, ?5, ?6, ?9 FROM conversations c WHERE c.id = ?7 AND c.account_id = ?8 \
             ON CONFLICT DO NOTHING",
            &[
                note.id.into(),
                TrailKind::Note.as_str().into(),
                note.agent_id.into(),
                mentions.into(),
                note.body.into(),
                ms(now),
                note.conversation_id.into(),
                note.account_id.into(),
                opt(note.client_id),
            ],
        )?);
        batch.push(self.prepare(
            "INSERT INTO mentions (agent_id, conversation_id, note_id, mentioned_at) \
             SELECT a.id, t.conversation_id, t.id, t.created_at FROM trail t \
             JOIN agents a ON a.id IN (SELECT value FROM json_each(t.detail)) AND a.account_id = ?2 AND a.removed_at IS NULL \
             WHERE t.id = ?1 \
             ON CONFLICT (agent_id, conversation_id) DO UPDATE SET note_id = excluded.note_id, mentioned_at = excluded.mentioned_at",
            &[note.id.into(), note.account_id.into()],
        )?);
        let event = batch.rows::<TrailRow>(self.prepare(
            &format!(
                "{TRAIL_SELECT} WHERE t.conversation_id = (SELECT id FROM conversations WHERE id = ?2 AND account_id = ?3) \
                 AND (t.id = ?1 OR t.client_id = ?4) LIMIT 1"
            ),
            &[
                note.id.into(),
                note.conversation_id.into(),
                note.account_id.into(),
                opt(note.client_id),
            ],
        )?);
        let ran = batch.run().await?;
        let written = ran.changes(written)? == 1;
        Ok(ran.first(&event)?.map(|row| {
            let event = api::TrailEvent::from(row);
            if written {
                Noted::Written(event)
            } else {
                Noted::Replayed(event)
            }
        }))
    }

    /// A conversation's trail, oldest first.
    pub async fn trail(&self, conversation_id: &str) -> ApiResult<Vec<api::TrailEvent>> {
        let rows: Vec<TrailRow> = self
            .all(
                &format!(
                    "{TRAIL_SELECT} WHERE t.conversation_id = ?1 ORDER BY t.created_at, t.rowid"
                ),
                &[conversation_id.into()],
            )
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// A page of the conversations of the account a note mentioned
    /// `agent_id` in, most recently mentioned first, after `before` (the
    /// time and conversation of the last one of the page before), with the
    /// same of its last one when a next page may follow. `mentions` leads
    /// the join, read through `mentions_newest` in order (ties in the
    /// index's own order, by rowid): no scan, no sort.
    pub async fn mentions(
        &self,
        account_id: &str,
        agent_id: &str,
        before: Option<(u64, &str)>,
    ) -> ApiResult<(Vec<api::MentionedIn>, Option<(u64, String)>)> {
        let limit = JsValue::from(api::MENTIONS_LISTED);
        let mut args = vec![agent_id.into(), account_id.into(), limit];
        let after = match before {
            None => "",
            Some((at, conversation)) => {
                args.extend([ms(at), conversation.into()]);
                "AND mn.mentioned_at <= ?4 AND (mn.mentioned_at < ?4 OR \
                 mn.rowid > (SELECT rowid FROM mentions WHERE agent_id = ?1 AND conversation_id = ?5))"
            }
        };
        let newest = format!(
            "FROM mentions mn CROSS JOIN conversations c ON c.id = mn.conversation_id \
             WHERE mn.agent_id = ?1 AND c.account_id = ?2 {after} ORDER BY mn.mentioned_at DESC, mn.rowid LIMIT ?3"
        );
        let mut batch = self.batch();
        let marks = batch.rows::<MentionRow>(self.prepare(
            &format!("SELECT mn.conversation_id, mn.note_id, mn.mentioned_at {newest}"),
            &args,
        )?);
        let conversations = batch.rows::<ConversationRow>(self.prepare(
            &format!(
                "SELECT {CONVERSATION_COLUMNS} FROM conversations c {CONVERSATION_JOINS} WHERE c.id IN \
                 (SELECT mn.conversation_id {newest})"
            ),
            &args,
        )?);
        let ran = batch.run().await?;
        let mut conversations: Vec<api::Conversation> = ran
            .rows(&conversations)?
            .into_iter()
            .map(Into::into)
            .collect();
        let marks = ran.rows(&marks)?;
        let next = (marks.len() == api::MENTIONS_LISTED as usize)
            .then(|| marks.last())
            .flatten()
            .map(|m| (m.mentioned_at, m.conversation_id.clone()));
        let listed = marks
            .into_iter()
            .filter_map(|mark| {
                let at = conversations
                    .iter()
                    .position(|c| c.id == mark.conversation_id)?;
                Some(api::MentionedIn {
                    conversation: conversations.swap_remove(at),
                    note_id: mark.note_id,
                    mentioned_at: mark.mentioned_at,
                })
            })
            .collect();
        Ok((listed, next))
    }

    /// The statement that records `kind` by `agent_id` in the trail of the
    /// conversation `ours` finds (a `WHERE` over `conversations` with `args`'
    /// placeholders), when `changes` (SQL over the row before the change)
    /// holds; it runs before the change in the same batch.
    pub(super) fn trail_event(
        &self,
        event: &TrailChange<'_>,
        ours: &str,
        changes: &str,
        args: &[JsValue],
    ) -> ApiResult<D1PreparedStatement> {
        let n = args.len();
        let mut bound = args.to_vec();
        bound.extend([
            crate::ids::new_id("ev").into(),
            event.kind.as_str().into(),
            event.agent_id.into(),
            opt(event.detail),
            ms(event.at),
        ]);
        let [id, kind, agent, detail, at] = [n + 1, n + 2, n + 3, n + 4, n + 5];
        self.prepare(
            &format!(
                "INSERT INTO trail (id, conversation_id, kind, agent_id, detail, created_at) \
                 SELECT ?{id}, id, ?{kind}, ?{agent}, ?{detail}, ?{at} FROM conversations WHERE {ours} AND ({changes})"
            ),
            &bound,
        )
    }
}

impl Store {
    /// The statement, before a change of a conversation's labels in its
    /// batch, that records each label of the JSON array `?5` the change puts
    /// on ([`TrailKind::LabelAdded`]: not on yet) or takes off
    /// ([`TrailKind::LabelRemoved`]: on now), by `by`, where `guard` (over
    /// `args`' `?1` account and `?2` conversation) holds: a retry records nothing.
    pub(super) fn label_events(
        &self,
        kind: TrailKind,
        guard: &str,
        args: &[JsValue],
        (by, at): (&str, u64),
    ) -> ApiResult<D1PreparedStatement> {
        let n = args.len();
        let mut bound = args.to_vec();
        bound.extend([
            crate::ids::new_id("ev").into(),
            kind.as_str().into(),
            by.into(),
            ms(at),
        ]);
        let on = match kind {
            TrailKind::LabelRemoved => "EXISTS",
            _ => "NOT EXISTS",
        };
        let [id, kind, agent, at] = [n + 1, n + 2, n + 3, n + 4];
        self.prepare(
            &format!(
                "INSERT INTO trail (id, conversation_id, kind, agent_id, detail, created_at) \
                 SELECT ?{id} || '_' || j.key, ?2, ?{kind}, ?{agent}, j.value, ?{at} FROM json_each(?5) j \
                 WHERE {guard} AND {on} (SELECT 1 FROM conversation_labels k WHERE k.conversation_id = ?2 AND k.label_id = j.value)"
            ),
            &bound,
        )
    }

    /// The statement that records `kind` by the system (no agent) at `?{at}`
    /// in the trail of every conversation `which` finds (a `WHERE` over
    /// `conversations`, with `args`' placeholders; `kind` may be SQL over
    /// the row); it runs before the change, in the same batch.
    pub(super) fn system_events(
        &self,
        kind: &str,
        which: &str,
        args: &[JsValue],
        at: u64,
    ) -> ApiResult<D1PreparedStatement> {
        let n = args.len();
        let mut bound = args.to_vec();
        bound.extend([crate::ids::new_id("ev").into(), ms(at)]);
        let [id, at] = [n + 1, n + 2];
        self.prepare(
            &format!(
                "INSERT INTO trail (id, conversation_id, kind, agent_id, detail, created_at) \
                 SELECT ?{id} || '_' || id, id, {kind}, NULL, NULL, ?{at} FROM conversations WHERE {which}"
            ),
            &bound,
        )
    }
}

/// An event a conversation change records.
#[derive(Debug, Clone, Copy)]
pub struct TrailChange<'a> {
    /// What happened.
    pub kind: TrailKind,
    /// Who did it.
    pub agent_id: &'a str,
    /// The kind's value (an assignee or team id).
    pub detail: Option<&'a str>,
    /// When, ms.
    pub at: u64,
}

impl<'a> ConversationChange<'a> {
    /// The trail events this change records, each with the SQL (over the
    /// conversation before it, the update's placeholders) that says whether
    /// it changes anything: closing a closed conversation records nothing.
    pub(super) fn trail_events(&self, at: u64) -> Vec<(TrailChange<'a>, &'static str)> {
        let event = |kind, detail| TrailChange {
            kind,
            agent_id: self.by,
            detail,
            at,
        };
        let mut events = Vec::new();
        if let Some(status) = self.status {
            let kind = match status {
                Status::Closed => TrailKind::Closed,
                Status::Open => TrailKind::Reopened,
            };
            events.push((event(kind, None), "status != ?3"));
        }
        if let Some(assignee) = self.assignee {
            let kind = match assignee {
                Some(_) => TrailKind::Assigned,
                None => TrailKind::Unassigned,
            };
            events.push((event(kind, assignee), "assignee_id IS NOT ?5"));
        }
        if let Some(spam) = self.spam {
            let kind = if spam {
                TrailKind::MarkedSpam
            } else {
                TrailKind::UnmarkedSpam
            };
            events.push((event(kind, None), "(spam_at IS NULL) = (?7 IS NOT NULL)"));
        }
        if let Some(team) = self.team {
            let kind = match team {
                Some(_) => TrailKind::AssignedTeam,
                None => TrailKind::UnassignedTeam,
            };
            events.push((event(kind, team), "team_id IS NOT ?9"));
        }
        events
    }
}
