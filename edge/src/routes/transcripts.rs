//! A chat's transcript by email: an agent sends the contact the conversation
//! so far (text, each message with author and time) through the inbox's
//! outbound mail path, signed like an email reply. Each request carries a key; the request that claims the
//! key in D1 is the only one that sends, so a retry never sends twice.

use shared::api;
use shared::conversation::{Channel, DeliveryStatus};
use shared::email::outbound;
use shared::email::reply_address;
use shared::transcript::{self, Line, CHAT_ONLY, NO_EMAIL, SEND_FAILED};
use worker::Response;

use super::messages::{check_confirmed, draft, Draft};
use super::{App, Cx};
use crate::auth::Agent;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::{new_id, new_secret};
use crate::mail::outbound::{build, send, Outgoing};
use crate::store::TranscriptClaim;

/// `POST /api/conversations/{id}/transcript`: `{idempotency_key, confirm_unverified?: the address}`.
/// 201 when this request sent it; 200 (`replayed`) when an earlier request with
/// the key did (202 while it is still sending); 400 without a contact email;
/// 409 for an unverified address until confirmed; 502 when the platform refused
/// (nothing went out; the same key may try again).
pub async fn send_transcript(cx: &mut Cx<'_>, agent: Agent, id: &str) -> ApiResult<Response> {
    let app = cx.app;
    let store = app.store;
    let input: api::SendTranscript = read_json(&mut cx.req).await?;
    let key = transcript::validate_key(&input.idempotency_key)?;
    let conversation = store
        .conversation(&agent.account_id, id)
        .await?
        .ok_or(ApiError::NotFound("Conversation"))?;
    if conversation.channel != Channel::Chat {
        return Err(ApiError::Invalid(CHAT_ONLY));
    }
    if conversation.contact_email.is_none() {
        return Err(ApiError::Invalid(NO_EMAIL));
    }
    let draft = draft(app, &agent, &conversation).await?;
    check_confirmed(
        &conversation,
        &draft.to,
        input.confirm_unverified.as_deref(),
    )?;
    let (site_name, text) = transcript_text(app, &conversation).await?;
    let now = now_ms();
    let claimed = store
        .claim_transcript(
            &new_id("tr"),
            &conversation.id,
            key,
            &agent.id,
            &draft.to,
            now,
        )
        .await?;
    let transcript_id = match claimed {
        TranscriptClaim::Replay(earlier) => {
            let status = if earlier.status == transcript::TranscriptStatus::Sending {
                202
            } else {
                200
            };
            return json(status, &earlier);
        }
        TranscriptClaim::Send(transcript_id) => transcript_id,
    };
    let mail = Transcript {
        id: &transcript_id,
        site_name: &site_name,
        text: &text,
    };
    let result = send_once(app, &conversation, &draft, &mail, now).await;
    let outcome = result.as_deref().map_err(String::as_str);
    let recorded = store
        .finish_transcript(&transcript_id, outcome, now_ms())
        .await?;
    if result.is_err() {
        return Err(ApiError::BadGateway(SEND_FAILED));
    }
    json(201, &recorded)
}

/// The site's name and the transcript's text: every message but those that
/// failed to send, with its author and time.
async fn transcript_text(
    app: &App<'_>,
    conversation: &api::Conversation,
) -> ApiResult<(String, String)> {
    let site = app
        .store
        .site(&conversation.site_id)
        .await?
        .ok_or(ApiError::NotFound("Site"))?;
    let messages = app.store.messages(&conversation.id).await?;
    let lines = messages
        .iter()
        .filter(|m| m.delivery_status != Some(DeliveryStatus::Failed))
        .map(|m| Line {
            author: m.author,
            author_name: m.author_name.as_deref(),
            body: &m.body,
            at: m.created_at,
        });
    let text = transcript::text(&site.name, conversation.started_at, lines)?;
    Ok((site.name, text))
}

/// A claimed transcript, ready to go.
struct Transcript<'a> {
    /// Its id (its Message-ID is made from it).
    id: &'a str,
    /// The site's name, in its subject.
    site_name: &'a str,
    /// Its text.
    text: &'a str,
}

/// Sends the claimed transcript to the draft's To, signed like a reply:
/// its Message-ID when the platform took it, else why not.
async fn send_once(
    app: &App<'_>,
    conversation: &api::Conversation,
    draft: &Draft,
    mail: &Transcript<'_>,
    now: u64,
) -> Result<String, String> {
    let subdomain = &draft.subdomain;
    let email_message_id =
        outbound::message_id(app.reply_secret, mail.id, subdomain, app.inbound_domain);
    let reply_to = reply_address(
        app.reply_secret,
        &conversation.id,
        subdomain,
        app.inbound_domain,
    );
    let outgoing = Outgoing {
        from_name: &draft.from_name,
        from_address: &draft.from_address,
        to: &draft.to,
        // A name a visitor only stated is never written into mail the team sends.
        to_name: conversation
            .contact_name
            .as_deref()
            .filter(|_| !conversation.name_stated),
        cc: &[],
        reply_to: &reply_to,
        subject: &transcript::subject(mail.site_name, conversation.started_at),
        message_id: &email_message_id,
        in_reply_to: None,
        references: &[],
        text: mail.text,
        signature: draft.signature.as_deref(),
        date: now / 1000,
        boundary: &format!("parley-{}", &new_secret()[..24]),
        files: &[],
    };
    let result = match (build(&outgoing), app.outbound) {
        (Ok(raw), Some(binding)) => send(binding, &draft.from_address, &draft.to, &raw).await,
        (Err(e), _) => Err(e),
        (_, None) => Err("the OUTBOUND send_email binding is not configured".into()),
    };
    if let Err(e) = &result {
        worker::console_error!(
            "transcript of {} to {} failed: {e}",
            conversation.id,
            draft.to
        );
    }
    result.map(|_| email_message_id)
}
