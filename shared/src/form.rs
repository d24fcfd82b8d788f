//! The chatbot Form step: which contact details a site asks visitors for.
//!
//! Email is always required; phone, company (the "account" field) and full
//! name are each hidden, optional or required per site.

use crate::contact::normalize_email;
use crate::conversation::string_enum;
use crate::Invalid;

/// Most characters a company or a name may have.
pub const MAX_FIELD_CHARS: usize = 100;

/// A required phone number was left empty.
pub const PHONE_MISSING: Invalid = Invalid::new("phone_missing", "Please enter your phone number.");
/// The phone number is not in international form.
pub const PHONE_INVALID: Invalid = Invalid::new(
    "phone_invalid",
    "Enter the number in international form: + and country code, e.g. +44 20 7183 8750.",
);
/// A required company was left empty.
pub const COMPANY_MISSING: Invalid = Invalid::new("company_missing", "Please enter your company.");
/// A required name was left empty.
pub const NAME_MISSING: Invalid = Invalid::new("full_name_missing", "Please enter your full name.");
/// A company or name is longer than [`MAX_FIELD_CHARS`].
pub const TOO_LONG: Invalid = Invalid::new("too_long", "Please keep this under 100 characters.");
/// Text with control characters (line breaks, tabs) where one line is expected.
pub const NOT_ONE_LINE: Invalid = Invalid::new("not_one_line", "Please use a single line of text.");

string_enum! {
    /// How the Form step treats one configurable field.
    FieldMode { /// Not asked.
        Hidden = "hidden", /// Asked; may be left empty.
        Optional = "optional", /// Asked; must be filled in.
        Required = "required" }
}

string_enum! {
    /// A contact detail the Form step can ask for.
    FormField { /// The visitor's email address: always required.
        Email = "email", /// Phone number in international form.
        Phone = "phone", /// The visitor's company (their "account").
        Company = "company", /// The visitor's full name.
        FullName = "full_name" }
}

/// A site's Form step configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormConfig {
    /// How the phone field is treated.
    pub phone: FieldMode,
    /// How the company field is treated.
    pub company: FieldMode,
    /// How the full-name field is treated.
    pub full_name: FieldMode,
}

impl Default for FormConfig {
    /// Email only: the least a visitor can be asked.
    fn default() -> Self {
        Self {
            phone: FieldMode::Hidden,
            company: FieldMode::Hidden,
            full_name: FieldMode::Hidden,
        }
    }
}

impl FormField {
    /// The label shown beside the field.
    pub const fn label(self) -> &'static str {
        match self {
            FormField::Email => "Email",
            FormField::Phone => "Phone",
            FormField::Company => "Company",
            FormField::FullName => "Full name",
        }
    }

    /// The message for this field when it is required but empty.
    pub const fn missing(self) -> Invalid {
        match self {
            FormField::Email => crate::contact::EMAIL_MISSING,
            FormField::Phone => PHONE_MISSING,
            FormField::Company => COMPANY_MISSING,
            FormField::FullName => NAME_MISSING,
        }
    }

    /// Checks and normalizes one non-empty value of this field.
    pub fn normalize(self, value: &str) -> Result<String, Invalid> {
        match self {
            FormField::Email => normalize_email(value),
            FormField::Phone => normalize_phone(value),
            FormField::Company | FormField::FullName => normalize_line(value),
        }
    }
}

/// A phone number in international form, normalized to `+` and digits
/// (E.164: 8 to 15 digits). Spaces, dots, dashes and parentheses are allowed
/// between digits, as people type them.
pub fn normalize_phone(raw: &str) -> Result<String, Invalid> {
    let rest = raw.trim().strip_prefix('+').ok_or(PHONE_INVALID)?;
    let mut out = String::from("+");
    for c in rest.chars() {
        match c {
            '0'..='9' => out.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return Err(PHONE_INVALID),
        }
    }
    let digits = out.len() - 1;
    if (8..=15).contains(&digits) && !out.starts_with("+0") {
        Ok(out)
    } else {
        Err(PHONE_INVALID)
    }
}

/// One line of free text (a company or a name): trimmed, inner runs of spaces
/// kept, at most [`MAX_FIELD_CHARS`] characters, no control characters.
pub fn normalize_line(raw: &str) -> Result<String, Invalid> {
    let text = raw.trim();
    if text.chars().any(char::is_control) {
        Err(NOT_ONE_LINE)
    } else if text.chars().count() > MAX_FIELD_CHARS {
        Err(TOO_LONG)
    } else {
        Ok(text.to_string())
    }
}

