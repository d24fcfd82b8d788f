//! What the widget receives: a site's configuration and the visitor's own thread.

use serde::Serialize;

use crate::conversation::{Author, DeliveryStatus};
use crate::form::FieldMode;
use crate::site::{Language, WidgetPosition};

/// The Form step's configurable fields, as the widget renders them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FormModes {
    /// How the phone field is treated.
    pub phone: FieldMode,
    /// How the company field is treated.
    pub company: FieldMode,
    /// How the full-name field is treated.
    pub full_name: FieldMode,
}

/// What the widget needs to render for a site.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SiteConfig {
    /// Site id.
    pub site_id: String,
    /// Display name (the widget's header).
    pub name: String,
    /// First bot line of a new conversation.
    pub greeting: String,
    /// Accent colour, `#rrggbb`.
    pub color: String,
    /// The launcher's corner.
    pub position: WidgetPosition,
    /// The Form step.
    pub form: FormModes,
    /// The greeting in other languages, by tag (`fr`): the widget shows the
    /// one of its language, else `greeting`.
    pub greetings: std::collections::BTreeMap<String, String>,
    /// The offline message while the site is outside its business hours
    /// (decided by the worker in the site's time zone), else null.
    pub offline: Option<String>,
    /// The offline message in other languages, by tag.
    pub offlines: std::collections::BTreeMap<String, String>,
    /// Whether the widget runs on this site (a disabled site shows nothing).
    pub enabled: bool,
    /// Whether visitors may send files (the paperclip, drag-and-drop and paste).
    pub files: bool,
    /// The language the widget speaks.
    pub language: Language,
    /// The site's saved flow, when the widget needs its bot module's flow part
    /// (`widget/flow.js`, served in `/widget/bot.js`: buttons, questions, or a flow the opening starts); else null.
    pub flow: Option<FlowStart>,
    /// The site's enabled proactive messages, in the order the widget tries
    /// them (`shared::proactive::pick`), after its flow's bubble when the
    /// flow starts on a page ([`FlowStart::bubble`], the one without an id);
    /// the facade loads the bot module only when there is one.
    pub proactive: Vec<super::ProactiveTarget>,
}

/// A message as the visitor's widget sees it: never email headers,
/// addresses, quoted history, HTML or flags. Never a private note: a note is
/// a [`TrailEvent`](super::TrailEvent), not a message, and no builder makes
/// this shape from one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VisitorMessage {
    /// Message id.
    pub id: String,
    /// The visitor's conversation.
    pub conversation_id: String,
    /// The widget's id for the send, when this browser wrote it.
    pub client_message_id: Option<String>,
    /// Who wrote it.
    pub author: Author,
    /// The agent's full name, for agent messages.
    pub author_name: Option<String>,
    /// Plain text, without quoted history; a message with files names them
    /// on lines of their own (`text_with_files`).
    pub body: String,
    /// Creation time, ms.
    pub created_at: u64,
    /// Sent, or failed for a reply that could not be delivered.
    pub state: DeliveryStatus,
    /// Its number in the conversation (1, 2, …): a reconnecting widget asks for those after its last.
    pub seq: u64,
    /// Its files (the visitor downloads each from `/api/widget/attachments/{id}`).
    pub attachments: Vec<VisitorFile>,
}

/// A file of a message, as the visitor's widget sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VisitorFile {
    /// Attachment id.
    pub id: String,
    /// File name.
    pub filename: String,
    /// The type it is served as (sniffed).
    pub content_type: String,
    /// Size in bytes.
    pub size: u64,
}

/// What the worker knows of a visitor, for the Form step.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VisitorState {
    /// Form fields already known (never asked again).
    pub known: Vec<String>,
    /// Whether this browser answered the Form step.
    pub form_done: bool,
    /// Whether the site's signature vouched for the visitor's email.
    pub verified: bool,
}

/// `POST /api/widget/sites/{site}/visitors`: a new visitor.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct NewVisitor {
    /// Visitor id.
    pub visitor_id: String,
    /// The bearer token (`{visitor_id}.{secret}`), kept in a first-party cookie.
    pub token: String,
    /// How long the cookie should live.
    pub max_age_seconds: u64,
}

