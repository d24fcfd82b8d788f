//! A website that embeds the widget: how the widget sits on its pages.

use crate::conversation::string_enum;

string_enum! {
    /// The corner the launcher sits in.
    WidgetPosition { /// Bottom left.
        Left = "left", /// Bottom right.
        Right = "right" }
}

string_enum! {
    /// The language the widget speaks to visitors.
    Language { /// The visitor's browser language, when the widget speaks it (else English).
        Auto = "auto", /// English.
        En = "en", /// French.
        Fr = "fr" }
}
