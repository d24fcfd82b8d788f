//! The live socket as state: when the widget wants one, what it does when the
//! socket opens, drops or cannot open (reconnect with backoff, or poll slowly),
//! what each push changes, and how the visitor's typing is paced. The bridge
//! (`crate::live`) only opens, closes and talks; every decision is here.

use shared::conversation::Author;
use shared::live::{poll_delay, reconnect_delay, PING_MS, TYPING_SEND_MS, TYPING_SHOW_MS};

use super::{Effect, State};
use crate::thread::Line;

/// What the worker pushed on the socket.
#[derive(Debug, PartialEq)]
pub enum Push {
    /// A stored message: a reply, or the visitor's own from another tab.
    Message(Line),
    /// An agent is typing (their name), or stopped.
    Typing(Option<String>),
    /// Whether anyone on the team is online.
    Presence(bool),
    /// An agent read the conversation at this time (ms).
    Seen(f64),
}

/// A timer the state asked for; it comes back as `Action::Due`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Timer {
    /// Reconnect, or poll and retry the socket (stale unless the epoch is current).
    Link(u32),
    /// Take the "is typing" indicator down, unless news came since (its revision).
    Typing(u32),
    /// Send the composer's latest text (the trailing typing send).
    TypingSend,
}

/// Where the socket stands.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Sock {
    /// None, and none wanted.
    #[default]
    Off,
    /// Opening.
    Connecting,
    /// Open: pushes arrive.
    Open,
    /// Waiting for a timer to reconnect (or to poll, then reconnect).
    Waiting,
}

/// The socket's bookkeeping.
#[derive(Debug, Default)]
pub struct Link {
    /// Where the socket stands.
    pub sock: Sock,
    /// Bumped on every change of socket, so an old timer is ignored.
    pub(super) epoch: u32,
    /// Drops in a row (reconnect backoff).
    tries: u32,
    /// Slow polls in a row (poll backoff).
    polls: u32,
    /// The last socket could not open: each timer polls before retrying.
    polling: bool,
    /// When the socket opened (ms).
    opened_at: f64,
    /// The socket was opened without a visitor: it hears the team's presence only.
    anonymous: bool,
    /// Revision of the "is typing" indicator.
    typing_rev: u32,
    /// The composer's text.
    typed: String,
    /// The text the agents last heard.
    said: String,
    /// When typing was last sent (ms).
    said_at: f64,
    /// A trailing typing send is scheduled.
    due: bool,
}

impl<I> State<I> {
    /// Whether the widget wants a socket: the panel is open (with no visitor
    /// yet, a socket for the team's presence only), or there is a visitor who
    /// awaits a reply or has replies they have not read.
    pub fn wants_socket(&self) -> bool {
        self.open || self.token.is_some() && (self.unread > 0 || self.thread.awaiting_reply())
    }

    /// Opens or closes the socket as [`Self::wants_socket`] says; a socket
    /// opened for another visitor than the widget's now (none, or a new one) is replaced.
    pub(super) fn sync_link(&mut self) {
        match (self.wants_socket(), self.link.sock) {
            (true, Sock::Off) => self.connect(),
            (true, _) if self.link.anonymous != self.token.is_none() => self.connect(),
            (false, Sock::Off) | (true, _) => {}
            (false, _) => {
                self.effects.push(Effect::Disconnect);
                self.link = Link {
                    typing_rev: self.link.typing_rev,
                    ..Link::default()
                };
                self.typing = None;
            }
        }
    }

    fn connect(&mut self) {
        self.effects.push(Effect::Connect(self.token.clone()));
        self.link.anonymous = self.token.is_none();
        self.link.sock = Sock::Connecting;
        self.link.epoch = self.link.epoch.wrapping_add(1);
    }

    /// Waits `ms` before the next attempt.
    fn wait(&mut self, ms: u32) {
        self.link.sock = Sock::Waiting;
        self.link.epoch = self.link.epoch.wrapping_add(1);
        self.effects
            .push(Effect::After(ms, Timer::Link(self.link.epoch)));
    }

