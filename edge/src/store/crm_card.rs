//! SQL of the contact panel's ActiveCampaign card: the answer kept 60 s per
//! contact (`crm_contact_cache`, migration 0031), so an agent who reopens a
//! conversation, or a second agent, makes no call to ActiveCampaign.

use serde::Deserialize;
use shared::api::CrmContactCard;

use super::{ms, Store};
use crate::error::ApiResult;

/// What the card of a contact needs to know before asking ActiveCampaign.
#[derive(Debug, Deserialize)]
pub struct CardContact {
    /// The contact's email (none: nothing to look up; ActiveCampaign is asked by
    /// email, so a contact merged or deleted there is never asked by a stale id).
    pub email: Option<String>,
}

impl Store {
    /// The account's contact's email; `None` when the contact is not the account's.
    pub async fn card_contact(
        &self,
        account_id: &str,
        contact_id: &str,
    ) -> ApiResult<Option<CardContact>> {
        self.first(
            "SELECT email FROM contacts WHERE id = ?1 AND account_id = ?2",
            &[contact_id.into(), account_id.into()],
        )
        .await
    }

    /// The card kept for the account's contact, if it was read from
    /// ActiveCampaign after `since` (ms).
    pub async fn cached_card(
        &self,
        account_id: &str,
        contact_id: &str,
        since: u64,
    ) -> ApiResult<Option<CrmContactCard>> {
        #[derive(Deserialize)]
        struct Row {
            card: String,
        }
        let row: Option<Row> = self
            .first(
                "SELECT card FROM crm_contact_cache WHERE contact_id = ?1 AND account_id = ?2 AND fetched_at > ?3",
                &[contact_id.into(), account_id.into(), ms(since)],
            )
            .await?;
        Ok(row.and_then(|r| serde_json::from_str(&r.card).ok()))
    }

    /// A 429 the card got holds every call of the account (the sync jobs'
    /// too) until `until` (ms), as a job's 429 does.
    pub async fn hold_crm_calls(&self, account_id: &str, until: u64) -> ApiResult<()> {
        self.run(
            "UPDATE crm_connections SET paused_until = MAX(paused_until, ?2) WHERE account_id = ?1",
            &[account_id.into(), ms(until)],
        )
        .await?;
        Ok(())
    }

    /// Keeps a card read from ActiveCampaign (replacing the one kept before).
    pub async fn keep_card(
        &self,
        account_id: &str,
        contact_id: &str,
        card: &CrmContactCard,
    ) -> ApiResult<()> {
        let text = serde_json::to_string(card)
            .map_err(|e| crate::error::ApiError::Internal(e.to_string()))?;
        self.run(
            "INSERT INTO crm_contact_cache (contact_id, account_id, card, fetched_at) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (contact_id) DO UPDATE SET card = excluded.card, fetched_at = excluded.fetched_at \
             WHERE crm_contact_cache.account_id = excluded.account_id",
            &[contact_id.into(), account_id.into(), text.into(), ms(card.fetched_at)],
        )
        .await?;
        Ok(())
    }
}
