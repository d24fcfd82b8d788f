//! Site form submissions: automations and form back-ends post here (with an
//! API key) to open a conversation with the submitting contact.

use serde_json::json;
use shared::api::{self, InboxPush};
use shared::contact::normalize_email;
use shared::conversation::{validate_body, validate_client_id};
use shared::form::{normalize_line, FieldErrors, FormField};
use worker::Response;

use super::Cx;
use crate::auth::Agent;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::NewIds;
use crate::limits::Limit;
use crate::store::{Ticket, Written};

/// `POST /api/sites/{site}/tickets`: `{email, name?, subject?, body, submission_id?}`.
/// Limited per site.
pub async fn create(cx: &mut Cx<'_>, agent: Agent, site_id: &str) -> ApiResult<Response> {
    let app = cx.app;
    let req = &mut cx.req;
    let store = app.store;
    let site = store
        .site(site_id)
        .await?
        .filter(|s| s.account_id == agent.account_id)
        .ok_or(ApiError::NotFound("Site"))?;
    app.limits.check(Limit::TicketsPerSite, &site.id).await?;
    let input: api::TicketSubmission = read_json(req).await?;

    let (email, name) = submitter(&input)?;
    let subject = input
        .subject
        .as_deref()
        .map(normalize_line)
        .transpose()?
        .filter(|s| !s.is_empty());
    let body = validate_body(&input.body)?;
    let submission_id = input
        .submission_id
        .as_deref()
        .map(validate_client_id)
        .transpose()?;

    let ticket = Ticket {
        site_id: &site.id,
        account_id: &site.account_id,
        email: &email,
        full_name: name.as_deref(),
        subject: subject.as_deref(),
        body,
        submission_id,
    };
    let (conversation_id, written, queued) = store
        .add_ticket(&ticket, &NewIds::fresh(), now_ms())
        .await?;
    app.outbox.enqueue(queued).await;
    if written == Written::Created {
        app.live
            .to_team(&site.account_id, &InboxPush::changed(&conversation_id))
            .await;
    }
    let status = if written == Written::Created {
        201
    } else {
        200
    };
    json(status, &json!({ "conversation_id": conversation_id }))
}

/// The submitter's email and name, normalized; both checked before either
/// is refused, each under its field.
fn submitter(input: &api::TicketSubmission) -> ApiResult<(String, Option<String>)> {
    let mut errors = FieldErrors::new();
    let email = normalize_email(&input.email)
        .map_err(|e| errors.push((FormField::Email, e)))
        .ok();
    let name = input
        .name
        .as_deref()
        .map(normalize_line)
        .transpose()
        .map_err(|e| errors.push((FormField::FullName, e)))
        .ok()
        .flatten();
    match email {
        Some(email) if errors.is_empty() => Ok((email, name)),
        _ => Err(ApiError::InvalidFields(errors)),
    }
}
