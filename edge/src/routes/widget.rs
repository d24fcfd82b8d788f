//! The visitor API the widget calls: site config, visitors, the visitor's own
//! conversation, sending messages, the Form step and `identify`.

use shared::api::{self, InboxPush, WidgetPush};
use shared::contact::ContactSource;
use shared::conversation::{validate_body, validate_client_id};
use shared::flow::Flow;
use shared::form::{ContactDetails, FormConfig, FormField, FormInput};
use shared::identity::{self, Identity, IdentityMode, Tie};
use shared::visitor::VISITOR_TTL_MS;
use shared::Invalid;
use worker::Response;

use super::flow_answers::Entered;
use super::{App, Cx};
use crate::auth::VisitorKey;
use crate::clock::now_ms;
use crate::error::{ApiError, ApiResult};
use crate::http::{json, read_json};
use crate::ids::{new_id, new_secret, NewIds};
use crate::limits::{client_ip, Limit};
use crate::store::{ContactLink, SiteRow, Store, VisitorRow, Written};

/// The site owner switched the widget off.
const SITE_DISABLED: Invalid = Invalid::new("site_disabled", "Chat is switched off on this site.");

/// An agent marked this visitor's chat as spam.
pub(super) const VISITOR_BLOCKED: Invalid = Invalid::new(
    "visitor_blocked",
    "This conversation is closed to new messages. Please contact the site another way.",
);

/// `after` must be a message number.
const BAD_AFTER: Invalid = Invalid::new(
    "invalid_after",
    "after must be the number (seq) of the last message the widget has.",
);

/// A visit refreshes `last_seen_at` at most this often, so polling costs no writes.
const TOUCH_INTERVAL_MS: u64 = 60 * 60 * 1000;

async fn site_of(store: &Store, site_id: &str) -> ApiResult<SiteRow> {
    store.site(site_id).await?.ok_or(ApiError::NotFound("Site"))
}

/// `GET /api/widget/sites/{site}/config`: what the widget needs to render for a site.
pub async fn config(cx: &mut Cx<'_>, site_id: &str) -> ApiResult<Response> {
    let store = cx.app.store;
    let site = site_of(store, site_id).await?;
    let (_, flow) = site.flow();
    let form = flow.form();
    let greeting = flow.greeting.as_ref();
    let offline = offline_now(&flow, now_ms());
    let start = super::flow_answers::config_start(&site, &flow, offline.is_none());
    // The flow's bubble (on_page) is tried before the site's proactive messages.
    let mut proactive: Vec<_> = start.iter().filter_map(api::FlowStart::bubble).collect();
    proactive.extend(store.proactive_targets(&site.id).await?);
    let config = api::SiteConfig {
        flow: start,
        greetings: greeting.map(|g| g.translations.clone()).unwrap_or_default(),
        offline,
        offlines: flow
            .offline
            .as_ref()
            .map(|o| o.message.translations.clone())
            .unwrap_or_default(),
        enabled: site.enabled == 1,
        files: site.files_enabled == 1,
        language: site.language,
        proactive,
        site_id: site.id,
        name: site.name,
        greeting: greeting.map(|g| g.text.clone()).unwrap_or_default(),
        color: site.color,
        position: site.position,
        form: api::FormModes {
            phone: form.phone,
            company: form.company,
            full_name: form.full_name,
        },
    };
    let mut response = json(200, &config)?;
    response
        .headers_mut()
        .set("cache-control", "public, max-age=60")?;
    Ok(response)
}

/// The flow's offline text when the site is outside its business hours now
/// (in its own time zone); `None` while open, or without hours.
pub(super) fn offline_now(flow: &Flow, now: u64) -> Option<String> {
    let offline = flow.offline.as_ref()?;
    let (weekday, minute) = crate::clock::weekday_and_minute(now, &offline.time_zone)?;
    (!flow.open_at(weekday, minute)).then(|| offline.message.text.clone())
}

