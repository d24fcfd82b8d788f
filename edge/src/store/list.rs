//! SQL of the inbox's conversation list: a page of it in order of activity,
//! or of a search (FTS5 over what was written, and the person's name or
//! email), ranked; both filtered alike and paged by an opaque cursor.
//!
//! Each filter is written into the SQL only when given, as a literal
//! condition on `c`, so SQLite walks one of migration 0013's indexes in the
//! list's order (no sort) and a page costs the same at any depth; filtered
//! by labels, it walks migration 0020's index of the first label's links in
//! the same order, each other label checked by its link's key; by a team,
//! migration 0023's.

use shared::api;
use shared::conversation::{Channel, Status};
use shared::search::{Cursor, ELLIPSIS, MARK_CLOSE, MARK_OPEN, SNIPPET_TOKENS};
use wasm_bindgen::JsValue;

use super::batch::{Args, Param};
use super::conversations::{ConversationRow, CONVERSATION_COLUMNS, CONVERSATION_JOINS};
use super::{ms, Store};
use crate::error::ApiResult;

/// What the list is narrowed to, besides the account.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListFilter<'a> {
    /// Only this channel.
    pub channel: Option<Channel>,
    /// Only this status.
    pub status: Option<Status>,
    /// Only this agent's (`Some(Some(id))`) or only the unassigned (`Some(None)`).
    pub assignee: Option<Option<&'a str>>,
    /// Only this site's.
    pub site: Option<&'a str>,
    /// The spam instead of the rest.
    pub spam: bool,
    /// Only those carrying every one of these labels (ids of the account's).
    pub labels: &'a [String],
    /// The snoozed instead of the rest.
    pub snoozed: bool,
    /// Only those of these teams.
    pub team: Option<TeamScope<'a>>,
    /// By time left on the next deadline, soonest first, instead of by activity
    /// (only those with one: migration 0030's index, in order).
    pub due: bool,
}

/// The teams the list is narrowed to (`team=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamScope<'a> {
    /// The teams this agent belongs to ("my teams"): read through migration
    /// 0023's index of the agent's teams, while the list walks its usual
    /// index in order (the `+` keeps SQLite from walking several ranges of
    /// the team index, which would need a sort).
    MemberOf(&'a str),
    /// No team.
    NoTeam,
    /// This team (migration 0023's index, in order).
    One(&'a str),
}

/// A search: the FTS5 query made by `shared::search::fts_query` (if any
/// word remains) and the text to find in the person's name or email.
#[derive(Debug, Clone, Copy)]
pub struct SearchTerms<'a> {
    /// Safe FTS5 query over the messages.
    pub fts: Option<&'a str>,
    /// The search as typed (trimmed), found inside names and addresses (any case).
    pub person: &'a str,
}

/// SQL conditions and their parameters, written together.
struct Conditions {
    sql: Vec<String>,
    args: Args,
    /// The account's placeholder.
    account: Param,
}

impl Conditions {
    /// Starts with the account.
    fn of_account(account_id: &str) -> Self {
        let mut args = Args::new();
        let account = args.bind(account_id);
        Conditions {
            sql: vec![format!("c.account_id = {account}")],
            args,
            account,
        }
    }

    /// Binds `value` and answers its placeholder.
    fn bind(&mut self, value: JsValue) -> String {
        self.args.bind(value).to_string()
    }

