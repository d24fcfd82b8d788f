//! Automations' I/O: putting recorded deliveries on the queue, and making one
//! signed attempt per queue message in the consumer.
//!
//! Delivery is at least once: a delivery row is written in the same D1 batch
//! as its cause, its id goes on the `AUTOMATION_DELIVERIES` queue, and the
//! consumer POSTs it until the receiver answers 2xx or
//! [`MAX_ATTEMPTS`] have failed (each attempt recorded on the row). Receivers
//! drop repeats by `Parley-Idempotency-Key`.

use serde::{Deserialize, Serialize};
use shared::automation::{
    is_success, retry_delay, signature, DeliveryState, IDEMPOTENCY_HEADER, MAX_ATTEMPTS,
    SIGNATURE_HEADER,
};
use worker::{
    BatchMessageBuilder, Env, Fetch, Headers, MessageBuilder, Method, Queue, Request, RequestInit,
    RequestRedirect,
};

use crate::clock::now_ms;
use crate::secrets::{Context, SecretsKey};
use crate::store::{Attempt, Store};

/// The queue binding that carries deliveries.
pub const QUEUE: &str = "AUTOMATION_DELIVERIES";

/// What travels on the queue: the row to work on (all else is in D1).
/// Untagged, so bodies queued before the connector (`{delivery_id}`) still read.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Queued {
    /// An automation delivery to attempt.
    Delivery {
        /// The `automation_deliveries` row.
        delivery_id: String,
    },
    /// An ActiveCampaign sync job to run (`crate::crm`).
    CrmJob {
        /// The `crm_jobs` row.
        crm_job_id: String,
    },
}

/// The deployment's automation settings and queue.
pub struct Outbox {
    queue: Option<Queue>,
    /// Whether `http://127.0.0.1` and `http://localhost` receivers are accepted
    /// (`ALLOW_INSECURE_AUTOMATIONS = "1"`, set only by the test configuration).
    pub allow_loopback: bool,
}

impl Outbox {
    /// From the deployment's bindings and vars.
    pub fn new(env: &Env) -> Self {
        let allow_loopback = env
            .var("ALLOW_INSECURE_AUTOMATIONS")
            .map(|v| v.to_string() == "1")
            .unwrap_or(false);
        Self {
            queue: env.queue(QUEUE).ok(),
            allow_loopback,
        }
    }

    /// Puts recorded deliveries on the queue (nothing to do, and no call, for none).
    /// A failure is logged, not raised: what caused the event is already stored,
    /// and the delivery stays `pending` in the log.
    pub async fn enqueue(&self, delivery_ids: Vec<String>) {
        if delivery_ids.is_empty() {
            return;
        }
        let Some(queue) = &self.queue else {
            worker::console_error!(
                "no {QUEUE} queue binding: {} deliveries stay pending",
                delivery_ids.len()
            );
            return;
        };
        let messages: Vec<Queued> = delivery_ids
            .into_iter()
            .map(|delivery_id| Queued::Delivery { delivery_id })
            .collect();
        if let Err(err) = queue.send_batch(messages).await {
            worker::console_error!("could not enqueue automation deliveries: {err}");
        }
    }

    /// Puts ActiveCampaign jobs on the queue, after `delay_seconds` (nothing
    /// to do for none). A failure is logged: the job stays `pending` in D1.
    pub async fn enqueue_crm(&self, job_ids: Vec<String>, delay_seconds: u32) {
        if job_ids.is_empty() {
            return;
        }
        let Some(queue) = &self.queue else {
            worker::console_error!(
                "no {QUEUE} queue binding: {} ActiveCampaign jobs stay pending",
                job_ids.len()
            );
            return;
        };
        let messages = job_ids.into_iter().map(|crm_job_id| {
            MessageBuilder::new(Queued::CrmJob { crm_job_id })
                .delay_seconds(delay_seconds)
                .build()
        });
        let batch = BatchMessageBuilder::new().messages(messages).build();
        if let Err(err) = queue.send_batch(batch).await {
            worker::console_error!("could not enqueue ActiveCampaign jobs: {err}");
        }
    }
}

/// What the consumer does with a queue message after an attempt.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Done (delivered, given up, or nothing left to deliver).
    Ack,
    /// Try again after this many seconds.
    RetryAfter(u32),
}

/// Makes one attempt of a queued delivery and records it. `base_delay` is
/// the first retry's delay in seconds (`AUTOMATION_RETRY_SECONDS`, 30 by default).
pub async fn attempt(
    store: &Store,
    secrets: &SecretsKey,
    delivery_id: &str,
    base_delay: u32,
) -> Next {
    let pending = match store.pending_delivery(delivery_id).await {
        Ok(Some(pending)) => pending,
        Ok(None) => return Next::Ack,
        Err(err) => {
            worker::console_error!(
                "automation delivery {delivery_id}: D1 unavailable: {}",
                err.code_and_message().1
            );
            return Next::RetryAfter(base_delay.max(1));
        }
    };
    let secret = match secrets
        .open(Context::Automation(&pending.automation_id), &pending.secret)
        .await
    {
        Ok(secret) => secret,
        Err(err) => {
            // A deployment without its SECRETS_KEY: nothing can be signed; try again later.
            worker::console_error!(
                "automation delivery {delivery_id}: {}",
                err.code_and_message().1
            );
            return Next::RetryAfter(base_delay.max(1));
        }
    };
    let (status, error) =
        match post(&pending.url, &secret, &pending.event_id, &pending.payload).await {
            Ok(status) if (300..400).contains(&status) => {
                (Some(status), Some(REDIRECT_REFUSED.to_string()))
            }
            Ok(status) => (Some(status), None),
            Err(err) => (None, Some(err.to_string())),
        };
    let (state, next) = outcome(status, pending.attempts + 1, base_delay);
    let recorded = Attempt {
        status,
        error: error.as_deref(),
        state,
    };
    if let Err(err) = store.record_attempt(delivery_id, &recorded, now_ms()).await {
        worker::console_error!(
            "automation delivery {delivery_id}: attempt not recorded: {}",
            err.code_and_message().1
        );
    }
    next
}

/// What an attempt (the `attempts`-th, answered with `status` or not at all)
/// makes of the delivery: delivered on a 2xx, failed after the last attempt,
/// else pending with the next retry's delay.
fn outcome(status: Option<u16>, attempts: u32, base_delay: u32) -> (DeliveryState, Next) {
    if status.is_some_and(is_success) {
        (DeliveryState::Delivered, Next::Ack)
    } else if attempts >= MAX_ATTEMPTS {
        (DeliveryState::Failed, Next::Ack)
    } else {
        (
            DeliveryState::Pending,
            Next::RetryAfter(retry_delay(base_delay, attempts)),
        )
    }
}

/// What the delivery log says of a receiver that answered with a redirect.
const REDIRECT_REFUSED: &str =
    "The receiver answered with a redirect; deliveries never follow redirects.";

/// POSTs the body, signed, never following a redirect (a 3xx is the answer); the receiver's status.
async fn post(url: &str, secret: &str, event_id: &str, payload: &str) -> worker::Result<u16> {
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    headers.set("user-agent", "Parley-Automations/1")?;
    headers.set(
        SIGNATURE_HEADER,
        &signature(secret, now_ms() / 1000, payload.as_bytes()),
    )?;
    headers.set(IDEMPOTENCY_HEADER, event_id)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(payload.into()))
        .with_redirect(RequestRedirect::Manual);
    let response = Fetch::Request(Request::new_with_init(url, &init)?)
        .send()
        .await?;
    Ok(response.status_code())
}
