//! Separating the new text of an email reply from the history it quotes and
//! from its signature, so a thread reads like a chat. The full text is always
//! kept beside it, one click away.
//!
//! Recognised (the vocabulary is in `reply_words`, in 18 languages):
//! attribution lines ("On … wrote:", "Le … a écrit :", "Am … schrieb X <x@y>:",
//! date first, without a colon, wrapped over up to three lines), header blocks
//! ("From:/Sent:", "De :/Envoyé :", "Von:/Gesendet:", below an optional rule),
//! separators ("-----Original Message-----", "---------- Forwarded message
//! ----------"), a trailing block of `>`-quoted lines, and signatures (`-- `,
//! "Sent from my iPhone" as the last line).
//!
//! Folding never hides new text: it cuts the text in two, and what follows the
//! cut is either `>`-quoted to the end, or follows a header block, separator or
//! attribution that names its verb and an address. A bottom-posted or
//! interleaved reply (an answer below a quote) is shown whole; when unsure, show.

use super::fold::Fold;
use super::reply_words::*;

/// The visible part of a message and what was folded after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The new text, trimmed: a prefix of the whole.
    pub visible: &'a str,
    /// What the rest is.
    pub fold: Fold,
}

/// Longest line looked at as an attribution or a header-block line.
const MAX_LINE: usize = 400;
/// Most lines of a signature below its `-- ` delimiter.
const MAX_SIGNATURE_LINES: usize = 10;

/// The text before the quoted history, trimmed; `None` when nothing is folded
/// (or when everything would be, so that no message ever looks empty).
pub fn new_text(text: &str) -> Option<&str> {
    split(text).map(|s| s.visible)
}

/// The new text and what follows it, or `None` when nothing is folded.
///
/// Linear in the text: one backward pass marks where only quotes remain and
/// where the next non-blank line is; every other check looks at most a few
/// lines ahead or behind.
pub fn split(text: &str) -> Option<Split<'_>> {
    let lines: Vec<&str> = text.split('\n').collect();
    let trailer = trailer_at(&lines);
    let tail = Tail::of(&lines, trailer);
    let found = (0..trailer).find_map(|i| history_at(&lines, &tail, i));
    let history = found.map(|(line, _)| line);
    let signature = signature_at(&lines, history.unwrap_or(lines.len()));
    let offset = match (signature, found) {
        (Some(line), _) | (None, Some((line, 0))) => {
            lines[line].as_ptr() as usize - text.as_ptr() as usize
        }
        (None, Some((line, len))) => attribution_start(text, &lines, line, len),
        (None, None) => return None,
    };
    let visible = text[..offset].trim_end().trim_end_matches('-').trim_end();
    if visible.trim().is_empty() {
        return None;
    }
    let fold = match (signature.is_some(), history.is_some()) {
        (true, true) => Fold::QuoteAndSignature,
        (true, false) => Fold::Signature,
        _ => Fold::Quote,
    };
    Some(Split { visible, fold })
}

/// Where the text's trailer starts (a signature or a mailing list's footer
/// under a rule, at its very end), or the number of lines. A quote followed
/// only by a trailer still ends the text.
fn trailer_at(lines: &[&str]) -> usize {
    let footer = (0..lines.len())
        .rev()
        .take(8)
        .find(|&k| is_rule(lines[k].trim()));
    let footer = footer.filter(|&k| {
        let next = (k + 1..lines.len()).find(|&n| !lines[n].trim().is_empty());
        lines[k + 1..].iter().all(|l| !is_quoted(l))
            && !next.is_some_and(|n| is_header_block(lines, n))
    });
    [signature_at(lines, lines.len()), footer]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(lines.len())
}

/// For each line: whether it and every line after it are quoted or blank,
/// and the index of the next non-blank line at or after it.
struct Tail {
    quotes_to_end: Vec<bool>,
    next_nonblank: Vec<usize>,
}

