//! SQL of the ActiveCampaign connection (Settings › Integrations): the
//! account's connection with its sealed key, a site's part, and the call log.
//! The jobs' SQL is `crm_jobs`.

use serde::Deserialize;
use shared::api::{self, CrmConnection, CrmFieldMapping, CrmSiteSettings};
use shared::crm::{ConnectionState, LOG_LENGTH};
use wasm_bindgen::JsValue;

use super::{ms, opt, Store};
use crate::error::{ApiError, ApiResult};

/// The account's stored connection, as the worker reads it.
#[derive(Debug, Clone, Deserialize)]
pub struct ConnectionRow {
    /// The API URL.
    pub api_url: String,
    /// The key, sealed (`crate::secrets::Context::ActiveCampaign`).
    pub api_key: String,
    /// `active` or `paused`.
    pub state: String,
    /// Why it is paused.
    pub paused_reason: Option<String>,
    /// Whether unverified claims are pushed.
    #[serde(deserialize_with = "shared::api::flag")]
    pub push_unverified: bool,
    /// JSON `[{attribute, field_id, field_title}]`.
    pub field_map: String,
    /// When it was connected (ms).
    pub connected_at: u64,
    /// Jobs not done yet.
    pub pending: u32,
}

impl ConnectionRow {
    /// The field map.
    pub fn field_map(&self) -> Vec<CrmFieldMapping> {
        serde_json::from_str(&self.field_map).unwrap_or_default()
    }

    /// The connection as Settings shows it (never the key).
    pub fn answer(&self) -> CrmConnection {
        CrmConnection {
            connected: true,
            api_url: Some(self.api_url.clone()),
            state: ConnectionState::parse(&self.state).unwrap_or(ConnectionState::Active),
            paused_reason: self.paused_reason.clone(),
            push_unverified: self.push_unverified,
            field_map: self.field_map(),
            pending: self.pending,
            connected_at: Some(self.connected_at),
        }
    }
}

/// What Settings shows of an account without a connection.
pub fn not_connected() -> CrmConnection {
    CrmConnection {
        connected: false,
        api_url: None,
        state: ConnectionState::Off,
        paused_reason: None,
        push_unverified: false,
        field_map: Vec::new(),
        pending: 0,
        connected_at: None,
    }
}

/// A connection to store (the key already checked live and sealed).
#[derive(Debug)]
pub struct NewConnection<'a> {
    /// The API URL.
    pub api_url: &'a str,
    /// The sealed key; `None` keeps the stored one.
    pub sealed_key: Option<&'a str>,
    /// Whether unverified claims are pushed.
    pub push_unverified: bool,
    /// The field map, titles read from ActiveCampaign.
    pub field_map: &'a [CrmFieldMapping],
}

/// A site's stored part.
#[derive(Debug, Deserialize)]
struct SiteRow {
    #[serde(deserialize_with = "shared::api::flag")]
    enabled: bool,
    tags: String,
    #[serde(deserialize_with = "shared::api::flag")]
    note: bool,
}

/// A call as the log records it.
#[derive(Debug)]
pub struct CallRecord<'a> {
    /// The job it was a step of.
    pub job_id: Option<&'a str>,
    /// What it did.
    pub kind: shared::crm::CallKind,
    /// The Parley contact.
    pub contact_id: Option<&'a str>,
    /// The contact's email then.
    pub email: Option<&'a str>,
    /// The job's site.
    pub site_id: Option<&'a str>,
    /// `GET` or `POST`.
    pub method: &'a str,
    /// The path (and query) under the API URL.
    pub path: &'a str,
    /// AC's status, if it answered.
    pub status: Option<u16>,
    /// Why it failed.
    pub error: Option<&'a str>,
    /// What came of it.
    pub state: shared::crm::CallState,
    /// The attempt (1 for the first).
    pub attempt: u32,
}

const CONNECTION_SELECT: &str = "SELECT api_url, api_key, state, paused_reason, push_unverified, field_map, connected_at, \
     (SELECT COUNT(*) FROM crm_jobs j WHERE j.account_id = c.account_id AND j.state IN ('pending', 'waiting')) AS pending \
     FROM crm_connections c WHERE account_id = ?1";

