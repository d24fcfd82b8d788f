//! Signatures of outgoing mail: each agent may set one, and each site a
//! default (its primary admin). Email replies and chat transcripts carry the
//! agent's when set, else the site's, under the usual `-- ` delimiter (RFC
//! 3676), in the text part and, escaped, in the HTML part. Chat and Messenger
//! replies never carry one.

use crate::Invalid;

/// Longest signature accepted, in characters.
pub const MAX_SIGNATURE_CHARS: usize = 1000;
/// Most lines a signature may have.
pub const MAX_SIGNATURE_LINES: usize = 12;
/// The line that opens a signature (RFC 3676 §4.3: dash, dash, space).
pub const DELIMITER: &str = "-- ";

/// A signature broke the rules.
pub const SIGNATURE_INVALID: Invalid = Invalid::new(
    "signature_invalid",
    "A signature is plain text of at most 1000 characters on at most 12 lines; send an empty one to remove it.",
);

/// Checks a signature as it is typed: line ends made `\n`, trailing spaces
/// of each line and blank lines around it dropped; `None` (no signature)
/// when nothing is left. Control characters other than line ends and tabs
/// are refused.
pub fn validate(typed: &str) -> Result<Option<String>, Invalid> {
    if typed
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || typed.len() > 8 * MAX_SIGNATURE_CHARS
    {
        return Err(SIGNATURE_INVALID);
    }
    let lines: Vec<&str> = typed.lines().map(str::trim_end).collect();
    let first = lines.iter().position(|l| !l.is_empty());
    let last = lines.iter().rposition(|l| !l.is_empty());
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(None);
    };
    let kept = &lines[first..=last];
    // A delimiter the agent typed is left out: the one Parley writes is enough.
    let kept = if kept.first() == Some(&DELIMITER.trim_end()) {
        &kept[1..]
    } else {
        kept
    };
    let signature = kept.join("\n");
    if kept.len() > MAX_SIGNATURE_LINES || signature.chars().count() > MAX_SIGNATURE_CHARS {
        return Err(SIGNATURE_INVALID);
    }
    Ok(Some(signature).filter(|s| !s.trim().is_empty()))
}

/// The signature an email carries: the agent's when set, else the site's.
pub fn chosen<'a>(agent: Option<&'a str>, site: Option<&'a str>) -> Option<&'a str> {
    let set = |s: Option<&'a str>| s.filter(|s| !s.trim().is_empty());
    set(agent).or(set(site))
}

/// The text of an email with its signature under the delimiter.
pub fn signed(text: &str, signature: Option<&str>) -> String {
    match signature {
        Some(signature) => format!("{}\n\n{DELIMITER}\n{signature}", text.trim_end()),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_tidied_or_refused() {
        assert_eq!(
            validate("\r\n  Robin Ash  \r\nJuniper & Pine\r\n\r\n"),
            Ok(Some("  Robin Ash\nJuniper & Pine".into()))
        );
        assert_eq!(
            validate("-- \nRobin"),
            Ok(Some("Robin".into())),
            "one delimiter, Parley's"
        );
        assert_eq!(validate(" \n\t\n"), Ok(None), "blank removes it");
        assert_eq!(validate(""), Ok(None));
        assert_eq!(validate("Robin\u{0}"), Err(SIGNATURE_INVALID));
        assert_eq!(validate("Robin\u{1b}[31m"), Err(SIGNATURE_INVALID));
        assert_eq!(validate(&"x".repeat(1001)), Err(SIGNATURE_INVALID));
        assert!(
            validate(&"é".repeat(1000)).unwrap().is_some(),
            "characters, not bytes"
        );
        assert_eq!(validate(&"line\n".repeat(13)), Err(SIGNATURE_INVALID));
        assert_eq!(
            validate(&"\n".repeat(100_000)),
            Err(SIGNATURE_INVALID),
            "refused before it is split"
        );
    }

    #[test]
    fn the_agents_signature_wins_over_the_sites() {
        assert_eq!(chosen(Some("Robin"), Some("The J&P team")), Some("Robin"));
        assert_eq!(chosen(None, Some("The J&P team")), Some("The J&P team"));
        assert_eq!(
            chosen(Some("  "), Some("The J&P team")),
            Some("The J&P team")
        );
        assert_eq!(chosen(None, None), None);
    }

    #[test]
    fn signed_text_puts_the_signature_under_the_delimiter() {
        assert_eq!(
            signed("Hello\n\n", Some("Robin\nJ&P")),
            "Hello\n\n-- \nRobin\nJ&P"
        );
        assert_eq!(signed("Hello", None), "Hello");
    }
}