impl Tail {
    /// Lines from `trailer` on count as blank.
    fn of(lines: &[&str], trailer: usize) -> Self {
        let mut quotes_to_end = vec![false; lines.len() + 1];
        let mut next_nonblank = vec![lines.len(); lines.len() + 1];
        quotes_to_end[lines.len()] = true;
        for (i, line) in lines.iter().enumerate().rev() {
            let blank = i >= trailer || line.trim().is_empty();
            quotes_to_end[i] = quotes_to_end[i + 1] && (blank || is_quoted(line));
            next_nonblank[i] = if blank { next_nonblank[i + 1] } else { i };
        }
        Tail {
            quotes_to_end,
            next_nonblank,
        }
    }
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// Where the history starting at line `i` begins (the line, or a rule above
/// it), if it starts there and everything after it is history; for an
/// attribution, also how many lines it spans.
fn history_at(lines: &[&str], tail: &Tail, i: usize) -> Option<(usize, usize)> {
    let line = lines[i].trim();
    if line.is_empty() {
        return None;
    }
    if is_quoted(line) {
        return tail.quotes_to_end[i].then_some((i, 0));
    }
    if is_separator(line) {
        return Some((i, 0));
    }
    if is_header_block(lines, i) {
        // Outlook's rule above the block, at most two blank lines up.
        let above = (i.saturating_sub(3)..i)
            .rev()
            .find(|&a| !lines[a].trim().is_empty())
            .filter(|&a| is_rule(lines[a].trim()));
        return Some((above.unwrap_or(i), 0));
    }
    let (len, strong) = attribution(lines, i)?;
    let next = tail.next_nonblank[i + len];
    let history = next == lines.len()
        || if is_quoted(lines[next]) {
            tail.quotes_to_end[next]
        } else {
            strong
        };
    history.then_some((i, len))
}

/// Where, in bytes of `text`, an attribution spanning `len` lines from line
/// `i` begins: at the line, or after a reply written on the same line
/// ("Thanks! On Wed, … wrote:").
fn attribution_start(text: &str, lines: &[&str], i: usize, len: usize) -> usize {
    let window_end =
        lines[i + len - 1].as_ptr() as usize + lines[i + len - 1].len() - text.as_ptr() as usize;
    let line_start = lines[i].as_ptr() as usize - text.as_ptr() as usize;
    for line in &lines[i..i + len] {
        let start = line.as_ptr() as usize - text.as_ptr() as usize;
        for (at, _) in line.match_indices(|c: char| c.is_uppercase()) {
            let from = start + at;
            let boundary = at == 0 || text[..from].ends_with([' ', '-']);
            if !boundary {
                continue;
            }
            let rest = text[from..window_end].replace('\n', " ").to_lowercase();
            if STARTS.iter().any(|s| rest.starts_with(s)) && attribution_text(&rest).is_some() {
                return from;
            }
        }
    }
    line_start
}

/// A dashed separator with a word of history ("-----Original Message-----"),
/// or Apple Mail's "Begin forwarded message:" in a known language.
fn is_separator(line: &str) -> bool {
    if line.len() > MAX_LINE {
        return false;
    }
    let dashed = (line.starts_with("--") || line.starts_with("__"))
        && (line.ends_with("--") || line.ends_with("__"));
    let forward_like = line.len() <= 96 && line.ends_with([':', '：']);
    if !dashed && !forward_like {
        return false; // the cheap look, before any lower-casing
    }
    let lower = line.to_lowercase();
    (dashed && SEPARATOR_WORDS.iter().any(|w| lower.contains(w)))
        || FORWARD_LINES.contains(&lower.trim_start_matches('>').trim())
}

/// A horizontal rule of underscores or dashes (Outlook draws one above its headers).
fn is_rule(line: &str) -> bool {
    let line = line.trim_matches('*');
    line.len() >= 10 && (line.bytes().all(|c| c == b'_') || line.bytes().all(|c| c == b'-'))
}

/// The label of a header-block line (`From:`, `*De :*`, `差出人：`), lower case.
fn label(line: &str) -> Option<String> {
    let line = line.trim().trim_start_matches('*');
    let colon = line
        .char_indices()
        .take(24)
        .find(|&(_, c)| c == ':' || c == '：')?
        .0;
    let name = line[..colon].trim_matches(|c: char| c == '*' || c.is_whitespace());
    (!name.is_empty()).then(|| name.to_lowercase())
}

/// A From (or Date) line followed, within five lines, by the date's (or the
/// sender's) label, or by both a recipient's and a subject's.
fn is_header_block(lines: &[&str], i: usize) -> bool {
    let Some(first) = label(lines[i]).filter(|_| lines[i].len() <= MAX_LINE) else {
        return false;
    };
    let (from, date) = (
        FROM_LABELS.contains(&first.as_str()),
        DATE_LABELS.contains(&first.as_str()),
    );
    if !from && !date {
        return false;
    }
    let others: Vec<String> = lines[i + 1..]
        .iter()
        .take(5)
        .filter_map(|l| label(l))
        .collect();
    let pair = if from { DATE_LABELS } else { FROM_LABELS };
    let needed = if from { 2 } else { 1 }; // "Date:" then "To:" is a block; "From:" then "To:" alone is not
    others.iter().any(|l| pair.contains(&l.as_str()))
        || others
            .iter()
            .filter(|l| OTHER_LABELS.contains(&l.as_str()))
            .count()
            >= needed
}

/// An attribution over one to three lines starting at `i`: how many lines,
/// and whether it is strong enough to fold unquoted history after it (it
/// names its verb and an address or a time).
fn attribution(lines: &[&str], i: usize) -> Option<(usize, bool)> {
    for n in 0..3 {
        let line = lines.get(i + n)?.trim();
        if line.is_empty() || line.len() > MAX_LINE || is_quoted(line) {
            return None;
        }
        if !ends_like_attribution(line) {
            continue;
        }
        // A later line that begins like an attribution starts its own.
        if (1..=n).any(|k| proper_head(lines[i + k].trim())) {
            return None;
        }
        let joined = lines[i..=i + n]
            .iter()
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(strong) = attribution_text(&joined.to_lowercase()) {
            return Some((n + 1, strong));
        }
    }
    None
}

/// Whether a line begins the way attributions do (a known word, or a date
/// such as `2014-10-17`, `21.11.2026`, `2026年`).
fn proper_head(line: &str) -> bool {
    let bytes = line.as_bytes();
    let digits = bytes.iter().take_while(|c| c.is_ascii_digit()).count();
    let dated = digits > 0
        && (matches!(bytes.get(digits), Some(b'-' | b'/' | b'.'))
            || line[digits..].starts_with(['年', '년']));
    let starts = if bytes.first().is_some_and(u8::is_ascii) {
        STARTS.iter().any(|s| {
            line.get(..s.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(s))
        })
    } else {
        let lower: String = line.chars().take(12).flat_map(char::to_lowercase).collect();
        STARTS.iter().any(|s| lower.starts_with(s))
    };
    starts || dated
}

/// A cheap first look at a line's end: a colon, or a verb written without one.
fn ends_like_attribution(line: &str) -> bool {
    let end = line.trim_end_matches(|c: char| c == '-' || c.is_whitespace());
    end.ends_with([':', '：', '>'])
        || end.ends_with("wrote")
        || end.ends_with("schrieb")
        || end.ends_with("escreveu")
}

/// Whether lower-case `text` is an attribution; if so, whether it is strong.
fn attribution_text(text: &str) -> Option<bool> {
    let text = text.trim_end_matches(|c: char| c == '-' || c.is_whitespace());
    let body = text.trim_end_matches([':', '：']).trim_end();
    let has_address = text.contains('@');
    let timed = has_time(text);
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    let colon = body.len() < text.len();
    let verb_at = VERBS
        .iter()
        .filter_map(|v| word_at(body, v).map(|at| (at, at + v.len())))
        .chain(
            CJK_VERBS
                .iter()
                .filter_map(|v| text.find(v).map(|at| (at, at + v.len()))),
        )
        .max_by_key(|&(_, end)| end);
    if let Some((at, end)) = verb_at {
        let rest = body[end.min(body.len())..].trim();
        let before = &text[..at];
        let head =
            proper_head(text) || before.contains('@') || before.contains('<') || has_time(before);
        let placed = rest.is_empty() || (colon && rest.len() <= 80 && head);
        let evident = has_address || timed || digits >= 4;
        // "On Sat, Mia wrote:" is enough above quoted lines; unquoted history needs more.
        return (placed && (evident || proper_head(text)))
            .then_some(has_address || (timed && proper_head(text)));
    }
    // No verb: "2014-10-17 11:28 GMT+03:00 Postmaster <p@x.org>:", "сб, 21 нояб. 2026 г. в 09:15, Mia <m@x.ru>:"
    // (quoted history must follow).
    let date_first = text.starts_with(|c: char| c.is_ascii_digit())
        || text.contains('年')
        || text.contains('년');
    let address_last = body.ends_with(['>', ')']);
    let dated = (colon && (date_first || address_last)) || (date_first && text.ends_with('>'));
    (dated && has_address && digits >= 4).then_some(false)
}

/// Where `word` stands in `text` as a whole word, the last time.
fn word_at(text: &str, word: &str) -> Option<usize> {
    let mut found = None;
    for (at, _) in text.match_indices(word) {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            found = Some(at);
        }
    }
    found
}

