//! What a flow names of its account (teams, agents, labels, automations,
//! attributes): the worker looks them up, and a step naming something the
//! account does not have is refused by name, like any other fault of a step.

use super::{Assignee, Flow, FlowError, SaveTo, Step};
use crate::automation::Target;

/// Something of the account (or of the site) a step names, by id or key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference<'a> {
    /// A team, by id.
    Team(&'a str),
    /// An agent, by id.
    Agent(&'a str),
    /// A label, by id.
    Label(&'a str),
    /// One of the site's automations, by id.
    Automation(&'a str),
    /// A contact attribute, by key.
    Attribute(&'a str),
}

impl Reference<'_> {
    /// What a step naming it unknown is told.
    fn unknown(self) -> &'static str {
        match self {
            Reference::Team(_) => "it assigns to a team this account does not have.",
            Reference::Agent(_) => "it assigns to an agent this account does not have.",
            Reference::Label(_) => "it adds a label this account does not have.",
            Reference::Automation(_) => "it enters an automation this site does not have.",
            Reference::Attribute(_) => {
                "it saves the answer to a contact attribute this account has not defined (Settings › Attributes)."
            }
        }
    }
}

impl Flow {
    /// Every reference of the flow, with the id of the step that makes it, in the editor's order.
    pub fn references(&self) -> Vec<(&str, Reference<'_>)> {
        self.all_steps()
            .into_iter()
            .filter_map(|step| {
                let reference = match step {
                    Step::Assign {
                        to: Assignee::Team { id },
                        ..
                    } => Reference::Team(id),
                    Step::Assign {
                        to: Assignee::Agent { id },
                        ..
                    } => Reference::Agent(id),
                    Step::Label { label_id, .. } => Reference::Label(label_id),
                    Step::EnterAutomation {
                        automation_id,
                        target: Target::Webhook,
                        ..
                    } => Reference::Automation(automation_id),
                    Step::Question {
                        save: SaveTo::Attribute { key },
                        ..
                    } => Reference::Attribute(key),
                    _ => return None,
                };
                Some((step.id(), reference))
            })
            .collect()
    }

    /// Refuses the first step (in the editor's order) naming something `known` says the account lacks.
    pub fn check_references(&self, known: impl Fn(Reference<'_>) -> bool) -> Result<(), FlowError> {
        match self.references().into_iter().find(|(_, r)| !known(*r)) {
            Some((step, reference)) => Err(FlowError {
                code: "flow_reference_unknown",
                step: Some(step.to_string()),
                message: format!("Step \"{step}\": {}", reference.unknown()),
            }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::{Button, Trigger};

    fn flow() -> Flow {
        let ask = |key: &str| Step::Question {
            id: format!("ask_{key}"),
            text: "?".into(),
            save: SaveTo::Attribute { key: key.into() },
        };
        Flow {
            trigger: Trigger::Open,
            greeting: None,
            offline: None,
            steps: vec![
                Step::Buttons {
                    id: "pick".into(),
                    text: "Which?".into(),
                    buttons: vec![Button {
                        label: "Sales".into(),
                        steps: vec![Step::Assign {
                            id: "to_sales".into(),
                            to: Assignee::Team { id: "t1".into() },
                        }],
                    }],
                },
                ask("plan"),
                Step::Question {
                    id: "note".into(),
                    text: "?".into(),
                    save: SaveTo::Conversation { key: "note".into() },
                },
                Step::Label {
                    id: "tag".into(),
                    label_id: "l1".into(),
                },
            ],
        }
    }

    #[test]
    fn references_list_what_steps_name_in_the_editors_order() {
        assert_eq!(
            flow().references(),
            vec![
                ("to_sales", Reference::Team("t1")),
                ("ask_plan", Reference::Attribute("plan")),
                ("tag", Reference::Label("l1")),
            ]
        );
    }

    #[test]
    fn an_unknown_reference_is_refused_naming_its_step() {
        assert_eq!(flow().check_references(|_| true), Ok(()));
        let err = flow()
            .check_references(|r| !matches!(r, Reference::Label(_)))
            .unwrap_err();
        assert_eq!(err.code, "flow_reference_unknown");
        assert_eq!(err.step.as_deref(), Some("tag"));
        assert!(err.message.starts_with("Step \"tag\": it adds a label"));
        let err = flow().check_references(|_| false).unwrap_err();
        assert_eq!(
            err.step.as_deref(),
            Some("to_sales"),
            "the first one listed"
        );
    }
}
