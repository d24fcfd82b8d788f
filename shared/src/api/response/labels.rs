//! Labels: the account's tags as the inbox shows and manages them.

use serde::{Deserialize, Serialize};

/// A label of the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Label {
    /// Label id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its chip's background, `#rrggbb`.
    pub colour: String,
    /// Its chip's text, black or white (`shared::label::text_colour`), `#rrggbb`.
    #[serde(default)]
    pub text_colour: String,
    /// Creation time, ms.
    pub created_at: u64,
}

/// `GET /api/labels`: the account's labels, by name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Labels {
    /// The labels.
    pub labels: Vec<Label>,
}

/// `PATCH /api/conversations/{id}/labels` and `PATCH /api/contacts/{id}/labels`:
/// the labels it carries now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AppliedLabels {
    /// The conversation or contact.
    pub id: String,
    /// Its labels' ids, by name.
    pub label_ids: Vec<String>,
}