impl Store {
    /// The account's connection, if it has one.
    pub async fn crm_connection(&self, account_id: &str) -> ApiResult<Option<ConnectionRow>> {
        self.first(CONNECTION_SELECT, &[account_id.into()]).await
    }

    /// Stores the connection (one batch): a new key also makes it active again
    /// and puts its waiting jobs back to pending, whose ids are returned to
    /// be queued; a new API URL forgets the tags found under the old one.
    pub async fn save_crm_connection(
        &self,
        account_id: &str,
        new: &NewConnection<'_>,
        now: u64,
    ) -> ApiResult<(ConnectionRow, Vec<String>)> {
        let map =
            serde_json::to_string(new.field_map).map_err(|e| ApiError::Internal(e.to_string()))?;
        let a = account_id;
        let mut batch = self.batch();
        batch.push(self.prepare(
            "DELETE FROM crm_tags WHERE account_id = ?1 AND NOT EXISTS \
               (SELECT 1 FROM crm_connections WHERE account_id = ?1 AND api_url = ?2)",
            &[a.into(), new.api_url.into()],
        )?);
        batch.push(self.prepare(
            "INSERT INTO crm_connections (account_id, api_url, api_key, push_unverified, field_map, connected_at) \
             SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE ?3 IS NOT NULL \
             ON CONFLICT (account_id) DO UPDATE SET api_url = excluded.api_url, \
               api_key = COALESCE(?3, api_key), push_unverified = excluded.push_unverified, field_map = excluded.field_map, \
               state = CASE WHEN ?3 IS NOT NULL THEN 'active' ELSE state END, \
               paused_reason = CASE WHEN ?3 IS NOT NULL THEN NULL ELSE paused_reason END",
            &[a.into(), new.api_url.into(), opt(new.sealed_key), JsValue::from_bool(new.push_unverified), map.as_str().into(), ms(now)],
        )?);
        // `INSERT … SELECT … WHERE` never reaches its upsert when the key is kept: update then.
        batch.push(self.prepare(
            "UPDATE crm_connections SET api_url = ?2, push_unverified = ?3, field_map = ?4 WHERE account_id = ?1 AND ?5 IS NULL",
            &[a.into(), new.api_url.into(), JsValue::from_bool(new.push_unverified), map.as_str().into(), opt(new.sealed_key)],
        )?);
        let resumed = batch.rows::<Id>(self.prepare(
            "UPDATE crm_jobs SET state = 'pending', updated_at = ?2 WHERE account_id = ?1 AND state = 'waiting' AND ?3 IS NOT NULL RETURNING id",
            &[a.into(), ms(now), opt(new.sealed_key)],
        )?);
        let row = batch.rows::<ConnectionRow>(self.prepare(CONNECTION_SELECT, &[a.into()])?);
        let ran = batch.run().await?;
        let row = ran
            .first(&row)?
            .ok_or_else(|| ApiError::Internal("the connection was not stored".into()))?;
        Ok((row, ran.rows(&resumed)?.into_iter().map(|r| r.id).collect()))
    }

    /// Disconnects: the connection (and its key) goes, unsent jobs are
    /// dropped, tags found and cached cards are forgotten; the log stays.
    pub async fn delete_crm_connection(&self, account_id: &str) -> ApiResult<()> {
        let mut batch = self.batch();
        for sql in [
            "DELETE FROM crm_jobs WHERE account_id = ?1 AND state IN ('pending', 'waiting')",
            "DELETE FROM crm_tags WHERE account_id = ?1",
            "DELETE FROM crm_contact_cache WHERE account_id = ?1",
            "DELETE FROM crm_connections WHERE account_id = ?1",
        ] {
            batch.push(self.prepare(sql, &[account_id.into()])?);
        }
        batch.run().await?;
        Ok(())
    }

    /// A site's part (defaults until saved: off, no tags, no note).
    pub async fn crm_site(&self, site_id: &str) -> ApiResult<CrmSiteSettings> {
        let row: Option<SiteRow> = self
            .first(
                "SELECT enabled, tags, note FROM crm_site_settings WHERE site_id = ?1",
                &[site_id.into()],
            )
            .await?;
        Ok(row
            .map(|r| CrmSiteSettings {
                enabled: r.enabled,
                tags: serde_json::from_str(&r.tags).unwrap_or_default(),
                note: r.note,
            })
            .unwrap_or_default())
    }

