//! Running a flow: from its start, or from the step that waits, given the
//! visitor's answer, to the next step that waits (or the end). Pure: what
//! happens is returned as [`Effect`]s for the worker to write in one batch.

use std::collections::BTreeMap;

use super::{Assignee, Flow, FlowError, SaveTo, Step, MAX_STEPS};
use crate::automation::Target;
use crate::form::FormConfig;

/// What the run needs to know of the conversation and the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ctx<'a> {
    /// Whether someone can answer now (an agent online, within business hours).
    pub open: bool,
    /// Whether the visitor already answered the Form (a Form step then passes).
    pub form_done: bool,
    /// The visitor's language tag (`en`, `fr`), for translated texts.
    pub lang: &'a str,
}

/// One thing a run does, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// The bot says this (stored as a bot message).
    Say(String),
    /// Keeps a free answer.
    Save {
        /// Where.
        to: SaveTo,
        /// The answer, as the visitor wrote it.
        value: String,
    },
    /// Hands the conversation to a team or an agent.
    Assign(Assignee),
    /// Puts this label on the conversation.
    Label(String),
    /// The contact enters this automation.
    EnterAutomation(String),
    /// The contact is synced to ActiveCampaign and enters the automation of this id there.
    EnterCrmAutomation(String),
    /// Closes the conversation.
    Close,
}

/// What the visitor is asked at the step that waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// Buttons, by label, in order.
    Buttons(Vec<String>),
    /// A free answer: the visitor's next message.
    Question,
    /// The Form, with its fields.
    Form(FormConfig),
}

/// The step the flow waits at, and what it asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wait {
    /// The step's id.
    pub step: String,
    /// What it asks.
    pub prompt: Prompt,
}

/// What a run did and where it stopped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Run {
    /// The visitor's answer as their own line (a button's label, a free answer), if any.
    pub echo: Option<String>,
    /// What happened, in order.
    pub effects: Vec<Effect>,
    /// Where the flow waits now; `None` once it ended (the team has the conversation).
    pub wait: Option<Wait>,
}

/// The visitor's answer to the step that waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer<'a> {
    /// The button at this index.
    Choice(usize),
    /// A free answer.
    Text(&'a str),
    /// The Form was answered.
    Form,
}

/// The flow as a graph: each step with the step that follows it.
pub(super) struct Graph<'a> {
    /// Each step and the id of the step after it (its list's next, or after its parent's).
    pub nodes: BTreeMap<&'a str, (&'a Step, Option<&'a str>)>,
}

impl<'a> Graph<'a> {
    /// Links every step to the step that follows it.
    pub fn of(flow: &'a Flow) -> Self {
        fn link<'a>(
            steps: &'a [Step],
            after: Option<&'a str>,
            nodes: &mut BTreeMap<&'a str, (&'a Step, Option<&'a str>)>,
        ) {
            for (i, step) in steps.iter().enumerate() {
                let next = steps.get(i + 1).map(Step::id).or(after);
                nodes.entry(step.id()).or_insert((step, next));
                if let Step::Buttons { buttons, .. } = step {
                    for button in buttons {
                        link(&button.steps, next, nodes);
                    }
                }
            }
        }
        let mut nodes = BTreeMap::new();
        link(&flow.steps, None, &mut nodes);
        Graph { nodes }
    }

    /// Where a button leads: its branch's first step, else the step after the buttons.
    pub fn branch(button: &'a super::Button, next: Option<&'a str>) -> Option<&'a str> {
        button.steps.first().map(Step::id).or(next)
    }
}

impl Flow {
    /// Runs the flow from its first step.
    pub fn start(&self, cx: Ctx<'_>) -> Run {
        let graph = Graph::of(self);
        let mut run = Run::default();
        self.run_from(&graph, self.steps.first().map(Step::id), cx, &mut run);
        run
    }

    /// Takes the visitor's answer to the step `at` (the one the flow waits
    /// at) and runs on; refused when `at` asks nothing or asks otherwise.
    pub fn answer(&self, at: &str, answer: Answer<'_>, cx: Ctx<'_>) -> Result<Run, FlowError> {
        let graph = Graph::of(self);
        let Some(&(step, next)) = graph.nodes.get(at) else {
            return Err(FlowError::answer(at));
        };
        let mut run = Run::default();
        let from = match (step, answer) {
            (Step::Buttons { buttons, .. }, Answer::Choice(i)) if i < buttons.len() => {
                run.echo = Some(buttons[i].label.clone());
                Graph::branch(&buttons[i], next)
            }
            (Step::Question { save, .. }, Answer::Text(text)) => {
                let value = text.trim().to_string();
                run.echo = Some(value.clone());
                run.effects.push(Effect::Save {
                    to: save.clone(),
                    value,
                });
                next
            }
            (Step::Form { .. }, Answer::Form) => next,
            _ => return Err(FlowError::answer(at)),
        };
        self.run_from(&graph, from, cx, &mut run);
        Ok(run)
    }

