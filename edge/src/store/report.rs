//! SQL of the reports' aggregates: what each stored message or status change
//! adds to its conversation's fact columns and to its `report_slots` row, in
//! the batch that stores it. The rule is [`Change::of`] (itself
//! `Facts::apply`); here it becomes two statements over the conversation's
//! row, guarded by the state the change assumes and placed before the
//! statement that changes that state, with counters added in SQL.

use serde::Deserialize;
use shared::conversation::{Author, Status};
use shared::flow::{Flow, Offline};
use shared::report::{slot, Assumes, Calendar, Change, Event, Known};
use shared::trail::TrailKind;
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use super::batch::Args;
use super::{ms, Store};
use crate::clock::{zone, IntlZone};
use crate::error::ApiResult;

/// Where an event's conversation is: SQL over `conversations` (its columns
/// unqualified, its values `?1…?n` of `args`) that selects the row only if the
/// event happened in this batch (its message was written, its update applies).
pub(crate) struct Target<'a> {
    /// The condition.
    pub sql: &'a str,
    /// Its values, in placeholder order.
    pub args: &'a [JsValue],
}

/// One event of a conversation, as its batch records it for the reports.
pub(crate) struct Report<'a> {
    /// The event.
    pub event: Event,
    /// What the worker read of the conversation before the batch (nothing: a message in, a bot line).
    pub known: Known,
    /// The site's business hours, where known.
    pub hours: Option<&'a Calendar<'a>>,
    /// The agent who wrote the message: its slot's agent for messages out, and the first response's.
    pub author: Option<&'a str>,
    /// The id of the conversation this batch may have created: it counts as opened if it exists.
    pub fresh: Option<&'a str>,
}

impl<'a> Report<'a> {
    /// An event of a conversation the worker read nothing of (a message in,
    /// a bot line, a reopen by reply): none of them ends a duration.
    pub fn unread(event: Event, fresh: Option<&'a str>) -> Self {
        Report {
            event,
            known: Known {
                started_at: Some(event.at()),
                first_inbound_at: None,
            },
            hours: None,
            author: None,
            fresh,
        }
    }
}

/// What the worker reads before an agent's reply or status change: the
/// conversation's set-once values and its site's business hours.
pub(crate) struct Before {
    /// `started_at` and `first_inbound_at`.
    pub known: Known,
    /// The flow's offline hours of the conversation's site and their zone, if it keeps them.
    pub offline: Option<(Offline, IntlZone)>,
}

impl Before {
    /// The site's business hours, if it keeps them.
    pub fn calendar(&self) -> Option<Calendar<'_>> {
        self.offline
            .as_ref()
            .map(|(offline, zone)| Calendar::of_offline(offline, zone))
    }
}

/// Where the message `?1` is, if this batch wrote it (its id is new to each attempt).
const OF_MESSAGE: &str = "id = (SELECT conversation_id FROM messages WHERE id = ?1)";

impl Store {
    /// The conversation's set-once report values and its site's business
    /// hours (the running flow's offline block), in one read.
    pub(crate) async fn report_before(&self, conversation_id: &str) -> ApiResult<Before> {
        #[derive(Deserialize)]
        struct Row {
            started_at: u64,
            first_inbound_at: Option<u64>,
            chatbot: Option<String>,
            flow: Option<String>,
        }
        let row: Option<Row> = self
            .first(
                "SELECT c.started_at, c.first_inbound_at, s.chatbot, f.flow FROM conversations c \
                 JOIN sites s ON s.id = c.site_id \
                 LEFT JOIN flow_versions f ON f.site_id = s.id AND f.version = s.flow_version WHERE c.id = ?1",
                &[conversation_id.into()],
            )
            .await?;
        let Some(row) = row else {
            return Ok(Before {
                known: Known::default(),
                offline: None,
            });
        };
        let flow = row
            .flow
            .as_deref()
            .and_then(|json| serde_json::from_str::<Flow>(json).ok())
            .or_else(|| {
                let chatbot = serde_json::from_str(row.chatbot.as_deref()?).ok()?;
                Some(Flow::from_chatbot(&chatbot))
            });
        Ok(Before {
            known: Known {
                started_at: Some(row.started_at),
                first_inbound_at: row.first_inbound_at,
            },
            offline: flow
                .and_then(|f| f.offline)
                .and_then(|o| Some((zone(&o.time_zone).ok()?, o)))
                .map(|(zone, offline)| (offline, zone)),
        })
    }

