//! SQL of the agents' side: one conversation (the columns the list shares,
//! see `list`), threads, replies, spam, and a contact's conversations.

use serde::Deserialize;
use shared::api;
use shared::contact::display_name;
use shared::conversation::{Channel, Direction, Status};
use shared::search::snippet_parts;
use shared::sla::SlaKind;

use super::files::NewFile;
use super::report::Target;
use super::{ms, opt, Store, MESSAGE_SELECT};
use crate::error::ApiResult;

/// The columns of a conversation's header, as listed in the inbox.
#[derive(Debug, Deserialize)]
pub(super) struct ConversationRow {
    /// Conversation id.
    pub id: String,
    /// Site it belongs to.
    pub site_id: String,
    /// Where the conversation takes place.
    pub channel: Channel,
    /// Whether it still needs attention.
    pub status: Status,
    /// Email subject, if any.
    pub subject: Option<String>,
    /// The contact, once known.
    pub contact_id: Option<String>,
    /// Contact's email, once known.
    pub contact_email: Option<String>,
    /// Contact's best known name.
    pub contact_name: Option<String>,
    /// 1 when that name is one a visitor stated without proof.
    pub name_stated: u8,
    /// The visitor, for chat.
    pub visitor_id: Option<String>,
    /// Start time, ms.
    pub started_at: u64,
    /// Time of the newest message, ms.
    pub last_message_at: u64,
    /// Body of the newest message.
    pub preview: Option<String>,
    /// The agent the conversation is assigned to.
    pub assignee_id: Option<String>,
    /// That agent's name.
    pub assignee_name: Option<String>,
    /// 1 when the newest message is from the contact and no agent has opened it since.
    pub unread: u8,
    /// The email the chat's visitor stated without proving it: set when the
    /// conversation rests on an unverified claim ("email not verified").
    pub unverified_email: Option<String>,
    /// When an agent marked it as spam (hidden from the default list).
    pub spam_at: Option<u64>,
    /// The person's name on Facebook, for Messenger.
    pub messenger_name: Option<String>,
    /// Its labels' ids, by name.
    #[serde(default, deserialize_with = "api::comma_list")]
    pub label_ids: Vec<String>,
    /// When an agent snoozed it, while snoozed.
    pub snoozed_at: Option<u64>,
    /// When it wakes by itself, while snoozed until a time.
    pub wake_at: Option<u64>,
    /// When it last woke.
    pub woken_at: Option<u64>,
    /// The customer's first message after the team's latest reply, ms.
    pub waiting_since: Option<u64>,
    /// The team it is assigned to.
    pub team_id: Option<String>,
    /// That team's name.
    pub team_name: Option<String>,
    /// Its next response-target deadline (migration 0030), while open.
    pub sla_due_at: Option<u64>,
    /// When that deadline is due soon.
    pub sla_soon_at: Option<u64>,
    /// 1 when that deadline is the first response's.
    pub sla_first: Option<u8>,
    /// In a search: 1 when its person's name or email matched.
    #[serde(default)]
    pub person: Option<u8>,
    /// In a search: the bm25 score of its best message (0 without one).
    #[serde(default)]
    pub score: Option<f64>,
    /// In a search: that message's id.
    #[serde(default)]
    pub snippet_message_id: Option<String>,
    /// In a search: FTS5's snippet of it, marked with `shared::search::MARK_OPEN`/`MARK_CLOSE`.
    #[serde(default)]
    pub snippet: Option<String>,
}

/// What an agent changes of a conversation (`PATCH /api/conversations/{id}`).
#[derive(Debug, Default)]
pub struct ConversationChange<'a> {
    /// Close or reopen.
    pub status: Option<Status>,
    /// Assign to an agent (`Some(None)` unassigns).
    pub assignee: Option<Option<&'a str>>,
    /// Mark as spam, or take the mark back.
    pub spam: Option<bool>,
    /// Assign to a team (`Some(None)` takes it from its team).
    pub team: Option<Option<&'a str>>,
    /// The agent making the change (the trail names them).
    pub by: &'a str,
}

