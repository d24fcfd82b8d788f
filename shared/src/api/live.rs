//! What travels on live sockets (`GET /api/widget/live`, `GET /api/live`):
//! text frames of JSON, each with a `type`. Pushes are notices of what D1
//! already holds (messages carry their `seq`, so a client that reconnects
//! asks `after=` its last one); typing and presence are never stored.

use serde::{Deserialize, Serialize};

use super::VisitorMessage;
use crate::conversation::Author;

/// What the worker pushes to a visitor's widget.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WidgetPush {
    /// A stored message of the visitor's conversation: a reply, or the visitor's own from another tab.
    Message {
        /// The message, in the visitor's shape.
        message: VisitorMessage,
    },
    /// An agent is typing a reply (`name`), or stopped (null).
    Typing {
        /// The agent's name while typing.
        name: Option<String>,
    },
    /// Whether anyone on the team is online; sent on connect and on every change.
    Presence {
        /// At least one agent has the inbox open and is not away.
        online: bool,
    },
    /// An agent read the conversation at this time (ms): the visitor's lines before it are seen.
    Seen {
        /// When.
        at: u64,
    },
    /// The conversation was resolved on a site that asks for ratings: the widget asks the visitor.
    Rate {
        /// What to rate.
        rating: super::VisitorRating,
    },
}

/// What a widget sends on its socket (besides the `ping` keep-alive).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum WidgetSays {
    /// What the visitor is typing now (empty: stopped).
    Typing {
        /// The composer's text.
        text: String,
    },
}

/// An agent looking at a conversation, as the others see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Viewer {
    /// Agent id.
    pub agent_id: String,
    /// Full name.
    pub name: String,
    /// Whether they are typing a reply.
    pub replying: bool,
}

/// An agent with the inbox open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TeamMember {
    /// Agent id.
    pub agent_id: String,
    /// Full name.
    pub name: String,
    /// Set away (an away agent does not make the widget say "online").
    pub away: bool,
}

/// What the worker pushes to every inbox tab of the account.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InboxPush {
    /// A message was stored; a tab showing the conversation loads it.
    Message {
        /// Its conversation.
        conversation_id: String,
        /// Message id.
        message_id: String,
        /// Who wrote it.
        author: Author,
        /// The start of its text, for a notification.
        preview: String,
    },
    /// A conversation changed (status, assignee, read, contact): reload it.
    Conversation {
        /// Which.
        conversation_id: String,
    },
    /// A visitor is typing this (empty: stopped).
    VisitorTyping {
        /// The visitor (a conversation's `visitor_id`).
        visitor_id: String,
        /// The text so far, at most `live::TYPING_PREVIEW_CHARS` characters.
        text: String,
    },
    /// Who has a conversation open, and who is replying in it.
    Viewers {
        /// Which.
        conversation_id: String,
        /// The agents viewing it.
        agents: Vec<Viewer>,
    },
    /// The agents with the inbox open; sent on connect and on every change.
    Team {
        /// Who.
        agents: Vec<TeamMember>,
    },
    /// A private note was written; the agents it mentions are notified (a
    /// tab showing the conversation reloads it, as for `conversation`).
    Note {
        /// Its conversation.
        conversation_id: String,
        /// Note id.
        note_id: String,
        /// Who wrote it (full name).
        author_name: String,
        /// The agents it mentions (ids).
        mentions: Vec<String>,
        /// The start of its text, for a notification.
        preview: String,
    },
    /// A conversation was merged into another: a tab showing it opens the survivor.
    Merged {
        /// The merged-away conversation.
        conversation_id: String,
        /// The survivor.
        into: String,
    },
}

impl InboxPush {
    /// The notice of a stored message.
    pub fn stored(conversation_id: &str, message_id: &str, author: Author, body: &str) -> Self {
        InboxPush::Message {
            conversation_id: conversation_id.to_string(),
            message_id: message_id.to_string(),
            author,
            preview: crate::live::notice_preview(body).to_string(),
        }
    }

    /// The notice of a stored note.
    pub fn noted(note: &super::TrailEvent) -> Self {
        InboxPush::Note {
            conversation_id: note.conversation_id.clone(),
            note_id: note.id.clone(),
            author_name: note.agent_name.clone().unwrap_or_default(),
            mentions: note.mentions.clone(),
            preview: crate::live::notice_preview(note.body.as_deref().unwrap_or_default())
                .to_string(),
        }
    }

    /// The notice that a conversation changed.
    pub fn changed(conversation_id: &str) -> Self {
        InboxPush::Conversation {
            conversation_id: conversation_id.to_string(),
        }
    }
}

/// What an inbox tab sends on its socket (besides the `ping` keep-alive).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum InboxSays {
    /// The tab shows this conversation now (null: none).
    View {
        /// Which.
        conversation_id: Option<String>,
    },
    /// The agent is typing a chat reply in the conversation shown, or stopped.
    Typing {
        /// Typing or stopped.
        typing: bool,
    },
}

/// `PUT /api/presence`: the agent's online/away toggle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct PresenceChange {
    /// Away (true) or online (false).
    pub away: bool,
}
