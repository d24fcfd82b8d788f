//! The widget's client of the visitor API, on `fetch` and `JSON` from the
//! browser (no serde_json: every byte of the widget ships to every visitor).
//! Each call turns the worker's answer into the [`Action`] the state reacts
//! to; nothing here touches the DOM.

use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

use shared::conversation::Author;
use shared::form::{FieldMode, FormConfig, FormField};
use shared::site::Language;

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
        Failure { status: 0, body: JsValue::NULL }
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
        let Ok(fields) = Reflect::get(&self.error(), &"fields".into()) else { return Vec::new() };
        if fields.is_undefined() || fields.is_null() {
            return Vec::new();
        }
        FormField::ALL
            .iter()
            .filter_map(|f| {
                let entry = Reflect::get(&fields, &f.as_str().into()).ok()?;
                let (code, message) = (text(&entry, "code").unwrap_or_default(), text(&entry, "message")?);
                Some((*f, shared::i18n::rule(&code, &message, crate::locale::get()).to_string()))
            })
            .collect()
    }
}

/// A site's widget settings.
pub struct Config {
    /// The site's name, the panel's title.
    pub name: String,
    /// The accent colour (CSS).
    pub color: String,
    /// `left` or `right`.
    pub position: String,
    /// The bot's first line (empty for none).
    pub greeting: String,
    /// The offline message while the site is outside its business hours (empty when open).
    pub offline: String,
    /// What the Form step asks.
    pub form: FormConfig,
    /// The site's language setting.
    pub language: Language,
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
        .map(|k| js_sys::Array::from(&k).iter().filter_map(|f| FormField::parse(&f.as_string()?)).collect())
        .unwrap_or_default();
    let form_done = Reflect::get(&visitor, &"form_done".into()).ok().and_then(|v| v.as_bool()).unwrap_or(false);
    VisitorState { known, form_done }
}

/// Client of one worker's visitor API.
pub struct Api {
    base: String,
}

/// Reads a string property.
pub fn text(obj: &JsValue, key: &str) -> Option<String> {
    Reflect::get(obj, &JsValue::from_str(key)).ok()?.as_string()
}

fn number(obj: &JsValue, key: &str) -> Option<f64> {
    Reflect::get(obj, &JsValue::from_str(key)).ok()?.as_f64()
}

/// Sets a string property.
pub fn set(obj: &Object, key: &str, value: &str) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), &JsValue::from_str(value));
}

/// A stored message from the worker's JSON; `None` if it is not one.
fn line(message: &JsValue) -> Option<Line> {
    Some(Line {
        id: text(message, "id"),
        client_id: text(message, "client_message_id"),
        author: Author::parse(&text(message, "author")?)?,
        author_name: text(message, "author_name"),
        body: text(message, "body")?,
        created_at: number(message, "created_at").unwrap_or(0.0),
        delivery: Delivery::Stored,
    })
}

impl Api {
    /// A client of the worker at `base` (e.g. `https://chat.example.com`).
    pub fn new(base: &str) -> Self {
        Self { base: base.trim_end_matches('/').to_string() }
    }

