//! Merging (migration 0024): a conversation into another of the same contact,
//! a contact into a duplicate. Each merge is one D1 batch whose first
//! statement decides it by compare-and-set (neither side merged away, same
//! account, same contact) and writes a fresh `merge_id`; every other
//! statement is gated on that id, so a retry, or a merge that lost a race,
//! changes nothing. The merged-away row stays, pointing at its survivor
//! (`merged_into`), and [`Store::survivor`] follows it for the API.

use serde::Deserialize;
use shared::api;
use shared::conversation::Status;
use wasm_bindgen::JsValue;

use super::batch::{Args, Param};
use super::contacts::{contact_select, ContactRow};
use super::report::Target;
use super::{ms, opt, Store};
use crate::error::ApiResult;

/// What a merge did, or why it did nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merged {
    /// Merged now.
    Done,
    /// It was already merged into that survivor (a retry): nothing more changed.
    Already,
    /// The merged-away side is not the account's.
    Missing,
    /// The survivor is not the account's.
    IntoMissing,
    /// Into itself.
    Itself,
    /// The survivor was itself merged away.
    IntoMergedAway,
    /// The merged-away side was merged into another survivor already.
    Elsewhere,
    /// Conversations of different contacts (or without one).
    OtherContact,
}

/// Which rows a merge reads and moves.
#[derive(Debug, Clone, Copy)]
pub(super) enum Kind {
    /// Conversations.
    Conversation,
    /// Contacts.
    Contact,
}

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Kind::Conversation => "conversations",
            Kind::Contact => "contacts",
        }
    }
}

/// One side of a merge as it is before the batch.
#[derive(Debug, Deserialize)]
struct Side {
    id: String,
    merged_into: Option<String>,
    /// For a conversation: its contact; for a contact: its email.
    key: Option<String>,
    /// For a conversation: open or closed.
    status: Option<String>,
}

/// The merge's parts bound once: every statement of the batch uses them.
pub(super) struct Bound {
    /// The values bound so far.
    pub args: Args,
    /// The merged-away id.
    pub from: Param,
    /// The survivor's id.
    pub into: Param,
    /// The account.
    pub account: Param,
    /// This merge's id (the decision writes it).
    pub merge: Param,
    /// The time, ms.
    pub now: Param,
}

impl Bound {
    fn new(account: &str, from: &str, into: &str, merge: &str, now: u64) -> Self {
        let mut args = Args::new();
        let (account, from, into) = (args.bind(account), args.bind(from), args.bind(into));
        let (merge, now) = (args.bind(merge), args.bind(ms(now)));
        Bound {
            args,
            from,
            into,
            account,
            merge,
            now,
        }
    }

    /// True only inside the batch that won the decision.
    pub fn gate(&self, kind: Kind) -> String {
        format!(
            "EXISTS (SELECT 1 FROM {} WHERE id = {} AND merge_id = {})",
            kind.table(),
            self.from,
            self.merge
        )
    }
}

/// The values a statement binds: D1 wants exactly as many as its highest
/// placeholder `?N` (the merge's statements share one [`Args`], each using
/// some of its values).
fn bound_for<'v>(sql: &str, values: &'v [JsValue]) -> &'v [JsValue] {
    let highest = sql
        .split('?')
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<usize>().ok()
        })
        .max()
        .unwrap_or(0);
    &values[..highest.min(values.len())]
}

/// The outcome decided from the two sides as read (before or after a batch).
fn judge(kind: Kind, sides: &[Side], from: &str, into: &str) -> Option<Merged> {
    let find = |id: &str| sides.iter().find(|s| s.id == id);
    let Some(from) = find(from) else {
        return Some(Merged::Missing);
    };
    let Some(into) = find(into) else {
        return Some(Merged::IntoMissing);
    };
    if from.id == into.id {
        return Some(Merged::Itself);
    }
    match from.merged_into.as_deref() {
        Some(s) if s == into.id => return Some(Merged::Already),
        Some(_) => return Some(Merged::Elsewhere),
        None => {}
    }
    if into.merged_into.is_some() {
        return Some(Merged::IntoMergedAway);
    }
    let same_contact = from.key.is_some() && from.key == into.key;
    if matches!(kind, Kind::Conversation) && !same_contact {
        return Some(Merged::OtherContact);
    }
    None
}

impl Store {
    /// The id a path's conversation or contact id answers for: its survivor
    /// when it was merged away, else itself (`None`: not the account's).
    pub async fn survivor(
        &self,
        account_id: &str,
        contact: bool,
        id: &str,
    ) -> ApiResult<Option<String>> {
        #[derive(Deserialize)]
        struct Id {
            id: String,
        }
        let table = if contact { "contacts" } else { "conversations" };
        let sql = format!(
            "SELECT COALESCE(merged_into, id) AS id FROM {table} WHERE id = ?1 AND account_id = ?2"
        );
        let row: Option<Id> = self.first(&sql, &[id.into(), account_id.into()]).await?;
        Ok(row.map(|r| r.id))
    }

    /// Both sides of a merge, as they are now (those of the account).
    async fn sides(
        &self,
        kind: Kind,
        account_id: &str,
        from: &str,
        into: &str,
    ) -> ApiResult<Vec<Side>> {
        let key = match kind {
            Kind::Conversation => "contact_id AS key, status",
            Kind::Contact => "email AS key, NULL AS status",
        };
        let sql = format!(
            "SELECT id, merged_into, {key} FROM {} WHERE account_id = ?1 AND id IN (?2, ?3)",
            kind.table()
        );
        self.all(&sql, &[account_id.into(), from.into(), into.into()])
            .await
    }

