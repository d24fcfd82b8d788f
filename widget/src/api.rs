//! The widget's client of the visitor API, on `fetch` and `JSON` from the
//! browser (no serde_json: every byte of the widget ships to every visitor),
//! with promise callbacks rather than async Rust (no executor to ship).
//! Each call hands the worker's answer, as the [`Action`] the state reacts
//! to, to the callback it was given; nothing here touches the DOM.

use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use web_sys::{Headers, RequestInit, Response};

use shared::conversation::Author;
use shared::form::{FieldMode, FormConfig, FormField};

use crate::form::{Answer, VisitorState};
use crate::state::Action;
use crate::thread::{Delivery, Line};

/// A failed call: the HTTP status (0 when the network failed) and the worker's answer.
#[derive(Debug)]
struct Failure {
    status: u16,
    /// The worker's JSON answer (`{"error": {...}}`), or null.
    body: JsValue,
}

impl Failure {
    fn network() -> Self {
        Failure {
            status: 0,
            body: JsValue::NULL,
        }
    }

    /// The worker's `error` object, if it sent one.
    fn error(&self) -> JsValue {
        Reflect::get(&self.body, &"error".into()).unwrap_or(JsValue::NULL)
    }

    /// The worker's readable message, if any.
    fn message(&self) -> Option<String> {
        text(&self.error(), "message")
    }

    /// Per-field rule violations the worker reported, as `(field, message)`.
    fn field_errors(&self) -> Vec<(FormField, String)> {
        let Ok(fields) = Reflect::get(&self.error(), &"fields".into()) else {
            return Vec::new();
        };
        if fields.is_undefined() || fields.is_null() {
            return Vec::new();
        }
        FormField::ALL
            .iter()
            .filter_map(|f| {
                let entry = Reflect::get(&fields, &f.as_str().into()).ok()?;
                let (code, message) = (
                    text(&entry, "code").unwrap_or_default(),
                    text(&entry, "message")?,
                );
                Some((
                    *f,
                    shared::i18n::rule(&code, &message, crate::locale::get()).to_string(),
                ))
            })
            .collect()
    }
}

/// A site's widget settings.
pub struct Config {
    /// The site's name, the panel's title.
    pub name: String,
    /// `left` or `right`.
    pub position: String,
    /// The bot's first line (empty for none).
    pub greeting: String,
    /// The offline message while the site is outside its business hours (empty when open).
    pub offline: String,
    /// What the Form step asks.
    pub form: FormConfig,
    /// The greeting in French, when the site has one.
    pub greeting_fr: Option<String>,
    /// The offline message in French, when the site has one.
    pub offline_fr: Option<String>,
}

fn visitor_state(answer: &JsValue) -> VisitorState {
    let visitor = Reflect::get(answer, &"visitor".into()).unwrap_or(JsValue::NULL);
    let known = Reflect::get(&visitor, &"known".into())
        .ok()
        .filter(js_sys::Array::is_array)
        .map(|k| {
            js_sys::Array::from(&k)
                .iter()
                .filter_map(|f| FormField::parse(&f.as_string()?))
                .collect()
        })
        .unwrap_or_default();
    let form_done = Reflect::get(&visitor, &"form_done".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    VisitorState { known, form_done }
}

/// Where a call's answer goes: the action it makes.
pub type Done = Box<dyn FnOnce(Action<Object>)>;

/// What a call hands on: the worker's JSON, or why not.
type Answered = Box<dyn FnOnce(Result<JsValue, Failure>)>;

#[wasm_bindgen]
extern "C" {
    /// A JS promise, as far as the widget chains it.
    type Thenable;
    #[wasm_bindgen(method)]
    fn then(this: &Thenable, f: &JsValue) -> Thenable;
    #[wasm_bindgen(method)]
    fn catch(this: &Thenable, f: &JsValue) -> Thenable;
    #[wasm_bindgen(js_namespace = Promise)]
    fn all(values: &Array) -> Thenable;
}

/// A promise callback made once for every call, as a JS function.
fn step(f: impl FnMut(JsValue) -> JsValue + 'static) -> JsValue {
    Closure::<dyn FnMut(JsValue) -> JsValue>::new(f).into_js_value()
}

/// Client of one worker's visitor API.
pub struct Api {
    base: String,
    /// A `Response` → a promise of `[status, JSON or null]`.
    read: JsValue,
    /// A fetch that failed (offline) → `[0, null]`.
    offline: JsValue,
}

/// Reads a string property.
pub fn text(obj: &JsValue, key: &str) -> Option<String> {
    Reflect::get(obj, &JsValue::from_str(key)).ok()?.as_string()
}

/// Reads a number property.
pub fn number(obj: &JsValue, key: &str) -> Option<f64> {
    Reflect::get(obj, &JsValue::from_str(key)).ok()?.as_f64()
}

/// Sets a string property.
pub fn set(obj: &Object, key: &str, value: &str) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), &JsValue::from_str(value));
}

