//! Parley's Cloudflare Worker: the visitor chat API, the agent inbox API, and
//! the Email Routing handler, over one D1 database.
//!
//! The event functions stay thin: they take bindings from `Env` and hand the
//! work to the router (`routes`) or the inbound mail flow (`mail`).

mod auth;
mod automations;
mod clock;
mod crm;
mod error;
mod graph;
mod http;
mod ids;
mod limits;
mod live;
mod mail;
mod password;
mod routes;
mod secrets;
mod store;
mod webcrypto;

use worker::{
    event, Context, Env, ForwardableEmailMessage, MessageBatch, MessageExt,
    QueueRetryOptionsBuilder, Request, Response, Result, ScheduleContext, ScheduledEvent,
};

use crate::automations::{Next, Outbox, Queued};
use crate::error::ApiError;
use crate::limits::Limits;
pub use crate::live::{InboxHub, VisitorHub};
use crate::mail::inbound::MailEnv;
use crate::routes::App;
use crate::secrets::SecretsKey;
use crate::store::Store;

fn store(env: &Env) -> Result<Store> {
    Ok(Store::new(env.d1("DB")?))
}

fn reply_secret(env: &Env) -> String {
    env.secret("REPLY_SIGNING_SECRET")
        .map(|s| s.to_string())
        .unwrap_or_default()
}

fn setup_token(env: &Env) -> String {
    env.secret("SETUP_TOKEN")
        .map(|s| s.to_string())
        .unwrap_or_default()
}

fn secrets_key(env: &Env) -> SecretsKey {
    SecretsKey::from_hex(
        &env.secret("SECRETS_KEY")
            .map(|s| s.to_string())
            .unwrap_or_default(),
    )
}

/// The Graph API's base URL, version pinned (wrangler.toml); tests point it at a fake.
fn graph_api_base(env: &Env) -> String {
    env.var("GRAPH_API_BASE")
        .map(|v| v.to_string())
        .unwrap_or_else(|_| "https://graph.facebook.com/v21.0".to_string())
}

/// The deployment's public URL (`PUBLIC_URL`, no trailing slash), empty when unset.
fn public_url(env: &Env) -> String {
    env.var("PUBLIC_URL")
        .map(|v| v.to_string().trim().trim_end_matches('/').to_string())
        .unwrap_or_default()
}

fn inbound_domain(env: &Env) -> String {
    env.var("INBOUND_DOMAIN")
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// HTTP: the JSON API (static assets are served by the platform before this runs).
#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    console_error_panic_hook::set_once();
    let bindings =
        store(&env).and_then(|store| Ok((store, env.bucket("RAW_MAIL")?, env.bucket("FILES")?)));
    match bindings {
        Ok((store, raw_mail, files)) => {
            let domain = inbound_domain(&env);
            let secret = reply_secret(&env);
            let outbound = env.send_email("OUTBOUND").ok();
            let setup_token = setup_token(&env);
            let limits = Limits::new(&env);
            let outbox = Outbox::new(&env);
            let secrets = secrets_key(&env);
            let live = live::Live::new(&env);
            let graph_api_base = graph_api_base(&env);
            let public_url = public_url(&env);
            let app = App {
                store: &store,
                raw_mail: &raw_mail,
                files: &files,
                inbound_domain: &domain,
                reply_secret: &secret,
                setup_token: &setup_token,
                outbound: outbound.as_ref(),
                limits: &limits,
                outbox: &outbox,
                secrets: &secrets,
                live: &live,
                graph_api_base: &graph_api_base,
                public_url: &public_url,
            };
            let mut response = routes::handle(req, &app).await;
            // What each call cost in D1, for the suites that hold hot paths to one round trip.
            let _ = response
                .headers_mut()
                .set("x-d1-round-trips", &store.round_trips().to_string());
            Ok(response)
        }
        Err(err) => Ok(ApiError::from(err).into_response()),
    }
}

