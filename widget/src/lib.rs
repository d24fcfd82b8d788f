//! Parley's chat widget: a launcher and a chat panel that a site owner adds to
//! their pages with one snippet (`www/loader.js` loads this module).
//!
//! State lives in [`state::Thread`] and [`Inner`]; [`view::View`] renders it;
//! [`api::Api`] talks to the worker; the visitor token is kept in a first-party
//! cookie; [`form::FormView`] is the chatbot's Form step.

mod api;
mod cookie;
mod events;
mod form;
mod state;
mod view;

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Object, Reflect};
use shared::form::{FieldMode, FormConfig, FormField};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Event, KeyboardEvent};

use crate::api::{Api, VisitorState};
use crate::form::FormView;
use crate::state::{Delivery, Thread};
use crate::view::View;

/// While the panel is open, new replies are fetched this often.
const POLL_MS: i32 = 3000;

struct Inner {
    site: String,
    api: Rc<Api>,
    view: View,
    greeting: String,
    form_config: FormConfig,
    thread: Thread,
    token: Option<String>,
    /// What the worker knows of this visitor; `None` until it has told us.
    visitor: Option<VisitorState>,
    /// An `identify` not yet sent (no visitor exists yet).
    identity: Option<Object>,
    form: Option<FormView>,
    /// Newest reply already announced to the host page; `None` before the first load.
    announced: Option<f64>,
    /// Bumped by `reset()`: answers to calls made before it are dropped.
    generation: u32,
    /// The visitor being created, awaited by everyone who needs a token meanwhile.
    creating: Option<js_sys::Promise>,
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

fn field_mode(config: &JsValue, field: &str) -> FieldMode {
    let form = Reflect::get(config, &"form".into()).unwrap_or(JsValue::NULL);
    api::text(&form, field).and_then(|m| FieldMode::parse(&m)).unwrap_or(FieldMode::Hidden)
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
    let form_config = FormConfig {
        phone: field_mode(&config, "phone"),
        company: field_mode(&config, "company"),
        full_name: field_mode(&config, "full_name"),
    };
    let token = cookie::read();
    if let Some(token) = &token {
        cookie::write(token); // every visit restarts the 30 days
    }
    let inner = Rc::new(RefCell::new(Inner {
        site,
        api,
        view,
        greeting,
        form_config,
        thread: Thread::default(),
        token,
        visitor: None,
        identity: None,
        form: None,
        announced: None,
        generation: 0,
        creating: None,
        open: false,
        flushing: false,
        poll: None,
        poll_tick: None,
    }));
    wire(&inner);
    if inner.borrow().token.is_some() {
        spawn_local(refresh(inner.clone()));
    }
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

    /// Ties this visitor to a person the host page knows:
    /// `{email, name?, phone?, account?, signature?}`.
    pub fn identify(&self, identity: JsValue) {
        let Some(identity) = identity.dyn_ref::<Object>().cloned() else {
            web_sys::console::error_1(&"Parley.identify expects an object like {email: ...}".into());
            return;
        };
        let (has_token, open) = {
            let mut w = self.inner.borrow_mut();
            w.identity = Some(identity);
            (w.token.is_some(), w.open)
        };
        if has_token || open {
            spawn_local(identify_then_refresh(self.inner.clone()));
        }
    }

    /// Forgets this visitor on this browser (e.g. when the host page's user signs out).
    pub fn reset(&self) {
        let mut w = self.inner.borrow_mut();
        forget_visitor(&mut w);
        w.generation += 1;
        w.thread = Thread::default();
        w.identity = None;
        w.announced = Some(0.0);
        w.form = None;
        w.view.show_in_form_slot(None);
        w.view.render(&w.greeting, &[]);
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
    let needs_identity = {
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
        w.identity.is_some()
    };
    events::emit(if open { "open" } else { "close" }, &JsValue::UNDEFINED);
    if open {
        if needs_identity {
            spawn_local(identify_then_refresh(inner.clone()));
        } else {
            spawn_local(refresh(inner.clone()));
        }
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
        let generation = inner.borrow().generation;
        let sent = match visitor_token(&inner).await {
            Some(token) => {
                let api = inner.borrow().api.clone();
                api.send(&token, &client_id, &body).await.map_err(|f| f.status)
            }
            None => Err(0),
        };
        if inner.borrow().generation != generation {
            continue; // reset() cleared the thread while this was in flight
        }
        {
            let mut w = inner.borrow_mut();
            match sent {
                Ok(line) => w.thread.confirm(line),
                Err(status) => {
                    if status == 401 {
                        forget_visitor(&mut w);
                    }
                    w.thread.fail(&client_id);
                }
            }
        }
        render(&inner);
    }
    inner.borrow_mut().flushing = false;
    if inner.borrow().visitor.is_none() {
        refresh(inner.clone()).await; // learn what the Form step must ask
    } else {
        update_form(&inner);
    }
}

/// The visitor's token, creating the visitor (and sending a pending identify)
/// on first need. Creation is single-flight: callers arriving meanwhile await
/// the same creation instead of making a second visitor.
async fn visitor_token(inner: &Shared) -> Option<String> {
    let pending = {
        let mut w = inner.borrow_mut();
        if let Some(token) = &w.token {
            return Some(token.clone());
        }
        match &w.creating {
            Some(promise) => promise.clone(),
            None => {
                let promise = wasm_bindgen_futures::future_to_promise(create_visitor(inner.clone()));
                w.creating = Some(promise.clone());
                promise
            }
        }
    };
    wasm_bindgen_futures::JsFuture::from(pending).await.ok().and_then(|token| token.as_string())
}

/// Creates the visitor, keeps its token, and sends a pending identify.
async fn create_visitor(inner: Shared) -> Result<JsValue, JsValue> {
    let (api, site, generation) = {
        let w = inner.borrow();
        (w.api.clone(), w.site.clone(), w.generation)
    };
    let created = api.create_visitor(&site).await;
    inner.borrow_mut().creating = None;
    let token = match created {
        Ok(token) if inner.borrow().generation == generation => token,
        _ => return Err(JsValue::NULL),
    };
    cookie::write(&token);
    inner.borrow_mut().token = Some(token.clone());
    send_identity(&inner, &token).await;
    Ok(token.into())
}

/// Sends a pending `identify`, if any.
async fn send_identity(inner: &Shared, token: &str) {
    let (api, identity) = {
        let mut w = inner.borrow_mut();
        (w.api.clone(), w.identity.take())
    };
    let Some(identity) = identity else { return };
    let generation = inner.borrow().generation;
    let answer = api.identify(token, &identity).await;
    if inner.borrow().generation != generation {
        return;
    }
    match answer {
        Ok(state) => {
            inner.borrow_mut().visitor = Some(state);
            update_form(inner);
        }
        Err(failure) => {
            let why = failure.message().unwrap_or_else(|| "the chat service could not be reached".into());
            web_sys::console::error_1(&["Parley.identify was refused: ", why.as_str()].concat().into());
        }
    }
}

async fn identify_then_refresh(inner: Shared) {
    if let Some(token) = visitor_token(&inner).await {
        send_identity(&inner, &token).await;
    }
    refresh(inner).await;
}

/// Fetches the stored thread and what is known of the visitor, shows anything
/// new, and tells the host page about new replies.
async fn refresh(inner: Shared) {
    let (api, token, generation) = {
        let w = inner.borrow();
        (w.api.clone(), w.token.clone(), w.generation)
    };
    let Some(token) = token else { return };
    let answer = api.conversation(&token).await;
    if inner.borrow().generation != generation {
        return; // reset() happened meanwhile: this answer belongs to a forgotten visitor
    }
    match answer {
        Ok((lines, state)) => {
            let (changed, replies) = {
                let mut w = inner.borrow_mut();
                let changed = w.thread.merge_stored(lines);
                w.visitor = Some(state);
                let newest = w.thread.newest_reply();
                let replies: Vec<JsValue> = match w.announced {
                    Some(after) => w.thread.replies_after(after).map(reply_detail).collect(),
                    None => Vec::new(), // history on first load is not news
                };
                w.announced = Some(newest.max(w.announced.unwrap_or(0.0)));
                (changed, replies)
            };
            if changed {
                render(&inner);
            }
            update_form(&inner);
            for detail in replies {
                events::emit("message", &detail);
            }
        }
        Err(failure) if failure.status == 401 => forget_visitor(&mut inner.borrow_mut()),
        Err(_) => {}
    }
}

fn reply_detail(line: &state::Line) -> JsValue {
    let detail = Object::new();
    api::set(&detail, "author", &line.author);
    api::set(&detail, "body", &line.body);
    if let Some(name) = &line.author_name {
        api::set(&detail, "author_name", name);
    }
    let _ = Reflect::set(&detail, &"created_at".into(), &line.created_at.into());
    detail.into()
}

/// Shows the Form step after the visitor's first message while it still has
/// something to ask; removes it once answered.
fn update_form(inner: &Shared) {
    let mut w = inner.borrow_mut();
    let ask = match &w.visitor {
        Some(state) if !state.form_done && w.thread.has_stored_visitor_line() => {
            w.form_config.fields_to_ask(&state.known)
        }
        _ => Vec::new(),
    };
    if ask.is_empty() {
        if w.form.take().is_some() {
            w.view.show_in_form_slot(None);
        }
        return;
    }
    if w.form.is_some() {
        return; // already shown: keep what the visitor typed
    }
    let Some(doc) = web_sys::window().and_then(|win| win.document()) else { return };
    let form = FormView::build(&doc, &ask);
    w.view.show_in_form_slot(Some(&form.element));
    on(&form.element, "submit", inner, |s, e| {
        e.prevent_default();
        spawn_local(submit_form(s.clone()));
    });
    w.form = Some(form);
}

/// Checks the Form step (the worker checks again) and sends it.
async fn submit_form(inner: Shared) {
    let (api, token, payload) = {
        let w = inner.borrow();
        let Some(form) = &w.form else { return };
        let values = form.values();
        let email_known = w.visitor.as_ref().is_some_and(|v| v.known.contains(&FormField::Email));
        if let Err(errors) = w.form_config.validate(&form::input(&values), email_known) {
            let errors: Vec<(FormField, &str)> = errors.iter().map(|(f, rule)| (*f, rule.message)).collect();
            form.show_errors(&errors);
            return;
        }
        form.show_errors(&[]);
        form.notice("");
        form.busy(true);
        let payload = Object::new();
        for (field, value) in FormField::ALL.iter().zip(values.iter()) {
            if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                api::set(&payload, field.as_str(), value);
            }
        }
        (w.api.clone(), w.token.clone(), payload)
    };
    let result = match token {
        Some(token) => api.submit_form(&token, &payload).await,
        None => return,
    };
    let mut w = inner.borrow_mut();
    match result {
        Ok(state) => {
            w.visitor = Some(state);
            w.form = None;
            let thanks = w.view.bot_note("Thanks! The team will reply here, and by email if you have left.");
            w.view.show_in_form_slot(Some(&thanks));
        }
        Err(failure) => {
            let Some(form) = &w.form else { return };
            form.busy(false);
            let fields = failure.field_errors();
            if fields.is_empty() {
                let why = failure.message().unwrap_or_else(|| "Could not send your details; please try again.".into());
                form.notice(&why);
            } else {
                let errors: Vec<(FormField, &str)> = fields.iter().map(|(f, m)| (*f, m.as_str())).collect();
                form.show_errors(&errors);
            }
        }
    }
}

/// Drops a token the worker no longer accepts (expired or unknown): the visitor starts afresh.
fn forget_visitor(w: &mut Inner) {
    w.token = None;
    w.visitor = None;
    cookie::clear();
}
