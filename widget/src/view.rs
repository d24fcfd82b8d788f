//! The widget's DOM, inside the shadow root the facade (`www/loader.js`) made,
//! so the host page's CSS and the widget's never mix. The facade drew the
//! launcher; the panel is built on first open, not before. [`View::render`]
//! shows the [`State`], touching only what changed since the last render; it
//! never calls the network. Every piece of user content is set as text, never HTML.

use shared::conversation::{Author, MAX_BODY_CHARS};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement, HtmlTextAreaElement, ShadowRoot};

use crate::api::Config;
use crate::form::{FormStep, Values};
use crate::form_view::FormView;
use crate::locale::t;
use crate::state::State;
use crate::thread::{Delivery, Line};
use shared::i18n::Text;

/// The panel's styles, minified from src/widget.css by build.rs.
const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.css"));

/// Handles on the launcher, and on the panel once it is built.
pub struct View {
    doc: Document,
    /// The shadow root the facade made: the panel goes next to the launcher.
    root: ShadowRoot,
    /// The facade's floating button that opens the panel.
    pub launcher: HtmlElement,
    /// The number of unread replies on the launcher.
    badge: Element,
    /// The unread count the launcher shows.
    unread: Option<u32>,
    /// The site's settings, for the panel.
    config: Config,
    /// The facade's `sheet`: styles the shadow root with CSS (a constructable
    /// stylesheet, which no Content-Security-Policy governs).
    sheet: js_sys::Function,
    /// The panel, once opened.
    pub panel: Option<Panel>,
}

/// The chat panel's elements.
pub struct Panel {
    doc: Document,
    /// The chat panel.
    pub panel: HtmlElement,
    /// The close button in the panel header.
    pub close: HtmlElement,
    /// The list of messages.
    pub list: Element,
    /// Scrolls the list and the Form step together.
    scroll: Element,
    /// Where the Form step (or its thank-you) is shown, after the messages.
    pub form_slot: Element,
    /// The composer form.
    pub form: Element,
    /// The message input.
    pub input: HtmlTextAreaElement,
    notice: Element,
    /// "Robin is typing…", under the thread.
    typing: Element,
    /// The Form step on screen, if it is.
    form_step: Option<FormView>,
    shown: Shown,
}

/// What the last render showed, so the next one changes only what differs
/// (a poll that brings nothing new neither redraws nor scrolls the thread).
#[derive(Default)]
struct Shown {
    open: bool,
    /// The thread's revision, the line marked seen, and whether the team was online.
    thread: Option<(u32, Option<usize>, bool)>,
    typing: Option<String>,
    loading: Option<bool>,
    notice: &'static str,
    composed: u32,
    form_revision: u32,
    thanked: bool,
}

fn el(doc: &Document, tag: &str, class: &str) -> Element {
    let e = doc
        .create_element(tag)
        .unwrap_or_else(|_| wasm_bindgen::throw_str(tag));
    if !class.is_empty() {
        e.set_class_name(class);
    }
    e
}

fn attr(e: &Element, name: &str, value: &str) {
    let _ = e.set_attribute(name, value);
}

fn html(e: Element) -> HtmlElement {
    e.unchecked_into()
}

impl View {
    /// Takes over the facade's `launcher` (in its shadow root, its badge last
    /// inside it) and its `sheet`; builds nothing yet.
    pub fn adopt(launcher: HtmlElement, config: Config, sheet: js_sys::Function) -> Option<View> {
        Some(View {
            doc: launcher.owner_document()?,
            root: launcher.parent_node()?.unchecked_into(),
            badge: launcher.last_element_child()?,
            launcher,
            unread: None,
            config,
            sheet,
            panel: None,
        })
    }

    /// Shows what `state` holds, changing only what differs from the last
    /// render; builds the panel when it first opens. Returns whether it did.
    pub fn render<I>(&mut self, state: &State<I>) -> bool {
        if self.unread != Some(state.unread) {
            self.unread = Some(state.unread);
            self.render_unread(state.unread);
        }
        let built = state.open && self.panel.is_none();
        if built {
            self.panel = self.build();
        }
        if let Some(panel) = &mut self.panel {
            panel.render(state, &self.config, &self.launcher);
        }
        built
    }

