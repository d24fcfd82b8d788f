//! SQL of reports (issue 23, migration 0028): the rollup's counts summed by
//! slot and by agent, the durations kept on conversations (read by when they
//! ended, through their partial indexes), a label cut from the labelled
//! conversations' facts, and the conversation-level rows of the CSV export,
//! by keyset pages. Nothing here reads messages.

use serde::Deserialize;
use shared::conversation::Channel;
use shared::report::answer::{Ended, Rows};
use shared::report::export::ConversationLine;
use shared::report::Tally;
use wasm_bindgen::JsCast;
use worker::D1Database;

use super::batch::{Args, Param};
use super::{ms, Store};
use crate::error::ApiResult;

/// Which conversations a report counts, and who asks.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    /// Only this channel.
    pub channel: Option<Channel>,
    /// Only this site.
    pub site: Option<String>,
    /// Only this agent (assignee; author of messages out; who responded first).
    pub agent: Option<String>,
    /// Only this team.
    pub team: Option<String>,
    /// Only conversations carrying this label (counted from their facts).
    pub label: Option<String>,
    /// `Some(agent id)`: only what this agent may see (their teams' or assigned to them); `None`: all.
    pub viewer: Option<String>,
}

/// A span of instants, `[from, to)`, ms.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    /// The first instant.
    pub from: u64,
    /// The instant after the last.
    pub to: u64,
}

/// One row of summed counts (per slot, or per agent).
#[derive(Debug, Deserialize)]
struct Summed {
    #[serde(default)]
    slot: f64,
    #[serde(default)]
    agent_id: String,
    opened: u32,
    resolved: u32,
    reopened: u32,
    messages_in: u32,
    messages_out: u32,
}

impl Summed {
    fn tally(&self) -> Tally {
        Tally {
            opened: self.opened,
            resolved: self.resolved,
            reopened: self.reopened,
            messages_in: self.messages_in,
            messages_out: self.messages_out,
        }
    }
}

/// A duration as its conversation keeps it.
#[derive(Debug, Deserialize)]
struct EndedRow {
    at: f64,
    ms: f64,
    business_ms: Option<f64>,
    agent: Option<String>,
    replies: Option<u32>,
}

impl EndedRow {
    fn ended(self) -> Ended {
        Ended {
            at: self.at as u64,
            ms: self.ms.max(0.0) as u64,
            business_ms: self.business_ms.map(|b| b.max(0.0) as u64),
            agent: self.agent,
            replies: self.replies,
        }
    }
}

/// A labelled conversation's facts, for a label cut's counts.
#[derive(Debug, Deserialize)]
struct LabelledRow {
    at: f64,
    agent: Option<String>,
    opened: u32,
    resolved: u32,
    reopened: u32,
    messages_in: u32,
    messages_out: u32,
}

/// An agent of the account.
#[derive(Debug, Deserialize)]
struct Named {
    id: String,
    name: String,
}

/// The SQL conditions of a filter on the rollup (`s`) or on conversations (`c`).
pub(super) struct Where {
    /// The conditions, joined by AND.
    pub sql: String,
    /// Their values.
    pub args: Args,
}

impl Where {
    /// Conditions on the rollup's rows of `account` within `span`.
    fn slots(account: &str, span: Span, f: &ReportFilter) -> Where {
        let mut args = Args::new();
        let (a, from, to) = (
            args.bind(account),
            args.bind(ms(span.from)),
            args.bind(ms(span.to)),
        );
        let mut sql = format!("s.account_id = {a} AND s.slot >= {from} AND s.slot < {to}");
        let mut eq = |column: &str, value: Option<&str>| {
            if let Some(v) = value {
                let p = args.bind(v);
                sql.push_str(&format!(" AND s.{column} = {p}"));
            }
        };
        eq("channel", f.channel.map(|c| c.as_str()));
        eq("site_id", f.site.as_deref());
        eq("agent_id", f.agent.as_deref());
        eq("team_id", f.team.as_deref());
        if let Some(v) = &f.viewer {
            let p = args.bind(v.as_str());
            sql.push_str(&visible("s.agent_id", "s.team_id", p));
        }
        Where { sql, args }
    }

