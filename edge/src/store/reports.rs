//! SQL of reports (issue 23, migration 0028): the rollup's counts summed by
//! slot and by agent, the durations kept on conversations (read by when they
//! ended, through their partial indexes), a label cut from the labelled
//! conversations' facts, and the conversation-level rows of the CSV export,
//! by keyset pages. Nothing here reads messages. Rows by the thousand travel
//! packed as text, a row of text per day (`shared::report::packed`).

use serde::Deserialize;
use shared::conversation::Channel;
use shared::report::answer::Rows;
use shared::report::export::ConversationLine;
use shared::report::packed::{unpack_ended, unpack_tallies};
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

/// One row of summed counts per agent.
#[derive(Debug, Deserialize)]
struct Summed {
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

/// A day of rows, packed (`shared::report::packed`).
#[derive(Debug, Deserialize)]
struct Packed {
    packed: Option<String>,
}

/// An agent of the account.
#[derive(Debug, Deserialize)]
struct Named {
    id: String,
    name: String,
}

/// Conditions on the rollup's rows (`s`) of `account` within `span`, binding their values in `args`.
fn slots_where(args: &mut Args, account: &str, span: Span, f: &ReportFilter) -> String {
    let (a, from, to) = (
        args.bind(account),
        args.bind(ms(span.from)),
        args.bind(ms(span.to)),
    );
    let mut sql = format!("s.account_id = {a} AND s.slot >= {from} AND s.slot < {to}");
    for (column, value) in [
        ("channel", f.channel.map(|c| c.as_str())),
        ("site_id", f.site.as_deref()),
        ("agent_id", f.agent.as_deref()),
        ("team_id", f.team.as_deref()),
    ] {
        if let Some(v) = value {
            sql.push_str(&format!(" AND s.{column} = {}", args.bind(v)));
        }
    }
    if let Some(v) = &f.viewer {
        sql.push_str(&visible("s.agent_id", "s.team_id", args.bind(v.as_str())));
    }
    sql
}

/// Conditions on the conversations (`c`) of `account` whose `at` column lies in `span`
/// (`agent`: the column an agent cut reads), binding their values in `args`.
fn facts_where(
    args: &mut Args,
    account: &str,
    (at, agent): (&str, &str),
    span: Span,
    f: &ReportFilter,
) -> String {
    let (a, from, to) = (
        args.bind(account),
        args.bind(ms(span.from)),
        args.bind(ms(span.to)),
    );
    let mut sql = format!("c.account_id = {a} AND c.{at} >= {from} AND c.{at} < {to}");
    // `+` keeps SQLite on the report index of `at` (the others would walk a whole site's or team's).
    for (column, value) in [
        ("c.channel", f.channel.map(|c| c.as_str())),
        ("c.site_id", f.site.as_deref()),
        (agent, f.agent.as_deref()),
        ("c.team_id", f.team.as_deref()),
    ] {
        if let Some(v) = value {
            sql.push_str(&format!(" AND +{column} = {}", args.bind(v)));
        }
    }
    if let Some(label) = &f.label {
        let p = args.bind(label.as_str());
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM conversation_labels l WHERE l.conversation_id = c.id AND l.label_id = {p})"
        ));
    }
    if let Some(v) = &f.viewer {
        sql.push_str(&visible(
            "+c.assignee_id",
            "+c.team_id",
            args.bind(v.as_str()),
        ));
    }
    sql
}

/// What an agent may see: assigned to them, or of one of their teams.
fn visible(agent: &str, team: &str, viewer: Param) -> String {
    format!(
        " AND ({agent} = {viewer} OR {team} IN (SELECT team_id FROM team_members WHERE agent_id = {viewer}))"
    )
}

/// Packs the rows of `inner` (each an instant `at` and its text `x`) a day per row of text.
fn packed(inner: &str) -> String {
    format!("SELECT group_concat(x, ';') AS packed FROM ({inner}) GROUP BY at / 86400000")
}

/// A slot's counts, packed as `shared::report::packed::unpack_tallies` reads them
/// (`printf`: one string per row, and `%d` writes a REAL as the integer it holds).
const SLOT_ROW: &str =
    "printf('%d,%d,%d,%d,%d,%d,', s.slot, SUM(s.opened), SUM(s.resolved), SUM(s.reopened), \
     SUM(s.messages_in), SUM(s.messages_out))";
/// A labelled conversation where it started: opened, its reopens and messages so far, its assignee.
const LABEL_OPENED: &str =
    "printf('%d,1,0,%d,%d,%d,%s', c.started_at, c.reopens, c.messages_in, c.messages_out, c.assignee_id)";
/// A labelled conversation where it was (last) resolved, its assignee.
const LABEL_RESOLVED: &str = "printf('%d,0,1,0,0,0,%s', c.resolved_at, c.assignee_id)";
/// A first response, packed as `unpack_ended` reads it (`%s` writes NULL as nothing).
const FIRST_RESPONSE_ROW: &str =
    "printf('%d,%d,%s,%s,', c.first_response_at, c.first_response_ms, \
     c.first_response_business_ms, c.first_response_by)";
