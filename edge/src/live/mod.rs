//! Live conversations: Durable Objects with hibernating WebSockets carry
//! what happens as it happens. D1 stays the source of truth: a message is
//! committed before it is pushed, and pushes are notices a client can
//! always catch up on from D1 (`seq`). See docs/realtime.md for the design.
//!
//! - [`InboxHub`], one per account: every inbox tab's socket; the team's
//!   presence, who views and replies where, visitors' typing.
//! - [`VisitorHub`], one per site shard: the widgets' sockets, each tagged
//!   with its visitor, so a push reaches exactly that visitor's tabs.
//!
//! Handlers publish through [`Live`]; a push that fails is logged and never
//! fails the request (the client catches up when it reconnects).

mod inbox_hub;
mod visitor_hub;

pub use inbox_hub::InboxHub;
pub use visitor_hub::VisitorHub;

use serde::{Deserialize, Serialize};
use shared::api::{InboxPush, WidgetPush};
use shared::live::{shard_of, visitor_hub_name};
use worker::{
    Env, Headers, Method, ObjectNamespace, Request, RequestInit, Response, Stub, WebSocket,
};

use crate::error::ApiResult;
use crate::store::Store;

/// The internal header carrying a socket's identity from the worker to its object.
const SOCKET_HEADER: &str = "x-parley-socket";

/// What an inbox socket is: the agent it authenticates, and what it is doing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AgentSocket {
    /// A random id of this socket.
    pub socket_id: String,
    /// The agent's account.
    pub account_id: String,
    /// The agent.
    pub agent_id: String,
    /// The agent's full name.
    pub name: String,
    /// Set away.
    pub away: bool,
    /// The conversation the tab shows, once checked to be the account's.
    pub viewing: Option<crate::store::LiveRoute>,
    /// Typing a reply there.
    pub replying: bool,
    /// The hash of the session or API key that opened it: signing out or revoking closes it.
    pub credential: String,
    /// When its session expires (ms): pushes stop and it is closed then.
    pub expires_at: Option<u64>,
}

/// Which inbox sockets to close: an agent's (removed), or one credential's (signed out, revoked).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Drop {
    /// Every socket of this agent.
    pub agent_id: Option<String>,
    /// Every socket opened with this credential hash.
    pub credential: Option<String>,
}

/// When an account's inbox object must wake snoozed conversations.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WakeAt {
    /// The account (the object keeps it for its alarm).
    pub account_id: String,
    /// The wake time, ms.
    pub at: u64,
}

/// What a widget socket is: the visitor its token proved.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VisitorSocket {
    /// A random id of this socket.
    pub socket_id: String,
    /// The visitor.
    pub visitor_id: String,
    /// The visitor's account (whose inbox hears its typing).
    pub account_id: String,
}

/// The deployment's live objects, as handlers publish to them.
pub struct Live {
    inbox: Option<ObjectNamespace>,
    visitors: Option<ObjectNamespace>,
    shards: u32,
}

impl Live {
    /// The objects bound in `env` (`INBOX_HUB`, `VISITOR_HUB`; `VISITOR_SHARDS` per site).
    pub fn new(env: &Env) -> Self {
        let shards = env
            .var("VISITOR_SHARDS")
            .ok()
            .and_then(|v| v.to_string().parse().ok())
            .unwrap_or(1);
        Live {
            inbox: env.durable_object("INBOX_HUB").ok(),
            visitors: env.durable_object("VISITOR_HUB").ok(),
            shards,
        }
    }

    fn inbox_hub(&self, account_id: &str) -> worker::Result<Stub> {
        self.inbox
            .as_ref()
            .ok_or("no INBOX_HUB binding")?
            .get_by_name(account_id)
    }

    fn visitor_hub(&self, site_id: &str, shard: u32) -> worker::Result<Stub> {
        self.visitors
            .as_ref()
            .ok_or("no VISITOR_HUB binding")?
            .get_by_name(&visitor_hub_name(site_id, shard))
    }

    /// Tells every inbox tab of the account.
    pub async fn to_team(&self, account_id: &str, push: &InboxPush) {
        let sent = async { post(&self.inbox_hub(account_id)?, "/push", push).await };
        if let Err(e) = sent.await {
            worker::console_error!("live push to account {account_id} failed: {e}");
        }
    }