    /// Builds the (hidden) panel next to the launcher, with its styles and
    /// the site's name and side (its colour, `--accent`, the facade set on the
    /// shadow host: no `style` attribute, which a CSP may refuse).
    fn build(&self) -> Option<Panel> {
        let doc = &self.doc;
        self.sheet
            .call1(&wasm_bindgen::JsValue::NULL, &CSS.into())
            .ok()?;

        let side = if self.config.position == "left" {
            "panel left"
        } else {
            "panel right"
        };
        let panel = el(doc, "section", side);
        attr(&panel, "id", "parley-panel");
        attr(&panel, "role", "dialog");
        attr(&panel, "aria-label", &self.config.name);
        attr(&panel, "lang", crate::locale::get().tag());
        attr(&panel, "hidden", "");

        let header = el(doc, "header", "");
        let title = el(doc, "h2", "title");
        title.set_text_content(Some(&self.config.name));
        let close = el(doc, "button", "close");
        attr(&close, "type", "button");
        attr(&close, "aria-label", t(Text::CloseChat));
        close.set_text_content(Some("×"));
        header.append_with_node_2(&title, &close).ok()?;

        let scroll = el(doc, "div", "scroll");
        let list = el(doc, "ol", "messages");
        attr(&list, "aria-live", "polite");
        attr(&list, "aria-label", t(Text::Messages));
        let form_slot = el(doc, "div", "form-slot");
        scroll.append_with_node_2(&list, &form_slot).ok()?;
        let notice = el(doc, "p", "notice");
        attr(&notice, "role", "status");
        let typing = el(doc, "p", "typing");
        attr(&typing, "role", "status");

        let form = el(doc, "form", "composer");
        let label = el(doc, "label", "sr-only");
        attr(&label, "for", "parley-input");
        label.set_text_content(Some(t(Text::Message)));
        let input = el(doc, "textarea", "");
        attr(&input, "id", "parley-input");
        attr(&input, "rows", "1");
        attr(&input, "maxlength", shared::decimal!(MAX_BODY_CHARS));
        attr(&input, "placeholder", t(Text::WriteMessage));
        let send = el(doc, "button", "send");
        attr(&send, "type", "submit");
        send.set_text_content(Some(t(Text::Send)));
        // On a site that takes files, the facade (widget/facade.js) puts a
        // paperclip before `send` and handles picks, drops and pastes itself.
        form.append_with_node_3(&label, &input, &send).ok()?;

        panel
            .append_with_node_5(&header, &scroll, &typing, &notice, &form)
            .ok()?;
        self.root.append_child(&panel).ok()?;
        Some(Panel {
            doc: doc.clone(),
            panel: html(panel),
            close: html(close),
            list,
            scroll,
            form_slot,
            form,
            input: input.unchecked_into(),
            notice,
            typing,
            form_step: None,
            shown: Shown::default(),
        })
    }

    /// The values typed into the Form step, if it is shown.
    pub fn form_values(&self) -> Option<Values> {
        self.panel
            .as_ref()?
            .form_step
            .as_ref()
            .map(FormView::values)
    }

    /// The launcher's count of unread replies, and its label saying it.
    fn render_unread(&self, unread: u32) {
        let count = (unread > 0).then(|| crate::api::decimal(unread.into()));
        self.badge.set_text_content(count.as_deref());
        let label = match &count {
            Some(count) => [t(Text::OpenChat), t(Text::Unread), count].concat(),
            None => t(Text::OpenChat).into(),
        };
        attr(&self.launcher, "aria-label", &label);
    }
}

impl Panel {
    /// Shows what `state` holds, changing only what differs from the last render.
    fn render<I>(&mut self, state: &State<I>, config: &Config, launcher: &Element) {
        let thread = Some((state.thread.revision, state.seen(), state.online));
        if self.shown.thread != thread {
            self.shown.thread = thread;
            self.render_thread(&state.thread.lines, state.seen(), state.online, config);
        }
        if self.shown.typing != state.typing {
            self.shown.typing.clone_from(&state.typing);
            let typing = state
                .typing
                .as_deref()
                .map(|name| [name, t(Text::IsTyping)].concat());
            self.typing.set_text_content(typing.as_deref());
        }
        if self.shown.loading != Some(state.loading) {
            self.shown.loading = Some(state.loading);
            attr(
                &self.list,
                "aria-busy",
                if state.loading { "true" } else { "false" },
            );
        }
        self.render_form(&state.form);
        if self.shown.composed != state.composed {
            self.shown.composed = state.composed;
            self.input.set_value("");
        }
        if self.shown.notice != state.notice {
            self.shown.notice = state.notice;
            self.notice.set_text_content(Some(state.notice));
        }
        if self.shown.open != state.open {
            self.shown.open = state.open;
            self.panel.set_hidden(!state.open);
            attr(
                launcher,
                "aria-expanded",
                if state.open { "true" } else { "false" },
            );
            if state.open {
                let _ = self.input.focus();
            }
        }
    }

