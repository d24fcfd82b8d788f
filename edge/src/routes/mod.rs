//! The router: maps a method and path to one small handler, and turns every
//! handler error into the JSON error response in one place.

mod agents;
mod channels;
mod contacts;
mod conversations;
mod email;
mod originals;
mod session;
mod tickets;
mod widget;

use serde_json::json;
use worker::{Bucket, Method, Request, Response, SendEmail};

use crate::error::{ApiError, ApiResult};
use crate::http::{json, with_widget_cors};
use crate::limits::Limits;
use crate::store::Store;

/// What handlers may use besides the request: the store and the deployment's bindings.
pub struct App<'a> {
    /// All data.
    pub store: &'a Store,
    /// Raw inbound messages.
    pub raw_mail: &'a Bucket,
    /// The Email Routing domain.
    pub inbound_domain: &'a str,
    /// Signs reply addresses and Message-IDs.
    pub reply_secret: &'a str,
    /// The one-time secret that `POST /api/setup` must carry; empty keeps set-up closed.
    pub setup_token: &'a str,
    /// Sends email from the inbox, if bound.
    pub outbound: Option<&'a SendEmail>,
    /// Abuse limits.
    pub limits: &'a Limits<'a>,
}

/// Answers one HTTP request for the API; anything not under `/api/` is a static asset
/// that the platform serves before the worker runs, so reaching here means 404.
pub async fn handle(mut req: Request, app: &App<'_>) -> Response {
    let store = app.store;
    let path = req.path();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let is_widget = segments.starts_with(&["api", "widget"]);
    let method = req.method();

    let result: ApiResult<Response> = match (&method, segments.as_slice()) {
        (Method::Options, _) if is_widget => Response::empty().map(|r| r.with_status(204)).map_err(ApiError::from),
        (Method::Get, ["api", "health"]) => health(store).await,

        (Method::Get, ["api", "widget", "sites", site, "config"]) => widget::config(store, site).await,
        (Method::Post, ["api", "widget", "sites", site, "visitors"]) => widget::create_visitor(app, &req, site).await,
        (Method::Get, ["api", "widget", "conversation"]) => widget::conversation(store, &req).await,
        (Method::Post, ["api", "widget", "messages"]) => widget::send(app, &mut req).await,
        (Method::Post, ["api", "widget", "contact"]) => widget::submit_form(store, &mut req).await,
        (Method::Post, ["api", "widget", "identify"]) => widget::identify(store, &mut req).await,

        (Method::Post, ["api", "setup"]) => session::setup(app, &mut req).await,
        (Method::Post, ["api", "session"]) => session::sign_in(app, &mut req).await,
        (Method::Get, ["api", "session"]) => session::current(store, &req).await,
        (Method::Delete, ["api", "session"]) => session::sign_out(store, &req).await,
        (Method::Post, ["api", "invitations", "accept"]) => session::accept_invitation(app, &mut req).await,
        (Method::Get, ["api", "agents"]) => agents::list(store, &req).await,
        (Method::Post, ["api", "agents"]) => agents::invite(store, &mut req).await,
        (Method::Delete, ["api", "agents", id]) => agents::remove(store, &req, id).await,

        (Method::Get, ["api", "conversations"]) => conversations::list(store, &req).await,
        (Method::Get, ["api", "conversations", id]) => conversations::show(store, &req, id).await,
        (Method::Patch, ["api", "conversations", id]) => conversations::update(store, &mut req, id).await,
        (Method::Post, ["api", "conversations", id, "read"]) => conversations::read(store, &req, id).await,
        (Method::Post, ["api", "conversations", id, "messages"]) => conversations::reply(app, &mut req, id).await,
        (Method::Post, ["api", "conversations", id, "contact"]) => conversations::add_contact(store, &mut req, id).await,
        (Method::Get, ["api", "conversations", id, "email-draft"]) => conversations::email_draft(app, &req, id).await,
        (Method::Get, ["api", "sites"]) => sites(store, &req).await,
        (Method::Get, ["api", "contacts", id]) => contacts::show(store, &req, id).await,
        (Method::Delete, ["api", "contacts", id]) => contacts::erase(store, app.raw_mail, &req, id).await,
        (Method::Get, ["api", "contacts", id, "export"]) => contacts::export(store, &req, id).await,
        (Method::Get, ["api", "messages", id, "original"]) => originals::show(store, app.raw_mail, &req, id).await,
        (Method::Get, ["api", "sites", site, "email-channel"]) => channels::show(store, &req, site, app.inbound_domain).await,
        (Method::Patch, ["api", "sites", site, "email-channel"]) => {
            channels::update(store, &mut req, site, app.inbound_domain).await
        }
        (Method::Post, ["api", "sites", site, "email-channel", "preview"]) => {
            channels::preview(store, &mut req, site, app.inbound_domain).await
        }
        (Method::Post, ["api", "sites", site, "tickets"]) => tickets::create(app, &mut req, site).await,
        (Method::Get, ["api", "email", "rejections"]) => email::rejections(store, &req).await,

        (_, ["api", "widget", "sites", _, "config" | "visitors"])
        | (_, ["api", "widget", "conversation" | "messages" | "contact" | "identify"])
        | (_, ["api", "conversations", ..])
        | (_, ["api", "email", "rejections"])
        | (_, ["api", "contacts", _] | ["api", "contacts", _, "export"])
        | (_, ["api", "messages", _, "original"])
        | (_, ["api", "sites", _, "email-channel" | "tickets"])
        | (_, ["api", "sites", _, "email-channel", "preview"])
        | (_, ["api", "setup" | "session" | "agents" | "sites"])
        | (_, ["api", "agents", _])
        | (_, ["api", "invitations", "accept"])
        | (_, ["api", "health"]) => Err(ApiError::MethodNotAllowed),
        _ => Err(ApiError::NotFound("Endpoint")),
    };

    let response = result.unwrap_or_else(ApiError::into_response);
    if is_widget {
        with_widget_cors(response)
    } else {
        response
    }
}

/// `GET /api/sites`: the agent's sites.
async fn sites(store: &Store, req: &Request) -> ApiResult<Response> {
    let agent = crate::auth::agent(store, req).await?;
    json(200, &json!({ "sites": store.sites(&agent.account_id).await? }))
}

async fn health(store: &Store) -> ApiResult<Response> {
    json(200, &json!({ "ok": store.ping().await? }))
}
