//! Parley's Cloudflare Worker: the visitor chat API, the agent inbox API, and
//! the Email Routing handler, over one D1 database.
//!
//! The event functions stay thin: they take bindings from `Env` and hand the
//! work to the router (`routes`) or the inbound mail flow (`mail`).

mod auth;
mod error;
mod http;
mod ids;
mod mail;
mod routes;
mod store;

use worker::{event, Context, Env, ForwardableEmailMessage, Request, Response, Result};

use crate::error::ApiError;
use crate::store::Store;

fn store(env: &Env) -> Result<Store> {
    Ok(Store::new(env.d1("DB")?))
}

/// HTTP: the JSON API (static assets are served by the platform before this runs).
#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    console_error_panic_hook::set_once();
    match store(&env) {
        Ok(store) => Ok(routes::handle(req, &store).await),
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
    let inbound_domain = env.var("INBOUND_DOMAIN").map(|v| v.to_string()).unwrap_or_default();
    match store(&env) {
        Ok(store) => mail::inbound::receive(&message, &store, &inbound_domain).await,
        Err(err) => {
            worker::console_error!("no D1 binding: {err}");
            message.set_reject("Temporary failure: the mailbox store is unavailable; please resend.");
        }
    }
    Ok(())
}
