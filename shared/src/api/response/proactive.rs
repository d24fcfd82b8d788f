//! Proactive messages as Settings manages them and as the widget receives them.

use serde::{Deserialize, Serialize};

use crate::proactive::{Audience, Frequency, MessageLanguage};

/// A site's proactive message, with what it led to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ProactiveMessage {
    /// Message id.
    pub id: String,
    /// Its text.
    pub text: String,
    /// The URL pattern.
    pub url: String,
    /// Seconds on the page before it shows.
    pub delay_seconds: u32,
    /// Whom it is for.
    pub audience: Audience,
    /// The widget language it is for.
    pub language: MessageLanguage,
    /// Its frequency cap.
    pub frequency: Frequency,
    /// Whether the widget shows it.
    #[serde(deserialize_with = "crate::api::flag")]
    pub enabled: bool,
    /// Visitors' replies to it (each reply counted once, retries included).
    pub replied: u64,
    /// Those replies that started a new conversation.
    pub started: u64,
    /// Creation time, ms.
    pub created_at: u64,
}

/// `GET /api/sites/{site}/proactive`: the site's messages, in the order the widget tries them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ProactiveMessages {
    /// The messages, oldest first.
    pub messages: Vec<ProactiveMessage>,
    /// Most messages a site keeps.
    pub max: u32,
}

/// A proactive message as the widget needs it to decide whether to show it:
/// never its counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ProactiveTarget {
    /// Message id.
    pub id: String,
    /// Its text.
    pub text: String,
    /// The URL pattern.
    pub url: String,
    /// Seconds on the page before it shows.
    pub delay_seconds: u32,
    /// Whom it is for.
    pub audience: Audience,
    /// The widget language it is for.
    pub language: MessageLanguage,
    /// Its frequency cap.
    pub frequency: Frequency,
}
