//! A website that embeds the widget: how the widget sits on its pages.

use crate::conversation::string_enum;

string_enum! {
    /// The corner the launcher sits in.
    WidgetPosition { /// Bottom left.
        Left = "left", /// Bottom right.
        Right = "right" }
}
