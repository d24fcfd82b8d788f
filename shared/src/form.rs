//! The chatbot Form step: which contact details a site asks visitors for.
//!
//! Email is always required; phone, company (the "account" field) and full
//! name are each hidden, optional or required per site.

use crate::conversation::string_enum;

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
        Self { phone: FieldMode::Hidden, company: FieldMode::Hidden, full_name: FieldMode::Hidden }
    }
}

impl FormConfig {
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
        let config = FormConfig { phone: FieldMode::Optional, company: FieldMode::Hidden, full_name: FieldMode::Required };
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

    #[test]
    fn modes_parse_from_stored_names_only() {
        assert_eq!(FieldMode::parse("optional"), Some(FieldMode::Optional));
        assert_eq!(FieldMode::parse("REQUIRED"), None);
        assert_eq!(FormField::parse("full_name"), Some(FormField::FullName));
    }
}
