//! The ActiveCampaign connector's I/O: the API client, the account's
//! connection opened for a call, and the queue consumer's sync jobs (`jobs`).

pub mod client;
pub mod jobs;
mod steps;

use client::AcAccount;

use crate::error::ApiResult;
use crate::secrets::{Context, SecretsKey};
use crate::store::Store;

/// The account's connection with its key opened, for a call made now (the
/// contact card, Settings' look-ups); `None` when it is not connected. Such
/// calls take a token of the account's bucket first
/// ([`jobs::wait_for_token`]).
pub async fn open_account(
    store: &Store,
    secrets: &SecretsKey,
    account_id: &str,
) -> ApiResult<Option<AcAccount>> {
    let Some(row) = store.crm_connection(account_id).await? else {
        return Ok(None);
    };
    let key = secrets
        .open(Context::ActiveCampaign(account_id), &row.api_key)
        .await?;
    Ok(Some(AcAccount {
        api_url: row.api_url,
        key,
    }))
}
