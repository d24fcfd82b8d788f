//! A conversation's report facts: a few flat values the worker keeps on the
//! conversation row, updated from each event in the batch that stores it
//! ([`Facts::apply`]), and the same facts read off a whole timeline
//! ([`Facts::of_timeline`]); a test holds the two equal.
//!
//! What the worker computes in Rust reads only values set once (`started_at`,
//! `first_inbound_at`), so it may read them before its batch; each update is
//! then guarded in SQL by the state it assumes (`first_response_at IS NULL`,
//! the status), and counters are incremented there (`messages_in + 1`).

use super::hours::Calendar;
use super::stats::Tally;
use crate::conversation::{Author, Direction};
use crate::email::loops::Flag;
use crate::trail::TrailKind;

/// One event of a conversation's timeline, in the order it was stored (`at` never decreases).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A message was stored.
    Message {
        /// When, ms since the epoch.
        at: u64,
        /// Who wrote it (its direction follows).
        author: Author,
        /// Sent by a machine for a person: an auto-reply, bulk mail or a bounce ([`automated`]).
        automated: bool,
    },
    /// A trail event; only the status changes count (closed, reopened, reopened by reply).
    Trail {
        /// When, ms since the epoch.
        at: u64,
        /// What happened.
        kind: TrailKind,
    },
}

impl Event {
    /// When it happened.
    pub const fn at(&self) -> u64 {
        match *self {
            Event::Message { at, .. } | Event::Trail { at, .. } => at,
        }
    }

    /// A message from the customer that counts: inbound and written by a person.
    fn customer(&self) -> bool {
        matches!(*self, Event::Message { author, automated: false, .. } if author.direction() == Direction::Inbound)
    }

    /// A reply that counts: by an agent (a person of the team), not the bot, not automated.
    fn agent(&self) -> bool {
        matches!(
            *self,
            Event::Message {
                author: Author::Agent,
                automated: false,
                ..
            }
        )
    }

    /// `Some(true)` for a resolve, `Some(false)` for a reopen, `None` for anything else.
    pub(super) fn resolves(&self) -> Option<bool> {
        match *self {
            Event::Trail {
                kind: TrailKind::Closed,
                ..
            } => Some(true),
            Event::Trail {
                kind: TrailKind::Reopened | TrailKind::ReopenedByReply,
                ..
            } => Some(false),
            _ => None,
        }
    }
}

/// Whether an inbound mail with these flags was sent by a machine (auto-reply, bulk, bounce):
/// such mail neither starts the first-response clock nor counts as a message in.
pub fn automated(flags: &[Flag]) -> bool {
    flags
        .iter()
        .any(|f| matches!(f, Flag::AutoReply | Flag::Bulk | Flag::Bounce))
}

/// What the reports know of one conversation, flat enough for columns of its row.
/// Durations are ms; the `_business_ms` ones count only time within the
/// site's business hours and are `None` when the site keeps none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// When it started: its first event.
    pub started_at: Option<u64>,
    /// The customer's first message (automated mail aside): the first-response clock starts.
    pub first_inbound_at: Option<u64>,
    /// The first agent reply after `first_inbound_at`; set once, never moved.
    pub first_response_at: Option<u64>,
    /// `first_response_at - first_inbound_at`.
    pub first_response_ms: Option<u64>,
    /// The same span within business hours.
    pub first_response_business_ms: Option<u64>,
    /// The latest resolve while it stays resolved; `None` while open.
    pub resolved_at: Option<u64>,
    /// `resolved_at - started_at`.
    pub resolution_ms: Option<u64>,
    /// The same span within business hours.
    pub resolution_business_ms: Option<u64>,
    /// Agent replies before `resolved_at`.
    pub replies_to_resolve: Option<u32>,
    /// Customer messages so far (automated mail aside).
    pub messages_in: u32,
    /// Agent messages so far (the bot's and automated ones aside).
    pub messages_out: u32,
    /// Resolves so far.
    pub resolves: u32,
    /// Reopens so far.
    pub reopens: u32,
}

impl Facts {
    /// The facts after one more event, and what it adds to its period's counts.
    pub fn apply(&mut self, event: &Event, hours: Option<&Calendar>) -> Tally {
        let at = event.at();
        let mut tally = Tally::default();
        if self.started_at.is_none() {
            self.started_at = Some(at);
            tally.opened = 1;
        }
        if event.customer() {
            tally += self.on_customer_message(at);
        } else if event.agent() {
            tally += self.on_agent_reply(at, hours);
        } else if let Some(resolve) = event.resolves() {
            tally += if resolve {
                self.on_resolve(at, hours)
            } else {
                self.on_reopen()
            };
        }
        tally
    }