/// `n` in decimal, at run time (the widget carries no integer formatting:
/// `core::fmt` would cost it kilobytes; constants use `shared::decimal!`).
pub fn decimal(n: u64) -> String {
    let mut out = if n >= 10 {
        decimal(n / 10)
    } else {
        String::new()
    };
    out.push(char::from(b'0' + (n % 10) as u8));
    out
}

/// A stored message from the worker's JSON; `None` if it is not one.
pub fn line(message: &JsValue) -> Option<Line> {
    Some(Line {
        id: text(message, "id"),
        client_id: text(message, "client_message_id"),
        author: Author::parse(&text(message, "author")?)?,
        author_name: text(message, "author_name"),
        body: text(message, "body")?,
        created_at: number(message, "created_at").unwrap_or(0.0),
        delivery: Delivery::Stored,
        seq: number(message, "seq").unwrap_or(0.0) as u64,
    })
}

impl Api {
    /// A client of the worker at `base` (e.g. `https://chat.example.com`, no trailing slash).
    pub fn new(base: &str) -> Self {
        let no_json = step(|_| JsValue::NULL);
        let read = step(move |response| {
            let response: Response = response.unchecked_into();
            let json = match response.json() {
                Ok(json) => json.unchecked_into::<Thenable>().catch(&no_json).into(),
                Err(_) => JsValue::NULL,
            };
            all(&Array::of2(&response.status().into(), &json)).into()
        });
        let offline = step(|_| Array::of2(&0.into(), &JsValue::NULL).into());
        Self {
            base: base.to_string(),
            read,
            offline,
        }
    }

    fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Object>,
        answered: Answered,
    ) {
        let init = RequestInit::new();
        init.set_method(method);
        let Ok(headers) = Headers::new() else {
            return answered(Err(Failure::network()));
        };
        if let Some(token) = token {
            let _ = headers.set("authorization", &["Bearer ", token].concat());
        }
        if let Some(body) = body {
            let _ = headers.set("content-type", "application/json");
            if let Ok(json) = JSON::stringify(body) {
                init.set_body(&json.into());
            }
        }
        init.set_headers(&headers);
        let Some(window) = web_sys::window() else {
            return answered(Err(Failure::network()));
        };
        let url = [self.base.as_str(), path].concat();
        let done = Closure::once_into_js(move |answer: JsValue| {
            let status = Reflect::get_u32(&answer, 0)
                .ok()
                .and_then(|s| s.as_f64())
                .unwrap_or(0.0) as u16;
            let body = Reflect::get_u32(&answer, 1).unwrap_or(JsValue::NULL);
            answered(if (200..300).contains(&status) {
                Ok(body)
            } else {
                Err(Failure { status, body })
            });
        });
        let fetched: Thenable = window.fetch_with_str_and_init(&url, &init).unchecked_into();
        fetched.then(&self.read).catch(&self.offline).then(&done);
    }
}

/// A site's widget settings from the worker's JSON; `None` when switched off.
pub fn parse_config(config: &JsValue) -> Option<Config> {
    // A site whose owner switched chat off shows nothing.
    if Reflect::get(config, &"enabled".into()).ok()?.as_bool() == Some(false) {
        return None;
    }
    let form = Reflect::get(config, &"form".into()).unwrap_or(JsValue::NULL);
    let mode = |field: &str| {
        text(&form, field)
            .and_then(|m| FieldMode::parse(&m))
            .unwrap_or(FieldMode::Hidden)
    };
    let text = |key: &str| text(config, key).unwrap_or_default();
    Some(Config {
        name: text("name"),
        position: text("position"),
        greeting: text("greeting"),
        offline: text("offline"),
        greeting_fr: Reflect::get(config, &"greetings".into())
            .ok()
            .and_then(|g| self::text(&g, "fr")),
        offline_fr: Reflect::get(config, &"offlines".into())
            .ok()
            .and_then(|g| self::text(&g, "fr")),
        form: FormConfig {
            phone: mode("phone"),
            company: mode("company"),
            full_name: mode("full_name"),
        },
    })
}

