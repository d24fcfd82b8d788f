//! Labels: the account's tags (name and colour) that agents put on
//! conversations and contacts, and that filter the inbox's list.
//!
//! A label's colour is its chip's background; the chip's text is black or
//! white, whichever contrasts more with it ([`text_colour`]). Black or white
//! always reaches at least 4.58:1 on an opaque colour (the worst case is a
//! background whose luminance is about 0.18), so every well-formed colour
//! meets WCAG AA (4.5:1) for the label's text, and [`validate_colour`]
//! checks it anyway before a colour is stored.

use crate::Invalid;

/// Longest label name, in characters.
pub const MAX_NAME_CHARS: usize = 40;
/// Most labels an account keeps.
pub const MAX_PER_ACCOUNT: u32 = 100;
/// Most labels one change adds or removes on a conversation or contact.
pub const MAX_PER_CHANGE: usize = 20;
/// WCAG 2.2 AA's least contrast for normal text.
pub const AA_CONTRAST: f64 = 4.5;

/// The name broke its rule.
pub const NAME_INVALID: Invalid = Invalid::new(
    "label_name_invalid",
    "A label's name is one line of 1 to 40 characters.",
);
/// Another label of the account has this name (any case).
pub const NAME_TAKEN: Invalid = Invalid::new(
    "label_name_taken",
    "Another label of your team already has this name; choose another.",
);
/// The colour is not `#rrggbb`.
pub const COLOUR_INVALID: Invalid = Invalid::new(
    "label_colour_invalid",
    "A label's colour is #rrggbb in hexadecimal (e.g. #1d4ed8); its text is drawn in black or white, whichever contrasts more.",
);
/// The colour cannot carry readable text (kept for a rule change: black or white always reaches 4.5:1).
pub const COLOUR_LOW_CONTRAST: Invalid = Invalid::new(
    "label_colour_contrast",
    "No text colour reaches WCAG AA contrast (4.5:1) on this label colour; choose a darker or lighter one.",
);
/// The account already keeps [`MAX_PER_ACCOUNT`] labels.
pub const TOO_MANY: Invalid = Invalid::new(
    "labels_full",
    "Your team keeps 100 labels at most; delete one before adding another.",
);
/// A change named no label, too many, or the same one twice.
pub const CHANGE_INVALID: Invalid = Invalid::new(
    "label_change_invalid",
    "Send add and/or remove: lists of at most 20 label ids of your team, no id in both.",
);
/// A change named a label the account does not have.
pub const UNKNOWN_LABEL: Invalid = Invalid::new(
    "label_unknown",
    "A label id in add or remove is not one of your team's labels.",
);

/// An opaque sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// Black.
    pub const BLACK: Rgb = Rgb(0, 0, 0);
    /// White.
    pub const WHITE: Rgb = Rgb(255, 255, 255);

    /// `#rrggbb` (any case, surrounding space ignored), if it is one.
    pub fn parse(text: &str) -> Option<Rgb> {
        let hex = text.trim().strip_prefix('#')?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Rgb(channel(0)?, channel(2)?, channel(4)?))
    }

    /// `#rrggbb`, lower case.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// WCAG's relative luminance, 0 (black) to 1 (white).
    pub fn luminance(self) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.0) + 0.7152 * linear(self.1) + 0.0722 * linear(self.2)
    }
}

/// WCAG's contrast ratio of two colours, 1 to 21.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The text colour drawn on a label of colour `background`: black or white,
/// whichever contrasts more.
pub fn text_colour(background: Rgb) -> Rgb {
    if contrast(Rgb::BLACK, background) >= contrast(Rgb::WHITE, background) {
        Rgb::BLACK
    } else {
        Rgb::WHITE
    }
}

/// A colour as stored (`#rrggbb`, lower case) once its text colour is known
/// to reach [`AA_CONTRAST`] on it; or why not.
pub fn validate_colour(raw: &str) -> Result<String, Invalid> {
    let colour = Rgb::parse(raw).ok_or(COLOUR_INVALID)?;
    if contrast(text_colour(colour), colour) < AA_CONTRAST {
        return Err(COLOUR_LOW_CONTRAST);
    }
    Ok(colour.hex())
}

