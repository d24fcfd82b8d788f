//! SQL of labels: the account's labels, and their links to conversations
//! and contacts (migration 0020). The list's label filter is `store::list`'s.

use serde::Deserialize;
use shared::api;
use shared::label::{text_colour, Rgb, MAX_PER_ACCOUNT};
use shared::trail::TrailKind;
use wasm_bindgen::JsValue;

use super::privacy::CONTACT_CONVERSATIONS;
use super::{ms, opt, Store};
use crate::error::ApiResult;

/// Selects [`api::Label`]s (their text colour filled in by [`with_text`]); append a `WHERE`.
const LABEL_SELECT: &str = "SELECT id, name, colour, created_at FROM labels";

/// Why a label or a change of labels was not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelRefused {
    /// Another label of the account has the name.
    NameTaken,
    /// The account keeps the most labels it may.
    Full,
    /// The account has no such label (or conversation, or contact).
    NotFound,
    /// A label to add or remove is not the account's.
    UnknownLabel,
}

/// What carries labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Labelled {
    /// A conversation.
    Conversation,
    /// A contact.
    Contact,
}

impl Labelled {
    /// Its table, and its link table with the column naming it there.
    const fn tables(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Labelled::Conversation => ("conversations", "conversation_labels", "conversation_id"),
            Labelled::Contact => ("contacts", "contact_labels", "contact_id"),
        }
    }
}

/// A label with its chip's text colour.
fn with_text(mut label: api::Label) -> api::Label {
    label.text_colour = text_colour(Rgb::parse(&label.colour).unwrap_or(Rgb::WHITE)).hex();
    label
}

/// One row of a change of labels: whether its target is the account's, how
/// many of the named labels are, and the labels it carries after the change.
#[derive(Debug, Deserialize)]
struct Changed {
    found: u8,
    known: u32,
    #[serde(deserialize_with = "api::comma_list")]
    label_ids: Vec<String>,
}

/// How many other labels of the account have a name.
#[derive(Debug, Deserialize)]
struct Taken {
    n: u32,
}

impl Store {
    /// The account's labels, by name.
    pub async fn labels(&self, account_id: &str) -> ApiResult<Vec<api::Label>> {
        let rows: Vec<api::Label> = self
            .all(
                &format!("{LABEL_SELECT} WHERE account_id = ?1 ORDER BY name"),
                &[account_id.into()],
            )
            .await?;
        Ok(rows.into_iter().map(with_text).collect())
    }

    /// Adds a label to the account in one statement (nothing written when the
    /// name is taken or the account is full).
    pub async fn create_label(
        &self,
        account_id: &str,
        id: &str,
        (name, colour): (&str, &str),
        now: u64,
    ) -> ApiResult<Result<api::Label, LabelRefused>> {
        let mut batch = self.batch();
        batch.push(self.prepare(
            "INSERT INTO labels (id, account_id, name, colour, created_at, updated_at) SELECT ?1, ?2, ?3, ?4, ?5, ?5 \
             WHERE (SELECT COUNT(*) FROM labels WHERE account_id = ?2) < ?6 ON CONFLICT (account_id, name) DO NOTHING",
            &[id.into(), account_id.into(), name.into(), colour.into(), ms(now), MAX_PER_ACCOUNT.into()],
        )?);
        let saved = batch.rows::<api::Label>(
            self.prepare(&format!("{LABEL_SELECT} WHERE id = ?1"), &[id.into()])?,
        );
        let taken = batch.rows::<Taken>(self.prepare(
            "SELECT COUNT(*) AS n FROM labels WHERE account_id = ?1 AND name = ?2 AND id != ?3",
            &[account_id.into(), name.into(), id.into()],
        )?);
        let ran = batch.run().await?;
        Ok(match ran.first(&saved)? {
            Some(label) => Ok(with_text(label)),
            None if ran.first(&taken)?.is_some_and(|t| t.n > 0) => Err(LabelRefused::NameTaken),
            None => Err(LabelRefused::Full),
        })
    }

    /// Renames and/or recolours a label of the account in one statement
    /// (nothing written when the new name is taken).
    pub async fn update_label(
        &self,
        account_id: &str,
        id: &str,
        (name, colour): (Option<&str>, Option<&str>),
        now: u64,
    ) -> ApiResult<Result<api::Label, LabelRefused>> {
        let mut batch = self.batch();
        let updated = batch.write(self.prepare(
            "UPDATE OR IGNORE labels SET name = COALESCE(?3, name), colour = COALESCE(?4, colour), updated_at = ?5 \
             WHERE id = ?1 AND account_id = ?2",
            &[id.into(), account_id.into(), opt(name), opt(colour), ms(now)],
        )?);
        let saved = batch.rows::<api::Label>(self.prepare(
            &format!("{LABEL_SELECT} WHERE id = ?1 AND account_id = ?2"),
            &[id.into(), account_id.into()],
        )?);
        let ran = batch.run().await?;
        let changed = ran.changes(updated)? > 0;
        Ok(match ran.first(&saved)? {
            None => Err(LabelRefused::NotFound),
            Some(label) if changed => Ok(with_text(label)),
            Some(_) => Err(LabelRefused::NameTaken),
        })
    }

