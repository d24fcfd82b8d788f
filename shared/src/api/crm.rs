//! The ActiveCampaign connector's shapes: the account's connection
//! (Settings › Integrations), a site's part, the call log, the look-ups of
//! automations and fields, and the contact card.

use serde::{Deserialize, Serialize};

use crate::crm::{CallKind, CallState, ConnectionState};

/// One mapping of a Parley contact field to an ActiveCampaign custom field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CrmFieldMapping {
    /// `company`, or a contact attribute's key.
    pub attribute: String,
    /// The custom field's id in ActiveCampaign.
    pub field_id: String,
    /// The custom field's title, as ActiveCampaign had it when the mapping was saved.
    pub field_title: String,
}

/// One mapping as the admin saves it (the title is read from ActiveCampaign).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CrmFieldMapInput {
    /// `company`, or a contact attribute's key.
    pub attribute: String,
    /// The custom field's id in ActiveCampaign.
    pub field_id: String,
}

/// `GET`/`PUT /api/integrations/activecampaign`: the account's connection (never its key).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CrmConnection {
    /// Whether a connection is stored (active or paused).
    pub connected: bool,
    /// The account's API URL.
    pub api_url: Option<String>,
    /// Active, paused (the key was refused) or off.
    pub state: ConnectionState,
    /// Why it is paused, for Settings.
    pub paused_reason: Option<String>,
    /// Whether unverified claims are pushed too (tagged `parley-unverified`).
    pub push_unverified: bool,
    /// Parley fields to ActiveCampaign custom fields.
    pub field_map: Vec<CrmFieldMapping>,
    /// Jobs not yet done (pending or waiting for a new key).
    pub pending: u32,
    /// When it was connected (ms).
    pub connected_at: Option<u64>,
}

/// `PUT /api/integrations/activecampaign`: connect, or change the connection.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CrmConnect {
    /// The account's API URL (ActiveCampaign's Settings › Developer).
    pub api_url: String,
    /// The API key; `null` keeps the stored one (required to connect the first time).
    #[serde(default)]
    pub api_key: Option<String>,
    /// Whether unverified claims are pushed too.
    #[serde(default)]
    pub push_unverified: bool,
    /// Parley fields to ActiveCampaign custom fields.
    #[serde(default)]
    pub field_map: Vec<CrmFieldMapInput>,
}

/// One of the account's ActiveCampaign automations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CrmAutomation {
    /// ActiveCampaign's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Whether it is active in ActiveCampaign.
    pub active: bool,
}

/// One of the account's ActiveCampaign custom contact fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CrmField {
    /// ActiveCampaign's id.
    pub id: String,
    /// Its title.
    pub title: String,
}

/// One call to ActiveCampaign, as the call log shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CrmCall {
    /// The call's id.
    pub id: String,
    /// The job it was a step of (none for Settings' look-ups).
    pub job_id: Option<String>,
    /// What it did.
    pub kind: CallKind,
    /// The Parley contact (none once erased).
    pub contact_id: Option<String>,
    /// The contact's email when the call was made (none once erased).
    pub email: Option<String>,
    /// The site of the job.
    pub site_id: Option<String>,
    /// `GET` or `POST`.
    pub method: String,
    /// The path under the API URL, e.g. `/api/3/contact/sync`.
    pub path: String,
    /// ActiveCampaign's status, if it answered.
    pub status: Option<u16>,
    /// Why it failed: ActiveCampaign's message, or why it was not reached.
    pub error: Option<String>,
    /// What came of it.
    pub state: CallState,
    /// The job's attempt of this step (1 for the first).
    pub attempt: u32,
    /// When it was made (ms).
    pub at: u64,
}

/// A site's tags to apply, by the channel the contact came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CrmTags {
    /// Contacts from the chat widget.
    #[serde(default)]
    pub chat: Vec<String>,
    /// Contacts from inbound email.
    #[serde(default)]
    pub email: Vec<String>,
    /// Contacts from Messenger (who have no email until an agent adds one).
    #[serde(default)]
    pub messenger: Vec<String>,
}

/// `GET`/`PUT /api/sites/{site}/activecampaign`: a site's part of the connection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CrmSiteSettings {
    /// Whether the site's contacts flow to ActiveCampaign.
    pub enabled: bool,
    /// Tags to apply, per channel.
    #[serde(default)]
    pub tags: CrmTags,
    /// Whether a note links the ActiveCampaign contact to the conversation in the inbox.
    #[serde(default)]
    pub note: bool,
}

/// What the contact card found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CrmCardState {
    /// The account is not connected (or the contact has no email).
    Off,
    /// ActiveCampaign has no contact with this email.
    NotFound,
    /// Found.
    Found,
    /// ActiveCampaign could not answer now (rate limit, paused key, unreachable).
    Busy,
}

/// One list of the contact, with its status there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CrmCardList {
    /// The list's name.
    pub name: String,
    /// `active`, `unsubscribed`, `bounced`, `unconfirmed`…
    pub status: String,
}

/// One deal of the contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CrmCardDeal {
    /// Its title.
    pub title: String,
    /// Its stage's name.
    pub stage: String,
    /// Its value (in the currency's major unit, as ActiveCampaign shows it).
    pub value: Option<String>,
    /// Its currency (`usd`).
    pub currency: Option<String>,
}

/// `GET /api/contacts/{id}/activecampaign`: the contact as ActiveCampaign has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CrmContactCard {
    /// Off, not found, found or busy.
    pub state: CrmCardState,
    /// ActiveCampaign's contact id.
    pub contact_id: Option<String>,
    /// Where it opens in ActiveCampaign.
    pub url: Option<String>,
    /// Its tags' names.
    pub tags: Vec<String>,
    /// Its lists and its status on each.
    pub lists: Vec<CrmCardList>,
    /// Its deals.
    pub deals: Vec<CrmCardDeal>,
    /// When ActiveCampaign was asked (ms).
    pub fetched_at: u64,
}
