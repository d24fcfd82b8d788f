//! The router: maps a method and path to one small handler, and turns every
//! handler error into the JSON error response in one place.

mod account;
mod agents;
mod attributes;
mod automations;

mod channels;
mod chat;
mod contacts;
mod conversations;
mod crm;
mod crm_card;
mod csat;
mod email;
mod files;
mod flow_answers;
mod rating_page;
pub use files::forget_unlisted;
pub use sla::renew_hours;
mod flows;
mod identity;
mod keys;
mod labels;
mod list;
mod live;
mod merge;
mod messages;
mod messenger;
mod notes;
mod originals;
mod proactive;
mod replies;
mod reports;
mod session;
mod signatures;
mod sites;
mod sla;
mod snooze;
mod teams;
mod tickets;
mod tracking;
mod transcripts;
mod widget;

use serde_json::json;
use shared::api::routes::{find, Endpoint, Miss, Params, Route};
use worker::{Bucket, Method, Request, Response, SendEmail};

use crate::auth::{self, Caller};
use crate::automations::Outbox;
use crate::error::{ApiError, ApiResult};
use crate::http::{finish, json, with_widget_cors};
use crate::limits::Limits;
use crate::live::Live;
use crate::secrets::SecretsKey;
use crate::store::{Labelled, Store};

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

/// Answers one HTTP request for the API and the hosted chat pages (`/chat/{site}`);
/// anything else is a static asset that the platform serves before the worker
/// runs, so reaching here means 404.
pub async fn handle(req: Request, app: &App<'_>) -> Response {
    let path = req.path();
    let is_widget = path
        .trim_matches('/')
        .split('/')
        .take(2)
        .eq(["api", "widget"]);
    let method = req.method();
    let cx = &mut Cx { app, req };

    let result: ApiResult<Response> = if is_widget && method == Method::Options {
        Response::empty()
            .map(|r| r.with_status(204))
            .map_err(ApiError::from)
    } else {
        route(cx, method.as_ref(), &path).await
    };

    let response = finish(result.unwrap_or_else(ApiError::into_response));
    if is_widget {
        with_widget_cors(response)
    } else {
        response
    }
}

/// Finds the request's route in the table (`shared::api::routes`: 404 for an
/// unknown path, 405 for another method), proves the caller the route names,
/// and only then runs its handler.
async fn route(cx: &mut Cx<'_>, method: &str, path: &str) -> ApiResult<Response> {
    let (route, params) = find(method, path).map_err(|miss| match miss {
        Miss::NotFound => ApiError::NotFound("Endpoint"),
        Miss::MethodNotAllowed => ApiError::MethodNotAllowed,
    })?;
    let caller = auth::prove(cx.app.store, &cx.req, route).await?;
    let survivor = follow_merge(cx.app.store, route, &caller, params).await?;
    let params = match &survivor {
        Some(id) => Params { id, ..params },
        None => params,
    };
    dispatch(cx, route.endpoint, caller, params).await
}

/// A merged-away conversation or contact answers for its survivor: the id of
/// an agent's `/api/conversations/{id}…` or `/api/contacts/{id}…` route
/// (but the merges themselves, which judge the id they are given) becomes
/// the survivor's. `None`: the id stays (not merged, or not the account's).
async fn follow_merge(
    store: &Store,
    route: &Route,
    caller: &Caller,
    params: Params<'_>,
) -> ApiResult<Option<String>> {
    let account = match caller {
        Caller::Agent(agent) => &agent.account_id,
        Caller::Admin(admin) => &admin.account_id,
        _ => return Ok(None),
    };
    let contact = match route.path.split('/').nth(2) {
        _ if matches!(
            route.endpoint,
            Endpoint::MergeConversation | Endpoint::MergeContact
        ) =>
        {
            return Ok(None)
        }
        _ if params.id.is_empty() => return Ok(None),
        Some("conversations") => false,
        Some("contacts") => true,
        _ => return Ok(None),
    };
    let survivor = store.survivor(account, contact, params.id).await?;
    Ok(survivor.filter(|s| s != params.id))
}

