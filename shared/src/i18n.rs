//! Every visitor-facing text of the widget, in English and French (the seed
//! product's customers write French). One table, so the two never drift apart.
//! The widget reads every text from here; the worker uses it for the default
//! greeting's French.

use crate::form::FormField;
use crate::site::Language;

/// A language the widget speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    /// English.
    En,
    /// French.
    Fr,
}

impl Locale {
    /// What a site's setting and the visitor's browser language (`navigator.language`) make:
    /// a fixed language wins; `auto` speaks French to French browsers, else English.
    pub fn resolve(setting: Language, browser: &str) -> Locale {
        match setting {
            Language::En => Locale::En,
            Language::Fr => Locale::Fr,
            Language::Auto
                if browser
                    .get(..2)
                    .is_some_and(|p| p.eq_ignore_ascii_case("fr")) =>
            {
                Locale::Fr
            }
            Language::Auto => Locale::En,
        }
    }

    /// The BCP 47 tag, for the panel's `lang` attribute and for picking overrides.
    pub const fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
        }
    }
}

/// A text the widget shows or announces (its index in the tables below).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Text {
    /// The launcher's label.
    OpenChat,
    /// The panel's title and label.
    Chat,
    /// The close button's label.
    CloseChat,
    /// The message list's label.
    Messages,
    /// The input's label.
    Message,
    /// The input's placeholder.
    WriteMessage,
    /// The send button.
    Send,
    /// Before the visitor's own lines.
    You,
    /// Before the team's lines.
    Support,
    /// A line on its way.
    Sending,
    /// A line that failed.
    NotSent,
    /// The retry button.
    Retry,
    /// The Form's label.
    YourDetails,
    /// The Form's first line.
    DetailsIntro,
    /// After a field's label when it may stay empty.
    Optional,
    /// The Form's button.
    SendDetails,
    /// The Form could not be sent.
    DetailsFailed,
    /// The Form was sent.
    Thanks,
    /// The greeting of a site that never wrote one.
    DefaultGreeting,
    /// After an agent's name while they type a reply.
    IsTyping,
    /// Under the visitor's last message once an agent has read it.
    Seen,
    /// While nobody on the team is online, on a site without an offline message.
    NobodyOnline,
    /// After the launcher's label, before the number of replies not yet read.
    Unread,
}

impl Text {
    /// This text in `locale`.
    pub fn get(self, locale: Locale) -> &'static str {
        let table = match locale {
            Locale::En => &EN,
            Locale::Fr => &FR,
        };
        table[self as usize]
    }
}

/// The texts in English, in [`Text`]'s order (two tables keep the widget small).
const EN: [&str; 23] = [
    "Open chat",
    "Chat",
    "Close chat",
    "Messages",
    "Message",
    "Write a message…",
    "Send",
    "You: ",
    "Support: ",
    "Sending…",
    "Not sent. ",
    "Retry",
    "Your contact details",
    "Give the team a way to reach you:",
    " (optional)",
    "Send details",
    "Could not send your details; please try again.",
    "Thanks! The team will reply here, and by email if you have left.",
    "Hi! How can we help?",
    " is typing…",
    "Seen",
    "Nobody is online right now. Leave your email and we will reply by email.",
    ". Unread replies: ",
];

/// The texts in French, in [`Text`]'s order.
const FR: [&str; 23] = [
    "Ouvrir le chat",
    "Chat",
    "Fermer le chat",
    "Messages",
    "Message",
    "Écrivez un message…",
    "Envoyer",
    "Vous : ",
    "Support : ",
    "Envoi…",
    "Non envoyé. ",
    "Réessayer",
    "Vos coordonnées",
    "Comment l'équipe peut-elle vous joindre ?",
    " (facultatif)",
    "Envoyer mes coordonnées",
    "Vos coordonnées n'ont pas pu être envoyées ; réessayez.",
    "Merci ! L'équipe vous répondra ici, et par email si vous êtes parti.",
    "Bonjour ! Comment pouvons-nous vous aider ?",
    " est en train d'écrire…",
    "Vu",
    "Personne n'est en ligne pour le moment. Laissez votre email : nous vous répondrons par email.",
    ". Réponses non lues : ",
];

/// The paperclip's label, `[English, French]`: the facade's (`widget/facade.js`),
/// so kept out of the wasm's tables above.
pub const ATTACH_FILE: [&str; 2] = ["Attach a file", "Joindre un fichier"];

/// The notice when a file was refused or could not be sent, `[English, French]`:
/// the files module's (`widget/files.js`), kept out of the wasm's tables.
pub const FILE_NOT_SENT: [&str; 2] = [
    "File not sent: images, PDF or office documents, up to 10 MB.",
    "Fichier non envoyé : images, PDF ou documents bureautiques, 10 Mo au plus.",
];

