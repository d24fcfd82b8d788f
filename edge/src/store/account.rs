//! SQL of the account's own settings: its time zone, which report days and hours are local to.

use serde::Deserialize;

use super::Store;
use crate::error::ApiResult;

impl Store {
    /// The account's time zone (an IANA name; `UTC` until the primary admin sets one).
    pub async fn time_zone(&self, account_id: &str) -> ApiResult<String> {
        #[derive(Deserialize)]
        struct Row {
            time_zone: String,
        }
        let row: Option<Row> = self
            .first(
                "SELECT time_zone FROM accounts WHERE id = ?1",
                &[account_id.into()],
            )
            .await?;
        Ok(row.map_or_else(|| "UTC".to_owned(), |r| r.time_zone))
    }

    /// Sets the account's time zone (the caller has checked the name through `Intl`).
    pub async fn set_time_zone(&self, account_id: &str, time_zone: &str) -> ApiResult<()> {
        self.run(
            "UPDATE accounts SET time_zone = ?2 WHERE id = ?1",
            &[account_id.into(), time_zone.into()],
        )
        .await?;
        Ok(())
    }
}
