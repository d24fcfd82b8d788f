//! What the inbox receives of a conversation's activity trail and of the
//! notes that mention an agent. None of these shapes is visitor-facing, and
//! no visitor-facing shape (`VisitorMessage`, `WidgetPush`) is built from them.

use serde::Serialize;

use super::Conversation;
use crate::trail::TrailKind;

/// An event of a conversation's trail: who did what, when; for a note, its
/// text and whom it mentions.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TrailEvent {
    /// Event id (a note's id).
    pub id: String,
    /// Its conversation.
    pub conversation_id: String,
    /// What happened.
    pub kind: TrailKind,
    /// Who did it (null: the system).
    pub agent_id: Option<String>,
    /// Their full name.
    pub agent_name: Option<String>,
    /// The kind's value, as stored (an assignee's id; null for a note).
    pub detail: Option<String>,
    /// For an assignment: the assignee's full name.
    pub assignee_name: Option<String>,
    /// For a label put on or taken off: the label's name (null once deleted).
    pub label_name: Option<String>,
    /// For an assignment to a team: the team's name.
    pub team_name: Option<String>,
    /// For a note: its text.
    pub body: Option<String>,
    /// For a note: the agents it mentions (ids).
    pub mentions: Vec<String>,
    /// When, ms.
    pub created_at: u64,
}

/// `POST /api/conversations/{id}/notes`: the note as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NoteAnswer {
    /// The note.
    pub note: TrailEvent,
}

/// `GET /api/mentions?before=`: a page of the conversations a note mentioned me in.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Mentions {
    /// Most recently mentioned first (at most [`MENTIONS_LISTED`]).
    pub conversations: Vec<MentionedIn>,
    /// The opaque cursor of the next page (`before=`), or null on the last one.
    pub next: Option<String>,
}

/// A conversation I was mentioned in.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct MentionedIn {
    /// The conversation, as the list shows it.
    pub conversation: Conversation,
    /// The latest note that mentioned me.
    pub note_id: String,
    /// When, ms.
    pub mentioned_at: u64,
}

/// Most conversations a page of the Mentions view lists.
pub const MENTIONS_LISTED: u32 = 50;
