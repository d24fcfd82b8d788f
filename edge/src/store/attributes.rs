//! SQL of contact attributes (migration 0022): the account's definitions, and
//! the values its contacts carry. The values are written here for agents and,
//! through [`values_upsert`], inside the batch that ties a signed identify.

use serde::Deserialize;
use serde_json::{Map, Value};
use shared::api;
use shared::attribute::MAX_PER_ACCOUNT;
use wasm_bindgen::JsValue;

use super::batch::{Args, Param};
use super::{ms, opt, Store};
use crate::error::{ApiError, ApiResult};

/// Selects [`api::Attribute`]s; append a `WHERE`.
const ATTRIBUTE_SELECT: &str = "SELECT id, key, name, kind, options, created_at FROM attributes";

/// The values of the contact whose id is the SQL expression `contact`, as a
/// JSON object text by key (`{}` for none), in the attributes' name order.
pub(super) fn values_object(contact: &str) -> String {
    format!(
        "(SELECT json_group_object(key, json(value)) FROM (SELECT a.key, v.value FROM contact_attribute_values v \
           JOIN attributes a ON a.id = v.attribute_id WHERE v.contact_id = {contact} ORDER BY a.name, a.key))"
    )
}

/// The statement text that sets values (`values`: a JSON array of `[key,
/// value as JSON text]`) on the contact `contact` (an SQL expression) of the
/// account, when `guard` holds; an attribute the account no longer has is skipped.
pub(super) fn values_upsert(
    account: Param,
    contact: &str,
    values: Param,
    at: Param,
    guard: &str,
) -> String {
    format!(
        "INSERT INTO contact_attribute_values (contact_id, attribute_id, value, updated_at) \
         SELECT ct.id, a.id, json_extract(j.value, '$[1]'), {at} FROM json_each({values}) j \
         JOIN attributes a ON a.account_id = {account} AND a.key = json_extract(j.value, '$[0]') \
         JOIN contacts ct ON ct.id = {contact} AND ct.account_id = {account} WHERE {guard} \
         ON CONFLICT (contact_id, attribute_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"
    )
}

/// The statement text that clears values (`keys`: a JSON array of keys) on the
/// contact `contact` of the account, when `guard` holds.
pub(super) fn values_clear(account: Param, contact: &str, keys: Param, guard: &str) -> String {
    format!(
        "DELETE FROM contact_attribute_values WHERE contact_id = (SELECT id FROM contacts WHERE id = {contact} AND account_id = {account}) \
         AND attribute_id IN (SELECT id FROM attributes WHERE account_id = {account} AND key IN (SELECT value FROM json_each({keys}))) \
         AND {guard}"
    )
}

/// A checked change of values, split for [`values_upsert`] and [`values_clear`]:
/// the JSON text of `[[key, value JSON text]…]` and of `[key…]`.
pub(super) fn change_params(values: &[(String, Option<Value>)]) -> ApiResult<(String, String)> {
    let set: Vec<(&str, String)> = values
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k.as_str(), v.to_string())))
        .collect();
    let clear: Vec<&str> = values
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| k.as_str())
        .collect();
    let text = |r: serde_json::Result<String>| r.map_err(|e| ApiError::Internal(e.to_string()));
    Ok((
        text(serde_json::to_string(&set))?,
        text(serde_json::to_string(&clear))?,
    ))
}

/// Why an attribute was not written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeRefused {
    /// Another attribute of the account has the key.
    KeyTaken,
    /// The account defines the most attributes it may.
    Full,
    /// The account has no such attribute (or contact).
    NotFound,
}

/// How many other attributes of the account have a key.
#[derive(Debug, Deserialize)]
struct Taken {
    n: u32,
}

/// A contact's values after a change, and whether the contact is the account's.
#[derive(Debug, Deserialize)]
struct Values {
    found: u8,
    #[serde(deserialize_with = "api::json_text")]
    attributes: Option<Value>,
}

