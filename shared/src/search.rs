//! Searching and paging the inbox: the user's words made into a safe FTS5
//! query, the opaque cursors of the conversation list, and the highlighted
//! snippet read back from FTS5's `snippet()`.
//!
//! Nothing the user types reaches FTS5's query syntax: every word becomes a
//! quoted string (punctuation dropped), so `AND`, `OR`, `NEAR`, `*`, quotes
//! and parentheses are only ever words. The snippet's marks are parsed into
//! text runs, which the inbox renders as text nodes and `<mark>` elements.

use crate::Invalid;

/// Most characters a search may have.
pub const MAX_QUERY_CHARS: usize = 200;
/// The search was longer than [`MAX_QUERY_CHARS`].
pub const QUERY_TOO_LONG: Invalid = Invalid::new(
    "query_too_long",
    "A search can be at most 200 characters long.",
);
/// Shortest last word that is also matched as a prefix (`ref` finds `refund`); shorter words match whole.
pub const MIN_PREFIX_CHARS: usize = 2;

/// Opens a highlighted run in what `snippet()` returns (a control character messages never need).
pub const MARK_OPEN: &str = "\u{2}";
/// Closes a highlighted run.
pub const MARK_CLOSE: &str = "\u{3}";
/// Stands where `snippet()` cut the text.
pub const ELLIPSIS: &str = "…";
/// Tokens of context `snippet()` shows around the match.
pub const SNIPPET_TOKENS: u8 = 16;

/// The user's search as an FTS5 query: each whitespace-separated word a quoted
/// phrase of its letters and digits (so `ORD-1234` stays one phrase), all of
/// them required, the last one also as a prefix. `None` when no letter or
/// digit remains (there is then nothing to search the messages for).
pub fn fts_query(text: &str) -> Result<Option<String>, Invalid> {
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(QUERY_TOO_LONG);
    }
    let words: Vec<String> = text
        .split_whitespace()
        .map(|word| {
            let cleaned: String = word
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { ' ' })
                .collect();
            cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .filter(|word| !word.is_empty())
        .collect();
    let last = words.len().saturating_sub(1);
    let terms: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, word)| {
            let tail = word.rsplit(' ').next().unwrap_or_default();
            let prefix = i == last && tail.chars().count() >= MIN_PREFIX_CHARS;
            format!("\"{word}\"{}", if prefix { "*" } else { "" })
        })
        .collect();
    Ok(Some(terms.join(" ")).filter(|q| !q.is_empty()))
}

/// One run of a snippet: text, highlighted where it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SnippetPart {
    /// The text, shown as text.
    pub text: String,
    /// Whether it is a word the search matched.
    pub mark: bool,
}

/// Splits what `snippet()` returned (with [`MARK_OPEN`] and [`MARK_CLOSE`]
/// around matches) into runs; stray marks in the stored text are dropped.
pub fn snippet_parts(raw: &str) -> Vec<SnippetPart> {
    let mut parts: Vec<SnippetPart> = Vec::new();
    let mut mark = false;
    let mut text = String::new();
    let mut flush = |text: &mut String, mark: bool| {
        if !text.is_empty() {
            match parts.last_mut() {
                Some(last) if last.mark == mark => last.text.push_str(text),
                _ => parts.push(SnippetPart {
                    text: std::mem::take(text),
                    mark,
                }),
            }
            text.clear();
        }
    };
    for c in raw.chars() {
        match c {
            '\u{2}' => {
                flush(&mut text, mark);
                mark = true;
            }
            '\u{3}' => {
                flush(&mut text, mark);
                mark = false;
            }
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => text.push(c),
        }
    }
    flush(&mut text, mark);
    parts
}

/// Where the next page of the conversation list starts: after the last row
/// of the page before, in the order of that list.
#[derive(Debug, Clone, PartialEq)]
pub enum Cursor {
    /// The plain list, newest activity first: after this (time, id).
    List {
        /// `last_message_at` of the last conversation shown.
        last_message_at: u64,
        /// Its id (ties are broken by id, descending).
        id: String,
    },
    /// A search, best first: after this (group, score, time, id).
    Search {
        /// Whether the last conversation shown matched by its person (name or email): those come first.
        person: bool,
        /// Its bm25 score (lower is better; 0 without a text match).
        score: f64,
        /// Its `last_message_at` (newer first among equal scores).
        last_message_at: u64,
        /// Its id (the last tie-break, ascending).
        id: String,
    },
    /// The list by time left (`sort=due`), soonest deadline first: after this (deadline, id).
    Due {
        /// `sla_due_at` of the last conversation shown.
        due_at: u64,
        /// Its id (ties are broken by id, ascending).
        id: String,
    },
}

/// Hex digits of the checksum at the end of a cursor.
const CHECK_HEX: usize = 8;

/// Whether `id` looks like one of ours (a prefix, `_`, letters and digits).
fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

