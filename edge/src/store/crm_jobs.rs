//! SQL of the ActiveCampaign sync jobs: the statement that records a job
//! inside its cause's batch, the consumer's lease on a job, the account's
//! bucket (one compare-and-set), and each call's outcome with the job's
//! progress in one batch.

use serde::Deserialize;
use shared::conversation::Channel;
use shared::crm::{JobCause, BUCKET_SPACING_MS};
use wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

use super::batch::{Ran, Rows};
use super::crm::{CallRecord, Id};
use super::{ms, opt, Store};
use crate::error::ApiResult;

/// The prefix of a job's id (a batch's returned ids are told apart by it).
pub(super) const CRM_JOB_PREFIX: &str = "cj_";

/// How long a pending job may sit unrun before the cron queues it again (ms).
const STALE_MS: u64 = 15 * 60_000;

/// How long a consumer holds a job it runs (ms).
const LEASE_MS: u64 = 60_000;

/// A job, as the batch that causes it describes it (by ids only).
#[derive(Debug)]
pub struct JobOf<'a> {
    /// What made it.
    pub cause: JobCause,
    /// Its idempotency key (`shared::crm::idempotency_key`).
    pub key: &'a str,
    /// The site, when known; else the conversation's.
    pub site_id: Option<&'a str>,
    /// The contact, when known by id.
    pub contact_id: Option<&'a str>,
    /// The visitor whose contact is meant (and whose verification counts).
    pub visitor_id: Option<&'a str>,
    /// The conversation (the note links to it); else the visitor's latest.
    pub conversation_id: Option<&'a str>,
    /// The channel, when not the conversation's.
    pub channel: Option<Channel>,
    /// The ActiveCampaign automation it enters.
    pub automation_id: Option<&'a str>,
    /// A flow's turn that enters the automation (bound as `?10` for `happened`).
    pub flow_turn: Option<&'a str>,
    /// An SQL condition that must hold when the batch runs (the cause happened),
    /// over the statement's parameters: `?5` the visitor, `?6` the
    /// conversation given, `?9` now, `?10` the flow's turn.
    pub happened: &'a str,
}

/// A job statement within a batch: the job it recorded (none when the account
/// is not connected, the site not on, the claim unverified and not to be
/// pushed, the contact without email, or the same cause already recorded).
pub(super) type Recorded = Rows<Id>;

/// The job ids the batch's job statements recorded.
pub(super) fn recorded(ran: &Ran, jobs: &[Recorded]) -> ApiResult<Vec<String>> {
    let mut ids = Vec::new();
    for job in jobs {
        ids.extend(ran.rows(job)?.into_iter().map(|r| r.id));
    }
    Ok(ids)
}

/// What the consumer reads of a job when it runs (the contact as it is now).
#[derive(Debug, Deserialize)]
pub struct JobContext {
    /// The job.
    pub id: String,
    /// Its account.
    pub account_id: String,
    /// Its site.
    pub site_id: Option<String>,
    /// The Parley contact.
    pub contact_id: String,
    /// The conversation the note links to.
    pub conversation_id: Option<String>,
    /// Where the contact came from.
    pub channel: String,
    /// Whether it was pushed from an unverified claim.
    #[serde(deserialize_with = "shared::api::flag")]
    pub unverified: bool,
    /// The ActiveCampaign automation to enter.
    pub automation_id: Option<String>,
    /// JSON keys of the steps done.
    pub done_steps: String,
    /// Attempts of the current step.
    pub attempts: u32,
    /// The contact's email (none once erased).
    pub email: Option<String>,
    /// Its full name.
    pub full_name: Option<String>,
    /// Its phone.
    pub phone: Option<String>,
    /// Its company.
    pub company: Option<String>,
    /// Its attribute values, a JSON object text.
    pub attributes: Option<String>,
    /// The connection's API URL (none once disconnected).
    pub api_url: Option<String>,
    /// The sealed key.
    pub api_key: Option<String>,
    /// `active` or `paused`.
    pub connection_state: Option<String>,
    /// The field map, JSON.
    pub field_map: Option<String>,
    /// The site's tags, JSON by channel.
    pub tags: Option<String>,
    /// Whether the site wants the note.
    #[serde(default, deserialize_with = "shared::api::flag")]
    pub note: bool,
    /// The contact's id in ActiveCampaign, once synced.
    pub crm_contact_id: Option<String>,
    /// What was applied to that contact for good, JSON step keys.
    pub applied: Option<String>,
    /// Tag ids found so far, JSON by lower-case name.
    pub tag_ids: Option<String>,
    /// Whether this consumer took the lease.
    #[serde(default, deserialize_with = "shared::api::flag")]
    pub leased: bool,
}