    /// The statements that record an agent's reply `message_id` (stored by
    /// the caller's batch) in its conversation's facts and slot: the first
    /// response if it is one. Reads the conversation's set-once values and its
    /// site's hours first (one query; agent replies are not the hot path).
    pub(crate) async fn report_reply(
        &self,
        conversation_id: &str,
        message_id: &str,
        agent_id: &str,
        now: u64,
    ) -> ApiResult<Vec<D1PreparedStatement>> {
        let before = self.report_before(conversation_id).await?;
        let hours = before.calendar();
        let report = Report {
            event: Event::Message {
                at: now,
                author: Author::Agent,
                automated: false,
            },
            known: before.known,
            hours: hours.as_ref(),
            author: Some(agent_id),
            fresh: None,
        };
        self.report_message(message_id, &report)
    }

    /// The statements that record a status change by hand (a resolve, or a
    /// reopen) of the conversation `target` selects, only where the status
    /// changes; put before the caller's update. A resolve reads the
    /// conversation's start and its site's hours first (one query).
    pub(crate) async fn report_status(
        &self,
        target: &Target<'_>,
        conversation_id: &str,
        status: Status,
        now: u64,
    ) -> ApiResult<Vec<D1PreparedStatement>> {
        let kind = match status {
            Status::Closed => TrailKind::Closed,
            Status::Open => TrailKind::Reopened,
        };
        let event = Event::Trail { at: now, kind };
        if status == Status::Open {
            return self.report(target, &Report::unread(event, None));
        }
        let before = self.report_before(conversation_id).await?;
        let hours = before.calendar();
        let report = Report {
            event,
            known: before.known,
            hours: hours.as_ref(),
            author: None,
            fresh: None,
        };
        self.report(target, &report)
    }

    /// The statements that record `report`, a message this batch may have
    /// written as `message_id`, for its conversation (nothing if it did not).
    pub(crate) fn report_message(
        &self,
        message_id: &str,
        report: &Report<'_>,
    ) -> ApiResult<Vec<D1PreparedStatement>> {
        let args = [JsValue::from_str(message_id)];
        let target = Target {
            sql: OF_MESSAGE,
            args: &args,
        };
        self.report(&target, report)
    }

    /// The statements that record `report` for the conversation `target`
    /// selects: its slot's counts, then its fact columns. Put them before the
    /// batch's statement that changes the status (they read the status as it was).
    pub(crate) fn report(
        &self,
        target: &Target<'_>,
        report: &Report<'_>,
    ) -> ApiResult<Vec<D1PreparedStatement>> {
        let change = Change::of(&report.event, report.known, report.hours);
        let mut statements = vec![];
        if let Some(slot) = self.slot_upsert(target, report, &change)? {
            statements.push(slot);
        }
        if let Some(facts) = self.facts_update(target, report, &change)? {
            statements.push(facts);
        }
        Ok(statements)
    }

    /// The arguments of `target`, then the state `change` assumes as SQL.
    fn guarded(target: &Target<'_>, change: &Change) -> (Args, String) {
        let mut args = Args::new();
        for value in target.args {
            args.bind(value.clone());
        }
        let state = match change.assumes {
            Assumes::Anything => "",
            Assumes::Open => " AND status = 'open'",
            Assumes::Resolved => " AND status = 'closed'",
        };
        (args, format!("({}){state}", target.sql))
    }

