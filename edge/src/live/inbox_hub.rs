//! The account's inbox object: every inbox tab's socket, with the agent it
//! authenticated and what it is doing in the socket's attachment (so nothing
//! is lost when the object hibernates). It relays the team's pushes, keeps
//! presence, and tells widgets when the team comes online or goes away.
//! Its alarm wakes the account's snoozed conversations (see `wake`).

use std::collections::BTreeMap;

use serde::Deserialize;
use shared::api::{InboxPush, InboxSays, TeamMember, Viewer, WidgetPush};
use shared::live::{team_online, MAX_FRAME_BYTES};
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket,
    WebSocketIncomingMessage, WebSocketPair,
};

use super::{keep_alive, relay, send_all, socket_identity, AgentSocket, Drop, Live, WakeAt};
use crate::clock::now_ms;

/// The close code of a socket whose credential ended (signed out, removed,
/// revoked, expired): the inbox signs in again instead of reconnecting.
pub const CLOSED_SIGNED_OUT: u16 = 4001;
use crate::store::Store;

/// Where the object keeps its account's id (for its alarm, which has no request).
const ACCOUNT_KEY: &str = "account";

/// One account's inbox tabs, and the alarm of its snoozed conversations.
// No kind named: the macro then exports the alarm handler beside the sockets'.
#[durable_object]
pub struct InboxHub {
    state: State,
    env: Env,
}

/// An agent's online/away toggle, from the worker.
#[derive(Deserialize)]
struct Status {
    agent_id: String,
    away: bool,
}

impl DurableObject for InboxHub {
    fn new(state: State, env: Env) -> Self {
        keep_alive(&state);
        InboxHub { state, env }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        match req.path().as_str() {
            "/connect" => self.accept(&req).await,
            "/push" => {
                // Relayed as the worker wrote it.
                let text = req.text().await?;
                relay(self.sockets(None).iter().map(|(ws, _)| ws), &text);
                Response::ok("")
            }
            "/drop" => {
                let drop: Drop = req.json().await?;
                for (ws, socket) in self.sockets(None) {
                    let by_agent = drop.agent_id.as_ref() == Some(&socket.agent_id);
                    if by_agent || drop.credential.as_ref() == Some(&socket.credential) {
                        let _ = ws.close(Some(CLOSED_SIGNED_OUT), Some("signed out"));
                        self.gone(&ws).await;
                    }
                }
                Response::ok("")
            }
            "/wake-at" => {
                let wake: WakeAt = req.json().await?;
                self.arm(&wake).await?;
                Response::ok("")
            }
            "/presence" => Response::from_json(&serde_json::json!({ "online": self.online(None) })),
            "/status" => {
                let status: Status = req.json().await?;
                let before = self.online(None);
                for ws in self.state.get_websockets() {
                    if let Some(mut socket) =
                        attachment(&ws).filter(|s| s.agent_id == status.agent_id)
                    {
                        socket.away = status.away;
                        ws.serialize_attachment(&socket)?;
                    }
                }
                if let Some(account_id) = self
                    .sockets(None)
                    .into_iter()
                    .next()
                    .map(|(_, s)| s.account_id)
                {
                    self.team_changed(&account_id, before, None).await;
                }
                Response::ok("")
            }
            _ => Response::error("not found", 404),
        }
    }