impl Cursor {
    /// The cursor as clients carry it: opaque (hex of a small versioned text
    /// and 4 bytes of its SHA-256, so a cut or altered cursor is refused, not
    /// taken as another place in the list).
    pub fn encode(&self) -> String {
        let text = match self {
            Cursor::List {
                last_message_at,
                id,
            } => format!("1l.{last_message_at}.{id}"),
            Cursor::Due { due_at, id } => format!("1d.{due_at}.{id}"),
            Cursor::Search {
                person,
                score,
                last_message_at,
                id,
            } => {
                format!(
                    "1s.{}.{:016x}.{last_message_at}.{id}",
                    u8::from(*person),
                    score.to_bits()
                )
            }
        };
        let check = crate::digest::sha256_hex(text.as_bytes());
        format!("{}{}", crate::hex::encode(&text), &check[..CHECK_HEX])
    }

    /// Reads back what [`Cursor::encode`] wrote; `None` for anything else.
    pub fn decode(cursor: &str) -> Option<Cursor> {
        if cursor.len() > 256
            || cursor.len() <= CHECK_HEX
            || !cursor.is_char_boundary(cursor.len() - CHECK_HEX)
        {
            return None;
        }
        let (payload, check) = cursor.split_at(cursor.len() - CHECK_HEX);
        let text = String::from_utf8(crate::hex::decode(payload).ok()?).ok()?;
        if !crate::digest::same(
            &crate::digest::sha256_hex(text.as_bytes()).as_bytes()[..CHECK_HEX],
            check.as_bytes(),
        ) {
            return None;
        }
        let mut fields = text.split('.');
        let parsed = match fields.next()? {
            "1l" => Cursor::List {
                last_message_at: number(fields.next()?)?,
                id: fields.next()?.to_string(),
            },
            "1d" => Cursor::Due {
                due_at: number(fields.next()?)?,
                id: fields.next()?.to_string(),
            },
            "1s" => {
                let person = match fields.next()? {
                    "0" => false,
                    "1" => true,
                    _ => return None,
                };
                let bits = fields.next()?;
                let score = f64::from_bits(
                    u64::from_str_radix(bits, 16)
                        .ok()
                        .filter(|_| bits.len() == 16)?,
                );
                if !score.is_finite() {
                    return None;
                }
                Cursor::Search {
                    person,
                    score,
                    last_message_at: number(fields.next()?)?,
                    id: fields.next()?.to_string(),
                }
            }
            _ => return None,
        };
        let (Cursor::List { id, .. } | Cursor::Search { id, .. } | Cursor::Due { id, .. }) =
            &parsed;
        (fields.next().is_none() && valid_id(id)).then_some(parsed)
    }
}