    /// Tells every tab of one visitor.
    pub async fn to_visitor(&self, site_id: &str, visitor_id: &str, push: &WidgetPush) {
        let hub = self.visitor_hub(site_id, shard_of(visitor_id, self.shards));
        let sent = async { post(&hub?, &["/push?visitor=", visitor_id].concat(), push).await };
        if let Err(e) = sent.await {
            worker::console_error!("live push to visitor {visitor_id} failed: {e}");
        }
    }

    /// Tells the visitor's object that an agent blocked the visitor (its
    /// open widgets are closed, new ones refused) or took the block back.
    pub async fn set_blocked(&self, site_id: &str, visitor_id: &str, blocked: bool) {
        let hub = self.visitor_hub(site_id, shard_of(visitor_id, self.shards));
        let sent = async { post(&hub?, &["/block?visitor=", visitor_id].concat(), &blocked).await };
        if let Err(e) = sent.await {
            worker::console_error!("blocking visitor {visitor_id} live failed: {e}");
        }
    }

    /// Tells every widget open on these sites (the team's presence).
    pub async fn to_sites(&self, site_ids: &[String], push: &WidgetPush) {
        for site_id in site_ids {
            for shard in 0..self.shards.max(1) {
                let sent =
                    async { post(&self.visitor_hub(site_id, shard)?, "/broadcast", push).await };
                if let Err(e) = sent.await {
                    worker::console_error!("live broadcast to {site_id}#{shard} failed: {e}");
                }
            }
        }
    }

    /// Asks the account's inbox object something (`/presence`, `/status`).
    async fn ask_inbox<T: Serialize>(
        &self,
        account_id: &str,
        path: &str,
        body: &T,
    ) -> worker::Result<Response> {
        post(&self.inbox_hub(account_id)?, path, body).await
    }

    /// Whether anyone on the account's team is online now.
    pub async fn team_online(&self, account_id: &str) -> bool {
        #[derive(Deserialize)]
        struct Online {
            online: bool,
        }
        let answer = async {
            self.ask_inbox(account_id, "/presence", &())
                .await?
                .json::<Online>()
                .await
        };
        answer.await.map(|o| o.online).unwrap_or(false)
    }

    /// Tells the account's inbox object that an agent went away or came back.
    pub async fn set_away(&self, account_id: &str, agent_id: &str, away: bool) {
        let body = serde_json::json!({ "agent_id": agent_id, "away": away });
        if let Err(e) = self.ask_inbox(account_id, "/status", &body).await {
            worker::console_error!("live status of {agent_id} failed: {e}");
        }
    }

    /// Asks the account's inbox object to wake its snoozed conversations at
    /// `at` (ms) at the latest (its alarm moves earlier, never later). A
    /// failure is logged: the snooze stays, and wakes at the customer's reply.
    pub async fn arm_wake(&self, account_id: &str, at: u64) {
        let body = WakeAt {
            account_id: account_id.to_string(),
            at,
        };
        if let Err(e) = self.ask_inbox(account_id, "/wake-at", &body).await {
            worker::console_error!("arming the snooze alarm of {account_id} failed: {e}");
        }
    }

    /// Closes the inbox sockets a credential no longer covers.
    pub async fn drop_sockets(&self, account_id: &str, drop: &Drop) {
        if let Err(e) = self.ask_inbox(account_id, "/drop", drop).await {
            worker::console_error!("closing sockets of account {account_id} failed: {e}");
        }
    }

    /// Hands an inbox tab's WebSocket upgrade to the account's object.
    pub async fn connect_agent(&self, socket: &AgentSocket) -> ApiResult<Response> {
        Ok(connect(&self.inbox_hub(&socket.account_id)?, socket).await?)
    }

    /// Hands the WebSocket upgrade of a widget without a visitor to one of its
    /// site's shards (any: presence reaches them all); it hears presence only.
    pub async fn watch_site(&self, site_id: &str, account_id: &str) -> ApiResult<Response> {
        let hub = self.visitor_hub(site_id, shard_of(&crate::ids::new_id("ws"), self.shards))?;
        Ok(open(&hub, "/watch", &account_id).await?)
    }

    /// Hands a widget's WebSocket upgrade to its site shard's object.
    pub async fn connect_visitor(
        &self,
        site_id: &str,
        socket: &VisitorSocket,
    ) -> ApiResult<Response> {
        let hub = self.visitor_hub(site_id, shard_of(&socket.visitor_id, self.shards))?;
        Ok(connect(&hub, socket).await?)
    }
}