    /// Steps from `at` until one waits or the flow ends; never more than
    /// [`MAX_STEPS`] twice over (a checked flow cannot loop without waiting,
    /// and a Form that passes once answered is cut off here).
    fn run_from<'a>(&self, graph: &Graph<'a>, mut at: Option<&'a str>, cx: Ctx<'_>, run: &mut Run) {
        let mut moves = 0;
        while let Some(&(step, next)) = at.and_then(|id| graph.nodes.get(id)) {
            moves += 1;
            if moves > 2 * MAX_STEPS {
                return;
            }
            at = next;
            let wait = |prompt| {
                Some(Wait {
                    step: step.id().to_string(),
                    prompt,
                })
            };
            match step {
                Step::Message { text, .. } => run.effects.push(Effect::Say(text.clone())),
                Step::Buttons { text, buttons, .. } => {
                    run.effects.push(Effect::Say(text.clone()));
                    let labels = buttons.iter().map(|b| b.label.clone()).collect();
                    run.wait = wait(Prompt::Buttons(labels));
                    return;
                }
                Step::Question { text, .. } => {
                    run.effects.push(Effect::Say(text.clone()));
                    run.wait = wait(Prompt::Question);
                    return;
                }
                Step::Form { .. } if cx.form_done => {}
                Step::Form { .. } => {
                    run.wait = wait(Prompt::Form(self.form()));
                    return;
                }
                Step::WaitForAgent { text, .. } => {
                    let said = if cx.open {
                        text.clone()
                    } else {
                        self.offline_text(cx.lang)
                    };
                    run.effects.extend(said.map(Effect::Say));
                    return;
                }
                Step::Assign { to, .. } => run.effects.push(Effect::Assign(to.clone())),
                Step::Label { label_id, .. } => run.effects.push(Effect::Label(label_id.clone())),
                Step::EnterAutomation {
                    automation_id,
                    target,
                    ..
                } => run.effects.push(match target {
                    Target::Webhook => Effect::EnterAutomation(automation_id.clone()),
                    Target::ActiveCampaign => Effect::EnterCrmAutomation(automation_id.clone()),
                }),
                Step::Goto { target, .. } => {
                    at = graph.nodes.get_key_value(target.as_str()).map(|(k, _)| *k)
                }
                Step::Close { .. } => {
                    run.effects.push(Effect::Close);
                    return;
                }
            }
        }
    }

    /// The offline text in this language (the site's own when it has no translation).
    pub fn offline_text(&self, lang: &str) -> Option<String> {
        let message = &self.offline.as_ref()?.message;
        Some(
            message
                .translations
                .get(lang)
                .unwrap_or(&message.text)
                .clone(),
        )
    }
}

impl Flow {
    /// What the step `id` asks, if it is a step that waits (buttons, a question, the Form).
    pub fn prompt_at(&self, id: &str) -> Option<Prompt> {
        match self.step(id)? {
            Step::Buttons { buttons, .. } => Some(Prompt::Buttons(
                buttons.iter().map(|b| b.label.clone()).collect(),
            )),
            Step::Question { .. } => Some(Prompt::Question),
            Step::Form { .. } => Some(Prompt::Form(self.form())),
            _ => None,
        }
    }

    /// What the widget shows on opening, before anything is written, for a
    /// flow the opening starts (`open`, `on_page`: there once the page
    /// matched for its seconds, as the widget's bot module decides): the
    /// steps up to the first that waits. `None` for a flow the first message
    /// starts. Any flow also starts after a conversation's first message.
    pub fn opening(&self, cx: Ctx<'_>) -> Option<Run> {
        match self.trigger {
            super::Trigger::FirstMessage => None,
            super::Trigger::Open | super::Trigger::OnPage { .. } => Some(self.start(cx)),
        }
    }

    /// Whether the widget needs its bot module's flow part (`widget/flow.js`, in `/widget/bot.js`): the flow
    /// shows buttons, asks a question, or starts on opening.
    pub fn needs_widget_module(&self) -> bool {
        self.trigger != super::Trigger::FirstMessage
            || self
                .all_steps()
                .iter()
                .any(|s| matches!(s, Step::Buttons { .. } | Step::Question { .. }))
    }
}