    async fn alarm(&self) -> Result<Response> {
        self.wake().await?;
        Response::ok("")
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> Result<()> {
        let (WebSocketIncomingMessage::String(text), Some(socket)) = (message, attachment(&ws))
        else {
            return Ok(());
        };
        if text.len() > MAX_FRAME_BYTES {
            return Ok(()); // no honest tab sends this much
        }
        let Ok(said) = serde_json::from_str::<InboxSays>(&text) else {
            return Ok(()); // not ours to answer: a client speaking another version
        };
        match said {
            InboxSays::View { conversation_id } => self.view(ws, socket, conversation_id).await,
            InboxSays::Typing { typing } => self.typing(ws, socket, typing).await,
        }
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        _reason: String,
        _clean: bool,
    ) -> Result<()> {
        super::close_back(&ws, code);
        self.gone(&ws).await;
        Ok(())
    }

    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> Result<()> {
        self.gone(&ws).await;
        Ok(())
    }
}

/// An absolute time (ms) for `set_alarm` (whose plain integers are offsets from now).
fn at_time(ms: u64) -> worker::ScheduledTime {
    worker::ScheduledTime::new(worker::js_sys::Date::new(&(ms as f64).into()))
}

/// The agent a socket authenticated, and what it is doing.
fn attachment(ws: &WebSocket) -> Option<AgentSocket> {
    ws.deserialize_attachment().ok().flatten()
}

impl InboxHub {
    /// A tab opened a conversation (or none): recorded on its socket before
    /// its next frames run; the visitor of the one it left stops seeing it
    /// reply, and the viewers of both are told.
    async fn view(
        &self,
        ws: WebSocket,
        socket: AgentSocket,
        conversation_id: Option<String>,
    ) -> Result<()> {
        let (left, was_replying) = (socket.viewing.clone(), socket.replying);
        let store = Store::new(self.env.d1("DB")?);
        let tab = ws.clone();
        // The tab's next frames (its typing) wait until the view is recorded:
        // the D1 lookup would otherwise let them run first and find no conversation.
        let viewing = self
            .state
            .block_concurrency_while(async move {
                let route = match conversation_id {
                    Some(id) => store
                        .live_route(&socket.account_id, &id)
                        .await
                        .ok()
                        .flatten(),
                    None => None,
                };
                tab.serialize_attachment(&AgentSocket {
                    viewing: route.clone(),
                    replying: false,
                    ..socket
                })?;
                Ok(route)
            })
            .await?;
        if was_replying {
            self.tell_visitor(left.as_ref(), None).await;
        }
        for id in [left.map(|r| r.id), viewing.map(|r| r.id)]
            .into_iter()
            .flatten()
        {
            self.viewers_changed(&id, None);
        }
        Ok(())
    }

    /// Makes the alarm ring at `wake.at` at the latest (an earlier one stays).
    async fn arm(&self, wake: &WakeAt) -> Result<()> {
        let storage = self.state.storage();
        storage.put(ACCOUNT_KEY, &wake.account_id).await?;
        let at = wake.at as i64;
        if storage.get_alarm().await?.is_none_or(|set| at < set) {
            storage.set_alarm(at_time(wake.at)).await?;
        }
        Ok(())
    }

    /// A tab's agent types (or stopped) in the conversation it views: the
    /// visitor is told each time, the viewers when it changed.
    async fn typing(&self, ws: WebSocket, mut socket: AgentSocket, typing: bool) -> Result<()> {
        let Some(route) = socket.viewing.clone() else {
            return Ok(());
        };
        let changed = socket.replying != typing;
        socket.replying = typing;
        ws.serialize_attachment(&socket)?;
        // Repeated while typing, so the widget's indicator stays up.
        self.tell_visitor(Some(&route), typing.then(|| socket.name.clone()))
            .await;
        if changed {
            self.viewers_changed(&route.id, None);
        }
        Ok(())
    }

    /// The alarm: wakes every conversation due (one D1 batch, which also
    /// reads the next wake time), sets the alarm for the next, and tells the
    /// tabs. An error fails the alarm, which the runtime retries; a retry
    /// wakes nothing twice (the statement only takes conversations still due).
    async fn wake(&self) -> Result<()> {
        let storage = self.state.storage();
        let Some(account_id) = storage.get::<String>(ACCOUNT_KEY).await? else {
            return Ok(());
        };
        let store = Store::new(self.env.d1("DB")?);
        let woken = store.wake_due(&account_id, now_ms()).await.map_err(|e| {
            worker::Error::RustError(format!("waking snoozed conversations: {e:?}"))
        })?;
        if let Some(next) = woken.next {
            storage.set_alarm(at_time(next)).await?;
        }
        for id in &woken.ids {
            self.broadcast(&InboxPush::changed(id), None);
        }
        Ok(())
    }

    async fn accept(&self, req: &Request) -> Result<Response> {
        let socket: AgentSocket = socket_identity(req)?;
        let before = self.online(None);
        let pair = WebSocketPair::new()?;
        self.state.accept_web_socket(&pair.server);
        pair.server.serialize_attachment(&socket)?;
        // Counted before the tab hears it is connected (and reloads): mail
        // stored after that reload sees the tab listening.
        self.record_tabs(&socket.account_id, None).await;
        self.team_changed(&socket.account_id, before, None).await;
        Response::from_websocket(pair.client)
    }

    /// Every open socket but `except`, with what it authenticated; one whose
    /// session has expired is closed instead.
    fn sockets(&self, except: Option<&str>) -> Vec<(WebSocket, AgentSocket)> {
        let now = now_ms();
        self.state
            .get_websockets()
            .into_iter()
            .filter_map(|ws| attachment(&ws).map(|s| (ws, s)))
            .filter(|(ws, s)| {
                let expired = s.expires_at.is_some_and(|at| at <= now);
                if expired {
                    let _ = ws.close(Some(CLOSED_SIGNED_OUT), Some("session expired"));
                }
                !expired
            })
            .filter(|(_, s)| Some(s.socket_id.as_str()) != except)
            .collect()
    }