/// `GET /api/widget/conversation`: the visitor's own thread.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VisitorThread {
    /// Its conversation, once there is one.
    pub conversation_id: Option<String>,
    /// What the visitor may see of it, oldest first.
    pub messages: Vec<VisitorMessage>,
    /// What the Form step still needs.
    pub visitor: VisitorState,
    /// When an agent last read the conversation (ms), if ever: the visitor's lines before it are seen.
    pub seen_at: Option<u64>,
    /// What the conversation's flow waits for, while one runs; else null.
    pub flow: Option<FlowPrompt>,
    /// The rating the resolved conversation asks for, while it can be given or changed; else null.
    pub rating: Option<super::VisitorRating>,
}

/// `POST /api/widget/messages`: the message as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VisitorMessageAnswer {
    /// The message.
    pub message: VisitorMessage,
}

/// `POST /api/widget/contact`, `POST /api/widget/identify`: the visitor afterwards.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VisitorAnswer {
    /// What the Form step still needs.
    pub visitor: VisitorState,
}

/// What a flow's waiting step asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PromptKind {
    /// Buttons: the visitor picks one.
    Buttons,
    /// A free question: the visitor's next message answers it.
    Question,
    /// The Form (`POST /api/widget/contact` answers it).
    Form,
}

/// The step a flow waits at, as the widget shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FlowPrompt {
    /// The step's id (what an answer names).
    pub step: String,
    /// What it asks.
    pub kind: PromptKind,
    /// The question (what labels the buttons' group); empty for the Form.
    pub text: String,
    /// The buttons' labels, in order (empty unless `kind` is `buttons`).
    pub buttons: Vec<String>,
}

impl FlowPrompt {
    /// What `flow` asks at `step`, if the step waits (buttons, a question, the Form).
    pub fn of(flow: &crate::flow::Flow, step: &str) -> Option<Self> {
        use crate::flow::{Prompt, Step};
        let (kind, buttons) = match flow.prompt_at(step)? {
            Prompt::Buttons(labels) => (PromptKind::Buttons, labels),
            Prompt::Question => (PromptKind::Question, Vec::new()),
            Prompt::Form(_) => (PromptKind::Form, Vec::new()),
        };
        let text = match flow.step(step)? {
            Step::Buttons { text, .. } | Step::Question { text, .. } => text.clone(),
            _ => String::new(),
        };
        Some(FlowPrompt {
            step: step.to_string(),
            kind,
            text,
            buttons,
        })
    }
}

/// A site's flow as the widget starts it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FlowStart {
    /// What starts it.
    pub trigger: crate::flow::Trigger,
    /// For a flow the opening starts: the bot's lines shown on opening, before anything is written.
    pub lines: Vec<String>,
    /// For a flow the opening starts: what it then waits for.
    pub wait: Option<FlowPrompt>,
}

impl FlowStart {
    /// The bubble of a flow that starts on a page (`on_page`), as the widget
    /// tries proactive messages (before the site's own: one bubble per page):
    /// no id, its text the opening's first line (else its question), its
    /// URL pattern and seconds, for every visitor and language, once per page
    /// view (so nothing is recorded). `None` for other triggers, or an
    /// opening that says nothing.
    pub fn bubble(&self) -> Option<super::ProactiveTarget> {
        use crate::proactive::{Audience, Frequency, MessageLanguage};
        let crate::flow::Trigger::OnPage { url, seconds } = &self.trigger else {
            return None;
        };
        let text = self
            .lines
            .first()
            .or(self.wait.as_ref().map(|w| &w.text))
            .filter(|t| !t.is_empty())?;
        Some(super::ProactiveTarget {
            id: String::new(),
            text: text.clone(),
            url: url.clone(),
            delay_seconds: *seconds,
            audience: Audience::All,
            language: MessageLanguage::Any,
            frequency: Frequency::EveryPage,
        })
    }
}

/// `POST /api/widget/flow/answers`: what the answer stored and where the flow waits now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FlowAnswered {
    /// The messages this answer stored (the opening lines of a new
    /// conversation, the visitor's echo, the bot's lines), in order.
    pub messages: Vec<VisitorMessage>,
    /// What the flow waits for now; null once it ended.
    pub flow: Option<FlowPrompt>,
}

/// Marks a file in the text the widget shows (which renders text only).
pub const FILE_MARK: &str = "📎 ";

/// The text a visitor's widget shows for a message with files: its text, then
/// one `📎 name` line per file; a file sent alone (its name is the text) is
/// named once. The widget renders it as text, and opens a line's files when
/// it has the mark.
pub fn text_with_files(body: &str, files: &[VisitorFile]) -> String {
    match files {
        [] => body.to_string(),
        [only] if only.filename == body => [FILE_MARK, body].concat(),
        files => {
            let mut text = body.to_string();
            for file in files {
                text.push('\n');
                text.push_str(FILE_MARK);
                text.push_str(&file.filename);
            }
            text
        }
    }
}