    /// The socket opened: catch up on what came while it was not.
    pub(super) fn connected(&mut self, now: f64) {
        if self.link.sock != Sock::Connecting {
            return;
        }
        self.link.sock = Sock::Open;
        self.link.polls = 0;
        self.link.polling = false;
        self.link.opened_at = now;
        self.link.said.clear();
        self.load();
    }

    /// The socket closed. Dropped after opening: reconnect after a growing
    /// delay (from scratch if it had stayed up a while). Never opened: poll
    /// slowly, retrying the socket at each poll.
    pub(super) fn disconnected(&mut self, now: f64) {
        match self.link.sock {
            Sock::Open => {
                if now - self.link.opened_at >= f64::from(PING_MS) {
                    self.link.tries = 0;
                }
                let delay = reconnect_delay(self.link.tries);
                self.link.tries += 1;
                self.typing = None;
                self.wait(delay);
            }
            Sock::Connecting => {
                self.link.polling = true;
                let delay = poll_delay(self.link.polls);
                self.link.polls += 1;
                self.wait(delay);
            }
            Sock::Off | Sock::Waiting => {}
        }
    }

    /// The browser is back online: a socket waiting to retry retries now.
    pub(super) fn back_online(&mut self) {
        if self.link.sock == Sock::Waiting {
            self.connect();
        }
    }

    pub(super) fn due(&mut self, timer: Timer) {
        match timer {
            Timer::Link(epoch) if epoch == self.link.epoch && self.link.sock == Sock::Waiting => {
                if self.link.polling {
                    self.load();
                }
                self.connect();
            }
            Timer::Typing(rev) if rev == self.link.typing_rev => self.typing = None,
            Timer::TypingSend => {
                self.link.due = false;
                self.link.said_at += f64::from(TYPING_SEND_MS);
                self.say();
            }
            Timer::Link(_) | Timer::Typing(_) => {}
        }
    }

    pub(super) fn pushed(&mut self, push: Push) {
        match push {
            Push::Message(line) => {
                self.take_in(vec![line]);
                self.update_form();
            }
            Push::Typing(name) => {
                self.link.typing_rev = self.link.typing_rev.wrapping_add(1);
                if name.is_some() {
                    self.effects.push(Effect::After(
                        TYPING_SHOW_MS,
                        Timer::Typing(self.link.typing_rev),
                    ));
                }
                self.typing = name;
            }
            Push::Presence(online) => {
                self.online = online;
                self.update_form();
            }
            Push::Seen(at) => self.seen_at = self.seen_at.max(at),
        }
    }

    /// Takes in stored messages; replies that are news are announced to the
    /// host page, counted unread while the panel is closed, and end the
    /// "is typing" indicator.
    pub(super) fn take_in(&mut self, lines: Vec<Line>) {
        for line in self.thread.merge(lines) {
            if crate::thread::mine(line.author) {
                continue;
            }
            if line.author == Author::Agent {
                self.typing = None;
            }
            if self.announced {
                if !self.open {
                    self.unread += 1;
                }
                self.effects.push(Effect::Announce(line));
            }
        }
    }

    /// The composer now holds `text`: the agents hear it at most every
    /// [`TYPING_SEND_MS`], the last text always, and an empty composer at once.
    pub(super) fn typed(&mut self, text: String, now: f64) {
        self.link.typed = text;
        if self.link.typed.is_empty() || now - self.link.said_at >= f64::from(TYPING_SEND_MS) {
            self.link.said_at = now;
            self.say();
        } else if !self.link.due && self.heard() {
            self.link.due = true;
            let wait = f64::from(TYPING_SEND_MS) - (now - self.link.said_at);
            self.effects
                .push(Effect::After(wait as u32, Timer::TypingSend));
        }
    }

    /// Whether the team hears what the visitor types: their own socket is open.
    fn heard(&self) -> bool {
        self.link.sock == Sock::Open && !self.link.anonymous
    }

    /// Sends the composer's text if the visitor's socket is open and the agents
    /// have not heard it (never on a socket without a visitor: nobody wrote yet).
    pub(super) fn say(&mut self) {
        if self.heard() && self.link.typed != self.link.said {
            self.link.said.clone_from(&self.link.typed);
            self.effects.push(Effect::Say(self.link.typed.clone()));
        }
    }
}
