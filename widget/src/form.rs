//! The chatbot's Form step as state: after the visitor's first message (or
//! before it, while nobody on the team is online) it asks
//! for the contact details the site wants and does not know yet, checks the
//! answer with the rules of `shared::form` (the worker checks again), and
//! keeps what the view shows beside each field.

use shared::form::{FieldMode, FormConfig, FormField, FormInput};
use shared::i18n::{self, Text};

/// What the worker knows of this visitor, for the Form step.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VisitorState {
    /// Contact details already known (never asked again).
    pub known: Vec<FormField>,
    /// Whether this browser already answered the Form step.
    pub form_done: bool,
}

/// The values typed into the Form step, in [`FormField::ALL`] order; `None` for fields not asked.
pub type Values = [Option<String>; 4];

/// A checked answer: each field the visitor filled in, trimmed.
pub type Answer = Vec<(FormField, String)>;

/// The Form step on screen: the fields asked and what is shown beside them.
#[derive(Debug, Clone, PartialEq)]
pub struct Asking {
    /// The fields asked, in display order, with how each is treated.
    pub fields: Vec<(FormField, FieldMode)>,
    /// The error shown beside each field in error.
    pub errors: Vec<(FormField, String)>,
    /// A message about the whole form (empty when none).
    pub notice: String,
    /// Whether an answer is on its way (the submit button is disabled).
    pub busy: bool,
    /// Bumped whenever errors, notice or busy change, so the view applies them once.
    pub revision: u32,
}

/// Where the Form step stands.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum FormStep {
    /// Nothing to ask (yet).
    #[default]
    Hidden,
    /// Asking for details.
    Asking(Asking),
    /// Answered: a thank-you takes its place.
    Thanked,
}

/// A [`FormInput`] over typed values.
pub fn input(values: &Values) -> FormInput<'_> {
    FormInput {
        email: values[FormField::Email as usize].as_deref(),
        phone: values[FormField::Phone as usize].as_deref(),
        company: values[FormField::Company as usize].as_deref(),
        full_name: values[FormField::FullName as usize].as_deref(),
    }
}

impl Asking {
    fn show(&mut self, errors: Vec<(FormField, String)>, notice: String, busy: bool) {
        self.errors = errors;
        self.notice = notice;
        self.busy = busy;
        self.revision = self.revision.wrapping_add(1);
    }
}

impl FormStep {
    /// Shows the step when it is time to `ask` (after the visitor's first
    /// stored message, or up front while nobody is online) and the worker
    /// still lacks something; hides it once nothing is left to ask or it is
    /// no longer time. A step already shown is kept as it is, with what the visitor typed.
    pub fn update(&mut self, config: &FormConfig, visitor: Option<&VisitorState>, ask: bool) {
        let ask = match visitor {
            Some(state) if !state.form_done && ask => config.fields_to_ask(&state.known),
            _ => Vec::new(),
        };
        match self {
            FormStep::Asking(_) if ask.is_empty() => *self = FormStep::Hidden,
            FormStep::Asking(_) => {}
            _ if ask.is_empty() => {}
            _ => {
                *self = FormStep::Asking(Asking {
                    fields: ask,
                    errors: Vec::new(),
                    notice: String::new(),
                    busy: false,
                    revision: 0,
                })
            }
        }
    }

    /// Checks what the visitor typed. On errors, shows them and returns `None`;
    /// otherwise marks the step busy and returns the answer to send.
    pub fn submit(
        &mut self,
        config: &FormConfig,
        values: &Values,
        email_known: bool,
    ) -> Option<Answer> {
        let FormStep::Asking(asking) = self else {
            return None;
        };
        if let Err(errors) = config.validate(&input(values), email_known) {
            let said = |code, message| i18n::rule(code, message, crate::locale::get()).to_string();
            asking.show(
                errors
                    .iter()
                    .map(|(f, rule)| (*f, said(rule.code, rule.message)))
                    .collect(),
                asking.notice.clone(),
                asking.busy,
            );
            return None;
        }
        asking.show(Vec::new(), String::new(), true);
        let answer = FormField::ALL
            .iter()
            .zip(values.iter())
            .filter_map(|(field, value)| {
                Some((
                    *field,
                    value
                        .as_deref()
                        .map(str::trim)
                        .filter(|v| !v.is_empty())?
                        .to_string(),
                ))
            })
            .collect();
        Some(answer)
    }

