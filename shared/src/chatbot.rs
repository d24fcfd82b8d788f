//! The chatbot a site owner arranges: an ordered list of blocks (a greeting,
//! the Form step, "Enter an automation" after the Form, and the offline
//! message with its business hours).

use std::collections::BTreeMap;

use crate::automation::{is_activecampaign_id, Target};
use crate::form::{FieldMode, FormConfig};
use crate::i18n::{Locale, Text};
use crate::Invalid;

/// Longest greeting or offline message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 500;

/// A block is malformed.
pub const CHATBOT_INVALID: Invalid = Invalid::new(
    "chatbot_invalid",
    "The chatbot needs exactly one Form block; messages are 1 to 500 characters; hours run from 00:00 to 24:00 with opening before closing.",
);

/// Opening hours of one weekday, minutes after midnight in the site's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(all(test, feature = "serde"), derive(ts_rs::TS))]
pub struct Span {
    /// Opening, 0 to 1440.
    pub open: u16,
    /// Closing, after opening, at most 1440.
    pub close: u16,
}

/// One step of the chatbot.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(all(test, feature = "serde"), derive(ts_rs::TS))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)
)]
pub enum Block {
    /// The first bot line of a new conversation.
    Greeting {
        /// The text.
        text: String,
        /// The text in other languages, by tag (`fr`), when the site overrides it.
        #[cfg_attr(
            feature = "serde",
            serde(default, skip_serializing_if = "BTreeMap::is_empty")
        )]
        translations: BTreeMap<String, String>,
    },
    /// The Form step: email always; phone, company and full name each hidden, optional or required.
    Form {
        /// How the phone field is treated.
        phone: FieldMode,
        /// How the company ("account") field is treated.
        company: FieldMode,
        /// How the full-name field is treated.
        full_name: FieldMode,
    },
    /// After the Form is submitted, the contact enters this automation.
    EnterAutomation {
        /// The automation's id: a Parley automation's, or ActiveCampaign's (see `target`).
        automation_id: String,
        /// What it enters (a webhook when stored before the connector).
        #[cfg_attr(feature = "serde", serde(default))]
        target: Target,
    },
    /// Shown when nobody is online or outside business hours.
    Offline {
        /// The text.
        text: String,
        /// Monday to Sunday; `None` is closed all day.
        hours: [Option<Span>; 7],
        /// IANA time zone of the hours, e.g. `Europe/Paris`.
        time_zone: String,
        /// The text in other languages, by tag (`fr`), when the site overrides it.
        #[cfg_attr(
            feature = "serde",
            serde(default, skip_serializing_if = "BTreeMap::is_empty")
        )]
        translations: BTreeMap<String, String>,
    },
}

/// A site's chatbot.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(all(test, feature = "serde"), derive(ts_rs::TS))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Chatbot {
    /// The blocks, in order.
    pub blocks: Vec<Block>,
}

impl Chatbot {
    /// The chatbot of a site that never arranged one: its greeting, then its Form.
    pub fn default_for(greeting: &str, form: FormConfig) -> Self {
        Chatbot {
            blocks: vec![
                Block::Greeting {
                    text: greeting.to_string(),
                    translations: BTreeMap::new(),
                },
                Block::Form {
                    phone: form.phone,
                    company: form.company,
                    full_name: form.full_name,
                },
            ],
        }
    }