/// `POST /api/widget/sites/{site}/visitors`: a new visitor and its secret token
/// (limited per client IP).
pub async fn create_visitor(cx: &mut Cx<'_>, site_id: &str) -> ApiResult<Response> {
    let app = cx.app;
    let req = &mut cx.req;
    let store = app.store;
    app.limits
        .check(Limit::VisitorsPerIp, &client_ip(req))
        .await?;
    let visitor_id = new_id("v");
    let secret = new_secret();
    let hash = shared::visitor::hash_secret(&secret);
    if !store
        .create_visitor(site_id, &visitor_id, &hash, now_ms())
        .await?
    {
        // Only on this path: say whether the site is unknown or switched off.
        return Err(match store.site(site_id).await? {
            Some(_) => ApiError::Forbidden(SITE_DISABLED),
            None => ApiError::NotFound("Site"),
        });
    }
    let token = format!("{visitor_id}.{secret}");
    json(
        201,
        &api::NewVisitor {
            visitor_id,
            token,
            max_age_seconds: VISITOR_TTL_MS / 1000,
        },
    )
}

/// The Form fields this visitor is known to have: what this browser gave, the
/// email once tied to a contact, and (verified only) the contact's profile fields.
fn known_fields(visitor: &VisitorRow, contact_fields: &[&str]) -> Vec<String> {
    let mut known: Vec<String> = visitor
        .provided_fields
        .split(',')
        .filter(|f| !f.is_empty())
        .map(String::from)
        .collect();
    if visitor.contact_id.is_some() || visitor.claimed_email.is_some() {
        known.push(FormField::Email.as_str().into());
    }
    if visitor.verified_contact().is_some() {
        known.extend(contact_fields.iter().map(|f| f.to_string()));
    }
    known.sort();
    known.dedup();
    known
}

fn visitor_state(visitor: &VisitorRow, contact_fields: &[&str]) -> api::VisitorState {
    api::VisitorState {
        known: known_fields(visitor, contact_fields),
        form_done: visitor.form_submitted_at.is_some(),
        verified: visitor.verified_contact().is_some(),
    }
}

/// `GET /api/widget/conversation?after=`: the calling visitor's conversation,
/// and only what it may see: messages in the visitor's shape (those numbered
/// after `after`, for a widget catching up), email ones only once the visitor
/// is verified for the contact, and when an agent last read it. One D1 round trip.
pub async fn conversation(cx: &mut Cx<'_>, key: VisitorKey) -> ApiResult<Response> {
    let store = cx.app.store;
    let after = match cx.req.url()?.query_pairs().find(|(k, _)| k == "after") {
        Some((_, v)) => v.parse::<u64>().map_err(|_| ApiError::Invalid(BAD_AFTER))?,
        None => 0,
    };
    let read = store
        .read_visitor_thread(&key.token(), after, now_ms(), TOUCH_INTERVAL_MS)
        .await?;
    // A read refuses nobody for being blocked: the visitor still sees the thread.
    let (visitor, read) = read.or_refuse(VISITOR_BLOCKED)?;
    let (conversation_id, seen_at) = match read.conversation {
        Some((id, read_at)) => (Some(id), (read_at > 0).then_some(read_at)),
        None => (None, None),
    };
    let visitor = visitor_state(&visitor, &read.contact_fields);
    json(
        200,
        &api::VisitorThread {
            rating: read.rating,
            conversation_id,
            messages: read.messages,
            visitor,
            seen_at,
            flow: super::flow_answers::thread_prompt(read.flow),
        },
    )
}

