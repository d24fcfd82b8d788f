//! The route table: every endpoint the worker answers, with its method, its
//! path and who may call it. The worker's router finds a request's route
//! here, proves the caller the route names before its handler runs, and
//! hands the handler what it proved (`edge/src/routes/mod.rs`, which must
//! answer every [`Endpoint`]). The authorization matrix test reads the same
//! table (`tests/routes.json`, written by a test below) and the README's API
//! table is checked against it, so a route cannot be added without saying
//! who may call it.

use serde::Serialize;

/// Who may call a route: what the router proves before the handler runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Who {
    /// Anyone: the router proves nothing (a handler may still ask for a
    /// secret of its own: a password, the set-up token, an invitation).
    Anyone,
    /// Meta's servers: the handler checks the webhook's verify token or the
    /// signature over the body, which the router cannot read first.
    Meta,
    /// A widget's visitor, by its token (`Authorization: Bearer`).
    Visitor,
    /// The widget's socket: a visitor by the token offered as its second
    /// subprotocol, or anyone before a visitor exists (who then hears the
    /// site's presence only).
    VisitorOrAnyone,
    /// Any agent of the account: the session cookie (with its CSRF token for
    /// changes) or an API key of either role.
    Agent,
    /// The account's primary admin: their session, or an API key with the
    /// admin role (an agent is refused with 403).
    Admin,
}

impl Who {
    /// How the README's API table names this caller.
    pub const fn label(self) -> &'static str {
        match self {
            Who::Anyone => "anyone",
            Who::Meta => "Meta",
            Who::Visitor => "visitor",
            Who::VisitorOrAnyone => "visitor or anyone",
            Who::Agent => "agent",
            Who::Admin => "primary admin",
        }
    }
}

/// The HTTP methods routes answer; any other is 405 on a known path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// The method of this name, if a route may answer it.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Get, Self::Post, Self::Put, Self::Patch, Self::Delete]
            .into_iter()
            .find(|m| m.as_str() == name)
    }
}

/// One line of the table.
#[derive(Debug, Serialize)]
pub struct Route {
    /// Which handler answers it.
    #[serde(skip)]
    pub endpoint: Endpoint,
    /// Its method.
    pub method: Method,
    /// Its path; `{site}` and `{id}` stand for one segment each.
    pub path: &'static str,
    /// Who may call it.
    pub who: Who,
    /// Whether it opens a WebSocket (the router asks for the upgrade first).
    pub socket: bool,
}

/// Declares [`Endpoint`] and [`ROUTES`] from one list, so every endpoint has
/// exactly one line saying who may call it.
macro_rules! table {
    ($( $endpoint:ident: $method:ident $path:literal $who:ident $($socket:ident)?; )+) => {
        /// Every endpoint, by name; the worker's router answers each.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Endpoint {
            $(
                #[doc = concat!("`", stringify!($method), " ", $path, "`.")]
                $endpoint,
            )+
        }

        /// The table, in the README's order.
        pub const ROUTES: &[Route] = &[
            $( Route {
                endpoint: Endpoint::$endpoint,
                method: Method::$method,
                path: $path,
                who: Who::$who,
                socket: table!(@socket $($socket)?),
            }, )+
        ];
    };
    (@socket socket) => { true };
    (@socket) => { false };
}