    /// A customer message: counted; the first one starts the first-response clock.
    fn on_customer_message(&mut self, at: u64) -> Tally {
        self.messages_in += 1;
        self.first_inbound_at.get_or_insert(at);
        Tally {
            messages_in: 1,
            ..Tally::default()
        }
    }

    /// An agent reply: counted; the first after the customer's first message is the first response.
    fn on_agent_reply(&mut self, at: u64, hours: Option<&Calendar>) -> Tally {
        self.messages_out += 1;
        if let (Some(from), None) = (self.first_inbound_at, self.first_response_at) {
            self.first_response_at = Some(at);
            self.first_response_ms = Some(at.saturating_sub(from));
            self.first_response_business_ms = hours.map(|h| h.business_ms(from, at));
        }
        Tally {
            messages_out: 1,
            ..Tally::default()
        }
    }

    /// A resolve: the resolution time runs from the start to it; a resolved conversation stays as it is.
    fn on_resolve(&mut self, at: u64, hours: Option<&Calendar>) -> Tally {
        if self.resolved_at.is_some() {
            return Tally::default();
        }
        let from = *self.started_at.get_or_insert(at);
        self.resolves += 1;
        self.resolved_at = Some(at);
        self.resolution_ms = Some(at.saturating_sub(from));
        self.resolution_business_ms = hours.map(|h| h.business_ms(from, at));
        self.replies_to_resolve = Some(self.messages_out);
        Tally {
            resolved: 1,
            ..Tally::default()
        }
    }

    /// A reopen: the conversation is no longer resolved; an open one stays as it is.
    fn on_reopen(&mut self) -> Tally {
        if self.resolved_at.is_none() {
            return Tally::default();
        }
        self.reopens += 1;
        self.resolved_at = None;
        self.resolution_ms = None;
        self.resolution_business_ms = None;
        self.replies_to_resolve = None;
        Tally {
            reopened: 1,
            ..Tally::default()
        }
    }

    /// The facts of a whole timeline, and its counts, read off it by each
    /// metric's definition (not by replaying [`Facts::apply`]).
    pub fn of_timeline(events: &[Event], hours: Option<&Calendar>) -> (Facts, Tally) {
        let started_at = events.first().map(Event::at);
        let first_in = events.iter().position(Event::customer);
        let first_reply = first_in.and_then(|i| events[i..].iter().find(|e| e.agent()));
        // Status changes that change the status: the conversation starts open.
        let mut changes: Vec<(usize, bool)> = vec![];
        for (i, resolve) in events
            .iter()
            .enumerate()
            .filter_map(|(i, e)| Some((i, e.resolves()?)))
        {
            if resolve != changes.last().is_some_and(|c| c.1) {
                changes.push((i, resolve));
            }
        }
        let resolves = changes.iter().filter(|c| c.1).count() as u32;
        let reopens = changes.len() as u32 - resolves;
        let last_resolve = changes.last().filter(|c| c.1).map(|c| c.0);
        let agents_before = |end: usize| events[..end].iter().filter(|e| e.agent()).count() as u32;
        let span = |from: u64, to: u64| (to - from, hours.map(|h| h.business_ms(from, to)));
        let from_in = first_in.map(|i| events[i].at());
        let response = first_reply.zip(from_in).map(|(r, f)| span(f, r.at()));
        let resolution = last_resolve
            .zip(started_at)
            .map(|(i, s)| span(s, events[i].at()));
        let facts = Facts {
            started_at,
            first_inbound_at: from_in,
            first_response_at: first_reply.map(Event::at),
            first_response_ms: response.map(|r| r.0),
            first_response_business_ms: response.and_then(|r| r.1),
            resolved_at: last_resolve.map(|i| events[i].at()),
            resolution_ms: resolution.map(|r| r.0),
            resolution_business_ms: resolution.and_then(|r| r.1),
            replies_to_resolve: last_resolve.map(agents_before),
            messages_in: events.iter().filter(|e| e.customer()).count() as u32,
            messages_out: agents_before(events.len()),
            resolves,
            reopens,
        };
        let tally = Tally {
            opened: u32::from(started_at.is_some()),
            resolved: resolves,
            reopened: reopens,
            messages_in: facts.messages_in,
            messages_out: facts.messages_out,
        };
        (facts, tally)
    }
}