/// The object a JSON text read back holds (empty for anything else).
pub(super) fn object(value: Option<Value>) -> Map<String, Value> {
    match value {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

impl Store {
    /// The account's attributes, by name.
    pub async fn attributes(&self, account_id: &str) -> ApiResult<Vec<api::Attribute>> {
        self.all(
            &format!("{ATTRIBUTE_SELECT} WHERE account_id = ?1 ORDER BY name, key"),
            &[account_id.into()],
        )
        .await
    }

    /// Defines an attribute of the account in one statement (nothing written
    /// when the key is taken or the account defines the most it may).
    pub async fn create_attribute(
        &self,
        account_id: &str,
        id: &str,
        (key, name, kind, options): (&str, &str, &str, &str),
        now: u64,
    ) -> ApiResult<Result<api::Attribute, AttributeRefused>> {
        let mut batch = self.batch();
        batch.push(self.prepare(
            "INSERT INTO attributes (id, account_id, key, name, kind, options, created_at, updated_at) \
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7 WHERE (SELECT COUNT(*) FROM attributes WHERE account_id = ?2) < ?8 \
             ON CONFLICT (account_id, key) DO NOTHING",
            &[id.into(), account_id.into(), key.into(), name.into(), kind.into(), options.into(), ms(now), MAX_PER_ACCOUNT.into()],
        )?);
        let saved = batch.rows::<api::Attribute>(
            self.prepare(&format!("{ATTRIBUTE_SELECT} WHERE id = ?1"), &[id.into()])?,
        );
        let taken = batch.rows::<Taken>(self.prepare(
            "SELECT COUNT(*) AS n FROM attributes WHERE account_id = ?1 AND key = ?2 AND id != ?3",
            &[account_id.into(), key.into(), id.into()],
        )?);
        let ran = batch.run().await?;
        Ok(match ran.first(&saved)? {
            Some(attribute) => Ok(attribute),
            None if ran.first(&taken)?.is_some_and(|t| t.n > 0) => Err(AttributeRefused::KeyTaken),
            None => Err(AttributeRefused::Full),
        })
    }

    /// Renames an attribute and/or replaces a list attribute's options, in one
    /// batch that clears the values no longer among the options.
    pub async fn update_attribute(
        &self,
        account_id: &str,
        id: &str,
        (name, options): (Option<&str>, Option<&str>),
        now: u64,
    ) -> ApiResult<Result<api::Attribute, AttributeRefused>> {
        let mut batch = self.batch();
        if let Some(options) = options {
            batch.push(self.prepare(
                "DELETE FROM contact_attribute_values WHERE attribute_id = ?1 \
                 AND EXISTS (SELECT 1 FROM attributes WHERE id = ?1 AND account_id = ?2) \
                 AND json_extract(value, '$') NOT IN (SELECT value FROM json_each(?3))",
                &[id.into(), account_id.into(), options.into()],
            )?);
        }
        batch.push(self.prepare(
            "UPDATE attributes SET name = COALESCE(?3, name), options = COALESCE(?4, options), updated_at = ?5 \
             WHERE id = ?1 AND account_id = ?2",
            &[id.into(), account_id.into(), opt(name), opt(options), ms(now)],
        )?);
        let saved = batch.rows::<api::Attribute>(self.prepare(
            &format!("{ATTRIBUTE_SELECT} WHERE id = ?1 AND account_id = ?2"),
            &[id.into(), account_id.into()],
        )?);
        let ran = batch.run().await?;
        Ok(ran.first(&saved)?.ok_or(AttributeRefused::NotFound))
    }

    /// Deletes an attribute of the account and every value of it, in one
    /// batch; `false` if the account has no such attribute.
    pub async fn delete_attribute(&self, account_id: &str, id: &str) -> ApiResult<bool> {
        let args = [id.into(), account_id.into()];
        let mut batch = self.batch();
        batch.push(self.prepare(
            "DELETE FROM contact_attribute_values WHERE attribute_id = ?1 \
             AND EXISTS (SELECT 1 FROM attributes WHERE id = ?1 AND account_id = ?2)",
            &args,
        )?);
        let deleted = batch.write(self.prepare(
            "DELETE FROM attributes WHERE id = ?1 AND account_id = ?2",
            &args,
        )?);
        Ok(batch.run().await?.changes(deleted)? > 0)
    }

    /// Sets and clears values (checked by `shared::attribute`) on a contact of
    /// the account, in one batch; the contact's values afterwards, or
    /// `NotFound` (nothing written) if the account has no such contact.
    pub async fn set_contact_attributes(
        &self,
        account_id: &str,
        contact_id: &str,
        values: &[(String, Option<Value>)],
        now: u64,
    ) -> ApiResult<Result<Map<String, Value>, AttributeRefused>> {
        let (set, clear) = change_params(values)?;
        let mut batch = self.batch();
        let mut args = Args::new();
        let (account, contact) = (args.bind(account_id), args.bind(contact_id).to_string());
        let (values, at) = (args.bind(set), args.bind(ms(now)));
        batch.push(self.prepare(
            &values_upsert(account, &contact, values, at, "1"),
            args.values(),
        )?);
        let mut args = Args::new();
        let (account, contact) = (args.bind(account_id), args.bind(contact_id).to_string());
        let keys = args.bind(clear);
        batch.push(self.prepare(&values_clear(account, &contact, keys, "1"), args.values())?);
        let after = batch.rows::<Values>(self.prepare(
            &format!(
                "SELECT EXISTS (SELECT 1 FROM contacts WHERE id = ?2 AND account_id = ?1) AS found, {} AS attributes",
                values_object("?2")
            ),
            &[account_id.into(), contact_id.into()],
        )?);
        let ran = batch.run().await?;
        Ok(match ran.first(&after)? {
            Some(row) if row.found == 1 => Ok(object(row.attributes)),
            _ => Err(AttributeRefused::NotFound),
        })
    }

    /// The contact's values with their attributes' names and kinds, for its export.
    pub(super) async fn contact_attribute_rows(&self, contact_id: &str) -> ApiResult<Vec<Value>> {
        #[derive(Deserialize)]
        struct Row {
            key: String,
            name: String,
            kind: String,
            #[serde(deserialize_with = "api::json_text")]
            value: Option<Value>,
            updated_at: u64,
        }
        let rows: Vec<Row> = self
            .all(
                "SELECT a.key, a.name, a.kind, v.value, v.updated_at FROM contact_attribute_values v \
                 JOIN attributes a ON a.id = v.attribute_id WHERE v.contact_id = ?1 ORDER BY a.name, a.key",
                &[JsValue::from(contact_id)],
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                serde_json::json!({
                    "key": r.key, "name": r.name, "kind": r.kind,
                    "value": r.value.unwrap_or(Value::Null), "updated_at": r.updated_at,
                })
            })
            .collect())
    }
}