/// What the bucket said.
#[derive(Debug, PartialEq, Eq)]
pub enum Token {
    /// The call may be made now.
    Granted,
    /// Wait this many ms (the bucket, or a 429's Retry-After).
    Wait(u64),
    /// The connection is paused (the key was refused).
    Paused,
    /// The account is no longer connected.
    Gone,
}

/// What a call's outcome writes besides the log row.
#[derive(Debug, Default)]
pub struct Progress {
    /// The step's key, when done.
    pub done: Option<String>,
    /// The job's state afterwards.
    pub state: &'static str,
    /// Whether the consumer lets the job go (else it goes on with the next step).
    pub release: bool,
    /// Why it failed.
    pub error: Option<String>,
    /// The contact's id in ActiveCampaign (from the sync's answer).
    pub crm_contact_id: Option<String>,
    /// A step applied to the contact for good (its key).
    pub applied: Option<String>,
    /// A tag found or created: its lower-case name and id.
    pub tag: Option<(String, String)>,
    /// A 429: no call of the account before this time (ms).
    pub wait_until: Option<u64>,
    /// A 401/403: the connection pauses with this reason.
    pub pause: Option<String>,
    /// Whether the attempt counts (a 5xx or unreachable; not a 429).
    pub count_attempt: bool,
}

impl Store {
    /// The statement that records a job within its cause's batch (see [`JobOf`]);
    /// add it with `batch.rows` and read its id back with [`recorded`].
    pub(super) fn crm_job(&self, job: &JobOf<'_>, now: u64) -> ApiResult<D1PreparedStatement> {
        let conversation = "COALESCE(?6, (SELECT id FROM conversations WHERE visitor_id = ?5 ORDER BY last_message_at DESC LIMIT 1))";
        let contact = format!(
            "COALESCE(?4, (SELECT contact_id FROM visitors WHERE id = ?5), (SELECT contact_id FROM conversations WHERE id = {conversation}))"
        );
        let site =
            format!("COALESCE(?3, (SELECT site_id FROM conversations WHERE id = {conversation}))");
        // A visitor's tie counts as verified only if the batch left it verified;
        // an agent's add and inbound mail that passed the sender check are verified sources.
        // An unverified claim is pushed (with push_unverified) only for a contact
        // it created: a claim of someone else's address changes nothing of theirs.
        let verified = match job.cause {
            JobCause::Form | JobCause::Identify => {
                "EXISTS (SELECT 1 FROM visitors WHERE id = ?5 AND contact_verified = 1)"
            }
            JobCause::Agent | JobCause::Email => "1",
        };
        let sql = format!(
            "INSERT INTO crm_jobs (id, idempotency_key, account_id, site_id, contact_id, conversation_id, channel, cause, \
               unverified, automation_id, state, created_at, updated_at) \
             SELECT '{CRM_JOB_PREFIX}' || lower(hex(randomblob(16))), ?1, k.account_id, s.id, ct.id, {conversation}, \
               COALESCE(?7, (SELECT channel FROM conversations WHERE id = {conversation}), 'chat'), ?2, \
               NOT ({verified}), ?8, CASE WHEN k.state = 'paused' THEN 'waiting' ELSE 'pending' END, ?9, ?9 \
             FROM sites s JOIN crm_connections k ON k.account_id = s.account_id \
               JOIN crm_site_settings ss ON ss.site_id = s.id AND ss.enabled = 1 \
               JOIN contacts ct ON ct.id = {contact} AND ct.account_id = s.account_id \
             WHERE s.id = {site} AND ct.email IS NOT NULL AND (?10 IS NULL OR ?10 IS NOT NULL) AND ({verified} OR (k.push_unverified = 1 AND ct.created_at = ?9)) AND ({happened}) \
             ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
            happened = job.happened,
        );
        self.prepare(
            &sql,
            &[
                job.key.into(),
                job.cause.as_str().into(),
                opt(job.site_id),
                opt(job.contact_id),
                opt(job.visitor_id),
                opt(job.conversation_id),
                opt(job.channel.map(Channel::as_str)),
                opt(job.automation_id),
                ms(now),
                opt(job.flow_turn),
            ],
        )
    }

