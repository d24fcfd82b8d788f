//! An agent's answer in a conversation: a reply by chat, by email (`messages::email`: copied,
//! signed, with files) or by Messenger (`routes::messenger`), and the email
//! draft the composer shows first. Transcripts (`routes::transcripts`) reuse
//! the draft.

use shared::api::{self, InboxPush, WidgetPush};
use shared::conversation::{validate_body, Channel};
use shared::email::outbound::{render_from_name, render_subject, reply_subject};
use shared::email::recipients::MAX_RECIPIENTS;
use shared::email::signature;
use shared::email::{display_sender, forwarding_address};
use shared::Invalid;
use worker::Response;

mod email;

use super::conversations::{conversation_of, NO_VISITOR};
use super::files::Upload;
use super::{App, Cx};
use crate::auth::Agent;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::json;
use crate::ids::new_id;

/// The email would go to an address the person chatting never proved is theirs.
const CONFIRM_UNVERIFIED: Invalid = shared::contact::CONFIRM_UNVERIFIED;

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
        return chat_reply(app, &agent, &conversation, body, &uploads).await;
    }
    email::email_reply(app, &agent, &conversation, body, &input, &uploads).await
}

/// A chat reply, with its files: stored, then pushed to the visitor's widget
/// and the team; refused for a conversation without a chat visitor.
async fn chat_reply(
    app: &App<'_>,
    agent: &crate::store::AgentRow,
    conversation: &api::Conversation,
    body: &str,
    uploads: &[Upload],
) -> ApiResult<Response> {
    let Some(visitor_id) = &conversation.visitor_id else {
        return Err(ApiError::Invalid(NO_VISITOR));
    };
    let store = app.store;
    let created = super::files::keep_all(app.files, store, &conversation.site_id, uploads).await?;
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
    let push = WidgetPush::Message {
        message: api::VisitorMessage::seen_by_visitor(&message),
    };
    app.live
        .to_visitor(&conversation.site_id, visitor_id, &push)
        .await;
    // The visitors of conversations merged into this one see the team's replies since (store::merge).
    for (site_id, merged_visitor) in store.merged_visitors(&conversation.id).await? {
        if &merged_visitor != visitor_id {
            app.live.to_visitor(&site_id, &merged_visitor, &push).await;
        }
    }
    app.live.to_team(&agent.account_id, &stored(&message)).await;
    json(201, &api::MessageAnswer { message })
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

/// The team's notice of a message stored in the inbox.
pub(super) fn stored(message: &api::Message) -> InboxPush {
    InboxPush::stored(
        &message.conversation_id,
        &message.id,
        message.author,
        &message.body,
    )
}
