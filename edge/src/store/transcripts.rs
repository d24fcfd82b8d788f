//! SQL of chat transcripts sent by email: one row per request key, so a
//! retry never sends twice.

use serde::Deserialize;
use shared::api;
use shared::transcript::TranscriptStatus;

use super::{ms, opt, Store};
use crate::error::{ApiError, ApiResult};

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
