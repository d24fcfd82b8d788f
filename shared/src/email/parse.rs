//! From a raw RFC 5322 message to what Parley keeps of it.
//!
//! Every step is linear in the message (see tests/mail_fuzz.rs). A message
//! larger than [`FULL_PROCESSING_BYTES`] is processed header-first: only its
//! first [`HEAD_BYTES`] are parsed (the headers and the first text part); what
//! was left out is recorded in `Mail::unprocessed_bytes`, in a note under the
//! body and in the headers JSON (`not_processed`). The whole message is kept
//! in R2 either way, and the mail is threaded and stored like any other.

use mail_parser::{Address, HeaderName, Message, MessageParser};
use serde_json::json;

use super::fold::Fold;
use super::loops::{classify, Flag};
use super::parts::{
    addresses, attachments, capped, html_body, message_ids, oversized_html, referenced, text_body,
    uu_attachment,
};
use super::quote;
use super::sender::Sender;
use super::uuencode::{self, UuFile};
use super::{charset, normalize_message_id, one_line, sanitize};
use crate::contact::normalize_email;
use crate::conversation::normalize_text;
use crate::Invalid;

pub use super::parts::MAX_HTML_BYTES;

/// Largest text or HTML body kept in a D1 row; the whole message is in R2.
pub const MAX_STORED_BODY: usize = 256 * 1024;
/// Largest message processed whole. The full pipeline costs about 1 to 2 ms
/// per MB on the host for text and attachments (`make bench`), a few times that
/// as WebAssembly: at 1 MiB that stays within the free plan's CPU budget, while
/// 25 MB (Email Routing's limit) would not.
pub const FULL_PROCESSING_BYTES: usize = 1 << 20;
/// How much of a larger message is parsed: its headers and first text part.
pub const HEAD_BYTES: usize = 256 * 1024;

/// An attachment: listed in the inbox, its decoded bytes kept in R2 once.
#[derive(Debug)]
pub struct Attachment {
    /// File name as Parley keeps it (`files::safe_filename`), if the sender gave one.
    pub filename: Option<String>,
    /// MIME type the sender declared, e.g. `application/pdf` (never served as).
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: usize,
    /// What the bytes are, sniffed: the type it is served as.
    pub kind: crate::files::FileType,
    /// SHA-256 of the decoded bytes, hex: where they are kept (`files::object_key`).
    pub sha256: String,
    /// The decoded bytes.
    pub bytes: Vec<u8>,
}

/// What Parley keeps of an inbound message.
#[derive(Debug)]
pub struct Mail {
    /// Normalized sender address (as the From header says: see `sender`).
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
    /// The Cc header's people, with their names (`recipients::cc_of`).
    pub cc: Vec<super::recipients::Participant>,
    /// To, Cc, Reply-To, In-Reply-To, References, Date, the sender check
    /// (`sender`) and what a large message left out (`not_processed`), as JSON.
    pub headers_json: String,
    /// Why this mail must never be answered automatically.
    pub flags: Vec<Flag>,
    /// Attachments, in order.
    pub attachments: Vec<Attachment>,
    /// Whether the From is backed by the envelope sender and authentication.
    pub sender: Sender,
    /// Bytes of a large message that were not processed (header-first), if any.
    pub unprocessed_bytes: Option<u64>,
    /// What `body` leaves out of `body_full`: quoted history, a signature or both.
    pub folded: Option<Fold>,
    /// How many From headers the message has: the first one counts, and a
    /// second makes the sender unverified.
    pub from_headers: usize,
}

impl Mail {
    /// Whether the From may name a contact: never for an unverified sender,
    /// nor for a message with two From headers.
    pub fn sender_verified(&self) -> bool {
        self.sender.verified() && self.from_headers <= 1
    }
}

/// The message has no From address.
pub const NO_FROM: Invalid = Invalid::new("no_from", "The message has no From address.");
/// The From address is not an address.
pub const BAD_FROM: Invalid =
    Invalid::new("bad_from", "The From address is not a valid email address.");
