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

use super::reply_words::*;
use crate::conversation::string_enum;

string_enum! {
    /// What was folded away from a message's visible text.
    Fold { /// Quoted history.
        Quote = "quote", /// A signature (`-- `, "Sent from my …").
        Signature = "signature", /// A signature and the quoted history after it.
        QuoteAndSignature = "quote_and_signature" }
}

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
    let tail = Tail::of(&lines);
    let history = (1..lines.len()).find_map(|i| history_at(&lines, &tail, i));
    let end = history.unwrap_or(lines.len());
    let signature = signature_at(&lines, end);
    let cut = signature.unwrap_or(end);
    if cut >= lines.len() {
        return None;
    }
    let offset = lines[cut].as_ptr() as usize - text.as_ptr() as usize;
    let visible = text[..offset].trim_end();
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

/// For each line: whether it and every line after it are quoted or blank,
/// and the index of the next non-blank line at or after it.
struct Tail {
    quotes_to_end: Vec<bool>,
    next_nonblank: Vec<usize>,
}

impl Tail {
    fn of(lines: &[&str]) -> Self {
        let mut quotes_to_end = vec![false; lines.len() + 1];
        let mut next_nonblank = vec![lines.len(); lines.len() + 1];
        quotes_to_end[lines.len()] = true;
        for (i, line) in lines.iter().enumerate().rev() {
            let blank = line.trim().is_empty();
            quotes_to_end[i] = quotes_to_end[i + 1] && (blank || is_quoted(line));
            next_nonblank[i] = if blank { next_nonblank[i + 1] } else { i };
        }
        Tail { quotes_to_end, next_nonblank }
    }
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// Where the history starting at line `i` begins (the line, or a rule above
/// it), if it starts there and everything after it is history.
fn history_at(lines: &[&str], tail: &Tail, i: usize) -> Option<usize> {
    let line = lines[i].trim();
    if line.is_empty() {
        return None;
    }
    if is_quoted(line) {
        return tail.quotes_to_end[i].then_some(i);
    }
    if is_separator(line) {
        return Some(i);
    }
    if is_header_block(lines, i) {
        let above = i.checked_sub(1).filter(|&a| is_rule(lines[a].trim()));
        return Some(above.unwrap_or(i));
    }
    let (len, strong) = attribution(lines, i)?;
    let next = tail.next_nonblank[i + len];
    if next == lines.len() {
        return Some(i);
    }
    if is_quoted(lines[next]) {
        return tail.quotes_to_end[next].then_some(i);
    }
    strong.then_some(i)
}

/// A dashed separator with a word of history ("-----Original Message-----"),
/// or Apple Mail's "Begin forwarded message:" in a known language.
fn is_separator(line: &str) -> bool {
    if line.len() > MAX_LINE {
        return false;
    }
    let dashed = (line.starts_with("--") || line.starts_with("__")) && (line.ends_with("--") || line.ends_with("__"));
    let lower = line.to_lowercase();
    (dashed && SEPARATOR_WORDS.iter().any(|w| lower.contains(w))) || FORWARD_LINES.contains(&lower.trim_start_matches('>').trim())
}

/// A horizontal rule of underscores or dashes (Outlook draws one above its headers).
fn is_rule(line: &str) -> bool {
    let line = line.trim_matches('*');
    line.len() >= 10 && (line.bytes().all(|c| c == b'_') || line.bytes().all(|c| c == b'-'))
}

/// The label of a header-block line (`From:`, `*De :*`, `差出人：`), lower case.
fn label(line: &str) -> Option<String> {
    let line = line.trim().trim_start_matches('*');
    let colon = line.char_indices().take(24).find(|&(_, c)| c == ':' || c == '：')?.0;
    let name = line[..colon].trim_matches(|c: char| c == '*' || c.is_whitespace());
    (!name.is_empty()).then(|| name.to_lowercase())
}

/// A From line followed, within five lines, by the date's label, or by both
/// a recipient's and a subject's.
fn is_header_block(lines: &[&str], i: usize) -> bool {
    if lines[i].len() > MAX_LINE || !label(lines[i]).is_some_and(|l| FROM_LABELS.contains(&l.as_str())) {
        return false;
    }
    let others: Vec<String> = lines[i + 1..].iter().take(5).filter_map(|l| label(l)).collect();
    let dated = others.iter().any(|l| DATE_LABELS.contains(&l.as_str()));
    dated || others.iter().filter(|l| OTHER_LABELS.contains(&l.as_str())).count() >= 2
}

/// An attribution over one to three lines starting at `i`: how many lines,
/// and whether it is strong enough to fold unquoted history after it (it
/// names its verb and an address or a time).
fn attribution(lines: &[&str], i: usize) -> Option<(usize, bool)> {
    let mut joined = String::new();
    for n in 0..3 {
        let line = lines.get(i + n)?.trim();
        if line.is_empty() || line.len() > MAX_LINE || is_quoted(line) || (n > 0 && proper_head(line)) {
            return None;
        }
        if n > 0 {
            joined.push(' ');
        }
        joined.push_str(line);
        if !ends_like_attribution(line) {
            continue;
        }
        if let Some(strong) = attribution_text(&joined.to_lowercase()) {
            return Some((n + 1, strong));
        }
    }
    None
}

/// Whether a line begins the way attributions do (a known word, or a date).
fn proper_head(line: &str) -> bool {
    let lower: String = line.chars().take(12).flat_map(char::to_lowercase).collect();
    STARTS.iter().any(|s| lower.starts_with(s)) || line.starts_with(|c: char| c.is_ascii_digit())
}

/// A cheap first look at a line's end: a colon, or a verb written without one.
fn ends_like_attribution(line: &str) -> bool {
    let end = line.trim_end_matches(|c: char| c == '-' || c.is_whitespace());
    end.ends_with(':') || end.ends_with('：') || end.ends_with("wrote") || end.ends_with("schrieb") || end.ends_with("escreveu")
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
        .chain(CJK_VERBS.iter().filter_map(|v| text.find(v).map(|at| (at, at + v.len()))))
        .max_by_key(|&(_, end)| end);
    if let Some((at, end)) = verb_at {
        let rest = body[end.min(body.len())..].trim();
        let before = &text[..at];
        let head = proper_head(text) || before.contains('@') || before.contains('<') || has_time(before);
        let placed = rest.is_empty() || (colon && rest.len() <= 80 && head);
        let evident = has_address || timed || digits >= 4;
        // "On Sat, Mia wrote:" is enough above quoted lines; unquoted history needs more.
        return (placed && (evident || proper_head(text))).then_some(has_address || (timed && proper_head(text)));
    }
    // Date first, no verb: "2014-10-17 11:28 GMT+03:00 Postmaster <p@x.org>:" (quoted history must follow).
    let date_first = text.starts_with(|c: char| c.is_ascii_digit()) || text.contains('年') || text.contains('년');
    (colon && date_first && has_address && digits >= 4).then_some(false)
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
        (b[k] == b':' || b[k] == b'.') && b[k - 1].is_ascii_digit() && b[k + 1].is_ascii_digit() && b[k + 2].is_ascii_digit()
    })
}

