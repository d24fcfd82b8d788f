//! ActiveCampaign's API v3, one call at a time: the base is the account's API
//! URL, the key travels in the `Api-Token` header
//! (developers.activecampaign.com/reference/authentication). Redirects are
//! never followed (the key would go with them).

use serde_json::Value;
use worker::{Fetch, Headers, Method, Request, RequestInit, RequestRedirect};

/// The account's API URL and its (opened) key.
#[derive(Debug, Clone)]
pub struct AcAccount {
    /// `https://<account>.api-us1.com`.
    pub api_url: String,
    /// The API key, opened from its sealed form.
    pub key: String,
}

/// One answer of ActiveCampaign.
#[derive(Debug)]
pub struct AcAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The `Retry-After` header, as sent (a 429's).
    pub retry_after: Option<String>,
    /// The body as text (AC's error messages are read from it).
    pub text: String,
    /// The body as JSON (`Null` when it is not JSON).
    pub json: Value,
}

impl AcAnswer {
    /// Whether ActiveCampaign answered 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Makes one call: `method` on `path` (`/api/3/...`, with its query) under
/// the account's API URL, with `body` as JSON. `Err` when ActiveCampaign could
/// not be reached (the reason, for the call log).
pub async fn call(
    account: &AcAccount,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Result<AcAnswer, String> {
    let url = format!("{}{path}", account.api_url.trim_end_matches('/'));
    send(&url, &account.key, method, body)
        .await
        .map_err(|e| format!("ActiveCampaign could not be reached: {e}"))
}

async fn send(
    url: &str,
    key: &str,
    method: Method,
    body: Option<&Value>,
) -> worker::Result<AcAnswer> {
    let headers = Headers::new();
    headers.set("api-token", key)?;
    headers.set("accept", "application/json")?;
    headers.set("user-agent", "Parley-ActiveCampaign/1")?;
    let mut init = RequestInit::new();
    if let Some(body) = body {
        headers.set("content-type", "application/json")?;
        init.with_body(Some(body.to_string().into()));
    }
    init.with_method(method)
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual);
    let mut response = Fetch::Request(Request::new_with_init(url, &init)?)
        .send()
        .await?;
    let status = response.status_code();
    let retry_after = response.headers().get("retry-after")?;
    let text = response.text().await?;
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Ok(AcAnswer {
        status,
        retry_after,
        text,
        json,
    })
}