/// A name as stored: one trimmed line of 1 to [`MAX_NAME_CHARS`] characters.
pub fn validate_name(raw: &str) -> Result<String, Invalid> {
    crate::name::one_line(raw, MAX_NAME_CHARS, NAME_INVALID)
}

/// Checks a change of labels on a conversation or contact: at least one id,
/// at most [`MAX_PER_CHANGE`] in each list, none in both.
pub fn validate_change(add: &[String], remove: &[String]) -> Result<(), Invalid> {
    crate::name::id_change(add, remove, MAX_PER_CHANGE, CHANGE_INVALID)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_matches_wcag_reference_values() {
        assert!((contrast(Rgb::BLACK, Rgb::WHITE) - 21.0).abs() < 1e-9);
        assert!((contrast(Rgb::WHITE, Rgb::WHITE) - 1.0).abs() < 1e-9);
        // #767676 on white is the classic 4.54:1.
        let grey = Rgb::parse("#767676").unwrap();
        assert!((contrast(grey, Rgb::WHITE) - 4.54).abs() < 0.01);
    }

    #[test]
    fn the_text_colour_is_the_one_that_contrasts_more() {
        assert_eq!(text_colour(Rgb::parse("#ffeb3b").unwrap()), Rgb::BLACK);
        assert_eq!(text_colour(Rgb::parse("#1d4ed8").unwrap()), Rgb::WHITE);
        assert_eq!(text_colour(Rgb::BLACK), Rgb::WHITE);
        assert_eq!(text_colour(Rgb::WHITE), Rgb::BLACK);
    }

    #[test]
    fn every_colour_gets_text_at_aa_contrast() {
        let mut worst = f64::MAX;
        for r in (0..=255u8).step_by(3) {
            for g in (0..=255u8).step_by(3) {
                for b in (0..=255u8).step_by(3) {
                    let c = Rgb(r, g, b);
                    worst = worst.min(contrast(text_colour(c), c));
                }
            }
        }
        assert!(worst >= AA_CONTRAST, "worst contrast {worst}");
        assert!(worst < 4.7, "the worst case is near 4.58:1, found {worst}");
    }

    #[test]
    fn colours_are_hex_triplets_stored_lower_case() {
        assert_eq!(validate_colour(" #1D4ED8 ").unwrap(), "#1d4ed8");
        for bad in [
            "",
            "#fff",
            "1d4ed8",
            "#1d4ed",
            "#1d4ed80",
            "#gggggg",
            "red",
            "#1d4eD8ff",
            "#+1+2+3",
        ] {
            assert_eq!(validate_colour(bad), Err(COLOUR_INVALID), "{bad}");
        }
    }

    #[test]
    fn names_are_one_trimmed_line_of_at_most_40_characters() {
        assert_eq!(validate_name("  VIP ").unwrap(), "VIP");
        assert_eq!(validate_name(&"é".repeat(40)).unwrap(), "é".repeat(40));
        for bad in ["", "   ", "a\nb", "tab\there", &"x".repeat(41)] {
            assert_eq!(validate_name(bad), Err(NAME_INVALID), "{bad:?}");
        }
    }

    #[test]
    fn a_change_names_labels_to_add_or_remove_never_both() {
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(validate_change(&ids(&["l1"]), &[]).is_ok());
        assert!(validate_change(&[], &ids(&["l1"])).is_ok());
        assert_eq!(validate_change(&[], &[]), Err(CHANGE_INVALID));
        assert_eq!(
            validate_change(&ids(&["l1"]), &ids(&["l1"])),
            Err(CHANGE_INVALID)
        );
        let many: Vec<String> = (0..21).map(|i| format!("l{i}")).collect();
        assert_eq!(validate_change(&many, &[]), Err(CHANGE_INVALID));
    }
}