impl Api {
    /// Creates a visitor of the site: its token, or `None`.
    pub fn create_visitor(&self, site: &str, generation: u32, done: Done) {
        self.call(
            "POST",
            &["/api/widget/sites/", site, "/visitors"].concat(),
            None,
            None,
            Box::new(move |created| {
                done(Action::Created {
                    generation,
                    token: created.ok().and_then(|c| text(&c, "token")),
                });
            }),
        );
    }

    /// The live socket's address (`ws:` or `wss:`), naming the site (for a socket without a visitor).
    pub fn live_url(&self, site: &str) -> String {
        [
            "ws",
            self.base.get(4..).unwrap_or_default(),
            "/api/widget/live?site=",
            site,
        ]
        .concat()
    }

    /// The visitor's stored messages numbered after `after`, oldest first, what
    /// is known of the visitor, and when an agent last read the thread (0: never).
    pub fn load(&self, token: &str, after: u64, generation: u32, done: Done) {
        let mut path = String::from("/api/widget/conversation");
        if after > 0 {
            path.push_str("?after=");
            path.push_str(&decimal(after));
        }
        self.call(
            "GET",
            &path,
            Some(token),
            None,
            Box::new(move |answer| {
                let answer = answer.and_then(|answer| {
                    let messages: Array = Reflect::get(&answer, &"messages".into())
                        .map_err(|_| Failure::network())?
                        .unchecked_into();
                    let seen_at = number(&answer, "seen_at").unwrap_or(0.0);
                    // A resolved conversation still open to rating: for the rating module (widget/csat.js).
                    if let Some(rating) = Reflect::get(&answer, &"rating".into())
                        .ok()
                        .filter(JsValue::is_object)
                    {
                        crate::events::emit("rate", &rating);
                    }
                    Ok((
                        messages.iter().filter_map(|m| line(&m)).collect(),
                        visitor_state(&answer),
                        seen_at,
                    ))
                });
                done(Action::Loaded {
                    generation,
                    answer: answer.map_err(|f| f.status),
                });
            }),
        );
    }

    /// Submits the Form step's answer.
    pub fn submit_form(&self, token: &str, answer: &Answer, generation: u32, done: Done) {
        let payload = Object::new();
        for (field, value) in answer {
            set(&payload, field.as_str(), value);
        }
        self.call(
            "POST",
            "/api/widget/contact",
            Some(token),
            Some(&payload),
            Box::new(move |answer| {
                let answer = answer
                    .map(|a| visitor_state(&a))
                    .map_err(|f| (f.field_errors(), f.message()));
                done(Action::FormAnswered { generation, answer });
            }),
        );
    }

    /// Tells the worker who the host page says the visitor is.
    pub fn identify(&self, token: &str, identity: &Object, generation: u32, done: Done) {
        self.call(
            "POST",
            "/api/widget/identify",
            Some(token),
            Some(identity),
            Box::new(move |answer| {
                let answer = answer.map(|a| visitor_state(&a)).map_err(|f| {
                    f.message()
                        .unwrap_or_else(|| "the chat service could not be reached".into())
                });
                done(Action::Identified { generation, answer });
            }),
        );
    }

    /// Sends one message; the same `client_id` never stores it twice.
    pub fn send(&self, token: &str, client_id: String, body: &str, generation: u32, done: Done) {
        let payload = Object::new();
        set(&payload, "client_message_id", &client_id);
        set(&payload, "body", body);
        self.call(
            "POST",
            "/api/widget/messages",
            Some(token),
            Some(&payload),
            Box::new(move |answer| {
                let answer = answer.and_then(|answer| {
                    let message =
                        Reflect::get(&answer, &"message".into()).map_err(|_| Failure::network())?;
                    line(&message).ok_or(Failure::network())
                });
                done(Action::Sent {
                    generation,
                    client_id,
                    answer: answer.map_err(|f| f.status),
                });
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimal_spells_numbers_without_core_fmt() {
        for n in [0u64, 7, 10, 42, 1_000_000, u64::MAX] {
            assert_eq!(super::decimal(n), n.to_string());
        }
    }
}