    /// Conditions on the conversations of `account` whose `at` column lies in `span`
    /// (`agent`: the column an agent cut reads).
    pub(super) fn facts(
        account: &str,
        at: &str,
        span: Span,
        agent: &str,
        f: &ReportFilter,
    ) -> Where {
        let mut args = Args::new();
        let (a, from, to) = (
            args.bind(account),
            args.bind(ms(span.from)),
            args.bind(ms(span.to)),
        );
        let mut sql = format!("c.account_id = {a} AND c.{at} >= {from} AND c.{at} < {to}");
        let mut eq = |column: &str, value: Option<&str>| {
            if let Some(v) = value {
                let p = args.bind(v);
                sql.push_str(&format!(" AND {column} = {p}"));
            }
        };
        eq("c.channel", f.channel.map(|c| c.as_str()));
        eq("c.site_id", f.site.as_deref());
        eq(agent, f.agent.as_deref());
        eq("c.team_id", f.team.as_deref());
        if let Some(label) = &f.label {
            let p = args.bind(label.as_str());
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM conversation_labels l WHERE l.conversation_id = c.id AND l.label_id = {p})"
            ));
        }
        if let Some(v) = &f.viewer {
            let p = args.bind(v.as_str());
            sql.push_str(&visible("c.assignee_id", "c.team_id", p));
        }
        Where { sql, args }
    }
}

/// What an agent may see: assigned to them, or of one of their teams.
fn visible(agent: &str, team: &str, viewer: Param) -> String {
    format!(
        " AND ({agent} = {viewer} OR {team} IN (SELECT team_id FROM team_members WHERE agent_id = {viewer}))"
    )
}

/// The rollup's columns summed.
const SUMS: &str =
    "SUM(s.opened) AS opened, SUM(s.resolved) AS resolved, SUM(s.reopened) AS reopened, \
     SUM(s.messages_in) AS messages_in, SUM(s.messages_out) AS messages_out";

impl Store {
    /// A second handle on the same database, for a response body that outlives the request's borrow.
    pub fn handle(&self) -> Store {
        Store::new(D1Database::unchecked_from_js(self.db.as_ref().clone()))
    }