    /// The upsert adding the change's counts to its slot row; `None` when it adds nothing.
    fn slot_upsert(
        &self,
        target: &Target<'_>,
        report: &Report<'_>,
        change: &Change,
    ) -> ApiResult<Option<D1PreparedStatement>> {
        let (mut args, guard) = Self::guarded(target, change);
        let t = change.tally;
        let opened = match report.fresh {
            Some(id) => format!("CASE WHEN id = {} THEN 1 ELSE 0 END", args.bind(id)),
            None => t.opened.to_string(),
        };
        if report.fresh.is_none() && t == shared::report::Tally::default() {
            return Ok(None);
        }
        let agent = match report.author.filter(|_| t.messages_out > 0) {
            Some(author) => args.bind(author).to_string(),
            None => "COALESCE(assignee_id, '')".to_owned(),
        };
        let at = args.bind(ms(slot(change.at)));
        let sql = format!(
            "INSERT INTO report_slots (account_id, slot, site_id, channel, agent_id, team_id, \
               opened, resolved, reopened, messages_in, messages_out) \
             SELECT account_id, {at}, site_id, channel, {agent}, COALESCE(team_id, ''), {opened}, {}, {}, {}, {} \
             FROM conversations WHERE {guard} \
             ON CONFLICT (account_id, slot, site_id, channel, agent_id, team_id) DO UPDATE SET \
               opened = opened + excluded.opened, resolved = resolved + excluded.resolved, \
               reopened = reopened + excluded.reopened, messages_in = messages_in + excluded.messages_in, \
               messages_out = messages_out + excluded.messages_out",
            t.resolved, t.reopened, t.messages_in, t.messages_out
        );
        Ok(Some(self.prepare(&sql, args.values())?))
    }

    /// The update of the conversation's fact columns; `None` when the change sets nothing.
    fn facts_update(
        &self,
        target: &Target<'_>,
        report: &Report<'_>,
        change: &Change,
    ) -> ApiResult<Option<D1PreparedStatement>> {
        let (mut args, guard) = Self::guarded(target, change);
        let mut sets: Vec<String> = [
            ("messages_in", change.messages_in),
            ("messages_out", change.messages_out),
            ("resolves", change.resolves),
            ("reopens", change.reopens),
        ]
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(column, n)| format!("{column} = {column} + {n}"))
        .collect();
        if let Some(r) = change.first_response {
            // Set once, by the first reply after the customer's first message as this batch knew it.
            let from = args.bind(report.known.first_inbound_at.map_or(JsValue::NULL, ms));
            let when = format!("first_response_at IS NULL AND first_inbound_at = {from}");
            let values = [
                ("first_response_at", args.bind(ms(r.at))),
                ("first_response_ms", args.bind(ms(r.ms))),
                (
                    "first_response_business_ms",
                    args.bind(r.business_ms.map_or(JsValue::NULL, ms)),
                ),
                (
                    "first_response_by",
                    args.bind(report.author.map_or(JsValue::NULL, JsValue::from_str)),
                ),
            ];
            for (column, value) in values {
                sets.push(format!(
                    "{column} = CASE WHEN {when} THEN {value} ELSE {column} END"
                ));
            }
        }
        if let Some(at) = change.first_inbound_at {
            sets.push(format!(
                "first_inbound_at = COALESCE(first_inbound_at, {})",
                args.bind(ms(at))
            ));
        }
        if let Some(r) = change.resolution {
            // From the row's own start (set once): the same as `r.ms` where the caller read it.
            let at = args.bind(ms(r.at));
            let business = args.bind(r.business_ms.map_or(JsValue::NULL, ms));
            sets.push(format!(
                "resolved_at = {at}, resolution_ms = MAX({at} - started_at, 0), resolution_business_ms = {business}, \
                 replies_to_resolve = messages_out"
            ));
        }
        if change.reopen {
            sets.push(
                "resolved_at = NULL, resolution_ms = NULL, resolution_business_ms = NULL, replies_to_resolve = NULL"
                    .to_owned(),
            );
        }
        if sets.is_empty() {
            return Ok(None);
        }
        let sql = format!("UPDATE conversations SET {} WHERE {guard}", sets.join(", "));
        Ok(Some(self.prepare(&sql, args.values())?))
    }
}