table! {
    Health: Get "/api/health" Anyone;
    ChatPage: Get "/chat/{site}" Anyone;
    WidgetConfig: Get "/api/widget/sites/{site}/config" Anyone;
    NewVisitor: Post "/api/widget/sites/{site}/visitors" Anyone;
    VisitorThread: Get "/api/widget/conversation" Visitor;
    VisitorSend: Post "/api/widget/messages" Visitor;
    VisitorUpload: Post "/api/widget/files" Visitor;
    VisitorDownload: Get "/api/widget/attachments/{id}" Visitor;
    WidgetLive: Get "/api/widget/live" VisitorOrAnyone socket;
    VisitorForm: Post "/api/widget/contact" Visitor;
    VisitorIdentify: Post "/api/widget/identify" Visitor;
    Setup: Post "/api/setup" Anyone;
    SignIn: Post "/api/session" Anyone;
    CurrentSession: Get "/api/session" Agent;
    SignOut: Delete "/api/session" Agent;
    AcceptInvitation: Post "/api/invitations/accept" Anyone;
    Team: Get "/api/agents" Agent;
    Invite: Post "/api/agents" Admin;
    RemoveAgent: Delete "/api/agents/{id}" Admin;
    Conversations: Get "/api/conversations" Agent;
    Conversation: Get "/api/conversations/{id}" Agent;
    UpdateConversation: Patch "/api/conversations/{id}" Agent;
    MarkRead: Post "/api/conversations/{id}/read" Agent;
    AddNote: Post "/api/conversations/{id}/notes" Agent;
    Mentions: Get "/api/mentions" Agent;
    Snooze: Put "/api/conversations/{id}/snooze" Agent;
    Unsnooze: Delete "/api/conversations/{id}/snooze" Agent;
    InboxLive: Get "/api/live" Agent socket;
    Presence: Put "/api/presence" Agent;
    Signature: Get "/api/signature" Agent;
    SetSignature: Put "/api/signature" Agent;
    PreviewSignature: Post "/api/signature/preview" Agent;
    EmailDraft: Get "/api/conversations/{id}/email-draft" Agent;
    Reply: Post "/api/conversations/{id}/messages" Agent;
    RenderedReplies: Get "/api/conversations/{id}/saved-replies" Agent;
    SendTranscript: Post "/api/conversations/{id}/transcript" Agent;
    SavedReplies: Get "/api/saved-replies" Agent;
    CreateSavedReply: Post "/api/saved-replies" Agent;
    UpdateSavedReply: Patch "/api/saved-replies/{id}" Agent;
    DeleteSavedReply: Delete "/api/saved-replies/{id}" Agent;
    AddContact: Post "/api/conversations/{id}/contact" Agent;
    Contact: Get "/api/contacts/{id}" Agent;
    EditContact: Patch "/api/contacts/{id}" Agent;
    ExportContact: Get "/api/contacts/{id}/export" Admin;
    EraseContact: Delete "/api/contacts/{id}" Admin;
    Original: Get "/api/messages/{id}/original" Agent;
    Attachment: Get "/api/attachments/{id}" Agent;
    Rejections: Get "/api/email/rejections" Agent;
    CreateTicket: Post "/api/sites/{site}/tickets" Agent;
    Sites: Get "/api/sites" Agent;
    CreateSite: Post "/api/sites" Admin;
    UpdateSite: Patch "/api/sites/{site}" Admin;
    WidgetSettings: Get "/api/sites/{site}/widget" Admin;
    UpdateWidget: Patch "/api/sites/{site}/widget" Admin;
    Chatbot: Get "/api/sites/{site}/chatbot" Admin;
    UpdateChatbot: Put "/api/sites/{site}/chatbot" Admin;
    EmailChannel: Get "/api/sites/{site}/email-channel" Admin;
    UpdateEmailChannel: Patch "/api/sites/{site}/email-channel" Admin;
    PreviewEmailChannel: Post "/api/sites/{site}/email-channel/preview" Admin;
    Automations: Get "/api/sites/{site}/automations" Admin;
    CreateAutomation: Post "/api/sites/{site}/automations" Admin;
    UpdateAutomation: Patch "/api/sites/{site}/automations/{id}" Admin;
    DeleteAutomation: Delete "/api/sites/{site}/automations/{id}" Admin;
    Deliveries: Get "/api/sites/{site}/automations/{id}/deliveries" Admin;
    TestAutomation: Post "/api/sites/{site}/automations/{id}/test" Admin;
    Snippet: Get "/api/sites/{site}/snippet" Agent;
    Identity: Get "/api/sites/{site}/identity" Admin;
    UpdateIdentity: Patch "/api/sites/{site}/identity" Admin;
    RotateIdentitySecret: Post "/api/sites/{site}/identity/secret" Admin;
    Messenger: Get "/api/sites/{site}/messenger" Admin;
    UpdateMessenger: Put "/api/sites/{site}/messenger" Admin;
    MessengerVerify: Get "/api/messenger/webhook" Meta;
    MessengerReceive: Post "/api/messenger/webhook" Meta;
    ApiKeys: Get "/api/api-keys" Admin;
    CreateApiKey: Post "/api/api-keys" Admin;
    RevokeApiKey: Delete "/api/api-keys/{id}" Admin;
    Labels: Get "/api/labels" Agent;
    CreateLabel: Post "/api/labels" Admin;
    UpdateLabel: Patch "/api/labels/{id}" Admin;
    DeleteLabel: Delete "/api/labels/{id}" Admin;
    ConversationLabels: Patch "/api/conversations/{id}/labels" Agent;
    ContactLabels: Patch "/api/contacts/{id}/labels" Agent;
    Teams: Get "/api/teams" Agent;
    CreateTeam: Post "/api/teams" Admin;
    RenameTeam: Patch "/api/teams/{id}" Admin;
    DeleteTeam: Delete "/api/teams/{id}" Admin;
    TeamMembers: Patch "/api/teams/{id}/members" Admin;
    AgentCapacity: Put "/api/agents/{id}/capacity" Admin;
    AssignmentRules: Get "/api/sites/{site}/assignment-rules" Admin;
    SetAssignmentRule: Put "/api/sites/{site}/assignment-rules" Admin;
    DeleteAssignmentRule: Delete "/api/sites/{site}/assignment-rules/{id}" Admin;
    MergeConversation: Post "/api/conversations/{id}/merge" Agent;
    MergeContact: Post "/api/contacts/{id}/merge" Agent;
    ContactDuplicates: Get "/api/contacts/{id}/duplicates" Agent;
    Attributes: Get "/api/attributes" Agent;
    CreateAttribute: Post "/api/attributes" Admin;
    UpdateAttribute: Patch "/api/attributes/{id}" Admin;
    DeleteAttribute: Delete "/api/attributes/{id}" Admin;
    ContactAttributes: Patch "/api/contacts/{id}/attributes" Agent;
    VisitorFlowAnswer: Post "/api/widget/flow/answers" Visitor;
    Flow: Get "/api/sites/{site}/flow" Admin;
    SaveFlow: Put "/api/sites/{site}/flow" Admin;
    PreviewFlow: Post "/api/sites/{site}/flow/preview" Admin;
    ProactiveMessages: Get "/api/sites/{site}/proactive" Admin;
    CreateProactive: Post "/api/sites/{site}/proactive" Admin;
    UpdateProactive: Put "/api/sites/{site}/proactive/{id}" Admin;
    DeleteProactive: Delete "/api/sites/{site}/proactive/{id}" Admin;
    ProactiveOpened: Post "/api/widget/proactive" Visitor;
    Report: Get "/api/reports" Agent;
    ReportSeriesCsv: Get "/api/reports/series.csv" Agent;
    ReportAgentsCsv: Get "/api/reports/agents.csv" Agent;
    ReportConversationsCsv: Get "/api/reports/conversations.csv" Agent;
    VisitorRate: Post "/api/widget/rating" Visitor;
    RatingPage: Get "/rate/{id}" Anyone;
    RateByLink: Post "/rate/{id}" Anyone;
    SatisfactionReport: Get "/api/reports/satisfaction" Agent;
    AccountTimeZone: Get "/api/account/time-zone" Agent;
    SetAccountTimeZone: Put "/api/account/time-zone" Admin;
    SlaTargets: Get "/api/sites/{site}/sla" Admin;
    SetSlaTargets: Put "/api/sites/{site}/sla" Admin;
    SlaReport: Get "/api/reports/sla" Agent;
    ActiveCampaign: Get "/api/integrations/activecampaign" Admin;
    ConnectActiveCampaign: Put "/api/integrations/activecampaign" Admin;
    DisconnectActiveCampaign: Delete "/api/integrations/activecampaign" Admin;
    ActiveCampaignAutomations: Get "/api/integrations/activecampaign/automations" Admin;
    ActiveCampaignFields: Get "/api/integrations/activecampaign/fields" Admin;
    ActiveCampaignCalls: Get "/api/integrations/activecampaign/calls" Admin;
    SiteActiveCampaign: Get "/api/sites/{site}/activecampaign" Admin;
    SetSiteActiveCampaign: Put "/api/sites/{site}/activecampaign" Admin;
    ContactActiveCampaign: Get "/api/contacts/{id}/activecampaign" Agent;
}

