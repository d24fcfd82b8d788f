//! Checking a flow as an admin saved it: every refusal names the step at
//! fault, so the editor can point at it.

use std::collections::{BTreeMap, BTreeSet};

use super::run::Graph;
use super::{
    Flow, Localized, SaveTo, Step, Trigger, MAX_BUTTONS, MAX_ID_CHARS, MAX_LABEL_CHARS, MAX_STEPS,
    MAX_TRIGGER_SECONDS,
};
use crate::automation::{is_activecampaign_id, Target};
use crate::chatbot::MAX_MESSAGE_CHARS;

/// A flow was refused: a stable `code`, the step at fault (when one is), and a readable message naming it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowError {
    /// `flow_invalid`, `flow_loops`, `flow_unreachable`, `flow_needs_form` or `flow_answer_refused`.
    pub code: &'static str,
    /// The id of the step at fault, if the fault is a step's.
    pub step: Option<String>,
    /// One sentence saying what is wrong.
    pub message: String,
}

impl FlowError {
    fn new(code: &'static str, step: Option<&str>, message: String) -> Self {
        FlowError {
            code,
            step: step.map(str::to_string),
            message,
        }
    }

    fn step(step: &str, what: &str) -> Self {
        Self::new(
            "flow_invalid",
            Some(step),
            format!("Step \"{step}\": {what}"),
        )
    }

    fn flow(what: &str) -> Self {
        Self::new("flow_invalid", None, what.to_string())
    }

    /// An answer to a step that is not waiting for it.
    pub fn answer(step: &str) -> Self {
        Self::new(
            "flow_answer_refused",
            Some(step),
            format!("Step \"{step}\" is not the step the chatbot waits at, or does not take this answer."),
        )
    }
}

fn text_ok(text: &str) -> bool {
    (1..=MAX_MESSAGE_CHARS).contains(&text.trim().chars().count())
}

fn localized_ok(l: &Localized) -> bool {
    text_ok(&l.text) && l.translations.values().all(|t| text_ok(t))
}

fn id_ok(id: &str) -> bool {
    (1..=MAX_ID_CHARS).contains(&id.len())
        && id
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
}

impl Flow {
    /// Checks the flow: at most [`MAX_STEPS`] steps with unique ids and sane
    /// texts; every step reachable; no loop that never waits for the visitor;
    /// a Form on every way to "Enter an automation".
    pub fn validate(&self) -> Result<(), FlowError> {
        self.check_shape()?;
        let steps = self.all_steps();
        let mut ids = BTreeSet::new();
        for step in &steps {
            if !ids.insert(step.id()) {
                return Err(FlowError::step(step.id(), "another step has the same id."));
            }
        }
        for step in &steps {
            check_step(step, &ids)?;
        }
        let graph = Graph::of(self);
        check_reachable(self, &graph, &steps)?;
        check_loops(&graph, &steps)?;
        check_form_first(self, &graph, &steps)
    }

    fn check_shape(&self) -> Result<(), FlowError> {
        let count = self.all_steps().len();
        if count == 0 || count > MAX_STEPS {
            return Err(FlowError::flow(&format!(
                "A flow holds 1 to {MAX_STEPS} steps; this one has {count}."
            )));
        }
        if let Trigger::OnPage { url, seconds } = &self.trigger {
            // The page's pattern follows proactive messages' rule (the bubble matches both alike).
            if crate::proactive::validate_pattern(url).is_err()
                || !(1..=MAX_TRIGGER_SECONDS).contains(seconds)
            {
                return Err(FlowError::flow(
                    "The trigger needs 1 to 3600 seconds on the page and a URL pattern that starts with / \
                     (the page's path) or with http:// or https:// (the whole address); * stands for any \
                     characters; at most 300 characters, no spaces.",
                ));
            }
        }
        if self.greeting.as_ref().is_some_and(|g| !localized_ok(g)) {
            return Err(FlowError::flow("The greeting is 1 to 500 characters."));
        }
        if let Some(offline) = &self.offline {
            let hours_ok = offline
                .hours
                .iter()
                .flatten()
                .all(|s| s.open < s.close && s.close <= 1440);
            if !localized_ok(&offline.message) || offline.time_zone.trim().is_empty() || !hours_ok {
                return Err(FlowError::flow(
                    "The offline text is 1 to 500 characters, with a time zone, and hours run from 00:00 to 24:00 with opening before closing.",
                ));
            }
        }
        let forms = self
            .all_steps()
            .iter()
            .filter(|s| matches!(s, Step::Form { .. }))
            .count();
        if forms > 1 {
            return Err(FlowError::flow("A flow has at most one Form step."));
        }
        Ok(())
    }
}

