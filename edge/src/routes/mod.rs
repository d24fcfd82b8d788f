//! The router: maps a method and path to one small handler, and turns every
//! handler error into the JSON error response in one place.

mod agents;
mod automations;

mod channels;
mod chat;
mod contacts;
mod conversations;
mod email;
mod files;
pub use files::forget_unlisted;
mod keys;
mod list;
mod live;
mod messenger;
mod originals;
mod replies;
mod session;
mod signatures;
mod sites;
mod tickets;
mod tracking;
mod transcripts;
mod widget;

use serde_json::json;
use worker::{Bucket, Method, Request, Response, SendEmail};

use crate::automations::Outbox;
use crate::error::{ApiError, ApiResult};
use crate::http::{finish, json, with_widget_cors};
use crate::limits::Limits;
use crate::live::Live;
use crate::secrets::SecretsKey;
use crate::store::Store;

/// What handlers may use besides the request: the store and the deployment's bindings.
pub struct App<'a> {
    /// All data.
    pub store: &'a Store,
    /// Raw inbound messages.
    pub raw_mail: &'a Bucket,
    /// Files' bytes: attachments, uploads (`shared::files::object_key`).
    pub files: &'a Bucket,
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
    /// Automations' queue and settings.
    pub outbox: &'a Outbox,
    /// Seals and opens the secrets the worker must read back (identity secrets).
    pub secrets: &'a SecretsKey,
    /// The live objects handlers publish to once D1 has committed.
    pub live: &'a Live,
    /// The Graph API's base URL with its version (`GRAPH_API_BASE`), for Messenger.
    pub graph_api_base: &'a str,
    /// Where people reach this deployment (`PUBLIC_URL`), empty when unset.
    pub public_url: &'a str,
}

/// A deployment without `PUBLIC_URL` builds no link from a request's Host.
const PUBLIC_URL_UNSET: shared::Invalid = shared::Invalid::new(
    "public_url_unset",
    "Set the deployment's PUBLIC_URL var (e.g. https://support.example.com): links and snippets are built from it.",
);

impl App<'_> {
    /// The origin links and snippets are built from: `PUBLIC_URL`; without
    /// it, the request's own origin, but only in local dev (a loopback host).
    pub fn public_origin(&self, req: &Request) -> ApiResult<String> {
        if !self.public_url.is_empty() {
            return Ok(self.public_url.to_string());
        }
        let url = req.url()?;
        match url.host_str() {
            Some("127.0.0.1" | "localhost" | "[::1]") => Ok(url.origin().ascii_serialization()),
            _ => Err(ApiError::Conflict(PUBLIC_URL_UNSET)),
        }
    }
}

/// One request on its way through a handler: the deployment and the request.
/// Every handler takes it, and nothing else but the path's parameters.
pub struct Cx<'a> {
    /// The store and the bindings.
    pub app: &'a App<'a>,
    /// The request (its body can be read once).
    pub req: Request,
}

/// The route table: each path lists the methods it answers; a known path
/// asked with another method is 405 by itself, an unknown path 404.
macro_rules! routes {
    ($method:expr, $path:expr, { $( [$($segment:tt)*] => { $($verb:ident => $handler:expr),+ $(,)? } )* }) => {
        match $path {
            $( [$($segment)*] => match $method {
                $(Method::$verb => $handler,)+
                _ => Err(ApiError::MethodNotAllowed),
            }, )*
            _ => Err(ApiError::NotFound("Endpoint")),
        }
    };
}