/// What [`Store::update_conversation`] did.
#[derive(Debug)]
pub enum Updated {
    /// Nothing: the conversation is not the account's, or the assignee is no agent of it.
    Refused,
    /// Written.
    Done {
        /// For a spam mark or its removal: the conversation's visitor (site,
        /// id) and whether it is blocked now.
        visitor: Option<(String, String, bool)>,
    },
}

/// The visitor row a spam mark touched.
#[derive(Debug, Deserialize)]
struct SpamVisitor {
    id: String,
    site_id: String,
    blocked_at: Option<u64>,
}

/// An email of a thread, for In-Reply-To and References.
#[derive(Debug, Deserialize)]
pub struct ThreadEmail {
    /// Its Message-ID.
    pub email_message_id: String,
    /// Which way it travelled.
    pub direction: Direction,
}

/// An email sent from the inbox, to record with its delivery status.
#[derive(Debug)]
pub struct SentEmail<'a> {
    /// The conversation it answers.
    pub conversation_id: &'a str,
    /// The agent who wrote it.
    pub agent_id: &'a str,
    /// Message id (also inside the signed Message-ID).
    pub message_id: &'a str,
    /// The text.
    pub body: &'a str,
    /// Subject sent.
    pub subject: &'a str,
    /// `Name <address>` it was sent from.
    pub from_display: &'a str,
    /// Signed Message-ID.
    pub email_message_id: &'a str,
    /// To, Reply-To, In-Reply-To, References, as JSON.
    pub headers_json: &'a str,
    /// `None` when sent; the error otherwise.
    pub error: Option<&'a str>,
    /// The conversation's site (where its files are kept).
    pub site_id: &'a str,
    /// The files attached (already in R2), with their new attachment ids.
    pub files: &'a [(String, NewFile<'a>)],
    /// The Cc it went to: the conversation's Cc from now on, once it was sent.
    pub cc: &'a [String],
}

impl From<ConversationRow> for api::Conversation {
    fn from(r: ConversationRow) -> Self {
        let shown = display_name(
            &[
                r.contact_name.as_deref(),
                r.contact_email.as_deref(),
                r.unverified_email.as_deref(),
                r.messenger_name.as_deref(),
            ],
            &format!(
                "Visitor {}",
                r.visitor_id
                    .as_deref()
                    .and_then(|v| v.get(2..8))
                    .unwrap_or_default()
            ),
        );
        api::Conversation {
            id: r.id,
            site_id: r.site_id,
            channel: r.channel,
            status: r.status,
            subject: r.subject,
            contact_id: r.contact_id,
            contact_email: r.contact_email,
            contact_name: r.contact_name,
            visitor_id: r.visitor_id,
            started_at: r.started_at,
            last_message_at: r.last_message_at,
            preview: r.preview,
            assignee_id: r.assignee_id,
            assignee_name: r.assignee_name,
            unread: r.unread == 1,
            display_name: shown,
            name_stated: r.name_stated == 1,
            unverified_email: r.unverified_email,
            spam_at: r.spam_at,
            label_ids: r.label_ids,
            snippet: r
                .snippet_message_id
                .zip(r.snippet)
                .map(|(message_id, raw)| api::MatchSnippet {
                    message_id,
                    parts: snippet_parts(&raw),
                }),
            snoozed: r.snoozed_at.is_some(),
            snoozed_until: r.wake_at,
            woken_at: r.woken_at,
            waiting_since: r.waiting_since,
            team_id: r.team_id,
            team_name: r.team_name,
            sla: sla_mark(
                r.sla_due_at,
                r.sla_soon_at,
                r.sla_first,
                crate::clock::now_ms(),
            ),
        }
    }
}

