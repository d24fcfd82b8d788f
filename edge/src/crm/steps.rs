//! What a job's steps call: the plan from the site's settings as they are
//! now, the call each step makes next (with the ActiveCampaign reference page
//! beside it), and what an answer records.

use serde_json::Value;
use shared::api::{CrmFieldMapping, CrmTags};
use shared::crm::{self, CallKind, Decision, JobState, Step, SyncContact};
use worker::Method;

use super::client::AcAnswer;
use crate::store::{JobContext, Progress};

/// One call a step makes.
pub struct Call {
    /// What it does, for the log.
    pub kind: CallKind,
    /// GET or POST.
    pub method: Method,
    /// The path and query under the API URL.
    pub path: String,
    /// The JSON body of a POST.
    pub body: Option<Value>,
}

/// The job's steps, from the site's settings as they are now.
pub fn plan(job: &JobContext) -> Vec<Step> {
    let tags: CrmTags = job
        .tags
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default();
    let channel_tags = match job.channel.as_str() {
        "email" => tags.email,
        "messenger" => tags.messenger,
        _ => tags.chat,
    };
    let applied: Vec<String> = job
        .applied
        .as_deref()
        .and_then(|a| serde_json::from_str(a).ok())
        .unwrap_or_default();
    crm::plan(
        &channel_tags,
        job.unverified,
        job.conversation_id.as_deref().filter(|_| job.note),
        job.automation_id.as_deref(),
        &applied,
    )
}

/// The call the step makes next, or `None` when it needs the contact's id and there is none.
pub fn call_for(
    job: &JobContext,
    step: &Step,
    done: &[String],
    email: &str,
    public_url: &str,
) -> Option<Call> {
    let post = |kind, path: &str, body| Call {
        kind,
        method: Method::Post,
        path: path.into(),
        body: Some(body),
    };
    if *step == Step::Sync {
        let contact = SyncContact {
            email: email.to_string(),
            full_name: job.full_name.clone(),
            phone: job.phone.clone(),
            company: job.company.clone(),
            attributes: job
                .attributes
                .as_deref()
                .and_then(|a| serde_json::from_str(a).ok())
                .unwrap_or_default(),
        };
        let map: Vec<CrmFieldMapping> = job
            .field_map
            .as_deref()
            .and_then(|m| serde_json::from_str(m).ok())
            .unwrap_or_default();
        let body = crm::sync_body(
            &contact,
            map.iter()
                .map(|m| (m.attribute.as_str(), m.field_id.as_str())),
        );
        // https://developers.activecampaign.com/reference/sync-a-contacts-data
        return Some(post(CallKind::Sync, "/api/3/contact/sync", body));
    }
    let contact = job.crm_contact_id.as_deref()?;
    Some(match step {
        Step::Sync => unreachable!("handled above"),
        Step::Tag(name) => {
            let lower = name.to_lowercase();
            let ids: serde_json::Map<String, Value> = job
                .tag_ids
                .as_deref()
                .and_then(|t| serde_json::from_str(t).ok())
                .unwrap_or_default();
            match ids.get(&lower).and_then(Value::as_str) {
                // https://developers.activecampaign.com/reference/create-contact-tag
                Some(tag) => post(
                    CallKind::Tag,
                    "/api/3/contactTags",
                    crm::contact_tag_body(contact, tag),
                ),
                // https://developers.activecampaign.com/reference/create-a-new-tag
                None if done.contains(&format!("find:{lower}")) => {
                    post(CallKind::CreateTag, "/api/3/tags", crm::tag_body(name))
                }
                // https://developers.activecampaign.com/reference/retrieve-all-tags
                None => Call {
                    kind: CallKind::FindTag,
                    method: Method::Get,
                    path: format!("/api/3/tags?search={}", encode(name)),
                    body: None,
                },
            }
        }
        Step::Note(conversation) => {
            let link = crm::conversation_link(public_url, conversation);
            // https://developers.activecampaign.com/reference/create-a-note
            post(
                CallKind::Note,
                "/api/3/notes",
                crm::note_body(&crm::note_text(&link), contact),
            )
        }
        Step::Automation(id) => {
            // https://developers.activecampaign.com/reference/create-new-contactautomation
            post(
                CallKind::Automation,
                "/api/3/contactAutomations",
                crm::contact_automation_body(contact, id),
            )
        }
    })
}

/// What a call's answer records: the step's key when it is done, the ids it gave.
pub fn outcome(
    step: &Step,
    call: &Call,
    decision: &Decision,
    answer: Option<&AcAnswer>,
    now: u64,
) -> Progress {
    let state = match decision {
        Decision::Done | Decision::Wait(_) | Decision::Retry(_) => JobState::Pending,
        Decision::Pause(_) => JobState::Waiting,
        Decision::Fail(_) => JobState::Failed,
    };
    let mut progress = Progress {
        state: state.as_str(),
        release: *decision != Decision::Done,
        count_attempt: matches!(decision, Decision::Retry(_)),
        wait_until: match decision {
            Decision::Wait(ms) => Some(now + ms),
            _ => None,
        },
        ..Progress::default()
    };
    if *decision != Decision::Done {
        return progress;
    }
    let json = answer.map(|a| &a.json).unwrap_or(&Value::Null);
    match (call.kind, step) {
        (CallKind::Sync, _) => {
            progress.crm_contact_id = crm::id_of(&json["contact"]["id"]);
            progress.done = progress.crm_contact_id.as_ref().map(|_| step.key());
        }
        (CallKind::FindTag, Step::Tag(name)) => match crm::find_tag(json, name) {
            Some(id) => progress.tag = Some((name.to_lowercase(), id)),
            None => progress.done = Some(format!("find:{}", name.to_lowercase())),
        },
        (CallKind::CreateTag, Step::Tag(name)) => {
            progress.tag = crm::id_of(&json["tag"]["id"]).map(|id| (name.to_lowercase(), id));
        }
        _ => {
            progress.done = Some(step.key());
            progress.applied = step.applies_once().then(|| step.key());
        }
    }
    progress
}

/// The tag ids JSON with one more.
pub fn with_tag(ids: Option<&str>, name: &str, id: &str) -> String {
    let mut map: serde_json::Map<String, Value> = ids
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default();
    map.insert(name.to_string(), Value::String(id.to_string()));
    Value::Object(map).to_string()
}

/// A query value, percent-encoded (RFC 3986 unreserved characters kept).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
