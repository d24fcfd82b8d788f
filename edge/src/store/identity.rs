//! SQL of a site's identity verification: its mode and its sealed secret.

use serde::Deserialize;
use shared::api;
use shared::identity::IdentityMode;

use super::Store;
use crate::error::ApiResult;

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
}