/// `POST /api/widget/messages`: stores a visitor message; a retry with the
/// same `client_message_id` answers 200 with the message already stored.
/// Limited per visitor; refused for a visitor an agent blocked as spam.
pub async fn send(cx: &mut Cx<'_>, key: VisitorKey) -> ApiResult<Response> {
    let app = cx.app;
    let store = app.store;
    let token = key.token();
    app.limits
        .check(Limit::MessagesPerVisitor, token.visitor_id)
        .await?;
    let input: api::SendMessage = read_json(&mut cx.req).await?;
    let client_id = validate_client_id(&input.client_message_id)?;
    let body = validate_body(&input.body)?;
    let sent = store
        .send_visitor_message(&token, &NewIds::fresh(), client_id, body, now_ms(), None)
        .await?;
    let (visitor, (message, written, queued, saved)) = sent.or_refuse(VISITOR_BLOCKED)?;
    app.outbox.enqueue(queued).await;
    let status = if written == Written::Created {
        announce(app, &visitor, &message).await;
        if let Some(saved) = saved {
            super::flow_answers::start_after_send(app, &visitor, &message.conversation_id, saved)
                .await?;
        }
        201
    } else {
        200
    };
    json(status, &api::VisitorMessageAnswer { message })
}

/// Tells who listens about a visitor's new message (the batch read back
/// whether anyone does): the team's inbox tabs, and the visitor's own tabs,
/// which show it too.
pub(super) async fn announce(app: &App<'_>, visitor: &VisitorRow, message: &api::VisitorMessage) {
    if visitor.team_listens() {
        let to_team = InboxPush::stored(
            &message.conversation_id,
            &message.id,
            message.author,
            &message.body,
        );
        app.live.to_team(&visitor.account_id, &to_team).await;
    }
    if visitor.listens() {
        let push = WidgetPush::Message {
            message: message.clone(),
        };
        app.live
            .to_visitor(&visitor.site_id, &visitor.id, &push)
            .await;
    }
}

/// Ties the visitor to the contact the details name, then answers with the
/// visitor's new state, as the widget needs it. `verified_for`: see
/// [`ContactLink::verified_for`]. Refused (nothing written) if, when the
/// batch ran, the visitor was blocked or its email no longer known.
async fn tie_to_contact(
    cx: &Cx<'_>,
    visitor: &VisitorRow,
    details: &ContactDetails,
    (tie, verified_for): (Tie, Option<&str>),
    form_submitted: bool,
    entered: &Entered,
    attributes: &[(String, Option<serde_json::Value>)],
) -> ApiResult<Response> {
    let store = cx.app.store;
    let link = ContactLink {
        visitor,
        details,
        tie,
        verified_for,
        form_submitted,
        ids: &NewIds::fresh(),
        source: ContactSource::Chat,
        automation: entered.webhook.as_deref(),
        crm_automation: entered.crm.as_deref(),
        attributes,
    };
    let linked = store.link_contact(&link, now_ms()).await?;
    cx.app.outbox.enqueue(linked.queued).await;
    cx.app.outbox.enqueue_crm(linked.crm_jobs, 0).await;
    let visitor = linked.visitor;
    if !linked.written {
        return Err(match visitor.blocked_at {
            Some(_) => ApiError::Forbidden(VISITOR_BLOCKED),
            None => {
                ApiError::InvalidFields(vec![(FormField::Email, shared::contact::EMAIL_MISSING)])
            }
        });
    }
    let contact_fields = match visitor.verified_contact() {
        Some(contact) => store.contact_known_fields(contact).await?,
        None => Vec::new(),
    };
    json(
        200,
        &api::VisitorAnswer {
            visitor: visitor_state(&visitor, &contact_fields),
        },
    )
}

/// The calling visitor, for a claim (the Form step, identify): limited per
/// visitor and per client IP before anything is read, and refused when an
/// agent blocked it (the batch checks that again when it writes).
async fn claiming_visitor(cx: &Cx<'_>, key: &VisitorKey) -> ApiResult<VisitorRow> {
    let app = cx.app;
    app.limits
        .check(Limit::ClaimsPerVisitor, key.visitor_id())
        .await?;
    app.limits
        .check(Limit::ClaimsPerIp, &client_ip(&cx.req))
        .await?;
    let visitor = key.verify(app.store).await?;
    if visitor.blocked_at.is_some() {
        return Err(ApiError::Forbidden(VISITOR_BLOCKED));
    }
    Ok(visitor)
}

