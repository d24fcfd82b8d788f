//! SQL of the account's API keys (only their hashes are stored).

use serde::Deserialize;
use shared::agent::KeyRole;
use shared::api;

use super::{ms, Store};
use crate::error::ApiResult;

/// An API key is marked used at most this often (a D1 write per call would
/// cost more than the call).
pub const LAST_USED_GRANULARITY_MS: u64 = 60 * 60 * 1000;

/// A key to store: only its hash and first characters are kept.
#[derive(Clone, Copy)]
pub struct NewKey<'a> {
    /// Key id.
    pub id: &'a str,
    /// SHA-256 of the key.
    pub token_hash: &'a str,
    /// Its first characters, to tell keys apart.
    pub prefix: &'a str,
    /// The agent it acts as.
    pub agent_id: &'a str,
    /// What it is for.
    pub label: &'a str,
    /// What it may do.
    pub role: KeyRole,
}

const KEY_SELECT: &str = "SELECT k.id, k.prefix, k.label, k.agent_id, a.full_name AS agent_name, k.role, k.created_at, k.last_used_at \
     FROM api_keys k JOIN agents a ON a.id = k.agent_id";

impl Store {
    /// The account's API keys in use, newest first.
    pub async fn api_keys(&self, account_id: &str) -> ApiResult<Vec<api::ApiKey>> {
        let rows: Vec<api::ApiKey> = self
            .all(
                &format!(
                    "{KEY_SELECT} WHERE a.account_id = ?1 AND a.removed_at IS NULL AND k.revoked_at IS NULL \
                     ORDER BY k.created_at DESC, k.rowid DESC"
                ),
                &[account_id.into()],
            )
            .await?;
        Ok(rows)
    }

    /// Stores a new key (its hash) acting as `key.agent_id` in `key.role`; the key as listed.
    pub async fn create_api_key(&self, key: &NewKey<'_>, now: u64) -> ApiResult<api::ApiKey> {
        let NewKey {
            id,
            token_hash,
            prefix,
            agent_id,
            label,
            role,
        } = *key;
        let statements = vec![
            self.prepare(
                "INSERT INTO api_keys (id, token_hash, prefix, agent_id, label, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                &[id.into(), token_hash.into(), prefix.into(), agent_id.into(), label.into(), role.as_str().into(), ms(now)],
            )?,
        ];
        let mut batch = self.batch();
        batch.extend(statements);
        let created = batch.rows::<api::ApiKey>(
            self.prepare(&format!("{KEY_SELECT} WHERE k.id = ?1"), &[id.into()])?,
        );
        batch.run().await?.first(&created)?.ok_or_else(|| {
            crate::error::ApiError::Internal("API key not found after insert".into())
        })
    }

    /// Revokes a key of the account: the key's hash, or `None` if there was no such key in use.
    pub async fn revoke_api_key(
        &self,
        account_id: &str,
        id: &str,
        now: u64,
    ) -> ApiResult<Option<String>> {
        #[derive(Deserialize)]
        struct Revoked {
            token_hash: String,
        }
        let revoked: Option<Revoked> = self
            .first(
                "UPDATE api_keys SET revoked_at = ?3 WHERE id = ?2 AND revoked_at IS NULL \
                 AND agent_id IN (SELECT id FROM agents WHERE account_id = ?1) RETURNING token_hash",
                &[account_id.into(), id.into(), ms(now)],
            )
            .await?;
        Ok(revoked.map(|r| r.token_hash))
    }

    /// Marks a key used now, if it was not marked within the last hour.
    pub async fn touch_api_key(&self, token_hash: &str, now: u64) -> ApiResult<()> {
        self.run(
            "UPDATE api_keys SET last_used_at = ?2 WHERE token_hash = ?1 AND (last_used_at IS NULL OR last_used_at <= ?3)",
            &[token_hash.into(), ms(now), ms(now.saturating_sub(LAST_USED_GRANULARITY_MS))],
        )
        .await?;
        Ok(())
    }
}
