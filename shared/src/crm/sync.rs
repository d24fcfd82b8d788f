//! What a job sends: its steps, the contact sync's body from a contact and
//! the field map, the tags, the note.

use serde_json::{json, Map, Value};

use super::UNVERIFIED_TAG;

/// One step of a job: each is made once (its key is recorded when done) and
/// in this order: the contact first, then its tags, the note, the automation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `POST /api/3/contact/sync`: creates or updates the contact by email.
    Sync,
    /// The tag of this name on the contact (found or created once per account).
    Tag(String),
    /// `POST /api/3/notes`: the link to the conversation of this id.
    Note(String),
    /// `POST /api/3/contactAutomations`: the contact enters the automation of this id.
    Automation(String),
}

impl Step {
    /// The key recorded once the step is done (tags by lower-case name).
    pub fn key(&self) -> String {
        match self {
            Step::Sync => "sync".into(),
            Step::Tag(name) => format!("tag:{}", name.to_lowercase()),
            Step::Note(conversation) => format!("note:{conversation}"),
            Step::Automation(id) => format!("automation:{id}"),
        }
    }
}

/// A job's steps: the sync, each tag (the unverified tag too, for a pushed
/// claim), the note on `note`'s conversation (when the site wants one), then
/// the automation if the job enters one. Tags and notes already `applied` to
/// the contact in ActiveCampaign (by an earlier job) are left out.
pub fn plan(
    tags: &[String],
    unverified: bool,
    note: Option<&str>,
    automation: Option<&str>,
    applied: &[String],
) -> Vec<Step> {
    let mut steps = vec![Step::Sync];
    let mut names: Vec<&str> = tags.iter().map(String::as_str).collect();
    if unverified {
        names.push(UNVERIFIED_TAG);
    }
    for name in names {
        let step = Step::Tag(name.to_string());
        if !steps.iter().any(|s| s.key() == step.key()) {
            steps.push(step);
        }
    }
    if let Some(conversation) = note {
        steps.push(Step::Note(conversation.to_string()));
    }
    steps.retain(|s| !applied.contains(&s.key()));
    if let Some(id) = automation {
        steps.push(Step::Automation(id.to_string()));
    }
    steps
}

impl Step {
    /// Whether, once done, the step holds for the contact in ActiveCampaign
    /// for good (a tag, a note), so that no later job makes it again.
    pub fn applies_once(&self) -> bool {
        matches!(self, Step::Tag(_) | Step::Note(_))
    }
}

/// The first step of `plan` whose key is not among `done`.
pub fn next_step<'p>(plan: &'p [Step], done: &[String]) -> Option<&'p Step> {
    plan.iter().find(|s| !done.contains(&s.key()))
}

/// A full name as ActiveCampaign's `firstName` and `lastName`: the first word,
/// and the rest (one space between words); empty parts for a blank name.
pub fn split_name(full_name: &str) -> (String, String) {
    let mut words = full_name.split_whitespace();
    let first = words.next().unwrap_or_default().to_string();
    let last = words.collect::<Vec<_>>().join(" ");
    (first, last)
}

/// The contact as a job reads it when it runs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncContact {
    /// The email ActiveCampaign knows the contact by.
    pub email: String,
    /// Full name, if known.
    pub full_name: Option<String>,
    /// Phone, if known.
    pub phone: Option<String>,
    /// Company, if known (sent only through the field map).
    pub company: Option<String>,
    /// Contact attribute values by key.
    pub attributes: Map<String, Value>,
}

/// The body of `POST /api/3/contact/sync`
/// (developers.activecampaign.com/reference/sync-a-contacts-data):
/// `{"contact": {email, firstName, lastName, phone, fieldValues: [{field, value}]}}`.
/// Absent values are left out (the sync then keeps what ActiveCampaign has);
/// `map` pairs `company` or an attribute key with a custom field's id.
pub fn sync_body<'m>(
    contact: &SyncContact,
    map: impl IntoIterator<Item = (&'m str, &'m str)>,
) -> Value {
    let mut body = Map::new();
    body.insert("email".into(), json!(contact.email));
    if let Some(name) = contact.full_name.as_deref() {
        let (first, last) = split_name(name);
        if !first.is_empty() {
            body.insert("firstName".into(), json!(first));
        }
        if !last.is_empty() {
            body.insert("lastName".into(), json!(last));
        }
    }
    if let Some(phone) = contact.phone.as_deref().filter(|p| !p.trim().is_empty()) {
        body.insert("phone".into(), json!(phone));
    }
    let values: Vec<Value> = map
        .into_iter()
        .filter_map(|(attribute, field)| {
            let value = if attribute == "company" {
                contact.company.clone()
            } else {
                contact.attributes.get(attribute).and_then(field_text)
            }?;
            Some(json!({ "field": field, "value": value }))
        })
        .collect();
    if !values.is_empty() {
        body.insert("fieldValues".into(), Value::Array(values));
    }
    json!({ "contact": body })
}

/// An attribute's value as a custom field's text (none for null).
fn field_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Bool(b) => Some(if *b { "true" } else { "false" }.into()),
        other => Some(other.to_string()),
    }
}

/// The note's text: where the conversation is in the inbox.
pub fn note_text(link: &str) -> String {
    format!("Conversation in Parley: {link}")
}

/// The body of `POST /api/3/notes`
/// (developers.activecampaign.com/reference/create-a-note): a note on the contact.
pub fn note_body(text: &str, contact_id: &str) -> Value {
    json!({ "note": { "note": text, "relid": contact_id, "reltype": "Subscriber" } })
}

/// The body of `POST /api/3/contactTags`
/// (developers.activecampaign.com/reference/create-contact-tag).
pub fn contact_tag_body(contact_id: &str, tag_id: &str) -> Value {
    json!({ "contactTag": { "contact": contact_id, "tag": tag_id } })
}

/// The body of `POST /api/3/tags` (developers.activecampaign.com/reference/create-a-new-tag):
/// a contact tag of this name.
pub fn tag_body(name: &str) -> Value {
    json!({ "tag": { "tag": name, "tagType": "contact", "description": "Added by Parley" } })
}

/// The body of `POST /api/3/contactAutomations`
/// (developers.activecampaign.com/reference/create-new-contactautomation).
pub fn contact_automation_body(contact_id: &str, automation_id: &str) -> Value {
    json!({ "contactAutomation": { "contact": contact_id, "automation": automation_id } })
}

/// The id of the tag named `name` (case-insensitively) in a
/// `GET /api/3/tags?search=` answer (developers.activecampaign.com/reference/retrieve-all-tags).
pub fn find_tag(answer: &Value, name: &str) -> Option<String> {
    answer["tags"].as_array()?.iter().find_map(|t| {
        let same = t["tag"].as_str()?.trim().eq_ignore_ascii_case(name.trim());
        same.then(|| id_of(&t["id"])).flatten()
    })
}

/// An id as ActiveCampaign writes it (a string, sometimes a number).
pub fn id_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
