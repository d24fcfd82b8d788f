//! An agent's answer in a conversation: a reply by chat, by email (copied,
//! signed, with files) or by Messenger (`routes::messenger`), and the email
//! draft the composer shows first. Transcripts (`routes::transcripts`) reuse
//! the draft.

use serde_json::{json, Value};
use shared::api::{self, InboxPush, WidgetPush};
use shared::conversation::{validate_body, Channel, Direction};
use shared::email::outbound::{self, render_from_name, render_subject, reply_subject};
use shared::email::recipients::{self, MAX_RECIPIENTS};
use shared::email::signature;
use shared::email::{display_sender, forwarding_address, reply_address};
use shared::form::normalize_line;
use shared::Invalid;
use worker::Response;

use super::conversations::{conversation_of, NO_VISITOR};
use super::{App, Cx};
use crate::auth::Agent;
use crate::error::{ApiError, ApiResult};
use crate::http::json;
use crate::ids::{new_id, new_secret, now_ms};
use crate::mail::outbound::{build, deliver, Delivery, Outgoing, OutgoingFile};
use crate::store::SentEmail;

/// The email would go to an address the person chatting never proved is theirs.
const CONFIRM_UNVERIFIED: Invalid = Invalid::new(
    "confirm_unverified_email",
    "This visitor's email is not verified: the email may reach someone other than the person chatting. \
     Send again with \"confirm_unverified\" set to the address you were shown if you are sure.",
);

/// Refuses an email to an address the visitor never proved unless the agent
/// confirmed that very address: `to` is the one the send uses, read once with
/// `conversation`, so a claim changed since the agent looked is asked again.
pub(super) fn check_confirmed(
    conversation: &api::Conversation,
    to: &str,
    confirmed: Option<&str>,
) -> ApiResult<()> {
    if conversation.unverified_email.is_some() && confirmed != Some(to) {
        return Err(ApiError::Conflict(CONFIRM_UNVERIFIED));
    }
    Ok(())
}
const NO_EMAIL: Invalid = Invalid::new(
    "email_unavailable",
    "This contact has no email address yet; add one to the contact before replying by email.",
);
const CHANNEL_NOT_READY: Invalid = Invalid::new(
    "email_channel_not_ready",
    "The site's email channel is disabled or has no forwarding address; the primary admin can set it up.",
);
const SEND_FAILED: Invalid = Invalid::new(
    "email_send_failed",
    "The email could not be sent; it is kept in the thread marked as failed.",
);
const NO_MESSENGER_FILES: Invalid = Invalid::new(
    "messenger_files_unsupported",
    "Files cannot be sent over Messenger from Parley; send them by chat or email.",
);
const COPIES_BY_EMAIL_ONLY: Invalid = Invalid::new(
    "cc_email_only",
    "Cc and Bcc go with email replies only; choose email or leave them empty.",
);

/// `POST /api/conversations/{id}/messages`: `{body, channel?, subject?, cc?, bcc?}`, or
/// the same as multipart/form-data with `file` parts (`routes::files`).
/// A chat reply reaches the visitor's widget; an email goes to the contact,
/// copied to `cc` (default: the conversation's) and blind to `bcc`, signed,
/// files attached; a Messenger reply goes through the Send API (the
/// conversation's own channel by default; text only).
pub async fn reply(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let app = cx.app;
    let req = &mut cx.req;
    let store = app.store;
    let (input, uploads) = super::files::read_reply(req).await?;
    let body = validate_body(&input.body)?;
    let conversation = conversation_of(store, &agent.account_id, id).await?;
    let channel = match input.channel {
        Some(api::ReplyChannel::Chat) => Channel::Chat,
        Some(api::ReplyChannel::Email) => Channel::Email,
        Some(api::ReplyChannel::Messenger) => Channel::Messenger,
        None => conversation.channel,
    };
    let copies = input
        .cc
        .iter()
        .flatten()
        .chain(&input.bcc)
        .any(|a| !a.trim().is_empty());
    if channel != Channel::Email && copies {
        return Err(ApiError::Invalid(COPIES_BY_EMAIL_ONLY));
    }
    if channel == Channel::Messenger {
        if !uploads.is_empty() {
            return Err(ApiError::Invalid(NO_MESSENGER_FILES));
        }
        return super::messenger::reply(app, &agent, &conversation, body).await;
    }
    if channel == Channel::Chat {
        if conversation.visitor_id.is_none() {
            return Err(ApiError::Invalid(NO_VISITOR));
        }
        let created =
            super::files::keep_all(app.files, store, &conversation.site_id, &uploads).await?;
        let files: Vec<_> = uploads
            .iter()
            .map(|u| (new_id("at"), u.as_new_file()))
            .collect();
        let added = store
            .add_agent_message(
                &conversation.id,
                &conversation.site_id,
                &agent.id,
                &new_id("m"),
                body,
                &files,
                now_ms(),
            )
            .await;
        let message = match added {
            Ok(message) => message,
            Err(refused) => {
                super::files::forget_unlisted(app.files, store, &created).await;
                return Err(refused);
            }
        };
        if let Some(visitor_id) = &conversation.visitor_id {
            let push = WidgetPush::Message {
                message: api::VisitorMessage::seen_by_visitor(&message),
            };
            app.live
                .to_visitor(&conversation.site_id, visitor_id, &push)
                .await;
        }
        app.live.to_team(&agent.account_id, &stored(&message)).await;
        return json(201, &api::MessageAnswer { message });
    }
    email_reply(app, &agent, &conversation, body, &input, &uploads).await
}