/// Whether the text holds a time of day (`9:15`, `10.00` after "klo"/"kl").
fn has_time(text: &str) -> bool {
    let b = text.as_bytes();
    (1..b.len().saturating_sub(2)).any(|k| {
        (b[k] == b':' || b[k] == b'.')
            && b[k - 1].is_ascii_digit()
            && b[k + 1].is_ascii_digit()
            && b[k + 2].is_ascii_digit()
    })
}

/// Where a signature starts above line `end` (the history, or the end): a
/// "Sent from my …" last line, or a `-- ` delimiter with at most
/// [`MAX_SIGNATURE_LINES`] lines under it.
fn signature_at(lines: &[&str], end: usize) -> Option<usize> {
    let last = (0..end).rev().find(|&k| !lines[k].trim().is_empty())?;
    let mut written = 0;
    for k in (0..=last).rev() {
        if is_delimiter(lines[k]) {
            return Some(k);
        }
        if !lines[k].trim().is_empty() {
            written += 1;
            if written > MAX_SIGNATURE_LINES {
                break;
            }
        }
    }
    is_sent_from(lines[last].trim()).then_some(last)
}

/// The signature delimiter: `-- ` (RFC 3676), or `--` where the space was lost.
fn is_delimiter(line: &str) -> bool {
    matches!(line.trim_end_matches(['\r', ' ']), "--")
}

/// A one-line signature of a mobile app or webmail ("Sent from my iPhone",
/// "Von meinem iPhone gesendet", "iPhoneから送信", "Get Outlook for iOS"): a
/// few words, no comma, naming the sender's own device or a known one.
fn is_sent_from(line: &str) -> bool {
    if line.len() > 120 || line.contains(',') || line.split_whitespace().count() > 8 {
        return false;
    }
    let lower = line.to_lowercase();
    let lower = lower.trim_end_matches('.');
    let device = || DEVICE_WORDS.iter().any(|d| lower.contains(d));
    SENT_FROM_MY.iter().any(|s| lower.starts_with(s))
        || ((SENT_FROM_STARTS.iter().any(|s| lower.starts_with(s))
            || SENT_FROM_ENDS.iter().any(|e| lower.ends_with(e)))
            && device())
}

#[cfg(test)]
#[path = "quote_tests.rs"]
mod tests;
