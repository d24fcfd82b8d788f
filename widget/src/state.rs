//! Everything the widget knows, and the one way it changes: [`State::apply`]
//! takes an [`Action`] (something the visitor, the host page or the worker
//! did) and returns the [`Effect`]s to carry out (requests, the cookie, events
//! for the host page). Pure: no DOM, no network, so it is tested on the host.
//!
//! The panel is closed or open; the thread fills as the visitor writes and the
//! team answers (pushed over the live socket, see [`live`]); after the first
//! message, or before it while nobody on the team is online, the Form step
//! asks for contact details. Answers from the worker carry the generation
//! they were asked in: `reset()` starts a new one, and answers about a
//! forgotten visitor are dropped.

use shared::conversation::validate_body;
use shared::form::{FormConfig, FormField};

use crate::form::{Answer, FormStep, Values, VisitorState};
use crate::thread::{Line, Thread};

mod action;
mod live;
pub use action::{Action, Effect};
pub use live::{Push, Timer};

/// What the worker knows of a visitor it has not met.
static NOBODY: VisitorState = VisitorState {
    known: Vec::new(),
    form_done: false,
};

/// Everything the widget knows.
#[derive(Debug)]
pub struct State<I> {
    /// Whether the panel is open.
    pub open: bool,
    /// The messages shown.
    pub thread: Thread,
    /// The chatbot's Form step.
    pub form: FormStep,
    /// A one-line notice under the thread (empty when none).
    pub notice: &'static str,
    /// Bumped each time the composer's text became a message (the view empties it).
    pub composed: u32,
    /// Whether the stored thread is still being fetched (the list is `aria-busy`).
    pub loading: bool,
    /// The agent typing a reply, while they do.
    pub typing: Option<String>,
    /// Whether anyone on the team is online (assumed until the socket says otherwise).
    pub online: bool,
    /// Replies that arrived while the panel was closed.
    pub unread: u32,
    /// When an agent last read the thread (ms, 0 never).
    seen_at: f64,
    /// The live socket.
    link: live::Link,
    config: FormConfig,
    token: Option<String>,
    /// What the worker knows of this visitor; `None` until it has told us.
    visitor: Option<VisitorState>,
    /// A Form answer waiting for its visitor to be created.
    answer: Option<Answer>,
    /// An `identify` not yet sent.
    identity: Option<I>,
    /// Whether replies are news (announced to the host page): not the history of the first load.
    announced: bool,
    /// Bumped by `reset()`: answers to calls made before it are dropped.
    generation: u32,
    /// A visitor is being created; everyone who needs a token waits for it.
    creating: bool,
    /// An identify is on its way; sends wait for it.
    identifying: bool,
    /// Fetch the thread once the pending identify is answered.
    reload_after_identify: bool,
    /// Sends are being delivered, one at a time and in order.
    flushing: bool,
    /// The send in flight, by client id.
    sending: Option<String>,
    effects: Vec<Effect<I>>,
}

impl<I> State<I> {
    /// The state of a freshly mounted widget, with the token from the cookie
    /// if any, and the replies the visitor had not read when the page before
    /// closed (the facade's marker, see [`Self::marker`]).
    pub fn start(config: FormConfig, token: Option<String>, unread: u32) -> (Self, Vec<Effect<I>>) {
        let mut state = State {
            open: false,
            thread: Thread::default(),
            form: FormStep::Hidden,
            notice: "",
            composed: 0,
            loading: token.is_some(),
            typing: None,
            online: true,
            unread: if token.is_some() { unread } else { 0 },
            seen_at: 0.0,
            link: live::Link::default(),
            config,
            visitor: None,
            token,
            answer: None,
            identity: None,
            announced: false,
            generation: 0,
            creating: false,
            identifying: false,
            reload_after_identify: false,
            flushing: false,
            sending: None,
            effects: Vec::new(),
        };
        if let Some(token) = &state.token {
            state.effects.push(Effect::StoreToken(token.clone())); // every visit restarts the 30 days
            state.load();
        }
        let effects = std::mem::take(&mut state.effects);
        (state, effects)
    }