    /// What a report of `whole` (both periods) with the current period `current` is made of: one batch.
    pub async fn report_rows(
        &self,
        account_id: &str,
        (whole, current): (Span, Span),
        f: &ReportFilter,
    ) -> ApiResult<Rows> {
        let mut batch = self.batch();
        let prepare = |sql: String, w: &Where| self.prepare(&sql, w.args.values());
        let (slots, agent_tallies, labelled_opened, labelled_resolved) = if f.label.is_none() {
            let w = Where::slots(account_id, whole, f);
            let by_slot = batch.rows::<Summed>(prepare(
                format!(
                    "SELECT s.slot AS slot, {SUMS} FROM report_slots s WHERE {} GROUP BY s.slot",
                    w.sql
                ),
                &w,
            )?);
            let w = Where::slots(account_id, current, f);
            let by_agent = batch.rows::<Summed>(prepare(
                format!("SELECT s.agent_id AS agent_id, {SUMS} FROM report_slots s WHERE {} AND s.agent_id <> '' GROUP BY s.agent_id", w.sql),
                &w,
            )?);
            (Some(by_slot), Some(by_agent), None, None)
        } else {
            let w = Where::facts(account_id, "started_at", whole, "c.assignee_id", f);
            let opened = batch.rows::<LabelledRow>(prepare(
                format!("SELECT c.started_at AS at, c.assignee_id AS agent, 1 AS opened, 0 AS resolved, c.reopens AS reopened, \
                         c.messages_in AS messages_in, c.messages_out AS messages_out FROM conversations c WHERE {}", w.sql),
                &w,
            )?);
            let w = Where::facts(account_id, "resolved_at", whole, "c.assignee_id", f);
            let resolved = batch.rows::<LabelledRow>(prepare(
                format!("SELECT c.resolved_at AS at, c.assignee_id AS agent, 0 AS opened, 1 AS resolved, 0 AS reopened, \
                         0 AS messages_in, 0 AS messages_out FROM conversations c WHERE {} AND c.resolved_at IS NOT NULL", w.sql),
                &w,
            )?);
            (None, None, Some(opened), Some(resolved))
        };
        let w = Where::facts(
            account_id,
            "first_response_at",
            whole,
            "c.first_response_by",
            f,
        );
        let first = batch.rows::<EndedRow>(prepare(
            format!("SELECT c.first_response_at AS at, c.first_response_ms AS ms, c.first_response_business_ms AS business_ms, \
                     c.first_response_by AS agent, NULL AS replies FROM conversations c \
                     WHERE {} AND c.first_response_at IS NOT NULL AND c.first_response_ms IS NOT NULL", w.sql),
            &w,
        )?);
        let w = Where::facts(account_id, "resolved_at", whole, "c.assignee_id", f);
        let resolutions = batch.rows::<EndedRow>(prepare(
            format!("SELECT c.resolved_at AS at, c.resolution_ms AS ms, c.resolution_business_ms AS business_ms, \
                     c.assignee_id AS agent, c.replies_to_resolve AS replies FROM conversations c \
                     WHERE {} AND c.resolved_at IS NOT NULL AND c.resolution_ms IS NOT NULL", w.sql),
            &w,
        )?);
        let agents = batch.rows::<Named>(self.prepare(
            "SELECT id, full_name AS name FROM agents WHERE account_id = ?1 ORDER BY full_name, id",
            &[account_id.into()],
        )?);
        let ran = batch.run().await?;
        let mut rows = Rows {
            first_responses: ran.rows(&first)?.into_iter().map(EndedRow::ended).collect(),
            resolutions: ran
                .rows(&resolutions)?
                .into_iter()
                .map(EndedRow::ended)
                .collect(),
            agents: ran
                .rows(&agents)?
                .into_iter()
                .map(|a| (a.id, a.name))
                .collect(),
            ..Rows::default()
        };
        if let (Some(slots), Some(by_agent)) = (slots, agent_tallies) {
            rows.slots = ran
                .rows(&slots)?
                .iter()
                .map(|r| (r.slot as u64, r.tally()))
                .collect();
            rows.agent_tallies = ran
                .rows(&by_agent)?
                .into_iter()
                .map(|r| (r.agent_id.clone(), r.tally()))
                .collect();
        }
        for part in [labelled_opened, labelled_resolved].into_iter().flatten() {
            for r in ran.rows(&part)? {
                let tally = Tally {
                    opened: r.opened,
                    resolved: r.resolved,
                    reopened: r.reopened,
                    messages_in: r.messages_in,
                    messages_out: r.messages_out,
                };
                rows.slots.push((r.at as u64, tally));
                if let Some(agent) = r
                    .agent
                    .filter(|_| (r.at as u64) >= current.from && (r.at as u64) < current.to)
                {
                    rows.agent_tallies.push((agent, tally));
                }
            }
        }
        Ok(rows)
    }

    /// A page of the conversations that started in `span`, in (start, id)
    /// order after `after` (the last of the page before): the CSV export's keyset.
    pub async fn conversation_lines(
        &self,
        account_id: &str,
        span: Span,
        f: &ReportFilter,
        after: Option<(u64, &str)>,
        limit: u32,
    ) -> ApiResult<Vec<ConversationLine>> {
        let mut w = Where::facts(account_id, "started_at", span, "c.assignee_id", f);
        if let Some((at, id)) = after {
            let (at, id) = (w.args.bind(ms(at)), w.args.bind(id));
            w.sql
                .push_str(&format!(" AND (c.started_at, c.id) > ({at}, {id})"));
        }
        let limit = w.args.bind(limit);
        let sql = format!(
            "SELECT c.id, si.name AS site, c.channel, c.status, c.started_at, c.first_response_ms, \
               c.first_response_business_ms, fr.full_name AS first_response_by, c.resolved_at, c.resolution_ms, \
               c.resolution_business_ms, c.replies_to_resolve, c.messages_in, c.messages_out, c.reopens, \
               a.full_name AS assignee, t.name AS team, \
               (SELECT group_concat(lb.name, '; ') FROM conversation_labels cl JOIN labels lb ON lb.id = cl.label_id \
                  WHERE cl.conversation_id = c.id) AS labels \
             FROM conversations c JOIN sites si ON si.id = c.site_id \
             LEFT JOIN agents a ON a.id = c.assignee_id LEFT JOIN agents fr ON fr.id = c.first_response_by \
             LEFT JOIN teams t ON t.id = c.team_id \
             WHERE {} ORDER BY c.started_at, c.id LIMIT {limit}",
            w.sql
        );
        self.all(&sql, w.args.values()).await
    }
}
