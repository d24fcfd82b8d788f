//! Contact attributes: the account's definitions and a contact's values, as
//! the inbox shows and edits them (`shared::attribute` holds their rules).

use serde::{Deserialize, Serialize};

use crate::attribute::AttributeKind;

/// Deserializes a list of strings kept as JSON text (empty when absent), or given as a JSON array.
pub fn json_strings<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let value = crate::api::json_text(d)?;
    Ok(match value {
        Some(serde_json::Value::Array(items)) => items
            .into_iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    })
}

/// A contact attribute the account defines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Attribute {
    /// Attribute id.
    pub id: String,
    /// Its key, as identify and the API name it (`plan`).
    pub key: String,
    /// Its name, as the inbox shows it (`Plan`).
    pub name: String,
    /// What it holds.
    pub kind: AttributeKind,
    /// A list attribute's options, in order (empty for other kinds).
    #[serde(deserialize_with = "json_strings")]
    pub options: Vec<String>,
    /// Creation time, ms.
    pub created_at: u64,
}

/// `GET /api/attributes`: the account's attributes, by name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Attributes {
    /// The attributes.
    pub attributes: Vec<Attribute>,
}

/// `PATCH /api/contacts/{id}/attributes`: the values the contact has now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ContactAttributes {
    /// The contact.
    pub id: String,
    /// Its values, by attribute key.
    #[cfg_attr(test, ts(type = "Record<string, string | number | boolean>"))]
    pub attributes: serde_json::Map<String, serde_json::Value>,
}
