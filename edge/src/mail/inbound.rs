//! Inbound mail: parse → decide where it belongs → store, or refuse with a reason.
//!
//! Nothing is dropped silently: mail that cannot be accepted is refused with
//! `setReject` (the sender's server gets the reason) and the refusal is
//! recorded, up to a daily cap per site. A redelivered Message-ID writes
//! nothing, and an original once kept in R2 is never replaced.
//! Threading, in order: a signed reply address in the envelope, To or Cc; a
//! Message-ID of the site named by In-Reply-To or References; else a new
//! conversation. Subjects never merge mail. A reply from someone the
//! conversation copies threads in under their own contact; the people a
//! verified sender copies (Cc) are kept on the conversation.

use shared::api::InboxPush;
use shared::conversation::Author;
use shared::email::recipients::kept_cc;
use shared::email::{verify_reply, Recipient};
use shared::visitor::hash_secret;
use worker::js_sys::{Object, Reflect, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::worker_sys::R2Bucket;
use worker::{Bucket, Conditional, ForwardableEmailMessage};

use super::mailboxes;
use crate::clock::now_ms;
use crate::ids::{new_id, NewIds};
use crate::store::{EmailChannelRow, InboundEmail, Store, Written};
use shared::email::parse::{parse, Mail};

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
    /// The queue that carries ActiveCampaign jobs.
    pub outbox: &'a crate::automations::Outbox,
}

/// Why a message was refused: sent back to the sender's server.
struct Refusal {
    site_id: Option<String>,
    reason: String,
}

