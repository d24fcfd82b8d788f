//! From a raw RFC 5322 message to what Parley keeps of it.

use mail_parser::{Address, HeaderValue, Message, MessageParser, MimeHeaders, PartType};
use serde_json::json;

use crate::contact::normalize_email;
use crate::conversation::normalize_text;
use crate::email::html_text::html_to_text;
use crate::email::loops::{classify, Flag};
use crate::email::{display_sender, normalize_message_id, quote};
use crate::visitor::hash_secret;
use crate::{hex, Invalid};

use super::sanitize;

/// Largest text or HTML body kept in a D1 row; the whole message is in R2.
const MAX_STORED_BODY: usize = 256 * 1024;

/// An attachment as listed in the inbox (its bytes stay in the raw message).
#[derive(Debug)]
pub struct Attachment {
    /// File name, if the sender gave one.
    pub filename: Option<String>,
    /// MIME type, e.g. `application/pdf`.
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: usize,
}

/// What Parley keeps of an inbound message.
#[derive(Debug)]
pub struct Mail {
    /// Normalized sender address.
    pub from_email: String,
    /// Sender display name.
    pub from_name: Option<String>,
    /// Message-ID without brackets (derived from the content when missing).
    pub message_id: String,
    /// Decoded subject.
    pub subject: Option<String>,
    /// The new text: quoted history removed.
    pub body: String,
    /// The whole text, when history was removed from `body`.
    pub body_full: Option<String>,
    /// Sanitised HTML, when the message had an HTML part.
    pub body_html: Option<String>,
    /// In-Reply-To first, then References newest first: where to look for the thread.
    pub referenced: Vec<String>,
    /// Every To and Cc address (reply addresses are looked for there).
    pub recipients: Vec<String>,
    /// To, Cc, Reply-To, In-Reply-To, References and Date, as JSON.
    pub headers_json: String,
    /// Why this mail must never be answered automatically.
    pub flags: Vec<Flag>,
    /// Attachments, in order.
    pub attachments: Vec<Attachment>,
}

/// The message has no From address.
pub const NO_FROM: Invalid = Invalid::new("no_from", "The message has no From address.");
/// The From address is not an address.
pub const BAD_FROM: Invalid = Invalid::new("bad_from", "The From address is not a valid email address.");
/// mail-parser could not read it.
pub const UNREADABLE: Invalid = Invalid::new("unreadable", "The message is not a readable RFC 5322 message.");

/// Parses `raw`, received from `envelope_from`.
pub fn parse(raw: &[u8], envelope_from: &str) -> Result<Mail, Invalid> {
    let message = MessageParser::default().parse(raw).ok_or(UNREADABLE)?;
    let sender = message.from().and_then(Address::first).ok_or(NO_FROM)?;
    let from_email = sender.address().and_then(|a| normalize_email(a).ok()).ok_or(BAD_FROM)?;
    let from_name = sender.name().map(str::trim).filter(|n| !n.is_empty()).map(String::from);

    let message_id = match message.message_id().and_then(normalize_message_id) {
        Some(id) => id.to_string(),
        None => format!("{}@sha256.parley.invalid", &hash_secret(&hex::encode(raw))[..40]),
    };
    let full = normalize_text(&text_body(&message));
    let (body, body_full) = match quote::new_text(&full) {
        Some(fresh) => (fresh.to_string(), Some(full.clone())),
        None => (full, None),
    };
    let in_reply_to = message_ids(message.in_reply_to());
    let mut referenced = in_reply_to.clone();
    referenced.extend(message_ids(message.references()).into_iter().rev());
    referenced.dedup();

    let recipients = message
        .to()
        .into_iter()
        .chain(message.cc())
        .flat_map(|list| list.iter().filter_map(|a| a.address().map(String::from)))
        .collect();
    let headers_json = json!({
        "to": addresses(message.to()),
        "cc": addresses(message.cc()),
        "reply_to": addresses(message.reply_to()),
        "in_reply_to": in_reply_to,
        "references": message_ids(message.references()),
        "date": message.date().map(|d| d.to_rfc3339()),
    })
    .to_string();
    let flags = classify(message.headers_raw(), Some(&from_email), envelope_from);

    Ok(Mail {
        from_email,
        from_name,
        message_id,
        subject: message.subject().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
        body: capped(body),
        body_full: body_full.map(capped),
        body_html: html_body(&message).and_then(|h| sanitize::html(&h)).map(capped),
        referenced,
        recipients,
        headers_json,
        flags,
        attachments: attachments(&message),
    })
}

fn capped(mut text: String) -> String {
    if text.len() > MAX_STORED_BODY {
        let mut end = MAX_STORED_BODY;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str("\n[…truncated: the whole message is kept as the original]");
    }
    text
}

/// The message as text: its text part, else its HTML made readable.
fn text_body(message: &Message) -> String {
    match message.text_part(0).map(|part| &part.body) {
        Some(PartType::Text(text)) => text.to_string(),
        Some(PartType::Html(html)) => html_to_text(html),
        _ => String::new(),
    }
}

/// The first HTML body part, only if the sender wrote one (not HTML made from text).
fn html_body(message: &Message) -> Option<String> {
    let part = message.html_part(0)?;
    match &part.body {
        PartType::Html(html) => Some(html.to_string()),
        _ => None,
    }
}

fn attachments(message: &Message) -> Vec<Attachment> {
    message
        .attachments()
        .map(|part| Attachment {
            filename: part.attachment_name().map(String::from),
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

/// The Message-IDs listed in an In-Reply-To or References header.
fn message_ids(value: &HeaderValue) -> Vec<String> {
    value
        .as_text_list()
        .unwrap_or_default()
        .iter()
        .filter_map(|id| normalize_message_id(id).map(str::to_string))
        .collect()
}

/// The addresses of an address header, displayed as `Name <address>`.
fn addresses(value: Option<&Address>) -> Vec<String> {
    value
        .map(|list| list.iter().filter_map(|a| a.address().map(|addr| display_sender(a.name(), addr))).collect())
        .unwrap_or_default()
}
