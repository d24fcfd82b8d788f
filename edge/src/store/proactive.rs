//! SQL of proactive messages as Settings manages them (migration 0026): a
//! site's messages with their counts, and the enabled ones the widget's
//! config lists. What a reply records is `widget::proactive`'s.

use serde::Deserialize;
use shared::api::{self, ProactiveInput};
use shared::proactive::MAX_PER_SITE;

use super::{ms, Store};
use crate::error::ApiResult;

/// Selects [`api::ProactiveMessage`]s; append a `WHERE` on `p` (and `s`, the site).
const MESSAGE_SELECT: &str =
    "SELECT p.id, p.body AS text, p.url_pattern AS url, p.delay_seconds, p.audience, \
     p.language, p.frequency, p.enabled, p.replied, p.started, p.created_at \
     FROM proactive_messages p JOIN sites s ON s.id = p.site_id";

/// The order the widget tries a site's messages in (and Settings lists them).
const ORDER: &str = "ORDER BY p.created_at, p.id";

/// Why a message was not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProactiveRefused {
    /// The account has no such site (or message).
    NotFound,
    /// The site keeps the most messages it may.
    Full,
}

/// Whether a site is the account's.
#[derive(Debug, Deserialize)]
struct Owned {
    n: u32,
}

/// The statement's values for a message's fields, after `id`, `site`, `account`: ?4 to ?11.
fn fields(input: &ProactiveInput, text: &str, url: &str, now: u64) -> Vec<wasm_bindgen::JsValue> {
    vec![
        text.into(),
        url.into(),
        input.delay_seconds.into(),
        input.audience.as_str().into(),
        input.language.as_str().into(),
        input.frequency.as_str().into(),
        u8::from(input.enabled.unwrap_or(true)).into(),
        ms(now),
    ]
}

impl Store {
    /// The account's site's messages with their counts, oldest first; `None`
    /// when the site is not the account's.
    pub async fn proactive_messages(
        &self,
        account_id: &str,
        site_id: &str,
    ) -> ApiResult<Option<Vec<api::ProactiveMessage>>> {
        let args = [site_id.into(), account_id.into()];
        let mut batch = self.batch();
        let owned = batch.rows::<Owned>(self.prepare(
            "SELECT COUNT(*) AS n FROM sites WHERE id = ?1 AND account_id = ?2",
            &args,
        )?);
        let rows = batch.rows::<api::ProactiveMessage>(self.prepare(
            &format!("{MESSAGE_SELECT} WHERE p.site_id = ?1 AND s.account_id = ?2 {ORDER}"),
            &args,
        )?);
        let ran = batch.run().await?;
        if ran.first(&owned)?.is_none_or(|o| o.n == 0) {
            return Ok(None);
        }
        Ok(Some(ran.rows(&rows)?))
    }

    /// The site's enabled messages as the widget's config lists them, in order.
    pub async fn proactive_targets(&self, site_id: &str) -> ApiResult<Vec<api::ProactiveTarget>> {
        self.all(
            "SELECT p.id, p.body AS text, p.url_pattern AS url, p.delay_seconds, p.audience, p.language, p.frequency \
             FROM proactive_messages p WHERE p.site_id = ?1 AND p.enabled = 1 ORDER BY p.created_at, p.id",
            &[site_id.into()],
        )
        .await
    }

    /// Adds a message (its fields already checked) to the account's site in
    /// one statement, unless the site keeps [`MAX_PER_SITE`] already.
    pub async fn create_proactive(
        &self,
        (account_id, site_id, id): (&str, &str, &str),
        (input, text, url): (&ProactiveInput, &str, &str),
        now: u64,
    ) -> ApiResult<Result<api::ProactiveMessage, ProactiveRefused>> {
        let mut args = vec![id.into(), site_id.into(), account_id.into()];
        args.extend(fields(input, text, url, now));
        args.push(MAX_PER_SITE.into());
        let mut batch = self.batch();
        batch.push(self.prepare(
            "INSERT INTO proactive_messages (id, site_id, body, url_pattern, delay_seconds, audience, language, frequency, \
               enabled, created_at, updated_at) \
             SELECT ?1, ?2, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11 \
             WHERE EXISTS (SELECT 1 FROM sites WHERE id = ?2 AND account_id = ?3) \
               AND (SELECT COUNT(*) FROM proactive_messages WHERE site_id = ?2) < ?12",
            &args,
        )?);
        let saved = batch.rows::<api::ProactiveMessage>(
            self.prepare(&format!("{MESSAGE_SELECT} WHERE p.id = ?1"), &[id.into()])?,
        );
        let owned = batch.rows::<Owned>(self.prepare(
            "SELECT COUNT(*) AS n FROM sites WHERE id = ?1 AND account_id = ?2",
            &[site_id.into(), account_id.into()],
        )?);
        let ran = batch.run().await?;
        Ok(match ran.first(&saved)? {
            Some(message) => Ok(message),
            None if ran.first(&owned)?.is_some_and(|o| o.n > 0) => Err(ProactiveRefused::Full),
            None => Err(ProactiveRefused::NotFound),
        })
    }

    /// Replaces a message of the account's site (its counts stay) in one
    /// statement; `None` when there is no such message.
    pub async fn update_proactive(
        &self,
        (account_id, site_id, id): (&str, &str, &str),
        (input, text, url): (&ProactiveInput, &str, &str),
        now: u64,
    ) -> ApiResult<Option<api::ProactiveMessage>> {
        let mut args = vec![id.into(), site_id.into(), account_id.into()];
        args.extend(fields(input, text, url, now));
        let mut batch = self.batch();
        batch.push(self.prepare(
            "UPDATE proactive_messages SET body = ?4, url_pattern = ?5, delay_seconds = ?6, audience = ?7, language = ?8, \
               frequency = ?9, enabled = ?10, updated_at = ?11 \
             WHERE id = ?1 AND site_id = ?2 AND EXISTS (SELECT 1 FROM sites WHERE id = ?2 AND account_id = ?3)",
            &args,
        )?);
        let saved = batch.rows::<api::ProactiveMessage>(self.prepare(
            &format!("{MESSAGE_SELECT} WHERE p.id = ?1 AND p.site_id = ?2 AND s.account_id = ?3"),
            &[id.into(), site_id.into(), account_id.into()],
        )?);
        batch.run().await?.first(&saved)
    }

    /// Deletes a message of the account's site (its opens and reply records
    /// go with it; stored bot lines stay); `false` if there is none.
    pub async fn delete_proactive(
        &self,
        account_id: &str,
        site_id: &str,
        id: &str,
    ) -> ApiResult<bool> {
        let changed = self
            .run(
                "DELETE FROM proactive_messages WHERE id = ?1 AND site_id = ?2 \
                 AND EXISTS (SELECT 1 FROM sites WHERE id = ?2 AND account_id = ?3)",
                &[id.into(), site_id.into(), account_id.into()],
            )
            .await?;
        Ok(changed > 0)
    }
}
