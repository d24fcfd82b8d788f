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

use shared::crm::{self, Decision, JobState, Step};
use worker::{Delay, Method};

use super::client::{self, AcAccount};
use super::steps::{self, Call};
use crate::automations::{Next, Outbox};
use crate::clock::now_ms;
use crate::error::ApiResult;
use crate::secrets::{Context, SecretsKey};
use crate::store::{CallRecord, JobContext, Store, Token};

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

/// Runs the job's remaining steps; what to do with its queue message.
pub async fn run(store: &Store, env: &JobEnv<'_>, job_id: &str) -> Next {
    match run_steps(store, env, job_id).await {
        Ok(next) => next,
        Err(err) => {
            let (_, message) = err.code_and_message();
            worker::console_error!("ActiveCampaign job {job_id}: {message}");
            let pending = JobState::Pending.as_str();
            let _ = store.settle_crm_job(job_id, pending, None, now_ms()).await;
            Next::RetryAfter(env.base_delay.max(1))
        }
    }
}

/// A job taken to run: its row, the account's API and the contact's email.
struct Running {
    job: JobContext,
    account: AcAccount,
    email: String,
}

/// After one call: go on with the next step, or stop with this for the message.
enum After {
    Next,
    Stop(Next),
}

async fn run_steps(store: &Store, env: &JobEnv<'_>, job_id: &str) -> ApiResult<Next> {
    let mut run = match start(store, env, job_id).await? {
        Ok(run) => run,
        Err(next) => return Ok(next),
    };
    let plan = steps::plan(&run.job);
    loop {
        let done: Vec<String> = serde_json::from_str(&run.job.done_steps).unwrap_or_default();
        let Some(step) = crm::next_step(&plan, &done).cloned() else {
            return settle(store, job_id, JobState::Done, None).await;
        };
        let Some(call) = steps::call_for(&run.job, &step, &done, &run.email, env.public_url) else {
            // A step after the sync without the contact's id: sync again.
            let again: Vec<&String> = done.iter().filter(|k| *k != "sync").collect();
            run.job.done_steps = serde_json::to_string(&again).unwrap_or_default();
            continue;
        };
        match take_token(store, env, job_id, &run.job.account_id).await? {
            After::Next => {}
            After::Stop(next) => return Ok(next),
        }
        match make_call(store, env, &mut run, (&step, &call), done).await? {
            After::Next => {}
            After::Stop(next) => return Ok(next),
        }
    }
}

/// Takes the job's lease and reads it; `Err` says what to do with the
/// message when there is nothing to run (gone, done, held elsewhere,
/// disconnected, paused, or a contact without email).
async fn start(store: &Store, env: &JobEnv<'_>, job_id: &str) -> ApiResult<Result<Running, Next>> {
    let Some(job) = store.claim_crm_job(job_id, now_ms()).await? else {
        return Ok(Err(Next::Ack)); // erased with its contact, or dropped at a disconnect
    };
    if !job.leased {
        return Ok(Err(Next::Ack)); // done, failed, waiting, or another consumer runs it
    }
    let (Some(api_url), Some(sealed)) = (job.api_url.clone(), job.api_key.clone()) else {
        return settle(store, job_id, JobState::Failed, Some(DISCONNECTED))
            .await
            .map(Err);
    };
    if job.connection_state.as_deref() == Some("paused") {
        return settle(store, job_id, JobState::Waiting, None)
            .await
            .map(Err);
    }
    let Some(email) = job.email.clone() else {
        let why = "The contact has no email address: ActiveCampaign knows contacts by email.";
        return settle(store, job_id, JobState::Failed, Some(why))
            .await
            .map(Err);
    };
    let key = env
        .secrets
        .open(Context::ActiveCampaign(&job.account_id), &sealed)
        .await?;
    Ok(Ok(Running {
        job,
        account: AcAccount { api_url, key },
        email,
    }))
}

/// Why a job of an account no longer connected fails.
const DISCONNECTED: &str = "ActiveCampaign was disconnected before this job ran.";