    /// Takes the job's lease (one compare-and-set) and reads it with its
    /// contact, connection, site settings and ActiveCampaign ids; `None` once
    /// the job is gone (erased with its contact, or dropped at a disconnect).
    pub async fn claim_crm_job(&self, job_id: &str, now: u64) -> ApiResult<Option<JobContext>> {
        let mut batch = self.batch();
        let claim = batch.write(self.prepare(
            "UPDATE crm_jobs SET lease_until = ?2 WHERE id = ?1 AND state = 'pending' AND lease_until <= ?3",
            &[job_id.into(), ms(now + LEASE_MS), ms(now)],
        )?);
        let context = batch.rows::<JobContext>(self.prepare(
            &format!(
                "SELECT j.id, j.account_id, j.site_id, j.contact_id, j.conversation_id, j.channel, j.unverified, j.automation_id, \
                   j.state, j.done_steps, j.attempts, ct.email, ct.full_name, ct.phone, ct.company, {attributes} AS attributes, \
                   k.api_url, k.api_key, k.state AS connection_state, k.field_map, ss.tags, ss.note, m.crm_contact_id, m.applied, \
                   (SELECT json_group_object(name, tag_id) FROM crm_tags WHERE account_id = j.account_id) AS tag_ids, \
                   j.lease_until = ?2 AS leased \
                 FROM crm_jobs j LEFT JOIN contacts ct ON ct.id = j.contact_id \
                   LEFT JOIN crm_connections k ON k.account_id = j.account_id \
                   LEFT JOIN crm_site_settings ss ON ss.site_id = j.site_id \
                   LEFT JOIN crm_contacts m ON m.contact_id = j.contact_id WHERE j.id = ?1",
                attributes = super::attributes::values_object("ct.id"),
            ),
            &[job_id.into(), ms(now + LEASE_MS)],
        )?);
        let ran = batch.run().await?;
        let mut context = ran.first(&context)?;
        if let Some(c) = context.as_mut() {
            c.leased = ran.changes(claim)? == 1;
        }
        Ok(context)
    }

    /// The account's bucket, as one compare-and-set (`shared::crm::take_token`):
    /// the token is taken only if the connection is active, no `Retry-After`
    /// holds and the next token is due; else how long to wait.
    pub async fn take_crm_token(&self, account_id: &str, now: u64) -> ApiResult<Token> {
        #[derive(Deserialize)]
        struct Bucket {
            state: String,
            paused_until: u64,
            bucket_next_at: u64,
        }
        let mut batch = self.batch();
        let took = batch.write(self.prepare(
            "UPDATE crm_connections SET bucket_next_at = ?2 + ?3 \
             WHERE account_id = ?1 AND state = 'active' AND paused_until <= ?2 AND bucket_next_at <= ?2",
            &[account_id.into(), ms(now), ms(BUCKET_SPACING_MS)],
        )?);
        let after = batch.rows::<Bucket>(self.prepare(
            "SELECT state, paused_until, bucket_next_at FROM crm_connections WHERE account_id = ?1",
            &[account_id.into()],
        )?);
        let ran = batch.run().await?;
        if ran.changes(took)? == 1 {
            return Ok(Token::Granted);
        }
        Ok(match ran.first(&after)? {
            None => Token::Gone,
            Some(b) if b.state == "paused" => Token::Paused,
            Some(b) => Token::Wait(
                b.paused_until
                    .max(b.bucket_next_at)
                    .saturating_sub(now)
                    .max(1),
            ),
        })
    }