    /// Merges conversation `from` into `into` (same account, same contact) in
    /// one batch, recording a `merged` event in the survivor's trail by `agent_id`.
    pub async fn merge_conversation(
        &self,
        account_id: &str,
        from: &str,
        into: &str,
        agent_id: &str,
        now: u64,
    ) -> ApiResult<Merged> {
        let kind = Kind::Conversation;
        let sides = self.sides(kind, account_id, from, into).await?;
        if let Some(outcome) = judge(kind, &sides, from, into) {
            return Ok(outcome);
        }
        let status = sides
            .into_iter()
            .find(|s| s.id == from)
            .and_then(|s| s.status);
        let merge = crate::ids::new_id("ev");
        let mut b = Bound::new(account_id, from, into, &merge, now);
        let agent = b.args.bind(agent_id);
        // Compared in the deciding statement: the survivor reopens if this was open.
        let status = b.args.bind(opt(status.as_deref()));
        let mut batch = self.batch();
        // The reports first, while the statuses are as read: the merged-away
        // conversation's close, the survivor's reopen (store::report).
        let decided = super::merge_sql::decides(&b, status, "conversations");
        let target = Target {
            sql: &decided,
            args: b.args.values(),
        };
        batch.extend(
            self.report_status(&target, from, Status::Closed, now)
                .await?,
        );
        let reopens = super::merge_sql::survivor_reopens(&b, status);
        let target = Target {
            sql: &reopens,
            args: b.args.values(),
        };
        batch.extend(self.report_status(&target, into, Status::Open, now).await?);
        for sql in super::merge_sql::conversation(&b, agent, status) {
            batch.push(self.prepare(&sql, bound_for(&sql, b.args.values()))?);
        }
        batch.run().await?;
        self.decided(kind, account_id, from, into, &merge).await
    }

    /// Merges contact `from` into `into` (same account) in one batch: its
    /// conversations, messages, visitors (their ties as verified as they
    /// were), labels and the fields `into` lacks move; `from` stays, pointing
    /// at `into`, with what `into` could not take (a second email address).
    pub async fn merge_contact(
        &self,
        account_id: &str,
        from: &str,
        into: &str,
        now: u64,
    ) -> ApiResult<Merged> {
        let kind = Kind::Contact;
        let sides = self.sides(kind, account_id, from, into).await?;
        if let Some(outcome) = judge(kind, &sides, from, into) {
            return Ok(outcome);
        }
        let email = sides.into_iter().find(|s| s.id == from).and_then(|s| s.key);
        let merge = crate::ids::new_id("mg");
        let mut b = Bound::new(account_id, from, into, &merge, now);
        // Compared in the deciding statement: moved only if it is still this address.
        let email = b.args.bind(opt(email.as_deref()));
        let mut batch = self.batch();
        for sql in super::merge_sql::contact(&b, email) {
            batch.push(self.prepare(&sql, bound_for(&sql, b.args.values()))?);
        }
        batch.run().await?;
        self.decided(kind, account_id, from, into, &merge).await
    }

    /// After a merge's batch: done if its decision won, else why not (read again).
    async fn decided(
        &self,
        kind: Kind,
        account_id: &str,
        from: &str,
        into: &str,
        merge: &str,
    ) -> ApiResult<Merged> {
        #[derive(Deserialize)]
        struct Won {
            won: u8,
        }
        let sql = format!(
            "SELECT COUNT(*) AS won FROM {} WHERE id = ?1 AND merge_id = ?2",
            kind.table()
        );
        let won: Option<Won> = self.first(&sql, &[from.into(), merge.into()]).await?;
        if won.is_some_and(|w| w.won == 1) {
            return Ok(Merged::Done);
        }
        let sides = self.sides(kind, account_id, from, into).await?;
        // Lost to a concurrent change that left nothing to refuse (a changed
        // address, say): said as a conflict, nothing written.
        Ok(judge(kind, &sides, from, into).unwrap_or(Merged::Elsewhere))
    }

    /// The visitors (site, id) of the conversations merged into this one.
    pub async fn merged_visitors(&self, conversation_id: &str) -> ApiResult<Vec<(String, String)>> {
        #[derive(Deserialize)]
        struct Row {
            site_id: String,
            visitor_id: String,
        }
        let rows: Vec<Row> = self
            .all(
                "SELECT DISTINCT site_id, visitor_id FROM conversations \
                 WHERE merged_into = ?1 AND visitor_id IS NOT NULL",
                &[conversation_id.into()],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.site_id, r.visitor_id))
            .collect())
    }

    /// The account's other live contacts with the same phone number, newest first.
    pub async fn duplicates(
        &self,
        account_id: &str,
        contact_id: &str,
    ) -> ApiResult<Vec<api::Contact>> {
        let sql = format!(
            "{} WHERE account_id = ?1 AND merged_into IS NULL AND id != ?2 \
               AND phone = (SELECT phone FROM contacts WHERE id = ?2 AND account_id = ?1) \
             ORDER BY created_at DESC LIMIT ?3",
            contact_select()
        );
        let rows: Vec<ContactRow> = self
            .all(
                &sql,
                &[
                    account_id.into(),
                    contact_id.into(),
                    JsValue::from(api::DUPLICATES_LISTED),
                ],
            )
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}
