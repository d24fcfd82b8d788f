//! Placeholders in text the team writes: the one grammar and the one renderer
//! behind the email channel's templates (`{Start_Date}`, `{Agent_Name}`) and
//! saved replies (`{contact.first_name|there}`).
//!
//! Grammar: `{` name [`|` fallback] `}`, where the name is 1 to
//! [`MAX_NAME_CHARS`] letters, digits, `_` or `.`, and the fallback is up to
//! [`MAX_FALLBACK_CHARS`] characters other than braces and control characters.
//! Anything else is text, kept as written: a lone `{` or `}`, `{}` or
//! `{ spaced }`. Rendering a placeholder asks a lookup for its name:
//! an unknown name keeps the placeholder as written (so a typo stays visible),
//! a known name with a value gives the value, and a known name without one
//! gives the fallback (or nothing). One pass, linear in the text's length.

/// Longest placeholder name.
pub const MAX_NAME_CHARS: usize = 64;
/// Longest fallback text.
pub const MAX_FALLBACK_CHARS: usize = 100;

/// One piece of a template: text as written, or a placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text kept as written.
    Text(&'a str),
    /// A placeholder: its name, its fallback, and the placeholder as written.
    Placeholder {
        /// The name looked up, e.g. `contact.first_name`.
        name: &'a str,
        /// What stands in when the value is missing (`there` in `{contact.first_name|there}`).
        fallback: Option<&'a str>,
        /// The whole placeholder, braces included, as written.
        raw: &'a str,
    },
}

/// What a lookup knows about a placeholder's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Not a name this template understands: the placeholder is kept as written.
    Unknown,
    /// A known name with no value here (empty counts as none): the fallback is used.
    Missing,
    /// A known name and its value.
    Text(String),
}

impl Value {
    /// A known name's value, `Missing` when absent or blank.
    pub fn of(value: Option<&str>) -> Value {
        match value.map(str::trim) {
            Some(v) if !v.is_empty() => Value::Text(v.to_string()),
            _ => Value::Missing,
        }
    }
}

/// Whether a character may appear in a placeholder's name.
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

/// Records that a step of the scan looked at `bytes` bytes of the template:
/// counted in tests, to prove rendering linear without a clock; nothing otherwise.
fn looked_at(bytes: usize) {
    #[cfg(test)]
    tests::LOOKED_AT.with(|n| n.set(n.get() + bytes));
    #[cfg(not(test))]
    let _ = bytes;
}

/// The placeholder starting at `rest[0] == '{'`, and its length in bytes, if the
/// text there follows the grammar. Scans at most up to the next brace, so a
/// failed attempt never reads past the next place another attempt starts.
fn placeholder(rest: &str) -> Option<(Piece<'_>, usize)> {
    let Some(brace) = rest[1..].find(['{', '}']) else {
        looked_at(rest.len());
        return None;
    };
    let inner_end = brace + 1;
    // The checks below read the inner text again, a bounded number of times.
    looked_at(inner_end + 1);
    if rest.as_bytes()[inner_end] != b'}' {
        return None;
    }
    let inner = &rest[1..inner_end];
    let (name, fallback) = match inner.split_once('|') {
        Some((name, fallback)) => (name, Some(fallback)),
        None => (inner, None),
    };
    let name_ok =
        !name.is_empty() && name.len() <= MAX_NAME_CHARS && name.chars().all(is_name_char);
    let fallback_ok = fallback.is_none_or(|f| {
        f.chars().count() <= MAX_FALLBACK_CHARS && !f.chars().any(|c| c.is_control() || c == '|')
    });
    (name_ok && fallback_ok).then(|| {
        (
            Piece::Placeholder {
                name,
                fallback,
                raw: &rest[..=inner_end],
            },
            inner_end + 1,
        )
    })
}

/// The pieces of a template, in order (adjacent text may come in several pieces).
pub fn pieces(template: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = &template[at..];
        if rest.is_empty() {
            return None;
        }
        if rest.starts_with('{') {
            if let Some((piece, len)) = placeholder(rest) {
                at += len;
                return Some(piece);
            }
            // Not a placeholder: the brace is text, and the search goes on after it.
            at += 1;
            return Some(Piece::Text(&rest[..1]));
        }
        let len = rest.find('{').unwrap_or(rest.len());
        looked_at((len + 1).min(rest.len()));
        at += len;
        Some(Piece::Text(&rest[..len]))
    })
}

/// The names of a template's placeholders, in order (repeats included).
pub fn names(template: &str) -> impl Iterator<Item = &str> {
    pieces(template).filter_map(|p| match p {
        Piece::Placeholder { name, .. } => Some(name),
        Piece::Text(_) => None,
    })
}