    /// Replaces a site's part (checked by the caller).
    pub async fn set_crm_site(
        &self,
        site_id: &str,
        settings: &CrmSiteSettings,
        now: u64,
    ) -> ApiResult<()> {
        let tags =
            serde_json::to_string(&settings.tags).map_err(|e| ApiError::Internal(e.to_string()))?;
        self.run(
            "INSERT INTO crm_site_settings (site_id, enabled, tags, note, updated_at) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (site_id) DO UPDATE SET enabled = excluded.enabled, tags = excluded.tags, note = excluded.note, \
               updated_at = excluded.updated_at",
            &[site_id.into(), JsValue::from_bool(settings.enabled), tags.as_str().into(), JsValue::from_bool(settings.note), ms(now)],
        )
        .await?;
        Ok(())
    }

    /// The contact's id in ActiveCampaign, once synced there.
    pub async fn crm_contact_id(&self, contact_id: &str) -> ApiResult<Option<String>> {
        #[derive(Deserialize)]
        struct Row {
            crm_contact_id: String,
        }
        let row: Option<Row> = self
            .first(
                "SELECT crm_contact_id FROM crm_contacts WHERE contact_id = ?1",
                &[contact_id.into()],
            )
            .await?;
        Ok(row.map(|r| r.crm_contact_id))
    }

    /// The statements, within the erasure's batch, that forget the contact on
    /// the connector's side: its jobs (one not yet run is cancelled), its id
    /// in ActiveCampaign, its cached card, and its email and id in the call
    /// log (the calls themselves stay). ActiveCampaign keeps its contact.
    pub(super) fn crm_erasures(
        &self,
        contact_id: &str,
    ) -> ApiResult<Vec<worker::D1PreparedStatement>> {
        [
            "DELETE FROM crm_jobs WHERE contact_id = ?1",
            "DELETE FROM crm_contacts WHERE contact_id = ?1",
            "DELETE FROM crm_contact_cache WHERE contact_id = ?1",
            "UPDATE crm_calls SET email = NULL, contact_id = NULL WHERE contact_id = ?1",
        ]
        .into_iter()
        .map(|sql| self.prepare(sql, &[contact_id.into()]))
        .collect()
    }

    /// The account's last calls, newest first.
    pub async fn crm_calls(&self, account_id: &str) -> ApiResult<Vec<api::CrmCall>> {
        self.all(
            "SELECT id, job_id, kind, contact_id, email, site_id, method, path, status, error, state, attempt, at \
             FROM crm_calls WHERE account_id = ?1 ORDER BY at DESC, rowid DESC LIMIT ?2",
            &[account_id.into(), JsValue::from_f64(LOG_LENGTH.into())],
        )
        .await
    }

    /// Records a call made outside a job (Settings' live check and look-ups).
    pub async fn record_crm_call(
        &self,
        account_id: &str,
        call: &CallRecord<'_>,
        now: u64,
    ) -> ApiResult<()> {
        let statement = self.crm_call_statement(account_id, call, now)?;
        self.count_trip();
        statement.run().await?;
        Ok(())
    }

    /// The statement that records a call (within a caller's batch).
    pub(super) fn crm_call_statement(
        &self,
        account_id: &str,
        call: &CallRecord<'_>,
        now: u64,
    ) -> ApiResult<worker::D1PreparedStatement> {
        self.prepare(
            "INSERT INTO crm_calls (id, account_id, job_id, kind, contact_id, email, site_id, method, path, status, error, state, attempt, at) \
             SELECT 'cc_' || lower(hex(randomblob(16))), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13 \
             WHERE ?2 IS NULL OR EXISTS (SELECT 1 FROM crm_jobs WHERE id = ?2)",
            &[
                account_id.into(),
                opt(call.job_id),
                call.kind.as_str().into(),
                opt(call.contact_id),
                opt(call.email),
                opt(call.site_id),
                call.method.into(),
                call.path.into(),
                call.status.map(|s| JsValue::from_f64(s.into())).unwrap_or(JsValue::NULL),
                opt(call.error),
                call.state.as_str().into(),
                JsValue::from_f64(call.attempt.into()),
                ms(now),
            ],
        )
    }
}

/// A row's id.
#[derive(Debug, Deserialize)]
pub(super) struct Id {
    pub id: String,
}
