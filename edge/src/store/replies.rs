//! SQL of saved replies (the team's canned answers, per account) and of chat
//! transcripts sent by email (one row per request key, so a retry never sends twice).

use serde::Deserialize;
use shared::api;
use shared::saved_reply::MAX_PER_ACCOUNT;
use shared::transcript::TranscriptStatus;

use super::{ms, opt, Store};
use crate::error::{ApiError, ApiResult};

#[derive(Deserialize)]
struct SavedReplyRow {
    id: String,
    shortcut: String,
    title: String,
    body: String,
    created_at: u64,
    updated_at: u64,
    updated_by_name: Option<String>,
}

impl From<SavedReplyRow> for api::SavedReply {
    fn from(r: SavedReplyRow) -> Self {
        api::SavedReply {
            id: r.id,
            shortcut: r.shortcut,
            title: r.title,
            body: r.body,
            created_at: r.created_at,
            updated_at: r.updated_at,
            updated_by_name: r.updated_by_name,
        }
    }
}

/// Selects [`SavedReplyRow`]s; append a `WHERE` on `r`.
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

#[derive(Deserialize)]
struct TranscriptRow {
    id: String,
    conversation_id: String,
    to_address: String,
    status: TranscriptStatus,
    sent_at: Option<u64>,
    error: Option<String>,
}

impl TranscriptRow {
    fn into_api(self, replayed: bool) -> api::Transcript {
        api::Transcript {
            id: self.id,
            conversation_id: self.conversation_id,
            to: Some(self.to_address),
            status: self.status,
            sent_at: self.sent_at,
            error: self.error,
            replayed,
        }
    }
}

/// Who takes a transcript request: the request that claimed it sends; any other replays.
pub enum TranscriptClaim {
    /// This request inserted the row (or took over a failed one) and must send it now.
    Send(String),
    /// Another request with the same key has it (sending, or sent): nothing to send.
    Replay(api::Transcript),
}

impl Store {
    /// The account's saved replies, by shortcut.
    pub async fn saved_replies(&self, account_id: &str) -> ApiResult<Vec<api::SavedReply>> {
        let rows: Vec<SavedReplyRow> = self
            .all(
                &format!("{REPLY_SELECT} WHERE r.account_id = ?1 ORDER BY r.shortcut"),
                &[account_id.into()],
            )
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
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
        let saved = batch.rows::<SavedReplyRow>(
            self.prepare(&format!("{REPLY_SELECT} WHERE r.id = ?1"), &[id.into()])?,
        );
        match batch.run().await?.first(&saved)? {
            Some(row) => Ok(Ok(row.into())),
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
        let saved = batch.rows::<SavedReplyRow>(self.prepare(
            &format!("{REPLY_SELECT} WHERE r.id = ?1 AND r.account_id = ?2"),
            &[id.into(), account_id.into()],
        )?);
        let ran = batch.run().await?;
        let changed = ran.changes(updated)? > 0;
        match ran.first(&saved)? {
            None => Ok(Err(ReplyRefused::NotFound)),
            Some(row) if changed => Ok(Ok(row.into())),
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

    /// Claims a transcript request in one statement: a new key inserts the row,
    /// a failed one is taken over; a key being sent or already sent replays.
    pub async fn claim_transcript(
        &self,
        id: &str,
        conversation_id: &str,
        key: &str,
        agent_id: &str,
        to: &str,
        now: u64,
    ) -> ApiResult<TranscriptClaim> {
        #[derive(Deserialize)]
        struct Claimed {
            id: String,
        }
        let claimed: Option<Claimed> = self
            .first(
                "INSERT INTO transcripts (id, conversation_id, idempotency_key, agent_id, to_address, status, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, 'sending', ?6) \
                 ON CONFLICT (conversation_id, idempotency_key) DO UPDATE SET status = 'sending', error = NULL, \
                 agent_id = excluded.agent_id, to_address = excluded.to_address WHERE status = 'failed' \
                 RETURNING id",
                &[id.into(), conversation_id.into(), key.into(), agent_id.into(), to.into(), ms(now)],
            )
            .await?;
        if let Some(Claimed { id }) = claimed {
            return Ok(TranscriptClaim::Send(id));
        }
        let row: TranscriptRow = self
            .first(
                "SELECT id, conversation_id, to_address, status, sent_at, error FROM transcripts \
                 WHERE conversation_id = ?1 AND idempotency_key = ?2",
                &[conversation_id.into(), key.into()],
            )
            .await?
            .ok_or_else(|| ApiError::Internal("transcript neither claimed nor found".into()))?;
        Ok(TranscriptClaim::Replay(row.into_api(true)))
    }

    /// Records how sending a claimed transcript went: its Message-ID, or the error.
    pub async fn finish_transcript(
        &self,
        id: &str,
        outcome: Result<&str, &str>,
        now: u64,
    ) -> ApiResult<api::Transcript> {
        let (status, message_id, error, sent_at) = match outcome {
            Ok(message_id) => (TranscriptStatus::Sent, Some(message_id), None, Some(now)),
            Err(error) => (TranscriptStatus::Failed, None, Some(error), None),
        };
        let row: Option<TranscriptRow> = self
            .first(
                "UPDATE transcripts SET status = ?2, email_message_id = ?3, error = ?4, sent_at = ?5 WHERE id = ?1 \
                 RETURNING id, conversation_id, to_address, status, sent_at, error",
                &[id.into(), status.as_str().into(), opt(message_id), opt(error), sent_at.map(ms).unwrap_or(wasm_bindgen::JsValue::NULL)],
            )
            .await?;
        row.map(|r| r.into_api(false))
            .ok_or_else(|| ApiError::Internal("transcript not found after sending".into()))
    }
}