/// Runs the endpoint's handler with the caller proved for it and the path's
/// parameters: one arm per endpoint of the table, which the compiler holds
/// to every one.
async fn dispatch(
    cx: &mut Cx<'_>,
    endpoint: Endpoint,
    who: Caller,
    p: Params<'_>,
) -> ApiResult<Response> {
    use Endpoint as E;
    match endpoint {
        E::Health => health(cx).await,
        E::VisitorRate => csat::rate(cx, who.visitor()?).await,
        E::RatingPage => rating_page::show(cx, p.id).await,
        E::RateByLink => rating_page::rate(cx, p.id).await,
        E::SatisfactionReport => csat::report(cx, who.agent()?).await,
        E::ChatPage => chat::page(cx, p.site).await,
        E::WidgetConfig => widget::config(cx, p.site).await,
        E::NewVisitor => widget::create_visitor(cx, p.site).await,
        E::VisitorThread => widget::conversation(cx, who.visitor()?).await,
        E::VisitorSend => widget::send(cx, who.visitor()?).await,
        E::VisitorUpload => files::upload(cx, who.visitor()?).await,
        E::VisitorDownload => files::visitor_download(cx, who.visitor()?, p.id).await,
        E::WidgetLive => live::widget(cx, who.widget()?).await,
        E::VisitorForm => widget::submit_form(cx, who.visitor()?).await,
        E::VisitorIdentify => widget::identify(cx, who.visitor()?).await,
        E::Setup => session::setup(cx).await,
        E::SignIn => session::sign_in(cx).await,
        E::CurrentSession => session::current(cx, who.agent()?).await,
        E::SignOut => session::sign_out(cx, who.agent()?).await,
        E::AcceptInvitation => session::accept_invitation(cx).await,
        E::Team => agents::list(cx, who.agent()?).await,
        E::Invite => agents::invite(cx, who.admin()?).await,
        E::RemoveAgent => agents::remove(cx, who.admin()?, p.id).await,
        E::Conversations => list::list(cx, who.agent()?).await,
        E::Conversation => conversations::show(cx, who.agent()?, p.id).await,
        E::UpdateConversation => conversations::update(cx, who.agent()?, p.id).await,
        E::MarkRead => conversations::read(cx, who.agent()?, p.id).await,
        E::AddNote => notes::add(cx, who.agent()?, p.id).await,
        E::Mentions => notes::mentions(cx, who.agent()?).await,
        E::Snooze => snooze::snooze(cx, who.agent()?, p.id).await,
        E::Unsnooze => snooze::unsnooze(cx, who.agent()?, p.id).await,
        E::InboxLive => live::inbox(cx, who.agent()?).await,
        E::Presence => live::presence(cx, who.agent()?).await,
        E::Signature => signatures::show(cx, who.agent()?).await,
        E::SetSignature => signatures::update(cx, who.agent()?).await,
        E::PreviewSignature => signatures::preview(cx, who.agent()?).await,
        E::EmailDraft => messages::email_draft(cx, who.agent()?, p.id).await,
        E::Reply => messages::reply(cx, who.agent()?, p.id).await,
        E::RenderedReplies => replies::rendered(cx, who.agent()?, p.id).await,
        E::SendTranscript => transcripts::send_transcript(cx, who.agent()?, p.id).await,
        E::SavedReplies => replies::list(cx, who.agent()?).await,
        E::CreateSavedReply => replies::create(cx, who.agent()?).await,
        E::UpdateSavedReply => replies::update(cx, who.agent()?, p.id).await,
        E::DeleteSavedReply => replies::remove(cx, who.agent()?, p.id).await,
        E::AddContact => conversations::add_contact(cx, who.agent()?, p.id).await,
        E::Contact => contacts::show(cx, who.agent()?, p.id).await,
        E::EditContact => contacts::update(cx, who.agent()?, p.id).await,
        E::ExportContact => contacts::export(cx, who.admin()?, p.id).await,
        E::EraseContact => contacts::erase(cx, who.admin()?, p.id).await,
        E::Original => originals::show(cx, who.agent()?, p.id).await,
        E::Attachment => files::download(cx, who.agent()?, p.id).await,
        E::Rejections => email::rejections(cx, who.agent()?).await,
        E::CreateTicket => tickets::create(cx, who.agent()?, p.site).await,
        E::Sites => sites::list(cx, who.agent()?).await,
        E::CreateSite => sites::create(cx, who.admin()?).await,
        E::UpdateSite => sites::update(cx, who.admin()?, p.site).await,
        E::WidgetSettings => sites::widget(cx, who.admin()?, p.site).await,
        E::UpdateWidget => sites::update_widget(cx, who.admin()?, p.site).await,
        E::Chatbot => sites::chatbot(cx, who.admin()?, p.site).await,
        E::UpdateChatbot => sites::update_chatbot(cx, who.admin()?, p.site).await,
        E::EmailChannel => channels::show(cx, who.admin()?, p.site).await,
        E::UpdateEmailChannel => channels::update(cx, who.admin()?, p.site).await,
        E::PreviewEmailChannel => channels::preview(cx, who.admin()?, p.site).await,
        E::Automations => automations::list(cx, who.admin()?, p.site).await,
        E::CreateAutomation => automations::create(cx, who.admin()?, p.site).await,
        E::UpdateAutomation => automations::update(cx, who.admin()?, p.site, p.id).await,
        E::DeleteAutomation => automations::remove(cx, who.admin()?, p.site, p.id).await,
        E::Deliveries => automations::deliveries(cx, who.admin()?, p.site, p.id).await,
        E::TestAutomation => automations::test(cx, who.admin()?, p.site, p.id).await,
        E::Snippet => tracking::show_snippet(cx, who.agent()?, p.site).await,
        E::Identity => identity::show(cx, who.admin()?, p.site).await,
        E::UpdateIdentity => identity::update(cx, who.admin()?, p.site).await,
        E::RotateIdentitySecret => identity::rotate_secret(cx, who.admin()?, p.site).await,
        E::Messenger => messenger::show(cx, who.admin()?, p.site).await,
        E::UpdateMessenger => messenger::update(cx, who.admin()?, p.site).await,
        E::MessengerVerify => messenger::verify(cx).await,
        E::MessengerReceive => messenger::receive(cx).await,
        E::ApiKeys => keys::list(cx, who.admin()?).await,
        E::CreateApiKey => keys::create(cx, who.admin()?).await,
        E::RevokeApiKey => keys::revoke(cx, who.admin()?, p.id).await,
        E::Labels => labels::list(cx, who.agent()?).await,
        E::CreateLabel => labels::create(cx, who.admin()?).await,
        E::UpdateLabel => labels::update(cx, who.admin()?, p.id).await,
        E::DeleteLabel => labels::remove(cx, who.admin()?, p.id).await,
        E::ConversationLabels => {
            labels::apply(cx, who.agent()?, Labelled::Conversation, p.id).await
        }
        E::ContactLabels => labels::apply(cx, who.agent()?, Labelled::Contact, p.id).await,
        E::Teams => teams::list(cx, who.agent()?).await,
        E::CreateTeam => teams::create(cx, who.admin()?).await,
        E::RenameTeam => teams::rename(cx, who.admin()?, p.id).await,
        E::DeleteTeam => teams::remove(cx, who.admin()?, p.id).await,
        E::TeamMembers => teams::members(cx, who.admin()?, p.id).await,
        E::AgentCapacity => teams::capacity(cx, who.admin()?, p.id).await,
        E::AssignmentRules => teams::rules(cx, who.admin()?, p.site).await,
        E::SetAssignmentRule => teams::set_rule(cx, who.admin()?, p.site).await,
        E::DeleteAssignmentRule => teams::delete_rule(cx, who.admin()?, p.site, p.id).await,
        E::MergeConversation => merge::conversation(cx, who.agent()?, p.id).await,
        E::MergeContact => merge::contact(cx, who.agent()?, p.id).await,
        E::ContactDuplicates => merge::duplicates(cx, who.agent()?, p.id).await,
        E::Attributes => attributes::list(cx, who.agent()?).await,
        E::CreateAttribute => attributes::create(cx, who.admin()?).await,
        E::UpdateAttribute => attributes::update(cx, who.admin()?, p.id).await,
        E::DeleteAttribute => attributes::remove(cx, who.admin()?, p.id).await,
        E::ContactAttributes => attributes::apply(cx, who.agent()?, p.id).await,
        E::VisitorFlowAnswer => flow_answers::answer(cx, who.visitor()?).await,
        E::Flow => flows::show(cx, who.admin()?, p.site).await,
        E::SaveFlow => flows::save(cx, who.admin()?, p.site).await,
        E::PreviewFlow => flows::preview(cx, who.admin()?, p.site).await,
        E::ProactiveMessages => proactive::list(cx, who.admin()?, p.site).await,
        E::CreateProactive => proactive::create(cx, who.admin()?, p.site).await,
        E::UpdateProactive => proactive::update(cx, who.admin()?, p.site, p.id).await,
        E::DeleteProactive => proactive::remove(cx, who.admin()?, p.site, p.id).await,
        E::ProactiveOpened => proactive::opened(cx, who.visitor()?).await,
        E::Report => reports::report(cx, who.agent()?).await,
        E::ReportSeriesCsv => reports::series_csv_route(cx, who.agent()?).await,
        E::ReportAgentsCsv => reports::agents_csv_route(cx, who.agent()?).await,
        E::ReportConversationsCsv => reports::conversations_csv(cx, who.agent()?).await,
        E::AccountTimeZone => account::time_zone(cx, who.agent()?).await,
        E::SetAccountTimeZone => account::set_time_zone(cx, who.admin()?).await,
        E::SlaTargets => sla::show(cx, who.admin()?, p.site).await,
        E::SetSlaTargets => sla::update(cx, who.admin()?, p.site).await,
        E::SlaReport => sla::report(cx, who.agent()?).await,
        E::ActiveCampaign => crm::show(cx, who.admin()?).await,
        E::ConnectActiveCampaign => crm::connect(cx, who.admin()?).await,
        E::DisconnectActiveCampaign => crm::disconnect(cx, who.admin()?).await,
        E::ActiveCampaignAutomations => crm::automations(cx, who.admin()?).await,
        E::ActiveCampaignFields => crm::fields(cx, who.admin()?).await,
        E::ActiveCampaignCalls => crm::calls(cx, who.admin()?).await,
        E::SiteActiveCampaign => crm::site(cx, who.admin()?, p.site).await,
        E::SetSiteActiveCampaign => crm::set_site(cx, who.admin()?, p.site).await,
        E::ContactActiveCampaign => crm_card::show(cx, who.agent()?, p.id).await,
    }
}

/// `GET /api/health`: whether D1 answers.
async fn health(cx: &mut Cx<'_>) -> ApiResult<Response> {
    json(200, &json!({ "ok": cx.app.store.ping().await? }))
}
