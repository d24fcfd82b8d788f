//! Separating the new text of an email reply from the history it quotes, so a
//! thread reads like a chat. The full text is always kept beside it.
//!
//! Recognised: attribution lines ("On … wrote:", wrapped or localized), Outlook
//! headers ("-----Original Message-----", an underscore rule or a
//! From:/Sent: block), and a trailing block of `>`-quoted lines.

/// Endings of attribution lines in common mail clients and languages.
const ATTRIBUTION_ENDINGS: &[&str] = &["wrote:", "a écrit :", "a écrit:", "schrieb:", "escribió:", "scritto:", "schreef:"];
/// Beginnings of attribution lines.
const ATTRIBUTION_STARTS: &[&str] = &["On ", "Le ", "Am ", "El ", "Il ", "Op "];

/// The text before the quoted history, trimmed; `None` when nothing is quoted
/// (or when everything is, so that no message ever looks empty).
///
/// Linear in the text: one backward pass marks where only quotes remain, and
/// every other check looks at most a few lines ahead.
pub fn new_text(text: &str) -> Option<&str> {
    let lines: Vec<&str> = text.split('\n').collect();
    let quotes_to_end = quotes_to_end(&lines);
    let cut = (1..lines.len()).find(|&i| starts_history(&lines, i, quotes_to_end[i]))?;
    let offset: usize = lines[..cut].iter().map(|l| l.len() + 1).sum();
    let fresh = text[..offset].trim_end();
    (!fresh.trim().is_empty()).then_some(fresh)
}

/// For each line, whether it and every line after it are quoted or blank.
fn quotes_to_end(lines: &[&str]) -> Vec<bool> {
    let mut all = vec![false; lines.len()];
    let mut rest = true;
    for (i, line) in lines.iter().enumerate().rev() {
        let line = line.trim_start();
        rest = rest && (line.is_empty() || line.starts_with('>'));
        all[i] = rest;
    }
    all
}

fn starts_history(lines: &[&str], i: usize, quotes_to_end: bool) -> bool {
    let quote_block = quotes_to_end && lines[i].trim_start().starts_with('>');
    quote_block || is_attribution(lines, i) || is_outlook_header(lines, i)
}

fn is_attribution(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    if !ATTRIBUTION_STARTS.iter().any(|s| line.starts_with(s)) {
        return false;
    }
    let ends = |l: &str| ATTRIBUTION_ENDINGS.iter().any(|e| l.trim_end().ends_with(e));
    ends(line) || lines.get(i + 1).is_some_and(|next| ends(next))
}

fn is_outlook_header(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    let lower = line.to_ascii_lowercase();
    if lower.starts_with("-----original message-----") || lower.starts_with("----- original message -----") {
        return true;
    }
    let rule = line.len() >= 10 && line.bytes().all(|c| c == b'_');
    let from_block = |at: usize| {
        lines.get(at).is_some_and(|l| l.trim_start().starts_with("From:"))
            && lines[at + 1..].iter().take(4).any(|l| {
                let l = l.trim_start();
                l.starts_with("Sent:") || l.starts_with("Date:")
            })
    };
    (rule && from_block(i + 1)) || from_block(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_style_attribution_and_quote() {
        let text = "Found it, thanks!\n\nOn Sat, 21 Nov 2026 at 09:15, Mia Chen <mia@example.org> wrote:\n> Where is my order?\n> Thanks";
        assert_eq!(new_text(text), Some("Found it, thanks!"));
    }

    #[test]
    fn wrapped_and_localized_attributions() {
        let wrapped = "Merci !\n\nOn Sat, 21 Nov 2026 at 09:15, Mia Chen <\nmia@example.org> wrote:\n> hi";
        assert_eq!(new_text(wrapped), Some("Merci !"));
        let french = "Parfait.\nLe sam. 21 nov. 2026 à 09:15, Mia <mia@example.org> a écrit :\n> salut";
        assert_eq!(new_text(french), Some("Parfait."));
    }

    #[test]
    fn outlook_headers() {
        let classic = "Sounds good.\n\n-----Original Message-----\nFrom: Support\nSent: Saturday\nSubject: Re: order";
        assert_eq!(new_text(classic), Some("Sounds good."));
        let modern = "Yes please.\n\n________________________________\nFrom: Juniper & Pine <support@x>\nSent: 21 November 2026 10:00\nTo: Mia\nSubject: Re: order\n\nHello Mia";
        assert_eq!(new_text(modern), Some("Yes please."));
        let bare = "Yes.\nFrom: Juniper & Pine\nDate: Sat, 21 Nov 2026\nSubject: x";
        assert_eq!(new_text(bare), Some("Yes."));
    }

    #[test]
    fn trailing_quote_block_without_attribution() {
        assert_eq!(new_text("Thanks!\n\n> earlier text\n>\n> more"), Some("Thanks!"));
    }

    #[test]
    fn inline_answers_and_plain_mail_are_left_whole() {
        let inline = "> Do you ship to Norway?\nYes, we do.\n> And Sweden?\nAlso yes.";
        assert_eq!(new_text(inline), None, "interleaved answers are not history");
        assert_eq!(new_text("Hello,\nFrom: the docs I read, From: lines are fine.\n"), None);
        assert_eq!(new_text("Just a note."), None);
    }

    #[test]
    fn a_bottom_posted_answer_keeps_the_quotes_and_is_linear() {
        let text = format!("{}Thanks!", "> earlier\n".repeat(4));
        assert_eq!(new_text(&text), None, "a quote block followed by an answer is not trailing history");
        assert_eq!(quotes_to_end(&["a", ">", "", " > b", "c"]), [false, false, false, false, false]);
        assert_eq!(quotes_to_end(&["a", ">", "", " > b"]), [false, true, true, true]);
    }

    #[test]
    fn a_reply_that_is_all_quote_is_kept_whole() {
        assert_eq!(new_text("\nOn Sat, Mia wrote:\n> hello"), None);
    }
}