/// Lets the job go in `state` without a call; the message is done.
async fn settle(
    store: &Store,
    job_id: &str,
    state: JobState,
    why: Option<&str>,
) -> ApiResult<Next> {
    store
        .settle_crm_job(job_id, state.as_str(), why, now_ms())
        .await?;
    Ok(Next::Ack)
}

/// Takes a token of the account's bucket for the job's next call; a longer
/// wait queues the job again for then.
async fn take_token(
    store: &Store,
    env: &JobEnv<'_>,
    job_id: &str,
    account_id: &str,
) -> ApiResult<After> {
    Ok(match wait_for_token(store, account_id).await? {
        Token::Granted => After::Next,
        Token::Gone => {
            After::Stop(settle(store, job_id, JobState::Failed, Some(DISCONNECTED)).await?)
        }
        Token::Paused => After::Stop(settle(store, job_id, JobState::Waiting, None).await?),
        Token::Wait(ms) => {
            settle(store, job_id, JobState::Pending, None).await?;
            env.outbox
                .enqueue_crm(vec![job_id.to_string()], seconds(ms))
                .await;
            After::Stop(Next::Ack)
        }
    })
}

/// Makes one step's call, decides on its answer and records both (with the
/// job's progress) in one batch; what comes next.
async fn make_call(
    store: &Store,
    env: &JobEnv<'_>,
    run: &mut Running,
    (step, call): (&Step, &Call),
    mut done: Vec<String>,
) -> ApiResult<After> {
    let answer = client::call(
        &run.account,
        call.method.clone(),
        &call.path,
        call.body.as_ref(),
    )
    .await;
    let (attempt, now) = (run.job.attempts + 1, now_ms());
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
    let error = match (&decision, &answer) {
        (Decision::Done, _) => None,
        (_, Err(reason)) => Some(reason.clone()),
        (Decision::Fail(message) | Decision::Pause(message), _) => Some(message.clone()),
        (_, Ok(a)) => Some(crm::error_message(a.status, &a.text)),
    };
    let job = &run.job;
    let record = CallRecord {
        job_id: Some(&job.id),
        kind: call.kind,
        contact_id: Some(&job.contact_id),
        email: Some(&run.email),
        site_id: job.site_id.as_deref(),
        method: method_name(&call.method),
        path: &call.path,
        status: answer.as_ref().ok().map(|a| a.status),
        error: error.as_deref(),
        state: decision.call_state(),
        attempt,
    };
    let mut progress = steps::outcome(step, call, &decision, answer.as_ref().ok(), now);
    match &decision {
        Decision::Fail(message) => progress.error = Some(message.clone()),
        Decision::Pause(reason) => progress.pause = Some(reason.clone()),
        _ => {}
    }
    if !store.record_crm_step(job, &record, &progress, now).await? {
        return Ok(After::Stop(Next::Ack)); // erased meanwhile: nothing more is sent
    }
    Ok(match decision {
        Decision::Done => {
            done.extend(progress.done.clone());
            let job = &mut run.job;
            job.done_steps = serde_json::to_string(&done).unwrap_or_default();
            job.attempts = 0;
            if let Some(id) = progress.crm_contact_id {
                job.crm_contact_id = Some(id);
            }
            if let Some((name, id)) = &progress.tag {
                job.tag_ids = Some(steps::with_tag(job.tag_ids.as_deref(), name, id));
            }
            After::Next
        }
        Decision::Wait(ms) => {
            env.outbox
                .enqueue_crm(vec![job.id.clone()], seconds(ms))
                .await;
            After::Stop(Next::Ack)
        }
        Decision::Pause(_) | Decision::Fail(_) => After::Stop(Next::Ack),
        Decision::Retry(after) => After::Stop(Next::RetryAfter(after)),
    })
}

/// Takes a token of the account's bucket, waiting here for a short wait.
pub async fn wait_for_token(store: &Store, account_id: &str) -> ApiResult<Token> {
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
