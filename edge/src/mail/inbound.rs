//! Inbound mail: parse → decide where it belongs → store, or refuse with a reason.
//!
//! Nothing is dropped silently: mail that cannot be accepted is refused with
//! `setReject` (the sender's server gets the reason) and the refusal is
//! recorded, up to a daily cap per site. A redelivered Message-ID writes
//! nothing, and an original once kept in R2 is never replaced.
//! Threading, in order: a signed reply address in the envelope, To or Cc; a
//! Message-ID of the site named by In-Reply-To or References; else a new
//! conversation. Subjects never merge mail.

use shared::api::InboxPush;
use shared::conversation::Author;
use shared::email::{verify_reply, Recipient};
use shared::visitor::hash_secret;
use worker::{Bucket, Conditional, ForwardableEmailMessage};

use shared::email::parse::{parse, Mail};
use crate::ids::{new_id, now_ms};
use crate::store::{EmailChannelRow, InboundEmail, NewIds, Store, Written};

/// What the email handler needs from the deployment.
pub struct MailEnv<'a> {
    /// The Email Routing domain forwarding addresses live under.
    pub inbound_domain: &'a str,
    /// Signs reply addresses; empty disables reply-address threading.
    pub reply_secret: &'a str,
    /// Where raw messages are kept.
    pub raw_mail: &'a Bucket,
    /// Where attachments' bytes are kept, once per site and content.
    pub files: &'a Bucket,
    /// The live objects that tell open inboxes.
    pub live: &'a crate::live::Live,
}

/// Why a message was refused: sent back to the sender's server.
struct Refusal {
    site_id: Option<String>,
    reason: String,
}

impl Refusal {
    fn new(site_id: Option<&str>, reason: impl Into<String>) -> Self {
        Self { site_id: site_id.map(str::to_string), reason: reason.into() }
    }

    fn temporary(site_id: Option<&str>, what: &str, err: impl std::fmt::Debug) -> Self {
        worker::console_error!("{what}: {err:?}");
        Self::new(site_id, format!("Temporary failure {what}; please resend."))
    }
}

/// Takes one message from Email Routing: stores it, or refuses it with a reason.
pub async fn receive(message: &ForwardableEmailMessage, store: &Store, env: &MailEnv<'_>) {
    let envelope_from = message.from();
    let envelope_to = message.to();
    let size = message.raw_size() as u64;
    match accept(message, store, env, &envelope_from, &envelope_to, size).await {
        Ok((message_id, Written::Created)) => {
            worker::console_log!("stored mail {message_id} for {envelope_to} ({} D1 round trips)", store.round_trips())
        }
        Ok((message_id, Written::AlreadyThere)) => {
            worker::console_log!("mail {message_id} for {envelope_to} was already stored; redelivery ignored")
        }
        Err(refusal) => {
            worker::console_warn!("rejected mail from {envelope_from} to {envelope_to}: {}", refusal.reason);
            message.set_reject(&refusal.reason);
            let recorded = store
                .record_rejection(&new_id("rej"), refusal.site_id.as_deref(), &envelope_from, &envelope_to, size, &refusal.reason, now_ms())
                .await;
            match recorded {
                Ok(true) => {}
                Ok(false) => worker::console_warn!("rejections for this mailbox are over today's cap; this one is not recorded"),
                Err(err) => worker::console_error!("could not record the rejection: {err:?}"),
            }
        }
    }
}

async fn accept(
    message: &ForwardableEmailMessage,
    store: &Store,
    env: &MailEnv<'_>,
    envelope_from: &str,
    envelope_to: &str,
    size: u64,
) -> Result<(String, Written), Refusal> {
    let no_mailbox = || Refusal::new(None, format!("No mailbox {envelope_to} here."));
    let recipient = Recipient::parse(envelope_to, env.inbound_domain).ok_or_else(no_mailbox)?;
    let channel = store
        .email_channel(recipient.subdomain())
        .await
        .map_err(|e| Refusal::temporary(None, "looking up the mailbox", e))?
        .ok_or_else(no_mailbox)?;
    if let Recipient::Mailbox(address) = &recipient {
        if channel.username.as_deref() != Some(address.username.as_str()) {
            return Err(no_mailbox());
        }
    }
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

    let raw = message.raw_bytes().await.map_err(|e| Refusal::temporary(site, "reading the message", e))?;
    let mail = parse(&raw, envelope_from).map_err(|rule| Refusal::new(site, rule.message))?;

    // The original first: once the row exists, its raw_key must resolve. Only
    // if no object has the key yet: a redelivery (or a racing duplicate) finds
    // the first delivery's bytes there and leaves them as they are.
    let raw_key = format!("mail/{}/{}.eml", channel.site_id, &hash_secret(&mail.message_id)[..32]);
    let only_new = Conditional { etag_does_not_match: Some("*".into()), ..Conditional::default() };
    let put = env.raw_mail.put(raw_key.as_str(), raw).only_if(only_new).execute().await;
    if put.map_err(|e| Refusal::temporary(site, "keeping the original", e))?.is_none() {
        worker::console_log!("the original of {} was already kept; left as it was", mail.message_id);
    }
    // Each attachment's bytes too, before the rows that name them; the same
    // bytes (a redelivery, a file sent twice) are one object, never replaced.
    for attachment in &mail.attachments {
        let key = shared::files::object_key(&channel.site_id, &attachment.sha256);
        let only_new = Conditional { etag_does_not_match: Some("*".into()), ..Conditional::default() };
        let put = env.files.put(key, attachment.bytes.clone()).only_if(only_new).execute().await;
        put.map_err(|e| Refusal::temporary(site, "keeping an attachment", e))?;
    }

    let replies = reply_conversations(&mail, envelope_to, &channel, env);
    let inbound = InboundEmail {
        site_id: &channel.site_id,
        account_id: &channel.account_id,
        mail: &mail,
        replies: &replies,
        raw_key: &raw_key,
    };
    let ids = NewIds { contact: new_id("ct"), conversation: new_id("c"), message: new_id("m") };
    // Threading and the redelivery check happen inside the one batch that stores it.
    let (written, conversation) =
        store.add_inbound_email(&inbound, &ids, now_ms()).await.map_err(|e| Refusal::temporary(site, "storing the message", e))?;
    if written == Written::Created {
        let push = InboxPush::stored(&conversation, &ids.message, Author::Contact, &mail.body);
        env.live.to_team(&channel.account_id, &push).await;
    }
    Ok((mail.message_id, written))
}

/// The conversations this mail's signed reply addresses name, in the order
/// the rules try them (envelope, then To and Cc); forged signatures and other
/// mailboxes' addresses are left out. The store keeps the first that is the
/// site's, else threads by References.
fn reply_conversations(mail: &Mail, envelope_to: &str, channel: &EmailChannelRow, env: &MailEnv<'_>) -> Vec<String> {
    let mut found = Vec::new();
    for address in std::iter::once(envelope_to).chain(mail.recipients.iter().map(String::as_str)) {
        let Some(Recipient::Reply { subdomain, conversation, signature }) = Recipient::parse(address, env.inbound_domain) else {
            continue;
        };
        if channel.subdomain.as_deref() != Some(subdomain.as_str()) {
            continue;
        }
        if !verify_reply(env.reply_secret, &conversation, &signature) {
            worker::console_warn!("ignored a forged or altered reply address {address} in {}", mail.message_id);
            continue;
        }
        found.push(conversation);
    }
    found
}