impl Refusal {
    fn new(site_id: Option<&str>, reason: impl Into<String>) -> Self {
        Self {
            site_id: site_id.map(str::to_string),
            reason: reason.into(),
        }
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
            worker::console_log!(
                "stored mail {message_id} for {envelope_to} ({} D1 round trips)",
                store.round_trips()
            )
        }
        Ok((message_id, Written::AlreadyThere)) => {
            worker::console_log!(
                "mail {message_id} for {envelope_to} was already stored; redelivery ignored"
            )
        }
        Err(refusal) => {
            worker::console_warn!(
                "rejected mail from {envelope_from} to {envelope_to}: {}",
                refusal.reason
            );
            message.set_reject(&refusal.reason);
            let recorded = store
                .record_rejection(
                    &new_id("rej"),
                    refusal.site_id.as_deref(),
                    &envelope_from,
                    &envelope_to,
                    size,
                    &refusal.reason,
                    now_ms(),
                )
                .await;
            match recorded {
                Ok(true) => {}
                Ok(false) => worker::console_warn!(
                    "rejections for this mailbox are over today's cap; this one is not recorded"
                ),
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
    let recipient =
        Recipient::parse(envelope_to, env.inbound_domain).ok_or_else(|| no_mailbox(envelope_to))?;
    let subdomain = recipient.subdomain();
    let now = now_ms();
    let channel = mailbox(store, &recipient, envelope_to, size, now).await?;
    let site_id = channel.site_id.clone();
    let site = Some(site_id.as_str());

    let (raw, original) = read_raw(message)
        .await
        .map_err(|e| Refusal::temporary(site, "reading the message", e))?;
    let mail = parse(&raw, envelope_from).map_err(|rule| Refusal::new(site, rule.message))?;

    // The original first: once the row exists, its raw_key must resolve.
    let raw_key = format!(
        "mail/{site_id}/{}.eml",
        &hash_secret(&mail.message_id)[..32]
    );
    let kept = keep_original(env.raw_mail, &raw_key, original)
        .await
        .map_err(|e| Refusal::temporary(site, "keeping the original", e))?;
    if !kept {
        worker::console_log!(
            "the original of {} was already kept; left as it was",
            mail.message_id
        );
    }
    // Each attachment's bytes too, before the rows that name them.
    let mut created = Vec::new();
    let addressed = (subdomain, &recipient, envelope_to, size);
    let stored = match keep_attachments(env.files, &site_id, &mail, &mut created).await {
        Ok(()) => store_kept(store, env, channel, &mail, addressed, &raw_key, now).await,
        Err(refusal) => Err(refusal),
    };
    // Refused (or to be resent), or a redelivery whose Message-ID was stored
    // already: nothing this delivery put in R2 may stay without a row that
    // leads to it, or erasure could never find it.
    if stored.is_err() && kept {
        forget_original(env.raw_mail, store, &raw_key).await;
    }
    if !matches!(stored, Ok(Written::Created)) {
        crate::routes::forget_unlisted(env.files, store, &created).await;
    }
    stored.map(|written| (mail.message_id, written))
}

/// The mailbox the recipient names, when it takes this message: a remembered
/// row may let mail in early; a refusal is always decided on the row as D1
/// has it now.
async fn mailbox(
    store: &Store,
    recipient: &Recipient,
    envelope_to: &str,
    size: u64,
    now: u64,
) -> Result<EmailChannelRow, Refusal> {
    let subdomain = recipient.subdomain();
    let remembered = mailboxes::recall(subdomain, now)
        .filter(|row| admit(row, recipient, envelope_to, size).is_ok());
    if let Some(row) = remembered {
        return Ok(row);
    }
    let row = store
        .email_channel(subdomain)
        .await
        .map_err(|e| Refusal::temporary(None, "looking up the mailbox", e))?;
    mailboxes::remember(subdomain, row.as_ref(), now);
    let row = row.ok_or_else(|| no_mailbox(envelope_to))?;
    admit(&row, recipient, envelope_to, size)?;
    Ok(row)
}

/// Keeps each attachment's bytes in `files`, in order, until one cannot be
/// kept; the same bytes (a redelivery, a file sent twice) are one object,
/// never replaced. `created` gets the keys of the objects this call created.
async fn keep_attachments(
    files: &Bucket,
    site_id: &str,
    mail: &Mail,
    created: &mut Vec<String>,
) -> Result<(), Refusal> {
    for attachment in &mail.attachments {
        let key = shared::files::object_key(site_id, &attachment.sha256);
        let only_new = Conditional {
            etag_does_not_match: Some("*".into()),
            ..Conditional::default()
        };
        match files
            .put(key.clone(), attachment.bytes.clone())
            .only_if(only_new)
            .execute()
            .await
        {
            Ok(Some(_)) => created.push(key),
            Ok(None) => {}
            Err(e) => {
                return Err(Refusal::temporary(
                    Some(site_id),
                    "keeping an attachment",
                    e,
                ))
            }
        }
    }
    Ok(())
}

/// Where a message is addressed: the mailbox subdomain, the recipient, the envelope recipient, and the size.
type Addressed<'a> = (&'a str, &'a Recipient, &'a str, u64);

/// Stores parsed mail whose original and attachments are kept: threading and
/// the redelivery check happen inside the one batch that stores it, which
/// writes only if the mailbox is still as read; if it changed and still
/// takes this mail, once more with the new row.
async fn store_kept(
    store: &Store,
    env: &MailEnv<'_>,
    mut channel: EmailChannelRow,
    mail: &Mail,
    (subdomain, recipient, envelope_to, size): Addressed<'_>,
    raw_key: &str,
    now: u64,
) -> Result<Written, Refusal> {
    let site_id = channel.site_id.clone();
    let site = Some(site_id.as_str());
    let replies = reply_conversations(mail, envelope_to, &channel, env);
    // The people it copies stay on the conversation; an unverified sender adds no one.
    let cc = if mail.sender_verified() {
        kept_cc(&mail.cc, &mail.from_email, env.inbound_domain)
    } else {
        Vec::new()
    };
    let ids = NewIds::fresh();
    for _ in 0..2 {
        let inbound = InboundEmail {
            channel: &channel,
            mail,
            replies: &replies,
            raw_key,
            cc: &cc,
        };
        let found = store
            .add_inbound_email(&inbound, &ids, now)
            .await
            .map_err(|e| Refusal::temporary(site, "storing the message", e))?;
        mailboxes::remember(subdomain, found.channel.as_ref(), now);
        env.outbox.enqueue_crm(found.crm_jobs, 0).await;
        if let Some((written, conversation)) = found.stored {
            if written == Written::Created && found.team_listens {
                let push =
                    InboxPush::stored(&conversation, &ids.message, Author::Contact, &mail.body);
                env.live.to_team(&channel.account_id, &push).await;
            }
            return Ok(written);
        }
        let row = found.channel.ok_or_else(|| no_mailbox(envelope_to))?;
        admit(&row, recipient, envelope_to, size)?;
        channel = row;
    }
    Err(Refusal::temporary(
        site,
        "storing the message",
        "the mailbox settings kept changing",
    ))
}

/// The refusal of mail to an address that is no mailbox here.
fn no_mailbox(envelope_to: &str) -> Refusal {
    Refusal::new(None, format!("No mailbox {envelope_to} here."))
}

/// Refuses mail this mailbox does not take: another username under its
/// subdomain, a disabled mailbox, or a message over its size limit.
fn admit(
    channel: &EmailChannelRow,
    recipient: &Recipient,
    envelope_to: &str,
    size: u64,
) -> Result<(), Refusal> {
    if let Recipient::Mailbox(address) = recipient {
        if channel.username.as_deref() != Some(address.username.as_str()) {
            return Err(no_mailbox(envelope_to));
        }
    }
    let site = Some(channel.site_id.as_str());
    if channel.enabled == 0 {
        return Err(Refusal::new(
            site,
            format!("The mailbox {envelope_to} does not accept email."),
        ));
    }
    if size > channel.max_message_bytes {
        return Err(Refusal::new(
            site,
            format!(
                "Message of {size} bytes exceeds this mailbox's limit of {} bytes.",
                channel.max_message_bytes
            ),
        ));
    }
    Ok(())
}

/// Deletes an original this delivery kept for mail it then refused, unless a
/// racing delivery of the same Message-ID stored a row that names it.
async fn forget_original(bucket: &Bucket, store: &Store, key: &str) {
    match store.original_listed(key).await {
        Ok(false) => {}
        Ok(true) => return,
        Err(err) => {
            worker::console_error!(
                "could not check the original {key} before deleting it: {}",
                err.code_and_message().1
            );
            return;
        }
    }
    if let Err(e) = bucket.delete(key).await {
        worker::console_error!("could not delete the original {key} of refused mail: {e:?}");
    }
}

/// The raw message read in one call (a chunk-by-chunk read through wasm costs
/// more CPU than parsing it), as bytes for the parser and as the JS buffer R2
/// keeps without copying it back out of wasm.
async fn read_raw(message: &ForwardableEmailMessage) -> Result<(Vec<u8>, Uint8Array), JsValue> {
    let response = web_sys::Response::new_with_opt_readable_stream(Some(&message.raw()))?;
    let bytes = Uint8Array::new(&JsFuture::from(response.array_buffer()?).await?);
    Ok((bytes.to_vec(), bytes))
}

/// Keeps the original under `key` unless an object already has that key: a
/// redelivery (or a racing duplicate) finds the first delivery's bytes there
/// and leaves them as they are. Says whether these bytes were kept.
async fn keep_original(bucket: &Bucket, key: &str, original: Uint8Array) -> Result<bool, JsValue> {
    let options = Object::new();
    let only_new = Object::new();
    Reflect::set(&only_new, &"etagDoesNotMatch".into(), &"*".into())?;
    Reflect::set(&options, &"onlyIf".into(), &only_new)?;
    let bucket: &R2Bucket = bucket.as_ref().unchecked_ref();
    let put = JsFuture::from(bucket.put(key.to_string(), original.into(), options.into())?).await?;
    Ok(!put.is_null())
}

/// The conversations this mail's signed reply addresses name, in the order
/// the rules try them (envelope, then To and Cc); forged signatures and other
/// mailboxes' addresses are left out. The store keeps the first that is the
/// site's, else threads by References.
fn reply_conversations(
    mail: &Mail,
    envelope_to: &str,
    channel: &EmailChannelRow,
    env: &MailEnv<'_>,
) -> Vec<String> {
    let mut found = Vec::new();
    for address in std::iter::once(envelope_to).chain(mail.recipients.iter().map(String::as_str)) {
        let Some(Recipient::Reply {
            subdomain,
            conversation,
            signature,
        }) = Recipient::parse(address, env.inbound_domain)
        else {
            continue;
        };
        if channel.subdomain.as_deref() != Some(subdomain.as_str()) {
            continue;
        }
        if !verify_reply(env.reply_secret, &conversation, &signature) {
            worker::console_warn!(
                "ignored a forged or altered reply address {address} in {}",
                mail.message_id
            );
            continue;
        }
        found.push(conversation);
    }
    found
}
