//! Reading the pieces Parley keeps out of a parsed message: bodies,
//! attachments, Message-ID lists and address lists.

use std::borrow::Cow;

use mail_parser::{Address, HeaderValue, Message, MimeHeaders, PartType};

use super::charset::redecoded;
use super::html_text::html_reply;
use super::parse::Attachment;
use super::{display_sender, normalize_message_id};

/// Most Message-IDs of a References header looked up for threading (the newest).
pub const MAX_REFERENCES: usize = 100;

/// `text` cut to at most `max` bytes (on a character boundary), with a note when cut.
pub fn capped(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str("\n[…truncated: the whole message is kept as the original]");
    }
    text
}

/// Most HTML turned into text or sanitised per message: HTML costs about
/// 50 ms per MB on the host (tree building), far more than text, so a larger
/// HTML body is read only this far; the original keeps the rest.
pub const MAX_HTML_BYTES: usize = 128 * 1024;

/// The first [`MAX_HTML_BYTES`] of `html`, cut on a character boundary.
pub fn html_head(html: &str) -> &str {
    let mut end = html.len().min(MAX_HTML_BYTES);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    &html[..end]
}

/// The message as text: its text part, else (the head of) its HTML made
/// readable, with the new text above the quote when the HTML marks one.
/// Undeclared 8-bit bytes are read like a browser (`charset`).
pub fn text_body(message: &Message) -> (String, Option<String>) {
    let Some(part) = message.text_part(0) else {
        return (String::new(), None);
    };
    match &part.body {
        PartType::Text(text) => (
            redecoded(message, part, text).unwrap_or_else(|| text.to_string()),
            None,
        ),
        PartType::Html(html) => {
            let html =
                redecoded(message, part, html).map_or(Cow::Borrowed(html.as_ref()), Cow::Owned);
            let reply = html_reply(html_head(&html));
            (reply.text, reply.new_text)
        }
        _ => (String::new(), None),
    }
}

/// The size of the message's HTML body, when it is larger than [`MAX_HTML_BYTES`].
pub fn oversized_html(message: &Message) -> Option<usize> {
    message
        .html_part(0)
        .map(|part| part.len())
        .filter(|len| *len > MAX_HTML_BYTES)
}

/// The first HTML body part, only if the sender wrote one (not HTML made from text).
pub fn html_body(message: &Message) -> Option<String> {
    let part = message.html_part(0)?;
    match &part.body {
        PartType::Html(html) => {
            Some(redecoded(message, part, html).unwrap_or_else(|| html.to_string()))
        }
        _ => None,
    }
}

/// The attachments, with their decoded bytes, sniffed kind and hash (one
/// pass over each: linear in the message).
pub fn attachments(message: &Message) -> Vec<Attachment> {
    message
        .attachments()
        .map(|part| Attachment {
            filename: super::charset::attachment_name(message, part)
                .map(|name| crate::files::safe_filename(Some(&name))),
            kind: crate::files::FileType::sniff(part.contents()),
            sha256: crate::digest::sha256_hex(part.contents()),
            bytes: part.contents().to_vec(),
            content_type: part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{}", ct.ctype(), sub),
                    None => ct.ctype().to_string(),
                })
                .unwrap_or_else(|| "application/octet-stream".into()),
            size: part.len(),
        })
        .collect()
}

/// A uuencoded file of the text as an attachment, like a MIME one.
pub fn uu_attachment(file: super::uuencode::UuFile) -> Attachment {
    let kind = crate::files::FileType::sniff(&file.bytes);
    Attachment {
        filename: Some(crate::files::safe_filename(Some(&file.name))),
        content_type: "application/octet-stream".into(),
        size: file.bytes.len(),
        kind,
        sha256: crate::digest::sha256_hex(&file.bytes),
        bytes: file.bytes,
    }
}

/// The Message-IDs listed in an In-Reply-To or References header.
pub fn message_ids(value: &HeaderValue) -> Vec<String> {
    value
        .as_text_list()
        .unwrap_or_default()
        .iter()
        .filter_map(|id| normalize_message_id(id).map(str::to_string))
        .collect()
}

/// In-Reply-To first, then the newest [`MAX_REFERENCES`] References, each once.
pub fn referenced(in_reply_to: &[String], references: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let newest = references.iter().rev().take(MAX_REFERENCES);
    in_reply_to
        .iter()
        .take(MAX_REFERENCES)
        .chain(newest)
        .filter(|id| seen.insert(id.as_str()))
        .cloned()
        .collect()
}

/// The addresses of an address header, displayed as `Name <address>`.
pub fn addresses(value: Option<&Address>) -> Vec<String> {
    value
        .map(|list| {
            list.iter()
                .filter_map(|a| a.address().map(|addr| display_sender(a.name(), addr)))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referenced_is_newest_first_once_and_bounded() {
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            referenced(&ids(&["c"]), &ids(&["a", "b", "c"])),
            ids(&["c", "b", "a"])
        );
        let many: Vec<String> = (0..10_000).map(|i| i.to_string()).collect();
        let kept = referenced(&[], &many);
        assert_eq!(kept.len(), MAX_REFERENCES);
        assert_eq!(kept[0], "9999");
    }

    #[test]
    fn capped_cuts_on_a_character_boundary() {
        assert_eq!(
            capped("ééé".into(), 3),
            "é\n[…truncated: the whole message is kept as the original]"
        );
        assert_eq!(capped("abc".into(), 3), "abc");
    }
}
