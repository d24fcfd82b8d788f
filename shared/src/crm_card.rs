//! The contact panel's ActiveCampaign card, read out of ActiveCampaign's
//! answers (API v3): the contact found by email, its tags, its lists with
//! their status and its deals with their stages. The worker makes the calls
//! (`edge/src/routes/crm_card.rs`); what each answer means is decided here.
//!
//! ActiveCampaign writes ids as strings of digits (`"12"`), sometimes as
//! numbers; both are read.

use std::collections::BTreeMap;

use serde_json::Value;

/// Most tags the card names (each name is one call: `GET /api/3/tags/{id}`).
pub const MAX_CARD_TAGS: usize = 10;

/// An id as ActiveCampaign writes it (a string or a number), as text.
fn id_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The array `key` of an answer (empty when it is missing or the body is not JSON).
fn items(body: &str, key: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get(key).and_then(Value::as_array).cloned())
        .unwrap_or_default()
}

/// The id of the contact `GET /api/3/contacts?email=` found, if any
/// (<https://developers.activecampaign.com/reference/list-all-contacts>).
pub fn found_contact(body: &str) -> Option<String> {
    items(body, "contacts")
        .first()
        .and_then(|c| c.get("id").and_then(id_of))
}

/// The tag ids of `GET /api/3/contacts/{id}/contactTags` (a contact's
/// `links.contactTags`; its rows are contactTag objects,
/// <https://developers.activecampaign.com/reference/contact-tags>), in
/// ActiveCampaign's order, at most [`MAX_CARD_TAGS`].
pub fn contact_tag_ids(body: &str) -> Vec<String> {
    items(body, "contactTags")
        .iter()
        .filter_map(|t| t.get("tag").and_then(id_of))
        .take(MAX_CARD_TAGS)
        .collect()
}

/// A tag's name from `GET /api/3/tags/{id}` (`{"tag": {"tag": name}}`)
/// (<https://developers.activecampaign.com/reference/retrieve-a-tag>).
pub fn tag_name(body: &str) -> Option<String> {
    let value: Value = serde_json::from_str(body).ok()?;
    value.get("tag")?.get("tag")?.as_str().map(str::to_string)
}

/// A contact's subscription status on a list, in words: ActiveCampaign's
/// codes 0 (unconfirmed), 1 (active), 2 (unsubscribed), 3 (bounced).
pub fn list_status(code: &str) -> &'static str {
    match code {
        "0" => "unconfirmed",
        "1" => "active",
        "2" => "unsubscribed",
        "3" => "bounced",
        _ => "unknown",
    }
}

/// The lists of `GET /api/3/contacts/{id}/contactLists` (a contact's
/// `links.contactLists`, <https://developers.activecampaign.com/reference/list-all-contacts>):
/// (list id, status in words).
pub fn memberships(body: &str) -> Vec<(String, &'static str)> {
    items(body, "contactLists")
        .iter()
        .filter_map(|m| {
            let list = m.get("list").and_then(id_of)?;
            let status = m.get("status").and_then(id_of).unwrap_or_default();
            Some((list, list_status(&status)))
        })
        .collect()
}

/// Names by id out of a listing: `GET /api/3/lists` (`lists`, `name`;
/// <https://developers.activecampaign.com/reference/retrieve-all-lists>) or
/// `GET /api/3/dealStages` (`dealStages`, `title`;
/// <https://developers.activecampaign.com/reference/list-all-deal-stages>).
pub fn names(body: &str, key: &str, field: &str) -> BTreeMap<String, String> {
    items(body, key)
        .iter()
        .filter_map(|v| {
            let id = v.get("id").and_then(id_of)?;
            let name = v.get(field)?.as_str()?.to_string();
            Some((id, name))
        })
        .collect()
}

/// One deal of `GET /api/3/contacts/{id}/deals` (a contact's `links.deals`;
/// its rows are deal objects, <https://developers.activecampaign.com/reference/list-all-deals>),
/// before its stage is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawDeal {
    /// The deal's title.
    pub title: String,
    /// Its stage's id.
    pub stage: String,
    /// Its value in cents, as ActiveCampaign keeps it.
    pub value: Option<u64>,
    /// Its currency (`usd`, `eur`…).
    pub currency: Option<String>,
}

/// The deals of `GET /api/3/contacts/{id}/deals`.
pub fn deals(body: &str) -> Vec<RawDeal> {
    items(body, "deals")
        .iter()
        .map(|d| RawDeal {
            title: d
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            stage: d.get("stage").and_then(id_of).unwrap_or_default(),
            value: d.get("value").and_then(id_of).and_then(|v| v.parse().ok()),
            currency: d
                .get("currency")
                .and_then(Value::as_str)
                .filter(|c| !c.is_empty())
                .map(str::to_string),
        })
        .collect()
}

/// A value in cents as the card shows it, in the currency's major unit
/// (`125000` → `"1250.00"`).
pub fn major_unit(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// The name in `names` for `id`, else the id itself (a list or stage
/// removed since, or beyond the first page).
pub fn named(names: &BTreeMap<String, String>, id: &str) -> String {
    names.get(id).cloned().unwrap_or_else(|| format!("#{id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_activecampaigns_answers() {
        assert_eq!(
            found_contact(r#"{"contacts":[{"id":"42","email":"a@b.c"}],"meta":{"total":"1"}}"#),
            Some("42".into())
        );
        assert_eq!(
            found_contact(r#"{"contacts":[],"meta":{"total":"0"}}"#),
            None
        );
        assert_eq!(found_contact("not json"), None);
        assert_eq!(
            contact_tag_ids(
                r#"{"contactTags":[{"contact":"42","tag":"7","id":"1"},{"contact":"42","tag":9,"id":"2"}]}"#
            ),
            vec!["7".to_string(), "9".to_string()]
        );
        assert_eq!(
            tag_name(r#"{"tag":{"tag":"vip","tagType":"contact","id":"7"}}"#),
            Some("vip".into())
        );
        assert_eq!(
            memberships(
                r#"{"contactLists":[{"list":"3","status":"1"},{"list":"4","status":"2"},{"list":"5","status":"9"}]}"#
            ),
            vec![
                ("3".to_string(), "active"),
                ("4".to_string(), "unsubscribed"),
                ("5".to_string(), "unknown")
            ]
        );
        assert_eq!(major_unit(125_000), "1250.00");
        assert_eq!(major_unit(5), "0.05");
        let lists = names(
            r#"{"lists":[{"id":"3","name":"Newsletter"}]}"#,
            "lists",
            "name",
        );
        assert_eq!(named(&lists, "3"), "Newsletter");
        assert_eq!(named(&lists, "4"), "#4");
        assert_eq!(
            deals(
                r#"{"deals":[{"title":"Wholesale tea","stage":"2","value":"125000","currency":"eur"},{"title":"Gift","stage":3,"value":"","currency":""}]}"#
            ),
            vec![
                RawDeal {
                    title: "Wholesale tea".into(),
                    stage: "2".into(),
                    value: Some(125_000),
                    currency: Some("eur".into())
                },
                RawDeal {
                    title: "Gift".into(),
                    stage: "3".into(),
                    value: None,
                    currency: None
                },
            ]
        );
    }

    #[test]
    fn names_at_most_ten_tags() {
        let many: Vec<String> = (0..15).map(|i| format!(r#"{{"tag":"{i}"}}"#)).collect();
        let body = format!(r#"{{"contactTags":[{}]}}"#, many.join(","));
        assert_eq!(contact_tag_ids(&body).len(), MAX_CARD_TAGS);
    }
}