/// `POST /api/widget/contact`: the Form step's answer, an unproved claim (see
/// [`Tie`]): filed under the contact with that email (never in `required`
/// mode), changing nothing of an existing contact. A verified visitor adding
/// fields without a new email speaks for its verified contact, as long as it
/// still is verified for it when the answer is written.
pub async fn submit_form(cx: &mut Cx<'_>, key: VisitorKey) -> ApiResult<Response> {
    let store = cx.app.store;
    let visitor = claiming_visitor(cx, &key).await?;
    let input: api::FormSubmission = read_json(&mut cx.req).await?;
    let site = site_of(store, &visitor.site_id).await?;
    let (fields, entered, waiting) = super::flow_answers::form_of(cx.app, &visitor, &site).await?;
    let form = FormInput {
        email: input.email.as_deref(),
        phone: input.phone.as_deref(),
        company: input.company.as_deref(),
        full_name: input.full_name.as_deref(),
    };
    let email_known = visitor.contact_id.is_some() || visitor.claimed_email.is_some();
    let details = fields
        .validate(&form, email_known)
        .map_err(ApiError::InvalidFields)?;
    let tie = match (visitor.verified_contact(), &details.email) {
        (Some(contact), None) => (Tie::Verified, Some(contact)),
        _ => (Tie::of_claim(site.identity_mode), None),
    };
    let answered = tie_to_contact(cx, &visitor, &details, tie, true, &entered, &[]).await?;
    // The Form answered, the flow waiting at it moves on (its automation, its next steps).
    if let Some(waiting) = waiting {
        super::flow_answers::after_form(cx.app, &visitor, &site, waiting).await?;
    }
    Ok(answered)
}

/// `POST /api/widget/identify`: the host page says who the visitor is. Under
/// the site's identity mode it becomes a verified tie, an unverified claim, or
/// is refused with nothing attached. Its `attributes` are checked and set on
/// the contact only when it is verified (nothing is written if one is bad).
pub async fn identify(cx: &mut Cx<'_>, key: VisitorKey) -> ApiResult<Response> {
    let app = cx.app;
    let store = app.store;
    let visitor = claiming_visitor(cx, &key).await?;
    let input: api::Identify = read_json(&mut cx.req).await?;
    let site = site_of(store, &visitor.site_id).await?;

    let given = FormInput {
        email: Some(&input.email),
        phone: input.phone.as_deref(),
        company: input.account.as_deref(),
        full_name: input.name.as_deref(),
    };
    let details = FormConfig::ALL_OPTIONAL
        .validate(&given, false)
        .map_err(ApiError::InvalidFields)?;
    let email = details.email.as_deref().unwrap_or_default();

    let mode = site.identity_mode;
    let signed = input
        .signature
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty());
    let secret = if signed && mode != IdentityMode::Off {
        super::identity::identity_secret(app, &site).await?
    } else {
        None
    };
    let tie = match identity::decide(
        mode,
        secret.as_deref(),
        &input.email,
        input.signature.as_deref(),
    ) {
        Identity::Verified => Tie::Verified,
        Identity::Unverified => Tie::of_claim(mode),
        Identity::Refused(rule) => {
            worker::console_warn!("identify refused for {email} on {}: {}", site.id, rule.code);
            return Err(ApiError::Forbidden(rule));
        }
    };
    // Attributes travel only with a verified identity: an unsigned identify's
    // are dropped unread, so they can neither set nor probe anything.
    let attributes = match (tie, input.attributes) {
        (Tie::Verified, Some(given)) if !given.is_empty() => {
            super::attributes::checked_values(store, &visitor.account_id, &given).await?
        }
        _ => Vec::new(),
    };
    tie_to_contact(
        cx,
        &visitor,
        &details,
        (tie, None),
        false,
        &Entered::default(),
        &attributes,
    )
    .await
}