    /// Deletes a label of the account and its links to conversations and
    /// contacts, in one batch; `false` if the account has no such label.
    pub async fn delete_label(&self, account_id: &str, id: &str) -> ApiResult<bool> {
        let args = [id.into(), account_id.into()];
        let ours = "EXISTS (SELECT 1 FROM labels WHERE id = ?1 AND account_id = ?2)";
        let mut batch = self.batch();
        for links in ["conversation_labels", "contact_labels"] {
            batch.push(self.prepare(
                &format!("DELETE FROM {links} WHERE label_id = ?1 AND {ours}"),
                &args,
            )?);
        }
        let deleted = batch.write(self.prepare(
            "DELETE FROM labels WHERE id = ?1 AND account_id = ?2",
            &args,
        )?);
        Ok(batch.run().await?.changes(deleted)? > 0)
    }

    /// Puts labels on and takes labels off a conversation or contact of the
    /// account, in one batch: nothing is written unless the target and every
    /// named label are the account's; a label already on (or off) stays so.
    /// On a conversation, the trail records each label put on or taken off
    /// by `by` in the same batch, only where it changes (a retry records
    /// nothing more). The target's labels afterwards.
    pub async fn change_labels(
        &self,
        (account_id, by): (&str, &str),
        (target, target_id): (Labelled, &str),
        (add, remove): (&[String], &[String]),
        now: u64,
    ) -> ApiResult<Result<Vec<String>, LabelRefused>> {
        let (table, links, column) = target.tables();
        let json = |ids: &[String]| JsValue::from(serde_json::to_string(ids).unwrap_or_default());
        let all: Vec<String> = add.iter().chain(remove).cloned().collect();
        // ?1 to ?4 in every statement: the account, the target, every label named and their number.
        let guarded = |more: JsValue, now: Option<JsValue>| {
            let mut args = vec![
                account_id.into(),
                target_id.into(),
                json(&all),
                JsValue::from_f64(all.len() as f64),
                more,
            ];
            args.extend(now);
            args
        };
        // Every write is guarded alike: the target is the account's and so is each label named.
        let guard = format!(
            "EXISTS (SELECT 1 FROM {table} WHERE id = ?2 AND account_id = ?1) \
             AND (SELECT COUNT(*) FROM labels WHERE account_id = ?1 AND id IN (SELECT value FROM json_each(?3))) = ?4"
        );
        let (from, copied) = match target {
            Labelled::Conversation => (
                "last_message_at, ",
                "(SELECT last_message_at FROM conversations WHERE id = ?2), ",
            ),
            Labelled::Contact => ("", ""),
        };
        let mut batch = self.batch();
        if target == Labelled::Conversation {
            // The trail first, while the links are as they were.
            for (kind, ids) in [
                (TrailKind::LabelAdded, add),
                (TrailKind::LabelRemoved, remove),
            ] {
                if !ids.is_empty() {
                    let args = guarded(json(ids), None);
                    batch.push(self.label_events(kind, &guard, &args, (by, now))?);
                }
            }
        }
        batch.push(self.prepare(
            &format!(
                "INSERT INTO {links} ({column}, label_id, {from}created_at) \
                 SELECT ?2, value, {copied}?6 FROM json_each(?5) WHERE {guard} ON CONFLICT DO NOTHING"
            ),
            &guarded(json(add), Some(ms(now))),
        )?);
        batch.push(self.prepare(
            &format!("DELETE FROM {links} WHERE {column} = ?2 AND label_id IN (SELECT value FROM json_each(?5)) AND {guard}"),
            &guarded(json(remove), None),
        )?);
        let mut args = guarded(JsValue::NULL, None);
        args.pop();
        let after = batch.rows::<Changed>(self.prepare(
            &format!(
                "SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?2 AND account_id = ?1) AS found, \
                 (SELECT COUNT(*) FROM labels WHERE account_id = ?1 AND id IN (SELECT value FROM json_each(?3))) AS known, \
                 (SELECT group_concat(label_id) FROM (SELECT k.label_id FROM {links} k JOIN labels l ON l.id = k.label_id \
                   WHERE k.{column} = ?2 ORDER BY l.name)) AS label_ids WHERE ?4 IS NOT NULL"
            ),
            &args,
        )?);
        let ran = batch.run().await?;
        Ok(match ran.first(&after)? {
            Some(row) if row.found == 0 => Err(LabelRefused::NotFound),
            Some(row) if row.known as usize != all.len() => Err(LabelRefused::UnknownLabel),
            Some(row) => Ok(row.label_ids),
            None => Err(LabelRefused::NotFound),
        })
    }

    /// The labels on the contact and on its conversations (with their names), for its export.
    pub(super) async fn contact_label_rows(
        &self,
        contact_id: &str,
    ) -> ApiResult<serde_json::Map<String, serde_json::Value>> {
        let id: JsValue = contact_id.into();
        let labels: Vec<serde_json::Value> = self
            .all(
                "SELECT l.id, l.name, l.colour, k.created_at AS added_at FROM contact_labels k \
                 JOIN labels l ON l.id = k.label_id WHERE k.contact_id = ?1 ORDER BY l.name",
                std::slice::from_ref(&id),
            )
            .await?;
        let on_conversations: Vec<serde_json::Value> = self
            .all(
                &format!(
                    "SELECT k.conversation_id, l.id, l.name, l.colour, k.created_at AS added_at FROM conversation_labels k \
                     JOIN labels l ON l.id = k.label_id WHERE k.conversation_id IN ({CONTACT_CONVERSATIONS}) \
                     ORDER BY k.conversation_id, l.name"
                ),
                std::slice::from_ref(&id),
            )
            .await?;
        Ok(serde_json::Map::from_iter([
            ("labels".into(), labels.into()),
            ("conversation_labels".into(), on_conversations.into()),
        ]))
    }
}
