//! The flow a site runs before it saves one: its four chatbot blocks
//! (greeting, Form, "Enter an automation", offline) as an equivalent flow.

use super::{Flow, Localized, Offline, Step, Trigger};
use crate::chatbot::{Block, Chatbot};

impl Flow {
    /// The chatbot's blocks as a flow that behaves the same: the greeting
    /// shows on opening, the visitor's first message starts the Form, the
    /// automation follows it, and the offline text and hours stay the site's.
    /// Nothing is said that the blocks did not say.
    pub fn from_chatbot(chatbot: &Chatbot) -> Flow {
        let mut flow = Flow {
            trigger: Trigger::FirstMessage,
            greeting: None,
            offline: None,
            steps: Vec::new(),
        };
        for block in &chatbot.blocks {
            match block {
                Block::Greeting { .. } => {
                    flow.greeting = chatbot.greeting().map(|text| Localized {
                        text: text.to_string(),
                        translations: chatbot.greeting_translations(),
                    })
                }
                Block::Form {
                    phone,
                    company,
                    full_name,
                } => flow.steps.push(Step::Form {
                    id: "form".into(),
                    phone: *phone,
                    company: *company,
                    full_name: *full_name,
                }),
                Block::EnterAutomation {
                    automation_id,
                    target,
                } => flow.steps.push(Step::EnterAutomation {
                    id: "automation".into(),
                    automation_id: automation_id.clone(),
                    target: *target,
                }),
                Block::Offline {
                    text,
                    hours,
                    time_zone,
                    translations,
                } => {
                    flow.offline = Some(Offline {
                        message: Localized {
                            text: text.clone(),
                            translations: translations.clone(),
                        },
                        hours: *hours,
                        time_zone: time_zone.clone(),
                    })
                }
            }
        }
        // The blocks' automation followed the Form wherever it was listed.
        flow.steps
            .sort_by_key(|s| matches!(s, Step::EnterAutomation { .. }));
        flow
    }
}