    /// The Form step's configuration (email only when there is no Form block).
    pub fn form(&self) -> FormConfig {
        self.blocks
            .iter()
            .find_map(|b| match b {
                Block::Form {
                    phone,
                    company,
                    full_name,
                } => Some(FormConfig {
                    phone: *phone,
                    company: *company,
                    full_name: *full_name,
                }),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// The text of the greeting block, if there is one.
    pub fn greeting(&self) -> Option<&str> {
        self.blocks.iter().find_map(|b| match b {
            Block::Greeting { text, .. } => Some(text.as_str()),
            _ => None,
        })
    }

    /// The greeting in other languages, by tag: the site's overrides, and the
    /// French default when the site kept the English default greeting.
    pub fn greeting_translations(&self) -> BTreeMap<String, String> {
        let Some(Block::Greeting { text, translations }) = self
            .blocks
            .iter()
            .find(|b| matches!(b, Block::Greeting { .. }))
        else {
            return BTreeMap::new();
        };
        let mut out = translations.clone();
        if text.trim() == Text::DefaultGreeting.get(Locale::En) {
            out.entry(Locale::Fr.tag().to_string())
                .or_insert_with(|| Text::DefaultGreeting.get(Locale::Fr).to_string());
        }
        out
    }

    /// The offline block's text and time zone, if the chatbot has one.
    pub fn offline(&self) -> Option<(&str, &str)> {
        self.blocks.iter().find_map(|b| match b {
            Block::Offline {
                text, time_zone, ..
            } => Some((text.as_str(), time_zone.as_str())),
            _ => None,
        })
    }

    /// Whether the site is within its business hours at `minute` (0 to 1439)
    /// of `weekday` (0 = Monday) in its own time zone; always, without an offline block.
    pub fn open_at(&self, weekday: usize, minute: u16) -> bool {
        self.blocks.iter().all(|b| match b {
            Block::Offline { hours, .. } => hours
                .get(weekday)
                .copied()
                .flatten()
                .is_some_and(|span| span.open <= minute && minute < span.close),
            _ => true,
        })
    }

    /// The offline text in other languages, by tag.
    pub fn offline_translations(&self) -> BTreeMap<String, String> {
        self.blocks
            .iter()
            .find_map(|b| match b {
                Block::Offline { translations, .. } => Some(translations.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// The automation a contact enters after submitting the Form, if any.
    pub fn automation(&self) -> Option<&str> {
        self.entered(Target::Webhook)
    }

    /// The ActiveCampaign automation a contact enters after submitting the Form, if any.
    pub fn crm_automation(&self) -> Option<&str> {
        self.entered(Target::ActiveCampaign)
    }

    /// The automation of this target the Form's contact enters.
    fn entered(&self, want: Target) -> Option<&str> {
        self.blocks.iter().find_map(|b| match b {
            Block::EnterAutomation {
                automation_id,
                target,
            } if *target == want => Some(automation_id.as_str()),
            _ => None,
        })
    }

    /// Checks the blocks as an admin saved them: exactly one Form, messages of
    /// 1 to 500 characters on one or more lines, business hours that make sense.
    pub fn validate(&self) -> Result<(), Invalid> {
        let forms = self
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::Form { .. }))
            .count();
        let message_ok = |t: &str| {
            let n = t.trim().chars().count();
            (1..=MAX_MESSAGE_CHARS).contains(&n)
        };
        let block_ok = |b: &Block| match b {
            Block::Greeting { text, translations } => {
                message_ok(text) && translations.values().all(|t| message_ok(t))
            }
            Block::Form { .. } => true,
            Block::EnterAutomation {
                automation_id,
                target,
            } => match target {
                Target::Webhook => !automation_id.trim().is_empty(),
                Target::ActiveCampaign => is_activecampaign_id(automation_id),
            },
            Block::Offline {
                text,
                hours,
                time_zone,
                translations,
            } => {
                message_ok(text)
                    && translations.values().all(|t| message_ok(t))
                    && !time_zone.trim().is_empty()
                    && hours
                        .iter()
                        .flatten()
                        .all(|s| s.open < s.close && s.close <= 1440)
            }
        };
        if forms == 1 && self.blocks.len() <= 10 && self.blocks.iter().all(block_ok) {
            Ok(())
        } else {
            Err(CHATBOT_INVALID)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> Block {
        Block::Form {
            phone: FieldMode::Required,
            company: FieldMode::Hidden,
            full_name: FieldMode::Optional,
        }
    }

    #[test]
    fn the_default_chatbot_greets_then_asks_the_sites_form() {
        let config = FormConfig {
            phone: FieldMode::Optional,
            company: FieldMode::Hidden,
            full_name: FieldMode::Required,
        };
        let bot = Chatbot::default_for("Hi!", config);
        assert_eq!(bot.form(), config);
        assert_eq!(bot.automation(), None);
        assert_eq!(bot.validate(), Ok(()));
    }

    #[test]
    fn an_automation_block_names_what_the_contact_enters() {
        let bot = Chatbot {
            blocks: vec![
                form(),
                Block::EnterAutomation {
                    automation_id: "au_1".into(),
                    target: Target::Webhook,
                },
            ],
        };
        assert_eq!(bot.automation(), Some("au_1"));
        assert_eq!(bot.form().phone, FieldMode::Required);
    }

    #[test]
    fn exactly_one_form_and_sane_blocks() {
        assert_eq!(
            Chatbot { blocks: vec![] }.validate(),
            Err(CHATBOT_INVALID),
            "the Form is always there"
        );
        assert_eq!(
            Chatbot {
                blocks: vec![form(), form()]
            }
            .validate(),
            Err(CHATBOT_INVALID)
        );
        let greeting = |t: &str| Block::Greeting {
            text: t.into(),
            translations: BTreeMap::new(),
        };
        assert_eq!(
            Chatbot {
                blocks: vec![greeting("  "), form()]
            }
            .validate(),
            Err(CHATBOT_INVALID)
        );
        assert_eq!(
            Chatbot {
                blocks: vec![greeting(&"x".repeat(501)), form()]
            }
            .validate(),
            Err(CHATBOT_INVALID)
        );
        let offline = |open, close| Block::Offline {
            text: "We are away".into(),
            hours: [
                Some(Span { open, close }),
                None,
                None,
                None,
                None,
                None,
                None,
            ],
            time_zone: "Europe/Paris".into(),
            translations: BTreeMap::new(),
        };
        assert_eq!(
            Chatbot {
                blocks: vec![form(), offline(540, 1020)]
            }
            .validate(),
            Ok(())
        );
        assert_eq!(
            Chatbot {
                blocks: vec![form(), offline(1020, 540)]
            }
            .validate(),
            Err(CHATBOT_INVALID)
        );
        assert_eq!(
            Chatbot {
                blocks: vec![form(), offline(0, 1441)]
            }
            .validate(),
            Err(CHATBOT_INVALID)
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn blocks_travel_tagged_by_type() {
        let json = r#"{"blocks":[{"type":"greeting","text":"Hi"},{"type":"form","phone":"required","company":"hidden","full_name":"optional"},{"type":"enter_automation","automation_id":"au_1"}]}"#;
        let bot: Chatbot = serde_json::from_str(json).unwrap();
        assert_eq!(
            bot.automation(),
            Some("au_1"),
            "stored before the connector: a webhook"
        );
        assert_eq!(bot.crm_automation(), None);
        let again = json.replace(r#""au_1"}"#, r#""au_1","target":"webhook"}"#);
        assert_eq!(serde_json::to_string(&bot).unwrap(), again);
        let ac = json.replace(r#""au_1"}"#, r#""12","target":"activecampaign"}"#);
        let bot: Chatbot = serde_json::from_str(&ac).unwrap();
        assert_eq!((bot.automation(), bot.crm_automation()), (None, Some("12")));
        assert_eq!(bot.validate(), Ok(()));
        let not_ac = ac.replace(r#""12""#, r#""au_1""#);
        let bot: Chatbot = serde_json::from_str(&not_ac).unwrap();
        assert_eq!(
            bot.validate(),
            Err(CHATBOT_INVALID),
            "ActiveCampaign ids are numbers"
        );
        assert!(serde_json::from_str::<Chatbot>(r#"{"blocks":[{"type":"confetti"}]}"#).is_err());
    }
}

#[cfg(test)]
mod translations {
    use super::*;

    #[test]
    fn the_default_greeting_speaks_french_too_and_overrides_win() {
        let default = Chatbot::default_for("Hi! How can we help?", FormConfig::default());
        assert_eq!(
            default
                .greeting_translations()
                .get("fr")
                .map(String::as_str),
            Some("Bonjour ! Comment pouvons-nous vous aider ?")
        );
        let own = Chatbot::default_for("Questions about tea?", FormConfig::default());
        assert!(
            own.greeting_translations().is_empty(),
            "a site's own greeting is not guessed at"
        );
        let mut translations = BTreeMap::new();
        translations.insert("fr".to_string(), "Une question sur le thé ?".to_string());
        let overridden = Chatbot {
            blocks: vec![Block::Greeting {
                text: "Questions about tea?".into(),
                translations,
            }],
        };
        assert_eq!(
            overridden
                .greeting_translations()
                .get("fr")
                .map(String::as_str),
            Some("Une question sur le thé ?")
        );
    }
}

#[cfg(test)]
mod hours {
    use super::*;

    fn with_hours(hours: [Option<Span>; 7]) -> Chatbot {
        let form = Block::Form {
            phone: FieldMode::Hidden,
            company: FieldMode::Hidden,
            full_name: FieldMode::Hidden,
        };
        let offline = Block::Offline {
            text: "Back at nine.".into(),
            hours,
            time_zone: "Europe/Paris".into(),
            translations: BTreeMap::new(),
        };
        Chatbot {
            blocks: vec![form, offline],
        }
    }

    #[test]
    fn business_hours_decide_whether_the_site_is_open() {
        let nine_to_five = Some(Span {
            open: 540,
            close: 1020,
        });
        let bot = with_hours([
            nine_to_five,
            nine_to_five,
            nine_to_five,
            nine_to_five,
            nine_to_five,
            None,
            None,
        ]);
        assert_eq!(bot.offline(), Some(("Back at nine.", "Europe/Paris")));
        assert!(bot.open_at(0, 540), "opening minute is open");
        assert!(bot.open_at(4, 1019));
        assert!(!bot.open_at(4, 1020), "closing minute is closed");
        assert!(!bot.open_at(0, 539));
        assert!(!bot.open_at(5, 700), "closed all Saturday");
        assert!(!bot.open_at(7, 700), "no eighth day");
        let plain = Chatbot::default_for("Hi", FormConfig::default());
        assert!(
            plain.open_at(6, 0) && plain.offline().is_none(),
            "without an offline block the site is always open"
        );
    }
}