    fn broadcast(&self, push: &InboxPush, except: Option<&str>) {
        send_all(self.sockets(except).iter().map(|(ws, _)| ws), push);
    }

    /// Whether anyone is online (ignoring the socket `except`, which is closing).
    fn online(&self, except: Option<&str>) -> bool {
        let states: Vec<(bool, bool)> = self
            .sockets(except)
            .iter()
            .map(|(_, s)| (true, s.away))
            .collect();
        team_online(&states)
    }

    /// Who has the inbox open, one entry per agent (away only if every tab is).
    fn team(&self, except: Option<&str>) -> Vec<TeamMember> {
        let mut agents: BTreeMap<String, TeamMember> = BTreeMap::new();
        for (_, s) in self.sockets(except) {
            let member = agents.entry(s.agent_id.clone()).or_insert(TeamMember {
                agent_id: s.agent_id,
                name: s.name,
                away: true,
            });
            member.away &= s.away;
        }
        agents.into_values().collect()
    }

    /// After a socket came, went or changed status: tells the tabs who is here,
    /// and every widget of the account when the team's presence flipped.
    async fn team_changed(&self, account_id: &str, online_before: bool, except: Option<&str>) {
        self.broadcast(
            &InboxPush::Team {
                agents: self.team(except),
            },
            except,
        );
        let online = self.online(except);
        if online == online_before {
            return;
        }
        let sites = match self.env.d1("DB") {
            Ok(db) => Store::new(db)
                .site_ids(account_id)
                .await
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        Live::new(&self.env)
            .to_sites(&sites, &WidgetPush::Presence { online })
            .await;
    }

    /// Tells the tabs who views a conversation now (without the closing socket `except`).
    fn viewers_changed(&self, conversation_id: &str, except: Option<&str>) {
        let sockets = self.sockets(except);
        let mut viewers: BTreeMap<String, Viewer> = BTreeMap::new();
        for (_, s) in sockets
            .iter()
            .filter(|(_, s)| s.viewing.as_ref().is_some_and(|r| r.id == conversation_id))
        {
            let viewer = viewers.entry(s.agent_id.clone()).or_insert(Viewer {
                agent_id: s.agent_id.clone(),
                name: s.name.clone(),
                replying: false,
            });
            viewer.replying |= s.replying;
        }
        let push = InboxPush::Viewers {
            conversation_id: conversation_id.to_string(),
            agents: viewers.into_values().collect(),
        };
        send_all(sockets.iter().map(|(ws, _)| ws), &push);
    }

    /// Tells a conversation's visitor that an agent types (`Some(name)`) or stopped.
    async fn tell_visitor(&self, route: Option<&crate::store::LiveRoute>, name: Option<String>) {
        let Some(route) = route else { return };
        let Some(visitor_id) = &route.visitor_id else {
            return;
        };
        Live::new(&self.env)
            .to_visitor(&route.site_id, visitor_id, &WidgetPush::Typing { name })
            .await;
    }

    /// A tab closed: its viewing and typing end, and the team may have gone.
    async fn gone(&self, ws: &WebSocket) {
        let Some(socket) = attachment(ws) else { return };
        let except = Some(socket.socket_id.as_str());
        // Counted by hand: the closing socket may already be gone from the list.
        let online_before = self.online(except) || !socket.away;
        if socket.replying {
            self.tell_visitor(socket.viewing.as_ref(), None).await;
        }
        if let Some(route) = &socket.viewing {
            self.viewers_changed(&route.id, except);
        }
        self.record_tabs(&socket.account_id, except).await;
        self.team_changed(&socket.account_id, online_before, except)
            .await;
    }

    /// Records in D1 how many tabs listen (without the closing socket
    /// `except`), in all and per agent (a rule assigns only agents online).
    async fn record_tabs(&self, account_id: &str, except: Option<&str>) {
        let sockets = self.sockets(except);
        let tabs = sockets.len();
        let mut agents: BTreeMap<String, usize> = BTreeMap::new();
        for (_, s) in sockets {
            *agents.entry(s.agent_id).or_default() += 1;
        }
        super::record_listeners(
            &self.state,
            &self.env,
            super::Listeners::Team(account_id.to_string(), agents),
            tabs,
        )
        .await;
    }
}