/// The parameters a path filled in (empty where its pattern has none).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Params<'p> {
    /// `{site}`.
    pub site: &'p str,
    /// `{id}`.
    pub id: &'p str,
}

/// Why no route answers a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Miss {
    /// No route has this path: 404.
    NotFound,
    /// Routes have this path, none with this method: 405.
    MethodNotAllowed,
}

/// The segments of a path between slashes, the outer ones trimmed.
fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.trim_matches('/').split('/')
}

/// The parameters `path` gives `pattern`, if it matches it.
fn matches<'p>(pattern: &str, path: &'p str) -> Option<Params<'p>> {
    let mut params = Params::default();
    let (mut want, mut have) = (segments(pattern), segments(path));
    loop {
        match (want.next(), have.next()) {
            (None, None) => return Some(params),
            (Some("{site}"), Some(value)) => params.site = value,
            (Some("{id}"), Some(value)) => params.id = value,
            (Some(literal), Some(value)) if literal == value => {}
            _ => return None,
        }
    }
}

/// The route for a request's method (its wire name) and path, with the
/// path's parameters; a known path asked with another method is
/// [`Miss::MethodNotAllowed`], derived from the table like the rest.
pub fn find<'p>(method: &str, path: &'p str) -> Result<(&'static Route, Params<'p>), Miss> {
    let method = Method::parse(method);
    let mut known_path = false;
    for route in ROUTES {
        if let Some(params) = matches(route.path, path) {
            if Some(route.method) == method {
                return Ok((route, params));
            }
            known_path = true;
        }
    }
    Err(if known_path {
        Miss::MethodNotAllowed
    } else {
        Miss::NotFound
    })
}

#[cfg(test)]
mod tests;