/// Email Routing: every message sent to a forwarding address of the deployment.
///
/// Never returns `Err` (workers-rs turns that into a panic that kills the
/// isolate); failures are refused with a reason inside `mail::inbound`.
#[event(email)]
async fn email(message: ForwardableEmailMessage, env: Env, _ctx: Context) -> Result<()> {
    console_error_panic_hook::set_once();
    let domain = inbound_domain(&env);
    let reply_secret = reply_secret(&env);
    if reply_secret.is_empty() {
        worker::console_warn!(
            "REPLY_SIGNING_SECRET is not set: replies are threaded by headers only"
        );
    }
    let bindings =
        store(&env).and_then(|store| Ok((store, env.bucket("RAW_MAIL")?, env.bucket("FILES")?)));
    match bindings {
        Ok((store, raw_mail, files)) => {
            let live = live::Live::new(&env);
            let outbox = Outbox::new(&env);
            let mail_env = MailEnv {
                inbound_domain: &domain,
                reply_secret: &reply_secret,
                raw_mail: &raw_mail,
                files: &files,
                live: &live,
                outbox: &outbox,
            };
            mail::inbound::receive(&message, &store, &mail_env).await
        }
        Err(err) => {
            worker::console_error!("no D1 binding: {err}");
            message
                .set_reject("Temporary failure: the mailbox store is unavailable; please resend.");
        }
    }
    Ok(())
}

/// Queue: automation deliveries and ActiveCampaign jobs. One signed attempt
/// per delivery, one job's calls per job message; a message is acknowledged
/// once done or given up, else retried with backoff.
#[event(queue)]
async fn queue(batch: MessageBatch<Queued>, env: Env, _ctx: Context) -> Result<()> {
    console_error_panic_hook::set_once();
    let base_delay = env
        .var("AUTOMATION_RETRY_SECONDS")
        .ok()
        .and_then(|v| v.to_string().parse().ok())
        .unwrap_or(30);
    let store = store(&env)?;
    let secrets = secrets_key(&env);
    let outbox = Outbox::new(&env);
    let public_url = public_url(&env);
    let jobs = crm::jobs::JobEnv {
        secrets: &secrets,
        outbox: &outbox,
        base_delay,
        public_url: &public_url,
    };
    for message in batch.messages()? {
        let next = match message.body() {
            Queued::Delivery { delivery_id } => {
                automations::attempt(&store, &secrets, delivery_id, base_delay).await
            }
            Queued::CrmJob { crm_job_id } => crm::jobs::run(&store, &jobs, crm_job_id).await,
        };
        match next {
            Next::Ack => message.ack(),
            Next::RetryAfter(seconds) => message.retry_with_options(
                &QueueRetryOptionsBuilder::new()
                    .with_delay_seconds(seconds)
                    .build(),
            ),
        }
    }
    Ok(())
}

/// Cron (wrangler.toml's `[triggers]`): the backstop of the snooze alarms,
/// and the renewal of business hours' open spans for response targets.
/// Each account's inbox object keeps its own alarm; should arming it have
/// failed (the snooze is stored first, the alarm set after), this finds the
/// accounts with a conversation overdue and sets their alarms to now.
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    console_error_panic_hook::set_once();
    let now = clock::now_ms();
    let overdue = match store(&env) {
        Ok(store) => store.accounts_overdue(now).await,
        Err(err) => {
            worker::console_error!("no D1 binding: {err}");
            return;
        }
    };
    match overdue {
        Ok(accounts) => {
            let live = live::Live::new(&env);
            for account_id in accounts {
                live.arm_wake(&account_id, now).await;
            }
        }
        Err(err) => worker::console_error!("finding overdue snoozes failed: {err:?}"),
    }
    // Business hours' open spans, written ahead for response targets (routes::sla).
    if let Ok(store) = store(&env) {
        if let Err(err) = routes::renew_hours(&store, now).await {
            worker::console_error!("renewing business hours failed: {err:?}");
        }
        // ActiveCampaign jobs whose queue message was lost (a consumer died
        // holding the lease, or enqueueing failed): queued again.
        match store.stale_crm_jobs(now).await {
            Ok(ids) => Outbox::new(&env).enqueue_crm(ids, 0).await,
            Err(err) => worker::console_error!("finding stale ActiveCampaign jobs failed: {err:?}"),
        }
    }
}