    /// The worker refused the answer: shows its per-field errors, or else its message.
    pub fn refused(&mut self, fields: Vec<(FormField, String)>, message: Option<String>) {
        let FormStep::Asking(asking) = self else {
            return;
        };
        if fields.is_empty() {
            let errors = asking.errors.clone();
            asking.show(
                errors,
                message.unwrap_or_else(|| crate::locale::t(Text::DetailsFailed).into()),
                false,
            );
        } else {
            let notice = asking.notice.clone();
            asking.show(fields, notice, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: FormConfig = FormConfig {
        phone: FieldMode::Required,
        company: FieldMode::Hidden,
        full_name: FieldMode::Optional,
    };

    fn visitor(known: &[FormField], form_done: bool) -> VisitorState {
        VisitorState {
            known: known.to_vec(),
            form_done,
        }
    }

    fn asking(step: &FormStep) -> &Asking {
        match step {
            FormStep::Asking(asking) => asking,
            other => panic!("not asking: {other:?}"),
        }
    }

    #[test]
    fn asks_after_the_first_stored_message_only_what_is_unknown() {
        let mut step = FormStep::Hidden;
        step.update(&CONFIG, Some(&visitor(&[], false)), false);
        assert_eq!(step, FormStep::Hidden, "not before the visitor writes");
        step.update(&CONFIG, None, true);
        assert_eq!(
            step,
            FormStep::Hidden,
            "not before the worker says what it knows"
        );
        step.update(&CONFIG, Some(&visitor(&[FormField::Email], false)), true);
        assert_eq!(
            asking(&step).fields,
            vec![
                (FormField::Phone, FieldMode::Required),
                (FormField::FullName, FieldMode::Optional)
            ]
        );
        step.update(
            &CONFIG,
            Some(&visitor(&[FormField::Email, FormField::Phone], false)),
            true,
        );
        assert_eq!(
            asking(&step).fields.len(),
            2,
            "a shown step keeps its fields (and what was typed)"
        );
        step.update(&CONFIG, Some(&visitor(&[], true)), true);
        assert_eq!(
            step,
            FormStep::Hidden,
            "an answered step is not asked again"
        );
    }

    #[test]
    fn a_thank_you_stays_until_something_new_is_asked() {
        let mut step = FormStep::Thanked;
        step.update(&CONFIG, Some(&visitor(&[], true)), true);
        assert_eq!(step, FormStep::Thanked);
        step.update(&CONFIG, Some(&visitor(&[], false)), true);
        assert!(matches!(step, FormStep::Asking(_)));
    }

    #[test]
    fn submit_checks_the_rules_then_sends_trimmed_values() {
        let mut step = FormStep::Hidden;
        step.update(&CONFIG, Some(&visitor(&[], false)), true);
        let mut values: Values = [
            Some("grace@".into()),
            Some("".into()),
            None,
            Some("  ".into()),
        ];
        assert_eq!(step.submit(&CONFIG, &values, false), None);
        let shown = asking(&step);
        let fields: Vec<_> = shown.errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, [FormField::Email, FormField::Phone]);
        assert!(!shown.busy);
        let revision = shown.revision;

        values[0] = Some(" grace@navy.example ".into());
        values[1] = Some("+1 202 555 0143".into());
        let answer = step.submit(&CONFIG, &values, false).expect("valid");
        assert_eq!(
            answer,
            vec![
                (FormField::Email, "grace@navy.example".into()),
                (FormField::Phone, "+1 202 555 0143".into())
            ]
        );
        let shown = asking(&step);
        assert!(shown.busy && shown.errors.is_empty() && shown.revision != revision);
    }

    #[test]
    fn a_refusal_shows_the_workers_reasons() {
        let mut step = FormStep::Hidden;
        step.update(&CONFIG, Some(&visitor(&[], false)), true);
        step.submit(
            &CONFIG,
            &[
                Some("a@b.example".into()),
                Some("+44 20 7183 8750".into()),
                None,
                None,
            ],
            false,
        );
        step.refused(Vec::new(), None);
        assert_eq!(
            (asking(&step).notice.as_str(), asking(&step).busy),
            (Text::DetailsFailed.get(shared::i18n::Locale::En), false)
        );
        step.refused(vec![(FormField::Email, "taken".into())], None);
        assert_eq!(
            asking(&step).errors,
            vec![(FormField::Email, "taken".to_string())]
        );
    }
}