/// A Form field's label in `locale`.
pub const fn field_label(field: FormField, locale: Locale) -> &'static str {
    match (field, locale) {
        (FormField::Email, _) => "Email",
        (FormField::Phone, Locale::En) => "Phone",
        (FormField::Phone, Locale::Fr) => "Téléphone",
        (FormField::Company, Locale::En) => "Company",
        (FormField::Company, Locale::Fr) => "Entreprise",
        (FormField::FullName, Locale::En) => "Full name",
        (FormField::FullName, Locale::Fr) => "Nom complet",
    }
}

/// The rules the Form step can break, by code, with their French sentences.
const RULES_FR: [(&str, &str); 8] = [
    ("email_missing", "Indiquez votre adresse email."),
    (
        "email_invalid",
        "Cette adresse email n'est pas valide (nom@domaine.fr).",
    ),
    ("phone_missing", "Indiquez votre numéro de téléphone."),
    (
        "phone_invalid",
        "Indiquez un numéro au format international, par exemple +33 1 23 45 67 89.",
    ),
    ("company_missing", "Indiquez votre entreprise."),
    ("full_name_missing", "Indiquez votre nom complet."),
    ("too_long", "100 caractères au plus."),
    ("not_one_line", "Une seule ligne, s'il vous plaît."),
];

/// The French sentence of a rule the Form step can break, by its code
/// (`None`: say the rule's own English message).
pub fn rule_fr(code: &str) -> Option<&'static str> {
    RULES_FR
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, sentence)| *sentence)
}

/// The sentence of a broken rule in `locale`: its French form, else `english`.
pub fn rule<'a>(code: &str, english: &'a str, locale: Locale) -> &'a str {
    match locale {
        Locale::Fr => rule_fr(code).unwrap_or(english),
        Locale::En => english,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{FormConfig, FormInput};

    #[test]
    fn a_fixed_language_wins_and_auto_follows_the_browser() {
        assert_eq!(Locale::resolve(Language::Auto, "fr-FR"), Locale::Fr);
        assert_eq!(Locale::resolve(Language::Auto, "FR"), Locale::Fr);
        assert_eq!(Locale::resolve(Language::Auto, "en-GB"), Locale::En);
        assert_eq!(Locale::resolve(Language::Auto, ""), Locale::En);
        assert_eq!(Locale::resolve(Language::Fr, "en-US"), Locale::Fr);
        assert_eq!(Locale::resolve(Language::En, "fr-CA"), Locale::En);
    }

    #[test]
    fn every_rule_the_form_can_break_is_said_in_french() {
        let config = FormConfig::ALL_OPTIONAL;
        let long = "x".repeat(101);
        let inputs = [
            FormInput {
                email: None,
                ..Default::default()
            },
            FormInput {
                email: Some("nope"),
                ..Default::default()
            },
            FormInput {
                email: Some("a@b.fr"),
                phone: Some("12"),
                company: Some(&long),
                full_name: Some("a\nb"),
            },
        ];
        for input in inputs {
            for (_, rule) in config.validate(&input, false).unwrap_err() {
                assert!(rule_fr(rule.code).is_some(), "no French for {}", rule.code);
            }
        }
        for missing in [
            crate::form::PHONE_MISSING,
            crate::form::COMPANY_MISSING,
            crate::form::NAME_MISSING,
        ] {
            assert!(rule_fr(missing.code).is_some(), "{}", missing.code);
        }
        assert_eq!(
            rule("body_empty", "A message cannot be empty.", Locale::Fr),
            "A message cannot be empty."
        );
    }

    #[test]
    fn both_tables_hold_every_text_in_order() {
        assert_eq!(
            Text::Unread as usize + 1,
            EN.len(),
            "the tables end with the last text"
        );
        assert_eq!(Text::Seen.get(Locale::Fr), "Vu");
        assert_eq!(
            Text::DefaultGreeting.get(Locale::En),
            "Hi! How can we help?"
        );
        assert_eq!(
            Text::DefaultGreeting.get(Locale::Fr),
            "Bonjour ! Comment pouvons-nous vous aider ?"
        );
        assert!(EN
            .iter()
            .zip(FR.iter())
            .all(|(en, fr)| !en.is_empty() && !fr.is_empty()));
    }

    #[test]
    fn english_texts_are_the_ones_the_widget_always_showed() {
        assert_eq!(Text::OpenChat.get(Locale::En), "Open chat");
        assert_eq!(Text::Optional.get(Locale::En), " (optional)");
        assert_eq!(
            field_label(FormField::Company, Locale::En),
            FormField::Company.label()
        );
        assert_eq!(Text::Send.get(Locale::Fr), "Envoyer");
    }
}