    /// Reacts to `action`; returns what must be done, in order.
    pub fn apply(&mut self, action: Action<I>) -> Vec<Effect<I>> {
        match action {
            Action::Open => self.set_open(true),
            Action::Close => self.set_open(false),
            Action::Toggle => self.set_open(!self.open),
            Action::Identify(identity) => {
                self.identity = Some(identity);
                if self.token.is_some() || self.open {
                    self.identify_then_load();
                }
            }
            Action::Reset => self.reset(),
            Action::Visit if self.token.is_none() => self.create(),
            Action::Visit => {}
            Action::Typed { text, now } => self.typed(text, now),
            Action::Connected { now } => self.connected(now),
            Action::Disconnected { now } => self.disconnected(now),
            Action::Pushed(push) => self.pushed(push),
            Action::Due(timer) => self.due(timer),
            Action::Online => self.back_online(),
            Action::Submit {
                text,
                client_id,
                now,
            } => match validate_body(&text) {
                Ok(body) => {
                    self.typed(String::new(), now);
                    self.composed = self.composed.wrapping_add(1);
                    self.notice = "";
                    self.thread.push_sending(client_id, body.to_string(), now);
                    self.flushing = true;
                }
                Err(rule) => self.notice = rule.message,
            },
            Action::Retry(client_id) => {
                if self.thread.retry(&client_id).is_some() {
                    self.flushing = true;
                }
            }
            Action::SubmitForm(values) => self.submit_form(&values),
            Action::Created { generation, token } if generation == self.generation => {
                self.created(token)
            }
            Action::Identified { generation, answer } if generation == self.generation => {
                self.identified(answer)
            }
            Action::Loaded { generation, answer } if generation == self.generation => {
                self.loaded(answer)
            }
            Action::Sent {
                generation,
                client_id,
                answer,
            } => {
                self.sending = None;
                if generation == self.generation {
                    self.sent(&client_id, answer);
                }
            }
            Action::FormAnswered { generation, answer } if generation == self.generation => {
                match answer {
                    Ok(visitor) => {
                        self.visitor = Some(visitor);
                        self.form = FormStep::Thanked;
                    }
                    Err((fields, message)) => self.form.refused(fields, message),
                }
            }
            // An answer about a visitor forgotten since by reset().
            Action::Created { .. }
            | Action::Identified { .. }
            | Action::Loaded { .. }
            | Action::FormAnswered { .. } => {}
        }
        self.flush();
        self.sync_link();
        std::mem::take(&mut self.effects)
    }

    /// What the page's facade remembers for the next page (`www/loader.js`):
    /// the replies not yet read (0: none, but the visitor awaits a reply), or
    /// `None` when nothing waits. The next page then shows the count on its
    /// launcher and loads the widget in idle time, so the socket comes back.
    pub fn marker(&self) -> Option<u32> {
        (self.token.is_some() && (self.unread > 0 || self.thread.awaiting_reply()))
            .then_some(self.unread)
    }

    /// The visitor's last stored message, by index, once an agent has read it.
    pub fn seen(&self) -> Option<usize> {
        let line = self.thread.last_visitor_line()?;
        (self.seen_at > 0.0 && self.seen_at >= self.thread.lines.get(line)?.created_at)
            .then_some(line)
    }

    fn set_open(&mut self, open: bool) {
        if self.open == open {
            return;
        }
        self.open = open;
        self.effects
            .push(Effect::Emit(if open { "open" } else { "close" }));
        if open {
            self.unread = 0;
            // No visitor is made for looking: only for writing, the Form or
            // identify (the socket says who is online without one).
            if self.identity.is_some() {
                self.identify_then_load();
            } else {
                self.load();
            }
        }
    }

    /// Fetches the stored messages the thread does not have yet, if there is a visitor.
    fn load(&mut self) {
        if let Some(token) = &self.token {
            self.effects.push(Effect::Load {
                generation: self.generation,
                token: token.clone(),
                after: self.thread.last_seq(),
            });
        }
    }

    /// Starts creating the visitor, unless that is already under way.
    fn create(&mut self) {
        if !self.creating {
            self.creating = true;
            self.effects.push(Effect::CreateVisitor {
                generation: self.generation,
            });
        }
    }

    /// Sends the pending identify (creating the visitor first if need be), then fetches the thread.
    fn identify_then_load(&mut self) {
        self.reload_after_identify = true;
        if self.token.is_none() {
            self.create(); // the identify follows the creation
        } else if !self.send_identity() {
            self.reload_after_identify = false;
            self.load();
        }
    }

    /// Sends the pending identify, if any; returns whether it did.
    fn send_identity(&mut self) -> bool {
        let (Some(token), Some(identity)) = (&self.token, self.identity.take()) else {
            return false;
        };
        self.identifying = true;
        self.effects.push(Effect::Identify {
            generation: self.generation,
            token: token.clone(),
            identity,
        });
        true
    }

