//! The language this widget speaks, decided once at start from the site's
//! setting and the visitor's browser language (`shared::i18n`).

use core::sync::atomic::{AtomicBool, Ordering};

use shared::i18n::{Locale, Text};

static FRENCH: AtomicBool = AtomicBool::new(false);

/// Sets the widget's language.
pub fn set(locale: Locale) {
    FRENCH.store(locale == Locale::Fr, Ordering::Relaxed);
}

/// The widget's language.
pub fn get() -> Locale {
    if FRENCH.load(Ordering::Relaxed) {
        Locale::Fr
    } else {
        Locale::En
    }
}

/// A text in the widget's language.
pub fn t(text: Text) -> &'static str {
    text.get(get())
}
