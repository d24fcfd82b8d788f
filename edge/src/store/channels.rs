//! SQL of an email channel's settings: the mailbox on a subdomain, a site's
//! channel, and changes to it (the forwarding address is set once).

use serde::Deserialize;
use shared::api;
use wasm_bindgen::JsValue;

use super::{ms, opt, Store};
use crate::error::ApiResult;

/// An email channel, as the inbound handler and its settings need it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EmailChannelRow {
    /// The site the channel belongs to.
    pub site_id: String,
    /// The site's account (contacts are per account).
    pub account_id: String,
    /// 1 when mail is accepted.
    pub enabled: u8,
    /// Forwarding username, once set.
    pub username: Option<String>,
    /// Forwarding subdomain, once set.
    pub subdomain: Option<String>,
    /// Largest raw message accepted, bytes.
    pub max_message_bytes: u64,
    /// Default subject of emails from the inbox.
    pub default_subject: String,
    /// From name of emails from the inbox.
    pub from_name: String,
    /// The site's default signature of outgoing mail.
    pub signature: Option<String>,
}

/// The columns of `EmailChannelRow`, from the channel joined to its site.
pub(super) const CHANNEL_SELECT: &str = "SELECT e.site_id, s.account_id, e.enabled, e.username, e.subdomain, \
     e.max_message_bytes, e.default_subject, e.from_name, e.signature FROM email_channels e JOIN sites s ON s.id = e.site_id";

/// What became of a change to an email channel's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelUpdate {
    /// Saved.
    Saved,
    /// Refused: the forwarding address is already set to something else.
    AddressImmutable,
    /// Refused: another channel has this subdomain.
    AddressTaken,
}

impl EmailChannelRow {
    /// The settings as the API shows them.
    pub fn to_api(&self) -> api::EmailChannel {
        api::EmailChannel {
            site_id: self.site_id.clone(),
            enabled: self.enabled == 1,
            username: self.username.clone(),
            subdomain: self.subdomain.clone(),
            max_message_bytes: self.max_message_bytes,
            default_subject: self.default_subject.clone(),
            from_name: self.from_name.clone(),
            signature: self.signature.clone(),
        }
    }
}

impl Store {
    /// The email channel on a subdomain.
    pub async fn email_channel(&self, subdomain: &str) -> ApiResult<Option<EmailChannelRow>> {
        self.first(
            &format!("{CHANNEL_SELECT} WHERE e.subdomain = ?1"),
            &[subdomain.into()],
        )
        .await
    }

    /// A site's email channel, if the site belongs to the account.
    pub async fn site_email_channel(
        &self,
        account_id: &str,
        site_id: &str,
    ) -> ApiResult<Option<EmailChannelRow>> {
        self.first(
            &format!("{CHANNEL_SELECT} WHERE s.account_id = ?1 AND e.site_id = ?2"),
            &[account_id.into(), site_id.into()],
        )
        .await
    }

    /// Applies settings changes. The forwarding username and subdomain are
    /// only written while empty (or to the value they already have); `false`
    /// when the row refused a change because one was already set.
    pub async fn update_email_channel(
        &self,
        site_id: &str,
        changes: &api::ChannelChanges,
    ) -> ApiResult<ChannelUpdate> {
        let enabled = changes
            .enabled
            .map(|e| JsValue::from_f64(if e { 1.0 } else { 0.0 }))
            .unwrap_or(JsValue::NULL);
        let max = changes.max_message_bytes.map(ms).unwrap_or(JsValue::NULL);
        let changed = self
            .run(
                "UPDATE email_channels SET enabled = COALESCE(?2, enabled), \
                   username = COALESCE(username, ?3), subdomain = COALESCE(subdomain, ?4), \
                   max_message_bytes = COALESCE(?5, max_message_bytes), \
                   default_subject = COALESCE(?6, default_subject), from_name = COALESCE(?7, from_name), \
                   signature = CASE WHEN ?8 IS NULL THEN signature WHEN ?8 = '' THEN NULL ELSE ?8 END \
                 WHERE site_id = ?1 AND (?3 IS NULL OR username IS NULL OR username = ?3) \
                   AND (?4 IS NULL OR subdomain IS NULL OR subdomain = ?4) \
                   AND NOT EXISTS (SELECT 1 FROM email_channels WHERE subdomain = ?4 AND site_id != ?1)",
                &[
                    site_id.into(),
                    enabled,
                    opt(changes.username.as_deref()),
                    opt(changes.subdomain.as_deref()),
                    max,
                    opt(changes.default_subject.as_deref()),
                    opt(changes.from_name.as_deref()),
                    opt(changes.signature.as_deref()),
                ],
            )
            .await?;
        if changed == 1 {
            return Ok(ChannelUpdate::Saved);
        }
        // Refused: say why (only on this rare path is there a second query).
        let taken = match changes.subdomain.as_deref() {
            Some(subdomain) => {
                self.count(
                    "SELECT COUNT(*) AS n FROM email_channels WHERE subdomain = ?1 AND site_id != ?2",
                    &[subdomain.into(), site_id.into()],
                )
                .await?
                    > 0
            }
            None => false,
        };
        Ok(if taken {
            ChannelUpdate::AddressTaken
        } else {
            ChannelUpdate::AddressImmutable
        })
    }
}