/// The columns of a [`ConversationRow`], over `conversations c` and [`CONVERSATION_JOINS`].
pub(super) const CONVERSATION_COLUMNS: &str = "c.id, c.site_id, c.channel, c.status, c.subject, c.contact_id, \
       ct.email AS contact_email, COALESCE(ct.full_name, ct.name_from_email) AS contact_name, \
       COALESCE(ct.full_name IS NOT NULL AND ct.full_name_stated = 1, 0) AS name_stated, \
       c.visitor_id, c.started_at, c.last_message_at, \
       (SELECT body FROM messages m WHERE m.conversation_id = c.id ORDER BY m.created_at DESC, m.rowid DESC LIMIT 1) AS preview, \
       c.assignee_id, ag.full_name AS assignee_name, \
       COALESCE(c.last_message_at > c.agent_read_at AND (SELECT direction FROM messages m WHERE m.conversation_id = c.id \
          ORDER BY m.created_at DESC, m.rowid DESC LIMIT 1) = 'inbound', 0) AS unread, \
       CASE WHEN v.id IS NOT NULL AND v.contact_verified = 0 THEN COALESCE(v.claimed_email, ct.email) END AS unverified_email, \
       c.spam_at, mv.name AS messenger_name, c.snoozed_at, c.wake_at, c.woken_at, \
       (SELECT group_concat(label_id) FROM (SELECT k.label_id FROM conversation_labels k JOIN labels l ON l.id = k.label_id \
          WHERE k.conversation_id = c.id ORDER BY l.name)) AS label_ids, \
       (SELECT MIN(w.created_at) FROM messages w WHERE w.conversation_id = c.id AND w.direction = 'inbound' \
          AND w.created_at > COALESCE((SELECT r.created_at FROM messages r WHERE r.conversation_id = c.id \
            AND r.author = 'agent' ORDER BY r.created_at DESC LIMIT 1), -1)) AS waiting_since, \
       c.team_id, (SELECT name FROM teams WHERE id = c.team_id) AS team_name, \
       c.sla_due_at, c.sla_soon_at, (c.first_response_at IS NULL AND c.sla_response_due_at IS NOT NULL) AS sla_first";

/// A conversation's next deadline and where it stands at `now` (`shared::sla::state`).
fn sla_mark(
    due: Option<u64>,
    soon: Option<u64>,
    first: Option<u8>,
    now: u64,
) -> Option<api::SlaMark> {
    let due_at = due?;
    Some(api::SlaMark {
        kind: if first == Some(1) {
            SlaKind::FirstResponse
        } else {
            SlaKind::Resolution
        },
        state: shared::sla::state(now, soon.unwrap_or(due_at), due_at),
        due_at,
    })
}

/// Joins the conversation `c` to its contact `ct`, assignee `ag`, visitor `v` and Messenger person `mv`.
pub(super) const CONVERSATION_JOINS: &str = "LEFT JOIN contacts ct ON ct.id = c.contact_id \
     LEFT JOIN agents ag ON ag.id = c.assignee_id LEFT JOIN visitors v ON v.id = c.visitor_id \
     LEFT JOIN messenger_visitors mv ON mv.visitor_id = c.visitor_id";

