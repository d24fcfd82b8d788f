//! What one event does to a conversation's stored facts, in the shape the
//! worker writes it: counters added in SQL, values set where the row is still
//! in the state they assume, never a read-modify-write. Derived from
//! [`Facts::apply`] on that assumed state, so the rule stays in one place; a
//! host test replays changes with the SQL's guards and finds the facts of
//! [`Facts::of_timeline`].

use super::facts::{Event, Facts};
use super::hours::Calendar;
use super::stats::Tally;

/// What the worker knows of a conversation before its batch: the values that are set once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Known {
    /// When it started; `None` when this event is its first (its batch creates it).
    pub started_at: Option<u64>,
    /// The customer's first message, when one was stored before this batch.
    pub first_inbound_at: Option<u64>,
}

/// The state of the row a change applies in (checked in SQL); in any other it changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assumes {
    /// Any state: a message.
    Anything,
    /// Open (not resolved): a resolve.
    Open,
    /// Resolved: a reopen.
    Resolved,
}

/// A duration that this event ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ended {
    /// When it ended (the event), ms since the epoch.
    pub at: u64,
    /// Its length, ms.
    pub ms: u64,
    /// Its length within business hours; `None` without hours.
    pub business_ms: Option<u64>,
}

/// One event's change to a conversation's fact columns and its slot's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    /// When the event happened, ms since the epoch.
    pub at: u64,
    /// The state it applies in.
    pub assumes: Assumes,
    /// What the event's slot gains (`opened` when [`Known::started_at`] was `None`).
    pub tally: Tally,
    /// Added to `messages_in`.
    pub messages_in: u32,
    /// Added to `messages_out`.
    pub messages_out: u32,
    /// Added to `resolves`.
    pub resolves: u32,
    /// Added to `reopens`.
    pub reopens: u32,
    /// Sets `first_inbound_at` where it is still unset.
    pub first_inbound_at: Option<u64>,
    /// Sets the first response where `first_response_at` is unset and
    /// `first_inbound_at` is still [`Known::first_inbound_at`] (its start).
    pub first_response: Option<Ended>,
    /// Sets the resolution (`replies_to_resolve` is then the row's `messages_out`).
    pub resolution: Option<Ended>,
    /// Clears the resolution.
    pub reopen: bool,
}

impl Change {
    /// The change `event` makes to a conversation of which the worker knows `known`.
    pub fn of(event: &Event, known: Known, hours: Option<&Calendar>) -> Change {
        let assumes = match event.resolves() {
            Some(true) => Assumes::Open,
            Some(false) => Assumes::Resolved,
            None => Assumes::Anything,
        };
        let prior = Facts {
            started_at: known.started_at,
            first_inbound_at: known.first_inbound_at,
            resolved_at: (assumes == Assumes::Resolved).then_some(event.at()),
            ..Facts::default()
        };
        let mut after = prior;
        let tally = after.apply(event, hours);
        let ended = |at: Option<u64>, ms: Option<u64>, business_ms| {
            Some(Ended {
                at: at?,
                ms: ms?,
                business_ms,
            })
        };
        Change {
            at: event.at(),
            assumes,
            tally,
            messages_in: after.messages_in - prior.messages_in,
            messages_out: after.messages_out - prior.messages_out,
            resolves: after.resolves - prior.resolves,
            reopens: after.reopens - prior.reopens,
            first_inbound_at: after
                .first_inbound_at
                .filter(|_| prior.first_inbound_at.is_none()),
            first_response: ended(
                after.first_response_at,
                after.first_response_ms,
                after.first_response_business_ms,
            ),
            resolution: ended(
                after.resolved_at,
                after.resolution_ms,
                after.resolution_business_ms,
            )
            .filter(|_| prior.resolved_at.is_none()),
            reopen: prior.resolved_at.is_some() && after.resolved_at.is_none(),
        }
    }

    /// The row after this change, as the worker's guarded SQL leaves it
    /// (`resolved` standing for the status), and what its slot gains: the
    /// host's model of the SQL, for tests.
    pub fn write(&self, row: &mut Facts, known: Known) -> Tally {
        let resolved = row.resolved_at.is_some();
        let holds = match self.assumes {
            Assumes::Anything => true,
            Assumes::Open => !resolved,
            Assumes::Resolved => resolved,
        };
        // A first event opens the conversation whatever else it does.
        row.started_at.get_or_insert(self.at);
        if !holds {
            return Tally {
                opened: self.tally.opened,
                ..Tally::default()
            };
        }
        if let (Some(r), None, true) = (
            self.first_response,
            row.first_response_at,
            row.first_inbound_at == known.first_inbound_at,
        ) {
            row.first_response_at = Some(r.at);
            row.first_response_ms = Some(r.ms);
            row.first_response_business_ms = r.business_ms;
        }
        if let Some(at) = self.first_inbound_at {
            row.first_inbound_at.get_or_insert(at);
        }
        if let Some(r) = self.resolution {
            row.resolved_at = Some(r.at);
            row.resolution_ms = Some(r.ms);
            row.resolution_business_ms = r.business_ms;
            row.replies_to_resolve = Some(row.messages_out);
        }
        if self.reopen {
            row.resolved_at = None;
            row.resolution_ms = None;
            row.resolution_business_ms = None;
            row.replies_to_resolve = None;
        }
        row.messages_in += self.messages_in;
        row.messages_out += self.messages_out;
        row.resolves += self.resolves;
        row.reopens += self.reopens;
        self.tally
    }
}
