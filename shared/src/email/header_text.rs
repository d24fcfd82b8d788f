//! Text that becomes (or came from) one header line.

/// The text on one line: each run of CR, LF, tabs and other control
/// characters becomes one space, and the ends are trimmed. Every text written
/// into an outbound header goes through this, so a decoded subject such as
/// `"Hi\r\nBcc: victim@example.org"` can never start a header of its own.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_controls = false;
    for c in text.chars() {
        if c.is_control() {
            if !in_controls {
                out.push(' ');
            }
            in_controls = true;
        } else {
            out.push(c);
            in_controls = false;
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn controls_become_one_space() {
        assert_eq!(
            one_line("Hi\r\nBcc: victim@example.org"),
            "Hi Bcc: victim@example.org"
        );
        assert_eq!(one_line("\tRe:\u{0}\u{7f}order\u{85}\r\n"), "Re: order");
        assert_eq!(one_line("Zoë · Café ☕"), "Zoë · Café ☕");
        assert_eq!(one_line("\r\n"), "");
    }
}
