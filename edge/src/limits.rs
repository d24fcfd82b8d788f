//! Abuse limits, through Cloudflare's Rate Limiting binding. Each limit is one
//! `[[ratelimits]]` binding in wrangler.toml (its count and period live there);
//! a limited call is answered 429 with `Retry-After` before anything is written
//! or any expensive work (PBKDF2) is done.

use worker::{Env, Request};

use crate::error::{ApiError, ApiResult};

/// One kind of limited call, and the binding that counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Sign-in attempts per client IP.
    SignInPerIp,
    /// Sign-in attempts per email address, from browsers without a device cookie for it.
    SignInPerEmail,
    /// Sign-in attempts per device cookie (a browser the agent signed in from before).
    SignInPerDevice,
    /// New widget visitors per client IP.
    VisitorsPerIp,
    /// Chat messages per visitor.
    MessagesPerVisitor,
    /// Form submissions (tickets) per site.
    TicketsPerSite,
    /// Set-up and invitation acceptance per client IP.
    SetupPerIp,
    /// Claims (the Form step's answers and identify calls) per visitor.
    ClaimsPerVisitor,
    /// Claims per client IP.
    ClaimsPerIp,
}

impl Limit {
    /// The wrangler.toml binding name.
    pub const fn binding(self) -> &'static str {
        match self {
            Limit::SignInPerIp => "SIGN_IN_IP_LIMIT",
            Limit::SignInPerEmail => "SIGN_IN_EMAIL_LIMIT",
            Limit::SignInPerDevice => "SIGN_IN_DEVICE_LIMIT",
            Limit::VisitorsPerIp => "VISITOR_LIMIT",
            Limit::MessagesPerVisitor => "MESSAGE_LIMIT",
            Limit::TicketsPerSite => "TICKET_LIMIT",
            Limit::SetupPerIp => "SETUP_LIMIT",
            Limit::ClaimsPerVisitor => "CLAIM_VISITOR_LIMIT",
            Limit::ClaimsPerIp => "CLAIM_IP_LIMIT",
        }
    }

    /// The binding's period in seconds (wrangler.toml's `simple.period`): how
    /// long a limited caller should wait at most.
    pub const fn period_seconds(self) -> u32 {
        60
    }
}

/// The deployment's rate limiters.
pub struct Limits<'a> {
    env: &'a Env,
}

impl<'a> Limits<'a> {
    /// The limiters bound in `env`.
    pub fn new(env: &'a Env) -> Self {
        Self { env }
    }

    /// Counts one call under `key`; `Err(TooManyRequests)` when over the limit.
    /// A missing binding is a deployment error, not a free pass.
    pub async fn check(&self, limit: Limit, key: &str) -> ApiResult<()> {
        let limiter = self.env.rate_limiter(limit.binding())?;
        let outcome = limiter.limit(format!("{}:{key}", limit.binding())).await?;
        if outcome.success {
            Ok(())
        } else {
            worker::console_warn!("{} limited {key}", limit.binding());
            Err(ApiError::TooManyRequests(limit.period_seconds()))
        }
    }
}

/// The client's IP as Cloudflare reports it (`CF-Connecting-IP`).
pub fn client_ip(req: &Request) -> String {
    req.headers()
        .get("cf-connecting-ip")
        .ok()
        .flatten()
        .unwrap_or_else(|| "unknown".into())
}
