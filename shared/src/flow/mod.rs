//! The chatbot as a flow: one trigger starts it, then up to [`MAX_STEPS`]
//! steps run in order. A step with buttons branches (each button leads into
//! its own list of steps, which joins back after the step unless it ends or
//! goes elsewhere); a Go-to step joins branches. The worker runs it
//! ([`Flow::start`], [`Flow::answer`]): the widget only reports answers.
//! A site that never saved a flow runs the one its four chatbot blocks make
//! ([`Flow::from_chatbot`]).

mod check;
mod legacy;
mod refs;
mod run;

use std::collections::BTreeMap;

pub use check::FlowError;
pub use refs::Reference;
pub use run::{Answer, Ctx, Effect, Prompt, Run, Wait};

use crate::automation::Target;
use crate::chatbot::Span;
use crate::form::{FieldMode, FormConfig};

/// Most steps a flow holds, those inside branches included.
pub const MAX_STEPS: usize = 100;
/// Most buttons one step offers.
pub const MAX_BUTTONS: usize = 10;
/// Longest button label, in characters.
pub const MAX_LABEL_CHARS: usize = 40;
/// Longest step id, in characters.
pub const MAX_ID_CHARS: usize = 24;
/// Longest time on page a trigger waits for, in seconds (one hour).
pub const MAX_TRIGGER_SECONDS: u32 = 3600;

/// What starts the flow: one per site.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(all(test, feature = "serde"), derive(ts_rs::TS))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)
)]
pub enum Trigger {
    /// The visitor opens the chat: the steps up to the first question show at once.
    Open,
    /// The visitor sends a first message (the chatbot of old: greeting, then the Form).
    FirstMessage,
    /// The visitor has been on a page whose URL matches `url` (`*` matches any run of characters) for `seconds`.
    OnPage {
        /// The URL pattern, matched against the page's path (or its whole URL when it starts with `http`).
        url: String,
        /// Time on the page before the flow starts, 1 to 3600 seconds.
        seconds: u32,
    },
}

/// A text the site overrides in other languages.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(all(test, feature = "serde"), derive(ts_rs::TS))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Localized {
    /// The text in the site's language.
    pub text: String,
    /// The text in other languages, by tag (`fr`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "BTreeMap::is_empty")
    )]
    pub translations: BTreeMap<String, String>,
}

/// What is said, and when, while nobody can answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(all(test, feature = "serde"), derive(ts_rs::TS))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Offline {
    /// The offline text, with its translations.
    pub message: Localized,
    /// Monday to Sunday; `None` is closed all day.
    pub hours: [Option<Span>; 7],
    /// IANA time zone of the hours, e.g. `Europe/Paris`.
    pub time_zone: String,
}

/// Where a free answer is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(all(test, feature = "serde"), derive(ts_rs::TS))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)
)]
pub enum SaveTo {
    /// The contact's attribute of this key (defined in Settings › Attributes).
    Attribute {
        /// The attribute's key.
        key: String,
    },
    /// The conversation's answers, under this key.
    Conversation {
        /// The answer's key.
        key: String,
    },
}

/// Who a conversation is handed to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(all(test, feature = "serde"), derive(ts_rs::TS))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)
)]
pub enum Assignee {
    /// A team of the account.
    Team {
        /// The team's id.
        id: String,
    },
    /// An agent of the account.
    Agent {
        /// The agent's id.
        id: String,
    },
}

/// One button of a step, and the steps it leads into.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(all(test, feature = "serde"), derive(ts_rs::TS))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Button {
    /// What the button says (and what the visitor's echo says).
    pub label: String,
    /// Its branch: these steps run after the button, then the flow goes on after the step with the buttons.
    #[cfg_attr(feature = "serde", serde(default))]
    pub steps: Vec<Step>,
}