    /// Adds the filter's conditions on `c`, but for the first `driving`
    /// labels, which the query reads its rows from.
    fn filter(&mut self, filter: &ListFilter<'_>, driving: usize) {
        self.sql.push(
            if filter.spam {
                "c.spam_at IS NOT NULL"
            } else {
                "c.spam_at IS NULL"
            }
            .into(),
        );
        // A merged-away conversation lives on in its survivor only.
        self.sql.push("c.merged_into IS NULL".into());
        self.sql.push(
            if filter.snoozed {
                "c.snoozed_at IS NOT NULL"
            } else {
                "c.snoozed_at IS NULL"
            }
            .into(),
        );
        if let Some(channel) = filter.channel {
            let p = self.bind(channel.as_str().into());
            self.sql.push(format!("c.channel = {p}"));
        }
        if let Some(status) = filter.status {
            let p = self.bind(status.as_str().into());
            self.sql.push(format!("c.status = {p}"));
        }
        match filter.assignee {
            None => {}
            Some(None) => self.sql.push("c.assignee_id IS NULL".into()),
            Some(Some(agent)) => {
                let p = self.bind(agent.into());
                self.sql.push(format!("c.assignee_id = {p}"));
            }
        }
        match filter.team {
            None => {}
            Some(TeamScope::NoTeam) => self.sql.push("c.team_id IS NULL".into()),
            Some(TeamScope::One(team)) => {
                let p = self.bind(team.into());
                self.sql.push(format!("c.team_id = {p}"));
            }
            Some(TeamScope::MemberOf(agent)) => {
                let p = self.bind(agent.into());
                self.sql.push(format!(
                    "+c.team_id IN (SELECT m.team_id FROM team_members m WHERE m.agent_id = {p})"
                ));
            }
        }
        if let Some(site) = filter.site {
            let p = self.bind(site.into());
            self.sql.push(format!("c.site_id = {p}"));
        }
        for label in filter.labels.iter().skip(driving) {
            let p = self.bind(label.as_str().into());
            self.sql.push(format!(
                "EXISTS (SELECT 1 FROM conversation_labels k WHERE k.conversation_id = c.id AND k.label_id = {p})"
            ));
        }
    }

    /// `AND`-joined conditions.
    fn all(&self) -> String {
        self.sql.join(" AND ")
    }
}

/// The page and the cursor after its last row, if the page is full.
fn page(
    rows: Vec<ConversationRow>,
    limit: u32,
    cursor: impl Fn(&ConversationRow) -> Cursor,
) -> api::ConversationPage {
    let next = (rows.len() == limit as usize)
        .then(|| rows.last().map(|row| cursor(row).encode()))
        .flatten();
    api::ConversationPage {
        conversations: rows.into_iter().map(Into::into).collect(),
        next,
    }
}

impl Store {
    /// A page of the account's conversations, newest activity first (ties by
    /// id), after `cursor`.
    pub async fn conversations(
        &self,
        account_id: &str,
        filter: &ListFilter<'_>,
        cursor: Option<(u64, &str)>,
        limit: u32,
    ) -> ApiResult<api::ConversationPage> {
        let mut w = Conditions::of_account(account_id);
        if filter.due {
            return self.by_due(w, filter, cursor, limit).await;
        }
        // Filtered by labels, the rows come from the first label's links, in
        // the list's order (migration 0020's copy of it); else from `c`.
        let (from, order) = match filter.labels.first() {
            None => ("conversations c", ["c.last_message_at", "c.id"]),
            Some(label) => {
                let p = w.bind(label.as_str().into());
                w.sql.push(format!("l.label_id = {p}"));
                (
                    "conversation_labels l CROSS JOIN conversations c ON c.id = l.conversation_id",
                    ["l.last_message_at", "l.conversation_id"],
                )
            }
        };
        w.filter(filter, 1);
        if let Some((at, id)) = cursor {
            let (at, id) = (w.bind(ms(at)), w.bind(id.into()));
            w.sql
                .push(format!("({}, {}) < ({at}, {id})", order[0], order[1]));
        }
        let limit_p = w.bind(JsValue::from_f64(f64::from(limit)));
        let sql = format!(
            "SELECT {CONVERSATION_COLUMNS} FROM {from} {CONVERSATION_JOINS} WHERE {} \
             ORDER BY {} DESC, {} DESC LIMIT {limit_p}",
            w.all(),
            order[0],
            order[1]
        );
        let rows: Vec<ConversationRow> = self.all(&sql, w.args.values()).await?;
        Ok(page(rows, limit, |r| Cursor::List {
            last_message_at: r.last_message_at,
            id: r.id.clone(),
        }))
    }