/// What a visitor typed into the Form step (or a host page passed to `identify`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FormInput<'a> {
    /// Email address as typed.
    pub email: Option<&'a str>,
    /// Phone number as typed.
    pub phone: Option<&'a str>,
    /// Company as typed.
    pub company: Option<&'a str>,
    /// Full name as typed.
    pub full_name: Option<&'a str>,
}

impl<'a> FormInput<'a> {
    /// The raw value typed for `field`.
    pub fn get(&self, field: FormField) -> Option<&'a str> {
        match field {
            FormField::Email => self.email,
            FormField::Phone => self.phone,
            FormField::Company => self.company,
            FormField::FullName => self.full_name,
        }
    }
}

/// Contact details that passed the Form rules; `None` where nothing was given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactDetails {
    /// Normalized email.
    pub email: Option<String>,
    /// Phone in `+digits` form.
    pub phone: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// Full name.
    pub full_name: Option<String>,
}

impl ContactDetails {
    /// The fields that hold a value, in display order.
    pub fn given(&self) -> Vec<FormField> {
        let values = [&self.email, &self.phone, &self.company, &self.full_name];
        FormField::ALL
            .iter()
            .zip(values)
            .filter(|(_, v)| v.is_some())
            .map(|(f, _)| *f)
            .collect()
    }

    fn set(&mut self, field: FormField, value: String) {
        let slot = match field {
            FormField::Email => &mut self.email,
            FormField::Phone => &mut self.phone,
            FormField::Company => &mut self.company,
            FormField::FullName => &mut self.full_name,
        };
        *slot = Some(value);
    }
}

/// Every field that broke a rule, with the rule, in display order.
pub type FieldErrors = Vec<(FormField, Invalid)>;

impl FormConfig {
    /// Every field optional: for details that come from the host page or an
    /// agent rather than the visitor's Form step.
    pub const ALL_OPTIONAL: FormConfig = FormConfig {
        phone: FieldMode::Optional,
        company: FieldMode::Optional,
        full_name: FieldMode::Optional,
    };

    /// How `field` is treated: email is always required.
    pub fn mode(&self, field: FormField) -> FieldMode {
        match field {
            FormField::Email => FieldMode::Required,
            FormField::Phone => self.phone,
            FormField::Company => self.company,
            FormField::FullName => self.full_name,
        }
    }

    /// The fields the form shows, in display order.
    pub fn visible_fields(&self) -> impl Iterator<Item = (FormField, FieldMode)> + '_ {
        FormField::ALL
            .iter()
            .map(|f| (*f, self.mode(*f)))
            .filter(|(_, mode)| *mode != FieldMode::Hidden)
    }
}

impl FormConfig {
    /// The fields the Form step still asks, given the fields already known.
    pub fn fields_to_ask(&self, known: &[FormField]) -> Vec<(FormField, FieldMode)> {
        self.visible_fields()
            .filter(|(f, _)| !known.contains(f))
            .collect()
    }