/// One step of a flow. Every step has an `id`, unique in the flow.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(all(test, feature = "serde"), derive(ts_rs::TS))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)
)]
pub enum Step {
    /// The bot says something, and the flow goes on.
    Message {
        /// Step id.
        id: String,
        /// What it says.
        text: String,
    },
    /// The bot asks, with buttons; each button leads into its own branch.
    Buttons {
        /// Step id.
        id: String,
        /// The question.
        text: String,
        /// One to ten buttons.
        buttons: Vec<Button>,
    },
    /// The bot asks; the visitor's next message is the answer, kept where `save` says.
    Question {
        /// Step id.
        id: String,
        /// The question.
        text: String,
        /// Where the answer is kept.
        save: SaveTo,
    },
    /// The Form: email always required; phone, company and full name each hidden, optional or required.
    Form {
        /// Step id.
        id: String,
        /// How the phone field is treated.
        phone: FieldMode,
        /// How the company ("account") field is treated.
        company: FieldMode,
        /// How the full-name field is treated.
        full_name: FieldMode,
    },
    /// Hands over to the team: says `text` while someone can answer, the flow's offline text otherwise; the flow ends.
    WaitForAgent {
        /// Step id.
        id: String,
        /// What is said while the team is there, if anything.
        #[cfg_attr(
            feature = "serde",
            serde(default, skip_serializing_if = "Option::is_none")
        )]
        text: Option<String>,
    },
    /// Assigns the conversation to a team or an agent.
    Assign {
        /// Step id.
        id: String,
        /// To whom.
        to: Assignee,
    },
    /// Puts a label on the conversation.
    Label {
        /// Step id.
        id: String,
        /// The label's id.
        label_id: String,
    },
    /// The contact enters an automation (its signed webhook event); needs the Form before it.
    EnterAutomation {
        /// Step id.
        id: String,
        /// The automation's id: a Parley automation's, or ActiveCampaign's (see `target`).
        automation_id: String,
        /// What it enters (a webhook when stored before the connector).
        #[cfg_attr(feature = "serde", serde(default))]
        target: Target,
    },
    /// Goes on at another step (joins branches, or asks again).
    Goto {
        /// Step id.
        id: String,
        /// The step it goes to.
        target: String,
    },
    /// Closes the conversation; the flow ends.
    Close {
        /// Step id.
        id: String,
    },
}

impl Step {
    /// The step's id.
    pub fn id(&self) -> &str {
        match self {
            Step::Message { id, .. }
            | Step::Buttons { id, .. }
            | Step::Question { id, .. }
            | Step::Form { id, .. }
            | Step::WaitForAgent { id, .. }
            | Step::Assign { id, .. }
            | Step::Label { id, .. }
            | Step::EnterAutomation { id, .. }
            | Step::Goto { id, .. }
            | Step::Close { id } => id,
        }
    }

    /// Whether the flow never goes on past this step in its list.
    pub fn ends_its_list(&self) -> bool {
        matches!(
            self,
            Step::WaitForAgent { .. } | Step::Goto { .. } | Step::Close { .. }
        )
    }
}

/// A site's flow.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(all(test, feature = "serde"), derive(ts_rs::TS))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Flow {
    /// What starts it.
    pub trigger: Trigger,
    /// The line the widget shows on opening, before anything is written (never stored).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub greeting: Option<Localized>,
    /// The offline text and business hours, if the site keeps hours.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub offline: Option<Offline>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

impl Flow {
    /// Every step, branches included, depth first in the order the editor lists them.
    pub fn all_steps(&self) -> Vec<&Step> {
        fn walk<'a>(steps: &'a [Step], out: &mut Vec<&'a Step>) {
            for step in steps {
                out.push(step);
                if let Step::Buttons { buttons, .. } = step {
                    for button in buttons {
                        walk(&button.steps, out);
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.steps, &mut out);
        out
    }

    /// The step with this id.
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.all_steps().into_iter().find(|s| s.id() == id)
    }

    /// The Form's fields (email only when the flow has no Form step).
    pub fn form(&self) -> FormConfig {
        self.all_steps()
            .into_iter()
            .find_map(|s| match s {
                Step::Form {
                    phone,
                    company,
                    full_name,
                    ..
                } => Some(FormConfig {
                    phone: *phone,
                    company: *company,
                    full_name: *full_name,
                }),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// Whether a step of the flow shows buttons (the widget then loads its buttons module).
    pub fn has_buttons(&self) -> bool {
        self.all_steps()
            .iter()
            .any(|s| matches!(s, Step::Buttons { .. }))
    }

    /// Whether the site is within its business hours at `minute` (0 to 1439)
    /// of `weekday` (0 = Monday) in its own time zone; always, without hours.
    pub fn open_at(&self, weekday: usize, minute: u16) -> bool {
        self.offline.as_ref().is_none_or(|o| {
            o.hours
                .get(weekday)
                .copied()
                .flatten()
                .is_some_and(|span| span.open <= minute && minute < span.close)
        })
    }
}

#[cfg(test)]
mod tests;