/// mail-parser could not read it.
pub const UNREADABLE: Invalid = Invalid::new(
    "unreadable",
    "The message is not a readable RFC 5322 message.",
);

/// Parses `raw`, received from `envelope_from`.
pub fn parse(raw: &[u8], envelope_from: &str) -> Result<Mail, Invalid> {
    let large = raw.len() > FULL_PROCESSING_BYTES;
    let processed = if large { &raw[..HEAD_BYTES] } else { raw };
    let readable = charset::utf8_headers(processed);
    let message = MessageParser::default()
        .parse(&readable[..])
        .ok_or(UNREADABLE)?;
    let (from_email, from_name, from_headers) = from_of(&message)?;
    let message_id = match message.message_id().and_then(normalize_message_id) {
        Some(id) => id.to_string(),
        None => format!("{}@sha256.parley.invalid", &content_hash(raw)[..40]),
    };
    let (body, body_full, folded, uu_files) = texts(&message, large);
    let in_reply_to = message_ids(message.in_reply_to());
    let references = message_ids(message.references());
    let referenced = referenced(&in_reply_to, &references);
    let sender = Sender::check(&from_email, envelope_from, message.headers_raw());
    let mut flags = classify(message.headers_raw(), Some(&from_email), envelope_from);
    if !sender.verified() || from_headers > 1 {
        flags.push(Flag::SenderUnverified);
    }
    let unprocessed_bytes = large.then(|| (raw.len() - processed.len()) as u64);
    let html_too_large = (!large).then(|| oversized_html(&message)).flatten();
    let threading = (in_reply_to, references);
    let mut headers = headers_record(&message, &sender, threading, from_headers, folded);
    if let Some(bytes) = html_too_large {
        headers["html_not_processed"] = json!({ "bytes": bytes, "processed": MAX_HTML_BYTES });
    }
    let mut body = capped(body, MAX_STORED_BODY);
    if let Some(left_out) = unprocessed_bytes {
        note_unprocessed(&mut body, &mut headers, left_out, raw.len());
    }

    Ok(Mail {
        from_email,
        from_name,
        message_id,
        subject: message.subject().map(one_line).filter(|s| !s.is_empty()),
        body,
        body_full: body_full.map(|f| capped(f, MAX_STORED_BODY)),
        body_html: (!large && html_too_large.is_none())
            .then(|| html_body(&message))
            .flatten()
            .and_then(|h| sanitize::html(&h))
            .map(|h| capped(h, MAX_STORED_BODY)),
        referenced,
        recipients: recipients(&message),
        cc: super::recipients::cc_of(&message),
        headers_json: headers.to_string(),
        flags,
        attachments: all_attachments(&message, large, uu_files),
        sender,
        unprocessed_bytes,
        folded,
        from_headers,
    })
}

/// The text body (the new text, the whole when something was folded, and
/// what was), and the uuencoded files taken out of it; a large message keeps
/// no attachments (header-first), so its uuencoded text stays text.
fn texts(message: &Message, large: bool) -> (String, Option<String>, Option<Fold>, Vec<UuFile>) {
    let (text, html_new_text) = text_body(message);
    let (text, uu_files) = if large {
        (text.as_str().into(), Vec::new())
    } else {
        uuencode::extract(&text)
    };
    let (body, body_full, folded) = fold(
        normalize_text(&text),
        html_new_text.filter(|_| uu_files.is_empty()),
    );
    (body, body_full, folded, uu_files)
}

/// The message's attachments, then the files uuencoded in its text; a large
/// message keeps none (header-first: its uuencoded text stayed text).
fn all_attachments(message: &Message, large: bool, uu_files: Vec<UuFile>) -> Vec<Attachment> {
    let own = if large {
        Vec::new()
    } else {
        attachments(message)
    };
    own.into_iter()
        .chain(uu_files.into_iter().map(uu_attachment))
        .collect()
}