/// A resolution, packed as `unpack_ended` reads it.
const RESOLUTION_ROW: &str =
    "printf('%d,%d,%s,%s,%s', c.resolved_at, c.resolution_ms, c.resolution_business_ms, \
     c.assignee_id, c.replies_to_resolve)";

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
        let mut args = Args::new();
        let counts_sql = if f.label.is_none() {
            let w = slots_where(&mut args, account_id, whole, f);
            packed(&format!("SELECT s.slot AS at, {SLOT_ROW} AS x FROM report_slots s WHERE {w} GROUP BY s.slot"))
        } else {
            // A label cut counts the labelled conversations from their facts: opened where they started, resolved where resolved.
            let opened = facts_where(
                &mut args,
                account_id,
                ("started_at", "c.assignee_id"),
                whole,
                f,
            );
            let resolved = facts_where(
                &mut args,
                account_id,
                ("resolved_at", "c.assignee_id"),
                whole,
                f,
            );
            packed(&format!(
                "SELECT c.started_at AS at, {LABEL_OPENED} AS x FROM conversations c WHERE {opened} \
                 UNION ALL SELECT c.resolved_at AS at, {LABEL_RESOLVED} AS x FROM conversations c WHERE {resolved} AND c.resolved_at IS NOT NULL"
            ))
        };
        let counts = batch.rows::<Packed>(self.prepare(&counts_sql, args.values())?);
        let by_agent = if f.label.is_none() {
            let mut args = Args::new();
            let w = slots_where(&mut args, account_id, current, f);
            let sql = format!("SELECT s.agent_id AS agent_id, {SUMS} FROM report_slots s WHERE {w} AND s.agent_id <> '' GROUP BY s.agent_id");
            Some(batch.rows::<Summed>(self.prepare(&sql, args.values())?))
        } else {
            None
        };
        let mut args = Args::new();
        let w = facts_where(
            &mut args,
            account_id,
            ("first_response_at", "c.first_response_by"),
            whole,
            f,
        );
        let sql = packed(&format!(
            "SELECT c.first_response_at AS at, {FIRST_RESPONSE_ROW} AS x FROM conversations c \
             WHERE {w} AND c.first_response_at IS NOT NULL AND c.first_response_ms IS NOT NULL"
        ));
        let first = batch.rows::<Packed>(self.prepare(&sql, args.values())?);
        let mut args = Args::new();
        let w = facts_where(
            &mut args,
            account_id,
            ("resolved_at", "c.assignee_id"),
            whole,
            f,
        );
        let sql = packed(&format!(
            "SELECT c.resolved_at AS at, {RESOLUTION_ROW} AS x FROM conversations c \
             WHERE {w} AND c.resolved_at IS NOT NULL AND c.resolution_ms IS NOT NULL"
        ));
        let resolutions = batch.rows::<Packed>(self.prepare(&sql, args.values())?);
        let agents = batch.rows::<Named>(self.prepare(
            "SELECT id, full_name AS name FROM agents WHERE account_id = ?1 ORDER BY full_name, id",
            &[account_id.into()],
        )?);
        let ran = batch.run().await?;
        let mut rows = Rows {
            agents: ran
                .rows(&agents)?
                .into_iter()
                .map(|a| (a.id, a.name))
                .collect(),
            ..Rows::default()
        };
        for p in ran.rows(&first)? {
            unpack_ended(
                p.packed.as_deref().unwrap_or_default(),
                &mut rows.first_responses,
            );
        }
        for p in ran.rows(&resolutions)? {
            unpack_ended(
                p.packed.as_deref().unwrap_or_default(),
                &mut rows.resolutions,
            );
        }
        let mut tallies = Vec::new();
        for p in ran.rows(&counts)? {
            unpack_tallies(p.packed.as_deref().unwrap_or_default(), &mut tallies);
        }
        for (at, tally, agent) in tallies {
            rows.slots.push((at, tally));
            if let Some(agent) = agent.filter(|_| at >= current.from && at < current.to) {
                rows.agent_tallies.push((agent, tally));
            }
        }
        if let Some(by_agent) = by_agent {
            rows.agent_tallies = ran
                .rows(&by_agent)?
                .iter()
                .map(|r| (r.agent_id.clone(), r.tally()))
                .collect();
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
        let mut args = Args::new();
        let mut w = facts_where(
            &mut args,
            account_id,
            ("started_at", "c.assignee_id"),
            span,
            f,
        );
        if let Some((at, id)) = after {
            let (at, id) = (args.bind(ms(at)), args.bind(id));
            w.push_str(&format!(" AND (c.started_at, c.id) > ({at}, {id})"));
        }
        let limit = args.bind(limit);
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
            w
        );
        self.all(&sql, args.values()).await
    }
}