/// What an email reply from this agent in this conversation would look like.
pub(super) struct Draft {
    /// The contact's address.
    pub to: String,
    /// The rendered From name.
    pub from_name: String,
    /// The site's forwarding address.
    pub from_address: String,
    /// The channel's subdomain (for reply addresses and Message-IDs).
    pub subdomain: String,
    /// The default subject.
    pub subject: String,
    /// The addresses the conversation copies (its Cc), the default of a reply.
    pub cc: Vec<String>,
    /// The signature the email carries: the agent's, else the site's.
    pub signature: Option<String>,
}

/// The email draft of a conversation, or why it cannot be emailed (no address, channel not ready).
pub(super) async fn draft(
    app: &App<'_>,
    agent: &crate::store::AgentRow,
    conversation: &api::Conversation,
) -> ApiResult<Draft> {
    let store = app.store;
    let to = conversation
        .contact_email
        .clone()
        .ok_or(ApiError::Invalid(NO_EMAIL))?;
    let channel = store
        .site_email_channel(&agent.account_id, &conversation.site_id)
        .await?
        .ok_or(ApiError::Conflict(CHANNEL_NOT_READY))?;
    let (Some(username), Some(subdomain), 1) =
        (&channel.username, &channel.subdomain, channel.enabled)
    else {
        return Err(ApiError::Conflict(CHANNEL_NOT_READY));
    };
    let site = store
        .site(&conversation.site_id)
        .await?
        .ok_or(ApiError::NotFound("Site"))?;
    let subject = reply_subject(conversation.subject.as_deref())
        .unwrap_or_else(|| render_subject(&channel.default_subject, conversation.started_at));
    let cc = store
        .conversation_cc(&conversation.id)
        .await?
        .into_iter()
        .map(|c| c.address)
        .collect();
    let own = store.agent_signature(&agent.id).await?;
    let signature =
        signature::chosen(own.as_deref(), channel.signature.as_deref()).map(str::to_string);
    Ok(Draft {
        to,
        from_name: render_from_name(&channel.from_name, &agent.full_name, &site.name),
        from_address: forwarding_address(username, subdomain, app.inbound_domain),
        subdomain: subdomain.clone(),
        subject,
        cc,
        signature,
    })
}

/// `GET /api/conversations/{id}/email-draft`: the From, To, default Cc and subject and
/// the signature of an email reply, or (400/409) why this conversation cannot be answered by email.
pub async fn email_draft(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let app = cx.app;
    let conversation = conversation_of(app.store, &agent.account_id, id).await?;
    let d = draft(app, &agent, &conversation).await?;
    json(
        200,
        &api::EmailDraft {
            from: display_sender(Some(&d.from_name), &d.from_address),
            to: d.to,
            subject: d.subject,
            to_unverified: conversation.unverified_email.is_some(),
            cc: d.cc,
            signature: d.signature,
            max_recipients: MAX_RECIPIENTS as u64,
        },
    )
}

