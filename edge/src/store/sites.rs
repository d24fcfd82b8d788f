//! SQL of site-owner settings: an account's sites, each site's widget
//! settings and its chatbot.

use shared::api;
use shared::site::{Language, WidgetPosition};
use wasm_bindgen::JsValue;

use super::{ms, opt, Store};
use crate::error::ApiResult;

/// Validated changes of a site's widget settings; `None` leaves one as it is.
#[derive(Debug, Default)]
pub struct WidgetUpdate<'a> {
    /// The display name.
    pub name: Option<&'a str>,
    /// Accent colour, already checked for contrast.
    pub color: Option<&'a str>,
    /// The launcher's corner.
    pub position: Option<WidgetPosition>,
    /// The language.
    pub language: Option<Language>,
    /// Whether visitors may send files.
    pub files: Option<bool>,
    /// Whether resolved conversations ask for a rating.
    pub csat: Option<bool>,
}

/// `?1` is a site of account `?2`.
const OWNED: &str = "id = ?1 AND account_id = ?2";

impl Store {
    /// The account's sites, by name.
    pub async fn sites(&self, account_id: &str) -> ApiResult<Vec<api::Site>> {
        self.all(
            "SELECT id, name, enabled FROM sites WHERE account_id = ?1 ORDER BY name",
            &[account_id.into()],
        )
        .await
    }

    /// Adds a site to the account, with its (not yet addressed) email channel, in one batch.
    pub async fn create_site(
        &self,
        account_id: &str,
        site_id: &str,
        name: &str,
        now: u64,
    ) -> ApiResult<api::Site> {
        let statements = vec![
            self.prepare(
                "INSERT INTO sites (id, account_id, name, created_at) VALUES (?1, ?2, ?3, ?4)",
                &[site_id.into(), account_id.into(), name.into(), ms(now)],
            )?,
            self.prepare(
                "INSERT INTO email_channels (site_id, created_at) VALUES (?1, ?2)",
                &[site_id.into(), ms(now)],
            )?,
        ];
        let mut batch = self.batch();
        batch.extend(statements);
        batch.run().await?;
        Ok(api::Site {
            id: site_id.into(),
            name: name.into(),
            enabled: true,
        })
    }

    /// Renames a site of the account or switches it on or off; `false` if it is not the account's.
    pub async fn update_site(
        &self,
        account_id: &str,
        site_id: &str,
        name: Option<&str>,
        enabled: Option<bool>,
    ) -> ApiResult<bool> {
        let enabled = enabled
            .map(|e| JsValue::from_f64(if e { 1.0 } else { 0.0 }))
            .unwrap_or(JsValue::NULL);
        let changed = self
            .run(
                &format!("UPDATE sites SET name = COALESCE(?3, name), enabled = COALESCE(?4, enabled) WHERE {OWNED}"),
                &[site_id.into(), account_id.into(), opt(name), enabled],
            )
            .await?;
        Ok(changed == 1)
    }

    /// A site's widget settings, if the site is the account's.
    pub async fn widget_settings(
        &self,
        account_id: &str,
        site_id: &str,
    ) -> ApiResult<Option<api::WidgetSettings>> {
        let sql = format!(
            "SELECT id AS site_id, name, color, position, language, files_enabled AS files, csat_enabled AS csat FROM sites WHERE {OWNED}"
        );
        self.first(&sql, &[site_id.into(), account_id.into()]).await
    }

    /// Applies validated widget changes; `false` if the site is not the account's.
    pub async fn update_widget(
        &self,
        account_id: &str,
        site_id: &str,
        changes: &WidgetUpdate<'_>,
    ) -> ApiResult<bool> {
        let changed = self
            .run(
                &format!(
                    "UPDATE sites SET name = COALESCE(?3, name), color = COALESCE(?4, color), \
                     position = COALESCE(?5, position), language = COALESCE(?6, language), \
                     files_enabled = COALESCE(?7, files_enabled), csat_enabled = COALESCE(?8, csat_enabled) WHERE {OWNED}"
                ),
                &[
                    site_id.into(),
                    account_id.into(),
                    opt(changes.name),
                    opt(changes.color),
                    opt(changes.position.map(WidgetPosition::as_str)),
                    opt(changes.language.map(Language::as_str)),
                    flag(changes.files),
                    flag(changes.csat),
                ],
            )
            .await?;
        Ok(changed == 1)
    }

    /// Saves a site's chatbot (validated JSON) and makes the site run the
    /// flow its blocks make again (saved flow versions stay, for the
    /// conversations on them); `false` if the site is not the account's.
    pub async fn set_chatbot(
        &self,
        account_id: &str,
        site_id: &str,
        chatbot_json: &str,
    ) -> ApiResult<bool> {
        let changed = self
            .run(
                &format!("UPDATE sites SET chatbot = ?3, flow_version = NULL WHERE {OWNED}"),
                &[site_id.into(), account_id.into(), chatbot_json.into()],
            )
            .await?;
        Ok(changed == 1)
    }
}

/// An optional setting as SQLite's 0 or 1, NULL when unchanged.
fn flag(value: Option<bool>) -> JsValue {
    value
        .map(|f| JsValue::from_f64(if f { 1.0 } else { 0.0 }))
        .unwrap_or(JsValue::NULL)
}
