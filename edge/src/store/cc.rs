//! SQL of the people an email conversation copies (Cc) and of the signatures
//! of outgoing mail (the agent's own; the site's is on its email channel).

use serde::Deserialize;
use shared::api;
use shared::email::recipients::{Participant, MAX_KEPT_CC};
use worker::D1PreparedStatement;

use super::{ms, opt, Store};
use crate::error::ApiResult;

/// Where a list's row goes: after what is there, in the list's order.
fn position(now: u64, index: usize) -> wasm_bindgen::JsValue {
    ms(now * 100 + index as u64)
}

#[derive(Deserialize)]
struct CcRow {
    address: String,
    name: Option<String>,
}

#[derive(Deserialize)]
struct SignatureRow {
    signature: Option<String>,
}

impl Store {
    /// Statements, within the batch storing an inbound message, that add its
    /// kept Cc to its conversation: only if the message was written by this
    /// batch (`message_id` is its new id), never the conversation's contact,
    /// an address once, and at most `MAX_KEPT_CC` per conversation. Each
    /// statement decides on the list as it is then, so concurrent mail never
    /// pushes a conversation over the cap.
    pub(super) fn cc_inserts(
        &self,
        message_id: &str,
        cc: &[Participant],
        now: u64,
    ) -> ApiResult<Vec<D1PreparedStatement>> {
        cc.iter()
            .enumerate()
            .map(|(i, person)| {
                self.prepare(
                    "INSERT OR IGNORE INTO conversation_cc (conversation_id, address, name, position) \
                     SELECT c.id, ?2, ?3, ?4 FROM messages m JOIN conversations c ON c.id = m.conversation_id \
                     WHERE m.id = ?1 AND ?2 IS NOT (SELECT email FROM contacts WHERE id = c.contact_id) \
                       AND (SELECT COUNT(*) FROM conversation_cc WHERE conversation_id = c.id) < ?5",
                    &[message_id.into(), person.address.as_str().into(), opt(person.name.as_deref()), position(now, i), ms(MAX_KEPT_CC as u64)],
                )
            })
            .collect()
    }

    /// Statements, within the batch storing a sent email, that make `cc` the
    /// conversation's Cc (the names mail gave are kept for addresses that stay).
    pub(super) fn cc_replacement(
        &self,
        conversation_id: &str,
        cc: &[String],
        now: u64,
    ) -> ApiResult<Vec<D1PreparedStatement>> {
        let list = serde_json::to_string(cc)
            .map_err(|e| crate::error::ApiError::Internal(e.to_string()))?;
        let mut statements = vec![self.prepare(
            "DELETE FROM conversation_cc WHERE conversation_id = ?1 AND address NOT IN (SELECT value FROM json_each(?2))",
            &[conversation_id.into(), list.as_str().into()],
        )?];
        for (i, address) in cc.iter().enumerate() {
            statements.push(self.prepare(
                "INSERT INTO conversation_cc (conversation_id, address, name, position) VALUES (?1, ?2, NULL, ?3) \
                 ON CONFLICT (conversation_id, address) DO UPDATE SET position = excluded.position",
                &[conversation_id.into(), address.as_str().into(), position(now, i)],
            )?);
        }
        Ok(statements)
    }

    /// The people a conversation copies, in order.
    pub async fn conversation_cc(&self, conversation_id: &str) -> ApiResult<Vec<api::CcAddress>> {
        let rows: Vec<CcRow> = self
            .all(
                "SELECT address, name FROM conversation_cc WHERE conversation_id = ?1 ORDER BY position, address",
                &[conversation_id.into()],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| api::CcAddress {
                address: r.address,
                name: r.name,
            })
            .collect())
    }

    /// The agent's own signature of outgoing mail.
    pub async fn agent_signature(&self, agent_id: &str) -> ApiResult<Option<String>> {
        let row: Option<SignatureRow> = self
            .first(
                "SELECT email_signature AS signature FROM agents WHERE id = ?1",
                &[agent_id.into()],
            )
            .await?;
        Ok(row.and_then(|r| r.signature))
    }

    /// Sets (or with `None` removes) the agent's own signature.
    pub async fn set_agent_signature(
        &self,
        agent_id: &str,
        signature: Option<&str>,
    ) -> ApiResult<()> {
        self.run(
            "UPDATE agents SET email_signature = ?2 WHERE id = ?1",
            &[agent_id.into(), opt(signature)],
        )
        .await?;
        Ok(())
    }
}
