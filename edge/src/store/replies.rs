//! SQL of saved replies: the team's canned answers, per account.

use shared::api;
use shared::saved_reply::MAX_PER_ACCOUNT;

use super::{ms, opt, Store};
use crate::error::ApiResult;

/// Selects [`api::SavedReply`]s; append a `WHERE` on `r`.
const REPLY_SELECT: &str = "SELECT r.id, r.shortcut, r.title, r.body, r.created_at, r.updated_at, a.full_name AS updated_by_name \
     FROM saved_replies r LEFT JOIN agents a ON a.id = r.updated_by";

/// Why a saved reply was not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyRefused {
    /// Another saved reply of the account has the shortcut.
    ShortcutTaken,
    /// The account keeps the most saved replies it may.
    Full,
    /// The account has no saved reply with this id.
    NotFound,
}

/// A saved reply's fields as validated by `shared::saved_reply`; `None` keeps the stored one.
#[derive(Debug, Default)]
pub struct ReplyFields<'a> {
    /// The shortcut.
    pub shortcut: Option<&'a str>,
    /// The title.
    pub title: Option<&'a str>,
    /// The body.
    pub body: Option<&'a str>,
}

impl Store {
    /// The account's saved replies, by shortcut.
    pub async fn saved_replies(&self, account_id: &str) -> ApiResult<Vec<api::SavedReply>> {
        let rows: Vec<api::SavedReply> = self
            .all(
                &format!("{REPLY_SELECT} WHERE r.account_id = ?1 ORDER BY r.shortcut"),
                &[account_id.into()],
            )
            .await?;
        Ok(rows)
    }

    /// Why a write of a saved reply with this shortcut did nothing (read only after it did).
    async fn refusal(&self, account_id: &str, shortcut: Option<&str>) -> ApiResult<ReplyRefused> {
        let taken = match shortcut {
            Some(s) => self.count("SELECT COUNT(*) AS n FROM saved_replies WHERE account_id = ?1 AND shortcut = ?2", &[account_id.into(), s.into()]).await? > 0,
            None => false,
        };
        Ok(if taken {
            ReplyRefused::ShortcutTaken
        } else {
            ReplyRefused::Full
        })
    }

    /// Adds a saved reply to the account in one statement (nothing written when
    /// the shortcut is taken or the account is full); the reply as listed.
    pub async fn create_saved_reply(
        &self,
        account_id: &str,
        id: &str,
        agent_id: &str,
        fields: (&str, &str, &str),
        now: u64,
    ) -> ApiResult<Result<api::SavedReply, ReplyRefused>> {
        let (shortcut, title, body) = fields;
        let statements = vec![
            self.prepare(
                "INSERT INTO saved_replies (id, account_id, shortcut, title, body, created_by, updated_by, created_at, updated_at) \
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?7 \
                 WHERE (SELECT COUNT(*) FROM saved_replies WHERE account_id = ?2) < ?8 \
                 ON CONFLICT (account_id, shortcut) DO NOTHING",
                &[id.into(), account_id.into(), shortcut.into(), title.into(), body.into(), agent_id.into(), ms(now), MAX_PER_ACCOUNT.into()],
            )?,
        ];
        let mut batch = self.batch();
        batch.extend(statements);
        let saved = batch.rows::<api::SavedReply>(
            self.prepare(&format!("{REPLY_SELECT} WHERE r.id = ?1"), &[id.into()])?,
        );
        match batch.run().await?.first(&saved)? {
            Some(row) => Ok(Ok(row)),
            None => Ok(Err(self.refusal(account_id, Some(shortcut)).await?)),
        }
    }

    /// Changes a saved reply of the account in one statement (nothing written
    /// when the new shortcut is taken); the reply as listed.
    pub async fn update_saved_reply(
        &self,
        account_id: &str,
        id: &str,
        agent_id: &str,
        fields: &ReplyFields<'_>,
        now: u64,
    ) -> ApiResult<Result<api::SavedReply, ReplyRefused>> {
        let mut batch = self.batch();
        let updated = batch.write(self.prepare(
                "UPDATE OR IGNORE saved_replies SET shortcut = COALESCE(?3, shortcut), title = COALESCE(?4, title), \
                 body = COALESCE(?5, body), updated_by = ?6, updated_at = ?7 WHERE id = ?1 AND account_id = ?2",
                &[id.into(), account_id.into(), opt(fields.shortcut), opt(fields.title), opt(fields.body), agent_id.into(), ms(now)],
            )?);
        let saved = batch.rows::<api::SavedReply>(self.prepare(
            &format!("{REPLY_SELECT} WHERE r.id = ?1 AND r.account_id = ?2"),
            &[id.into(), account_id.into()],
        )?);
        let ran = batch.run().await?;
        let changed = ran.changes(updated)? > 0;
        match ran.first(&saved)? {
            None => Ok(Err(ReplyRefused::NotFound)),
            Some(row) if changed => Ok(Ok(row)),
            Some(_) => Ok(Err(ReplyRefused::ShortcutTaken)),
        }
    }

    /// Deletes a saved reply of the account; `false` if it has none with this id.
    pub async fn delete_saved_reply(&self, account_id: &str, id: &str) -> ApiResult<bool> {
        Ok(self
            .run(
                "DELETE FROM saved_replies WHERE id = ?1 AND account_id = ?2",
                &[id.into(), account_id.into()],
            )
            .await?
            > 0)
    }
}