fn check_step(step: &Step, ids: &BTreeSet<&str>) -> Result<(), FlowError> {
    let id = step.id();
    if !id_ok(id) {
        return Err(FlowError::step(
            id,
            "an id is 1 to 24 letters, digits, '-' or '_'.",
        ));
    }
    let bad = |what: &str| Err(FlowError::step(id, what));
    match step {
        Step::Message { text, .. } | Step::Question { text, .. } | Step::Buttons { text, .. }
            if !text_ok(text) =>
        {
            bad("its text is 1 to 500 characters.")
        }
        Step::Buttons { buttons, .. } if buttons.is_empty() || buttons.len() > MAX_BUTTONS => {
            bad("it offers 1 to 10 buttons.")
        }
        Step::Buttons { buttons, .. }
            if !buttons
                .iter()
                .all(|b| (1..=MAX_LABEL_CHARS).contains(&b.label.trim().chars().count())) =>
        {
            bad("each button's label is 1 to 40 characters.")
        }
        Step::Question {
            save: SaveTo::Attribute { key } | SaveTo::Conversation { key },
            ..
        } if crate::attribute::validate_key(key).is_err() => {
            bad("its answer's key is lowercase letters, digits and '_', starting with a letter.")
        }
        Step::WaitForAgent {
            text: Some(text), ..
        } if !text_ok(text) => bad("its text is 1 to 500 characters."),
        Step::Assign {
            to: super::Assignee::Team { id: who } | super::Assignee::Agent { id: who },
            ..
        } if who.trim().is_empty() => bad("it names no one to assign to."),
        Step::Label { label_id, .. } if label_id.trim().is_empty() => bad("it names no label."),
        Step::EnterAutomation { automation_id, .. } if automation_id.trim().is_empty() => {
            bad("it names no automation.")
        }
        Step::EnterAutomation {
            automation_id,
            target: Target::ActiveCampaign,
            ..
        } if !is_activecampaign_id(automation_id) => {
            bad("it names no ActiveCampaign automation (a numeric id).")
        }
        Step::Goto { target, .. } if target == id || !ids.contains(target.as_str()) => {
            bad("it goes to a step that does not exist (or to itself).")
        }
        _ => Ok(()),
    }
}

/// The steps a step leads to.
fn successors<'a>(graph: &Graph<'a>, id: &str) -> Vec<&'a str> {
    let Some(&(step, next)) = graph.nodes.get(id) else {
        return Vec::new();
    };
    match step {
        Step::Buttons { buttons, .. } => buttons
            .iter()
            .filter_map(|b| Graph::branch(b, next))
            .collect(),
        Step::Goto { target, .. } => graph
            .nodes
            .get_key_value(target.as_str())
            .map(|(k, _)| *k)
            .into_iter()
            .collect(),
        Step::WaitForAgent { .. } | Step::Close { .. } => Vec::new(),
        _ => next.into_iter().collect(),
    }
}

fn check_reachable(flow: &Flow, graph: &Graph<'_>, steps: &[&Step]) -> Result<(), FlowError> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&str> = flow.steps.first().map(Step::id).into_iter().collect();
    while let Some(id) = todo.pop() {
        if seen.insert(id) {
            todo.extend(successors(graph, id));
        }
    }
    match steps.iter().find(|s| !seen.contains(s.id())) {
        Some(lost) => Err(FlowError::new(
            "flow_unreachable",
            Some(lost.id()),
            format!(
                "Step \"{}\" is never reached: no step before it goes on to it.",
                lost.id()
            ),
        )),
        None => Ok(()),
    }
}

/// A loop is refused when no step in it waits for the visitor (buttons or a question).
fn check_loops(graph: &Graph<'_>, steps: &[&Step]) -> Result<(), FlowError> {
    for start in steps {
        let mut at = start.id();
        let mut path = vec![at];
        loop {
            let waits = matches!(
                graph.nodes.get(at),
                Some((Step::Buttons { .. } | Step::Question { .. }, _))
            );
            let next = successors(graph, at);
            let [only] = next.as_slice() else { break };
            if waits {
                break;
            }
            if let Some(i) = path.iter().position(|p| p == only) {
                let culprit = path[i..]
                    .iter()
                    .find(|id| matches!(graph.nodes.get(**id), Some((Step::Goto { .. }, _))))
                    .unwrap_or(&path[i]);
                return Err(FlowError::new(
                    "flow_loops",
                    Some(culprit),
                    format!("Step \"{culprit}\" makes the flow loop forever: the loop it closes asks the visitor nothing."),
                ));
            }
            at = only;
            path.push(at);
        }
    }
    Ok(())
}

/// Whether a Form comes before every "Enter an automation", on every way there.
fn check_form_first(flow: &Flow, graph: &Graph<'_>, steps: &[&Step]) -> Result<(), FlowError> {
    let Some(first) = flow.steps.first().map(Step::id) else {
        return Ok(());
    };
    // Whether the Form surely ran before each step: true until shown otherwise, from the start.
    let mut before: BTreeMap<&str, bool> = steps.iter().map(|s| (s.id(), true)).collect();
    before.insert(first, false);
    let mut changed = true;
    while changed {
        changed = false;
        for step in steps {
            let after = before[step.id()] || matches!(step, Step::Form { .. });
            for next in successors(graph, step.id()) {
                if before[next] && !after {
                    before.insert(next, false);
                    changed = true;
                }
            }
        }
    }
    match steps
        .iter()
        .find(|s| matches!(s, Step::EnterAutomation { .. }) && !before[s.id()])
    {
        Some(step) => Err(FlowError::new(
            "flow_needs_form",
            Some(step.id()),
            format!(
                "Step \"{}\" enters an automation, but a way to it has no Form step before it: the automation needs the contact's email.",
                step.id()
            ),
        )),
        None => Ok(()),
    }
}
