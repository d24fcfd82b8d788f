//! The DOM of the chatbot's Form step: a bot bubble with one input per asked
//! field. It lives outside the re-rendered message list, so nothing the visitor
//! types is lost while replies arrive. What it shows comes from [`crate::form`].

use crate::locale::t;
use shared::form::{FieldMode, FormField};
use shared::i18n::{field_label, Text};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement};

use crate::form::{Asking, Values};

/// One asked field: its input and the element its error is shown in.
struct Slot {
    field: FormField,
    input: HtmlInputElement,
    error: Element,
}

/// The Form step as shown in the panel.
pub struct FormView {
    /// The `<form>` element (placed after the message list).
    pub element: Element,
    slots: Vec<Slot>,
    notice: Element,
    submit: Element,
}

fn el(doc: &Document, tag: &str, class: &str) -> Element {
    let e = doc
        .create_element(tag)
        .unwrap_or_else(|_| wasm_bindgen::throw_str(tag));
    e.set_class_name(class);
    e
}

fn attr(e: &Element, name: &str, value: &str) {
    let _ = e.set_attribute(name, value);
}

/// `(input type, autocomplete token)` of a field.
fn kind(field: FormField) -> (&'static str, &'static str) {
    match field {
        FormField::Email => ("email", "email"),
        FormField::Phone => ("tel", "tel"),
        FormField::Company => ("text", "organization"),
        FormField::FullName => ("text", "name"),
    }
}

impl FormView {
    /// Builds the form asking `fields`.
    pub fn build(doc: &Document, fields: &[(FormField, FieldMode)]) -> FormView {
        let element = el(doc, "form", "form-step");
        attr(&element, "novalidate", "");
        attr(&element, "aria-label", t(Text::YourDetails));
        let intro = el(doc, "p", "form-intro");
        intro.set_text_content(Some(t(Text::DetailsIntro)));
        element.append_child(&intro).ok();
        let mut slots = Vec::new();
        for (field, mode) in fields {
            let id = ["parley-f-", field.as_str()].concat();
            let error_id = [id.as_str(), "-error"].concat();
            let row = el(doc, "div", "field");
            let label = el(doc, "label", "");
            attr(&label, "for", &id);
            let required = *mode == FieldMode::Required;
            label.set_text_content(Some(field_label(*field, crate::locale::get())));
            if !required {
                let hint = el(doc, "span", "optional");
                hint.set_text_content(Some(t(Text::Optional)));
                label.append_child(&hint).ok();
            }
            let input = el(doc, "input", "");
            let (kind, autocomplete) = kind(*field);
            attr(&input, "id", &id);
            attr(&input, "name", field.as_str());
            attr(&input, "type", kind);
            attr(&input, "autocomplete", autocomplete);
            attr(&input, "aria-describedby", &error_id);
            if required {
                attr(&input, "aria-required", "true");
            }
            if *field == FormField::Phone {
                attr(&input, "placeholder", "+44 20 7183 8750");
            }
            let error = el(doc, "p", "field-error");
            attr(&error, "id", &error_id);
            row.append_with_node_3(&label, &input, &error).ok();
            element.append_child(&row).ok();
            slots.push(Slot {
                field: *field,
                input: input.unchecked_into(),
                error,
            });
        }
        let notice = el(doc, "p", "field-error");
        attr(&notice, "role", "alert");
        let submit = el(doc, "button", "form-submit");
        attr(&submit, "type", "submit");
        submit.set_text_content(Some(t(Text::SendDetails)));
        element.append_with_node_2(&notice, &submit).ok();
        FormView {
            element,
            slots,
            notice,
            submit,
        }
    }

    /// The values typed so far (only asked fields).
    pub fn values(&self) -> Values {
        let mut values: Values = Default::default();
        for slot in &self.slots {
            values[slot.field as usize] = Some(slot.input.value());
        }
        values
    }

    /// Applies what the Form state shows: errors beside their fields (focus
    /// moves to the first field in error), the notice, and the busy button.
    pub fn show(&self, asking: &Asking) {
        let errors = &asking.errors;
        for slot in &self.slots {
            let message = errors
                .iter()
                .find(|(f, _)| *f == slot.field)
                .map(|(_, m)| m.as_str());
            slot.error.set_text_content(message);
            attr(
                &slot.input,
                "aria-invalid",
                if message.is_some() { "true" } else { "false" },
            );
        }
        if let Some(first) = self
            .slots
            .iter()
            .find(|s| errors.iter().any(|(f, _)| *f == s.field))
        {
            let _ = first.input.focus();
        }
        self.notice.set_text_content(Some(&asking.notice));
        if asking.busy {
            attr(&self.submit, "disabled", "");
        } else {
            let _ = self.submit.remove_attribute("disabled");
        }
    }
}
