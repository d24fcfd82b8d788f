//! A site shard's visitor object: the widgets' sockets, each tagged with its
//! visitor (every tab of a browser shares one). It pushes replies, typing,
//! "seen" and the team's presence to them, and relays what a visitor types
//! to the account's inbox. A widget open before its visitor wrote has a
//! socket with no tag and no attachment: it hears presence and nothing else,
//! and what it sends is dropped. It keeps nothing but its sockets.

use std::cell::RefCell;
use std::collections::HashMap;

use shared::api::{InboxPush, WidgetPush, WidgetSays};
use shared::live::{typing_preview, MAX_FRAME_BYTES, TYPING_SEND_MS};
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket,
    WebSocketIncomingMessage, WebSocketPair,
};

use super::{keep_alive, socket_identity, Live, VisitorSocket};
use crate::clock::now_ms;

/// The widgets of one shard of a site.
#[durable_object(websocket)]
pub struct VisitorHub {
    state: State,
    env: Env,
    /// When each visitor's typing was last relayed (ms), while awake: frames
    /// closer together than half of [`TYPING_SEND_MS`] (faster than the widget
    /// ever sends) are dropped; a stop (empty text) always goes through.
    typed: RefCell<HashMap<String, u64>>,
}

/// The storage key that records a visitor an agent blocked (its sockets are
/// refused until it is unblocked).
fn blocked_key(visitor_id: &str) -> String {
    ["blocked:", visitor_id].concat()
}

/// The close code a blocked visitor's sockets get (4000–4999: the application's own).
pub const CLOSE_BLOCKED: u16 = 4003;

impl DurableObject for VisitorHub {
    fn new(state: State, env: Env) -> Self {
        keep_alive(&state);
        VisitorHub {
            state,
            env,
            typed: RefCell::new(HashMap::new()),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        match req.path().as_str() {
            "/connect" => self.connect(&req).await,
            "/watch" => {
                let pair = WebSocketPair::new()?;
                self.state.accept_web_socket(&pair.server);
                self.answer(pair, &socket_identity::<String>(&req)?).await
            }
            "/push" => {
                let visitor = req
                    .url()?
                    .query_pairs()
                    .find(|(k, _)| k == "visitor")
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default();
                super::relay(
                    &self.state.get_websockets_with_tag(&visitor),
                    &req.text().await?,
                );
                Response::ok("")
            }
            "/block" => {
                let visitor = req
                    .url()?
                    .query_pairs()
                    .find(|(k, _)| k == "visitor")
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default();
                let blocked: bool = serde_json::from_str(&req.text().await?)?;
                self.block(&visitor, blocked).await?;
                Response::ok("")
            }
            "/broadcast" => {
                super::relay(&self.state.get_websockets(), &req.text().await?);
                Response::ok("")
            }
            _ => Response::error("not found", 404),
        }
    }

    async fn websocket_message(
        &self,
        ws: WebSocket,
        message: WebSocketIncomingMessage,
    ) -> Result<()> {
        let WebSocketIncomingMessage::String(text) = message else {
            return Ok(());
        };
        if text.len() > MAX_FRAME_BYTES {
            return Ok(()); // no honest widget sends this much
        }
        let (Ok(WidgetSays::Typing { text }), Some(socket)) =
            (serde_json::from_str(&text), attachment(&ws))
        else {
            return Ok(());
        };
        if self.is_blocked(&socket.visitor_id).await {
            return Ok(()); // a frame that was on its way when the visitor was blocked
        }
        let now = now_ms();
        if !text.is_empty() {
            let mut typed = self.typed.borrow_mut();
            let last = typed.entry(socket.visitor_id.clone()).or_insert(0);
            if now.saturating_sub(*last) < u64::from(TYPING_SEND_MS) / 2 {
                return Ok(()); // faster than any honest widget sends
            }
            *last = now;
        }
        let push = InboxPush::VisitorTyping {
            visitor_id: socket.visitor_id,
            text: typing_preview(&text).to_string(),
        };
        Live::new(&self.env)
            .to_team(&socket.account_id, &push)
            .await;
        Ok(())
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

/// The visitor a socket's token proved.
fn attachment(ws: &WebSocket) -> Option<VisitorSocket> {
    ws.deserialize_attachment().ok().flatten()
}

impl VisitorHub {
    async fn connect(&self, req: &Request) -> Result<Response> {
        let socket: VisitorSocket = socket_identity(req)?;
        // Decided here, after any block this object heard: the worker's own
        // check may have read the visitor just before an agent blocked it.
        if self.is_blocked(&socket.visitor_id).await {
            return Response::error("visitor_blocked", 403);
        }
        let pair = WebSocketPair::new()?;
        self.state
            .accept_websocket_with_tags(&pair.server, &[socket.visitor_id.as_str()]);
        pair.server.serialize_attachment(&socket)?;
        // Counted before the widget hears it is connected (and catches up).
        self.record_tabs(&socket.visitor_id, None).await;
        self.answer(pair, &socket.account_id).await
    }

    /// Tells a new socket whether the account's team is online, and answers the upgrade.
    async fn answer(&self, pair: WebSocketPair, account_id: &str) -> Result<Response> {
        // Asked on every connect, so a widget never trusts an old answer.
        let online = Live::new(&self.env).team_online(account_id).await;
        super::send(&pair.server, &WidgetPush::Presence { online });
        let mut response = Response::from_websocket(pair.client)?;
        // The widget offers the `parley` subprotocol (its token rides beside it).
        response
            .headers_mut()
            .set("sec-websocket-protocol", "parley")?;
        Ok(response)
    }

    /// Blocks a visitor (closing its sockets, refusing new ones) or unblocks it.
    async fn block(&self, visitor_id: &str, blocked: bool) -> Result<()> {
        let storage = self.state.storage();
        if !blocked {
            storage.delete(&blocked_key(visitor_id)).await?;
            return Ok(());
        }
        storage.put(&blocked_key(visitor_id), true).await?;
        for ws in self.state.get_websockets_with_tag(visitor_id) {
            let _ = ws.close(Some(CLOSE_BLOCKED), Some("visitor_blocked"));
        }
        Ok(())
    }

    /// Whether an agent blocked this visitor (as this object heard it).
    async fn is_blocked(&self, visitor_id: &str) -> bool {
        matches!(
            self.state
                .storage()
                .get::<bool>(&blocked_key(visitor_id))
                .await,
            Ok(Some(true))
        )
    }

    /// A widget tab closed: its visitor has one listening tab fewer.
    async fn gone(&self, ws: &WebSocket) {
        if let Some(socket) = attachment(ws) {
            self.record_tabs(&socket.visitor_id, Some(&socket.socket_id))
                .await;
        }
    }

    /// Records in D1 how many of the visitor's tabs listen (without the closing socket `except`).
    async fn record_tabs(&self, visitor_id: &str, except: Option<&str>) {
        let tabs = self
            .state
            .get_websockets_with_tag(visitor_id)
            .iter()
            .filter_map(attachment)
            .filter(|s| Some(s.socket_id.as_str()) != except)
            .count();
        super::record_listeners(
            &self.state,
            &self.env,
            super::Listeners::Visitor(visitor_id.to_string()),
            tabs,
        )
        .await;
    }
}
