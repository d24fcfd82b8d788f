//! The store: every SQL statement of the worker lives under this module, over
//! one D1 binding, one module per concern, named like the route module it
//! serves (`conversations` ↔ `routes/conversations.rs`, `widget` ↔
//! `routes/widget.rs`…); `mail` serves the Email Routing handler.
//!
//! Writes that belong together go into one `batch` (a D1 transaction), and are
//! written so that running them twice changes nothing: retried chat sends and
//! redelivered mail never duplicate.

mod account;
mod agents;
pub(crate) mod attributes;
mod automations;
mod batch;
mod cc;
mod channels;
mod contacts;
mod conversations;
pub(crate) mod crm;
mod crm_card;
mod crm_jobs;
pub(crate) mod csat;
mod csat_report;
mod files;
mod flows;
mod identity;
mod keys;
mod labels;
mod list;
mod live;
mod mail;
mod merge;
mod merge_sql;
mod messenger;
mod privacy;
mod proactive;
mod replies;
pub(crate) mod report;
mod reports;
mod sites;
mod sla;
mod snooze;
mod teams;
mod tickets;
mod trail;
mod transcripts;
mod widget;

pub use agents::{AgentRow, Setup, SetupIds};
pub use attributes::AttributeRefused;
pub use automations::{Attempt, EventOf};
pub use channels::{ChannelUpdate, EmailChannelRow};
pub use conversations::{ConversationChange, SentEmail, Updated};
pub use crm::{not_connected as crm_not_connected, CallRecord, NewConnection};
pub use crm_jobs::{JobContext, Progress, Token};
pub use csat::{Asked, NewRating, Rated, Rater};
pub use csat_report::RatingScope;
pub use files::{NewFile, StoredFile};
pub use keys::{NewKey, LAST_USED_GRANULARITY_MS};
pub use labels::{LabelRefused, Labelled};
pub use list::{ListFilter, SearchTerms, TeamScope};
pub use live::LiveRoute;
pub use mail::InboundEmail;
pub use merge::Merged;
pub use messenger::{InboundMessenger, PageRow, Profile, SentMessenger};
pub use proactive::ProactiveRefused;
pub use replies::{ReplyFields, ReplyRefused};
pub use reports::{ReportFilter, Span};
pub use sites::WidgetUpdate;
pub use sla::{ReportScope, SlaReportFilter};
pub use snooze::Snoozed;
pub use teams::TeamRefused;
pub use tickets::Ticket;
pub use trail::{NewNote, Noted};
pub use transcripts::TranscriptClaim;
pub use widget::{
    ContactLink, FlowState, Guard, Opening, SavedFlow, SentFile, SiteRow, Turn, Turned, VisitorRow,
};

use serde::Deserialize;
use shared::api;
use shared::trail::TrailKind;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

use batch::{Ran, Rows};

use crate::error::{ApiError, ApiResult};

/// Handle on the D1 database, constructed once per request from `Env`.
pub struct Store {
    db: D1Database,
    /// Calls to D1 so far (a batch is one): the hot paths are held to one.
    round_trips: std::cell::Cell<u32>,
}

/// Milliseconds as a JS number (D1 has no BigInt; 2^53 ms is far away).
fn ms(t: u64) -> JsValue {
    JsValue::from_f64(t as f64)
}

/// Optional text as SQL NULL when absent (D1 refuses `undefined`).
fn opt(v: Option<&str>) -> JsValue {
    v.map(JsValue::from_str).unwrap_or(JsValue::NULL)
}

/// Selects [`api::Message`]s (without their attachments); append a `WHERE` on `m`.
const MESSAGE_SELECT: &str = "SELECT m.id, m.conversation_id, m.direction, m.author, a.full_name AS author_name, \
     m.body, m.client_message_id, m.contact_id, m.email_subject, m.email_from, m.body_full, m.body_html, \
     m.email_headers, m.flags, m.raw_key IS NOT NULL AS has_original, m.delivery_status, m.delivery_error, m.receipt, m.created_at, m.seq \
     FROM messages m LEFT JOIN agents a ON a.id = m.agent_id";

/// Whether a write created something or found it already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// This call created the row.
    Created,
    /// An earlier call (a retry, a redelivery) had already created it.
    AlreadyThere,
}

impl Store {
    /// The store over the given D1 database.
    pub fn new(db: D1Database) -> Self {
        Self {
            db,
            round_trips: std::cell::Cell::new(0),
        }
    }

    /// How many times this store has called D1 (a batch counts once).
    pub fn round_trips(&self) -> u32 {
        self.round_trips.get()
    }

    fn count_trip(&self) {
        self.round_trips.set(self.round_trips.get() + 1);
    }