/// Answers one HTTP request for the API and the hosted chat pages (`/chat/{site}`);
/// anything else is a static asset that the platform serves before the worker
/// runs, so reaching here means 404.
pub async fn handle(req: Request, app: &App<'_>) -> Response {
    let path = req.path();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let is_widget = segments.starts_with(&["api", "widget"]);
    let method = req.method();
    let cx = &mut Cx { app, req };

    let result: ApiResult<Response> = if is_widget && method == Method::Options {
        Response::empty()
            .map(|r| r.with_status(204))
            .map_err(ApiError::from)
    } else {
        routes!(method, segments.as_slice(), {
            ["api", "health"] => { Get => health(cx).await }
            ["chat", site] => { Get => chat::page(cx, site).await }

            ["api", "widget", "sites", site, "config"] => { Get => widget::config(cx, site).await }
            ["api", "widget", "sites", site, "visitors"] => { Post => widget::create_visitor(cx, site).await }
            ["api", "widget", "conversation"] => { Get => widget::conversation(cx).await }
            ["api", "widget", "messages"] => { Post => widget::send(cx).await }
            ["api", "widget", "contact"] => { Post => widget::submit_form(cx).await }
            ["api", "widget", "identify"] => { Post => widget::identify(cx).await }
            ["api", "widget", "files"] => { Post => files::upload(cx).await }
            ["api", "widget", "attachments", id] => { Get => files::visitor_download(cx, id).await }
            ["api", "widget", "live"] => { Get => live::widget(cx).await }
            ["api", "live"] => { Get => live::inbox(cx).await }
            ["api", "presence"] => { Put => live::presence(cx).await }
            ["api", "messenger", "webhook"] => { Get => messenger::verify(cx).await, Post => messenger::receive(cx).await }

            ["api", "setup"] => { Post => session::setup(cx).await }
            ["api", "session"] => {
                Post => session::sign_in(cx).await,
                Get => session::current(cx).await,
                Delete => session::sign_out(cx).await,
            }
            ["api", "invitations", "accept"] => { Post => session::accept_invitation(cx).await }
            ["api", "agents"] => { Get => agents::list(cx).await, Post => agents::invite(cx).await }
            ["api", "agents", id] => { Delete => agents::remove(cx, id).await }

            ["api", "conversations"] => { Get => list::list(cx).await }
            ["api", "conversations", id] => { Get => conversations::show(cx, id).await, Patch => conversations::update(cx, id).await }
            ["api", "conversations", id, "read"] => { Post => conversations::read(cx, id).await }
            ["api", "conversations", id, "messages"] => { Post => conversations::reply(cx, id).await }
            ["api", "conversations", id, "contact"] => { Post => conversations::add_contact(cx, id).await }
            ["api", "conversations", id, "email-draft"] => { Get => conversations::email_draft(cx, id).await }
            ["api", "conversations", id, "saved-replies"] => { Get => replies::rendered(cx, id).await }
            ["api", "conversations", id, "transcript"] => { Post => transcripts::send_transcript(cx, id).await }
            ["api", "saved-replies"] => { Get => replies::list(cx).await, Post => replies::create(cx).await }
            ["api", "saved-replies", id] => { Patch => replies::update(cx, id).await, Delete => replies::remove(cx, id).await }
            ["api", "contacts", id] => {
                Get => contacts::show(cx, id).await,
                Patch => contacts::update(cx, id).await,
                Delete => contacts::erase(cx, id).await,
            }
            ["api", "contacts", id, "export"] => { Get => contacts::export(cx, id).await }
            ["api", "messages", id, "original"] => { Get => originals::show(cx, id).await }
            ["api", "attachments", id] => { Get => files::download(cx, id).await }
            ["api", "email", "rejections"] => { Get => email::rejections(cx).await }
            ["api", "signature"] => { Get => signatures::show(cx).await, Put => signatures::update(cx).await }
            ["api", "signature", "preview"] => { Post => signatures::preview(cx).await }

            ["api", "sites"] => { Get => sites::list(cx).await, Post => sites::create(cx).await }
            ["api", "sites", site] => { Patch => sites::update(cx, site).await }
            ["api", "sites", site, "widget"] => { Get => sites::widget(cx, site).await, Patch => sites::update_widget(cx, site).await }
            ["api", "sites", site, "chatbot"] => { Get => sites::chatbot(cx, site).await, Put => sites::update_chatbot(cx, site).await }
            ["api", "sites", site, "email-channel"] => { Get => channels::show(cx, site).await, Patch => channels::update(cx, site).await }
            ["api", "sites", site, "email-channel", "preview"] => { Post => channels::preview(cx, site).await }
            ["api", "sites", site, "tickets"] => { Post => tickets::create(cx, site).await }
            ["api", "sites", site, "automations"] => { Get => automations::list(cx, site).await, Post => automations::create(cx, site).await }
            ["api", "sites", site, "automations", id] => {
                Patch => automations::update(cx, site, id).await,
                Delete => automations::remove(cx, site, id).await,
            }
            ["api", "sites", site, "automations", id, "deliveries"] => { Get => automations::deliveries(cx, site, id).await }
            ["api", "sites", site, "automations", id, "test"] => { Post => automations::test(cx, site, id).await }
            ["api", "sites", site, "messenger"] => { Get => messenger::show(cx, site).await, Put => messenger::update(cx, site).await }
            ["api", "sites", site, "snippet"] => { Get => tracking::show_snippet(cx, site).await }
            ["api", "sites", site, "identity"] => { Get => tracking::show_identity(cx, site).await, Patch => tracking::update_identity(cx, site).await }
            ["api", "sites", site, "identity", "secret"] => { Post => tracking::rotate_secret(cx, site).await }
            ["api", "api-keys"] => { Get => keys::list(cx).await, Post => keys::create(cx).await }
            ["api", "api-keys", id] => { Delete => keys::revoke(cx, id).await }
        })
    };

    let response = finish(result.unwrap_or_else(ApiError::into_response));
    if is_widget {
        with_widget_cors(response)
    } else {
        response
    }
}

/// `GET /api/health`: whether D1 answers.
async fn health(cx: &mut Cx<'_>) -> ApiResult<Response> {
    json(200, &json!({ "ok": cx.app.store.ping().await? }))
}
