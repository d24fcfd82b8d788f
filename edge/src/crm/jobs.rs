//! The queue consumer's side of a sync job: one message runs the job's
//! remaining steps, one call each, every call taking a token of the account's
//! bucket first and recorded (with the job's progress) before the next.
//!
//! What each answer does is `shared::crm::decide`'s: 2xx goes on, 429 makes
//! the account's calls wait for `Retry-After` (the job is queued again for
//! then), 401/403 pause the connection (the job waits for a new key), 422
//! and other refusals fail the job with ActiveCampaign's message, 5xx and
//! network errors retry the step with the automations' backoff.

use std::time::Duration;

use serde_json::Value;
use shared::api::{CrmFieldMapping, CrmTags};
use shared::crm::{self, CallKind, Decision, JobState, Step, SyncContact};
use worker::{Delay, Method};

use super::client::{self, AcAccount, AcAnswer};
use crate::automations::{Next, Outbox};
use crate::clock::now_ms;
use crate::secrets::{Context, SecretsKey};
use crate::store::{CallRecord, JobContext, Progress, Store, Token};

/// The longest wait for a token spent inside the consumer (longer ones queue the job again).
const MAX_INLINE_WAIT_MS: u64 = 1_500;

/// What a job needs besides the store: the key to open, the queue, the settings.
pub struct JobEnv<'a> {
    /// Opens the connection's key.
    pub secrets: &'a SecretsKey,
    /// Queues the job again after a wait.
    pub outbox: &'a Outbox,
    /// The first retry's delay in seconds (`AUTOMATION_RETRY_SECONDS`).
    pub base_delay: u32,
    /// `PUBLIC_URL`, for the note's link (a path alone when unset).
    pub public_url: &'a str,
}

/// One call a step makes.
struct Call {
    kind: CallKind,
    method: Method,
    path: String,
    body: Option<Value>,
}

/// Runs the job's remaining steps; what to do with its queue message.
pub async fn run(store: &Store, env: &JobEnv<'_>, job_id: &str) -> Next {
    match run_steps(store, env, job_id).await {
        Ok(next) => next,
        Err(err) => {
            let (_, message) = err.code_and_message();
            worker::console_error!("ActiveCampaign job {job_id}: {message}");
            let _ = store
                .settle_crm_job(job_id, JobState::Pending.as_str(), None, now_ms())
                .await;
            Next::RetryAfter(env.base_delay.max(1))
        }
    }
}