impl Store {
    /// Marks a conversation of the account as spam (blocking its visitor from
    /// writing) or takes the mark back (unblocking the visitor unless another
    /// of its conversations is still marked), and closes, reopens and
    /// (un)assigns it (to an agent and/or a team), in one batch. The assignee is
    /// checked to be an agent of the account, not removed, and the team one of
    /// its teams, inside the batch; if it is not, or the
    /// conversation is not the account's, nothing is written.
    pub async fn update_conversation(
        &self,
        account_id: &str,
        conversation_id: &str,
        change: &ConversationChange<'_>,
        now: u64,
    ) -> ApiResult<Updated> {
        let spam_at = match change.spam {
            Some(true) => ms(now),
            _ => wasm_bindgen::JsValue::NULL,
        };
        let ours = "id = ?2 AND site_id IN (SELECT id FROM sites WHERE account_id = ?1) \
                    AND (?5 IS NULL OR EXISTS (SELECT 1 FROM agents WHERE id = ?5 AND account_id = ?1 AND removed_at IS NULL)) \
                    AND (?9 IS NULL OR EXISTS (SELECT 1 FROM teams WHERE id = ?9 AND account_id = ?1))";
        let args = [
            account_id.into(),
            conversation_id.into(),
            opt(change.status.map(Status::as_str)),
            wasm_bindgen::JsValue::from_bool(change.assignee.is_some()),
            opt(change.assignee.flatten()),
            wasm_bindgen::JsValue::from_bool(change.spam.is_some()),
            spam_at,
            wasm_bindgen::JsValue::from_bool(change.team.is_some()),
            opt(change.team.flatten()),
        ];
        let mut batch = self.batch();
        // The trail first, each event only where its change changes something.
        for (event, changes) in change.trail_events(now) {
            batch.push(self.trail_event(&event, ours, changes, &args)?);
        }
        // The visitor first, while the conversation's mark is as it was.
        let visitor = batch.rows::<SpamVisitor>(self.prepare(
                &format!(
                    "UPDATE visitors SET blocked_at = CASE WHEN ?7 IS NOT NULL THEN COALESCE(blocked_at, ?7) \
                       WHEN EXISTS (SELECT 1 FROM conversations o WHERE o.visitor_id = visitors.id AND o.id != ?2 AND o.spam_at IS NOT NULL) \
                       THEN blocked_at ELSE NULL END \
                     WHERE ?6 AND id = (SELECT visitor_id FROM conversations WHERE {ours}) RETURNING id, site_id, blocked_at"
                ),
                &args,
            )?);
        // The reports, while the status is as it was (store::report).
        if let Some(status) = change.status {
            let target = Target {
                sql: ours,
                args: &args,
            };
            batch.extend(
                self.report_status(&target, conversation_id, status, now)
                    .await?,
            );
        }
        let changed = batch.write(self.prepare(
            &format!(
                "UPDATE conversations SET status = COALESCE(?3, status), \
                       assignee_id = CASE WHEN ?4 THEN ?5 ELSE assignee_id END, \
                       spam_at = CASE WHEN ?6 THEN ?7 ELSE spam_at END, \
                       team_id = CASE WHEN ?8 THEN ?9 ELSE team_id END, \
                       snoozed_at = CASE WHEN ?3 = 'closed' THEN NULL ELSE snoozed_at END, \
                       wake_at = CASE WHEN ?3 = 'closed' THEN NULL ELSE wake_at END, \
                       woken_at = CASE WHEN ?3 = 'closed' THEN NULL ELSE woken_at END \
                     WHERE {ours}"
            ),
            &args,
        )?);
        let ran = batch.run().await?;
        if ran.changes(changed)? != 1 {
            return Ok(Updated::Refused);
        }
        let visitor = ran.first(&visitor)?;
        Ok(Updated::Done {
            visitor: visitor.map(|v| (v.site_id, v.id, v.blocked_at.is_some())),
        })
    }

    /// The thread's emails, oldest first.
    pub async fn thread_emails(&self, conversation_id: &str) -> ApiResult<Vec<ThreadEmail>> {
        self.all(
            "SELECT email_message_id, direction FROM messages WHERE conversation_id = ?1 \
             AND email_message_id IS NOT NULL ORDER BY created_at, rowid",
            &[conversation_id.into()],
        )
        .await
    }

