//! SQL of the site owner's settings: a site's identity verification (mode and
//! sealed secret) and the account's API keys.

use serde::Deserialize;
use shared::agent::KeyRole;
use shared::api;
use shared::identity::IdentityMode;

use super::{ms, Store};
use crate::error::ApiResult;

/// An API key is marked used at most this often (a D1 write per call would
/// cost more than the call).
pub const LAST_USED_GRANULARITY_MS: u64 = 60 * 60 * 1000;

#[derive(Deserialize)]
struct KeyRow {
    id: String,
    prefix: Option<String>,
    label: String,
    agent_id: String,
    agent_name: String,
    role: KeyRole,
    created_at: u64,
    last_used_at: Option<u64>,
}

impl From<KeyRow> for api::ApiKey {
    fn from(r: KeyRow) -> Self {
        api::ApiKey {
            id: r.id,
            prefix: r.prefix,
            label: r.label,
            agent_id: r.agent_id,
            role: r.role,
            agent_name: r.agent_name,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
        }
    }
}

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
    /// A site's identity settings, if the site belongs to the account.
    pub async fn identity_settings(
        &self,
        account_id: &str,
        site_id: &str,
    ) -> ApiResult<Option<api::IdentitySettings>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            identity_mode: IdentityMode,
            has_secret: u8,
        }
        let row: Option<Row> = self
            .first(
                "SELECT id, identity_mode, (identity_secret_enc IS NOT NULL OR identity_secret IS NOT NULL) AS has_secret \
                 FROM sites WHERE id = ?1 AND account_id = ?2",
                &[site_id.into(), account_id.into()],
            )
            .await?;
        Ok(row.map(|r| api::IdentitySettings {
            site_id: r.id,
            mode: r.identity_mode,
            has_secret: r.has_secret == 1,
        }))
    }

    /// Sets a site's identity mode.
    pub async fn set_identity_mode(&self, site_id: &str, mode: IdentityMode) -> ApiResult<()> {
        self.run(
            "UPDATE sites SET identity_mode = ?2 WHERE id = ?1",
            &[site_id.into(), mode.as_str().into()],
        )
        .await?;
        Ok(())
    }

    /// Replaces a site's identity secret with a sealed one; any plaintext
    /// secret left from before migration 0009 is cleared with it.
    pub async fn set_identity_secret(&self, site_id: &str, sealed: &str) -> ApiResult<()> {
        self.run(
            "UPDATE sites SET identity_secret_enc = ?2, identity_secret = NULL WHERE id = ?1",
            &[site_id.into(), sealed.into()],
        )
        .await?;
        Ok(())
    }

    /// Moves a plaintext secret from before migration 0009 into its sealed
    /// column, unless a sealed one was written meanwhile.
    pub async fn upgrade_identity_secret(
        &self,
        site_id: &str,
        plaintext: &str,
        sealed: &str,
    ) -> ApiResult<()> {
        self.run(
            "UPDATE sites SET identity_secret_enc = ?3, identity_secret = NULL \
             WHERE id = ?1 AND identity_secret = ?2 AND identity_secret_enc IS NULL",
            &[site_id.into(), plaintext.into(), sealed.into()],
        )
        .await?;
        Ok(())
    }

    /// The account's API keys in use, newest first.
    pub async fn api_keys(&self, account_id: &str) -> ApiResult<Vec<api::ApiKey>> {
        let rows: Vec<KeyRow> = self
            .all(
                &format!(
                    "{KEY_SELECT} WHERE a.account_id = ?1 AND a.removed_at IS NULL AND k.revoked_at IS NULL \
                     ORDER BY k.created_at DESC, k.rowid DESC"
                ),
                &[account_id.into()],
            )
            .await?;
        Ok(rows.into_iter().map(Into::into).collect())
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
        let created = batch
            .rows::<KeyRow>(self.prepare(&format!("{KEY_SELECT} WHERE k.id = ?1"), &[id.into()])?);
        batch
            .run()
            .await?
            .first(&created)?
            .map(Into::into)
            .ok_or_else(|| {
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
