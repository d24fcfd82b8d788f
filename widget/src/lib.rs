//! Parley's chat widget: a launcher and a chat panel that a site owner adds to
//! their pages with one snippet. The facade (`widget/facade.js`, served as
//! `www/loader.js`) draws the launcher and loads this module on intent.
//!
//! Data flows one way. The snippet API and the view's controls become
//! [`state::Action`]s; [`state::State`] changes and asks for
//! [`state::Effect`]s; [`view::View`] renders the new state; this bridge
//! carries out the effects: requests through [`api::Api`] (whose answers are
//! actions again), the live socket through [`live`] (whose events and pushes
//! are actions too), timers, the visitor cookie, and `parley:*` events for the host page.
//! [`form`] holds the Form step's rules and field state.

// The overview above links the crate's private modules: it is read with
// `cargo doc --document-private-items` (`make unit`), where the links resolve.
#![allow(rustdoc::private_intra_doc_links)]

/// A small free-list allocator: the widget is single-threaded, and dlmalloc
/// alone weighed about 6 KB of its wasm.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: the widget's wasm runs on one thread (no wasm threads are enabled).
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

mod api;
mod cookie;
mod events;
mod form;
mod form_view;
mod live;
mod locale;
mod state;
mod thread;
mod view;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{Event, HtmlElement, KeyboardEvent};

use crate::api::{Api, Done};
use crate::state::{Action, Effect, State};
use crate::thread::Line;
use crate::view::View;
use shared::i18n::Locale;

/// The running widget: its state, its view, and what carries out effects.
struct Bridge {
    site: String,
    api: Rc<Api>,
    state: RefCell<State<Object>>,
    view: RefCell<View>,
    /// The live socket (its bookkeeping is the state's `Link`).
    socket: live::Socket,
    /// Remembers [`State::marker`] for the next page (the facade's `mark`).
    mark: js_sys::Function,
    /// The marker last remembered.
    marked: Cell<Option<u32>>,
}

type Shared = Rc<Bridge>;

/// A running widget on the page; the facade calls its methods for the snippet API.
#[wasm_bindgen]
pub struct Widget {
    inner: Shared,
}

/// Starts the widget for `site`, talking to the worker at `base`, with the
/// site's `config` (JSON the facade fetched) and the facade's `launcher`.
/// `unread` is the facade's marker (replies unread when the last page
/// closed), `french` the language the facade chose, `mark` remembers the
/// marker for the next page, and `sheet` styles the shadow root with CSS.
/// Nothing of the panel is built before it opens.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn start(
    site: String,
    base: String,
    config: JsValue,
    launcher: HtmlElement,
    unread: Option<u32>,
    french: bool,
    mark: js_sys::Function,
    sheet: js_sys::Function,
) -> Result<Widget, JsValue> {
    locale::set(if french { Locale::Fr } else { Locale::En });
    let mut config = api::parse_config(&config).ok_or("unknown site or switched off")?;
    if french {
        if let Some(fr) = config.greeting_fr.take() {
            config.greeting = fr;
        }
        if let (false, Some(fr)) = (config.offline.is_empty(), config.offline_fr.take()) {
            config.offline = fr;
        }
    }
    let form = config.form;
    let mut view = View::adopt(launcher, config, sheet).ok_or("no launcher")?;
    let (state, effects) = State::start(form, cookie::read(), unread.unwrap_or(0));
    view.render(&state);
    let api = Rc::new(Api::new(&base));
    let socket = live::Socket::default();
    let inner = Rc::new(Bridge {
        site,
        api,
        state: RefCell::new(state),
        view: RefCell::new(view),
        socket,
        mark,
        marked: Cell::new(unread),
    });
    wire(&inner);
    run(&inner, effects);
    Ok(Widget { inner })
}

#[wasm_bindgen]
impl Widget {
    /// Opens the chat panel.
    pub fn open(&self) {
        dispatch(&self.inner, Action::Open);
    }

    /// Closes the chat panel.
    pub fn close(&self) {
        dispatch(&self.inner, Action::Close);
    }

    /// Ties this visitor to a person the host page knows:
    /// `{email, name?, phone?, account?, signature?, attributes?}`, sent as given
    /// (the worker sets `attributes` only for a verified identity).
    pub fn identify(&self, identity: JsValue) {
        match identity.dyn_into::<Object>() {
            Ok(identity) => dispatch(&self.inner, Action::Identify(identity)),
            Err(_) => web_sys::console::error_1(
                &"Parley.identify expects an object like {email: ...}".into(),
            ),
        }
    }

    /// Forgets this visitor on this browser (e.g. when the host page's user signs out).
    pub fn reset(&self) {
        dispatch(&self.inner, Action::Reset);
    }

    /// Makes the visitor, if there is none yet: a file is the first thing
    /// they write (`parley:visitor` says when the cookie holds its token).
    pub fn visit(&self) {
        dispatch(&self.inner, Action::Visit);
    }
}

