//! Inbound mail: parse → decide where it belongs → store, or refuse with a reason.
//!
//! Nothing is dropped silently: mail that cannot be accepted is refused with
//! `setReject` (the sender's server gets the reason) and the refusal is recorded.

use mail_parser::{Address, HeaderValue, MessageParser};
use serde_json::json;
use shared::contact::normalize_email;
use shared::conversation::normalize_text;
use shared::email::{display_sender, normalize_message_id, ForwardingAddress};
use shared::{hex, visitor::hash_secret};
use worker::ForwardableEmailMessage;

use crate::ids::{new_id, now_ms};
use crate::store::{InboundEmail, NewIds, Store, Written};

/// Why a message was refused: sent back to the sender's server.
struct Refusal {
    site_id: Option<String>,
    reason: String,
}

impl Refusal {
    fn new(site_id: Option<&str>, reason: impl Into<String>) -> Self {
        Self { site_id: site_id.map(str::to_string), reason: reason.into() }
    }
}

/// Takes one message from Email Routing: stores it, or refuses it with a reason.
pub async fn receive(message: &ForwardableEmailMessage, store: &Store, inbound_domain: &str) {
    let envelope_from = message.from();
    let envelope_to = message.to();
    let size = message.raw_size() as u64;
    match accept(message, store, inbound_domain, &envelope_to, size).await {
        Ok((message_id, Written::Created)) => worker::console_log!("stored mail {message_id} for {envelope_to}"),
        Ok((message_id, Written::AlreadyThere)) => {
            worker::console_log!("mail {message_id} for {envelope_to} was already stored; redelivery ignored")
        }
        Err(refusal) => {
            worker::console_warn!("rejected mail from {envelope_from} to {envelope_to}: {}", refusal.reason);
            message.set_reject(&refusal.reason);
            let id = new_id("rej");
            let recorded = store
                .record_rejection(&id, refusal.site_id.as_deref(), &envelope_from, &envelope_to, None, size, &refusal.reason, now_ms())
                .await;
            if let Err(err) = recorded {
                worker::console_error!("could not record the rejection: {err:?}");
            }
        }
    }
}

async fn accept(
    message: &ForwardableEmailMessage,
    store: &Store,
    inbound_domain: &str,
    envelope_to: &str,
    size: u64,
) -> Result<(String, Written), Refusal> {
    let address = ForwardingAddress::parse(envelope_to, inbound_domain)
        .ok_or_else(|| Refusal::new(None, format!("No mailbox {envelope_to} here.")))?;
    let channel = store
        .email_channel(&address.subdomain, &address.username)
        .await
        .map_err(|e| Refusal::new(None, format!("Temporary failure looking up the mailbox ({e:?}); please resend.")))?
        .ok_or_else(|| Refusal::new(None, format!("No mailbox {envelope_to} here.")))?;
    let site = Some(channel.site_id.as_str());
    if channel.enabled == 0 {
        return Err(Refusal::new(site, format!("The mailbox {envelope_to} does not accept email.")));
    }
    if size > channel.max_message_bytes {
        return Err(Refusal::new(
            site,
            format!("Message of {size} bytes exceeds this mailbox's limit of {} bytes.", channel.max_message_bytes),
        ));
    }

    let raw = message
        .raw_bytes()
        .await
        .map_err(|e| Refusal::new(site, format!("Could not read the message ({e}); please resend.")))?;
    let parsed = MessageParser::default()
        .parse(&raw)
        .ok_or_else(|| Refusal::new(site, "The message is not a readable RFC 5322 message."))?;

    let sender = parsed
        .from()
        .and_then(Address::first)
        .ok_or_else(|| Refusal::new(site, "The message has no From address."))?;
    let from_email = sender
        .address()
        .and_then(|a| normalize_email(a).ok())
        .ok_or_else(|| Refusal::new(site, "The From address is not a valid email address."))?;
    let from_name = sender.name().map(str::trim).filter(|n| !n.is_empty());

    // A message without a Message-ID still deduplicates: name it by its content.
    let message_id = match parsed.message_id().and_then(normalize_message_id) {
        Some(id) => id.to_string(),
        None => format!("{}@sha256.parley.invalid", &hash_secret(&hex::encode(&raw))[..40]),
    };

    let mut referenced = message_ids(parsed.in_reply_to());
    referenced.extend(message_ids(parsed.references()));
    let thread = store
        .conversation_by_message_ids(&channel.site_id, &referenced)
        .await
        .map_err(|e| Refusal::new(site, format!("Temporary failure threading the message ({e:?}); please resend.")))?;

    let body = parsed.body_text(0).map(|b| normalize_text(&b)).unwrap_or_default();
    let headers = json!({
        "to": addresses(parsed.to()),
        "cc": addresses(parsed.cc()),
        "reply_to": addresses(parsed.reply_to()),
        "in_reply_to": message_ids(parsed.in_reply_to()),
        "references": message_ids(parsed.references()),
        "date": parsed.date().map(|d| d.to_rfc3339()),
    })
    .to_string();

    let mail = InboundEmail {
        site_id: &channel.site_id,
        account_id: &channel.account_id,
        message_id: &message_id,
        from_email: &from_email,
        from_name,
        from_display: &display_sender(from_name, &from_email),
        subject: parsed.subject().map(str::trim),
        body: &body,
        headers_json: &headers,
        thread: thread.as_deref(),
    };
    let ids = NewIds { contact: new_id("ct"), conversation: new_id("c"), message: new_id("m") };
    let written = store
        .add_inbound_email(&mail, &ids, now_ms())
        .await
        .map_err(|e| Refusal::new(site, format!("Temporary failure storing the message ({e:?}); please resend.")))?;
    Ok((message_id, written))
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