    /// Records an email sent (or not) from the inbox, and returns it.
    pub async fn add_sent_email(&self, sent: &SentEmail<'_>, now: u64) -> ApiResult<api::Message> {
        let status = if sent.error.is_none() {
            "sent"
        } else {
            "failed"
        };
        let (files, listed) = self.attachments_of(sent.message_id, sent.site_id, sent.files)?;
        let mut statements = vec![
            self.prepare(
                "INSERT INTO messages (id, conversation_id, site_id, direction, author, agent_id, body, email_message_id, \
                   email_subject, email_from, email_headers, delivery_status, delivery_error, created_at) \
                 SELECT ?1, c.id, c.site_id, 'outbound', 'agent', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 \
                 FROM conversations c WHERE c.id = ?11",
                &[
                    sent.message_id.into(),
                    sent.agent_id.into(),
                    sent.body.into(),
                    sent.email_message_id.into(),
                    sent.subject.into(),
                    sent.from_display.into(),
                    sent.headers_json.into(),
                    status.into(),
                    opt(sent.error),
                    ms(now),
                    sent.conversation_id.into(),
                ],
            )?,
            self.prepare(
                "UPDATE conversations SET last_message_at = ?2 WHERE id = ?1",
                &[sent.conversation_id.into(), ms(now)],
            )?,
        ];
        statements.extend(files);
        if sent.error.is_none() {
            statements.extend(self.cc_replacement(sent.conversation_id, sent.cc, now)?);
            // Only a reply that left is one for the reports.
            let reply = (sent.conversation_id, sent.message_id, sent.agent_id);
            statements.extend(self.report_reply(reply.0, reply.1, reply.2, now).await?);
        }
        let mut batch = self.batch();
        batch.extend(statements);
        let written = batch.rows(self.prepare(
            &format!("{MESSAGE_SELECT} WHERE m.id = ?1"),
            &[sent.message_id.into()],
        )?);
        let mut message = Self::written_message(&batch.run().await?, &written, "sent email")?;
        message.attachments = listed;
        Ok(message)
    }

    /// One conversation of the account, if it exists there.
    pub async fn conversation(
        &self,
        account_id: &str,
        conversation_id: &str,
    ) -> ApiResult<Option<api::Conversation>> {
        let sql = format!("SELECT {CONVERSATION_COLUMNS} FROM conversations c {CONVERSATION_JOINS} WHERE c.account_id = ?1 AND c.id = ?2");
        Ok(self
            .first::<ConversationRow>(&sql, &[account_id.into(), conversation_id.into()])
            .await?
            .map(Into::into))
    }

    /// Stores an agent's chat reply, with its files (already in R2) listed,
    /// and returns it.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_agent_message(
        &self,
        conversation_id: &str,
        site_id: &str,
        agent_id: &str,
        message_id: &str,
        body: &str,
        files: &[(String, NewFile<'_>)],
        now: u64,
    ) -> ApiResult<api::Message> {
        let (inserts, listed) = self.attachments_of(message_id, site_id, files)?;
        let mut statements = vec![
            self.prepare(
                "INSERT INTO messages (id, conversation_id, site_id, direction, author, agent_id, body, created_at) \
                 SELECT ?1, c.id, c.site_id, 'outbound', 'agent', ?2, ?3, ?4 FROM conversations c WHERE c.id = ?5",
                &[message_id.into(), agent_id.into(), body.into(), ms(now), conversation_id.into()],
            )?,
            // An agent's reply takes over: the chatbot's flow stops for this conversation.
            self.prepare("UPDATE conversations SET last_message_at = ?2, flow_step = NULL WHERE id = ?1", &[conversation_id.into(), ms(now)])?,
        ];
        statements.extend(inserts);
        statements.extend(
            self.report_reply(conversation_id, message_id, agent_id, now)
                .await?,
        );
        let mut batch = self.batch();
        batch.extend(statements);
        let written = batch.rows(self.prepare(
            &format!("{MESSAGE_SELECT} WHERE m.id = ?1"),
            &[message_id.into()],
        )?);
        let mut message = Self::written_message(&batch.run().await?, &written, "agent message")?;
        message.attachments = listed;
        Ok(message)
    }

    /// All conversations of a contact, newest activity first.
    pub async fn contact_conversations(
        &self,
        account_id: &str,
        contact_id: &str,
    ) -> ApiResult<Vec<api::Conversation>> {
        let sql = format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations c {CONVERSATION_JOINS} WHERE c.account_id = ?1 AND c.contact_id = ?2 \
             AND c.merged_into IS NULL ORDER BY c.last_message_at DESC, c.id DESC"
        );
        let rows: Vec<ConversationRow> = self
            .all(&sql, &[account_id.into(), contact_id.into()])
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}
