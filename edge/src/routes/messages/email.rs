//! An agent's reply by email: checked (subject, confirmed address, every
//! recipient) before anything is kept or sent, threaded under the
//! conversation's earlier mail, delivered, and recorded with its headers and
//! the copies the platform refused.

use serde_json::{json, Value};
use shared::api;
use shared::conversation::Direction;
use shared::email::outbound;
use shared::email::recipients;
use shared::email::{display_sender, reply_address};
use shared::form::normalize_line;
use shared::Invalid;
use worker::Response;

use super::{check_confirmed, draft, stored, Draft};
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::json;
use crate::ids::{new_id, new_secret};
use crate::mail::outbound::{build, deliver, Delivery, Outgoing};
use crate::routes::files::{forget_unlisted, keep_all, Upload};
use crate::routes::App;
use crate::store::{AgentRow, SentEmail};

const SEND_FAILED: Invalid = Invalid::new(
    "email_send_failed",
    "The email could not be sent; it is kept in the thread marked as failed.",
);
/// An email reply, checked before anything is kept or sent: the draft it
/// follows, who it goes to, and its subject.
struct CheckedEmail {
    /// The From, the signature and the reply addresses' subdomain.
    draft: Draft,
    /// To, Cc and Bcc, each address valid.
    recipients: recipients::Recipients,
    /// The agent's subject, else the draft's.
    subject: String,
}

/// Checks an email reply: its subject, that an unproved address was
/// confirmed, and every recipient, the draft's Cc unless the agent gave another.
async fn check_email(
    app: &App<'_>,
    agent: &AgentRow,
    conversation: &api::Conversation,
    input: &api::Reply,
) -> ApiResult<CheckedEmail> {
    let subject = input
        .subject
        .as_deref()
        .map(normalize_line)
        .transpose()?
        .filter(|s| !s.is_empty());
    let draft = draft(app, agent, conversation).await?;
    check_confirmed(conversation, &draft.to, input.confirm_unverified.as_deref())?;
    let recipients = recipients::validate(
        &draft.to,
        input.cc.as_deref().unwrap_or(&draft.cc),
        &input.bcc,
        app.inbound_domain,
    )?;
    let subject = subject.unwrap_or_else(|| draft.subject.clone());
    Ok(CheckedEmail {
        draft,
        recipients,
        subject,
    })
}

/// A reply's own ids and the thread it belongs in.
struct Envelope {
    /// The message's id in the thread.
    message_id: String,
    /// Its Message-ID, signed.
    email_message_id: String,
    /// The signed Reply-To that brings the contact's answer back here.
    reply_to: String,
    /// Every earlier Message-ID of the thread.
    references: Vec<String>,
    /// The contact's last Message-ID, else the thread's last.
    in_reply_to: Option<String>,
}

/// The envelope of a new email reply in this conversation.
async fn envelope(app: &App<'_>, conversation_id: &str, subdomain: &str) -> ApiResult<Envelope> {
    let thread = app.store.thread_emails(conversation_id).await?;
    let in_reply_to = thread
        .iter()
        .rev()
        .find(|e| e.direction == Direction::Inbound)
        .or(thread.last())
        .map(|e| e.email_message_id.clone());
    let references = thread.into_iter().map(|e| e.email_message_id).collect();
    let (secret, domain) = (app.reply_secret, app.inbound_domain);
    let message_id = new_id("m");
    Ok(Envelope {
        email_message_id: outbound::message_id(secret, &message_id, subdomain, domain),
        reply_to: reply_address(secret, conversation_id, subdomain, domain),
        message_id,
        references,
        in_reply_to,
    })
}

/// Builds the reply's email and hands it to the platform.
async fn deliver_reply(
    app: &App<'_>,
    conversation: &api::Conversation,
    checked: &CheckedEmail,
    envelope: &Envelope,
    (body, uploads): (&str, &[Upload]),
    now: u64,
) -> Delivery {
    let (draft, recipients) = (&checked.draft, &checked.recipients);
    let outgoing = Outgoing {
        from_name: &draft.from_name,
        from_address: &draft.from_address,
        to: &recipients.to,
        // A name a visitor only stated is never written into mail the team sends.
        to_name: conversation
            .contact_name
            .as_deref()
            .filter(|_| !conversation.name_stated),
        cc: &recipients.cc,
        reply_to: &envelope.reply_to,
        subject: &checked.subject,
        message_id: &envelope.email_message_id,
        in_reply_to: envelope.in_reply_to.as_deref(),
        references: &envelope.references,
        text: body,
        signature: draft.signature.as_deref(),
        date: now / 1000,
        boundary: &format!("parley-{}", &new_secret()[..24]),
        files: &uploads.iter().map(Upload::as_outgoing).collect::<Vec<_>>(),
    };
    deliver(
        app.outbound,
        &draft.from_address,
        recipients,
        build(&outgoing),
    )
    .await
}