/// A time in a cursor: decimal digits only, within what a JS number holds exactly.
fn number(text: &str) -> Option<u64> {
    let ok = !text.is_empty() && text.len() <= 16 && text.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| text.parse().ok())
        .flatten()
        .filter(|n| *n < (1 << 53))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Option<String> {
        fts_query(text).unwrap()
    }

    #[test]
    fn words_become_quoted_phrases_and_the_last_a_prefix() {
        assert_eq!(q("refund"), Some("\"refund\"*".into()));
        assert_eq!(q("  refund   order "), Some("\"refund\" \"order\"*".into()));
        assert_eq!(q("ORD-1234"), Some("\"ORD 1234\"*".into()));
        assert_eq!(
            q("a"),
            Some("\"a\"".into()),
            "one letter is too short to be a prefix"
        );
        assert_eq!(q("refund x"), Some("\"refund\" \"x\"".into()));
    }

    #[test]
    fn fts5_syntax_is_only_ever_words() {
        assert_eq!(
            q("refund OR hack"),
            Some("\"refund\" \"OR\" \"hack\"*".into())
        );
        assert_eq!(
            q("NEAR(refund order)"),
            Some("\"NEAR refund\" \"order\"*".into())
        );
        assert_eq!(q("\"unbalanced"), Some("\"unbalanced\"*".into()));
        assert_eq!(q("body:refund"), Some("\"body refund\"*".into()));
        assert_eq!(
            q("-refund ^start +x"),
            Some("\"refund\" \"start\" \"x\"".into())
        );
        assert_eq!(q("AND"), Some("\"AND\"*".into()));
        for nothing in [
            "",
            "   ",
            "*",
            "\"\"",
            "()",
            "( ) \" * :",
            "-- ; '",
            "😀 🎉",
            "\0\u{2}",
        ] {
            assert_eq!(q(nothing), None, "{nothing:?}");
        }
    }

    /// Whether `query` is only quoted runs of letters, digits and spaces, each maybe followed by `*`.
    fn only_quoted_words(query: &str) -> bool {
        let mut chars = query.chars().peekable();
        while chars.peek().is_some() {
            if chars.next() != Some('"') {
                return false;
            }
            let mut inner = 0;
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some(c) if c.is_alphanumeric() || c == ' ' => inner += 1,
                    _ => return false,
                }
            }
            if inner == 0 {
                return false;
            }
            if chars.peek() == Some(&'*') {
                chars.next();
            }
            match chars.next() {
                None | Some(' ') => {}
                _ => return false,
            }
        }
        true
    }

    #[test]
    fn no_quote_or_operator_survives_any_input() {
        let nasty = [
            "\"a\" OR \"b",
            "a\"b",
            "x* y*",
            "a AND (b OR c) NOT d",
            "{a b}:c",
            "a\0b\u{2}c\u{3}",
            "^\"*\"",
            "a\"\"b*",
        ];
        for text in nasty {
            let query = q(text).unwrap_or_default();
            assert!(
                query.is_empty() == (text == "^\"*\""),
                "{text:?} gave {query:?}"
            );
            assert!(only_quoted_words(&query), "{text:?} gave {query:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_refused_or_only_quoted_words(text in "\\PC{0,80}|[a-z\"*():^+ -]{0,40}") {
            if let Some(query) = fts_query(&text).unwrap() {
                proptest::prop_assert!(only_quoted_words(&query), "{:?} gave {:?}", text, query);
            }
        }
    }

    #[test]
    fn unicode_words_are_kept() {
        assert_eq!(q("café crème"), Some("\"café\" \"crème\"*".into()));
        assert_eq!(q("注文 123"), Some("\"注文\" \"123\"*".into()));
        assert_eq!(q("naïve😀"), Some("\"naïve\"*".into()));
    }

    #[test]
    fn long_searches_are_refused() {
        assert_eq!(
            fts_query(&"a".repeat(MAX_QUERY_CHARS)).map(|q| q.is_some()),
            Ok(true)
        );
        assert_eq!(
            fts_query(&"a".repeat(MAX_QUERY_CHARS + 1)),
            Err(QUERY_TOO_LONG)
        );
        assert_eq!(fts_query(&"é ".repeat(10_000)), Err(QUERY_TOO_LONG));
    }

    #[test]
    fn snippets_split_into_text_and_marks() {
        let parts = snippet_parts("…asked for a \u{2}refund\u{3} of order \u{2}1234\u{3}");
        let shown: Vec<(&str, bool)> = parts.iter().map(|p| (p.text.as_str(), p.mark)).collect();
        assert_eq!(
            shown,
            [
                ("…asked for a ", false),
                ("refund", true),
                (" of order ", false),
                ("1234", true)
            ]
        );
        assert_eq!(snippet_parts(""), []);
        let html = snippet_parts("<img src=x onerror=alert(1)> \u{2}<b>\u{3}");
        assert_eq!(
            html[0],
            SnippetPart {
                text: "<img src=x onerror=alert(1)> ".into(),
                mark: false
            }
        );
        assert_eq!(
            html[1],
            SnippetPart {
                text: "<b>".into(),
                mark: true
            }
        );
        let stray = snippet_parts("a\u{3}b\u{2}\u{2}c\u{0}d");
        assert_eq!(
            stray,
            [
                SnippetPart {
                    text: "ab".into(),
                    mark: false
                },
                SnippetPart {
                    text: "cd".into(),
                    mark: true
                }
            ]
        );
    }

    #[test]
    fn cursors_round_trip_and_are_opaque() {
        let list = Cursor::List {
            last_message_at: 1_763_000_000_123,
            id: "c_0123abcd".into(),
        };
        let search = Cursor::Search {
            person: true,
            score: -3.25e-6,
            last_message_at: 17,
            id: "c_x".into(),
        };
        let due = Cursor::Due {
            due_at: 1_765_000_000_000,
            id: "c_due".into(),
        };
        for cursor in [list, search, due] {
            let text = cursor.encode();
            assert!(text.bytes().all(|b| b.is_ascii_hexdigit()));
            assert!(!text.contains("c_"));
            assert_eq!(Cursor::decode(&text), Some(cursor));
        }
    }

    #[test]
    fn anything_else_is_not_a_cursor() {
        let hex = |t: &str| {
            format!(
                "{}{}",
                crate::hex::encode(t),
                &crate::digest::sha256_hex(t.as_bytes())[..CHECK_HEX]
            )
        };
        let good = Cursor::List {
            last_message_at: 12,
            id: "c_1".into(),
        }
        .encode();
        assert_eq!(hex("1l.12.c_1"), good, "the test's encoder is the real one");
        let cut = good[..good.len() - 2].to_string();
        let mut altered = good.clone().into_bytes();
        altered[3] = if altered[3] == b'1' { b'2' } else { b'1' };
        for bad in [
            String::new(),
            "zz".into(),
            "abc".into(),
            "1763000000000.c_1".into(),
            hex("1l.12.c_1.extra"),
            hex("1l.-12.c_1"),
            hex("1l.12.c 1"),
            hex("1l.12."),
            hex("1l.99999999999999999999.c_1"),
            hex("1d.-5.c_1"),
            hex("1d.5"),
            hex("1s.2.0000000000000000.1.c_1"),
            hex("1s.0.7ff0000000000000.1.c_1"),
            hex("1s.0.12.1.c_1"),
            hex("2l.12.c_1"),
            "0".repeat(10_000),
            cut,
            String::from_utf8(altered).unwrap(),
            format!("{good}00"),
        ] {
            assert_eq!(Cursor::decode(&bad), None, "{bad:?}");
        }
    }
}
