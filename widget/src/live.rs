//! The live socket's bridge: opens and closes the one WebSocket the state
//! asks for (the visitor token offered as the second subprotocol, never in
//! the URL), turns its events and pushes into actions, sends what the
//! visitor types, and pings while open. Every decision is in `state::live`.

use std::cell::{Cell, RefCell};

use js_sys::{Array, Reflect, JSON};
use shared::live::{PING, PING_MS, PONG};
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, WebSocket};

use crate::api::{line, number, text};
use crate::state::{Action, Push, Timer};
use crate::{dispatch, Shared};

/// The open (or opening) socket and its keep-alive: the browser's side of
/// what `state::live::Link` keeps the books of.
#[derive(Default)]
pub struct Socket {
    ws: RefCell<Option<WebSocket>>,
    /// The keep-alive interval, while the socket is open.
    ping: Cell<Option<i32>>,
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// Opens a socket for `token`, or without one the site's socket that
/// carries the team's presence only; replaces any other.
pub fn connect(inner: &Shared, token: Option<String>) {
    disconnect(inner);
    let parley = "parley".into();
    let protocols = match token {
        Some(token) => Array::of2(&parley, &token.into()),
        None => Array::of1(&parley),
    };
    let Ok(ws) = WebSocket::new_with_str_sequence(&inner.api.live_url(&inner.site), &protocols)
    else {
        return dispatch(inner, Action::Disconnected { now: now() });
    };
    let (i, j, k) = (inner.clone(), inner.clone(), inner.clone());
    let opened = Closure::<dyn FnMut()>::new(move || {
        keep_alive(&i);
        dispatch(&i, Action::Connected { now: now() });
    });
    let closed = Closure::<dyn FnMut()>::new(move || {
        stop_pings(&j);
        dispatch(&j, Action::Disconnected { now: now() });
    });
    let message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if let Some(push) = e
            .data()
            .as_string()
            .filter(|d| d.as_str() != PONG)
            .and_then(|d| parse(&d))
        {
            dispatch(&k, Action::Pushed(push));
        }
    });
    // Handed to the browser: freed with the socket once it is gone.
    ws.set_onopen(Some(opened.into_js_value().unchecked_ref()));
    ws.set_onclose(Some(closed.into_js_value().unchecked_ref()));
    ws.set_onmessage(Some(message.into_js_value().unchecked_ref()));
    *inner.socket.ws.borrow_mut() = Some(ws);
}

/// Closes the socket, if any, without hearing from it again.
pub fn disconnect(inner: &Shared) {
    stop_pings(inner);
    if let Some(ws) = inner.socket.ws.borrow_mut().take() {
        ws.set_onopen(None);
        ws.set_onclose(None);
        ws.set_onmessage(None);
        let _ = ws.close();
    }
}

/// Tells the team what the visitor is typing (`{"type":"typing","text":…}`).
pub fn say(inner: &Shared, typed: &str) {
    let message = js_sys::Object::new();
    crate::api::set(&message, "type", "typing");
    crate::api::set(&message, "text", typed);
    if let (Some(ws), Ok(json)) = (inner.socket.ws.borrow().as_ref(), JSON::stringify(&message)) {
        let _ = ws.send_with_str(&String::from(json));
    }
}

/// Dispatches `Action::Due(timer)` after `ms`.
pub fn after(inner: &Shared, ms: u32, timer: Timer) {
    let inner = inner.clone();
    let due = Closure::once_into_js(move || dispatch(&inner, Action::Due(timer)));
    if let Some(window) = web_sys::window() {
        let _ = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(due.unchecked_ref(), ms as i32);
    }
}

/// Pings every [`PING_MS`] while the socket is open (answered by the worker without waking it).
fn keep_alive(inner: &Shared) {
    let target = inner.clone();
    let ping = Closure::<dyn FnMut()>::new(move || {
        if let Some(ws) = target.socket.ws.borrow().as_ref() {
            let _ = ws.send_with_str(PING);
        }
    });
    let window = web_sys::window();
    let id = window.and_then(|w| {
        w.set_interval_with_callback_and_timeout_and_arguments_0(
            ping.into_js_value().unchecked_ref(),
            PING_MS as i32,
        )
        .ok()
    });
    inner.socket.ping.set(id);
}

fn stop_pings(inner: &Shared) {
    if let (Some(id), Some(window)) = (inner.socket.ping.take(), web_sys::window()) {
        window.clear_interval_with_handle(id);
    }
}

/// A push from its JSON text frame; `None` for anything else.
fn parse(frame: &str) -> Option<Push> {
    let push = JSON::parse(frame).ok()?;
    let field = |key: &str| Reflect::get(&push, &key.into()).ok();
    Some(match text(&push, "type")?.as_str() {
        "message" => Push::Message(line(&field("message")?)?),
        "typing" => Push::Typing(text(&push, "name")),
        "presence" => Push::Presence(field("online")?.as_bool()?),
        "seen" => Push::Seen(number(&push, "at")?),
        // A rating asked: for the rating module the facade loads on it (widget/csat.js).
        "rate" => {
            crate::events::emit("rate", &field("rating")?);
            return None;
        }
        _ => return None,
    })
}