    fn prepare(&self, sql: &str, args: &[JsValue]) -> ApiResult<D1PreparedStatement> {
        Ok(self.db.prepare(sql).bind(args)?)
    }

    /// A new, empty batch (see [`batch`]).
    fn batch(&self) -> batch::Batch<'_> {
        batch::Batch::new(self)
    }

    async fn first<T: for<'de> Deserialize<'de>>(
        &self,
        sql: &str,
        args: &[JsValue],
    ) -> ApiResult<Option<T>> {
        self.count_trip();
        Ok(self.prepare(sql, args)?.first::<T>(None).await?)
    }

    async fn all<T: for<'de> Deserialize<'de>>(
        &self,
        sql: &str,
        args: &[JsValue],
    ) -> ApiResult<Vec<T>> {
        self.count_trip();
        Ok(self.prepare(sql, args)?.all().await?.results::<T>()?)
    }

    async fn run(&self, sql: &str, args: &[JsValue]) -> ApiResult<usize> {
        self.count_trip();
        let result = self.prepare(sql, args)?.run().await?;
        Ok(result.meta()?.and_then(|m| m.changes).unwrap_or(0))
    }

    /// The statements, within a caller's batch, that reopen the conversation
    /// of a message just written by someone outside the team and move it to
    /// the top of the inbox (nothing if the message was not written); a
    /// snoozed one wakes (its snooze ends, marked woken now). The first
    /// records that in the trail (by the customer: no agent), only where it
    /// changes something, so a retry records nothing more; a closed one's
    /// reopen is counted in the reports first (store::report).
    fn reopen_for(&self, message_id: &str, now: u64) -> ApiResult<Vec<D1PreparedStatement>> {
        let args = [message_id.into(), ms(now)];
        let which = "id = (SELECT conversation_id FROM messages WHERE id = ?1)";
        let kind = format!(
            "CASE WHEN snoozed_at IS NOT NULL THEN '{}' ELSE '{}' END",
            TrailKind::WokeByReply.as_str(),
            TrailKind::ReopenedByReply.as_str()
        );
        let reopened = report::Report::unread(
            shared::report::Event::Trail {
                at: now,
                kind: TrailKind::ReopenedByReply,
            },
            None,
        );
        let mut statements = self.report_message(message_id, &reopened)?;
        statements.extend([
            self.system_events(
                &kind,
                &format!("{which} AND (snoozed_at IS NOT NULL OR status = 'closed')"),
                &args,
                now,
            )?,
            self.prepare(
                &format!(
                    "UPDATE conversations SET status = 'open', last_message_at = ?2, \
                       woken_at = CASE WHEN snoozed_at IS NOT NULL THEN ?2 ELSE woken_at END, \
                       snoozed_at = NULL, wake_at = NULL WHERE {which}"
                ),
                &args,
            )?,
        ]);
        Ok(statements)
    }

    /// Answers whether the database is reachable.
    pub async fn ping(&self) -> ApiResult<bool> {
        #[derive(Deserialize)]
        struct One {
            ok: u8,
        }
        Ok(self
            .first::<One>("SELECT 1 AS ok", &[])
            .await?
            .is_some_and(|r| r.ok == 1))
    }

    /// The `n` of a `SELECT COUNT(*) AS n …`.
    async fn count(&self, sql: &str, args: &[JsValue]) -> ApiResult<u32> {
        Ok(self
            .first::<Count>(sql, args)
            .await?
            .map(|c| c.n)
            .unwrap_or(0))
    }

    /// Every message of a conversation, oldest first, with its attachments.
    pub async fn messages(&self, conversation_id: &str) -> ApiResult<Vec<api::Message>> {
        let sql =
            format!("{MESSAGE_SELECT} WHERE m.conversation_id = ?1 ORDER BY m.created_at, m.rowid");
        let rows: Vec<api::Message> = self.all(&sql, &[conversation_id.into()]).await?;
        let mut files: std::collections::HashMap<String, Vec<api::Attachment>> =
            std::collections::HashMap::new();
        for attachment in self.attachments(conversation_id).await? {
            files
                .entry(attachment.message_id.clone())
                .or_default()
                .push(attachment);
        }
        Ok(rows
            .into_iter()
            .map(|row| {
                let mut message = row;
                message.attachments = files.remove(&message.id).unwrap_or_default();
                message
            })
            .collect())
    }

    /// The message a batch wrote, read back by its handle.
    fn written_message(
        ran: &Ran,
        part: &Rows<api::Message>,
        what: &str,
    ) -> ApiResult<api::Message> {
        ran.first(part)?
            .ok_or_else(|| ApiError::Internal(format!("{what} not found after insert")))
    }
}

/// A row of `SELECT COUNT(*) AS n …`.
#[derive(Deserialize)]
struct Count {
    n: u32,
}