    async fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<&Object>) -> Result<JsValue, Failure> {
        let init = RequestInit::new();
        init.set_method(method);
        let headers = Headers::new().map_err(|_| Failure::network())?;
        if let Some(token) = token {
            let _ = headers.set("authorization", &["Bearer ", token].concat());
        }
        if let Some(body) = body {
            let _ = headers.set("content-type", "application/json");
            let json = JSON::stringify(body).map_err(|_| Failure::network())?;
            init.set_body(&json.into());
        }
        init.set_headers(&headers);
        let window = web_sys::window().ok_or(Failure::network())?;
        let url = [self.base.as_str(), path].concat();
        let response: Response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
            .await
            .map_err(|_| Failure::network())?
            .unchecked_into();
        let status = response.status();
        let json = match response.json() {
            Ok(promise) => JsFuture::from(promise).await.unwrap_or(JsValue::NULL),
            Err(_) => JsValue::NULL,
        };
        if response.ok() {
            Ok(json)
        } else {
            Err(Failure { status, body: json })
        }
    }

    /// The site's widget configuration; `None` when unknown, unreachable or switched off.
    pub async fn config(&self, site: &str) -> Option<Config> {
        // Settings' live preview hands the unsaved configuration in (www/preview.js).
        let preview = Reflect::get(&js_sys::global(), &"parleyPreview".into()).ok().filter(JsValue::is_object);
        let config = match preview {
            Some(config) => config,
            None => self.call("GET", &["/api/widget/sites/", site, "/config"].concat(), None, None).await.ok()?,
        };
        // A site whose owner switched chat off shows nothing.
        if Reflect::get(&config, &"enabled".into()).ok()?.as_bool() == Some(false) {
            return None;
        }
        let form = Reflect::get(&config, &"form".into()).unwrap_or(JsValue::NULL);
        let mode = |field: &str| text(&form, field).and_then(|m| FieldMode::parse(&m)).unwrap_or(FieldMode::Hidden);
        let text = |key: &str| text(&config, key).unwrap_or_default();
        Some(Config {
            name: text("name"),
            color: text("color"),
            position: text("position"),
            greeting: text("greeting"),
            offline: text("offline"),
            language: Language::parse(&text("language")).unwrap_or(Language::Auto),
            greeting_fr: Reflect::get(&config, &"greetings".into()).ok().and_then(|g| self::text(&g, "fr")),
            offline_fr: Reflect::get(&config, &"offlines".into()).ok().and_then(|g| self::text(&g, "fr")),
            form: FormConfig { phone: mode("phone"), company: mode("company"), full_name: mode("full_name") },
        })
    }

    /// Creates a visitor of the site: its token, or `None`.
    pub async fn create_visitor<I>(&self, site: &str, generation: u32) -> Action<I> {
        let created = self.call("POST", &["/api/widget/sites/", site, "/visitors"].concat(), None, None).await;
        Action::Created { generation, token: created.ok().and_then(|c| text(&c, "token")) }
    }

    /// The visitor's stored messages, oldest first, and what is known of the visitor.
    pub async fn load<I>(&self, token: &str, generation: u32) -> Action<I> {
        let answer = self.call("GET", "/api/widget/conversation", Some(token), None).await.and_then(|answer| {
            let messages: js_sys::Array = Reflect::get(&answer, &"messages".into()).map_err(|_| Failure::network())?.unchecked_into();
            Ok((messages.iter().filter_map(|m| line(&m)).collect(), visitor_state(&answer)))
        });
        Action::Loaded { generation, answer: answer.map_err(|f| f.status) }
    }

    /// Submits the Form step's answer.
    pub async fn submit_form<I>(&self, token: &str, answer: &Answer, generation: u32) -> Action<I> {
        let payload = Object::new();
        for (field, value) in answer {
            set(&payload, field.as_str(), value);
        }
        let answer = self.call("POST", "/api/widget/contact", Some(token), Some(&payload)).await;
        let answer = answer.map(|a| visitor_state(&a)).map_err(|f| (f.field_errors(), f.message()));
        Action::FormAnswered { generation, answer }
    }

    /// Tells the worker who the host page says the visitor is.
    pub async fn identify<I>(&self, token: &str, identity: &Object, generation: u32) -> Action<I> {
        let answer = self.call("POST", "/api/widget/identify", Some(token), Some(identity)).await;
        let answer = answer
            .map(|a| visitor_state(&a))
            .map_err(|f| f.message().unwrap_or_else(|| "the chat service could not be reached".into()));
        Action::Identified { generation, answer }
    }

    /// Sends one message; the same `client_id` never stores it twice.
    pub async fn send<I>(&self, token: &str, client_id: String, body: &str, generation: u32) -> Action<I> {
        let payload = Object::new();
        set(&payload, "client_message_id", &client_id);
        set(&payload, "body", body);
        let answer = self.call("POST", "/api/widget/messages", Some(token), Some(&payload)).await.and_then(|answer| {
            let message = Reflect::get(&answer, &"message".into()).map_err(|_| Failure::network())?;
            line(&message).ok_or(Failure::network())
        });
        Action::Sent { generation, client_id, answer: answer.map_err(|f| f.status) }
    }
}