/// Applies `action`, renders the new state, then carries out its effects.
fn dispatch(inner: &Shared, action: Action<Object>) {
    let effects = inner.state.borrow_mut().apply(action);
    let state = inner.state.borrow();
    if inner.view.borrow_mut().render(&state) {
        wire_panel(inner);
    }
    let marker = state.marker();
    if !state.loading && inner.marked.get() != marker {
        inner.marked.set(marker);
        let _ = inner
            .mark
            .call1(&JsValue::NULL, &marker.map_or(JsValue::NULL, JsValue::from));
    }
    drop(state);
    run(inner, effects);
}

/// Carries out effects in order. Requests run in the background and
/// dispatch their answer; host-page listeners may call back into the widget.
fn run(inner: &Shared, effects: Vec<Effect<Object>>) {
    for effect in effects {
        let api = &inner.api;
        match effect {
            Effect::CreateVisitor { generation } => {
                api.create_visitor(&inner.site, generation, answer(inner))
            }
            Effect::Identify {
                generation,
                token,
                identity,
            } => api.identify(&token, &identity, generation, answer(inner)),
            Effect::Load {
                generation,
                token,
                after,
            } => api.load(&token, after, generation, answer(inner)),
            Effect::Send {
                generation,
                token,
                client_id,
                body,
            } => api.send(&token, client_id, &body, generation, answer(inner)),
            Effect::SubmitForm {
                generation,
                token,
                answer: details,
            } => api.submit_form(&token, &details, generation, answer(inner)),
            Effect::StoreToken(token) => cookie::write(&token),
            Effect::ForgetToken => cookie::clear(),
            Effect::Connect(token) => live::connect(inner, token),
            Effect::Disconnect => live::disconnect(inner),
            Effect::Say(typed) => live::say(inner, &typed),
            Effect::After(ms, timer) => live::after(inner, ms, timer),
            Effect::Emit(name) => events::emit(name, &JsValue::UNDEFINED),
            Effect::Announce(line) => events::emit("message", &reply_detail(&line)),
            Effect::IdentifyRefused(why) => {
                web_sys::console::error_1(
                    &["Parley.identify was refused: ", why.as_str()]
                        .concat()
                        .into(),
                );
            }
        }
    }
}

/// Where a request's answer goes: dispatched as the action it makes.
fn answer(inner: &Shared) -> Done {
    let inner = inner.clone();
    Box::new(move |action| dispatch(&inner, action))
}

/// Connects the launcher, and the browser coming back online, to actions.
fn wire(inner: &Shared) {
    on(&inner.view.borrow().launcher, "click", inner, |s, _| {
        dispatch(s, Action::Toggle)
    });
    if let Some(window) = web_sys::window() {
        on(&window, "online", inner, |s, _| dispatch(s, Action::Online));
    }
}

/// Connects the panel's controls to actions, once it is built.
fn wire_panel(inner: &Shared) {
    let view = inner.view.borrow();
    let Some(w) = &view.panel else { return };
    on(&w.close, "click", inner, |s, _| dispatch(s, Action::Close));
    on(&w.panel, "keydown", inner, |s, e| {
        if e.unchecked_ref::<KeyboardEvent>().key() == "Escape" {
            dispatch(s, Action::Close);
            let _ = s.view.borrow().launcher.focus();
        }
    });
    on(&w.form, "submit", inner, |s, e| {
        e.prevent_default();
        submit(s);
    });
    on(&w.input, "input", inner, |s, _| {
        let text = composed(s);
        dispatch(
            s,
            Action::Typed {
                text,
                now: js_sys::Date::now(),
            },
        );
    });
    on(&w.input, "keydown", inner, |s, e| {
        let key: &KeyboardEvent = e.unchecked_ref();
        if key.key() == "Enter" && !key.shift_key() && !key.is_composing() {
            e.prevent_default();
            submit(s);
        }
    });
    on(&w.list, "click", inner, |s, e| {
        let retry = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.get_attribute("data-retry"));
        if let Some(client_id) = retry {
            dispatch(s, Action::Retry(client_id));
        }
    });
    // The Form step is rebuilt as the state asks; its submit bubbles up to the slot.
    on(&w.form_slot, "submit", inner, |s, e| {
        e.prevent_default();
        let values = s.view.borrow().form_values();
        if let Some(values) = values {
            dispatch(s, Action::SubmitForm(values));
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

/// Takes the composer's text as a new message, with a fresh client id.
fn submit(inner: &Shared) {
    let text = composed(inner);
    let client_id = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_default();
    dispatch(
        inner,
        Action::Submit {
            text,
            client_id,
            now: js_sys::Date::now(),
        },
    );
}

/// The composer's text.
fn composed(inner: &Shared) -> String {
    inner
        .view
        .borrow()
        .panel
        .as_ref()
        .map(|p| p.input.value())
        .unwrap_or_default()
}

/// The `parley:message` detail of a reply: `{author, body, author_name?, created_at}`.
fn reply_detail(line: &Line) -> JsValue {
    let detail = Object::new();
    api::set(&detail, "author", line.author.as_str());
    api::set(&detail, "body", &line.body);
    if let Some(name) = &line.author_name {
        api::set(&detail, "author_name", name);
    }
    let _ = Reflect::set(&detail, &"created_at".into(), &line.created_at.into());
    detail.into()
}
