//! The Graph API, as far as Messenger needs it: a person's profile and the
//! Send API. The base URL (with its pinned version) is the `GRAPH_API_BASE`
//! var; the Page access token travels in the Authorization header.

use serde::Deserialize;
use serde_json::Value;
use worker::{Fetch, Headers, Method, Request, RequestInit};

use crate::store::Profile;

/// The fields of a profile the inbox shows.
#[derive(Debug, Deserialize)]
struct GraphProfile {
    first_name: Option<String>,
    last_name: Option<String>,
    profile_pic: Option<String>,
}

async fn call(url: &str, token: &str, body: Option<&Value>) -> worker::Result<(u16, String)> {
    let headers = Headers::new();
    headers.set("authorization", &format!("Bearer {token}"))?;
    let mut init = RequestInit::new();
    match body {
        Some(body) => {
            headers.set("content-type", "application/json")?;
            init.with_method(Method::Post)
                .with_body(Some(body.to_string().into()));
        }
        None => {
            init.with_method(Method::Get);
        }
    }
    init.with_headers(headers);
    let mut response = Fetch::Request(Request::new_with_init(url, &init)?)
        .send()
        .await?;
    Ok((response.status_code(), response.text().await?))
}

/// A person's name and picture, or `None` (logged) when the Graph API does not give them.
pub async fn profile(base: &str, token: &str, psid: &str) -> Option<Profile> {
    let url = format!(
        "{}/{psid}?fields=first_name,last_name,profile_pic",
        base.trim_end_matches('/')
    );
    match call(&url, token, None).await {
        Ok((200, text)) => {
            let p: GraphProfile = serde_json::from_str(&text).ok()?;
            let name = [p.first_name, p.last_name]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            Some(Profile {
                name: Some(name).filter(|n| !n.trim().is_empty()),
                picture_url: p.profile_pic,
            })
        }
        Ok((status, text)) => {
            worker::console_warn!("Graph profile of {psid}: {status} {text}");
            None
        }
        Err(e) => {
            worker::console_warn!("Graph profile of {psid}: {e}");
            None
        }
    }
}

/// Sends a Send API body from the Page: Messenger's message id, or the Graph error's message.
pub async fn send(
    base: &str,
    token: &str,
    page_id: &str,
    body: &Value,
) -> Result<Option<String>, String> {
    let url = format!("{}/{page_id}/messages", base.trim_end_matches('/'));
    match call(&url, token, Some(body)).await {
        Ok((status, text)) => shared::messenger::send_outcome(status, &text),
        Err(e) => Err(format!("the Graph API could not be reached: {e}")),
    }
}