/// An email reply to the contact, copied to the draft's Cc unless the agent
/// gave another, and blind to the Bcc; every address is checked before
/// anything is kept or sent.
async fn email_reply(
    app: &App<'_>,
    agent: &crate::store::AgentRow,
    conversation: &api::Conversation,
    body: &str,
    input: &api::Reply,
    uploads: &[super::files::Upload],
) -> ApiResult<Response> {
    let store = app.store;
    let subject = input
        .subject
        .as_deref()
        .map(normalize_line)
        .transpose()?
        .filter(|s| !s.is_empty());
    let Draft {
        to,
        from_name,
        from_address,
        subdomain,
        subject: default_subject,
        cc,
        signature,
    } = draft(app, agent, conversation).await?;
    check_confirmed(conversation, &to, input.confirm_unverified.as_deref())?;
    let recipients = recipients::validate(
        &to,
        input.cc.as_deref().unwrap_or(&cc),
        &input.bcc,
        app.inbound_domain,
    )?;
    let (to, subdomain) = (recipients.to.as_str(), subdomain.as_str());
    let subject = subject.unwrap_or(default_subject);
    let thread = store.thread_emails(&conversation.id).await?;
    // The files are kept before the email leaves: a failure here answers an
    // error with nothing sent, so the agent's retry cannot mail the contact twice.
    let created = super::files::keep_all(app.files, store, &conversation.site_id, uploads).await?;
    let references: Vec<String> = thread.iter().map(|e| e.email_message_id.clone()).collect();
    let in_reply_to = thread
        .iter()
        .rev()
        .find(|e| e.direction == Direction::Inbound)
        .or(thread.last())
        .map(|e| e.email_message_id.as_str());
    let message_id = new_id("m");
    let email_message_id =
        outbound::message_id(app.reply_secret, &message_id, subdomain, app.inbound_domain);
    let reply_to = reply_address(
        app.reply_secret,
        &conversation.id,
        subdomain,
        app.inbound_domain,
    );
    let now = now_ms();
    let outgoing = Outgoing {
        from_name: &from_name,
        from_address: &from_address,
        to,
        // A name a visitor only stated is never written into mail the team sends.
        to_name: conversation
            .contact_name
            .as_deref()
            .filter(|_| !conversation.name_stated),
        cc: &recipients.cc,
        reply_to: &reply_to,
        subject: &subject,
        message_id: &email_message_id,
        in_reply_to,
        references: &references,
        text: body,
        signature: signature.as_deref(),
        date: now / 1000,
        boundary: &format!("parley-{}", &new_secret()[..24]),
        files: &uploads
            .iter()
            .map(|u| OutgoingFile {
                filename: &u.filename,
                content_type: u.kind.mime(),
                bytes: &u.bytes,
            })
            .collect::<Vec<_>>(),
    };
    let Delivery {
        to: result,
        undelivered,
    } = deliver(app.outbound, &from_address, &recipients, build(&outgoing)).await;
    if let Err(e) = &result {
        worker::console_error!("email to {to} for {} failed: {e}", conversation.id);
    }
    let files: Vec<_> = uploads
        .iter()
        .map(|u| (new_id("at"), u.as_new_file()))
        .collect();
    let headers = sent_headers(
        &recipients,
        &reply_to,
        in_reply_to,
        &references,
        &undelivered,
    );
    let sent = SentEmail {
        conversation_id: &conversation.id,
        agent_id: &agent.id,
        message_id: &message_id,
        body,
        subject: &subject,
        from_display: &display_sender(Some(&from_name), &from_address),
        email_message_id: &email_message_id,
        headers_json: &headers.to_string(),
        error: result.as_ref().err().map(String::as_str),
        site_id: &conversation.site_id,
        files: &files,
        cc: &recipients.cc,
    };
    let message = match store.add_sent_email(&sent, now).await {
        Ok(message) => message,
        Err(refused) => {
            // The mail is gone, but no row lists the files: none is left where erasure cannot find it.
            super::files::forget_unlisted(app.files, store, &created).await;
            return Err(refused);
        }
    };
    app.live.to_team(&agent.account_id, &stored(&message)).await;
    if result.is_err() {
        return Err(ApiError::BadGateway(SEND_FAILED));
    }
    json(201, &api::MessageAnswer { message })
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

/// The team's notice of a message stored in the inbox.
fn stored(message: &api::Message) -> InboxPush {
    InboxPush::stored(
        &message.conversation_id,
        &message.id,
        message.author,
        &message.body,
    )
}