    /// Records a call and what it made of the job, in one batch: the log row,
    /// the job's progress (the lease released unless it goes on), and the
    /// ActiveCampaign ids, the account's wait or its pause. `false` when the
    /// job was deleted meanwhile (its contact erased): then nothing of it is
    /// written, its email least of all.
    pub async fn record_crm_step(
        &self,
        job: &JobContext,
        call: &CallRecord<'_>,
        progress: &Progress,
        now: u64,
    ) -> ApiResult<bool> {
        let mut batch = self.batch();
        batch.push(self.crm_call_statement(&job.account_id, call, now)?);
        let a: JsValue = job.account_id.as_str().into();
        if let Some(id) = progress.crm_contact_id.as_deref() {
            batch.push(self.prepare(
                "INSERT INTO crm_contacts (contact_id, account_id, crm_contact_id, synced_at) \
                 SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM contacts WHERE id = ?1) \
                 ON CONFLICT (contact_id) DO UPDATE SET synced_at = excluded.synced_at, \
                   applied = CASE WHEN crm_contact_id = excluded.crm_contact_id THEN applied ELSE '[]' END, \
                   crm_contact_id = excluded.crm_contact_id",
                &[job.contact_id.as_str().into(), a.clone(), id.into(), ms(now)],
            )?);
        }
        if let Some(key) = progress.applied.as_deref() {
            batch.push(self.prepare(
                "UPDATE crm_contacts SET applied = json_insert(applied, '$[#]', ?2) \
                 WHERE contact_id = ?1 AND NOT EXISTS (SELECT 1 FROM json_each(applied) WHERE value = ?2)",
                &[job.contact_id.as_str().into(), key.into()],
            )?);
        }
        if let Some((name, id)) = &progress.tag {
            batch.push(self.prepare(
                "INSERT OR REPLACE INTO crm_tags (account_id, name, tag_id) VALUES (?1, ?2, ?3)",
                &[a.clone(), name.as_str().into(), id.as_str().into()],
            )?);
        }
        if let Some(until) = progress.wait_until {
            batch.push(self.prepare(
                "UPDATE crm_connections SET paused_until = MAX(paused_until, ?2) WHERE account_id = ?1",
                &[a.clone(), ms(until)],
            )?);
        }
        if let Some(reason) = progress.pause.as_deref() {
            batch.push(self.prepare(
                "UPDATE crm_connections SET state = 'paused', paused_reason = ?2 WHERE account_id = ?1",
                &[a.clone(), reason.into()],
            )?);
        }
        let job_row = batch.write(self.prepare(
            "UPDATE crm_jobs SET state = ?2, last_error = COALESCE(?3, last_error), updated_at = ?4, \
               lease_until = CASE WHEN ?7 THEN 0 ELSE lease_until END, \
               done_steps = CASE WHEN ?5 IS NULL THEN done_steps ELSE json_insert(done_steps, '$[#]', ?5) END, \
               attempts = CASE WHEN ?5 IS NOT NULL THEN 0 WHEN ?6 THEN attempts + 1 ELSE attempts END \
             WHERE id = ?1",
            &[
                job.id.as_str().into(),
                progress.state.into(),
                opt(progress.error.as_deref()),
                ms(now),
                opt(progress.done.as_deref()),
                JsValue::from_bool(progress.count_attempt),
                JsValue::from_bool(progress.release),
            ],
        )?);
        let ran = batch.run().await?;
        Ok(ran.changes(job_row)? == 1)
    }

    /// Pending jobs nobody ran for [`STALE_MS`] (their lease expired): the
    /// cron's backstop queues them again (at most 100 a run).
    pub async fn stale_crm_jobs(&self, now: u64) -> ApiResult<Vec<String>> {
        let rows: Vec<Id> = self
            .all(
                "SELECT id FROM crm_jobs WHERE state = 'pending' AND lease_until <= ?1 AND updated_at <= ?2 \
                 ORDER BY updated_at LIMIT 100",
                &[ms(now), ms(now.saturating_sub(STALE_MS))],
            )
            .await?;
        Ok(rows.into_iter().map(|r| r.id).collect())
    }

    /// Ends the job without a call: `done` (nothing left), `waiting` (the
    /// connection is paused), `failed` (with why), or back to `pending` (the
    /// lease released, to run again later).
    pub async fn settle_crm_job(
        &self,
        job_id: &str,
        state: &str,
        error: Option<&str>,
        now: u64,
    ) -> ApiResult<()> {
        self.run(
            "UPDATE crm_jobs SET state = ?2, last_error = COALESCE(?3, last_error), lease_until = 0, updated_at = ?4 WHERE id = ?1",
            &[job_id.into(), state.into(), opt(error), ms(now)],
        )
        .await?;
        Ok(())
    }
}