    /// Checks a submission against this site's rules. Hidden fields are
    /// ignored; empty optional ones are fine; the email may be omitted only
    /// when `email_known` (the visitor was identified by the host page).
    pub fn validate(
        &self,
        input: &FormInput,
        email_known: bool,
    ) -> Result<ContactDetails, FieldErrors> {
        let mut details = ContactDetails::default();
        let mut errors = FieldErrors::new();
        for (field, mode) in self.visible_fields() {
            let value = input.get(field).map(str::trim).filter(|v| !v.is_empty());
            match value {
                Some(value) => match field.normalize(value) {
                    Ok(clean) => details.set(field, clean),
                    Err(rule) => errors.push((field, rule)),
                },
                None if mode == FieldMode::Required
                    && !(field == FormField::Email && email_known) =>
                {
                    errors.push((field, field.missing()))
                }
                None => {}
            }
        }
        if errors.is_empty() {
            Ok(details)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_always_required_even_by_default() {
        let config = FormConfig::default();
        assert_eq!(config.mode(FormField::Email), FieldMode::Required);
        let visible: Vec<_> = config.visible_fields().collect();
        assert_eq!(visible, vec![(FormField::Email, FieldMode::Required)]);
    }

    #[test]
    fn visible_fields_follow_configuration_in_display_order() {
        let config = FormConfig {
            phone: FieldMode::Optional,
            company: FieldMode::Hidden,
            full_name: FieldMode::Required,
        };
        let visible: Vec<_> = config.visible_fields().collect();
        assert_eq!(
            visible,
            vec![
                (FormField::Email, FieldMode::Required),
                (FormField::Phone, FieldMode::Optional),
                (FormField::FullName, FieldMode::Required),
            ]
        );
    }

    const LATIN: [FormConfig; 3] = [
        FormConfig {
            phone: FieldMode::Hidden,
            company: FieldMode::Optional,
            full_name: FieldMode::Required,
        },
        FormConfig {
            phone: FieldMode::Optional,
            company: FieldMode::Required,
            full_name: FieldMode::Hidden,
        },
        FormConfig {
            phone: FieldMode::Required,
            company: FieldMode::Hidden,
            full_name: FieldMode::Optional,
        },
    ];

    #[test]
    fn phones_must_be_international() {
        assert_eq!(
            normalize_phone(" +44 (20) 7183-8750 ").unwrap(),
            "+442071838750"
        );
        assert_eq!(normalize_phone("+1.415.555.0100").unwrap(), "+14155550100");
        for bad in [
            "020 7183 8750",
            "+44 20 abc",
            "+1234567",
            "+1234567890123456",
            "+0044207183875",
            "++44207183875",
            "",
        ] {
            assert_eq!(normalize_phone(bad), Err(PHONE_INVALID), "{bad}");
        }
    }

    #[test]
    fn lines_are_trimmed_bounded_and_single() {
        assert_eq!(normalize_line("  Ada  Lovelace ").unwrap(), "Ada  Lovelace");
        assert_eq!(
            normalize_line(&"é".repeat(100)).unwrap().chars().count(),
            100
        );
        assert_eq!(normalize_line(&"é".repeat(101)), Err(TOO_LONG));
        assert_eq!(normalize_line("Ada\nLovelace"), Err(NOT_ONE_LINE));
    }

    #[test]
    fn every_field_in_every_mode_follows_its_rule() {
        let empty = FormInput::default();
        for config in LATIN {
            let missing: Vec<FormField> = config
                .validate(&empty, false)
                .unwrap_err()
                .into_iter()
                .map(|(f, _)| f)
                .collect();
            let mut expected = vec![FormField::Email];
            expected.extend(
                FormField::ALL[1..]
                    .iter()
                    .copied()
                    .filter(|f| config.mode(*f) == FieldMode::Required),
            );
            assert_eq!(missing, expected, "{config:?}");

            let full = FormInput {
                email: Some(" A@B.co "),
                phone: Some("+44 20 7183 8750"),
                company: Some("Acme"),
                full_name: Some("Ada L"),
            };
            let details = config.validate(&full, false).unwrap();
            assert_eq!(details.email.as_deref(), Some("a@b.co"));
            for (field, value) in [
                (FormField::Phone, &details.phone),
                (FormField::Company, &details.company),
                (FormField::FullName, &details.full_name),
            ] {
                assert_eq!(
                    value.is_some(),
                    config.mode(field) != FieldMode::Hidden,
                    "{field:?} in {config:?}: hidden fields are dropped"
                );
            }
        }
    }

    #[test]
    fn errors_name_each_broken_field() {
        let config = LATIN[2];
        let input = FormInput {
            email: Some("nope"),
            phone: Some("0207"),
            company: Some("ignored: hidden"),
            full_name: None,
        };
        let errors = config.validate(&input, false).unwrap_err();
        assert_eq!(
            errors,
            vec![
                (FormField::Email, crate::contact::EMAIL_INVALID),
                (FormField::Phone, PHONE_INVALID)
            ]
        );
    }

    #[test]
    fn a_known_email_may_be_omitted() {
        let config = LATIN[0];
        let input = FormInput {
            full_name: Some("Ada"),
            ..FormInput::default()
        };
        assert_eq!(
            config.validate(&input, false).unwrap_err(),
            vec![(FormField::Email, crate::contact::EMAIL_MISSING)]
        );
        let details = config.validate(&input, true).unwrap();
        assert_eq!(
            (details.email, details.full_name.as_deref()),
            (None, Some("Ada"))
        );
    }

    #[test]
    fn given_lists_the_fields_with_values() {
        let details = FormConfig::ALL_OPTIONAL
            .validate(
                &FormInput {
                    email: Some("a@b.co"),
                    company: Some("Acme"),
                    ..FormInput::default()
                },
                false,
            )
            .unwrap();
        assert_eq!(details.given(), vec![FormField::Email, FormField::Company]);
    }

    #[test]
    fn known_fields_are_not_asked_again() {
        let config = LATIN[0];
        assert_eq!(
            config.fields_to_ask(&[FormField::Email]),
            vec![
                (FormField::Company, FieldMode::Optional),
                (FormField::FullName, FieldMode::Required)
            ]
        );
        assert!(config
            .fields_to_ask(&[FormField::Email, FormField::Company, FormField::FullName])
            .is_empty());
    }

    #[test]
    fn modes_parse_from_stored_names_only() {
        assert_eq!(FieldMode::parse("optional"), Some(FieldMode::Optional));
        assert_eq!(FieldMode::parse("REQUIRED"), None);
        assert_eq!(FormField::parse("full_name"), Some(FormField::FullName));
    }
}