/// Where a signature starts above line `end` (the history, or the end): a
/// "Sent from my …" last line, or a `-- ` delimiter with at most
/// [`MAX_SIGNATURE_LINES`] lines under it.
fn signature_at(lines: &[&str], end: usize) -> Option<usize> {
    let last = (0..end).rev().find(|&k| !lines[k].trim().is_empty())?;
    if is_sent_from(lines[last].trim()) {
        let above = (0..last).rev().find(|&k| !lines[k].trim().is_empty());
        return Some(above.filter(|&k| is_delimiter(lines[k])).unwrap_or(last));
    }
    let mut written = 0;
    for k in (0..=last).rev() {
        if is_delimiter(lines[k]) {
            return Some(k);
        }
        if !lines[k].trim().is_empty() {
            written += 1;
            if written > MAX_SIGNATURE_LINES {
                return None;
            }
        }
    }
    None
}

/// The signature delimiter: `-- ` (RFC 3676), or `--` where the space was lost.
fn is_delimiter(line: &str) -> bool {
    matches!(line.trim_end_matches(['\r', ' ']), "--")
}

/// A one-line signature of a mobile app or webmail ("Sent from my iPhone",
/// "Von meinem iPhone gesendet", "iPhoneから送信"): a few words, no comma.
fn is_sent_from(line: &str) -> bool {
    if line.len() > 120 || line.contains(',') || line.split_whitespace().count() > 8 {
        return false;
    }
    let lower = line.to_lowercase();
    let lower = lower.trim_end_matches('.');
    SENT_FROM_STARTS.iter().any(|s| lower.starts_with(s)) || SENT_FROM_ENDS.iter().any(|e| lower.ends_with(e))
}

#[cfg(test)]
#[path = "quote_tests.rs"]
mod tests;
