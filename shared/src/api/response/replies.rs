//! What the inbox receives about saved replies and chat transcripts.

use serde::{Deserialize, Serialize};

use crate::transcript::TranscriptStatus;

/// A saved reply as the team manages it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SavedReply {
    /// Saved reply id.
    pub id: String,
    /// What the agent types after `/`.
    pub shortcut: String,
    /// One-line title.
    pub title: String,
    /// The text with its placeholders, as written.
    pub body: String,
    /// Creation time, ms.
    pub created_at: u64,
    /// Last change, ms.
    pub updated_at: u64,
    /// Who changed it last (an agent's full name).
    pub updated_by_name: Option<String>,
}

/// `GET /api/saved-replies`: the team's saved replies, by shortcut.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SavedReplies {
    /// The replies.
    pub saved_replies: Vec<SavedReply>,
}

/// A saved reply filled in for one conversation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RenderedReply {
    /// Saved reply id.
    pub id: String,
    /// What the agent types after `/`.
    pub shortcut: String,
    /// One-line title.
    pub title: String,
    /// The text to insert: placeholders filled in for this conversation's contact.
    pub text: String,
}

/// `GET /api/conversations/{id}/saved-replies`: every saved reply, filled in for this conversation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RenderedReplies {
    /// The conversation they were filled in for.
    pub conversation_id: String,
    /// The replies, by shortcut.
    pub saved_replies: Vec<RenderedReply>,
}

/// `POST /api/conversations/{id}/transcript`: the transcript request and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Transcript {
    /// Transcript id.
    pub id: String,
    /// The chat it is the transcript of.
    pub conversation_id: String,
    /// The contact's address it went (or goes) to.
    pub to: Option<String>,
    /// Sending, sent or failed.
    pub status: TranscriptStatus,
    /// When the platform accepted it, ms.
    pub sent_at: Option<u64>,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// Whether this answer replays an earlier request with the same key (nothing new was sent).
    pub replayed: bool,
}
