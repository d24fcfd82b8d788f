//! Parley's chat widget: a launcher and a chat panel that a site owner adds to
//! their pages with one snippet (`www/loader.js` loads this module).
//!
//! State lives in [`state::Thread`]; [`view::View`] renders it; [`api::Api`]
//! talks to the worker; the visitor token is kept in a first-party cookie.

mod api;
mod cookie;
mod state;
mod view;

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Event, KeyboardEvent};

use crate::api::Api;
use crate::state::{Delivery, Thread};
use crate::view::View;

/// While the panel is open, new replies are fetched this often.
const POLL_MS: i32 = 3000;

struct Inner {
    site: String,
    api: Rc<Api>,
    view: View,
    greeting: String,
    thread: Thread,
    token: Option<String>,
    open: bool,
    flushing: bool,
    poll: Option<i32>,
    poll_tick: Option<Closure<dyn FnMut()>>,
}

type Shared = Rc<RefCell<Inner>>;

/// A running widget on the page; the loader calls its methods for the snippet API.
#[wasm_bindgen]
pub struct Widget {
    inner: Shared,
}

/// Mounts the widget for `site`, talking to the worker at `base`.
#[wasm_bindgen]
pub async fn start(site: String, base: String) -> Result<Widget, JsValue> {
    let api = Rc::new(Api::new(&base));
    let config = api.config(&site).await.map_err(|_| JsValue::from_str("unknown site or worker unreachable"))?;
    // Mounted only once configured: the launcher never shows before it works.
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let view = View::mount(&doc).ok_or("could not mount the widget")?;
    let greeting = api::text(&config, "greeting").unwrap_or_default();
    view.configure(
        &api::text(&config, "name").unwrap_or_default(),
        &api::text(&config, "color").unwrap_or_default(),
        &api::text(&config, "position").unwrap_or_default(),
    );
    view.render(&greeting, &[]);
    let token = cookie::read();
    if let Some(token) = &token {
        cookie::write(token); // every visit restarts the 30 days
    }
    let inner = Rc::new(RefCell::new(Inner {
        site,
        api,
        view,
        greeting,
        thread: Thread::default(),
        token,
        open: false,
        flushing: false,
        poll: None,
        poll_tick: None,
    }));
    wire(&inner);
    Ok(Widget { inner })
}

#[wasm_bindgen]
impl Widget {
    /// Opens the chat panel.
    pub fn open(&self) {
        set_open(&self.inner, true);
    }

    /// Closes the chat panel.
    pub fn close(&self) {
        set_open(&self.inner, false);
    }
}

/// Connects the view's controls to the widget's behaviour.
fn wire(inner: &Shared) {
    let w = inner.borrow();
    on(&w.view.launcher, "click", inner, |s, _| {
        let open = !s.borrow().open;
        set_open(s, open);
    });
    on(&w.view.close, "click", inner, |s, _| set_open(s, false));
    on(&w.view.panel, "keydown", inner, |s, e| {
        if e.unchecked_ref::<KeyboardEvent>().key() == "Escape" {
            set_open(s, false);
            let _ = s.borrow().view.launcher.focus();
        }
    });
    on(&w.view.form, "submit", inner, |s, e| {
        e.prevent_default();
        submit(s);
    });
    on(&w.view.input, "keydown", inner, |s, e| {
        let key: &KeyboardEvent = e.unchecked_ref();
        if key.key() == "Enter" && !key.shift_key() && !key.is_composing() {
            e.prevent_default();
            submit(s);
        }
    });
    on(&w.view.list, "click", inner, |s, e| {
        let retry = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.get_attribute("data-retry"));
        if let Some(client_id) = retry {
            let retried = s.borrow_mut().thread.retry(&client_id).is_some();
            if retried {
                render(s);
                spawn_local(flush(s.clone()));
            }
        }
    });
}

/// Listens for `event` on `target` for the life of the page.
fn on(target: &web_sys::EventTarget, event: &str, inner: &Shared, handler: fn(&Shared, &Event)) {
    let inner = inner.clone();
    let listener = Closure::<dyn FnMut(Event)>::new(move |e: Event| handler(&inner, &e));
    let _ = target.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
    listener.forget();
}