    /// A page of the list by time left: the conversations with a deadline
    /// (`sla_due_at`, kept by migration 0030's triggers), soonest (or most
    /// overdue) first, ties by id, after `cursor` (deadline, id); walks
    /// migration 0030's index in order, labels checked per row.
    async fn by_due(
        &self,
        mut w: Conditions,
        filter: &ListFilter<'_>,
        cursor: Option<(u64, &str)>,
        limit: u32,
    ) -> ApiResult<api::ConversationPage> {
        w.sql.push("c.sla_due_at IS NOT NULL".into());
        w.filter(filter, 0);
        if let Some((at, id)) = cursor {
            let (at, id) = (w.bind(ms(at)), w.bind(id.into()));
            w.sql.push(format!("(c.sla_due_at, c.id) > ({at}, {id})"));
        }
        let limit_p = w.bind(JsValue::from_f64(f64::from(limit)));
        let sql = format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations c {CONVERSATION_JOINS} WHERE {} \
             ORDER BY c.sla_due_at, c.id LIMIT {limit_p}",
            w.all()
        );
        let rows: Vec<ConversationRow> = self.all(&sql, w.args.values()).await?;
        Ok(page(rows, limit, |r| Cursor::Due {
            due_at: r.sla_due_at.unwrap_or_default(),
            id: r.id.clone(),
        }))
    }

    /// A page of a search over the account's conversations, after `cursor`
    /// (from an earlier page of the same search): first those whose person
    /// matches (name or email), then by the bm25 score of their best message
    /// (body or subject), then newest first; each with that message's
    /// snippet. One statement: the page's keys are chosen before its columns
    /// (previews, snippets) are read, so those cost per row shown.
    pub async fn search(
        &self,
        account_id: &str,
        filter: &ListFilter<'_>,
        terms: &SearchTerms<'_>,
        cursor: Option<(bool, f64, u64, &str)>,
        limit: u32,
    ) -> ApiResult<api::ConversationPage> {
        let mut w = Conditions::of_account(account_id);
        w.filter(filter, 0);
        let filters = w.all();
        let person = person_matches(&mut w, terms.person);
        // Every conversation matched, once: by its person and/or by its best message.
        let ((words, from_words), snippet) = match terms.fts {
            Some(fts) => word_hits(&mut w, fts),
            None => ((String::new(), String::new()), "NULL".into()),
        };
        let mut keys = vec![filters];
        if let Some(cursor) = cursor {
            keys.push(after_cursor(&mut w, cursor));
        }
        let limit_p = w.bind(JsValue::from_f64(f64::from(limit)));
        let sql = format!(
            "WITH {words}hits AS (SELECT cid, SUM(person) > 0 AS person, MIN(score) AS score, r FROM \
               (SELECT cid, 1 AS person, NULL AS score, NULL AS r FROM ({person}) {from_words}) GROUP BY cid), \
             p AS (SELECT c.id AS cid, x.person, COALESCE(x.score, 0.0) AS score, x.r AS r \
               FROM hits x JOIN conversations c ON c.id = x.cid \
               WHERE {} ORDER BY x.person DESC, COALESCE(x.score, 0.0), c.last_message_at DESC, c.id LIMIT {limit_p}) \
             SELECT {CONVERSATION_COLUMNS}, p.person, p.score, \
               (SELECT id FROM messages WHERE rowid = p.r) AS snippet_message_id, {snippet} AS snippet \
             FROM p JOIN conversations c ON c.id = p.cid {CONVERSATION_JOINS} \
             ORDER BY p.person DESC, p.score, c.last_message_at DESC, c.id",
            keys.join(" AND ")
        );
        let rows: Vec<ConversationRow> = self.all(&sql, w.args.values()).await?;
        Ok(page(rows, limit, |r| Cursor::Search {
            person: r.person == Some(1),
            score: r.score.unwrap_or(0.0),
            last_message_at: r.last_message_at,
            id: r.id.clone(),
        }))
    }
}