/// Sends `body` as JSON to an object.
async fn post<T: Serialize>(stub: &Stub, path: &str, body: &T) -> worker::Result<Response> {
    let init = RequestInit {
        method: Method::Post,
        body: Some(serde_json::to_string(body)?.into()),
        ..RequestInit::default()
    };
    let response = stub
        .fetch_with_request(Request::new_with_init(
            &["https://live", path].concat(),
            &init,
        )?)
        .await?;
    if response.status_code() >= 300 {
        return Err(format!("the live object answered {}", response.status_code()).into());
    }
    Ok(response)
}

/// Opens a socket on an object, telling it who the socket is.
async fn connect<T: Serialize>(stub: &Stub, socket: &T) -> worker::Result<Response> {
    open(stub, "/connect", socket).await
}

/// Opens a socket on an object at `path`, with `identity` in the internal header.
async fn open<T: Serialize>(stub: &Stub, path: &str, identity: &T) -> worker::Result<Response> {
    let headers = Headers::new();
    headers.set("upgrade", "websocket")?;
    headers.set(SOCKET_HEADER, &serde_json::to_string(identity)?)?;
    let init = RequestInit {
        headers,
        ..RequestInit::default()
    };
    stub.fetch_with_request(Request::new_with_init(
        &["https://live", path].concat(),
        &init,
    )?)
    .await
}

/// The identity the worker gave a socket, read by the object.
fn socket_identity<T: for<'de> Deserialize<'de>>(req: &Request) -> worker::Result<T> {
    let header = req
        .headers()
        .get(SOCKET_HEADER)?
        .ok_or("a socket without its identity")?;
    Ok(serde_json::from_str(&header)?)
}

/// Sends a push to one socket (a closed one is skipped).
fn send<T: Serialize>(ws: &WebSocket, push: &T) {
    send_all([ws], push);
}

/// Sends one push to many sockets, serialized once.
fn send_all<'a, T: Serialize>(sockets: impl IntoIterator<Item = &'a WebSocket>, push: &T) {
    match serde_json::to_string(push) {
        Ok(text) => relay(sockets, &text),
        Err(e) => worker::console_error!("live push not serializable: {e}"),
    }
}

/// Sends text the worker already wrote to many sockets (a closed one is skipped).
fn relay<'a>(sockets: impl IntoIterator<Item = &'a WebSocket>, text: &str) {
    for ws in sockets {
        if let Err(e) = ws.send_with_str(text) {
            worker::console_log!("live send skipped: {e}");
        }
    }
}

/// Whose listening tabs a count is.
enum Listeners {
    /// An account's inbox tabs, and how many each agent holds (by agent id).
    Team(String, std::collections::BTreeMap<String, usize>),
    /// A visitor's widget tabs.
    Visitor(String),
}

/// Writes how many tabs listen (`tabs`, counted by the caller in the same
/// turn) while the object takes no other event, so that no count overtakes a
/// later one. A failed write is logged: the count stays as it was.
async fn record_listeners(state: &worker::State, env: &Env, who: Listeners, tabs: usize) {
    let store = match env.d1("DB") {
        Ok(db) => Store::new(db),
        Err(e) => return worker::console_error!("live: no D1 to record listeners: {e}"),
    };
    let written = state.block_concurrency_while(async move {
        let written = match &who {
            Listeners::Team(account_id, agents) => {
                store.record_team_tabs(account_id, tabs, agents).await
            }
            Listeners::Visitor(visitor_id) => store.record_visitor_tabs(visitor_id, tabs).await,
        };
        written.map_err(|e| worker::Error::RustError(format!("{e:?}")))
    });
    if let Err(e) = written.await {
        worker::console_error!("live: could not record the listening tabs: {e}");
    }
}

/// The keep-alive every object answers without waking.
fn keep_alive(state: &worker::State) {
    if let Ok(pair) = worker::worker_sys::WebSocketRequestResponsePair::new(
        shared::live::PING,
        shared::live::PONG,
    ) {
        state.set_websocket_auto_response(&pair);
    }
}

/// Completes a close the client started (the runtime leaves the answer to us).
fn close_back(ws: &WebSocket, code: usize) {
    // 1005 and 1006 say "no code" and may not be sent back.
    let code = if (1000..5000).contains(&code) && code != 1005 && code != 1006 {
        code as u16
    } else {
        1000
    };
    let _ = ws.close(Some(code), Some("bye"));
}