impl VisitorFile {
    /// A kept file as a visitor sees it: one that came without a name is
    /// called [`DEFAULT_FILENAME`](crate::files::DEFAULT_FILENAME).
    pub fn named(id: String, filename: Option<String>, content_type: String, size: u64) -> Self {
        VisitorFile {
            id,
            filename: filename.unwrap_or_else(|| crate::files::DEFAULT_FILENAME.into()),
            content_type,
            size,
        }
    }
}

impl VisitorMessage {
    /// The one builder of what a visitor sees of a message: `message` as
    /// read (its `body` the text alone, its `attachments` ignored) with
    /// `files` listed and named in its text (see [`text_with_files`]). The
    /// widget's reads (the store) and [`Self::seen_by_visitor`] both build here.
    pub fn with_files(message: VisitorMessage, files: Vec<VisitorFile>) -> Self {
        VisitorMessage {
            body: text_with_files(&message.body, &files),
            attachments: files,
            ..message
        }
    }

    /// What a visitor may see of a message the inbox shows: its text and
    /// author (and its kept files, named in the text), never its email parts;
    /// a failed delivery shows as failed, anything else as sent.
    pub fn seen_by_visitor(message: &super::Message) -> Self {
        let files = message
            .attachments
            .iter()
            .filter(|a| a.url.is_some())
            .map(|a| {
                VisitorFile::named(
                    a.id.clone(),
                    a.filename.clone(),
                    a.content_type.clone(),
                    a.size,
                )
            })
            .collect();
        let seen = VisitorMessage {
            id: message.id.clone(),
            conversation_id: message.conversation_id.clone(),
            client_message_id: message.client_message_id.clone(),
            author: message.author,
            author_name: message.author_name.clone(),
            body: message.body.clone(),
            created_at: message.created_at,
            state: if message.delivery_status == Some(DeliveryStatus::Failed) {
                DeliveryStatus::Failed
            } else {
                DeliveryStatus::Sent
            },
            seq: message.seq,
            attachments: Vec::new(),
        };
        Self::with_files(seen, files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str) -> VisitorFile {
        VisitorFile {
            id: "at_1".into(),
            filename: name.into(),
            content_type: "image/png".into(),
            size: 1,
        }
    }

    #[test]
    fn a_flow_that_starts_on_a_page_is_tried_as_a_bubble_first() {
        use crate::flow::Trigger;
        let question = FlowPrompt {
            step: "q".into(),
            kind: PromptKind::Buttons,
            text: "Help choosing?".into(),
            buttons: vec!["Yes".into()],
        };
        let start = |trigger, lines: &[&str], wait: Option<FlowPrompt>| FlowStart {
            trigger,
            lines: lines.iter().map(|l| l.to_string()).collect(),
            wait,
        };
        let on_page = || Trigger::OnPage {
            url: "/pricing*".into(),
            seconds: 30,
        };
        let bubble = start(on_page(), &["Hi!", "Tea?"], Some(question.clone())).bubble();
        let bubble = bubble.expect("an on_page flow has its bubble");
        assert_eq!(
            (
                bubble.id.as_str(),
                bubble.text.as_str(),
                bubble.url.as_str(),
                bubble.delay_seconds
            ),
            ("", "Hi!", "/pricing*", 30),
            "no id, the opening's first line, the trigger's pattern and seconds"
        );
        assert_eq!(
            bubble.frequency,
            crate::proactive::Frequency::EveryPage,
            "nothing to record"
        );
        let asks = start(on_page(), &[], Some(question.clone())).bubble();
        assert_eq!(
            asks.map(|b| b.text),
            Some("Help choosing?".into()),
            "no line: its question"
        );
        assert_eq!(
            start(on_page(), &[], None).bubble(),
            None,
            "an opening that says nothing"
        );
        assert_eq!(
            start(Trigger::Open, &["Hi!"], Some(question)).bubble(),
            None
        );
    }

    #[test]
    fn files_are_named_in_the_text_the_widget_shows() {
        assert_eq!(text_with_files("hello", &[]), "hello");
        assert_eq!(
            text_with_files("écran.png", &[file("écran.png")]),
            "📎 écran.png",
            "a file sent alone, once"
        );
        assert_eq!(
            text_with_files("Here it is", &[file("a.pdf"), file("b.png")]),
            "Here it is\n📎 a.pdf\n📎 b.png"
        );
    }
}