/// An email reply to the contact, copied to the draft's Cc unless the agent
/// gave another, and blind to the Bcc; every address is checked before
/// anything is kept or sent.
pub(super) async fn email_reply(
    app: &App<'_>,
    agent: &AgentRow,
    conversation: &api::Conversation,
    body: &str,
    input: &api::Reply,
    uploads: &[Upload],
) -> ApiResult<Response> {
    let checked = check_email(app, agent, conversation, input).await?;
    let (draft, recipients) = (&checked.draft, &checked.recipients);
    let envelope = envelope(app, &conversation.id, &draft.subdomain).await?;
    // The files are kept before the email leaves: a failure here answers an
    // error with nothing sent, so the agent's retry cannot mail the contact twice.
    let created = keep_all(app.files, app.store, &conversation.site_id, uploads).await?;
    let now = now_ms();
    let delivery =
        deliver_reply(app, conversation, &checked, &envelope, (body, uploads), now).await;
    let result = &delivery.to;
    if let Err(e) = result {
        worker::console_error!(
            "email to {} for {} failed: {e}",
            recipients.to,
            conversation.id
        );
    }
    let files: Vec<_> = uploads
        .iter()
        .map(|u| (new_id("at"), u.as_new_file()))
        .collect();
    let in_reply_to = envelope.in_reply_to.as_deref();
    let headers = sent_headers(
        recipients,
        &envelope.reply_to,
        in_reply_to,
        &envelope.references,
        &delivery.undelivered,
    );
    let sent = SentEmail {
        conversation_id: &conversation.id,
        agent_id: &agent.id,
        message_id: &envelope.message_id,
        body,
        subject: &checked.subject,
        from_display: &display_sender(Some(&draft.from_name), &draft.from_address),
        email_message_id: &envelope.email_message_id,
        headers_json: &headers.to_string(),
        error: result.as_ref().err().map(String::as_str),
        site_id: &conversation.site_id,
        files: &files,
        cc: &recipients.cc,
    };
    let message = record_sent(app, agent, &sent, &created, now).await?;
    if result.is_err() {
        return Err(ApiError::BadGateway(SEND_FAILED));
    }
    json(201, &api::MessageAnswer { message })
}

/// Records a sent (or failed) email in its thread and tells the team; when
/// the row is refused, the files this reply kept are forgotten (the mail is
/// gone, but no row lists them: none is left where erasure cannot find it).
async fn record_sent(
    app: &App<'_>,
    agent: &AgentRow,
    sent: &SentEmail<'_>,
    created: &[String],
    now: u64,
) -> ApiResult<api::Message> {
    let message = match app.store.add_sent_email(sent, now).await {
        Ok(message) => message,
        Err(refused) => {
            forget_unlisted(app.files, app.store, created).await;
            return Err(refused);
        }
    };
    app.live.to_team(&agent.account_id, &stored(&message)).await;
    Ok(message)
}

/// What the thread records of a sent email's headers: To, Cc, Bcc (never in
/// the message itself), Reply-To, In-Reply-To, References, and the copies the
/// platform refused.
fn sent_headers(
    recipients: &recipients::Recipients,
    reply_to: &str,
    in_reply_to: Option<&str>,
    references: &[String],
    undelivered: &[(String, String)],
) -> Value {
    let mut headers = json!({
        "to": [recipients.to], "cc": recipients.cc, "bcc": recipients.bcc, "reply_to": [reply_to],
        "in_reply_to": in_reply_to.into_iter().collect::<Vec<_>>(), "references": references,
    });
    if !undelivered.is_empty() {
        headers["undelivered"] = json!(undelivered
            .iter()
            .map(|(address, error)| json!({ "address": address, "error": error }))
            .collect::<Vec<_>>());
    }
    headers
}