/// Every To and Cc address, as written.
fn recipients(message: &Message) -> Vec<String> {
    message
        .to()
        .into_iter()
        .chain(message.cc())
        .flat_map(|list| list.iter().filter_map(|a| a.address().map(String::from)))
        .collect()
}

/// Says, in the body and the headers record, that only the head of a
/// message of `size` bytes was processed (`left_out` bytes were not).
fn note_unprocessed(
    body: &mut String,
    headers: &mut serde_json::Value,
    left_out: u64,
    size: usize,
) {
    headers["not_processed"] = json!({ "bytes": left_out, "message_bytes": size, "processed": "headers and first text part" });
    body.push_str(&format!(
        "\n\n[This message is {}: only its headers and first text part were processed. \
         Its attachments and the rest are in the original.]",
        megabytes(size)
    ));
}

/// The From address (normalized), its display name, and how many From
/// headers the message has.
fn from_of(message: &Message) -> Result<(String, Option<String>, usize), Invalid> {
    let (from, from_headers) = first_from(message);
    let from = from.ok_or(NO_FROM)?;
    let from_email = from
        .address()
        .and_then(|a| normalize_email(a).ok())
        .ok_or(BAD_FROM)?;
    let from_name = from.name().map(one_line).filter(|n| !n.is_empty());
    Ok((from_email, from_name, from_headers))
}

/// The headers kept beside the message (`headers_json`): its addresses, its
/// threading ids (In-Reply-To, References), its date, the sender check (not
/// verified when there are several From headers) and what was folded.
fn headers_record(
    message: &Message,
    sender: &Sender,
    (in_reply_to, references): (Vec<String>, Vec<String>),
    from_headers: usize,
    folded: Option<Fold>,
) -> serde_json::Value {
    let mut headers = json!({
        "to": addresses(message.to()),
        "cc": addresses(message.cc()),
        "reply_to": addresses(message.reply_to()),
        "in_reply_to": in_reply_to,
        "references": references,
        "date": message.date().map(|d| d.to_rfc3339()),
        "sender": sender.to_json(),
    });
    if from_headers > 1 {
        headers["sender"]["verified"] = json!(false);
        headers["sender"]["from_headers"] = json!(from_headers);
    }
    if let Some(fold) = folded {
        headers["folded"] = json!(fold.as_str());
    }
    headers
}

/// The first From header's first address (mail-parser reads the last), and
/// how many From headers there are.
fn first_from<'m>(message: &'m Message<'m>) -> (Option<&'m mail_parser::Addr<'m>>, usize) {
    let mut froms = message
        .headers()
        .iter()
        .filter(|h| h.name == HeaderName::From);
    let first = froms.next();
    let count = usize::from(first.is_some()) + froms.count();
    (
        first
            .and_then(|h| h.value.as_address())
            .and_then(Address::first),
        count,
    )
}

/// The visible body, the whole text when something was folded, and what was:
/// where the HTML marked its quote, the text above it (less its signature),
/// else what `quote::split` finds in the text.
fn fold(full: String, html_new_text: Option<String>) -> (String, Option<String>, Option<Fold>) {
    let html_new_text = html_new_text
        .map(|t| normalize_text(&t))
        .filter(|t| !t.is_empty() && t.len() < full.len());
    if let Some(above) = html_new_text {
        return match quote::split(&above) {
            Some(split) if split.fold != Fold::Quote => (
                split.visible.to_string(),
                Some(full),
                Some(Fold::QuoteAndSignature),
            ),
            Some(split) => (split.visible.to_string(), Some(full), Some(Fold::Quote)),
            None => (above, Some(full), Some(Fold::Quote)),
        };
    }
    match quote::split(&full) {
        Some(split) => (
            split.visible.to_string(),
            Some(full.clone()),
            Some(split.fold),
        ),
        None => (full, None, None),
    }
}

/// SHA-256 of the message's bytes, as hex: the Message-ID of mail that has none.
fn content_hash(raw: &[u8]) -> String {
    crate::digest::sha256_hex(raw)
}

/// `3.2 MB`.
fn megabytes(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}
