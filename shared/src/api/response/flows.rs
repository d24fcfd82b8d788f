//! What Settings › Chatbot receives: the site's flow with its version, and
//! what the preview of an unsaved flow says and waits for.

use serde::Serialize;

use crate::automation::Target;
use crate::flow::{Assignee, Effect, Flow, Prompt, Run, SaveTo};
use crate::form::FieldMode;

/// `GET`/`PUT /api/sites/{site}/flow`: the flow new conversations start on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FlowSettings {
    /// The site.
    pub site_id: String,
    /// Its version: 1, 2, … as saved; 0 for the flow the chatbot blocks make, until one is saved.
    pub version: u32,
    /// The flow.
    pub flow: Flow,
}

/// One thing the flow did in a preview, in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PreviewEffect {
    /// The bot says this.
    Say {
        /// What it says.
        text: String,
    },
    /// A free answer is kept.
    Save {
        /// Where.
        to: SaveTo,
        /// The answer.
        value: String,
    },
    /// The conversation is assigned.
    Assign {
        /// To whom.
        to: Assignee,
    },
    /// A label is put on the conversation.
    Label {
        /// The label's id.
        label_id: String,
    },
    /// The contact enters an automation.
    EnterAutomation {
        /// The automation's id (Parley's, or ActiveCampaign's: see `target`).
        automation_id: String,
        /// What it enters.
        target: Target,
    },
    /// The conversation is closed.
    Close,
}

/// What the flow asks at the step it waits at.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PreviewPrompt {
    /// Buttons, by label, in order (a choice is the button's index).
    Buttons {
        /// The labels.
        labels: Vec<String>,
    },
    /// A free answer.
    Question,
    /// The Form, with its fields (email always required).
    Form {
        /// How the phone field is treated.
        phone: FieldMode,
        /// How the company field is treated.
        company: FieldMode,
        /// How the full-name field is treated.
        full_name: FieldMode,
    },
}

/// The step a preview stopped at, waiting for the visitor.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PreviewWait {
    /// The step's id (what the next preview call answers).
    pub step: String,
    /// What it asks.
    pub prompt: PreviewPrompt,
}

/// `POST /api/sites/{site}/flow/preview`: what the unsaved flow does, nothing written.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct FlowPreview {
    /// The visitor's answer as their own line (a button's label, a free answer), if one was given.
    pub echo: Option<String>,
    /// What happened, in order.
    pub effects: Vec<PreviewEffect>,
    /// Where the flow waits now; `null` once it ended (the team has the conversation).
    pub wait: Option<PreviewWait>,
}

impl From<Effect> for PreviewEffect {
    fn from(effect: Effect) -> Self {
        match effect {
            Effect::Say(text) => PreviewEffect::Say { text },
            Effect::Save { to, value } => PreviewEffect::Save { to, value },
            Effect::Assign(to) => PreviewEffect::Assign { to },
            Effect::Label(label_id) => PreviewEffect::Label { label_id },
            Effect::EnterAutomation(automation_id) => PreviewEffect::EnterAutomation {
                automation_id,
                target: Target::Webhook,
            },
            Effect::EnterCrmAutomation(automation_id) => PreviewEffect::EnterAutomation {
                automation_id,
                target: Target::ActiveCampaign,
            },
            Effect::Close => PreviewEffect::Close,
        }
    }
}

impl From<Run> for FlowPreview {
    fn from(run: Run) -> Self {
        FlowPreview {
            echo: run.echo,
            effects: run.effects.into_iter().map(PreviewEffect::from).collect(),
            wait: run.wait.map(|wait| PreviewWait {
                step: wait.step,
                prompt: match wait.prompt {
                    Prompt::Buttons(labels) => PreviewPrompt::Buttons { labels },
                    Prompt::Question => PreviewPrompt::Question,
                    Prompt::Form(form) => PreviewPrompt::Form {
                        phone: form.phone,
                        company: form.company,
                        full_name: form.full_name,
                    },
                },
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::{Button, Ctx, Step, Trigger};

    #[test]
    fn a_run_is_previewed_as_the_editor_reads_it() {
        let flow = Flow {
            trigger: Trigger::Open,
            greeting: None,
            offline: None,
            steps: vec![
                Step::Label {
                    id: "tag".into(),
                    label_id: "l1".into(),
                },
                Step::Buttons {
                    id: "pick".into(),
                    text: "Which?".into(),
                    buttons: vec![Button {
                        label: "Tea".into(),
                        steps: vec![],
                    }],
                },
                Step::Close { id: "end".into() },
            ],
        };
        let cx = Ctx {
            open: true,
            form_done: false,
            lang: "",
        };
        let start = serde_json::to_value(FlowPreview::from(flow.start(cx))).unwrap();
        assert_eq!(
            start,
            serde_json::json!({
                "echo": null,
                "effects": [{"type": "label", "label_id": "l1"}, {"type": "say", "text": "Which?"}],
                "wait": {"step": "pick", "prompt": {"type": "buttons", "labels": ["Tea"]}},
            })
        );
        let chosen = flow
            .answer("pick", crate::flow::Answer::Choice(0), cx)
            .unwrap();
        let chosen = serde_json::to_value(FlowPreview::from(chosen)).unwrap();
        assert_eq!(
            chosen,
            serde_json::json!({"echo": "Tea", "effects": [{"type": "close"}], "wait": null})
        );
    }
}