    fn created(&mut self, token: Option<String>) {
        self.creating = false;
        let Some(token) = token else {
            self.reload_after_identify = false;
            if self.answer.take().is_some() {
                self.form.refused(Vec::new(), None);
            }
            if self.flushing && self.sending.is_none() {
                // The send waiting for this visitor fails; the next one tries again.
                if let Some((client_id, _)) = self.thread.next_to_send() {
                    let client_id = client_id.to_string();
                    self.thread.fail(&client_id);
                }
            }
            return;
        };
        self.effects.push(Effect::StoreToken(token.clone()));
        self.effects.push(Effect::Emit("visitor"));
        if let Some(answer) = self.answer.take() {
            self.effects.push(Effect::SubmitForm {
                generation: self.generation,
                token: token.clone(),
                answer,
            });
        }
        self.token = Some(token);
        // A new visitor: the worker knows nothing of it yet (the Form stays as it is).
        self.visitor.get_or_insert_with(VisitorState::default);
        if !self.send_identity() && self.reload_after_identify {
            self.reload_after_identify = false;
            self.load();
        }
    }

    fn identified(&mut self, answer: Result<VisitorState, String>) {
        self.identifying = false;
        match answer {
            Ok(visitor) => {
                self.visitor = Some(visitor);
                self.update_form();
            }
            Err(why) => self.effects.push(Effect::IdentifyRefused(why)),
        }
        if std::mem::take(&mut self.reload_after_identify) {
            self.load();
        }
    }

    fn loaded(&mut self, answer: Result<(Vec<Line>, VisitorState, f64), u16>) {
        self.loading = false;
        match answer {
            Ok((lines, visitor, seen_at)) => {
                self.take_in(lines); // history on first load is not news
                self.announced = true;
                self.visitor = Some(visitor);
                self.seen_at = self.seen_at.max(seen_at);
                self.update_form();
            }
            Err(401) => self.forget(),
            Err(_) => {}
        }
    }

    fn sent(&mut self, client_id: &str, answer: Result<Line, u16>) {
        match answer {
            Ok(line) => drop(self.thread.merge(vec![line])),
            Err(status) => {
                if status == 401 {
                    self.forget();
                }
                self.thread.fail(client_id);
            }
        }
    }

    /// Delivers the oldest waiting send, once there is a visitor and nothing
    /// else is on its way; when none is left, learns what the Form step asks.
    fn flush(&mut self) {
        if !self.flushing || self.sending.is_some() || self.creating || self.identifying {
            return;
        }
        let Some((client_id, body)) = self.thread.next_to_send() else {
            self.flushing = false;
            if self.visitor.is_none() {
                self.load();
            } else {
                self.update_form();
            }
            return;
        };
        let Some(token) = &self.token else {
            return self.create();
        };
        let (client_id, body) = (client_id.to_string(), body.to_string());
        self.sending = Some(client_id.clone());
        self.effects.push(Effect::Send {
            generation: self.generation,
            token: token.clone(),
            client_id,
            body,
        });
    }

    fn email_known(&self) -> bool {
        self.visitor
            .as_ref()
            .is_some_and(|v| v.known.contains(&FormField::Email))
    }

    /// The Form step follows the visitor's first message; while nobody is
    /// online it comes first, so the reply can go by email.
    fn update_form(&mut self) {
        let ask = self.thread.has_stored_visitor_line() || (!self.online && !self.email_known());
        // A browser with no visitor yet is one the worker knows nothing of.
        let visitor = self
            .visitor
            .as_ref()
            .or(self.token.is_none().then_some(&NOBODY));
        self.form.update(&self.config, visitor, ask);
    }

    fn submit_form(&mut self, values: &Values) {
        let email_known = self.email_known();
        let Some(answer) = self.form.submit(&self.config, values, email_known) else {
            return;
        };
        match &self.token {
            Some(token) => self.effects.push(Effect::SubmitForm {
                generation: self.generation,
                token: token.clone(),
                answer,
            }),
            None => {
                // Answering the Form makes the visitor.
                self.answer = Some(answer);
                self.create();
            }
        }
    }

    /// Drops a token the worker no longer accepts (expired or unknown): the visitor starts afresh.
    fn forget(&mut self) {
        self.token = None;
        self.visitor = None;
        self.loading = false;
        self.seen_at = 0.0;
        self.unread = 0;
        self.thread.forget_stored();
        self.effects.push(Effect::ForgetToken);
    }

    fn reset(&mut self) {
        self.forget();
        self.generation = self.generation.wrapping_add(1);
        self.thread.clear();
        self.identity = None;
        self.answer = None;
        self.announced = true;
        self.form = FormStep::Hidden;
        self.creating = false;
        self.identifying = false;
        self.reload_after_identify = false;
    }
}

#[cfg(test)]
mod live_tests;
#[cfg(test)]
mod tests;