/// The template with each placeholder replaced as `lookup` says (see the module's rules).
pub fn render(template: &str, mut lookup: impl FnMut(&str) -> Value) -> String {
    let mut out = String::with_capacity(template.len());
    for piece in pieces(template) {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Placeholder {
                name,
                fallback,
                raw,
            } => match lookup(name) {
                Value::Unknown => out.push_str(raw),
                Value::Missing => out.push_str(fallback.unwrap_or("")),
                Value::Text(value) => out.push_str(&value),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lookup that knows `name` (Mia), `empty` (no value) and nothing else.
    fn lookup(name: &str) -> Value {
        match name {
            "contact.first_name" => Value::of(Some("Mia")),
            "empty" => Value::of(Some("  ")),
            "none" => Value::of(None),
            _ => Value::Unknown,
        }
    }

    #[test]
    fn values_replace_placeholders() {
        assert_eq!(
            render("Hi {contact.first_name}, thanks!", lookup),
            "Hi Mia, thanks!"
        );
        assert_eq!(
            render("{contact.first_name}{contact.first_name}", lookup),
            "MiaMia"
        );
        assert_eq!(
            render("Hi {contact.first_name|there}", lookup),
            "Hi Mia",
            "a value wins over the fallback"
        );
        assert_eq!(render("", lookup), "");
        assert_eq!(
            render("no placeholders at all", lookup),
            "no placeholders at all"
        );
    }

    #[test]
    fn missing_values_take_the_fallback_or_nothing() {
        assert_eq!(render("Hi {empty|there}!", lookup), "Hi there!");
        assert_eq!(render("Hi {none|there}!", lookup), "Hi there!");
        assert_eq!(render("Hi {none}!", lookup), "Hi !");
        assert_eq!(render("Hi {none|}!", lookup), "Hi !", "an empty fallback");
        assert_eq!(
            render("{none|dear customer, friend}", lookup),
            "dear customer, friend",
            "fallbacks may have spaces and commas"
        );
    }

    #[test]
    fn unknown_placeholders_stay_as_written() {
        assert_eq!(
            render("Use {SAVE10} at checkout", lookup),
            "Use {SAVE10} at checkout"
        );
        assert_eq!(
            render("Hi {contact.frist_name|there}", lookup),
            "Hi {contact.frist_name|there}"
        );
        assert_eq!(
            names("a {x} b {y|z} {bad name}").collect::<Vec<_>>(),
            ["x", "y"]
        );
    }

    #[test]
    fn text_that_is_not_a_placeholder_is_kept() {
        for text in [
            "{",
            "}",
            "{}",
            "a { b",
            "a } b",
            "{ contact.first_name }",
            "{contact first}",
            "{a|b|c}",
            "{a|b\nc}",
            "{é}",
            "}{",
            "{{}}",
        ] {
            assert_eq!(render(text, lookup), text, "{text:?}");
        }
        assert_eq!(
            render("{{contact.first_name}}", lookup),
            "{Mia}",
            "the inner pair is the placeholder"
        );
        assert_eq!(
            render("{ {contact.first_name}", lookup),
            "{ Mia",
            "an unbalanced brace before one"
        );
        assert_eq!(
            render("{contact.first_name", lookup),
            "{contact.first_name",
            "unclosed"
        );
        assert_eq!(
            render("{contact.first_name|there", lookup),
            "{contact.first_name|there"
        );
        assert_eq!(
            render("Prix : 5 € {contact.first_name} ☕", lookup),
            "Prix : 5 € Mia ☕",
            "multi-byte text around"
        );
    }

    #[test]
    fn names_and_fallbacks_are_bounded() {
        let long_name = format!("{{{}}}", "a".repeat(MAX_NAME_CHARS + 1));
        assert_eq!(names(&long_name).count(), 0);
        assert_eq!(
            names(&format!("{{{}}}", "a".repeat(MAX_NAME_CHARS))).count(),
            1
        );
        assert_eq!(
            render(
                &format!("{{none|{}}}", "x".repeat(MAX_FALLBACK_CHARS)),
                lookup
            ),
            "x".repeat(MAX_FALLBACK_CHARS)
        );
        let long_fallback = format!("{{none|{}}}", "x".repeat(MAX_FALLBACK_CHARS + 1));
        assert_eq!(render(&long_fallback, lookup), long_fallback);
    }

    thread_local! {
        /// Bytes of templates the scan has looked at on this thread (see `looked_at`).
        pub(super) static LOOKED_AT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// Hostile input does not make rendering quadratic: every step of the scan
    /// reports the bytes it looks at (a search up to the next brace, a
    /// placeholder's inner text, which its checks reread a bounded number of
    /// times), and the total stays under 3 bytes per byte of input, at every
    /// size: counted, not timed, so a busy machine cannot fail it (a quadratic
    /// scan of 2 MiB would look at about a million times more).
    #[test]
    fn hostile_input_renders_in_linear_time() {
        let shapes: [fn(usize) -> String; 5] = [
            |n| "{".repeat(n),
            |n| "{a".repeat(n / 2),
            |n| "{a|".repeat(n / 3),
            |n| "}".repeat(n),
            |n| format!("{{{}", "a".repeat(n)),
        ];
        for (i, shape) in shapes.iter().enumerate() {
            for size in [1024, 256 * 1024, 2 * 1024 * 1024] {
                let text = shape(size);
                LOOKED_AT.with(|n| n.set(0));
                assert_eq!(render(&text, lookup), text);
                let looked = LOOKED_AT.with(|n| n.get());
                assert!(
                    looked >= text.len() && looked <= 3 * text.len(),
                    "shape {i}: {} bytes looked at {looked} bytes",
                    text.len()
                );
            }
        }
        let many = "{contact.first_name}".repeat(100_000);
        assert_eq!(render(&many, lookup).len(), 300_000);
    }
}
