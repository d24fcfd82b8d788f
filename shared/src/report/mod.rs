//! Reports: each metric defined once, from a conversation's timeline (its
//! messages by [`Author`](crate::conversation::Author) and its status changes
//! by [`TrailKind`](crate::trail::TrailKind)), kept as a few flat [`Facts`]
//! on the conversation and [`Tally`] counts per rollup slot, summed and
//! summarised over a [`Cut`] in the account's time zone.
//!
//! **Definitions** (Parley; then Chatwoot's and Intercom's, from their reports' docs):
//! - *Opened*: a conversation's first stored event. Chatwoot: conversations created. Intercom: new conversations a customer started.
//! - *Resolved*: each close of an open conversation (twice closed, twice counted). Chatwoot: resolution count, each resolve. Intercom: closed conversations, each close.
//! - *Reopened*: each reopen of a closed conversation, by hand or by the customer's reply. Chatwoot: no reopen count. Intercom: a reopen starts a new close cycle.
//! - *Messages in*: messages from the visitor or contact, auto-replies, bulk mail and bounces aside. Chatwoot: incoming messages. Intercom: customer messages (parts).
//! - *Messages out*: agents' messages; the bot's lines are not the team's. Chatwoot: outgoing messages, bots' included. Intercom: replies sent by teammates.
//! - *First response time*: from the customer's first message to the first agent reply after it, chat, email and Messenger alike; the bot's and automated messages never stop the clock; set once, a reopen does not reset it. Chatwoot: first human reply after creation (or after the bot's handoff). Intercom: first teammate reply after the customer's first message (or the bot's handover).
//! - *Resolution time*: from the conversation's start to its latest resolve, counted once per conversation (a reopen withdraws it until the next resolve). Chatwoot: creation to each resolve. Intercom: time to close, start to last close.
//! - *Replies to resolve*: agent replies from the start to that resolve. Chatwoot: none. Intercom: none (its nearest is "closed on first contact"); Help Scout: replies to resolve.
//! - *Within business hours*: the same durations counting only time inside the site's hours (the flow's offline hours, in their zone); `None` for a site without hours. Chatwoot: the inbox's business hours toggle. Intercom: "within office hours".
//! - *Aggregates*: count, median and 90th percentile by nearest rank (a real value; the lower middle for an even count). Chatwoot: averages. Intercom: median by default (average, min, max on request).
//! - *Periods*: a count belongs to the bucket of its event; a duration to the bucket where it ends (the reply, the resolve), so a past period never changes. Chatwoot: the same (event time). Intercom: by the conversation's start date.

mod change;
mod facts;
mod hours;
mod period;
mod stats;

pub use change::{Assumes, Change, Ended, Known};
pub use facts::{automated, Event, Facts};
pub use hours::{Calendar, Day, Fixed, Zone, DAY_MS, HOUR_MS, MINUTE_MS};
pub use period::{
    slot, Bucket, Cut, Period, Range, RangeKind, Unit, MAX_DAYS, MAX_HOURLY_DAYS, RANGE_INVALID,
    SLOT_MS,
};
pub use stats::{percentile, summarize, Summary, Tally};

#[cfg(test)]
mod tests;
#[cfg(test)]
mod time_tests;