/// The account's conversations whose person matches the search text: the
/// account's contacts, the visitors of its sites who stated an email, its
/// Messenger people (read from their own tables, not by joining every
/// conversation to them). instr, not LIKE: the text is literal (no wildcards
/// to escape) and D1 caps LIKE patterns at 50 bytes.
fn person_matches(w: &mut Conditions, person: &str) -> String {
    let text = w.bind(person.to_ascii_lowercase().into());
    let account = w.account;
    let within = |columns: &[&str]| {
        columns
            .iter()
            .map(|c| format!("instr(lower({c}), {text}) > 0"))
            .collect::<Vec<_>>()
            .join(" OR ")
    };
    format!(
        "SELECT id AS cid FROM conversations WHERE contact_id IN \
           (SELECT COALESCE(merged_into, id) FROM contacts WHERE account_id = {account} AND ({})) \
         UNION SELECT id FROM conversations WHERE visitor_id IN \
           (SELECT id FROM visitors WHERE site_id IN (SELECT id FROM sites WHERE account_id = {account}) \
            AND claimed_email IS NOT NULL AND ({})) \
         UNION SELECT id FROM conversations WHERE visitor_id IN \
           (SELECT visitor_id FROM messenger_visitors WHERE site_id IN (SELECT id FROM sites WHERE account_id = {account}) \
            AND ({}))",
        within(&["email", "full_name", "name_from_email"]),
        within(&["claimed_email"]),
        within(&["name"]),
    )
}

/// The FTS5 part of a search: the `words` table of message hits with their
/// bm25 score, the rows it adds to the hits (the bare column `r` is the
/// message of the row MIN(score) picked; person rows have no score), and the
/// snippet of a page row's best message.
fn word_hits(w: &mut Conditions, fts: &str) -> ((String, String), String) {
    let q = w.bind(fts.into());
    let marks = [
        w.bind(MARK_OPEN.into()),
        w.bind(MARK_CLOSE.into()),
        w.bind(ELLIPSIS.into()),
    ]
    .join(", ");
    let account = w.account;
    (
        (
            // Materialized: bm25() may only run in the FTS5 query itself, never flattened into the grouping.
            format!(
                "words AS MATERIALIZED (SELECT rowid AS r, bm25(messages_fts, 1.0, 2.0) AS score \
                   FROM messages_fts WHERE messages_fts MATCH {q}), "
            ),
            format!(
                "UNION ALL SELECT m.conversation_id, 0, f.score, f.r FROM words f JOIN messages m ON m.rowid = f.r \
                 WHERE m.site_id IN (SELECT id FROM sites WHERE account_id = {account})"
            ),
        ),
        format!(
            "(SELECT snippet(messages_fts, -1, {marks}, {SNIPPET_TOKENS}) FROM messages_fts \
              WHERE messages_fts MATCH {q} AND rowid = p.r)"
        ),
    )
}

/// The condition of the rows after a search page's last one. Its rank is
/// read as it is now, when it still matches: bm25 follows the whole index's
/// statistics, so a score kept in the cursor drifts as mail arrives
/// anywhere, and hits just past it would fall on the wrong side (skipped).
fn after_cursor(w: &mut Conditions, (person, score, at, id): (bool, f64, u64, &str)) -> String {
    let id = w.bind(id.into());
    let now = |column: &str, kept: String| {
        format!("COALESCE((SELECT {column} FROM hits h WHERE h.cid = {id}), {kept})")
    };
    let after = [
        now(
            "1 - h.person",
            w.bind(JsValue::from_f64(if person { 0.0 } else { 1.0 })),
        ),
        now("COALESCE(h.score, 0.0)", w.bind(JsValue::from_f64(score))),
        w.bind(JsValue::from_f64(-(at as f64))),
        id.clone(),
    ];
    format!(
        "(1 - x.person, COALESCE(x.score, 0.0), -c.last_message_at, c.id) > ({})",
        after.join(", ")
    )
}