async fn run_steps(store: &Store, env: &JobEnv<'_>, job_id: &str) -> crate::error::ApiResult<Next> {
    let Some(mut job) = store.claim_crm_job(job_id, now_ms()).await? else {
        return Ok(Next::Ack); // erased with its contact, or dropped at a disconnect
    };
    if !job.leased {
        return Ok(Next::Ack); // done, failed, waiting, or another consumer runs it
    }
    let (Some(api_url), Some(sealed)) = (job.api_url.clone(), job.api_key.clone()) else {
        store
            .settle_crm_job(
                job_id,
                JobState::Failed.as_str(),
                Some("Disconnected."),
                now_ms(),
            )
            .await?;
        return Ok(Next::Ack);
    };
    if job.connection_state.as_deref() == Some("paused") {
        store
            .settle_crm_job(job_id, JobState::Waiting.as_str(), None, now_ms())
            .await?;
        return Ok(Next::Ack);
    }
    let Some(email) = job.email.clone() else {
        let why = "The contact has no email address: ActiveCampaign knows contacts by email.";
        store
            .settle_crm_job(job_id, JobState::Failed.as_str(), Some(why), now_ms())
            .await?;
        return Ok(Next::Ack);
    };
    let key = env
        .secrets
        .open(Context::ActiveCampaign(&job.account_id), &sealed)
        .await?;
    let account = AcAccount { api_url, key };
    let plan = plan(&job);
    loop {
        let done: Vec<String> = serde_json::from_str(&job.done_steps).unwrap_or_default();
        let Some(step) = crm::next_step(&plan, &done).cloned() else {
            store
                .settle_crm_job(job_id, JobState::Done.as_str(), None, now_ms())
                .await?;
            return Ok(Next::Ack);
        };
        let Some(call) = call_for(&job, &step, &done, &email, env.public_url) else {
            // A step after the sync without the contact's id: sync again.
            let mut again = done.clone();
            again.retain(|k| k != "sync");
            job.done_steps = serde_json::to_string(&again).unwrap_or_default();
            continue;
        };
        match wait_for_token(store, &job.account_id).await? {
            Token::Granted => {}
            Token::Gone => {
                store
                    .settle_crm_job(
                        job_id,
                        JobState::Failed.as_str(),
                        Some("Disconnected."),
                        now_ms(),
                    )
                    .await?;
                return Ok(Next::Ack);
            }
            Token::Paused => {
                store
                    .settle_crm_job(job_id, JobState::Waiting.as_str(), None, now_ms())
                    .await?;
                return Ok(Next::Ack);
            }
            Token::Wait(ms) => {
                store
                    .settle_crm_job(job_id, JobState::Pending.as_str(), None, now_ms())
                    .await?;
                env.outbox
                    .enqueue_crm(vec![job_id.to_string()], seconds(ms))
                    .await;
                return Ok(Next::Ack);
            }
        }
        let answer = client::call(
            &account,
            call.method.clone(),
            &call.path,
            call.body.as_ref(),
        )
        .await;
        let attempt = job.attempts + 1;
        let now = now_ms();
        let decision = match &answer {
            Ok(a) => crm::decide(
                Some(a.status),
                a.retry_after.as_deref(),
                &a.text,
                attempt,
                env.base_delay,
                now,
            ),
            Err(_) => crm::decide(None, None, "", attempt, env.base_delay, now),
        };
        let outcome = outcome(&step, &call, &decision, answer.as_ref().ok(), now);
        let error = match (&decision, &answer) {
            (Decision::Done, _) => None,
            (_, Err(reason)) => Some(reason.clone()),
            (Decision::Fail(message) | Decision::Pause(message), _) => Some(message.clone()),
            (_, Ok(a)) => Some(crm::error_message(a.status, &a.text)),
        };
        let record = CallRecord {
            job_id: Some(job_id),
            kind: call.kind,
            contact_id: Some(&job.contact_id),
            email: Some(&email),
            site_id: job.site_id.as_deref(),
            method: method_name(&call.method),
            path: &call.path,
            status: answer.as_ref().ok().map(|a| a.status),
            error: error.as_deref(),
            state: decision.call_state(),
            attempt,
        };
        let progress = Progress {
            error: match &decision {
                Decision::Fail(m) => Some(m.clone()),
                _ => None,
            },
            pause: match &decision {
                Decision::Pause(reason) => Some(reason.clone()),
                _ => None,
            },
            ..outcome
        };
        store.record_crm_step(&job, &record, &progress, now).await?;
        match decision {
            Decision::Done => {
                let mut done = done;
                if let Some(key) = &progress.done {
                    done.push(key.clone());
                }
                job.done_steps = serde_json::to_string(&done).unwrap_or_default();
                job.attempts = 0;
                if let Some(id) = progress.crm_contact_id {
                    job.crm_contact_id = Some(id);
                }
                if let Some((name, id)) = &progress.tag {
                    job.tag_ids = Some(with_tag(job.tag_ids.as_deref(), name, id));
                }
            }
            Decision::Wait(ms) => {
                env.outbox
                    .enqueue_crm(vec![job_id.to_string()], seconds(ms))
                    .await;
                return Ok(Next::Ack);
            }
            Decision::Pause(_) | Decision::Fail(_) => return Ok(Next::Ack),
            Decision::Retry(after) => return Ok(Next::RetryAfter(after)),
        }
    }
}

/// Takes a token of the account's bucket, waiting here for a short wait.
pub async fn wait_for_token(store: &Store, account_id: &str) -> crate::error::ApiResult<Token> {
    loop {
        match store.take_crm_token(account_id, now_ms()).await? {
            Token::Wait(ms) if ms <= MAX_INLINE_WAIT_MS => {
                Delay::from(Duration::from_millis(ms)).await;
            }
            other => return Ok(other),
        }
    }
}

/// Whole seconds to wait for `ms` (at least one).
fn seconds(ms: u64) -> u32 {
    u32::try_from(ms.div_ceil(1000)).unwrap_or(u32::MAX).max(1)
}

fn method_name(method: &Method) -> &'static str {
    match method {
        Method::Post => "POST",
        _ => "GET",
    }
}

/// The job's steps, from the site's settings as they are now.
fn plan(job: &JobContext) -> Vec<Step> {
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
fn call_for(
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
fn outcome(
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
fn with_tag(ids: Option<&str>, name: &str, id: &str) -> String {
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