fn render(inner: &Shared) {
    let w = inner.borrow();
    w.view.render(&w.greeting, &w.thread.lines);
}

fn set_open(inner: &Shared, open: bool) {
    {
        let mut w = inner.borrow_mut();
        if w.open == open {
            return;
        }
        w.open = open;
        w.view.set_open(open);
        let window = web_sys::window().expect("a window");
        if let Some(id) = w.poll.take() {
            window.clear_interval_with_handle(id);
        }
        if open {
            let tick_target = inner.clone();
            let tick = Closure::<dyn FnMut()>::new(move || spawn_local(refresh(tick_target.clone())));
            w.poll = window
                .set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), POLL_MS)
                .ok();
            w.poll_tick = Some(tick);
        }
    }
    if open {
        spawn_local(refresh(inner.clone()));
    }
}

/// Takes the composer's text as a new message and sends it.
fn submit(inner: &Shared) {
    let body = {
        let w = inner.borrow();
        let text = w.view.input.value();
        match shared::conversation::validate_body(&text) {
            Ok(body) => body.to_string(),
            Err(rule) => {
                w.view.notice(rule.message);
                return;
            }
        }
    };
    let client_id = web_sys::window().and_then(|w| w.crypto().ok()).map(|c| c.random_uuid()).unwrap_or_default();
    let now = js_sys::Date::now();
    {
        let mut w = inner.borrow_mut();
        w.view.input.set_value("");
        w.view.notice("");
        w.thread.push_sending(client_id, body, now);
    }
    render(inner);
    spawn_local(flush(inner.clone()));
}

/// Delivers every message waiting to be sent, one at a time and in order.
async fn flush(inner: Shared) {
    if std::mem::replace(&mut inner.borrow_mut().flushing, true) {
        return;
    }
    loop {
        let next = {
            let w = inner.borrow();
            w.thread
                .lines
                .iter()
                .find(|l| l.delivery == Delivery::Sending)
                .and_then(|l| Some((l.client_id.clone()?, l.body.clone())))
        };
        let Some((client_id, body)) = next else { break };
        let sent = match visitor_token(&inner).await {
            Some(token) => {
                let api = inner.borrow().api.clone();
                api.send(&token, &client_id, &body).await
            }
            None => Err(api::Failure { status: 0 }),
        };
        {
            let mut w = inner.borrow_mut();
            match sent {
                Ok(line) => w.thread.confirm(line),
                Err(failure) => {
                    if failure.status == 401 {
                        forget_visitor(&mut w);
                    }
                    w.thread.fail(&client_id);
                }
            }
        }
        render(&inner);
    }
    inner.borrow_mut().flushing = false;
}

/// The visitor's token, creating the visitor on their first message.
async fn visitor_token(inner: &Shared) -> Option<String> {
    let (api, site, token) = {
        let w = inner.borrow();
        (w.api.clone(), w.site.clone(), w.token.clone())
    };
    if token.is_some() {
        return token;
    }
    let token = api.create_visitor(&site).await.ok()?;
    cookie::write(&token);
    inner.borrow_mut().token = Some(token.clone());
    Some(token)
}

/// Fetches the stored thread and shows anything new.
async fn refresh(inner: Shared) {
    let (api, token) = {
        let w = inner.borrow();
        (w.api.clone(), w.token.clone())
    };
    let Some(token) = token else { return };
    match api.conversation(&token).await {
        Ok(lines) => {
            let changed = inner.borrow_mut().thread.merge_stored(lines);
            if changed {
                render(&inner);
            }
        }
        Err(failure) if failure.status == 401 => forget_visitor(&mut inner.borrow_mut()),
        Err(_) => {}
    }
}

/// Drops a token the worker no longer accepts (expired or unknown): the visitor starts afresh.
fn forget_visitor(w: &mut Inner) {
    w.token = None;
    cookie::clear();
}