    /// Shows the Form step, its thank-you, or nothing, after the messages.
    fn render_form(&mut self, step: &FormStep) {
        match step {
            FormStep::Hidden => {
                if self.form_step.take().is_some() || std::mem::take(&mut self.shown.thanked) {
                    self.show_in_form_slot(None);
                }
            }
            FormStep::Asking(asking) => {
                if self.form_step.is_none() {
                    let form = FormView::build(&self.doc, &asking.fields);
                    self.show_in_form_slot(Some(&form.element));
                    self.form_step = Some(form);
                    self.shown.thanked = false;
                    self.shown.form_revision = 0; // a new form shows no errors yet
                }
                if let Some(form) = self
                    .form_step
                    .as_ref()
                    .filter(|_| self.shown.form_revision != asking.revision)
                {
                    form.show(asking);
                    self.shown.form_revision = asking.revision;
                }
            }
            FormStep::Thanked => {
                if !self.shown.thanked {
                    self.form_step = None;
                    self.shown.thanked = true;
                    let thanks = self.bot_note(t(Text::Thanks));
                    self.show_in_form_slot(Some(&thanks));
                }
            }
        }
    }

    /// Renders the thread: the greeting, the offline message if any (the
    /// site's, or while nobody is online a default one), then every line, as
    /// text, "Seen" under the line at `seen`.
    fn render_thread(&self, lines: &[Line], seen: Option<usize>, online: bool, config: &Config) {
        self.list.set_text_content(None);
        let offline = if online || !config.offline.is_empty() {
            config.offline.as_str()
        } else {
            t(Text::NobodyOnline)
        };
        for note in [config.greeting.as_str(), offline] {
            if !note.is_empty() {
                self.list
                    .append_child(&self.bubble(Author::Bot, None, note))
                    .ok();
            }
        }
        for (i, line) in lines.iter().enumerate() {
            let item = self.line(line, seen == Some(i));
            self.list.append_child(&item).ok();
        }
        self.scroll_to_end();
    }

    fn scroll_to_end(&self) {
        self.scroll.set_scroll_top(self.scroll.scroll_height());
    }

    /// Shows `element` (the Form step or its thank-you) after the messages.
    fn show_in_form_slot(&self, element: Option<&Element>) {
        self.form_slot.set_text_content(None);
        if let Some(element) = element {
            self.form_slot.append_child(element).ok();
            self.scroll_to_end();
        }
    }

    /// A bot bubble with `text`, for the form slot.
    fn bot_note(&self, text: &str) -> Element {
        let note = self.bubble(Author::Bot, None, text);
        let wrapper = el(&self.doc, "ol", "messages");
        wrapper.append_child(&note).ok();
        wrapper
    }

    fn bubble(&self, author: Author, author_name: Option<&str>, body: &str) -> Element {
        let mine = matches!(author, Author::Visitor | Author::Contact);
        let item = el(
            &self.doc,
            "li",
            if mine { "msg mine" } else { "msg theirs" },
        );
        attr(&item, "data-author", author.as_str());
        let who = el(&self.doc, "span", "sr-only");
        who.set_text_content(Some(t(if mine { Text::You } else { Text::Support })));
        let text = el(&self.doc, "p", "body");
        text.set_text_content(Some(body));
        item.append_with_node_2(&who, &text).ok();
        if let Some(name) = author_name {
            let by = el(&self.doc, "span", "author");
            by.set_text_content(Some(name));
            item.insert_before(&by, Some(&text)).ok();
        }
        item
    }

    fn line(&self, line: &Line, seen: bool) -> Element {
        let item = self.bubble(line.author, line.author_name.as_deref(), &line.body);
        let (at, delivery, client_id) = (line.created_at, line.delivery, line.client_id.as_deref());
        let meta = el(&self.doc, "span", "meta");
        match delivery {
            Delivery::Stored if seen => {
                meta.set_text_content(Some(&[clock(at).as_str(), " · ", t(Text::Seen)].concat()))
            }
            Delivery::Stored => meta.set_text_content(Some(&clock(at))),
            Delivery::Sending => meta.set_text_content(Some(t(Text::Sending))),
            Delivery::Failed => {
                item.class_list().add_1("failed").ok();
                meta.set_text_content(Some(t(Text::NotSent)));
                let retry = el(&self.doc, "button", "retry");
                attr(&retry, "type", "button");
                if let Some(id) = client_id {
                    attr(&retry, "data-retry", id);
                }
                retry.set_text_content(Some(t(Text::Retry)));
                meta.append_child(&retry).ok();
            }
        }
        item.append_child(&meta).ok();
        item
    }
}

/// `HH:MM` in the visitor's locale.
fn clock(ms: f64) -> String {
    let date = js_sys::Date::new(&ms.into());
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"hour".into(), &"2-digit".into());
    let _ = js_sys::Reflect::set(&options, &"minute".into(), &"2-digit".into());
    String::from(date.to_locale_time_string_with_options("default", &options))
}
